"""The mail index's SQLite file (see `daemon/mail_index.py` for what it is for): its
schema, the buffered writes of the indexing passes and the queries that find threads."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from connectors._email import (
    Envelope,
    envelope_addresses,
    envelope_from_json,
    envelope_to_json,
    thread_keys,
)
from connectors.errors import SourceError, describe_os_error

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: people and links keyed by term/key (an older index is rebuilt)
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
        self._readded: set[str] = set()  # of those, the ones added again (still in use)
        self._dropped_many = False  # more than `_FEW` at once: bodies are checked by a scan

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            if disk_full(error):  # not damage: deleting it would not help the next pass
                raise
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
        """A few messages (an appended mbox's last one, read again; a vanished file) lose
        their people rows by key: `people` has no index by message, and scanning it costs
        a pass 0.5 s at 1,000,000 messages. Many (a re-index) are dropped in one scan."""
        self.flush()
        few = self.db.execute(
            f"SELECT id, content, envelope FROM messages WHERE {where} LIMIT {_FEW + 1}", args
        ).fetchall()
        if len(few) > _FEW:
            self._dropped_many = True  # their contents are not held: a re-index has millions
            ids = f"SELECT id FROM messages WHERE {where}"
            self.db.execute(f"DELETE FROM people WHERE message IN ({ids})", args)
            self.db.execute(f"DELETE FROM links WHERE message IN ({ids})", args)
            self.db.execute(f"DELETE FROM messages WHERE {where}", args)
            return
        for number, content, stored in few:
            self._dropped.add(content)
            terms = _stored_terms(stored)
            if terms is None:  # its envelope unreadable: its rows are found by a scan
                self.db.execute("DELETE FROM people WHERE message = ?", (number,))
            else:
                self.db.executemany(
                    "DELETE FROM people WHERE term = ? AND message = ?",
                    ((term, number) for term in terms),
                )
            self.db.execute("DELETE FROM links WHERE message = ?", (number,))
            self.db.execute("DELETE FROM messages WHERE id = ?", (number,))

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
        if content in self._dropped:
            self._readded.add(content)
        terms = _terms(envelope)
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
        self._readded.clear()
        self._dropped_many = False
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

    def finish(self, source: _SourceRow) -> None:
        """The end of one source's read: its row saved, the bodies no message uses any
        more dropped (after the buffered messages are written, which may still use them),
        and one commit for all of it."""
        self.save_source(source)
        self.flush()
        self.forget_unused_bodies()
        self.commit()

    def forget_unused_bodies(self) -> None:
        """Only the bodies of dropped messages can have become unused: a pass after one
        appended message must not compare every body with all 200,000 messages (3 s)."""
        dropped = list(self._dropped - self._readded)  # one read again is still in use
        many, self._dropped_many = self._dropped_many, False
        self._dropped, self._readded = set(), set()
        if many or len(dropped) > 1000:  # a re-index: one pass over the table is cheaper
            self.db.execute(
                "DELETE FROM bodies WHERE content NOT IN (SELECT content FROM messages)"
            )
            return
        for at in range(0, len(dropped), 500):
            chunk = dropped[at : at + 500]
            marks = ",".join("?" * len(chunk))
            # Most messages have no body kept: only those that do are checked for use.
            chunk = [
                row[0]
                for row in self.db.execute(
                    f"SELECT content FROM bodies WHERE content IN ({marks})", chunk
                )
            ]
            if not chunk:
                continue
            self.db.execute(
                f"DELETE FROM bodies WHERE content IN ({','.join('?' * len(chunk))}) AND NOT "
                "EXISTS (SELECT 1 FROM messages WHERE messages.content = bodies.content)",
                chunk,
            )


# Up to this many dropped messages are deleted one by one, by key.
_FEW = 64


def _terms(envelope: Envelope) -> set[str]:
    """A message's people rows: each address, its domain, and a tenant's parent domain."""
    terms = set()
    for address in envelope_addresses(envelope):
        terms.add(address)
        domain = address.rpartition("@")[2]
        terms.add("@" + domain)
        if domain.count(".") >= 2:  # acme.myworkday.com is found by myworkday.com too
            terms.add("@" + domain.partition(".")[2])
    return terms


def _stored_terms(stored: str) -> set[str] | None:
    """The people rows `add` wrote for a stored envelope (none when it stored no envelope:
    a throw-away index keeps one only with a wanted participant); None if unreadable."""
    if not stored:
        return set()
    try:
        return _terms(envelope_from_json(stored, 0))
    except ValueError:
        return None


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


def _open(path: Path) -> MailIndex:
    try:
        return MailIndex(path)
    except (OSError, sqlite3.Error) as error:
        raise SourceError(index_problem(path, error)) from error


def disk_full(error: OSError | sqlite3.Error) -> bool:
    """A write refused for want of room: SQLite says "database or disk is full", or (a file
    size limit, a full disk under the WAL) "disk I/O error"."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    name = getattr(error, "sqlite_errorname", "")
    text = str(error).lower()
    full = name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR")
    return full or "disk is full" in text or "disk i/o error" in text


def index_problem(path: Path, error: OSError | sqlite3.Error) -> str:
    """One line for a mail index that cannot be opened or written, and what to do."""
    if disk_full(error):
        return f"{path}: mail index: the disk is full; free some space, then run again"
    problem = describe_os_error(error) if isinstance(error, OSError) else str(error)
    return f"{path}: mail index: {problem}"
