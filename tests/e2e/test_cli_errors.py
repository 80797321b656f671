"""Bad input gives one line on stderr naming the file and the problem, and no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, followup_command

GOOD_CONFIG = """
[user]
email = "alex@example.com"
timezone = "America/New_York"
country = "US"

[calendar]
source = "ics"
path = "{calendar}"

[mail]
source = "mbox"
path = "{mail}"
"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*followup_command(), *args], capture_output=True, text=True, input=stdin, timeout=60
    )


def write_config(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text)
    return path


def assert_one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def example_config(folder: Path, **changes: str) -> Path:
    values = {
        "calendar": str(ROOT / "examples" / "calendar.ics"),
        "mail": str(ROOT / "examples" / "mail.mbox"),
    }
    values.update(changes)
    return write_config(folder, GOOD_CONFIG.format(**values))


def test_missing_config_file(tmp_path: Path) -> None:
    done = run("plan", "--config", str(tmp_path / "nope.toml"), "--json")
    assert_one_line_error(done, "nope.toml", "no such config file")


def test_invalid_toml(tmp_path: Path) -> None:
    config = write_config(tmp_path, "[user\nemail = ")
    assert_one_line_error(run("plan", "--config", str(config), "--json"), "config.toml", "TOML")


@pytest.mark.parametrize(
    ("replace", "with_", "needle"),
    [
        ('timezone = "America/New_York"', 'timezone = "Mars/Olympus"', "[user] timezone"),
        ('country = "US"', 'country = "XX"', "[user] country"),
        ('source = "ics"', 'source = "outlook"', "[calendar] source"),
        ("[mail]", "[mail]\npoll = 3", "[mail] poll: unknown key"),
        ('email = "alex@example.com"', "email = 42", "[user] email"),
    ],
)
def test_config_problem_names_the_key(
    tmp_path: Path, replace: str, with_: str, needle: str
) -> None:
    config = example_config(tmp_path)
    config.write_text(config.read_text().replace(replace, with_, 1))
    done = run("plan", "--config", str(config), "--json")
    assert_one_line_error(done, "config.toml", needle)


def test_missing_calendar_file(tmp_path: Path) -> None:
    config = example_config(tmp_path, calendar=str(tmp_path / "gone.ics"))
    assert_one_line_error(run("plan", "--config", str(config), "--json"), "gone.ics")


def test_ics_that_is_not_a_calendar(tmp_path: Path) -> None:
    fake = tmp_path / "notes.ics"
    fake.write_text("just some notes\n")
    config = example_config(tmp_path, calendar=str(fake))
    assert_one_line_error(run("plan", "--config", str(config), "--json"), "notes.ics")


def test_now_that_is_not_iso(tmp_path: Path) -> None:
    config = example_config(tmp_path)
    done = run("plan", "--config", str(config), "--now", "next tuesday", "--json")
    assert_one_line_error(done, "--now", "next tuesday")


def test_timeline_bad_line_answers_null_and_goes_on() -> None:
    stdin = 'not json\n{"text": "within 2 weeks", "sent": "2026-12-01T10:00:00-05:00"}\n'
    done = run("timeline", "--jsonl", stdin=stdin)
    assert done.returncode == 0
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2
    assert '"promised": null' in lines[0]
    assert '"promised": "2026-12-15"' in lines[1]


def test_an_ambiguous_interview_lists_each_with_its_title_and_day(tmp_path: Path) -> None:
    """Issue 13: "matches several" says which is which, not only ids to guess between."""
    config = example_config(tmp_path)
    now = ("--now", "2026-12-10T12:00:00-05:00", "--config", str(config))
    done = run("explain", "soylent", *now)
    assert_one_line_error(
        done,
        "'soylent' matches several interviews:",
        "soylent-1 (Soylent recruiter call, Mon 30 Nov)",
        "soylent-2 (Soylent interview (final round), Wed 09 Dec); give the id",
    )
    assert_one_line_error(run("mark", "acme", "culture", *now), "culture: say which, paper or tech")


def test_usage_names_what_is_missing_and_an_optional_value_is_not_required() -> None:
    """Issue 13: mark's VALUE is optional, in the usage line and in the error; arguments
    are named as the usage line names them."""
    missing = run("mark")
    assert_one_line_error(missing, "required: INTERVIEW, KIND (see --help)")
    assert "VALUE" not in missing.stderr
    assert_one_line_error(run("unmark"), "required: INTERVIEW (see --help)")
    usage = run("mark", "--help").stdout
    assert "INTERVIEW KIND [VALUE ...]" in usage
    assert "[--config FILE] [--now TIME]" in usage
