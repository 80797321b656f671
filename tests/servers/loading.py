"""Test data into the real servers: an .ics file as one CalDAV resource per VEVENT, an mbox
APPENDed to INBOX, or to Sent for the user's own messages."""

from __future__ import annotations

import hashlib
import itertools
import mailbox
from pathlib import Path

import icalendar

from tests.servers.dovecot import Dovecot
from tests.servers.radicale import Radicale

_names = itertools.count()


def load_calendar(server: Radicale, ics: Path) -> str:
    url = server.make_calendar(f"loaded{next(_names)}")
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    zones = [c for c in calendar.walk("VTIMEZONE")]
    for index, event in enumerate(calendar.walk("VEVENT")):
        one = icalendar.Calendar()
        one.add("prodid", "-//followup tests//EN")
        one.add("version", "2.0")
        for zone in zones:
            one.add_component(zone)
        one.add_component(event)
        name = hashlib.sha256(f"{index}{event.get('UID')}".encode()).hexdigest()[:16]
        server.put(f"{url}{name}.ics", one.to_ical().decode())
    return url


def load_mail(server: Dovecot, mbox: Path, me: str) -> None:
    for stored in mailbox.mbox(str(mbox)):
        sent = me.lower() in str(stored["From"]).lower()
        server.append("Sent" if sent else "INBOX", stored.as_bytes(), flags="\\Seen")
