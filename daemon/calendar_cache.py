"""The calendar file's events kept in the mail index, so icalendar parses an .ics file
again only when its bytes change."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from connectors.local.mbox import file_stamps
from policy.models import Attendee, CalendarEvent, Person

if TYPE_CHECKING:
    from connectors.local.ics import IcsCalendar

from daemon.index_store import _open, _stamp_text

logger = logging.getLogger(__name__)


class CachedCalendar:
    """A `CalendarSource` over an .ics file whose events are kept in the index with a hash
    of the file (and the zone they were read in): icalendar parses the file again only
    when its bytes changed, not on every pass or command."""

    def __init__(self, path: Path, timezone: ZoneInfo, index_path: Path | None) -> None:
        self.path = path
        self.timezone = timezone
        self.index_path = index_path

    def fingerprint(self) -> tuple[tuple[str, int, int, int], ...]:
        return file_stamps([self.path])

    def events(self) -> tuple[CalendarEvent, ...]:
        # icalendar (about 0.1 s to import) only when the file must be parsed: a command
        # on an unchanged calendar answers from the cache without it.
        if self.index_path is None:
            return self._reader().events()
        stamp = _stamp_text(self.fingerprint())
        index = _open(self.index_path)
        try:
            row = index.db.execute(
                "SELECT stamp, digest, events FROM calendars WHERE name = ?", (str(self.path),)
            ).fetchone()
            if row is not None and stamp and row[0] == stamp:
                cached = _events_from_json(row[2], self.timezone)
                if cached is not None:
                    return cached
            try:
                data = self.path.read_bytes()
            except OSError:
                return self._reader().events()  # names the problem
            digest = hashlib.blake2b(data, digest_size=16)
            digest.update(str(self.timezone).encode())
            if row is not None and row[1] == digest.hexdigest():
                cached = _events_from_json(row[2], self.timezone)
                if cached is not None:
                    index.db.execute(
                        "UPDATE calendars SET stamp = ? WHERE name = ?", (stamp, str(self.path))
                    )
                    return cached
            from connectors.local.ics import read_events

            events = read_events(data, source=str(self.path), timezone=self.timezone)
            index.db.execute(
                "INSERT OR REPLACE INTO calendars VALUES (?, ?, ?, ?)",
                (str(self.path), stamp, digest.hexdigest(), _events_to_json(events)),
            )
            return events
        except sqlite3.Error as error:  # a cache: read the file itself
            logger.warning("%s: calendar cache not usable (%s)", self.index_path, error)
            return self._reader().events()
        finally:
            index.close()

    def _reader(self) -> IcsCalendar:
        from connectors.local.ics import IcsCalendar

        return IcsCalendar(self.path, self.timezone)


def _person(person: Person | None) -> list[str] | None:
    return None if person is None else [person.email, person.name]


def _events_to_json(events: Sequence[CalendarEvent]) -> str:
    return json.dumps(
        [
            [
                e.event_id,
                e.title,
                e.start_at.isoformat(),
                e.end_at.isoformat(),
                e.description,
                e.location,
                e.all_day,
                e.cancelled,
                _person(e.organizer),
                [[a.email, a.name, a.response] for a in e.attendees],
                e.created_by_followup,
            ]
            for e in events
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _events_from_json(text: str, zone: ZoneInfo) -> tuple[CalendarEvent, ...] | None:
    """The events `_events_to_json` wrote, their times in the user's zone as the .ics
    reader gives them (not the fixed offsets written: the same instants, but the plan
    cache keys an application by its inputs' text); None when the cache is damaged."""
    try:
        events = []
        for item in json.loads(text):
            uid, title, start, end, description, location, all_day, cancelled = item[:8]
            organizer, attendees, ours = item[8:11]
            events.append(
                CalendarEvent(
                    event_id=str(uid),
                    title=str(title),
                    start_at=datetime.fromisoformat(start).astimezone(zone),
                    end_at=datetime.fromisoformat(end).astimezone(zone),
                    description=str(description),
                    location=str(location),
                    all_day=bool(all_day),
                    cancelled=bool(cancelled),
                    organizer=None
                    if organizer is None
                    else Person(email=str(organizer[0]), name=str(organizer[1])),
                    attendees=tuple(
                        Attendee(email=str(a[0]), name=str(a[1]), response=str(a[2]))
                        for a in attendees
                    ),
                    created_by_followup=bool(ours),
                )
            )
        return tuple(events)
    except (TypeError, ValueError, IndexError, KeyError):
        return None
