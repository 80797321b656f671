"""The reply reader's results kept in the mail index, so a recruiter message is read once."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, MutableMapping
from datetime import date
from pathlib import Path

import policy
from policy.models import Message, Outcome, Settings, Thread
from policy.rules import Reply

logger = logging.getLogger(__name__)


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
        # The store is closed by a finalizer, which runs in whichever thread drops it
        # last (the scheduler's worker, or the main thread at exit); one pass at a time
        # uses it, so the connection may be closed from another thread.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
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
            with contextlib.suppress(sqlite3.Error):
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
