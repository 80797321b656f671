"""The quick .ics reader gives what icalendar gives, on every calendar we hold."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import connectors.local.ics as ics
from connectors.errors import SourceError
from connectors.local.ics_quick import scan

HERE = Path(__file__).parent
CALENDARS = sorted(
    [
        *(HERE.parents[1] / ".." / "shared" / "wild" / "calendars").resolve().glob("*.ics"),
        *(HERE / "data").glob("*.ics"),
        *(HERE.parents[1] / "examples").glob("*.ics"),
    ]
)


def read(data: bytes, zone: ZoneInfo) -> object:
    try:
        return ics.read_events(data, source="c.ics", timezone=zone)
    except SourceError as error:
        return error.user_message


@pytest.mark.parametrize("path", CALENDARS, ids=lambda p: p.name)
def test_the_quick_reader_reads_as_icalendar_does(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone = ZoneInfo("America/New_York")
    data = path.read_bytes()
    quick = read(data, zone)
    monkeypatch.setattr(ics, "scan", lambda text: None)  # icalendar for the whole file
    assert quick == read(data, zone)


def test_plain_events_never_reach_icalendar() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Paris:20261201T100000\r\n"
        'DTEND;VALUE=DATE:20261202\r\nSUMMARY:A\\, b\\nc\r\nORGANIZER;CN="Pat, Q":mailto:p@x\r\n'
        "BEGIN:VALARM\r\nTRIGGER:garbage\r\nEND:VALARM\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;TZID=Eastern Standard Time:20261201T100000\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    scanned = scan(text)
    assert scanned is not None
    quick, slow = scanned.items
    assert quick.event is not None and str(quick.event.get("SUMMARY")) == "A, b\nc"
    assert slow.event is None and "Eastern Standard Time" in slow.text


def test_unbalanced_blocks_are_not_scanned() -> None:
    assert scan("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n") is None


def test_the_comparison_covers_the_wild_calendars() -> None:
    assert len(CALENDARS) > 100
