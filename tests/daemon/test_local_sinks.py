"""One contract for the local writers (reminders .ics, drafts Maildir), plus what each file
format adds: the user's own events kept byte for byte, edits by another program told
apart from a mere re-serialisation, atomic writes."""

from __future__ import annotations

import email
import email.policy
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from connectors.base import DraftMessage, Found, Reminder
from connectors.errors import SourceError
from connectors.local.ics import IcsCalendar
from connectors.local.ics_reminders import IcsReminders, uid_for
from connectors.local.maildir_drafts import KEY_HEADER, MaildirDrafts
from policy.models import Draft

EST = timezone(timedelta(hours=-5))
AT = datetime(2026, 12, 16, 9, 30, tzinfo=EST)


def reminder(key: str, variant: int = 0) -> Reminder:
    return Reminder(
        key=key,
        title=f"Follow up with Acme, round {variant}; soon",
        text=f"Hi Pat,\n\nchecking in (v{variant}) — café\n",
        starts_at=AT + timedelta(days=variant),
    )


def draft(key: str, variant: int = 0) -> DraftMessage:
    return DraftMessage(
        key=key,
        draft=Draft(
            to=("pat@acme.example",),
            subject=f"Re: Interview — next steps {variant}",
            body=f"Hi Pat,\n\nJust checking in (v{variant}). Merci, café.\n",
            thread_id="t1",
            in_reply_to="m1@acme.example",
            references=("m0@acme.example", "m1@acme.example"),
        ),
    )


@dataclass
class Harness:
    sink: Any
    make: Callable[[str, int], Any]
    edit: Callable[[str], None]  # the user edits the item with this key
    remove: Callable[[str], None]  # the user deletes it
    reserialize: Callable[[], None]  # another program rewrites every item, changing nothing
    count: Callable[[str], int]  # copies with this key on disk


def ics_harness(folder: Path) -> Harness:
    path = folder / "reminders.ics"

    def rewrite(change: Callable[[Any], bool]) -> None:
        calendar = Calendar.from_ical(path.read_bytes().decode())
        kept = [c for c in calendar.subcomponents if change(c)]
        calendar.subcomponents[:] = kept
        path.write_bytes(calendar.to_ical())

    def edit(key: str) -> None:
        def change(component: Any) -> bool:
            if str(component.get("X-FOLLOWUP-KEY", "")) == key:
                component["SUMMARY"] = "My own words"
            return True

        rewrite(change)

    def remove(key: str) -> None:
        rewrite(lambda c: str(c.get("X-FOLLOWUP-KEY", "")) != key)

    def count(key: str) -> int:
        if not path.exists():
            return 0
        calendar = Calendar.from_ical(path.read_bytes().decode())
        return sum(1 for e in calendar.walk("VEVENT") if str(e.get("X-FOLLOWUP-KEY")) == key)

    return Harness(
        sink=IcsReminders(path),
        make=reminder,
        edit=edit,
        remove=remove,
        reserialize=lambda: rewrite(lambda c: True),
        count=count,
    )


def maildir_harness(folder: Path) -> Harness:
    root = folder / "drafts"

    def files() -> list[Path]:
        return [p for sub in ("cur", "new") for p in sorted((root / sub).glob("*"))]

    def of(key: str) -> list[Path]:
        found = []
        for path in files():
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if str(message.get(KEY_HEADER, "")) == key:
                found.append(path)
        return found

    def edit(key: str) -> None:
        (path,) = of(key)
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        message.set_content(body + "\nP.S. one more thing I wrote myself.\n")
        path.write_bytes(message.as_bytes())

    def remove(key: str) -> None:
        (path,) = of(key)
        path.unlink()

    def reserialize() -> None:
        # e.g. a mail program that re-saves the draft, moving it and dropping our hash stamp
        for path in files():
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            del message["X-Followup-Hash"]
            path.unlink()
            name = path.name.split(":2,")[0] + ":2,DS"
            (root / "cur" / name).write_bytes(message.as_bytes(policy=email.policy.SMTP))

    return Harness(
        sink=MaildirDrafts(root, sender="Alex Doe <alex@example.com>"),
        make=draft,
        edit=edit,
        remove=remove,
        reserialize=reserialize,
        count=lambda key: len(of(key)),
    )


@pytest.fixture(params=["ics", "maildir"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    return ics_harness(tmp_path) if request.param == "ics" else maildir_harness(tmp_path)


def test_written_items_are_found_by_key_with_the_hash_they_were_written_with(
    harness: Harness,
) -> None:
    sink = harness.sink
    assert sink.find_all() == {}
    written = sink.create(harness.make("acme-1/follow_up/1", 0))
    assert written.content_hash == sink.content_hash(harness.make("acme-1/follow_up/1", 0))
    other = sink.create(harness.make("acme-1/thank_you", 1))
    assert written.remote_id != other.remote_id
    found = sink.find_all()
    assert set(found) == {"acme-1/follow_up/1", "acme-1/thank_you"}
    assert found["acme-1/follow_up/1"] == Found(
        key="acme-1/follow_up/1",
        remote_id=written.remote_id,
        etag=written.etag,
        content_hash=written.content_hash,
    )


def test_a_fresh_sink_finds_the_same(harness: Harness, tmp_path: Path) -> None:
    written = harness.sink.create(harness.make("k/1", 0))
    again = type(harness.sink)(harness.sink.path)  # another process: no memory of the write
    assert again.find_all()["k/1"].content_hash == written.content_hash
    assert again.find_all()["k/1"].etag == written.etag


def test_update_and_delete_only_what_is_still_as_found(harness: Harness) -> None:
    sink = harness.sink
    sink.create(harness.make("k/1", 0))
    found = sink.find_all()["k/1"]
    updated = sink.update(found, harness.make("k/1", 2))
    assert updated is not None
    assert updated.content_hash == sink.content_hash(harness.make("k/1", 2))
    assert sink.find_all()["k/1"].content_hash == updated.content_hash
    # the stale `found` no longer matches: neither update nor delete touch it
    assert sink.update(found, harness.make("k/1", 3)) is None
    assert sink.delete(found) is False
    assert harness.count("k/1") == 1
    assert sink.delete(sink.find_all()["k/1"]) is True
    assert sink.find_all() == {}
    assert harness.count("k/1") == 0


def test_a_users_edit_changes_the_hash_a_reserialisation_does_not(harness: Harness) -> None:
    sink = harness.sink
    first = sink.create(harness.make("k/1", 0))
    second = sink.create(harness.make("k/2", 1))
    harness.reserialize()
    found = sink.find_all()
    assert found["k/1"].content_hash == first.content_hash
    assert found["k/2"].content_hash == second.content_hash
    harness.edit("k/2")
    found = sink.find_all()
    assert found["k/1"].content_hash == first.content_hash
    assert found["k/2"].content_hash != second.content_hash
    assert found["k/2"].etag != second.etag


def test_a_users_deletion_shows_as_absent(harness: Harness) -> None:
    harness.sink.create(harness.make("k/1", 0))
    harness.sink.create(harness.make("k/2", 0))
    harness.remove("k/1")
    assert set(harness.sink.find_all()) == {"k/2"}


def test_create_never_makes_a_second_copy_of_a_key(harness: Harness) -> None:
    """A pass killed after the write but before its record writes the same key again."""
    harness.sink.create(harness.make("k/1", 0))
    harness.sink.create(harness.make("k/1", 0))
    assert harness.count("k/1") == 1


def test_the_hash_does_not_depend_on_the_machines_zone(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    written = harness.sink.create(harness.make("k/1", 0))
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        again = type(harness.sink)(harness.sink.path)
        assert again.find_all()["k/1"].content_hash == written.content_hash
        assert again.content_hash(harness.make("k/1", 0)) == written.content_hash
    finally:
        monkeypatch.undo()
        time.tzset()


# --- the .ics file ---------------------------------------------------------------------

USERS_OWN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Someone//Else//EN\r\n"
    "X-WR-CALNAME:Mine\r\n"
    "BEGIN:VEVENT\r\nUID:dentist-1\r\nDTSTAMP:20261101T000000Z\r\n"
    "DTSTART;TZID=Europe/Paris:20261215T100000\r\nDTEND;TZID=Europe/Paris:20261215T110000\r\n"
    "SUMMARY:Dentist\\, again\r\nDESCRIPTION:a long line that is folded by the program that\r\n"
    "  wrote it\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_the_users_own_events_are_kept_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "reminders.ics"
    path.write_bytes(USERS_OWN.encode())
    sink = IcsReminders(path)
    sink.create(reminder("k/1"))
    sink.create(reminder("k/2"))
    sink.delete(sink.find_all()["k/1"])
    sink.update(sink.find_all()["k/2"], reminder("k/2", 3))
    text = path.read_bytes().decode()
    user_block = USERS_OWN[USERS_OWN.index("BEGIN:VEVENT") : USERS_OWN.index("END:VEVENT")]
    assert user_block in text
    assert text.startswith(USERS_OWN[: USERS_OWN.index("BEGIN:VEVENT")])
    assert set(sink.find_all()) == {"k/2"}
    events = Calendar.from_ical(text).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(["dentist-1", uid_for("k/2")])


def test_reminders_are_valid_icalendar_with_an_alarm_at_start(tmp_path: Path) -> None:
    sink = IcsReminders(tmp_path / "r.ics")
    sink.create(reminder("acme-1/follow_up/1"))
    (event,) = Calendar.from_ical((tmp_path / "r.ics").read_bytes().decode()).walk("VEVENT")
    assert str(event["UID"]) == uid_for("acme-1/follow_up/1")
    assert str(event["X-FOLLOWUP-KEY"]) == "acme-1/follow_up/1"
    assert event["DTSTART"].dt == AT
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=15)
    assert str(event["SUMMARY"]) == reminder("x").title
    assert str(event["DESCRIPTION"]).rstrip() == reminder("x").text.rstrip()
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(0)
    # the reader of the calendar source never takes our reminders for interviews
    (read,) = IcsCalendar(tmp_path / "r.ics", EST).events()  # type: ignore[arg-type]
    assert read.created_by_followup


def test_the_uid_is_stable_when_a_reminder_moves(tmp_path: Path) -> None:
    sink = IcsReminders(tmp_path / "r.ics")
    first = sink.create(reminder("k/1", 0))
    moved = sink.update(sink.find_all()["k/1"], reminder("k/1", 5))
    assert moved is not None and moved.remote_id == first.remote_id == uid_for("k/1")


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    sink = IcsReminders(tmp_path / "r.ics")
    for number in range(5):
        sink.create(reminder(f"k/{number}"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.ics"]


def test_a_file_that_is_not_a_calendar_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "r.ics"
    path.write_text("my shopping list\n")
    sink = IcsReminders(path)
    with pytest.raises(SourceError, match="not an iCalendar file"):
        sink.create(reminder("k/1"))
    assert path.read_text() == "my shopping list\n"


def test_a_change_by_another_program_between_read_and_write_is_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "r.ics"
    sink = IcsReminders(path)
    sink.create(reminder("k/1"))
    sink.find_all()
    # the user's calendar program adds an event just before our next write
    text = path.read_text().replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\r\nUID:mine\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:20261201T100000Z\r\nSUMMARY:Mine\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    path.write_text(text)
    os.utime(path, ns=(1, 1))  # even with an mtime that looks old
    sink.create(reminder("k/2"))
    uids = {str(e["UID"]) for e in Calendar.from_ical(path.read_bytes().decode()).walk("VEVENT")}
    assert "mine" in uids and len(uids) == 3


# --- the Maildir ---------------------------------------------------------------------------


def test_drafts_are_rfc822_messages_with_threading_headers(tmp_path: Path) -> None:
    sink = MaildirDrafts(tmp_path / "drafts", sender="Alex Doe <alex@example.com>")
    written = sink.create(draft("acme-1/follow_up/1"))
    (path,) = (tmp_path / "drafts" / "cur").iterdir()
    assert path.name == f"{written.remote_id}:2,DS"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "pat@acme.example"
    assert message["From"] == "Alex Doe <alex@example.com>"
    assert message["Subject"] == "Re: Interview — next steps 0"
    assert message["In-Reply-To"] == "<m1@acme.example>"
    assert message["References"] == "<m0@acme.example> <m1@acme.example>"
    assert message[KEY_HEADER] == "acme-1/follow_up/1"
    assert message["Date"] and message["Message-ID"]
    body = message.get_body(("plain",))
    assert body is not None and body.get_content_charset() == "utf-8"
    assert "Merci, café." in body.get_content()
    assert not list((tmp_path / "drafts" / "tmp").iterdir())


def test_an_update_keeps_the_file_and_never_adds_a_second_one(tmp_path: Path) -> None:
    root = tmp_path / "drafts"
    sink = MaildirDrafts(root)
    first = sink.create(draft("k/1"))
    updated = sink.update(sink.find_all()["k/1"], draft("k/1", 4))
    assert updated is not None and updated.remote_id == first.remote_id
    assert len(list((root / "cur").iterdir())) == 1
    assert not list((root / "tmp").iterdir())
