"""CONDSTORE/QRESYNC (RFC 7162) against a real Dovecot, and the fallback on a Dovecot that
does not offer them (`imap_capability` without CONDSTORE, QRESYNC, UIDPLUS): what an idle
pass costs, and how flag changes and expunges reach the threads."""

from __future__ import annotations

import json

import pytest

from connectors.imap.mail import ImapMail
from tests.contract.test_imap_mail import ZONE, account, acme, commands, fill, message
from tests.servers.dovecot import Dovecot
from tests.servers.fixtures import (  # noqa: F401
    own_dovecot_server,
    plain_dovecot,
    plain_dovecot_server,
)


@pytest.fixture
def dovecot(own_dovecot_server: Dovecot) -> Dovecot:  # noqa: F811
    """These tests count commands, so they use a server no crash test has left sessions on."""
    own_dovecot_server.reset()
    own_dovecot_server.clear_rawlog()
    return own_dovecot_server


def store(server: Dovecot, folder: str, sequence: str, change: str, flags: str) -> None:
    client = server.connect()
    client.select(folder)
    client.store(sequence, change, flags)
    client.logout()


def expunge(server: Dovecot, folder: str, sequence: str) -> None:
    store(server, folder, sequence, "+FLAGS.SILENT", "(\\Deleted)")
    client = server.connect()
    client.select(folder)
    client.expunge()
    client.logout()


def ids(source: ImapMail) -> list[list[str]]:
    return sorted([m.message_id for m in t.messages] for t in source.threads())


def sent_lines(server: Dovecot) -> list[str]:
    return [line.split(" ", 1)[1] for line in server.rawlog_lines() if " " in line]


def test_idle_pass_is_one_status_with_highestmodseq_per_folder(dovecot: Dovecot) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE)
    source.threads()
    dovecot.clear_rawlog()
    source.threads()
    assert commands(dovecot) == ["STATUS", "STATUS", "LOGOUT"]
    assert all("HIGHESTMODSEQ" in line for line in sent_lines(dovecot) if "STATUS" in line)


def test_a_message_flagged_deleted_leaves_the_thread_and_comes_back_unflagged(
    dovecot: Dovecot,
) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE)
    assert ids(source) == [["n1@news.example"], ["r1@acme.example", "a1@example.com"]]
    store(dovecot, "INBOX", "1", "+FLAGS.SILENT", "(\\Deleted)")  # Rita's message
    dovecot.clear_rawlog()
    assert ids(source) == [["a1@example.com"], ["n1@news.example"]]
    # Only what changed was asked for: no header re-read, no search over the folder.
    sent = sent_lines(dovecot)
    assert any("CHANGEDSINCE" in line for line in sent)
    assert not any("HEADER.FIELDS" in line and " 1:* " in f" {line} " for line in sent)
    assert "SEARCH" not in commands(dovecot)

    store(dovecot, "INBOX", "1", "-FLAGS.SILENT", "(\\Deleted)")
    assert ids(source) == [["n1@news.example"], ["r1@acme.example", "a1@example.com"]]


def test_expunges_are_seen_by_vanished_without_a_search(dovecot: Dovecot) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE)
    source.threads()
    expunge(dovecot, "INBOX", "2")  # the digest
    dovecot.clear_rawlog()
    assert ids(source) == [["r1@acme.example", "a1@example.com"]]
    sent = sent_lines(dovecot)
    assert any("VANISHED" in line for line in sent)
    assert "SEARCH" not in commands(dovecot)


def test_a_draft_flag_set_or_cleared_changes_the_message(dovecot: Dovecot) -> None:
    fill(dovecot)
    source = ImapMail(account(dovecot), ZONE)
    (thread,) = source.threads(acme)
    assert [m.is_draft for m in thread.messages] == [False, False]
    store(dovecot, "Sent", "1", "+FLAGS.SILENT", "(\\Draft)")
    (thread,) = source.threads(acme)
    assert [m.is_draft for m in thread.messages] == [False, True]
    store(dovecot, "Sent", "1", "-FLAGS.SILENT", "(\\Draft)")
    (thread,) = source.threads(acme)
    assert [m.is_draft for m in thread.messages] == [False, False]


def test_a_resumed_process_keeps_the_modseq_and_sees_changes_since(dovecot: Dovecot) -> None:
    fill(dovecot)
    first = ImapMail(account(dovecot), ZONE)
    first.threads()
    saved = json.loads(json.dumps(first.snapshot()))
    store(dovecot, "INBOX", "2", "+FLAGS.SILENT", "(\\Deleted)")  # while no daemon ran
    resumed = ImapMail(account(dovecot), ZONE)
    assert resumed.restore(saved)
    dovecot.clear_rawlog()
    assert ids(resumed) == [["r1@acme.example", "a1@example.com"]]
    assert "SEARCH" not in commands(dovecot)
    assert any("CHANGEDSINCE" in line for line in sent_lines(dovecot))
    dovecot.clear_rawlog()
    resumed.threads()
    assert commands(dovecot) == ["STATUS", "STATUS", "LOGOUT"]


def test_without_condstore_new_mail_and_expunges_still_come_through(
    plain_dovecot: Dovecot,  # noqa: F811 (the fixture imported above)
) -> None:
    fill(plain_dovecot)
    source = ImapMail(account(plain_dovecot), ZONE)
    assert len(source.threads()) == 2
    plain_dovecot.clear_rawlog()
    source.threads()
    assert commands(plain_dovecot) == ["STATUS", "STATUS", "LOGOUT"]
    sent = sent_lines(plain_dovecot)
    assert not any("HIGHESTMODSEQ" in line or "ENABLE" in line for line in sent)

    plain_dovecot.append(
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
    expunge(plain_dovecot, "INBOX", "2")  # the digest
    plain_dovecot.clear_rawlog()
    assert ids(source) == [["r1@acme.example", "a1@example.com", "r2@acme.example"]]
    # The expunge is found by listing the folder's UIDs, CHANGEDSINCE is never sent.
    assert "SEARCH" in commands(plain_dovecot)
    assert not any("CHANGEDSINCE" in line for line in sent_lines(plain_dovecot))
