"""When the daemon runs a pass, as functions of `now`; and the real Daemon, briefly.

The decisions (`start`, `wake`, `after_pass`, `replan`, `fire_at`) are pure, so days of
laptop life (polls, due times, a 3-day sleep, clock steps, a DST change in New York) are
worked times in tables. `live` walks them the way the daemon does: wake at `fire_at`, or
later when the laptop slept. A few tests run the real Daemon on APScheduler for a fraction
of a second, bounded by a watchdog, to keep the wiring and the signals exercised.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from daemon.scheduler import (
    Cadence,
    Daemon,
    Timing,
    after_pass,
    default_jitter,
    fire_at,
    next_grid_point,
    replan,
    start,
    wake,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NY = ZoneInfo("America/New_York")
FIVE = Cadence(poll=timedelta(minutes=5), jitter=timedelta(0))
MIN = timedelta(minutes=1)


def at(minutes: float, *, days: int = 0) -> datetime:
    return T0 + timedelta(days=days, minutes=minutes)


def live(
    *,
    until: timedelta,
    cadence: Cadence = FIVE,
    begin: datetime = T0,
    due: Callable[[datetime], datetime | None] = lambda now: None,
    asleep: dict[int, timedelta] | None = None,
    jitter_fraction: float = 0.0,
) -> list[datetime]:
    """The passes from `begin` until `begin + until`; `asleep[n]` is how much longer than
    planned the n-th wait (counted from 1) lasts: a suspend, or a clock stepped forward."""
    asleep = asleep or {}
    begin = begin.astimezone(UTC)  # `begin + until` in a local zone would be wall-clock time
    now = begin
    timing = start(begin)
    passes: list[datetime] = []
    waits = 0
    while fire_at(timing) <= begin + until:
        if passes:
            waits += 1
        now = max(now, fire_at(timing)) + asleep.get(waits, timedelta(0))
        decision = wake(timing, now, cadence, jitter_fraction)
        timing = decision.timing
        if decision.run:
            passes.append(now)
            timing = after_pass(timing, due(now), now)
        timing = replan(timing, now, cadence)
    return passes


def once(moment: datetime) -> Callable[[datetime], datetime | None]:
    """A plan with one due time: returned until it has passed."""
    return lambda now: moment if now < moment else None


# -- days of laptop life, walked through the pure decisions --------------------------------


def test_a_pass_at_start_then_one_per_poll() -> None:
    assert live(until=31 * MIN) == [at(5 * n) for n in range(7)]


def test_a_pass_at_the_next_due_time_between_polls() -> None:
    passes = live(until=16 * MIN, due=once(at(7.5)))
    assert passes == [at(0), at(5), at(7.5), at(10), at(15)]


def test_a_three_day_sleep_gives_one_pass_on_waking_not_a_burst() -> None:
    # asleep during the third wait, from 09:10 to 09:15 + 3 days; a due time (21:00)
    # falls inside the sleep too, and must not add a pass
    passes = live(
        until=timedelta(days=3, minutes=60),
        due=once(at(12 * 60)),
        asleep={3: timedelta(days=3)},
    )
    woke = at(15, days=3)
    assert passes[:3] == [at(0), at(5), at(10)]
    assert passes[3] == woke  # one pass on waking, served for the poll and the due time
    # then back to one pass per poll, on the grid the daemon started with
    assert passes[3:9] == [woke + 5 * MIN * n for n in range(6)]
    assert len(passes) == 3 + 10


@pytest.mark.parametrize(
    ("late", "next_poll", "due_left"),
    [
        # late by; the grid's next point after waking (grid 09:00 + 5 min · n); the due
        # time (09:07:30) still to come, or None once the wake has served it
        (timedelta(seconds=1), at(10), at(7.5)),
        (timedelta(seconds=61), at(10), at(7.5)),
        (timedelta(hours=1), at(70), None),
        (timedelta(days=3, minutes=2), at(10, days=3), None),
    ],
)
def test_a_late_wake_is_one_pass_however_late(
    late: timedelta, next_poll: datetime, due_left: datetime | None
) -> None:
    """Coalescing and misfire grace in one: the missed polls (and a due time missed with
    them) give one pass, and the next poll is the grid's first point after waking."""
    timing = Timing(poll_at=at(5), due_at=at(7.5), last_started=at(0))
    woke = at(5) + late
    decision = wake(timing, woke, FIVE, 0.0)
    assert decision.run
    assert decision.timing.poll_at == next_poll
    assert decision.timing.due_at == due_left
    assert decision.timing.last_started == woke
    again = wake(decision.timing, woke, FIVE, 0.0)
    assert not again.run  # a second look at the same moment runs nothing


# -- one wake, worked times ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "timing", "now", "run", "poll_at", "due_at"),
    [
        (
            "the poll on time",
            Timing(poll_at=at(5), last_started=at(0)),
            at(5),
            "poll",
            at(10),
            None,
        ),
        (
            "a due time between polls leaves the grid alone",
            Timing(poll_at=at(10), due_at=at(7.5), last_started=at(5)),
            at(7.5),
            "due",
            at(10),
            None,
        ),
        (
            "a poll 30 s after a due pass adds nothing",
            Timing(poll_at=at(10), last_started=at(9.5)),
            at(10),
            "",
            at(15),
            None,
        ),
        (
            "a poll a minute after a pass runs",
            Timing(poll_at=at(10), last_started=at(9)),
            at(10),
            "poll",
            at(15),
            None,
        ),
        (
            "a due wake after a pass already ran past the due time",
            Timing(poll_at=at(10), due_at=at(7.5), last_started=at(7.6)),
            at(7.7),
            "",
            at(10),
            None,
        ),
        (
            "a wake before anything is due (the clock stepped back since)",
            Timing(poll_at=at(10), due_at=at(7.5), last_started=at(5)),
            at(6),
            "",
            at(10),
            at(7.5),
        ),
        (
            "a pass that seems to have started in the future (clock stepped back 1 h)",
            Timing(poll_at=at(10) - timedelta(hours=1), last_started=at(5)),
            at(10) - timedelta(hours=1),
            "poll",
            at(15) - timedelta(hours=1),
            None,
        ),
        (
            "the clock stepped forward 2 h: one pass, the grid moves past now",
            Timing(poll_at=at(10), last_started=at(5)),
            at(9) + timedelta(hours=2),
            "poll",
            at(10) + timedelta(hours=2),
            None,
        ),
    ],
)
def test_wake(
    case: str,
    timing: Timing,
    now: datetime,
    run: str,
    poll_at: datetime,
    due_at: datetime | None,
) -> None:
    decision = wake(timing, now, FIVE, 0.0)
    assert (decision.run, decision.why if decision.run else "") == (bool(run), run), case
    assert decision.timing.poll_at == poll_at, case
    assert decision.timing.due_at == due_at, case
    if decision.run:
        assert decision.timing.last_started == now
    else:
        assert decision.timing.last_started == timing.last_started


@pytest.mark.parametrize(
    ("case", "poll_at", "now", "expected"),
    [
        ("on time", at(10), at(5), at(10)),
        ("stepped forward: nothing to do, the wake is just late", at(10), at(65), at(10)),
        ("stepped back 1 h: the next poll is one poll from now", at(10), at(-50), at(-45)),
        ("stepped back less than a poll", at(10), at(6), at(10)),
    ],
)
def test_replan_bounds_the_wait_by_a_poll(
    case: str, poll_at: datetime, now: datetime, expected: datetime
) -> None:
    assert replan(Timing(poll_at=poll_at), now, FIVE).poll_at == expected, case


def test_a_clock_stepped_back_an_hour_keeps_polling() -> None:
    """Without `replan` the daemon would wait an hour of real time for 09:10 to come again;
    without ignoring the pass "from the future" it would skip polls until 09:05."""
    timing = wake(Timing(poll_at=at(5), last_started=at(0)), at(5), FIVE, 0.0).timing
    stepped = at(6) - timedelta(hours=1)  # 08:06
    timing = replan(timing, stepped, FIVE)
    assert fire_at(timing) == at(11) - timedelta(hours=1)
    decision = wake(timing, fire_at(timing), FIVE, 0.0)
    assert decision.run


def test_after_pass_keeps_only_a_future_due_time() -> None:
    timing = Timing(poll_at=at(10))
    assert after_pass(timing, at(7.5), at(5)).due_at == at(7.5)
    assert after_pass(timing, at(5), at(5)).due_at is None
    assert after_pass(timing, None, at(5)).due_at is None
    assert fire_at(after_pass(timing, at(7.5), at(5))) == at(7.5)
    assert fire_at(after_pass(timing, at(12), at(5))) == at(10)


def test_next_grid_point() -> None:
    poll = 5 * MIN
    assert next_grid_point(at(5), at(4), poll) == at(5)
    assert next_grid_point(at(5), at(5), poll) == at(10)
    assert next_grid_point(at(5), at(5, days=3), poll) == at(10, days=3)
    assert next_grid_point(at(5), at(7, days=3), poll) == at(10, days=3)


# -- jitter ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "seconds"), [(1, 6), (5, 30), (60, 30), (2, 12)])
def test_default_jitter_is_a_tenth_of_the_poll_at_most_30_s(minutes: int, seconds: int) -> None:
    assert default_jitter(timedelta(minutes=minutes)) == timedelta(seconds=seconds)


def test_jitter_moves_each_poll_but_not_the_grid() -> None:
    jittery = Cadence(poll=5 * MIN, jitter=timedelta(seconds=30))
    passes = live(until=21 * MIN, cadence=jittery, jitter_fraction=0.5)
    assert passes == [at(0)] + [at(5 * n) + timedelta(seconds=15) for n in range(1, 5)]
    timing = wake(Timing(poll_at=at(5)), at(5), jittery, 0.9).timing
    assert fire_at(timing) == at(10) + timedelta(seconds=27)


# -- a DST change in New York ----------------------------------------------------------------


def test_hourly_polls_across_the_fall_back_are_an_hour_of_real_time_apart() -> None:
    """2026-11-01: 01:59 EDT is followed by 01:00 EST. Local midnight to local midnight is
    25 hours; an hourly poll runs 25 times, not 24 (wall-clock arithmetic) or with a gap."""
    hourly = Cadence(poll=timedelta(hours=1), jitter=timedelta(0))
    midnight = datetime(2026, 11, 1, 0, 0, tzinfo=NY)
    next_midnight = datetime(2026, 11, 2, 0, 0, tzinfo=NY)
    day = next_midnight - midnight  # wall-clock arithmetic: 1 day
    real = next_midnight.astimezone(UTC) - midnight.astimezone(UTC)
    assert real == timedelta(hours=25)
    passes = live(until=real - timedelta(seconds=1), cadence=hourly, begin=midnight)
    assert len(passes) == 25 and day == timedelta(days=1)
    local = [moment.astimezone(NY) for moment in passes]
    assert [moment.strftime("%H:%M %Z") for moment in local[1:4]] == [
        "01:00 EDT",
        "01:00 EST",
        "02:00 EST",
    ]


def test_a_poll_across_the_spring_forward_is_one_real_hour() -> None:
    """2026-03-08: 01:59 EST is followed by 03:00 EDT; a New York `now` in, UTC out."""
    hourly = Cadence(poll=timedelta(hours=1), jitter=timedelta(0))
    before = datetime(2026, 3, 8, 1, 30, tzinfo=NY)
    timing = wake(start(before), before, hourly, 0.0).timing
    assert fire_at(timing) == datetime(2026, 3, 8, 3, 30, tzinfo=NY)
    assert fire_at(timing) - before.astimezone(UTC) == timedelta(hours=1)
    # a due time the plan gives in local time comes first when it is sooner in real time
    due = datetime(2026, 3, 8, 3, 15, tzinfo=NY)
    assert fire_at(after_pass(timing, due, before)) == due


# -- the real Daemon on APScheduler, briefly ---------------------------------------------


@contextmanager
def watchdog(daemon_stop: Callable[[], None], seconds: float = 20.0) -> Iterator[list[bool]]:
    """Stops a daemon that would otherwise run on; the test asserts it never had to."""
    fired: list[bool] = []

    def expire(*_: object) -> None:
        fired.append(True)
        daemon_stop()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_daemon_runs_a_pass_at_start_then_on_the_poll() -> None:
    seen: list[datetime] = []
    daemon: Daemon

    def run_pass(now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
        seen.append(now)
        if len(seen) == 3:
            daemon.stop()
        return None

    daemon = Daemon(run_pass, poll_minutes=0.1 / 60, jitter_seconds=0, handle_signals=False)
    with watchdog(daemon.stop) as fired:
        daemon.run()
    assert not fired and daemon.passes == 3
    gaps = [later - earlier for earlier, later in zip(seen, seen[1:], strict=False)]
    assert all(gap >= daemon.cadence.min_gap for gap in gaps), gaps


def test_the_daemon_wakes_at_the_due_time_a_pass_returns() -> None:
    seen: list[datetime] = []
    daemon: Daemon
    due: dict[str, datetime] = {}

    def run_pass(now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
        seen.append(now)
        if len(seen) == 1:
            due["at"] = now + timedelta(seconds=0.1)
            return due["at"]
        daemon.stop()
        return None

    # the poll is an hour away: only the due time can bring the second pass
    daemon = Daemon(run_pass, poll_minutes=60, jitter_seconds=0, handle_signals=False)
    with watchdog(daemon.stop) as fired:
        daemon.run()
    assert not fired and len(seen) == 2
    assert seen[1] >= due["at"]


def test_a_failing_pass_does_not_end_the_daemon() -> None:
    calls = {"n": 0}
    healthy: list[datetime] = []
    daemon: Daemon

    def flaky(now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
        calls["n"] += 1
        if calls["n"] == 4:
            daemon.stop()
        if calls["n"] == 2:
            raise RuntimeError("a bug in one pass")
        healthy.append(now)
        return None

    daemon = Daemon(flaky, poll_minutes=0.1 / 60, jitter_seconds=0, handle_signals=False)
    with watchdog(daemon.stop) as fired:
        daemon.run()
    assert not fired
    assert calls["n"] == 4
    assert len(healthy) == 3


def test_sigterm_during_a_pass_finishes_it_then_stops() -> None:
    """The signal arrives mid-pass: the pass sees should_stop and returns; run() ends."""
    seen: dict[str, object] = {}

    def run_pass(now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
        os.kill(os.getpid(), signal.SIGTERM)
        seen["stop_seen"] = should_stop()
        seen["finished"] = True  # the write in flight completes
        return None

    daemon = Daemon(run_pass, poll_minutes=5, jitter_seconds=0)
    previous = signal.getsignal(signal.SIGTERM)
    daemon.run()  # returns instead of waiting five minutes
    assert seen == {"stop_seen": True, "finished": True}
    assert daemon.passes == 1
    assert signal.getsignal(signal.SIGTERM) == previous


def test_sigint_between_passes_ends_the_wait() -> None:
    daemon: Daemon | None = None

    def run_pass(now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
        # arrives while the scheduler waits for the next poll
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        return None

    previous = signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
    try:
        daemon = Daemon(run_pass, poll_minutes=5, jitter_seconds=0)
        daemon.run()
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert daemon is not None and daemon.passes == 1 and daemon.stopping


@pytest.mark.parametrize("minutes", [1, 5, 60])
def test_jitter_is_small(minutes: int) -> None:
    daemon = Daemon(lambda now, stop: None, poll_minutes=minutes)
    assert 0 < daemon.jitter <= min(30, minutes * 6)
