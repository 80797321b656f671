"""MaildirMail over Maildir folders built with `mailbox.Maildir`."""

from __future__ import annotations

import mailbox
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import SourceError
from connectors.local.maildir import MaildirMail
from policy.models import Message, Thread

MakeMessage = Callable[..., EmailMessage]
Warnings = Callable[[], list[str]]


def put(
    box: mailbox.Maildir,
    msg: EmailMessage,
    *,
    subdir: Literal["cur", "new"] = "cur",
    flags: str = "S",
) -> str:
    stored = mailbox.MaildirMessage(msg)
    stored.set_subdir(subdir)
    if subdir == "cur":
        stored.set_flags(flags)
    return box.add(stored)


def messages(threads: tuple[Thread, ...]) -> dict[str, Message]:
    return {m.message_id: m for t in threads for m in t.messages}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "Mail"


@pytest.fixture
def maildir(root: Path) -> mailbox.Maildir:
    return mailbox.Maildir(root, factory=None, create=True)


def test_cur_new_sent_and_drafts(
    root: Path, maildir: mailbox.Maildir, make_message: MakeMessage, tz: ZoneInfo
) -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=tz)
    put(maildir, make_message(message_id="in@x", date=start))
    put(maildir, make_message(message_id="new@x", subject="New one"), subdir="new")
    put(maildir, make_message(message_id="flagged-draft@x"), flags="DS")
    sent = maildir.add_folder("Sent")
    put(
        sent,
        make_message(
            message_id="reply@x",
            sender="Alex Doe <alex@example.com>",
            to="rita@acme.example",
            date=start + timedelta(hours=2),
            in_reply_to="in@x",
            references=["in@x"],
        ),
    )
    drafts = maildir.add_folder("Drafts")
    put(drafts, make_message(message_id="drafted@x"), flags="")
    put(maildir.add_folder("Archive"), make_message(message_id="archived@x"))

    threads = MaildirMail(root, tz).threads()
    read = messages(threads)
    assert sorted(read) == ["drafted@x", "flagged-draft@x", "in@x", "new@x", "reply@x"]
    assert read["flagged-draft@x"].is_draft
    assert read["drafted@x"].is_draft
    assert not read["in@x"].is_draft and not read["reply@x"].is_draft
    [conversation] = [t for t in threads if t.thread_id == "in@x"]
    assert [m.message_id for m in conversation.messages] == ["in@x", "reply@x"]
    assert read["reply@x"].body_text == "Thanks for coming in.\n"
    # A message in Sent is labelled so: mine whatever its From (POLICY.md "me").
    assert read["reply@x"].labels == ("Sent",)
    assert read["in@x"].labels == ()


def test_plain_sent_subfolder(
    root: Path, maildir: mailbox.Maildir, make_message: MakeMessage, tz: ZoneInfo
) -> None:
    plain = mailbox.Maildir(root / "Sent Items", factory=None, create=True)
    put(plain, make_message(message_id="sent@x"))
    read = messages(MaildirMail(root, tz).threads())
    assert list(read) == ["sent@x"]
    assert read["sent@x"].labels == ("Sent",)


def test_a_folder_named_drafts_holds_drafts(
    tmp_path: Path, make_message: MakeMessage, tz: ZoneInfo
) -> None:
    box = mailbox.Maildir(tmp_path / "Drafts", factory=None, create=True)
    put(box, make_message(message_id="d@x"), flags="S")
    assert messages(MaildirMail(tmp_path / "Drafts", tz).threads())["d@x"].is_draft


def test_missing_date_uses_the_file_time(
    root: Path, maildir: mailbox.Maildir, make_message: MakeMessage, tz: ZoneInfo
) -> None:
    key = put(maildir, make_message(message_id="undated@x", date=None))
    moment = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)
    path = next((root / "cur").glob(f"{key}*"))
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    read = messages(MaildirMail(root, tz).threads())
    assert read["undated@x"].sent_at == moment


def test_a_damaged_message_is_skipped_with_a_warning(
    root: Path,
    maildir: mailbox.Maildir,
    make_message: MakeMessage,
    tz: ZoneInfo,
    warnings_logged: Warnings,
) -> None:
    put(maildir, make_message(message_id="good@x"))
    junk = root / "cur" / "1700000000.junk.host:2,S"
    junk.write_bytes(b"X-Junk: " + b"x" * (2 << 20))  # one endless header, no body
    read = messages(MaildirMail(root, tz).threads())
    assert list(read) == ["good@x"]
    [line] = warnings_logged()
    assert line == f"{root}: cur/{junk.name} skipped: header block too long"


def test_keep_filters_before_bodies(
    root: Path, maildir: mailbox.Maildir, make_message: MakeMessage, tz: ZoneInfo
) -> None:
    put(maildir, make_message(message_id="a@x", subject="Interview"))
    put(maildir, make_message(message_id="b@x", subject="Newsletter"))
    seen: list[str] = []

    def keep(thread: Thread) -> bool:
        seen.extend(m.body_text for m in thread.messages)
        return thread.subject == "Interview"

    threads = MaildirMail(root, tz).threads(keep)
    assert seen == ["", ""]
    assert [t.thread_id for t in threads] == ["a@x"]
    assert threads[0].messages[0].body_text == "Thanks for coming in.\n"


def test_missing_folder(tmp_path: Path, tz: ZoneInfo) -> None:
    with pytest.raises(SourceError) as caught:
        MaildirMail(tmp_path / "nowhere", tz).threads()
    assert str(caught.value) == f"{tmp_path / 'nowhere'}: no such folder"


def test_a_file_is_not_a_maildir(tmp_path: Path, tz: ZoneInfo) -> None:
    path = tmp_path / "mail.mbox"
    path.write_text("")
    with pytest.raises(SourceError, match="not a folder"):
        MaildirMail(path, tz).threads()


def test_a_plain_folder_is_not_a_maildir(tmp_path: Path, tz: ZoneInfo) -> None:
    with pytest.raises(SourceError, match=r"not a Maildir folder \(no cur/ or new/\)"):
        MaildirMail(tmp_path, tz).threads()
