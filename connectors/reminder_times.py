"""A reminder's times, shared by the reminder writers (`reminders.ics`, Google Calendar).

- `next_sequence`: a reminder that changes carries a higher SEQUENCE (RFC 5545 3.8.7.4), so
  calendar programs that cache it take the new version: one more than the one it had,
  whether read from an iCalendar line (text) or a Google event's `sequence` (a number).
- `times_of` / `times_of_event`: what a reminder's content hash covers of its times (start,
  length, alarms), from the reminder as written and from a VEVENT another program may have
  re-serialised (TZID times, a DURATION instead of DTEND, a relative or absolute TRIGGER).

Where a reminder is placed (a minute or two after the pass, for an action already due, so
its alarm still fires) is decided once for every writer, by the daemon (`daemon/diff.py`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from connectors.base import Reminder


def next_sequence(value: object) -> int:
    """One more than a SEQUENCE value (1 when there is none or it cannot be read)."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return value + 1 if 0 <= value < 10**8 else 1
    text = str(value or "").strip()
    return int(text) + 1 if text.isdigit() and len(text) < 9 else 1


def utc_stamp(moment: datetime) -> str:
    """An iCalendar UTC date-time (`20261202T145000Z`)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def times_of(reminder: Reminder) -> list[Any]:
    """[start, length in seconds, alarms] of a reminder as the writers write it: one display
    alarm at its start."""
    return [
        reminder.starts_at.astimezone(UTC).isoformat(),
        reminder.minutes * 60,
        [["DISPLAY", "0"]],
    ]


def times_of_event(event: Any) -> list[Any]:
    """The same, read from an `icalendar` VEVENT."""
    start = _when(event.get("DTSTART"))
    end = _when(event.get("DTEND"))
    length: float | None = None
    if isinstance(start, datetime) and isinstance(end, datetime):
        length = (end - start).total_seconds()
    elif event.get("DURATION") is not None:
        duration = getattr(event.get("DURATION"), "dt", None)
        if isinstance(duration, timedelta):
            length = duration.total_seconds()
    alarms = []
    for alarm in event.walk("VALARM"):
        trigger = getattr(alarm.get("TRIGGER"), "dt", None)
        when: str | None = _iso(trigger)
        if isinstance(trigger, timedelta):
            when = str(int(trigger.total_seconds()))
        alarms.append([str(alarm.get("ACTION", "")).upper(), when])
    seconds = int(length) if length is not None and length == int(length) else length
    return [_iso(start), seconds, alarms]


def _when(prop: object) -> object:
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _iso(value: object) -> str | None:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)
