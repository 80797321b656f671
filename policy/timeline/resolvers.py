"""From a matched time expression to the promised date P (POLICY.md "The stated timeline").

Every resolver gets the regex match of its rule (see `policy.timeline.patterns`) and the
anchor date A with the user's calendar, and returns P: the last day of the window the
words give. None means the words give no date ("last Monday", "2 weeks ago").

Why one long module: one small resolver per kind of expression in `patterns`, each a few
lines beside its neighbours; split further they would only be harder to compare.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from policy.business_days import BusinessCalendar
from policy.timeline.dates import (
    FRIDAY,
    SUNDAY,
    add_months,
    date_on_or_after,
    day_of_month_on_or_after,
    last_day,
    monday_of,
    month_on_or_after,
    named_day,
    nth_weekday_of_month,
    quarter_end,
    quarter_of,
    week_friday,
    weekday_after,
    weekday_on_or_after,
    whole_weeks,
    work_week_monday,
)
from policy.timeline.words import MONTHS, WEEKDAYS

# Countries writing numeric dates month first (12/9 = December 9). Canada uses both orders,
# so there the reading that falls sooner on or after A wins (see `resolve_numeric_date`).
MONTH_FIRST = frozenset({"US", "AS", "GU", "MP", "PR", "UM", "VI", "PH", "FM", "MH", "PW", "BZ"})
EITHER_ORDER = frozenset({"CA"})
YEAR_FIRST = frozenset({"CN", "JP", "KR", "TW", "HU", "LT"})

# Caps that keep arithmetic finite on hostile input; no recruiter promises more.
_MAX_DAYS = 36_600
_MAX_BUSINESS_DAYS = 2_600


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What a rule needs besides its words: the anchor date A and the user's calendar."""

    anchor_on: date
    calendar: BusinessCalendar


Resolver = Callable[[re.Match[str], Context], date | None]
Combiner = Callable[[re.Match[str], date, Context], date | None]


def _g(match: re.Match[str], name: str) -> str | None:
    """A named group's text, or None where the rule has no such group or it did not match."""
    value = match.groupdict().get(name)
    return value if isinstance(value, str) else None


def _gs(match: re.Match[str], name: str) -> str:
    return _g(match, name) or ""


def _weekday(word: str) -> int:
    word = word.rstrip(".")
    if word not in WEEKDAYS and word.endswith("s"):
        word = word[:-1]
    return WEEKDAYS[word]


def _month(word: str) -> int:
    return MONTHS[word.rstrip(".")]


def _quantity(word: str) -> int:
    return {"a": 1, "an": 1, "couple": 2, "few": 3, "several": 3}.get(word) or int(word)


def _year_of(match: re.Match[str]) -> int | None:
    """The year written in the match, if any ("2015", "'15", a closing "15")."""
    if year := _g(match, "year"):
        return int(year)
    short = _g(match, "yy") or _g(match, "yy2")
    return 2000 + int(short) if short else None


# --- resolvers ---------------------------------------------------------------------------


def resolve_anchor(_m: re.Match[str], ctx: Context) -> date:
    """ "today", "end of day": A (POLICY.md a day)."""
    return ctx.anchor_on


def shift_days(days: int) -> Resolver:
    """ "tomorrow" (A + 1), "the day after tomorrow" (A + 2)."""

    def resolve(_m: re.Match[str], ctx: Context) -> date:
        return ctx.anchor_on + timedelta(days=days)

    return resolve


def resolve_nothing(_m: re.Match[str], _ctx: Context) -> None:
    """Words that are a time but give no promised date ("last Monday", "2 weeks ago")."""
    return None


def _advance(ctx: Context, count: int, unit: str, fuzzy: bool) -> date | None:
    """A + a duration (POLICY.md a duration): calendar days, or business days where said."""
    unit = unit.replace("'", "")
    business = unit.startswith(("business ", "working ", "work "))
    base = unit.split()[-1].rstrip("s") or unit
    anchor = ctx.anchor_on
    if base == "day" and (business or fuzzy):
        # "N business days", and "a couple of days" = 2 / "a few days" = 3 business days.
        return None if count > _MAX_BUSINESS_DAYS else ctx.calendar.add_business_days(anchor, count)
    if base in ("week", "wk") and business:
        if 5 * count > _MAX_BUSINESS_DAYS:
            return None
        return ctx.calendar.add_business_days(anchor, 5 * count)
    days_per = {"day": 1, "week": 7, "wk": 7, "fortnight": 14}.get(base)
    if days_per is not None:
        return None if count * days_per > _MAX_DAYS else anchor + timedelta(days=count * days_per)
    months_per = {"month": 1, "mo": 1, "quarter": 3, "qtr": 3, "year": 12, "yr": 12}.get(base)
    if months_per is not None:
        return None if count * months_per > 1200 else add_months(anchor, count * months_per)
    minutes = {"hour": 60, "hr": 60, "minute": 1, "min": 1}.get(base)
    if minutes is not None:
        # Only the date is known: under a day stays on A, longer rounds up to whole days.
        total = count * minutes
        days = 0 if total < 1440 else math.ceil(total / 1440)
        return None if days > _MAX_DAYS else anchor + timedelta(days=days)
    return None


# Half of a unit as (months, days), rounded up to whole days: "a week and a half" = 11 days.
_HALF_UNIT = {
    "day": (0, 1),
    "week": (0, 4),
    "wk": (0, 4),
    "fortnight": (0, 7),
    "month": (0, 15),
    "mo": (0, 15),
    "quarter": (1, 15),
    "qtr": (1, 15),
    "year": (6, 0),
    "yr": (6, 0),
}


def _add_half(ctx: Context, day: date, unit: str) -> date:
    """`day` plus half a `unit` (business units in business days)."""
    base = unit.split()[-1].rstrip("s")
    if unit.startswith(("business ", "working ", "work ")):
        return ctx.calendar.add_business_days(day, 3 if base in ("week", "wk") else 1)
    months, days = _HALF_UNIT.get(base, (0, 0))
    return add_months(day, months) + timedelta(days=days)


def resolve_duration(match: re.Match[str], ctx: Context) -> date | None:
    """ "within 2 weeks", "7-10 business days", "a week and a half" (POLICY.md a duration)."""
    # A range ("7-10 days", "two to three weeks", "a week or two") takes its upper bound.
    words = [w for w in (_g(match, "q1"), _g(match, "q2"), _g(match, "q3")) if w]
    counts = [_quantity(w) for w in words]
    fuzzy = any(w in ("couple", "few", "several") for w in words)
    unit = _gs(match, "unit")
    found = _advance(ctx, max(counts), unit, fuzzy)
    if found is not None and (_g(match, "half1") or _g(match, "half2")):
        return _add_half(ctx, found, unit)
    return found


def resolve_half_duration(match: re.Match[str], ctx: Context) -> date:
    """ "half a week": A plus half the unit; "half a day" (12 hours) stays on A."""
    unit = _gs(match, "unit")
    if unit.rstrip("s") == "day":
        return ctx.anchor_on
    return _add_half(ctx, ctx.anchor_on, unit)


def combine_duration_from(match: re.Match[str], inner: date, ctx: Context) -> date | None:
    """ "three days after Easter", "2 weeks from Friday", "a week before the 20th"."""
    shifted = _advance(
        Context(anchor_on=inner, calendar=ctx.calendar),
        _quantity(_gs(match, "q1")),
        _gs(match, "unit"),
        fuzzy=_gs(match, "q1") in ("couple", "few", "several"),
    )
    if shifted is None or _g(match, "dir") != "before":
        return shifted
    return inner - (shifted - inner)


def resolve_weekday_next(match: re.Match[str], ctx: Context) -> date:
    """ "by Friday": the first such weekday strictly after A (POLICY.md a day)."""
    return weekday_after(ctx.anchor_on, _weekday(_gs(match, "wd")))


def resolve_weekday_this(match: re.Match[str], ctx: Context) -> date:
    """ "this Friday": the first such weekday on or after A (A itself on a Friday)."""
    return weekday_on_or_after(ctx.anchor_on, _weekday(_gs(match, "wd")))


def resolve_weekday_next_week(match: re.Match[str], ctx: Context) -> date:
    """ "next Friday": that weekday of the calendar week after A's week (POLICY.md a day)."""
    return monday_of(ctx.anchor_on) + timedelta(days=7 + _weekday(_gs(match, "wd")))


def resolve_weekday_this_week(match: re.Match[str], ctx: Context) -> date:
    """ "Tuesday of this week": that day of A's work week (a weekend looks at the next)."""
    return work_week_monday(ctx.anchor_on) + timedelta(days=_weekday(_gs(match, "wd")))


def resolve_weekday_week_after_next(match: re.Match[str], ctx: Context) -> date:
    """ "Friday of the week after next": that weekday two calendar weeks after A's."""
    return monday_of(ctx.anchor_on) + timedelta(days=14 + _weekday(_gs(match, "wd")))


def resolve_weekday_after_next(match: re.Match[str], ctx: Context) -> date:
    """ "Friday after next": the second such weekday strictly after A."""
    return weekday_after(ctx.anchor_on, _weekday(_gs(match, "wd"))) + timedelta(days=7)


def resolve_weekdays_from_now(match: re.Match[str], ctx: Context) -> date | None:
    """ "three Fridays from now": the Nth such weekday strictly after A."""
    count = _quantity(_gs(match, "q1"))
    if not 1 <= count <= 5000:
        return None
    first = weekday_after(ctx.anchor_on, _weekday(_gs(match, "wd")))
    return first + timedelta(days=7 * (count - 1))


def resolve_weekday_and_day(match: re.Match[str], ctx: Context) -> date | None:
    """ "Thursday the 15th": the next 15th on or after A that falls on a Thursday."""
    weekday, number = _weekday(_gs(match, "wd")), int(_gs(match, "day"))
    found = day_of_month_on_or_after(ctx.anchor_on, number)
    for _ in range(28):
        if found is None or found.weekday() == weekday:
            return found
        found = day_of_month_on_or_after(found + timedelta(days=1), number)
    return None


def _with_weekday(found: date | None, match: re.Match[str]) -> date | None:
    """A date named with a weekday that disagrees may mean next year's ("Fri, Jul 18").

    Diaries name the weekday of dates a year out; past that the date wins over a slip.
    """
    word = _g(match, "wd") or _g(match, "wd2")
    if found is None or word is None:
        return found
    weekday = _weekday(word)
    if found.weekday() == weekday:
        return found
    try:
        later = found.replace(year=found.year + 1)
    except ValueError:
        return found
    return later if later.weekday() == weekday else found


def resolve_month_day(match: re.Match[str], ctx: Context) -> date | None:
    """ "December 12", "the 1st of March 2015": that date, else the next one on or after A."""
    month = _month(_gs(match, "mon"))
    number = int(_g(match, "day2") or _gs(match, "day"))  # "December 14-18" -> the 18th
    year = _year_of(match)
    if year is not None:
        return date(year, month, number)
    return _with_weekday(date_on_or_after(ctx.anchor_on, month, number), match)


def resolve_ides(match: re.Match[str], ctx: Context) -> date | None:
    """ "the ides of March": the 15th of March, May, July and October, else the 13th."""
    month = _month(_gs(match, "mon"))
    return date_on_or_after(ctx.anchor_on, month, 15 if month in (3, 5, 7, 10) else 13)


def resolve_numeric_date(match: re.Match[str], ctx: Context) -> date | None:
    """12/9, 9.12.2026: in the user's country's order (POLICY.md a day)."""
    first, second, last = _gs(match, "a"), _gs(match, "b"), _g(match, "c")
    a, b = int(first), int(second)
    country = ctx.calendar.country
    if last is not None and country in YEAR_FIRST and len(first) == 2:
        return _valid_or_none(2000 + a, b, int(last))  # "26/12/09": year/month/day
    year = None if last is None else (2000 + int(last) if len(last) == 2 else int(last))
    month_first = country in MONTH_FIRST | YEAR_FIRST | EITHER_ORDER
    readings: list[date] = []
    for month, number in [(a, b), (b, a)] if month_first else [(b, a), (a, b)]:
        if not 1 <= month <= 12:
            continue
        if year is None:
            found = date_on_or_after(ctx.anchor_on, month, number)
        else:
            found = _valid_or_none(year, month, number)
        if found is not None:
            readings.append(found)
    if not readings:
        return None
    if country in EITHER_ORDER:
        # Both orders are in use: the reading that falls sooner on or after A.
        upcoming = [day for day in readings if day >= ctx.anchor_on]
        return min(upcoming) if upcoming else readings[0]
    # The country's order; the other only where that is no date ("15/12" in the US).
    return readings[0]


def _valid_or_none(year: int, month: int, number: int) -> date | None:
    try:
        return date(year, month, number)
    except ValueError:
        return None


def resolve_iso_date(match: re.Match[str], ctx: Context) -> date | None:
    """ "2026-12-09": year first, in every country."""
    return _valid_or_none(int(_gs(match, "year")), int(_gs(match, "m")), int(_gs(match, "d")))


def resolve_iso_month(match: re.Match[str], ctx: Context) -> date:
    """ "2026-12": the month's last day (POLICY.md a month)."""
    return last_day(int(_gs(match, "year")), int(_gs(match, "m")))


def resolve_day_of_month(match: re.Match[str], ctx: Context) -> date | None:
    """ "the 12th": the next 12th on or after A (POLICY.md a day)."""
    return day_of_month_on_or_after(ctx.anchor_on, int(_gs(match, "day")))


def _month_refs(match: re.Match[str], ctx: Context) -> list[tuple[int, int]]:
    """The months a month reference may mean, in order: this year's, then next year's."""
    anchor = ctx.anchor_on
    rel = _g(match, "rel")
    if rel is not None:
        if rel in ("next", "the next", "the following"):
            ahead = add_months(anchor.replace(day=1), 1)
            return [(ahead.year, ahead.month)]
        if rel == "the":
            ahead = add_months(anchor.replace(day=1), 1)
            return [(anchor.year, anchor.month), (ahead.year, ahead.month)]
        return [(anchor.year, anchor.month)]
    month = _month(_gs(match, "mon"))
    if year := _g(match, "year"):
        return [(int(year), month)]
    year_now, _ = month_on_or_after(anchor, month)
    return [(year_now, month), (year_now + 1, month)]


def _first_on_or_after(
    ctx: Context, refs: Sequence[tuple[int, int]], pick: Callable[[int, int], date | None]
) -> date | None:
    """The first of the candidate days that is not before A (a day rolls to next year)."""
    found: date | None = None
    for year, month in refs:
        found = pick(year, month)
        if found is not None and found >= ctx.anchor_on:
            return found
    return found


def resolve_nth_day_of_month_ref(match: re.Match[str], ctx: Context) -> date | None:
    """ "the 20th of next month", "third day of October"."""
    number = int(_gs(match, "day"))

    def pick(year: int, month: int) -> date | None:
        return _valid_or_none(year, month, number)

    return _first_on_or_after(ctx, _month_refs(match, ctx), pick)


def resolve_last_day_of_month_ref(match: re.Match[str], ctx: Context) -> date | None:
    """ "last day of October", "fifth last day of May"."""
    back = int(_g(match, "n") or "1") - 1

    def pick(year: int, month: int) -> date | None:
        end = last_day(year, month)
        return end - timedelta(days=back) if back < end.day else None

    return _first_on_or_after(ctx, _month_refs(match, ctx), pick)


def resolve_nth_weekday_of_month_ref(match: re.Match[str], ctx: Context) -> date | None:
    """ "first Tuesday of October", "last Friday in October 2015"."""
    weekday = _weekday(_gs(match, "wd"))
    nth = -1 if _g(match, "last") else int(_gs(match, "n"))

    def pick(year: int, month: int) -> date | None:
        return nth_weekday_of_month(year, month, weekday, nth)

    return _first_on_or_after(ctx, _month_refs(match, ctx), pick)


def resolve_nth_week_of(match: re.Match[str], ctx: Context) -> date | None:
    """ "first week of October 2014", "third last week of 2018": whole Monday-Sunday weeks.

    P is the Friday of that week, as for "next week" (POLICY.md a week).
    """
    nth = int(_g(match, "n") or "1")
    if _g(match, "last") or _g(match, "last2"):
        nth = -nth
    year_only = _g(match, "yonly")
    if year_only is not None:
        spans = [(date(int(year_only), 1, 1), date(int(year_only), 12, 31))]
    else:
        spans = [(date(y, m, 1), last_day(y, m)) for y, m in _month_refs(match, ctx)]
    found: date | None = None
    for first, last in spans:
        mondays = whole_weeks(first, last)
        index = nth - 1 if nth > 0 else nth
        if not -len(mondays) <= index < len(mondays):
            continue
        found = mondays[index] + timedelta(days=FRIDAY)
        if found >= ctx.anchor_on:
            return found
    return found


def combine_week_of(match: re.Match[str], inner: date, ctx: Context) -> date:
    """ "the week of October 7th": the Friday of that work week."""
    return week_friday(inner)


def combine_nth_weekday_after(match: re.Match[str], inner: date, ctx: Context) -> date | None:
    """ "third Tuesday after Christmas 2014"."""
    nth = int(_gs(match, "n"))
    if not 1 <= nth <= 60:
        return None
    return weekday_after(inner, _weekday(_gs(match, "wd"))) + timedelta(days=7 * (nth - 1))


def combine_closest_weekday(match: re.Match[str], inner: date, ctx: Context) -> date | None:
    """ "the closest Monday to Oct 5th", "the second closest Mon to October fifth"."""
    nth = int(_g(match, "n") or "1")
    if not 1 <= nth <= 10:
        return None
    weekday = _weekday(_gs(match, "wd"))
    span = 7 * (nth + 1)
    days = [inner + timedelta(days=k) for k in range(-span, span + 1)]
    ranked = sorted((d for d in days if d.weekday() == weekday), key=lambda d: (abs(d - inner), d))
    return ranked[nth - 1]


def resolve_this_week(_m: re.Match[str], ctx: Context) -> date:
    """ "this week", "end of the week": Friday of A's week; a weekend A: the next Friday."""
    return week_friday(ctx.anchor_on)


def this_week_day(weekday: int) -> Resolver:
    """ "early this week" (Tuesday), "midweek" (Wednesday); once past, the week's Friday."""

    def resolve(_m: re.Match[str], ctx: Context) -> date:
        found = work_week_monday(ctx.anchor_on) + timedelta(days=weekday)
        return found if found >= ctx.anchor_on else week_friday(ctx.anchor_on)

    return resolve


def next_week_day(weekday: int, weeks: int = 1) -> Resolver:
    """ "next week" (Friday), "early next week" (Tuesday), "mid next week" (Wednesday)."""

    def resolve(_m: re.Match[str], ctx: Context) -> date:
        return monday_of(ctx.anchor_on) + timedelta(days=7 * weeks + weekday)

    return resolve


def resolve_this_weekend(_m: re.Match[str], ctx: Context) -> date:
    """ "over the weekend": its Sunday, the last day of the window."""
    return weekday_on_or_after(ctx.anchor_on, SUNDAY)


def month_window(day_in: Callable[[int, int], date]) -> Callable[[int], Resolver]:
    """Rules for "this month" / "next month" windows, `months` after A's month."""

    def make(months: int) -> Resolver:
        def resolve(_m: re.Match[str], ctx: Context) -> date:
            first = add_months(ctx.anchor_on.replace(day=1), months)
            return day_in(first.year, first.month)

        return resolve

    return make


def end_of_month(year: int, month: int) -> date:
    """ "late May", "end of May", "May": the last day (POLICY.md a month)."""
    return last_day(year, month)


def early_in_month(year: int, month: int) -> date:
    """ "early May": the 10th (POLICY.md a month)."""
    return date(year, month, 10)


def mid_month(year: int, month: int) -> date:
    """ "mid-May": the 15th (POLICY.md a month)."""
    return date(year, month, 15)


_MODIFIER_DAY: dict[str, Callable[[int, int], date]] = {
    "early": early_in_month,
    "beginning": early_in_month,
    "start": early_in_month,
    "mid": mid_month,
    "middle": mid_month,
    "1st half": mid_month,
    "late": end_of_month,
    "end": end_of_month,
    "close": end_of_month,
    "2nd half": end_of_month,
}


def _modifier(match: re.Match[str]) -> Callable[[int, int], date]:
    words = _gs(match, "mod")
    for key, pick in _MODIFIER_DAY.items():
        if key in words:
            return pick
    return end_of_month


def resolve_named_month(match: re.Match[str], ctx: Context) -> date:
    """ "early January" (10th), "mid-December" (15th), "late May" / "May" (last day).

    POLICY.md a month: the next such month on or after A's month.
    """
    month = _month(_gs(match, "mon"))
    year_word = _g(match, "year")
    if year_word:
        year = int(year_word)
    elif _g(match, "rel") == "next year":
        year = ctx.anchor_on.year + 1
    elif _g(match, "rel") == "this year":
        year = ctx.anchor_on.year
    else:
        year, _ = month_on_or_after(ctx.anchor_on, month)
    return _modifier(match)(year, month)


def resolve_next_named_month(match: re.Match[str], ctx: Context) -> date:
    """ "next March": the next March strictly after A's month; "March after next": the one after."""
    month = _month(_gs(match, "mon"))
    year = ctx.anchor_on.year if month > ctx.anchor_on.month else ctx.anchor_on.year + 1
    if _g(match, "after"):
        year += 1
    return last_day(year, month)


def resolve_month_in_years(match: re.Match[str], ctx: Context) -> date | None:
    """ "March in a year": the next March on or after A moved on by that many years."""
    years = _quantity(_gs(match, "q1"))
    if years > 100:
        return None
    ahead = add_months(ctx.anchor_on, 12 * years)
    year, month = month_on_or_after(ahead, _month(_gs(match, "mon")))
    return last_day(year, month)


def resolve_quarter(match: re.Match[str], ctx: Context) -> date | None:
    """ "Q1", "first quarter", "end of Q1": the last day of the next such quarter on or after A."""
    number = int(_g(match, "q") or _gs(match, "n"))
    if not 1 <= number <= 4:
        return None
    anchor = ctx.anchor_on
    year = _year_of(match)
    short = _g(match, "yq")
    if short is not None:
        year = int(short) if len(short) == 4 else 2000 + int(short)
    rel = _g(match, "rel")
    if year is None and rel is not None:
        year = anchor.year + (1 if rel == "next" else 0)
    if year is None:
        year = anchor.year if number >= quarter_of(anchor) else anchor.year + 1
    return quarter_end(year, number)


def quarter_window(quarters: int) -> Resolver:
    """ "this quarter" / "next quarter": the last day of A's quarter or the one after."""

    def resolve(_m: re.Match[str], ctx: Context) -> date:
        first = add_months(ctx.anchor_on.replace(day=1), 3 * quarters)
        return quarter_end(first.year, quarter_of(first))

    return resolve


def year_window(years: int, month: int = 12) -> Resolver:
    """ "this year" / "next year": Dec 31; "early next year" Mar 31, "mid next year" Jun 30."""

    def resolve(_m: re.Match[str], ctx: Context) -> date:
        return last_day(ctx.anchor_on.year + years, month)

    return resolve


def resolve_named_year(match: re.Match[str], ctx: Context) -> date:
    """ "in 2027" (Dec 31); "early 2027" Mar 31, "mid 2027" Jun 30, "late/end of 2027" Dec 31."""
    year = int(_gs(match, "year"))
    words = _gs(match, "mod")
    month = 3 if "early" in words else 6 if "mid" in words else 12
    return last_day(year, month)


def _holiday_key(words: str) -> str:
    """The `named_day` key of a holiday as written ("Xmas Day" -> "christmas")."""
    key = words.replace("xmas", "christmas").replace("st. ", "st ")
    key = re.sub(r"(new year|valentine|patrick)'?s?'?", r"\1's", key)
    return key.removesuffix(" day").removesuffix(" sunday")


def resolve_holiday(match: re.Match[str], ctx: Context) -> date | None:
    """A named day ("by Christmas"): that year's when written, else the next on or after A."""
    key = _holiday_key(_gs(match, "hol"))
    country = ctx.calendar.country
    year = _year_of(match)
    if year is not None:
        return named_day(key, year, country)
    for candidate_year in (ctx.anchor_on.year, ctx.anchor_on.year + 1):
        found = named_day(key, candidate_year, country)
        if found is not None and found >= ctx.anchor_on:
            return found
    return None


def resolve_after_holiday(match: re.Match[str], ctx: Context) -> date | None:
    """ "after Thanksgiving": 5 business days past it, as POLICY.md counts "after the holidays"."""
    day = resolve_holiday(match, ctx)
    if day is None:
        return None
    return ctx.calendar.add_business_days(ctx.calendar.next_business_day_after(day), 5)


def resolve_after_the_holidays(_m: re.Match[str], ctx: Context) -> date | None:
    """POLICY.md: "after the holidays" said in Nov/Dec = first business day of January + 5.

    Said in any other month the words name no date.
    """
    anchor = ctx.anchor_on
    if anchor.month not in (11, 12):
        return None
    first = ctx.calendar.first_business_day_on_or_after(date(anchor.year + 1, 1, 1))
    return ctx.calendar.add_business_days(first, 5)
