"""Gmail (MailSource) and GmailDrafts (DraftSink) against the fake."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from itertools import count
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from connectors.base import DraftMessage
from connectors.google.api import GoogleServices
from connectors.google.auth import INVALID_GRANT, AuthError
from connectors.google.gmail import Gmail, GmailDrafts, build_queries, search_terms
from connectors.google.retry import GoogleApiError, RetryPolicy
from policy.models import Draft, Thread
from tests.fakegoogle import FakeGoogle, LoggedRequest

NY = ZoneInfo("America/New_York")
ME = "alex@example.com"
_numbers = count(1)


def mail(
    subject: str,
    *,
    sender: str = "Jane Recruiter <jane@talent.acme.com>",
    to: str = ME,
    body: str = "Thanks for your time today.",
    html: str | None = None,
    reply_to: str | None = None,
    date: str = "Tue, 01 Dec 2026 10:00:00 -0500",
    msg_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = f"<{msg_id or f'm{next(_numbers)}'}@mail.test>"
    if reply_to:
        msg["In-Reply-To"] = f"<{reply_to}@mail.test>"
        msg["References"] = f"<{reply_to}@mail.test>"
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def batches(log: list[LoggedRequest]) -> list[list[LoggedRequest]]:
    """The parts of each batch request, in order (the fake logs a batch after its parts)."""
    out: list[list[LoggedRequest]] = []
    parts: list[LoggedRequest] = []
    for entry in log:
        if entry.in_batch:
            parts.append(entry)
        elif entry.path.startswith("/batch"):
            out.append(parts)
            parts = []
    return out


def seed(fake: FakeGoogle) -> dict[str, str]:
    """A recruiter thread with my reply, a thread from a free-mail recruiter, and noise."""
    first = fake.gmail.deliver(mail("Next steps", msg_id="a1", html="<p>Next <b>steps</b></p>"))
    fake.gmail.deliver(
        mail(
            "Re: Next steps",
            sender=f"Alex Doe <{ME}>",
            to="jane@talent.acme.com",
            reply_to="a1",
            date="Tue, 01 Dec 2026 12:00:00 -0500",
            body="Thank you!",
        ),
        labels=("SENT",),
    )
    sam = fake.gmail.deliver(mail("Coffee chat", sender="Sam <sam@gmail.com>"))
    fake.gmail.deliver(mail("Your newsletter", sender="news@shop.test"))
    fake.gmail.deliver(mail("Spam from acme", sender="x@acme.com"), labels=("SPAM",))
    return {"acme": first.thread_id, "sam": sam.thread_id}


# --- queries -----------------------------------------------------------------------------------


def test_queries_fold_participants() -> None:
    terms = search_terms(["jane@talent.acme.com", "sam@gmail.com", "Bob@Beta.io"], ["acme.com"])
    assert terms == ("acme.com", "bob@beta.io", "sam@gmail.com")
    assert build_queries(terms) == (
        "from:(acme.com OR bob@beta.io OR sam@gmail.com) OR to:(acme.com OR bob@beta.io OR "
        "sam@gmail.com) OR cc:(acme.com OR bob@beta.io OR sam@gmail.com)",
    )
    many = [f"person{n}@firm{n}.com" for n in range(45)]
    assert len(build_queries(search_terms(many, []))) == 3


# --- reading -----------------------------------------------------------------------------------


def test_full_sync_reads_recruiter_threads(fake_google: FakeGoogle, gmail: Gmail) -> None:
    ids = seed(fake_google)
    threads = {t.thread_id: t for t in gmail.threads()}
    assert set(threads) == {ids["acme"], ids["sam"]}
    acme = threads[ids["acme"]]
    first, reply = acme.messages
    assert first.message_id == "a1@mail.test" and first.thread_id == ids["acme"]
    assert first.sender.email == "jane@talent.acme.com" and first.sender.name == "Jane Recruiter"
    assert [p.email for p in first.to] == [ME]
    assert first.subject == "Next steps"
    assert first.sent_at == datetime(2026, 12, 1, 15, tzinfo=UTC)
    assert first.body_text == "Thanks for your time today.\n"
    assert first.body_html == "<p>Next <b>steps</b></p>\n"
    assert reply.sender.email == ME and reply.in_reply_to == "a1@mail.test"
    assert reply.references == ("a1@mail.test",)
    assert not reply.is_draft
    assert "SENT" in reply.labels  # mine whatever its From (POLICY.md "me")
    assert gmail.cursor is not None
    # The cursor comes first, alone: batch parts run in any order (issue 11.4).
    assert fake_google.log.requests[0].api_method == "gmail.users.getProfile"
    assert not fake_google.log.requests[0].in_batch
    first_round = batches(fake_google.log.requests)
    assert [p.api_method for p in first_round[0]] == ["gmail.users.threads.list"]
    assert fake_google.log.http_requests == 3


def test_keep_sees_headers_only(fake_google: FakeGoogle, gmail: Gmail) -> None:
    ids = seed(fake_google)
    seen: list[Thread] = []

    def keep(thread: Thread) -> bool:
        seen.append(thread)
        return thread.thread_id == ids["acme"]

    kept = gmail.threads(keep)
    assert [t.thread_id for t in kept] == [ids["acme"]]
    assert kept[0].messages[0].body_text
    assert len(seen) == 2 and all(not m.body_text for t in seen for m in t.messages)


def test_no_participants_reads_nothing(fake_google: FakeGoogle, services: GoogleServices) -> None:
    seed(fake_google)
    assert Gmail(services.gmail, NY).threads() == ()
    assert fake_google.log.http_requests == 0


def test_threads_are_fetched_in_batches_of_ten(fake_google: FakeGoogle, gmail: Gmail) -> None:
    # Ten parts: Gmail refuses parts of one batch run together from about 25 up.
    for number in range(25):
        fake_google.gmail.deliver(mail(f"Role {number}", msg_id=f"r{number}"))
    assert len(gmail.threads()) == 25
    rounds = batches(fake_google.log.requests)
    sizes = [len(parts) for parts in rounds[1:]]
    assert sizes == [10, 10, 5]
    assert all(p.api_method == "gmail.users.threads.get" for r in rounds[1:] for p in r)
    assert fake_google.log.http_requests == 5  # the profile, the listing, three batches


def test_nothing_changed_costs_one_request_and_two_units(
    fake_google: FakeGoogle, gmail: Gmail
) -> None:
    seed(fake_google)
    before = gmail.threads()
    fake_google.log.clear()
    assert gmail.threads() == before
    assert fake_google.log.http_requests == 1
    assert fake_google.log.quota_units() == 2


def test_history_brings_changes(fake_google: FakeGoogle, gmail: Gmail) -> None:
    ids = seed(fake_google)
    gmail.threads()
    fake_google.log.clear()
    fake_google.gmail.deliver(
        mail("Re: Next steps", reply_to="a1", date="Wed, 02 Dec 2026 09:00:00 -0500"),
    )
    new = fake_google.gmail.deliver(mail("Offer", sender="hr@acme.com", msg_id="o1"))
    fake_google.gmail.deliver(mail("Sale!", sender="news@shop.test"))
    for message_id in fake_google.gmail.threads[ids["sam"]]:
        fake_google.gmail.user_delete_message(message_id)
    threads = {t.thread_id: t for t in gmail.threads()}
    assert set(threads) == {ids["acme"], new.thread_id}
    assert len(threads[ids["acme"]].messages) == 3
    calls = [r.api_method for r in fake_google.log.calls()]
    assert calls.count("gmail.users.history.list") == 1
    assert calls.count("gmail.users.messages.get") == 2  # offer and sale: metadata only
    fetched = [dict(r.query)["format"] for r in fake_google.log.calls("gmail.users.threads.get")]
    assert fetched == ["full", "full", "full"]  # acme, sam (now gone), offer


def test_expired_history_is_a_full_resync(fake_google: FakeGoogle, gmail: Gmail) -> None:
    ids = seed(fake_google)
    before = gmail.threads()
    fake_google.gmail.expire_history()
    fake_google.log.clear()
    assert gmail.threads() == before
    statuses = [(r.api_method, r.status) for r in fake_google.log.calls()]
    assert statuses[0] == ("gmail.users.history.list", 404)
    assert ("gmail.users.getProfile", 200) in statuses
    # Threads whose historyId did not move are not fetched again.
    assert fake_google.log.calls("gmail.users.threads.get") == []
    assert ids


def test_empty_history_pages_are_walked(fake_google: FakeGoogle, gmail: Gmail) -> None:
    seed(fake_google)
    gmail.threads()
    fake_google.gmail.add_empty_history_pages(2)
    fake_google.gmail.deliver(mail("Re: Next steps", reply_to="a1"))
    assert len(gmail.threads()[0].messages) == 3
    assert len(fake_google.log.calls("gmail.users.history.list")) == 3


def test_new_participants_are_searched_alone(fake_google: FakeGoogle, gmail: Gmail) -> None:
    seed(fake_google)
    beta = fake_google.gmail.deliver(mail("Beta interview", sender="kim@beta.io"))
    assert beta.thread_id not in {t.thread_id for t in gmail.threads()}
    gmail.set_participants(
        ["jane@talent.acme.com", "sam@gmail.com", "kim@beta.io"], ["acme.com", "beta.io"]
    )
    fake_google.log.clear()
    assert beta.thread_id in {t.thread_id for t in gmail.threads()}
    queries = [dict(r.query)["q"] for r in fake_google.log.calls("gmail.users.threads.list")]
    assert queries == ["from:(beta.io) OR to:(beta.io) OR cc:(beta.io)"]


def test_snapshot_restore(fake_google: FakeGoogle, gmail: Gmail, services: GoogleServices) -> None:
    seed(fake_google)
    before = gmail.threads()
    data = json.loads(json.dumps(gmail.snapshot()))
    again = Gmail(services.gmail, NY)
    again.set_participants(["jane@talent.acme.com", "sam@gmail.com"], ["acme.com"])
    assert again.restore(data)
    fake_google.log.clear()
    assert again.threads() == before
    assert fake_google.log.http_requests == 1
    assert not again.restore({"version": 1, "kind": "gmail", "threads": "x"})
    assert again.cursor is None


# --- faults ------------------------------------------------------------------------------------


def test_throttled_parts_halve_the_batch(
    fake_google: FakeGoogle, gmail: Gmail, sleeps: list[float]
) -> None:
    for number in range(60):
        fake_google.gmail.deliver(mail(f"Role {number}", msg_id=f"t{number}"))
    fake_google.faults.add("gmail.users.threads.get", status=429, times=10, where="part")
    fake_google.faults.add(
        "gmail.users.threads.get", status=403, reason="rateLimitExceeded", times=5, where="part"
    )
    assert len(gmail.threads()) == 60
    sizes = [len(b) for b in batches(fake_google.log.requests)[1:]]
    assert sizes[0] == 10 and sizes[1] == 5  # halved after throttling
    assert max(sizes) <= 10 and sleeps
    fetched = {r.path for r in fake_google.log.calls("gmail.users.threads.get") if r.status == 200}
    assert len(fetched) == 60


def test_server_errors_and_drops_are_retried(
    fake_google: FakeGoogle, gmail: Gmail, sleeps: list[float]
) -> None:
    seed(fake_google)
    fake_google.faults.add("gmail.users.threads.get", status=500, times=1, where="part")
    fake_google.faults.add("gmail.users.threads.get", status=503, times=1, where="part")
    fake_google.faults.add("/batch", status=503, where="outer")
    fake_google.faults.add("/batch", drop_connection=True, times=2)
    assert len(gmail.threads()) == 2
    # outer 503, outer drop (twice: httplib2 re-sends once), then one batch with two bad parts
    assert len(sleeps) == 3
    fake_google.faults.add("gmail.users.history.list", status=500)
    fake_google.faults.add("gmail.users.history.list", drop_connection=True, times=2)
    assert len(gmail.threads()) == 2


def test_garbled_batch_answer_is_retried(
    fake_google: FakeGoogle, gmail: Gmail, sleeps: list[float]
) -> None:
    seed(fake_google)
    fake_google.faults.add("/batch", status=200, body={"not": "multipart"}, where="outer")
    assert len(gmail.threads()) == 2
    assert len(sleeps) == 1


def test_slow_answers_time_out_and_are_retried(
    fake_google: FakeGoogle, token_file: Path, google_env: FakeGoogle, sleeps: list[float]
) -> None:
    from connectors.google.api import connect

    quick = connect(token_file, timeout=0.3)
    source = Gmail(quick.gmail, NY, retry=RetryPolicy(sleep=sleeps.append))
    source.set_participants([], ["acme.com"])
    seed(fake_google)
    fake_google.faults.add("/batch", slow=0.6)
    assert len(source.threads()) == 1
    assert len(sleeps) == 1


def test_lasting_part_failure_names_the_call(
    fake_google: FakeGoogle, gmail: Gmail, sleeps: list[float]
) -> None:
    ids = seed(fake_google)
    fake_google.faults.add(
        lambda req: req.path.endswith(ids["sam"]), status=500, times=None, where="part"
    )
    with pytest.raises(GoogleApiError) as failure:
        gmail.threads()
    assert str(failure.value) == f"Gmail threads.get {ids['sam']}: 500 backendError after 5 tries"
    assert gmail.cursor is None  # nothing half-applied


def test_forbidden_part_is_not_retried(
    fake_google: FakeGoogle, gmail: Gmail, sleeps: list[float]
) -> None:
    seed(fake_google)
    fake_google.faults.add("gmail.users.threads.get", status=403, times=None, where="part")
    with pytest.raises(GoogleApiError, match="403 forbidden$"):
        gmail.threads()
    assert sleeps == []


def test_missing_thread_is_skipped(fake_google: FakeGoogle, gmail: Gmail) -> None:
    ids = seed(fake_google)
    fake_google.faults.add(
        lambda req: req.path.endswith(ids["sam"]), status=404, times=1, where="part"
    )
    assert [t.thread_id for t in gmail.threads()] == [ids["acme"]]


def test_invalid_grant(fake_google: FakeGoogle, gmail: Gmail) -> None:
    seed(fake_google)
    fake_google.oauth.expire_access_tokens()
    fake_google.faults.invalid_grant()
    with pytest.raises(AuthError) as failure:
        gmail.threads()
    assert str(failure.value) == INVALID_GRANT


def test_expired_access_token_is_refreshed(fake_google: FakeGoogle, gmail: Gmail) -> None:
    seed(fake_google)
    fake_google.oauth.expire_access_tokens()
    assert len(gmail.threads()) == 2
    assert fake_google.oauth.refresh_count == 1


# --- drafts ------------------------------------------------------------------------------------


def follow_up(thread_id: str, key: str = "int-acme-1/follow_up/1", **changes: Any) -> DraftMessage:
    values: dict[str, Any] = {
        "to": ("jane@talent.acme.com",),
        "subject": "Re: Next steps",
        "body": "Hi Jane,\n\nI wanted to follow up on the role.\n\nBest,\nAlex",
        "thread_id": thread_id,
        "in_reply_to": "a1@mail.test",
        "references": ("a1@mail.test",),
    }
    values.update(changes)
    return DraftMessage(key=key, draft=Draft(**values))


def thank_you() -> DraftMessage:
    return DraftMessage(
        key="int-acme-1/thank_you",
        draft=Draft(
            to=("jane@talent.acme.com", "sam@acme.com"),
            subject="Thank you",
            body="Thank you both for today.",
        ),
    )


def test_reply_draft_lands_in_the_thread(fake_google: FakeGoogle, drafts: GmailDrafts) -> None:
    ids = seed(fake_google)
    written = drafts.create(follow_up(ids["acme"]))
    stored = fake_google.gmail.draft_message(written.remote_id)
    assert stored.thread_id == ids["acme"]
    assert stored.parsed["In-Reply-To"] == "<a1@mail.test>"
    assert stored.parsed["References"] == "<a1@mail.test>"
    assert stored.parsed["Subject"] == "Re: Next steps"
    assert not [name for name in stored.parsed if name.lower().startswith("x-")]
    assert b"followup" not in stored.raw.lower() and b"int-acme-1" not in stored.raw
    assert stored.parsed["Message-ID"].endswith("@example.com>") and stored.parsed["Date"]
    assert stored.labels == ["DRAFT"]
    create = fake_google.log.calls("gmail.users.drafts.create")[0]
    assert create.path == "/gmail/v1/users/me/drafts"  # JSON body, not an upload
    found = drafts.find_all()
    assert found["int-acme-1/follow_up/1"].content_hash == written.content_hash
    assert written.content_hash == drafts.content_hash(follow_up(ids["acme"]))


def test_thank_you_goes_to_the_interviewers(fake_google: FakeGoogle, drafts: GmailDrafts) -> None:
    written = drafts.create(thank_you())
    stored = fake_google.gmail.draft_message(written.remote_id)
    assert stored.parsed["To"] == "jane@talent.acme.com, sam@acme.com"
    assert stored.parsed["From"] == f"Alex Doe <{ME}>"
    assert set(drafts.find_all()) == {"int-acme-1/thank_you"}


def test_other_drafts_are_not_ours(fake_google: FakeGoogle, drafts: GmailDrafts) -> None:
    fake_google.gmail.user_create_draft(mail("My own draft", sender=ME, to="x@y.test"))
    assert drafts.find_all() == {}
    drafts.create(thank_you())
    assert set(drafts.find_all()) == {"int-acme-1/thank_you"}
    fake_google.log.clear()
    assert set(drafts.find_all()) == {"int-acme-1/thank_you"}
    # Drafts already looked at, in the same version, are not read again.
    assert [r.api_method for r in fake_google.log.calls()] == ["gmail.users.drafts.list"]


def test_update_and_delete_own_drafts(fake_google: FakeGoogle, drafts: GmailDrafts) -> None:
    ids = seed(fake_google)
    drafts.create(follow_up(ids["acme"]))
    found = drafts.find_all()["int-acme-1/follow_up/1"]
    newer = follow_up(ids["acme"], body="Hi Jane,\n\nA newer text.\n\nAlex")
    written = drafts.update(found, newer)
    assert written is not None and written.remote_id == found.remote_id
    now = drafts.find_all()["int-acme-1/follow_up/1"]
    assert now.etag == written.etag and now.content_hash == drafts.content_hash(newer)
    assert drafts.delete(now)
    assert drafts.find_all() == {} and fake_google.gmail.drafts == {}


def test_user_edited_draft_is_left_alone(fake_google: FakeGoogle, drafts: GmailDrafts) -> None:
    ids = seed(fake_google)
    written = drafts.create(follow_up(ids["acme"]))
    found = drafts.find_all()["int-acme-1/follow_up/1"]
    edited = mail("Re: Next steps", sender=ME, to="jane@talent.acme.com", body="My words")
    fake_google.gmail.user_edit_draft(written.remote_id, edited)
    assert drafts.update(found, follow_up(ids["acme"], body="Overwrite")) is None
    assert drafts.delete(found) is False
    stored = fake_google.gmail.draft_message(written.remote_id)
    assert "My words" in stored.raw.decode()
    again = drafts.find_all()["int-acme-1/follow_up/1"]
    assert again.content_hash != written.content_hash
    writes = [r.api_method for r in fake_google.log.calls() if r.method in ("PUT", "DELETE")]
    assert writes == []


def test_sent_or_deleted_draft_is_no_longer_found(
    fake_google: FakeGoogle, drafts: GmailDrafts
) -> None:
    ids = seed(fake_google)
    written = drafts.create(follow_up(ids["acme"]))
    other = drafts.create(thank_you())
    drafts.find_all()
    fake_google.gmail.send_draft(written.remote_id)
    fake_google.gmail.user_delete_draft(other.remote_id)
    assert drafts.find_all() == {}


def test_lost_create_answer_makes_no_duplicate(
    fake_google: FakeGoogle, drafts: GmailDrafts, sleeps: list[float]
) -> None:
    ids = seed(fake_google)
    # Lost once: httplib2 re-sends by itself and Gmail makes a second copy; find_all heals it.
    fake_google.faults.add("gmail.users.drafts.create", lose_answer=True, times=1)
    written = drafts.create(follow_up(ids["acme"]))
    assert list(drafts.find_all()) == ["int-acme-1/follow_up/1"]
    assert list(fake_google.gmail.drafts) == [written.remote_id]
    # Lost twice: our retry looks for the draft first and finds it.
    fake_google.faults.add("gmail.users.drafts.create", lose_answer=True, times=2)
    second = drafts.create(thank_you())
    assert set(drafts.find_all()) == {"int-acme-1/follow_up/1", "int-acme-1/thank_you"}
    assert len(fake_google.gmail.drafts) == 2 and second.remote_id in fake_google.gmail.drafts
    assert len(sleeps) == 1


def test_faults_on_draft_writes(
    fake_google: FakeGoogle, drafts: GmailDrafts, sleeps: list[float]
) -> None:
    ids = seed(fake_google)
    for status in (429, 500, 503):
        fake_google.faults.add("gmail.users.drafts.create", status=status)
    fake_google.faults.add("gmail.users.drafts.create", drop_connection=True, times=2)
    drafts.create(follow_up(ids["acme"]))
    assert len(fake_google.gmail.drafts) == 1
    found = drafts.find_all()["int-acme-1/follow_up/1"]
    fake_google.faults.add("gmail.users.drafts.update", status=503)
    fake_google.faults.add("gmail.users.drafts.update", lose_answer=True, times=2)
    assert drafts.update(found, follow_up(ids["acme"], body="New")) is not None
    assert len(fake_google.gmail.drafts) == 1
    assert drafts.find_all()["int-acme-1/follow_up/1"].content_hash == drafts.content_hash(
        follow_up(ids["acme"], body="New")
    )


def test_never_sends(fake_google: FakeGoogle, gmail: Gmail, drafts: GmailDrafts) -> None:
    ids = seed(fake_google)
    gmail.threads()
    written = drafts.create(follow_up(ids["acme"]))
    drafts.create(thank_you())
    found = drafts.find_all()
    drafts.update(found["int-acme-1/follow_up/1"], follow_up(ids["acme"], body="Changed"))
    drafts.delete(drafts.find_all()["int-acme-1/thank_you"])
    gmail.threads()
    sends = [r for r in fake_google.log.requests if r.api_method and "send" in r.api_method]
    assert sends == [] and written.remote_id in fake_google.gmail.drafts


# --- privacy -----------------------------------------------------------------------------------


def test_logs_hold_no_bodies_addresses_or_tokens(
    fake_google: FakeGoogle,
    gmail: Gmail,
    drafts: GmailDrafts,
    token_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ids = seed(fake_google)
    fake_google.oauth.expire_access_tokens()  # a refresh happens, with tokens on the wire
    gmail.threads()
    fake_google.gmail.deliver(mail("Re: Next steps", reply_to="a1", body="Secret offer text"))
    gmail.threads()
    drafts.create(follow_up(ids["acme"]))
    drafts.find_all()
    text = caplog.text
    assert caplog.records
    tokens = json.loads(token_file.read_text())
    secrets: list[str] = [
        "Thanks for your time today",
        "Secret offer text",
        "I wanted to follow up",
        "Next steps",
        "jane@talent.acme.com",
        "talent.acme.com",
        "sam@gmail.com",
        ME,
        "Jane Recruiter",
        tokens["refresh_token"],
        tokens["client_secret"],
        tokens["token"],
        fake_google.access_token,
    ]
    for secret in secrets:
        assert secret not in text, secret
