"""The plan kept between processes (issue 12): `sync` keeps it beside the state, `plan`,
`status` and `explain` answer from it while nothing it depends on changed, and give the
same output as planning afresh (`--refresh`) whatever changed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import policy.planner as planner
from daemon.cli import main
from tests.daemon.test_mail_index import ICS, mail, write_mbox

T0 = "2026-12-03T12:00:00-05:00"


def age(*paths: Path) -> None:
    """Back-date files as if written a while ago (a stamp this young is not kept)."""
    past = time.time() - 60
    for path in paths:
        os.utime(path, (past, past))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "cal.ics").write_text(ICS)
    write_mbox(tmp_path / "mail.mbox", [mail(1, sender="alex@example.com"), mail(2, reply_to=1)])
    write_config(tmp_path, "")
    age(tmp_path / "cal.ics", tmp_path / "mail.mbox")
    return tmp_path


def write_config(folder: Path, policy: str) -> None:
    (folder / "config.toml").write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        '[calendar]\nsource = "ics"\npath = "cal.ics"\nreminders_path = "out.ics"\n'
        '[mail]\nsource = "mbox"\npath = "mail.mbox"\ndrafts_path = "drafts"\n'
        f'[daemon]\nstate_path = "state.sqlite"\n{policy}'
    )


class Plans:
    """Runs `plan --json` and counts how often the planner ran."""

    def __init__(
        self, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ):
        self.home, self.capsys, self.planned = home, capsys, 0
        original = planner.plan

        def counted(*args: object, **kwargs: object) -> object:
            self.planned += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(planner, "plan", counted)

    def run(self, *args: str, now: str = T0) -> str:
        self.capsys.readouterr()
        assert main([*args, "--config", str(self.home / "config.toml"), "--now", now]) == 0
        return self.capsys.readouterr().out

    def plan(self, now: str = T0) -> dict[str, object]:
        """The plan as `plan` answers it, checked equal to planning afresh."""
        kept = json.loads(self.run("plan", "--json", now=now))
        fresh = json.loads(self.run("plan", "--json", "--refresh", now=now))
        assert kept == fresh
        return kept


def test_after_sync_commands_answer_from_the_kept_plan(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans(home, monkeypatch, capsys)
    plans.run("sync", "--once")
    assert (home / "state.sqlite.plan").stat().st_mode & 0o777 == 0o600
    plans.planned = 0
    status = plans.run("status")
    plans.run("plan", "--json")
    plans.run("explain", "acme")
    assert plans.planned == 0  # none of them planned
    assert "Acme" in status
    assert plans.run("status", "--refresh") == status
    assert plans.planned == 1


def test_the_kept_plan_gives_way_to_each_of_its_inputs(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans(home, monkeypatch, capsys)
    plans.run("sync", "--once")
    first = plans.plan()
    kept = (home / "state.sqlite.plan").read_bytes()

    # A mark (in the state, not in any source).
    plans.run("mark", "acme-1", "timeline", "3 weeks")
    marked = plans.plan()
    assert marked != first

    # The config.
    write_config(home, "[policy]\nmax_followups = 0\n")
    configured = plans.plan()
    assert configured != marked

    # A new message (a rejection in the recruiter's thread).
    write_config(home, "")
    plans.run("unmark", "acme-1", "timeline")
    assert plans.plan() == first
    message = mail(3, reply_to=2)
    message.set_content("Unfortunately we have decided not to move forward with you.\n")
    write_mbox(home / "mail.mbox", [message])  # appended
    age(home / "mail.mbox")
    assert plans.plan() != first
    assert (home / "state.sqlite.plan").read_bytes() == kept  # plan writes nothing

    # Time passing the plan's stable_until: the same inputs, planned later.
    (home / "mail.mbox").unlink()
    write_mbox(home / "mail.mbox", [mail(1, sender="alex@example.com"), mail(2, reply_to=1)])
    age(home / "mail.mbox")
    plans.run("sync", "--once")
    planned = plans.planned
    assert plans.plan() == first and plans.planned == planned + 1  # only --refresh planned
    later = "2026-12-30T12:00:00-05:00"
    assert plans.plan(later) != first


def test_a_damaged_or_foreign_kept_plan_is_planned_afresh(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans(home, monkeypatch, capsys)
    plans.run("sync", "--once")
    first = plans.plan()
    for damage in (b"", b"followup-plan 1\nnot a pickle", b"something else entirely"):
        (home / "state.sqlite.plan").write_bytes(damage)
        assert plans.plan() == first


def test_a_source_written_as_it_was_stamped_is_not_kept(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = Plans(home, monkeypatch, capsys)
    # Written as the pass stamps it (here: a moment ahead of it, so the test does not
    # hang on the machine's speed): a same-size rewrite in that instant keeps the stamp.
    soon = time.time() + 5
    os.utime(home / "mail.mbox", (soon, soon))
    plans.run("sync", "--once")
    assert not (home / "state.sqlite.plan").exists()


def test_new_mail_plans_again_only_the_application_it_touches(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    second = ICS.replace("acme-1", "globex-1").replace("Acme", "Globex")
    second = second.replace("rita@acme.example", "sam@globex.example")
    event = second[second.index("BEGIN:VEVENT") : second.index("END:VCALENDAR")]
    (home / "cal.ics").write_text(ICS.replace("END:VCALENDAR", event + "END:VCALENDAR"))
    age(home / "cal.ics")
    plans = Plans(home, monkeypatch, capsys)
    plans.run("sync", "--once")
    applied: list[str] = []
    original = planner._application

    def counted(**kwargs: object) -> object:
        interview = kwargs["interview"]
        assert isinstance(interview, planner.Interview)
        applied.append(interview.interview_id)
        return original(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(planner, "_application", counted)

    message = mail(3, reply_to=2)
    message.set_content("Unfortunately we have decided not to move forward with you.\n")
    write_mbox(home / "mail.mbox", [message])
    age(home / "mail.mbox")
    plans.run("sync", "--once")
    assert applied == ["acme-1"]  # Globex's application reused
    applied.clear()
    kept = json.loads(plans.run("plan", "--json", now="2026-12-04T12:00:00-05:00"))
    assert applied == []  # a day later, neither application turned
    fresh = json.loads(plans.run("plan", "--json", "--refresh", now="2026-12-04T12:00:00-05:00"))
    assert kept == fresh and sorted(applied) == ["acme-1", "globex-1"]
    assert [a["outcome"] for a in kept["applications"]] == ["rejected", None]
    assert [a["company"] for a in kept["applications"]] == ["Acme", "Globex"]
