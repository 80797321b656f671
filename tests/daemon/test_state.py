"""The SQLite state: schema versions, intents, records, tombstones, marks, cursors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon import state as state_module
from daemon.items import Kind, Op, Recorded, Tombstoned
from daemon.state import SCHEMA_VERSION, State, StateError
from policy.models import Mark, MarkKind

NOW = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)


def item(key: str = "acme-1/thank_you") -> Recorded:
    return Recorded(
        kind=Kind.DRAFT, key=key, remote_id="r1", content_hash="h", etag="e", written_at=NOW
    )


def test_a_new_state_is_at_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite"
    with State.open(path) as state:
        assert state.meta("schema_version") == str(SCHEMA_VERSION)
        assert state.written() == {} and state.tombstones() == {} and state.marks() == ()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_open_existing_never_creates(tmp_path: Path) -> None:
    assert State.open_existing(tmp_path / "state.sqlite") is None
    assert not (tmp_path / "state.sqlite").exists()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    State.open(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StateError, match="newer followup .*schema 99"):
        State.open(path)


def test_not_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    path.write_text("hello, not SQLite at all" * 100)
    with pytest.raises(StateError, match="not a usable followup state file"):
        State.open(path)
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(StateError, match="not followup's state"):
        State.open(other)


def test_migrations_run_from_an_older_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A v1 file gains a step added later; the steps are numbered, never edited."""
    path = tmp_path / "state.sqlite"
    with State.open(path) as state:
        state.record_written(None, item(), outcome="adopted")
    step = ("CREATE TABLE later (x TEXT)",)
    monkeypatch.setattr(state_module, "MIGRATIONS", (*state_module.MIGRATIONS, step))
    monkeypatch.setattr(state_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with State.open(path) as state:
        assert state.meta("schema_version") == str(SCHEMA_VERSION + 1)
        assert list(state.written()) == [(Kind.DRAFT, "acme-1/thank_you")]
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert "later" in tables


def test_an_intent_stays_open_until_settled(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        first = state.begin(
            kind=Kind.DRAFT, key="k", op=Op.CREATE, content_hash="h", remote_id="", now=NOW
        )
        (open_one,) = state.open_intents()
        assert (open_one.intent_id, open_one.op, open_one.key) == (first, Op.CREATE, "k")
    # another process (after a crash) sees it open
    with State.open(tmp_path / "s.sqlite") as state:
        assert [i.intent_id for i in state.open_intents()] == [first]
        state.record_written(first, item("k"), outcome="created")
        assert state.open_intents() == ()
        assert state.written()[(Kind.DRAFT, "k")].remote_id == "r1"
        assert state.history()[0]["outcome"] == "created"


def test_tombstone_replaces_the_record(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        state.record_written(None, item(), outcome="adopted")
        state.tombstone(
            Tombstoned(
                kind=Kind.DRAFT,
                key="acme-1/thank_you",
                reason="deleted or sent by the user",
                remote_id="r1",
                at=NOW,
            )
        )
        assert state.written() == {}
        assert state.tombstones()[(Kind.DRAFT, "acme-1/thank_you")].reason.startswith("deleted")


def test_marks_cursors_and_the_last_pass(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        state.add_mark(
            Mark(interview_id="acme-1", kind=MarkKind.TIMELINE, value="3 weeks", marked_at=NOW)
        )
        state.add_mark(Mark(interview_id="acme-1", kind=MarkKind.STOP, marked_at=NOW))
        state.save_cursors({"source:mail": '{"history": "12"}'}, NOW)
        state.record_pass({"at": NOW.isoformat(), "writes": 3})
        assert [m.kind for m in state.marks()] == [MarkKind.TIMELINE, MarkKind.STOP]
        assert state.marks()[0].marked_at == NOW
        assert state.cursors() == {"source:mail": '{"history": "12"}'}
        assert state.last_pass() == {"at": NOW.isoformat(), "writes": 3}


def test_a_failed_transaction_rolls_back(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        with pytest.raises(RuntimeError), state._transaction() as db:
            db.execute(
                "INSERT INTO marks (interview_id, kind, value, marked_at) "
                "VALUES ('a', 'stop', '', 'x')"
            )
            raise RuntimeError("boom")
        assert state.marks() == ()
