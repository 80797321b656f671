"""The commented config `followup init` writes: every key of `daemon/schema.py`, with its
default or an example and its comment beside it, so the starter never drifts from the schema.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from daemon import schema
from daemon.errors import FollowupError

HEADER = """\
# followup's config, written by `followup init`. Every key is read; an unknown key is an
# error, so typos do not go unnoticed. Relative paths are relative to this file's folder.
# Check it with `followup doctor`, then `followup status` and `followup sync --once --dry-run`.
"""

CULTURES = """\
[cultures]
# A company's culture, by name or email domain: "paper" asks for a handwritten thank-you
# when the timeline is longer than a week; "tech" (or nothing) means email.
# "dundermifflin.com" = "paper"
"""

_COMMENT_AT = 36
_WIDTH = 100


def starter_text(values: Mapping[tuple[str, str], str]) -> str:
    """The commented config: `values` (TOML text by section and key) are written as given,
    other keys with a default as that default, the rest commented out with an example."""
    out = [HEADER]
    for section in schema.SECTIONS:
        out.append(f"[{section}]")
        for key in schema.section_keys(section):
            given = values.get((section, key.name))
            if given is not None:
                left = f"{key.name} = {given}"
            elif key.default is not None:
                left = f"{key.name} = {key.default_text()}"
            else:
                left = f"# {key.name} = {key.example}"
            out.extend(_commented(left, key.doc))
        out.append("")
    out.append(CULTURES)
    return "\n".join(out)


def _commented(left: str, doc: str) -> list[str]:
    """`left` with `doc` as a trailing comment in one column, wrapped onto comment lines of
    the full width; a long `left` shortens only the first, and one too long for a comment
    beside it has the comment below it."""
    import textwrap

    width = _WIDTH - _COMMENT_AT - 2  # what a comment line holds after its "# "
    column = max(_COMMENT_AT, len(left) + 2)
    if column - _COMMENT_AT > width - 20:
        return [left, *_comment_lines(textwrap.wrap(doc, width))]
    lines = textwrap.wrap(doc, width, initial_indent=" " * (column - _COMMENT_AT)) or [""]
    return [f"{left:<{column - 1}} # {lines[0].lstrip()}", *_comment_lines(lines[1:])]


def _comment_lines(lines: list[str]) -> list[str]:
    return [f"{'':<{_COMMENT_AT - 1}} # {line}" for line in lines]


def local_timezone() -> str:
    """The machine's IANA zone name, best effort (TZ, then /etc/localtime), else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if "/" in name and not name.startswith("/"):
        return name
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    if marker in target:
        return target.split(marker, 1)[1]
    return "UTC"


def write_starter(path: Path, values: Mapping[tuple[str, str], str]) -> Path:
    """Write the commented config to `path` (a folder gets `config.toml` inside it); never
    over an existing file. Returns the file written."""
    if path.is_dir() or str(path).endswith(("/", os.sep)):
        path = path / "config.toml"
    text = starter_text(values)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise FollowupError(
            f"{path}: already exists; not overwritten (edit it, or pass --path)"
        ) from None
    except OSError as error:
        raise FollowupError(f"{path}: cannot write: {error.strerror or error}") from None
    return path


# --- the answers `init` needs, asked on a terminal or taken from flags ------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Answers:
    email: str
    name: str
    timezone: str
    country: str
    google: bool = False
    calendar_path: str = ""  # absolute, local sources only
    mail_path: str = ""
    mail_source: str = "mbox"

    def values(self) -> dict[tuple[str, str], str]:
        """The starter's values, as TOML text."""
        to = schema.to_toml
        found = {
            ("user", "email"): to(self.email),
            ("user", "name"): to(self.name),
            ("user", "timezone"): to(self.timezone),
            ("user", "country"): to(self.country),
        }
        if self.google:
            found["calendar", "source"] = to("google")
            found["mail", "source"] = to("gmail")
        else:
            found["calendar", "path"] = to(self.calendar_path)
            found["mail", "source"] = to(self.mail_source)
            found["mail", "path"] = to(self.mail_path)
        return found


def check_email(text: str) -> str:
    from daemon.config import address_problem

    text = text.strip()
    problem = address_problem(text) if text else "an address is needed"
    if problem:
        raise ValueError(problem)
    return text


def check_name(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValueError("a name is needed: it signs the drafts")
    return text


def check_zone(text: str) -> str:
    text = text.strip()
    schema.zone(text)  # raises ValueError naming the problem
    return text


def check_country(text: str) -> str:
    from policy.business_days import BusinessCalendar

    code = text.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValueError(f"{text!r}: a two-letter country code (ISO 3166), like US, GB, DE")
    try:
        BusinessCalendar(code)
    except ValueError:
        raise ValueError(f"{code!r}: no public holidays known for this country code") from None
    return code


def check_calendar(text: str) -> str:
    """An existing .ics file, as an absolute path."""
    path = _existing(text, "calendar")
    if not path.is_file():
        raise ValueError(f"{path}: not a file (an .ics export of your calendar)")
    with path.open("rb") as handle:
        if b"BEGIN:VCALENDAR" not in handle.read(4096).upper():
            raise ValueError(f"{path}: not an iCalendar file (no BEGIN:VCALENDAR)")
    return str(path)


def check_mail(text: str) -> tuple[str, str]:
    """An existing mbox file or Maildir folder: (source, absolute path)."""
    path = _existing(text, "mail")
    if path.is_dir():
        if not ((path / "cur").is_dir() or (path / "new").is_dir()):
            raise ValueError(f"{path}: a folder but not a Maildir (no cur/ or new/)")
        return "maildir", str(path)
    if not path.is_file():
        raise ValueError(f"{path}: not a file or a Maildir folder")
    return "mbox", str(path)


def _existing(text: str, what: str) -> Path:
    text = text.strip()
    if not text:
        raise ValueError(f"the path of your {what} export is needed")
    try:
        schema.path_text(text)
        path = Path(text).expanduser().resolve()
    except (ValueError, RuntimeError, OSError) as error:
        raise ValueError(f"{text!r}: not a usable path ({error})") from None
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    return path


def guess_name() -> str:
    """The account's full name (the GECOS field), when it has one."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, OSError):
        return ""


def guess_country() -> str:
    """The country of the locale (en_GB → GB), else US."""
    import locale

    for name in (os.environ.get("LC_ALL"), os.environ.get("LANG"), locale.getlocale()[0]):
        if name and "_" in name:
            code = name.split("_", 1)[1][:2].upper()
            if code.isalpha() and len(code) == 2:
                return code
    return "US"


class Asker:
    """Asks one question until the answer passes its check (a terminal, or anything like it)."""

    def __init__(self, read: Callable[[str], str], write: Callable[[str], None]) -> None:
        self.read = read
        self.write = write

    def ask(self, question: str, check: Callable[[str], Any], default: str = "") -> Any:
        shown = f" [{default}]" if default else ""
        while True:
            try:
                text = self.read(f"{question}{shown}: ")
            except EOFError:
                raise FollowupError("init: stopped before the last answer") from None
            try:
                return check(text.strip() or default)
            except ValueError as error:
                self.write(f"  ✗ {error}\n")


def ask_answers(asker: Asker, given: Mapping[str, str | None], google: bool | None) -> Answers:
    """Ask for what the flags did not give; every answer is checked as the flags are."""

    def field(name: str, question: str, check: Callable[[str], Any], default: str = "") -> Any:
        value = given.get(name)
        if value:
            return check(value)
        return asker.ask(question, check, default)

    email = field("email", "Your email address (the one recruiters write to)", check_email)
    name = field("name", "Your name, to sign the drafts", check_name, guess_name())
    zone = field("timezone", "Your time zone", check_zone, local_timezone())
    country = field("country", "Country for public holidays", check_country, guess_country())
    if google is None:
        google = asker.ask(
            "Read a local calendar export and mailbox, or Google? (local/google)",
            _local_or_google,
            "local",
        )
    if google:
        return Answers(email=email, name=name, timezone=zone, country=country, google=True)
    calendar = field("calendar", "Your calendar export (.ics file)", check_calendar)
    mail_source, mail = field("mail", "Your mailbox (an mbox file or a Maildir folder)", check_mail)
    return Answers(
        email=email,
        name=name,
        timezone=zone,
        country=country,
        calendar_path=calendar,
        mail_path=mail,
        mail_source=mail_source,
    )


def _local_or_google(text: str) -> bool:
    answer = text.strip().lower()
    if answer in ("local", "l", "files"):
        return False
    if answer in ("google", "g", "gmail"):
        return True
    raise ValueError(f"{text!r}: answer local or google")


def answers_from_flags(given: Mapping[str, str | None], google: bool) -> Answers:
    """Without a terminal: every answer from a flag, checked; one line naming what is missing."""
    needed = ["email", "name"] + ([] if google else ["calendar", "mail"])
    missing = [f"--{name}" for name in needed if not given.get(name)]
    if missing:
        raise FollowupError(
            f"init: missing {', '.join(missing)} (no terminal to ask on; "
            "e.g. followup init --email me@example.org --name 'Alex Doe' "
            "--calendar calendar.ics --mail mail.mbox)"
        )

    def checked(flag: str, check: Callable[[str], Any], default: str = "") -> Any:
        try:
            return check(given.get(flag) or default)
        except ValueError as error:
            raise FollowupError(f"init: --{flag}: {error}") from None

    answers = Answers(
        email=checked("email", check_email),
        name=checked("name", check_name),
        timezone=checked("timezone", check_zone, local_timezone()),
        country=checked("country", check_country, guess_country()),
        google=google,
    )
    if google:
        return answers
    source, mail = checked("mail", check_mail)
    return replace(
        answers,
        calendar_path=checked("calendar", check_calendar),
        mail_path=mail,
        mail_source=source,
    )
