"""Business days per country and subdivision (POLICY.md "Words": business day)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from policy.business_days import BusinessCalendar

US = BusinessCalendar("US")
US_CA = BusinessCalendar("US", "CA")  # California also closes the day after Thanksgiving
GB = BusinessCalendar("GB")
DE = BusinessCalendar("DE")
DE_BY = BusinessCalendar("DE", "BY")  # Bavaria keeps Epiphany (Jan 6)


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (US, date(2026, 12, 1), True),  # a Tuesday
        (US, date(2026, 12, 5), False),  # Saturday
        (US, date(2026, 12, 6), False),  # Sunday
        (US, date(2026, 11, 26), False),  # Thanksgiving
        (US, date(2026, 11, 27), True),  # the Friday after is no federal holiday
        (US_CA, date(2026, 11, 27), False),  # ... but it is one in California
        (US, date(2026, 12, 24), True),  # Christmas Eve is a working day
        (US, date(2026, 12, 25), False),  # Christmas
        (US, date(2027, 1, 1), False),  # New Year's Day
        (US, date(2026, 7, 3), False),  # July 4 is a Saturday: observed on Friday the 3rd
        (US, date(2027, 1, 18), False),  # Martin Luther King Jr. Day
        (GB, date(2026, 12, 28), False),  # Boxing Day (a Saturday) moves to Monday
        (DE, date(2026, 1, 6), True),  # Epiphany is not a national holiday
        (DE_BY, date(2026, 1, 6), False),  # ... but a Bavarian one
    ],
)
def test_is_business_day(calendar: BusinessCalendar, day: date, expected: bool) -> None:
    assert calendar.is_business_day(day) is expected


@pytest.mark.parametrize(
    ("calendar", "day", "count", "expected"),
    [
        # Tue Dec 1 + 5: Wed 2, Thu 3, Fri 4, Mon 7, Tue 8.
        (US, date(2026, 12, 1), 5, date(2026, 12, 8)),
        # Fri Dec 4 + 1 skips the weekend: Mon 7.
        (US, date(2026, 12, 4), 1, date(2026, 12, 7)),
        # A Saturday anchor: Mon 7 is the first business day after it.
        (US, date(2026, 12, 5), 1, date(2026, 12, 7)),
        # Thanksgiving week, Tue Nov 24 + 3: Wed 25, (Thu 26 holiday) Fri 27, Mon 30.
        (US, date(2026, 11, 24), 3, date(2026, 11, 30)),
        # In California Fri 27 is off too: Wed 25, Mon 30, Tue Dec 1.
        (US_CA, date(2026, 11, 24), 3, date(2026, 12, 1)),
        # Christmas, Wed Dec 23 + 2: Thu 24, (Fri 25 holiday) Mon 28.
        (US, date(2026, 12, 23), 2, date(2026, 12, 28)),
        # New Year, Wed Dec 30 + 3: Thu 31, (Fri Jan 1 holiday) Mon 4, Tue 5.
        (US, date(2026, 12, 30), 3, date(2027, 1, 5)),
        # GB Christmas, Wed Dec 23 + 5: Thu 24, (25, 28 off) Tue 29, Wed 30, Thu 31, (Jan 1) Mon 4.
        (GB, date(2026, 12, 23), 5, date(2027, 1, 4)),
        # Month end: Fri Jan 30 + 1 = Mon Feb 2.
        (US, date(2026, 1, 30), 1, date(2026, 2, 2)),
        # Zero business days leaves the day as it is, even a Saturday.
        (US, date(2026, 12, 5), 0, date(2026, 12, 5)),
    ],
)
def test_add_business_days(
    calendar: BusinessCalendar, day: date, count: int, expected: date
) -> None:
    assert calendar.add_business_days(day, count) == expected


def test_add_business_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        US.add_business_days(date(2026, 12, 1), -1)


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (US, date(2026, 12, 1), date(2026, 12, 2)),  # Tue -> Wed
        (US, date(2026, 12, 4), date(2026, 12, 7)),  # Fri -> Mon
        (US, date(2026, 12, 5), date(2026, 12, 7)),  # Sat -> Mon
        (US, date(2026, 11, 25), date(2026, 11, 27)),  # Wed before Thanksgiving -> Fri
        (US_CA, date(2026, 11, 25), date(2026, 11, 30)),  # ... Mon in California
        (US, date(2026, 12, 24), date(2026, 12, 28)),  # Thu before Christmas -> Mon
        (US, date(2026, 12, 31), date(2027, 1, 4)),  # year end, Jan 1 off -> Mon Jan 4
    ],
)
def test_next_business_day_after(calendar: BusinessCalendar, day: date, expected: date) -> None:
    assert calendar.next_business_day_after(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 1), date(2026, 12, 1)),  # a business day is its own answer
        (date(2026, 12, 5), date(2026, 12, 7)),  # Sat -> Mon
        (date(2027, 1, 1), date(2027, 1, 4)),  # New Year's Day (Fri) -> Mon
        (date(2026, 11, 26), date(2026, 11, 27)),  # Thanksgiving -> Fri
    ],
)
def test_first_business_day_on_or_after(day: date, expected: date) -> None:
    assert US.first_business_day_on_or_after(day) == expected


def test_country_code_is_upper_case() -> None:
    assert BusinessCalendar("gb").country == "GB"
    assert BusinessCalendar("us", "ca").is_business_day(date(2026, 11, 27)) is False


@pytest.mark.parametrize(
    ("country", "subdivision", "message"),
    [
        ("XX", None, "unknown country 'XX'"),
        ("US", "ZZ", "unknown subdivision 'ZZ' of country 'US'"),
    ],
)
def test_unknown_country_or_subdivision(
    country: str, subdivision: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(country, subdivision)


def test_long_runs_cross_years() -> None:
    """Years are filled in as the arithmetic reaches them."""
    calendar = BusinessCalendar("US")
    day = date(2026, 1, 1)
    for offset in range(200):
        day = calendar.add_business_days(day, 10 + offset % 7)
    assert day.year >= 2033
    assert calendar.is_business_day(day)


def test_a_country_alias_reads_as_its_country() -> None:
    """`UK` is how many people write GB; the registry's aliases are accepted."""
    assert BusinessCalendar("UK").is_business_day(date(2026, 12, 28)) is False  # Boxing Day, moved


def test_the_table_is_loaded_only_when_a_date_is_asked_about() -> None:
    """Loading one country imports all of them (0.1-0.2 s on every `status`)."""
    probe = (
        "import sys; from policy.business_days import BusinessCalendar as B; B('US');"
        "print(any(m.startswith('holidays.countries.') for m in sys.modules))"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "False"


def test_a_checked_calendar_answers_from_the_years_it_is_lent() -> None:
    """The daemon keeps the years worked out; a calendar lent them loads no table."""
    worked_out = BusinessCalendar("US")
    worked_out.add_business_days(date(2026, 12, 20), 10)  # reaches into 2027
    assert set(worked_out.years) == {2026, 2027}
    probe = (
        "import sys; from datetime import date;"
        "from policy.business_days import BusinessCalendar as B;"
        f"kept = {_kept(worked_out)!r};"
        "years = {y: frozenset(map(date.fromisoformat, days)) for y, days in kept.items()};"
        "c = B.checked('US', None, years);"
        "print(c.add_business_days(date(2026, 12, 20), 10), c.is_business_day(date(2026, 12, 25)),"
        "any(m.startswith('holidays') for m in sys.modules))"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["2027-01-05", "False", "False"]  # Christmas, New Year


def test_a_checked_calendar_works_out_a_year_it_was_not_lent() -> None:
    calendar = BusinessCalendar.checked("US", "CA", {})
    assert calendar.is_business_day(date(2026, 11, 27)) is False  # California's day after
    assert set(calendar.years) == {2026}


def _kept(calendar: BusinessCalendar) -> dict[int, list[str]]:
    return {year: sorted(d.isoformat() for d in days) for year, days in calendar.years.items()}
