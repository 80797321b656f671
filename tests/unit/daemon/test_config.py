"""Config loading: the documented example loads, problems are named, paths resolve."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daemon.config import load_config
from daemon.errors import ConfigError
from policy.models import Culture
from policy.planner import plan
from tests.conftest import ROOT

MINIMAL = """
[user]
email = "Alex@Example.com"
aliases = ["alex.doe@work.example"]
timezone = "Europe/Berlin"
country = "DE"
subdivision = "BY"

[calendar]
path = "cal/calendar.ics"

[mail]
path = "mail.mbox"
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text)
    return path


def test_the_documented_example_loads_with_every_key() -> None:
    config = load_config(ROOT / "config.example.toml")
    assert config.settings.timezone == ZoneInfo("America/New_York")
    assert config.settings.followup_time == time(9, 30)
    assert config.settings.max_followups == 2
    assert config.google.calendar_id == "primary"
    assert config.poll_minutes == 5
    assert config.calendar_path == (ROOT / "examples" / "calendar.ics").resolve()


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.settings.me == frozenset({"alex@example.com", "alex.doe@work.example"})
    assert (config.calendar_source, config.mail_source) == ("ics", "mbox")
    assert config.calendar_path == tmp_path.resolve() / "cal" / "calendar.ics"
    assert config.settings.default_timeline == "2 weeks"
    assert config.settings.subdivision == "BY"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = MINIMAL.replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Gotham"')
    text += '\n[policy]\nmax_followups = "two"\nfolowup_time = "09:30"\n'
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    message = caught.value.user_message
    assert "\n" not in message
    assert "[user] timezone" in message
    assert "[policy] max_followups" in message
    assert "[policy] folowup_time: unknown key" in message


def test_default_timeline_must_be_a_time_span(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="default_timeline"):
        load_config(write(tmp_path, MINIMAL + '\n[policy]\ndefault_timeline = "soon"\n'))


def test_cultures_table(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL + '\n[cultures]\n"Dunder Mifflin" = "paper"\n'))
    assert config.settings.cultures == (("dunder mifflin", Culture.PAPER),)
    with pytest.raises(ConfigError, match=r"\[cultures\] Acme"):
        load_config(write(tmp_path, MINIMAL + '\n[cultures]\nAcme = "parchment"\n'))


def test_user_template_beside_the_config_overrides_the_thank_you(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "thank_you.txt").write_text(
        "Subject: Thanks from $my_name\n\nDear $first_names, thank you. Learned: $learned\n"
    )
    config = load_config(write(tmp_path, MINIMAL))
    text = (ROOT / "examples" / "calendar.ics").read_bytes()
    from connectors.local.ics import read_events

    events = read_events(text, source="calendar.ics", timezone=config.settings.timezone)
    now = datetime(2026, 12, 10, 12, tzinfo=ZoneInfo("America/New_York"))
    result = plan(events, (), config.settings, now)
    drafts = [
        action.draft
        for app in result.applications
        for action in app.actions
        if action.draft is not None and action.type.value == "thank_you"
    ]
    assert drafts
    assert all(d.subject.startswith("Thanks from") for d in drafts)


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("thank_you.txt", "Hi $greeting\nabout $compnay\n", "line 2: unknown placeholder $compnay"),
        ("thankyou.txt", "Hi\n", "not a template followup knows"),
    ],
)
def test_a_template_with_a_typo_is_one_line_naming_the_file(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / name).write_text(text)
    with pytest.raises(ConfigError) as refused:
        load_config(write(tmp_path, MINIMAL))
    message = refused.value.user_message
    assert message.startswith(str(tmp_path / "templates" / name) + ": ")
    assert problem in message and "\n" not in message
