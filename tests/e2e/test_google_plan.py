"""The scenarios loaded into the fake Google instead of an .ics and an mbox: same plans.

Each scenario (../shared/scenarios/dev and tests/e2e/scenarios) is written out by
../shared/scenarios/check.py's own writers (.ics, mbox, config) and planned through the
local sources. The same events are then put into the fake calendar and the same messages
delivered into the fake Gmail (mine with the SENT label, grouped into the threads the
local reader found), and `followup plan` runs again as a subprocess with
`calendar.source = "google"`, `mail.source = "gmail"` and the FOLLOWUP_GOOGLE_* variables
pointing at the fake. Both plans must agree, apart from thread ids (Gmail's own ids).
"""

from __future__ import annotations

import json
import mailbox
import os
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from connectors.google.auth import INVALID_GRANT
from tests.conftest import followup_command
from tests.fakegoogle import FakeGoogle
from tests.scenario_replay import SCENARIOS, local_plan, plan, replay_config, scenario_id

_RESPONSES = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative"}


def _without_thread_ids(plan: dict[str, Any]) -> dict[str, Any]:
    for app in plan["applications"]:
        for action in app["actions"]:
            action.get("draft", {}).pop("thread_id", None)
    return plan


def _google_event(event: dict[str, Any], scenario: dict[str, Any]) -> dict[str, Any]:
    """The event as Google Calendar holds it, at the instant the .ics writer gives it."""
    body: dict[str, Any] = {"id": event["uid"], "summary": event["title"]}
    if event.get("all_day"):
        day = date.fromisoformat(event["start"][:10])
        body["start"] = {"date": day.isoformat()}
        body["end"] = {"date": (day + timedelta(days=1)).isoformat()}
    else:
        body["start"] = {"dateTime": _instant(event["start"], event, scenario)}
        body["end"] = {"dateTime": _instant(event["end"], event, scenario)}
    for key in ("description", "location"):
        if event.get(key):
            body[key] = event[key]
    if event.get("organizer"):
        address = event["organizer"]
        body["organizer"] = {"email": address, "displayName": address.split("@")[0]}
    partstat = event.get("partstat", {})
    body["attendees"] = [
        {
            "email": who,
            "displayName": who,
            "responseStatus": _RESPONSES.get(partstat.get(who, "ACCEPTED"), "needsAction"),
        }
        for who in event.get("attendees", [])
    ]
    return body


def _instant(value: str, event: dict[str, Any], scenario: dict[str, Any]) -> str:
    moment = datetime.fromisoformat(value)
    if event.get("utc"):
        return moment.isoformat()
    # check.py writes the wall-clock time under TZID = ics_tzid (default: the user's zone).
    tzid = scenario.get("ics_tzid", scenario["tz"])
    try:
        zone = ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(scenario["tz"])  # the .ics reader's fallback for unknown zones
    return moment.replace(tzinfo=None).replace(tzinfo=zone).isoformat()


def _load_into(fake: FakeGoogle, scenario: dict[str, Any], local: Path) -> None:
    for event in scenario.get("events", []):
        fake.calendar.put_event("primary", _google_event(event, scenario))
        if event.get("status", "CONFIRMED").upper() == "CANCELLED":
            fake.calendar.user_delete("primary", event["uid"])
    from connectors.local.mbox import MboxMail

    zone = ZoneInfo(scenario["tz"])
    local_thread = {
        message.message_id: thread.thread_id
        for thread in MboxMail(local / "mail.mbox", zone).threads()
        for message in thread.messages
    }
    gmail_thread: dict[str, str] = {}
    me = scenario["me"].lower()
    for stored in mailbox.mbox(str(local / "mail.mbox")):
        raw = stored.as_bytes()
        message_id = str(stored["Message-ID"]).strip().strip("<>")
        group = local_thread[message_id]
        sent = me in str(stored["From"]).lower()
        ref = fake.gmail.deliver(
            raw, thread_id=gmail_thread.get(group), labels=("SENT",) if sent else ("INBOX",)
        )
        gmail_thread.setdefault(group, ref.thread_id)


@pytest.mark.parametrize("path", SCENARIOS, ids=scenario_id)
def test_same_plan_through_google(path: Path, tmp_path: Path) -> None:
    local = tmp_path / "local"
    scenario, local_config, expected = local_plan(path, local)
    remote = tmp_path / "google"
    remote.mkdir()
    with FakeGoogle(email_address=scenario["me"], time_zone=scenario["tz"]) as fake:
        _load_into(fake, scenario, local)
        token = remote / "token.json"
        token.write_text(json.dumps(fake.authorized_user_info()))
        token.chmod(0o600)
        config = replay_config(
            local_config,
            remote,
            calendar='source = "google"',
            mail='source = "gmail"',
            extra='\n[google]\ntoken_path = "token.json"\n',
        )
        env = {
            "FOLLOWUP_GOOGLE_API_ROOT": fake.root_url,
            "FOLLOWUP_GOOGLE_TOKEN_URI": fake.token_uri,
        }
        got = plan(config, scenario["now"], env)
        assert fake.internal_errors == []
        writes = [r for r in fake.log.calls() if r.method != "GET"]
        assert writes == []  # `plan` writes nothing
    assert _without_thread_ids(got) == _without_thread_ids(expected)
    assert [a["interview"]["id"] for a in got["applications"]] == [
        a["interview"]["id"] for a in expected["applications"]
    ]


def test_google_problems_are_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        '[calendar]\nsource = "google"\n[mail]\nsource = "gmail"\n'
        '[google]\ntoken_path = "token.json"\n'
    )
    with FakeGoogle() as fake:
        env = {
            **os.environ,
            "FOLLOWUP_GOOGLE_API_ROOT": fake.root_url,
            "FOLLOWUP_GOOGLE_TOKEN_URI": fake.token_uri,
        }
        args = [*followup_command(), "plan", "--config", str(config), "--json"]
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode != 0 and done.stdout == ""
        assert done.stderr.strip().splitlines() == [
            f"followup: {tmp_path / 'token.json'}: no Google token yet: run `followup auth`"
        ]
        (tmp_path / "token.json").write_text(json.dumps(fake.authorized_user_info()))
        (tmp_path / "token.json").chmod(0o600)
        fake.faults.add("calendar.events.list", status=403, reason="forbidden", times=None)
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode != 0
        assert done.stderr.strip().splitlines() == [
            "followup: Calendar events.list (calendar primary): 403 forbidden"
        ]
        fake.faults.clear()
        fake.oauth.expire_access_tokens()
        fake.oauth.revoke()
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert done.stderr.strip().splitlines() == [f"followup: {INVALID_GRANT}"]
