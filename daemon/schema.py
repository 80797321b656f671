"""Every config key once: its checker, its default and its comment.

`daemon/config.py` reads a file with it, `daemon/starter.py` writes `init`'s commented
starter from it, and a test holds `config.example.toml` to the same defaults. The policy's
defaults (the follow-up time, how many follow-ups, ...) are `policy.models.Settings`'s own
field defaults, read here rather than written again.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policy.models import Settings

CALENDAR_SOURCES = ("ics", "google", "caldav")
MAIL_SOURCES = ("mbox", "maildir", "gmail", "imap")
SECURITIES = ("tls", "starttls", "none")

# A checker returns the value read or raises ValueError saying what is wrong with it.
Checker = Callable[[Any], Any]

# Longer than any IANA name (the longest is about 30 characters) and than any path we want.
_LONGEST_ZONE = 64
_LONGEST_PATH = 4096


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {_kind(value)}")
    return value


def path_text(value: Any) -> str:
    """A path as written: a string with no NUL, of a sane length, whose `~user` exists."""
    import os.path

    text = string(value)
    if "\0" in text:
        raise ValueError("must not contain a NUL character")
    if len(text) > _LONGEST_PATH:
        raise ValueError(f"is {len(text)} characters long; not a path")
    if not text.strip():
        raise ValueError("must not be empty")
    if text.startswith("~") and os.path.expanduser(text.split("/", 1)[0]).startswith("~"):
        raise ValueError(f"{text.split('/', 1)[0]!r}: no such user")
    return text


def path_texts(value: Any) -> str | tuple[str, ...]:
    """One path, or a non-empty list of them (Thunderbird's Inbox and Sent, Maildirs)."""
    if isinstance(value, list):
        if not value:
            raise ValueError("must be a path or a non-empty list of paths")
        return tuple(path_text(item) for item in value)
    return path_text(value)


def strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    return tuple(value)


def http_url(value: Any) -> str:
    """An http(s) URL; plain http only for a loopback host (the password crosses it)."""
    from urllib.parse import urlsplit

    text = string(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{_shown(value)}: not an http(s) URL")
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise ValueError(f"{_shown(value)}: use https (plain http only for a loopback host)")
    return text


def integer(low: int, high: int) -> Checker:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"must be a whole number, not {_kind(value)}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return check


def one_of(*choices: str) -> Checker:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(repr(c) for c in choices)}")
        return str(value)

    return check


def clock(value: Any) -> time:
    """A local time of day: an offset would mean another zone than `user.timezone`."""
    try:
        moment = time.fromisoformat(string(value))
    except ValueError:
        raise ValueError(f'must be a time like "09:30", not {_shown(value)}') from None
    if moment.tzinfo is not None:
        raise ValueError(
            f'{value!r}: no offset here; it is a local time in user.timezone, like "09:30"'
        )
    return moment


def zone(value: Any) -> ZoneInfo:
    """An IANA zone name; a folder of zones ("America") or a long string is none."""
    name = string(value)
    hint = "use an IANA name like America/New_York"
    if len(name) > _LONGEST_ZONE or "\0" in name:
        raise ValueError(f"not a time zone ({len(name)} characters; {hint})")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r} ({hint})") from None


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _settings_default(name: str) -> Any:
    for field in dataclasses.fields(Settings):
        if field.name == name:
            return field.default
    raise KeyError(name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Key:
    """One config key. `default` is used when the key is absent (None: required or derived);
    `example` is what the starter shows, commented out, for a key with no default to write."""

    section: str
    name: str
    check: Checker
    doc: str
    default: Any = None
    example: str = ""

    def default_text(self) -> str | None:
        """The default as TOML text, the way the starter and the example write it."""
        return None if self.default is None else to_toml(self.default)


def to_toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, time):
        return json.dumps(value.strftime("%H:%M"))
    if isinstance(value, tuple | list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


KEYS: tuple[Key, ...] = (
    Key(
        section="user",
        name="email",
        check=string,
        doc="me: the address interviews and mail are sent to",
        example='"alex@example.com"',
    ),
    Key(
        section="user",
        name="aliases",
        check=strings,
        default=(),
        doc='more of my addresses, e.g. ["alex.doe@work.example"]',
    ),
    Key(section="user", name="name", check=string, doc="signs the drafts", example='"Alex Doe"'),
    Key(
        section="user",
        name="timezone",
        check=zone,
        doc="IANA name; every local date and time uses it",
        example='"America/New_York"',
    ),
    Key(
        section="user",
        name="country",
        check=string,
        default=_settings_default("country"),
        doc="public holidays for business days (ISO 3166 code)",
    ),
    Key(
        section="user",
        name="subdivision",
        check=string,
        doc="optional: state/province holidays too",
        example='"CA"',
    ),
    Key(
        section="calendar",
        name="source",
        check=one_of(*CALENDAR_SOURCES),
        default="ics",
        doc='"ics" (a local .ics file), "google" or "caldav"',
    ),
    Key(
        section="calendar",
        name="path",
        check=path_text,
        doc='source = "ics": an .ics file (e.g. a Google Takeout export)',
        example='"calendar.ics"',
    ),
    Key(
        section="calendar",
        name="reminders_path",
        check=path_text,
        doc='source = "ics": where reminders are written, as one .ics file '
        "(default: the per-user data folder)",
        example='"reminders.ics"',
    ),
    Key(
        section="calendar",
        name="url",
        check=http_url,
        doc='source = "caldav": the calendar collection interviews are read from',
        example='"https://caldav.example.com/dav/calendars/alex/work/"',
    ),
    Key(
        section="calendar",
        name="username",
        check=string,
        doc='source = "caldav": the account name',
        example='"alex@example.com"',
    ),
    Key(
        section="calendar",
        name="password_command",
        check=string,
        doc='source = "caldav": run without a shell, its first line is the password '
        "(default: the OS keyring, see `followup auth`)",
        example='"pass show caldav"',
    ),
    Key(
        section="calendar",
        name="reminders_url",
        check=http_url,
        doc='source = "caldav": the collection reminders are written to (default: url)',
        example='"https://caldav.example.com/dav/calendars/alex/reminders/"',
    ),
    Key(
        section="mail",
        name="source",
        check=one_of(*MAIL_SOURCES),
        default="mbox",
        doc='"mbox", "maildir", "gmail" or "imap"',
    ),
    Key(
        section="mail",
        name="path",
        check=path_texts,
        doc='"mbox": one mbox of received and sent mail (Gmail Takeout); "maildir": a folder; '
        'or a list of them, e.g. ["Inbox", "Sent"]',
        example='"mail.mbox"',
    ),
    Key(
        section="mail",
        name="drafts_path",
        check=path_text,
        doc="local sources: a Maildir folder the drafts are written into "
        "(default: the per-user data folder)",
        example='"drafts"',
    ),
    Key(
        section="mail",
        name="host",
        check=string,
        doc='source = "imap": the IMAP server',
        example='"imap.example.com"',
    ),
    Key(
        section="mail",
        name="port",
        check=integer(1, 65535),
        doc='source = "imap": default 993 for tls, 143 for starttls and none',
        example="993",
    ),
    Key(
        section="mail",
        name="security",
        check=one_of(*SECURITIES),
        default="tls",
        doc='source = "imap": "tls" (implicit), "starttls", or "none" (loopback hosts only)',
    ),
    Key(
        section="mail",
        name="username",
        check=string,
        doc='source = "imap": the account name',
        example='"alex@example.com"',
    ),
    Key(
        section="mail",
        name="password_command",
        check=string,
        doc='source = "imap": run without a shell, its first line is the password '
        "(default: the OS keyring, see `followup auth`)",
        example='"pass show imap"',
    ),
    Key(
        section="mail",
        name="folders",
        check=strings,
        doc='source = "imap": the folders read (default: INBOX and the one marked \\Sent)',
        example='["INBOX", "Sent"]',
    ),
    Key(
        section="mail",
        name="drafts_folder",
        check=string,
        doc='source = "imap": where drafts are appended (default: the one marked \\Drafts)',
        example='"Drafts"',
    ),
    Key(
        section="google",
        name="client_secrets_path",
        check=path_text,
        default="client_secret.json",
        doc="your own OAuth client (Desktop app); then run `followup auth` once",
    ),
    Key(
        section="google",
        name="token_path",
        check=path_text,
        doc="default: the per-user config folder; mode 0600",
        example='"token.json"',
    ),
    Key(
        section="google",
        name="calendar_id",
        check=string,
        default="primary",
        doc="where interviews are read from",
    ),
    Key(
        section="google",
        name="reminders_calendar_id",
        check=string,
        default="primary",
        doc="where reminders are written",
    ),
    Key(
        section="daemon",
        name="state_path",
        check=path_text,
        doc="default: the per-user data folder",
        example='"state.sqlite"',
    ),
    Key(
        section="daemon",
        name="poll_minutes",
        check=integer(1, 24 * 60),
        default=5,
        doc="how often `followup run` looks for changes",
    ),
    Key(
        section="daemon",
        name="board_path",
        check=path_text,
        doc="optional: `followup board`'s page, kept current by each pass (mode 0600)",
        example='"board.html"',
    ),
    Key(
        section="policy",
        name="default_timeline",
        check=string,
        default=_settings_default("default_timeline"),
        doc='when nobody stated a timeline (any duration: "10 business days")',
    ),
    Key(
        section="policy",
        name="followup_time",
        check=clock,
        default=_settings_default("followup_time"),
        doc="local time of day follow-ups fall due",
    ),
    Key(
        section="policy",
        name="max_followups",
        check=integer(0, 10),
        default=_settings_default("max_followups"),
        doc="status follow-ups before waiting for the recruiter",
    ),
    Key(
        section="policy",
        name="prep_minutes",
        check=integer(0, 24 * 60),
        default=_settings_default("prep_minutes"),
        doc="the prep reminder comes this long before the interview",
    ),
    Key(
        section="policy",
        name="interview_keywords",
        check=strings,
        default=(),
        doc="more title words that make an event an interview",
    ),
    Key(
        section="policy",
        name="freemail_domains",
        check=strings,
        default=(),
        doc='more free-mail domains ("gmx.*" patterns allowed)',
    ),
    Key(
        section="policy",
        name="ats_domains",
        check=strings,
        default=(),
        doc="more applicant-tracking services' domains",
    ),
    Key(
        section="policy",
        name="dormant_days",
        check=integer(1, 100 * 366),
        default=_settings_default("dormant_days"),
        doc="an application quiet this long plans nothing (old interviews)",
    ),
    Key(
        section="policy",
        name="templates_dir",
        check=path_text,
        default="templates",
        doc="your own draft templates: thank_you.txt, follow_up.txt, ...",
    ),
)

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(key.section for key in KEYS))


def section_keys(section: str) -> Iterator[Key]:
    return (key for key in KEYS if key.section == section)


def find(section: str, name: str) -> Key | None:
    return next((k for k in KEYS if k.section == section and k.name == name), None)


def default(section: str, name: str) -> Any:
    key = find(section, name)
    if key is None:
        raise KeyError(f"[{section}] {name}")
    return key.default
