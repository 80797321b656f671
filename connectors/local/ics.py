"""Reads calendar events from an .ics file (e.g. a Google Takeout export) with icalendar.

Each VEVENT becomes one `CalendarEvent`. Recurrence rules are not expanded: a recurring
event is read once, at its first start, under its UID; an overridden instance
(RECURRENCE-ID) is its own event with the id `UID/RECURRENCE-ID` (the value as written,
e.g. `abc@google.com/20261201T150000Z`). All times are returned in the user's zone.

A file that is not iCalendar at all raises `SourceError`. A damaged file is read as far
as it goes: one bad event is skipped with a one-line warning, and a calendar that
icalendar refuses as a whole is re-read event by event (alarms dropped).
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component

from connectors import hygiene
from connectors.errors import SourceError, describe_os_error
from connectors.local.ics_quick import Item, QuickEvent, Scanned, scan
from policy.models import Attendee, CalendarEvent, Person

logger = logging.getLogger(__name__)

_FOLLOWUP_KEY = "X-FOLLOWUP-KEY"
_BEGIN_CALENDAR = re.compile(rb"BEGIN:VCALENDAR", re.IGNORECASE)
_UNFOLD = re.compile(r"\r\n[ \t]|\n[ \t]|\r[ \t]")
_UNFOLD_BYTES = re.compile(rb"\r?\n[ \t]")
_UID_LINE = re.compile(r"^UID(?:;[^:]*)?:(.*)$", re.IGNORECASE | re.MULTILINE)
_TZID_LINE = re.compile(r"^TZID(?:;[^:]*)?:(.*)$", re.IGNORECASE | re.MULTILINE)
# Years an interview can plausibly be in; beyond them date arithmetic overflows (9999, 0001).
_YEARS = range(1900, 2201)


class IcsCalendar:
    """A `CalendarSource` over one .ics file, re-read on every call."""

    def __init__(self, path: Path, timezone: ZoneInfo) -> None:
        self.path = path
        self.timezone = timezone

    def events(self) -> tuple[CalendarEvent, ...]:
        try:
            data = self.path.read_bytes()
        except OSError as error:
            raise SourceError(f"{self.path}: {describe_os_error(error)}") from error
        return read_events(data, source=str(self.path), timezone=self.timezone)


def read_events(data: bytes, *, source: str, timezone: ZoneInfo) -> tuple[CalendarEvent, ...]:
    """Every VEVENT in `data` (one or more VCALENDAR blocks) as a `CalendarEvent`.

    `source` names the file in messages. Raises `SourceError` when nothing can be read.
    """
    if not _BEGIN_CALENDAR.search(data):
        raise SourceError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    with _held_log() as held, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events = _read(data, source, timezone)
    for record in held.records:
        logger.handle(record)
    for warning in caught:
        logger.warning("%s: %s", source, _one_line(str(warning.message)))
    return events


class _Holder(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _held_log() -> Iterator[_Holder]:
    """Hold this module's warnings while a file is read: a file refused in the end gets its
    one line, not also a list of the events skipped on the way."""
    holder = _Holder()
    propagate = logger.propagate
    logger.addHandler(holder)
    logger.propagate = False
    try:
        yield holder
    finally:
        logger.removeHandler(holder)
        logger.propagate = propagate


# --- parsing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    """One VEVENT with the calendar METHOD it came under."""

    event: Component | QuickEvent
    method: str


def _read(data: bytes, source: str, timezone: ZoneInfo) -> tuple[CalendarEvent, ...]:
    text = _decode(data, source)
    scanned = scan(text)
    if scanned is not None and scanned.items:
        return _convert_all(_resolve(scanned, source), source, timezone)
    problem = ""
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as error:  # icalendar raises many types for damaged files
        calendars = []
        problem = _one_line(f"{type(error).__name__}: {error}")
    if calendars:
        found = list(_walk_events(calendars))
        return _convert_all(found, source, timezone)
    if not problem:
        problem = "no complete VCALENDAR block"
    found = _salvage(text, source)
    events = _convert_all(found, source, timezone)
    if not events:
        raise SourceError(f"{source}: not an iCalendar file (nothing could be read: {problem})")
    logger.warning(
        "%s: damaged calendar (%s); read %d events event by event", source, problem, len(events)
    )
    return events


def _resolve(scanned: Scanned, source: str) -> list[_Found]:
    """The scanned events in file order; those not read quickly are read by icalendar,
    all in one calendar with every VTIMEZONE (one by one if that calendar is refused)."""
    slow = [item for item in scanned.items if item.event is None]
    read = _read_together(slow, scanned) if slow else None
    if read is None:
        read = [_read_alone(item, scanned, source) for item in slow]
    by_item = iter(read)
    found: list[_Found] = []
    for item in scanned.items:
        if item.event is not None:
            found.append(_Found(item.event, item.method))
        else:
            found.extend(next(by_item))
    return found


def _read_together(slow: list[Item], scanned: Scanned) -> list[list[_Found]] | None:
    zones = [zone for _, zone in scanned.timezones]
    texts = [item.text for item in slow]
    wrapped = "\r\n".join(["BEGIN:VCALENDAR", *zones, *texts, "END:VCALENDAR", ""])
    try:
        (calendar,) = Calendar.from_ical(wrapped, multiple=True)
    except Exception:  # one damaged event: each is read on its own instead
        return None
    events = list(calendar.walk("VEVENT"))
    if len(events) != len(slow):  # an event inside another: read each on its own
        return None
    return [[_Found(event, item.method)] for event, item in zip(events, slow, strict=True)]


def _read_alone(item: Item, scanned: Scanned, source: str) -> list[_Found]:
    zones = [zone for tzid, zone in scanned.timezones if tzid and tzid in item.text]
    wrapped = "\r\n".join(["BEGIN:VCALENDAR", *zones, item.text, "END:VCALENDAR", ""])
    try:
        calendars = Calendar.from_ical(wrapped, multiple=True)
    except Exception as error:  # icalendar raises many types for damaged events
        match = _UID_LINE.search(item.text)
        uid = match.group(1).strip() if match else "(no UID)"
        problem = _one_line(f"{type(error).__name__}: {error}")
        logger.warning("%s: event %s skipped: %s", source, _one_line(uid), problem)
        return []
    return [_Found(found.event, item.method or found.method) for found in _walk_events(calendars)]


def _walk_events(calendars: Iterable[Component]) -> Iterator[_Found]:
    for calendar in calendars:
        method = _text(calendar.get("METHOD")).upper()
        for event in calendar.walk("VEVENT"):
            yield _Found(event, method)


def _decode(data: bytes, source: str) -> str:
    """iCalendar is UTF-8; a file in a legacy encoding is read as Windows-1252.

    Lines are unfolded first, as bytes: some writers fold inside a UTF-8 sequence.
    """
    data = _UNFOLD_BYTES.sub(b"", data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        logger.warning("%s: not UTF-8; read as Windows-1252", source)
        return data.decode("cp1252", errors="replace")


def _salvage(text: str, source: str) -> list[_Found]:
    """Re-read a calendar icalendar refused: each VTIMEZONE and VEVENT on its own."""
    text = _UNFOLD.sub("", text)
    timezones: list[list[str]] = []
    events: list[list[str]] = []
    method = ""
    stack: list[str] = []
    block: list[str] | None = None
    depth = 0  # len(stack) when the current block began
    for line in text.splitlines():
        key, _, value = line.partition(":")
        name = key.strip().upper()
        if name == "BEGIN":
            stack.append(value.strip().upper())
            if block is None and stack[-1] in ("VEVENT", "VTIMEZONE"):
                block, depth = [], len(stack)
                (events if stack[-1] == "VEVENT" else timezones).append(block)
        in_alarm = "VALARM" in stack[depth:] if block is not None else False
        if name == "END" and stack:
            stack.pop()
        if block is not None:
            if not in_alarm:
                block.append(line)
            if len(stack) < depth:
                block = None
        elif name == "METHOD" and stack == ["VCALENDAR"]:
            method = value.strip().upper()
    if block is not None:  # unterminated at the end of the file
        block.extend(f"END:{part}" for part in reversed(stack[depth - 1 :]) if part != "VALARM")
    good_zones: list[tuple[str, str]] = []
    for zone in timezones:
        zone_text = "\r\n".join(zone)
        if _parses(zone_text):
            match = _TZID_LINE.search(zone_text)
            good_zones.append((match.group(1).strip() if match else "", zone_text))
        else:
            logger.warning("%s: a damaged VTIMEZONE was ignored", source)
    found: list[_Found] = []
    for lines in events:
        event_text = "\r\n".join(lines)
        zones = [zone for tzid, zone in good_zones if tzid and tzid in event_text]
        wrapped = "\r\n".join(["BEGIN:VCALENDAR", *zones, event_text, "END:VCALENDAR", ""])
        try:
            calendars = Calendar.from_ical(wrapped, multiple=True)
        except Exception as error:  # icalendar raises many types for damaged events
            match = _UID_LINE.search(event_text)
            uid = match.group(1).strip() if match else "(no UID)"
            logger.warning(
                "%s: event %s skipped: %s",
                source,
                uid,
                _one_line(f"{type(error).__name__}: {error}"),
            )
            continue
        found.extend(_Found(item.event, method or item.method) for item in _walk_events(calendars))
    return found


def _parses(zone_text: str) -> bool:
    try:
        Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{zone_text}\r\nEND:VCALENDAR\r\n", multiple=True)
    except Exception:  # a VTIMEZONE icalendar cannot read is left out
        return False
    return True


def _convert_all(
    found: Iterable[_Found], source: str, timezone: ZoneInfo
) -> tuple[CalendarEvent, ...]:
    """Convert each event; skip broken ones; one event per id (highest SEQUENCE, then last)."""
    by_id: dict[str, tuple[int, CalendarEvent]] = {}
    duplicates = 0
    for item in found:
        uid = _text(item.event.get("UID")).strip()
        try:
            converted = _to_event(item.event, item.method, uid, source, timezone)
        except Exception as error:  # one broken event must not stop the others
            problem = _one_line(f"{type(error).__name__}: {error}")
            logger.warning("%s: event %s skipped: %s", source, uid or "(no UID)", problem)
            continue
        if converted is None:
            continue
        sequence = _sequence(item.event)
        earlier = by_id.get(converted.event_id)
        if earlier is not None:
            duplicates += 1
            if earlier[0] > sequence:
                continue
            del by_id[converted.event_id]
        by_id[converted.event_id] = (sequence, converted)
    if duplicates:
        logger.warning(
            "%s: %d events repeat an earlier id; kept the highest SEQUENCE", source, duplicates
        )
    return tuple(event for _, event in by_id.values())


def _to_event(
    event: Component | QuickEvent, method: str, uid: str, source: str, timezone: ZoneInfo
) -> CalendarEvent | None:
    times = _times(event, _one_line(uid) or "(no UID)", source, timezone)
    if times is None:
        return None
    start_at, end_at, all_day = times
    cleaned: list[str] = []
    title = _clean("SUMMARY", _text(event.get("SUMMARY")), hygiene.one_line, cleaned)
    if not uid:
        digest = hashlib.sha256(f"{title}|{start_at.isoformat()}".encode()).hexdigest()
        uid = f"nouid-{digest[:20]}"
        logger.warning("%s: event without UID read as %s", source, uid)
    event_id = _clean("UID", uid, hygiene.safe_id, cleaned)
    recurrence = _first(event.get("RECURRENCE-ID"))
    if recurrence is not None:
        event_id = f"{event_id}/{hygiene.safe_id(_compact(recurrence))}"
    status = _text(event.get("STATUS")).strip().upper()
    description = _clean("DESCRIPTION", _text(event.get("DESCRIPTION")), hygiene.multiline, cleaned)
    location = _clean("LOCATION", _text(event.get("LOCATION")), hygiene.one_line, cleaned)
    organizer = _organizer(event.get("ORGANIZER"), cleaned)
    attendees = _attendees(event.get("ATTENDEE"), cleaned)
    if cleaned:
        logger.warning(
            "%s: event %s: control characters removed from %s",
            source,
            _one_line(event_id),
            ", ".join(dict.fromkeys(cleaned)),
        )
    return CalendarEvent(
        event_id=event_id,
        title=title,
        start_at=start_at,
        end_at=end_at,
        description=description,
        location=location,
        all_day=all_day,
        cancelled=status == "CANCELLED" or method == "CANCEL",
        organizer=organizer,
        attendees=attendees,
        created_by_followup=_FOLLOWUP_KEY in event,
    )


def _times(
    event: Component | QuickEvent, label: str, source: str, timezone: ZoneInfo
) -> tuple[datetime, datetime, bool] | None:
    """(start, end, all day) of an event, its end never before its start; None (warned)
    for one with no DTSTART or a year out of range."""
    start_prop = _first(event.get("DTSTART"))
    if start_prop is None:
        logger.warning("%s: event %s skipped: no DTSTART", source, label)
        return None
    start_value = _dt_value(start_prop)
    end_prop = _first(event.get("DTEND"))
    end_value = _dt_value(end_prop) if end_prop is not None else start_value
    for value in (start_value, end_value):
        if value.year not in _YEARS:
            logger.warning(
                "%s: event %s skipped: year %d is outside %d-%d",
                source,
                label,
                value.year,
                _YEARS.start,
                _YEARS.stop - 1,
            )
            return None
    all_day = not isinstance(start_value, datetime)
    start_at, unknown_zone = _to_aware(start_prop, start_value, timezone)
    duration_prop = _first(event.get("DURATION"))
    if end_prop is not None:
        end_at, unknown_end_zone = _to_aware(end_prop, end_value, timezone)
        unknown_zone = unknown_zone or unknown_end_zone
    elif duration_prop is not None:
        duration = getattr(duration_prop, "dt", None)
        if not isinstance(duration, timedelta):
            raise ValueError("DURATION is not a duration")
        end_at = start_at + duration
    else:
        end_at = start_at + timedelta(days=1) if all_day else start_at
    if unknown_zone:
        logger.warning(
            "%s: event %s: unknown time zone %r, read in %s",
            source,
            label,
            _one_line(unknown_zone)[:60],
            timezone.key,
        )
    if all_day and end_at <= start_at:
        end_at = start_at + timedelta(days=1)
    elif end_at < start_at:
        logger.warning("%s: event %s ends before it starts; end set to start", source, label)
        end_at = start_at
    return start_at, end_at, all_day


def _clean(name: str, value: str, cleaner: Callable[[str], str], cleaned: list[str]) -> str:
    """`value` through `cleaner`; `name` is noted in `cleaned` when that changed it."""
    result = cleaner(value)
    if result != value:
        cleaned.append(name)
    return result


def _dt_value(prop: object) -> date:
    """The date or datetime of a DTSTART/DTEND property; raises on a broken value."""
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):
        raise ValueError(f"not a date or date-time: {_one_line(str(prop))[:60]}")
    return value


def _to_aware(prop: object, value: date, timezone: ZoneInfo) -> tuple[datetime, str]:
    """Aware, in the user's zone, plus an unresolved TZID (read as the user's zone) or "".

    A date is local midnight; a floating time is local time.
    """
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=timezone), ""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=timezone), _tzid(prop)
    return value.astimezone(timezone), ""


def _tzid(prop: object) -> str:
    params = getattr(prop, "params", None)
    if params is None:
        return ""
    value = params.get("TZID")
    return value if isinstance(value, str) else ""


def _compact(prop: object) -> str:
    """A RECURRENCE-ID value as written, e.g. 20261201T150000Z or 20261201."""
    to_ical = getattr(prop, "to_ical", None)
    if callable(to_ical):
        try:
            raw = to_ical()
        except Exception:  # a broken value: fall back to its text
            raw = None
        if isinstance(raw, bytes):
            return raw.decode("ascii", errors="replace")
    return str(prop).rpartition(":")[2]


def _sequence(event: Component | QuickEvent) -> int:
    try:
        return int(str(_first(event.get("SEQUENCE")) or 0))
    except ValueError:
        return 0


def _first(value: object) -> object:
    """A property that appears several times is read as its first occurrence."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: object) -> str:
    value = _first(value)
    if value is None:
        return ""
    return str(value)


def _address(value: object, cleaned: list[str]) -> tuple[str, str]:
    """(lower-case email without mailto:, CN) of an ORGANIZER or ATTENDEE.

    An address holding spaces or controls is no address ("" with a note in `cleaned`).
    """
    raw = str(value).strip()
    if raw.lower().startswith("mailto:"):
        raw = raw[len("mailto:") :]
    params = getattr(value, "params", None)
    name = params.get("CN") if params is not None else None
    name = name if isinstance(name, str) else ""
    shown = hygiene.display_name(name)
    if shown != name.strip() and hygiene.has_controls(name):
        cleaned.append("CN")
    email = hygiene.clean_address(raw.strip().lower())
    if email is None:
        cleaned.append("an address (left out)")
    return email or "", shown


def _organizer(value: object, cleaned: list[str]) -> Person | None:
    value = _first(value)
    if value is None:
        return None
    email, name = _address(value, cleaned)
    if not email and not name:
        return None
    return Person(email=email, name=name)


def _attendees(value: object, cleaned: list[str]) -> tuple[Attendee, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    attendees: list[Attendee] = []
    for item in items:
        email, name = _address(item, cleaned)
        if not email:
            continue
        params = getattr(item, "params", None)
        partstat = params.get("PARTSTAT") if params is not None else None
        response = partstat.strip().lower() if isinstance(partstat, str) and partstat else ""
        attendees.append(Attendee(email=email, name=name, response=response or "needs-action"))
    return tuple(attendees)


def _one_line(text: str) -> str:
    """Collapse whitespace so one problem is one log line."""
    return " ".join(text.split())[:160]
