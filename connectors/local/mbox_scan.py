"""The mbox scanner: one streamed pass finding each message's byte range and header block.

The file is read in chunks and searched with `bytes.find`, not line by line: a large
mailbox is mostly bodies, which this pass only skips over. Memory stays one read chunk
plus one header block (at most `HEADER_BYTES`) whatever the size of a message: a body is
hashed and searched (for its MIME closing delimiter and `>From ` lines) as it streams by,
then forgotten. Look-aheads that must not hold bytes (where a `Content-Length` lands, a
closing delimiter up to 32 MiB on) read the file at that offset and come back.

A line starting with `From ` is a candidate boundary when the next line looks like a
header (`Name: value`). Where the headers give the real end (a `Content-Length` landing on
a From_ line, a multipart closing delimiter) it wins; any other candidate is weighed by
`mbox_boundary.Evidence` against the messages before it, and a doubtful one stays in the
previous message's body with one warning line (file and byte offset).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple
from zoneinfo import ZoneInfo

from connectors._email import (
    HEADER_BYTES,
    DamagedMessage,
    Envelope,
    envelope_from_headers,
    from_line_date,
)
from connectors.errors import SourceError
from connectors.local.mbox_boundary import Evidence, Head, marks_of, shape_of

logger = logging.getLogger(__name__)

_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d{1,12})[ \t]*\r?$")
_BOUNDARY = re.compile(
    rb'(?is)^content-type[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*?boundary="?([^"\s;]+)', re.M
)
# How far past a From_ line a multipart message's closing delimiter is looked for.
_LOOKAHEAD = 1 << 25
_CHUNK = 1 << 22
_LINE = 1 << 10  # of a From_ line (a longer line is body text), and of the line after it
_KEEP = 1 << 12  # bytes kept before the search position (line starts, empty lines)
_OVERLAP = 1 << 10  # bytes kept of what was already searched: a needle across two reads
_NEAR = 1 << 13  # where a header block's end is looked for first
_BOM = b"\xef\xbb\xbf"
_ESCAPED = b"\n>From "
_SHOWN = 3  # doubtful boundaries named one by one; the rest are counted


class Scanned(NamedTuple):
    """One message found by the scan: its byte range (From_ line included), number in the
    file, a hash of its bytes after the From_ line, and its envelope (None when its headers
    could not be read)."""

    start: int
    end: int
    number: int
    content_hash: str
    envelope: Envelope | None


class _Body:
    """The bytes of one message after its From_ line, seen once each as they stream by."""

    def __init__(self, start: int, body_start: int, closing: bytes | None) -> None:
        self.hasher = hashlib.blake2b(digest_size=16)
        self.fed = start  # bytes before this offset are hashed and searched
        self.search_from = body_start - 1  # the needles are looked for in the body only
        self.closing = closing if closing and len(closing) < _OVERLAP else None
        self.closed = False  # the closing delimiter was seen
        self.closes_at: int | None = None  # where a look-ahead found it
        self.escaped = False  # a `>From ` line was seen


class Scanner:
    """One pass over an mbox file: a header-only envelope and a byte range per message."""

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
        self.evidence = Evidence()
        self._buffer = bytearray()  # appended in place, trimmed from the front
        self._base = 0  # file offset of self._buffer[0]
        self._done = 0  # bytes before this offset may be forgotten
        self._eof = False
        self._handle: BinaryIO | None = None
        self._body: _Body | None = None
        self._first = 0  # offset of the first From_ line read

    def run(self, handle: BinaryIO, start: int = 0) -> Iterator[Scanned]:
        self._handle = handle
        if start:
            handle.seek(start)
            self._base = self._done = start
        first = self._first_message(at_start=start == 0)
        head = self._head(first) if first is not None else None
        while head is not None:
            self.evidence.learn(head)
            end, following = self._message_end(head)
            body = self._body
            assert body is not None
            self._feed(end)
            self._release(end - _KEEP)
            self.evidence.escaped_seen = self.evidence.escaped_seen or body.escaped
            if end < head.headers_end:  # a message with no body: the block stops at `end`
                head = self._head_cut(head, end)
            envelope = self._finish(head, end)
            if not self.keep:
                yield Scanned(head.start, end, self.count, body.hasher.hexdigest(), envelope)
            self._body = None
            head = following
        self._report_doubtful()

    # -- one message --

    def _message_end(self, head: Head) -> tuple[int, Head | None]:
        """Where the message at `head` ends, and the next message's head (None at the end)."""
        block = head.block
        lower = block.lower()
        boundary = _BOUNDARY.search(block) if b"boundary" in lower else None
        closing = None if boundary is None else b"\n--" + boundary.group(1).strip(b'"') + b"--"
        self._body = _Body(head.from_end, head.body_start, closing)
        length = _CONTENT_LENGTH.search(block) if b"content-length" in lower else None
        if length is not None:
            found = self._separator_at(head.body_start + int(length.group(1)))
            if found is not None and found < 0:  # the headers say it ends the file
                return self._end_of_file(), None
            if found is not None:  # the headers say where it ends, and a From_ line is there
                self._advance(found)
                return found, self._head(found)
        at = head.from_end
        while True:
            candidate = self._next_candidate(at)
            if candidate is None:
                return self._end_of_file(), None
            self._feed(candidate)
            at = candidate + 1
            if self._inside_mime(candidate):
                continue
            following = self._head(candidate)
            doubts = self.evidence.doubts(following)
            if not doubts:
                return candidate, following
            self.evidence.doubtful.append((candidate, "; ".join(doubts)))

    def _inside_mime(self, candidate: int) -> bool:
        """Whether `candidate` lies before the closing delimiter of the message's MIME
        structure (a truncated message, never closed, trusts its From_ lines)."""
        body = self._body
        assert body is not None
        if body.closing is None or body.closed:
            return False
        if body.closes_at is None:
            body.closes_at = self._peek_find(body.closing, candidate, candidate + _LOOKAHEAD)
            if body.closes_at < 0:
                body.closing = None
                return False
        return candidate < body.closes_at

    def _head(self, start: int) -> Head:
        """The From_ line at `start` and the header block after it, read and parsed."""
        line_end = self._find_within(b"\n", start, _LINE)
        if line_end < 0:  # only the first message may have so long a From_ line
            line_end = self._find(b"\n", start + _LINE, release=True)
        from_end = line_end + 1 if line_end >= 0 else self._end_of_file()
        from_line = self._slice(start, min(from_end, start + _LINE))
        found = self._empty_line(from_end)
        if found >= 0:
            headers_end = found
            empty = self._slice(headers_end, headers_end + 2)
            body_start = headers_end + (1 if empty.startswith(b"\n") else 2)
        else:
            headers_end = body_start = min(from_end + HEADER_BYTES, self._end_of_buffer())
        block = self._slice(from_end, min(headers_end, from_end + HEADER_BYTES))
        before = self._slice(start - 3, start) if start >= 3 else b""
        blank = (before.endswith(b"\n\n") or before == b"\n\r\n") if before else None
        return self._parsed(
            Head(
                start,
                from_end,
                from_line,
                headers_end,
                body_start,
                block,
                blank if start > self._first else None,
                "",
                frozenset(),
                shape_of(from_line),
            )
        )

    def _empty_line(self, from_end: int) -> int:
        """Where the empty line ending the header block after `from_end` starts; -1 when
        there is none in `HEADER_BYTES` (looked for near first: most blocks are short)."""
        for length in (_NEAR, HEADER_BYTES + 2):
            self._reach(from_end + length)
            buffer, start = self._buffer, from_end - 1 - self._base
            limit = start + 1 + length
            lf = buffer.find(b"\n\n", start, limit)
            crlf = buffer.find(b"\n\r\n", start, lf if lf >= 0 else limit)
            found = [at + 1 for at in (lf, crlf) if at >= 0]
            if found:
                return min(found) + self._base
        return -1

    def _head_cut(self, head: Head, end: int) -> Head:
        """`head` with its header block stopping at `end` (the next From_ line)."""
        block = head.block[: max(0, end - head.from_end)]
        return self._parsed(head._replace(block=block, headers_end=end, body_start=end))

    def _parsed(self, head: Head) -> Head:
        parsed: Envelope | str
        try:
            parsed = envelope_from_headers(
                head.block,
                timezone=self.timezone,
                position=0,
                fallback_sent_at=lambda: from_line_date(head.from_line),
            )
        except DamagedMessage as error:
            parsed = error.reason
        except Exception as error:  # one damaged message must not stop the others
            parsed = f"unreadable headers ({type(error).__name__})"
        return head._replace(parsed=parsed, marks=marks_of(head.block, parsed))

    def _finish(self, head: Head, end: int) -> Envelope | None:
        self.count += 1
        if isinstance(head.parsed, str):
            logger.warning("%s: message %d skipped: %s", self.source, self.count, head.parsed)
            return None
        envelope = head.parsed._replace(position=len(self.envelopes))
        if self.keep:
            self.envelopes.append(envelope)
            self.spans.append((head.start, end))
            self.numbers.append(self.count)
        return envelope

    def _report_doubtful(self) -> None:
        doubtful = self.evidence.doubtful
        for offset, why in doubtful[:_SHOWN]:
            logger.warning(
                "%s: byte %d: a 'From ' line that looks like a new message was kept in the "
                "previous message's body (%s)",
                self.source,
                offset,
                why,
            )
        if len(doubtful) > _SHOWN:
            logger.warning(
                "%s: %d more such 'From ' lines kept in bodies",
                self.source,
                len(doubtful) - _SHOWN,
            )

    # -- the mbox structure --

    def _first_message(self, *, at_start: bool = True) -> int | None:
        """Offset of the first From_ line: leading BOM and blank lines allowed, else refused."""
        self._reach(self._base + 4096)
        start = self._base
        if at_start and self._buffer.startswith(_BOM):
            start = len(_BOM)
        while True:
            newline = self._find_within(b"\n", start, _LINE)
            end = newline + 1 if newline >= 0 else min(start + _LINE, self._end_of_buffer())
            line = self._slice(start, end)
            if not line:
                return None
            if line.strip():
                break
            start = end
        if not line.startswith(b"From "):
            raise SourceError(f"{self.source}: not an mbox file (no 'From ' line first)")
        self._first = start
        return start

    def _next_candidate(self, start: int) -> int | None:
        """The next `From ` line at or after `start` followed by a header-like line."""
        at = start - 1  # the newline ending the previous line
        while True:
            found = self._find(b"\nFrom ", at, release=True)
            if found < 0:
                return None
            line_start = found + 1
            newline = self._find_within(b"\n", line_start, _LINE)
            if newline >= 0:
                self._reach(newline + 1 + _LINE)
                following = self._slice(newline + 1, newline + 1 + _LINE)
                if _HEADER_LINE.match(following):
                    return line_start
            self.evidence.unescaped_seen = True  # a body line the writer did not escape
            at = line_start

    def _separator_at(self, offset: int) -> int | None:
        """A From_ line at `offset` (after the empty line writers add), or -1 at the end of
        the file; None when neither is there. Read where it is, not streamed to."""
        data = self._peek(offset - 1, 10)
        if not data:
            return None
        previous, data = data[:1], data[1:]
        at = offset
        for _ in range(2):
            if data.startswith(b"From ") and previous == b"\n":
                return at
            if not data:
                return -1
            skip = 2 if data.startswith(b"\r\n") else 1 if data.startswith(b"\n") else 0
            if not skip:
                return None
            previous, data, at = b"\n", data[skip:], at + skip
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
        if self._done > self._base:
            self._feed(self._done)
            body = self._body
            cut = min(self._done, body.fed if body is not None else self._done) - _OVERLAP
            if cut > self._base:
                del self._buffer[: cut - self._base]
                self._base = cut
        self._buffer += data
        return True

    def _feed(self, upto: int) -> None:
        """Hash and search the message's bytes up to `upto` (they may be forgotten after)."""
        body = self._body
        if body is None or upto <= body.fed:
            return
        base, buffer = self._base, self._buffer
        view = memoryview(buffer)
        body.hasher.update(view[body.fed - base : upto - base])
        view.release()
        searched = max(body.fed, body.search_from)
        if upto > searched:
            if not body.escaped:
                begin = max(body.search_from, searched - len(_ESCAPED) + 1) - base
                body.escaped = buffer.find(_ESCAPED, begin, upto - base) >= 0
            if body.closing is not None and not body.closed:
                begin = max(body.search_from, searched - len(body.closing) + 1) - base
                body.closed = buffer.find(body.closing, begin, upto - base) >= 0
        body.fed = upto

    def _release(self, offset: int) -> None:
        """The bytes before `offset` are no longer needed (forgotten at the next read)."""
        self._done = max(self._done, offset)

    def _advance(self, offset: int) -> None:
        """Stream on until `offset` is in the buffer, forgetting what comes before it."""
        while self._end_of_buffer() < offset + _LINE:
            self._release(min(offset, self._end_of_buffer()) - _KEEP)
            if not self._fill():
                break

    def _reach(self, offset: int) -> None:
        """Read on (holding everything) until `offset` is in the buffer or the file ends."""
        while self._end_of_buffer() < offset and self._fill():
            pass

    def _end_of_buffer(self) -> int:
        return self._base + len(self._buffer)

    def _end_of_file(self) -> int:
        while self._fill():
            self._release(self._end_of_buffer() - _KEEP)
        return self._end_of_buffer()

    def _slice(self, start: int, end: int) -> bytes:
        start = max(start, self._base)
        return bytes(self._buffer[start - self._base : max(start, end) - self._base])

    def _find(self, needle: bytes, start: int, *, release: bool = False) -> int:
        """Absolute offset of `needle` at or after `start`, reading on as needed; -1 at EOF.
        With `release`, what has been searched may be forgotten meanwhile."""
        while True:
            found = self._buffer.find(needle, max(start, self._base) - self._base)
            if found >= 0:
                return found + self._base
            start = max(start, self._end_of_buffer() - len(needle) + 1)
            if release:
                self._release(start - _KEEP)
            if not self._fill():
                return -1

    def _find_within(self, needle: bytes, start: int, length: int) -> int:
        """Like `_find`, but only in the `length` bytes from `start` (-1 when not there)."""
        self._reach(start + length)
        found = self._buffer.find(
            needle, start - self._base, max(start, start + length) - self._base
        )
        return found + self._base if found >= 0 else -1

    def _peek(self, offset: int, length: int) -> bytes:
        """`length` bytes at `offset`, read from the file if they are not in the buffer."""
        if offset < 0:
            return b""
        if self._base <= offset and offset + length <= self._end_of_buffer():
            return self._slice(offset, offset + length)
        assert self._handle is not None
        position = self._handle.tell()
        try:
            self._handle.seek(offset)
            return self._handle.read(length)
        finally:
            self._handle.seek(position)

    def _peek_find(self, needle: bytes, start: int, limit: int) -> int:
        """Offset of `needle` in [start, limit) of the file, read aside; -1 if not there."""
        at = start
        while at < limit:
            data = self._peek(at, min(_CHUNK, limit - at + len(needle)))
            found = data.find(needle)
            if found >= 0:
                return at + found if at + found < limit else -1
            if len(data) < len(needle):
                return -1
            at += len(data) - len(needle) + 1
        return -1
