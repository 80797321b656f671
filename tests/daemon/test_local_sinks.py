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
from connectors.local.maildir_drafts import MaildirDrafts
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


class Recording:
    """A drafts sink as the daemon uses it: it finds drafts by what was recorded when they
    were written (the daemon's state), since nothing in a draft marks it as ours."""

    def __init__(self, sink: MaildirDrafts, known: dict[str, str] | None = None) -> None:
        self.sink = sink
        self.path = sink.path
        self.known: dict[str, str] = {} if known is None else known

    def content_hash(self, item: DraftMessage) -> str:
        return self.sink.content_hash(item)

    def find_all(self) -> dict[str, Found]:
        self.sink.remember(self.known, {})
        return self.sink.find_all()

    def create(self, item: DraftMessage) -> Any:
        written = self.sink.create(item)
        self.known[item.key] = written.remote_id
        return written

    def update(self, found: Found, item: DraftMessage) -> Any:
        return self.sink.update(found, item)

    def delete(self, found: Found) -> bool:
        done = self.sink.delete(found)
        if done:
            self.known.pop(found.key, None)
        return done

    def fresh(self) -> Recording:
        return Recording(MaildirDrafts(self.path), self.known)


def maildir_harness(folder: Path) -> Harness:
    root = folder / "drafts"
    sink = Recording(MaildirDrafts(root, sender="alex@example.com", sender_name="Alex Doe"))

    def files() -> list[Path]:
        return [p for sub in ("cur", "new") for p in sorted((root / sub).glob("*"))]

    def of(key: str) -> list[Path]:
        ref = sink.known.get(key, "-")
        return [path for path in files() if path.name.split(":2,")[0] == ref]

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
        # e.g. a mail program that re-saves the draft (CRLF, other folding), moving it
        for path in files():
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            path.unlink()
            name = path.name.split(":2,")[0] + ":2,DS"
            (root / "cur" / name).write_bytes(message.as_bytes(policy=email.policy.SMTP))

    return Harness(
        sink=sink,
        make=draft,
        edit=edit,
        remove=remove,
        reserialize=reserialize,
        count=lambda key: len(of(key)),
    )


def _fresh(sink: Any) -> Any:
    return sink.fresh() if isinstance(sink, Recording) else type(sink)(sink.path)


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
    again = _fresh(harness.sink)  # another process: no memory of the write
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
        again = _fresh(harness.sink)
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


def _only_file(root: Path) -> Path:
    (path,) = [p for sub in ("cur", "new") for p in (root / sub).iterdir()]
    return path


def _strict(path: Path) -> email.message.EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.strict)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_drafts_are_messages_a_mail_program_sends_as_they_are(tmp_path: Path) -> None:
    sink = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com", sender_name="Alex Doe")
    item = draft("acme-1/follow_up/1")
    written = sink.create(item)
    path = _only_file(tmp_path / "drafts")
    assert path.parent.name == "cur" and path.name == f"{written.remote_id}:2,DS"
    message = _strict(path)
    assert message["From"] == "Alex Doe <alex@example.com>"
    assert message["To"] == "pat@acme.example"
    assert message["Subject"] == "Re: Interview — next steps 0"
    assert message["In-Reply-To"] == "<m1@acme.example>"
    assert message["References"] == "<m0@acme.example> <m1@acme.example>"
    assert message["Date"].datetime is not None
    assert message["Message-ID"] == f"<{sink.message_id(item)}>"
    assert message["Message-ID"].endswith("@example.com>")
    # nothing of this program reaches the recruiter
    raw = path.read_bytes().decode().lower()
    assert "followup" not in raw and "x-followup" not in raw
    assert not [name for name in message if name.lower().startswith("x-")]
    body = message.get_body(("plain",))
    assert body is not None and body.get_content_charset() == "utf-8"
    assert body.get_param("format") == "flowed"
    assert "Merci, café." in body.get_content()
    assert not list((tmp_path / "drafts" / "tmp").iterdir())


def _find(
    sink: MaildirDrafts, written: dict[str, str], pending: dict[str, str] | None = None
) -> Any:
    sink.remember(written, pending or {})
    return sink.find_all()


def test_a_draft_is_found_by_its_recorded_file_or_an_open_intents_hash(tmp_path: Path) -> None:
    """Crash recovery: a create whose result was not recorded is found by its content."""
    sink = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com")
    item = draft("k/1")
    written = sink.create(item)
    again = MaildirDrafts(tmp_path / "drafts")
    by_file = _find(again, {"k/1": written.remote_id})
    by_hash = _find(again, {}, {"k/1": sink.content_hash(item)})
    assert by_file == by_hash
    assert by_file["k/1"].content_hash == written.content_hash == sink.content_hash(item)
    assert _find(again, {}) == {}
    assert _find(again, {"k/2": "1.Mnothing.host"}, {"k/3": "no such hash"}) == {}
    # a create retried after a crash finds the file by its Message-ID: no second copy
    retried = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com")
    assert retried.create(item).remote_id == written.remote_id
    assert len(list((tmp_path / "drafts" / "cur").iterdir())) == 1


@pytest.mark.parametrize("premade", ["missing", "empty", "only cur"])
def test_the_maildir_is_made_whatever_is_there(tmp_path: Path, premade: str) -> None:
    root = tmp_path / "mail" / "drafts"
    if premade != "missing":
        root.mkdir(parents=True)
    if premade == "only cur":
        (root / "cur").mkdir()
    sink = MaildirDrafts(root, sender="alex@example.com")
    sink.create(draft("k/1"))
    assert sorted(p.name for p in root.iterdir()) == ["cur", "new", "tmp"]
    assert _only_file(root).parent.name == "cur"


def test_long_lines_are_flowed_under_78_and_read_back_whole(tmp_path: Path) -> None:
    text = (
        "Hi Pat,\n\n" + "I enjoyed our conversation about the platform team. " * 6 + "\n"
        "> a quoted line\nFrom the start, thanks.\n"
        "https://example.com/" + "x" * 120 + "\n\n-- \nAlex\n"
    )
    sink = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com")
    item = DraftMessage(key="k/1", draft=Draft(to=("pat@acme.example",), subject="S", body=text))
    written = sink.create(item)
    path = _only_file(tmp_path / "drafts")
    assert all(len(line) < 78 for line in path.read_bytes().decode().splitlines())
    found = _find(sink, {"k/1": written.remote_id})["k/1"]
    assert found.content_hash == written.content_hash
    from connectors.draft_mail import text_of

    read = text_of(_strict(path))
    assert "\n-- \nAlex" in read  # the signature separator keeps its space

    def lines(value: str) -> list[str]:
        return [line.rstrip() for line in value.rstrip().split("\n")]

    assert lines(read) == lines(text)


def test_a_non_ascii_local_part_is_written_as_utf8_never_an_encoded_word(
    tmp_path: Path,
) -> None:
    sink = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com", sender_name="Alex Doe")
    item = DraftMessage(
        key="k/1",
        draft=Draft(
            to=("josé@empresa.es", "李@例子.中国"),
            to_names=("José Álvarez", "李小龙"),
            subject="Gracias — entrevista",
            body="Hola José,\n",
        ),
    )
    written = sink.create(item)
    raw = _only_file(tmp_path / "drafts").read_bytes()
    head = raw.split(b"\n\n", 1)[0].decode("utf-8")
    assert "=?" not in head.split("To:", 1)[1].split("\n", 1)[0]
    assert "josé@empresa.es" in head and "xn--" in head
    assert _find(sink, {"k/1": written.remote_id})["k/1"].content_hash == written.content_hash


def test_a_draft_with_a_broken_address_is_refused_in_one_line(tmp_path: Path) -> None:
    from connectors.draft_mail import DraftRefused

    sink = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com")
    item = DraftMessage(
        key="k/1", draft=Draft(to=("pat@acme.example\nBcc: x@evil.example",), subject="S", body="b")
    )
    with pytest.raises(DraftRefused) as refused:
        sink.create(item)
    assert "\n" not in refused.value.user_message and "pat@" not in refused.value.user_message
    assert not (tmp_path / "drafts" / "cur").exists() or not list(
        (tmp_path / "drafts" / "cur").iterdir()
    )


def test_an_update_keeps_the_file_and_never_adds_a_second_one(tmp_path: Path) -> None:
    root = tmp_path / "drafts"
    sink = MaildirDrafts(root, sender="alex@example.com")
    first = sink.create(draft("k/1"))
    found = _find(sink, {"k/1": first.remote_id})["k/1"]
    updated = sink.update(found, draft("k/1", 4))
    assert updated is not None and updated.remote_id == first.remote_id
    assert len(list((root / "cur").iterdir())) == 1
    assert not list((root / "tmp").iterdir())


def test_a_moved_reminder_bumps_sequence_and_last_modified(tmp_path: Path) -> None:
    sink = IcsReminders(tmp_path / "r.ics")
    sink.create(reminder("k/1", 0))

    def event() -> Any:
        (only,) = Calendar.from_ical((tmp_path / "r.ics").read_bytes().decode()).walk("VEVENT")
        return only

    assert int(event()["SEQUENCE"]) == 0
    assert event()["LAST-MODIFIED"].dt.tzinfo is not None
    sink.update(sink.find_all()["k/1"], reminder("k/1", 5))
    assert int(event()["SEQUENCE"]) == 1
    sink.update(sink.find_all()["k/1"], reminder("k/1", 6))
    assert int(event()["SEQUENCE"]) == 2
    assert event()["DTSTART"].dt == AT + timedelta(days=6)


def test_from_is_the_address_the_recruiter_wrote_to_and_headers_stay_bounded(
    tmp_path: Path,
) -> None:
    references = tuple(f"ref{n}@mail.gmail.com" for n in range(40))
    item = DraftMessage(
        key="k/1",
        draft=Draft(
            to=("sam.lee@datadoghq.com",),
            to_names=("Lee, Sam",),
            subject="Re: " + "Backend Engineer interview, next steps and scheduling " * 8,
            body="Hi Sam,\n",
            in_reply_to="ref39@mail.gmail.com",
            references=(*references, "<not ascii é@x>", "no-at-sign"),
            sender="alex+jobs@example.com",
        ),
    )
    sink = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com", sender_name="Alex Doe")
    sink.create(item)
    message = _strict(_only_file(tmp_path / "drafts"))
    assert message["From"] == "Alex Doe <alex+jobs@example.com>"
    assert message["To"] == '"Lee, Sam" <sam.lee@datadoghq.com>'
    assert message["Message-ID"].endswith("@example.com>")
    refs = str(message["References"]).split()
    assert len(refs) == 10 and refs[0] == "<ref0@mail.gmail.com>"
    assert refs[-1] == "<ref39@mail.gmail.com>" and all(r.isascii() for r in refs)
    assert len(str(message["Subject"])) <= 160 and str(message["Subject"]).endswith("…")
    raw = _only_file(tmp_path / "drafts").read_bytes().decode()
    assert all(len(line) < 79 for line in raw.splitlines())


def test_a_create_retried_over_a_users_edit_reports_it_as_changed(tmp_path: Path) -> None:
    """Killed after the write, then the user edits the draft before the next pass: the retried
    create finds it by its Message-ID and reports the intended hash with an unknown etag, so
    the diff leaves the user's edit alone."""
    sink = MaildirDrafts(tmp_path / "drafts", sender="alex@example.com")
    first = sink.create(draft("k/1"))
    path = _only_file(tmp_path / "drafts")
    path.write_bytes(path.read_bytes().replace(b"Just checking in", b"My own words"))
    again = sink.create(draft("k/1"))
    assert again.remote_id == first.remote_id
    assert again.etag == "" and again.content_hash == first.content_hash
    assert _find(sink, {"k/1": again.remote_id})["k/1"].content_hash != first.content_hash
