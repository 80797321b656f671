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

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import policy
from connectors._email import (
    Envelope,
    build_threads,
    envelope_addresses,
    envelope_from_json,
    envelope_to_json,
    read_bodies,
    thread_keys,
)
from connectors.errors import SourceError, describe_os_error
from connectors.local.maildir import MaildirMail
from connectors.local.mbox import MboxMail, file_stamps
from policy.models import Attendee, CalendarEvent, Message, Outcome, Person, Settings, Thread
from policy.rules import Reply

if TYPE_CHECKING:
    from connectors.local.ics import IcsCalendar

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: people and links keyed by term/key (an older index is rebuilt)
_BATCH = 5000  # messages per transaction while indexing
_TAIL = 1 << 16  # bytes of the last message hashed to verify an mbox's prefix

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, stamp TEXT NOT NULL,
    end_offset INTEGER NOT NULL, last_start INTEGER NOT NULL, tail_hash TEXT NOT NULL,
    next_number INTEGER NOT NULL, complete INTEGER NOT NULL
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, key TEXT NOT NULL, locator TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, content TEXT NOT NULL,
    envelope TEXT NOT NULL, UNIQUE (source, key)
);
CREATE INDEX messages_by_start ON messages (source, start);
CREATE TABLE people (
    term TEXT NOT NULL, message INTEGER NOT NULL, PRIMARY KEY (term, message)
) WITHOUT ROWID;
CREATE TABLE links (
    key TEXT NOT NULL, message INTEGER NOT NULL, PRIMARY KEY (key, message)
) WITHOUT ROWID;
CREATE INDEX links_by_message ON links (message);
CREATE TABLE bodies (content TEXT PRIMARY KEY, text TEXT NOT NULL, html TEXT NOT NULL);
CREATE TABLE replies (key TEXT PRIMARY KEY, reading TEXT NOT NULL);
CREATE TABLE calendars (
    name TEXT PRIMARY KEY, stamp TEXT NOT NULL, digest TEXT NOT NULL, events TEXT NOT NULL
);
"""


def index_path_for(state_path: Path) -> Path:
    """Where the mail index of a state lives: beside it, so it goes where the state goes."""
    return state_path.with_name(state_path.name + ".mail-index")


class MailIndex:
    """The SQLite file; every write is a short transaction (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = self._open()
        self._rows: list[tuple[object, ...]] = []
        self._people: list[tuple[str, int]] = []
        self._links: list[tuple[str, int]] = []
        self._next_id: int | None = None
        # A throw-away index for one read (a cold `plan`): who is wanted is known before
        # the mailbox is read, so only the messages with a wanted participant get people
        # rows and a stored envelope; the others keep their thread keys only, and the few
        # of them found in a matched thread have their headers read again (`_threads`).
        self.only: frozenset[str] | None = None
        self._dropped: set[str] = set()  # contents of messages dropped in this transaction

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            logger.warning("%s: mail index unreadable (%s); rebuilding it", self.path, error)
            self._remove()
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")  # the daemon and a command may meet
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if "meta" not in tables:
                db.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            else:
                row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if row is None or row[0] != str(SCHEMA_VERSION):
                    raise sqlite3.DatabaseError(f"schema version {row[0] if row else None}")
            db.execute("SELECT count(*) FROM sources").fetchone()
        except BaseException:
            db.close()
            raise
        with contextlib.suppress(OSError):  # it holds recruiters' names and subjects
            os.chmod(self.path, 0o600)
        return db

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(self.path) + suffix)

    def close(self) -> None:
        self.db.close()

    # -- one source's rows --

    def source(self, name: str) -> _SourceRow | None:
        row = self.db.execute(
            "SELECT kind, stamp, end_offset, last_start, tail_hash, next_number, complete "
            "FROM sources WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None:
            return None
        return _SourceRow(name, row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))

    def save_source(self, row: _SourceRow) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.name,
                row.kind,
                row.stamp,
                row.end_offset,
                row.last_start,
                row.tail_hash,
                row.next_number,
                int(row.complete),
            ),
        )

    def drop_messages(self, where: str, args: Sequence[object]) -> None:
        self.flush()
        self._dropped.update(
            row[0] for row in self.db.execute(f"SELECT content FROM messages WHERE {where}", args)
        )
        ids = f"SELECT id FROM messages WHERE {where}"
        self.db.execute(f"DELETE FROM people WHERE message IN ({ids})", args)
        self.db.execute(f"DELETE FROM links WHERE message IN ({ids})", args)
        self.db.execute(f"DELETE FROM messages WHERE {where}", args)

    def add(
        self,
        source: str,
        key: str,
        locator: str,
        span: tuple[int, int],
        content: str,
        envelope: Envelope,
    ) -> None:
        """Buffered: written by `flush` (which every commit in this module comes after)."""
        if self._next_id is None:
            (self._next_id,) = self.db.execute(
                "SELECT coalesce(max(id), 0) + 1 FROM messages"
            ).fetchone()
        number = self._next_id
        self._next_id += 1
        terms = set()
        for address in envelope_addresses(envelope):
            terms.add(address)
            domain = address.rpartition("@")[2]
            terms.add("@" + domain)
            if domain.count(".") >= 2:  # acme.myworkday.com is found by myworkday.com too
                terms.add("@" + domain.partition(".")[2])
        if self.only is not None:
            terms &= self.only
        text = envelope_to_json(envelope) if self.only is None or terms else ""
        self._rows.append((number, source, key, locator, span[0], span[1], content, text))
        self._people.extend((t, number) for t in terms)
        self._links.extend((k, number) for k in thread_keys(envelope))

    def flush(self) -> None:
        if self._rows:
            self.db.executemany(
                "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self._rows
            )
            self.db.executemany("INSERT OR IGNORE INTO people VALUES (?, ?)", self._people)
            self.db.executemany("INSERT OR IGNORE INTO links VALUES (?, ?)", self._links)
        self._rows.clear()
        self._people.clear()
        self._links.clear()
        self._next_id = None

    def commit(self, again: bool = False) -> None:
        """Write what `add` buffered and commit; `again` opens the next transaction."""
        self.flush()
        self.db.execute("COMMIT")
        if again:
            self.db.execute("BEGIN IMMEDIATE")

    def rollback(self) -> None:
        self._dropped.clear()
        self._rows.clear()
        self._people.clear()
        self._links.clear()
        self._next_id = None
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    # -- reading --

    def matching(self, terms: Iterable[str] | None) -> list[int]:
        """Ids of the messages of every thread with a participant in `terms` (all: None)."""
        if terms is None:
            return [row[0] for row in self.db.execute("SELECT id FROM messages")]
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (term TEXT PRIMARY KEY)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS found (id INTEGER PRIMARY KEY)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS frontier (id INTEGER PRIMARY KEY)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS seen_keys (key TEXT PRIMARY KEY)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS new_keys (key TEXT PRIMARY KEY)")
        for table in ("wanted", "found", "frontier", "seen_keys", "new_keys"):
            self.db.execute(f"DELETE FROM temp.{table}")
        self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((t,) for t in terms))
        self.db.execute(
            "INSERT OR IGNORE INTO frontier SELECT DISTINCT message FROM people "
            "WHERE term IN (SELECT term FROM wanted)"
        )
        while True:  # breadth first over the thread keys, as `build_threads` joins them
            self.db.execute("INSERT OR IGNORE INTO found SELECT id FROM frontier")
            keys = self.db.execute(
                "SELECT DISTINCT key FROM links WHERE message IN (SELECT id FROM frontier) "
                "AND key NOT IN (SELECT key FROM seen_keys)"
            ).fetchall()
            self.db.execute("DELETE FROM frontier")
            if not keys:
                break
            self.db.execute("DELETE FROM new_keys")
            self.db.executemany("INSERT OR IGNORE INTO new_keys VALUES (?)", keys)
            self.db.executemany("INSERT OR IGNORE INTO seen_keys VALUES (?)", keys)
            self.db.execute(
                "INSERT OR IGNORE INTO frontier SELECT DISTINCT message FROM links "
                "WHERE key IN (SELECT key FROM new_keys) "
                "AND message NOT IN (SELECT id FROM found)"
            )
        return [row[0] for row in self.db.execute("SELECT id FROM found ORDER BY id")]

    def stored(self, ids: Sequence[int]) -> Iterator[tuple[int, str, str, int, int, str, str]]:
        """(id, source, locator, start, end, content, envelope) for these ids, in order."""
        for at in range(0, len(ids), 500):
            chunk = ids[at : at + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.db.execute(
                "SELECT id, source, locator, start, end, content, envelope FROM messages "
                f"WHERE id IN ({marks}) ORDER BY id",
                chunk,
            )

    def bodies(self, contents: Sequence[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for at in range(0, len(contents), 500):
            chunk = contents[at : at + 500]
            marks = ",".join("?" * len(chunk))
            for content, text, html in self.db.execute(
                f"SELECT content, text, html FROM bodies WHERE content IN ({marks})", chunk
            ):
                found[content] = (text, html)
        return found

    def save_bodies(self, bodies: dict[str, tuple[str, str]]) -> None:
        if not bodies:
            return
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(
            "INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
            ((content, text, html) for content, (text, html) in bodies.items()),
        )
        self.db.execute("COMMIT")

    def forget_unused_bodies(self) -> None:
        """Only the bodies of dropped messages can have become unused: a pass after one
        appended message must not compare every body with all 200,000 messages (3 s)."""
        dropped, self._dropped = list(self._dropped), set()
        if len(dropped) > 1000:  # a re-index: one pass over the table is cheaper
            self.db.execute(
                "DELETE FROM bodies WHERE content NOT IN (SELECT content FROM messages)"
            )
            return
        for at in range(0, len(dropped), 500):
            chunk = dropped[at : at + 500]
            self.db.execute(
                f"DELETE FROM bodies WHERE content IN ({','.join('?' * len(chunk))}) AND NOT "
                "EXISTS (SELECT 1 FROM messages WHERE messages.content = bodies.content)",
                chunk,
            )


@dataclass(slots=True)
class _SourceRow:
    name: str
    kind: str
    stamp: str
    end_offset: int
    last_start: int
    tail_hash: str
    next_number: int
    complete: bool


def _stamp_text(stamps: Sequence[tuple[str, int, int, int]]) -> str:
    return ";".join(f"{ino}:{mtime}:{size}" for _, ino, mtime, size in stamps)


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
            raise SourceError(f"{path}: mail index: {error}") from error
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


def _open(path: Path) -> MailIndex:
    try:
        return MailIndex(path)
    except (OSError, sqlite3.Error) as error:
        problem = describe_os_error(error) if isinstance(error, OSError) else str(error)
        raise SourceError(f"{path}: mail index: {problem}") from error


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
    try:
        if isinstance(reader, MboxMail):
            return reader.read_span(start, end)
        with open(locator, "rb") as handle:
            return handle.read()
    except OSError as error:  # gone since it was indexed: the next sync drops it
        logger.warning(
            "%s: %s", locator if reader is None else reader.path, describe_os_error(error)
        )
        return None


# --- mbox --------------------------------------------------------------------------------


def _tail_hash(path: Path, start: int, end: int) -> str:
    """A hash of the last bytes (at most `_TAIL`) of the range: the prefix check."""
    begin = max(start, end - _TAIL)
    with path.open("rb") as handle:
        handle.seek(begin)
        data = handle.read(end - begin)
    if len(data) != end - begin:
        return ""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _sync_mbox(index: MailIndex, reader: MboxMail) -> None:
    name = str(reader.path)
    stamps = reader.fingerprint()
    if not stamps:  # missing or unreadable: the reader names the problem
        for _ in reader.scan():
            break
        raise SourceError(f"{name}: cannot be read")
    stamp = _stamp_text(stamps)
    size = stamps[0][3]
    row = index.source(name)
    if row is not None and row.kind == "mbox" and row.complete and row.stamp == stamp:
        return  # unchanged since it was indexed
    start, number = 0, 1
    if row is not None and row.kind == "mbox" and size >= row.end_offset:
        try:
            same = (
                row.end_offset == 0
                or _tail_hash(reader.path, row.last_start, row.end_offset) == row.tail_hash
            )
        except OSError:
            same = False
        if same:
            # Appended (or an index left mid-way): the last message is read again, in case
            # it was still being written when it was indexed.
            start, number = row.last_start, row.next_number
            if row.end_offset:
                number -= 1
    index.db.execute("BEGIN IMMEDIATE")
    try:
        if start == 0:
            if row is not None:
                logger.info("%s: changed other than by appending; indexing it again", name)
            index.drop_messages("source = ?", (name,))
        else:
            index.drop_messages("source = ? AND start >= ?", (name, start))
        done = _SourceRow(name, "mbox", stamp, start, start, "", number, False)
        pending = 0
        for found in reader.scan(start, first_number=number):
            if found.envelope is not None:
                index.add(
                    name,
                    f"{found.start}:{found.content_hash}",
                    "",
                    (found.start, found.end),
                    found.content_hash,
                    found.envelope,
                )
            done.end_offset, done.last_start = found.end, found.start
            done.next_number = found.number + 1
            pending += 1
            if pending >= _BATCH:  # commit with the position reached: a kill resumes here
                done.tail_hash = _tail_hash(reader.path, done.last_start, done.end_offset)
                index.save_source(done)
                index.commit(again=True)
                pending = 0
        if done.end_offset:
            done.tail_hash = _tail_hash(reader.path, done.last_start, done.end_offset)
        done.complete = reader.fingerprint() == stamps  # changed meanwhile: read again next time
        index.save_source(done)
        index.flush()
        index.forget_unused_bodies()
        index.commit()
    except BaseException:
        index.rollback()
        raise


# --- Maildir -----------------------------------------------------------------------------


def _sync_maildir(index: MailIndex, reader: MaildirMail) -> None:
    name = str(reader.path)
    stamps = reader.fingerprint()
    stamp = _stamp_text(stamps)
    row = index.source(name)
    if stamps and row is not None and row.kind == "maildir" and row.complete and row.stamp == stamp:
        return
    # Not the envelopes: a pass after one delivery must not load 20,000 of them; only a
    # renamed file's is read (below).
    known: dict[str, tuple[int, str]] = {
        key: (number, locator)
        for number, key, locator in index.db.execute(
            "SELECT id, key, locator FROM messages WHERE source = ?", (name,)
        )
    }
    present: set[str] = set()
    index.db.execute("BEGIN IMMEDIATE")
    try:
        pending = 0
        for entry in reader.entries():
            present.add(entry.unique)
            old = known.get(entry.unique)
            if old is not None and old[1] == entry.path:
                continue
            if old is not None:  # renamed for flags or moved new/ → cur/: re-keyed, not read
                stored = index.db.execute(
                    "SELECT envelope FROM messages WHERE id = ?", (old[0],)
                ).fetchone()
                envelope = _with_flags(stored[0], entry.flags, entry.drafts) if stored else None
                if envelope is not None:
                    index.db.execute(
                        "UPDATE messages SET locator = ?, envelope = ? WHERE id = ?",
                        (entry.path, envelope, old[0]),
                    )
                    continue
            found = reader.envelope(entry)
            if found is None:
                continue
            if old is not None:
                index.drop_messages("id = ?", (old[0],))
            index.add(name, entry.unique, entry.path, (0, 0), "md:" + entry.unique, found)
            pending += 1
            if pending >= _BATCH:
                index.commit(again=True)
                pending = 0
        gone = [known[key][0] for key in known.keys() - present]
        for at in range(0, len(gone), 500):
            chunk = gone[at : at + 500]
            index.drop_messages(f"id IN ({','.join('?' * len(chunk))})", chunk)
        complete = bool(stamps) and reader.fingerprint() == stamps
        index.save_source(_SourceRow(name, "maildir", stamp, 0, 0, "", 0, complete))
        index.flush()
        index.forget_unused_bodies()
        index.commit()
    except BaseException:
        index.rollback()
        raise


def _with_flags(text: str, flags: str, drafts: bool) -> str | None:
    """The stored envelope with the draft flag the new file name gives."""
    try:
        envelope = envelope_from_json(text, 0)
    except ValueError:
        return None
    labels = {label.lower() for label in envelope.labels}
    is_draft = drafts or "D" in flags or bool(labels & {"draft", "drafts"})
    is_draft = is_draft or "x-mozilla-draft-info" in envelope.fields
    return envelope_to_json(envelope._replace(is_draft=is_draft))


# --- the calendar file -------------------------------------------------------------------


class CachedCalendar:
    """A `CalendarSource` over an .ics file whose events are kept in the index with a hash
    of the file (and the zone they were read in): icalendar parses the file again only
    when its bytes changed, not on every pass or command."""

    def __init__(self, path: Path, timezone: ZoneInfo, index_path: Path | None) -> None:
        self.path = path
        self.timezone = timezone
        self.index_path = index_path

    def fingerprint(self) -> tuple[tuple[str, int, int, int], ...]:
        return file_stamps([self.path])

    def events(self) -> tuple[CalendarEvent, ...]:
        # icalendar (about 0.1 s to import) only when the file must be parsed: a command
        # on an unchanged calendar answers from the cache without it.
        if self.index_path is None:
            return self._reader().events()
        stamp = _stamp_text(self.fingerprint())
        index = _open(self.index_path)
        try:
            row = index.db.execute(
                "SELECT stamp, digest, events FROM calendars WHERE name = ?", (str(self.path),)
            ).fetchone()
            if row is not None and stamp and row[0] == stamp:
                cached = _events_from_json(row[2])
                if cached is not None:
                    return cached
            try:
                data = self.path.read_bytes()
            except OSError:
                return self._reader().events()  # names the problem
            digest = hashlib.blake2b(data, digest_size=16)
            digest.update(str(self.timezone).encode())
            if row is not None and row[1] == digest.hexdigest():
                cached = _events_from_json(row[2])
                if cached is not None:
                    index.db.execute(
                        "UPDATE calendars SET stamp = ? WHERE name = ?", (stamp, str(self.path))
                    )
                    return cached
            from connectors.local.ics import read_events

            events = read_events(data, source=str(self.path), timezone=self.timezone)
            index.db.execute(
                "INSERT OR REPLACE INTO calendars VALUES (?, ?, ?, ?)",
                (str(self.path), stamp, digest.hexdigest(), _events_to_json(events)),
            )
            return events
        except sqlite3.Error as error:  # a cache: read the file itself
            logger.warning("%s: calendar cache not usable (%s)", self.index_path, error)
            return self._reader().events()
        finally:
            index.close()

    def _reader(self) -> IcsCalendar:
        from connectors.local.ics import IcsCalendar

        return IcsCalendar(self.path, self.timezone)


def _person(person: Person | None) -> list[str] | None:
    return None if person is None else [person.email, person.name]


def _events_to_json(events: Sequence[CalendarEvent]) -> str:
    return json.dumps(
        [
            [
                e.event_id,
                e.title,
                e.start_at.isoformat(),
                e.end_at.isoformat(),
                e.description,
                e.location,
                e.all_day,
                e.cancelled,
                _person(e.organizer),
                [[a.email, a.name, a.response] for a in e.attendees],
                e.created_by_followup,
            ]
            for e in events
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _events_from_json(text: str) -> tuple[CalendarEvent, ...] | None:
    """The events `_events_to_json` wrote; None when the cache is damaged."""
    try:
        events = []
        for item in json.loads(text):
            uid, title, start, end, description, location, all_day, cancelled = item[:8]
            organizer, attendees, ours = item[8:11]
            events.append(
                CalendarEvent(
                    event_id=str(uid),
                    title=str(title),
                    start_at=datetime.fromisoformat(start),
                    end_at=datetime.fromisoformat(end),
                    description=str(description),
                    location=str(location),
                    all_day=bool(all_day),
                    cancelled=bool(cancelled),
                    organizer=None
                    if organizer is None
                    else Person(email=str(organizer[0]), name=str(organizer[1])),
                    attendees=tuple(
                        Attendee(email=str(a[0]), name=str(a[1]), response=str(a[2]))
                        for a in attendees
                    ),
                    created_by_followup=bool(ours),
                )
            )
        return tuple(events)
    except (TypeError, ValueError, IndexError, KeyError):
        return None


# --- what the reply reader found ---------------------------------------------------------


def _reader_version() -> str:
    """A hash of the policy package's code: a reading is reused only by the same reader."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(policy.__file__).parent
    for file in sorted(root.rglob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(file.read_bytes())
    return digest.hexdigest()


class ReplyStore(MutableMapping[str, Reply]):
    """The planner's reply readings (POLICY.md statements, decisions, auto-replies) kept in
    the index, so a recruiter message is read once, not on every pass and command.

    Keyed by message id, a hash of what the reader reads (subject, bodies, headers, date),
    the settings it depends on and the reader's own code; a reading is rebuilt around the
    message of this pass. New readings are written in batches (and when the store goes).
    """

    def __init__(self, path: Path, threads: Iterable[Thread], settings: Settings) -> None:
        self._path = path
        self._messages = {m.message_id: m for t in threads for m in t.messages}
        self._salt = "|".join(
            (
                _reader_version(),
                str(settings.timezone),
                settings.country,
                settings.subdivision or "",
            )
        )
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout=30000")
        self._pending: list[tuple[str, str]] = []
        self._memo: dict[str, Reply] = {}
        weakref.finalize(self, _flush, self._db, self._pending, True)

    def _key(self, message: Message) -> str:
        digest = hashlib.blake2b(self._salt.encode(), digest_size=16)
        for part in (message.subject, message.body_text, message.body_html, repr(message.headers)):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(message.sent_at.isoformat().encode())
        return f"{message.message_id}|{digest.hexdigest()}"

    def __getitem__(self, message_id: str) -> Reply:
        if message_id in self._memo:
            return self._memo[message_id]
        message = self._messages.get(message_id)
        if message is None:
            raise KeyError(message_id)
        try:
            row = self._db.execute(
                "SELECT reading FROM replies WHERE key = ?", (self._key(message),)
            ).fetchone()
        except sqlite3.Error:
            row = None
        reply = None if row is None else _reply_from_json(row[0], message)
        if reply is None:
            raise KeyError(message_id)
        self._memo[message_id] = reply
        return reply

    def __setitem__(self, message_id: str, reply: Reply) -> None:
        self._memo[message_id] = reply
        if message_id in self._messages:
            self._pending.append((self._key(reply.message), _reply_to_json(reply)))
        if len(self._pending) >= 200:
            _flush(self._db, self._pending, False)

    def __delitem__(self, message_id: str) -> None:
        self._memo.pop(message_id, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._memo)

    def __len__(self) -> int:
        return len(self._memo)

    def flush(self) -> None:
        _flush(self._db, self._pending, False)


def _flush(db: sqlite3.Connection, pending: list[tuple[str, str]], close: bool) -> None:
    try:
        if pending:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO replies VALUES (?, ?)", pending)
            db.execute("COMMIT")
            pending.clear()
    except sqlite3.Error as error:  # a cache: nothing depends on it
        logger.debug("reply readings not kept: %s", error)
        with contextlib.suppress(sqlite3.Error):
            if db.in_transaction:
                db.execute("ROLLBACK")
    finally:
        if close:
            db.close()


def _reply_to_json(reply: Reply) -> str:
    return json.dumps(
        [
            reply.auto,
            reply.decision.value if reply.decision else None,
            reply.promised_on.isoformat() if reply.promised_on else None,
            reply.statement,
            reply.returns_on.isoformat() if reply.returns_on else None,
            reply.uncertain,
        ],
        ensure_ascii=False,
    )


def _reply_from_json(text: str, message: Message) -> Reply | None:
    try:
        auto, decision, promised, statement, returns, uncertain = json.loads(text)
        return Reply(
            message=message,
            auto=bool(auto),
            decision=None if decision is None else Outcome(decision),
            promised_on=None if promised is None else date.fromisoformat(promised),
            statement=str(statement),
            returns_on=None if returns is None else date.fromisoformat(returns),
            uncertain=bool(uncertain),
        )
    except (TypeError, ValueError):
        return None
