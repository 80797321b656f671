"""The daemon's memory in SQLite: what it wrote, what the user took over, marks, cursors, and
a journal of intended writes.

Crash safety rests on the journal: an intent row is committed *before* each remote write and
settled (with the written item recorded) in one transaction *after* it; an intent still open
at the next start means the process died in between, and the reconcile settles it by
looking the item up by its action key. Connections run in autocommit (`isolation_level=None`)
with explicit `BEGIN IMMEDIATE`, WAL and `synchronous=FULL`, as vdirsyncer's status store does.
The schema is versioned in `meta`, migrated by numbered steps from v1, and a file written by
a newer version is refused rather than guessed at. The file (and its -wal/-shm, which
SQLite creates with the file's mode) is private, 0600: it holds recruiters' names. Every
problem with it (a full disk, a read-only folder, a damaged or hand-edited file) is one
`StateError` line naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from daemon.items import Intent, Kind, Ledger, Op, Recorded, Tombstoned
from policy import errors
from policy.models import Mark, MarkKind

SCHEMA_VERSION = 1

# MIGRATIONS[n] brings a database from version n to n + 1. Add steps; never edit old ones.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL, saved_at TEXT NOT NULL)",
        """CREATE TABLE written (
            kind TEXT NOT NULL, key TEXT NOT NULL, remote_id TEXT NOT NULL,
            content_hash TEXT NOT NULL, etag TEXT NOT NULL, written_at TEXT NOT NULL,
            PRIMARY KEY (kind, key))""",
        """CREATE TABLE tombstones (
            kind TEXT NOT NULL, key TEXT NOT NULL, reason TEXT NOT NULL,
            remote_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (kind, key))""",
        """CREATE TABLE marks (
            id INTEGER PRIMARY KEY, interview_id TEXT NOT NULL, kind TEXT NOT NULL,
            value TEXT NOT NULL, marked_at TEXT NOT NULL)""",
        """CREATE TABLE journal (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, op TEXT NOT NULL,
            content_hash TEXT NOT NULL, remote_id TEXT NOT NULL, started_at TEXT NOT NULL,
            settled_at TEXT, outcome TEXT)""",
        "CREATE INDEX journal_open ON journal (settled_at) WHERE settled_at IS NULL",
    ),
)
assert len(MIGRATIONS) == SCHEMA_VERSION

# Settled journal rows are history for `followup status`/`explain`; older ones are dropped.
JOURNAL_KEEP = 2000


class StateError(errors.StateError):
    """The state file cannot be used: not SQLite, damaged, or from a newer followup."""


_P = ParamSpec("_P")
_R = TypeVar("_R")
_MODE = 0o600


def problem_with(path: Path | None, error: Exception) -> str:
    """One line for what went wrong with the state file at `path`, and what to do."""
    where = str(path) if path is not None else "the state"
    text = str(error).lower()
    if isinstance(error, OSError):
        import errno

        if error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return f"{where}: the disk is full; free some space and run again (nothing is lost)"
        if isinstance(error, PermissionError) or error.errno == errno.EROFS:
            return (
                f"{where}: cannot write there (permission denied or read-only); make the folder "
                "writable or set [daemon] state_path"
            )
        if isinstance(error, NotADirectoryError | FileExistsError):
            return (
                f"{where}: a file stands where its folder should be; move it or set "
                "[daemon] state_path"
            )
        return f"{where}: {error.strerror or type(error).__name__}; check the state folder"
    if "disk is full" in text or "disk i/o error" in text:
        return f"{where}: the disk is full; free some space and run again (nothing is lost)"
    if "readonly" in text or "read-only" in text:
        return (
            f"{where}: cannot write the state (read-only); make it and its folder writable "
            "or set [daemon] state_path"
        )
    if "unable to open" in text:
        return (
            f"{where}: cannot open the state file; check that its folder exists and is "
            "writable, or set [daemon] state_path"
        )
    if "locked" in text or "busy" in text:
        return f"{where}: the state is busy (another program holds it); run again shortly"
    detail = " ".join(str(error).split())[:80] or type(error).__name__
    return (
        f"{where}: damaged state file ({detail}); move it aside and run again: followup "
        "starts a new one and adopts what it wrote by the keys it carries"
    )


def _guarded(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn a database problem inside `method` into one StateError line."""

    @functools.wraps(method)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except StateError:
            raise
        except (sqlite3.Error, OSError, ValueError, TypeError, KeyError) as error:
            self = args[0]
            path = self.path if isinstance(self, State) else None
            raise StateError(problem_with(path, error)) from None

    return run


def _private(path: Path) -> None:
    """Create the state file 0600 (SQLite gives -wal/-shm its mode) or make it so."""
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, _MODE)
    except IsADirectoryError:
        raise StateError(
            f"{path}: is a folder, not a state file; set [daemon] state_path"
        ) from None
    except OSError as error:
        raise StateError(problem_with(path, error)) from None
    try:
        os.fchmod(handle, _MODE)
    except OSError:
        pass  # not ours to change (another user's file): SQLite says more when it opens it
    finally:
        os.close(handle)
    for suffix in ("-wal", "-shm"):
        with suppress(OSError):
            os.chmod(path.with_name(path.name + suffix), _MODE)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class State:
    """One connection to the state file; use as a context manager or call `close()`."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path
        self._joined = False  # inside `together()`: transactions join the open one

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> State:
        """Open the state file, creating it (and its folder) when missing."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StateError(problem_with(path, error)) from None
        _private(path)
        return cls._connect(path, f"file:{path}?mode=rwc")

    @classmethod
    def open_existing(cls, path: Path) -> State | None:
        """Open the state file if there is one; never create it (for read-only commands)."""
        if not path.exists():
            return None
        _private(path)
        return cls._connect(path, f"file:{path}?mode=rw")

    @classmethod
    def in_memory(cls) -> State:
        """An empty state that is never saved (dry runs without a state file, tests)."""
        connection = sqlite3.connect(":memory:", isolation_level=None)
        state = cls(connection, None)
        state._migrate()
        return state

    @classmethod
    def _connect(cls, path: Path, uri: str) -> State:
        try:
            connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10)
        except sqlite3.Error as error:
            raise StateError(problem_with(path, error)) from None
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            state = cls(connection, path)
            state._migrate()
        except StateError:
            connection.close()
            raise
        except sqlite3.DatabaseError as error:
            connection.close()
            text = str(error).lower()
            if "not a database" in text or "malformed" in text or "encrypted" in text:
                raise StateError(f"{path}: not a usable followup state file ({error})") from None
            raise StateError(problem_with(path, error)) from None
        except ValueError as error:
            connection.close()
            raise StateError(problem_with(path, error)) from None
        return state

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def together(self) -> Iterator[None]:
        """Make the writes inside one transaction: one commit (one fsync) for many records,
        e.g. the results of a batched write. All of them or none land."""
        with self._transaction():
            self._joined = True
            try:
                yield
            finally:
                self._joined = False

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self._joined:
            yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk): never hide the first error.
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise

    def _version(self) -> int:
        exists = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not exists:
            tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StateError(f"{self.path}: an SQLite file, but not followup's state")
            return 0
        row = self._db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        if row is None:
            return 0
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise StateError(
                f"{self.path}: damaged state file (schema_version is {str(row[0])[:20]!r}, not "
                "a number); move it aside and run again: followup starts a new one and adopts "
                "what it wrote by the keys it carries"
            ) from None

    def _migrate(self) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path}: written by a newer followup (state schema {version}; this one "
                f"knows up to {SCHEMA_VERSION}): upgrade followup"
            )
        if version == SCHEMA_VERSION:
            return
        with self._transaction() as db:
            version = self._version()  # another process may have migrated meanwhile
            for step in MIGRATIONS[version:]:
                for statement in step:
                    db.execute(statement)
            db.execute(
                "INSERT OR REPLACE INTO meta (name, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    # -- reading ------------------------------------------------------------------------

    @_guarded
    def written(self) -> dict[tuple[Kind, str], Recorded]:
        rows = self._db.execute(
            "SELECT kind, key, remote_id, content_hash, etag, written_at FROM written"
        )
        return {
            (Kind(kind), key): Recorded(
                kind=Kind(kind),
                key=key,
                remote_id=remote_id,
                content_hash=content_hash,
                etag=etag,
                written_at=_time(written_at),
            )
            for kind, key, remote_id, content_hash, etag, written_at in rows
        }

    @_guarded
    def tombstones(self) -> dict[tuple[Kind, str], Tombstoned]:
        rows = self._db.execute("SELECT kind, key, reason, remote_id, at FROM tombstones")
        return {
            (Kind(kind), key): Tombstoned(
                kind=Kind(kind), key=key, reason=reason, remote_id=remote_id, at=_time(at)
            )
            for kind, key, reason, remote_id, at in rows
        }

    @_guarded
    def marks(self) -> tuple[Mark, ...]:
        rows = self._db.execute(
            "SELECT interview_id, kind, value, marked_at FROM marks ORDER BY marked_at, id"
        )
        return tuple(
            Mark(interview_id=i, kind=MarkKind(k), value=v, marked_at=_time(at))
            for i, k, v, at in rows
        )

    @_guarded
    def open_intents(self) -> tuple[Intent, ...]:
        rows = self._db.execute(
            "SELECT id, kind, key, op, content_hash, remote_id, started_at FROM journal "
            "WHERE settled_at IS NULL ORDER BY id"
        )
        return tuple(
            Intent(
                intent_id=row[0],
                kind=Kind(row[1]),
                key=row[2],
                op=Op(row[3]),
                content_hash=row[4],
                remote_id=row[5],
                started_at=_time(row[6]),
            )
            for row in rows
        )

    @_guarded
    def history(self, key_prefix: str = "", limit: int = 50) -> tuple[dict[str, str], ...]:
        """The latest journal rows (newest first), optionally for keys under one interview."""
        rows = self._db.execute(
            "SELECT kind, key, op, started_at, COALESCE(settled_at, ''), COALESCE(outcome, '') "
            "FROM journal WHERE substr(key, 1, ?) = ? ORDER BY id DESC LIMIT ?",
            (len(key_prefix), key_prefix, limit),
        )
        names = ("kind", "key", "op", "started_at", "settled_at", "outcome")
        return tuple(dict(zip(names, row, strict=True)) for row in rows)

    @_guarded
    def cursors(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT name, value FROM cursors").fetchall())

    @_guarded
    def meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    @_guarded
    def last_pass(self) -> dict[str, Any] | None:
        """What the last completed pass did (time and counts), if any."""
        text = self.meta("last_pass")
        if text is None:
            return None
        value = json.loads(text)
        return value if isinstance(value, dict) else None

    @_guarded
    def ledger(self) -> Ledger:
        return Ledger(
            written=self.written(),
            tombstones=self.tombstones(),
            last_pass=self.last_pass(),
            open_intents=len(self.open_intents()),
        )

    # -- writing ------------------------------------------------------------------------

    @_guarded
    def add_mark(self, mark: Mark) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO marks (interview_id, kind, value, marked_at) VALUES (?, ?, ?, ?)",
                (mark.interview_id, mark.kind.value, mark.value, _iso(mark.marked_at)),
            )

    @_guarded
    def remove_mark(self, mark: Mark) -> bool:
        """Remove one stored mark equal to `mark` (`followup unmark`); False if none was."""
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM marks WHERE id = (SELECT id FROM marks WHERE interview_id = ? "
                "AND kind = ? AND value = ? AND marked_at = ? ORDER BY id DESC LIMIT 1)",
                (mark.interview_id, mark.kind.value, mark.value, _iso(mark.marked_at)),
            )
            return cursor.rowcount > 0

    @_guarded
    def begin(
        self, *, kind: Kind, key: str, op: Op, content_hash: str, remote_id: str, now: datetime
    ) -> int:
        """Record the intent of one remote write; committed before the write is made."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO journal (kind, key, op, content_hash, remote_id, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (kind.value, key, op.value, content_hash, remote_id, _iso(now)),
            )
            intent_id = cursor.lastrowid
        assert intent_id is not None
        return intent_id

    @_guarded
    def record_written(self, intent_id: int | None, item: Recorded, *, outcome: str) -> None:
        """The item is on the remote side as recorded; settle the intent that wrote it."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO written "
                "(kind, key, remote_id, content_hash, etag, written_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    item.kind.value,
                    item.key,
                    item.remote_id,
                    item.content_hash,
                    item.etag,
                    _iso(item.written_at),
                ),
            )
            self._settle(db, intent_id, outcome, item.written_at)

    @_guarded
    def record_gone(
        self, intent_id: int | None, kind: Kind, key: str, *, outcome: str, now: datetime
    ) -> None:
        """The item is no longer ours to track (we deleted it)."""
        with self._transaction() as db:
            db.execute("DELETE FROM written WHERE kind = ? AND key = ?", (kind.value, key))
            self._settle(db, intent_id, outcome, now)

    @_guarded
    def settle(self, intent_id: int, outcome: str, now: datetime) -> None:
        """Close an intent without changing what is recorded (the write did not happen)."""
        with self._transaction() as db:
            self._settle(db, intent_id, outcome, now)

    @_guarded
    def tombstone(self, item: Tombstoned) -> None:
        """The user took the item over (deleted, sent or changed it): never write it again."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO tombstones (kind, key, reason, remote_id, at) "
                "VALUES (?, ?, ?, ?, ?)",
                (item.kind.value, item.key, item.reason, item.remote_id, _iso(item.at)),
            )
            db.execute(
                "DELETE FROM written WHERE kind = ? AND key = ?", (item.kind.value, item.key)
            )

    @_guarded
    def save_cursors(self, cursors: Mapping[str, str], now: datetime) -> None:
        if not cursors:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO cursors (name, value, saved_at) VALUES (?, ?, ?)",
                [(name, value, _iso(now)) for name, value in cursors.items()],
            )

    @_guarded
    def record_pass(self, summary: Mapping[str, Any]) -> None:
        """Remember the last pass (for `followup status`) and trim old journal rows."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO meta (name, value) VALUES ('last_pass', ?)",
                (json.dumps(summary, sort_keys=True),),
            )
            db.execute(
                "DELETE FROM journal WHERE settled_at IS NOT NULL AND id <= "
                "(SELECT max(id) FROM journal) - ?",
                (JOURNAL_KEEP,),
            )

    @staticmethod
    def _settle(db: sqlite3.Connection, intent_id: int | None, outcome: str, now: datetime) -> None:
        if intent_id is not None:
            db.execute(
                "UPDATE journal SET settled_at = ?, outcome = ? WHERE id = ?",
                (_iso(now), outcome, intent_id),
            )
