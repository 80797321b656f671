"""`followup doctor`: every part of a setup checked, one line each, ✓ or what to do.

Like `brew doctor`: it reads what a pass reads (the config, the sources, the state, the
token) and writes nothing. A line starting with ✗ needs fixing and makes the exit non-zero;
a line starting with - is only information (no service installed is a choice, not a fault).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from daemon.wording import plural
from policy.errors import FollowupError

if TYPE_CHECKING:
    from daemon.config import Config
    from policy.models import Settings, Thread


class Mark(StrEnum):
    OK = "✓"
    INFO = "-"
    FIX = "✗"


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    mark: Mark
    text: str

    def line(self) -> str:
        return f"{self.mark.value} {self.text}"


def ok(text: str) -> Check:
    return Check(mark=Mark.OK, text=text)


def info(text: str) -> Check:
    return Check(mark=Mark.INFO, text=text)


def fix(text: str) -> Check:
    return Check(mark=Mark.FIX, text=text)


def unseen_address(settings: Settings, threads: Iterable[Thread]) -> int | None:
    """How many messages there are when none is from or to `user.email` (or an alias), else
    None: a mailbox that has mail but never the user's address means the address is wrong,
    and then the user's own mail is read as the recruiter's (issue 8)."""
    count = 0
    for thread in threads:
        for message in thread.messages:
            count += 1
            people = (message.sender, *message.to, *message.cc)
            if any(p.email.lower() in settings.me for p in people if p.email):
                return None
    return count or None


def address_warning(config: Config, threads: Iterable[Thread]) -> str | None:
    """The one line `plan`/`status`/`sync` warn with when `user.email` is in no message."""
    count = unseen_address(config.settings, threads)
    if count is None:
        return None
    return (
        f"{config.path}: [user] email: not the sender or a recipient of any of the "
        f"{plural(count, 'message')} read; is it your own address? (add others to "
        "[user] aliases)"
    )


def diagnose(
    config_path: Path,
    *,
    service_running: Callable[[], bool | None] | None = None,
    platform: str = sys.platform,
    home: Path | None = None,
) -> Iterator[Check]:
    """The checks in order; a config that does not load ends them (nothing else can run)."""
    from daemon.config import load_config

    try:
        config = load_config(config_path)
    except FollowupError as error:
        yield fix(f"config: {error.user_message}")
        return
    yield ok(f"config {config.path}")
    if config.calendar_source == "google" or config.mail_source == "gmail":
        yield from _google(config)  # first: reading the sources makes the token private again
    threads = yield from _sources(config)
    if threads is not None:
        warning = address_warning(config, threads)
        if warning:
            yield fix(warning.split(": ", 1)[1])
    yield from _outputs(config)
    yield _state(config)
    yield from _service(platform, home or Path.home(), service_running)


def _sources(config: Config) -> Generator[Check, None, tuple[Thread, ...] | None]:
    """The calendar and the mail, read as a pass reads them; returns the threads read."""
    from daemon.sources import calendar_source, mail_source
    from policy.matching import interview_reason

    settings = config.settings
    where = str(config.calendar_path) if config.calendar_path else config.google.calendar_id
    if config.caldav is not None:
        where = config.caldav.url
    try:
        events = calendar_source(config).events()
    except FollowupError as error:
        yield fix(f"calendar: {error.user_message}")
        events = None
    if events is not None:
        interviews = sum(1 for e in events if interview_reason(e, settings) is not None)
        found = f"{plural(len(events), 'event')}, {plural(interviews, 'interview')}"
        if interviews:
            yield ok(f"calendar {where}: {found}")
        else:
            yield fix(
                f"calendar {where}: {found}: no event looks like an interview (put "
                "'interview' in its title, or add your words to [policy] interview_keywords)"
            )
    try:
        source = mail_source(config)
        if config.mail_source == "gmail":
            from daemon.sources import observe

            threads = observe(config, mail=source).threads
        else:
            threads = source.threads(lambda thread: True)
    except FollowupError as error:
        yield fix(f"mail: {error.user_message}")
        return None
    messages = sum(len(thread.messages) for thread in threads)
    where = str(config.mail_path) if config.mail_path else "Gmail"
    if config.imap is not None:
        where = f"IMAP {config.imap.host}"
    counted = f"{plural(messages, 'message')} in {plural(len(threads), 'thread')}"
    if config.mail_source == "gmail":
        counted += " about the interviews"
    yield ok(f"mail {where}: {counted}")
    return threads


def _outputs(config: Config) -> Iterator[Check]:
    if config.calendar_source == "google":
        yield ok(f"reminders go to Google Calendar {config.google.reminders_calendar_id!r}")
    elif config.caldav is not None:
        yield ok(f"reminders go to CalDAV {config.caldav.reminders_url}")
    elif config.reminders_path is not None:
        yield _writable("reminders", config.reminders_path, folder=False)
    if config.mail_source == "gmail":
        yield ok("drafts go to Gmail's Drafts")
    elif config.imap is not None:
        yield ok(f"drafts go to the drafts folder at {config.imap.host} (never sent)")
    elif config.drafts_path is not None:
        yield _writable("drafts", config.drafts_path, folder=True)


def _writable(what: str, path: Path, *, folder: bool) -> Check:
    """`path` can be written: it is (or its nearest existing folder is) writable by us."""
    try:
        if path.exists():
            mode = path.stat().st_mode
            right = stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode)
            if not right:
                kind = "a folder (a Maildir)" if folder else "a regular file"
                return fix(f"{what} {path}: not {kind}; point the config elsewhere")
            target = path
        else:
            target = next(p for p in path.parents if p.exists())
        if not os.access(target, os.W_OK):
            return fix(f"{what} {path}: {target} is not writable for you (check its owner/mode)")
    except OSError as error:
        return fix(f"{what} {path}: {error.strerror or error}")
    state = "" if path.exists() else " (created by the first sync)"
    return ok(f"{what} {path}: writable{state}")


def _state(config: Config) -> Check:
    from daemon.state import State

    path = config.state_path
    try:
        state = State.open_existing(path)
        if state is None:
            return ok(f"state {path}: none yet (the first `followup sync --once` creates it)")
        with state:
            marks = state.marks()
            ledger = state.ledger()
    except FollowupError as error:
        return fix(f"state: {error.user_message}")
    found = f"{plural(len(ledger.written), 'item')} written, {plural(len(marks), 'mark')}"
    if ledger.open_intents:
        found += f", {plural(ledger.open_intents, 'write')} to settle (the next pass does)"
    return ok(f"state {path}: {found}")


def _google(config: Config) -> Iterator[Check]:
    """The token: there, private, the scopes followup needs, and a refresh that works."""
    from connectors.google.auth import SCOPES, TokenStore

    path = config.google.token_path
    mode = None
    try:
        if path.exists():
            mode = path.stat().st_mode & 0o777
    except OSError:
        mode = None
    try:
        credentials = TokenStore(path).load()
    except FollowupError as error:
        yield fix(f"Google token: {error.user_message}")
        return
    if mode is not None and mode & 0o077:
        yield fix(f"Google token {path}: mode {mode:o}, others can read it: chmod 600 {path}")
    else:
        kept = f"mode {mode:o}" if mode is not None else "in the keyring"
        yield ok(f"Google token {path}: {kept}")
    granted = set(credentials.scopes or ())
    missing = [scope.rsplit("/", 1)[-1] for scope in SCOPES if scope not in granted]
    if missing:
        yield fix(f"Google token: scopes {', '.join(missing)} not granted: run `followup auth`")
    else:
        yield ok("Google token: every scope granted (calendar.events, gmail.readonly, compose)")
    try:
        from google.auth.transport.requests import Request

        credentials.refresh(Request())  # type: ignore[no-untyped-call]
    except FollowupError as error:
        yield fix(f"Google token: {error.user_message}")
        return
    except Exception as error:  # google-auth raises many types; none is the user's to read
        yield fix(f"Google token: refresh failed ({type(error).__name__}); check the network")
        return
    yield ok("Google token: refresh works")


def _service(
    platform: str, home: Path, service_running: Callable[[], bool | None] | None
) -> Iterator[Check]:
    from daemon import service

    try:
        unit = service.service_file(platform=platform, home=home, config=Path("config.toml"))
    except FollowupError:
        yield info(f"service: none for {platform} (run `followup run` from your own autostart)")
        return
    if not unit.path.exists():
        yield info("service: not installed (optional: `followup service install`)")
        return
    running = (service_running or (lambda: service.running(platform=platform)))()
    if running is True:
        yield ok(f"service {unit.path}: installed and running")
    elif running is False:
        yield fix(f"service {unit.path}: installed but not running: {unit.enable}")
    else:
        yield info(f"service {unit.path}: installed; cannot ask whether it runs")
