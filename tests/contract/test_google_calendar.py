"""GoogleCalendar (CalendarSource) and GoogleReminders (ReminderSink) against the fake."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from connectors.base import Reminder
from connectors.google.api import GoogleServices
from connectors.google.auth import INVALID_GRANT, AuthError
from connectors.google.calendar import GoogleCalendar, GoogleReminders
from connectors.google.retry import GoogleApiError, RetryPolicy
from tests.fakegoogle import FakeGoogle

NY = ZoneInfo("America/New_York")
ME = "alex@example.com"


def interview(event_id: str, title: str = "Interview with Acme", **extra: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "summary": title,
        "start": {"dateTime": "2026-12-01T10:00:00-05:00"},
        "end": {"dateTime": "2026-12-01T11:00:00-05:00"},
        "organizer": {"email": "Jane@Acme.com", "displayName": "Jane Recruiter"},
        "attendees": [
            {"email": "alex@example.com", "responseStatus": "accepted"},
            {"email": "sam@acme.com", "displayName": "Sam", "responseStatus": "needsAction"},
        ],
        "description": "Timeline: 2 weeks",
        **extra,
    }


@pytest.fixture
def calendar(services: GoogleServices, fast_retry: RetryPolicy) -> GoogleCalendar:
    return GoogleCalendar(services.calendar, "primary", NY, retry=fast_retry)


@pytest.fixture
def reminders(services: GoogleServices, fast_retry: RetryPolicy) -> GoogleReminders:
    return GoogleReminders(services.calendar, "primary", retry=fast_retry)


def reminder(key: str = "int-acme-1/follow_up/1", **changes: Any) -> Reminder:
    values: dict[str, Any] = {
        "key": key,
        "title": "Follow up with Acme",
        "text": "Send the follow-up draft.",
        "starts_at": datetime(2026, 12, 16, 9, 30, tzinfo=NY),
    }
    values.update(changes)
    return Reminder(**values)


# --- reading -----------------------------------------------------------------------------------


def test_full_sync_converts_events(fake_google: FakeGoogle, calendar: GoogleCalendar) -> None:
    fake_google.calendar.put_event("primary", interview("int-acme-1"))
    fake_google.calendar.put_event(
        "primary",
        {
            "id": "holiday1",
            "summary": "Day off",
            "start": {"date": "2026-12-24"},
            "end": {"date": "2026-12-25"},
        },
    )
    fake_google.calendar.put_event("primary", interview("gone1"))
    fake_google.calendar.user_delete("primary", "gone1")
    events = {e.event_id: e for e in calendar.events()}
    assert set(events) == {"int-acme-1", "holiday1"}
    acme = events["int-acme-1"]
    assert acme.title == "Interview with Acme"
    assert acme.start_at == datetime(2026, 12, 1, 10, tzinfo=NY)
    assert acme.start_at.tzinfo == NY and acme.end_at - acme.start_at == timedelta(hours=1)
    assert acme.organizer is not None and acme.organizer.email == "jane@acme.com"
    assert acme.organizer.name == "Jane Recruiter"
    assert [(a.email, a.response) for a in acme.attendees] == [
        ("alex@example.com", "accepted"),
        ("sam@acme.com", "needs-action"),
    ]
    assert acme.description == "Timeline: 2 weeks" and not acme.created_by_followup
    day_off = events["holiday1"]
    assert day_off.all_day and day_off.start_at == datetime(2026, 12, 24, tzinfo=NY)
    assert calendar.cursor is not None


def test_incremental_sync_costs_one_request(
    fake_google: FakeGoogle, calendar: GoogleCalendar
) -> None:
    fake_google.calendar.put_event("primary", interview("int-acme-1"))
    fake_google.calendar.put_event("primary", interview("int-beta-1", "Beta phone screen"))
    assert len(calendar.events()) == 2
    fake_google.log.clear()
    assert len(calendar.events()) == 2
    assert fake_google.log.http_requests == 1
    fake_google.calendar.user_edit("primary", "int-acme-1", summary="Interview with Acme (2)")
    fake_google.calendar.user_delete("primary", "int-beta-1")
    fake_google.calendar.put_event("primary", interview("int-gamma-1", "Gamma onsite"))
    events = {e.event_id: e.title for e in calendar.events()}
    assert events == {"int-acme-1": "Interview with Acme (2)", "int-gamma-1": "Gamma onsite"}
    sync = [r for r in fake_google.log.requests if r.api_method == "calendar.events.list"][-1]
    assert dict(sync.query).get("syncToken")


def test_paging_and_expired_sync_token(fake_google: FakeGoogle, services: GoogleServices) -> None:
    source = GoogleCalendar(services.calendar, "primary", NY, page_size=2)
    for number in range(5):
        fake_google.calendar.put_event("primary", interview(f"int-{number}"))
    assert len(source.events()) == 5
    fake_google.calendar.user_delete("primary", "int-0")
    fake_google.calendar.expire_sync_tokens()
    fake_google.log.clear()
    assert {e.event_id for e in source.events()} == {f"int-{n}" for n in range(1, 5)}
    statuses = [r.status for r in fake_google.log.requests]
    assert statuses[0] == 410 and all(s == 200 for s in statuses[1:])


def test_snapshot_restore_resumes_incrementally(
    fake_google: FakeGoogle, calendar: GoogleCalendar, services: GoogleServices
) -> None:
    fake_google.calendar.put_event("primary", interview("int-acme-1"))
    first = calendar.events()
    data = json.loads(json.dumps(calendar.snapshot()))
    again = GoogleCalendar(services.calendar, "primary", NY)
    assert again.restore(data)
    fake_google.log.clear()
    assert again.events() == first
    assert fake_google.log.http_requests == 1
    other = GoogleCalendar(services.calendar, "work@example.com", NY)
    assert not other.restore(data) and other.cursor is None
    assert not again.restore({"version": 99})
    assert again.cursor is None


def test_faults_are_retried_with_backoff(
    fake_google: FakeGoogle, calendar: GoogleCalendar, sleeps: list[float]
) -> None:
    fake_google.calendar.put_event("primary", interview("int-acme-1"))
    fake_google.faults.add("calendar.events.list", status=429)
    fake_google.faults.add("calendar.events.list", status=500)
    fake_google.faults.add("calendar.events.list", status=503)
    fake_google.faults.add("calendar.events.list", status=403, reason="userRateLimitExceeded")
    fake_google.faults.add("calendar.events.list", drop_connection=True, times=2)
    assert len(calendar.events()) == 1
    # Throttling (429, rate-limit 403) and failures (5xx, drops) back off on separate counts.
    assert sleeps == [1.0, 1.0, 2.0, 2.0, 4.0]
    faults = [r.fault for r in fake_google.log.requests]
    assert faults == ["status"] * 4 + ["drop", "drop", None]


def test_slow_answer_times_out_and_is_retried(
    fake_google: FakeGoogle, token_file: Any, google_env: FakeGoogle, sleeps: list[float]
) -> None:
    from connectors.google.api import connect

    quick = connect(token_file, timeout=0.3)
    source = GoogleCalendar(quick.calendar, "primary", NY, retry=RetryPolicy(sleep=sleeps.append))
    fake_google.calendar.put_event("primary", interview("int-acme-1"))
    fake_google.faults.add("calendar.events.list", slow=0.6)
    assert len(source.events()) == 1
    assert len(sleeps) == 1


def test_lasting_failure_is_one_clear_line(
    fake_google: FakeGoogle, calendar: GoogleCalendar, sleeps: list[float]
) -> None:
    fake_google.faults.add("calendar.events.list", status=500, times=None)
    with pytest.raises(GoogleApiError) as failure:
        calendar.events()
    assert str(failure.value) == (
        "Calendar events.list (calendar primary): 500 backendError after 5 tries"
    )
    assert len(sleeps) == 4


def test_forbidden_is_not_retried(
    fake_google: FakeGoogle, calendar: GoogleCalendar, sleeps: list[float]
) -> None:
    fake_google.faults.add("calendar.events.list", status=403, times=None)
    with pytest.raises(GoogleApiError, match="403 forbidden$"):
        calendar.events()
    assert sleeps == [] and len(fake_google.log.calls("calendar.events.list")) == 1


def test_invalid_grant_asks_for_followup_auth(
    fake_google: FakeGoogle, calendar: GoogleCalendar
) -> None:
    fake_google.oauth.expire_access_tokens()
    fake_google.oauth.revoke()
    with pytest.raises(AuthError) as failure:
        calendar.events()
    assert failure.value.user_message == INVALID_GRANT


# --- reminders ---------------------------------------------------------------------------------


def test_create_find_and_tag(
    fake_google: FakeGoogle, reminders: GoogleReminders, calendar: GoogleCalendar
) -> None:
    fake_google.calendar.put_event("primary", interview("int-acme-1"))
    written = reminders.create(reminder())
    stored = fake_google.calendar.event("primary", written.remote_id)
    assert stored is not None
    assert stored["extendedProperties"]["private"]["followup_key"] == "int-acme-1/follow_up/1"
    assert stored["extendedProperties"]["private"]["followup_hash"]
    assert stored["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": 0}],
    }
    found = reminders.find_all()
    assert list(found) == ["int-acme-1/follow_up/1"]
    assert found["int-acme-1/follow_up/1"].content_hash == written.content_hash
    assert written.content_hash == reminders.content_hash(reminder())
    assert found["int-acme-1/follow_up/1"].etag == written.etag
    assert reminders.find("int-acme-1/follow_up/1") == found["int-acme-1/follow_up/1"]
    mine = [e for e in calendar.events() if e.created_by_followup]
    assert [e.event_id for e in mine] == [written.remote_id]


def test_update_and_delete_with_etags(reminders: GoogleReminders, fake_google: FakeGoogle) -> None:
    reminders.create(reminder())
    found = reminders.find_all()["int-acme-1/follow_up/1"]
    moved = reminder(starts_at=datetime(2026, 12, 17, 9, 30, tzinfo=NY))
    written = reminders.update(found, moved)
    assert written is not None and written.etag != found.etag
    now = reminders.find_all()["int-acme-1/follow_up/1"]
    assert now.content_hash == reminders.content_hash(moved) == written.content_hash
    update = fake_google.log.calls("calendar.events.update")[-1]
    assert update.status == 200
    assert reminders.delete(now)
    assert reminders.find_all() == {}
    assert reminders.delete(now)  # already gone: nothing to do


def test_user_edits_are_left_alone(reminders: GoogleReminders, fake_google: FakeGoogle) -> None:
    written = reminders.create(reminder())
    found = reminders.find_all()["int-acme-1/follow_up/1"]
    fake_google.calendar.user_edit("primary", written.remote_id, summary="My own words")
    assert reminders.update(found, reminder(title="Newer title")) is None
    assert reminders.delete(found) is False
    stored = fake_google.calendar.event("primary", written.remote_id)
    assert stored is not None and stored["summary"] == "My own words"
    assert stored.get("status") != "cancelled"
    edited = reminders.find_all()["int-acme-1/follow_up/1"]
    assert edited.content_hash != written.content_hash


def test_untagged_events_are_never_touched(
    reminders: GoogleReminders, fake_google: FakeGoogle
) -> None:
    fake_google.calendar.put_event("primary", interview("int-acme-1"))
    before = fake_google.calendar.event("primary", "int-acme-1")
    reminders.create(reminder())
    assert set(reminders.find_all()) == {"int-acme-1/follow_up/1"}
    assert fake_google.calendar.event("primary", "int-acme-1") == before
    written = {r.api_method for r in fake_google.log.requests if r.method != "GET"}
    assert written == {"calendar.events.insert"}


def test_retried_insert_is_not_duplicated(
    reminders: GoogleReminders, fake_google: FakeGoogle
) -> None:
    # The insert is carried out but its answer lost (twice: httplib2 re-sends once itself).
    fake_google.faults.add("calendar.events.insert", lose_answer=True, times=2)
    written = reminders.create(reminder())
    events = fake_google.calendar.events("primary")
    assert [e["id"] for e in events] == [written.remote_id]
    inserts = fake_google.log.calls("calendar.events.insert")
    assert [c.path for c in inserts] == [inserts[0].path] * len(inserts)  # one id, every try
    assert reminders.find_all()["int-acme-1/follow_up/1"].etag == written.etag


def test_faults_on_writes(
    reminders: GoogleReminders, fake_google: FakeGoogle, sleeps: list[float]
) -> None:
    for status in (429, 500, 503):
        fake_google.faults.add("calendar.events.insert", status=status)
    fake_google.faults.add("calendar.events.insert", drop_connection=True, times=2)
    written = reminders.create(reminder())
    assert len(fake_google.calendar.events("primary")) == 1
    found = reminders.find_all()["int-acme-1/follow_up/1"]
    fake_google.faults.add("calendar.events.update", lose_answer=True, times=2)
    moved = reminders.update(found, reminder(title="Moved"))
    assert moved is not None and moved.content_hash == reminders.content_hash(
        reminder(title="Moved")
    )
    assert len(fake_google.calendar.events("primary")) == 1
    fake_google.faults.add("calendar.events.delete", status=503)
    assert reminders.delete(reminders.find_all()["int-acme-1/follow_up/1"])
    assert fake_google.calendar.events("primary") == []
    assert written.remote_id and len(sleeps) == 6


def test_user_deleted_reminder_is_gone_and_a_new_one_gets_a_new_id(
    reminders: GoogleReminders, fake_google: FakeGoogle
) -> None:
    first = reminders.create(reminder())
    fake_google.calendar.user_delete("primary", first.remote_id)
    assert reminders.find_all() == {}
    second = reminders.create(reminder())
    assert second.remote_id != first.remote_id
    assert list(reminders.find_all()) == ["int-acme-1/follow_up/1"]


# --- as real Calendar behaves (issue 11.7) ----------------------------------------------------


def test_any_number_of_delete_and_recreate_cycles_works(
    reminders: GoogleReminders, fake_google: FakeGoogle
) -> None:
    ids = set()
    for _ in range(20):  # ids derived from the key alone ran out after eight
        written = reminders.create(reminder())
        ids.add(written.remote_id)
        fake_google.calendar.user_delete("primary", written.remote_id)  # reserved forever
    assert len(ids) == 20 and reminders.find_all() == {}
    assert list(reminders.find_all()) == [] and reminders.create(reminder()).remote_id


def test_the_owners_self_entry_under_another_address_is_me(
    fake_google: FakeGoogle, services: GoogleServices, fast_retry: RetryPolicy
) -> None:
    from policy.matching import interview_reason
    from policy.models import Settings

    fake_google.calendar.owner_aliases.add("alex@work.example")
    attendees = [
        {"email": "alex@work.example", "responseStatus": "declined"},
        {"email": "sam@acme.com", "displayName": "Sam", "responseStatus": "accepted"},
    ]
    fake_google.calendar.put_event("primary", interview("int-acme-1", attendees=attendees))
    source = GoogleCalendar(services.calendar, "primary", NY, retry=fast_retry, me=ME)
    (event,) = source.events()
    mine = [a for a in event.attendees if a.email == ME]
    assert [a.response for a in mine] == ["declined"]
    assert "alex@work.example" not in {a.email for a in event.attendees}
    settings = Settings(me=frozenset({ME}), timezone=NY)
    assert interview_reason(event, settings) is None  # declined by me: no interview


def test_long_interview_ids_are_stored_hashed_and_read_back(
    reminders: GoogleReminders, fake_google: FakeGoogle, services: GoogleServices, fast_retry: Any
) -> None:
    key = "040000008200e00074c5b7101a82e008" * 40 + "/follow_up/1"  # a 1,292-char id
    wanted = reminder(key=key)
    reminders.content_hash(wanted)
    written = reminders.create(wanted)
    (event,) = fake_google.calendar.events("primary")
    private = event["extendedProperties"]["private"]
    assert all(len(name) <= 44 for name in private)
    assert all(len(value) <= 1024 for value in private.values())
    assert reminders.find_all()[key].remote_id == written.remote_id
    fresh = GoogleReminders(services.calendar, "primary", retry=fast_retry)
    fresh.remember({key: written.remote_id}, {})  # a new process, told the recorded keys
    assert list(fresh.find_all()) == [key]


def test_the_fake_drops_long_property_names_and_cuts_long_values(
    fake_google: FakeGoogle, services: GoogleServices
) -> None:
    calendar: Any = services.calendar
    body = {
        "summary": "x",
        "start": {"dateTime": "2026-12-01T10:00:00Z"},
        "end": {"dateTime": "2026-12-01T11:00:00Z"},
        "extendedProperties": {"private": {"k" * 45: "dropped", "short": "v" * 2000}},
    }
    made = calendar.events().insert(calendarId="primary", body=body).execute()
    assert made["extendedProperties"]["private"] == {"short": "v" * 1024}


def test_an_interview_loop_is_read_per_occurrence_and_a_cancelled_one_goes(
    fake_google: FakeGoogle, calendar: GoogleCalendar
) -> None:
    loop = interview(
        "loop1",
        title="Onsite loop - Acme",
        start={"dateTime": "2026-12-01T10:00:00", "timeZone": "America/New_York"},
        end={"dateTime": "2026-12-01T11:00:00", "timeZone": "America/New_York"},
        recurrence=["RRULE:FREQ=DAILY;COUNT=3"],
    )
    fake_google.calendar.put_event("primary", loop)
    first = sorted(calendar.events(), key=lambda e: e.start_at)
    assert [e.start_at.day for e in first] == [1, 2, 3]
    assert len({e.event_id for e in first}) == 3  # each occurrence its own interview
    fake_google.calendar.user_cancel_occurrence("primary", first[1].event_id)
    later = sorted(calendar.events(), key=lambda e: e.start_at)
    assert [e.start_at.day for e in later] == [1, 3]
    lists = fake_google.log.calls("calendar.events.list")
    assert all(("singleEvents", "true") in c.query for c in lists)
