"""The text of one stored message: its first inline text/plain and text/html parts, decoded
(`email`'s compat32 parser: why, see `_email`)."""

from __future__ import annotations

import codecs
import email
import logging
import re
from collections.abc import Iterable
from email.message import Message as EmailMessage

logger = logging.getLogger(__name__)

# What one message can make us read (README "Limits"): a recruiter's words are in its text
# parts, near the start; a 200 MB attachment must not cost gigabytes of memory.
MESSAGE_BYTES = 16 << 20  # of one stored message, headers and bodies
PART_CHARS = 8 << 20  # of one decoded text/plain or text/html part

# Labels mail programs send for what is really the superset (as browsers read them).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-1": "cp1252",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
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

    A multipart nested deeper than the parser's recursion allows (a hostile message) is
    read flat instead: each piece between boundary lines on its own.
    """
    if len(raw) > MESSAGE_BYTES:
        logger.warning(
            "message %s: over %d MiB, only the first %d MiB read",
            _id_of(raw),
            MESSAGE_BYTES >> 20,
            MESSAGE_BYTES >> 20,
        )
        raw = raw[:MESSAGE_BYTES]
    try:
        parsed = email.message_from_bytes(raw)  # compat32: see the module docstring
        return _first_texts([parsed])
    except RecursionError:
        logger.warning(
            "message %s: nested too deeply for the mail parser; its parts were read flat",
            _id_of(raw),
        )
        return _flat_bodies(raw)


def _id_of(raw: bytes) -> str:
    """A message's id for a log line (never an address or a subject)."""
    match = _MESSAGE_ID.search(raw, 0, min(len(raw), 256 << 10))
    return match.group(1)[:80].decode("ascii", "replace") if match else "(no Message-ID)"


_BOUNDARY_LINE = re.compile(rb"^--[^\r\n]*\r?\n", re.MULTILINE)


def _flat_bodies(raw: bytes) -> tuple[str, str]:
    """The text parts of a message, found between boundary lines without nesting."""
    pieces = (email.message_from_bytes(piece) for piece in _BOUNDARY_LINE.split(raw)[1:])
    return _first_texts(part for part in pieces if not part.is_multipart())


def _first_texts(parts: Iterable[EmailMessage]) -> tuple[str, str]:
    """(first inline text/plain, first inline text/html) among `parts` and what they hold."""
    text: str | None = None
    html: str | None = None
    stack: list[EmailMessage] = list(parts)[::-1]
    while stack and (text is None or html is None):
        part = stack.pop()
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(reversed([item for item in payload if isinstance(item, EmailMessage)]))
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html") or _is_attachment(part):
            continue
        if kind == "text/plain" and text is None:
            text = _part_text(part)
        elif kind == "text/html" and html is None:
            html = _part_text(part)
    return text or "", html or ""


def _is_attachment(part: EmailMessage) -> bool:
    disposition = str(part.get("Content-Disposition", ""))
    return disposition.strip().lower().startswith("attachment")


def _part_text(part: EmailMessage) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except Exception:  # a charset parameter that is not text
        charset = None
    return decode_text(data[: PART_CHARS * 4], charset)[:PART_CHARS].replace("\r\n", "\n")
