"""The IMAP drafts writer against a real Dovecot: APPEND with \\Draft in the recruiter's
thread, found again by what is recorded, and a user's edit, send or deletion respected."""

from __future__ import annotations

import email
import email.policy

from connectors.base import DraftMessage
from connectors.draft_mail import text_of
from connectors.imap.drafts import ImapDrafts, message_id_for
from connectors.imap.session import Account
from policy.models import Draft
from tests.servers.dovecot import Dovecot

KEY = "acme-1/thank_you"


def sink(server: Dovecot) -> ImapDrafts:
    account = Account(
        host="127.0.0.1",
        port=server.port,
        security="none",
        username=server.user,
        password=lambda: server.password,
    )
    return ImapDrafts(account, sender="alex@example.com", sender_name="Alex", domain="example.com")


def draft(body: str = "Thank you for your time today.", key: str = KEY) -> DraftMessage:
    return DraftMessage(
        key=key,
        draft=Draft(
            to=("rita@acme.example",),
            subject="Re: Interview next week",
            body=body,
            in_reply_to="r1@acme.example",
            references=("r0@acme.example", "r1@acme.example"),
        ),
    )


def drafts_in(server: Dovecot) -> list[tuple[bytes, email.message.Message]]:
    client = server.connect()
    try:
        typ, count = client.select("Drafts")
        if count[0] == b"0":
            return []
        _, data = client.fetch("1:*", "(FLAGS BODY.PEEK[])")
        return [
            (item[0], email.message_from_bytes(item[1], policy=email.policy.default))
            for item in data
            if isinstance(item, tuple)
        ]
    finally:
        client.logout()


def replace_by_hand(server: Dovecot, body: str, keep_id: bool = True) -> None:
    """What a mail program does on an edit: append the new version, expunge the old one."""
    ((_, old),) = drafts_in(server)
    old.set_content(body)
    if not keep_id:
        del old["Message-ID"]
        old["Message-ID"] = "<edited.by.thunderbird@example.com>"
    client = server.connect()
    client.select("Drafts")
    client.store("1", "+FLAGS.SILENT", "(\\Deleted)")
    client.expunge()
    client.append("Drafts", "(\\Draft \\Seen)", None, old.as_bytes())
    client.logout()


def test_a_draft_is_appended_with_the_draft_flag_in_the_thread(dovecot: Dovecot) -> None:
    drafts = sink(dovecot)
    written = drafts.create(draft())
    ((flags, message),) = drafts_in(dovecot)
    assert b"\\Draft" in flags
    assert message["In-Reply-To"] == "<r1@acme.example>"
    assert message["References"] == "<r0@acme.example> <r1@acme.example>"
    assert message["To"] == "rita@acme.example"
    assert message.get_content().strip() == "Thank you for your time today."
    assert not [name for name in message if name.lower().startswith("x-followup")]
    drafts.remember({KEY: written.remote_id}, {})
    found = drafts.find_all()
    assert found[KEY].content_hash == drafts.content_hash(draft())
    assert found[KEY].remote_id == written.remote_id
    # A fresh writer (another process) finds it by the recorded id alone.
    fresh = sink(dovecot)
    fresh.remember({KEY: written.remote_id}, {})
    assert fresh.find_all()[KEY].content_hash == written.content_hash


def test_an_imap_draft_is_built_as_every_draft_is_flowed_signed_and_parsable_strictly(
    dovecot: Dovecot,
) -> None:
    """The same message as the Maildir's and Gmail's drafts: From with my name, lines
    under 78 columns as format=flowed, and a long paragraph that reads back whole."""
    paragraph = " ".join(["I enjoyed hearing how the platform team ships every week."] * 6)
    sink(dovecot).create(draft(body=f"Hi Rita,\n\n{paragraph}\n\nAlex"))
    client = dovecot.connect()
    client.select("Drafts")
    _, data = client.fetch("1", "(BODY.PEEK[])")
    client.logout()
    raw = next(item[1] for item in data if isinstance(item, tuple))
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    assert message["From"] == "Alex <alex@example.com>"
    assert message.get_param("format") == "flowed"
    assert all(len(line) < 78 for line in raw.split(b"\r\n"))
    assert paragraph in text_of(message)  # a flowed reader joins the soft breaks again


def test_a_create_killed_before_it_was_recorded_is_found_and_never_doubled(
    dovecot: Dovecot,
) -> None:
    drafts = sink(dovecot)
    first = drafts.create(draft())
    fresh = sink(dovecot)
    fresh.remember({}, {KEY: fresh.content_hash(draft())})
    assert fresh.find_all()[KEY].remote_id == first.remote_id
    again = fresh.create(draft())
    assert again.remote_id == first.remote_id
    assert len(drafts_in(dovecot)) == 1


def test_update_replaces_ours_and_delete_removes_it(dovecot: Dovecot) -> None:
    drafts = sink(dovecot)
    written = drafts.create(draft())
    drafts.remember({KEY: written.remote_id}, {})
    found = drafts.find_all()[KEY]
    updated = drafts.update(found, draft("Thanks again, Rita."))
    assert updated is not None and updated.remote_id != written.remote_id
    ((_, message),) = drafts_in(dovecot)
    assert message.get_content().strip() == "Thanks again, Rita."
    drafts.remember({KEY: updated.remote_id}, {})
    found = drafts.find_all()[KEY]
    assert drafts.delete(found)
    assert drafts_in(dovecot) == []


def test_a_users_edit_is_found_with_a_new_hash_and_never_overwritten(dovecot: Dovecot) -> None:
    drafts = sink(dovecot)
    written = drafts.create(draft())
    found_before = drafts.find_all()  # nothing remembered yet: nothing to find
    assert found_before == {}
    replace_by_hand(dovecot, "My own words, thank you.")
    drafts.remember({KEY: written.remote_id}, {})
    found = drafts.find_all()[KEY]
    assert found.content_hash != written.content_hash  # the daemon leaves it alone
    # An update against what was recorded before the edit touches nothing.
    stale = drafts.update(
        type(found)(key=KEY, remote_id=written.remote_id, etag=written.etag, content_hash=""),
        draft("Overwritten?"),
    )
    assert stale is None
    ((_, message),) = drafts_in(dovecot)
    assert message.get_content().strip() == "My own words, thank you."


def test_an_edit_under_a_new_message_id_or_a_sent_draft_is_simply_gone(dovecot: Dovecot) -> None:
    drafts = sink(dovecot)
    written = drafts.create(draft())
    replace_by_hand(dovecot, "Mine now.", keep_id=False)
    drafts.remember({KEY: written.remote_id}, {})
    assert drafts.find_all() == {}
    # Sent: the mail program moved it to Sent; Drafts no longer has it.
    dovecot.reset()
    written = drafts.create(draft())
    client = dovecot.connect()
    client.select("Drafts")
    client.copy("1", "Sent")
    client.store("1", "+FLAGS.SILENT", "(\\Deleted)")
    client.expunge()
    client.logout()
    drafts.remember({KEY: written.remote_id}, {})
    assert drafts.find_all() == {}


def test_the_message_id_tells_nothing_of_the_action() -> None:
    chosen = message_id_for(KEY, "hash", "example.com")
    assert chosen.endswith("@example.com")
    assert "acme" not in chosen and "followup" not in chosen


def test_an_idle_look_at_the_drafts_is_one_status_and_an_edit_is_still_seen(
    dovecot: Dovecot,
) -> None:
    from tests.contract.test_imap_mail import commands

    drafts = sink(dovecot)
    written = drafts.create(draft())
    drafts.remember({KEY: written.remote_id}, {})
    assert drafts.find_all()[KEY].content_hash == written.content_hash
    dovecot.clear_rawlog()
    assert drafts.find_all()[KEY].content_hash == written.content_hash
    assert commands(dovecot) == ["STATUS", "LOGOUT"]

    replace_by_hand(dovecot, "I edited this myself.")  # append + expunge: the modseq moves
    found = drafts.find_all()[KEY]
    assert found.remote_id != written.remote_id
    assert found.content_hash != written.content_hash


def test_a_draft_flagged_deleted_is_the_users_deletion(dovecot: Dovecot) -> None:
    drafts = sink(dovecot)
    written = drafts.create(draft())
    drafts.remember({KEY: written.remote_id}, {})
    assert KEY in drafts.find_all()
    client = dovecot.connect()
    client.select("Drafts")
    client.store("1", "+FLAGS.SILENT", "(\\Deleted)")  # a mail program that marks first
    client.logout()
    assert drafts.find_all() == {}
