"""A draft as the message a mail program opens and the recruiter receives, shared by every
draft writer (the Maildir here, Gmail drafts).

What is sent carries nothing of this program: no `X-Followup-*` header, an opaque
Message-ID under my own domain. The writers find their drafts again by what the daemon
records (the file name or draft id; for a write a crash left unrecorded, its content hash).
The body is `format=flowed; delsp=yes` (RFC 3676): every line stays under 78 characters and
clients reflow it; a word longer than a line (a link) is cut with a soft break, which a
flowed reader joins again. An address whose local part is not ASCII is written as UTF-8
(RFC 6532), never as an encoded word inside the address.

The `Date` is the pass's moment (`--now`, or the clock held by the daemon), not the wall
clock: the daemon makes a pass's writes inside `dated(now)`, and every draft built then
carries that moment, whichever writer builds it.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses

from connectors.errors import ItemRefused
from policy.models import Draft

WIDTH = 72  # text per line; with a soft-break space and stuffing, lines stay under 78
MAX_SUBJECT = 160  # characters
MAX_REFERENCES = 10  # the thread's root and the newest ids (RFC 5322 3.6.4 allows trimming)
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+")
_ID = re.compile(r"[!-;=?-~]+@[!-;=?-~]+")  # printable ASCII, no <, >, or spaces
_TOKEN = re.compile(r"\s*\S+\s*")
_PASS_MOMENT: ContextVar[datetime | None] = ContextVar("pass_moment", default=None)


class DraftRefused(ItemRefused):
    """A draft that cannot be written as a valid message; that one draft is skipped (the
    pass goes on, and the next one tries again once the input changed)."""


def message_id_for(key: str, content_hash: str, sender: str) -> str:
    """An opaque, stable id under my domain: the same draft content gets the same id, so
    a create retried after a crash can be recognised by it (bare, no angle brackets)."""
    domain = _ascii_domain(sender.rpartition("@")[2]) or "localhost"
    digest = hashlib.sha256(f"{sender.lower()}\0{key}\0{content_hash}".encode()).hexdigest()
    return f"{digest[:32]}@{domain}"


def message_id_in_domain(key: str, content_hash: str, domain: str) -> str:
    """The Message-ID the Gmail and IMAP sinks give a draft (without <>): unique per action
    and content, under the user's own domain, and telling nothing of this program."""
    digest = hashlib.sha256(f"{key}\0{content_hash}".encode()).digest()
    local = base64.b32encode(digest[:15]).decode("ascii").lower()
    return f"{local}@{domain or 'localhost'}"


def content_hash(draft: Draft) -> str:
    """A hash of what a person can change in a draft: recipients, subject, threading, text."""
    to, cc = _addresses(draft.to), _addresses(draft.cc)
    return _digest(to, cc, subject_of(draft.subject), _ids(draft.in_reply_to), draft.body)


def content_hash_of(data: bytes) -> str:
    """The same hash for a stored message, which a mail program may have rewritten; an
    unreadable one hashes as its bytes, so it shows as changed."""
    try:
        message = BytesParser(policy=email.policy.default).parsebytes(data)
        assert isinstance(message, EmailMessage)
        to = [a for _, a in getaddresses([str(v) for v in message.get_all("To", [])])]
        cc = [a for _, a in getaddresses([str(v) for v in message.get_all("Cc", [])])]
        return _digest(
            to,
            cc,
            str(message.get("Subject", "")),
            _ids(str(message.get("In-Reply-To", ""))),
            text_of(message),
        )
    except Exception:  # damaged by hand: unreadable counts as changed
        return "unreadable-" + hashlib.sha256(data).hexdigest()[:24]


def text_of(message: EmailMessage) -> str:
    """The plain text a person reads, with a flowed body joined again."""
    part = message.get_body(preferencelist=("plain",))
    if not isinstance(part, EmailMessage):
        return ""
    text = str(part.get_content())
    if str(part.get_param("format", "")).lower() == "flowed":
        return unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


@contextmanager
def dated(moment: datetime) -> Iterator[None]:
    """The drafts built inside carry `moment` as their Date: the pass's moment."""
    token = _PASS_MOMENT.set(moment)
    try:
        yield
    finally:
        _PASS_MOMENT.reset(token)


def draft_date(fallback: datetime | None = None) -> datetime:
    """The Date a draft built now carries: the pass's moment inside `dated`, else
    `fallback`, else the wall clock (a draft built outside any pass)."""
    return _PASS_MOMENT.get() or fallback or datetime.now(UTC)


def build_labelled(
    draft: Draft,
    *,
    label: str,
    message_id: str,
    sender: str,
    sender_name: str = "",
    linesep: str = "\n",
) -> bytes:
    """`build_draft` as each writer calls it: From is the draft's own address (the one of
    mine the recruiter wrote to) before the writer's default, and a refusal says where the
    draft would have gone (`label`)."""
    try:
        return build_draft(
            draft,
            message_id=message_id,
            sender=draft.sender or sender,
            sender_name=draft.sender_name or sender_name,
            linesep=linesep,
        )
    except DraftRefused as error:
        raise DraftRefused(f"{label}: {error.user_message}") from None


def build_draft(
    draft: Draft,
    *,
    message_id: str,
    sender: str,
    sender_name: str = "",
    date: datetime | None = None,
    linesep: str = "\n",
) -> bytes:
    """The message file for one draft; `DraftRefused` (one line) when it cannot be valid.

    `sender` "" leaves From out (Gmail fills in the account's default address). The Date
    is the pass's moment (`dated`); `date` only stands in outside a pass."""
    addresses = [*draft.to, *draft.cc, *([sender] if sender else [])]
    for address in addresses:
        if not _ADDRESS.fullmatch(address) or any(
            unicodedata.category(c)[0] in "CZ" for c in address
        ):
            raise DraftRefused("a recipient or sender address is not a valid address; no draft")
    if not draft.to:
        raise DraftRefused("nobody to write to; no draft")
    utf8 = any(not address.partition("@")[0].isascii() for address in addresses)
    policy = email.policy.default.clone(utf8=utf8, linesep=linesep, max_line_length=78)
    message = EmailMessage(policy=policy)
    names = (*draft.to_names, *([""] * len(draft.to)))
    if sender:
        message["From"] = _address(sender, sender_name)
    message["To"] = [_address(a, n) for a, n in zip(draft.to, names, strict=False)]
    if draft.cc:
        message["Cc"] = [_address(a, "") for a in draft.cc]
    message["Subject"] = subject_of(draft.subject)
    message["Date"] = format_datetime(draft_date(date))
    message["Message-ID"] = f"<{message_id}>"
    in_reply_to = _ids(draft.in_reply_to)
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to[0]}>"
    references = trimmed_references((*draft.references, *in_reply_to))
    if references:
        message["References"] = " ".join(f"<{r}>" for r in references)
    body = flow(draft.body)
    message.set_content(
        body,
        charset="utf-8",
        cte="8bit" if not body.isascii() else "7bit",
        params={"format": "flowed", "delsp": "yes"},
    )
    return message.as_bytes()


def subject_of(subject: str) -> str:
    """One line of bounded length: controls and line breaks become spaces."""
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in subject)
    text = " ".join(text.split())
    if len(text) <= MAX_SUBJECT:
        return text
    cut = text[: MAX_SUBJECT - 1]
    if " " in cut[MAX_SUBJECT // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def trimmed_references(ids: Iterable[str]) -> tuple[str, ...]:
    """ASCII ids only, each once; the first (the thread's root) and the newest kept."""
    kept = tuple(dict.fromkeys(i for i in (_bare(x) for x in ids) if _ID.fullmatch(i)))
    if len(kept) <= MAX_REFERENCES:
        return kept
    return (kept[0], *kept[-(MAX_REFERENCES - 1) :])


# --- format=flowed (RFC 3676, DelSp=yes) --------------------------------------------------


def flow(text: str) -> str:
    """Text as flowed lines: each hard line wrapped at spaces into lines of at most WIDTH
    characters, a soft break marked by a trailing space, stuffed where needed."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip(" \t")
        if line == "--":
            out.append("-- ")  # the signature separator keeps its space (RFC 3676 4.3)
            continue
        pieces = _wrap(line)
        for index, piece in enumerate(pieces):
            if piece.startswith((" ", ">", "From ")):
                piece = " " + piece
            out.append(piece + (" " if index < len(pieces) - 1 else ""))
    return "\n".join(out).rstrip("\n") + "\n"


def unflow(text: str, *, delsp: bool) -> str:
    """Flowed lines joined back into the hard lines they came from."""
    out: list[str] = []
    current: str | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw[1:] if raw.startswith(" ") else raw
        soft = line.endswith(" ") and line != "-- "
        if soft and delsp:
            line = line[:-1]
        current = line if current is None else current + line
        if not soft:
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return "\n".join(out)


def _wrap(line: str) -> list[str]:
    if len(line) <= WIDTH:
        return [line]
    pieces: list[str] = []
    current = ""
    for token in _TOKEN.findall(line):
        while len(token) > WIDTH:  # a word longer than a line: cut, joined again on reading
            room = WIDTH - len(current)
            if room <= 0:
                pieces.append(current)
                current, room = "", WIDTH
            current += token[:room]
            token = token[room:]
            pieces.append(current)
            current = ""
        if current and len(current) + len(token.rstrip()) > WIDTH:
            pieces.append(current)
            current = ""
        current += token
    if current or not pieces:
        pieces.append(current)
    return pieces


# --- helpers -----------------------------------------------------------------------------


def _address(address: str, name: str) -> Address:
    local, _, domain = address.rpartition("@")
    clean = " ".join(
        "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in name).split()
    )
    return Address(display_name=clean, username=local, domain=_ascii_domain(domain) or domain)


def _ascii_domain(domain: str) -> str:
    """An internationalised domain in its ASCII (IDNA) form, "" when it has none."""
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return ""


def _addresses(values: Sequence[str]) -> list[str]:
    return [a for _, a in getaddresses(list(values))]


def _comparable(address: str) -> str:
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{_ascii_domain(domain) or domain}".lower()


def _bare(message_id: str) -> str:
    return message_id.strip().strip("<>").strip()


def _ids(value: str) -> tuple[str, ...]:
    bare = _bare(value)
    return (bare,) if bare and _ID.fullmatch(bare) else ()


def _digest(
    to: Sequence[str], cc: Sequence[str], subject: str, in_reply_to: tuple[str, ...], body: str
) -> str:
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    canonical = [
        sorted(_comparable(a) for a in to),
        sorted(_comparable(a) for a in cc),
        " ".join(subject.split()),
        list(in_reply_to),
        "\n".join(line.rstrip() for line in lines).strip(),
    ]
    encoded = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]
