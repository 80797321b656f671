"""Reads mail threads from a Maildir folder: its cur/ and new/, plus Sent and Drafts subfolders.

Read: the folder itself and each direct subfolder named Sent, Sent Items, Sent Messages,
Sent Mail, Drafts or Draft, Maildir++ style (`.Sent`, `.INBOX.Sent`) or plain (`Sent/`).
Other subfolders (lists, archives, trash) are not read. A message is a draft when its
file has the `D` flag or it sits in a folder named Drafts (the folder itself included); one
in a Sent folder is labelled `Sent`, so it is mine whatever its From (POLICY.md "me").
Files are listed directly rather than through `mailbox.Maildir`, which in Python 3.11
exposes a message's flags only by parsing the whole message; only header blocks are
read until the caller has chosen its threads. Without a usable Date, a message's file
time stands in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from connectors._email import (
    DamagedMessage,
    Envelope,
    build_threads,
    envelope_from_headers,
)
from connectors._email_bodies import MESSAGE_BYTES
from connectors.errors import SourceError, describe_os_error
from policy.models import Thread

logger = logging.getLogger(__name__)

_SENT_NAMES = frozenset({"sent", "sent items", "sent messages", "sent mail"})
_DRAFT_NAMES = frozenset({"drafts", "draft"})
_READ_SIZE = 1 << 16
_HEADER_LIMIT = 1 << 20  # a header block longer than this is damaged


@dataclass(frozen=True, slots=True)
class _Stored:
    path: str  # a str, not a Path: tens of thousands of these are made
    label: str  # e.g. "cur/1700000000.M1P2.host:2,S" or ".Sent/cur/…", for log lines


class Entry(NamedTuple):
    """One message file: its unique name (the part before `:2,`, which a rename for flags
    keeps), where it is now, its flags and what its folder says of it."""

    unique: str
    path: str
    label: str  # e.g. ".Sent/cur/1700000000.M1P2.host:2,S", for log lines
    flags: str
    drafts: bool  # in a Drafts folder
    sent: bool  # in a Sent folder


class MaildirMail:
    """A `MailSource` over one Maildir folder, re-read on every call."""

    def __init__(self, path: Path, timezone: ZoneInfo) -> None:
        self.path = path
        self.timezone = timezone

    def fingerprint(self) -> tuple[tuple[str, int, int, int], ...]:
        """cur/ and new/ of each folder read: their entries change with every delivery,
        move or flag; () when one cannot be read."""
        stamps = []
        for folder, _, _, _ in self._folders():
            for sub in ("cur", "new"):
                try:
                    info = os.stat(folder / sub)
                except FileNotFoundError:
                    continue
                except OSError:
                    return ()
                stamps.append((str(folder / sub), info.st_ino, info.st_mtime_ns, info.st_size))
        return tuple(stamps)

    def entries(
        self, skip: Container[str] = (), present: set[str] | None = None
    ) -> Iterator[Entry]:
        """Every message file of the folders read, without opening any; none for a path
        in `skip` (the files an index already holds), each file's path added to `present`."""
        self._check()
        for folder, prefix, drafts, sent in self._folders():
            for sub in ("cur", "new"):
                for entry in _files(folder / sub):
                    if present is not None:
                        present.add(entry.path)
                    if entry.path in skip:
                        continue
                    unique, _, flags = entry.name.partition(":2,")
                    yield Entry(
                        unique=f"{prefix}{unique}",
                        path=entry.path,
                        label=f"{prefix}{sub}/{entry.name}",
                        flags=flags,
                        drafts=drafts,
                        sent=sent,
                    )

    def entry_at(self, path: str) -> Entry | None:
        """The entry of one file named by its path (as `entries` gave it), not listing its
        folder; None when the path is not one of this Maildir's message files."""
        file = Path(path)
        sub, folder = file.parent.name, file.parent.parent
        if sub not in ("cur", "new") or file.name.startswith("."):
            return None
        if folder == self.path:
            prefix, leaf = "", _leaf(self.path.name)
        elif folder.parent == self.path:
            prefix, leaf = f"{folder.name}/", _leaf(folder.name)
        else:
            return None
        unique, _, flags = file.name.partition(":2,")
        return Entry(
            unique=f"{prefix}{unique}",
            path=path,
            label=f"{prefix}{sub}/{file.name}",
            flags=flags,
            drafts=leaf in _DRAFT_NAMES,
            sent=leaf in _SENT_NAMES,
        )

    def envelope(self, entry: Entry, position: int = 0) -> Envelope | None:
        """The header block of one file read; None (with a warning) when it cannot be."""
        return self._read(entry.path, entry.label, position, entry.drafts, entry.flags, entry.sent)

    def _check(self) -> None:
        source = str(self.path)
        if not self.path.is_dir():
            problem = "no such folder" if not self.path.exists() else "not a folder"
            raise SourceError(f"{source}: {problem}")
        if not (self.path / "cur").is_dir() and not (self.path / "new").is_dir():
            raise SourceError(f"{source}: not a Maildir folder (no cur/ or new/)")

    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        source = str(self.path)
        self._check()
        stored: list[_Stored] = []
        envelopes: list[Envelope] = []
        for folder, prefix, drafts, sent in self._folders():
            for sub in ("cur", "new"):
                for entry in _files(folder / sub):
                    label = f"{prefix}{sub}/{entry.name}"
                    envelope = self._envelope(entry, label, len(envelopes), drafts, sent)
                    if envelope is not None:
                        envelopes.append(envelope)
                        stored.append(_Stored(entry.path, label))

        def load(positions: Sequence[int]) -> Iterator[tuple[int, bytes]]:
            for position in positions:
                try:
                    with open(stored[position].path, "rb") as handle:
                        data = handle.read(MESSAGE_BYTES + 1)
                except OSError as error:  # gone since the headers were read
                    logger.warning(
                        "%s: %s: %s", source, stored[position].label, describe_os_error(error)
                    )
                    continue
                yield position, data

        def on_body_error(position: int, error: Exception) -> None:
            logger.warning(
                "%s: %s: body unreadable (%s); headers kept",
                source,
                stored[position].label,
                type(error).__name__,
            )

        return build_threads(envelopes, keep=keep, load=load, on_body_error=on_body_error)

    def _folders(self) -> list[tuple[Path, str, bool, bool]]:
        """(folder, label prefix, is a drafts folder, is a sent folder) for the folders read."""
        leaf = _leaf(self.path.name)
        folders = [(self.path, "", leaf in _DRAFT_NAMES, leaf in _SENT_NAMES)]
        try:
            entries = sorted(os.scandir(self.path), key=lambda entry: entry.name)
        except OSError as error:
            raise SourceError(f"{self.path}: {describe_os_error(error)}") from error
        for entry in entries:
            leaf = _leaf(entry.name)
            if leaf not in _SENT_NAMES | _DRAFT_NAMES or not entry.is_dir():
                continue
            folder = Path(entry.path)
            if (folder / "cur").is_dir() or (folder / "new").is_dir():
                folders.append(
                    (folder, f"{entry.name}/", leaf in _DRAFT_NAMES, leaf in _SENT_NAMES)
                )
        return folders

    def _envelope(
        self, entry: os.DirEntry[str], label: str, position: int, drafts: bool, sent: bool
    ) -> Envelope | None:
        flags = entry.name.rpartition(":2,")[2] if ":2," in entry.name else ""
        return self._read(entry.path, label, position, drafts, flags, sent)

    def _read(
        self, path: str, label: str, position: int, drafts: bool, flags: str, sent: bool
    ) -> Envelope | None:
        source = str(self.path)
        try:
            block = _read_headers(path)
            return envelope_from_headers(
                block,
                timezone=self.timezone,
                position=position,
                fallback_sent_at=lambda: _file_time(path),
                is_draft=drafts or "D" in flags,
                labels=("Sent",) if sent else (),
            )
        except OSError as error:
            logger.warning("%s: %s skipped: %s", source, label, describe_os_error(error))
        except DamagedMessage as error:
            logger.warning("%s: %s skipped: %s", source, label, error.reason)
        except Exception as error:  # one damaged message must not stop the others
            logger.warning(
                "%s: %s skipped: unreadable headers (%s)", source, label, type(error).__name__
            )
        return None


def _leaf(name: str) -> str:
    """`.INBOX.Sent` -> `sent`, `Sent Items` -> `sent items`."""
    return name.strip(".").rpartition(".")[2].lower()


def _files(folder: Path) -> list[os.DirEntry[str]]:
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    except OSError as error:
        raise SourceError(f"{folder}: {describe_os_error(error)}") from error
    found = [e for e in entries if not e.name.startswith(".") and e.is_file()]
    return sorted(found, key=lambda entry: entry.name)


def _read_headers(path: str) -> bytes:
    """The header block of one message file, read in pieces until its empty line."""
    data = b""
    with open(path, "rb") as handle:
        while True:
            piece = handle.read(_READ_SIZE)
            data += piece
            end = _headers_end(data)
            if end is not None:
                return data[:end]
            if not piece:
                return data
            if len(data) > _HEADER_LIMIT:
                raise DamagedMessage("header block too long")


def _headers_end(data: bytes) -> int | None:
    """Where the first empty line starts, if there is one yet."""
    if data.startswith((b"\n", b"\r\n")):
        return 0
    found = [at + 1 for at in (data.find(b"\n\n"), data.find(b"\n\r\n")) if at >= 0]
    return min(found) if found else None


def _file_time(path: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, tz=UTC)
    except (OSError, OverflowError, ValueError):
        return None
