"""Gmail: recruiter threads read by search and history, drafts written (never sent).

`Gmail` (a `MailSource`)
- is told whom to look for with `set_participants(addresses, domains)` (the interviews'
  recruiter sides); `threads()` without participants returns nothing, since reading a
  whole mailbox is never needed. The participants are folded into few `threads.list`
  queries, `from:(a OR b …) OR to:(…) OR cc:(…)`, up to 20 terms each; an address whose
  domain is searched anyway is left out.
- First read (or a history id Gmail no longer knows, 404): `getProfile`'s historyId is
  taken first, in the same batch as the first page of every query, then every listed
  thread is fetched with `threads.get format=full` in batches of at most 50 (`_retry`).
  Threads already held with the same historyId are not fetched again.
- Later reads walk `history.list` from the stored historyId: threads held are fetched again
  when they changed; a message added to an unknown thread is looked at (`messages.get
  format=metadata`, From/To/Cc only) and its thread fetched when a participant is wanted.
  Participants added since are searched for alone. With nothing changed a read is one
  request of 2 quota units.
- Messages are converted by `_email` (the mbox reader's header parsing, the same body
  choice); DRAFT-labelled messages carry `is_draft`; spam and trash are left out.
- Threads held are kept in memory; `snapshot()`/`restore()` persist them with the history
  id (see `google_state`).

`GmailDrafts` (a `DraftSink`)
- `create` posts `drafts.create` with `message.raw` (base64url RFC 2822, JSON body) and,
  for replies, the `threadId`, `In-Reply-To`, `References` and the thread's subject. Each
  draft carries `X-Followup-Key: <action key>`, so `find_all` (drafts.list plus
  `drafts.get format=raw` for drafts it has not seen in that version) finds it again.
- `content_hash` hashes what the user can change (recipients, subject, body). `update` and
  `delete` first read the draft: one whose message id or hash moved since it was found
  (the user edited it) is left alone. Gmail has no If-Match for drafts; this check is
  the closest.
- `sent_keys()`: after `find_all`, the keys of drafts seen before that are gone from the
  drafts and have a SENT message in their thread (one carrying our key, or one newer than
  the draft): the user sent them. A draft gone without one was deleted by the user.
- A second draft with the same key and the same content (a create Gmail carried out twice:
  httplib2 re-sends a request whose answer was lost) is deleted by `find_all`.
- The drafts seen are remembered by message id (any edit changes it), so `find_all` reads
  only new versions; `snapshot()`/`restore()` persist that memory (and what `sent_keys`
  needs) across runs.
- Nothing here calls drafts.send or messages.send.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.message import Message as EmailMessageCompat
from email.utils import formataddr, getaddresses
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from connectors._email import (
    decode_text,
    decode_words,
    envelope_from_headers,
    header_block,
    read_bodies,
    read_fields,
    to_message,
)
from connectors.base import DraftMessage, Found, Written
from connectors.google.retry import (
    DEFAULT_POLICY,
    MAX_BATCH,
    BatchCall,
    GoogleApiError,
    RetryPolicy,
    call,
    run_batch,
)
from connectors.google.state import Snapshot
from policy.models import Message, Person, Thread

logger = logging.getLogger(__name__)

SNAPSHOT_VERSION = 1
KEY_HEADER = "X-Followup-Key"
TERMS_PER_QUERY = 20
_LIST_PAGE = 500
_SKIPPED_LABELS = frozenset({"SPAM", "TRASH"})
# Label changes that matter to what is read: drafts sent or deleted, mail trashed.
_MEANINGFUL_LABELS = frozenset({"DRAFT", "SENT", "SPAM", "TRASH"})
_PARTICIPANT_HEADERS = ["From", "To", "Cc"]


def _resource(service: object) -> Any:
    return service


# --- queries --------------------------------------------------------------------------------


def search_terms(addresses: Iterable[str], domains: Iterable[str]) -> tuple[str, ...]:
    """The terms to search for: domains, and addresses no searched domain covers."""
    wanted_domains = sorted({d.strip().lower() for d in domains if d.strip()})
    terms = list(wanted_domains)
    for address in sorted({a.strip().lower() for a in addresses if "@" in a}):
        if not any(_in_domain(address, domain) for domain in wanted_domains):
            terms.append(address)
    return tuple(terms)


def build_queries(terms: Sequence[str], *, per_query: int = TERMS_PER_QUERY) -> tuple[str, ...]:
    """Gmail search queries covering every term: `from:(a OR b) OR to:(a OR b) OR cc:(…)`."""
    queries: list[str] = []
    for start in range(0, len(terms), per_query):
        group = " OR ".join(_quote(term) for term in terms[start : start + per_query])
        queries.append(f"from:({group}) OR to:({group}) OR cc:({group})")
    return tuple(queries)


def _quote(term: str) -> str:
    return f'"{term}"' if re.search(r'[\s()"{}]', term) else term


def _in_domain(address: str, domain: str) -> bool:
    host = address.rpartition("@")[2]
    return host == domain or host.endswith("." + domain)


def _wanted(address: str, terms: frozenset[str]) -> bool:
    """As Gmail search matches the terms: the address itself, or its domain or a parent."""
    address = address.lower()
    if address in terms:
        return True
    host = address.rpartition("@")[2]
    while host:
        if host in terms:
            return True
        host = host.partition(".")[2]
    return False


# --- Gmail messages → policy messages -------------------------------------------------------


def _to_message(item: Mapping[str, Any], timezone: ZoneInfo, position: int) -> Message:
    """One `format=full` Gmail message as a `policy.models.Message`, bodies decoded."""
    payload = item.get("payload") or {}
    lines = []
    for header in payload.get("headers") or []:
        name = str(header.get("name") or "")
        value = re.sub(r"[\r\n]+", " ", str(header.get("value") or ""))
        if name:
            lines.append(f"{name}: {value}")
    block = "\r\n".join(lines).encode("utf-8")
    internal = datetime.fromtimestamp(int(item.get("internalDate") or 0) / 1000, tz=UTC)
    labels = item.get("labelIds") or []
    envelope = envelope_from_headers(
        block,
        timezone=timezone,
        position=position,
        fallback_sent_at=lambda: internal,
        is_draft="DRAFT" in labels,
    )
    message = to_message(envelope, str(item.get("threadId") or ""))
    text, html = _bodies(payload)
    return replace(message, body_text=text, body_html=html)


def _bodies(payload: Mapping[str, Any]) -> tuple[str, str]:
    """(first inline text/plain, first inline text/html), as `_email.read_bodies` chooses."""
    text: str | None = None
    html: str | None = None
    stack: list[Mapping[str, Any]] = [payload]
    while stack and (text is None or html is None):
        part = stack.pop()
        children = part.get("parts")
        if children:
            stack.extend(reversed([c for c in children if isinstance(c, Mapping)]))
            continue
        kind = str(part.get("mimeType") or "").lower()
        if kind not in ("text/plain", "text/html") or _is_attachment(part):
            continue
        decoded = _part_text(part)
        if kind == "text/plain" and text is None:
            text = decoded
        elif kind == "text/html" and html is None:
            html = decoded
    return text or "", html or ""


def _part_header(part: Mapping[str, Any], name: str) -> str:
    for header in part.get("headers") or []:
        if str(header.get("name") or "").lower() == name:
            return str(header.get("value") or "")
    return ""


def _is_attachment(part: Mapping[str, Any]) -> bool:
    if part.get("filename"):
        return True
    return _part_header(part, "content-disposition").strip().lower().startswith("attachment")


def _part_text(part: Mapping[str, Any]) -> str:
    data = (part.get("body") or {}).get("data")
    if not data:
        return ""
    try:
        raw = _b64decode(str(data))
    except (binascii.Error, ValueError):
        return ""
    holder = EmailMessageCompat()
    holder["Content-Type"] = _part_header(part, "content-type") or "text/plain"
    try:
        charset = holder.get_content_charset()
    except Exception:  # a charset parameter that is not text
        charset = None
    return decode_text(raw, charset).replace("\r\n", "\n")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _thread_messages(answer: Mapping[str, Any], timezone: ZoneInfo) -> tuple[Message, ...]:
    """A thread's messages, spam and trash left out, oldest first (by Date, as mbox)."""
    found: list[tuple[datetime, int, Message]] = []
    for position, item in enumerate(answer.get("messages") or []):
        if _SKIPPED_LABELS & set(item.get("labelIds") or []):
            continue
        message = _to_message(item, timezone, position)
        found.append((message.sent_at, position, message))
    found.sort(key=lambda row: (row[0], row[1]))
    return tuple(message for _, _, message in found)


# --- the mail source -------------------------------------------------------------------------


def _gmail_batch(
    service: Any, calls: Sequence[BatchCall], retry: RetryPolicy, size: int
) -> dict[str, Any]:
    """Gmail calls in batches of at most `size`, answers by key (None for a 404)."""
    return run_batch(service.new_batch_http_request, calls, retry, what="Gmail batch", size=size)


@dataclass(frozen=True, slots=True)
class _Held:
    history_id: str
    messages: tuple[Message, ...]


class Gmail:
    """A `MailSource` over one Gmail account, for the participants it is given."""

    def __init__(
        self,
        service: object,
        timezone: ZoneInfo,
        *,
        retry: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = MAX_BATCH,
        terms_per_query: int = TERMS_PER_QUERY,
    ) -> None:
        self._service = _resource(service)
        self.timezone = timezone
        self._retry = retry
        self._batch_size = batch_size
        self._per_query = terms_per_query
        self._terms: tuple[str, ...] = ()
        self._searched: frozenset[str] = frozenset()
        self._threads: dict[str, _Held] = {}
        self._history: str | None = None

    @property
    def cursor(self) -> str | None:
        """The history id the threads held are complete up to (None before the first read)."""
        return self._history

    def set_participants(self, addresses: Iterable[str], domains: Iterable[str]) -> None:
        """Whose threads to read: recruiter-side addresses and (non-free-mail) domains."""
        self._terms = search_terms(addresses, domains)

    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        terms = frozenset(self._terms)
        if not terms:
            logger.info("gmail: no participants to search for; no threads read")
            return ()
        if self._history is None:
            self._full_sync(terms)
        else:
            try:
                self._catch_up(terms)
            except GoogleApiError as error:
                if error.status != 404:
                    raise
                logger.info("gmail history id expired (404); full sync")
                self._full_sync(terms)
            new = terms - self._searched
            if new:
                self._search_more(new)
        kept: list[Thread] = []
        for thread_id, held in self._threads.items():
            if not held.messages:
                continue
            if keep is not None:
                heads = tuple(replace(m, body_text="", body_html="") for m in held.messages)
                if not keep(Thread(thread_id=thread_id, messages=heads)):
                    continue
            kept.append(Thread(thread_id=thread_id, messages=held.messages))
        kept.sort(key=lambda t: (t.messages[0].sent_at, t.thread_id))
        logger.info("gmail: %d threads held, %d returned", len(self._threads), len(kept))
        return tuple(kept)

    # --- reading ---------------------------------------------------------------------------

    def _users(self) -> Any:
        return self._service.users()

    def _full_sync(self, terms: frozenset[str]) -> None:
        """Every thread the queries find, with the history id taken before listing."""
        listed, history_id = self._list(sorted(terms), with_profile=True)
        assert history_id is not None
        stale = [t for t, h in listed.items() if self._held_version(t) != h]
        fetched = self._fetch(stale)
        held = {t: self._threads[t] for t in listed if t not in fetched and t in self._threads}
        held.update((t, h) for t, h in fetched.items() if h is not None)
        self._threads = held
        self._history = history_id
        self._searched = terms
        logger.info("gmail full sync: %d threads listed, %d fetched", len(listed), len(stale))

    def _search_more(self, terms: frozenset[str]) -> None:
        """Threads of participants added since the last search (the cursor stays)."""
        listed, _ = self._list(sorted(terms), with_profile=False)
        stale = [t for t, h in listed.items() if self._held_version(t) != h]
        for thread_id, held in self._fetch(stale).items():
            if held is None:
                self._threads.pop(thread_id, None)
            else:
                self._threads[thread_id] = held
        self._searched = self._searched | terms
        logger.info("gmail search for new participants: %d threads fetched", len(stale))

    def _held_version(self, thread_id: str) -> str | None:
        held = self._threads.get(thread_id)
        return held.history_id if held is not None else None

    def _list(
        self, terms: Sequence[str], *, with_profile: bool
    ) -> tuple[dict[str, str], str | None]:
        """Thread id → its historyId for every query; the profile's historyId if asked."""
        queries = build_queries(terms, per_query=self._per_query)
        listed: dict[str, str] = {}
        history_id: str | None = None
        pages: dict[str, str | None] = {q: None for q in queries}
        first = True
        while pages:
            calls = [
                BatchCall(
                    f"q{number}",
                    "Gmail threads.list",
                    partial(
                        self._users().threads().list,
                        userId="me",
                        q=query,
                        maxResults=_LIST_PAGE,
                        pageToken=token,
                    ),
                )
                for number, (query, token) in enumerate(pages.items())
            ]
            if first and with_profile:
                calls.insert(
                    0,
                    BatchCall(
                        "profile",
                        "Gmail getProfile",
                        lambda: self._users().getProfile(userId="me"),
                    ),
                )
            answers = _gmail_batch(self._service, calls, self._retry, self._batch_size)
            if first and with_profile:
                profile = answers.get("profile") or {}
                history_id = str(profile.get("historyId") or "") or None
                if history_id is None:
                    raise GoogleApiError(
                        "Gmail getProfile: no historyId in the answer", status=None, reason=""
                    )
            first = False
            following: dict[str, str | None] = {}
            for number, query in enumerate(pages):
                answer = answers.get(f"q{number}") or {}
                for row in answer.get("threads") or []:
                    listed[str(row["id"])] = str(row.get("historyId") or "")
                token = answer.get("nextPageToken")
                if token:
                    following[query] = str(token)
            pages = following
        return listed, history_id

    def _fetch(self, thread_ids: Sequence[str]) -> dict[str, _Held | None]:
        """`threads.get format=full` in batches; None for a thread gone meanwhile."""
        if not thread_ids:
            return {}
        calls = [
            BatchCall(
                thread_id,
                f"Gmail threads.get {thread_id}",
                partial(self._users().threads().get, userId="me", id=thread_id, format="full"),
            )
            for thread_id in thread_ids
        ]
        answers = _gmail_batch(self._service, calls, self._retry, self._batch_size)
        fetched: dict[str, _Held | None] = {}
        for thread_id in thread_ids:
            answer = answers.get(thread_id)
            if answer is None:
                fetched[thread_id] = None
                continue
            fetched[thread_id] = _Held(
                history_id=str(answer.get("historyId") or ""),
                messages=_thread_messages(answer, self.timezone),
            )
        return fetched

    def _catch_up(self, terms: frozenset[str]) -> None:
        """Apply what `history.list` reports since the cursor (404 propagates: resync)."""
        records: list[dict[str, Any]] = []
        page: str | None = None
        latest: str | None = None
        while True:
            query: dict[str, Any] = {
                "userId": "me",
                "startHistoryId": self._history,
                "maxResults": 500,
            }
            if page:
                query["pageToken"] = page
            answer = call(
                "Gmail history.list",
                partial(self._users().history().list, **query),
                self._retry,
            )
            records.extend(answer.get("history") or [])
            latest = str(answer.get("historyId") or "") or latest
            page = answer.get("nextPageToken")
            if not page:
                break
        touched: set[str] = set()
        unknown: dict[str, str] = {}  # message id -> thread id, added to threads not held
        for record in records:
            for entry in record.get("messagesAdded") or []:
                message = entry.get("message") or {}
                thread_id = str(message.get("threadId") or "")
                labels = set(message.get("labelIds") or [])
                if thread_id in self._threads:
                    touched.add(thread_id)
                elif not labels & (_SKIPPED_LABELS | {"DRAFT"}):
                    unknown[str(message.get("id"))] = thread_id
            for entry in record.get("messagesDeleted") or []:
                message = entry.get("message") or {}
                thread_id = str(message.get("threadId") or "")
                unknown.pop(str(message.get("id")), None)
                if thread_id in self._threads:
                    touched.add(thread_id)
            for name in ("labelsAdded", "labelsRemoved"):
                for entry in record.get(name) or []:
                    message = entry.get("message") or {}
                    thread_id = str(message.get("threadId") or "")
                    if thread_id in self._threads and set(entry.get("labelIds") or []) & (
                        _MEANINGFUL_LABELS
                    ):
                        touched.add(thread_id)
        wanted = self._wanted_threads(unknown, terms)
        refetch = sorted(touched | wanted)
        for thread_id, held in self._fetch(refetch).items():
            if held is None:
                self._threads.pop(thread_id, None)
            else:
                self._threads[thread_id] = held
        if latest:
            self._history = latest
        logger.info(
            "gmail history: %d records, %d threads fetched again, %d new",
            len(records),
            len(touched),
            len(wanted - touched),
        )

    def _wanted_threads(self, unknown: Mapping[str, str], terms: frozenset[str]) -> set[str]:
        """Threads not held whose new message involves a wanted participant."""
        if not unknown:
            return set()
        calls = [
            BatchCall(
                message_id,
                f"Gmail messages.get {message_id}",
                partial(
                    self._users().messages().get,
                    userId="me",
                    id=message_id,
                    format="metadata",
                    metadataHeaders=_PARTICIPANT_HEADERS,
                ),
            )
            for message_id in unknown
        ]
        answers = _gmail_batch(self._service, calls, self._retry, self._batch_size)
        wanted: set[str] = set()
        for message_id, thread_id in unknown.items():
            answer = answers.get(message_id)
            if answer is None:
                continue
            values = [
                str(h.get("value") or "")
                for h in (answer.get("payload") or {}).get("headers") or []
                if str(h.get("name") or "").lower() in ("from", "to", "cc")
            ]
            if any(_wanted(address, terms) for _, address in getaddresses(values) if address):
                wanted.add(thread_id)
        return wanted

    # --- persistence -----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return {
            "version": SNAPSHOT_VERSION,
            "kind": "gmail",
            "history_id": self._history,
            "searched": sorted(self._searched),
            "threads": {
                thread_id: {
                    "history_id": held.history_id,
                    "messages": [message_to_json(m) for m in held.messages],
                }
                for thread_id, held in self._threads.items()
            },
        }

    def restore(self, data: Mapping[str, object]) -> bool:
        try:
            if data.get("version") != SNAPSHOT_VERSION or data.get("kind") != "gmail":
                raise ValueError("not a Gmail snapshot of this version")
            history_id = data.get("history_id")
            searched = data.get("searched")
            threads = data.get("threads")
            if not isinstance(history_id, str) or not isinstance(searched, list):
                raise ValueError("no history id")
            if not isinstance(threads, dict):
                raise ValueError("no threads")
            held: dict[str, _Held] = {}
            for thread_id, value in threads.items():
                if not isinstance(value, dict) or not isinstance(value.get("messages"), list):
                    raise ValueError("a damaged thread")
                held[str(thread_id)] = _Held(
                    history_id=str(value.get("history_id") or ""),
                    messages=tuple(message_from_json(m) for m in value["messages"]),
                )
        except (ValueError, TypeError, KeyError) as error:
            logger.info("gmail snapshot not usable (%s); next read is a full sync", error)
            self._threads, self._history, self._searched = {}, None, frozenset()
            return False
        self._threads = held
        self._history = history_id
        self._searched = frozenset(str(term) for term in searched)
        return True


def message_to_json(message: Message) -> dict[str, object]:
    def person(p: Person) -> list[str]:
        return [p.email, p.name]

    return {
        "id": message.message_id,
        "thread": message.thread_id,
        "from": person(message.sender),
        "to": [person(p) for p in message.to],
        "cc": [person(p) for p in message.cc],
        "subject": message.subject,
        "sent_at": message.sent_at.isoformat(),
        "text": message.body_text,
        "html": message.body_html,
        "headers": [list(h) for h in message.headers],
        "in_reply_to": message.in_reply_to,
        "references": list(message.references),
        "draft": message.is_draft,
    }


def message_from_json(value: object) -> Message:
    if not isinstance(value, dict):
        raise ValueError("a damaged message")

    def person(item: object) -> Person:
        if not isinstance(item, list) or len(item) != 2:
            raise ValueError("a damaged address")
        return Person(email=str(item[0]), name=str(item[1]))

    sent_at = datetime.fromisoformat(str(value["sent_at"]))
    if sent_at.tzinfo is None:
        raise ValueError("a time without offset")
    return Message(
        message_id=str(value["id"]),
        thread_id=str(value["thread"]),
        sender=person(value["from"]),
        to=tuple(person(p) for p in value.get("to") or []),
        cc=tuple(person(p) for p in value.get("cc") or []),
        subject=str(value.get("subject") or ""),
        sent_at=sent_at,
        body_text=str(value.get("text") or ""),
        body_html=str(value.get("html") or ""),
        headers=tuple((str(h[0]), str(h[1])) for h in value.get("headers") or []),
        in_reply_to=str(value.get("in_reply_to") or ""),
        references=tuple(str(r) for r in value.get("references") or []),
        is_draft=bool(value.get("draft")),
    )


# --- drafts ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Seen:
    """One draft version looked at: our key ("" when not ours), its hash, where, when."""

    key: str
    content_hash: str
    draft_id: str
    thread_id: str
    internal_ms: int


class GmailDrafts:
    """A `DraftSink` writing Gmail drafts tagged with `X-Followup-Key`; it never sends."""

    def __init__(
        self,
        service: object,
        *,
        me: str = "",
        name: str = "",
        retry: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = MAX_BATCH,
    ) -> None:
        self._service = _resource(service)
        self.me = me  # "" leaves From to Gmail (the account's default address)
        self.name = name
        self._retry = retry
        self._batch_size = batch_size
        self._seen: dict[str, _Seen] = {}  # by message id
        self._ours: dict[str, _Seen] = {}  # by key, as the last find_all saw them
        self._gone: dict[str, _Seen] = {}  # by key: seen before, no longer a draft

    def _drafts(self) -> Any:
        return self._service.users().drafts()

    # --- the protocol ----------------------------------------------------------------------

    def content_hash(self, draft: DraftMessage) -> str:
        d = draft.draft
        return _draft_hash(d.to, d.cc, d.subject, d.body)

    def message_id(self, draft: DraftMessage) -> str:
        return ""  # Gmail gives the draft its Message-ID

    def find_all(self, known: Mapping[str, str] | None = None) -> dict[str, Found]:
        rows = self._list()
        self._look_at([row for row in rows if row[1] not in self._seen])
        present = {message_id for _, message_id, _ in rows}
        self._seen = {m: s for m, s in self._seen.items() if m in present}
        found: dict[str, Found] = {}
        ours: dict[str, _Seen] = {}
        for draft_id, message_id, _ in rows:
            seen = self._seen.get(message_id)
            if seen is None or not seen.key:
                continue
            if seen.key in found:
                self._drop_copy(found[seen.key], draft_id, seen)
                continue
            ours[seen.key] = seen
            found[seen.key] = Found(
                key=seen.key,
                remote_id=draft_id,
                etag=message_id,
                content_hash=seen.content_hash,
            )
        for key, seen in self._ours.items():
            if key not in ours:
                self._gone[key] = seen
        for key in ours:
            self._gone.pop(key, None)
        self._ours = ours
        logger.info("drafts: %d listed, %d ours", len(rows), len(found))
        return found

    def create(self, draft: DraftMessage) -> Written:
        raw = self.render(draft)
        wanted = self.content_hash(draft)
        thread_id = draft.draft.thread_id

        def make(thread: str) -> Callable[[], Any]:
            message: dict[str, str] = {"raw": _b64encode(raw)}
            if thread:
                message["threadId"] = thread
            return lambda: self._drafts().create(userId="me", body={"message": message})

        def recover() -> Any:
            found = self.find_all().get(draft.key)
            if found is None or found.content_hash != wanted:
                return None
            return {"id": found.remote_id, "message": {"id": found.etag}}

        what = f"Gmail drafts.create {draft.key}"
        try:
            answer = call(what, make(thread_id), self._retry, recover=recover)
        except GoogleApiError as error:
            if error.status != 404 or not thread_id:
                raise
            logger.info("draft %s: thread %s is gone; written as a new mail", draft.key, thread_id)
            answer = call(what, make(""), self._retry, recover=recover)
        logger.info("draft created: %s (%s)", answer["id"], draft.key)
        return Written(
            remote_id=str(answer["id"]),
            etag=str(answer["message"]["id"]),
            content_hash=wanted,
        )

    def update(self, found: Found, draft: DraftMessage) -> Written | None:
        if not self._unchanged(found):
            return None
        raw = self.render(draft)
        wanted = self.content_hash(draft)
        message: dict[str, str] = {"raw": _b64encode(raw)}
        if draft.draft.thread_id:
            message["threadId"] = draft.draft.thread_id

        def recover() -> Any:
            current = self._get(found.remote_id, "raw")
            if current is None:
                return None
            raw_now = _b64decode(str(current["message"].get("raw") or ""))
            if _raw_hash(raw_now) == wanted and current["message"]["id"] != found.etag:
                return current
            return None

        try:
            answer = call(
                f"Gmail drafts.update {found.remote_id}",
                lambda: self._drafts().update(
                    userId="me",
                    id=found.remote_id,
                    body={"id": found.remote_id, "message": message},
                ),
                self._retry,
                recover=recover,
            )
        except GoogleApiError as error:
            if error.status == 404:
                logger.info("draft %s is gone; not updated", found.remote_id)
                return None
            raise
        logger.info("draft updated: %s", found.remote_id)
        return Written(
            remote_id=found.remote_id,
            etag=str(answer["message"]["id"]),
            content_hash=wanted,
        )

    def delete(self, found: Found) -> bool:
        """True when it is gone (deleted now or before); False when the user changed it."""
        current = self._get(found.remote_id, "minimal")
        if current is None:
            return True
        if str(current["message"]["id"]) != found.etag:
            logger.info("draft %s changed by the user; left alone", found.remote_id)
            return False
        try:
            call(
                f"Gmail drafts.delete {found.remote_id}",
                lambda: self._drafts().delete(userId="me", id=found.remote_id),
                self._retry,
            )
        except GoogleApiError as error:
            if error.status != 404:
                raise
        self._ours.pop(found.key, None)  # deleted by us: neither sent nor the user's doing
        self._gone.pop(found.key, None)
        logger.info("draft deleted: %s", found.remote_id)
        return True

    def _drop_copy(self, kept: Found, draft_id: str, seen: _Seen) -> None:
        """A second draft with the same key: a create Gmail carried out twice (httplib2
        re-sends a request whose answer was lost). An identical copy is deleted."""
        if seen.content_hash != kept.content_hash:
            logger.warning("draft %s repeats key %s with other content; left", draft_id, seen.key)
            return
        try:
            call(
                f"Gmail drafts.delete {draft_id}",
                partial(self._drafts().delete, userId="me", id=draft_id),
                self._retry,
            )
        except GoogleApiError as error:
            if error.status != 404:
                raise
        logger.info("duplicate draft %s of %s deleted", draft_id, seen.key)

    def sent_keys(self) -> frozenset[str]:
        """Keys of drafts gone since an earlier `find_all` whose thread holds a SENT message
        carrying that key or newer than the draft: sent by the user. Call after `find_all`."""
        if not self._gone:
            return frozenset()
        by_thread: dict[str, list[tuple[str, _Seen]]] = {}
        for key, seen in self._gone.items():
            by_thread.setdefault(seen.thread_id, []).append((key, seen))
        calls = [
            BatchCall(
                thread_id,
                f"Gmail threads.get {thread_id}",
                partial(
                    self._service.users().threads().get,
                    userId="me",
                    id=thread_id,
                    format="metadata",
                    metadataHeaders=[KEY_HEADER],
                ),
            )
            for thread_id in by_thread
        ]
        answers = _gmail_batch(self._service, calls, self._retry, self._batch_size)
        sent: set[str] = set()
        for thread_id, entries in by_thread.items():
            answer = answers.get(thread_id) or {}
            for item in answer.get("messages") or []:
                if "SENT" not in (item.get("labelIds") or []):
                    continue
                tagged = _part_header(item.get("payload") or {}, KEY_HEADER.lower()).strip()
                when = int(item.get("internalDate") or 0)
                for key, seen in entries:
                    if tagged == key or (seen.internal_ms and when >= seen.internal_ms):
                        sent.add(key)
        for key in sent:
            self._gone.pop(key, None)
        logger.info("drafts gone: %d sent", len(sent))
        return frozenset(sent)

    # --- helpers ---------------------------------------------------------------------------

    def render(self, draft: DraftMessage) -> bytes:
        """The RFC 2822 message for a draft (no Date or Message-ID: Gmail adds them)."""
        d = draft.draft
        message = EmailMessage(policy=email.policy.SMTP)
        if self.me:
            message["From"] = formataddr((self.name, self.me)) if self.name else self.me
        message["To"] = ", ".join(d.to)
        if d.cc:
            message["Cc"] = ", ".join(d.cc)
        message["Subject"] = d.subject
        if d.in_reply_to:
            message["In-Reply-To"] = f"<{d.in_reply_to}>"
        references = list(dict.fromkeys((*d.references, d.in_reply_to)))
        references = [r for r in references if r]
        if references:
            message["References"] = " ".join(f"<{r}>" for r in references)
        message[KEY_HEADER] = draft.key
        message.set_content(d.body)
        return message.as_bytes()

    def _list(self) -> list[tuple[str, str, str]]:
        """(draft id, message id, thread id) of every draft."""
        rows: list[tuple[str, str, str]] = []
        page: str | None = None
        while True:
            query: dict[str, Any] = {"userId": "me", "maxResults": _LIST_PAGE}
            if page:
                query["pageToken"] = page
            answer = call(
                "Gmail drafts.list",
                partial(self._drafts().list, **query),
                self._retry,
            )
            for item in answer.get("drafts") or []:
                message = item.get("message") or {}
                rows.append(
                    (str(item["id"]), str(message.get("id")), str(message.get("threadId") or ""))
                )
            page = answer.get("nextPageToken")
            if not page:
                return rows

    def _look_at(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Read drafts not seen in this version: whose they are, and their hash."""
        if not rows:
            return
        calls = [
            BatchCall(
                draft_id,
                f"Gmail drafts.get {draft_id}",
                partial(self._drafts().get, userId="me", id=draft_id, format="raw"),
            )
            for draft_id, _, _ in rows
        ]
        answers = _gmail_batch(self._service, calls, self._retry, self._batch_size)
        for draft_id, message_id, thread_id in rows:
            answer = answers.get(draft_id)
            if answer is None:
                continue
            message = answer.get("message") or {}
            raw = _b64decode(str(message.get("raw") or ""))
            self._seen[str(message.get("id") or message_id)] = _Seen(
                key=_key_of(raw),
                content_hash=_raw_hash(raw),
                draft_id=draft_id,
                thread_id=str(message.get("threadId") or thread_id),
                internal_ms=int(message.get("internalDate") or 0),
            )

    def _get(self, draft_id: str, fmt: str) -> dict[str, Any] | None:
        try:
            answer: dict[str, Any] = call(
                f"Gmail drafts.get {draft_id}",
                lambda: self._drafts().get(userId="me", id=draft_id, format=fmt),
                self._retry,
            )
        except GoogleApiError as error:
            if error.status == 404:
                return None
            raise
        return answer

    def _unchanged(self, found: Found) -> bool:
        """Whether the draft is still the version found, with the content found."""
        current = self._get(found.remote_id, "raw")
        if current is None:
            logger.info("draft %s is gone; left alone", found.remote_id)
            return False
        message = current.get("message") or {}
        raw = _b64decode(str(message.get("raw") or ""))
        if str(message.get("id")) != found.etag or _raw_hash(raw) != found.content_hash:
            logger.info("draft %s changed by the user; left alone", found.remote_id)
            return False
        return True

    # --- persistence -----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        def row(seen: _Seen) -> list[object]:
            return [seen.key, seen.content_hash, seen.draft_id, seen.thread_id, seen.internal_ms]

        return {
            "version": SNAPSHOT_VERSION,
            "kind": "gmail-drafts",
            "seen": {m: row(s) for m, s in self._seen.items()},
            "ours": {k: row(s) for k, s in self._ours.items()},
            "gone": {k: row(s) for k, s in self._gone.items()},
        }

    def restore(self, data: Mapping[str, object]) -> bool:
        def table(name: str) -> dict[str, _Seen]:
            value = data.get(name)
            if not isinstance(value, dict):
                raise ValueError(name)
            out: dict[str, _Seen] = {}
            for key, row in value.items():
                if not isinstance(row, list) or len(row) != 5:
                    raise ValueError(name)
                out[str(key)] = _Seen(
                    str(row[0]), str(row[1]), str(row[2]), str(row[3]), int(row[4])
                )
            return out

        try:
            if data.get("version") != SNAPSHOT_VERSION or data.get("kind") != "gmail-drafts":
                raise ValueError("version")
            seen, ours, gone = table("seen"), table("ours"), table("gone")
        except (ValueError, TypeError) as error:
            logger.info("drafts snapshot not usable (%s); starting afresh", error)
            self._seen, self._ours, self._gone = {}, {}, {}
            return False
        self._seen, self._ours, self._gone = seen, ours, gone
        return True

    @property
    def cursor(self) -> str | None:
        return None


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _key_of(raw: bytes) -> str:
    parsed = email.message_from_bytes(header_block(raw) + b"\r\n")
    value = parsed.get(KEY_HEADER)
    return " ".join(str(value).split()) if value else ""


def _raw_hash(raw: bytes) -> str:
    """The content hash of a stored draft, comparable with `GmailDrafts.content_hash`."""
    fields = read_fields(header_block(raw))

    def addresses(name: str) -> list[str]:
        value = decode_words(fields.get(name, ""))
        return [address for _, address in getaddresses([value]) if address]

    text, _ = read_bodies(raw)
    return _draft_hash(
        addresses("to"), addresses("cc"), decode_words(fields.get("subject", "")), text
    )


def _draft_hash(to: Iterable[str], cc: Iterable[str], subject: str, body: str) -> str:
    """A hash of what the user can change in a draft: recipients, subject, text."""
    lines = body.replace("\r\n", "\n").split("\n")
    canonical = {
        "to": sorted(a.strip().lower() for a in to),
        "cc": sorted(a.strip().lower() for a in cc),
        "subject": " ".join(subject.split()),
        "body": "\n".join(line.rstrip() for line in lines).strip(),
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
