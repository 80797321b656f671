"""The commands for people: init, mark, explain, status, run; read-only ones stay read-only."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from daemon.config import load_config
from daemon.state import State
from policy.models import MarkKind
from tests.conftest import ROOT, followup_command

NOW = "2026-12-10T12:00:00-05:00"


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*followup_command(), *args], capture_output=True, text=True, timeout=timeout
    )


def one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The bundled example, copied so its outputs land in the test's folder."""
    for name in ("calendar.ics", "mail.mbox", "config.toml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    return tmp_path / "config.toml"


def test_plan_status_and_explain_never_create_the_state(example: Path) -> None:
    for args in (
        ("plan", "--json"),
        ("status",),
        ("explain", "acme-1"),
        ("sync", "--once", "--dry-run"),
    ):
        done = run(*args, "--config", str(example), "--now", NOW)
        assert done.returncode == 0, done.stderr
    assert not (example.parent / "out").exists()


def test_local_outputs_default_to_the_user_data_folder(tmp_path: Path, example: Path) -> None:
    """Issue 13: with no reminders_path or drafts_path, they go to the per-user data folder
    (XDG_DATA_HOME on Linux), never beside the config."""
    text = example.read_text().replace('reminders_path = "out/reminders.ics"\n', "")
    example.write_text(text.replace('drafts_path = "out/drafts"\n', ""))
    data = tmp_path / "data"
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    done = subprocess.run(
        [*followup_command(), "sync", "--once", "--config", str(example), "--now", NOW],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (data / "followup" / "reminders.ics").is_file()
    assert list((data / "followup" / "drafts").glob("*/*"))
    assert not (example.parent / "reminders.ics").exists()


def test_marks_are_validated_and_stored(example: Path) -> None:
    config = load_config(example)
    base = ("--config", str(example), "--now", NOW)
    one_line_error(run("mark", "nobody-9", "stop", *base), "no interview matches 'nobody-9'")
    one_line_error(
        run("mark", "acme-1", "timeline", "whenever", *base), "'whenever' is not a timeline"
    )
    one_line_error(run("mark", "acme-1", "culture", "corporate", *base), "'paper' or 'tech'")
    assert not config.state_path.exists()
    assert run("mark", "acme-1", "timeline", "3", "weeks", *base).returncode == 0
    assert run("mark", "dunder", "done", *base).returncode == 0  # the handwritten thank-you
    assert run("mark", "Globex", "culture", "paper", *base).returncode == 0
    with State.open(config.state_path) as state:
        marks = [(m.interview_id, m.kind, m.value) for m in state.marks()]
    assert marks == [
        ("acme-1", MarkKind.TIMELINE, "3 weeks"),
        ("dunder-1", MarkKind.DONE, "thank_you"),
        ("globex-1", MarkKind.CULTURE, "paper"),
    ]
    plan = run("plan", "--json", *base)
    assert '"source": "user"' in plan.stdout  # the timeline mark wins
    explained = run("explain", "acme-1", *base)
    assert "timeline 3 weeks" in explained.stdout


def test_status_and_explain_tell_what_was_written_and_what_waits(example: Path) -> None:
    base = ("--config", str(example), "--now", NOW)
    assert run("sync", "--once", *base).returncode == 0
    status = run("status", *base)
    assert status.returncode == 0, status.stderr
    assert "Written and kept up to date: 12 reminders, 3 drafts" in status.stdout
    assert "Waiting on you:" in status.stdout
    assert "followup mark dunder-1 done" in status.stdout
    explained = run("explain", "initech", *base)
    assert explained.returncode == 0, explained.stderr
    assert "follow-up 2: pending" in explained.stdout
    assert "draft written" in explained.stdout and "reminder written" in explained.stdout
    assert "why:" in explained.stdout


def test_one_daemon_per_state_and_sigterm_stops_it(example: Path) -> None:
    config = load_config(example)
    daemon = subprocess.Popen(
        [*followup_command(), "run", "--config", str(example)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not config.state_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        second = run("run", "--config", str(example))
        one_line_error(second, "another followup is already running", f"pid {daemon.pid}")
        by_hand = run("sync", "--once", "--config", str(example))
        one_line_error(by_hand, "already running")
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert daemon.returncode == 0, stderr
    assert "INFO daemon.reconcile: pass done" in stderr
    assert "SIGTERM: finishing the write in flight" in stderr
    assert "Traceback" not in stderr
    # journald-friendly: level, logger, message; no bodies or subjects
    assert all(
        line.split(" ", 1)[0] in ("INFO", "WARNING", "DEBUG") for line in stderr.splitlines()
    )
    assert "Thank you" not in stderr and "@" not in stderr.replace(str(example.parent), "")


def test_mark_done_says_which_action_refuses_one_not_due_and_unmark_undoes(
    example: Path,
) -> None:
    base = ("--config", str(example), "--now", NOW)
    done = run("mark", "globex", "done", *base)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("marked globex-1 (Globex) done: thank-you ")
    # The next action of Globex is now follow-up 1, due tomorrow: not done by accident.
    one_line_error(
        run("mark", "globex", "done", *base),
        "mark globex-1 done: follow-up 1 is not due until Fri 11 Dec 09:30 EST",
        "--early",
    )
    assert run("mark", "globex", "done", "--early", *base).returncode == 0
    assert run("mark", "globex", "culture", "paper", *base).returncode == 0

    undone = run("unmark", "globex", "done", "thank-you", *base)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.startswith("unmarked globex-1 (Globex) done: thank-you (marked Thu 10")
    assert run("unmark", "globex-1", *base).returncode == 0  # the latest: the culture
    with State.open(load_config(example).state_path) as state:
        left = [(m.kind, m.value) for m in state.marks()]
    assert left == [(MarkKind.DONE, "follow_up:1")]
    one_line_error(run("unmark", "globex", "stop", *base), "no stop mark to remove")


def test_manners_zone_on_every_time_overdue_since_would_create(example: Path) -> None:
    """Issue 13: a time names its zone, a passed due date says since when, a dry run says
    "would create", the sync header is in the user's zone even without --now."""
    base = ("--config", str(example), "--now", NOW)
    status = subprocess.run(
        [*followup_command(), "status", *base],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert "overdue since Wed 09 Dec" in status.stdout
    assert "(now)" not in status.stdout
    assert "13:00 EST" in status.stdout
    dry = run("sync", "--once", "--dry-run", *base)
    assert dry.stdout.splitlines()[0] == "followup sync as of Thu 10 Dec 2026 12:00 EST (dry run)"
    assert "would create 3 drafts and 12 reminders" in dry.stdout
    real = run("sync", "--once", "--dry-run", "--config", str(example))
    zone = load_config(example).settings.timezone
    assert real.stdout.splitlines()[0].endswith(datetime.now(zone).strftime("%Z (dry run)"))
    assert run("sync", "--once", *base).returncode == 0
    again = run("sync", "--once", "-v", *base)
    assert "  left as they are: 15 up to date" in again.stdout
    assert "unchanged" not in again.stdout


def test_explain_puts_the_most_useful_why_line_first(example: Path) -> None:
    """Issue 13: the first why line answers "why closed?" or "why due then?"; the rest
    follow, every one of them."""

    def why_section(interview: str) -> list[str]:
        done = run("explain", interview, "--config", str(example), "--now", NOW)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        start, end = lines.index("why:"), lines.index("actions:")
        return [line.removeprefix("  - ") for line in lines[start + 1 : end]]

    rejected = why_section("umbrella-1")
    assert rejected[0].startswith("decision: rejected in a reply of")
    assert rejected[1].startswith("interview: ")
    away = why_section("hooli-1")
    assert away[0].startswith("auto-reply: away until")
    assert sum(line.startswith("auto-reply") for line in away) == 1
    stated = why_section("acme-1")
    assert stated[0].startswith("timeline: 'within 2 weeks' in the interview's notes")
    assert "mail: 1 thread with the recruiter side" in stated  # not "1 thread(s)"


def test_explain_times_read_as_status_shows_them(example: Path) -> None:
    """Issue 13: explain names the zone, gives a year only outside this year, says "overdue
    since" for a pending action whose time has passed, and one day once for the interview."""
    done = run("explain", "initech", "--config", str(example), "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert "  when      Mon 23 Nov 13:00–14:00 EST" in done.stdout
    assert "follow-up 2: pending, overdue since Wed 09 Dec  [" in done.stdout
    assert "follow-up 1: done, due Tue 01 Dec 09:30 EST  [" in done.stdout
    later = run("explain", "stark", "--config", str(example), "--now", "2027-01-10T12:00:00-05:00")
    assert "  when      Mon 14 Dec 2026 15:00–15:30 EST" in later.stdout
