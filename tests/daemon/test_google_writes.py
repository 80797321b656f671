"""What the daemon writes to Google, read back from the fake with the real client library:
Gmail drafts built as every draft writer builds them and dated by the pass, reminders placed
where their alarm fires and versioned by SEQUENCE."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from connectors.draft_mail import text_of
from policy.models import Status
from tests.daemon import test_google_sync
from tests.daemon.test_google_sync import MOMENT, Google

google = test_google_sync.google  # the same fixture: the fake, the Google sinks, a state
SOON = timedelta(minutes=2)  # a reminder for an action already due starts this after the pass


def stored_drafts(google: Google) -> dict[str, EmailMessage]:
    """The raw of each draft in the fake's Gmail, parsed strictly, by draft id."""
    gmail = google.fake.gmail
    out = {}
    for draft_id in gmail.drafts:
        message = email.message_from_bytes(
            gmail.draft_message(draft_id).raw, policy=email.policy.strict
        )
        assert isinstance(message, EmailMessage)
        out[draft_id] = message
    return out


def planned_bodies(google: Google, now: datetime) -> dict[str, str]:
    summary = google.sync(now)
    return {
        op.key: op.item.draft.body
        for op in summary.applied
        if getattr(getattr(op, "item", None), "draft", None) is not None
    }


def test_gmail_drafts_are_flowed_dated_by_the_pass_and_carry_nothing_of_followup(
    google: Google,
) -> None:
    bodies = planned_bodies(google, MOMENT[2])
    drafts = stored_drafts(google)
    assert len(drafts) == len(bodies) >= 3
    soft_breaks = 0
    texts = set()
    for message in drafts.values():
        assert message["Date"].datetime == MOMENT[2]  # the pass's moment, not the wall clock
        assert message["From"] == "Alex Doe <alex@example.com>"
        assert str(message["Message-ID"]).endswith("@example.com>")
        assert not [name for name in message if name.lower().startswith("x-")]
        assert message.get_content_type() == "text/plain"
        assert message.get_param("format") == "flowed" and message.get_param("delsp") == "yes"
        lines = message.get_content().splitlines()
        assert max(len(line) for line in lines) < 78
        soft_breaks += sum(1 for line in lines if line.endswith(" ") and line != "-- ")
        texts.add(text_of(message).strip())
    assert soft_breaks > 0  # the paragraphs were wrapped, to be joined again by the reader
    assert texts == {body.strip() for body in bodies.values()}
    # read back and hashed through the flowed body: the next pass finds them as written
    assert google.sync(MOMENT[2] + timedelta(minutes=5)).writes() == 0


def test_without_an_address_of_mine_from_is_left_to_gmail(google: Google) -> None:
    from connectors.base import DraftMessage
    from connectors.google.api import connect
    from connectors.google.gmail_drafts import GmailDrafts
    from policy.models import Draft

    services = connect(google.config.google.token_path, timeout=2.0)
    sink = GmailDrafts(services.gmail, me="", domain="example.com")
    draft = Draft(to=("josé@empresa.example",), subject="Gracias", body="Hola José,\n")
    written = sink.create(DraftMessage(key="x-1/thank_you", draft=draft))
    stored = google.fake.gmail.draft_message(written.remote_id).raw
    message = email.message_from_bytes(stored, policy=email.policy.strict)
    assert message["From"] is None  # Gmail puts in the account's default when it is sent
    assert "josé@empresa.example".encode() in stored  # RFC 6532: UTF-8, no encoded word
    assert b"=?" not in stored
    sent = google.fake.gmail.send_draft(written.remote_id)
    assert "alex@example.com" in str(google.fake.gmail.message(sent.id).parsed["From"])


def reminder_events(google: Google) -> dict[str, dict[str, Any]]:
    """Our reminder events in the fake calendar, by action key."""
    out = {}
    for event in google.fake.calendar.events("primary"):
        private = (event.get("extendedProperties") or {}).get("private") or {}
        if private.get("followup_key"):
            out[private["followup_key"]] = event
    return out


def start_of(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["start"]["dateTime"])


def test_a_reminder_for_an_action_already_due_starts_just_after_the_pass(google: Google) -> None:
    now = MOMENT[2] + timedelta(seconds=37)
    summary = google.sync(now)
    events = reminder_events(google)
    due = [
        action
        for app in summary.plan.applications
        for action in app.actions
        if action.status is Status.PENDING and action.due_at < now
    ]
    assert due
    for action in due:
        assert start_of(events[action.key]) == now.replace(second=0) + SOON
    for app in summary.plan.applications:  # the others start when they fall due
        for action in app.actions:
            if action.status is Status.PENDING and action.due_at >= now:
                assert start_of(events[action.key]) == action.due_at
    # a later pass leaves them where they are (no rewrite every poll)
    assert google.sync(now + timedelta(minutes=20)).writes() == 0


def test_a_reminder_that_changes_carries_a_higher_sequence(google: Google) -> None:
    google.sync(MOMENT[0])
    before = reminder_events(google)
    moved = google.sync(MOMENT[1])
    updated = {op.key for op in moved.applied if type(op).__name__ == "Update"}
    assert updated
    after = reminder_events(google)
    for key in updated & set(before):
        assert after[key]["id"] == before[key]["id"]
        assert after[key]["sequence"] == before[key]["sequence"] + 1, key
    for key in set(before) & set(after) - updated:
        assert after[key]["sequence"] == before[key]["sequence"]
