"""Business-day arithmetic for one country (POLICY.md "Words": business day, next business day)."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays

_ONE_DAY = timedelta(days=1)


@cache
def _country_codes() -> frozenset[str]:
    """Every country code `holidays` has a table for (aliases too), without loading one."""
    from holidays.registry import EntityLoader

    return frozenset(EntityLoader.get_country_codes(include_aliases=True))


class BusinessCalendar:
    """Business days of one country (and subdivision), from the `holidays` package."""

    __slots__ = ("country", "subdivision", "_table", "_by_year")

    def __init__(
        self,
        country: str,
        subdivision: str | None = None,
        *,
        years: MutableMapping[int, frozenset[date]] | None = None,
    ) -> None:
        code = country.strip().upper()
        sub = subdivision.strip() if subdivision else None
        self.country: str = code
        self.subdivision: str | None = None
        self._table: holidays.HolidayBase | None = None
        if sub is None:
            # Loading a country's table imports every country `holidays` knows (0.1-0.2 s
            # on every command): the code is checked against the registry now,
            # the table loaded when a date is first asked about (`status` from the plan
            # cache asks none).
            if code not in _country_codes():
                raise ValueError(f"unknown country {code!r} for holidays: not in its registry")
        else:  # a subdivision is checked (and its code normalised) by the table itself
            self._table = self._load(code, sub)
            self.subdivision = self._table.subdiv
        # Public holidays per year, filled lazily: one `holidays` lookup per year, then set
        # hits. A caller may lend the mapping, filled by an earlier process (`checked`).
        self._by_year: MutableMapping[int, frozenset[date]] = {} if years is None else years

    @classmethod
    def checked(
        cls,
        country: str,
        subdivision: str | None,
        years: MutableMapping[int, frozenset[date]],
    ) -> BusinessCalendar:
        """A calendar for a country (and normalised subdivision) an earlier calendar checked,
        with the years it worked out: nothing of `holidays` is loaded for a year `years`
        holds. (Loading a table costs 0.06-0.1 s of a process; the daemon keeps the years.)"""
        calendar = cls.__new__(cls)
        calendar.country, calendar.subdivision = country, subdivision
        calendar._table = None
        calendar._by_year = years
        return calendar

    @property
    def years(self) -> MutableMapping[int, frozenset[date]]:
        """The public holidays of each year worked out so far."""
        return self._by_year

    @property
    def _holidays(self) -> holidays.HolidayBase:
        if self._table is None:
            self._table = self._load(self.country, self.subdivision)
        return self._table

    @staticmethod
    def _load(country: str, subdivision: str | None) -> holidays.HolidayBase:
        """The `holidays` table; subdivision codes are tried as given and in upper case."""
        import holidays

        tries = [subdivision] if subdivision is None else [subdivision, subdivision.upper()]
        problem = ""
        for sub in dict.fromkeys(tries):
            try:
                return holidays.country_holidays(country, subdiv=sub)
            except NotImplementedError as error:
                problem = str(error)
        if subdivision is None:
            raise ValueError(f"unknown country {country!r} for holidays: {problem}")
        raise ValueError(
            f"unknown subdivision {subdivision!r} of country {country!r} for holidays: {problem}"
        )

    def _holidays_of(self, year: int) -> frozenset[date]:
        found = self._by_year.get(year)
        if found is None:
            # A lookup makes the `holidays` object expand itself to that year.
            date(year, 1, 1) in self._holidays  # noqa: B015 - the lookup populates the year
            found = frozenset(day for day in self._holidays if day.year == year)
            self._by_year[year] = found
        return found

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a public holiday (POLICY.md "Words": business day)."""
        return day.weekday() < 5 and day not in self._holidays_of(day.year)

    def add_business_days(self, day: date, count: int) -> date:
        """`day` advanced by `count` business days ("N business days", POLICY.md timeline)."""
        if count < 0:
            raise ValueError(f"count of business days must be >= 0, got {count}")
        current = day
        left = count
        while left:
            current += _ONE_DAY
            if self.is_business_day(current):
                left -= 1
        return current

    def next_business_day_after(self, day: date) -> date:
        """The first business day strictly after `day` (POLICY.md "Words")."""
        return self.first_business_day_on_or_after(day + _ONE_DAY)

    def first_business_day_on_or_after(self, day: date) -> date:
        """`day` itself when it is a business day, else the next one."""
        current = day
        while not self.is_business_day(current):
            current += _ONE_DAY
        return current

    def __repr__(self) -> str:
        if self.subdivision:
            return f"BusinessCalendar({self.country!r}, {self.subdivision!r})"
        return f"BusinessCalendar({self.country!r})"
