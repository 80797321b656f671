"""TOML → a frozen `Config`. Every problem is found at once and reported on one line.

`config.example.toml` documents each key; a test loads it, so the two cannot drift apart.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from daemon.errors import ConfigError
from policy.drafts import template_problem
from policy.models import (
    DEFAULT_ATS_DOMAINS,
    DEFAULT_FREEMAIL_DOMAINS,
    DEFAULT_INTERVIEW_KEYWORDS,
    Culture,
    Settings,
)

CALENDAR_SOURCES = ("ics", "google")
MAIL_SOURCES = ("mbox", "maildir", "gmail")


@dataclass(frozen=True, slots=True, kw_only=True)
class GoogleConfig:
    client_secrets_path: Path
    token_path: Path
    calendar_id: str = "primary"
    reminders_calendar_id: str = "primary"


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    path: Path
    settings: Settings
    calendar_source: str
    calendar_path: Path | None
    reminders_path: Path | None
    mail_source: str
    mail_path: Path | None
    drafts_path: Path | None
    google: GoogleConfig
    state_path: Path
    poll_minutes: int
    # user.email, lower-case: a draft's From when the recruiter wrote to none of my aliases
    email: str = ""


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("followup") / "config.toml"


# Each section's keys and a checker that returns the value or raises ValueError.
_Checker = Callable[[Any], Any]


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    return tuple(value)


def _integer(low: int, high: int) -> _Checker:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"must be a whole number, not {type(value).__name__}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return check


def _one_of(*choices: str) -> _Checker:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(repr(c) for c in choices)}")
        return str(value)

    return check


def _clock(value: Any) -> time:
    try:
        return time.fromisoformat(_string(value))
    except ValueError:
        raise ValueError(f'must be a time like "09:30", not {value!r}') from None


def _zone(value: Any) -> ZoneInfo:
    try:
        return ZoneInfo(_string(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like America/New_York)"
        ) from None


_SCHEMA: dict[str, dict[str, _Checker]] = {
    "user": {
        "email": _string,
        "aliases": _strings,
        "name": _string,
        "timezone": _zone,
        "country": _string,
        "subdivision": _string,
    },
    "calendar": {"source": _one_of(*CALENDAR_SOURCES), "path": _string, "reminders_path": _string},
    "mail": {"source": _one_of(*MAIL_SOURCES), "path": _string, "drafts_path": _string},
    "google": {
        "client_secrets_path": _string,
        "token_path": _string,
        "calendar_id": _string,
        "reminders_calendar_id": _string,
    },
    "daemon": {"state_path": _string, "poll_minutes": _integer(1, 24 * 60)},
    "policy": {
        "default_timeline": _string,
        "followup_time": _clock,
        "max_followups": _integer(0, 10),
        "prep_minutes": _integer(0, 24 * 60),
        "interview_keywords": _strings,
        "freemail_domains": _strings,
        "ats_domains": _strings,
        "dormant_days": _integer(1, 100 * 366),
        "templates_dir": _string,
    },
}


def load_config(path: Path) -> Config:
    """Read and check a config file; raise ConfigError naming the file and every problem."""
    name = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{name}: no such config file (create one with `followup init`)"
        ) from None
    except OSError as error:
        raise ConfigError(f"{name}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML: {error}") from None
    return _build(raw, path.resolve())


def _build(raw: dict[str, Any], path: Path) -> Config:
    problems: list[str] = []
    values: dict[str, dict[str, Any]] = {section: {} for section in _SCHEMA}
    cultures: list[tuple[str, Culture]] = []
    for section, content in raw.items():
        if section == "cultures":
            cultures = _cultures(content, problems)
            continue
        if section not in _SCHEMA:
            problems.append(f"[{section}]: unknown section")
            continue
        if not isinstance(content, dict):
            problems.append(f"[{section}]: must be a table")
            continue
        for key, value in content.items():
            checker = _SCHEMA[section].get(key)
            if checker is None:
                problems.append(f"[{section}] {key}: unknown key")
                continue
            try:
                values[section][key] = checker(value)
            except ValueError as error:
                problems.append(f"[{section}] {key}: {error}")

    user, policy = values["user"], values["policy"]
    if "email" not in user and "email" not in raw.get("user", {}):
        problems.append("[user] email: missing (your own address)")
    if "timezone" not in user and "timezone" not in raw.get("user", {}):
        problems.append("[user] timezone: missing (an IANA name like America/New_York)")
    country = user.get("country", "US").upper()
    subdivision = user.get("subdivision")
    calendar = None
    try:
        from policy.business_days import BusinessCalendar

        calendar = BusinessCalendar(country, subdivision)
    except ValueError as error:
        key = "subdivision" if subdivision and "subdiv" in str(error).lower() else "country"
        problems.append(f"[user] {key}: {error}")
    default_timeline = policy.get("default_timeline", "2 weeks")
    if calendar is not None and "default_timeline" in policy:
        from policy.timeline import resolve_expression

        if resolve_expression(default_timeline, date(2026, 1, 5), calendar) is None:
            problems.append(
                f"[policy] default_timeline: {default_timeline!r} is not a time span "
                '(try "2 weeks" or "10 business days")'
            )

    base = path.parent

    def where(section: str, key: str, default: str | None = None) -> Path | None:
        value = values[section].get(key, default)
        return None if value is None else (base / Path(value).expanduser()).resolve()

    calendar_source = values["calendar"].get("source", "ics")
    mail_source = values["mail"].get("source", "mbox")
    if calendar_source == "ics" and "path" not in values["calendar"]:
        problems.append('[calendar] path: missing (needed when source = "ics")')
    if mail_source in ("mbox", "maildir") and "path" not in values["mail"]:
        problems.append(f'[mail] path: missing (needed when source = "{mail_source}")')
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))

    templates = _templates(where("policy", "templates_dir", "templates"))
    me = frozenset(a.lower() for a in (user["email"], *user.get("aliases", ())))
    settings = Settings(
        me=me,
        name=user.get("name", ""),
        timezone=user["timezone"],
        country=country,
        subdivision=subdivision,
        default_timeline=default_timeline,
        followup_time=policy.get("followup_time", time(9, 30)),
        max_followups=policy.get("max_followups", 2),
        prep_minutes=policy.get("prep_minutes", 30),
        interview_keywords=DEFAULT_INTERVIEW_KEYWORDS + policy.get("interview_keywords", ()),
        freemail_domains=DEFAULT_FREEMAIL_DOMAINS + policy.get("freemail_domains", ()),
        ats_domains=DEFAULT_ATS_DOMAINS + policy.get("ats_domains", ()),
        dormant_days=policy.get("dormant_days", 30),
        cultures=tuple(cultures),
        templates=templates,
    )
    from platformdirs import user_config_path, user_data_path

    google = GoogleConfig(
        client_secrets_path=where("google", "client_secrets_path", "client_secret.json")
        or base / "client_secret.json",
        token_path=where("google", "token_path") or user_config_path("followup") / "token.json",
        calendar_id=values["google"].get("calendar_id", "primary"),
        reminders_calendar_id=values["google"].get("reminders_calendar_id", "primary"),
    )
    return Config(
        path=path,
        email=user["email"].lower(),
        settings=settings,
        calendar_source=calendar_source,
        calendar_path=where("calendar", "path"),
        reminders_path=where("calendar", "reminders_path"),
        mail_source=mail_source,
        mail_path=where("mail", "path"),
        drafts_path=where("mail", "drafts_path"),
        google=google,
        state_path=where("daemon", "state_path") or user_data_path("followup") / "state.sqlite",
        poll_minutes=values["daemon"].get("poll_minutes", 5),
    )


def _cultures(content: Any, problems: list[str]) -> list[tuple[str, Culture]]:
    if not isinstance(content, dict):
        problems.append('[cultures]: must be a table of company = "paper" or "tech"')
        return []
    found = []
    for company, value in content.items():
        try:
            found.append((company.lower(), Culture(value)))
        except ValueError:
            problems.append(f'[cultures] {company}: must be "paper" or "tech", not {value!r}')
    return found


def _templates(folder: Path | None) -> tuple[tuple[str, str], ...]:
    """Draft templates the user keeps beside the config: `templates/<name>.txt`."""
    if folder is None or not folder.is_dir():
        return ()
    found = []
    for file in sorted(folder.glob("*.txt")):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{file}: cannot read the template: {error}") from None
        problem = template_problem(file.stem, text)
        if problem is not None:
            raise ConfigError(f"{file}: {problem}")
        found.append((file.stem, text))
    return tuple(found)
