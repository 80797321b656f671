"""`followup sync --once` through the real command (INTERFACE.md), and the crash test.

The crash tests (machinery in tests/e2e/crashing.py), against the local files and against
the fake Google: the command runs on generated data with many actions, alternating between
moments whose plans differ (so every pass has writes to make), and is SIGKILLed at random
instants drawn from the measured duration of a pass, on a seeded schedule, at least 200
times each (two workers in parallel). Between runs the "user" edits and deletes items.
Afterwards one clean pass must leave: 0 duplicate drafts, 0 duplicate reminders, 0 lost
user edits, no deleted item back, nothing tombstoned that the user did not touch, and the
plan fully applied (a further pass writes nothing).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.conftest import sync_once as sync
from tests.daemon.scenario import ME
from tests.e2e.crashing import (
    GoogleWorker,
    LocalWorker,
    Worker,
    block,
    draft_key,
    read,
    replace_file,
)

NOW = "2026-12-10T12:00:00-05:00"
LATER = "2026-12-17T12:00:00-05:00"
KILLS = 200
WORKERS = 2


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every output file and its bytes (the state file aside)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "state.sqlite" not in path.name
    }


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for name in ("calendar.ics", "mail.mbox", "config.toml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    return tmp_path / "config.toml"


def test_a_second_pass_with_nothing_changed_writes_nothing(example: Path) -> None:
    first = sync(example, NOW)
    assert first.returncode == 0, first.stderr
    assert "12 reminders created" in first.stdout and "3 drafts created" in first.stdout
    out = example.parent / "out"
    before = snapshot(out)
    second = sync(example, NOW)
    assert second.returncode == 0, second.stderr
    assert "nothing to write" in second.stdout
    assert snapshot(out) == before


def test_a_dry_run_writes_nothing(example: Path) -> None:
    dry = sync(example, NOW, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would create reminder acme-1/follow_up/1" in dry.stdout
    assert not (example.parent / "out").exists()
    assert sync(example, NOW).returncode == 0
    out = example.parent / "out"
    before = snapshot(out)
    state = (out / "state.sqlite").read_bytes()
    later = sync(example, LATER, "--dry-run")
    assert "would create draft" in later.stdout
    assert snapshot(out) == before
    assert (out / "state.sqlite").read_bytes() == state


def test_user_edits_and_deletions_are_respected(example: Path) -> None:
    assert sync(example, NOW).returncode == 0
    out = example.parent / "out"
    reminders = out / "reminders.ics"
    # the user edits one reminder in their calendar program and deletes another
    text = read(reminders)
    edited = block(text, "acme-1/follow_up/1")
    text = text.replace(edited, edited.replace("SUMMARY:", "SUMMARY:Mine: ", 1))
    text = text.replace(block(text, "hooli-1/follow_up/1"), "")
    replace_file(reminders, text)
    # edits one draft and sends (deletes) another
    state = out / "state.sqlite"
    drafts = {draft_key(p, state): p for p in (out / "drafts" / "cur").iterdir()}
    edited_draft = drafts["globex-1/thank_you"]
    edited_draft.write_bytes(edited_draft.read_bytes() + b"\nP.S. my own words\n")
    drafts["soylent-2/thank_you"].unlink()
    # a week later the plan moved things along: nothing of the user's is touched
    later = sync(example, LATER)
    assert later.returncode == 0, later.stderr
    assert "left to the user reminder acme-1/follow_up/1: changed by the user" in later.stdout
    assert "left to the user reminder hooli-1/follow_up/1: deleted by the user" in later.stdout
    assert "left to the user draft soylent-2/thank_you: deleted or sent" in later.stdout
    text = read(reminders)
    assert "SUMMARY:Mine: " in block(text, "acme-1/follow_up/1")
    assert "X-FOLLOWUP-KEY:hooli-1/follow_up/1" not in text
    assert b"P.S. my own words" in edited_draft.read_bytes()
    keys = [draft_key(p, state) for p in (out / "drafts" / "cur").iterdir()]
    assert "soylent-2/thank_you" not in keys
    again = sync(example, LATER)
    assert "nothing to write" in again.stdout


# --- the crash test ---------------------------------------------------------------------


def _crash(workers: list[Worker]) -> str:
    threads = [threading.Thread(target=worker.run) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        assert not worker.failures, worker.failures
    assert sum(w.kills for w in workers) >= KILLS
    assert sum(w.in_flight for w in workers) >= KILLS // 20  # many hit a write in flight
    for worker in workers:
        assert worker.finish() == []
        assert worker.edited and worker.deleted  # the user did act
    return "; ".join(f"worker {w.seed}: {w.report()}" for w in workers)


@pytest.mark.crash
def test_killed_at_random_instants_local_files(tmp_path: Path) -> None:
    workers: list[Worker] = [
        LocalWorker(folder=tmp_path / f"w{n}", seed=1000 + n, kills_wanted=KILLS // WORKERS)
        for n in range(WORKERS)
    ]
    report = _crash(workers)
    print(f"crash test, local files: {report}; 0 duplicates, 0 lost edits, plan applied")


@pytest.mark.crash
def test_killed_at_random_instants_google(tmp_path: Path) -> None:
    from tests.fakegoogle import FakeGoogle

    with (
        FakeGoogle(email_address=ME, time_zone="America/New_York") as first,
        FakeGoogle(email_address=ME, time_zone="America/New_York") as second,
    ):
        workers: list[Worker] = [
            GoogleWorker(
                folder=tmp_path / f"g{n}",
                seed=2000 + n,
                kills_wanted=KILLS // WORKERS,
                fake=fake,
            )
            for n, fake in enumerate((first, second))
        ]
        report = _crash(workers)
    print(f"crash test, fake Google: {report}; 0 duplicates, 0 lost edits, plan applied")
