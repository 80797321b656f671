"""The fake Calendar's recurring series, driven by the real googleapiclient: instances,
exceptions (a moved or a cancelled occurrence) and incremental sync, as Google documents
them (calendar.v3.json: Event.recurringEventId, originalStartTime, status; events.list
singleEvents, showDeleted, syncToken)."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from connectors.google.api import GoogleServices
from tests.fakegoogle import FakeGoogle

SERIES = {
    "id": "loop2026",
    "summary": "Onsite loop - Initech",
    "start": {"dateTime": "2026-12-07T14:00:00", "timeZone": "Europe/Berlin"},
    "end": {"dateTime": "2026-12-07T15:00:00", "timeZone": "Europe/Berlin"},
    "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
}
# The occurrences' ids: the series id and each original start in UTC.
MON, TUE, WED = (f"loop2026_202612{d:02d}T130000Z" for d in (7, 8, 9))


@pytest.fixture
def cal(services: GoogleServices, fake_google: FakeGoogle) -> Any:
    fake_google.calendar.put_event("primary", SERIES)
    return services.calendar


def listing(cal: Any, method: str = "list", **params: Any) -> tuple[list[dict[str, Any]], str]:
    """Every item of one listing (events.list, or events.instances), and its nextSyncToken."""
    items: list[dict[str, Any]] = []
    token = ""
    request = getattr(cal.events(), method)(calendarId="primary", **params)
    while request is not None:
        page = request.execute()
        items += page.get("items", [])
        token = page.get("nextSyncToken", "")
        request = getattr(cal.events(), f"{method}_next")(request, page)
    return items, token


def starts(items: list[dict[str, Any]]) -> dict[str, str]:
    return {i["id"]: i.get("start", {}).get("dateTime", "") for i in items}


def test_instances_carry_the_series_id_and_their_original_start(cal: Any) -> None:
    items, _ = listing(cal, singleEvents=True, timeZone="UTC")
    assert [i["id"] for i in items] == [MON, TUE, WED]
    assert {i["recurringEventId"] for i in items} == {"loop2026"}
    assert [i["originalStartTime"]["dateTime"] for i in items] == [
        "2026-12-07T13:00:00Z",
        "2026-12-08T13:00:00Z",
        "2026-12-09T13:00:00Z",
    ]
    assert all("recurrence" not in i for i in items)
    assert len({i["iCalUID"] for i in items}) == 1  # one iCalUID, three ids
    (series,) = listing(cal)[0]
    assert series["recurrence"] == SERIES["recurrence"] and "recurringEventId" not in series


def test_a_moved_occurrence_keeps_its_id_and_original_start(cal: Any) -> None:
    _, token = listing(cal, singleEvents=True)
    moved = (
        cal.events()
        .patch(
            calendarId="primary",
            eventId=TUE,
            body={
                "start": {"dateTime": "2026-12-10T09:00:00+01:00"},
                "end": {"dateTime": "2026-12-10T10:00:00+01:00"},
            },
        )
        .execute()
    )
    assert moved["id"] == TUE and moved["recurringEventId"] == "loop2026"
    assert moved["originalStartTime"]["dateTime"] == "2026-12-08T13:00:00Z"  # in UTC
    items, _ = listing(cal, singleEvents=True, orderBy="startTime", timeZone="UTC")
    assert [(i["id"], i["start"]["dateTime"]) for i in items] == [
        (MON, "2026-12-07T13:00:00Z"),
        (WED, "2026-12-09T13:00:00Z"),
        (TUE, "2026-12-10T08:00:00Z"),  # where it moved to, ordered by its new start
    ]
    # Incremental: only the moved instance comes back, at its new time.
    changed, _ = listing(cal, singleEvents=True, syncToken=token, timeZone="UTC")
    assert starts(changed) == {TUE: "2026-12-10T08:00:00Z"}
    # Without singleEvents, the series is listed with its exception beside it.
    items, _ = listing(cal)
    assert sorted(i["id"] for i in items) == ["loop2026", TUE]
    got = cal.events().get(calendarId="primary", eventId=TUE, timeZone="UTC").execute()
    assert got["start"]["dateTime"] == "2026-12-10T08:00:00Z"


def test_a_time_range_sees_a_moved_occurrence_where_it_is_now(
    cal: Any, fake_google: FakeGoogle
) -> None:
    fake_google.calendar.user_edit_occurrence(
        "primary",
        WED,
        start={"dateTime": "2026-12-14T14:00:00", "timeZone": "Europe/Berlin"},
        end={"dateTime": "2026-12-14T15:00:00", "timeZone": "Europe/Berlin"},
    )
    week, _ = listing(
        cal, singleEvents=True, timeMin="2026-12-07T00:00:00Z", timeMax="2026-12-12T00:00:00Z"
    )
    assert [i["id"] for i in week] == [MON, TUE]
    later, _ = listing(cal, singleEvents=True, timeMin="2026-12-12T00:00:00Z")
    assert [i["id"] for i in later] == [WED]


def test_a_cancelled_occurrence_is_a_cancelled_instance(cal: Any, fake_google: FakeGoogle) -> None:
    _, token = listing(cal, singleEvents=True)
    cal.events().delete(calendarId="primary", eventId=MON).execute()
    items, _ = listing(cal, singleEvents=True)
    assert [i["id"] for i in items] == [TUE, WED]
    shown, _ = listing(cal, singleEvents=True, showDeleted=True)
    assert [(i["id"], i["status"]) for i in shown] == [
        (MON, "cancelled"),
        (TUE, "confirmed"),
        (WED, "confirmed"),
    ]
    changed, token = listing(cal, singleEvents=True, syncToken=token)
    (gone,) = changed
    assert gone["id"] == MON and gone["status"] == "cancelled"
    assert gone["recurringEventId"] == "loop2026" and "originalStartTime" in gone
    # Without singleEvents the cancelled exception comes with its series, even without
    # showDeleted (CD events.list showDeleted).
    items, _ = listing(cal)
    assert sorted((i["id"], i["status"]) for i in items) == [
        ("loop2026", "confirmed"),
        (MON, "cancelled"),
    ]
    # get always returns it; deleting it again is 410.
    assert cal.events().get(calendarId="primary", eventId=MON).execute()["status"] == "cancelled"
    with pytest.raises(HttpError) as gone_twice:
        cal.events().delete(calendarId="primary", eventId=MON).execute()
    assert gone_twice.value.status_code == 410
    # Nothing changed since: an incremental sync is empty.
    assert listing(cal, singleEvents=True, syncToken=token)[0] == []


def test_an_exception_in_the_data_replaces_its_occurrence(
    cal: Any, fake_google: FakeGoogle
) -> None:
    fake_google.calendar.put_event(
        "primary",
        {
            "recurringEventId": "loop2026",
            "originalStartTime": {"dateTime": "2026-12-09T14:00:00+01:00"},
            "summary": "Onsite loop - Initech (final)",
            "start": {"dateTime": "2026-12-09T16:00:00+01:00"},
            "end": {"dateTime": "2026-12-09T17:00:00+01:00"},
        },
    )
    items, _ = listing(cal, singleEvents=True, timeZone="UTC")
    assert [(i["id"], i["summary"], i["start"]["dateTime"]) for i in items] == [
        (MON, "Onsite loop - Initech", "2026-12-07T13:00:00Z"),
        (TUE, "Onsite loop - Initech", "2026-12-08T13:00:00Z"),
        (WED, "Onsite loop - Initech (final)", "2026-12-09T15:00:00Z"),
    ]
    with pytest.raises(KeyError):  # no occurrence starts then
        fake_google.calendar.put_event(
            "primary",
            {
                "recurringEventId": "loop2026",
                "originalStartTime": {"dateTime": "2026-12-09T15:00:00+01:00"},
                "start": {"dateTime": "2026-12-09T16:00:00+01:00"},
                "end": {"dateTime": "2026-12-09T17:00:00+01:00"},
            },
        )


def tuesday_moved_later(cal: Any, fake: FakeGoogle) -> str:
    """Tuesday's occurrence moved four hours later by the user; a sync token from then."""
    fake.calendar.user_edit_occurrence(
        "primary",
        TUE,
        start={"dateTime": "2026-12-08T18:00:00+01:00"},
        end={"dateTime": "2026-12-08T19:00:00+01:00"},
    )
    return listing(cal, singleEvents=True)[1]


def test_an_edit_of_the_whole_series_reaches_its_exceptions_but_not_their_times(
    cal: Any, fake_google: FakeGoogle
) -> None:
    token = tuesday_moved_later(cal, fake_google)
    fake_google.calendar.user_edit("primary", "loop2026", summary="Onsite loop - Initech Corp")
    changed, _ = listing(cal, singleEvents=True, syncToken=token, timeZone="UTC")
    assert {i["id"]: (i["summary"], i["start"]["dateTime"]) for i in changed} == {
        MON: ("Onsite loop - Initech Corp", "2026-12-07T13:00:00Z"),
        TUE: ("Onsite loop - Initech Corp", "2026-12-08T17:00:00Z"),
        WED: ("Onsite loop - Initech Corp", "2026-12-09T13:00:00Z"),
    }


def test_deleting_the_series_cancels_every_occurrence(cal: Any, fake_google: FakeGoogle) -> None:
    token = tuesday_moved_later(cal, fake_google)
    cal.events().delete(calendarId="primary", eventId="loop2026").execute()
    changed, _ = listing(cal, singleEvents=True, syncToken=token)
    assert sorted((i["id"], i["status"]) for i in changed) == [
        (MON, "cancelled"),
        (TUE, "cancelled"),
        (WED, "cancelled"),
    ]
    assert listing(cal, singleEvents=True)[0] == [] and listing(cal)[0] == []


@pytest.mark.parametrize(
    "params",
    [
        {"orderBy": "startTime"},
        {"orderBy": "updated"},
        {"timeMin": "2026-12-01T00:00:00Z"},
        {"timeMax": "2027-01-01T00:00:00Z"},
        {"updatedMin": "2026-12-01T00:00:00Z"},
        {"q": "loop"},
        {"iCalUID": "loop2026@google.com"},
        {"privateExtendedProperty": "followup=reminder"},
        {"showDeleted": False},
    ],
    ids=lambda p: next(iter(p)),
)
def test_a_sync_token_with_singleevents_refuses_what_google_refuses(
    cal: Any, params: dict[str, Any]
) -> None:
    _, token = listing(cal, singleEvents=True)
    with pytest.raises(HttpError) as refused:
        listing(cal, singleEvents=True, syncToken=token, **params)
    assert refused.value.status_code == 400


def test_writes_to_an_occurrence_that_does_not_exist_are_404(cal: Any) -> None:
    for event_id in ("loop2026_20261210T130000Z", "loop2026_20261207T120000Z", "nosuch_x"):
        with pytest.raises(HttpError) as missing:
            cal.events().patch(
                calendarId="primary", eventId=event_id, body={"summary": "x"}
            ).execute()
        assert missing.value.status_code == 404


def test_if_match_on_an_occurrence(cal: Any) -> None:
    first = cal.events().get(calendarId="primary", eventId=TUE).execute()
    cal.events().patch(calendarId="primary", eventId=TUE, body={"summary": "moved"}).execute()
    stale = cal.events().patch(calendarId="primary", eventId=TUE, body={"summary": "again"})
    stale.headers["If-Match"] = first["etag"]
    with pytest.raises(HttpError) as refused:
        stale.execute()
    assert refused.value.status_code == 412


def test_events_instances_lists_the_series_as_it_is_now(cal: Any, fake_google: FakeGoogle) -> None:
    tuesday_moved_later(cal, fake_google)
    fake_google.calendar.user_cancel_occurrence("primary", WED)
    items, token = listing(cal, "instances", eventId="loop2026", timeZone="UTC", maxResults=1)
    assert starts(items) == {MON: "2026-12-07T13:00:00Z", TUE: "2026-12-08T17:00:00Z"}
    assert token == ""  # instances has no sync token
    shown, _ = listing(cal, "instances", eventId="loop2026", showDeleted=True)
    assert [(i["id"], i["status"]) for i in shown] == [
        (MON, "confirmed"),
        (TUE, "confirmed"),
        (WED, "cancelled"),
    ]
    cal.events().delete(calendarId="primary", eventId="loop2026").execute()
    with pytest.raises(HttpError) as gone:
        listing(cal, "instances", eventId="loop2026")
    assert gone.value.status_code == 410
