"""Config loading: the documented example loads, problems are named, paths resolve."""

from __future__ import annotations

import re
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


def test_config_example_states_the_schemas_defaults() -> None:
    """Issue 7: every key once, in daemon/schema.py; the example may not state another default."""
    import re
    import tomllib

    from daemon import schema

    text = (ROOT / "config.example.toml").read_text()
    section = ""
    seen: set[tuple[str, str]] = set()
    for line in text.splitlines():
        header = re.match(r"^\[(\w+)\]", line)
        if header:
            section = header.group(1)
            continue
        entry = re.match(r"^(#\s*)?(\w+) = (.+?)(\s+#.*)?$", line)
        key = schema.find(section, entry.group(2)) if entry else None
        if entry is None or key is None:
            continue
        seen.add((section, key.name))
        if key.default is None or entry.group(1):
            continue
        stated = tomllib.loads(f"v = {entry.group(3)}")["v"]
        expected = tomllib.loads(f"v = {key.default_text()}")["v"]
        assert stated == expected, f"[{section}] {key.name}"
    assert seen == {(k.section, k.name) for k in schema.KEYS}


def test_the_starter_is_made_from_the_schema_and_loads(tmp_path: Path) -> None:
    from daemon import schema
    from daemon.starter import starter_text

    (tmp_path / "cal.ics").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    (tmp_path / "mail.mbox").write_text("")
    text = starter_text(
        {
            ("user", "email"): '"alex@work.example"',
            ("user", "name"): '"Alex"',
            ("user", "timezone"): '"Europe/Berlin"',
            ("calendar", "path"): '"cal.ics"',
            ("mail", "path"): '"mail.mbox"',
        }
    )
    for key in schema.KEYS:
        assert re.search(rf"^#? ?{key.name} = ", text, re.MULTILINE), key.name
    config = load_config(write(tmp_path, text))
    assert config.settings.followup_time == schema.default("policy", "followup_time")
    assert config.settings.max_followups == schema.default("policy", "max_followups")
    assert config.poll_minutes == schema.default("daemon", "poll_minutes")


def test_a_template_file_that_is_no_template_is_reported(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "thankyou.txt").write_text("Dear $first_names\n")
    with pytest.raises(ConfigError, match=r"thankyou\.txt is not a template name \(known: "):
        load_config(write(tmp_path, MINIMAL))
    (tmp_path / "templates" / "thankyou.txt").rename(tmp_path / "templates" / "follow_up.txt")
    assert load_config(write(tmp_path, MINIMAL)).settings.templates[0][0] == "follow_up"


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (('timezone = "Europe/Berlin"', 'timezone = "America"'), "unknown time zone 'America'"),
        (('timezone = "Europe/Berlin"', f'timezone = "{"x/" * 3000}"'), "not a time zone"),
        (("[user]\n", "user = 3\n[usr]\n"), "[user]: must be a table"),
        (('path = "mail.mbox"', 'path = "~nosuchuser/mail.mbox"'), "'~nosuchuser': no such user"),
        (('path = "mail.mbox"', 'path = "mail\\u0000.mbox"'), "must not contain a NUL"),
        (("[mail]\n", '[policy]\nfollowup_time = "09:30+02:00"\n[mail]\n'), "no offset here"),
        (('email = "Alex@Example.com"', 'email = "you@example.com"'), "is a placeholder"),
        (('email = "Alex@Example.com"', 'email = "notanemail"'), "is not an email address"),
        (('email = "Alex@Example.com"\n', ""), "[user] email: missing"),
    ],
)
def test_bad_values_are_one_line(tmp_path: Path, change: tuple[str, str], needle: str) -> None:
    text = MINIMAL.replace(*change)
    assert text != MINIMAL
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert needle in caught.value.user_message
    assert "\n" not in caught.value.user_message


def test_deep_nesting_a_bom_and_odd_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(write(tmp_path, MINIMAL + "\nx = " + "[" * 50_000 + "]" * 50_000 + "\n"))
    path = write(tmp_path, MINIMAL)
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_config(path).settings.country == "DE"
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(Path("/dev/null"))
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(tmp_path)


def test_sources_must_be_regular_files_and_outputs_never_a_source(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.mbox"
    os.mkfifo(fifo)
    for source, needle in (("/dev/zero", "not a regular file"), (str(fifo), "not a regular")):
        text = MINIMAL.replace('path = "mail.mbox"', f'path = "{source}"')
        with pytest.raises(ConfigError, match=rf"\[mail\] path: .*{needle}"):
            load_config(write(tmp_path, text))
    same = 'path = "cal/calendar.ics"\nreminders_path = "cal/calendar.ics"'
    text = MINIMAL.replace('path = "cal/calendar.ics"', same)
    with pytest.raises(ConfigError, match=r"\[calendar\] reminders_path: is a file followup reads"):
        load_config(write(tmp_path, text))


def test_a_template_that_is_a_pipe_is_reported_not_read(tmp_path: Path) -> None:
    import os

    (tmp_path / "templates").mkdir()
    os.mkfifo(tmp_path / "templates" / "thank_you.txt")
    with pytest.raises(ConfigError, match=r"thank_you\.txt is not a regular file"):
        load_config(write(tmp_path, MINIMAL))


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("thank_you.txt", "Hi $greeting\nabout $compnay\n", "line 2: unknown placeholder $compnay"),
        ("thankyou.txt", "Hi\n", "is not a template name"),
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
    assert name in message and problem in message and "\n" not in message
