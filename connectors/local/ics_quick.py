"""A quick reader for the plain VEVENTs that make up almost every calendar export.

icalendar builds a full component tree: about half a millisecond and several kilobytes per
event, so a 100,000-event export cost most of a minute and half a gigabyte on every pass.
This reader scans the unfolded text once and reads the few properties `ics.py` converts,
for events written the ordinary way (UTC, IANA TZID or floating times, dates, simple
durations, plain parameters). Anything else (a Windows or custom TZID, an odd value, RFC
6868 escapes) is handed back as text for icalendar to read, with the calendar's VTIMEZONEs,
so the result is the same as icalendar's, only sooner. A file whose BEGIN/END lines do not
balance is not scanned at all (`scan` returns None) and goes to the damaged-file path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = UTC  # faster to convert than ZoneInfo("UTC"), the same instants
# The properties `ics.py` reads; others are skipped unread.
_WANTED = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "SUMMARY",
        "DESCRIPTION",
        "LOCATION",
        "STATUS",
        "ORGANIZER",
        "ATTENDEE",
        "RECURRENCE-ID",
        "SEQUENCE",
        "X-FOLLOWUP-KEY",
    }
)
_TEXT = frozenset({"UID", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS", "SEQUENCE"})
_TIMES = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID"})
_ADDRESSES = frozenset({"ORGANIZER", "ATTENDEE"})
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*)')
_DATE = re.compile(r"(\d{4})(\d\d)(\d\d)")
_DATE_TIME = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(Z?)")
_DURATION = re.compile(r"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UNESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}


class Slow(Exception):
    """This event is not plain: icalendar reads it."""


@dataclass(slots=True)
class Prop:
    """One property as `ics.py` reads it from icalendar: `str()`, `.dt`, `.params`."""

    text: str
    raw: str
    params: dict[str, str]
    dt: date | timedelta | None = None

    def __str__(self) -> str:
        return self.text

    def to_ical(self) -> bytes:
        return self.raw.encode()


@dataclass(slots=True)
class QuickEvent:
    """A VEVENT's wanted properties, answering `get` and `in` as an icalendar event does."""

    props: dict[str, Prop | list[Prop]] = field(default_factory=dict)

    def get(self, name: str, default: object = None) -> object:
        return self.props.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self.props

    def add(self, name: str, prop: Prop) -> None:
        there = self.props.get(name)
        if there is None:
            self.props[name] = prop
        elif isinstance(there, list):
            there.append(prop)
        else:
            self.props[name] = [there, prop]


@dataclass(slots=True)
class Item:
    """One VEVENT in file order: read quickly, or its text (alarms left out) for icalendar."""

    method: str
    event: QuickEvent | None = None
    text: str = ""


@dataclass(slots=True)
class Scanned:
    items: list[Item]
    timezones: list[tuple[str, str]]  # (TZID, VTIMEZONE text)


# Searched in "\n" + text: a pattern that starts with a literal newline is found at C speed.
_TOKENS = re.compile(
    r"\n(?:(BEGIN|END):([^\r\n]*)|(METHOD|" + "|".join(sorted(_WANTED)) + r")([;:][^\r\n]*))",
    re.IGNORECASE,
)
_NO_PARAMS: dict[str, str] = {}  # shared by every property without parameters; never changed


@dataclass(slots=True)
class _Open:
    """The VEVENT or VTIMEZONE being scanned."""

    name: str
    start: int  # offset of its BEGIN line
    depth: int  # len(stack) once it began
    event: QuickEvent | None = None  # None once it is known to be slow, or for a VTIMEZONE
    alarm_at: int = -1  # offset of the BEGIN:VALARM open inside it, if any
    alarms: list[tuple[int, int]] = field(default_factory=list)  # spans left out of its text


def scan(text: str) -> Scanned | None:
    """Every VEVENT of an unfolded calendar text, or None when its structure is damaged.

    One regular-expression pass finds the BEGIN/END lines and the wanted properties; the
    other lines are never looked at in Python.
    """
    items: list[Item] = []
    timezones: list[tuple[str, str]] = []
    stack: list[str] = []
    method = ""
    block: _Open | None = None
    text = "\n" + text
    for match in _TOKENS.finditer(text):
        marker, component, name, rest = match.groups()
        if marker is not None:
            component = component.strip().upper()
            if marker.upper() == "BEGIN":
                stack.append(component)
                if block is None and component in ("VEVENT", "VTIMEZONE"):
                    event = QuickEvent() if component == "VEVENT" else None
                    block = _Open(component, match.start() + 1, len(stack), event)
                elif block is not None and len(stack) == block.depth + 1:
                    if component == "VALARM" and block.name == "VEVENT":
                        block.alarm_at = match.start() + 1
                    else:
                        block.event = None  # a component inside the event: icalendar's
                continue
            if not stack or stack[-1] != component:
                return None
            stack.pop()
            if block is None:
                if not stack:
                    method = ""
            elif len(stack) == block.depth and block.alarm_at >= 0:
                after = match.end()
                after += 2 if text.startswith("\r\n", after) else int(text.startswith("\n", after))
                block.alarms.append((block.alarm_at, after))
                block.alarm_at = -1
            elif len(stack) < block.depth:
                whole = text[block.start : match.end()]
                _close(block, whole, method, items, timezones)
                block = None
            continue
        upper = name.upper()
        if block is None:
            if upper == "METHOD" and stack == ["VCALENDAR"]:
                method = rest.partition(":")[2].strip().upper()
        elif block.event is not None and len(stack) == block.depth and upper != "METHOD":
            try:
                params, value = _split(rest)
                block.event.add(upper, _prop(upper, params, value))
            except Slow:
                block.event = None
    if stack or block is not None:
        return None
    return Scanned(items=items, timezones=timezones)


def _close(
    block: _Open, whole: str, method: str, items: list[Item], timezones: list[tuple[str, str]]
) -> None:
    """File a finished block: a VTIMEZONE, a quick event, or an event's text (no alarms)."""
    if block.name == "VTIMEZONE":
        timezones.append((_tzid_of(whole), whole))
    elif block.event is not None:
        items.append(Item(method=method, event=block.event))
    else:
        for start, end in reversed(block.alarms):
            whole = whole[: start - block.start] + whole[end - block.start :]
        items.append(Item(method=method, text=whole))


def _tzid_of(whole: str) -> str:
    """A VTIMEZONE's TZID as events quote it (TEXT escapes undone)."""
    match = re.search(r"^TZID[^:\r\n]*:([^\r\n]*)", whole, re.MULTILINE | re.IGNORECASE)
    if match is None:
        return ""
    value = match.group(1).strip()
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def _split(rest: str) -> tuple[dict[str, str], str]:
    """The parameters and the value of a content line after its name (`;...:value`)."""
    if rest[0] == ":":
        return _NO_PARAMS, rest[1:]
    at = 0
    params: dict[str, str] = {}
    while rest[at] == ";":
        match = _PARAM.match(rest, at)
        if match is None:
            raise Slow
        value = match.group(2)
        if "^" in value:
            raise Slow  # RFC 6868 escapes: icalendar's business
        params[match.group(1).upper()] = value[1:-1] if value.startswith('"') else value
        at = match.end()
        if at >= len(rest):
            raise Slow
    if rest[at] != ":":
        raise Slow
    return params, rest[at + 1 :]


def _prop(name: str, params: dict[str, str], value: str) -> Prop:
    if name in _TIMES:
        return Prop(text=value, raw=value, params=params, dt=_when(params, value))
    if name == "DURATION":
        return Prop(text=value, raw=value, params=params, dt=_duration(value))
    if name in _ADDRESSES:
        return Prop(text=value, raw=value, params=params)
    if name in _TEXT or name == "X-FOLLOWUP-KEY":
        return Prop(text=_unescape(value), raw=value, params=params)
    raise Slow


def _unescape(value: str) -> str:
    """RFC 5545 TEXT unescaping; any other backslash sequence is icalendar's to judge."""
    if "\\" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        escaped = _ESCAPED.get(match.group(1))
        if escaped is None:
            raise Slow
        return escaped

    return _UNESCAPE.sub(one, value)


def _when(params: dict[str, str], value: str) -> date:
    kind = params.get("VALUE", "").upper()
    if kind not in ("", "DATE", "DATE-TIME") or set(params) - {"VALUE", "TZID"}:
        raise Slow
    if kind == "DATE" or (not kind and len(value) == 8):
        match = _DATE.fullmatch(value)
        if match is None or "TZID" in params:
            raise Slow
        return _make(date, *map(int, match.groups()))
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        raise Slow
    year, month, day, hour, minute, second = map(int, match.groups()[:6])
    utc = match.group(7) == "Z"
    tzid = params.get("TZID")
    if utc and tzid is not None:
        raise Slow
    zone = UTC_ZONE if utc else (_zone(tzid) if tzid is not None else None)
    moment = _make(datetime, year, month, day, hour, minute, second)
    assert isinstance(moment, datetime)
    return moment.replace(tzinfo=zone)


def _make(kind: type[date], *parts: int) -> date:
    try:
        return kind(*parts)
    except ValueError:
        raise Slow from None


@lru_cache(maxsize=256)
def _zone(tzid: str) -> ZoneInfo:
    """An IANA zone by its name; any other TZID (Windows names, custom) is icalendar's."""
    if not tzid or tzid.startswith("/") or ".." in tzid:
        raise Slow
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Slow from None


def _duration(value: str) -> timedelta:
    match = _DURATION.fullmatch(value)
    if match is None or value in ("P", "PT") or value.endswith("T"):
        raise Slow
    sign, weeks, days, hours, minutes, seconds = match.groups()
    try:
        length = timedelta(
            weeks=int(weeks or 0),
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=int(seconds or 0),
        )
    except (OverflowError, ValueError):
        raise Slow from None  # an impractical duration: icalendar's message for it
    return -length if sign == "-" else length
