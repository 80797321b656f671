"""Laptop life with a controlled clock: polls, due times, a 3-day sleep, signals.

The daemon runs APScheduler for real; only the clock and the wait are the test's: each
wait moves the clock forward by as long as the scheduler meant to wait (and a suspend
moves it by days more), so days of life take milliseconds.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from daemon.scheduler import Daemon

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Life:
    """The clock, the passes seen, and what happens at each wait."""

    def __init__(self, *, due: Callable[[datetime], datetime | None] = lambda now: None) -> None:
        self.now = T0
        self.passes: list[datetime] = []
        self.waits = 0
        self.due = due
        self.on_wait: dict[int, Callable[[], None]] = {}
        self.daemon: Daemon | None = None
        self.stop_at: datetime | None = None

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits += 1
        self.now += timedelta(seconds=min(seconds, 24 * 3600))
        action = self.on_wait.get(self.waits)
        if action is not None:
            action()
        if self.stop_at is not None and self.now >= self.stop_at:
            assert self.daemon is not None
            self.daemon.stop()

    def run_pass(self, now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
        assert now == self.now
        self.passes.append(now)
        return self.due(now)

    def start(self, *, poll_minutes: int = 5, until: timedelta) -> None:
        self.stop_at = T0 + until
        self.daemon = Daemon(
            self.run_pass,
            poll_minutes=poll_minutes,
            jitter_seconds=0,
            clock=self.clock,
            sleep=self.sleep,
            handle_signals=False,
        )
        self.daemon.run()

    def between(self, start: datetime, end: datetime) -> list[datetime]:
        return [moment for moment in self.passes if start <= moment < end]


def test_a_pass_at_start_then_one_per_poll() -> None:
    life = Life()
    life.start(until=timedelta(minutes=31))
    assert life.passes == [T0 + timedelta(minutes=5 * n) for n in range(7)]


def test_a_pass_at_the_next_due_time_between_polls() -> None:
    due = T0 + timedelta(minutes=7, seconds=30)
    life = Life(due=lambda now: due if now < due else None)
    life.start(until=timedelta(minutes=16))
    assert due in life.passes
    assert life.passes == sorted(life.passes)
    assert len(life.passes) == 5  # 0, 5, 7:30, 10, 15


def test_a_three_day_sleep_gives_one_pass_on_waking_not_a_burst() -> None:
    # a due time falls inside the sleep too: the missed one-off job must not add a pass
    due = T0 + timedelta(hours=12)
    life = Life(due=lambda now: due if now < due else None)
    asleep: dict[str, datetime] = {}

    def suspend() -> None:
        asleep["from"] = life.now
        life.now += timedelta(days=3)
        asleep["woke"] = life.now

    life.on_wait[3] = suspend
    life.start(until=timedelta(days=3, minutes=60))
    woke = asleep["woke"]
    on_waking = life.between(woke - timedelta(minutes=5), woke + timedelta(minutes=4))
    assert len(on_waking) == 1, on_waking
    assert life.between(asleep["from"] + timedelta(seconds=1), woke) == []
    # then back to one pass per poll
    after = life.between(woke, woke + timedelta(minutes=26))
    assert [moment - woke for moment in after] == [timedelta(minutes=5 * n) for n in range(6)]
    assert len(life.passes) < 20


def test_a_failing_pass_does_not_end_the_daemon() -> None:
    life = Life()
    calls = {"n": 0}
    healthy = life.run_pass

    def flaky(now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("a bug in one pass")
        return healthy(now, should_stop)

    life.run_pass = flaky  # type: ignore[method-assign]
    life.start(until=timedelta(minutes=21))
    assert calls["n"] == 5
    assert len(life.passes) == 4


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
