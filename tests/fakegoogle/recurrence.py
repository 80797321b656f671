"""The small RRULE subset the fake Calendar expands (FREQ, INTERVAL, COUNT, UNTIL, BYDAY on
weekly rules, EXDATE); anything else is refused with a 400 naming the part."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .wire import ApiError

MAX_INSTANCES = 1000


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid", message)


_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


@dataclass(frozen=True)
class _Rule:
    freq: str
    interval: int
    count: int | None
    until: datetime | None  # aware, or naive meaning floating local time
    byday: tuple[int, ...]
    exdates: frozenset[datetime]

    def occurrences(self, start: datetime, horizon: datetime, zone: ZoneInfo) -> Iterator[datetime]:
        """Naive local start times of the occurrences (DTSTART first)."""
        produced = 0
        for candidate in self._candidates(start):
            if produced >= MAX_INSTANCES:
                return
            if self.count is not None and produced >= self.count:
                return
            aware = candidate.replace(tzinfo=zone)
            if self.until is not None:
                until = self.until if self.until.tzinfo else self.until.replace(tzinfo=zone)
                if aware > until:
                    return
            if aware > horizon and self.count is None:
                return
            if aware > horizon + timedelta(days=3660):
                return
            produced += 1
            if (
                candidate in self.exdates
                or aware.astimezone(UTC).replace(tzinfo=None) in self.exdates
            ):
                continue
            yield candidate

    def _candidates(self, start: datetime) -> Iterator[datetime]:
        if self.freq == "DAILY":
            n = 0
            while True:
                yield start + timedelta(days=n * self.interval)
                n += 1
        elif self.freq == "WEEKLY":
            days = self.byday or (start.weekday(),)
            week0 = start - timedelta(days=start.weekday())
            n = 0
            while True:
                week = week0 + timedelta(weeks=n * self.interval)
                for d in sorted(days):
                    candidate = week + timedelta(days=d)
                    if candidate >= start:
                        yield candidate
                n += 1
        elif self.freq == "MONTHLY":
            n = 0
            while True:
                month = start.month - 1 + n * self.interval
                monthly = _replace(start, start.year + month // 12, month % 12 + 1)
                if monthly is not None:  # months without that day are skipped (RFC 5545)
                    yield monthly
                n += 1
        else:  # YEARLY
            n = 0
            while True:
                yearly = _replace(start, start.year + n * self.interval, start.month)
                if yearly is not None:
                    yield yearly
                n += 1


def _replace(start: datetime, year: int, month: int) -> datetime | None:
    try:
        return start.replace(year=year, month=month)
    except ValueError:
        return None


def _parse_ical_time(text: str) -> datetime:
    text = text.strip()
    if len(text) == 8:
        return datetime.strptime(text, "%Y%m%d")
    if text.endswith("Z"):
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y%m%dT%H%M%S")


def parse_rrule(lines: list[str]) -> _Rule | None:
    rule: dict[str, str] | None = None
    exdates: set[datetime] = set()
    try:
        for line in lines:
            name, _, value = line.partition(":")
            head = name.split(";")[0].upper()
            if head == "RRULE":
                rule = dict(p.split("=", 1) for p in value.split(";") if p)
            elif head == "EXDATE":
                for item in value.split(","):
                    dt = _parse_ical_time(item)
                    exdates.add(dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt)
            elif head == "RDATE":
                raise _invalid("The fake does not support RDATE.")
        if rule is None:
            return None
        freq = rule.get("FREQ", "")
        if freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
            raise _invalid(f"The fake does not support FREQ={freq}.")
        unsupported = set(rule) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"}
        if unsupported or (freq != "WEEKLY" and "BYDAY" in rule):
            raise _invalid(
                f"The fake does not support RRULE parts {sorted(unsupported) or ['BYDAY']}."
            )
        byday = tuple(_DAYS[d] for d in rule["BYDAY"].split(",")) if "BYDAY" in rule else ()
        return _Rule(
            freq=freq,
            interval=int(rule.get("INTERVAL", "1")),
            count=int(rule["COUNT"]) if "COUNT" in rule else None,
            until=_parse_ical_time(rule["UNTIL"]) if "UNTIL" in rule else None,
            byday=byday,
            exdates=frozenset(exdates),
        )
    except (KeyError, ValueError) as exc:
        raise _invalid(f"Invalid recurrence rule: {exc}") from None
