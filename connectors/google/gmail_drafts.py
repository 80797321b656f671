"""Gmail drafts: `GmailDrafts`, the `DraftSink` writing one draft per email action. It never
sends (nothing here calls drafts.send or messages.send).

- `create` posts `drafts.create` with `message.raw` (base64url RFC 2822, JSON body) and,
  for replies, the `threadId`, `In-Reply-To`, `References` and the thread's subject. Each
  draft carries `X-Followup-Key: <action key>`, so `find_all` (drafts.list plus
  `drafts.get format=raw` for drafts it has not seen in that version) finds it again.
- `content_hash` hashes what the user can change (recipients, subject, body). `update` and
  `delete` first read the draft: one whose message id or hash moved since it was found
  (the user edited it) is left alone. Gmail has no If-Match for drafts; this check is
  the closest.
- A second draft with the same key and the same content (a create Gmail carried out twice:
  httplib2 re-sends a request whose answer was lost) is deleted by `find_all`.
- The drafts seen are remembered by message id (any edit changes it), so `find_all` reads
  only new versions.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, getaddresses
from functools import partial
from typing import Any

from connectors._email import decode_words, header_block, read_bodies, read_fields
from connectors.base import DraftMessage, Found, Written
from connectors.google.gmail_payload import b64decode, b64encode
from connectors.google.retry import (
    DEFAULT_POLICY,
    MAX_BATCH,
    BatchCall,
    GoogleApiError,
    RetryPolicy,
    call,
    get_or_none,
    pages,
    run_batch,
)

logger = logging.getLogger(__name__)

KEY_HEADER = "X-Followup-Key"
_LIST_PAGE = 500


@dataclass(frozen=True, slots=True)
class _Seen:
    """One draft version looked at: our key ("" when not ours) and its content hash."""

    key: str
    content_hash: str


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
        self._service: Any = service
        self.me = me  # "" leaves From to Gmail (the account's default address)
        self.name = name
        self._retry = retry
        self._batch_size = batch_size
        self._seen: dict[str, _Seen] = {}  # by message id

    def _drafts(self) -> Any:
        return self._service.users().drafts()

    # --- the protocol ----------------------------------------------------------------------

    def content_hash(self, draft: DraftMessage) -> str:
        d = draft.draft
        return _draft_hash(d.to, d.cc, d.subject, d.body)

    def find_all(self) -> dict[str, Found]:
        rows = self._list()
        self._look_at([row for row in rows if row[1] not in self._seen])
        present = {message_id for _, message_id, _ in rows}
        self._seen = {m: s for m, s in self._seen.items() if m in present}
        found: dict[str, Found] = {}
        for draft_id, message_id, _ in rows:
            seen = self._seen.get(message_id)
            if seen is None or not seen.key:
                continue
            if seen.key in found:
                self._drop_copy(found[seen.key], draft_id, seen)
                continue
            found[seen.key] = Found(
                key=seen.key,
                remote_id=draft_id,
                etag=message_id,
                content_hash=seen.content_hash,
            )
        logger.info("drafts: %d listed, %d ours", len(rows), len(found))
        return found

    def create(self, draft: DraftMessage) -> Written:
        raw = self.render(draft)
        wanted = self.content_hash(draft)
        thread_id = draft.draft.thread_id

        def make(thread: str) -> Callable[[], Any]:
            message: dict[str, str] = {"raw": b64encode(raw)}
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
        message: dict[str, str] = {"raw": b64encode(raw)}
        if draft.draft.thread_id:
            message["threadId"] = draft.draft.thread_id

        def recover() -> Any:
            current = self._get(found.remote_id, "raw")
            if current is None:
                return None
            raw_now = b64decode(str(current["message"].get("raw") or ""))
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
                key=_key_of(raw), content_hash=_raw_hash(raw)
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
        if str(message.get("id")) != found.etag or _raw_hash(raw) != found.content_hash:
            logger.info("draft %s changed by the user; left alone", found.remote_id)
            return False
        return True

    # --- persistence -----------------------------------------------------------------------


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
