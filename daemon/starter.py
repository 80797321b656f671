"""The commented config `followup init` writes: every key, with the choices beside it."""

from __future__ import annotations

import os
from pathlib import Path

from daemon.errors import FollowupError

TEMPLATE = """\
# followup's config, written by `followup init`. Every key is read; an unknown key is an
# error, so typos do not go unnoticed. Relative paths are relative to this file's folder.
# Check it with `followup plan --json`, then `followup sync --once --dry-run`.

[user]
email = "{email}"          # me: the address interviews and mail are sent to
aliases = []                        # more of my addresses, e.g. ["me@work.example"]
name = "{name}"                   # signs the drafts
timezone = "{timezone}"       # IANA name; every local date and time uses it
country = "{country}"                      # public holidays for business days (ISO 3166 code)
# subdivision = "CA"                # optional: state/province holidays too

[calendar]
source = "{calendar_source}"                 # "google" or "ics" (a local .ics file)
# path = "calendar.ics"             # source = "ics": an .ics file (e.g. a Google Takeout export)
# reminders_path = "reminders.ics"  # source = "ics": where reminders are written, one .ics file

[mail]
source = "{mail_source}"                  # "gmail", "mbox" or "maildir"
# path = "mail.mbox"                # "mbox": one mbox of received and sent mail (Gmail Takeout);
                                    # "maildir": a Maildir folder
# drafts_path = "drafts"            # local sources: the Maildir folder drafts are written into

[google]
client_secrets_path = "client_secret.json"  # your own OAuth client (Desktop app); then
                                    # run `followup auth` once
# token_path = "token.json"         # default: the per-user config folder; mode 0600
calendar_id = "primary"             # where interviews are read from
reminders_calendar_id = "primary"   # where reminders are written

[daemon]
# state_path = "state.sqlite"       # default: the per-user data folder
poll_minutes = 5                    # how often `followup run` looks for changes

[policy]
default_timeline = "2 weeks"        # when nobody stated a timeline
followup_time = "09:30"             # local time of day follow-ups fall due
max_followups = 2                   # status follow-ups before waiting for the recruiter
prep_minutes = 30                   # the prep reminder comes this long before the interview
interview_keywords = []             # more title words that make an event an interview
freemail_domains = []               # more free-mail domains ("gmx.*" patterns allowed)
ats_domains = []                    # more applicant-tracking services' domains
dormant_days = 30                   # an application quiet this long plans nothing (old interviews)

[cultures]
# A company's culture, by name or email domain: "paper" asks for a handwritten thank-you
# when the timeline is longer than a week; "tech" (or nothing) means email.
# "dundermifflin.com" = "paper"
"""


def _align(text: str) -> str:
    """Line the trailing comments up in one column, whatever length the values took."""
    lines = []
    for line in text.splitlines():
        left, marker, comment = line.partition("  # ")
        if marker and left.strip() and not left.lstrip().startswith("#"):
            line = f"{left.rstrip():<35} # {comment}"
        elif line.startswith(" " * 20) and line.strip().startswith("#"):
            line = " " * 36 + line.strip()
        lines.append(line)
    return "\n".join(lines) + "\n"


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


def write_starter(
    path: Path,
    *,
    email: str = "you@example.com",
    name: str = "",
    timezone: str | None = None,
    country: str = "US",
    local: bool = False,
) -> Path:
    """Write the commented config to `path`; never over an existing file."""
    text = TEMPLATE.format(
        email=email,
        name=name or "Your Name",
        timezone=timezone or local_timezone(),
        country=country,
        calendar_source="ics" if local else "google",
        mail_source="mbox" if local else "gmail",
    )
    if local:
        text = text.replace('# path = "calendar.ics"', 'path = "calendar.ics"')
        text = text.replace(
            '# reminders_path = "reminders.ics"', 'reminders_path = "reminders.ics"'
        )
        text = text.replace('# path = "mail.mbox"', 'path = "mail.mbox"')
        text = text.replace('# drafts_path = "drafts"', 'drafts_path = "drafts"')
    text = _align(text)
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
