"""The fake Google server, driven by the real googleapiclient + google-auth + httplib2."""

from __future__ import annotations

import base64
import json
import mailbox
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import google_auth_httplib2
import httplib2
import pytest
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

from tests.fakegoogle import FakeGoogle
from tests.fakegoogle.client import build_services, make_credentials

ME = "alex@example.com"
RECRUITER = "Jane Recruiter <jane@talent.acme.com>"


# --- helpers ---------------------------------------------------------------------------------


def mail(
    subject: str,
    *,
    sender: str = RECRUITER,
    to: str = ME,
    body: str = "Hello",
    msg_id: str | None = None,
    reply_to: str | None = None,
    date: str = "Tue, 01 Dec 2026 10:00:00 -0500",
    cc: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = msg_id or f"<{abs(hash((subject, body, date)))}@mail.test>"
    if reply_to:
        msg["In-Reply-To"] = reply_to
        msg["References"] = reply_to
    msg.set_content(body)
    return msg


def raw(msg: EmailMessage) -> str:
    return base64.urlsafe_b64encode(msg.as_bytes()).decode()


def fast(req: Any) -> Any:
    """No real sleeping between client retries."""
    req._sleep = lambda seconds: None
    return req


def reason(exc: HttpError) -> str:
    return json.loads(exc.content)["error"]["errors"][0]["reason"]


def event(summary: str, start: str, end: str, **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "start": {"dateTime": start}, "end": {"dateTime": end}, **extra}


@pytest.fixture
def fake(fake_google: FakeGoogle) -> Iterator[FakeGoogle]:
    """The fake, its clock running from 2026-12-03 12:00 UTC (after the test mails' dates)."""
    base, started = datetime(2026, 12, 3, 12, tzinfo=UTC), time.monotonic()
    fake_google.set_clock(lambda: base + timedelta(seconds=time.monotonic() - started))
    yield fake_google
    assert fake_google.internal_errors == []  # no request hit a bug in the fake


@pytest.fixture
def services(fake: FakeGoogle) -> tuple[Any, Any]:
    creds = make_credentials(fake.token_uri, token=fake.access_token)
    return build_services(fake.root_url, fake.token_uri, credentials=creds)


@pytest.fixture
def cal(services: tuple[Any, Any]) -> Any:
    return services[0]


@pytest.fixture
def gmail(services: tuple[Any, Any]) -> Any:
    return services[1]


def list_all(cal: Any, **params: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All items over all pages, and the pages themselves."""
    pages = []
    req = cal.events().list(calendarId="primary", **params)
    while req is not None:
        page = req.execute()
        pages.append(page)
        req = cal.events().list_next(req, page)
    return [item for page in pages for item in page["items"]], pages


# --- Calendar --------------------------------------------------------------------------------


def test_calendar_full_sync_over_pages_then_incremental_with_deleted(fake, cal):
    ids = []
    for i in range(7):
        stored = fake.calendar.put_event(
            "primary",
            event(f"Event {i}", f"2026-12-0{i + 1}T15:00:00Z", f"2026-12-0{i + 1}T16:00:00Z"),
        )
        ids.append(stored["id"])
    items, pages = list_all(cal, maxResults=3, singleEvents=True)
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    assert all("nextSyncToken" not in p for p in pages[:-1])
    assert "nextPageToken" not in pages[-1]
    sync_token = pages[-1]["nextSyncToken"]
    assert sorted(i["id"] for i in items) == sorted(ids)
    assert all(i["etag"].startswith('"') and i["status"] == "confirmed" for i in items)
    assert all(i["iCalUID"] == f"{i['id']}@google.com" for i in items)

    fake.calendar.user_edit("primary", ids[0], summary="Renamed")
    fake.calendar.user_delete("primary", ids[1])
    created = (
        cal.events()
        .insert(
            calendarId="primary", body=event("New", "2026-12-20T15:00:00Z", "2026-12-20T16:00:00Z")
        )
        .execute()
    )

    changed, pages = list_all(cal, maxResults=2, singleEvents=True, syncToken=sync_token)
    by_id = {i["id"]: i for i in changed}
    assert set(by_id) == {ids[0], ids[1], created["id"]}
    assert by_id[ids[0]]["summary"] == "Renamed"
    assert by_id[ids[1]]["status"] == "cancelled"
    assert "nextSyncToken" in pages[-1] and "nextSyncToken" not in pages[0]

    again, pages = list_all(cal, singleEvents=True, syncToken=pages[-1]["nextSyncToken"])
    assert again == [] and pages[-1]["nextSyncToken"]

    # A plain full list leaves the deleted event out; showDeleted brings it back.
    assert ids[1] not in {i["id"] for i in list_all(cal)[0]}
    assert ids[1] in {i["id"] for i in list_all(cal, showDeleted=True)[0]}


def test_calendar_sync_token_expiry_and_forbidden_parameters(fake, cal):
    fake.calendar.put_event("primary", event("A", "2026-12-01T15:00:00Z", "2026-12-01T16:00:00Z"))
    token = cal.events().list(calendarId="primary").execute()["nextSyncToken"]
    with pytest.raises(HttpError) as bad:
        cal.events().list(
            calendarId="primary", syncToken=token, timeMin="2026-01-01T00:00:00Z"
        ).execute()
    assert bad.value.status_code == 400
    with pytest.raises(HttpError) as bad:
        cal.events().list(calendarId="primary", syncToken=token, showDeleted=False).execute()
    assert bad.value.status_code == 400

    fake.calendar.expire_sync_tokens()
    with pytest.raises(HttpError) as gone:
        fast(cal.events().list(calendarId="primary", syncToken=token)).execute(num_retries=2)
    assert gone.value.status_code == 410
    assert reason(gone.value) == "fullSyncRequired"
    assert gone.value.error_details[0]["location"] == "syncToken"
    assert len(fake.log.calls("calendar.events.list")) == 4  # 410 is not retried
    with pytest.raises(HttpError) as garbage:
        cal.events().list(calendarId="primary", syncToken="not-a-token").execute()
    assert garbage.value.status_code == 410


def test_calendar_private_extended_property_filter_is_an_and(fake, cal):
    both = fake.calendar.put_event(
        "primary",
        event(
            "Both",
            "2026-12-01T15:00:00Z",
            "2026-12-01T16:00:00Z",
            extendedProperties={"private": {"a": "1", "b": "2"}},
        ),
    )
    fake.calendar.put_event(
        "primary",
        event(
            "Only a",
            "2026-12-02T15:00:00Z",
            "2026-12-02T16:00:00Z",
            extendedProperties={"private": {"a": "1"}, "shared": {"b": "2"}},
        ),
    )
    req = cal.events().list(calendarId="primary", privateExtendedProperty=["a=1", "b=2"])
    assert req.uri.count("privateExtendedProperty=") == 2
    assert [e["id"] for e in req.execute()["items"]] == [both["id"]]
    one = cal.events().list(calendarId="primary", privateExtendedProperty="a=1").execute()
    assert len(one["items"]) == 2
    shared = cal.events().list(calendarId="primary", sharedExtendedProperty="b=2").execute()
    assert [e["summary"] for e in shared["items"]] == ["Only a"]


def test_calendar_if_match_conflicts_with_a_user_edit(fake, cal):
    stored = fake.calendar.put_event(
        "primary", event("Interview", "2026-12-01T15:00:00Z", "2026-12-01T16:00:00Z")
    )
    seen = cal.events().get(calendarId="primary", eventId=stored["id"]).execute()
    fake.calendar.user_edit("primary", stored["id"], location="Room 4")
    for method in ("patch", "update", "delete"):
        kwargs: dict[str, Any] = {"calendarId": "primary", "eventId": stored["id"]}
        if method != "delete":
            kwargs["body"] = {**seen, "summary": "Mine"}
        req = getattr(cal.events(), method)(**kwargs)
        req.headers["If-Match"] = seen["etag"]
        with pytest.raises(HttpError) as conflict:
            req.execute()
        assert conflict.value.status_code == 412
        assert reason(conflict.value) == "conditionNotMet"
    current = cal.events().get(calendarId="primary", eventId=stored["id"]).execute()
    assert current["etag"] != seen["etag"] and current["location"] == "Room 4"
    req = cal.events().patch(calendarId="primary", eventId=stored["id"], body={"summary": "Mine"})
    req.headers["If-Match"] = current["etag"]
    patched = req.execute()
    assert patched["summary"] == "Mine" and patched["location"] == "Room 4"
    assert patched["etag"] != current["etag"]


def test_calendar_insert_patch_update_delete(fake, cal):
    body = event(
        "Reminder: follow up",
        "2026-12-15T09:30:00-05:00",
        "2026-12-15T09:45:00-05:00",
        id="fu0abc1234",
        extendedProperties={"private": {"followup": "1", "kind": "follow_up"}},
        reminders={"useDefault": False, "overrides": [{"method": "popup", "minutes": 0}]},
        attendees=[{"email": ME}],
    )
    created = cal.events().insert(calendarId="primary", body=body).execute()
    assert created["id"] == "fu0abc1234"
    assert created["start"]["dateTime"] == "2026-12-15T14:30:00Z"  # calendar zone is UTC
    assert created["organizer"] == {"email": ME, "self": True}
    assert created["attendees"][0]["self"] is True
    assert created["reminders"]["overrides"] == [{"method": "popup", "minutes": 0}]

    with pytest.raises(HttpError) as dup:
        cal.events().insert(calendarId="primary", body=body).execute()
    assert (dup.value.status_code, reason(dup.value)) == (409, "duplicate")
    with pytest.raises(HttpError) as bad_id:
        cal.events().insert(calendarId="primary", body={**body, "id": "Not_Base32"}).execute()
    assert bad_id.value.status_code == 400

    patched = (
        cal.events()
        .patch(
            calendarId="primary",
            eventId=created["id"],
            body={"extendedProperties": {"private": {"hash": "abc"}}, "summary": "Changed"},
        )
        .execute()
    )
    assert patched["extendedProperties"]["private"] == {
        "followup": "1",
        "kind": "follow_up",
        "hash": "abc",
    }
    assert patched["updated"] > created["updated"]

    only_reminders = (
        cal.events()
        .patch(
            calendarId="primary",
            eventId=created["id"],
            body={
                "reminders": {"useDefault": False, "overrides": [{"method": "email", "minutes": 5}]}
            },
        )
        .execute()
    )
    assert only_reminders["updated"] == patched["updated"]
    assert only_reminders["etag"] != patched["etag"]

    with pytest.raises(HttpError) as missing:
        cal.events().update(
            calendarId="primary", eventId=created["id"], body={"summary": "no times"}
        ).execute()
    assert missing.value.status_code == 400
    replaced = (
        cal.events()
        .update(
            calendarId="primary",
            eventId=created["id"],
            body=event("Replaced", "2026-12-16T14:30:00Z", "2026-12-16T14:45:00Z"),
        )
        .execute()
    )
    assert "extendedProperties" not in replaced and replaced["summary"] == "Replaced"

    assert cal.events().delete(calendarId="primary", eventId=created["id"]).execute() == ""
    with pytest.raises(HttpError) as gone:
        cal.events().delete(calendarId="primary", eventId=created["id"]).execute()
    assert (gone.value.status_code, reason(gone.value)) == (410, "deleted")
    assert cal.events().get(calendarId="primary", eventId=created["id"]).execute()["status"] == (
        "cancelled"
    )
    with pytest.raises(HttpError) as nf:
        cal.events().get(calendarId="primary", eventId="nosuchevent").execute()
    assert nf.value.status_code == 404


def test_calendar_time_range_order_zone_and_recurrence(fake, cal):
    fake.calendar.add_calendar("work@example.com", time_zone="America/New_York")
    for day in (3, 1, 2):
        fake.calendar.put_event(
            "work@example.com",
            event(f"Day {day}", f"2026-12-0{day}T15:00:00Z", f"2026-12-0{day}T16:00:00Z"),
        )
    fake.calendar.put_event(
        "work@example.com",
        {
            "summary": "Weekly sync",
            "start": {"dateTime": "2026-11-02T10:00:00", "timeZone": "America/New_York"},
            "end": {"dateTime": "2026-11-02T10:30:00", "timeZone": "America/New_York"},
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
        },
    )
    fake.calendar.put_event(
        "work@example.com",
        {"summary": "All day", "start": {"date": "2026-12-02"}, "end": {"date": "2026-12-03"}},
    )
    res = (
        cal.events()
        .list(
            calendarId="work@example.com",
            singleEvents=True,
            orderBy="startTime",
            timeMin="2026-12-01T00:00:00-05:00",
            timeMax="2026-12-03T00:00:00-05:00",
        )
        .execute()
    )
    assert res["timeZone"] == "America/New_York"
    assert [e["summary"] for e in res["items"]] == ["Day 1", "All day", "Day 2"]
    assert res["items"][0]["start"]["dateTime"] == "2026-12-01T10:00:00-05:00"

    weekly = (
        cal.events()
        .list(calendarId="work@example.com", singleEvents=True, q="weekly", orderBy="startTime")
        .execute()["items"]
    )
    assert [e["start"]["dateTime"] for e in weekly] == [
        "2026-11-02T10:00:00-05:00",
        "2026-11-09T10:00:00-05:00",
        "2026-11-16T10:00:00-05:00",
    ]
    assert len({e["recurringEventId"] for e in weekly}) == 1
    assert len({e["iCalUID"] for e in weekly}) == 1 and len({e["id"] for e in weekly}) == 3
    masters = cal.events().list(calendarId="work@example.com", q="weekly").execute()["items"]
    assert len(masters) == 1 and masters[0]["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=3"]
    with pytest.raises(HttpError):
        cal.events().list(calendarId="work@example.com", orderBy="startTime").execute()


# --- Gmail -----------------------------------------------------------------------------------


def test_gmail_profile_history_paging_and_404(fake, gmail):
    first = fake.gmail.deliver(mail("Interview at Acme", msg_id="<a1@acme.test>"))
    profile = gmail.users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == ME and isinstance(profile["historyId"], str)
    assert profile["messagesTotal"] == 1 and profile["threadsTotal"] == 1
    start = profile["historyId"]

    reply = fake.gmail.deliver(
        mail("Re: Interview at Acme", reply_to="<a1@acme.test>", body="Next week works")
    )
    other = fake.gmail.deliver(mail("Newsletter", sender="news@example.org"))
    fake.gmail.user_modify(first.id, remove=["UNREAD"], add=["STARRED"])
    assert reply.thread_id == first.thread_id and other.thread_id != first.thread_id

    records, page_sizes = [], []
    req = gmail.users().history().list(userId="me", startHistoryId=start, maxResults=1)
    while req is not None:
        page = req.execute()
        page_sizes.append(len(page.get("history", [])))
        records += page.get("history", [])
        req = gmail.users().history().list_next(req, page)
    assert page_sizes == [1, 1, 1]
    assert int(page["historyId"]) >= int(records[-1]["id"]) > int(start)
    assert [int(r["id"]) for r in records] == sorted(int(r["id"]) for r in records)
    added = [r["messagesAdded"][0]["message"] for r in records if "messagesAdded" in r]
    assert [m["id"] for m in added] == [reply.id, other.id]
    assert added[0] == {"id": reply.id, "threadId": first.thread_id, "labelIds": ["INBOX"]}

    only_added = (
        gmail.users()
        .history()
        .list(userId="me", startHistoryId=start, historyTypes="messageAdded")
        .execute()
    )
    assert len(only_added["history"]) == 2
    quiet = gmail.users().history().list(userId="me", startHistoryId=page["historyId"]).execute()
    assert "history" not in quiet and quiet["historyId"] == page["historyId"]

    fake.gmail.expire_history()
    with pytest.raises(HttpError) as nf:
        fast(gmail.users().history().list(userId="me", startHistoryId=start)).execute(num_retries=3)
    assert nf.value.status_code == 404 and reason(nf.value) == "notFound"
    assert json.loads(nf.value.content)["error"]["status"] == "NOT_FOUND"
    with pytest.raises(HttpError):
        gmail.users().history().list(userId="me", startHistoryId="99999999999").execute()


def test_gmail_history_page_without_history_key(fake, gmail):
    start = gmail.users().getProfile(userId="me").execute()["historyId"]
    fake.gmail.deliver(mail("Hello"))
    fake.gmail.add_empty_history_pages(1)
    first = gmail.users().history().list(userId="me", startHistoryId=start).execute()
    assert "history" not in first and "nextPageToken" in first
    second = (
        gmail.users()
        .history()
        .list(userId="me", startHistoryId=start, pageToken=first["nextPageToken"])
        .execute()
    )
    assert len(second["history"]) == 1 and "nextPageToken" not in second


def test_gmail_threads_list_query_subset(fake, gmail):
    acme = fake.gmail.deliver(
        mail("Interview at Acme", date="Tue, 01 Dec 2026 10:00:00 -0500", msg_id="<q1@acme>")
    )
    fake.gmail.deliver(
        mail(
            "Re: Interview at Acme",
            sender=ME,
            to="jane@talent.acme.com",
            reply_to="<q1@acme>",
            date="Wed, 02 Dec 2026 10:00:00 -0500",
        ),
        labels=["SENT"],
    )
    globex = fake.gmail.deliver(
        mail(
            "Your application",
            sender="hr@globex.io",
            cc="boss@initech.com",
            body="We will be in touch within 2 weeks.",
            date="Mon, 16 Nov 2026 09:00:00 -0500",
        )
    )
    fake.gmail.deliver(
        mail("Sale!", sender="deals@shop.example", date="Mon, 02 Nov 2026 09:00:00 -0500")
    )
    fake.gmail.deliver(mail("Spam", sender="x@acme.com"), labels=["SPAM"])

    def ids(q: str, **kw: Any) -> set[str]:
        res = gmail.users().threads().list(userId="me", q=q, **kw).execute()
        assert all(set(t) == {"id", "snippet", "historyId"} for t in res.get("threads", []))
        return {t["id"] for t in res.get("threads", [])}

    assert ids("from:acme.com") == {acme.thread_id}
    assert ids("from:jane@talent.acme.com") == {acme.thread_id}
    assert ids("from:jane") == {acme.thread_id}
    assert ids("from:{acme.com globex.io}") == {acme.thread_id, globex.thread_id}
    assert ids("from:acme.com OR from:globex.io") == {acme.thread_id, globex.thread_id}
    assert ids("(from:acme.com OR cc:initech.com) -in:drafts") == {acme.thread_id, globex.thread_id}
    assert ids("to:initech.com") == {globex.thread_id}  # to: also matches Cc
    assert ids("in:sent") == {acme.thread_id}
    assert ids("in:sent to:acme.com") == {acme.thread_id}
    assert ids("after:2026/11/15 before:2026/12/01") == {globex.thread_id}
    assert ids("newer_than:5d") == {acme.thread_id}
    assert ids('"within 2 weeks"') == {globex.thread_id}
    assert ids('"2 weeks within"') == set()
    assert ids("subject:(application)") == {globex.thread_id}
    assert ids("from:acme.com", includeSpamTrash=True) == {acme.thread_id, _spam_thread(fake)}
    assert ids("", labelIds=["SENT"]) == {acme.thread_id}
    everything = gmail.users().threads().list(userId="me", maxResults=2).execute()
    assert len(everything["threads"]) == 2 and everything["resultSizeEstimate"] == 3
    rest = (
        gmail.users()
        .threads()
        .list(userId="me", maxResults=2, pageToken=everything["nextPageToken"])
        .execute()
    )
    assert "nextPageToken" not in rest and len(rest["threads"]) == 1
    assert everything["threads"][0]["id"] == acme.thread_id  # newest first
    none = gmail.users().threads().list(userId="me", q="from:nobody.example").execute()
    assert "threads" not in none and none["resultSizeEstimate"] == 0


def _spam_thread(fake: FakeGoogle) -> str:
    return next(m.thread_id for m in fake.gmail.messages.values() if "SPAM" in m.labels)


def test_gmail_thread_and_message_formats(fake, gmail):
    msg = EmailMessage()
    msg["From"] = RECRUITER
    msg["To"] = ME
    msg["Subject"] = "=?utf-8?q?Entrevue_=C3=A0_Acme?="
    msg["Message-ID"] = "<fmt1@acme.test>"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 -0500"
    msg.set_content("I'm glad you came.\nWe'll decide within 2 weeks.")
    msg.add_alternative("<p>I'm glad you came.</p>", subtype="html")
    msg.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="offer.pdf"
    )
    ref = fake.gmail.deliver(msg)

    full = gmail.users().threads().get(userId="me", id=ref.thread_id).execute()
    (m,) = full["messages"]
    assert m["snippet"].startswith("I&#39;m glad you came.")
    assert m["internalDate"] == str(int(datetime(2026, 12, 1, 15, tzinfo=UTC).timestamp() * 1000))
    payload = m["payload"]
    assert payload["mimeType"] == "multipart/mixed" and payload["partId"] == ""
    headers = {h["name"]: h["value"] for h in payload["headers"]}
    assert headers["Subject"] == "Entrevue à Acme"
    alt, attachment = payload["parts"]
    plain = alt["parts"][0]
    assert plain["partId"] == "0.0" and plain["mimeType"] == "text/plain"
    text = base64.urlsafe_b64decode(plain["body"]["data"]).decode()
    assert "within 2 weeks" in text
    assert attachment["filename"] == "offer.pdf" and "attachmentId" in attachment["body"]
    att = (
        gmail.users()
        .messages()
        .attachments()
        .get(userId="me", messageId=ref.id, id=attachment["body"]["attachmentId"])
        .execute()
    )
    assert base64.urlsafe_b64decode(att["data"]) == b"%PDF-1.4 fake"

    meta = (
        gmail.users()
        .threads()
        .get(userId="me", id=ref.thread_id, format="metadata", metadataHeaders=["Subject", "From"])
        .execute()
    )
    assert [h["name"] for h in meta["messages"][0]["payload"]["headers"]] == ["From", "Subject"]
    minimal = gmail.users().threads().get(userId="me", id=ref.thread_id, format="minimal").execute()
    assert "payload" not in minimal["messages"][0]
    assert set(minimal["messages"][0]) >= {"id", "threadId", "labelIds", "historyId"}
    as_raw = gmail.users().messages().get(userId="me", id=ref.id, format="raw").execute()
    assert base64.urlsafe_b64decode(as_raw["raw"]) == msg.as_bytes()
    with pytest.raises(HttpError) as nf:
        gmail.users().threads().get(userId="me", id="deadbeef").execute()
    assert nf.value.status_code == 404


def test_gmail_drafts_create_update_list_delete(fake, gmail):
    inbound = fake.gmail.deliver(mail("Interview at Acme", msg_id="<d1@acme.test>"))
    reply = mail(
        "Re: Interview at Acme", sender=ME, to="jane@talent.acme.com", reply_to="<d1@acme.test>"
    )
    draft = (
        gmail.users()
        .drafts()
        .create(userId="me", body={"message": {"raw": raw(reply), "threadId": inbound.thread_id}})
        .execute()
    )
    assert draft["id"].startswith("r")
    assert draft["message"]["threadId"] == inbound.thread_id
    assert draft["message"]["labelIds"] == ["DRAFT"]

    stray = (
        gmail.users()
        .drafts()
        .create(
            userId="me",
            body={
                "message": {
                    "raw": raw(mail("Different subject", sender=ME)),
                    "threadId": inbound.thread_id,
                }
            },
        )
        .execute()
    )
    assert stray["message"]["threadId"] != inbound.thread_id  # Gmail's subject rule

    with pytest.raises(HttpError) as no_raw:
        gmail.users().drafts().create(userId="me", body={"message": {}}).execute()
    assert no_raw.value.status_code == 400

    listed = gmail.users().drafts().list(userId="me").execute()
    assert {d["id"] for d in listed["drafts"]} == {draft["id"], stray["id"]}
    assert all(
        set(d) == {"id", "message"} and set(d["message"]) == {"id", "threadId"}
        for d in listed["drafts"]
    )
    queried = gmail.users().drafts().list(userId="me", q="subject:different").execute()
    assert [d["id"] for d in queried["drafts"]] == [stray["id"]]

    edited = mail(
        "Re: Interview at Acme",
        sender=ME,
        to="jane@talent.acme.com",
        reply_to="<d1@acme.test>",
        body="Thank you!",
    )
    updated = (
        gmail.users()
        .drafts()
        .update(
            userId="me",
            id=draft["id"],
            body={
                "id": draft["id"],
                "message": {"raw": raw(edited), "threadId": inbound.thread_id},
            },
        )
        .execute()
    )
    assert updated["id"] == draft["id"]
    assert updated["message"]["id"] != draft["message"]["id"]
    assert updated["message"]["threadId"] == inbound.thread_id
    got = gmail.users().drafts().get(userId="me", id=draft["id"], format="raw").execute()
    assert b"Thank you!" in base64.urlsafe_b64decode(got["message"]["raw"])
    thread = gmail.users().threads().get(userId="me", id=inbound.thread_id).execute()
    assert [m["labelIds"] for m in thread["messages"]] == [["INBOX"], ["DRAFT"]]

    assert gmail.users().drafts().delete(userId="me", id=stray["id"]).execute() == ""
    with pytest.raises(HttpError) as gone:
        gmail.users().drafts().get(userId="me", id=stray["id"]).execute()
    assert gone.value.status_code == 404
    assert [d["id"] for d in gmail.users().drafts().list(userId="me").execute()["drafts"]] == [
        draft["id"]
    ]


def test_gmail_user_actions_on_drafts(fake, gmail):
    inbound = fake.gmail.deliver(mail("Interview at Acme", msg_id="<s1@acme.test>"))
    body = mail(
        "Re: Interview at Acme", sender=ME, to="jane@talent.acme.com", reply_to="<s1@acme.test>"
    )
    draft = (
        gmail.users()
        .drafts()
        .create(userId="me", body={"message": {"raw": raw(body), "threadId": inbound.thread_id}})
        .execute()
    )
    start = gmail.users().getProfile(userId="me").execute()["historyId"]

    edited = fake.gmail.user_edit_draft(draft["id"], body.as_bytes().replace(b"Hello", b"Hi!"))
    assert edited.id != draft["message"]["id"] and edited.thread_id == inbound.thread_id

    sent = fake.gmail.send_draft(draft["id"])
    assert sent.thread_id == inbound.thread_id and sent.id != edited.id
    assert "drafts" not in gmail.users().drafts().list(userId="me").execute()
    thread = gmail.users().threads().get(userId="me", id=inbound.thread_id).execute()
    assert [m["labelIds"] for m in thread["messages"]] == [["INBOX"], ["SENT"]]
    sent_list = gmail.users().threads().list(userId="me", q="in:sent").execute()
    assert [t["id"] for t in sent_list["threads"]] == [inbound.thread_id]

    history = gmail.users().history().list(userId="me", startHistoryId=start).execute()["history"]
    kinds = [next(k for k in r if k not in ("id", "messages")) for r in history]
    assert kinds == ["messagesDeleted", "messagesAdded", "messagesDeleted", "messagesAdded"]
    assert history[-1]["messagesAdded"][0]["message"]["labelIds"] == ["SENT"]

    other = (
        gmail.users()
        .drafts()
        .create(userId="me", body={"message": {"raw": raw(mail("x", sender=ME))}})
        .execute()
    )
    fake.gmail.user_delete_draft(other["id"])
    with pytest.raises(HttpError):
        gmail.users().drafts().get(userId="me", id=other["id"]).execute()


def test_gmail_draft_via_media_upload(fake, gmail):
    inbound = fake.gmail.deliver(mail("Interview at Acme", msg_id="<u1@acme.test>"))
    body = mail("Re: Interview at Acme", sender=ME, reply_to="<u1@acme.test>")
    media = MediaInMemoryUpload(body.as_bytes(), mimetype="message/rfc822")
    draft = (
        gmail.users()
        .drafts()
        .create(userId="me", body={"message": {"threadId": inbound.thread_id}}, media_body=media)
        .execute()
    )
    assert draft["message"]["threadId"] == inbound.thread_id
    assert fake.log.requests[-1].path == "/upload/gmail/v1/users/me/drafts"


# --- batch -----------------------------------------------------------------------------------


def test_gmail_batch_of_50_thread_gets_with_a_404(fake, gmail):
    refs = [fake.gmail.deliver(mail(f"Thread {i} é", body=f"body {i}")) for i in range(49)]
    fake.log.clear()
    results: dict[str, Any] = {}
    errors: dict[str, HttpError] = {}

    def callback(request_id: str, response: Any, exception: HttpError | None) -> None:
        if exception is not None:
            errors[request_id] = exception
        else:
            results[request_id] = response

    batch = gmail.new_batch_http_request(callback=callback)
    assert batch._batch_uri == fake.root_url + "batch"
    for ref in refs:
        batch.add(
            gmail.users()
            .threads()
            .get(userId="me", id=ref.thread_id, format="metadata", metadataHeaders=["Subject"]),
            request_id=ref.thread_id,
        )
    batch.add(gmail.users().threads().get(userId="me", id="missing0thread"), request_id="gone")
    batch.execute()

    assert len(results) == 49 and set(errors) == {"gone"}
    assert errors["gone"].status_code == 404 and errors["gone"].reason
    assert errors["gone"].error_details[0]["reason"] == "notFound"
    subject = results[refs[7].thread_id]["messages"][0]["payload"]["headers"][0]["value"]
    assert subject == "Thread 7 é"
    assert fake.log.http_requests == 1
    parts = [r for r in fake.log.requests if r.in_batch]
    assert len(parts) == 50 and all(r.api_method == "gmail.users.threads.get" for r in parts)
    assert fake.log.quota_units() == 500


def test_batch_limits_calendar_batch_and_part_faults(fake, gmail, cal):
    batch = gmail.new_batch_http_request()
    for _ in range(101):
        batch.add(gmail.users().getProfile(userId="me"))
    with pytest.raises(HttpError) as too_many:
        batch.execute()
    assert too_many.value.status_code == 400

    ids = [
        fake.calendar.put_event(
            "primary", event(f"E{i}", "2026-12-01T15:00:00Z", "2026-12-01T16:00:00Z")
        )["id"]
        for i in range(3)
    ]
    fake.faults.add("calendar.events.patch", status=503, where="part")
    fake.batch_order = "as sent"  # the fault hits the first part run: make it the first sent
    out: dict[str, Any] = {}
    batch = cal.new_batch_http_request(
        callback=lambda rid, resp, exc: out.update({rid: resp or exc})
    )
    assert batch._batch_uri == fake.root_url + "batch/calendar/v3"
    for event_id in ids:
        batch.add(cal.events().patch(calendarId="primary", eventId=event_id, body={"summary": "x"}))
    batch.execute()
    assert isinstance(out["1"], HttpError) and out["1"].status_code == 503
    assert out["2"]["summary"] == "x" and out["3"]["summary"] == "x"

    fake.faults.add("/batch", status=500)
    batch = gmail.new_batch_http_request()
    batch.add(gmail.users().getProfile(userId="me"))
    with pytest.raises(HttpError) as whole:
        batch.execute()
    assert whole.value.status_code == 500


def test_batch_parts_get_401_and_are_resent_after_refresh(fake, gmail):
    fake.gmail.deliver(mail("One"))
    fake.oauth.expire_access_tokens()
    got = []
    batch = gmail.new_batch_http_request(callback=lambda rid, resp, exc: got.append((resp, exc)))
    batch.add(gmail.users().getProfile(userId="me"))
    batch.add(gmail.users().threads().list(userId="me"))
    batch.execute()
    assert all(exc is None for _, exc in got) and len(got) == 2
    assert fake.oauth.refresh_count == 1
    statuses = [r.status for r in fake.log.requests if r.in_batch]
    assert statuses == [401, 401, 200, 200]


# --- faults, auth, log -----------------------------------------------------------------------


def test_429_then_success_with_num_retries(fake, gmail):
    fake.faults.add("gmail.users.getProfile", status=429, times=2)
    profile = fast(gmail.users().getProfile(userId="me")).execute(num_retries=3)
    assert profile["emailAddress"] == ME
    assert [r.status for r in fake.log.calls("gmail.users.getProfile")] == [429, 429, 200]
    assert fake.log.quota_units() == 1  # rejected calls are not charged

    fake.faults.add("GET /profile", status=403, reason="userRateLimitExceeded")
    assert fast(gmail.users().getProfile(userId="me")).execute(num_retries=1)
    fake.faults.add("GET /profile", status=403, reason="forbidden")
    with pytest.raises(HttpError) as forbidden:
        fast(gmail.users().getProfile(userId="me")).execute(num_retries=3)
    assert forbidden.value.status_code == 403 and reason(forbidden.value) == "forbidden"
    fake.faults.add("/profile", status=500, times=5)
    with pytest.raises(HttpError) as backend:
        fast(gmail.users().getProfile(userId="me")).execute(num_retries=2)
    assert backend.value.status_code == 500


def test_dropped_connections(fake, gmail):
    # httplib2 silently re-sends once on a dropped connection; the second drop surfaces.
    fake.faults.add("gmail.users.getProfile", drop_connection=True, times=2)
    with pytest.raises(ConnectionError):
        gmail.users().getProfile(userId="me").execute()
    assert [r.fault for r in fake.log.requests] == ["drop", "drop"]
    fake.faults.add("gmail.users.getProfile", drop_connection=True, times=2)
    assert fast(gmail.users().getProfile(userId="me")).execute(num_retries=1)


def test_lost_answers_are_carried_out(fake, gmail):
    # The write is done, the answer never arrives; httplib2 re-sends once by itself.
    fake.faults.add("gmail.users.drafts.create", lose_answer=True, times=2)
    body = {"message": {"raw": raw(mail("Lost"))}}
    with pytest.raises(ConnectionError):
        gmail.users().drafts().create(userId="me", body=body).execute()
    assert [r.fault for r in fake.log.requests] == ["lost", "lost"]
    assert [r.status for r in fake.log.requests] == [None, None]
    assert len(fake.gmail.drafts) == 2
    assert fake.log.quota_units() == 20


def test_slow_answers_and_client_timeouts(fake):
    creds = make_credentials(fake.token_uri, token=fake.access_token)
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=0.2))
    _, gmail = build_services(fake.root_url, fake.token_uri, http=http)
    fake.faults.add("gmail.users.getProfile", slow=0.5)
    with pytest.raises((TimeoutError, socket.timeout)):
        gmail.users().getProfile(userId="me").execute()
    fake.faults.add("gmail.users.getProfile", slow=0.5)
    assert fast(gmail.users().getProfile(userId="me")).execute(num_retries=1)
    fake.faults.add("gmail.users.getProfile", slow=0.05)
    started = time.monotonic()
    assert gmail.users().getProfile(userId="me").execute()
    assert time.monotonic() - started >= 0.05


def test_refuse_then_accept_on_the_same_port(fake, gmail):
    assert gmail.users().getProfile(userId="me").execute()
    port = fake.port
    fake.refuse()
    with pytest.raises(OSError):
        gmail.users().getProfile(userId="me").execute()
    fake.accept()
    assert fake.port == port
    assert fast(gmail.users().getProfile(userId="me")).execute(num_retries=1)


def test_expired_access_token_is_refreshed_via_the_token_endpoint(fake):
    creds = make_credentials(fake.token_uri, token="ya29.stale-not-valid")
    cal, gmail = build_services(fake.root_url, fake.token_uri, credentials=creds)
    assert gmail.users().getProfile(userId="me").execute()["emailAddress"] == ME
    assert creds.token != "ya29.stale-not-valid" and fake.oauth.refresh_count == 1
    fake.oauth.expire_access_tokens()
    assert cal.events().list(calendarId="primary").execute()["items"] == []
    assert fake.oauth.refresh_count == 2
    paths = [r.path for r in fake.log.requests]
    assert paths.count("/token") == 2
    assert all(creds.token not in repr(r) for r in fake.log.requests)


def test_invalid_grant_raises_refresh_error(fake):
    creds = make_credentials(fake.token_uri, token=None)
    _, gmail = build_services(fake.root_url, fake.token_uri, credentials=creds)
    fake.faults.invalid_grant()
    with pytest.raises(RefreshError, match="invalid_grant"):
        gmail.users().getProfile(userId="me").execute()
    assert gmail.users().getProfile(userId="me").execute()  # the fault was one-shot
    fake.oauth.revoke()
    fake.oauth.expire_access_tokens()
    with pytest.raises(RefreshError, match="invalid_grant"):
        gmail.users().getProfile(userId="me").execute()
    wrong = make_credentials(fake.token_uri, token=None, refresh_token="fake-other-refresh")
    _, gmail2 = build_services(fake.root_url, fake.token_uri, credentials=wrong)
    fake.oauth.restore()
    with pytest.raises(RefreshError):
        gmail2.users().getProfile(userId="me").execute()


def test_insufficient_scope_and_metadata_scope_rules(fake):
    metadata_only = ("https://www.googleapis.com/auth/gmail.metadata",)
    fake.oauth.granted_scopes += metadata_only
    token = fake.oauth.issue_access_token(metadata_only)
    creds = make_credentials(fake.token_uri, token=token, scopes=metadata_only)
    cal, gmail = build_services(fake.root_url, fake.token_uri, credentials=creds)
    with pytest.raises(HttpError) as scope:
        cal.events().list(calendarId="primary").execute()
    assert scope.value.status_code == 403 and reason(scope.value) == "insufficientPermissions"
    with pytest.raises(HttpError) as q:
        gmail.users().threads().list(userId="me", q="from:acme.com").execute()
    assert q.value.status_code == 403
    assert gmail.users().threads().list(userId="me").execute()["resultSizeEstimate"] == 0


def test_long_query_uses_method_override(fake, gmail):
    ref = fake.gmail.deliver(mail("Interview", sender="a@acme.com"))
    long_q = "from:acme.com " + " ".join(f"-from:spam{i}.example" for i in range(150))
    assert len(long_q) > 2048
    res = gmail.users().threads().list(userId="me", q=long_q).execute()
    assert [t["id"] for t in res["threads"]] == [ref.thread_id]
    assert fake.log.calls("gmail.users.threads.list")[-1].method == "GET"


def test_request_log_and_quota_units(fake, gmail, cal):
    ref = fake.gmail.deliver(mail("Interview"))
    fake.log.clear()
    gmail.users().getProfile(userId="me").execute()
    gmail.users().history().list(userId="me", startHistoryId=ref and "100000").execute()
    gmail.users().threads().list(userId="me").execute()
    gmail.users().threads().get(userId="me", id=ref.thread_id).execute()
    gmail.users().messages().get(userId="me", id=ref.id).execute()
    gmail.users().labels().list(userId="me").execute()
    d = (
        gmail.users()
        .drafts()
        .create(userId="me", body={"message": {"raw": raw(mail("x"))}})
        .execute()
    )
    gmail.users().drafts().update(
        userId="me", id=d["id"], body={"message": {"raw": raw(mail("y"))}}
    ).execute()
    gmail.users().drafts().get(userId="me", id=d["id"]).execute()
    gmail.users().drafts().list(userId="me").execute()
    gmail.users().drafts().delete(userId="me", id=d["id"]).execute()
    cal.events().list(calendarId="primary").execute()
    assert fake.log.quota_units() == 1 + 2 + 10 + 10 + 5 + 1 + 10 + 15 + 5 + 5 + 10
    assert fake.log.quota_units("calendar") == 0
    assert fake.log.http_requests == 12
    entry = fake.log.calls("gmail.users.threads.get")[0]
    assert entry.status == 200 and entry.query == (("alt", "json"),) and not entry.in_batch
    assert not hasattr(entry, "body")
    fake.log.clear()
    assert fake.log.requests == [] and fake.log.http_requests == 0


def test_env_fixture_points_at_the_fake(google_env):
    import os

    assert os.environ["FOLLOWUP_GOOGLE_API_ROOT"] == google_env.root_url
    assert os.environ["FOLLOWUP_GOOGLE_TOKEN_URI"] == google_env.token_uri
    info = google_env.authorized_user_info()
    assert info["token_uri"] == google_env.token_uri and info["refresh_token"]


def test_unknown_paths_answer_404(fake, gmail):
    http = httplib2.Http()
    resp, _ = http.request(fake.root_url + "nothing/here", "GET")
    assert resp.status == 404


def test_threading_rules_send_api_and_messages_list(fake, gmail):
    first = fake.gmail.deliver(mail("Interview at Acme", msg_id="<t1@acme.test>"))
    same = fake.gmail.deliver(mail("RE: interview at acme", reply_to="<t1@acme.test>"))
    renamed = fake.gmail.deliver(mail("Offer letter", reply_to="<t1@acme.test>"))
    assert same.thread_id == first.thread_id
    assert renamed.thread_id != first.thread_id  # Gmail needs the subject to match too
    forced = fake.gmail.deliver(mail("Anything"), thread_id=first.thread_id)
    assert forced.thread_id == first.thread_id

    draft_id, ref = fake.gmail.user_create_draft(mail("Note to self", sender=ME))
    units = fake.log.quota_units()
    sent = gmail.users().drafts().send(userId="me", body={"id": draft_id}).execute()
    assert sent["labelIds"] == ["SENT"] and sent["threadId"] == ref.thread_id
    assert fake.log.quota_units() - units == 100
    assert [c.status for c in fake.log.calls("gmail.users.drafts.send")] == [200]

    listed = gmail.users().messages().list(userId="me", q="from:acme.com").execute()
    assert {m["id"] for m in listed["messages"]} == {first.id, same.id, renamed.id, forced.id}
    assert set(listed["messages"][0]) == {"id", "threadId"}


def test_calendar_lenient_ids_for_user_events_and_if_none_match(fake, cal):
    stored = fake.calendar.put_event(
        "primary", event("Invite", "2026-12-01T15:00:00Z", "2026-12-01T16:00:00Z", id="int-acme-1")
    )
    assert stored["id"] == "int-acme-1"
    req = cal.events().get(calendarId="primary", eventId="int-acme-1")
    req.headers["If-None-Match"] = stored["etag"]
    with pytest.raises(HttpError) as unchanged:
        req.execute()
    assert unchanged.value.status_code == 304


def test_explicit_gmail_batch_uri(fake, gmail):
    from googleapiclient.http import BatchHttpRequest

    got = []
    batch = BatchHttpRequest(
        callback=lambda rid, resp, exc: got.append(resp), batch_uri=fake.root_url + "batch/gmail/v1"
    )
    batch.add(gmail.users().getProfile(userId="me"))
    batch.add(gmail.users().labels().list(userId="me"))
    batch.execute()
    assert got[0]["emailAddress"] == ME and "labels" in got[1]
    assert fake.log.requests[-1].path == "/batch/gmail/v1"  # logged when it completes


WILD_MAIL = Path(__file__).resolve().parents[3] / "shared" / "wild" / "mail"


@pytest.mark.skipif(not WILD_MAIL.is_dir(), reason="../shared/wild/mail not present")
def test_wild_mail_renders_in_every_format(fake, gmail):
    refs = []
    for path in sorted(WILD_MAIL.iterdir()):
        if path.suffix == ".eml":
            refs.append(fake.gmail.deliver(path.read_bytes()))
        elif path.suffix == ".mbox":
            refs += [fake.gmail.deliver(m.as_bytes()) for m in mailbox.mbox(path)]
    threads = sorted({r.thread_id for r in refs})
    failures: list[Any] = []
    for fmt in ("full", "metadata"):
        for start in range(0, len(threads), 50):
            batch = gmail.new_batch_http_request(
                callback=lambda rid, resp, exc: exc is not None and failures.append(exc)
            )
            for thread_id in threads[start : start + 50]:
                batch.add(gmail.users().threads().get(userId="me", id=thread_id, format=fmt))
            batch.execute()
    for ref in refs[:40]:
        got = gmail.users().messages().get(userId="me", id=ref.id, format="raw").execute()
        assert base64.urlsafe_b64decode(got["raw"]) == fake.gmail.message(ref.id).raw
    for q in ("has:attachment", "from:example.com OR from:example.org", "-in:drafts newer_than:1y"):
        gmail.users().threads().list(userId="me", q=q).execute()
    assert failures == [] and fake.internal_errors == []


def test_batch_parts_run_in_any_order_and_answer_in_order(fake, gmail):
    for number in range(20):
        fake.gmail.deliver(f"From: a@b.test\r\nSubject: s{number}\r\n\r\nhi\r\n")
    threads = sorted(fake.gmail.threads)
    orders = set()
    for _ in range(3):
        fake.log.clear()
        out: dict[str, Any] = {}
        batch = gmail.new_batch_http_request(
            callback=lambda rid, resp, exc, out=out: out.update({rid: resp})
        )
        for thread_id in threads:
            batch.add(gmail.users().threads().get(userId="me", id=thread_id, format="minimal"))
        batch.execute()
        assert [out[str(n + 1)]["id"] for n in range(len(threads))] == threads
        orders.add(tuple(r.path for r in fake.log.calls("gmail.users.threads.get")))
    assert len(orders) > 1  # shuffled: 20 parts in the same order three times is 1 in 10^36
