"""GoogleCalendar over recurring series that change, against the fake: what the source
reads is every occurrence as it is now, no more and no fewer."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from connectors.google.api import GoogleServices
from connectors.google.calendar import GoogleCalendar
from connectors.google.retry import RetryPolicy
from tests.fakegoogle import FakeGoogle

NY = ZoneInfo("America/New_York")
LOOP = {
    "id": "hooliloop",
    "summary": "Interview loop - Hooli",
    "start": {"dateTime": "2026-12-01T10:00:00", "timeZone": "America/New_York"},
    "end": {"dateTime": "2026-12-01T11:00:00", "timeZone": "America/New_York"},
    "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
    "organizer": {"email": "gavin@hooli.example"},
}


@pytest.fixture
def calendar(
    services: GoogleServices, fast_retry: RetryPolicy, fake_google: FakeGoogle
) -> GoogleCalendar:
    fake_google.calendar.put_event("primary", LOOP)
    source = GoogleCalendar(services.calendar, "primary", NY, retry=fast_retry)
    assert len(source.events()) == 3
    return source


def read(source: GoogleCalendar) -> list[tuple[str, str]]:
    """(day and time, instance id) of every event read, in time order."""
    return sorted((e.start_at.strftime("%d %H:%M"), e.event_id) for e in source.events())


def test_the_whole_series_moved_is_read_at_its_new_times_only(
    calendar: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.calendar.user_edit(
        "primary",
        "hooliloop",
        start={"dateTime": "2026-12-01T14:00:00", "timeZone": "America/New_York"},
        end={"dateTime": "2026-12-01T15:00:00", "timeZone": "America/New_York"},
    )
    assert read(calendar) == [
        ("01 14:00", "hooliloop_20261201T190000Z"),
        ("02 14:00", "hooliloop_20261202T190000Z"),
        ("03 14:00", "hooliloop_20261203T190000Z"),
    ]


def test_a_series_cut_short_loses_its_last_occurrences(
    calendar: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.calendar.user_edit("primary", "hooliloop", recurrence=["RRULE:FREQ=DAILY;COUNT=1"])
    assert read(calendar) == [("01 10:00", "hooliloop_20261201T150000Z")]


def test_one_moved_occurrence_costs_one_more_request_and_an_idle_poll_none(
    calendar: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.calendar.user_edit_occurrence(
        "primary",
        "hooliloop_20261202T150000Z",
        start={"dateTime": "2026-12-04T09:00:00-05:00"},
        end={"dateTime": "2026-12-04T10:00:00-05:00"},
    )
    fake_google.log.clear()
    assert read(calendar) == [
        ("01 10:00", "hooliloop_20261201T150000Z"),
        ("03 10:00", "hooliloop_20261203T150000Z"),
        ("04 09:00", "hooliloop_20261202T150000Z"),  # the same occurrence, moved
    ]
    assert [c.api_method for c in fake_google.log.calls()] == [
        "calendar.events.list",
        "calendar.events.instances",
    ]
    fake_google.log.clear()
    assert len(read(calendar)) == 3
    assert [c.api_method for c in fake_google.log.calls()] == ["calendar.events.list"]


def test_a_deleted_series_takes_every_occurrence(
    calendar: GoogleCalendar, fake_google: FakeGoogle
) -> None:
    fake_google.calendar.user_edit_occurrence(
        "primary", "hooliloop_20261203T150000Z", summary="Final round - Hooli"
    )
    assert len(read(calendar)) == 3
    fake_google.calendar.user_delete("primary", "hooliloop")
    assert read(calendar) == []


def test_a_snapshot_keeps_the_occurrences_as_moved(
    calendar: GoogleCalendar,
    fake_google: FakeGoogle,
    services: GoogleServices,
    fast_retry: RetryPolicy,
) -> None:
    fake_google.calendar.user_edit_occurrence(
        "primary",
        "hooliloop_20261201T150000Z",
        start={"dateTime": "2026-12-01T16:00:00-05:00"},
        end={"dateTime": "2026-12-01T17:00:00-05:00"},
    )
    before = read(calendar)
    again = GoogleCalendar(services.calendar, "primary", NY, retry=fast_retry)
    assert again.restore(calendar.snapshot())
    fake_google.log.clear()
    assert (
        read(again)
        == before
        == [
            ("01 16:00", "hooliloop_20261201T150000Z"),
            ("02 10:00", "hooliloop_20261202T150000Z"),
            ("03 10:00", "hooliloop_20261203T150000Z"),
        ]
    )
    assert [c.api_method for c in fake_google.log.calls()] == ["calendar.events.list"]
