"""Public holidays by year, kept beside the state so a command loads no `holidays` table.

Checking a country against `holidays` imports the package (0.04-0.06 s) and the first date
worked out loads a table, which imports every country it knows (0.06-0.1 s): together a
third of a `sync --once` after one new message (issue 12). The years a calendar works out
are kept in `<state>.holidays`, keyed by the `holidays` release that computed them (an
upgrade recomputes them). It is a cache: unreadable or stale, it is rebuilt.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from daemon.cache_file import replace_file
from policy.business_days import BusinessCalendar

logger = logging.getLogger(__name__)

_FORMAT = 1


def _release() -> str:
    """A stamp of the installed `holidays` (its version file), found without importing it."""
    spec = importlib.util.find_spec("holidays")
    folders = spec.submodule_search_locations if spec is not None else None
    try:
        text = (Path(next(iter(folders or ()))) / "version.py").read_bytes()
    except (OSError, StopIteration):
        return ""
    return hashlib.blake2b(text, digest_size=8).hexdigest()


class HolidayCache:
    """The business calendars of one state folder, with the years earlier processes kept."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._release = _release()
        self._tables: dict[str, dict[str, Any]] = self._read()
        self._lent: dict[str, tuple[BusinessCalendar, int]] = {}

    @classmethod
    def beside(cls, state_path: Path) -> HolidayCache:
        return cls(state_path.with_name(state_path.name + ".holidays"))

    def calendar(self, country: str, subdivision: str | None = None) -> BusinessCalendar:
        """The calendar of `country`; raises ValueError for one `holidays` does not know."""
        key = f"{country.strip().upper()}|{(subdivision or '').strip()}"
        lent = self._lent.get(key)
        if lent is not None:
            return lent[0]
        table = self._tables.get(key)
        years = _years(table) if table is not None else None
        if table is not None and years is not None:
            calendar = BusinessCalendar.checked(table["country"], table["subdivision"], years)
        else:
            calendar = BusinessCalendar(country, subdivision)
        self._lent[key] = (calendar, len(calendar.years))
        return calendar

    def save(self) -> None:
        """Keep the years the calendars lent since worked out (nothing new: no write)."""
        grown = False
        for key, (calendar, known) in self._lent.items():
            if len(calendar.years) == known:
                continue
            grown = True
            self._tables[key] = {
                "country": calendar.country,
                "subdivision": calendar.subdivision,
                "years": {
                    str(year): sorted(day.isoformat() for day in days)
                    for year, days in calendar.years.items()
                },
            }
            self._lent[key] = (calendar, len(calendar.years))
        if grown and self._release:
            self._write()

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            kept = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            logger.info("%s: not readable (%s); holidays worked out afresh", self.path, error)
            return {}
        if not isinstance(kept, dict) or kept.get("format") != _FORMAT:
            return {}
        if not self._release or kept.get("holidays") != self._release:
            return {}  # another `holidays` release: its tables may differ
        tables = kept.get("tables")
        return tables if isinstance(tables, dict) else {}

    def _write(self) -> None:
        text = json.dumps(
            {"format": _FORMAT, "holidays": self._release, "tables": self._tables},
            separators=(",", ":"),
        )
        try:
            replace_file(self.path, text.encode("utf-8"))
        except OSError as error:  # a cache: the next command works the years out again
            logger.info("%s: not kept (%s)", self.path, error.strerror or error)


def _years(table: Any) -> dict[int, frozenset[date]] | None:
    """A kept table's years, or None when it is not one this module wrote."""
    try:
        if not isinstance(table["country"], str) or not isinstance(
            table["subdivision"], str | None
        ):
            return None
        return {
            int(year): frozenset(date.fromisoformat(day) for day in days)
            for year, days in table["years"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
