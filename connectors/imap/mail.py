"""`ImapMail`: the `MailSource` over an IMAP account (INBOX and the \\Sent folder).

Read incrementally, kept between passes (and, through `snapshot`, between processes): per
folder its UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and the header block and flags of each UID
read. A pass opens one connection and asks each folder's STATUS, with HIGHESTMODSEQ where
the server has CONDSTORE (RFC 7162): the idle pass, one round trip per folder. Only a
folder whose STATUS moved is opened, and then:
- with CONDSTORE, the flags changed since the stored modseq (`CHANGEDSINCE`), and with
  QRESYNC the UIDs expunged since then (`VANISHED`), without reading the folder again;
- without it, expunges are found by a `UID SEARCH ALL` when the count says some went,
  and a flag change alone is not seen (STATUS cannot show one);
- then the UIDs above the last one read, headers only.
A changed UIDVALIDITY throws that folder's memory away: a full re-read. Bodies are fetched
only for the threads `keep` accepts, once per UID.

Flags: \\Draft makes a message a draft. \\Deleted (the mark-as-deleted model of mutt,
Thunderbird's "mark it as deleted", Apple Mail before an expunge) leaves the message out,
as an expunge or a move to Trash does and as Gmail's Trash is left out: deleting the
message says it is not to be read; clearing the flag brings it back. Other flags mean
nothing to the policy.
"""

from __future__ import annotations

import base64
import imaplib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from connectors._email import (
    _FIELDS,
    DamagedMessage,
    Envelope,
    build_threads,
    envelope_from_headers,
)
from connectors.imap.session import (
    Account,
    changed_flags,
    connected,
    enable_qresync,
    fetch,
    folders,
    has,
    search_uids,
    select,
    selected_modseq,
    sent_folder,
    status,
    uid_sets,
)
from policy.models import Thread

logger = logging.getLogger(__name__)

_HEADERS = "BODY.PEEK[HEADER.FIELDS (" + " ".join(sorted(f.upper() for f in _FIELDS)) + ")]"


@dataclass(slots=True)
class _Stored:
    headers: bytes
    draft: bool
    internaldate: bytes
    body: bytes | None = None
    deleted: bool = False  # flagged \\Deleted: left out until the flag goes
    envelope: Envelope | None = None  # parsed once; its position is set per pass
    damaged: bool = False

    def set_flags(self, flags: frozenset[str]) -> None:
        draft = "\\draft" in flags
        if draft != self.draft:
            self.draft, self.envelope, self.damaged = draft, None, False
        self.deleted = "\\deleted" in flags


@dataclass(slots=True)
class _FolderState:
    validity: int = 0
    uidnext: int = 0
    modseq: int = 0  # HIGHESTMODSEQ when last read; 0: the server has no CONDSTORE
    messages: dict[int, _Stored] = field(default_factory=dict)


class ImapMail:
    """A `MailSource` over one IMAP account; keep the object between passes to poll cheaply."""

    def __init__(self, account: Account, timezone: ZoneInfo, folders: Sequence[str] = ()) -> None:
        self.account = account
        self.timezone = timezone
        self._wanted = tuple(folders)
        self._names: tuple[str, ...] = ()
        self._state: dict[str, _FolderState] = {}

    # -- kept between processes (the daemon's state: `daemon/observer.py`) -----------------

    @property
    def cursor(self) -> str | None:
        """Moves whenever a folder's UIDVALIDITY, UIDNEXT or count does."""
        if not self._state:
            return None
        return ";".join(
            f"{name}:{s.validity}:{s.uidnext}:{s.modseq}:{len(s.messages)}"
            for name, s in sorted(self._state.items())
        )

    def snapshot(self) -> dict[str, object]:
        """The folders and each UID's header block (bodies are fetched again when needed)."""
        return {
            "account": f"{self.account.username}@{self.account.host}:{self.account.port}",
            "folders": list(self._names),
            "state": {
                name: {
                    "validity": s.validity,
                    "uidnext": s.uidnext,
                    "modseq": s.modseq,
                    "messages": {
                        str(uid): [
                            base64.b64encode(m.headers).decode("ascii"),
                            m.draft,
                            m.internaldate.decode("ascii", "replace"),
                            m.deleted,
                        ]
                        for uid, m in s.messages.items()
                    },
                }
                for name, s in self._state.items()
            },
        }

    def restore(self, snapshot: dict[str, object]) -> bool:
        """Resume from a snapshot of the same account and folders; False otherwise."""
        account = f"{self.account.username}@{self.account.host}:{self.account.port}"
        folders, state = snapshot.get("folders"), snapshot.get("state")
        if snapshot.get("account") != account or not isinstance(state, dict):
            return False
        if not isinstance(folders, list) or (self._wanted and tuple(folders) != self._wanted):
            return False
        try:
            restored = {
                str(name): _FolderState(
                    validity=int(held["validity"]),
                    uidnext=int(held["uidnext"]),
                    modseq=int(held.get("modseq", 0)),
                    messages={
                        int(uid): _Stored(
                            headers=base64.b64decode(value[0]),
                            draft=bool(value[1]),
                            internaldate=str(value[2]).encode("ascii", "replace"),
                            deleted=bool(value[3]) if len(value) > 3 else False,
                        )
                        for uid, value in held["messages"].items()
                    },
                )
                for name, held in state.items()
            }
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return False
        self._names = tuple(str(f) for f in folders)
        self._state = restored
        return True

    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        with connected(self.account) as client:
            names = self._folder_names(client)
            for name in names:
                self._refresh(client, name)
            stored: list[tuple[str, int]] = []
            envelopes: list[Envelope] = []
            for name in names:
                for uid, item in sorted(self._state[name].messages.items()):
                    if item.deleted:
                        continue
                    envelope = self._envelope(name, uid, item, len(envelopes))
                    if envelope is not None:
                        envelopes.append(envelope)
                        stored.append((name, uid))

            def load(positions: Sequence[int]) -> Iterator[tuple[int, bytes]]:
                missing: dict[str, list[int]] = {}
                for position in positions:
                    name, uid = stored[position]
                    if self._state[name].messages[uid].body is None:
                        missing.setdefault(name, []).append(uid)
                for name, uids in missing.items():
                    self._bodies(client, name, uids)
                for position in positions:
                    name, uid = stored[position]
                    body = self._state[name].messages[uid].body
                    if body is not None:
                        yield position, body

            def on_body_error(position: int, error: Exception) -> None:
                name, uid = stored[position]
                logger.warning(
                    "%s: %s UID %d: body unreadable (%s); headers kept",
                    self.account.label,
                    name,
                    uid,
                    type(error).__name__,
                )

            return build_threads(envelopes, keep=keep, load=load, on_body_error=on_body_error)

    # -- folders --------------------------------------------------------------------------

    def _folder_names(self, client: imaplib.IMAP4) -> tuple[str, ...]:
        if self._names:
            return self._names
        if self._wanted:
            self._names = self._wanted
            return self._names
        sent = sent_folder(folders(client))
        if sent is None:
            logger.warning("%s: no folder marked \\Sent; reading INBOX only", self.account.label)
        self._names = ("INBOX",) if sent is None else ("INBOX", sent)
        return self._names

    def _refresh(self, client: imaplib.IMAP4, name: str) -> None:
        state = self._state.setdefault(name, _FolderState())
        now = status(client, name)
        if (now.validity, now.uidnext, now.messages, now.modseq) == (
            state.validity,
            state.uidnext,
            len(state.messages),
            state.modseq,
        ):
            return  # the idle pass: nothing came, nothing went, no flag moved
        qresync = bool(state.modseq) and enable_qresync(client)
        selected, _ = select(client, name, readonly=True)
        modseq = selected_modseq(client) if has(client, "CONDSTORE") else 0
        if selected != state.validity:
            if state.validity:
                logger.info(
                    "%s: %s: UIDVALIDITY changed; reading it again", self.account.label, name
                )
            state.validity, state.modseq, state.messages = selected, 0, {}
        last = max(state.messages, default=0)
        if state.modseq and modseq and last:
            self._changes(client, state, last, qresync=qresync)
        new = [
            item
            for item in fetch(client, f"{last + 1}:*", _HEADERS)
            if item.uid > last  # "n:*" names the last message even when all are below n
        ]
        for item in new:
            stored = _Stored(headers=item.data, draft=False, internaldate=item.internaldate)
            stored.set_flags(item.flags)
            state.messages[item.uid] = stored
        if len(state.messages) != now.messages:
            present = set(search_uids(client, "ALL"))
            state.messages = {uid: m for uid, m in state.messages.items() if uid in present}
        state.uidnext = max(now.uidnext, max(state.messages, default=0) + 1)
        state.modseq = modseq
        client.close()

    def _changes(
        self, client: imaplib.IMAP4, state: _FolderState, last: int, *, qresync: bool
    ) -> None:
        """Flags changed since the stored modseq, and with QRESYNC the UIDs expunged."""
        flags, gone = changed_flags(client, f"1:{last}", state.modseq, vanished=qresync)
        for uid, now in flags.items():
            stored = state.messages.get(uid)
            if stored is not None:
                stored.set_flags(now)
        for uid in gone:
            state.messages.pop(uid, None)

    def _bodies(self, client: imaplib.IMAP4, name: str, uids: list[int]) -> None:
        state = self._state[name]
        if select(client, name, readonly=True)[0] != state.validity:
            return  # changed under us: the next pass re-reads it; headers are kept now
        for chunk in uid_sets(uids):
            for item in fetch(client, chunk, "BODY.PEEK[]"):
                stored = state.messages.get(item.uid)
                if stored is not None:
                    stored.body = item.data
        client.close()

    def _envelope(self, name: str, uid: int, item: _Stored, position: int) -> Envelope | None:
        if item.envelope is not None:
            return item.envelope._replace(position=position)
        if item.damaged:
            return None
        item.damaged = True  # until it parses: warned about once, not every pass
        try:
            item.envelope = envelope_from_headers(
                item.headers,
                timezone=self.timezone,
                position=position,
                fallback_sent_at=lambda: _internaldate(item.internaldate),
                is_draft=item.draft,
            )
            item.damaged = False
            return item.envelope
        except DamagedMessage as error:
            logger.warning("%s: %s UID %d skipped: %s", self.account.label, name, uid, error.reason)
        except Exception as error:  # one damaged message must not stop the others
            logger.warning(
                "%s: %s UID %d skipped: unreadable headers (%s)",
                self.account.label,
                name,
                uid,
                type(error).__name__,
            )
        return None


def _internaldate(value: bytes) -> datetime | None:
    """The server's arrival time, for a message without a usable Date."""
    parsed = imaplib.Internaldate2tuple(b'INTERNALDATE "' + value + b'"') if value else None
    return None if parsed is None else datetime.fromtimestamp(time.mktime(parsed), tz=UTC)
