"""Reads mail threads from one mbox file (e.g. a Gmail Takeout export): received and sent.

The file is scanned once, streamed (`mbox_scan.py`), keeping only each message's header
block and its byte range; bodies are read afterwards, by seeking, for the threads the
caller keeps, at most `MESSAGE_BYTES` of each. Where a message ends, and why a body can
never create a message, is told in `mbox_scan.py` and `mbox_boundary.py`. Escaped body
lines (`>From `) are read as `From ` (RFC 4155). A damaged message is skipped with a
warning naming the file and the message's number; the rest is read.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors._email import MESSAGE_BYTES, build_threads
from connectors.errors import SourceError, describe_os_error
from connectors.local.mbox_scan import Scanned, Scanner
from policy.models import Thread

__all__ = ["MboxMail", "Scanned", "file_stamps", "unescape_from_lines"]

logger = logging.getLogger(__name__)
_FROM_LINE = 1 << 10  # read with a message's bytes, for its From_ line


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
            scan = Scanner(source, self.timezone, keep=False, first_number=first_number)
            try:
                yield from scan.run(handle, start)
            except OSError as error:
                raise SourceError(f"{source}: {describe_os_error(error)}") from error

    def read_span(self, start: int, end: int) -> bytes:
        """One stored message's bytes, as a mail parser should see them: at most one byte
        more than `MESSAGE_BYTES` (the parser cuts there, with a line)."""
        with self.path.open("rb") as handle:
            handle.seek(start)
            raw = handle.read(min(end - start, _FROM_LINE + MESSAGE_BYTES + 1))
        whole = len(raw) == end - start
        raw = _without_from_line(raw)[: MESSAGE_BYTES + 1]
        return unescape_from_lines(_trim(raw) if whole else raw)

    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        source = str(self.path)
        try:
            handle = self.path.open("rb")
        except OSError as error:
            raise SourceError(f"{source}: {describe_os_error(error)}") from error
        with handle:
            try:
                scan = Scanner(source, self.timezone)
                for _ in scan.run(handle):
                    pass
            except OSError as error:
                raise SourceError(f"{source}: {describe_os_error(error)}") from error

            def load(positions: Sequence[int]) -> Iterator[tuple[int, bytes]]:
                for position in positions:
                    start, end = scan.spans[position]
                    handle.seek(start)
                    raw = handle.read(min(end - start, MESSAGE_BYTES + 1))
                    yield position, unescape_from_lines(_trim(raw))

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
