"""IcsCalendar / read_events over hand-written .ics files in data/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import SourceError
from connectors.local.ics import IcsCalendar, read_events
from policy.models import Attendee, CalendarEvent, Person

UTC = ZoneInfo("UTC")
Warnings = Callable[[], list[str]]


def by_id(path: Path, tz: ZoneInfo) -> dict[str, CalendarEvent]:
    events = IcsCalendar(path, tz).events()
    return {event.event_id: event for event in events}


def test_tzid_with_vtimezone(data: Path, tz: ZoneInfo) -> None:
    event = by_id(data / "timezones.ics", tz)["tzid-with-vtimezone"]
    assert event.start_at == datetime(2026, 12, 1, 10, 0, tzinfo=tz)
    assert event.end_at == datetime(2026, 12, 1, 11, 0, tzinfo=tz)
    assert event.start_at.utcoffset() == timedelta(hours=-5)
    assert event.title == "Interview with Acme"
    assert not event.all_day


def test_iana_tzid_without_vtimezone(data: Path, tz: ZoneInfo) -> None:
    event = by_id(data / "timezones.ics", tz)["tzid-without-vtimezone"]
    assert event.start_at == datetime(2026, 12, 2, 16, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert event.start_at.tzinfo == tz  # returned in the user's zone
    assert event.start_at.hour == 10


def test_windows_tzid_maps_to_iana(data: Path, tz: ZoneInfo) -> None:
    event = by_id(data / "timezones.ics", tz)["windows-tzid"]
    assert event.start_at == datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_unknown_tzid_is_read_in_the_user_zone_with_one_warning(
    data: Path, tz: ZoneInfo, warnings_logged: Warnings
) -> None:
    event = by_id(data / "timezones.ics", tz)["unknown-tzid"]
    assert event.start_at == datetime(2026, 12, 4, 9, 0, tzinfo=tz)
    lines = [line for line in warnings_logged() if "unknown-tzid" in line]
    assert len(lines) == 1
    assert "timezones.ics" in lines[0] and "Mars/Olympus_Mons" in lines[0]


def test_utc(data: Path, tz: ZoneInfo) -> None:
    event = by_id(data / "timezones.ics", tz)["utc"]
    assert event.start_at == datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    assert event.end_at - event.start_at == timedelta(hours=1)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_floating_time_is_the_user_zone(data: Path, zone: str) -> None:
    user = ZoneInfo(zone)
    event = by_id(data / "timezones.ics", user)["floating"]
    assert event.start_at == datetime(2026, 12, 6, 9, 30, tzinfo=user)
    assert event.start_at.tzinfo is not None


def test_all_day_without_end_lasts_one_day(data: Path, tz: ZoneInfo) -> None:
    event = by_id(data / "all_day.ics", tz)["all-day-no-end"]
    assert event.all_day
    assert event.start_at == datetime(2026, 12, 7, 0, 0, tzinfo=tz)
    assert event.end_at == datetime(2026, 12, 8, 0, 0, tzinfo=tz)


def test_all_day_with_end_and_with_duration(data: Path, tz: ZoneInfo) -> None:
    events = by_id(data / "all_day.ics", tz)
    assert events["all-day-two-days"].end_at == datetime(2026, 12, 10, tzinfo=tz)
    assert events["all-day-duration"].end_at == datetime(2026, 12, 14, tzinfo=tz)
    assert events["all-day-duration"].all_day


def test_timed_event_duration_and_missing_end(data: Path, tz: ZoneInfo) -> None:
    events = by_id(data / "all_day.ics", tz)
    timed = events["timed-duration"]
    assert not timed.all_day
    assert timed.end_at - timed.start_at == timedelta(minutes=45)
    no_end = events["timed-no-end"]
    assert no_end.end_at == no_end.start_at


def test_organizer_attendees_and_text(data: Path, tz: ZoneInfo) -> None:
    event = by_id(data / "people_and_status.ics", tz)["people@example.com"]
    assert event.organizer == Person(email="rita@acme.example", name="Rita Recruiter")
    assert event.attendees == (
        Attendee(email="alex@example.com", name="Alex Doe", response="accepted"),
        Attendee(email="hank@acme.example", name="Hank Manager", response="declined"),
        Attendee(email="pat@acme.example", name="Pat Panel", response="needs-action"),
    )
    assert event.description == "Timeline: 2 weeks\nRound: 1"
    assert event.location == "Acme HQ, Room 4"
    assert not event.cancelled
    assert not event.created_by_followup


def test_cancelled_and_our_own_reminders(data: Path, tz: ZoneInfo) -> None:
    events = by_id(data / "people_and_status.ics", tz)
    assert events["cancelled@example.com"].cancelled
    assert events["reminder@followup"].created_by_followup
    assert not events["reminder@followup"].cancelled


def test_recurring_event_is_read_once_and_overrides_get_their_own_id(
    data: Path, tz: ZoneInfo
) -> None:
    events = by_id(data / "people_and_status.ics", tz)
    assert events["series@example.com"].start_at == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    moved = events["series@example.com/20261214T150000Z"]
    assert moved.start_at == datetime(2026, 12, 14, 17, 0, tzinfo=UTC)
    assert moved.title == "Weekly interview loop (moved)"


def test_folded_lines_non_ascii_and_rfc6868(data: Path, tz: ZoneInfo) -> None:
    event = by_id(data / "folded_non_ascii.ics", tz)["folded-non-ascii"]
    assert event.title == (
        "Entretien d’embauche avec Société Générale — équipe données, deuxième tour"
    )
    assert event.description == (
        "Ligne une\nLigne deux: café ☕ et 日本語のテキスト with a long tail that must fold"
    )
    assert event.organizer == Person(email="zoe@societe.example", name='Zoë "Z" Müller')


def test_a_broken_event_is_skipped_with_one_warning(
    data: Path, tz: ZoneInfo, warnings_logged: Warnings
) -> None:
    events = by_id(data / "broken_event.ics", tz)
    assert sorted(events) == ["good-after", "good-before"]
    lines = warnings_logged()
    assert len([line for line in lines if "bad-start" in line]) == 1
    assert len([line for line in lines if "no-start" in line]) == 1
    assert all(line.startswith(str(data / "broken_event.ics")) for line in lines)


def test_a_damaged_alarm_costs_no_event(
    data: Path, tz: ZoneInfo, warnings_logged: Warnings
) -> None:
    # icalendar refuses this calendar as a whole; alarms are never read, so nothing is lost
    events = by_id(data / "damaged_alarm.ics", tz)
    assert sorted(events) == ["plain", "with-bad-alarm"]


def test_a_calendar_whose_blocks_do_not_balance_is_read_event_by_event(
    data: Path, tz: ZoneInfo, warnings_logged: Warnings
) -> None:
    text = (data / "damaged_alarm.ics").read_text()
    cut = text.replace("END:VEVENT\nBEGIN:VEVENT\nUID:plain", "BEGIN:VEVENT\nUID:plain", 1)
    assert cut != text
    events = read_events(cut.encode(), source="cut.ics", timezone=tz)
    assert "plain" in {event.event_id for event in events}
    assert any("damaged calendar" in line for line in warnings_logged())


def test_several_calendars_in_one_file(data: Path, tz: ZoneInfo, warnings_logged: Warnings) -> None:
    events = by_id(data / "two_calendars.ics", tz)
    assert sorted(events) == ["first-calendar", "second-calendar"]
    # the same UID twice: the higher SEQUENCE wins
    assert events["first-calendar"].title == "Interview with Acme (moved)"
    # METHOD:CANCEL cancels the events it carries
    assert events["second-calendar"].cancelled
    assert not events["first-calendar"].cancelled
    assert len([line for line in warnings_logged() if "repeat an earlier id" in line]) == 1


def test_legacy_encoding(data: Path, tz: ZoneInfo) -> None:
    assert by_id(data / "cp1252.ics", tz)["cp1252"].title == "Entretien à Genève"


def test_read_events_takes_bytes(data: Path, tz: ZoneInfo) -> None:
    raw = (data / "timezones.ics").read_bytes()
    events = read_events(raw, source="calendar.ics", timezone=tz)
    assert len(events) == 6
    assert all(isinstance(event, CalendarEvent) for event in events)


def test_not_a_calendar(data: Path, tz: ZoneInfo) -> None:
    path = data / "not_a_calendar.ics"
    with pytest.raises(SourceError) as caught:
        IcsCalendar(path, tz).events()
    assert caught.value.user_message == f"{path}: not an iCalendar file (no BEGIN:VCALENDAR)"
    assert str(caught.value) == caught.value.user_message


def test_nothing_readable(data: Path, tz: ZoneInfo) -> None:
    with pytest.raises(SourceError, match=r"truncated\.ics: not an iCalendar file"):
        IcsCalendar(data / "truncated.ics", tz).events()


def test_garbage_bytes(tz: ZoneInfo) -> None:
    with pytest.raises(SourceError, match="^cal.ics: not an iCalendar file"):
        read_events(b"\x00\xff\xfe garbage", source="cal.ics", timezone=tz)


def test_empty_calendar_has_no_events(tz: ZoneInfo) -> None:
    raw = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    assert read_events(raw, source="cal.ics", timezone=tz) == ()


def test_missing_file(tmp_path: Path, tz: ZoneInfo) -> None:
    path = tmp_path / "calendar.ics"
    with pytest.raises(SourceError) as caught:
        IcsCalendar(path, tz).events()
    assert str(caught.value) == f"{path}: no such file"


def test_folder_instead_of_file(tmp_path: Path, tz: ZoneInfo) -> None:
    with pytest.raises(SourceError, match="is a folder"):
        IcsCalendar(tmp_path, tz).events()


def test_file_is_read_afresh_each_time(tmp_path: Path, data: Path, tz: ZoneInfo) -> None:
    path = tmp_path / "calendar.ics"
    path.write_bytes((data / "broken_event.ics").read_bytes())
    source = IcsCalendar(path, tz)
    assert len(source.events()) == 2
    path.write_bytes((data / "timezones.ics").read_bytes())
    assert len(source.events()) == 6
