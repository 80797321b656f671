"""Calendar arithmetic behind the timeline rules: weeks, months, quarters and named days."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

FRIDAY = 4
SUNDAY = 6


def last_day(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's end (Jan 31 + 1 month = Feb 28)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def monday_of(day: date) -> date:
    """The Monday of `day`'s calendar week (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def work_week_monday(day: date) -> date:
    """Monday of the week "this week" means: `day`'s own, or the next one from a weekend.

    POLICY.md "The stated timeline", a week: said on a Saturday or Sunday, "this week"
    is the coming one.
    """
    monday = monday_of(day)
    return monday + timedelta(days=7) if day.weekday() > FRIDAY else monday


def weekday_after(day: date, weekday: int) -> date:
    """The first `weekday` strictly after `day` ("by Friday", POLICY.md a day)."""
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def weekday_on_or_after(day: date, weekday: int) -> date:
    """The first `weekday` on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def week_friday(day: date) -> date:
    """The Friday of the work week holding `day`; a weekend day belongs to the next week."""
    return work_week_monday(day) + timedelta(days=FRIDAY)


def month_on_or_after(anchor: date, month: int) -> tuple[int, int]:
    """(year, month) of the next such month on or after the anchor's month (POLICY.md a month)."""
    return (anchor.year if month >= anchor.month else anchor.year + 1), month


def date_on_or_after(anchor: date, month: int, day: int) -> date | None:
    """The next `month`/`day` on or after the anchor ("December 12", POLICY.md a day)."""
    for year in range(anchor.year, anchor.year + 9):  # Feb 29 comes back within 8 years
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= anchor:
            return found
    return None


def day_of_month_on_or_after(anchor: date, day: int) -> date | None:
    """The next day-of-month `day` on or after the anchor ("the 12th", POLICY.md a day)."""
    for step in range(13):
        first = add_months(anchor.replace(day=1), step)
        if day <= calendar.monthrange(first.year, first.month)[1]:
            found = first.replace(day=day)
            if found >= anchor:
                return found
    return None


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter (POLICY.md a quarter: P is the window's last day)."""
    return last_day(year, quarter * 3)


def nth_weekday_of_month(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The nth (1-based; -1 = last, -2 = second last) `weekday` of a month, or None."""
    days = [
        date(year, month, number)
        for number in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, number).weekday() == weekday
    ]
    index = nth - 1 if nth > 0 else nth
    return days[index] if -len(days) <= index < len(days) and nth != 0 else None


def whole_weeks(first: date, last: date) -> list[date]:
    """Mondays of the Monday-to-Sunday weeks lying wholly inside [first, last]."""
    monday = weekday_on_or_after(first, 0)
    mondays: list[date] = []
    while monday + timedelta(days=6) <= last:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def named_day(name: str, year: int, country: str) -> date | None:
    """A named day of `year` (Christmas, Thanksgiving, Easter, ...), or None when unknown."""
    fixed = {
        "christmas eve": (12, 24),
        "christmas": (12, 25),
        "new year's eve": (12, 31),
        "new year's": (1, 1),
        "halloween": (10, 31),
        "valentine's": (2, 14),
        "st patrick's": (3, 17),
        "independence": (7, 4),
    }
    if name in fixed:
        month, day = fixed[name]
        return date(year, month, day)
    if name in ("easter", "easter monday", "good friday"):
        shift = {"easter": 0, "easter monday": 1, "good friday": -2}[name]
        return easter_sunday(year) + timedelta(days=shift)
    if name in ("thanksgiving", "black friday"):
        if country == "CA":  # Canadian Thanksgiving: the second Monday of October
            found = nth_weekday_of_month(year, 10, 0, 2)
        else:  # US Thanksgiving: the fourth Thursday of November
            found = nth_weekday_of_month(year, 11, 3, 4)
        if found is None:
            return None
        return found + timedelta(days=1) if name == "black friday" else found
    return None
