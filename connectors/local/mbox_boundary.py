"""Is this `From ` line a message boundary, or text in the previous message's body?

mboxo (RFC 4155) has no escaping a reader can rely on: a writer that does not turn body
lines starting `From ` into `>From ` leaves lines that look exactly like the separator,
and anyone who can mail you can paste a From_ line and a header block (a forged
"rejection") into a body. What the file itself can tell:

- **Certain:** a `Content-Length` that lands on a From_ line (or the end of the file) gives
  the real end; so does a multipart message's closing delimiter (a From_ line before it is
  body text). The scanner (`mbox_scan.py`) applies these first.
- **Evidence** (this module), comparing a candidate with the messages read before it in
  the same file (the first message of a file is certain):
  - the From_ line's shape: Takeout's `From <digits>@xxx`, Thunderbird's `From -`,
    RFC 4155's `From <sender> <asctime date>`, or something else;
  - the headers a mailbox writer puts on every message it writes: Takeout's
    `X-GM-THRID` and `X-Gmail-Labels`, Thunderbird's `X-Mozilla-Status`;
  - a `From:` field and a usable date, when every earlier message had them;
  - delivery headers (`Received`, `Return-Path`, `Delivered-To`) an inbox's delivery agent
    puts on every message, when at least two earlier messages all carry them;
  - the empty line writers put before each From_ line;
  - whether this writer escapes: an unescaped `From ` line that is surely body text (no
    header after it) proves it does not, so a weaker doubt is enough; `>From ` lines in
    an earlier message and no unescaped one suggest it does, which forgives a different
    From_ line shape or a missing empty line (what joining two mailboxes gives).
- **Cannot be told apart:** a body that copies the mailbox's own format exactly (the same
  From_ line shape, the writer's headers with plausible values, the delivery headers,
  an empty line before it), written by a writer that does not escape and without a
  Content-Length. No reader can separate that from a real message; a forger must know
  the format of the mailbox the mail will land in.

A doubtful boundary is kept in the previous message's body, with one warning line
naming the file and the byte offset: losing a real message to a body is reported, a
forged one getting in would not be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

from connectors._email import Envelope

# The headers writers add to every message they store, as they appear lower-cased.
WRITER_MARKS = ("x-gm-thrid", "x-gmail-labels", "x-mozilla-status")
_DELIVERY = ("received", "return-path", "delivered-to")
_MESSAGE_FIELDS = ("from", "date", "message-id", "subject", "to")
_TAKEOUT = re.compile(rb"From \d+@xxx(?:\s|$)")
_MOZILLA = re.compile(rb"From -(?:\s|$)")
_MARK_FIELD = re.compile(
    rb"^("
    + b"|".join(n.encode() for n in (*WRITER_MARKS, *_DELIVERY, *_MESSAGE_FIELDS))
    + rb")[ \t]*:",
    re.MULTILINE,
)
# Read into an envelope's fields already, or looked for as text (a field name's start).
_READ = ("x-gm-thrid", "x-gmail-labels", *_MESSAGE_FIELDS)
_SCANNED = tuple((name, f"\n{name}".encode()) for name in ("x-mozilla-status", *_DELIVERY))
_SLACK = timedelta(days=1)  # From_ dates are often local time without a zone


class Head(NamedTuple):
    """A From_ line and the header block after it, as the scanner found them."""

    start: int  # offset of the From_ line
    from_end: int  # just after it
    from_line: bytes  # its first KiB
    headers_end: int  # where the header block ends (its empty line, or where it was cut)
    body_start: int
    block: bytes  # the header block, at most HEADER_BYTES
    blank_before: bool | None  # an empty line just before it (None: start of what is read)
    parsed: Envelope | str  # the envelope, or why the message is skipped
    marks: frozenset[str]  # which of the writer/delivery/message fields it carries
    shape: str


def shape_of(from_line: bytes) -> str:
    if _TAKEOUT.match(from_line):
        return "takeout"
    if _MOZILLA.match(from_line):
        return "mozilla"
    return "sender"  # RFC 4155's `From <sender> <date>`, the date sometimes missing


def marks_of(block: bytes, parsed: Envelope | str) -> frozenset[str]:
    """The evidence-bearing fields the header block carries (see the module note)."""
    lower = b"\n" + block.lower()
    if isinstance(parsed, str):
        return frozenset(name.decode() for name in _MARK_FIELD.findall(lower))
    fields = parsed.fields
    found = [name for name, needle in _SCANNED if needle in lower]
    found += [name for name in _READ if name in fields]
    found.append("dated")
    return frozenset(found)


@dataclass
class Evidence:
    """What the messages read so far in one file say about its writer."""

    shape: str | None = None
    common: frozenset[str] | None = None  # marks every message so far carried
    messages: int = 0
    boundaries: int = 0  # accepted From_ lines after the first
    always_blank: bool = True  # each of those had an empty line before it
    escaped_seen: bool = False  # a `>From ` body line in a message already finished
    unescaped_seen: bool = False  # a `From ` body line with no header after it
    doubtful: list[tuple[int, str]] = field(default_factory=list)

    def learn(self, head: Head) -> None:
        """A message accepted as real: the next candidates are compared with it."""
        if self.shape is None:
            self.shape = head.shape
        self.common = head.marks if self.common is None else self.common & head.marks
        self.messages += 1
        if head.blank_before is not None and self.messages > 1:
            self.boundaries += 1
            self.always_blank = self.always_blank and head.blank_before

    @property
    def escapes(self) -> bool:
        return self.escaped_seen and not self.unescaped_seen

    def doubts(self, candidate: Head) -> list[str]:
        """Why `candidate` may be body text; empty when it reads as a real boundary."""
        common = self.common or frozenset()
        if (  # the usual case, said quickly: like the messages before it in every way
            not self.unescaped_seen
            and candidate.shape == self.shape
            and candidate.blank_before is not False
            and common <= candidate.marks
        ):
            return []
        strong, weak = self._strong(candidate), self._weak(candidate)
        if self.escapes:  # a writer that escapes leaves no forged From_ line to find
            strong = [d for d in strong if not d.startswith(("a From_ line", "no empty"))]
        threshold = 1 if self.unescaped_seen else 2
        score = 2 * len(strong) + len(weak)
        return strong + weak if score >= threshold else []

    def _strong(self, candidate: Head) -> list[str]:
        found: list[str] = []
        if not candidate.marks & set(_MESSAGE_FIELDS):
            found.append("no message headers")
        if self.shape is not None and candidate.shape != self.shape:
            found.append(f"a From_ line unlike this mailbox's ({self.shape})")
        if self.messages >= 2 and self._missing(candidate):
            found.append(self._missing(candidate))
        if candidate.blank_before is False and self.boundaries and self.always_blank:
            found.append("no empty line before it, unlike every other")
        return found

    def _missing(self, candidate: Head) -> str:
        """The writer's headers, a From or a date, that every message before carried and
        `candidate` does not ('' when none): strong evidence from two messages on."""
        common = self.common or frozenset()
        missing = [m for m in (*WRITER_MARKS, "from", "dated") if m in common]
        missing = [m for m in missing if m not in candidate.marks]
        return "no " + ", ".join(missing) + ", which every message before has" if missing else ""

    def _weak(self, candidate: Head) -> list[str]:
        found: list[str] = []
        common = self.common or frozenset()
        if candidate.blank_before is False and not self.boundaries:
            found.append("no empty line before it")
        if self.messages < 2 and self._missing(candidate):
            found.append(self._missing(candidate))
        delivery = [m for m in _DELIVERY if m in common and m not in candidate.marks]
        if delivery and self.messages >= 2:
            found.append("no " + ", ".join(delivery) + ", which every message before has")
        return found
