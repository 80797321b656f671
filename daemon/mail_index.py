"""A persistent index of local mail, so a pass costs what changed (issue 12).

An SQLite file beside the state (`<state>.mail.sqlite`) holds, per stored message, its
envelope (ids, thread keys, participants, date, labels: what matching needs) keyed by
what changes when the message does: an mbox message by its byte offset and a hash of its
bytes, a Maildir message by its unique name (the file name before `:2,`). Reading:

- an mbox that grew is read from its last message on, once its prefix is verified
  unchanged (its size and a hash of the last message's tail); any other change (a
  compaction, a new export) re-indexes it; bodies cached by content hash are reused;
- a Maildir is read by file name: new files are parsed, vanished ones dropped, a file
  renamed for flags (or moved from new/ to cur/) is re-keyed without being opened.

Threads are found in the index: the messages whose participants match the recruiter side
(`set_participants`), then their whole threads through the thread keys; only those
envelopes are loaded, and bodies are read (once, then cached) only for the threads the
caller keeps, so memory follows the matched mail, not the mailbox. Every change is
committed in batches with the position reached, so a kill leaves no half-read message
and the next pass goes on from there; a damaged or newer index is deleted and rebuilt.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from connectors._email import Envelope, build_threads, envelope_from_json
from connectors._email_bodies import MESSAGE_BYTES, read_bodies
from connectors.errors import SourceError, describe_os_error
from connectors.local.maildir import MaildirMail
from connectors.local.mbox import MboxMail
from policy.models import Thread

if TYPE_CHECKING:
    pass

from daemon.calendar_cache import CachedCalendar
from daemon.index_store import MailIndex, _open, index_path_for, index_problem
from daemon.index_sync import _sync_maildir, _sync_mbox

logger = logging.getLogger(__name__)

_FROM_LINE = 1024  # room left for an mbox From_ line before the cap

# The reply cache (daemon/reply_cache.py) is imported by whoever plans: it brings the reply
# reader (policy.rules, the timeline reader, quotequail), which a command answering from a
# kept plan never runs.
__all__ = ["CachedCalendar", "IndexedMail", "MailIndex", "index_path_for"]


class IndexedMail:
    """A `MailSource` over one or more local mailboxes (mbox files or Maildir folders)
    through a `MailIndex`; the index is brought up to date on each `threads` call."""

    def __init__(
        self,
        kind: Literal["mbox", "maildir"],
        readers: Sequence[MboxMail | MaildirMail],
        index_path: Path | None,
        *,
        also_domains: Iterable[str] = (),
    ) -> None:
        """`index_path` None: a private index in a temporary folder, gone after each read
        (a command that must write nothing, with no index kept by the daemon yet)."""
        self.kind = kind
        self.readers = tuple(readers)
        self.index_path = index_path
        self._also = frozenset("@" + d for d in also_domains)
        self._terms: frozenset[str] | None = None
        self.refresh = False  # the next sync re-reads everything

    def set_participants(self, addresses: Iterable[str], domains: Iterable[str]) -> None:
        """Only threads with one of these addresses or domains are read (a superset of
        what `keep` will accept: it still decides)."""
        self._terms = frozenset(addresses) | frozenset("@" + d for d in domains) | self._also

    def fingerprint(self) -> tuple[tuple[str, int, int, int], ...]:
        stamps: list[tuple[str, int, int, int]] = []
        for reader in self.readers:
            try:
                found = reader.fingerprint()
            except SourceError:  # the read itself will say what is wrong
                return ()
            if not found:
                return ()
            stamps.extend(found)
        return tuple(stamps)

    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        if self.index_path is None:
            with tempfile.TemporaryDirectory(prefix="followup-index-") as folder:
                return self._read(Path(folder) / "mail-index", keep, temporary=True)
        return self._read(self.index_path, keep)

    def _read(
        self, path: Path, keep: Callable[[Thread], bool] | None, *, temporary: bool = False
    ) -> tuple[Thread, ...]:
        index = _open(path)
        if temporary:  # thrown away after this read: no need to survive a power cut
            index.db.execute("PRAGMA synchronous=OFF")
            index.only = self._terms
        try:
            self.sync(index)
            return self._threads(index, keep)
        except sqlite3.Error as error:
            raise SourceError(index_problem(path, error)) from error
        finally:
            index.close()

    def sync(self, index: MailIndex) -> None:
        """Bring the index in line with the mailboxes, reading only what changed."""
        names = {str(reader.path) for reader in self.readers}
        for (name,) in index.db.execute("SELECT name FROM sources").fetchall():
            if name not in names:  # a mailbox no longer configured
                index.db.execute("BEGIN IMMEDIATE")
                index.drop_messages("source = ?", (name,))
                index.db.execute("DELETE FROM sources WHERE name = ?", (name,))
                index.db.execute("COMMIT")
        for reader in self.readers:
            if self.refresh:
                index.db.execute("BEGIN IMMEDIATE")
                index.drop_messages("source = ?", (str(reader.path),))
                index.db.execute("DELETE FROM sources WHERE name = ?", (str(reader.path),))
                index.db.execute("COMMIT")
            if isinstance(reader, MboxMail):
                _sync_mbox(index, reader)
            else:
                _sync_maildir(index, reader)
        self.refresh = False

    def _threads(
        self, index: MailIndex, keep: Callable[[Thread], bool] | None
    ) -> tuple[Thread, ...]:
        ids = index.matching(self._terms)
        envelopes: list[Envelope] = []
        where: list[tuple[str, str, int, int, str]] = []  # by position
        readers = {str(reader.path): reader for reader in self.readers}
        for _, source, locator, start, end, content, text in index.stored(ids):
            if not text and index.only is not None:  # not kept by a throw-away index
                found = _read_envelope(readers.get(source), locator, start, len(envelopes))
                if found is None:
                    continue
                envelopes.append(found)
                where.append((source, locator, start, end, content))
                continue
            try:
                envelope = envelope_from_json(text, len(envelopes))
            except ValueError:
                logger.warning("%s: a damaged entry in the mail index; skipped", source)
                continue
            envelopes.append(envelope)
            where.append((source, locator, start, end, content))
        fresh: dict[str, tuple[str, str]] = {}

        def load(positions: Sequence[int]) -> Iterator[tuple[int, bytes | tuple[str, str]]]:
            cached = index.bodies([where[p][4] for p in positions])
            for position in positions:
                source, locator, start, end, content = where[position]
                if content in cached:
                    yield position, cached[content]
                    continue
                raw = _read_raw(readers.get(source), locator, start, end)
                if raw is None:
                    continue
                try:
                    bodies = read_bodies(raw)
                except Exception as error:  # the stdlib parser on hostile input
                    logger.warning(
                        "%s: %s: body unreadable (%s); headers kept",
                        source,
                        locator,
                        type(error).__name__,
                    )
                    continue
                fresh[content] = bodies
                yield position, bodies

        def on_body_error(position: int, error: Exception) -> None:
            logger.warning(
                "%s: body unreadable (%s); headers kept", where[position][0], type(error).__name__
            )

        threads = build_threads(envelopes, keep=keep, load=load, on_body_error=on_body_error)
        try:
            index.save_bodies(fresh)
        except sqlite3.Error as error:  # a cache: the plan does not depend on it
            logger.warning("%s: bodies not cached (%s)", index.path, error)
        return threads


def _read_envelope(
    reader: MboxMail | MaildirMail | None, locator: str, start: int, position: int
) -> Envelope | None:
    """The envelope of one message read again from its mailbox, as the scan read it."""
    try:
        if isinstance(reader, MboxMail):
            for found in reader.scan(start):
                return (
                    None if found.envelope is None else found.envelope._replace(position=position)
                )
            return None
        if isinstance(reader, MaildirMail):
            entry = reader.entry_at(locator)
            return None if entry is None else reader.envelope(entry, position)
        return None
    except (OSError, SourceError) as error:
        logger.warning("%s: %s", locator if reader is None else reader.path, error)
        return None


def _read_raw(
    reader: MboxMail | MaildirMail | None, locator: str, start: int, end: int
) -> bytes | None:
    """At most one byte over the cap (`read_bodies` reads that far and says so), however
    large the stored message: a 2 GB attachment is never loaded whole."""
    try:
        if isinstance(reader, MboxMail):  # the From_ line comes first, then the message
            raw = reader.read_span(start, min(end, start + MESSAGE_BYTES + 1 + _FROM_LINE))
            return raw[: MESSAGE_BYTES + 1]
        with open(locator, "rb") as handle:
            return handle.read(MESSAGE_BYTES + 1)
    except OSError as error:  # gone since it was indexed: the next sync drops it
        logger.warning(
            "%s: %s", locator if reader is None else reader.path, describe_os_error(error)
        )
        return None
