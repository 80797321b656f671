"""`followup run`: the pass repeated by APScheduler 3, on a laptop that sleeps and gets killed.

Two jobs in a memory job store rebuilt at every start (our SQLite is the truth, not a
pickled job table): an interval job every `daemon.poll_minutes` with jitter, and a one-off
job at the next due time (a stable id with `replace_existing`, moved after every pass), so
a draft is written when its action falls due rather than up to a poll later.

After a sleep: the interval job is coalesced (one run however many were missed) with a
misfire grace of one interval, and the one-off job has a short grace, so waking gives one
pass, not a burst. A pass that another pass already covered (it started after the due time,
or moments ago) is skipped.

Jobs run in the main thread (APScheduler's DebugExecutor). SIGTERM and SIGINT set a flag the
pass checks between writes, so the write in flight finishes and is recorded before exit;
between passes they end the wait at once.

Tests inject `clock` (the pass's `now` and APScheduler's) and `sleep` (what waiting does),
and drive days of laptop life in milliseconds.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from threading import TIMEOUT_MAX
from types import FrameType
from typing import Any

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

logger = logging.getLogger(__name__)

POLL_JOB = "poll"
DUE_JOB = "due"
# A due job later than this (the laptop slept through it) is left to the poll job.
DUE_GRACE_SECONDS = 60
# A poll this soon after another pass started adds nothing.
MIN_GAP_SECONDS = 60
# The longest single wait (the next job may be further away; the loop just looks again).
MAX_WAIT_SECONDS = 60.0

# One pass: given `now` and a should-stop check, returns the next due time (or None).
PassFunction = Callable[[datetime, Callable[[], bool]], datetime | None]


class _Stop(BaseException):
    """Raised by the signal handler between passes to end the wait."""


class _Scheduler(BlockingScheduler):  # type: ignore[misc]
    """BlockingScheduler whose wait between rounds is injectable."""

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] | None,
        done: Callable[[], bool],
        after_round: Callable[[], None],
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self._sleep = sleep
        self._done = done
        self._after_round = after_round

    def _main_loop(self) -> None:
        wait_seconds: float | None = TIMEOUT_MAX
        while self.state != STATE_STOPPED and not self._done():
            seconds = TIMEOUT_MAX if wait_seconds is None else wait_seconds
            if self._sleep is None:
                # Waits run on the monotonic clock, which stands still while the laptop
                # sleeps: short waits notice the wall clock's jump soon after waking.
                self._event.wait(min(seconds, MAX_WAIT_SECONDS))
            elif not self._event.is_set():  # a wakeup() (a job added) ends the wait at once
                self._sleep(seconds)
            self._event.clear()
            if self._done():
                break
            wait_seconds = self._process_jobs()
            # Jobs are changed only here, between rounds: a job that ran must not replace
            # itself while APScheduler is still finishing it. A change wakes the loop.
            self._after_round()


class Daemon:
    """Runs `run_pass` on the poll interval and at due times until stopped."""

    def __init__(
        self,
        run_pass: PassFunction,
        *,
        poll_minutes: int,
        jitter_seconds: float | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        handle_signals: bool = True,
    ) -> None:
        self._run_pass = run_pass
        self.poll = timedelta(minutes=poll_minutes)
        # Spread many laptops' polls; at most a tenth of the interval, at most 30 s.
        self.jitter = (
            jitter_seconds
            if jitter_seconds is not None
            else min(30.0, self.poll.total_seconds() / 10)
        )
        self._clock = clock
        self._sleep = sleep
        self._handle_signals = handle_signals
        self._stop = False
        self._in_pass = False
        self._last_started: datetime | None = None
        self._due_at: datetime | None = None
        # (next due time, when the pass computed it), left for between rounds
        self._next_due: tuple[datetime | None, datetime] | None = None
        self.passes = 0
        self._scheduler = _Scheduler(
            sleep=sleep,
            done=lambda: self._stop,
            after_round=self._apply_due,
            executors={"default": DebugExecutor()},
            timezone=UTC,
        )

    def now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(UTC)

    @property
    def stopping(self) -> bool:
        return self._stop

    def stop(self) -> None:
        """Finish the write in flight, then leave `run`."""
        self._stop = True

    def run(self) -> None:
        """Block until stopped: one pass now, then on the interval and at due times."""
        with self._signals(), _apscheduler_clock(self._clock):
            now = self.now()
            self._scheduler.add_job(
                self._tick,
                IntervalTrigger(
                    seconds=self.poll.total_seconds(),
                    jitter=self.jitter or None,
                    start_date=now + self.poll,
                    timezone=UTC,
                ),
                args=(POLL_JOB,),
                id=POLL_JOB,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(self.poll.total_seconds() + self.jitter) + 1,
                next_run_time=now,
            )
            try:
                self._scheduler.start()
            except _Stop:
                pass
            finally:
                if self._scheduler.state != STATE_STOPPED:
                    self._scheduler.shutdown(wait=False)
        logger.info("stopped after %d passes", self.passes)

    # -- one tick ---------------------------------------------------------------------

    def _tick(self, why: str) -> None:
        self._in_pass = True
        try:
            if self._stop:
                return
            now = self.now()
            last = self._last_started
            if why == DUE_JOB and last is not None and self._due_at and last >= self._due_at:
                logger.debug("due pass skipped: a pass already ran after %s", self._due_at)
                return
            if why == POLL_JOB and last is not None and now - last < self._min_gap():
                logger.debug("poll skipped: a pass started %s ago", now - last)
                return
            self._last_started = now
            self.passes += 1
            try:
                next_due = self._run_pass(now, lambda: self._stop)
            except Exception:
                # A bug in one pass must not end the daemon; the next tick tries again.
                logger.exception("pass failed")
                return
            self._next_due = (next_due, now)
        finally:
            self._in_pass = False

    def _min_gap(self) -> timedelta:
        return min(timedelta(seconds=MIN_GAP_SECONDS), self.poll / 2)

    def _apply_due(self) -> None:
        if self._next_due is None:
            return
        due_at, now = self._next_due
        self._next_due = None
        self._schedule_due(due_at, now)

    def _schedule_due(self, due_at: datetime | None, now: datetime) -> None:
        if due_at is None or due_at <= now:
            if self._scheduler.get_job(DUE_JOB) is not None:
                self._scheduler.remove_job(DUE_JOB)
            self._due_at = None
            return
        if due_at == self._due_at and self._scheduler.get_job(DUE_JOB) is not None:
            return
        self._due_at = due_at
        self._scheduler.add_job(
            self._tick,
            DateTrigger(run_date=due_at, timezone=UTC),
            args=(DUE_JOB,),
            id=DUE_JOB,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=DUE_GRACE_SECONDS,
        )
        logger.debug("next due pass at %s", due_at.astimezone(UTC).isoformat())

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


@contextmanager
def _apscheduler_clock(clock: Callable[[], datetime] | None) -> Iterator[None]:
    """APScheduler 3 reads `datetime.now()` itself (when jobs are due, whether a run is
    late); with an injected clock, those two modules read it instead. Tests only."""
    if clock is None:
        yield
        return
    import apscheduler.executors.base as executors
    import apscheduler.schedulers.base as schedulers

    read: Callable[[], datetime] = clock

    class _Clocked(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            moment = read()
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    saved = (schedulers.datetime, executors.datetime)
    schedulers.datetime = _Clocked
    executors.datetime = _Clocked
    try:
        yield
    finally:
        schedulers.datetime, executors.datetime = saved
