"""The IMAP mail source against a real Dovecot: folders, threads, bodies only for the
threads kept, incremental passes (one STATUS per folder when idle), UIDVALIDITY changes."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import SourceError
from connectors.imap.mail import ImapMail
from connectors.imap.session import Account
from connectors.secrets import from_command
from tests.servers.dovecot import Dovecot

ZONE = ZoneInfo("America/New_York")


def account(server: Dovecot, **changes: object) -> Account:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "username": server.user,
        "password": lambda: server.password,
    }
    values.update(changes)
    return Account(**values)  # type: ignore[arg-type]


def message(
    mid: str, sender: str, to: str, subject: str, date: str, body: str, reply_to: str = ""
) -> bytes:
    lines = [
        f"Message-ID: <{mid}>",
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {date}",
    ]
    if reply_to:
        lines += [f"In-Reply-To: <{reply_to}>", f"References: <{reply_to}>"]
    lines += ["Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


def fill(server: Dovecot) -> None:
    server.append(
        "INBOX",
        message(
            "r1@acme.example",
            "Rita <rita@acme.example>",
            "alex@example.com",
            "Interview next week",
            "Tue, 01 Dec 2026 10:00:00 -0500",
            "We will decide in 2 weeks.",
        ),
    )
    server.append(
        "Sent",
        message(
            "a1@example.com",
            "alex@example.com",
            "rita@acme.example",
            "Re: Interview next week",
            "Tue, 01 Dec 2026 12:00:00 -0500",
            "Thank you!",
            reply_to="r1@acme.example",
        ),
        flags="\\Seen",
    )
    server.append(
        "INBOX",
        message(
            "n1@news.example",
            "news@news.example",
            "alex@example.com",
            "Weekly digest",
            "Tue, 01 Dec 2026 09:00:00 -0500",
            "Nothing for you.",
        ),
    )


def acme(thread: object) -> bool:
    return any(m.sender.email == "rita@acme.example" for m in thread.messages)  # type: ignore[attr-defined]


def fetched_bodies(server: Dovecot) -> list[str]:
    return [line for line in server.rawlog_lines() if "BODY.PEEK[]" in line]


def commands(server: Dovecot) -> list[str]:
    names = []
    for line in server.rawlog_lines():
        match = re.match(r"^\S+ \S+ (?:UID )?([A-Z]+)", line)
        if match:
            names.append(match.group(1))
    return names


def test_reads_inbox_and_sent_into_threads_with_bodies_only_for_kept(dovecot: Dovecot) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE)
    (thread,) = source.threads(acme)
    assert [m.message_id for m in thread.messages] == ["r1@acme.example", "a1@example.com"]
    assert thread.messages[0].body_text.strip() == "We will decide in 2 weeks."
    assert thread.messages[1].body_text.strip() == "Thank you!"
    assert thread.messages[1].sent_at.utcoffset() is not None
    # Two bodies asked for, in one FETCH per folder; the digest's never.
    assert len(fetched_bodies(dovecot)) == 2
    every = source.threads()
    assert len(every) == 2


def test_an_idle_pass_is_one_status_per_folder_and_new_mail_is_read(dovecot: Dovecot) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE)
    source.threads(acme)
    dovecot.clear_rawlog()
    source.threads(acme)
    # The rawlog starts after LOGIN (it is written by the mail process).
    assert commands(dovecot) == ["STATUS", "STATUS", "LOGOUT"]

    dovecot.append(
        "INBOX",
        message(
            "r2@acme.example",
            "rita@acme.example",
            "alex@example.com",
            "Re: Interview next week",
            "Wed, 09 Dec 2026 10:00:00 -0500",
            "We went with another candidate.",
            reply_to="a1@example.com",
        ),
    )
    dovecot.clear_rawlog()
    (thread,) = source.threads(acme)
    assert [m.message_id for m in thread.messages][-1] == "r2@acme.example"
    assert "another candidate" in thread.messages[-1].body_text
    # Only the new message's body was fetched; the two read before came from memory.
    assert len(fetched_bodies(dovecot)) == 1


def test_expunged_mail_goes_and_a_new_uidvalidity_is_a_full_re_read(dovecot: Dovecot) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE)
    assert len(source.threads()) == 2
    client = dovecot.connect()
    client.select("INBOX")
    client.store("2", "+FLAGS.SILENT", "(\\Deleted)")  # the digest
    client.expunge()
    client.logout()
    assert len(source.threads()) == 1

    # Deleting and re-creating Sent gives it a new UIDVALIDITY; the old UIDs mean nothing.
    client = dovecot.connect()
    client.delete("Sent")
    client.create("Sent")
    client.logout()
    (thread,) = source.threads()
    assert [m.message_id for m in thread.messages] == ["r1@acme.example"]


def test_folders_override_the_special_use_ones(dovecot: Dovecot) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE, folders=("Sent",))
    (thread,) = source.threads()
    assert [m.message_id for m in thread.messages] == ["a1@example.com"]


def test_security_none_is_refused_off_loopback(dovecot: Dovecot) -> None:
    source = ImapMail(account(dovecot, host="imap.example.com"), ZONE)
    with pytest.raises(SourceError, match="only allowed for a loopback host"):
        source.threads()


def test_a_wrong_password_is_one_line_without_it(dovecot: Dovecot) -> None:
    source = ImapMail(account(dovecot, password=lambda: "not-the-password"), ZONE)
    with pytest.raises(SourceError) as raised:
        source.threads()
    assert "login refused" in str(raised.value)
    assert "not-the-password" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_password_command_first_line_and_a_failing_one_named() -> None:
    assert from_command("printf 'hunter2\\nsecond line\\n'", "[mail]") == "hunter2"
    with pytest.raises(SourceError, match=r"password_command: false failed \(exit status 1\)"):
        from_command("false", "[mail]")
    with pytest.raises(SourceError, match="no-such-program-x: no such program"):
        from_command("no-such-program-x --flag", "[mail]")
    # No shell: a `;` is an argument, not a second command.
    assert from_command("echo a;rm", "[mail]") == "a;rm"


def test_tls_and_starttls_check_the_certificate(
    dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(dovecot)
    for security, port in (("tls", dovecot.tls_port), ("starttls", dovecot.port)):
        source = ImapMail(account(dovecot, security=security, port=port), ZONE)
        with pytest.raises(SourceError, match="certificate is not trusted"):
            source.threads()
    # Trusted (the system's store pointed at the server's certificate): the same works.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.root / "cert.pem"))
    for security, port in (("tls", dovecot.tls_port), ("starttls", dovecot.port)):
        for host in ("127.0.0.1", "localhost"):
            source = ImapMail(account(dovecot, security=security, port=port, host=host), ZONE)
            assert len(source.threads()) == 2


def test_a_snapshot_lets_another_process_resume_with_one_status_per_folder(
    dovecot: Dovecot,
) -> None:
    import json

    fill(dovecot)
    first = ImapMail(account(dovecot), ZONE)
    before = first.threads(acme)
    saved = json.loads(json.dumps(first.snapshot()))
    assert first.cursor is not None
    resumed = ImapMail(account(dovecot), ZONE)
    assert resumed.restore(saved)
    dovecot.clear_rawlog()
    assert resumed.threads(acme) == before
    # Only the kept thread's bodies are fetched again (they are not in the snapshot).
    assert [c for c in commands(dovecot) if c not in ("EXAMINE", "FETCH", "CLOSE")] == [
        "STATUS",
        "STATUS",
        "LOGOUT",
    ]
    other = ImapMail(account(dovecot, username="someone@example.com"), ZONE)
    assert not other.restore(saved)
