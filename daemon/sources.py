"""Builds the connectors a config names and reads them: the "observe" step."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import CalendarSource, MailSource
from daemon.config import Config
from daemon.errors import ConfigError
from policy.matching import (
    RecruiterSide,
    interview_reason,
    recruiter_side,
    thread_matches,
    to_interview,
)
from policy.models import CalendarEvent, Thread


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    events: tuple[CalendarEvent, ...]
    threads: tuple[Thread, ...]


def calendar_source(config: Config) -> CalendarSource:
    if config.calendar_source == "ics":
        from connectors.ics import IcsCalendar

        assert config.calendar_path is not None  # config validation requires it
        return IcsCalendar(config.calendar_path, config.settings.timezone)
    raise ConfigError(
        f"{config.path}: [calendar] source: {config.calendar_source!r} is not available yet"
    )


def mail_source(config: Config) -> MailSource:
    assert config.mail_path is not None or config.mail_source == "gmail"
    if config.mail_source == "mbox":
        from connectors.mbox import MboxMail

        assert config.mail_path is not None
        return MboxMail(config.mail_path, config.settings.timezone)
    if config.mail_source == "maildir":
        from connectors.maildir import MaildirMail

        assert config.mail_path is not None
        return MaildirMail(config.mail_path, config.settings.timezone)
    raise ConfigError(f"{config.path}: [mail] source: {config.mail_source!r} is not available yet")


def observe(config: Config) -> Observation:
    """Read the calendar, then only the mail threads that touch an interview's recruiter side."""
    settings = config.settings
    events = calendar_source(config).events()
    sides = [
        recruiter_side(to_interview(event), settings)
        for event in events
        if interview_reason(event, settings) is not None
    ]

    # One side holding every interview's addresses and domains: a set lookup per participant.
    anyone = RecruiterSide(
        addresses=frozenset().union(*(s.addresses for s in sides)),
        domains=frozenset().union(*(s.domains for s in sides)),
    )

    def keep(thread: Thread) -> bool:
        return thread_matches(thread, anyone, settings)

    threads = mail_source(config).threads(keep) if sides else ()
    return Observation(events=events, threads=threads)
