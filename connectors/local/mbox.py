"""Reads mail threads from one mbox file (e.g. a Gmail Takeout export): received and sent.

The file is scanned once, in chunks, keeping only each message's header block and
its byte range; bodies are read afterwards, by seeking, for the threads the caller keeps.
A line starting with `From ` separates messages when it starts the file or when the
next line looks like a header (`Name: value`); an unquoted `From ` line in a body is
therefore usually left in the body, unlike `mailbox.mbox`. A damaged message is skipped
with a warning naming the file and the message's number; the rest is read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from connectors._email import (
    MESSAGE_BYTES,
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
_CHUNK = 1 << 22
_BOM = b"\xef\xbb\xbf"


class MboxMail:
    """A `MailSource` over one mbox file, re-read on every call."""

    def __init__(self, path: Path, timezone: ZoneInfo) -> None:
        self.path = path
        self.timezone = timezone

    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        source = str(self.path)
        try:
            handle = self.path.open("rb")
        except OSError as error:
            raise SourceError(f"{source}: {describe_os_error(error)}") from error
        with handle:
            try:
                scan = _Scan(source, self.timezone)
                scan.run(handle)
            except OSError as error:
                raise SourceError(f"{source}: {describe_os_error(error)}") from error

            def load(positions: Sequence[int]) -> Iterator[tuple[int, bytes]]:
                for position in positions:
                    start, end = scan.spans[position]
                    handle.seek(start)
                    yield position, _trim(handle.read(min(end - start, MESSAGE_BYTES + 1)))

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

    def __init__(self, source: str, timezone: ZoneInfo) -> None:
        self.source = source
        self.timezone = timezone
        self.envelopes: list[Envelope] = []
        self.spans: list[tuple[int, int]] = []  # by envelope position: (start, end) offsets
        self.numbers: list[int] = []  # by envelope position: the message's number in the file
        self.count = 0
        self._buffer = bytearray()  # appended in place: linear even for one huge message
        self._base = 0  # file offset of self._buffer[0]
        self._done = 0  # bytes before this offset may be forgotten
        self._eof = False
        self._handle: BinaryIO | None = None

    def run(self, handle: BinaryIO) -> None:
        self._handle = handle
        first = self._first_message()
        while first is not None:
            from_end = self._line_end(first)
            next_from = self._next_separator(from_end)
            end = next_from if next_from is not None else self._base + len(self._buffer)
            headers_end = self._blank_line(from_end, end)
            self._finish(
                from_end,
                end,
                self._slice(first, from_end),
                self._slice(from_end, headers_end),
            )
            self._drop(end)
            first = next_from

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
        del self._buffer[:consumed]
        self._buffer += data
        self._base = self._done
        return True

    def _drop(self, offset: int) -> None:
        """The bytes before `offset` are no longer needed (forgotten at the next read)."""
        self._done = offset

    def _slice(self, start: int, end: int) -> bytes:
        return bytes(self._buffer[start - self._base : end - self._base])

    def _find(self, needle: bytes, start: int) -> int:
        """Absolute offset of `needle` at or after `start`, reading on as needed; -1 at EOF."""
        while True:
            found = self._buffer.find(needle, start - self._base)
            if found >= 0:
                return found + self._base
            start = max(start, self._base + len(self._buffer) - len(needle) + 1)
            if not self._fill():
                return -1

    def _line_end(self, start: int) -> int:
        """Offset just after the line starting at `start` (the end of the file at worst)."""
        newline = self._find(b"\n", start)
        return newline + 1 if newline >= 0 else self._base + len(self._buffer)

    # -- the mbox structure --

    def _first_message(self) -> int | None:
        """Offset of the first From_ line: leading BOM and blank lines allowed, else refused."""
        while self._fill() and len(self._buffer) < 4096:
            pass
        start = len(_BOM) if self._buffer.startswith(_BOM) else 0
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

    def _finish(self, start: int, end: int, from_line: bytes, block: bytes) -> None:
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
            return
        except Exception as error:  # one damaged message must not stop the others
            logger.warning(
                "%s: message %d skipped: unreadable headers (%s)",
                self.source,
                number,
                type(error).__name__,
            )
            return
        self.envelopes.append(envelope)
        self.spans.append((start, end))
        self.numbers.append(number)


def _trim(raw: bytes) -> bytes:
    """Drop the empty line an mbox writer puts before the next From_ line."""
    if raw.endswith(b"\r\n\r\n"):
        return raw[:-2]
    if raw.endswith(b"\n\n"):
        return raw[:-1]
    return raw
