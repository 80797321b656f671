"""The local `ReminderSink`: reminders as VEVENTs in one .ics file (`calendar.reminders_path`).

The file is edited as text, one VEVENT block at a time, so every block we did not write
(events the user added, other calendars' properties) stays byte for byte as it was.
Each block of ours carries `X-FOLLOWUP-KEY` (the action key: how it is found again without
local state) and `X-FOLLOWUP-HASH:<content hash>.<digest of the block's other lines>`: while
the block is exactly as written, its content hash is read from there (no parsing); once a
calendar program rewrote it, the block is parsed and hashed from its fields, so a mere
re-serialisation is not an edit but a changed title, time, text or alarm is.
Every change rewrites the file atomically (a temp file in the same folder, renamed over).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.base import Found, Reminder, Written
from connectors.errors import SourceError, describe_os_error

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
    blocks: dict[str, _Block]  # by action key (the first block when a key repeats)
    duplicates: int


class IcsReminders:
    """A `ReminderSink` over one .ics file; it keeps every VEVENT it did not write."""

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self._cache: tuple[tuple[int, int, int], _Parsed] | None = None
        self._memo: dict[str, Found | None] = {}

    # -- the Protocol ---------------------------------------------------------------------

    def content_hash(self, reminder: Reminder) -> str:
        return _digest(_canonical_of(reminder))

    def find_all(self) -> dict[str, Found]:
        return {key: block.found for key, block in self._read().blocks.items()}

    def create(self, reminder: Reminder) -> Written:
        for _ in range(_ATTEMPTS):
            parsed = self._read()
            existing = parsed.blocks.get(reminder.key)
            if existing is not None:
                # Already there (a pass was killed after writing it): never a second copy.
                return Written(
                    remote_id=existing.found.remote_id,
                    etag=existing.found.etag,
                    content_hash=self.content_hash(reminder),
                )
            lines, block = _render(reminder)
            end = _calendar_end(parsed.lines)
            if end is None and any(line.strip() for line in parsed.lines):
                raise SourceError(f"{self.path}: damaged calendar (no END:VCALENDAR); not written")
            if end is None:  # an empty or new file
                new = [*_EMPTY_CALENDAR[:-1], *lines, _EMPTY_CALENDAR[-1]]
            else:
                new = [*parsed.lines[:end], *lines, *parsed.lines[end:]]
            if self._replace(parsed, new):
                return Written(remote_id=block.remote_id, etag=block.etag, content_hash=block.hash)
        raise SourceError(f"{self.path}: changed by another program during every attempt")

    def update(self, found: Found, reminder: Reminder) -> Written | None:
        for _ in range(_ATTEMPTS):
            parsed = self._read()
            existing = parsed.blocks.get(found.key)
            if existing is None or existing.found.etag != found.etag:
                return None
            lines, block = _render(
                reminder, _next_sequence(parsed.lines[existing.start : existing.end])
            )
            new = [*parsed.lines[: existing.start], *lines, *parsed.lines[existing.end :]]
            if self._replace(parsed, new):
                return Written(remote_id=block.remote_id, etag=block.etag, content_hash=block.hash)
        raise SourceError(f"{self.path}: changed by another program during every attempt")

    def delete(self, found: Found) -> bool:
        for _ in range(_ATTEMPTS):
            parsed = self._read()
            existing = parsed.blocks.get(found.key)
            if existing is None:
                return True
            if existing.found.etag != found.etag:
                return False
            new = [*parsed.lines[: existing.start], *parsed.lines[existing.end :]]
            if self._replace(parsed, new):
                return True
        raise SourceError(f"{self.path}: changed by another program during every attempt")

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
            return _Parsed(stamp=None, lines=(), blocks={}, duplicates=0)
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
        """Write `lines` as the new file unless it changed since `parsed` was read."""
        text = _CRLF.join(lines) + _CRLF
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        except OSError as error:
            raise SourceError(f"{folder}: {describe_os_error(error)}") from error
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
            try:
                os.chmod(temp, self.path.stat().st_mode & 0o777)
            except FileNotFoundError:
                os.chmod(temp, 0o644)
            os.replace(temp, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise SourceError(f"{self.path}: {describe_os_error(error)}") from error
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
    starts_at = reminder.starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=reminder.minutes)
    uid = uid_for(reminder.key)
    stamp_now = _utc(datetime.now(UTC))
    logical = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp_now}",
        f"LAST-MODIFIED:{stamp_now}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{_escape(reminder.title)}",
        f"DESCRIPTION:{_escape(reminder.text)}",
        "TRANSP:TRANSPARENT",
        f"{_KEY}:{_escape(reminder.key)}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_escape(reminder.title)}",
        "TRIGGER;RELATED=START:PT0S",
        "END:VALARM",
        "END:VEVENT",
    ]
    physical = [piece for line in logical for piece in _fold(line)]
    content = _digest(_canonical_of(reminder))
    stamp = f"{content}.{_lines_digest(physical)}"
    hash_lines = _fold(f"{_HASH}:{stamp}")
    at = physical.index("BEGIN:VALARM")
    physical[at:at] = hash_lines
    return physical, _Rendered(remote_id=uid, etag=_etag(physical), hash=content)


def _next_sequence(physical: tuple[str, ...] | list[str]) -> int:
    """One more than the block's SEQUENCE (0 when it has none or an unreadable one)."""
    value = (_own_property(physical, "SEQUENCE") or "").strip()
    return int(value) + 1 if value.isdigit() and len(value) < 9 else 1


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    """RFC 5545 TEXT escaping."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append("\n" if following in ("n", "N") else following)
    return "".join(out)


def _fold(line: str) -> list[str]:
    """RFC 5545 folding: at most 75 octets per line, never inside a UTF-8 sequence."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    pieces.append(current)
    return pieces


# --- parsing -----------------------------------------------------------------------------


def _parse(text: str, stamp: tuple[int, int, int] | None, memo: dict[str, Found | None]) -> _Parsed:
    """The file's lines and our blocks. `memo` (block text -> what it reports) spares
    re-reading the blocks an earlier parse already read; it is refilled with this file's."""
    lines = tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
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
    return _Parsed(stamp=stamp, lines=lines, blocks=blocks, duplicates=duplicates)


def _found(physical: tuple[str, ...]) -> Found | None:
    """What one VEVENT reports, or None when it is not ours."""
    key = _own_property(physical, _KEY)
    if key is None:
        return None
    return Found(
        key=_unescape(key),
        remote_id=_own_property(physical, "UID") or "",
        etag=_etag(physical),
        content_hash=_block_hash(physical),
    )


def _vevents(lines: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """(first, after-last) line index of each VEVENT, at any depth outside another VEVENT."""
    start: int | None = None
    depth = 0
    for index, line in enumerate(lines):
        upper = line.strip().upper()
        if upper == "BEGIN:VEVENT" and start is None:
            start, depth = index, 0
        if start is None:
            continue
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
            if depth == 0:
                yield start, index + 1
                start = None


def _logical(physical: tuple[str, ...] | list[str]) -> list[str]:
    """Unfolded lines."""
    out: list[str] = []
    for line in physical:
        if line[:1] in (" ", "\t") and out:
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


def _own_property(physical: tuple[str, ...] | list[str], name: str) -> str | None:
    """The value of a VEVENT's own property (not one inside its VALARMs)."""
    depth = 0
    for line in _logical(physical):
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
    starts_at = reminder.starts_at.astimezone(UTC)
    return [
        _norm(reminder.title),
        _norm(reminder.text),
        starts_at.isoformat(),
        reminder.minutes * 60,
        [["DISPLAY", "0"]],
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
    start = _when(event.get("DTSTART"))
    end = _when(event.get("DTEND"))
    length: float | None = None
    if isinstance(start, datetime) and isinstance(end, datetime):
        length = (end - start).total_seconds()
    elif event.get("DURATION") is not None:
        duration = getattr(event.get("DURATION"), "dt", None)
        if isinstance(duration, timedelta):
            length = duration.total_seconds()
    alarms = []
    for alarm in event.walk("VALARM"):
        trigger = getattr(alarm.get("TRIGGER"), "dt", None)
        when: str | None = _iso(trigger)
        if isinstance(trigger, timedelta):
            when = str(int(trigger.total_seconds()))
        alarms.append([str(alarm.get("ACTION", "")).upper(), when])
    return [
        _norm(str(event.get("SUMMARY", ""))),
        _norm(str(event.get("DESCRIPTION", ""))),
        _iso(start),
        int(length) if length is not None and length == int(length) else length,
        alarms,
    ]


def _when(prop: object) -> object:
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _iso(value: object) -> str | None:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)


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
