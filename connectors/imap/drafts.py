"""`ImapDrafts`: the `DraftSink` appending drafts to the account's \\Drafts folder. It never
sends: there is no SMTP anywhere in this program.

A draft carries no mark of this program (a header would travel to the recruiter when the
user sends it). It is found again by what is recorded: the remote id
`UIDVALIDITY/UID/Message-ID` the daemon keeps (`remember`). IMAP messages never change, so
the UID is also the version tag, and:
- a draft still at its UID is ours, untouched unless its hash says otherwise;
- a mail program's edit is a new message and an expunge: the UID is gone, the draft is
  found by the Message-ID we chose (most programs keep it) with a new hash, and the
  daemon leaves it alone as the user's; where the program chose a new Message-ID the
  draft is simply not ours any more, so it is neither overwritten nor written again;
- a sent draft leaves the folder (its copy is in \\Sent): gone, never re-created;
- a create killed before its answer was recorded is found by its Message-ID, derived
  from the action key and the content hash the daemon's open intent holds.
`update` appends the new version and then expunges the old one (`UID EXPUNGE` where the
server has UIDPLUS), so a kill between the two leaves both, and the next pass, finding
the new one by its Message-ID, deletes nothing of the user's.
"""

from __future__ import annotations

import imaplib
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from connectors.base import DraftMessage, Found, Written
from connectors.draft_mail import build_labelled, content_hash, content_hash_of
from connectors.draft_mail import message_id_in_domain as message_id_for
from connectors.errors import SourceError
from connectors.imap.session import (
    Account,
    connected,
    drafts_folder,
    fetch,
    folders,
    has,
    quote,
    search_uids,
    select,
    selected_modseq,
    status,
    uid_sets,
)

logger = logging.getLogger(__name__)

_ID = re.compile(r"<?([^<>\s]+)>?")
_APPENDUID = re.compile(rb"APPENDUID (\d+) (\d+)")


@dataclass(frozen=True, slots=True)
class _Draft:
    uid: int
    message_id: str
    content_hash: str


class ImapDrafts:
    """A `DraftSink` over the drafts folder of one IMAP account."""

    def __init__(
        self,
        account: Account,
        *,
        sender: str = "",
        sender_name: str = "",
        domain: str = "",
        folder: str | None = None,
    ) -> None:
        self.account = account
        self.sender = sender
        self.sender_name = sender_name
        self.domain = domain
        self._folder = folder
        self._known: dict[str, str] = {}  # action key -> recorded remote id
        self._pending: dict[str, str] = {}  # action key -> content hash of an unsettled create
        self._hashes: dict[tuple[int, int], str] = {}  # (UIDVALIDITY, UID) -> content hash
        # The folder's listing at (UIDVALIDITY, HIGHESTMODSEQ): with CONDSTORE a pass that
        # finds both unchanged (one STATUS) lists nothing; any append, expunge or flag
        # change raises the modseq.
        self._listed: tuple[int, int, list[_Draft]] | None = None

    # -- the protocol ---------------------------------------------------------------------

    def remember(self, written: Mapping[str, str], pending: Mapping[str, str]) -> None:
        self._known = {key: remote for key, remote in written.items() if remote}
        self._pending = dict(pending)

    def content_hash(self, draft: DraftMessage) -> str:
        return content_hash(draft.draft)

    def find_all(self) -> dict[str, Found]:
        wanted: dict[str, str] = {}  # Message-ID -> action key
        by_uid: dict[tuple[int, int], str] = {}
        for key, remote in self._known.items():
            validity, uid, message_id = _split_remote(remote)
            by_uid[validity, uid] = key
            if message_id:
                wanted[message_id] = key
        for key, pending_hash in self._pending.items():
            wanted.setdefault(message_id_for(key, pending_hash, self.domain), key)
        if not wanted and not by_uid:
            return {}
        with connected(self.account) as client:
            validity, drafts = self._current(client, self._drafts(client))
        found: dict[str, Found] = {}
        for draft in drafts:  # by UID first: what we wrote and nobody replaced
            owner = by_uid.get((validity, draft.uid))
            if owner is not None and owner not in found:
                found[owner] = self._found(owner, validity, draft)
        for draft in drafts:  # then by the Message-ID we chose: an edit, or an unsettled create
            owner = wanted.get(draft.message_id)
            if owner is not None and owner not in found:
                found[owner] = self._found(owner, validity, draft)
        return found

    def create(self, draft: DraftMessage) -> Written:
        content = self.content_hash(draft)
        message_id = message_id_for(draft.key, content, self.domain)
        with connected(self.account) as client:
            folder = self._drafts(client)
            validity, _ = select(client, folder, readonly=False)
            already = search_uids(client, "HEADER", "Message-ID", f"<{message_id}>")
            if already:  # a pass killed after the APPEND: never a second copy
                uid = min(already)
            else:
                uid = self._append(client, folder, validity, draft, message_id)
            client.close()
        self._hashes[validity, uid] = content
        remote = f"{validity}/{uid}/{message_id}"
        return Written(remote_id=remote, etag=remote, content_hash=content)

    def update(self, found: Found, draft: DraftMessage) -> Written | None:
        validity, uid, _ = _split_remote(found.remote_id)
        content = self.content_hash(draft)
        message_id = message_id_for(draft.key, content, self.domain)
        with connected(self.account) as client:
            folder = self._drafts(client)
            if select(client, folder, readonly=False)[0] != validity:
                return None
            if not search_uids(client, "UID", str(uid)):
                return None  # edited, sent or deleted since it was found
            present = search_uids(client, "HEADER", "Message-ID", f"<{message_id}>")
            new_uid = (
                min(present)
                if present
                else self._append(client, folder, validity, draft, message_id)
            )
            self._expunge(client, uid)
            client.close()
        self._hashes[validity, new_uid] = content
        remote = f"{validity}/{new_uid}/{message_id}"
        return Written(remote_id=remote, etag=remote, content_hash=content)

    def delete(self, found: Found) -> bool:
        validity, uid, _ = _split_remote(found.remote_id)
        with connected(self.account) as client:
            folder = self._drafts(client)
            if select(client, folder, readonly=False)[0] != validity:
                return False
            if search_uids(client, "UID", str(uid)):
                self._expunge(client, uid)
            client.close()
        return True

    # -- IMAP -----------------------------------------------------------------------------

    def _drafts(self, client: imaplib.IMAP4) -> str:
        if self._folder is None:
            found = drafts_folder(folders(client))
            if found is None:
                raise SourceError(
                    f"{self.account.label}: no folder marked \\Drafts; set [mail] drafts_folder"
                )
            self._folder = found
        return self._folder

    def _current(self, client: imaplib.IMAP4, folder: str) -> tuple[int, list[_Draft]]:
        """The drafts folder's UIDVALIDITY and drafts, listed again only when it moved."""
        now = status(client, folder) if has(client, "CONDSTORE") else None
        if now is not None and now.modseq and self._listed is not None:
            validity, modseq, drafts = self._listed
            if (validity, modseq) == (now.validity, now.modseq):
                return validity, drafts
        validity, count = select(client, folder, readonly=True)
        modseq = selected_modseq(client)
        drafts = self._list(client, validity, count)
        client.close()
        # Kept only when nothing moved between the STATUS and the listing.
        fresh = now is not None and modseq and (validity, modseq) == (now.validity, now.modseq)
        self._listed = (validity, modseq, drafts) if fresh else None
        return validity, drafts

    def _list(self, client: imaplib.IMAP4, validity: int, count: int) -> list[_Draft]:
        """The drafts in the folder; one flagged \\Deleted (deleted in a mail program that
        marks before it expunges) is not listed: it is the user's deletion."""
        heads = fetch(client, "1:*", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]") if count else []
        ids = {
            item.uid: _bare(_header_value(item.data))
            for item in heads
            if "\\deleted" not in item.flags
        }
        unknown = [uid for uid in ids if (validity, uid) not in self._hashes]
        for chunk in uid_sets(unknown) if unknown else ():
            for item in fetch(client, chunk, "BODY.PEEK[]"):
                self._hashes[validity, item.uid] = content_hash_of(item.data)
        return [
            _Draft(uid=uid, message_id=mid, content_hash=self._hashes.get((validity, uid), ""))
            for uid, mid in sorted(ids.items())
        ]

    def _found(self, key: str, validity: int, draft: _Draft) -> Found:
        remote = f"{validity}/{draft.uid}/{draft.message_id}"
        return Found(key=key, remote_id=remote, etag=remote, content_hash=draft.content_hash)

    def _append(
        self,
        client: imaplib.IMAP4,
        folder: str,
        validity: int,
        draft: DraftMessage,
        message_id: str,
    ) -> int:
        data = self._render(draft, message_id)
        typ, answer = client.append(
            quote(folder), "(\\Draft \\Seen)", imaplib.Time2Internaldate(time.time()), data
        )
        if typ != "OK":
            raise SourceError(f"{self.account.label}: {folder}: APPEND refused ({answer!r:.100})")
        uid = _APPENDUID.search(b" ".join(a for a in answer if isinstance(a, bytes)))
        if uid is not None and int(uid.group(1)) == validity:
            return int(uid.group(2))
        found = search_uids(client, "HEADER", "Message-ID", f"<{message_id}>")  # no UIDPLUS
        if not found:
            raise SourceError(f"{self.account.label}: {folder}: the appended draft is not there")
        return max(found)

    def _expunge(self, client: imaplib.IMAP4, uid: int) -> None:
        client.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")
        if "UIDPLUS" in client.capabilities:
            client.uid("EXPUNGE", str(uid))
        else:  # EXPUNGE would also remove what the user marked deleted; only ours is marked
            client.expunge()

    def _render(self, draft: DraftMessage, message_id: str) -> bytes:
        """The message every draft writer builds (`draft_mail.build_draft`), in CRLF as
        IMAP carries it; From is the address the recruiter wrote to when it is mine."""
        return build_labelled(
            draft.draft,
            label=f"{self.account.label}: draft {draft.key}",
            message_id=message_id,
            sender=self.sender,
            sender_name=self.sender_name,
            linesep="\r\n",
        )


def _split_remote(remote: str) -> tuple[int, int, str]:
    validity, _, rest = remote.partition("/")
    uid, _, message_id = rest.partition("/")
    try:
        return int(validity), int(uid), message_id
    except ValueError:
        return 0, 0, message_id


def _header_value(block: bytes) -> str:
    text = block.decode("utf-8", "replace")
    match = re.search(r"(?im)^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", text)
    return match.group(1).strip() if match else ""


def _bare(message_id: str) -> str:
    match = _ID.search(message_id.strip())
    return match.group(1) if match else ""
