"""Reads mail threads from one mbox file (e.g. a Gmail Takeout export): received and sent.

The file is scanned once, in chunks, keeping only each message's header block and
its byte range; bodies are read afterwards, by seeking, for the threads the caller keeps.
A line starting with `From ` separates messages when it starts the file or when the
next line looks like a header (`Name: value`); an unquoted `From ` line in a body is
therefore usually left in the body, unlike `mailbox.mbox`. A body must never create a
message (a forged "rejection" pasted after a `From ` line): where the headers give the
real boundary it wins, a `Content-Length` that lands on a From_ line, or, for a multipart
message, its closing MIME delimiter (a From_ line before it is body text). Escaped body
lines (`>From `) are read as `From ` (RFC 4155). A damaged message is skipped
with a warning naming the file and the message's number; the rest is read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple
from zoneinfo import ZoneInfo

from connectors._email import (
    DamagedMessage,
    Envelope,
    build_threads,
    envelope_from_headers,
    from_line_date,
)
from connectors.errors import SourceError, describe_os_error
from policy.models import Thread

logger = logging.getLogger(__name__)

_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d{1,12})[ \t]*\r?$")
_BOUNDARY = re.compile(
    rb'(?is)^content-type[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*?boundary="?([^"\s;]+)', re.M
)
# How far past a From_ line a multipart message's closing delimiter is looked for.
_LOOKAHEAD = 1 << 25
_CHUNK = 1 << 22
_BOM = b"\xef\xbb\xbf"


class Scanned(NamedTuple):
    """One message found by the scan: its byte range (From_ line included), number in the
    file, a hash of its bytes after the From_ line, and its envelope (None when its headers
    could not be read)."""

    start: int
    end: int
    number: int
    content_hash: str
    envelope: Envelope | None


class MboxMail:
    """A `MailSource` over one mbox file, re-read on every call."""

    def __init__(self, path: Path, timezone: ZoneInfo) -> None:
        self.path = path
        self.timezone = timezone

    def fingerprint(self) -> tuple[tuple[str, int, int, int], ...]:
        """What changes when the file does (inode, mtime, size); () when it is unreadable."""
        return file_stamps([self.path])

    def scan(self, start: int = 0, *, first_number: int = 1) -> Iterator[Scanned]:
        """Every message from byte `start` (a From_ line, or the end of the file) on,
        streamed: memory stays that of one read chunk however large the file."""
        source = str(self.path)
        try:
            handle = self.path.open("rb")
        except OSError as error:
            raise SourceError(f"{source}: {describe_os_error(error)}") from error
        with handle:
            scan = _Scan(source, self.timezone, keep=False, first_number=first_number)
            try:
                yield from scan.run(handle, start)
            except OSError as error:
                raise SourceError(f"{source}: {describe_os_error(error)}") from error

    def read_span(self, start: int, end: int) -> bytes:
        """One stored message's bytes, as a mail parser should see them."""
        with self.path.open("rb") as handle:
            handle.seek(start)
            return unescape_from_lines(_trim(_without_from_line(handle.read(end - start))))

    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        source = str(self.path)
        try:
            handle = self.path.open("rb")
        except OSError as error:
            raise SourceError(f"{source}: {describe_os_error(error)}") from error
        with handle:
            try:
                scan = _Scan(source, self.timezone)
                for _ in scan.run(handle):
                    pass
            except OSError as error:
                raise SourceError(f"{source}: {describe_os_error(error)}") from error

            def load(positions: Sequence[int]) -> Iterator[tuple[int, bytes]]:
                for position in positions:
                    start, end = scan.spans[position]
                    handle.seek(start)
                    yield position, unescape_from_lines(_trim(handle.read(end - start)))

            def on_body_error(position: int, error: Exception) -> None:
                logger.warning(
                    "%s: message %d: body unreadable (%s); headers kept",
                    source,
                    scan.numbers[position],
                    type(error).__name__,
                )

            try:
                return build_threads(
                    scan.envelopes, keep=keep, load=load, on_body_error=on_body_error
                )
            except OSError as error:
                raise SourceError(f"{source}: {describe_os_error(error)}") from error


class _Scan:
    """One pass over the file: a header-only envelope and a byte range per message.

    The file is read in chunks and searched with `bytes.find`, not line by line: a
    large mailbox is mostly bodies, which this pass only skips over.
    """

    def __init__(
        self, source: str, timezone: ZoneInfo, *, keep: bool = True, first_number: int = 1
    ) -> None:
        self.source = source
        self.timezone = timezone
        self.keep = keep  # keep envelopes and spans in lists (else only yield them)
        self.envelopes: list[Envelope] = []
        self.spans: list[tuple[int, int]] = []  # by envelope position: (start, end) offsets
        self.numbers: list[int] = []  # by envelope position: the message's number in the file
        self.count = first_number - 1
        self._buffer = b""
        self._base = 0  # file offset of self._buffer[0]
        self._done = 0  # bytes before this offset may be forgotten
        self._eof = False
        self._handle: BinaryIO | None = None

    def run(self, handle: BinaryIO, start: int = 0) -> Iterator[Scanned]:
        self._handle = handle
        if start:
            handle.seek(start)
            self._base = self._done = start
        first = self._first_message(at_start=start == 0)
        while first is not None:
            from_end = self._line_end(first)
            next_from = self._next_separator(from_end)
            end = next_from if next_from is not None else self._base + len(self._buffer)
            headers_end = self._blank_line(from_end, end)
            block = self._slice(from_end, headers_end)
            body_start = self._line_end(headers_end) if headers_end < end else end
            real = self._real_end(block, body_start, end)
            if real is not None:
                next_from = real if real >= 0 else None
                end = real if real >= 0 else self._base + len(self._buffer)
            envelope = self._finish(from_end, end, self._slice(first, from_end), block)
            if not self.keep:
                digest = hashlib.blake2b(  # the From_ line is the writer's, not the message's
                    memoryview(self._buffer)[from_end - self._base : end - self._base],
                    digest_size=16,
                ).hexdigest()
                yield Scanned(first, end, self.count, digest, envelope)
            self._drop(end)
            first = next_from

    def _real_end(self, block: bytes, body_start: int, end: int) -> int | None:
        """Where the message really ends when its headers say so and the `From ` line found
        at `end` lies inside its body (a body must never create a message): the
        Content-Length boundary where one is declared and a From_ line (or the end of the
        file) is there; else, for a multipart message, the first separator after its
        closing MIME delimiter. -1 means the end of the file; None: `end` stands."""
        # Most header blocks have neither field: a substring test (ASCII case folded, as the
        # patterns' own IGNORECASE on bytes) spares the two multi-line searches.
        lower = block.lower()
        length = _CONTENT_LENGTH.search(block) if b"content-length" in lower else None
        if length is not None:
            stop = body_start + int(length.group(1))
            found = self._separator_at(stop) if stop <= end + _LOOKAHEAD else None
            if found is not None:
                return found if found != end else None
        boundary = _BOUNDARY.search(block) if b"boundary" in lower else None
        if boundary is None:
            return None
        closing = b"\n--" + boundary.group(1).strip(b'"') + b"--"
        if self._find_before(closing, body_start - 1, end) >= 0:
            return None  # closed before the separator: the separator is real
        close = self._find_before(closing, end, end + _LOOKAHEAD)
        if close < 0:
            return None  # never closed (truncated): trust the separator
        after = self._next_separator(self._line_end(close + 1))
        return after if after is not None else -1

    def _separator_at(self, offset: int) -> int | None:
        """A From_ line at `offset` (after the blank line writers add), or -1 at the end of
        the file; None when neither is there."""
        while len(self._buffer) + self._base < offset + 8 and self._fill():
            pass
        at = offset
        for _ in range(2):
            line = self._slice(at, at + 5)
            if line == b"From " and (at == 0 or self._slice(at - 1, at) == b"\n"):
                return at
            if at >= self._base + len(self._buffer) and not line:
                return -1
            if line.startswith(b"\r\n"):
                at += 2
            elif line.startswith(b"\n"):
                at += 1
            else:
                return None
        return None

    # -- the sliding buffer: absolute file offsets in, bytes out --

    def _fill(self) -> bool:
        assert self._handle is not None
        if self._eof:
            return False
        data = self._handle.read(_CHUNK)
        if not data:
            self._eof = True
            return False
        consumed = self._done - self._base
        self._buffer = self._buffer[consumed:] + data
        self._base = self._done
        return True

    def _drop(self, offset: int) -> None:
        """The bytes before `offset` are no longer needed (forgotten at the next read)."""
        self._done = offset

    def _slice(self, start: int, end: int) -> bytes:
        return self._buffer[start - self._base : end - self._base]

    def _find(self, needle: bytes, start: int) -> int:
        """Absolute offset of `needle` at or after `start`, reading on as needed; -1 at EOF."""
        while True:
            found = self._buffer.find(needle, start - self._base)
            if found >= 0:
                return found + self._base
            start = max(start, self._base + len(self._buffer) - len(needle) + 1)
            if not self._fill():
                return -1

    def _find_before(self, needle: bytes, start: int, limit: int) -> int:
        """Like `_find`, but gives up (-1) once `limit` is passed: a bounded look-ahead."""
        while True:
            found = self._buffer.find(needle, start - self._base)
            if found >= 0:
                at = found + self._base
                return at if at < limit else -1
            start = max(start, self._base + len(self._buffer) - len(needle) + 1)
            if start >= limit or not self._fill():
                return -1

    def _line_end(self, start: int) -> int:
        """Offset just after the line starting at `start` (the end of the file at worst)."""
        newline = self._find(b"\n", start)
        return newline + 1 if newline >= 0 else self._base + len(self._buffer)

    # -- the mbox structure --

    def _first_message(self, *, at_start: bool = True) -> int | None:
        """Offset of the first From_ line: leading BOM and blank lines allowed, else refused."""
        while self._fill() and len(self._buffer) < 4096:
            pass
        start = self._base
        if at_start and self._buffer.startswith(_BOM):
            start = len(_BOM)
        while True:
            end = self._line_end(start)
            line = self._slice(start, end)
            if not line:
                return None
            if line.strip():
                break
            start = end
        if not line.startswith(b"From "):
            raise SourceError(f"{self.source}: not an mbox file (no 'From ' line first)")
        return start

    def _next_separator(self, start: int) -> int | None:
        """The next From_ line: `From ` at a line start, followed by a header-like line."""
        at = start - 1  # the newline ending the previous line
        while True:
            found = self._find(b"\nFrom ", at)
            if found < 0:
                return None
            line_start = found + 1
            next_start = self._line_end(line_start)
            next_end = self._line_end(next_start)
            if _HEADER_LINE.match(self._slice(next_start, next_end)):
                return line_start
            at = line_start

    def _blank_line(self, start: int, end: int) -> int:
        """Where the header block that begins at `start` ends: the first empty line, or `end`."""
        buffer, base = self._buffer, self._base
        if buffer[start - base : start - base + 1] == b"\n":
            return start
        if buffer[start - base : start - base + 2] == b"\r\n":
            return start
        found = [
            at + 1
            for at in (
                buffer.find(b"\n\n", start - base, end - base),
                buffer.find(b"\n\r\n", start - base, end - base),
            )
            if at >= 0
        ]
        return min(found) + base if found else end

    def _finish(self, start: int, end: int, from_line: bytes, block: bytes) -> Envelope | None:
        self.count += 1
        number = self.count
        try:
            envelope = envelope_from_headers(
                block,
                timezone=self.timezone,
                position=len(self.envelopes),
                fallback_sent_at=lambda: from_line_date(from_line),
            )
        except DamagedMessage as error:
            logger.warning("%s: message %d skipped: %s", self.source, number, error.reason)
            return None
        except Exception as error:  # one damaged message must not stop the others
            logger.warning(
                "%s: message %d skipped: unreadable headers (%s)",
                self.source,
                number,
                type(error).__name__,
            )
            return None
        if self.keep:
            self.envelopes.append(envelope)
            self.spans.append((start, end))
            self.numbers.append(number)
        return envelope


_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def unescape_from_lines(raw: bytes) -> bytes:
    """A body line the writer escaped (`>From `, `>>From `) read as written (RFC 4155).

    mboxrd writers add one `>` to every `>*From ` line and mboxo writers to `From ` lines;
    removing one `>` undoes both (an mboxo body's own `>From ` loses its `>`, the one
    ambiguity of that format)."""
    if b">From " not in raw:
        return raw
    return _ESCAPED_FROM.sub(rb"\1", raw)


def _without_from_line(raw: bytes) -> bytes:
    newline = raw.find(b"\n")
    return raw[newline + 1 :] if raw.startswith(b"From ") and newline >= 0 else raw


def file_stamps(paths: Sequence[Path]) -> tuple[tuple[str, int, int, int], ...]:
    """(path, inode, mtime, size) per file; () when one cannot be read."""
    stamps = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            return ()
        stamps.append((str(path), info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def _trim(raw: bytes) -> bytes:
    """Drop the empty line an mbox writer puts before the next From_ line."""
    if raw.endswith(b"\r\n\r\n"):
        return raw[:-2]
    if raw.endswith(b"\n\n"):
        return raw[:-1]
    return raw
