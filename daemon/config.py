"""TOML → a frozen `Config`. Every problem is found at once and reported on one line.

The keys, their checkers and defaults are `daemon/schema.py`; `config.example.toml`
documents each, and tests load it and hold its defaults to the schema's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from daemon import schema
from daemon.errors import ConfigError
from daemon.schema import CALENDAR_SOURCES, MAIL_SOURCES
from policy.models import (
    DEFAULT_ATS_DOMAINS,
    DEFAULT_FREEMAIL_DOMAINS,
    DEFAULT_INTERVIEW_KEYWORDS,
    Culture,
    Settings,
)
from policy.texts import template_problem

if TYPE_CHECKING:
    from policy.business_days import BusinessCalendar

__all__ = ["CALENDAR_SOURCES", "MAIL_SOURCES", "Config", "ConfigError", "load_config"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GoogleConfig:
    client_secrets_path: Path
    token_path: Path
    calendar_id: str = "primary"
    reminders_calendar_id: str = "primary"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImapConfig:
    """`mail.source = "imap"`: the account; the password comes from the command or keyring."""

    host: str
    port: int
    security: str
    username: str
    password_command: str | None = None
    folders: tuple[str, ...] = ()
    drafts_folder: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CaldavConfig:
    """`calendar.source = "caldav"`: the collections; reminders_url defaults to url."""

    url: str
    reminders_url: str
    username: str
    password_command: str | None = None


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
    imap: ImapConfig | None = None
    caldav: CaldavConfig | None = None
    # user.email, lower-case: a draft's From when the recruiter wrote to none of my aliases
    email: str = ""
    mail_paths: tuple[Path, ...] = ()  # `[mail] path`: one path or a list; `mail_path` is the first
    # `followup board`'s page, rewritten by the daemon after a pass that changed the plan.
    board_path: Path | None = None


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("followup") / "config.toml"


def load_config(path: Path) -> Config:
    """Read and check a config file; raise ConfigError naming the file and every problem."""
    name = str(path)
    try:
        if not path.is_file() and path.exists():
            raise ConfigError(f"{name}: not a regular file (a config is a TOML text file)")
        data = path.read_bytes()[: _LARGEST_CONFIG + 1]
    except FileNotFoundError:
        raise ConfigError(
            f"{name}: no such config file (create one with `followup init`)"
        ) from None
    except OSError as error:
        raise ConfigError(f"{name}: cannot read: {error.strerror or error}") from None
    except ValueError as error:  # a NUL in the name
        raise ConfigError(f"{name!r}: not a file name ({error})") from None
    if len(data) > _LARGEST_CONFIG:
        raise ConfigError(f"{name}: over {_LARGEST_CONFIG // 1024} KB; not a config file")
    try:
        # utf-8-sig: a BOM some editors write is no problem.
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{name}: not a config: nested too deeply") from None
    return _build(raw, path.resolve())


# A config is a page of text; anything much bigger is some other file.
_LARGEST_CONFIG = 1024 * 1024


def _read_values(raw: dict[str, Any], problems: list[str]) -> dict[str, dict[str, Any]]:
    """Each known key checked by its schema entry; unknown sections and keys are problems."""
    values: dict[str, dict[str, Any]] = {section: {} for section in schema.SECTIONS}
    for section, content in raw.items():
        if section == "cultures":
            continue
        if section not in values:
            problems.append(f"[{section}]: unknown section")
            continue
        if not isinstance(content, dict):
            problems.append(f"[{section}]: must be a table, not {schema._kind(content)}")
            continue
        for name, value in content.items():
            key = schema.find(section, name)
            if key is None:
                problems.append(f"[{section}] {name}: unknown key")
                continue
            try:
                values[section][name] = key.check(value)
            except ValueError as error:
                problems.append(f"[{section}] {name}: {error}")
    return values


class _Reading:
    """One config file's checked values, and the problems found so far (each on one line)."""

    def __init__(self, raw: dict[str, Any], path: Path) -> None:
        self.raw = raw
        self.problems: list[str] = []
        self.values = _read_values(raw, self.problems)
        self.base = path.parent

    def value(self, section: str, name: str) -> Any:
        """The checked value, or the schema's default."""
        found = self.values[section].get(name)
        return schema.default(section, name) if found is None else found

    def given(self, section: str, name: str) -> bool:
        content = self.raw.get(section)
        return isinstance(content, dict) and name in content

    def where(self, section: str, name: str, text: Any = None) -> Path | None:
        """A path key, resolved beside the config file."""
        text = self.value(section, name) if text is None else text
        if text is None or isinstance(text, tuple):  # a list of mail paths: one by one
            return None
        try:
            return (self.base / Path(text).expanduser()).resolve()
        except (OSError, RuntimeError, ValueError) as error:
            self.problems.append(f"[{section}] {name}: {text!r}: not a usable path ({error})")
            return None


# The path keys, resolved beside the config file.
_PATH_KEYS = (
    ("calendar", "path"),
    ("calendar", "reminders_path"),
    ("mail", "path"),
    ("mail", "drafts_path"),
    ("google", "client_secrets_path"),
    ("google", "token_path"),
    ("daemon", "state_path"),
    ("daemon", "board_path"),
    ("policy", "templates_dir"),
)

Paths = dict[tuple[str, str], Path | None]


def _build(raw: dict[str, Any], path: Path) -> Config:
    reading = _Reading(raw, path)
    problems = reading.problems
    cultures = _cultures(raw["cultures"], problems) if "cultures" in raw else []
    _check_user(reading)
    calendar_source = reading.value("calendar", "source")
    mail_source = reading.value("mail", "source")
    _check_source_keys(reading, calendar_source, mail_source)
    paths, mail_paths = _paths(reading, calendar_source, mail_source)
    state_path = paths["daemon", "state_path"] or _data_folder() / "state.sqlite"
    _check_default_timeline(reading, _business_calendar(reading, state_path))
    templates = () if problems else _templates(paths["policy", "templates_dir"], problems)
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    user = reading.values["user"]
    return Config(
        imap=_imap(reading) if mail_source == "imap" else None,
        caldav=_caldav(reading) if calendar_source == "caldav" else None,
        path=path,
        email=user["email"].lower(),
        settings=_settings(reading, tuple(cultures), templates),
        calendar_source=calendar_source,
        calendar_path=paths["calendar", "path"],
        reminders_path=paths["calendar", "reminders_path"],
        mail_source=mail_source,
        mail_path=paths["mail", "path"],
        mail_paths=mail_paths,
        drafts_path=paths["mail", "drafts_path"],
        google=_google(reading, paths),
        state_path=state_path,
        poll_minutes=reading.value("daemon", "poll_minutes"),
        board_path=paths["daemon", "board_path"],
    )


def _check_user(reading: _Reading) -> None:
    """`[user]`: my own address and time zone are needed, and the address is a real one."""
    problems = reading.problems
    if not reading.given("user", "email"):
        problems.append("[user] email: missing (your own address)")
    elif "email" in reading.values["user"]:
        problem = address_problem(reading.values["user"]["email"])
        if problem:
            problems.append(f"[user] email: {problem}")
    if not reading.given("user", "timezone"):
        problems.append("[user] timezone: missing (an IANA name like America/New_York)")


def _business_calendar(reading: _Reading, state_path: Path) -> BusinessCalendar | None:
    """The country's (and subdivision's) business days, or None with a problem noted (a
    country checked before is known from the holidays kept beside the state)."""
    from daemon.holiday_cache import HolidayCache

    subdivision = reading.values["user"].get("subdivision")
    try:
        country = reading.value("user", "country").upper()
        return HolidayCache.beside(state_path).calendar(country, subdivision)
    except ValueError as error:
        key = "subdivision" if subdivision and "subdiv" in str(error).lower() else "country"
        reading.problems.append(f"[user] {key}: {error}")
        return None


def _check_default_timeline(reading: _Reading, calendar: BusinessCalendar | None) -> None:
    """A default_timeline given is a span the timeline reader understands."""
    if calendar is None or "default_timeline" not in reading.values["policy"]:
        return
    from policy.timeline import resolve_expression

    default_timeline = reading.value("policy", "default_timeline")
    if resolve_expression(default_timeline, date(2026, 1, 5), calendar) is None:
        reading.problems.append(
            f"[policy] default_timeline: {default_timeline!r} is not a time span "
            '(try "2 weeks" or "10 business days")'
        )


def _check_source_keys(reading: _Reading, calendar_source: str, mail_source: str) -> None:
    """The keys each source needs, and no clear-text password across the network."""
    problems, calendar, mail = reading.problems, reading.values["calendar"], reading.values["mail"]
    if calendar_source == "ics" and "path" not in calendar:
        problems.append('[calendar] path: missing (needed when source = "ics")')
    if mail_source in ("mbox", "maildir") and "path" not in mail:
        problems.append(f'[mail] path: missing (needed when source = "{mail_source}")')
    for needed in ("url", "username"):
        if calendar_source == "caldav" and needed not in calendar:
            problems.append(f'[calendar] {needed}: missing (needed when source = "caldav")')
    for needed in ("host", "username"):
        if mail_source == "imap" and needed not in mail:
            problems.append(f'[mail] {needed}: missing (needed when source = "imap")')
    if mail_source == "imap" and reading.value("mail", "security") == "none" and "host" in mail:
        from connectors.imap.session import is_loopback

        if not is_loopback(mail["host"]):
            problems.append(
                '[mail] security: "none" is only allowed for a loopback host '
                "(the password would cross the network in clear)"
            )


def _paths(
    reading: _Reading, calendar_source: str, mail_source: str
) -> tuple[Paths, tuple[Path, ...]]:
    """Every path key resolved (the local outputs defaulting to the data folder), checked;
    and the mail paths, one or a list."""
    paths = {(section, name): reading.where(section, name) for section, name in _PATH_KEYS}
    mail_paths: tuple[Path, ...] = ()
    listed = reading.value("mail", "path")
    if isinstance(listed, tuple):
        found = [reading.where("mail", "path", text) for text in listed]
        mail_paths = tuple(p for p in found if p is not None)
        paths["mail", "path"] = mail_paths[0] if mail_paths else None
    elif paths["mail", "path"] is not None:
        mail_paths = (paths["mail", "path"],)
    data = _data_folder()
    if calendar_source == "ics" and paths["calendar", "reminders_path"] is None:
        paths["calendar", "reminders_path"] = data / "reminders.ics"
    if mail_source in ("mbox", "maildir") and paths["mail", "drafts_path"] is None:
        paths["mail", "drafts_path"] = data / "drafts"
    for more in mail_paths[1:]:
        _check_sources({**paths, ("mail", "path"): more}, "", mail_source, reading.problems)
    _check_sources(paths, calendar_source, mail_source, reading.problems)
    return paths, mail_paths


def _settings(
    reading: _Reading,
    cultures: tuple[tuple[str, Culture], ...],
    templates: tuple[tuple[str, str], ...],
) -> Settings:
    """The policy's settings: `[user]` and `[policy]` with the built-in lists extended."""
    user, value = reading.values["user"], reading.value
    return Settings(
        me=frozenset(a.lower() for a in (user["email"], *value("user", "aliases"))),
        name=user.get("name", ""),
        timezone=user["timezone"],
        country=value("user", "country").upper(),
        subdivision=user.get("subdivision"),
        default_timeline=value("policy", "default_timeline"),
        followup_time=value("policy", "followup_time"),
        max_followups=value("policy", "max_followups"),
        prep_minutes=value("policy", "prep_minutes"),
        interview_keywords=DEFAULT_INTERVIEW_KEYWORDS + value("policy", "interview_keywords"),
        freemail_domains=DEFAULT_FREEMAIL_DOMAINS + value("policy", "freemail_domains"),
        ats_domains=DEFAULT_ATS_DOMAINS + value("policy", "ats_domains"),
        dormant_days=value("policy", "dormant_days"),
        cultures=cultures,
        templates=templates,
    )


def _google(reading: _Reading, paths: Paths) -> GoogleConfig:
    from platformdirs import user_config_path

    return GoogleConfig(
        client_secrets_path=paths["google", "client_secrets_path"]
        or reading.base / "client_secret.json",
        token_path=paths["google", "token_path"] or user_config_path("followup") / "token.json",
        calendar_id=reading.value("google", "calendar_id"),
        reminders_calendar_id=reading.value("google", "reminders_calendar_id"),
    )


def _imap(reading: _Reading) -> ImapConfig:
    mail = reading.values["mail"]
    security = reading.value("mail", "security")
    return ImapConfig(
        host=mail["host"],
        port=mail.get("port") or (993 if security == "tls" else 143),
        security=security,
        username=mail["username"],
        password_command=mail.get("password_command"),
        folders=mail.get("folders") or (),
        drafts_folder=mail.get("drafts_folder"),
    )


def _caldav(reading: _Reading) -> CaldavConfig:
    calendar = reading.values["calendar"]
    return CaldavConfig(
        url=calendar["url"],
        reminders_url=calendar.get("reminders_url") or calendar["url"],
        username=calendar["username"],
        password_command=calendar.get("password_command"),
    )


def _data_folder() -> Path:
    """Where followup keeps what it writes by default (XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("followup")


def _check_sources(
    paths: dict[tuple[str, str], Path | None],
    calendar_source: str,
    mail_source: str,
    problems: list[str],
) -> None:
    """Sources are regular files (a device or a pipe would never end), and nothing followup
    writes may be a file it reads."""
    import stat

    wanted = {("calendar", "path"): "file"} if calendar_source == "ics" else {}
    if mail_source == "mbox":
        wanted["mail", "path"] = "file"
    elif mail_source == "maildir":
        wanted["mail", "path"] = "folder"
    for (section, name), kind in wanted.items():
        found = paths[section, name]
        if found is None:
            continue
        try:
            mode = found.stat().st_mode
        except OSError:
            continue  # missing or unreadable: the reader says so when it reads
        ok = stat.S_ISDIR(mode) if kind == "folder" else stat.S_ISREG(mode)
        if not ok:
            what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            if kind == "folder":
                what = "not a folder"
            problems.append(f"[{section}] {name}: {found}: {what} (a {_KINDS[kind]})")
    read = {paths.get(k) for k in (("calendar", "path"), ("mail", "path"))} - {None}
    for section, name in (("calendar", "reminders_path"), ("mail", "drafts_path")):
        if paths[section, name] in read:
            problems.append(
                f"[{section}] {name}: is a file followup reads; reminders and drafts "
                "go to a file of their own"
            )
    if paths.get(("daemon", "board_path")) in read:
        problems.append("[daemon] board_path: is a file followup reads; the board needs its own")


_KINDS = {"file": "source is a regular file", "folder": "Maildir is a folder"}


def address_problem(address: str) -> str | None:
    """Why `address` cannot be the user's own address, or None.

    The placeholder an old `init` wrote (you@example.com) made the user a recruiter of every
    interview and closed them all as next round (issue 8): it is refused, not guessed at.
    """
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text):
        return f"{address!r} is not an email address"
    placeholder_domain = domain.lower().split(".")[0] == "example"
    if placeholder_domain and local.lower() in _PLACEHOLDER_LOCALS:
        return f"{address!r} is a placeholder; put your own address here"
    return None


_PLACEHOLDER_LOCALS = frozenset({"you", "your", "yourname", "your.name", "your_name", "name"})


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


def _templates(folder: Path | None, problems: list[str]) -> tuple[tuple[str, str], ...]:
    """Draft templates the user keeps beside the config: `templates/<name>.txt`.

    A file whose name is no template would be ignored without a word: it is a problem.
    """
    if folder is None or not folder.is_dir():
        return ()
    known = template_names()
    found = []
    for file in sorted(folder.glob("*.txt")):
        if not file.is_file():  # a pipe or a device would never end
            problems.append(f"[policy] templates_dir: {file.name} is not a regular file")
            continue
        if file.stem not in known:
            problems.append(
                f"[policy] templates_dir: {file.name} is not a template name "
                f"(known: {', '.join(sorted(known))})"
            )
            continue
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{file}: cannot read the template: {error}")
            continue
        problem = template_problem(file.stem, text)
        if problem is not None:
            problems.append(f"{file}: {problem}")
            continue
        found.append((file.stem, text))
    return tuple(found)


def template_names() -> frozenset[str]:
    """The packaged templates' names, and `follow_up` (both follow-ups read it, policy/texts.py)."""
    from importlib.resources import files

    packaged = files("policy.templates")
    names = {entry.name[:-4] for entry in packaged.iterdir() if entry.name.endswith(".txt")}
    return frozenset(names | {"follow_up"})
