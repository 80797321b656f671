"""`followup run`: when the pass runs, decided as functions of `now`, and APScheduler 3 waiting.

The decisions are pure (`start`, `wake`, `after_pass`, `replan`, `fire_at`): given the
moment and what the daemon remembers (`Timing`), they say whether a pass runs and when to
wake next. The poll keeps a grid (every `daemon.poll_minutes` from the start, each point
plus its own jitter); the next due time a pass returns adds a wake between polls, so a
draft is written when its action falls due rather than up to a poll later.

A wake runs at most one pass however late it is (a sleep or a clock stepped forward):
missed polls are coalesced into that one and the grid moves to its first point after
`now`; a due time that passed during the sleep is served by the same pass, so there is no
misfire grace to tune and no burst on waking. A poll moments after another pass, or a due
wake after a pass that already started past the due time, runs nothing. A clock stepped
backward never makes the daemon wait longer than a poll, and a pass that seems to have
started in the future covers nothing.

`Daemon` keeps APScheduler 3 as what waits and fires: one date job, moved between rounds
to `fire_at`, in a memory job store rebuilt at every start (our SQLite is the truth, not a
pickled job table). Jobs run in the main thread (APScheduler's DebugExecutor). SIGTERM and
SIGINT set a flag the pass checks between writes, so the write in flight finishes and is
recorded before exit; between passes they end the wait at once.
"""

from __future__ import annotations

import logging
import random
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from threading import TIMEOUT_MAX
from types import FrameType
from typing import Any

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.date import DateTrigger

logger = logging.getLogger(__name__)

WAKE_JOB = "wake"
# A poll this soon after another pass started adds nothing (at most half a poll).
MIN_GAP_SECONDS = 60
# The longest single wait. Waits run on the monotonic clock, which stands still while the
# laptop sleeps and ignores a clock step: short waits notice either soon after.
MAX_WAIT_SECONDS = 60.0

# One pass: given `now` and a should-stop check, returns the next due time (or None).
PassFunction = Callable[[datetime, Callable[[], bool]], datetime | None]


# -- the decisions, as functions of `now` ------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """How often to poll and by how much to spread polls (fixed for a run)."""

    poll: timedelta
    jitter: timedelta

    @property
    def min_gap(self) -> timedelta:
        return min(timedelta(seconds=MIN_GAP_SECONDS), self.poll / 2)


def default_jitter(poll: timedelta) -> timedelta:
    """Spreads many laptops' polls; at most a tenth of the interval, at most 30 s."""
    return min(timedelta(seconds=30), poll / 10)


@dataclass(frozen=True)
class Timing:
    """What the daemon remembers between wakes; every moment in UTC.

    `poll_at` is the poll grid's next point and `poll_jitter` that poll's offset from it
    (the grid itself never drifts by jitter)."""

    poll_at: datetime
    poll_jitter: timedelta = timedelta(0)
    due_at: datetime | None = None
    last_started: datetime | None = None


@dataclass(frozen=True)
class Wake:
    """One wake's decision: run a pass (and why) or not, and the timing after it."""

    run: bool
    why: str
    timing: Timing


def _utc(moment: datetime) -> datetime:
    # Arithmetic between datetimes of one zone is wall-clock arithmetic (an hour across a
    # DST change is not an hour): every decision works on UTC instants.
    return moment.astimezone(UTC)


def start(now: datetime) -> Timing:
    """The first pass runs at once; the poll grid starts there."""
    return Timing(poll_at=_utc(now))


def fire_at(timing: Timing) -> datetime:
    """When to wake next: the jittered poll or the due time, whichever comes first."""
    poll = timing.poll_at + timing.poll_jitter
    return poll if timing.due_at is None else min(poll, timing.due_at)


def next_grid_point(poll_at: datetime, now: datetime, poll: timedelta) -> datetime:
    """The grid's first point after `now`: however many polls were missed, one is kept."""
    now = _utc(now)
    if poll_at > now:
        return poll_at
    missed = (now - poll_at) // poll
    return poll_at + poll * (missed + 1)


def wake(timing: Timing, now: datetime, cadence: Cadence, jitter_fraction: float) -> Wake:
    """Whether a wake at `now` runs a pass, however late it is; `jitter_fraction` (0 to 1)
    places the next poll within its jitter."""
    now = _utc(now)
    polled = now >= timing.poll_at + timing.poll_jitter
    due = timing.due_at
    came_due = due is not None and now >= due
    last = timing.last_started
    if last is not None and last > now:
        last = None  # the clock stepped backward: that pass is no evidence about now
    if due is not None and came_due and (last is None or last < due):
        run, why = True, "due"
    elif polled and (last is None or now - last >= cadence.min_gap):
        run, why = True, "poll"
    elif polled:
        run, why = False, "poll skipped: a pass started moments ago"
    elif came_due:
        run, why = False, "due skipped: a pass already ran after the due time"
    else:
        run, why = False, "not yet"
    after = timing
    if polled:
        after = replace(
            after,
            poll_at=next_grid_point(timing.poll_at, now, cadence.poll),
            poll_jitter=cadence.jitter * jitter_fraction,
        )
    if came_due:
        after = replace(after, due_at=None)
    if run:
        after = replace(after, last_started=now)
    return Wake(run, why, after)


def after_pass(timing: Timing, due_at: datetime | None, now: datetime) -> Timing:
    """The pass's next due time becomes a wake, unless it is not after `now`."""
    due = None if due_at is None else _utc(due_at)
    return replace(timing, due_at=due if due is not None and due > _utc(now) else None)


def replan(timing: Timing, now: datetime, cadence: Cadence) -> Timing:
    """A clock stepped backward would leave the next poll more than a poll away: the grid
    restarts one poll from `now`. (A step forward needs nothing: the wake is late, and a
    late wake is one pass.)"""
    now = _utc(now)
    if timing.poll_at - now <= cadence.poll:
        return timing
    return replace(timing, poll_at=now + cadence.poll)


# -- APScheduler waits and fires ---------------------------------------------------------


class _Stop(BaseException):
    """Raised by the signal handler between passes to end the wait."""


class _Scheduler(BlockingScheduler):  # type: ignore[misc]
    """BlockingScheduler with short waits and a hook between rounds."""

    def __init__(
        self, *, done: Callable[[], bool], after_round: Callable[[], None], **options: Any
    ) -> None:
        super().__init__(**options)
        self._done = done
        self._after_round = after_round

    def _main_loop(self) -> None:
        wait_seconds: float | None = TIMEOUT_MAX
        while self.state != STATE_STOPPED and not self._done():
            seconds = TIMEOUT_MAX if wait_seconds is None else wait_seconds
            self._event.wait(min(seconds, MAX_WAIT_SECONDS))
            self._event.clear()
            if self._done():
                break
            wait_seconds = self._process_jobs()
            # The job is moved only here, between rounds: a job that ran must not replace
            # itself while APScheduler is still finishing it. A change wakes the loop.
            self._after_round()


class Daemon:
    """Runs `run_pass` on the poll interval and at due times until stopped."""

    def __init__(
        self,
        run_pass: PassFunction,
        *,
        poll_minutes: float,
        jitter_seconds: float | None = None,
        handle_signals: bool = True,
    ) -> None:
        self._run_pass = run_pass
        self.poll = timedelta(minutes=poll_minutes)
        self.jitter = (
            jitter_seconds
            if jitter_seconds is not None
            else default_jitter(self.poll).total_seconds()
        )
        self.cadence = Cadence(poll=self.poll, jitter=timedelta(seconds=self.jitter))
        self._handle_signals = handle_signals
        self._stop = False
        self._in_pass = False
        self._timing: Timing | None = None
        self._scheduled: datetime | None = None
        self.passes = 0
        self._scheduler = _Scheduler(
            done=lambda: self._stop,
            after_round=self._reschedule,
            executors={"default": DebugExecutor()},
            timezone=UTC,
        )

    @property
    def stopping(self) -> bool:
        return self._stop

    def stop(self) -> None:
        """Finish the write in flight, then leave `run`."""
        self._stop = True

    def run(self) -> None:
        """Block until stopped: one pass now, then on the interval and at due times."""
        with self._signals():
            self._timing = start(datetime.now(UTC))
            self._reschedule()
            try:
                self._scheduler.start()
            except _Stop:
                pass
            finally:
                if self._scheduler.state != STATE_STOPPED:
                    self._scheduler.shutdown(wait=False)
        logger.info("stopped after %d passes", self.passes)

    def _tick(self) -> None:
        assert self._timing is not None
        self._in_pass = True
        try:
            if self._stop:
                return
            now = datetime.now(UTC)
            decision = wake(self._timing, now, self.cadence, random.random())
            self._timing = decision.timing
            if not decision.run:
                logger.debug("%s", decision.why)
                return
            self.passes += 1
            try:
                due_at = self._run_pass(now, lambda: self._stop)
            except Exception:
                # A bug in one pass must not end the daemon; the next wake tries again.
                logger.exception("pass failed")
                return
            self._timing = after_pass(self._timing, due_at, now)
        finally:
            self._in_pass = False

    def _reschedule(self) -> None:
        if self._timing is None:
            return
        self._timing = replan(self._timing, datetime.now(UTC), self.cadence)
        moment = fire_at(self._timing)
        if moment == self._scheduled and self._scheduler.get_job(WAKE_JOB) is not None:
            return
        self._scheduled = moment
        self._scheduler.add_job(
            self._tick,
            DateTrigger(run_date=moment, timezone=UTC),
            id=WAKE_JOB,
            replace_existing=True,
            # `wake` decides what a late wake means (one pass), so APScheduler runs it
            # however late it is.
            misfire_grace_time=None,
        )
        logger.debug("next wake at %s", moment.isoformat())

    # -- signals ----------------------------------------------------------------------

    @contextmanager
    def _signals(self) -> Iterator[None]:
        if not self._handle_signals:
            yield
            return

        def handle(number: int, frame: FrameType | None) -> None:
            logger.info("%s: finishing the write in flight, then stopping", _name(number))
            self._stop = True
            if not self._in_pass:
                raise _Stop

        previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
