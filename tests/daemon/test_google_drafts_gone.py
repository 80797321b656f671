"""A Gmail draft we wrote that is gone: sent by the user (a SENT message stands for it) or
deleted, told apart and said so in the pass's lines and the state `status` reads, at no
cost to a poll where nothing is gone. Against the fake Gmail, which sends as the web app
does (the draft deleted, a new SENT message in its thread, our Message-ID replaced)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.message import EmailMessage

from daemon.diff import Tombstone
from daemon.items import Kind
from tests.daemon import test_google_sync
from tests.daemon.test_google_sync import MOMENT, Google

google = test_google_sync.google  # the same fixture: the fake, the Google sinks, a state


def gone_reasons(google: Google) -> dict[str, str]:
    return {key: t.reason for (kind, key), t in google.state.tombstones().items()}


def test_a_sent_draft_is_told_from_a_deleted_one(google: Google) -> None:
    google.sync(MOMENT[2])
    google.fake.set_clock(lambda: MOMENT[2] + timedelta(hours=1))  # the user acts an hour later
    google.fake.gmail.ui_drops_headers = True
    drafts = google.sinks.drafts.find_all()
    sent, deleted = sorted(drafts)[:2]
    google.fake.gmail.send_draft(drafts[sent].remote_id)
    google.fake.gmail.user_delete_draft(drafts[deleted].remote_id)
    summary = google.sync(MOMENT[2] + timedelta(hours=1, minutes=5))
    told = {op.key: op.reason for op in summary.operations if isinstance(op, Tombstone)}
    assert told == {sent: "sent by the user", deleted: "deleted by the user"}
    assert gone_reasons(google) == told
    # told once: the tombstones stand, and a poll with nothing new asks nothing more
    google.fake.log.clear()
    assert google.sync(MOMENT[2] + timedelta(hours=1, minutes=10)).writes() == 0
    assert google.fake.log.http_requests <= 2
    assert google.fake.log.calls("gmail.users.messages.list") == []


def test_an_older_message_of_mine_in_the_thread_is_not_taken_for_the_draft(
    google: Google,
) -> None:
    google.sync(MOMENT[2])
    drafts = google.sinks.drafts.find_all()
    key = next(k for k in sorted(drafts) if "follow_up" in k)  # a reply in a recruiter thread
    thread = google.fake.gmail.draft_message(drafts[key].remote_id).thread_id
    mine = EmailMessage()
    mine["From"], mine["To"], mine["Subject"] = "alex@example.com", "pat0@x.example", "Re: hi"
    mine.set_content("An earlier note of mine.\n")
    google.fake.gmail.deliver(  # a mail of mine in that thread, from before the draft
        mine, thread, labels=("SENT",), internal_date=MOMENT[2] - timedelta(days=1)
    )
    google.fake.set_clock(lambda: MOMENT[2] + timedelta(hours=1))
    google.fake.gmail.user_delete_draft(drafts[key].remote_id)
    # nothing else changed, so only a pass that lists the drafts sees it (--force lists)
    google.sync(MOMENT[2] + timedelta(hours=1), force=True)
    assert gone_reasons(google) == {key: "deleted by the user"}


def test_a_sent_draft_is_told_by_a_process_that_never_listed_it(google: Google) -> None:
    """`sync --once` starts afresh each time, with no listing of the draft to go by: the
    Message-ID we gave it (kept by a client that sends it as it is) finds the SENT one."""
    from connectors.google.api import connect
    from connectors.google.gmail_drafts import GmailDrafts

    google.sync(MOMENT[2])
    drafts = google.sinks.drafts.find_all()
    key = sorted(drafts)[0]
    google.fake.set_clock(lambda: MOMENT[2] + timedelta(days=1))
    google.fake.gmail.send_draft(drafts[key].remote_id)  # Message-ID kept
    services = connect(google.config.google.token_path, timeout=2.0)
    google.sinks = replace(
        google.sinks,
        drafts=GmailDrafts(services.gmail, me="alex@example.com", own=services.own_writes),
    )
    google.sync(MOMENT[2] + timedelta(days=1))
    assert gone_reasons(google)[key] == "sent by the user"
    assert Kind.DRAFT in {kind for kind, _ in google.state.tombstones()}


def test_a_failed_lookup_keeps_the_plain_reason_and_the_pass_goes_on(google: Google) -> None:
    google.sync(MOMENT[2])
    drafts = google.sinks.drafts.find_all()
    key = sorted(drafts)[0]
    google.fake.gmail.user_delete_draft(drafts[key].remote_id)
    for method in ("gmail.users.threads.get", "gmail.users.messages.list"):
        google.fake.faults.add(method, status=503, times=None)
    summary = google.sync(MOMENT[2] + timedelta(hours=1), force=True)
    assert not summary.stopped
    assert gone_reasons(google) == {key: "deleted or sent by the user"}
