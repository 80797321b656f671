"""Gmail: `Gmail`, the `MailSource` reading recruiter threads by search and history.

- It is told whom to look for with `set_participants(addresses, domains)` (the interviews'
  recruiter sides); `threads()` without participants returns nothing, since reading a
  whole mailbox is never needed. The participants are folded into few `threads.list`
  queries, `from:(a OR b …) OR to:(…) OR cc:(…)`, up to 20 terms each; an address whose
  domain is searched anyway is left out.
- First read (or a history id Gmail no longer knows, 404): `getProfile`'s historyId is
  taken first, in the same batch as the first page of every query, then every listed
  thread is fetched with `threads.get format=full` in batches of at most 50 (`retry`).
  Threads already held with the same historyId are not fetched again.
- Later reads walk `history.list` from the stored historyId: threads held are fetched again
  when they changed; a message added to an unknown thread is looked at (`messages.get
  format=metadata`, From/To/Cc only) and its thread fetched when a participant is wanted.
  Participants added since are searched for alone. With nothing changed a read is one
  request of 2 quota units.
- Messages are converted by `gmail_payload`; DRAFT-labelled messages carry `is_draft`;
  spam and trash are left out.
- Threads held are kept in memory; `snapshot()`/`restore()` persist them with the history
  id (see `state`). The drafts are written by `gmail_drafts.GmailDrafts`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import getaddresses
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from connectors.google.gmail_drafts import GmailDrafts
from connectors.google.gmail_payload import (
    SKIPPED_LABELS,
    message_from_json,
    message_to_json,
    thread_messages,
)
from connectors.google.retry import (
    DEFAULT_POLICY,
    GMAIL_BATCH,
    BatchCall,
    GoogleApiError,
    RetryPolicy,
    call,
    pages,
    run_batch,
)
from connectors.google.state import OwnWrites, Snapshot
from policy.models import Message, Thread

__all__ = ["Gmail", "GmailDrafts", "build_queries", "search_terms"]

logger = logging.getLogger(__name__)

SNAPSHOT_VERSION = 1
TERMS_PER_QUERY = 20
_LIST_PAGE = 500
# Label changes that matter to what is read: drafts sent or deleted, mail trashed.
_MEANINGFUL_LABELS = frozenset({"DRAFT", "SENT", "SPAM", "TRASH"})
_PARTICIPANT_HEADERS = ["From", "To", "Cc"]


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


@dataclass(slots=True)
class _HistoryNews:
    """What history records since the cursor say, gathered record by record."""

    touched: set[str] = field(default_factory=set)  # threads held that changed
    unknown: dict[str, str] = field(default_factory=dict)  # message id -> thread not held
    skipped: int = 0  # entries of our own drafts


class Gmail:
    """A `MailSource` over one Gmail account, for the participants it is given."""

    def __init__(
        self,
        service: object,
        timezone: ZoneInfo,
        *,
        retry: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = GMAIL_BATCH,
        terms_per_query: int = TERMS_PER_QUERY,
        own: OwnWrites | None = None,
        fetch_chunk: int = 500,
    ) -> None:
        self._service: Any = service
        self.timezone = timezone
        self._retry = retry
        self._batch_size = batch_size
        self._per_query = terms_per_query
        self._terms: tuple[str, ...] = ()
        self._searched: frozenset[str] = frozenset()
        self._threads: dict[str, _Held] = {}
        self._history: str | None = None
        self._own = own if own is not None else OwnWrites()
        self._chunk = max(1, fetch_chunk)  # threads fetched between progress points
        # Called during a long first sync (at most once a minute), so the daemon saves what
        # was read so far: a kill then costs at most a minute of it.
        self.on_progress: Callable[[], None] | None = None
        self._progress_at = time.monotonic()

    @property
    def cursor(self) -> str | None:
        """The history id the threads held are complete up to (None before the first read);
        "partial:N" while a first sync is under way with N threads read, so its progress
        is saved (and resumed) like a cursor."""
        if self._history is None and self._threads:
            return f"partial:{len(self._threads)}"
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
        """Every thread the queries find, with the history id taken before listing.

        Threads are fetched in chunks and kept as they come, so a sync interrupted (an
        error, the quota, a lost connection) resumes where it stopped: the next one lists
        again (a few units) and fetches only what it does not hold in that version.
        """
        listed, history_id = self._list(sorted(terms), with_profile=True)
        assert history_id is not None
        stale = [t for t, h in listed.items() if self._held_version(t) != h]
        for start in range(0, len(stale), self._chunk):
            self._refresh(stale[start : start + self._chunk])
            if len(stale) > self._chunk:
                done = min(len(stale), start + self._chunk)
                logger.info("gmail full sync: %d of %d threads fetched", done, len(stale))
                if self.on_progress is not None and time.monotonic() - self._progress_at >= 60:
                    self._progress_at = time.monotonic()
                    self.on_progress()
        self._threads = {t: h for t, h in self._threads.items() if t in listed}
        self._history = history_id
        self._searched = terms
        logger.info("gmail full sync: %d threads listed, %d fetched", len(listed), len(stale))

    def _search_more(self, terms: frozenset[str]) -> None:
        """Threads of participants added since the last search (the cursor stays)."""
        listed, _ = self._list(sorted(terms), with_profile=False)
        stale = [t for t, h in listed.items() if self._held_version(t) != h]
        self._refresh(stale)
        self._searched = self._searched | terms
        logger.info("gmail search for new participants: %d threads fetched", len(stale))

    def _refresh(self, thread_ids: Sequence[str]) -> None:
        """Fetch these threads again and hold them as they are now (gone: dropped)."""
        for thread_id, held in self._fetch(thread_ids).items():
            if held is None:
                self._threads.pop(thread_id, None)
            else:
                self._threads[thread_id] = held

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
        if with_profile:
            # Before the listing, not in its batch: Google runs a batch's parts in any order,
            # and a cursor taken after the listing would skip what arrived in between.
            profile = call(
                "Gmail getProfile", lambda: self._users().getProfile(userId="me"), self._retry
            )
            history_id = str(profile.get("historyId") or "") or None
            if history_id is None:
                raise GoogleApiError(
                    "Gmail getProfile: no historyId in the answer", status=None, reason=""
                )
        waiting: dict[str, str | None] = {q: None for q in queries}
        while waiting:
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
                for number, (query, token) in enumerate(waiting.items())
            ]
            answers = _gmail_batch(self._service, calls, self._retry, self._batch_size)
            following: dict[str, str | None] = {}
            for number, query in enumerate(waiting):
                answer = answers.get(f"q{number}") or {}
                for row in answer.get("threads") or []:
                    listed[str(row["id"])] = str(row.get("historyId") or "")
                token = answer.get("nextPageToken")
                if token:
                    following[query] = str(token)
            waiting = following
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
                messages=thread_messages(answer, self.timezone),
            )
        return fetched

    def _catch_up(self, terms: frozenset[str]) -> None:
        """Apply what `history.list` reports since the cursor (404 propagates: resync)."""
        records, latest = self._history_since()
        news = _HistoryNews()
        for record in records:
            self._read_record(record, news)
        wanted = self._wanted_threads(news.unknown, terms)
        self._refresh(sorted(news.touched | wanted))
        if latest:
            self._history = latest
        logger.info(
            "gmail history: %d records (%d of our drafts), %d threads fetched again, %d new",
            len(records),
            news.skipped,
            len(news.touched),
            len(wanted - news.touched),
        )

    def _history_since(self) -> tuple[list[dict[str, Any]], str | None]:
        """Every history record since the cursor; the history id of the last page."""
        records: list[dict[str, Any]] = []
        latest: str | None = None

        def page(token: str | None) -> Any:
            return (
                self._users()
                .history()
                .list(userId="me", startHistoryId=self._history, maxResults=500, pageToken=token)
            )

        for answer in pages("Gmail history.list", page, self._retry):
            records.extend(answer.get("history") or [])
            latest = str(answer.get("historyId") or "") or latest
        return records, latest

    def _read_record(self, record: Mapping[str, Any], news: _HistoryNews) -> None:
        """What one history record says: threads held that changed, new messages in
        threads not held (to look at), our own drafts (skipped: not news)."""
        for entry in record.get("messagesAdded") or []:
            message = entry.get("message") or {}
            if str(message.get("id")) in self._own:
                news.skipped += 1  # our own draft: not news
                continue
            thread_id = str(message.get("threadId") or "")
            labels = set(message.get("labelIds") or [])
            if thread_id in self._threads:
                news.touched.add(thread_id)
            elif not labels & (SKIPPED_LABELS | {"DRAFT"}):
                news.unknown[str(message.get("id"))] = thread_id
        for entry in record.get("messagesDeleted") or []:
            message = entry.get("message") or {}
            if str(message.get("id")) in self._own:
                news.skipped += 1
                continue
            thread_id = str(message.get("threadId") or "")
            news.unknown.pop(str(message.get("id")), None)
            if thread_id in self._threads:
                news.touched.add(thread_id)
        for name in ("labelsAdded", "labelsRemoved"):
            for entry in record.get(name) or []:
                thread_id = str((entry.get("message") or {}).get("threadId") or "")
                meaningful = set(entry.get("labelIds") or []) & _MEANINGFUL_LABELS
                if thread_id in self._threads and meaningful:
                    news.touched.add(thread_id)

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
            if not isinstance(history_id, str | None) or not isinstance(searched, list):
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
