"""A first sync that finishes on a big mailbox (issue 11.3): paced by quota units, in
batches Gmail accepts, resumed where it stopped. The fake's Gmail limits are on and its
clock is simulated, shared with the connectors' pacer: waiting costs no real time. The
mailbox and the quota are scaled down together (400 threads, 3,000 units a minute against
Gmail's 15,000, the pacer at the same four fifths of it) to keep the test short;
bench/google_polls.py --limits runs 20,000 threads at Gmail's own figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from connectors.google.api import GoogleServices, connect
from connectors.google.gmail import Gmail
from connectors.google.retry import GoogleApiError, Pacer, RetryPolicy
from tests.contract.test_gmail import mail
from tests.fakegoogle import FakeGoogle

NY = ZoneInfo("America/New_York")
THREADS = 400
PER_MINUTE = 3_000  # the fake's quota, scaled down with the mailbox (Gmail: 15,000)


class SimClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 8, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.at.timestamp()

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def services(google_env: FakeGoogle, token_file: Path) -> GoogleServices:
    """As the daemon builds them: a listing over 1,600 threads may take over a second."""
    return connect(token_file, timeout=30.0)


@pytest.fixture
def clock(fake_google: FakeGoogle) -> SimClock:
    clock = SimClock()
    fake_google.set_clock(clock.now)
    for number in range(THREADS):  # 4,000 units of threads.get: over a minute's quota
        fake_google.gmail.deliver(mail(f"Role {number}", msg_id=f"q{number}"))
    return clock


def _source(services: GoogleServices, clock: SimClock, **options: Any) -> Gmail:
    paced = options.pop("paced", True)
    pacer = Pacer(PER_MINUTE * 4 // 5, clock=clock.monotonic, sleep=clock.sleep)
    retry = RetryPolicy(sleep=clock.sleep, jitter=lambda: 1.0, pacer=pacer if paced else None)
    source = Gmail(services.gmail, NY, retry=retry, fetch_chunk=100, **options)
    source.set_participants(["jane@talent.acme.com"], ["acme.com"])
    return source


def _refused(fake: FakeGoogle) -> tuple[float, float]:
    limits = fake.limits
    assert limits is not None
    parts = sum(1 for e in fake.log.requests if e.in_batch)
    units = fake.log.quota_units("gmail")
    return (
        limits.refused_units / (units + limits.refused_units),
        limits.refused_parts / max(1, parts),
    )


def test_a_paced_first_sync_is_hardly_refused(
    fake_google: FakeGoogle, services: GoogleServices, clock: SimClock
) -> None:
    fake_google.enable_limits(per_minute=PER_MINUTE)
    started = clock.at
    assert len(_source(services, clock).threads()) == THREADS
    units, parts = _refused(fake_google)
    assert units <= 0.02 and parts <= 0.02
    assert clock.at - started >= timedelta(seconds=60)  # paced, not refused


def test_unpaced_in_batches_of_fifty_the_fake_refuses_as_gmail_does(
    fake_google: FakeGoogle, services: GoogleServices, clock: SimClock
) -> None:
    fake_google.enable_limits(per_minute=PER_MINUTE)
    source = _source(services, clock, paced=False, batch_size=50)
    assert len(source.threads()) == THREADS  # ridden out by backoff, at a cost
    units, parts = _refused(fake_google)
    assert parts > 0.02  # "Too many concurrent requests for user"
    assert units > 0.02  # the per-minute quota


def test_an_interrupted_first_sync_resumes_where_it_stopped(
    fake_google: FakeGoogle, services: GoogleServices, clock: SimClock
) -> None:
    gets = [0]

    def after_300_fetches(req: Any) -> bool:
        if req.api_method == "gmail.users.threads.get":
            gets[0] += 1
        return gets[0] > 300

    cut = fake_google.faults.add(after_300_fetches, status=503, times=None)
    source = _source(services, clock)
    with pytest.raises(GoogleApiError):
        source.threads()
    assert source.cursor is not None and source.cursor.startswith("partial:")
    snapshot = source.snapshot()
    fake_google.faults.remove(cut)
    fake_google.log.clear()
    fresh = _source(services, clock)  # a new process, from the saved snapshot
    assert fresh.restore(snapshot)
    assert len(fresh.threads()) == THREADS
    fetched = len(fake_google.log.calls("gmail.users.threads.get"))
    assert fetched <= THREADS - 200  # the first chunks (of 100 here) were kept
    assert fresh.cursor is not None and not fresh.cursor.startswith("partial:")
