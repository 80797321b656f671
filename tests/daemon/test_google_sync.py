"""The same passes against the fake Google server: Calendar reminders and Gmail drafts.

Sources and sinks are the Google connectors on a fake at 127.0.0.1, built with a retry
policy that records its waits instead of sleeping; the daemon's code is the same as with
the local files. Skipped (with the reason) where the Google connectors are not installed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from connectors.errors import SourceError
from daemon.config import Config, load_config
from daemon.diff import Leave, Tombstone, is_write
from daemon.items import Kind
from daemon.observer import Observer
from daemon.reconcile import Summary, TransientError, run_pass
from daemon.sinks import Sinks
from daemon.state import State
from tests.daemon.fakes import Killed
from tests.daemon.scenario import ME, MOMENTS, load_into

MOMENT = [datetime.fromisoformat(m) for m in MOMENTS]
WRITES = {
    "calendar.events.insert",
    "calendar.events.patch",
    "calendar.events.update",
    "calendar.events.delete",
    "gmail.users.drafts.create",
    "gmail.users.drafts.update",
    "gmail.users.drafts.delete",
}

CONFIG = """\
[user]
email = "{me}"
name = "Alex Doe"
timezone = "America/New_York"

[calendar]
source = "google"

[mail]
source = "gmail"

[google]
token_path = "token.json"

[daemon]
state_path = "state.sqlite"
"""


@dataclass
class Google:
    fake: Any
    config: Config
    sinks: Sinks
    observer: Observer
    state: State
    sleeps: list[float]

    def sync(self, now: datetime, **options: Any) -> Summary:
        return run_pass(
            observer=self.observer,
            sinks=self.sinks,
            state=self.state,
            settings=self.config.settings,
            now=now,
            **options,
        )

    def writes(self) -> list[str]:
        return [c.api_method for c in self.fake.log.calls() if c.api_method in WRITES]


@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Google]:
    from connectors.google.api import connect
    from connectors.google.calendar import GoogleCalendar, GoogleReminders
    from connectors.google.gmail import Gmail, GmailDrafts
    from connectors.google.retry import RetryPolicy
    from tests.fakegoogle import FakeGoogle

    with FakeGoogle(email_address=ME, time_zone="America/New_York") as fake:
        monkeypatch.setenv("FOLLOWUP_GOOGLE_API_ROOT", fake.root_url)
        monkeypatch.setenv("FOLLOWUP_GOOGLE_TOKEN_URI", fake.token_uri)
        load_into(fake, interviews=10)
        (tmp_path / "token.json").write_text(json.dumps(fake.authorized_user_info()))
        (tmp_path / "token.json").chmod(0o600)
        (tmp_path / "config.toml").write_text(CONFIG.format(me=ME))
        config = load_config(tmp_path / "config.toml")
        sleeps: list[float] = []
        retry = RetryPolicy(sleep=sleeps.append, jitter=lambda: 1.0, tries=3)
        services = connect(config.google.token_path, timeout=2.0)
        zone = config.settings.timezone
        sinks = Sinks(
            reminders=GoogleReminders(services.calendar, "primary", retry=retry),
            drafts=GmailDrafts(
                services.gmail, me=ME, name="Alex Doe", retry=retry, own=services.own_writes
            ),
            where={Kind.REMINDER: "Google calendar primary", Kind.DRAFT: "Gmail drafts"},
            lazy_listing=True,  # as build_sinks makes them for Google
        )
        observer = Observer(
            config,
            calendar=GoogleCalendar(services.calendar, "primary", zone, retry=retry),
            mail=Gmail(services.gmail, zone, retry=retry, own=services.own_writes),
        )
        with State.open(config.state_path) as state:
            yield Google(fake, config, sinks, observer, state, sleeps)
        assert fake.internal_errors == []
        assert fake.log.calls("gmail.users.drafts.send") == []  # it never sends mail


def test_a_second_pass_with_nothing_changed_writes_nothing(google: Google) -> None:
    first = google.sync(MOMENT[2])
    assert first.writes() > 10 and not first.stopped
    assert {op.kind for op in first.applied} == {Kind.REMINDER, Kind.DRAFT}
    made = google.writes()
    second = google.sync(MOMENT[2] + timedelta(minutes=5))
    assert second.writes() == 0
    assert all(isinstance(op, Leave) for op in second.operations)
    assert google.writes() == made
    # the reminders written into the same calendar are never taken for interviews
    assert len(second.plan.applications) == 10


def test_a_poll_with_nothing_changed_costs_two_requests(google: Google) -> None:
    google.sync(MOMENT[2])
    google.sync(MOMENT[2] + timedelta(minutes=5))
    google.fake.log.clear()
    summary = google.sync(MOMENT[2] + timedelta(minutes=10))
    assert summary.writes() == 0
    assert google.fake.log.http_requests <= 2
    assert google.fake.log.quota_units(api="gmail") <= 5


def test_the_pass_right_after_writes_costs_two_requests(google: Google) -> None:
    google.sync(MOMENT[0])
    wrote = google.sync(MOMENT[2])  # drafts fall due: created in Gmail, reminders moved
    assert any(op.kind is Kind.DRAFT for op in wrote.applied)
    google.fake.log.clear()
    after = google.sync(MOMENT[2] + timedelta(minutes=5))
    assert after.writes() == 0
    assert google.fake.log.http_requests == 2  # events.list and history.list
    assert google.fake.log.quota_units(api="gmail") == 2
    assert google.fake.log.calls("gmail.users.threads.get") == []


def test_one_refused_write_does_not_block_the_others(google: Google) -> None:
    google.sync(MOMENT[0])
    google.fake.faults.add("gmail.users.drafts.create", status=400, times=1)
    summary = google.sync(MOMENT[2])
    created = [op for op in summary.applied if op.kind is Kind.DRAFT]
    assert not summary.stopped and len(created) >= 2
    assert len(google.fake.gmail.drafts) == len(created)
    again = google.sync(MOMENT[2] + timedelta(minutes=5))  # the refused one, tried again
    assert [op.kind for op in again.applied if is_write(op)] == [Kind.DRAFT]
    assert google.sync(MOMENT[2] + timedelta(minutes=10)).writes() == 0
    assert google.state.open_intents() == () and google.state.tombstones() == {}


def test_user_edits_and_deletions_are_respected(google: Google) -> None:
    google.sync(MOMENT[2])
    calendar, gmail = google.fake.calendar, google.fake.gmail
    reminders = google.sinks.reminders.find_all()
    drafts = google.sinks.drafts.find_all()
    (edit_r, delete_r), (edit_d, send_d) = sorted(reminders)[:2], sorted(drafts)[:2]
    calendar.user_edit("primary", reminders[edit_r].remote_id, summary="My own words")
    calendar.user_delete("primary", reminders[delete_r].remote_id)
    raw = EmailMessage()
    raw["To"] = "pat0@company0.example"
    raw["Subject"] = "My own subject"
    raw.set_content("My own words.\n")
    gmail.ui_drops_headers = True  # as Gmail's web and mobile apps rebuild a draft
    gmail.user_edit_draft(drafts[edit_d].remote_id, raw.as_bytes())
    gmail.send_draft(drafts[send_d].remote_id)
    for now in (MOMENT[3], MOMENT[0], MOMENT[2]):
        summary = google.sync(now)
        for op in summary.applied:
            if (op.kind, op.key) in {
                (Kind.REMINDER, edit_r),
                (Kind.REMINDER, delete_r),
                (Kind.DRAFT, edit_d),
                (Kind.DRAFT, send_d),
            }:
                assert isinstance(op, (Tombstone, Leave)), op
    assert calendar.event("primary", reminders[edit_r].remote_id)["summary"] == "My own words"
    assert delete_r not in google.sinks.reminders.find_all()
    assert send_d not in google.sinks.drafts.find_all()
    assert set(google.state.tombstones()) == {
        (Kind.REMINDER, edit_r),
        (Kind.REMINDER, delete_r),
        (Kind.DRAFT, edit_d),
        (Kind.DRAFT, send_d),
    }
    assert google.sync(MOMENT[2] + timedelta(minutes=1)).writes() == 0


def test_an_hour_without_network_loses_nothing_and_recovers(google: Google) -> None:
    google.sync(MOMENT[0])
    google.fake.refuse()
    for minutes in range(0, 60, 5):  # the daemon keeps polling through the outage
        with pytest.raises((TransientError, SourceError), match="refused|reset|connect"):
            google.sync(MOMENT[2] + timedelta(minutes=minutes))
    assert google.state.open_intents() == ()
    google.fake.accept()
    back = google.sync(MOMENT[2] + timedelta(hours=1))
    assert not back.stopped and back.writes() > 0
    assert google.sync(MOMENT[2] + timedelta(hours=1, minutes=5)).writes() == 0
    assert google.state.tombstones() == {}


def test_the_connection_drops_mid_pass_and_the_next_pass_settles(google: Google) -> None:
    google.sync(MOMENT[0])
    # every draft write fails at the connection after the server made it
    google.fake.faults.add("gmail.users.drafts.create", drop_connection=True, times=None)
    stopped = google.sync(MOMENT[2])
    assert stopped.stopped
    google.fake.faults.clear()
    recovered = google.sync(MOMENT[2])
    assert not recovered.stopped
    keys = [found.key for found in google.sinks.drafts.find_all().values()]
    assert len(keys) == len(set(keys))
    drafts = google.fake.gmail.drafts
    assert len(drafts) == len(google.sinks.drafts.find_all())  # no stray copies
    assert google.sync(MOMENT[2]).writes() == 0
    assert google.state.tombstones() == {}


class _Dying:
    """A sink that dies (Killed) before or after the n-th write it is asked for."""

    def __init__(self, sink: Any, when: str, at: int) -> None:
        self._sink, self._when, self._at, self._count = sink, when, at, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sink, name)

    def _write(self, name: str, *args: Any) -> Any:
        self._count += 1
        if self._count == self._at and self._when == "before":
            raise Killed
        result = getattr(self._sink, name)(*args)
        if self._count == self._at:
            raise Killed
        return result

    def create(self, *args: Any) -> Any:
        return self._write("create", *args)

    def update(self, *args: Any) -> Any:
        return self._write("update", *args)

    def delete(self, *args: Any) -> Any:
        return self._write("delete", *args)


def test_killed_mid_pass_against_google_nothing_duplicated_or_lost(google: Google) -> None:
    rng = random.Random(5)
    kills = 0
    plain = google.sinks
    for _ in range(30):
        kind = rng.choice(list(Kind))
        dying = _Dying(plain.of(kind), rng.choice(("before", "after")), rng.randint(1, 8))
        sinks = (
            replace(plain, reminders=dying)
            if kind is Kind.REMINDER
            else replace(plain, drafts=dying)
        )
        try:
            run_pass(
                observer=google.observer,
                sinks=sinks,
                state=google.state,
                settings=google.config.settings,
                now=rng.choice(MOMENT),
                plans=None,
            )
        except Killed:
            kills += 1
    assert kills >= 15
    final = google.sync(MOMENT[2])
    assert not final.stopped
    assert google.sync(MOMENT[2]).writes() == 0
    assert google.state.tombstones() == {}
    stored = [
        e["extendedProperties"]["private"]["followup_key"]
        for e in google.fake.calendar.events("primary")
        if "followup_key" in e.get("extendedProperties", {}).get("private", {})
    ]
    assert len(stored) == len(set(stored)) == len(google.sinks.reminders.find_all())
    assert len(google.fake.gmail.drafts) == len(google.sinks.drafts.find_all())


def test_a_first_sync_cut_short_resumes_in_the_next_process(google: Google) -> None:
    from connectors.google.api import connect
    from connectors.google.calendar import GoogleCalendar
    from connectors.google.gmail import Gmail
    from connectors.google.retry import RetryPolicy

    retry = RetryPolicy(sleep=lambda _: None, jitter=lambda: 1.0, tries=2)
    services = connect(google.config.google.token_path, timeout=2.0)
    zone = google.config.settings.timezone

    def observer(snapshots: dict[str, str] | None = None) -> Observer:
        return Observer(
            google.config,
            calendar=GoogleCalendar(services.calendar, "primary", zone, retry=retry),
            mail=Gmail(services.gmail, zone, retry=retry, fetch_chunk=3),
            snapshots=snapshots,
        )

    gets = [0]

    def after_six(req: Any) -> bool:
        gets[0] += req.api_method == "gmail.users.threads.get"
        return gets[0] > 6

    cut = google.fake.faults.add(after_six, status=503, times=None)
    first = observer()
    with pytest.raises(SourceError):
        run_pass(
            observer=first,
            sinks=google.sinks,
            state=google.state,
            settings=google.config.settings,
            now=MOMENT[2],
        )
    saved = google.state.cursors()
    assert json.loads(saved["source:mail"])["history_id"] is None  # a partial first sync
    google.fake.faults.remove(cut)
    google.fake.log.clear()
    second = observer(google.state.cursors())  # a new process, from the state
    summary = run_pass(
        observer=second,
        sinks=google.sinks,
        state=google.state,
        settings=google.config.settings,
        now=MOMENT[2],
    )
    assert not summary.stopped and summary.writes() > 0
    fetched = {c.path for c in google.fake.log.calls("gmail.users.threads.get")}
    held = second.mail.snapshot()["threads"]  # type: ignore[attr-defined]
    assert isinstance(held, dict) and len(held) > 6
    assert len(fetched) == len(held) - 6  # the six read before the cut were kept


def test_a_long_first_sync_is_saved_as_it_goes(
    google: Google, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kill during a first sync of many minutes costs at most a minute of it: the source
    # reports progress (at most once a minute; here every chunk) and the pass saves it.
    import connectors.google.gmail as gmail_module
    from connectors.google.api import connect
    from connectors.google.calendar import GoogleCalendar
    from connectors.google.gmail import Gmail
    from connectors.google.retry import RetryPolicy

    ticks = iter(range(0, 10**6, 61))
    monkeypatch.setattr(gmail_module.time, "monotonic", lambda: float(next(ticks)))
    retry = RetryPolicy(sleep=lambda _: None, jitter=lambda: 1.0)
    services = connect(google.config.google.token_path, timeout=2.0)
    zone = google.config.settings.timezone
    observer = Observer(
        google.config,
        calendar=GoogleCalendar(services.calendar, "primary", zone, retry=retry),
        mail=Gmail(services.gmail, zone, retry=retry, fetch_chunk=3),
    )
    saved: list[object] = []
    keep = google.state.save_cursors

    def spy(cursors: Any, now: datetime) -> None:
        saved.extend(json.loads(v)["history_id"] for k, v in cursors.items() if "mail" in k)
        keep(cursors, now)

    monkeypatch.setattr(google.state, "save_cursors", spy)
    summary = run_pass(
        observer=observer,
        sinks=google.sinks,
        state=google.state,
        settings=google.config.settings,
        now=MOMENT[2],
    )
    assert not summary.stopped
    assert saved[0] is None and saved[-1] is not None  # partial first, complete at the end
