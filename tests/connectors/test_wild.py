"""Every real-world file in ../shared/wild is read or refused with a SourceError, never a crash."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import SourceError
from connectors.local.ics import IcsCalendar
from connectors.local.maildir import MaildirMail
from connectors.local.mbox import MboxMail
from policy.models import CalendarEvent, Message, Person

WILD = (Path(__file__).parents[2] / ".." / "shared" / "wild").resolve()
CALENDARS = sorted((WILD / "calendars").glob("*.ics")) if WILD.is_dir() else []
MAILS = sorted((WILD / "mail").glob("*.eml")) if WILD.is_dir() else []
MBOXES = sorted((WILD / "mail").glob("*.mbox")) if WILD.is_dir() else []
TZ = ZoneInfo("America/New_York")

Warnings = Callable[[], list[str]]
pytestmark = pytest.mark.skipif(not WILD.is_dir(), reason=f"{WILD} is not here")


def assert_refusal(error: SourceError, path: Path) -> None:
    assert str(error) == error.user_message
    assert error.user_message.startswith(f"{path}: ") or error.user_message.startswith(
        f"{path.name}: "
    )
    assert "\n" not in error.user_message


def assert_person(person: Person) -> None:
    assert person.email == person.email.lower()


def assert_message(message: Message) -> None:
    assert message.message_id and message.thread_id
    assert message.sent_at.tzinfo is not None and message.sent_at.utcoffset() is not None
    for person in message.participants:
        assert_person(person)
    assert all(name == name.lower() for name, _ in message.headers)


@pytest.mark.parametrize("path", CALENDARS, ids=[p.name for p in CALENDARS])
def test_calendar_is_read_or_refused(path: Path, warnings_logged: Warnings) -> None:
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        try:
            events = IcsCalendar(path, TZ).events()
        except SourceError as error:
            assert_refusal(error, path)
            assert warnings_logged() == []  # a refused file says one line, nothing more
            events = ()
    assert [str(w.message) for w in escaped] == []  # icalendar's warnings become log lines
    for event in events:
        assert isinstance(event, CalendarEvent)
        assert event.event_id
        assert event.start_at.utcoffset() is not None and event.end_at.utcoffset() is not None
        assert event.end_at >= event.start_at
        if event.organizer is not None:
            assert_person(event.organizer)
        for attendee in event.attendees:
            assert attendee.email == attendee.email.lower() and attendee.response
    for line in warnings_logged():  # one line each, naming the file
        assert line.startswith(f"{path}: ")


@pytest.mark.parametrize("path", MAILS, ids=[p.name for p in MAILS])
def test_mail_is_read_or_skipped(path: Path, tmp_path: Path, warnings_logged: Warnings) -> None:
    """Each .eml as a local reader meets it: one file of a Maildir, read or skipped."""
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "cur" / "1700000000.M1P1.wild:2,S").write_bytes(path.read_bytes())
    threads = MaildirMail(root, TZ).threads()
    messages = [m for t in threads for m in t.messages]
    assert len(messages) <= 1
    for message in messages:
        assert_message(message)
    for line in warnings_logged():  # one line each, naming the folder
        assert line.startswith(f"{root}: ")


@pytest.mark.parametrize("path", MBOXES, ids=[p.name for p in MBOXES])
def test_mbox_is_read_or_refused(path: Path, warnings_logged: Warnings) -> None:
    try:
        threads = MboxMail(path, TZ).threads()
    except SourceError as error:
        assert_refusal(error, path)
    else:
        for thread in threads:
            assert thread.messages
            for message in thread.messages:
                assert_message(message)
                assert message.thread_id == thread.thread_id
    for line in warnings_logged():
        assert line.startswith(f"{path}: ")


def test_some_files_in_particular() -> None:
    def events(name: str) -> tuple[CalendarEvent, ...]:
        return IcsCalendar(WILD / "calendars" / name, TZ).events()

    # several VCALENDAR blocks in one export
    assert len(events("132-bm-event_multiplevcalendar.ics")) == 2
    assert len(events("114-bm-lotus.ics")) > 10
    # junk lines before the calendar: read event by event
    assert len(events("138-bm-ics-test-bad-content.ics")) > 10
    # alarms icalendar refuses do not lose their events
    assert len(events("115-bm-obm.ics")) > 10
    with pytest.raises(SourceError, match="no BEGIN:VCALENDAR"):
        events("013-ical-fuzz_testcase_0_char_in_component_name.ics")
    # an unquoted "From " in a body does not split the message
    [thread] = MboxMail(WILD / "mail" / "121-cpython-mailbox_01.mbox", TZ).threads()
    assert "From time to time" in thread.messages[0].body_text
    # Gmail-style mbox: four messages, one thread each
    assert len(MboxMail(WILD / "mail" / "123-mimekit-issue1189.mbox", TZ).threads()) == 4
