"""How times, dates, counts and ids read: the zone named, the year when it is not this one."""

from __future__ import annotations

import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

from daemon.wording import day, due, plural, short_id, when
from tests.conftest import followup_command

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 10, 12, tzinfo=NY)


def test_times_name_their_zone_across_dst_and_years_show_outside_this_year() -> None:
    assert when(datetime(2026, 11, 30, 14, 30, tzinfo=ZoneInfo("UTC")), NY, NOW) == (
        "Mon 30 Nov 09:30 EST"
    )
    assert when(datetime(2026, 7, 1, 13, tzinfo=ZoneInfo("UTC")), NY, NOW) == "Wed 01 Jul 09:00 EDT"
    assert day(datetime(2025, 12, 1, 10, tzinfo=NY), NY, NOW) == "Mon 01 Dec 2025"
    assert day(datetime(2027, 1, 4, 10, tzinfo=NY), NY, NOW) == "Mon 04 Jan 2027"
    # New Year's Eve in New York is already next year in UTC: the user's zone decides.
    eve = datetime(2026, 12, 31, 23, tzinfo=NY)
    assert day(eve, NY, NOW) == "Thu 31 Dec"


def test_overdue_since_and_plurals_and_short_ids() -> None:
    assert due(datetime(2026, 11, 30, 9, 30, tzinfo=NY), NY, NOW) == "overdue since Mon 30 Nov"
    assert due(datetime(2026, 12, 16, 9, 30, tzinfo=NY), NY, NOW) == "Wed 16 Dec 09:30 EST"
    assert plural(1, "draft") == "1 draft" and plural(2, "pass", "passes") == "2 passes"
    assert short_id("acme-1") == "acme-1"
    assert short_id("3qk7c2vd9f8m1n0p4r5s6t7u8v_20261201T150000Z") == "3qk7c2vd9f8m…"


def test_timeline_input_errors_name_the_line_and_the_field() -> None:
    rows = (
        '{"text": "x"}\n[1]\n{bad\n'
        '{"text": "We will reply within a week", "sent": "2026-12-03T10:00:00-05:00"}\n'
    )
    done = subprocess.run(
        [*followup_command(), "timeline", "--jsonl"],
        input=rows,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert "\"line 1: missing 'sent'\"" in out[0]
    assert '"line 2: not a JSON object"' in out[1]
    assert '"line 3: not JSON (' in out[2]
    assert '"promised": "2026-12-10"' in out[3]
