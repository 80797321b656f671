"""The local `DraftSink`: one RFC 822 message per draft in a Maildir (`mail.drafts_path`).

A draft file holds only what a mail program sends (`connectors.draft_mail`): nothing marks
it as this program's. It is found again by what the daemon recorded and tells it before
each `find_all` (`RemembersWrites`): the file's unique name (the part before `:2,`, which
flag changes keep) or, for a create a crash left unrecorded, the content hash the intent
holds. Its Message-ID is chosen from the action key and content, so a create retried
after a crash finds the file it already wrote. The content hash comes from what a reader
sees (recipients, subject, threading, text), so a user's edit shows as a different hash
and a mail program re-saving the file does not. A deleted or sent draft is gone.
New drafts are written in tmp/ and renamed into cur/ with the Draft and Seen flags; an
update replaces the file in place (tmp/ then rename over). The folder and its cur/, new/
and tmp/ are made when missing, whatever is written first.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from connectors.base import DraftMessage, Found, Written
from connectors.draft_mail import (
    DraftRefused,
    build_labelled,
    content_hash,
    content_hash_of,
    message_id_for,
)
from connectors.errors import SourceError, describe_os_error
from policy.errors import WriteError

logger = logging.getLogger(__name__)

_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*<?([^<>\s]+)>?", re.IGNORECASE | re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True, slots=True)
class _File:
    """One message file: where it is and what it reports."""

    path: str
    uniq: str  # the file name without its `:2,<flags>` part
    message_id: str
    etag: str
    content_hash: str


class MaildirDrafts:
    """A `DraftSink` over one Maildir folder."""

    def __init__(
        self, path: Path, *, sender: str = "", sender_name: str = "", durable: bool = True
    ) -> None:
        self.path = path
        self.sender = sender  # user.email: From when the draft names none of mine
        self.sender_name = sender_name
        self.durable = durable
        # file name -> ((mtime, size), what it held): files are re-read only when changed
        self._seen: dict[str, tuple[tuple[int, int], _File]] = {}
        # what the daemon recorded (`remember`): key -> file's unique name / content hash
        self._written: dict[str, str] = {}
        self._pending: dict[str, str] = {}

    # -- the Protocol ---------------------------------------------------------------------

    def content_hash(self, draft: DraftMessage) -> str:
        return content_hash(draft.draft)

    def message_id(self, draft: DraftMessage) -> str:
        """The Message-ID this draft is written with: stable for the same key and content."""
        return message_id_for(draft.key, self.content_hash(draft), self._from(draft))

    def remember(self, written: Mapping[str, str], pending: Mapping[str, str]) -> None:
        self._written = dict(written)
        self._pending = dict(pending)

    def find_all(self) -> dict[str, Found]:
        by_uniq, _ = self._index()
        found: dict[str, Found] = {}
        claimed: set[str] = set()
        for key, uniq in self._written.items():
            file = by_uniq.get(uniq)
            if file is not None:
                found[key] = _found(key, file)
                claimed.add(file.uniq)
        for key, content in self._pending.items():
            if key in found:
                continue
            file = next(
                (
                    f
                    for u, f in sorted(by_uniq.items())
                    if u not in claimed and f.content_hash == content
                ),
                None,
            )
            if file is not None:
                found[key] = _found(key, file)
                claimed.add(file.uniq)
        return found

    def create(self, draft: DraftMessage) -> Written:
        message_id = self.message_id(draft)
        _, by_id = self._index()
        existing = by_id.get(message_id)
        if existing is not None:
            # Already there (a pass was killed after writing it): never a second copy. If the
            # user edited it since, an unknown etag makes the diff see their change and leave it.
            content = self.content_hash(draft)
            same = existing.content_hash == content
            return Written(
                remote_id=existing.uniq, etag=existing.etag if same else "", content_hash=content
            )
        data = self._render(draft, message_id)
        uniq = _unique_name(message_id)
        try:
            self._make_folders()
            temp = self.path / "tmp" / uniq
            self._write(temp, data)
            os.rename(temp, self.path / "cur" / f"{uniq}:2,DS")
            if self.durable:
                _sync_folder(self.path / "cur")
        except OSError as error:
            raise WriteError(f"{self.path}: cannot write a draft: {_why(error)}") from error
        return Written(remote_id=uniq, etag=_etag(data), content_hash=self.content_hash(draft))

    def update(self, found: Found, draft: DraftMessage) -> Written | None:
        existing = self._index()[0].get(found.remote_id)
        if existing is None or existing.etag != found.etag:
            return None
        data = self._render(draft, self.message_id(draft))
        temp = self.path / "tmp" / f"{existing.uniq}.{os.getpid()}.update"
        try:
            self._make_folders()
            self._write(temp, data)
            if _etag_of(existing.path) != found.etag:
                os.unlink(temp)
                return None
            os.replace(temp, existing.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise WriteError(f"{self.path}: cannot update a draft: {_why(error)}") from error
        return Written(
            remote_id=existing.uniq, etag=_etag(data), content_hash=self.content_hash(draft)
        )

    def delete(self, found: Found) -> bool:
        existing = self._index()[0].get(found.remote_id)
        if existing is None:
            return True
        if existing.etag != found.etag:
            return False
        try:
            os.unlink(existing.path)
        except FileNotFoundError:
            return True
        except OSError as error:
            raise WriteError(f"{self.path}: cannot delete a draft: {_why(error)}") from error
        return True

    # -- files --------------------------------------------------------------------------

    def _from(self, draft: DraftMessage) -> str:
        return draft.draft.sender or self.sender

    def _render(self, draft: DraftMessage, message_id: str) -> bytes:
        sender = self._from(draft)
        if not sender:
            raise DraftRefused(f"{self.path}: no sender address ([user] email); no draft")
        return build_labelled(
            draft.draft,
            label=f"{self.path}: draft {draft.key}",
            message_id=message_id,
            sender=sender,
            sender_name=self.sender_name,
        )

    def _make_folders(self) -> None:
        for sub in ("cur", "new", "tmp"):
            (self.path / sub).mkdir(parents=True, exist_ok=True, mode=0o700)

    def _write(self, path: Path, data: bytes) -> None:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if self.durable:
                out.flush()
                os.fsync(out.fileno())

    def _index(self) -> tuple[dict[str, _File], dict[str, _File]]:
        """Every message file in new/ and cur/, by unique name and by Message-ID."""
        by_uniq: dict[str, _File] = {}
        by_id: dict[str, _File] = {}
        for _, file in sorted(self._scan().items()):
            by_uniq.setdefault(file.uniq, file)
            if file.message_id:
                by_id.setdefault(file.message_id, file)
        return by_uniq, by_id

    def _scan(self) -> dict[str, _File]:
        """Unchanged files come from memory (notmuch's way: by name, mtime and size)."""
        current: dict[str, tuple[tuple[int, int], _File]] = {}
        for sub in ("new", "cur"):
            folder = self.path / sub
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                continue
            except OSError as error:
                raise SourceError(f"{folder}: {describe_os_error(error)}") from error
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    info = entry.stat()
                except FileNotFoundError:
                    continue
                stamp = (info.st_mtime_ns, info.st_size)
                name = f"{sub}/{entry.name}"
                seen = self._seen.get(name)
                if seen is not None and seen[0] == stamp:
                    current[name] = seen
                    continue
                file = self._read(entry.path, entry.name)
                if file is not None:
                    current[name] = (stamp, file)
        self._seen = current
        return {name: file for name, (_, file) in current.items()}

    def _read(self, path: str, name: str) -> _File | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return None
        except OSError as error:
            logger.warning("%s: %s skipped: %s", self.path, name, describe_os_error(error))
            return None
        head = _HEADER_END.split(data, maxsplit=1)[0]
        match = _MESSAGE_ID.search(head)
        return _File(
            path=path,
            uniq=name.split(":2,", 1)[0],
            message_id=match.group(1).decode("ascii", "replace") if match else "",
            etag=_etag(data),
            content_hash=content_hash_of(data),
        )


def _found(key: str, file: _File) -> Found:
    return Found(key=key, remote_id=file.uniq, etag=file.etag, content_hash=file.content_hash)


def _unique_name(message_id: str) -> str:
    """`<seconds>.M<digest>P<pid>.<host>`, the Maildir convention (no `/` or `:`)."""
    host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname() or "localhost").replace(".", "_")
    digest = hashlib.sha256(message_id.encode()).hexdigest()[:16]
    return f"{int(time.time())}.M{digest}P{os.getpid()}.{host}"


def _etag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


def _etag_of(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return _etag(handle.read())
    except FileNotFoundError:
        return None


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _why(error: Exception) -> str:
    if isinstance(error, OSError):
        return describe_os_error(error)
    return str(error) or type(error).__name__
