"""MboxMail over mailboxes written with the stdlib, as check.py and Gmail Takeout write them."""

from __future__ import annotations

import email.policy
import mailbox
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage, Message
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import SourceError
from connectors.local.mbox import MboxMail
from policy.models import Message as Mail
from policy.models import Person, Thread

MakeMessage = Callable[..., EmailMessage]
WriteMbox = Callable[..., Path]
Warnings = Callable[[], list[str]]


def read(path: Path, tz: ZoneInfo, keep: Callable[[Thread], bool] | None = None) -> list[Thread]:
    return list(MboxMail(path, tz).threads(keep))


def only_message(threads: list[Thread]) -> Mail:
    assert len(threads) == 1 and len(threads[0].messages) == 1
    return threads[0].messages[0]


def test_plain_message_fields(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    msg = make_message(
        to="Alex Doe <ALEX@Example.com>, hr@acme.example",
        headers={"Cc": '"Manager, Hank" <hank@acme.example>'},
    )
    [thread] = read(write_mbox([msg]), tz)
    [message] = thread.messages
    assert message.message_id == "m1@acme.example"
    assert thread.thread_id == message.thread_id == "m1@acme.example"
    assert message.sender == Person(email="rita@acme.example", name="Rita Recruiter")
    assert message.to == (
        Person(email="alex@example.com", name="Alex Doe"),
        Person(email="hr@acme.example"),
    )
    assert message.cc == (Person(email="hank@acme.example", name="Manager, Hank"),)
    assert message.subject == "Your interview with Acme"
    assert message.sent_at == datetime(2026, 12, 1, 10, 0, tzinfo=tz)
    assert message.body_text == "Thanks for coming in.\n"
    assert message.body_html == ""
    assert message.headers == ()
    assert not message.is_draft


def test_quoted_printable(make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo) -> None:
    body = "Café au lait — déjà vu. " * 5 + "\n"
    path = write_mbox([make_message(body=body, cte="quoted-printable")])
    assert b"=C3=A9" in path.read_bytes()
    assert only_message(read(path, tz)).body_text == body


def test_base64(make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo) -> None:
    body = "Grüße aus Köln — we would like to invite you to a second round.\n"
    path = write_mbox([make_message(body=body, cte="base64")])
    assert "Köln".encode() not in path.read_bytes()
    assert only_message(read(path, tz)).body_text == body


def test_iso_8859_1_body_and_encoded_subject(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    body = "Merci pour l'entretien à Genève, nous revenons vers vous sous quinze jours.\n"
    msg = make_message(
        body=body,
        subject="Entretien à Genève — suite",
        charset="iso-8859-1",
        cte="quoted-printable",
        sender="Zoë Müller <zoe@societe.example>",
    )
    path = write_mbox([msg])
    raw = path.read_bytes()
    assert b"iso-8859-1" in raw and b"=E0" in raw and b"=?utf-8?" in raw
    message = only_message(read(path, tz))
    assert message.body_text == body
    assert message.subject == "Entretien à Genève — suite"
    assert message.sender == Person(email="zoe@societe.example", name="Zoë Müller")


def test_html_only(make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo) -> None:
    html = "<p>We will get back to you <b>within two weeks</b>.</p>\n"
    message = only_message(read(write_mbox([make_message(html=html, html_only=True)]), tz))
    assert message.body_text == ""
    assert message.body_html == html


def test_text_and_html_alternatives(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    msg = make_message(body="Plain words.\n", html="<p>Rich words.</p>\n")
    message = only_message(read(write_mbox([msg]), tz))
    assert message.body_text == "Plain words.\n"
    assert message.body_html == "<p>Rich words.</p>\n"


def test_attachment_text_is_not_the_body(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    msg = make_message(body="See the attached notes.\n")
    msg.add_attachment("secret notes", filename="notes.txt")
    message = only_message(read(write_mbox([msg]), tz))
    assert message.body_text == "See the attached notes.\n"


def test_unknown_charset_is_replaced_not_fatal(write_mbox: WriteMbox, tz: ZoneInfo) -> None:
    msg = Message()  # compat32: lets us declare a charset nobody knows
    msg["From"] = "rita@acme.example"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 -0500"
    msg["Message-ID"] = "<odd@acme.example>"
    msg["Content-Type"] = 'text/plain; charset="x-made-up-charset"'
    msg["Content-Transfer-Encoding"] = "base64"
    msg.set_payload("Y2Fm6SBvaw==\n")  # b"caf\xe9 ok"
    message = only_message(read(write_mbox([msg]), tz))
    assert message.body_text == "caf\ufffd ok"


def test_gmail_thread_ids_group_messages(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=tz)
    messages = [
        make_message(message_id="a@x", date=start, headers={"X-GM-THRID": "1700000000000000001"}),
        make_message(message_id="b@x", date=start + timedelta(hours=1), subject="Other"),
        make_message(
            message_id="c@x",
            date=start + timedelta(hours=2),
            subject="Changed subject, same Gmail thread",
            headers={"X-GM-THRID": "1700000000000000001"},
        ),
    ]
    threads = read(write_mbox(messages), tz)
    assert [t.thread_id for t in threads] == ["1700000000000000001", "b@x"]
    assert [m.message_id for m in threads[0].messages] == ["a@x", "c@x"]
    assert {m.thread_id for m in threads[0].messages} == {"1700000000000000001"}


def test_references_group_messages_oldest_first(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=tz)
    later = start + timedelta(days=2)
    messages = [  # file order is not date order
        make_message(
            message_id="r2@x", date=later, in_reply_to="r1@x", references=["r0@x", "r1@x"]
        ),
        make_message(message_id="r0@x", date=start),
        make_message(message_id="other@x", date=start + timedelta(hours=5)),
        make_message(
            message_id="r1@x",
            date=start + timedelta(days=1),
            in_reply_to="r0@x",
            references=["r0@x"],
        ),
    ]
    threads = read(write_mbox(messages), tz)
    assert [t.thread_id for t in threads] == ["r0@x", "other@x"]
    assert [m.message_id for m in threads[0].messages] == ["r0@x", "r1@x", "r2@x"]
    assert threads[0].messages[2].in_reply_to == "r1@x"
    assert threads[0].messages[2].references == ("r0@x", "r1@x")


def test_thread_id_is_the_root_even_when_the_root_is_missing(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=tz)
    messages = [
        make_message(message_id="s1@x", date=start, in_reply_to="s0@x", references=["s0@x"]),
        make_message(
            message_id="s2@x",
            date=start + timedelta(hours=1),
            in_reply_to="s1@x",
            references=["s0@x", "s1@x"],
        ),
    ]
    [thread] = read(write_mbox(messages), tz)
    assert thread.thread_id == "s0@x"


def test_a_damaged_message_is_skipped_with_a_warning(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo, warnings_logged: Warnings
) -> None:
    damaged = mailbox.mboxMessage(make_message(message_id="bad@x", date="not a date at all"))
    damaged.set_from("MAILER-DAEMON")  # and no date on the From_ line either
    messages = [make_message(message_id="good1@x"), damaged, make_message(message_id="good2@x")]
    path = write_mbox(messages)
    threads = read(path, tz)
    assert sorted(t.thread_id for t in threads) == ["good1@x", "good2@x"]
    [line] = warnings_logged()
    assert line == f"{path}: message 2 skipped: no usable Date"


def test_missing_date_falls_back_to_the_from_line(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    msg = mailbox.mboxMessage(make_message(date=None))
    msg.set_from("rita@acme.example", time.gmtime(datetime(2026, 12, 2, 15, 4, 5).timestamp()))
    message = only_message(read(write_mbox([msg]), tz))
    expected = datetime.fromtimestamp(datetime(2026, 12, 2, 15, 4, 5).timestamp(), UTC)
    assert message.sent_at == expected


@pytest.mark.parametrize("date", ["Tue, 01 Dec 2026 10:00:00", "Tue, 01 Dec 2026 10:00:00 -0000"])
def test_date_without_zone_is_the_user_zone(
    date: str, make_message: MakeMessage, write_mbox: WriteMbox
) -> None:
    user = ZoneInfo("Europe/Paris")
    message = only_message(read(write_mbox([make_message(date=date)]), user))
    assert message.sent_at == datetime(2026, 12, 1, 10, 0, tzinfo=user)


def test_keep_sees_headers_only_and_bodies_come_for_kept_threads(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    messages = [
        make_message(message_id="k@x", subject="Interview next steps", body="Keep me.\n"),
        make_message(message_id="d@x", subject="Weekly digest", body="Drop me.\n"),
    ]
    offered: list[Thread] = []

    def keep(thread: Thread) -> bool:
        offered.append(thread)
        return "interview" in thread.subject.lower()

    threads = read(write_mbox(messages), tz, keep)
    assert len(offered) == 2
    assert all(m.body_text == "" and m.body_html == "" for t in offered for m in t.messages)
    assert [t.thread_id for t in threads] == ["k@x"]
    assert threads[0].messages[0].body_text == "Keep me.\n"
    assert threads[0].messages[0].subject == "Interview next steps"


def test_policy_headers_and_garbage_recipients(write_mbox: WriteMbox, tz: ZoneInfo) -> None:
    msg = Message()  # compat32: policy.default raises on reading this To header
    msg["From"] = "Acme Careers <no-reply@acme.example>"
    msg["To"] = "unlisted-recipients:; (no To-header on input)"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 -0500"
    msg["Subject"] = "Out of office"
    msg["Auto-Submitted"] = "auto-replied"
    msg["Precedence"] = "bulk"
    msg["X-Mailer"] = "Acme"
    msg.set_payload("I am away.\n")
    message = only_message(read(write_mbox([msg]), tz))
    assert message.to == ()
    assert message.headers == (("auto-submitted", "auto-replied"), ("precedence", "bulk"))
    assert message.header("Auto-Submitted") == "auto-replied"
    assert message.message_id.startswith("nomsgid-")


def test_synthesised_message_id_is_stable(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    path = write_mbox([make_message(message_id=None)])
    first = only_message(read(path, tz))
    again = only_message(read(path, tz))
    assert first.message_id == again.message_id
    assert first.message_id.startswith("nomsgid-")


@pytest.mark.parametrize("labels", ["Opened,Draft", "Drafts", "Category Personal, Draft"])
def test_gmail_draft_label(
    labels: str, make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    msg = make_message(headers={"X-Gmail-Labels": labels})
    assert only_message(read(write_mbox([msg]), tz)).is_draft


def test_not_a_draft_label(make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo) -> None:
    msg = make_message(headers={"X-Gmail-Labels": "Inbox,Important,Opened"})
    assert not only_message(read(write_mbox([msg]), tz)).is_draft


def test_repeated_message_id_is_read_once(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    [thread] = read(write_mbox([make_message(), make_message()]), tz)
    assert len(thread.messages) == 1


def test_unquoted_from_line_in_a_body_stays_in_the_body(
    make_message: MakeMessage, tmp_path: Path, tz: ZoneInfo
) -> None:
    # mailbox.mbox would quote it as ">From"; other writers do not.
    body = "Hello,\n\nFrom time to time we review applications.\n\nFrom the team\n"
    first = make_message(message_id="one@x", body=body).as_bytes()
    second = make_message(message_id="two@x").as_bytes()
    path = tmp_path / "mail.mbox"
    path.write_bytes(
        b"From rita@acme.example Tue Dec  1 15:00:00 2026\n"
        + first
        + b"\nFrom rita@acme.example Tue Dec  1 16:00:00 2026\n"
        + second
    )
    threads = read(path, tz)
    assert [t.thread_id for t in threads] == ["one@x", "two@x"]
    assert threads[0].messages[0].body_text == body


def test_crlf_takeout_style(make_message: MakeMessage, tmp_path: Path, tz: ZoneInfo) -> None:
    parts = []
    for number in (1, 2):
        msg = make_message(
            message_id=f"t{number}@x",
            headers={"X-GM-THRID": "1800000000000000000", "X-Gmail-Labels": "Inbox"},
            body=f"Message {number}.\n",
        )
        parts.append(
            f"From 18000000000000000{number}@xxx Tue Dec 01 15:00:00 +0000 2026\r\n".encode()
            + msg.as_bytes(policy=email.policy.SMTP)
            + b"\r\n"
        )
    path = tmp_path / "takeout.mbox"
    path.write_bytes(b"".join(parts))
    [thread] = read(path, tz)
    assert thread.thread_id == "1800000000000000000"
    assert [m.body_text for m in thread.messages] == ["Message 1.\n", "Message 2.\n"]
    assert thread.messages[0].sender.email == "rita@acme.example"


def test_large_messages_across_read_chunks(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    big = ("A fairly long line of text that repeats. " * 40 + "\n") * 3000  # ~5 MB
    messages = [
        make_message(message_id="big@x", body=big),
        make_message(message_id="small@x", body="Short.\n"),
    ]
    threads = read(write_mbox(messages), tz)
    bodies = {t.thread_id: t.messages[0].body_text for t in threads}
    assert bodies == {"big@x": big, "small@x": "Short.\n"}


def test_empty_file_has_no_threads(tmp_path: Path, tz: ZoneInfo) -> None:
    path = tmp_path / "empty.mbox"
    path.write_bytes(b"")
    assert read(path, tz) == []


def test_not_an_mbox(tmp_path: Path, tz: ZoneInfo) -> None:
    path = tmp_path / "notes.mbox"
    path.write_text("Dear diary,\nFrom today on I will follow up.\n")
    with pytest.raises(SourceError) as caught:
        read(path, tz)
    assert str(caught.value) == f"{path}: not an mbox file (no 'From ' line first)"


def test_missing_file(tmp_path: Path, tz: ZoneInfo) -> None:
    path = tmp_path / "mail.mbox"
    with pytest.raises(SourceError) as caught:
        read(path, tz)
    assert caught.value.user_message == f"{path}: no such file"


@pytest.mark.skipif(not os.environ.get("FOLLOWUP_BENCH"), reason="set FOLLOWUP_BENCH=1 to run")
def test_bench_20000_messages(tmp_path: Path, tz: ZoneInfo) -> None:
    """Not a timed test: prints how long 20,000 messages take, keeping about 1% of threads."""
    path = tmp_path / "big.mbox"
    start = datetime(2026, 1, 1, tzinfo=tz)
    with path.open("wb") as out:
        for number in range(20_000):
            interview = number % 100 == 0
            msg = EmailMessage()
            msg["From"] = f"Recruiter {number} <r{number}@acme.example>"
            msg["To"] = "Alex Doe <alex@example.com>"
            msg["Subject"] = ("Interview " if interview else "Digest ") + str(number)
            msg["Date"] = (start + timedelta(minutes=3 * number)).strftime(
                "%a, %d %b %Y %H:%M:%S -0500"
            )
            msg["Message-ID"] = f"<m{number}@example.test>"
            msg.set_content("Lorem ipsum dolor sit amet. " * 40)
            out.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + msg.as_bytes() + b"\n")
    began = time.perf_counter()
    threads = read(path, tz, lambda thread: thread.subject.startswith("Interview"))
    elapsed = time.perf_counter() - began
    assert len(threads) == 200
    print(f"\n20,000 messages ({path.stat().st_size / 1e6:.0f} MB): {elapsed:.2f} s")


def test_takeout_labels_are_read_and_spam_and_trash_skipped(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    messages = [
        make_message(message_id="sent@x", headers={"X-Gmail-Labels": "Sent,Opened"}),
        make_message(message_id="spam@x", headers={"X-Gmail-Labels": "Spam"}),
        make_message(message_id="trash@x", headers={"X-Gmail-Labels": "Opened,Trash"}),
        make_message(message_id="inbox@x", headers={"X-Gmail-Labels": "Inbox"}),
    ]
    threads = read(write_mbox(messages), tz)
    labels = {t.thread_id: t.messages[0].labels for t in threads}
    assert labels == {"sent@x": ("Sent", "Opened"), "inbox@x": ("Inbox",)}


def test_escaped_from_lines_are_read_as_written(
    make_message: MakeMessage, tmp_path: Path, tz: ZoneInfo
) -> None:
    # mboxrd (RFC 4155): the writer escaped "From " as ">From " and ">From " as ">>From ".
    path = tmp_path / "mail.mbox"
    raw = make_message(message_id="one@x", body="Hello,\n\nPLACEHOLDER\n").as_bytes()
    raw = raw.replace(
        b"PLACEHOLDER",
        b">From our side, we will get back to you by Friday.\n>>From a quoted line.",
    )
    path.write_bytes(b"From rita@acme.example Tue Dec  1 15:00:00 2026\n" + raw + b"\n")
    body = only_message(read(path, tz)).body_text
    assert "\nFrom our side, we will get back to you by Friday.\n" in body
    assert "\n>From a quoted line." in body


def test_a_promise_on_an_escaped_from_line_is_not_lost(
    make_message: MakeMessage, tmp_path: Path, tz: ZoneInfo
) -> None:
    from policy.business_days import BusinessCalendar
    from policy.replies import new_text
    from policy.timeline import find_statement

    path = tmp_path / "mail.mbox"
    msg = make_message(message_id="one@x", body="Hi Alex,\n\nFrom here we will decide by Friday.\n")
    box = mailbox.mbox(str(path), create=True)  # the stdlib writes ">From here ..."
    box.add(msg)
    box.close()
    assert b"\n>From here" in path.read_bytes()
    text = new_text(only_message(read(path, tz)))
    # Sent Tue 2026-12-01: "by Friday" is the first Friday after, Fri 12-04.
    statement = find_statement(text, date(2026, 12, 1), BusinessCalendar("US"))
    assert statement is not None and statement.promised_on == date(2026, 12, 4)


_FORGED = (
    b"From bob@beta.example Wed Dec  2 10:00:00 2026\n"
    b"From: Bob Recruiter <bob@beta.example>\n"
    b"To: alex@example.com\n"
    b"Subject: Re: Interview with Beta\n"
    b"Date: Wed, 02 Dec 2026 10:00:00 -0500\n"
    b"Message-ID: <forged@beta.example>\n"
    b"\n"
    b"Unfortunately we have decided to move forward with other candidates.\n"
)


def _carrier(kind: str) -> bytes:
    """A mail from anyone whose body pastes a forged From_ line and headers, unescaped."""
    head = (
        b"From mallory@else.example Tue Dec  1 15:00:00 2026\n"
        b"From: Mallory <mallory@else.example>\n"
        b"To: alex@example.com\n"
        b"Subject: Notes\n"
        b"Date: Tue, 01 Dec 2026 15:00:00 -0500\n"
        b"Message-ID: <carrier@else.example>\n"
    )
    if kind == "multipart":
        return (
            head + b'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b1"\n\n'
            b"--b1\nContent-Type: text/plain\n\nSee below.\n\n" + _FORGED + b"\n"
            b"--b1\nContent-Type: text/html\n\n<p>See below.</p>\n--b1--\n"
        )
    body = b"See below.\n\n" + _FORGED
    return head + b"Content-Length: %d\n\n" % len(body) + body


def _beta_reply() -> bytes:
    return (
        b"From bob@beta.example Wed Dec  2 11:00:00 2026\n"
        b"From: Bob Recruiter <bob@beta.example>\n"
        b"To: alex@example.com\n"
        b"Subject: Re: Interview with Beta\n"
        b"Date: Wed, 02 Dec 2026 11:00:00 -0500\n"
        b"Message-ID: <real@beta.example>\n"
        b"\n"
        b"Thanks again, we will be in touch within 2 weeks.\n"
    )


@pytest.mark.parametrize("kind", ["multipart", "content-length"])
def test_a_body_never_creates_a_message(kind: str, tmp_path: Path, tz: ZoneInfo) -> None:
    from policy.models import Attendee, CalendarEvent, Settings
    from policy.planner import plan

    path = tmp_path / "mail.mbox"
    path.write_bytes(_carrier(kind) + b"\n" + _beta_reply())
    threads = read(path, tz)
    ids = sorted(m.message_id for t in threads for m in t.messages)
    assert ids == ["carrier@else.example", "real@beta.example"]  # the real one still splits
    carrier = next(t for t in threads if t.thread_id == "carrier@else.example")
    assert "move forward with other candidates" in carrier.messages[0].body_text

    # Beta's interview Tue 2026-12-01 10:00; the forged "rejection" must not close it: the
    # real reply of Wed 12-02 says "within 2 weeks" → P Wed 12-16, follow-up Thu 12-17.
    start = datetime(2026, 12, 1, 10, 0, tzinfo=tz)
    beta = CalendarEvent(
        event_id="beta-1",
        title="Interview with Beta",
        start_at=start,
        end_at=start + timedelta(hours=1),
        organizer=Person(email="bob@beta.example"),
        attendees=(Attendee(email="alex@example.com"),),
    )
    settings = Settings(me=frozenset({"alex@example.com"}), timezone=tz)
    [app] = plan([beta], threads, settings, datetime(2026, 12, 3, 12, 0, tzinfo=tz)).applications
    assert app.outcome is None
    assert app.timeline.promised_on == date(2026, 12, 16)


def test_a_wrong_content_length_falls_back_to_the_from_lines(tmp_path: Path, tz: ZoneInfo) -> None:
    first = _beta_reply().replace(b"\n\nThanks", b"\nContent-Length: 4\n\nThanks")
    second = _beta_reply().replace(b"real@", b"second@")
    path = tmp_path / "mail.mbox"
    path.write_bytes(first + b"\n" + second)
    ids = sorted(m.message_id for t in read(path, tz) for m in t.messages)
    assert ids == ["real@beta.example", "second@beta.example"]


def test_bulk_headers_are_kept(
    make_message: MakeMessage, write_mbox: WriteMbox, tz: ZoneInfo
) -> None:
    msg = make_message(
        headers={"List-Id": "Acme careers <careers.acme.example>", "List-Unsubscribe": "<x>"}
    )
    message = only_message(read(write_mbox([msg]), tz))
    assert message.header("list-id") == "Acme careers <careers.acme.example>"
    assert message.header("list-unsubscribe") == "<x>"


def test_a_huge_message_is_streamed_not_held(tmp_path: Path, tz: ZoneInfo) -> None:
    """Scanning holds one read chunk and one header block, not the 48 MB message; the
    message after it is still found, and its hash is that of its bytes."""
    import hashlib
    import tracemalloc

    first = _beta_reply().replace(b"real@", b"big@")
    filler = b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n"
    path = tmp_path / "mail.mbox"
    with path.open("wb") as out:
        out.write(first)
        for _ in range(48):
            out.write(filler * ((1 << 20) // len(filler)))
        out.write(b"\n" + _beta_reply())
    size = path.stat().st_size
    assert size > 40 << 20
    tracemalloc.start()
    try:
        found = list(MboxMail(path, tz).scan())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [f.envelope.message_id for f in found if f.envelope] == [
        "big@beta.example",
        "real@beta.example",
    ]
    assert peak < 16 << 20
    data = path.read_bytes()
    body = data[data.index(b"\n") + 1 : found[0].end]
    assert found[0].content_hash == hashlib.blake2b(body, digest_size=16).hexdigest()
