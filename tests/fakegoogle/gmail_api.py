"""Gmail v1: a mailbox with threads, drafts, labels and history, plus its HTTP handlers."""

from __future__ import annotations

import base64
import binascii
import email
import email.errors
import email.header
import email.utils
import hashlib
import html
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from typing import Any, NamedTuple

from .gmail_search import QueryError, SearchView, compile_query, mentions_spam_or_trash
from .wire import ApiError, Request, Response, locked, new_lock, not_found, required

SYSTEM_LABELS = (
    "INBOX",
    "SENT",
    "DRAFT",
    "UNREAD",
    "STARRED",
    "IMPORTANT",
    "SPAM",
    "TRASH",
    "CHAT",
    "CATEGORY_PERSONAL",
    "CATEGORY_SOCIAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_UPDATES",
    "CATEGORY_FORUMS",
)
HISTORY_TYPES = ("messageAdded", "messageDeleted", "labelAdded", "labelRemoved")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_ADDR = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


class MessageRef(NamedTuple):
    id: str
    thread_id: str


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def decode_b64url(text: str) -> bytes:
    clean = text.strip()
    try:
        return base64.urlsafe_b64decode(clean + "=" * (-len(clean) % 4))
    except (binascii.Error, ValueError):
        raise ApiError(
            400, "invalidArgument", "Invalid value for ByteString: " + clean[:20]
        ) from None


def normalize_subject(subject: str) -> str:
    return _SPACE.sub(" ", _SUBJECT_PREFIX.sub("", subject or "")).strip().lower()


def decode_header_value(value: Any) -> str:
    """Header text with RFC 2047 words decoded and folding removed, as Gmail shows it."""
    text = str(value)
    try:
        decoded = str(email.header.make_header(email.header.decode_header(text)))
    except (UnicodeError, LookupError, email.errors.HeaderParseError, ValueError):
        decoded = text
    return _SPACE.sub(" ", decoded.replace("\r\n", " ").replace("\n", " ")).strip()


def _msg_ids(value: str | None) -> list[str]:
    return re.findall(r"<([^<>\s]+)>", value or "")


def _payload_bytes(part: Message) -> bytes:
    """The transfer-decoded body of a leaf part."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _part_text(part: Message) -> str:
    payload = _payload_bytes(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _is_attachment(part: Message) -> bool:
    return bool(part.get_filename()) or part.get_content_disposition() == "attachment"


@dataclass
class StoredMessage:
    id: str
    thread_id: str
    labels: list[str]
    raw: bytes
    internal_ms: int
    history_id: int
    parsed: Message = field(repr=False)

    @property
    def subject(self) -> str:
        return decode_header_value(self.parsed.get("Subject", ""))

    @property
    def message_id(self) -> str:
        ids = _msg_ids(self.parsed.get("Message-ID"))
        return ids[0] if ids else ""

    @property
    def references(self) -> list[str]:
        return _msg_ids(self.parsed.get("In-Reply-To")) + _msg_ids(self.parsed.get("References"))

    def texts(self) -> tuple[str, str]:
        """(plain text, html converted to text) of the body."""
        plain, html_text = [], []
        for part in self.parsed.walk():
            if part.is_multipart() or _is_attachment(part):
                continue
            ctype = part.get_content_type()
            if ctype == "text/plain":
                plain.append(_part_text(part))
            elif ctype == "text/html":
                html_text.append(html.unescape(_TAGS.sub(" ", _part_text(part))))
        return "\n".join(plain), "\n".join(html_text)

    def snippet(self) -> str:
        plain, html_text = self.texts()
        text = _SPACE.sub(" ", plain or html_text).strip()[:200]
        # Gmail escapes snippets as HTML, e.g. "I&#39;m".
        return html.escape(text, quote=True).replace("&#x27;", "&#39;")


class GmailStore:
    """One user's mailbox. Every change bumps historyId and appends a history record."""

    def __init__(
        self,
        *,
        email_address: str,
        aliases: Iterable[str] = (),
        clock: Callable[[], datetime],
        start_history_id: int = 100_000,
        lock: Any = None,
    ) -> None:
        self._lock = lock or new_lock()
        self.email_address = email_address
        self.aliases = tuple(aliases)
        self._clock = clock
        self.messages: dict[str, StoredMessage] = {}
        self.threads: dict[str, list[str]] = {}
        self.drafts: dict[str, str] = {}  # draft id -> message id
        self.user_labels: dict[str, str] = {}  # label id -> name
        self.history: list[dict[str, Any]] = []
        self.history_id = start_history_id
        self.history_floor = start_history_id
        self.strict_threading = True
        # Gmail's web and mobile apps rebuild a draft on edit and send: custom headers
        # (X-*) are dropped and the Message-ID is replaced. A switchable fault (off by
        # default, as not every client does it).
        self.ui_drops_headers = False
        self._empty_history_pages = 0
        self._next_msg = 0x18C0_0000_0000_0000 + secrets.randbelow(1 << 40)
        self._next_draft = 5_100_000_000_000_000_000 + secrets.randbelow(1 << 40)

    # --- ids and history ---------------------------------------------------------------------

    def _new_message_id(self) -> str:
        self._next_msg += 1 + secrets.randbelow(1 << 12)
        return f"{self._next_msg:x}"

    def _new_draft_id(self) -> str:
        self._next_draft += 1 + secrets.randbelow(1 << 12)
        return f"r{self._next_draft}"

    def _record(self, kind: str, msg: StoredMessage, label_ids: list[str] | None = None) -> int:
        self.history_id += 1 + secrets.randbelow(3)
        ref = {"id": msg.id, "threadId": msg.thread_id}
        full = {**ref, "labelIds": list(msg.labels)}
        record: dict[str, Any] = {"id": str(self.history_id), "messages": [ref]}
        key = {
            "messageAdded": "messagesAdded",
            "messageDeleted": "messagesDeleted",
            "labelAdded": "labelsAdded",
            "labelRemoved": "labelsRemoved",
        }[kind]
        entry: dict[str, Any] = {"message": full}
        if label_ids is not None:
            entry["labelIds"] = list(label_ids)
        record[key] = [entry]
        record["_type"] = kind
        record["_labels"] = frozenset(msg.labels)
        self.history.append(record)
        msg.history_id = self.history_id
        return self.history_id

    def _now_ms(self) -> int:
        return int(self._clock().timestamp() * 1000)

    # --- storing messages --------------------------------------------------------------------

    def _store(
        self,
        raw: bytes,
        labels: Iterable[str],
        thread_id: str | None,
        internal_ms: int | None,
    ) -> StoredMessage:
        parsed = email.message_from_bytes(raw)
        msg_id = self._new_message_id()
        if internal_ms is None:
            internal_ms = self._now_ms()
        msg = StoredMessage(
            id=msg_id,
            thread_id=thread_id or msg_id,  # Gmail: a new thread takes its first message's id
            labels=list(dict.fromkeys(labels)),
            raw=raw,
            internal_ms=internal_ms,
            history_id=self.history_id,
            parsed=parsed,
        )
        self.messages[msg_id] = msg
        self.threads.setdefault(msg.thread_id, []).append(msg_id)
        self._record("messageAdded", msg)
        return msg

    def _remove(self, msg_id: str) -> None:
        msg = self.messages[msg_id]
        self._record("messageDeleted", msg)
        del self.messages[msg_id]
        ids = self.threads[msg.thread_id]
        ids.remove(msg_id)
        if not ids:
            del self.threads[msg.thread_id]

    def _thread_by_headers(self, parsed: Message) -> str | None:
        """Gmail threads a message with one it references, if the subjects match."""
        refs = set(_msg_ids(parsed.get("In-Reply-To")) + _msg_ids(parsed.get("References")))
        if not refs:
            return None
        subject = normalize_subject(decode_header_value(parsed.get("Subject", "")))
        for other in self.messages.values():
            if other.message_id in refs and normalize_subject(other.subject) == subject:
                return other.thread_id
        return None

    def _draft_thread(self, parsed: Message, thread_id: str | None) -> str | None:
        """The thread a draft lands in: the requested one if Gmail's rules allow, else new."""
        if not thread_id:
            return None
        if thread_id not in self.threads:
            # Gmail answers 400, not 404, for a thread id it cannot resolve.
            raise ApiError(400, "invalidArgument", "Invalid thread_id value")
        members = [self.messages[i] for i in self.threads[thread_id]]
        subject = normalize_subject(decode_header_value(parsed.get("Subject", "")))
        if not any(normalize_subject(m.subject) == subject for m in members):
            return None  # Gmail silently starts a new thread when the Subject differs
        if self.strict_threading:
            refs = set(_msg_ids(parsed.get("In-Reply-To")) + _msg_ids(parsed.get("References")))
            if not refs & {m.message_id for m in members}:
                return None
        return thread_id

    # --- test controls -----------------------------------------------------------------------

    @locked
    def deliver(
        self,
        message: bytes | str | Message,
        thread_id: str | None = None,
        labels: Iterable[str] = ("INBOX",),
        *,
        internal_date: datetime | None = None,
    ) -> MessageRef:
        """A message arrives (or, with labels=("SENT",), the user sent it from another client).

        Threading: thread_id if given, else a referenced message (In-Reply-To/References)
        with the same normalized Subject, else a new thread. internalDate: internal_date,
        else the Date header, else the fake's clock.
        """
        raw = _to_bytes(message)
        parsed = email.message_from_bytes(raw)
        if thread_id is not None and thread_id not in self.threads:
            raise KeyError(f"no thread {thread_id}")
        if thread_id is None:
            thread_id = self._thread_by_headers(parsed)
        internal_ms: int | None = None
        if internal_date is not None:
            internal_ms = int(internal_date.timestamp() * 1000)
        else:
            internal_ms = _date_header_ms(parsed)
        msg = self._store(raw, labels, thread_id, internal_ms)
        return MessageRef(msg.id, msg.thread_id)

    @locked
    def send_draft(self, draft_id: str) -> MessageRef:
        """The user sends a draft: it disappears and a new SENT message joins its thread."""
        if draft_id not in self.drafts:
            raise KeyError(f"no draft {draft_id}")
        return self._send_draft(draft_id)

    def _send_draft(self, draft_id: str) -> MessageRef:
        old = self.messages[self.drafts.pop(draft_id)]
        parsed = email.message_from_bytes(self._as_the_ui_writes(old.raw))
        if parsed.get("Message-ID") is None:
            parsed["Message-ID"] = f"<{secrets.token_hex(12)}@mail.gmail.com>"
        if parsed.get("Date") is None:
            parsed["Date"] = email.utils.format_datetime(self._clock())
        if parsed.get("From") is None:
            parsed["From"] = self.email_address
        thread_id: str | None = old.thread_id
        self._remove(old.id)
        if thread_id not in self.threads:
            thread_id = None
        sent = self._store(parsed.as_bytes(), ["SENT"], thread_id, self._now_ms())
        if thread_id is None and sent.thread_id != old.thread_id:
            # The draft was alone in its thread: the sent message keeps that thread id.
            self.threads[old.thread_id] = self.threads.pop(sent.thread_id)
            sent.thread_id = old.thread_id
            self.history[-1]["messages"][0]["threadId"] = old.thread_id
            self.history[-1]["messagesAdded"][0]["message"]["threadId"] = old.thread_id
        return MessageRef(sent.id, sent.thread_id)

    @locked
    def user_edit_draft(self, draft_id: str, message: bytes | str | Message) -> MessageRef:
        """The user edits a draft in Gmail: same draft id, new message id. A changed
        subject moves the draft to a new thread, as Gmail does."""
        if draft_id not in self.drafts:
            raise KeyError(f"no draft {draft_id}")
        old = self.messages[self.drafts[draft_id]]
        raw = self._as_the_ui_writes(_to_bytes(message))
        subject = decode_header_value(email.message_from_bytes(raw).get("Subject", ""))
        same_subject = normalize_subject(subject) == normalize_subject(old.subject)
        self._remove(old.id)
        thread_id = old.thread_id if old.thread_id in self.threads and same_subject else None
        new = self._store(raw, ["DRAFT"], thread_id, self._now_ms())
        self.drafts[draft_id] = new.id
        return MessageRef(new.id, new.thread_id)

    def _as_the_ui_writes(self, raw: bytes) -> bytes:
        """With `ui_drops_headers`: X-* headers gone and a Message-ID of Gmail's own."""
        if not self.ui_drops_headers:
            return raw
        parsed = email.message_from_bytes(raw)
        for name in {n for n in parsed if n.lower().startswith("x-")}:
            del parsed[name]
        del parsed["Message-ID"]
        parsed["Message-ID"] = f"<CA{secrets.token_hex(16)}@mail.gmail.com>"
        return parsed.as_bytes()

    @locked
    def user_delete_draft(self, draft_id: str) -> None:
        if draft_id not in self.drafts:
            raise KeyError(f"no draft {draft_id}")
        self._remove(self.drafts.pop(draft_id))

    @locked
    def user_create_draft(
        self, message: bytes | str | Message, thread_id: str | None = None
    ) -> tuple[str, MessageRef]:
        """The user writes a draft by hand (threading as drafts.create)."""
        raw = _to_bytes(message)
        thread = self._draft_thread(email.message_from_bytes(raw), thread_id)
        msg = self._store(raw, ["DRAFT"], thread, self._now_ms())
        draft_id = self._new_draft_id()
        self.drafts[draft_id] = msg.id
        return draft_id, MessageRef(msg.id, msg.thread_id)

    @locked
    def user_modify(
        self, message_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> None:
        """The user changes labels (e.g. reads a message: remove=("UNREAD",))."""
        msg = self.messages[message_id]
        added = [label for label in add if label not in msg.labels]
        removed = [label for label in remove if label in msg.labels]
        for label in added:
            msg.labels.append(label)
            if label not in SYSTEM_LABELS:
                self.user_labels.setdefault(label, label)
        for label in removed:
            msg.labels.remove(label)
        if added:
            self._record("labelAdded", msg, added)
        if removed:
            self._record("labelRemoved", msg, removed)

    @locked
    def user_delete_message(self, message_id: str) -> None:
        """Permanently deleted (not trashed)."""
        for draft_id, mid in list(self.drafts.items()):
            if mid == message_id:
                del self.drafts[draft_id]
        self._remove(message_id)

    @locked
    def expire_history(self) -> None:
        """Every startHistoryId handed out so far now gets 404 (the client must full-sync)."""
        self.history_id += 1
        self.history_floor = self.history_id

    @locked
    def add_empty_history_pages(self, n: int = 1) -> None:
        """The next history.list walks start with n pages that have nextPageToken but no history."""
        self._empty_history_pages += n

    # --- queries for tests -------------------------------------------------------------------

    @locked
    def message(self, message_id: str) -> StoredMessage:
        return self.messages[message_id]

    @locked
    def thread_messages(self, thread_id: str) -> list[StoredMessage]:
        return sorted(
            (self.messages[i] for i in self.threads.get(thread_id, [])),
            key=lambda m: (m.internal_ms, m.id),
        )

    @locked
    def draft_message(self, draft_id: str) -> StoredMessage:
        return self.messages[self.drafts[draft_id]]

    # --- rendering ---------------------------------------------------------------------------

    def _view(self, msg: StoredMessage) -> SearchView:
        p = msg.parsed

        def addrs(*names: str) -> tuple[tuple[str, str], ...]:
            values = [decode_header_value(v) for n in names for v in p.get_all(n, [])]
            try:
                return tuple(email.utils.getaddresses(values))
            except (RecursionError, ValueError, IndexError):
                # Pathological headers defeat the stdlib parser; Gmail still finds addresses.
                return tuple(("", a) for v in values for a in _ADDR.findall(v))

        plain, html_text = msg.texts()
        header_text = " ".join(
            decode_header_value(p.get(h, "")) for h in ("From", "To", "Cc", "Subject")
        )
        label_names = frozenset(self.user_labels.get(label, label) for label in msg.labels)
        return SearchView(
            from_=addrs("From"),
            to=addrs("To"),
            cc=addrs("Cc"),
            bcc=addrs("Bcc"),
            delivered_to=addrs("Delivered-To"),
            subject=msg.subject,
            text=" ".join((header_text, plain, html_text)),
            labels=frozenset(msg.labels),
            label_names=label_names,
            internal_at=datetime.fromtimestamp(msg.internal_ms / 1000, tz=UTC),
            message_id=msg.message_id,
            has_attachment=any(_is_attachment(part) for part in p.walk()),
        )

    def render_message(
        self, msg: StoredMessage, fmt: str = "full", headers: list[str] | None = None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": msg.id,
            "threadId": msg.thread_id,
            "labelIds": list(msg.labels),
            "snippet": msg.snippet(),
        }
        if fmt == "full":
            out["payload"] = self._payload(msg, msg.parsed, "")
        elif fmt == "metadata":
            wanted = {h.lower() for h in headers or []}
            out["payload"] = {
                "mimeType": msg.parsed.get_content_type(),
                "headers": [
                    h for h in _headers(msg.parsed) if not wanted or h["name"].lower() in wanted
                ],
            }
        out["sizeEstimate"] = len(msg.raw)
        if fmt == "raw":
            out["raw"] = b64url(msg.raw)
        out["historyId"] = str(msg.history_id)
        out["internalDate"] = str(msg.internal_ms)
        return out

    def _payload(self, msg: StoredMessage, part: Message, part_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "partId": part_id,
            "mimeType": part.get_content_type(),
            "filename": decode_header_value(part.get_filename() or ""),
            "headers": _headers(part),
        }
        if part.is_multipart():
            out["body"] = {"size": 0}
            subparts = part.get_payload()
            assert isinstance(subparts, list)
            prefix = f"{part_id}." if part_id else ""
            out["parts"] = [
                self._payload(msg, sub, f"{prefix}{i}") for i, sub in enumerate(subparts)
            ]
            return out
        data = _payload_bytes(part)
        if _is_attachment(part):
            out["body"] = {"attachmentId": _attachment_id(msg.id, part_id), "size": len(data)}
        elif data:
            out["body"] = {"size": len(data), "data": b64url(data)}
        else:
            out["body"] = {"size": 0}
        return out

    # --- HTTP handlers -----------------------------------------------------------------------

    def _check_user(self, user_id: str) -> None:
        if user_id not in ("me", self.email_address, *self.aliases):
            raise ApiError(403, "forbidden", f"Delegation denied for {self.email_address}")

    def get_profile(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        return Response.json(
            {
                "emailAddress": self.email_address,
                "messagesTotal": len(self.messages),
                "threadsTotal": len(self.threads),
                "historyId": str(self.history_id),
            }
        )

    def list_labels(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        labels = [
            {
                "id": label,
                "name": label,
                "messageListVisibility": "hide",
                "labelListVisibility": "labelHide",
                "type": "system",
            }
            for label in SYSTEM_LABELS
        ]
        labels += [
            {"id": lid, "name": name, "type": "user"} for lid, name in self.user_labels.items()
        ]
        return Response.json({"labels": labels})

    def list_history(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        start_text = req.param("startHistoryId")
        if start_text is None:
            raise required("startHistoryId")
        try:
            start = int(start_text)
        except ValueError:
            raise ApiError(400, "invalidArgument", "Invalid startHistoryId") from None
        if start < self.history_floor or start > self.history_id:
            raise not_found()
        types = req.params("historyTypes")
        for t in types:
            if t not in HISTORY_TYPES:
                raise ApiError(400, "invalidArgument", f"Invalid value for historyTypes: {t}")
        label_id = req.param("labelId")
        limit = req.int_param("maxResults", 100, lo=1, hi=500)
        after = start
        token = req.param("pageToken")
        empty_pages = 0
        if token is not None:
            state = _decode_token(token)
            if state.get("s") != start:
                raise ApiError(400, "invalidArgument", "Invalid pageToken")
            after = int(state["a"])
            empty_pages = int(state.get("e", 0))
        elif self._empty_history_pages:
            empty_pages = self._empty_history_pages
            self._empty_history_pages = 0
        out: dict[str, Any] = {}
        if empty_pages:
            out["nextPageToken"] = _encode_token({"s": start, "a": after, "e": empty_pages - 1})
            out["historyId"] = str(self.history_id)
            return Response.json(out)
        page: list[dict[str, Any]] = []
        more = False
        last = after
        for record in self.history:
            rid = int(record["id"])
            if rid <= after:
                continue
            if types and record["_type"] not in types:
                last = rid
                continue
            if label_id and label_id not in record["_labels"]:
                last = rid
                continue
            if len(page) == limit:
                more = True
                break
            page.append({k: v for k, v in record.items() if not k.startswith("_")})
            last = rid
        if page:
            out["history"] = page
        if more:
            out["nextPageToken"] = _encode_token({"s": start, "a": last})
        out["historyId"] = str(self.history_id)
        return Response.json(out)

    def _matching(self, req: Request) -> list[StoredMessage]:
        q = req.param("q") or ""
        label_ids = req.params("labelIds")
        include_spam = req.bool_param("includeSpamTrash") or mentions_spam_or_trash(q)
        try:
            pred = compile_query(
                q, me=(self.email_address, *self.aliases), now=self._clock().astimezone(UTC)
            )
        except QueryError as exc:
            raise ApiError(400, "invalidArgument", f"Invalid query: {exc}") from None
        found = []
        for msg in self.messages.values():
            if not include_spam and ({"SPAM", "TRASH"} & set(msg.labels)):
                continue
            if any(label not in msg.labels for label in label_ids):
                continue
            if q and not pred(self._view(msg)):
                continue
            found.append(msg)
        found.sort(key=lambda m: (m.internal_ms, m.id), reverse=True)
        return found

    def list_threads(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        order: list[str] = []
        for msg in self._matching(req):
            if msg.thread_id not in order:
                order.append(msg.thread_id)
        items = []
        for thread_id in order:
            members = self.thread_messages(thread_id)
            latest = members[-1]
            items.append(
                {
                    "id": thread_id,
                    "snippet": latest.snippet(),
                    "historyId": str(max(m.history_id for m in members)),
                }
            )
        return _paged(req, items, "threads", default=100, cap=500)

    def list_messages(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        items = [{"id": m.id, "threadId": m.thread_id} for m in self._matching(req)]
        return _paged(req, items, "messages", default=100, cap=500)

    def get_thread(self, req: Request, user_id: str, thread_id: str) -> Response:
        self._check_user(user_id)
        members = self.thread_messages(thread_id)
        if not members:
            raise not_found()
        fmt = _format(req, ("full", "metadata", "minimal"))
        headers = req.params("metadataHeaders")
        return Response.json(
            {
                "id": thread_id,
                "historyId": str(max(m.history_id for m in members)),
                "messages": [self.render_message(m, fmt, headers) for m in members],
            }
        )

    def get_message(self, req: Request, user_id: str, message_id: str) -> Response:
        self._check_user(user_id)
        msg = self.messages.get(message_id)
        if msg is None:
            raise not_found()
        fmt = _format(req, ("full", "metadata", "minimal", "raw"))
        return Response.json(self.render_message(msg, fmt, req.params("metadataHeaders")))

    def get_attachment(
        self, req: Request, user_id: str, message_id: str, attachment_id: str
    ) -> Response:
        self._check_user(user_id)
        msg = self.messages.get(message_id)
        if msg is None:
            raise not_found()
        for part_id, part in _numbered_parts(msg.parsed, ""):
            if _attachment_id(msg.id, part_id) == attachment_id:
                data = _payload_bytes(part)
                return Response.json({"size": len(data), "data": b64url(data)})
        raise not_found()

    def _draft_body(self, req: Request) -> tuple[bytes, str | None]:
        body = req.json()
        message = body.get("message")
        if not isinstance(message, dict) or not message.get("raw"):
            raise ApiError(
                400,
                "invalidArgument",
                "'raw' RFC822 payload message string or uploading message via /upload/* "
                "URL required",
            )
        return decode_b64url(str(message["raw"])), message.get("threadId")

    def _draft_resource(self, draft_id: str) -> dict[str, Any]:
        msg = self.messages[self.drafts[draft_id]]
        return {
            "id": draft_id,
            "message": {"id": msg.id, "threadId": msg.thread_id, "labelIds": list(msg.labels)},
        }

    def create_draft(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        raw, thread_id = self._draft_body(req)
        thread = self._draft_thread(email.message_from_bytes(raw), thread_id)
        msg = self._store(raw, ["DRAFT"], thread, self._now_ms())
        draft_id = self._new_draft_id()
        self.drafts[draft_id] = msg.id
        return Response.json(self._draft_resource(draft_id))

    def update_draft(self, req: Request, user_id: str, draft_id: str) -> Response:
        self._check_user(user_id)
        if draft_id not in self.drafts:
            raise not_found()
        raw, thread_id = self._draft_body(req)
        body = req.json()
        if body.get("id") not in (None, draft_id):
            raise ApiError(400, "invalidArgument", "Draft id in body does not match the URL")
        old = self.messages[self.drafts[draft_id]]
        # The replacement is threaded before the old message leaves its thread.
        thread = self._draft_thread(email.message_from_bytes(raw), thread_id)
        if thread is not None and thread == old.thread_id and self.threads[thread] == [old.id]:
            thread = None  # the thread vanishes with the old message; reuse its id below
            keep_thread = old.thread_id
        else:
            keep_thread = None
        self._remove(old.id)
        msg = self._store(raw, ["DRAFT"], thread, self._now_ms())
        if keep_thread is not None:
            self.threads[keep_thread] = self.threads.pop(msg.thread_id)
            msg.thread_id = keep_thread
            self.history[-1]["messages"][0]["threadId"] = keep_thread
            self.history[-1]["messagesAdded"][0]["message"]["threadId"] = keep_thread
        self.drafts[draft_id] = msg.id
        return Response.json(self._draft_resource(draft_id))

    def get_draft(self, req: Request, user_id: str, draft_id: str) -> Response:
        self._check_user(user_id)
        if draft_id not in self.drafts:
            raise not_found()
        fmt = _format(req, ("full", "metadata", "minimal", "raw"))
        msg = self.messages[self.drafts[draft_id]]
        return Response.json({"id": draft_id, "message": self.render_message(msg, fmt)})

    def list_drafts(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        q = req.param("q")
        wanted: set[str] | None = None
        if q:
            wanted = {m.id for m in self._matching(req)}
        rows = []
        for draft_id, mid in self.drafts.items():
            if wanted is not None and mid not in wanted:
                continue
            msg = self.messages[mid]
            rows.append((msg.internal_ms, draft_id, msg))
        rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
        items = [{"id": d, "message": {"id": m.id, "threadId": m.thread_id}} for _, d, m in rows]
        return _paged(req, items, "drafts", default=100, cap=500)

    def delete_draft(self, req: Request, user_id: str, draft_id: str) -> Response:
        self._check_user(user_id)
        if draft_id not in self.drafts:
            raise not_found()
        self._remove(self.drafts.pop(draft_id))
        return Response.empty()

    def send_draft_api(self, req: Request, user_id: str) -> Response:
        self._check_user(user_id)
        draft_id = req.json().get("id")
        if not draft_id or draft_id not in self.drafts:
            raise not_found()
        ref = self._send_draft(str(draft_id))
        msg = self.messages[ref.id]
        return Response.json({"id": msg.id, "threadId": msg.thread_id, "labelIds": msg.labels})


# --- helpers ---------------------------------------------------------------------------------


def _to_bytes(message: bytes | str | Message) -> bytes:
    if isinstance(message, bytes):
        return message
    if isinstance(message, str):
        return message.encode("utf-8")
    if isinstance(message, EmailMessage):
        return message.as_bytes()
    return message.as_bytes()


def _date_header_ms(parsed: Message) -> int | None:
    value = parsed.get("Date")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _headers(part: Message) -> list[dict[str, str]]:
    return [{"name": k, "value": decode_header_value(v)} for k, v in part.items()]


def _attachment_id(message_id: str, part_id: str) -> str:
    return "ANGjdJ" + hashlib.sha256(f"{message_id}/{part_id}".encode()).hexdigest()[:40]


def _numbered_parts(part: Message, part_id: str) -> Iterable[tuple[str, Message]]:
    yield part_id, part
    if part.is_multipart():
        prefix = f"{part_id}." if part_id else ""
        payload = part.get_payload()
        assert isinstance(payload, list)
        for i, sub in enumerate(payload):
            yield from _numbered_parts(sub, f"{prefix}{i}")


def _format(req: Request, allowed: tuple[str, ...]) -> str:
    fmt = (req.param("format") or "full").lower()
    if fmt not in allowed:
        raise ApiError(400, "invalidArgument", f"Invalid value for format: {fmt}")
    return fmt


def _encode_token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def _decode_token(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error):
        raise ApiError(400, "invalidArgument", "Invalid pageToken") from None
    if not isinstance(state, dict):
        raise ApiError(400, "invalidArgument", "Invalid pageToken")
    return state


def _paged(
    req: Request, items: list[dict[str, Any]], key: str, *, default: int, cap: int
) -> Response:
    limit = req.int_param("maxResults", default, lo=1, hi=cap)
    offset = 0
    token = req.param("pageToken")
    if token is not None:
        offset = int(_decode_token(token).get("o", 0))
    page = items[offset : offset + limit]
    out: dict[str, Any] = {}
    if page:
        out[key] = page
    if offset + limit < len(items):
        out["nextPageToken"] = _encode_token({"o": offset + limit})
    out["resultSizeEstimate"] = len(items)
    return Response.json(out)
