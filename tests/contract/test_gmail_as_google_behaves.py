"""Gmail as real Google behaves where the first fake did not (issue 11, points 4-6 and 8):
batch parts in any order, 400 for a thread it cannot resolve, drafts the user edits or
sends in Gmail's own apps, and our own draft writes showing up in history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.google.api import GoogleServices
from connectors.google.gmail import Gmail
from connectors.google.gmail_drafts import GmailDrafts, message_id_for
from connectors.google.retry import RetryPolicy
from tests.contract.test_gmail import ME, follow_up, mail, seed, thank_you
from tests.fakegoogle import FakeGoogle


def _fresh_sink(services: GoogleServices, retry: RetryPolicy) -> GmailDrafts:
    """The sink a new process builds: it knows only what it is told."""
    return GmailDrafts(services.gmail, me=ME, name="Alex Doe", retry=retry)


# --- 4. the cursor before the listing ---------------------------------------------------------


def test_mail_arriving_while_the_first_listing_runs_is_not_lost(
    fake_google: FakeGoogle, gmail: Gmail
) -> None:
    seed(fake_google)
    fake_google.batch_order = "reversed"  # the worst order Google may choose, every time
    arrived: list[str] = []

    def arrives_meanwhile(req: Any) -> bool:
        if req.api_method == "gmail.users.getProfile" and not arrived:
            late = fake_google.gmail.deliver(mail("Offer details", msg_id="late"))
            arrived.append(late.thread_id)
        return False

    fake_google.faults.add(arrives_meanwhile, slow=0.0, times=None)  # a hook, not a fault
    gmail.threads()
    later = {t.thread_id for t in gmail.threads()}
    assert arrived and arrived[0] in later


# --- 5. a draft in a vanished thread; one failure never blocks the others ---------------------


def test_a_thread_gmail_cannot_resolve_is_gone_and_the_draft_a_new_mail(
    fake_google: FakeGoogle, drafts: GmailDrafts
) -> None:
    ids = seed(fake_google)
    for message in fake_google.gmail.thread_messages(ids["acme"]):
        fake_google.gmail.user_delete_message(message.id)
    written = drafts.create(follow_up(ids["acme"]))
    creates = fake_google.log.calls("gmail.users.drafts.create")
    assert [c.status for c in creates] == [400, 200]  # "Invalid thread_id value", then alone
    stored = fake_google.gmail.draft_message(written.remote_id)
    assert stored.thread_id != ids["acme"] and stored.parsed["Subject"] == "Re: Next steps"


# --- 6. drafts the user touched in Gmail ------------------------------------------------------


def test_a_draft_edited_in_gmail_is_found_by_its_id_and_left_alone(
    fake_google: FakeGoogle, drafts: GmailDrafts, services: GoogleServices, fast_retry: Any
) -> None:
    ids = seed(fake_google)
    fake_google.gmail.ui_drops_headers = True
    written = drafts.create(follow_up(ids["acme"]))
    edited = mail("Checking in", sender=ME, to="jane@talent.acme.com", body="My own words")
    moved = fake_google.gmail.user_edit_draft(written.remote_id, edited)
    assert moved.thread_id != ids["acme"]  # a new subject: Gmail moved it to a new thread
    # A new process, told only what the daemon recorded: the draft id.
    sink = _fresh_sink(services, fast_retry)
    sink.remember({"int-acme-1/follow_up/1": written.remote_id}, {})
    found = sink.find_all()["int-acme-1/follow_up/1"]
    assert found.remote_id == written.remote_id and found.etag != written.etag
    assert found.content_hash != written.content_hash  # the daemon sees the user's edit
    # What the daemon had found before the edit: writing over it is refused.
    fake_google.log.clear()
    stale = replace(found, etag=written.etag, content_hash=written.content_hash)
    assert sink.update(stale, follow_up(ids["acme"], body="Overwrite")) is None
    assert sink.delete(stale) is False
    assert "My own words" in fake_google.gmail.draft_message(written.remote_id).raw.decode()
    writes = [c for c in fake_google.log.calls() if c.method in ("PUT", "DELETE", "POST")]
    assert writes == []


def test_a_draft_sent_from_gmail_is_gone_and_its_sent_message_in_the_thread(
    fake_google: FakeGoogle, drafts: GmailDrafts, gmail: Gmail
) -> None:
    ids = seed(fake_google)
    fake_google.gmail.ui_drops_headers = True
    gmail.threads()
    written = drafts.create(follow_up(ids["acme"]))
    fake_google.gmail.send_draft(written.remote_id)
    assert drafts.find_all() == {}  # the daemon then tombstones it: never written again
    acme = {t.thread_id: t for t in gmail.threads()}[ids["acme"]]
    sent = acme.messages[-1]
    assert sent.sender.email == ME and not sent.is_draft
    assert "I wanted to follow up" in sent.body_text


def test_user_drafts_are_not_read_while_nothing_is_unsettled(
    fake_google: FakeGoogle, drafts: GmailDrafts
) -> None:
    for number in range(5):
        fake_google.gmail.user_create_draft(mail(f"Mine {number}", sender=ME, to="x@y.test"))
    drafts.remember({}, {})
    fake_google.log.clear()
    assert drafts.find_all() == {}
    assert [c.api_method for c in fake_google.log.calls()] == ["gmail.users.drafts.list"]


# --- crash recovery: a create whose answer was never recorded ---------------------------------


def test_a_create_killed_before_its_record_is_found_by_the_message_id_we_chose(
    fake_google: FakeGoogle, drafts: GmailDrafts, services: GoogleServices, fast_retry: Any
) -> None:
    ids = seed(fake_google)
    fake_google.gmail.user_create_draft(mail("Mine", sender=ME, to="x@y.test"))
    draft = follow_up(ids["acme"])
    written = drafts.create(draft)  # ... and the process dies before recording it
    stored = fake_google.gmail.draft_message(written.remote_id)
    chosen = message_id_for(draft.key, drafts.content_hash(draft), "example.com")
    assert stored.parsed["Message-ID"] == f"<{chosen}>"
    sink = _fresh_sink(services, fast_retry)
    sink.remember({}, {draft.key: sink.content_hash(draft)})  # the open intent
    found = sink.find_all()
    assert list(found) == [draft.key] and found[draft.key].remote_id == written.remote_id


def test_where_gmail_replaced_the_message_id_the_content_hash_finds_it(
    fake_google: FakeGoogle, services: GoogleServices, fast_retry: Any
) -> None:
    sink = _fresh_sink(services, fast_retry)
    draft = thank_you()
    raw = sink.render(draft).replace(b"Message-ID: <", b"Message-ID: <other-")
    draft_id, _ = fake_google.gmail.user_create_draft(raw)
    sink.remember({}, {draft.key: sink.content_hash(draft)})
    assert sink.find_all()[draft.key].remote_id == draft_id
    other = _fresh_sink(services, fast_retry)
    other.remember({}, {draft.key: "another content"})
    assert other.find_all() == {}


# --- 8. our own writes are not news -----------------------------------------------------------


def test_the_poll_after_our_draft_writes_costs_one_request_and_two_units(
    fake_google: FakeGoogle, gmail: Gmail, drafts: GmailDrafts
) -> None:
    ids = seed(fake_google)
    gmail.threads()
    written = drafts.create(follow_up(ids["acme"]))
    drafts.create(thank_you())
    found = drafts.find_all()
    drafts.update(found["int-acme-1/follow_up/1"], follow_up(ids["acme"], body="Newer"))
    drafts.delete(drafts.find_all()["int-acme-1/thank_you"])
    fake_google.log.clear()
    gmail.threads()
    assert [c.api_method for c in fake_google.log.calls()] == ["gmail.users.history.list"]
    assert fake_google.log.quota_units(api="gmail") == 2
    # The user's own change in the same thread is still news.
    fake_google.gmail.send_draft(written.remote_id)
    fake_google.log.clear()
    gmail.threads()
    assert "gmail.users.threads.get" in [c.api_method for c in fake_google.log.calls()]


# --- history ids expire --------------------------------------------------------------------


def test_a_history_id_older_than_a_week_means_a_full_sync(
    fake_google: FakeGoogle, gmail: Gmail
) -> None:
    now = [datetime(2026, 12, 1, 12, tzinfo=UTC)]
    fake_google.set_clock(lambda: now[0])
    seed(fake_google)
    gmail.threads()
    fake_google.gmail.deliver(mail("Re: Next steps", msg_id="late", reply_to="a1"))
    now[0] += timedelta(days=8)  # the laptop was closed for a week
    fake_google.log.clear()
    threads = {t.thread_id: t for t in gmail.threads()}
    history = fake_google.log.calls("gmail.users.history.list")
    assert [c.status for c in history] == [404]
    assert fake_google.log.calls("gmail.users.getProfile")  # a full sync followed
    assert any(m.message_id == "late@mail.test" for t in threads.values() for m in t.messages)
