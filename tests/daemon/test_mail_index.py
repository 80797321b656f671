"""The mail index (issue 12): local mail read once, incrementally, crash-safe, rebuilt when
damaged; the calendar and the reply readings kept beside it."""

from __future__ import annotations

import logging
import mailbox
import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import daemon.index_sync as index_sync
import daemon.mail_index as mail_index
from connectors.local.maildir import MaildirMail
from connectors.local.mbox import MboxMail, Scanned
from daemon.config import load_config
from daemon.mail_index import CachedCalendar, IndexedMail
from daemon.reply_cache import ReplyStore
from policy.models import Settings, Thread
from policy.planner import plan

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 1, 10, 0, tzinfo=NY)


def mail(
    number: int, *, sender: str = "rita@acme.example", reply_to: int | None = None
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "alex@example.com"
    msg["Subject"] = f"Message {number}"
    msg["Date"] = format_datetime(START + timedelta(hours=number))
    msg["Message-ID"] = f"<m{number}@x>"
    if reply_to is not None:
        msg["In-Reply-To"] = f"<m{reply_to}@x>"
        msg["References"] = f"<m{reply_to}@x>"
    msg.set_content(f"Body {number}. We will get back to you within 2 weeks.\n")
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> None:
    box = mailbox.mbox(str(path), create=True)
    for msg in messages:
        box.add(msg)
    box.close()


def ids(threads: tuple[Thread, ...]) -> list[str]:
    return sorted(m.message_id for t in threads for m in t.messages)


class ScanSpy:
    """Counts what the mbox scan reads, by wrapping `MboxMail.scan`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.starts: list[int] = []
        self.messages = 0
        original = MboxMail.scan

        def scan(reader: MboxMail, start: int = 0, *, first_number: int = 1) -> Iterator[Scanned]:
            self.starts.append(start)
            for found in original(reader, start, first_number=first_number):
                self.messages += 1
                yield found

        monkeypatch.setattr(MboxMail, "scan", scan)


def test_an_appended_mbox_is_read_from_where_it_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(n) for n in range(1, 6)])
    source = IndexedMail("mbox", [MboxMail(box, NY)], tmp_path / "index")
    spy = ScanSpy(monkeypatch)
    assert ids(source.threads()) == [f"m{n}@x" for n in range(1, 6)]
    assert spy.messages == 5
    with box.open("ab") as handle:  # one more message, as a mail program appends it
        handle.write(b"From rita@acme.example Tue Dec  1 20:00:00 2026\n")
        handle.write(mail(6, reply_to=5).as_bytes() + b"\n")
    spy.messages = 0
    assert ids(source.threads()) == [f"m{n}@x" for n in range(1, 7)]
    # Only the last indexed message (read again in case it was still being written) and
    # the new one were scanned.
    assert spy.messages == 2 and spy.starts[-1] > 0
    spy.messages = 0
    source.threads()
    assert spy.messages == 0  # unchanged: not opened at all


def test_a_rewritten_mbox_is_indexed_again_reusing_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(n) for n in range(1, 5)])
    source = IndexedMail("mbox", [MboxMail(box, NY)], tmp_path / "index")
    source.threads()
    parsed: list[bytes] = []
    original = mail_index.read_bodies
    monkeypatch.setattr(mail_index, "read_bodies", lambda raw: parsed.append(raw) or original(raw))
    box.unlink()  # compacted: message 2 deleted, the others rewritten at new offsets
    write_mbox(box, [mail(1), mail(3), mail(4)])
    box.write_bytes(box.read_bytes().replace(b"From MAILER-DAEMON", b"From someone-else"))
    threads = source.threads()
    assert ids(threads) == ["m1@x", "m3@x", "m4@x"]
    assert parsed == []  # every body came from the index: same bytes, same hash
    assert all("Body" in m.body_text for t in threads for m in t.messages)


def test_maildir_new_renamed_and_vanished_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "Mail"
    box = mailbox.Maildir(root, factory=None, create=True)
    keys = [box.add(mail(n)) for n in range(1, 4)]  # in new/
    source = IndexedMail("maildir", [MaildirMail(root, NY)], tmp_path / "index")
    assert ids(source.threads()) == ["m1@x", "m2@x", "m3@x"]
    opened: list[str] = []
    original = MaildirMail.envelope
    monkeypatch.setattr(
        MaildirMail,
        "envelope",
        lambda self, entry, position=0: (
            opened.append(entry.label) or original(self, entry, position)
        ),
    )
    # A mail program moves message 1 to cur/ marked seen and as a draft, deletes message 2,
    # and message 4 arrives.
    [first] = [f for f in os.listdir(root / "new") if f.startswith(keys[0])]
    os.rename(root / "new" / first, root / "cur" / f"{keys[0]}:2,DS")
    box.remove(keys[1])
    box.add(mail(4))
    threads = source.threads()
    assert ids(threads) == ["m1@x", "m3@x", "m4@x"]
    assert len(opened) == 1 and "cur" not in opened[0]  # only the new file was read
    by_id = {m.message_id: m for t in threads for m in t.messages}
    assert by_id["m1@x"].is_draft and not by_id["m3@x"].is_draft


def test_one_maildir_message_in_new_and_cur_is_read_once_and_kept_when_one_goes(
    tmp_path: Path,
) -> None:
    """A sync program interrupted mid-move leaves one unique name in new/ and cur/."""
    root = tmp_path / "Mail"
    box = mailbox.Maildir(root, factory=None, create=True)
    key = box.add(mail(1, sender="alex@example.com"))
    [name] = os.listdir(root / "new")
    source = IndexedMail("maildir", [MaildirMail(root, NY)], tmp_path / "index")
    source.threads()
    shutil.copy(root / "new" / name, root / "cur" / f"{key}:2,DS")  # flagged a draft
    for _ in range(2):  # the same answer on every pass, not one copy then the other
        assert ids(source.threads()) == ["m1@x"]
        assert drafted(source) is False  # the copy indexed first: new/'s
    (root / "new" / name).unlink()  # the move finished: the copy in cur/ is the message
    assert ids(source.threads()) == ["m1@x"]
    assert drafted(source) is True
    (root / "cur" / f"{key}:2,DS").unlink()
    assert ids(source.threads()) == []


def drafted(source: IndexedMail) -> bool:
    """Whether the one message is a draft: its flags tell which file the index holds."""
    [thread] = source.threads()
    return thread.messages[0].is_draft


def test_the_bodies_of_dropped_messages_are_forgotten_and_only_those(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    box = mailbox.Maildir(root, factory=None, create=True)
    keys = [box.add(mail(n)) for n in range(1, 4)]
    source = IndexedMail("maildir", [MaildirMail(root, NY)], tmp_path / "index")
    source.threads()  # reads and caches the three bodies
    box.remove(keys[1])
    keys.append(box.add(mail(4)))
    source.threads()
    index = mail_index.MailIndex(tmp_path / "index")
    cached = {row[0] for row in index.db.execute("SELECT content FROM bodies")}
    index.close()
    assert cached == {f"md:{keys[0]}", f"md:{keys[2]}", f"md:{keys[3]}"}


def orphans(index_path: Path) -> int:
    """People and link rows left pointing at no message."""
    index = mail_index.MailIndex(index_path)
    try:
        (count,) = index.db.execute(
            "SELECT (SELECT count(*) FROM people WHERE message NOT IN (SELECT id FROM messages))"
            " + (SELECT count(*) FROM links WHERE message NOT IN (SELECT id FROM messages))"
        ).fetchone()
        return int(count)
    finally:
        index.close()


def test_a_vanished_message_is_no_longer_found_by_its_participant(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    box = mailbox.Maildir(root, factory=None, create=True)
    box.add(mail(1, sender="Rita <rita@acme.example>"))
    gone = box.add(mail(2, sender="Sam <sam@globex.corp.example>"))
    source = IndexedMail("maildir", [MaildirMail(root, NY)], tmp_path / "index")
    source.set_participants(["sam@globex.corp.example"], [])
    assert ids(source.threads()) == ["m2@x"]
    box.remove(gone)
    assert ids(source.threads()) == []
    source.set_participants([], ["corp.example"])  # found by the parent domain before
    assert ids(source.threads()) == []
    assert orphans(tmp_path / "index") == 0


def test_an_appended_mbox_keeps_the_last_message_it_reads_again(tmp_path: Path) -> None:
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(n) for n in range(1, 4)])
    source = IndexedMail("mbox", [MboxMail(box, NY)], tmp_path / "index")
    source.threads()  # reads and caches the three bodies
    with box.open("ab") as handle:
        handle.write(b"From rita@acme.example Tue Dec  1 20:00:00 2026\n")
        handle.write(mail(4, reply_to=3).as_bytes() + b"\n")
    threads = source.threads()
    assert ids(threads) == ["m1@x", "m2@x", "m3@x", "m4@x"]
    index = mail_index.MailIndex(tmp_path / "index")
    (bodies,) = index.db.execute("SELECT count(*) FROM bodies").fetchone()
    index.close()
    assert bodies == 4  # message 3, dropped and read again, kept its body
    assert orphans(tmp_path / "index") == 0


def test_many_vanished_messages_leave_nothing_behind(tmp_path: Path) -> None:
    """More than a few at once (a folder emptied) go by one scan of each table."""
    root = tmp_path / "Mail"
    box = mailbox.Maildir(root, factory=None, create=True)
    keys = [box.add(mail(n, sender=f"r{n}@acme{n}.example")) for n in range(1, 81)]
    source = IndexedMail("maildir", [MaildirMail(root, NY)], tmp_path / "index")
    source.threads()  # reads and caches the 80 bodies
    for key in keys[:75]:
        box.remove(key)
    source.set_participants(["r3@acme3.example", "r78@acme78.example"], [])
    assert ids(source.threads()) == ["m78@x"]
    index = mail_index.MailIndex(tmp_path / "index")
    cached = {row[0] for row in index.db.execute("SELECT content FROM bodies")}
    index.close()
    assert cached == {f"md:{key}" for key in keys[75:]}
    assert orphans(tmp_path / "index") == 0


def test_participants_choose_threads_and_their_whole_thread(tmp_path: Path) -> None:
    box = tmp_path / "mail.mbox"
    write_mbox(
        box,
        [
            mail(1, sender="rita@acme.example"),
            mail(2, sender="friend@else.example", reply_to=1),  # same thread, not Acme
            mail(3, sender="news@shop.example"),
            mail(4, sender="jobs@acme.myworkday.com"),
        ],
    )
    source = IndexedMail(
        "mbox", [MboxMail(box, NY)], tmp_path / "index", also_domains=("myworkday.com",)
    )
    source.set_participants([], ["acme.example"])
    offered: list[Thread] = []
    threads = source.threads(lambda t: offered.append(t) or True)
    assert ids(threads) == ["m1@x", "m2@x", "m4@x"]  # ATS mail is looked at too
    assert all(m.body_text == "" for t in offered for m in t.messages)  # headers first


def test_a_kill_mid_index_leaves_nothing_half_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(n) for n in range(1, 26)])
    monkeypatch.setattr(index_sync, "_BATCH", 10)
    original = MboxMail.scan
    spy = {"count": 0}

    def dying(reader: MboxMail, start: int = 0, *, first_number: int = 1) -> Iterator[Scanned]:
        for found in original(reader, start, first_number=first_number):
            spy["count"] += 1
            if spy["count"] == 15:
                raise KeyboardInterrupt  # stands in for SIGKILL: the transaction is open
            yield found

    monkeypatch.setattr(MboxMail, "scan", dying)
    source = IndexedMail("mbox", [MboxMail(box, NY)], tmp_path / "index")
    with pytest.raises(KeyboardInterrupt):
        source.threads()
    monkeypatch.setattr(MboxMail, "scan", original)
    index = mail_index.MailIndex(tmp_path / "index")
    row = index.source(str(box))
    stored = index.db.execute("SELECT count(*) FROM messages").fetchone()[0]
    index.close()
    assert row is not None and not row.complete and stored == 10  # one whole batch
    spy = ScanSpy(monkeypatch)
    assert ids(source.threads()) == sorted(f"m{n}@x" for n in range(1, 26))
    assert spy.messages == 16  # went on from the last committed message


def test_a_damaged_index_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(1), mail(2)])
    path = tmp_path / "index"
    path.write_bytes(b"this is not SQLite" * 100)
    caplog.set_level(logging.WARNING)
    source = IndexedMail("mbox", [MboxMail(box, NY)], path)
    assert ids(source.threads()) == ["m1@x", "m2@x"]
    assert any("rebuilding" in r.getMessage() for r in caplog.records)
    assert ids(source.threads()) == ["m1@x", "m2@x"]


def test_no_index_path_reads_through_a_temporary_one(tmp_path: Path) -> None:
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(1)])
    before = set(tmp_path.iterdir())
    assert ids(IndexedMail("mbox", [MboxMail(box, NY)], None).threads()) == ["m1@x"]
    assert set(tmp_path.iterdir()) == before


@pytest.mark.parametrize("kind", ["mbox", "maildir"])
def test_a_throw_away_index_finds_the_same_threads_as_a_kept_one(tmp_path: Path, kind: str) -> None:
    # A cold read keeps envelopes only for wanted participants; a thread member without
    # one (a friend's reply, my own reply from the Sent folder) is read again from its file.
    messages = [
        mail(1, sender="rita@acme.example"),
        mail(2, sender="friend@else.example", reply_to=1),
        mail(3, sender="news@shop.example"),
        mail(4, sender="alex@example.com", reply_to=2),
    ]
    if kind == "mbox":
        box = tmp_path / "mail.mbox"
        write_mbox(box, messages)
        readers: list[MboxMail | MaildirMail] = [MboxMail(box, NY)]
    else:
        root = tmp_path / "Mail"
        inbox = mailbox.Maildir(root, factory=None, create=True)
        sent = inbox.add_folder("Sent")
        for msg in messages[:3]:
            inbox.add(msg)
        sent.add(messages[3])
        readers = [MaildirMail(root, NY)]
    found = []
    for path in (tmp_path / "index", None):
        source = IndexedMail(kind, readers, path)  # type: ignore[arg-type]
        source.set_participants([], ["acme.example"])
        found.append(source.threads())
    assert ids(found[1]) == ["m1@x", "m2@x", "m4@x"]
    assert found[1] == found[0]


def test_mail_path_may_be_a_list(tmp_path: Path) -> None:
    write_mbox(tmp_path / "Inbox", [mail(1)])
    write_mbox(tmp_path / "Sent", [mail(2, sender="alex@example.com", reply_to=1)])
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        '[calendar]\nsource = "ics"\npath = "cal.ics"\n'
        '[mail]\nsource = "mbox"\npath = ["Inbox", "Sent"]\n'
        f'[daemon]\nstate_path = "{tmp_path / "state.sqlite"}"\n'
    )
    config = load_config(config_file)
    assert config.mail_paths == (tmp_path / "Inbox", tmp_path / "Sent")
    assert config.mail_path == tmp_path / "Inbox"
    from daemon.sources import mail_source

    [thread] = mail_source(config).threads()
    assert [m.message_id for m in thread.messages] == ["m1@x", "m2@x"]
    config_file.write_text(config_file.read_text().replace('["Inbox", "Sent"]', "[]"))
    with pytest.raises(Exception, match=r"\[mail\] path"):
        load_config(config_file)


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:acme-1\r\n"
    "DTSTAMP:20261101T000000Z\r\nDTSTART:20261201T150000Z\r\nDTEND:20261201T160000Z\r\n"
    "SUMMARY:Interview with Acme\r\nORGANIZER;CN=Rita:mailto:rita@acme.example\r\n"
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_the_calendar_is_parsed_again_only_when_its_bytes_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cal.ics"
    path.write_text(ICS)
    calendar = CachedCalendar(path, NY, tmp_path / "index")
    first = calendar.events()
    parses: list[int] = []
    import connectors.local.ics as ics  # imported by the cache only when it must parse

    original = ics.read_events
    monkeypatch.setattr(ics, "read_events", lambda *a, **k: parses.append(1) or original(*a, **k))
    assert calendar.events() == first
    os.utime(path, (1, 1))  # touched, same bytes
    assert calendar.events() == first and parses == []
    path.write_text(ICS.replace("Interview with Acme", "Final round with Acme"))
    assert calendar.events()[0].title == "Final round with Acme" and parses == [1]


def test_reply_readings_are_kept_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policy.planner as planner

    path = tmp_path / "cal.ics"
    path.write_text(ICS)
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(1)])  # Tue 12-01 11:00: "within 2 weeks" → P Tue 12-15
    index = tmp_path / "index"
    threads = IndexedMail("mbox", [MboxMail(box, NY)], index).threads()
    events = CachedCalendar(path, NY, index).events()
    settings = Settings(me=frozenset({"alex@example.com"}), timezone=NY)
    now = datetime(2026, 12, 3, 12, 0, tzinfo=NY)
    store = ReplyStore(index, threads, settings)
    first = plan(events, threads, settings, now, replies=store)
    store.flush()
    assert first.applications[0].timeline.promised_on.isoformat() == "2026-12-15"
    calls: list[int] = []
    original = planner.read_reply
    monkeypatch.setattr(planner, "read_reply", lambda *a, **k: calls.append(1) or original(*a, **k))
    again = plan(events, threads, settings, now, replies=ReplyStore(index, threads, settings))
    assert again == first and calls == []
    other = Settings(me=settings.me, timezone=ZoneInfo("Europe/Paris"))  # another reading
    plan(events, threads, other, now, replies=ReplyStore(index, threads, other))
    assert calls == [1]


def test_reply_readings_made_in_a_worker_thread_are_kept_when_dropped_in_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon plans in the scheduler's worker thread; the store is dropped wherever
    its last reference goes. Its readings are written then, with no 'Exception ignored'
    traceback on the user's terminal."""
    import gc
    import sys
    import threading

    calendar = tmp_path / "cal.ics"
    calendar.write_text(ICS)
    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(1)])
    index = tmp_path / "index"
    threads = IndexedMail("mbox", [MboxMail(box, NY)], index).threads()
    events = CachedCalendar(calendar, NY, index).events()
    settings = Settings(me=frozenset({"alex@example.com"}), timezone=NY)
    now = datetime(2026, 12, 3, 12, 0, tzinfo=NY)
    made: list[ReplyStore] = []
    worker = threading.Thread(target=lambda: made.append(ReplyStore(index, threads, settings)))
    worker.start()
    worker.join()
    first = plan(events, threads, settings, now, replies=made[0])
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    made.clear()  # the last reference, dropped in this thread: the finalizer writes
    gc.collect()
    assert unraisable == []
    import policy.planner as planner

    calls: list[int] = []
    original = planner.read_reply
    monkeypatch.setattr(planner, "read_reply", lambda *a, **k: calls.append(1) or original(*a, **k))
    assert (
        plan(events, threads, settings, now, replies=ReplyStore(index, threads, settings)) == first
    )
    assert calls == []  # read from what the dropped store wrote


def test_commands_use_the_index_the_daemon_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from daemon.cli import main

    (tmp_path / "cal.ics").write_text(ICS)
    write_mbox(tmp_path / "mail.mbox", [mail(1)])
    config = tmp_path / "config.toml"
    config.write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        '[calendar]\nsource = "ics"\npath = "cal.ics"\nreminders_path = "out.ics"\n'
        '[mail]\nsource = "mbox"\npath = "mail.mbox"\ndrafts_path = "drafts"\n'
        '[daemon]\nstate_path = "state.sqlite"\n'
    )
    now = ["--config", str(config), "--now", "2026-12-03T12:00:00-05:00"]
    assert main(["plan", *now, "--json"]) == 0
    assert not (tmp_path / "state.sqlite.mail-index").exists()  # plan writes nothing
    assert main(["sync", "--once", *now]) == 0
    assert (tmp_path / "state.sqlite.mail-index").exists()
    spy = ScanSpy(monkeypatch)
    capsys.readouterr()
    assert main(["status", *now]) == 0
    assert "Acme" in capsys.readouterr().out
    assert spy.starts == []  # read from the index, the mbox not opened
    assert main(["status", *now, "--refresh"]) == 0
    assert spy.starts == [0]  # --refresh reads it all again


@pytest.mark.parametrize("kind", ["mbox", "maildir"])
def test_a_huge_message_is_read_only_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    from connectors._email_bodies import MESSAGE_BYTES

    huge = mail(1)
    huge.set_content(
        "We will get back to you by Friday.\n" + ("x" * 70 + "\n") * (MESSAGE_BYTES // 70)
    )
    messages = [huge, mail(2, reply_to=1)]
    if kind == "mbox":
        write_mbox(tmp_path / "mail.mbox", messages)
        reader: MboxMail | MaildirMail = MboxMail(tmp_path / "mail.mbox", NY)
    else:
        box = mailbox.Maildir(str(tmp_path / "Mail"), create=True)
        for msg in messages:
            box.add(msg)
        reader = MaildirMail(tmp_path / "Mail", NY)
    sizes: list[int] = []
    original = mail_index.read_bodies
    monkeypatch.setattr(
        mail_index, "read_bodies", lambda raw: sizes.append(len(raw)) or original(raw)
    )
    caplog.set_level(logging.WARNING)
    threads = IndexedMail(kind, [reader], tmp_path / "index").threads()  # type: ignore[arg-type]
    assert ids(threads) == ["m1@x", "m2@x"]
    assert max(sizes) == MESSAGE_BYTES + 1  # one byte over: enough to know it is cut
    first = next(m for t in threads for m in t.messages if m.message_id == "m1@x")
    assert first.body_text.startswith("We will get back to you by Friday.")
    assert any("only the first 16 MiB read" in r.getMessage() for r in caplog.records)


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from zoneinfo import ZoneInfo
from connectors.errors import SourceError
from connectors.local.mbox import MboxMail
from daemon.mail_index import IndexedMail
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
source = IndexedMail("mbox", [MboxMail(Path(sys.argv[1]), ZoneInfo("UTC"))], Path(sys.argv[2]))
try:
    print(len(source.threads()))
except SourceError as error:
    print(error)
"""


@pytest.mark.parametrize("limit", [0, 8192, 60_000])
def test_a_full_disk_while_indexing_is_one_line_and_the_next_pass_converges(
    tmp_path: Path, limit: int
) -> None:
    import subprocess
    import sys

    box = tmp_path / "mail.mbox"
    write_mbox(box, [mail(n) for n in range(1, 400)])
    path = tmp_path / "index"
    command = [sys.executable, "-c", FULL_DISK, str(box), str(path)]
    done = subprocess.run([*command, str(limit)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.strip() == (
        f"{path}: mail index: the disk is full; free some space, then run again"
    )
    again = subprocess.run([*command, str(1 << 40)], capture_output=True, text=True, timeout=120)
    assert again.stdout.strip() == "399", again.stderr
    spy_free = IndexedMail("mbox", [MboxMail(box, NY)], path).threads()
    assert len(ids(spy_free)) == 399
