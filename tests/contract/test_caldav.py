"""The CalDAV source and reminders writer against a real Radicale: the window read with
recurring series per occurrence, then only changes (sync-collection), conditional writes."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from connectors.base import Found, Reminder
from connectors.caldav.calendar import CaldavCalendar
from connectors.caldav.dav import Account, Dav
from connectors.caldav.reminders import CaldavReminders
from connectors.errors import SourceError
from tests.servers.radicale import Radicale

ZONE = ZoneInfo("America/New_York")
_names = itertools.count()


def dav(server: Radicale, password: str | None = None) -> Dav:
    secret = password or server.password
    return Dav(Account(username=server.user, password=lambda: secret))


def event(uid: str, start: datetime, summary: str, extra: str = "") -> str:
    stamp = "%Y%m%dT%H%M%SZ"
    s = start.astimezone(UTC)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:{s.strftime(stamp)}\r\n"
        f"DTEND:{(s + timedelta(hours=1)).strftime(stamp)}\r\nSUMMARY:{summary}\r\n{extra}"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def soon(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )


def calendar(server: Radicale) -> str:
    return server.make_calendar(f"cal{next(_names)}")


def requests_logged(server: Radicale, since: int) -> list[str]:
    return re.findall(r"\] \[INFO\] (\w+) request for", server.log_text()[since:])


def test_events_are_read_and_a_series_is_one_event_per_occurrence(radicale: Radicale) -> None:
    url = calendar(radicale)
    radicale.put(url + "one.ics", event("int-acme-1", soon(3), "Interview with Acme"))
    radicale.put(
        url + "weekly.ics",
        event("standup", soon(1), "Weekly sync", extra="RRULE:FREQ=WEEKLY;COUNT=3\r\n"),
    )
    events = CaldavCalendar(dav(radicale), url, ZONE).events()
    ids = sorted(e.event_id for e in events)
    assert "int-acme-1" in ids
    weekly = [i for i in ids if i.startswith("standup/")]
    assert len(weekly) == 3
    acme = next(e for e in events if e.event_id == "int-acme-1")
    assert acme.title == "Interview with Acme"
    assert acme.start_at == soon(3)


def test_later_passes_read_only_changes_and_an_idle_one_is_one_request(radicale: Radicale) -> None:
    url = calendar(radicale)
    radicale.put(url + "one.ics", event("int-acme-1", soon(3), "Interview with Acme"))
    client = dav(radicale)
    source = CaldavCalendar(client, url, ZONE)
    assert len(source.events()) == 1
    before = client.requests
    mark = len(radicale.log_text())
    assert len(source.events()) == 1
    assert client.requests - before == 1
    assert requests_logged(radicale, mark) == ["REPORT"]

    radicale.put(url + "two.ics", event("int-beta-1", soon(5), "Interview with Beta"))
    radicale.put(url + "one.ics", event("int-acme-1", soon(4), "Interview with Acme (moved)"))
    got = {e.event_id: e for e in source.events()}
    assert set(got) == {"int-acme-1", "int-beta-1"}
    assert got["int-acme-1"].start_at == soon(4)
    radicale.request("DELETE", url + "two.ics")
    assert [e.event_id for e in source.events()] == ["int-acme-1"]


def test_our_reminders_in_the_same_collection_are_not_events(radicale: Radicale) -> None:
    url = calendar(radicale)
    client = dav(radicale)
    CaldavReminders(client, url).create(reminder())
    radicale.put(url + "one.ics", event("int-acme-1", soon(3), "Interview with Acme"))
    assert [e.event_id for e in CaldavCalendar(client, url, ZONE).events()] == ["int-acme-1"]


def reminder(title: str = "Follow up with Acme", days: int = 10) -> Reminder:
    return Reminder(key="acme-1/follow_up/1", title=title, text="Ask Rita.", starts_at=soon(days))


def test_reminders_are_written_found_updated_and_deleted_conditionally(radicale: Radicale) -> None:
    url = calendar(radicale)
    sink = CaldavReminders(dav(radicale), url)
    written = sink.create(reminder())
    status, _, body = radicale.request("GET", url + written.remote_id.rsplit("/", 1)[1])
    assert status == 200 and b"BEGIN:VALARM" in body and b"TRIGGER" in body
    found = sink.find_all()["acme-1/follow_up/1"]
    assert found.content_hash == written.content_hash == sink.content_hash(reminder())
    assert found.etag == written.etag
    # A create killed after the server took it: no second copy.
    again = sink.create(reminder())
    assert again.remote_id == written.remote_id
    assert len(sink.find_all()) == 1
    updated = sink.update(found, reminder(days=12))
    assert updated is not None and updated.etag != found.etag
    assert sink.update(found, reminder(days=13)) is None  # the old ETag: refused
    assert not sink.delete(found)
    assert sink.delete(sink.find_all()["acme-1/follow_up/1"])
    assert sink.find_all() == {}


def test_a_users_edit_shows_as_a_new_hash_and_is_never_overwritten(radicale: Radicale) -> None:
    url = calendar(radicale)
    sink = CaldavReminders(dav(radicale), url)
    written = sink.create(reminder())
    href = url + written.remote_id.rsplit("/", 1)[1]
    _, _, body = radicale.request("GET", href)
    radicale.put(href, body.decode().replace("Follow up with Acme", "Call Rita at Acme"))
    found = sink.find_all()["acme-1/follow_up/1"]
    assert found.content_hash != written.content_hash
    stale = Found(key=found.key, remote_id=found.remote_id, etag=written.etag, content_hash="")
    assert sink.update(stale, reminder(days=20)) is None
    assert b"Call Rita" in radicale.request("GET", href)[2]
    # The user's deletion: simply absent.
    radicale.request("DELETE", href)
    assert sink.find_all() == {}


def test_a_wrong_password_and_a_missing_collection_are_one_line(radicale: Radicale) -> None:
    url = calendar(radicale)
    with pytest.raises(SourceError, match="401") as raised:
        CaldavCalendar(dav(radicale, password="wrong-one"), url, ZONE).events()
    assert "wrong-one" not in str(raised.value)
    with pytest.raises(SourceError, match="no such calendar collection|answered"):
        CaldavCalendar(dav(radicale), radicale.base + "nothing-here/", ZONE).events()


def test_a_series_added_later_is_read_per_occurrence_too(radicale: Radicale) -> None:
    url = calendar(radicale)
    radicale.put(url + "one.ics", event("int-acme-1", soon(3), "Interview with Acme"))
    source = CaldavCalendar(dav(radicale), url, ZONE)
    source.events()
    radicale.put(
        url + "weekly.ics",
        event("standup", soon(1), "Weekly sync", extra="RRULE:FREQ=WEEKLY;COUNT=4\r\n"),
    )
    ids = [e.event_id for e in source.events()]
    assert len([i for i in ids if i.startswith("standup/")]) == 4


def test_a_snapshot_lets_another_process_resume_with_one_request(radicale: Radicale) -> None:
    import json

    url = calendar(radicale)
    radicale.put(url + "one.ics", event("int-acme-1", soon(3), "Interview with Acme"))
    first = CaldavCalendar(dav(radicale), url, ZONE)
    before = first.events()
    saved = json.loads(json.dumps(first.snapshot()))
    client = dav(radicale)
    resumed = CaldavCalendar(client, url, ZONE)
    assert resumed.restore(saved)
    assert resumed.events() == before
    assert client.requests == 1  # the sync-collection REPORT, nothing else
    assert not CaldavCalendar(dav(radicale), url + "other/", ZONE).restore(saved)
