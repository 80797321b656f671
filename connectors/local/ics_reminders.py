"""The local `ReminderSink`: reminders as VEVENTs in one .ics file (`calendar.reminders_path`).

The file is edited as text, one VEVENT block at a time, so every block we did not write
(events the user added, other calendars' properties) stays byte for byte as it was.
Each block of ours carries `X-FOLLOWUP-KEY` (the action key: how it is found again without
local state) and `X-FOLLOWUP-HASH:<content hash>.<digest of the block's other lines>`: while
the block is exactly as written, its content hash is read from there (no parsing); once a
calendar program rewrote it, the block is parsed and hashed from its fields, so a mere
re-serialisation is not an edit but a changed title, time, text or alarm is.
Every change rewrites the file atomically (a temp file in the same folder, renamed over),
with mode 0600 (the file holds recruiters' names); inside `batch()` the changes of a whole
pass are made in memory and written once. Blocks are found on unfolded lines only, so a
title padded until `END:VEVENT` starts a folded continuation line cannot cut a block, and
each line keeps its own line ending (an LF-only event of the user's stays LF-only).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors import hygiene
from connectors.base import Found, Reminder, Written
from connectors.errors import SourceError, describe_os_error
from connectors.local.ics_lines import escape, fold, logical, logical_end, unescape
from connectors.reminder_times import next_sequence, times_of, times_of_event, utc_stamp
from policy.errors import WriteError

_KEY = "X-FOLLOWUP-KEY"
_HASH = "X-FOLLOWUP-HASH"
_CRLF = "\r\n"
_EMPTY_CALENDAR = (
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//followup//reminders//EN",
    "CALSCALE:GREGORIAN",
    "X-WR-CALNAME:followup reminders",
    "END:VCALENDAR",
)
# How often a write retries when another program changed the file while we were writing.
_ATTEMPTS = 3
# One physical line with its own ending (CRLF, LF or a lone CR), or a last line without one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")
_MODE = 0o600


def uid_for(key: str) -> str:
    """A stable UID for an action key: the same reminder keeps its UID when it is moved."""
    return f"followup-{hashlib.sha256(key.encode()).hexdigest()[:24]}@followup"


@dataclass(frozen=True, slots=True)
class _Block:
    """One of our VEVENTs: where it sits in the file's lines, and what it says."""

    start: int  # index of its BEGIN:VEVENT line
    end: int  # index just after its END:VEVENT line
    found: Found


@dataclass(frozen=True, slots=True)
class _Parsed:
    stamp: tuple[int, int, int] | None  # the file's (inode, mtime, size) when read
    lines: tuple[str, ...]  # physical lines, without line endings
    raw: tuple[str, ...]  # the same lines with their endings, as they are written back
    blocks: dict[str, _Block]  # by action key (the first block when a key repeats)
    duplicates: int


_NOTHING = _Parsed(stamp=None, lines=(), raw=(), blocks={}, duplicates=0)


@dataclass(slots=True)
class _Batch:
    """The writes of one `batch()`, made in memory: new blocks, and replaced or deleted ones
    (None) with the etag each had when the batch first changed it."""

    creates: dict[str, tuple[list[str], _Rendered]]
    replaces: dict[str, list[str] | None]
    expected: dict[str, str]


class IcsReminders:
    """A `ReminderSink` over one .ics file; it keeps every VEVENT it did not write."""

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self._cache: tuple[tuple[int, int, int], _Parsed] | None = None
        self._memo: dict[str, Found | None] = {}
        self._batch: _Batch | None = None

    # -- the Protocol ---------------------------------------------------------------------

    def content_hash(self, reminder: Reminder) -> str:
        return _digest(_canonical_of(reminder))

    def find_all(self) -> dict[str, Found]:
        return {key: block.found for key, block in self._read().blocks.items()}

    def create(self, reminder: Reminder) -> Written:
        if self._batch is not None:
            return self._batch_create(self._batch, reminder)
        for _ in range(_ATTEMPTS):
            parsed = self._read()
            existing = parsed.blocks.get(reminder.key)
            if existing is not None:
                # Already there (a pass was killed after writing it): never a second copy.
                return self._as_written(existing, reminder)
            lines, block = _render(reminder)
            if self._replace(parsed, self._with_blocks(parsed, {}, [lines])):
                return Written(remote_id=block.remote_id, etag=block.etag, content_hash=block.hash)
        raise WriteError(f"{self.path}: changed by another program during every attempt")

    def update(self, found: Found, reminder: Reminder) -> Written | None:
        if self._batch is not None:
            return self._batch_update(self._batch, found, reminder)
        for _ in range(_ATTEMPTS):
            parsed = self._read()
            existing = parsed.blocks.get(found.key)
            if existing is None or existing.found.etag != found.etag:
                return None
            lines, block = _render(
                reminder, _sequence_after(parsed.lines[existing.start : existing.end])
            )
            if self._replace(parsed, self._with_blocks(parsed, {found.key: lines}, [])):
                return Written(remote_id=block.remote_id, etag=block.etag, content_hash=block.hash)
        raise WriteError(f"{self.path}: changed by another program during every attempt")

    def delete(self, found: Found) -> bool:
        if self._batch is not None:
            return self._batch_delete(self._batch, found)
        for _ in range(_ATTEMPTS):
            parsed = self._read()
            existing = parsed.blocks.get(found.key)
            if existing is None:
                return True
            if existing.found.etag != found.etag:
                return False
            if self._replace(parsed, self._with_blocks(parsed, {found.key: None}, [])):
                return True
        raise WriteError(f"{self.path}: changed by another program during every attempt")

    # -- many changes, one write ----------------------------------------------------------

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make the creates, updates and deletes inside one write of the file, at the end.

        What they return holds once the block exits normally; if the final write fails it
        raises `WriteError` and the file is as it was (the caller's intents stay open).
        A block left by an exception writes nothing.
        """
        if self._batch is not None:
            yield
            return
        self._batch = _Batch(creates={}, replaces={}, expected={})
        try:
            yield
        except BaseException:
            self._batch = None
            raise
        batch, self._batch = self._batch, None
        if batch.creates or batch.replaces:
            self._flush(batch)

    def _batch_create(self, batch: _Batch, reminder: Reminder) -> Written:
        existing = self._read().blocks.get(reminder.key)
        if existing is not None and batch.replaces.get(reminder.key, []) is not None:
            return self._as_written(existing, reminder)
        lines, block = _render(reminder)
        if existing is not None:  # deleted earlier in this batch: written again in its place
            batch.replaces[reminder.key] = lines
        else:
            batch.creates[reminder.key] = (lines, block)
        return Written(remote_id=block.remote_id, etag=block.etag, content_hash=block.hash)

    def _batch_update(self, batch: _Batch, found: Found, reminder: Reminder) -> Written | None:
        key = found.key
        previous: list[str] | tuple[str, ...] = ()
        if key in batch.creates:
            current: str | None = batch.creates[key][1].etag
        elif key in batch.replaces:
            pending = batch.replaces[key]
            current = None if pending is None else _etag(pending)
            previous = pending or ()
        else:
            parsed = self._read()
            existing = parsed.blocks.get(key)
            current = None if existing is None else existing.found.etag
            if existing is not None:
                previous = parsed.lines[existing.start : existing.end]
        if current is None or current != found.etag:
            return None
        lines, block = _render(reminder, _sequence_after(previous) if previous else 0)
        if key in batch.creates:
            batch.creates[key] = (lines, block)
        else:
            batch.expected.setdefault(key, found.etag)
            batch.replaces[key] = lines
        return Written(remote_id=block.remote_id, etag=block.etag, content_hash=block.hash)

    def _batch_delete(self, batch: _Batch, found: Found) -> bool:
        key = found.key
        if key in batch.creates:
            if batch.creates[key][1].etag != found.etag:
                return False
            del batch.creates[key]
            return True
        if key in batch.replaces:
            pending = batch.replaces[key]
            if pending is not None and _etag(pending) != found.etag:
                return False
        else:
            existing = self._read().blocks.get(key)
            if existing is None:
                return True
            if existing.found.etag != found.etag:
                return False
            batch.expected[key] = found.etag
        batch.replaces[key] = None
        return True

    def _flush(self, batch: _Batch) -> None:
        """Write a batch's changes in one go, unless another program changed our blocks."""
        for _ in range(_ATTEMPTS):
            parsed = self._read()
            for key, etag in batch.expected.items():
                block = parsed.blocks.get(key)
                if block is None or block.found.etag != etag:
                    raise WriteError(
                        f"{self.path}: a reminder was changed by another program during the "
                        "pass; nothing written, the next pass retries"
                    )
            creates = [
                lines for key, (lines, _) in batch.creates.items() if key not in parsed.blocks
            ]
            if self._replace(parsed, self._with_blocks(parsed, batch.replaces, creates)):
                return
        raise WriteError(f"{self.path}: changed by another program during every attempt")

    def _as_written(self, existing: _Block, reminder: Reminder) -> Written:
        return Written(
            remote_id=existing.found.remote_id,
            etag=existing.found.etag,
            content_hash=self.content_hash(reminder),
        )

    def _with_blocks(
        self, parsed: _Parsed, replaces: dict[str, list[str] | None], creates: list[list[str]]
    ) -> list[str]:
        """The file's lines (with their endings) with our blocks replaced or removed (None)
        and new blocks added before END:VCALENDAR; ours are written with CRLF."""
        out: list[str] = []
        at = 0
        spans = sorted(
            (parsed.blocks[key].start, parsed.blocks[key].end, lines)
            for key, lines in replaces.items()
            if key in parsed.blocks
        )
        for start, end, lines in spans:
            out.extend(parsed.raw[at:start])
            if lines is not None:
                out.extend(line + _CRLF for line in lines)
            at = end
        out.extend(parsed.raw[at:])
        if not creates:
            return out
        added = [line + _CRLF for lines in creates for line in lines]
        end_at = _calendar_end(tuple(line.rstrip("\r\n") for line in out))
        if end_at is None and any(line.strip() for line in out):
            raise WriteError(f"{self.path}: damaged calendar (no END:VCALENDAR); not written")
        if end_at is None:  # an empty or new file
            head = [line + _CRLF for line in _EMPTY_CALENDAR[:-1]]
            return [*head, *added, _EMPTY_CALENDAR[-1] + _CRLF]
        return [*out[:end_at], *added, *out[end_at:]]

    # -- reading and writing the file -----------------------------------------------------

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SourceError(f"{self.path}: {describe_os_error(error)}") from error
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def _read(self) -> _Parsed:
        """The file's lines and our blocks; re-parsed only when the file changed."""
        stamp = self._stat()
        if stamp is None:
            return _NOTHING
        if self._cache is not None and self._cache[0] == stamp:
            return self._cache[1]
        try:
            data = self.path.read_bytes()
        except OSError as error:
            raise SourceError(f"{self.path}: {describe_os_error(error)}") from error
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceError(
                f"{self.path}: not UTF-8; followup writes reminders only into its own UTF-8 file"
            ) from None
        if text.strip() and "BEGIN:VCALENDAR" not in text.upper():
            raise SourceError(f"{self.path}: not an iCalendar file (no BEGIN:VCALENDAR)")
        parsed = _parse(text, stamp, self._memo)
        self._cache = (stamp, parsed)
        return parsed

    def _replace(self, parsed: _Parsed, lines: list[str]) -> bool:
        """Write `lines` (with their endings) as the new file unless it changed since
        `parsed` was read."""
        text = "".join(lines)
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        except OSError as error:
            raise WriteError(f"{folder}: {describe_os_error(error)}") from error
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(text.encode("utf-8"))
                if self.durable:
                    out.flush()
                    os.fsync(out.fileno())
            if self._stat() != parsed.stamp:
                os.unlink(temp)
                self._cache = None
                return False
            os.chmod(temp, _MODE)
            os.replace(temp, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise WriteError(f"{self.path}: {describe_os_error(error)}") from error
        stamp = self._stat()
        if stamp is not None:
            self._cache = (stamp, _parse(text, stamp, self._memo))
        return True


# --- rendering ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rendered:
    remote_id: str
    etag: str
    hash: str


def _render(reminder: Reminder, sequence: int = 0) -> tuple[list[str], _Rendered]:
    """The VEVENT's physical lines, and what `find_all` will report for it. A moved or
    changed reminder has a higher SEQUENCE and a new LAST-MODIFIED (RFC 5545 3.8.7), so
    calendar programs that cache it take the new version."""
    if hygiene.has_controls(reminder.key):
        # Found again by its key: one that cannot be written as it is would repeat forever.
        raise WriteError(f"reminder {reminder.key!r} not written: its key holds controls")
    starts_at = reminder.starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=reminder.minutes)
    uid = uid_for(reminder.key)
    stamp_now = utc_stamp(datetime.now(UTC))
    logical = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp_now}",
        f"LAST-MODIFIED:{stamp_now}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{utc_stamp(starts_at)}",
        f"DTEND:{utc_stamp(ends_at)}",
        f"SUMMARY:{escape(reminder.title)}",
        f"DESCRIPTION:{escape(reminder.text)}",
        "TRANSP:TRANSPARENT",
        f"{_KEY}:{escape(reminder.key)}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape(reminder.title)}",
        "TRIGGER;RELATED=START:PT0S",
        "END:VALARM",
        "END:VEVENT",
    ]
    physical = [piece for line in logical for piece in fold(line)]
    content = _digest(_canonical_of(reminder))
    stamp = f"{content}.{_lines_digest(physical)}"
    hash_lines = fold(f"{_HASH}:{stamp}")
    at = physical.index("BEGIN:VALARM")
    physical[at:at] = hash_lines
    return physical, _Rendered(remote_id=uid, etag=_etag(physical), hash=content)


def _sequence_after(physical: tuple[str, ...] | list[str]) -> int:
    """One more than the block's SEQUENCE."""
    return next_sequence(_own_property(physical, "SEQUENCE"))


# --- parsing -----------------------------------------------------------------------------


def _parse(text: str, stamp: tuple[int, int, int] | None, memo: dict[str, Found | None]) -> _Parsed:
    """The file's lines and our blocks. `memo` (block text -> what it reports) spares
    re-reading the blocks an earlier parse already read; it is refilled with this file's."""
    raw = tuple(_LINE.findall(text))
    lines = tuple(line.rstrip("\r\n") for line in raw)
    blocks: dict[str, _Block] = {}
    duplicates = 0
    seen: dict[str, Found | None] = {}
    for start, end in _vevents(lines):
        physical = lines[start:end]
        joined = "\n".join(physical)
        found = memo[joined] if joined in memo else _found(physical)
        seen[joined] = found
        if found is None:
            continue  # not ours: kept as it is
        if found.key in blocks:
            duplicates += 1
            continue
        blocks[found.key] = _Block(start=start, end=end, found=found)
    memo.clear()
    memo.update(seen)
    return _Parsed(stamp=stamp, lines=lines, raw=raw, blocks=blocks, duplicates=duplicates)


def _found(physical: tuple[str, ...]) -> Found | None:
    """What one VEVENT reports, or None when it is not ours."""
    key = _own_property(physical, _KEY)
    if key is None:
        return None
    return Found(
        key=unescape(key),
        remote_id=_own_property(physical, "UID") or "",
        etag=_etag(physical),
        content_hash=_block_hash(physical),
    )


def _vevents(lines: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """(first, after-last) line index of each VEVENT, at any depth outside another VEVENT.

    Only unfolded (logical) lines open or close a block: a continuation line (one that
    starts with a space or a tab) is part of the line before it, whatever it says.
    """
    start: int | None = None
    depth = 0
    for index, upper in _markers(lines):
        if upper == "BEGIN:VEVENT" and start is None:
            start, depth = index, 0
        if start is None:
            continue
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
            if depth == 0:
                yield start, logical_end(lines, index)
                start = None


def _markers(lines: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(index, upper-cased unfolded text) of each logical BEGIN:/END: line."""
    for index, line in enumerate(lines):
        if line[:1] in ("B", "b", "E", "e") and line[:6].upper().startswith(("BEGIN:", "END:")):
            end = logical_end(lines, index)
            whole = (
                line if end == index + 1 else line + "".join(x[1:] for x in lines[index + 1 : end])
            )
            yield index, whole.rstrip().upper()


def _own_property(physical: tuple[str, ...] | list[str], name: str) -> str | None:
    """The value of a VEVENT's own property (not one inside its VALARMs)."""
    depth = 0
    for line in logical(physical):
        head, _, value = line.partition(":")
        upper = head.strip().upper()
        if upper == "BEGIN":
            depth += 1
        elif upper == "END":
            depth -= 1
        elif depth == 1 and upper.split(";", 1)[0] == name:
            return value
    return None


def _etag(physical: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha256("\n".join(physical).encode("utf-8")).hexdigest()[:20]


def _lines_digest(physical: tuple[str, ...] | list[str]) -> str:
    """A digest of a block's lines other than X-FOLLOWUP-HASH (and its folds)."""
    kept: list[str] = []
    skipping = False
    for line in physical:
        if line[:1] in (" ", "\t") and skipping:
            continue
        skipping = line.upper().startswith(_HASH + ":")
        if not skipping:
            kept.append(line)
    return hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()[:20]


def _block_hash(physical: tuple[str, ...]) -> str:
    """The content hash of one of our blocks as it stands now."""
    stamp = _own_property(physical, _HASH) or ""
    content, _, lines_digest = stamp.partition(".")
    if content and lines_digest == _lines_digest(physical):
        return content  # untouched since we wrote it
    return _digest(_canonical_of_block(physical))


def _canonical_of(reminder: Reminder) -> list[Any]:
    return [
        _norm(hygiene.multiline(reminder.title)),
        _norm(hygiene.multiline(reminder.text)),
        *times_of(reminder),
    ]


def _canonical_of_block(physical: tuple[str, ...]) -> list[Any]:
    """The same fields as `_canonical_of`, read from a block another program may have
    re-serialised (TZID times, other folding, escaped text)."""
    from icalendar import Calendar

    text = _CRLF.join(("BEGIN:VCALENDAR", "VERSION:2.0", *physical, "END:VCALENDAR", ""))
    try:
        event = next(iter(Calendar.from_ical(text).walk("VEVENT")))
    except Exception as error:  # damaged by hand: unreadable counts as changed
        return ["unreadable", type(error).__name__, _etag(physical)]
    summary, description = str(event.get("SUMMARY", "")), str(event.get("DESCRIPTION", ""))
    return [_norm(summary), _norm(description), *times_of_event(event)]


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _digest(canonical: list[Any]) -> str:
    encoded = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]


def _calendar_end(lines: tuple[str, ...]) -> int | None:
    """Index of the last END:VCALENDAR line, where new VEVENTs go."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip().upper() == "END:VCALENDAR":
            return index
    return None
