"""The text of one stored message: its first inline text/plain and text/html parts, decoded.

The MIME structure is walked here, on the raw bytes, by the rules of `email`'s compat32
parser (why compat32: see `_email`; the rules are `email.feedparser`'s). Handing the
parser a whole message costs about ten times its size in copies (a message with a big
attachment; `MESSAGE_BYTES` of it are read), and for small mail twice the walk's time:
the parser compiles a pattern for each new boundary and reads every attachment line by
line, where the walk finds boundaries with `bytes.find` and stops at the text it wants.

- a boundary line is `--boundary`, optionally `--`, then blanks, at the start of a line
  (a line ends at CRLF, CR or LF); a line that is a boundary line of an enclosing
  multipart ends the part it is in, at any depth; repeated boundary lines make no part;
- the line break before a boundary line belongs to it (it is cut from the last payload);
- a header block ends at the first line that is not a header or continuation line (an
  empty line there is dropped); a part of `multipart/digest` is `message/rfc822` by default.

Each part's header block goes to the header parser; a part is read only when it is a
text part still wanted, and only its first `PART_BYTES`, cut at a line end, before
decoding, as the parser decodes it. Memory stays the raw bytes plus a few times
`PART_BYTES`, however large the attachments.
"""

from __future__ import annotations

import codecs
import email
import logging
import quopri
import re
from email._encoded_words import decode_b  # the parser's base64 (lenient on padding)
from email.message import Message as EmailMessage
from email.parser import BytesHeaderParser

logger = logging.getLogger(__name__)

# What one message can make us read (README "Limits"): a recruiter's words are in its text
# parts, near the start; a 200 MB attachment must not cost gigabytes of memory.
MESSAGE_BYTES = 16 << 20  # of one stored message, headers and bodies
PART_BYTES = 8 << 20  # of one text/plain or text/html part, before decoding
WHOLE_BYTES = 1 << 20  # a piece of a message read flat this small goes to the parser whole
_PART_HEADER_BYTES = 256 << 10  # of one part's header block
_DEPTH = 100  # multiparts nested deeper are read flat

# Labels mail programs send for what is really the superset (as browsers read them).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-1": "cp1252",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[\t ]")  # feedparser's headerRE
_LINE_END = re.compile(rb"\r\n|\r|\n")
_BOUNDARY_TAIL = re.compile(rb"(--)?[ \t]*(?:\r\n|\r|\n|\Z)")
_BOUNDARY_LINE = re.compile(rb"^--[^\r\n]*\r?\n", re.MULTILINE)
# Transfer encodings the parser undoes (any other value leaves the bytes as they are).
_ENCODINGS = frozenset({"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"})
_MESSAGE_ID = re.compile(rb"(?im)^message-id[ \t]*:\s*<([^<>\s]+)>")


def decode_text(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset; unknown charsets and bad bytes are replaced, not fatal."""
    name = (charset or "").strip().strip("\"'").split("*")[0].lower()
    if name in ("", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "unknown"):
        return undeclared_text(data)
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError, TypeError):
        return data.decode("utf-8", errors="replace")
    codec = _SUPERSETS.get(codec, codec)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return data.decode(codec, errors="replace")
    except LookupError:  # a bytes-to-bytes codec such as base64 named as a charset
        return data.decode("utf-8", errors="replace")


def undeclared_text(data: bytes) -> str:
    """Undeclared 8-bit text: UTF-8 when it is, else Windows-1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_bodies(raw: bytes) -> tuple[str, str]:
    """(first inline text/plain, first inline text/html), decoded; "" where absent.

    A message over `MESSAGE_BYTES` is read that far, with a line (its text parts come
    first, in practice); a text part over `PART_BYTES` is read that far. A multipart
    nested deeper than `_DEPTH` levels (a hostile message) is read flat instead: each
    piece between boundary lines on its own.
    """
    limit = len(raw)
    if limit > MESSAGE_BYTES:
        logger.warning(
            "message %s: over %d MiB, only the first %d MiB read",
            _id_of(raw),
            MESSAGE_BYTES >> 20,
            MESSAGE_BYTES >> 20,
        )
        limit = MESSAGE_BYTES
    texts = _Texts(raw, limit)
    try:
        texts.part(0, limit, (), "text/plain", strip=False, depth=0)
    except (RecursionError, _TooDeep):
        logger.warning(
            "message %s: multiparts nested too deeply; its parts were read flat",
            _id_of(raw),
        )
        texts = _Texts(raw, limit)
        texts.flat()
    return texts.text or "", texts.html or ""


class _TooDeep(Exception):
    """Multiparts nested deeper than `_DEPTH`."""


class _Texts:
    """The first inline text/plain and text/html found, walking a message in order."""

    def __init__(self, raw: bytes, limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.text: str | None = None
        self.html: str | None = None
        self._found: dict[bytes, tuple[int, int]] = {}  # separator: (searched from, at)

    @property
    def done(self) -> bool:
        return self.text is not None and self.html is not None

    # -- parts the mail parser has read --

    def take(self, *parts: EmailMessage) -> None:
        """Walk parsed parts and what they hold, in order, as the parser built them."""
        stack: list[EmailMessage] = list(parts)[::-1]
        while stack and not self.done:
            part = stack.pop()
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(reversed([item for item in payload if isinstance(item, EmailMessage)]))
                continue
            self._leaf(part)

    def _leaf(self, part: EmailMessage) -> None:
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html") or _is_attachment(part):
            return
        if kind == "text/plain" and self.text is None:
            self.text = _part_text(part)
        elif kind == "text/html" and self.html is None:
            self.html = _part_text(part)

    def _wants(self, part: EmailMessage) -> bool:
        kind = part.get_content_type()
        wanted = self.text is None if kind == "text/plain" else self.html is None
        return kind in ("text/plain", "text/html") and wanted and not _is_attachment(part)

    # -- parts walked here --

    def part(
        self,
        start: int,
        end: int,
        seps: tuple[bytes, ...],
        default: str,
        *,
        strip: bool,
        depth: int,
    ) -> None:
        """The part (or message) in [start, end): `seps` are the enclosing multiparts'
        separators; `strip`: the line break before `end` belongs to a boundary."""
        if depth > _DEPTH:
            raise _TooDeep
        headers, body = self._headers(start, end)
        headers.set_default_type(default)
        kind = headers.get_content_type()
        if kind == "message/delivery-status":  # blocks of headers: the parser reads them
            if end - start <= PART_BYTES:  # (a larger one is hostile: no text in it)
                self._whole(start, end, strip=strip)
            return
        if headers.get_content_maintype() == "multipart":
            boundary = headers.get_boundary()
            if boundary is not None:
                try:
                    sep = b"--" + boundary.encode("ascii", "surrogateescape")
                except UnicodeEncodeError:  # no line can match it (the parser's lines are
                    return  # ASCII with escaped bytes): the parser finds no part either
                inner = "message/rfc822" if kind == "multipart/digest" else "text/plain"
                self._multipart(body[1], sep, seps, inner, depth)
        elif headers.get_content_maintype() == "message":
            self.part(body[1], end, seps, "text/plain", strip=strip, depth=depth + 1)
        elif self._wants(headers):
            self._read_leaf(headers, body, end, strip=strip)

    def _whole(self, start: int, end: int, *, strip: bool) -> None:
        """The part in [start, end) read by the mail parser, as it reads it in place: no
        line in it is a boundary line of an enclosing multipart."""
        parsed = email.message_from_bytes(self.raw[start:end])
        if strip:
            _strip_last(parsed)
        self.take(parsed)

    def _multipart(
        self, start: int, sep: bytes, seps: tuple[bytes, ...], inner: str, depth: int
    ) -> None:
        at = start
        while not self.done:
            line, own = self._next_boundary(at, sep, seps)
            if line < 0 or not own:
                return  # the end of what is read, or an enclosing part's boundary
            tail = _BOUNDARY_TAIL.match(self.raw, line + len(sep), self.limit)
            assert tail is not None
            if tail.group(1):
                return  # the closing delimiter; what follows is the epilogue
            at = tail.end()
            while True:  # repeated boundary lines make no part
                following, own = self._next_boundary(at, sep, seps)
                if following != at or not own:
                    break
                repeated = _BOUNDARY_TAIL.match(self.raw, at + len(sep), self.limit)
                assert repeated is not None
                at = repeated.end()
            if at >= self.limit or following == at:  # an empty part, then the end
                self.take(_empty())
                return
            end, _ = self._next_boundary(at, sep, (*seps, sep))
            end = self.limit if end < 0 else end
            self.part(at, end, (*seps, sep), inner, strip=True, depth=depth + 1)
            at = end

    def _read_leaf(
        self, headers: EmailMessage, body: tuple[bytes, int], end: int, *, strip: bool
    ) -> None:
        """A wanted text part: at most `PART_BYTES` of it, cut at a line end, decoded."""
        raw, (prefix, start) = self.raw, body
        whole = end - start <= PART_BYTES
        if not whole:
            stop = start + PART_BYTES
            cut = max(raw.rfind(b"\n", start, stop), raw.rfind(b"\r", start, stop))
            end = cut + 1 if cut >= start else stop
        data = prefix + raw[start:end] if prefix else raw[start:end]
        if whole and strip and data.endswith((b"\r", b"\n")):  # one line break
            data = data[:-2] if data.endswith(b"\r\n") else data[:-1]
        encoding = str(headers.get("content-transfer-encoding", "")).lower()
        if encoding == "base64":  # as the parser decodes, without its copies of the text
            data = decode_b(data.translate(None, b"\r\n"))[0]
        elif encoding == "quoted-printable":
            data = quopri.decodestring(data)
        elif encoding in _ENCODINGS:  # uuencode (rare): the parser's own way
            headers.set_payload(data.decode("ascii", "surrogateescape"))
            self._leaf(headers)
            return
        if headers.get_content_type() == "text/plain":
            self.text = decoded_part(headers, data)
        else:
            self.html = decoded_part(headers, data)

    def _headers(self, start: int, end: int) -> tuple[EmailMessage, tuple[bytes, int]]:
        """The header block at `start` (parsed) and the body: (a line the parser gives the
        body, where the body goes on). The line is a `From ` line ending the header lines
        (not the first one): the parser reads it as the body's first line."""
        raw, at, last, count = self.raw, start, start, 0
        stop = min(end, start + _PART_HEADER_BYTES)
        while at < stop and _HEADER_LINE.match(raw, at, stop):
            newline = _LINE_END.search(raw, at, end)
            last, at, count = at, newline.end() if newline else end, count + 1
        prefix = b""
        if count > 1 and raw.startswith(b"From ", last):
            prefix = raw[last:at]
        block = raw[start:at]
        if at < end:
            empty = _LINE_END.match(raw, at, end)
            at = empty.end() if empty else at
        return BytesHeaderParser().parsebytes(block), (prefix, at)

    def _next_boundary(self, start: int, sep: bytes, seps: tuple[bytes, ...]) -> tuple[int, bool]:
        """The first boundary line at or after `start`, of `sep` or of one of `seps` (which
        win where both match): (offset or -1, whether it is `sep`'s own)."""
        enclosing = [at for at in (self._boundary(s, start) for s in seps) if at >= 0]
        first = min(enclosing, default=-1)
        own = self._boundary(sep, start)
        if own >= 0 and (first < 0 or own < first):
            return own, True
        return first, False

    def _boundary(self, sep: bytes, start: int) -> int:
        """Offset of the first boundary line of `sep` at or after `start` (-1: none)."""
        known = self._found.get(sep)
        if known is not None and known[0] <= start and (known[1] < 0 or known[1] >= start):
            return known[1]
        raw, at = self.raw, start
        while True:
            found = raw.find(sep, at, self.limit)
            if found < 0 or (
                (found == 0 or raw[found - 1] in b"\r\n")
                and _BOUNDARY_TAIL.match(raw, found + len(sep), self.limit)
            ):
                break
            at = found + 1
        self._found[sep] = (start, found)
        return found

    # -- too deep: each piece between boundary lines on its own --

    def flat(self) -> None:
        """The text parts found between lines starting `--`, without nesting."""
        raw = self.raw
        lines = list(_BOUNDARY_LINE.finditer(raw, 0, self.limit))
        ends = [line.start() for line in lines[1:]] + [self.limit]
        for line, end in zip(lines, ends, strict=True):
            if self.done:
                return
            start = line.end()
            if end - start <= WHOLE_BYTES:
                piece = email.message_from_bytes(raw[start:end])
                if not piece.is_multipart():
                    self.take(piece)
                continue
            headers, body = self._headers(start, end)
            leaf = headers.get_content_maintype() not in ("multipart", "message")
            if leaf and self._wants(headers):
                self._read_leaf(headers, body, end, strip=False)


def _strip_last(parsed: EmailMessage) -> None:
    """Cut the line break that belongs to the next boundary from the payload the parser
    made last (inside message/* parts), as it does for a part inside a multipart."""
    last = parsed
    while last.get_content_maintype() == "message":
        payload = last.get_payload()
        if (
            not isinstance(payload, list)
            or not payload
            or not isinstance(payload[-1], EmailMessage)
        ):
            break
        last = payload[-1]
    if last.get_content_maintype() == "multipart":
        return
    payload = getattr(last, "_payload", None)  # as parsed: get_payload() decodes 8-bit text
    if isinstance(payload, str):
        for end in ("\r\n", "\r", "\n"):
            if payload.endswith(end):
                last.set_payload(payload[: -len(end)])
                break


def _empty() -> EmailMessage:
    """What the parser makes of a boundary line followed by the end: an empty part (a
    message/rfc822 default in a digest holds an empty text/plain message: the same)."""
    part = EmailMessage()
    part.set_payload("")
    return part


def _is_attachment(part: EmailMessage) -> bool:
    disposition = str(part.get("Content-Disposition", ""))
    return disposition.strip().lower().startswith("attachment")


def _part_text(part: EmailMessage) -> str:
    data = part.get_payload(decode=True)
    return decoded_part(part, data) if isinstance(data, bytes) else ""


def decoded_part(part: EmailMessage, data: bytes) -> str:
    """A text part's bytes (transfer encoding undone) as text, in the charset its
    Content-Type declares (the Gmail payload reader shares it)."""
    try:
        charset = part.get_content_charset()
    except Exception:  # a charset parameter that is not text
        charset = None
    return decode_text(data, charset).replace("\r\n", "\n")


def _id_of(raw: bytes) -> str:
    """A message's id for a log line (never an address or a subject)."""
    match = _MESSAGE_ID.search(raw, 0, min(len(raw), _PART_HEADER_BYTES))
    return match.group(1)[:80].decode("ascii", "replace") if match else "(no Message-ID)"
