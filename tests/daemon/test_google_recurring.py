"""An interview loop (a recurring series) on Google Calendar, through the daemon's passes:
each occurrence is its own interview, a moved occurrence moves that interview's reminders,
a cancelled one takes its reminders away, and the other occurrences are left as they are.

The series lives in the fake Google beside the ten interviews of `tests.daemon.scenario`;
the passes are the daemon's own (`run_pass`) over the Google connectors.
"""

from __future__ import annotations

from datetime import timedelta

from daemon.diff import is_write
from tests.daemon import test_google_sync
from tests.daemon.test_google_sync import MOMENT, Google

google = test_google_sync.google  # the fixture: the fake Google and the daemon's passes

SERIES = "globexloop1"
LOOP = {
    "id": SERIES,
    "summary": "Interview with Globex",
    "description": "Timeline: within 2 weeks",
    "start": {"dateTime": "2026-12-07T10:00:00", "timeZone": "America/New_York"},
    "end": {"dateTime": "2026-12-07T11:00:00", "timeZone": "America/New_York"},
    "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
    "organizer": {"email": "kim@globex.example", "displayName": "Kim Recruiter"},
    "attendees": [
        {"email": "alex@example.com", "responseStatus": "accepted"},
        {"email": "lee@globex.example", "displayName": "Lee Engineer"},
    ],
}
# The occurrences, by their instance ids (original start 10:00 New York = 15:00 UTC).
FIRST, SECOND, THIRD = (f"{SERIES}_202612{day}T150000Z" for day in ("07", "14", "21"))


def loop_reminders(google: Google) -> dict[str, tuple[str, str]]:
    """What the user sees of the loop in the calendar: reminder key -> (start, event id)."""
    seen = {}
    for key, found in google.sinks.reminders.find_all().items():
        if key.startswith(SERIES):
            event = google.fake.calendar.event("primary", found.remote_id)
            seen[key] = (event["start"]["dateTime"], found.remote_id)
    return seen


def starts(seen: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {key: start for key, (start, _) in seen.items()}


def loop_writes(google: Google, now: object) -> set[str]:
    summary = google.sync(now)  # type: ignore[arg-type]
    return {op.key for op in summary.applied if is_write(op) and op.key.startswith(SERIES)}


def test_each_occurrence_is_its_own_interview(google: Google) -> None:
    google.fake.calendar.put_event("primary", LOOP)
    summary = google.sync(MOMENT[1])
    loop = [a for a in summary.plan.applications if a.interview.interview_id.startswith(SERIES)]
    assert [a.interview.interview_id for a in loop] == [FIRST, SECOND, THIRD]
    assert [a.interview.start_at.day for a in loop] == [7, 14, 21]
    # The later occurrences close the earlier ones as a next round; the last one is open.
    assert [a.state.value for a in loop] == ["closed", "closed", "scheduled"]
    assert starts(loop_reminders(google)) == {
        f"{FIRST}/thank_you": "2026-12-07T12:00:00-05:00",
        f"{SECOND}/thank_you": "2026-12-14T12:00:00-05:00",
        f"{THIRD}/prep": "2026-12-21T09:30:00-05:00",
        f"{THIRD}/thank_you": "2026-12-21T12:00:00-05:00",
        f"{THIRD}/follow_up/1": "2027-01-05T09:30:00-05:00",
    }


def test_a_moved_occurrence_moves_its_reminders_and_only_those(google: Google) -> None:
    google.fake.calendar.put_event("primary", LOOP)
    google.sync(MOMENT[1])
    before = loop_reminders(google)
    # The user moves the last round two days later ("this event" in Google's dialog).
    google.fake.calendar.user_edit_occurrence(
        "primary",
        THIRD,
        start={"dateTime": "2026-12-23T10:00:00", "timeZone": "America/New_York"},
        end={"dateTime": "2026-12-23T11:00:00", "timeZone": "America/New_York"},
    )
    google.fake.log.clear()
    written = loop_writes(google, MOMENT[1] + timedelta(minutes=5))
    reads = [
        c for c in google.fake.log.calls("calendar.events.list") if "syncToken" in dict(c.query)
    ]
    assert len(reads) == 1  # the interviews: one incremental read
    after = loop_reminders(google)
    assert starts(after) == {
        f"{FIRST}/thank_you": "2026-12-07T12:00:00-05:00",
        f"{SECOND}/thank_you": "2026-12-14T12:00:00-05:00",
        f"{THIRD}/prep": "2026-12-23T09:30:00-05:00",
        f"{THIRD}/thank_you": "2026-12-23T12:00:00-05:00",
        f"{THIRD}/follow_up/1": "2027-01-07T09:30:00-05:00",  # two weeks from the new day
    }
    assert written == {f"{THIRD}/prep", f"{THIRD}/thank_you", f"{THIRD}/follow_up/1"}
    for key in (f"{FIRST}/thank_you", f"{SECOND}/thank_you"):
        assert after[key] == before[key]  # the same event, untouched
    assert loop_writes(google, MOMENT[1] + timedelta(minutes=10)) == set()


def test_an_occurrence_moved_in_the_data_is_read_where_it_is(google: Google) -> None:
    google.fake.calendar.put_event("primary", LOOP)
    google.fake.calendar.put_event(
        "primary",
        {
            "recurringEventId": SERIES,
            "originalStartTime": {"dateTime": "2026-12-14T10:00:00-05:00"},
            "start": {"dateTime": "2026-12-15T14:00:00-05:00"},
            "end": {"dateTime": "2026-12-15T15:00:00-05:00"},
        },
    )
    google.sync(MOMENT[1])
    assert starts(loop_reminders(google))[f"{SECOND}/thank_you"] == "2026-12-15T16:00:00-05:00"


def test_a_cancelled_occurrence_drops_that_interview_and_its_reminders(google: Google) -> None:
    google.fake.calendar.put_event("primary", LOOP)
    google.sync(MOMENT[1])
    before = loop_reminders(google)
    google.fake.calendar.user_cancel_occurrence("primary", SECOND)
    summary = google.sync(MOMENT[1] + timedelta(minutes=5))
    ids = [a.interview.interview_id for a in summary.plan.applications]
    assert SECOND not in ids and FIRST in ids and THIRD in ids
    removed = {op.key for op in summary.applied if is_write(op) and op.key.startswith(SERIES)}
    assert removed == {f"{SECOND}/thank_you"}
    after = loop_reminders(google)
    assert f"{SECOND}/thank_you" not in after
    assert after == {k: v for k, v in before.items() if k != f"{SECOND}/thank_you"}
    gone = google.fake.calendar.event("primary", before[f"{SECOND}/thank_you"][1])
    assert gone["status"] == "cancelled"  # deleted from the calendar, not just forgotten
    assert not any(k.startswith(SECOND) for k, _ in google.state.tombstones())
    assert loop_writes(google, MOMENT[1] + timedelta(minutes=10)) == set()


def test_cancelling_the_last_round_reopens_the_one_before(google: Google) -> None:
    """Cancelling the last round: the one before it is no longer closed by a next round,
    so it gets its prep and its follow-up; the cancelled round's reminders go."""
    google.fake.calendar.put_event("primary", LOOP)
    google.sync(MOMENT[1])
    google.fake.calendar.user_cancel_occurrence("primary", THIRD)
    google.sync(MOMENT[1] + timedelta(minutes=5))
    assert starts(loop_reminders(google)) == {
        f"{FIRST}/thank_you": "2026-12-07T12:00:00-05:00",
        f"{SECOND}/prep": "2026-12-14T09:30:00-05:00",
        f"{SECOND}/thank_you": "2026-12-14T12:00:00-05:00",
        f"{SECOND}/follow_up/1": "2026-12-29T09:30:00-05:00",
    }
    assert loop_writes(google, MOMENT[1] + timedelta(minutes=10)) == set()
