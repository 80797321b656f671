"""Cleaning text anyone can send us (an invite's title, a From name) before it goes anywhere.

A calendar invite or a recruiter's mail is data a stranger controls. Characters that end
a line for Python or the email library (CR, LF, VT, FF, the separators U+001C-U+001E, NEL,
U+2028, U+2029) would make a draft header refuse to serialise, so one invite could stop
every pass; other controls (NUL, BEL, ESC, ...) have no business in a reminder or a draft;
bidi controls (U+202A-U+202E, U+2066-U+2069, ...) make a greeting read other than it is.
These helpers clean such values at the connector boundary, where each source converts to
the policy's dataclasses, and once more where a writer serialises them.
"""

from __future__ import annotations

import re

# Everything str.splitlines() breaks on, plus the other C0/C1 controls but TAB.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_ONE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Bidi embeddings, overrides, isolates and marks (Unicode TR9), and the Arabic letter mark.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[" + re.escape(_LINE_BREAKS) + "]")


def has_controls(text: str) -> bool:
    """Whether `text` holds a line break or another control character (not TAB)."""
    return bool(_ONE_LINE_BAD.search(text.replace("\t", " ")))


def one_line(text: str) -> str:
    """`text` as one header-safe line: controls and line breaks become spaces, collapsed."""
    if not _ONE_LINE_BAD.search(text):
        return text
    return " ".join(_ONE_LINE_BAD.sub(" ", text).split())


def display_name(text: str) -> str:
    """A person's name for a greeting or a header: one line, without bidi controls."""
    return one_line(_BIDI.sub("", text)).strip()


def multiline(text: str) -> str:
    """Free text (notes, descriptions): every line break becomes LF, other controls go."""
    if not _CONTROLS.search(text) and "\r" not in text:
        return text
    text = text.replace("\r\n", "\n")
    text = _BREAKS.sub("\n", text)
    return _CONTROLS.sub("", text)


def safe_id(text: str) -> str:
    """An id (an event UID) with controls percent-encoded: stable, distinct, one line."""
    if not _ONE_LINE_BAD.search(text):
        return text
    return _ONE_LINE_BAD.sub(lambda match: f"%{ord(match.group()):02X}", text)


def clean_address(address: str) -> str | None:
    """An email address as written, or None when it holds whitespace or controls."""
    if _ONE_LINE_BAD.search(address) or any(char.isspace() for char in address):
        return None
    return address
