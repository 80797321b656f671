"""One pass, in process: level-triggered, idempotent, respectful of the user, crash-safe.

The crash variant here injects a "kill" (a BaseException nothing catches) before or after
a remote write at random points of many passes; tests/e2e/test_sync.py does the same with
SIGKILL against the real command.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from connectors.base import Reminder
from daemon.config import Config, load_config
from daemon.diff import Create, EmptiedError, Leave, Tombstone
from daemon.items import Kind, Op
from daemon.observer import Observer
from daemon.reconcile import PlanCache, Summary, TransientError, run_pass
from daemon.sinks import Sinks, build_sinks
from daemon.state import State
from policy.planner import plan as make_plan
from tests.daemon.fakes import FixedObserver, Killed, MemorySink
from tests.daemon.scenario import MOMENTS, build

MOMENT = [datetime.fromisoformat(m) for m in MOMENTS]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("scenario"), interviews=16)


@pytest.fixture
def config(scenario: Path, tmp_path: Path) -> Config:
    loaded = load_config(scenario)
    return replace(
        loaded,
        state_path=tmp_path / "state.sqlite",
        reminders_path=tmp_path / "reminders.ics",
        drafts_path=tmp_path / "drafts",
    )


@pytest.fixture
def state(config: Config) -> Iterator[State]:
    with State.open(config.state_path) as opened:
        yield opened


def memory_sinks() -> tuple[Sinks, MemorySink, MemorySink]:
    reminders, drafts = MemorySink(), MemorySink()
    return Sinks(reminders=reminders, drafts=drafts), reminders, drafts


def one_pass(
    config: Config,
    sinks: Sinks,
    state: State,
    now: datetime,
    observer: Observer | FixedObserver | None = None,
    **options: object,
) -> Summary:
    return run_pass(
        observer=observer or Observer(config, cache=False),
        sinks=sinks,
        state=state,
        settings=config.settings,
        now=now,
        **options,  # type: ignore[arg-type]
    )


def writes(summary: Summary) -> int:
    return summary.writes()


def test_a_second_pass_with_nothing_changed_writes_nothing(config: Config, state: State) -> None:
    sinks, reminders, drafts = memory_sinks()
    first = one_pass(config, sinks, state, MOMENT[2])
    assert writes(first) > 20
    before = (reminders.writes, drafts.writes)
    second = one_pass(config, sinks, state, MOMENT[2] + timedelta(seconds=1))
    assert writes(second) == 0
    assert (reminders.writes, drafts.writes) == before
    assert all(isinstance(op, Leave) for op in second.operations)


def test_the_same_with_the_local_files(config: Config, state: State) -> None:
    sinks = build_sinks(config)
    assert writes(one_pass(config, sinks, state, MOMENT[1])) > 20
    ics = config.reminders_path.read_bytes()  # type: ignore[union-attr]
    drafts = sorted(p.name for p in config.drafts_path.glob("*/*"))  # type: ignore[union-attr]
    again = one_pass(config, build_sinks(config), state, MOMENT[1])
    assert writes(again) == 0
    assert config.reminders_path.read_bytes() == ics  # type: ignore[union-attr]
    assert sorted(p.name for p in config.drafts_path.glob("*/*")) == drafts  # type: ignore[union-attr]


def test_a_dry_run_changes_nothing_not_even_the_state(config: Config, state: State) -> None:
    sinks, reminders, drafts = memory_sinks()
    one_pass(config, sinks, state, MOMENT[0])
    ledger = state.ledger()
    journal = state.history(limit=10_000)
    made = (reminders.writes, drafts.writes)
    summary = one_pass(config, sinks, state, MOMENT[2], dry_run=True)
    assert any(not isinstance(op, Leave) for op in summary.operations)
    assert summary.applied == ()
    assert (reminders.writes, drafts.writes) == made
    assert state.ledger() == ledger
    assert state.history(limit=10_000) == journal


def test_plan_changes_move_and_remove_but_never_touch_the_users_items(
    config: Config, state: State
) -> None:
    sinks, reminders, drafts = memory_sinks()
    one_pass(config, sinks, state, MOMENT[2])
    edited_draft, deleted_draft, *_ = drafts.key_list()
    edited_reminder, deleted_reminder, *_ = reminders.key_list()
    drafts.user_edit(edited_draft, body="My own words")
    drafts.user_delete(deleted_draft)  # e.g. sent
    reminders.user_edit(edited_reminder, title="Mine")
    reminders.user_delete(deleted_reminder)
    for now in (MOMENT[0], MOMENT[3], MOMENT[1], MOMENT[2]):
        summary = one_pass(config, sinks, state, now)
        for op in summary.applied:
            if op.key in (edited_draft, deleted_draft) and op.kind is Kind.DRAFT:
                assert isinstance(op, (Tombstone, Leave)), op
            if op.key in (edited_reminder, deleted_reminder) and op.kind is Kind.REMINDER:
                assert isinstance(op, (Tombstone, Leave)), op
    assert deleted_draft not in drafts.key_list()
    assert deleted_reminder not in reminders.key_list()
    assert any(
        i.key == edited_draft and i.content["body"] == "My own words" for i in drafts.items.values()
    )
    assert any(
        i.key == edited_reminder and i.content["title"] == "Mine" for i in reminders.items.values()
    )
    tombstoned = {key for _, key in state.tombstones()}
    assert tombstoned == {edited_draft, deleted_draft, edited_reminder, deleted_reminder}


def test_a_network_outage_loses_nothing_and_recovers(config: Config, state: State) -> None:
    sinks, reminders, drafts = memory_sinks()
    one_pass(config, sinks, state, MOMENT[0])
    # down for the whole pass: nothing read, nothing changed
    drafts.down = True
    with pytest.raises(TransientError, match="ConnectionRefusedError"):
        one_pass(config, sinks, state, MOMENT[2])
    drafts.down = False
    # the connection drops mid-pass, after the server made the write: the answer is lost
    drafts.fail("after", ConnectionResetError("connection reset by peer"))
    stopped = one_pass(config, sinks, state, MOMENT[2])
    assert "ConnectionResetError" in stopped.stopped
    assert stopped.pending
    assert len(state.open_intents()) == 1
    recovered = one_pass(config, sinks, state, MOMENT[2])
    assert not recovered.stopped
    assert [s.outcome for s in recovered.settlements] == ["created (settled)"]
    assert state.open_intents() == ()
    assert len(drafts.key_list()) == len(set(drafts.key_list()))
    assert writes(one_pass(config, sinks, state, MOMENT[2])) == 0
    assert state.tombstones() == {}


def test_the_machines_zone_changes_nothing(
    config: Config, state: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    sinks = build_sinks(config)
    one_pass(config, sinks, state, MOMENT[2])
    for zone in ("Asia/Tokyo", "America/Los_Angeles", "UTC"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        try:
            fresh = replace(config, settings=load_config(config.path).settings)
            again = one_pass(fresh, build_sinks(fresh), state, MOMENT[2])
            assert writes(again) == 0, zone
        finally:
            monkeypatch.undo()
            time.tzset()


def test_an_emptied_reminders_file_stops_the_pass_until_forced(
    config: Config, state: State
) -> None:
    one_pass(config, build_sinks(config), state, MOMENT[2])
    before = set(build_sinks(config).reminders.find_all())
    config.reminders_path.unlink()  # type: ignore[union-attr]
    with pytest.raises(EmptiedError, match="reminders.ics: none of the") as refused:
        one_pass(config, build_sinks(config), state, MOMENT[2])
    assert "--force` writes again what the plan wants" in str(refused.value)
    forced = one_pass(config, build_sinks(config), state, MOMENT[2], force=True)
    assert not any(isinstance(op, Tombstone) for op in forced.applied)
    # the plan's reminders are back, and stay ours: the next pass writes nothing
    assert set(build_sinks(config).reminders.find_all()) == before
    assert writes(one_pass(config, build_sinks(config), state, MOMENT[2])) == 0
    assert not state.tombstones()


def test_a_calendar_emptied_by_mistake_removes_nothing(config: Config, state: State) -> None:
    sinks, reminders, _ = memory_sinks()
    one_pass(config, sinks, state, MOMENT[2])
    count = len(reminders.key_list())
    empty = Observer(config, cache=False).observe()
    empty = replace(empty, events=())
    with pytest.raises(EmptiedError, match="no interviews"):
        one_pass(config, sinks, state, MOMENT[2], observer=FixedObserver(empty))
    assert len(reminders.key_list()) == count


def test_a_stop_request_finishes_the_write_in_flight_and_loses_nothing(
    config: Config, state: State
) -> None:
    sinks, reminders, drafts = memory_sinks()
    calls = {"n": 0}

    def stop_after_three() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    summary = one_pass(config, sinks, state, MOMENT[2], should_stop=stop_after_three)
    assert summary.stopped == "asked to stop"
    assert len(summary.applied) == 3
    assert state.open_intents() == ()
    rest = one_pass(config, sinks, state, MOMENT[2])
    assert not rest.stopped
    assert writes(one_pass(config, sinks, state, MOMENT[2])) == 0


@pytest.mark.parametrize("seed", range(6))
def test_killed_at_random_writes_nothing_is_duplicated_or_lost(
    config: Config, state: State, seed: int
) -> None:
    """Fault injection: each pass dies before or after one of its writes; user edits and
    deletions happen in between. A clean pass then applies the plan in full."""
    rng = random.Random(seed)
    sinks, reminders, drafts = memory_sinks()
    edited: dict[tuple[Kind, str], str] = {}
    deleted: set[tuple[Kind, str]] = set()
    kills = 0
    for _ in range(40):
        now = rng.choice(MOMENT)
        sink = rng.choice((reminders, drafts))
        sink.faults = [(rng.choice(("before", "after")), Killed())]
        skip = rng.randint(0, 12)  # let that many writes through first
        original_fault = sink._fault
        seen = {"n": 0}

        def counting(
            when: str, sink: MemorySink = sink, seen: dict[str, int] = seen, skip: int = skip
        ) -> None:
            if when == "before":
                seen["n"] += 1
            if seen["n"] > skip:
                MemorySink._fault(sink, when)

        sink._fault = counting  # type: ignore[method-assign]
        try:
            one_pass(config, sinks, state, now)
        except Killed:
            kills += 1
        finally:
            sink._fault = original_fault  # type: ignore[method-assign]
            sink.faults = []
        # the user, between passes: edits and deletes what followup recorded
        recorded = sorted(state.written())
        if recorded and rng.random() < 0.3:
            kind, key = rng.choice(recorded)
            target = reminders if kind is Kind.REMINDER else drafts
            if rng.random() < 0.5:
                field = "title" if kind is Kind.REMINDER else "body"
                target.user_edit(key, **{field: f"edited {seed}"})
                edited[(kind, key)] = f"edited {seed}"
            else:
                target.user_delete(key)
                deleted.add((kind, key))
                edited.pop((kind, key), None)
        for target in (reminders, drafts):
            assert len(target.key_list()) == len(set(target.key_list())), "a duplicate"
    assert kills >= 10
    final = one_pass(config, sinks, state, MOMENT[2])
    assert not final.stopped
    assert writes(one_pass(config, sinks, state, MOMENT[2])) == 0
    # 0 lost edits, deletions respected
    for (kind, key), marker in edited.items():
        target = reminders if kind is Kind.REMINDER else drafts
        field = "title" if kind is Kind.REMINDER else "body"
        assert [i.content[field] for i in target.items.values() if i.key == key] == [marker]
    for kind, key in deleted:
        target = reminders if kind is Kind.REMINDER else drafts
        assert key not in target.key_list()
    # only the user's doing is tombstoned: no crash was mistaken for an edit
    assert set(state.tombstones()) <= set(edited) | deleted
    # the plan fully applied
    for op in final.operations:
        if isinstance(op, Leave):
            assert op.reason in ("up to date", "done after it fell due: kept as history") or (
                (op.kind, op.key) in set(edited) | deleted
            ), op


def test_the_plan_cache_gives_the_planners_answer(config: Config) -> None:
    observation = Observer(config, cache=False).observe()
    cache = PlanCache()
    rng = random.Random(7)
    start = MOMENT[0] - timedelta(days=3)
    moments = [start + timedelta(minutes=rng.randint(0, 60 * 24 * 45)) for _ in range(60)]
    moments += [MOMENT[2] + timedelta(seconds=s) for s in range(5)]
    reused = 0
    for now in moments:
        cached = cache.plan(observation, config.settings, now, ())
        fresh = make_plan(observation.events, observation.threads, config.settings, now)
        assert cached == fresh, now
        reused += cached is not fresh
    assert reused >= 4


def test_a_clock_stepping_back_and_forward_rewrites_nothing(config: Config, state: State) -> None:
    """Issue 10.9: drafts already written are not deleted and written again, and no extra
    history reminders are left behind when the clock steps back and comes forward."""
    sinks = build_sinks(config)
    now = MOMENT[2]
    one_pass(config, sinks, state, now)
    drafts_before = sorted(p.name for p in (config.drafts_path / "cur").iterdir())  # type: ignore[operator]
    assert drafts_before
    reminders_before = set(sinks.reminders.find_all())
    for moment in (now - timedelta(hours=20), now - timedelta(hours=2), now):
        summary = one_pass(config, build_sinks(config), state, moment)
        kinds = {(type(op).__name__, op.kind) for op in summary.applied}
        assert ("Delete", Kind.DRAFT) not in kinds and ("Create", Kind.DRAFT) not in kinds
        assert not any(isinstance(op, Tombstone) for op in summary.applied)
    assert sorted(p.name for p in (config.drafts_path / "cur").iterdir()) == drafts_before  # type: ignore[operator]
    assert set(build_sinks(config).reminders.find_all()) == reminders_before
    assert writes(one_pass(config, build_sinks(config), state, now)) == 0
    # a step back of days is taken as the truth: the earlier clock was wrong
    assert one_pass(config, build_sinks(config), state, now - timedelta(days=3)).now == (
        now - timedelta(days=3)
    )


def test_a_reminder_for_an_overdue_action_starts_soon_after_the_pass(
    config: Config, state: State
) -> None:
    sinks, reminders, _ = memory_sinks()
    now = MOMENT[2]
    summary = one_pass(config, sinks, state, now)
    overdue = [
        action
        for app in summary.plan.applications
        for action in app.actions
        if action.status.value == "pending" and action.due_at < now
    ]
    assert overdue
    for action in overdue:
        (item,) = [i for i in reminders.items.values() if i.key == action.key]
        starts = datetime.fromtimestamp(item.content["at"], tz=now.tzinfo)
        assert now < starts <= now + timedelta(minutes=3)
    later = one_pass(config, sinks, state, now + timedelta(hours=1))
    assert writes(later) == 0  # placed once, not chased by every pass


def test_an_overdue_reminder_settled_from_a_killed_pass_is_placed_once(
    config: Config, state: State
) -> None:
    """A pass at a later moment, with another plan, moved an overdue reminder and was killed
    before recording it. The next pass settles that write and follows its own plan; the
    one after writes nothing (it once moved the reminder again, on every second pass)."""
    sinks, reminders, _ = memory_sinks()
    first = one_pass(config, sinks, state, MOMENT[1])
    overdue = [
        op.item
        for op in first.applied
        if isinstance(op, Create)
        and isinstance(op.item, Reminder)
        and op.item.starts_at > MOMENT[1]
        and op.item.starts_at <= MOMENT[1] + timedelta(minutes=3)
    ]
    assert overdue
    for item in overdue:
        moved = replace(item, starts_at=MOMENT[3] + timedelta(minutes=2), text="another plan")
        found = reminders.find_all()[item.key]
        state.begin(
            kind=Kind.REMINDER,
            key=item.key,
            op=Op.UPDATE,
            content_hash=reminders.content_hash(moved),
            remote_id=found.remote_id,
            now=MOMENT[3],
        )
        reminders.update(found, moved)  # made; the pass died before it was recorded
    settled = one_pass(config, sinks, state, MOMENT[2])
    assert {s.outcome for s in settled.settlements} == {"updated (settled)"}
    assert state.open_intents() == ()
    again = one_pass(config, sinks, state, MOMENT[2])
    assert writes(again) == 0, [op for op in again.operations if not isinstance(op, Leave)]


def test_a_draft_that_cannot_be_a_valid_message_is_skipped_alone(
    config: Config, state: State, caplog: pytest.LogCaptureFixture
) -> None:
    """A hostile address (a line break in it) refuses that one draft in one line; every
    other reminder and draft is written."""
    from policy.models import Attendee, CalendarEvent, Person

    observed = Observer(config, cache=False).observe()
    start = MOMENT[2] - timedelta(days=1)
    hostile = CalendarEvent(
        event_id="evil-1",
        title="Interview with Evil Corp",
        start_at=start,
        end_at=start + timedelta(hours=1),
        organizer=Person(email="pat@evil.example\nbcc: x@evil.example", name="Pat"),
        attendees=(Attendee(email="alex@example.com", response="accepted"),),
    )
    observer = FixedObserver(replace(observed, events=(*observed.events, hostile)))
    summary = one_pass(config, build_sinks(config), state, MOMENT[2], observer=observer)
    assert not summary.stopped
    assert "evil-1/thank_you" in build_sinks(config).reminders.find_all()
    refused = [r for r in caplog.records if "evil-1/thank_you" in r.getMessage()]
    assert refused and all("\n" not in r.getMessage() for r in refused)
    assert not any("evil.example" in r.getMessage() for r in caplog.records)
    drafts = list((config.drafts_path / "cur").iterdir())  # type: ignore[operator]
    assert drafts and not any(b"evil" in p.read_bytes() for p in drafts)
