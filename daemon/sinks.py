"""Builds the writers a config names: where reminders and drafts go.

Local sources write to local files (`calendar.reminders_path`, `mail.drafts_path`); Google
sources write to the account (`google.reminders_calendar_id`, Gmail drafts). The Google
modules are imported only here and only when named, so the local path never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.base import DraftSink, ReminderSink
from daemon.config import Config
from daemon.errors import ConfigError
from daemon.items import Kind


@dataclass(frozen=True, slots=True, kw_only=True)
class Sinks:
    reminders: ReminderSink
    drafts: DraftSink
    # Where each kind goes, for messages: a path or "Google calendar primary".
    where: dict[Kind, str] = field(default_factory=dict)
    # Listing costs requests (Google): a pass that would write nothing skips it, and a
    # user's edit or deletion is noticed when there is next something to write over it.
    lazy_listing: bool = False

    def of(self, kind: Kind) -> ReminderSink | DraftSink:
        return self.reminders if kind is Kind.REMINDER else self.drafts


def build_sinks(config: Config) -> Sinks:
    """The reminder and draft writers for `config`; ConfigError naming the missing key."""
    reminders, reminders_where = _reminder_sink(config)
    drafts, drafts_where = _draft_sink(config)
    return Sinks(
        reminders=reminders,
        drafts=drafts,
        where={Kind.REMINDER: reminders_where, Kind.DRAFT: drafts_where},
        # Listing costs requests on a server too (CalDAV, IMAP): the idle pass stays at one
        # round trip per mail folder and per calendar.
        lazy_listing=config.calendar_source in ("google", "caldav")
        or config.mail_source in ("gmail", "imap"),
    )


def _reminder_sink(config: Config) -> tuple[ReminderSink, str]:
    """The reminders' writer, and where it writes (for messages)."""
    if config.calendar_source == "ics":
        if config.reminders_path is None:
            raise ConfigError(
                f"{config.path}: [calendar] reminders_path: missing (the .ics file reminders "
                'are written to, needed by sync and run when source = "ics")'
            )
        from connectors.local.ics_reminders import IcsReminders

        return IcsReminders(config.reminders_path), str(config.reminders_path)
    if config.calendar_source == "caldav":
        from daemon.sources import caldav_reminder_sink

        reminders: ReminderSink = caldav_reminder_sink(config)
        assert config.caldav is not None
        return reminders, f"CalDAV {config.caldav.reminders_url}"
    try:
        from daemon.sources import google_reminder_sink

        reminders = google_reminder_sink(config)
    except ImportError as error:
        raise _unavailable(config, "calendar", error) from None
    return reminders, f"Google calendar {config.google.reminders_calendar_id}"


def _draft_sink(config: Config) -> tuple[DraftSink, str]:
    """The drafts' writer, and where it writes (for messages)."""
    if config.mail_source in ("mbox", "maildir"):
        if config.drafts_path is None:
            raise ConfigError(
                f"{config.path}: [mail] drafts_path: missing (the Maildir folder drafts are "
                f'written to, needed by sync and run when source = "{config.mail_source}")'
            )
        from connectors.local.maildir_drafts import MaildirDrafts

        drafts: DraftSink = MaildirDrafts(
            config.drafts_path, sender=config.email, sender_name=config.settings.name
        )
        return drafts, str(config.drafts_path)
    if config.mail_source == "imap":
        from daemon.sources import imap_draft_sink

        drafts = imap_draft_sink(config)
        assert config.imap is not None
        return drafts, f"IMAP {config.imap.host} drafts folder"
    try:
        from daemon.sources import gmail_draft_sink

        gmail = gmail_draft_sink(config)
    except ImportError as error:
        raise _unavailable(config, "mail", error) from None
    return gmail, "Gmail drafts"


def _unavailable(config: Config, section: str, error: ImportError) -> ConfigError:
    return ConfigError(
        f"{config.path}: [{section}] source: the Google connectors are not available in this "
        f"installation ({error.name or error}); use the local sources or reinstall followup"
    )
