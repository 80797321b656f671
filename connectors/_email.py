"""One stored RFC 822 message as a `policy.models.Message`, and messages grouped into threads.

Local mail is read in two passes: the header block of every message first (cheap, our
own unfolding of the few fields we need), then, only for the threads a caller keeps, the
whole message for the bodies (`_email_bodies`, by `email`'s compat32 parser and its
rules). compat32 rather than `policy.default`: the latter cuts unquoted Outlook boundaries
and raises on some headers. Header values are decoded here, defensively (RFC 2047,
unknown charsets).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from email.header import decode_header
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from connectors import hygiene
from connectors._email_bodies import decode_text, read_bodies, undeclared_text
from policy.models import Message, Person, Thread

logger = logging.getLogger(__name__)

# What one message can make us read (README "Limits"): a recruiter's words are in its text
# parts, near the start; a 200 MB attachment must not cost gigabytes of memory.
# (`_email_bodies` has the limits of the bodies.)
HEADER_BYTES = 256 << 10  # of its header block
FIELD_CHARS = 16 << 10  # of one header field's value

# The headers the policy reads (auto-reply and bulk markers), in the order they are reported.
POLICY_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "precedence",
    "list-id",
    "list-unsubscribe",
)
_FIELDS = frozenset(
    {
        "message-id",
        "x-gm-thrid",
        "in-reply-to",
        "references",
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "x-gmail-labels",
        "x-mozilla-draft-info",
        *POLICY_HEADERS,
    }
)
_DRAFT_LABELS = frozenset({"draft", "drafts"})
# A Takeout mbox holds these too; the Gmail path skips them as well (POLICY.md "me").
_JUNK_LABELS = frozenset({"spam", "trash"})
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
# Address lists the fast path reads without `getaddresses`: no quotes, comments, groups.
_TRICKY = re.compile(r'["()\\;:\[\]]')
_BARE_ADDRESS = re.compile(r"\s*([^\s<>,@]+@[^\s<>,@]+)\s*")
_NAMED_ADDRESS = re.compile(r"\s*([^<>,@]*?)\s*<([^\s<>,@]+@[^\s<>,@]+)>\s*")


class DamagedMessage(Exception):
    """A message that cannot be read; the reader skips it with a warning."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Envelope(NamedTuple):
    """What the header block of one stored message says, before threading."""

    message_id: str
    gmail_thread_id: str
    in_reply_to: str
    references: tuple[str, ...]
    sent_at: datetime
    is_draft: bool
    fields: dict[str, str]  # see `read_fields`
    position: int  # index in the source's own list of stored messages
    labels: tuple[str, ...] = ()  # Takeout's X-Gmail-Labels, or the reader's folder label

    @property
    def is_junk(self) -> bool:
        """Labelled Spam or Trash: neither mine nor theirs, never read."""
        return any(label.lower() in _JUNK_LABELS for label in self.labels)


# --- headers ---------------------------------------------------------------------------


def header_block(raw: bytes) -> bytes:
    """The header lines of a raw message, up to (not including) the first empty line."""
    start = 0
    while start < len(raw):
        newline = raw.find(b"\n", start)
        end = len(raw) if newline < 0 else newline + 1
        if raw[start:end] in (b"\n", b"\r\n"):
            return raw[:start]
        start = end
    return raw


_FIELD_LINE = re.compile(
    r"^(" + "|".join(re.escape(name) for name in sorted(_FIELDS)) + r")[ \t]*:"
    r"([^\n]*(?:\n[ \t][^\n]*)*)",
    re.IGNORECASE | re.MULTILINE,
)
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def read_fields(block: bytes) -> dict[str, str]:
    """The first value of each field we read (lower-case names), unfolded, decoded to text.

    At most `HEADER_BYTES` of the block and `FIELD_CHARS` of a value are read.
    """
    fields: dict[str, str] = {}
    for name, value in _FIELD_LINE.findall(undeclared_text(block[:HEADER_BYTES])):
        key = name.lower()
        if key not in fields:
            if "\n" in value:
                value = _FOLD.sub("", value)
            fields[key] = value.strip()[:FIELD_CHARS]
    return fields


def envelope_from_headers(
    block: bytes,
    *,
    timezone: ZoneInfo,
    position: int,
    fallback_sent_at: Callable[[], datetime | None] | None = None,
    is_draft: bool = False,
    labels: tuple[str, ...] = (),
) -> Envelope:
    """Read one header block; raises `DamagedMessage` when it has no usable date.

    `labels` are the reader's own (e.g. `Sent` for a Maildir Sent folder), added to
    Takeout's `X-Gmail-Labels`."""
    fields = read_fields(block)
    sent_at = _sent_at(fields.get("date", ""), timezone)
    if sent_at is None and fallback_sent_at is not None:
        sent_at = fallback_sent_at()
    if sent_at is None:
        raise DamagedMessage("no usable Date")
    message_id = _first_id(fields.get("message-id", ""))
    if not message_id:
        message_id = "nomsgid-" + hashlib.sha256(block).hexdigest()[:32]
    gmail_labels = fields.get("x-gmail-labels", "")
    if gmail_labels:
        found, draft = _gmail_labels(gmail_labels)
        is_draft = is_draft or draft or any(label.lower() in _DRAFT_LABELS for label in labels)
        labels = (*labels, *found)
    return Envelope(
        message_id=message_id,
        gmail_thread_id=fields.get("x-gm-thrid", ""),
        in_reply_to=_first_id(fields.get("in-reply-to", "")),
        references=_ids(fields.get("references", "")),
        sent_at=sent_at,
        is_draft=is_draft or "x-mozilla-draft-info" in fields,
        fields=fields,
        position=position,
        labels=labels,
    )


@lru_cache(maxsize=1024)  # a mailbox's label sets recur
def _gmail_labels(value: str) -> tuple[tuple[str, ...], bool]:
    """Takeout's X-Gmail-Labels as labels, and whether one says Draft."""
    found = (label.strip().strip('"') for label in value.split(","))
    labels = tuple(label for label in found if label)
    return labels, any(label.lower() in _DRAFT_LABELS for label in labels)


def envelope_to_json(envelope: Envelope) -> str:
    """An envelope as one line of JSON (the mail index stores these), without `position`."""
    return json.dumps(
        [
            envelope.message_id,
            envelope.gmail_thread_id,
            envelope.in_reply_to,
            list(envelope.references),
            envelope.sent_at.isoformat(),
            envelope.is_draft,
            envelope.fields,
            list(envelope.labels),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def envelope_from_json(text: str, position: int) -> Envelope:
    """The envelope `envelope_to_json` wrote; raises ValueError on anything else."""
    try:
        mid, thread, reply_to, refs, sent, draft, fields, labels = json.loads(text)
        sent_at = datetime.fromisoformat(sent)
    except (TypeError, ValueError) as error:
        raise ValueError(f"a damaged envelope ({type(error).__name__})") from None
    if sent_at.tzinfo is None or not isinstance(fields, dict):
        raise ValueError("a damaged envelope")
    return Envelope(
        message_id=str(mid),
        gmail_thread_id=str(thread),
        in_reply_to=str(reply_to),
        references=tuple(str(r) for r in refs),
        sent_at=sent_at,
        is_draft=bool(draft),
        fields={str(k): str(v) for k, v in fields.items()},
        position=position,
        labels=tuple(str(label) for label in labels),
    )


def envelope_addresses(envelope: Envelope) -> tuple[str, ...]:
    """Everyone on the message (From, To, Cc), lower-case, each once."""
    fields = envelope.fields
    people = (*_people(fields.get("from", "")), *_people(fields.get("to", "")))
    people = (*people, *_people(fields.get("cc", "")))
    return tuple(dict.fromkeys(p.email for p in people))


def thread_keys(envelope: Envelope) -> tuple[str, ...]:
    """The keys `build_threads` joins messages by: two messages sharing one are in a thread."""
    own = "id:" + envelope.message_id
    if envelope.gmail_thread_id:
        return (own, "gm:" + envelope.gmail_thread_id)
    refs = ("id:" + ref for ref in (*envelope.references, envelope.in_reply_to) if ref)
    return tuple(dict.fromkeys((own, *refs)))


def to_message(envelope: Envelope, thread_id: str) -> Message:
    """A header-only `Message` (empty bodies)."""
    fields = envelope.fields
    senders = _people(fields.get("from", ""))
    return Message(
        message_id=envelope.message_id,
        thread_id=thread_id,
        sender=senders[0] if senders else Person(email=""),
        to=_people(fields.get("to", "")),
        cc=_people(fields.get("cc", "")),
        subject=decode_words(fields.get("subject", "")),
        sent_at=envelope.sent_at,
        headers=tuple((name, fields[name]) for name in POLICY_HEADERS if name in fields),
        in_reply_to=envelope.in_reply_to,
        references=envelope.references,
        is_draft=envelope.is_draft,
        labels=envelope.labels,
    )


def decode_words(value: str) -> str:
    """A header value with RFC 2047 encoded words decoded, controls and whitespace collapsed."""
    if "=?" not in value:
        return hygiene.one_line(" ".join(value.split()))
    try:
        parts = decode_header(value)
    except Exception:  # a malformed encoded word: keep the text as written
        return hygiene.one_line(" ".join(value.split()))
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))
        else:
            out.append(decode_text(chunk, charset))
    return hygiene.one_line(" ".join("".join(out).split()))


def _sent_at(value: str, timezone: ZoneInfo) -> datetime | None:
    """The Date header as an aware datetime; no zone means the user's; None if unusable."""
    if not value:
        return None
    fast = _RFC5322_DATE.fullmatch(value)
    if fast:
        day, month, year, hour, minute, second, offset = fast.groups()
        try:
            return datetime(
                int(year),
                _MONTHS.index(month.lower()) + 1,
                int(day),
                int(hour),
                int(minute),
                int(second or 0),
                tzinfo=timezone if offset == "-0000" else _offset_zone(offset),
            )
        except ValueError:
            pass  # e.g. 31 February: the stdlib decides
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:  # garbage dates raise several types
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone)
    return parsed


_RFC5322_DATE = re.compile(
    r"\s*(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? ([+-]\d{4})"
    r"(?:\s*\([^()]*\))?\s*"
)


@lru_cache(maxsize=64)
def _offset_zone(offset: str) -> dt_timezone:
    sign = -1 if offset[0] == "-" else 1
    minutes = sign * (int(offset[1:3]) * 60 + int(offset[3:5]))
    return dt_timezone(timedelta(minutes=minutes)) if minutes else UTC


def _first_id(value: str) -> str:
    match = _ANGLE_ID.search(value)
    if match:
        return match.group(1)
    token = value.split()[0].strip("<>") if value.split() else ""
    return token if "@" in token else ""


def _ids(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    found = _ANGLE_ID.findall(value)
    if not found:
        found = [token.strip("<>") for token in value.split() if "@" in token]
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=4096)  # the same To/From values recur throughout a mailbox
def _people(value: str) -> tuple[Person, ...]:
    """Addresses in a From/To/Cc value; garbage and empty groups give no one, never raise."""
    if not value:
        return ()
    if not _TRICKY.search(value):  # plain `a@b, Name <c@d>` lists: no stdlib parser needed
        people: list[Person] = []
        for piece in value.split(","):
            person = _simple_person(piece)
            if person is None:
                break
            people.append(person)
        else:
            return tuple(people)
    try:
        pairs = getaddresses([value])
    except Exception:  # the stdlib parser on hostile input
        return ()
    people = []
    for name, address in pairs:
        # An address holding spaces or controls (a forged header) is no one to write to.
        email = hygiene.clean_address(address.strip().lower())
        if email and "@" in email:
            people.append(Person(email=email, name=_name(name)))
    return tuple(people)


def _simple_person(piece: str) -> Person | None:
    bare = _BARE_ADDRESS.fullmatch(piece)
    if bare:
        return Person(email=bare.group(1).lower())
    named = _NAMED_ADDRESS.fullmatch(piece)
    if named:
        return Person(email=named.group(2).lower(), name=_name(named.group(1)))
    return None


def _name(value: str) -> str:
    """A display name as greetings use it: decoded, one line, no bidi controls."""
    return hygiene.display_name(decode_words(value))


# --- bodies ----------------------------------------------------------------------------


def with_bodies(message: Message, raw: bytes) -> Message:
    """The message with its text/plain and text/html parts decoded from the raw bytes.

    What is read of a large message, and how: `_email_bodies.read_bodies` (the readers
    load one byte more than `MESSAGE_BYTES`, so they never hold a whole huge message).
    """
    text, html = read_bodies(raw)
    return replace(message, body_text=text, body_html=html)


# --- one message, and threads ----------------------------------------------------------


Loader = Callable[[Sequence[int]], Iterator[tuple[int, bytes | tuple[str, str]]]]


def build_threads(
    envelopes: Sequence[Envelope],
    *,
    keep: Callable[[Thread], bool] | None,
    load: Loader,
    on_body_error: Callable[[int, Exception], None],
) -> tuple[Thread, ...]:
    """Group messages into threads, ask `keep`, then read bodies for the threads kept.

    Threads: `X-GM-THRID` where present, else joined by Message-ID/In-Reply-To/References
    (union-find); the thread id is the Gmail thread id, else the root's message id (the
    first reference of the oldest message, or its own id). Repeated Message-IDs are read
    once. `load(positions)` yields the raw bytes of those stored messages.
    """
    unique: list[Envelope] = []
    seen: set[str] = set()
    for envelope in envelopes:
        if envelope.is_junk:
            continue
        if envelope.message_id not in seen:
            seen.add(envelope.message_id)
            unique.append(envelope)
    kept: list[list[Envelope]] = []
    heads: dict[int, Message] = {}
    for members in _group(unique):
        thread_id = next((e.gmail_thread_id for e in members if e.gmail_thread_id), "")
        thread_id = thread_id or _root_id(members[0])
        messages = [to_message(e, thread_id) for e in members]
        if keep is None or keep(Thread(thread_id=thread_id, messages=tuple(messages))):
            kept.append(members)
            heads.update((e.position, m) for e, m in zip(members, messages, strict=True))
    full: dict[int, Message] = {}
    for position, raw in load(sorted(heads)):
        if isinstance(raw, tuple):
            full[position] = replace(heads[position], body_text=raw[0], body_html=raw[1])
            continue
        try:
            full[position] = with_bodies(heads[position], raw)
        except Exception as error:  # keep the headers; the body is unreadable
            on_body_error(position, error)
    threads: list[Thread] = []
    for members in kept:
        read = tuple(full.get(e.position) or heads[e.position] for e in members)
        threads.append(Thread(thread_id=read[0].thread_id, messages=read))
    return tuple(threads)


def _group(envelopes: Iterable[Envelope]) -> list[list[Envelope]]:
    """Union-find over message ids and Gmail thread ids; groups oldest first, in order."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        root = parent.setdefault(key, key)
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    def union(a: str, b: str) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[root_b] = root_a

    items = list(envelopes)
    for envelope in items:
        key = "id:" + envelope.message_id
        find(key)
        if envelope.gmail_thread_id:
            union("gm:" + envelope.gmail_thread_id, key)
            continue
        for ref in (*envelope.references, envelope.in_reply_to):
            if ref:
                union(key, "id:" + ref)
    groups: dict[str, list[Envelope]] = {}
    for envelope in items:
        groups.setdefault(find("id:" + envelope.message_id), []).append(envelope)
    ordered = [sorted(members, key=_age) for members in groups.values()]
    ordered.sort(key=lambda members: _age(members[0]))
    return ordered


def _age(envelope: Envelope) -> tuple[datetime, int]:
    return envelope.sent_at, envelope.position


def _root_id(envelope: Envelope) -> str:
    if envelope.references:
        return envelope.references[0]
    return envelope.in_reply_to or envelope.message_id


def from_line_date(line: bytes) -> datetime | None:
    """The date on an mbox `From ` line (asctime, optionally with an offset; UTC if none)."""
    match = _FROM_LINE_DATE.search(line.decode("ascii", errors="replace"))
    if not match:
        return None
    month, day, hour, minute, second, offset, year = match.groups()
    try:
        return datetime(
            int(year),
            _MONTHS.index(month.lower()) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            tzinfo=_offset_zone(offset) if offset else UTC,
        )
    except ValueError:
        return None


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_FROM_LINE_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+"
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+"
    r"(\d{1,2}):(\d\d)(?::(\d\d))?\s+(?:([+-]\d{4})\s+)?(\d{4})",
    re.IGNORECASE,
)
