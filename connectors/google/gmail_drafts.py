"""Gmail drafts: `GmailDrafts`, the `DraftSink` writing one draft per email action. It never
sends (nothing here calls drafts.send or messages.send).

Nothing of this program is in a draft (no `X-Followup-*` header: a draft sent from a mail
program would carry it to the recruiter). Our drafts are found again by what is recorded:
- the draft id, recorded by the daemon (`remember`) or written in this process. A web or
  mobile edit keeps the draft id but rotates the message id, may drop headers and moves
  the draft to a new thread when its subject changes: found by its id, its content hash
  then differs from the one recorded, and the daemon leaves it alone. A draft sent from
  Gmail is deleted (a SENT message joins the thread): gone, and never written again.
- for a create whose answer was never recorded (killed mid-write, or the answer lost):
  the Message-ID we chose, derived from the action key and the content hash (so the
  daemon's open intent, which holds both, finds it), or the content hash alone where
  Gmail replaced the Message-ID. An identical second copy (httplib2 re-sends a request
  whose answer was lost, and Gmail carries it out twice) is deleted.

- `create` posts `drafts.create` with `message.raw` (base64url RFC 2822, JSON body) and,
  for replies, the `threadId`, `In-Reply-To`, `References` and the thread's subject. A
  thread Gmail cannot resolve (404, or 400 "Invalid thread_id value") is gone: the draft is
  written as a new mail.
- The message is built by `draft_mail.build_draft`, as the Maildir's drafts are (a
  format=flowed body under 78 columns, RFC 6532 for a non-ASCII local part, a bounded
  subject, trimmed References), and `content_hash` is `draft_mail.content_hash`: what the
  user can change (recipients, subject, threading, text), read back from the raw draft
  with its flowed body joined again. `update` and
  `delete` first read the draft: one whose message id or hash moved since it was found
  (the user edited it) is left alone. Gmail has no If-Match for drafts; this check is
  the closest.
- Drafts are read (`drafts.get format=raw`) once per version (message id): ours to hash
  them, and the others only while a create is unsettled.
- A draft we wrote that is gone was sent or deleted by the user: `why_gone` tells which,
  by a SENT message in the draft's thread written since the draft was (Gmail keeps the
  thread; its web app drops our Message-ID), else by one search for a SENT message with our
  Message-ID, or to its recipients with its subject since then. Only a draft found gone
  is asked about: a poll with nothing gone costs no request more. The thread is known from
  the listings and creates of this process and, for a reply the plan still wants, from the
  plan; the recipients and subject only while the plan wants the draft. So a fresh process
  (`sync --once`) told of a new-mail draft the web app sent (its Message-ID replaced) once
  the plan took it as done has nothing to go by, and says "deleted by the user".
- The message ids written are handed to `OwnWrites`, so the mail source does not take our
  own drafts for news.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from connectors._email import header_block, read_fields
from connectors.base import DraftMessage, Found, Written
from connectors.draft_mail import (
    build_labelled,
    content_hash,
    content_hash_of,
    subject_of,
)
from connectors.draft_mail import message_id_in_domain as message_id_for
from connectors.google.gmail_payload import b64decode, b64encode
from connectors.google.retry import (
    DEFAULT_POLICY,
    GMAIL_BATCH,
    BatchCall,
    GoogleApiError,
    RetryPolicy,
    call,
    get_or_none,
    pages,
    run_batch,
)
from connectors.google.state import OwnWrites
from policy.models import Draft

logger = logging.getLogger(__name__)

_LIST_PAGE = 500
SENT = "sent by the user"
DELETED = "deleted by the user"
_WORDS = re.compile(r"\w+")
_SLACK = timedelta(minutes=1)  # between the pass's moment and Gmail's clock


def vanished_thread(error: GoogleApiError) -> bool:
    """Gmail's answers for a thread it cannot resolve: 404, or 400 "Invalid thread_id"."""
    if error.status == 404:
        return True
    return error.status == 400 and "thread_id" in error.detail.lower()


@dataclass(frozen=True, slots=True)
class _Seen:
    """One draft version looked at: the Message-ID it carries and its content hash."""

    message_id: str
    content_hash: str


class GmailDrafts:
    """A `DraftSink` writing Gmail drafts, found again by what is recorded; it never sends."""

    def __init__(
        self,
        service: object,
        *,
        me: str = "",
        name: str = "",
        domain: str = "",
        retry: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = GMAIL_BATCH,
        own: OwnWrites | None = None,
    ) -> None:
        self._service: Any = service
        self.me = me  # "" leaves From to Gmail (the account's default address)
        self.name = name
        self.domain = domain or me.rpartition("@")[2]
        self._retry = retry
        self._batch_size = batch_size
        self.own = own if own is not None else OwnWrites()
        self._seen: dict[str, _Seen] = {}  # by Gmail message id
        self._known: dict[str, str] = {}  # draft id -> action key
        self._pending: dict[str, str] = {}  # action key -> content hash, draft id unknown
        self._threads: dict[str, str] = {}  # draft id -> its thread, as last listed or written
        self._drafted: dict[str, Draft] = {}  # action key -> the draft the plan wants

    def _drafts(self) -> Any:
        return self._service.users().drafts()

    # --- the protocol ----------------------------------------------------------------------

    def remember(self, written: Mapping[str, str], pending: Mapping[str, str]) -> None:
        """What the daemon recorded: action key -> draft id of each draft written, and
        action key -> content hash of each create whose result is not recorded yet."""
        self._known = {draft_id: key for key, draft_id in written.items() if draft_id}
        self._pending = dict(pending)

    def content_hash(self, draft: DraftMessage) -> str:
        self._drafted[draft.key] = draft.draft
        return content_hash(draft.draft)

    def find_all(self) -> dict[str, Found]:
        rows = self._list()
        self._threads.update((draft_id, thread) for draft_id, _, thread in rows if thread)
        wanted = [
            row
            for row in rows
            if row[1] not in self._seen and (self._pending or row[0] in self._known)
        ]
        self._look_at(wanted)
        present = {message_id for _, message_id, _ in rows}
        self._seen = {m: s for m, s in self._seen.items() if m in present}
        found: dict[str, Found] = {}
        for draft_id, message_id, _ in rows:
            key = self._known.get(draft_id)
            seen = self._seen.get(message_id)
            if key is None or seen is None or key in found:
                continue
            found[key] = Found(
                key=key, remote_id=draft_id, etag=message_id, content_hash=seen.content_hash
            )
        if self._pending:
            self._settle_pending(rows, found)
        logger.info("drafts: %d listed, %d ours", len(rows), len(found))
        return found

    def _settle_pending(
        self, rows: Sequence[tuple[str, str, str]], found: dict[str, Found]
    ) -> None:
        """Drafts not recorded that are ours: a create whose answer was not recorded."""
        expected = {
            message_id_for(key, wanted, self.domain): key for key, wanted in self._pending.items()
        }
        for draft_id, message_id, _ in rows:
            seen = self._seen.get(message_id)
            if draft_id in self._known or seen is None:
                continue
            key = expected.get(seen.message_id)
            if key is None:  # Gmail may have replaced our Message-ID: the content tells
                key = next((k for k, h in self._pending.items() if h == seen.content_hash), None)
            if key is None or self._pending.get(key) != seen.content_hash:
                continue
            if key in found:
                self._drop_copy(found[key], draft_id)
                continue
            logger.info("draft %s of an unsettled create found (%s)", draft_id, key)
            self._known[draft_id] = key
            found[key] = Found(
                key=key, remote_id=draft_id, etag=message_id, content_hash=seen.content_hash
            )
        self._pending = {k: h for k, h in self._pending.items() if k not in found}

    def create(self, draft: DraftMessage) -> Written:
        wanted = self.content_hash(draft)
        raw = self.render(draft)
        thread_id = draft.draft.thread_id
        # Until the next find_all: a copy Gmail made twice is recognised and dropped there.
        self._pending[draft.key] = wanted

        def make(thread: str) -> Callable[[], Any]:
            message: dict[str, str] = {"raw": b64encode(raw)}
            if thread:
                message["threadId"] = thread
            return lambda: self._drafts().create(userId="me", body={"message": message})

        def recover() -> Any:
            found = self.find_all().get(draft.key)
            if found is None or found.content_hash != wanted:
                return None
            self._pending[draft.key] = wanted
            return {"id": found.remote_id, "message": {"id": found.etag}}

        what = f"Gmail drafts.create {draft.key}"
        try:
            answer = call(what, make(thread_id), self._retry, recover=recover)
        except GoogleApiError as error:
            if not thread_id or not vanished_thread(error):
                raise
            logger.info("draft %s: thread %s is gone; written as a new mail", draft.key, thread_id)
            answer = call(what, make(""), self._retry, recover=recover)
        draft_id, message_id = str(answer["id"]), str(answer["message"]["id"])
        self._known[draft_id] = draft.key
        self._threads[draft_id] = str(answer["message"].get("threadId") or "")
        self.own.add(message_id)
        logger.info("draft created: %s (%s)", draft_id, draft.key)
        return Written(remote_id=draft_id, etag=message_id, content_hash=wanted)

    def update(self, found: Found, draft: DraftMessage) -> Written | None:
        if not self._unchanged(found):
            return None
        raw = self.render(draft)
        wanted = self.content_hash(draft)
        message: dict[str, str] = {"raw": b64encode(raw)}
        if draft.draft.thread_id:
            message["threadId"] = draft.draft.thread_id

        def recover() -> Any:
            current = self._get(found.remote_id, "raw")
            if current is None:
                return None
            raw_now = b64decode(str(current["message"].get("raw") or ""))
            if content_hash_of(raw_now) == wanted and current["message"]["id"] != found.etag:
                return current
            return None

        self.own.add(found.etag)  # replaced: Gmail deletes this message
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
        self.own.add(str(answer["message"]["id"]))
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
        self.own.add(found.etag)
        try:
            call(
                f"Gmail drafts.delete {found.remote_id}",
                lambda: self._drafts().delete(userId="me", id=found.remote_id),
                self._retry,
            )
        except GoogleApiError as error:
            if error.status != 404:
                raise
        self._known.pop(found.remote_id, None)
        logger.info("draft deleted: %s", found.remote_id)
        return True

    def why_gone(self, key: str, *, remote_id: str, content_hash: str, written_at: datetime) -> str:
        """Why a draft we wrote is no longer there: "sent by the user" when a SENT message
        stands for it (one in its thread, written since the draft was; or one carrying the
        Message-ID we gave it; or one to its recipients with its subject since then), else
        "deleted by the user".
        Asked only of a draft found gone, so a poll with nothing gone costs nothing more."""
        since_ms = int((written_at - _SLACK).timestamp() * 1000)
        drafted = self._drafted.get(key)
        thread = self._threads.get(remote_id) or (drafted.thread_id if drafted else "")
        if thread and self._sent_in_thread(thread, since_ms):
            return SENT
        terms = [f"rfc822msgid:{message_id_for(key, content_hash, self.domain)}"]
        words = " ".join(_WORDS.findall(subject_of(drafted.subject))) if drafted else ""
        if drafted is not None and drafted.to and words:
            to = " OR ".join(f"to:{address}" for address in drafted.to)
            terms.append(f'(({to}) subject:"{words}" after:{since_ms // 1000})')
        answer = call(
            f"Gmail messages.list (was draft {remote_id} sent?)",
            lambda: (
                self._service.users()
                .messages()
                .list(userId="me", q=f"in:sent ({' OR '.join(terms)})", maxResults=1)
            ),
            self._retry,
        )
        return SENT if answer.get("messages") else DELETED

    def _sent_in_thread(self, thread_id: str, since_ms: int) -> bool:
        """Whether the thread holds a SENT message from `since_ms` on."""
        thread: dict[str, Any] | None = get_or_none(
            f"Gmail threads.get {thread_id}",
            lambda: (
                self._service.users().threads().get(userId="me", id=thread_id, format="minimal")
            ),
            self._retry,
        )
        return any(
            "SENT" in (message.get("labelIds") or [])
            and int(message.get("internalDate") or 0) >= since_ms
            for message in (thread or {}).get("messages") or []
        )

    def _drop_copy(self, kept: Found, draft_id: str) -> None:
        """An identical second draft for a key: a create Gmail carried out twice (httplib2
        re-sends a request whose answer was lost). Deleted; ours by Message-ID and hash."""
        try:
            call(
                f"Gmail drafts.delete {draft_id}",
                partial(self._drafts().delete, userId="me", id=draft_id),
                self._retry,
            )
        except GoogleApiError as error:
            if error.status != 404:
                raise
        logger.info("duplicate draft %s of %s deleted", draft_id, kept.remote_id)

    # --- helpers ---------------------------------------------------------------------------

    def render(self, draft: DraftMessage) -> bytes:
        """The RFC 5322 message for a draft, as every draft writer builds it
        (`draft_mail.build_draft`): a flowed body, a Message-ID under the user's domain,
        the pass's moment as Date, nothing that names this program. With no address of
        mine to put in From (aliases), Gmail fills in the account's default."""
        return build_labelled(
            draft.draft,
            label=f"Gmail draft {draft.key}",
            message_id=message_id_for(draft.key, self.content_hash(draft), self.domain),
            sender=self.me,
            sender_name=self.name,
            linesep="\r\n",
        )

    def _list(self) -> list[tuple[str, str, str]]:
        """(draft id, message id, thread id) of every draft."""

        def page(token: str | None) -> Any:
            return self._drafts().list(userId="me", maxResults=_LIST_PAGE, pageToken=token)

        rows: list[tuple[str, str, str]] = []
        for answer in pages("Gmail drafts.list", page, self._retry):
            for item in answer.get("drafts") or []:
                message = item.get("message") or {}
                rows.append(
                    (str(item["id"]), str(message.get("id")), str(message.get("threadId") or ""))
                )
        return rows

    def _look_at(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Read drafts not seen in this version: their Message-ID and content hash."""
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
        answers = run_batch(
            self._service.new_batch_http_request,
            calls,
            self._retry,
            what="Gmail batch",
            size=self._batch_size,
        )
        for draft_id, message_id, _ in rows:
            answer = answers.get(draft_id)
            if answer is None:
                continue
            message = answer.get("message") or {}
            raw = b64decode(str(message.get("raw") or ""))
            self._seen[str(message.get("id") or message_id)] = _Seen(
                message_id=_message_id_of(raw), content_hash=content_hash_of(raw)
            )

    def _get(self, draft_id: str, fmt: str) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = get_or_none(
            f"Gmail drafts.get {draft_id}",
            lambda: self._drafts().get(userId="me", id=draft_id, format=fmt),
            self._retry,
        )
        return answer

    def _unchanged(self, found: Found) -> bool:
        """Whether the draft is still the version found, with the content found."""
        current = self._get(found.remote_id, "raw")
        if current is None:
            logger.info("draft %s is gone; left alone", found.remote_id)
            return False
        message = current.get("message") or {}
        raw = b64decode(str(message.get("raw") or ""))
        if str(message.get("id")) != found.etag or content_hash_of(raw) != found.content_hash:
            logger.info("draft %s changed by the user; left alone", found.remote_id)
            return False
        return True


def _message_id_of(raw: bytes) -> str:
    value = read_fields(header_block(raw)).get("message-id", "")
    return value.strip().strip("<>").strip()
