"""Public holidays kept beside the state (issue 12): a command after the first loads no
`holidays` table, and a damaged, stale or foreign file is worked out afresh, never wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from daemon.cli import main
from daemon.holiday_cache import HolidayCache
from tests.daemon.test_plan_cache import T0, home, write_config  # noqa: F401 - a fixture

THANKSGIVING = date(2026, 11, 26)


def kept(path: Path) -> HolidayCache:
    cache = HolidayCache(path)
    calendar = cache.calendar("us")
    assert not calendar.is_business_day(THANKSGIVING)
    cache.save()
    return cache


def test_kept_years_are_answered_without_loading_holidays(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite.holidays"
    kept(path)
    assert path.stat().st_mode & 0o777 == 0o600
    probe = (
        "import sys; from datetime import date; from pathlib import Path;"
        "from daemon.holiday_cache import HolidayCache;"
        f"c = HolidayCache(Path({str(path)!r})).calendar('US');"
        "print(c.is_business_day(date(2026, 11, 26)), c.is_business_day(date(2026, 11, 27)),"
        "any(m == 'holidays' or m.startswith('holidays.') for m in sys.modules))"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["False", "True", "False"]


def test_a_year_not_kept_is_worked_out_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite.holidays"
    kept(path)
    cache = HolidayCache(path)
    assert not cache.calendar("US").is_business_day(date(2031, 7, 4))
    cache.save()
    tables = json.loads(path.read_text())["tables"]
    assert {"2026", "2031"} <= set(tables["US|"]["years"])


def test_the_file_is_believed_only_from_the_same_holidays_release(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite.holidays"
    kept(path)
    data = json.loads(path.read_text())
    data["tables"]["US|"]["years"]["2026"].remove(THANKSGIVING.isoformat())
    path.write_text(json.dumps(data))
    assert HolidayCache(path).calendar("US").is_business_day(THANKSGIVING)  # as kept
    data["holidays"] = "another-release"
    path.write_text(json.dumps(data))
    assert not HolidayCache(path).calendar("US").is_business_day(THANKSGIVING)


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00garbage",
        b'{"format": 1}',
        b"[]",
        b'{"format": 1, "holidays": "%s", "tables": {"US|": {"country": "US"}}}',
        b'{"format": 1, "holidays": "%s", "tables": {"US|": {"country": "US", '
        b'"subdivision": null, "years": {"2026": ["not a date"]}}}}',
    ],
)
def test_a_damaged_file_is_worked_out_afresh_and_rewritten(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "state.sqlite.holidays"
    release = json.loads(kept(path).path.read_text())["holidays"]
    path.write_bytes(damage.replace(b"%s", release.encode()))
    kept(path)
    assert "2026" in json.loads(path.read_text())["tables"]["US|"]["years"]


def test_an_unknown_country_is_refused_however_the_file_reads(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite.holidays"
    kept(path)
    with pytest.raises(ValueError, match="unknown country 'XX'"):
        HolidayCache(path).calendar("XX")


def test_a_subdivision_is_kept_normalised(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite.holidays"
    cache = HolidayCache(path)
    assert not cache.calendar("US", "ca").is_business_day(date(2026, 11, 27))
    cache.save()
    again = HolidayCache(path).calendar("US", "ca")
    assert again.subdivision == "CA"
    assert not again.is_business_day(date(2026, 11, 27))


def test_sync_keeps_the_holidays_and_plan_answers_the_same_with_them(
    home: Path,  # noqa: F811 - the fixture
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = str(home / "config.toml")
    assert main(["plan", "--json", "--config", config, "--now", T0]) == 0
    before = capsys.readouterr().out
    assert main(["sync", "--once", "--config", config, "--now", T0]) == 0
    assert (home / "state.sqlite.holidays").exists()
    capsys.readouterr()
    assert main(["plan", "--json", "--refresh", "--config", config, "--now", T0]) == 0
    assert capsys.readouterr().out == before
