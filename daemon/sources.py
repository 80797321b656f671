"""Builds the connectors a config names and reads them: the "observe" step.

Google: `calendar_source`, `mail_source`, `google_reminder_sink` and `gmail_draft_sink`
share one set of services per token file (`google_services`). A Google source keeps what it
read in memory; to poll incrementally, keep the same source objects between passes (pass
them to `observe`) and persist their `snapshot()` (see `connectors/google/state.py`).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from connectors.base import CalendarSource, MailSource, Searched, Stamps
from daemon.config import Config
from daemon.errors import ConfigError
from daemon.mail_index import IndexedMail
from policy.models import CalendarEvent, Thread

if TYPE_CHECKING:
    from connectors.caldav.dav import Dav
    from connectors.caldav.reminders import CaldavReminders
    from connectors.google.api import GoogleServices
    from connectors.google.calendar import GoogleReminders
    from connectors.google.gmail_drafts import GmailDrafts
    from connectors.imap.drafts import ImapDrafts
    from connectors.imap.session import Account as ImapAccount
    from policy.matching import RecruiterSide
    from policy.models import Settings
    from policy.rules import Reply


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    events: tuple[CalendarEvent, ...]
    threads: tuple[Thread, ...]
    # The reply readings kept in the mail index, for `policy.planner.plan(replies=...)`.
    replies: MutableMapping[str, Reply] | None = None
    # The local sources' stamps (calendar, mail), taken before they were read and the same
    # after; None when a source cannot say or one changed meanwhile (daemon/plan_cache.py).
    stamps: tuple[Stamps, Stamps] | None = None


IndexUse = Literal["keep", "existing", "none"]


def calendar_source(config: Config, *, index: IndexUse = "existing") -> CalendarSource:
    """An .ics file is read through the index's cache (see `mail_source` for `index`)."""
    if config.calendar_source == "ics":
        from daemon.mail_index import CachedCalendar

        assert config.calendar_path is not None  # config validation requires it
        return CachedCalendar(
            config.calendar_path, config.settings.timezone, _index_path(config, index)
        )
    if config.calendar_source == "google":
        from connectors.google.calendar import GoogleCalendar

        services = google_services(config)
        me = min(config.settings.me) if config.settings.me else ""
        return GoogleCalendar(
            services.calendar, config.google.calendar_id, config.settings.timezone, me=me
        )
    if config.calendar_source == "caldav":
        from connectors.caldav.calendar import CaldavCalendar

        assert config.caldav is not None
        return CaldavCalendar(caldav_client(config), config.caldav.url, config.settings.timezone)
    raise ConfigError(
        f"{config.path}: [calendar] source: {config.calendar_source!r} is not available yet"
    )


_DAV: dict[str, Dav] = {}


def caldav_client(config: Config) -> Dav:
    """The `[calendar]` account's requests, one per process (the password asked once)."""
    from connectors.caldav.dav import Account, Dav
    from connectors.secrets import password

    caldav = config.caldav
    assert caldav is not None
    key = f"{caldav.username}@{caldav.url}"
    if key not in _DAV:
        from urllib.parse import urlsplit

        host = urlsplit(caldav.url).hostname or ""

        def secret() -> str:
            return password(caldav.password_command, "caldav", caldav.username, host, "[calendar]")

        _DAV[key] = Dav(Account(username=caldav.username, password=secret))
    return _DAV[key]


def caldav_reminder_sink(config: Config) -> CaldavReminders:
    from connectors.caldav.reminders import CaldavReminders

    assert config.caldav is not None
    return CaldavReminders(caldav_client(config), config.caldav.reminders_url)


def mail_source(config: Config, *, index: IndexUse = "existing") -> MailSource:
    """Local mail goes through the mail index beside the state (`daemon/mail_index.py`):
    `keep` creates and keeps it (the daemon, `sync`); `existing` uses it when the daemon
    has made one and otherwise reads through a temporary one (commands that write
    nothing); `none` always reads afresh (`--refresh`)."""
    assert config.mail_path is not None or config.mail_source in ("gmail", "imap")
    if config.mail_source in ("mbox", "maildir"):
        from connectors.local.maildir import MaildirMail
        from connectors.local.mbox import MboxMail
        from daemon.mail_index import IndexedMail

        paths = config.mail_paths or ((config.mail_path,) if config.mail_path else ())
        zone = config.settings.timezone
        readers: list[MboxMail | MaildirMail] = [
            MboxMail(path, zone) if config.mail_source == "mbox" else MaildirMail(path, zone)
            for path in paths
        ]
        where = _index_path(config, index)
        kind: Literal["mbox", "maildir"] = "mbox" if config.mail_source == "mbox" else "maildir"
        # ATS mail is matched by the company's name, so all of it is looked at.
        return IndexedMail(kind, readers, where, also_domains=config.settings.ats_domains)
    if config.mail_source == "gmail":
        from connectors.google.gmail import Gmail

        services = google_services(config)
        return Gmail(services.gmail, config.settings.timezone, own=services.own_writes)
    if config.mail_source == "imap":
        from connectors.imap.mail import ImapMail

        assert config.imap is not None
        return ImapMail(imap_account(config), config.settings.timezone, config.imap.folders)
    raise ConfigError(f"{config.path}: [mail] source: {config.mail_source!r} is not available yet")


def imap_account(config: Config) -> ImapAccount:
    """The IMAP account of `[mail]`; its password is asked for at each connection."""
    from connectors.imap.session import Account
    from connectors.secrets import password

    imap = config.imap
    assert imap is not None

    def secret() -> str:
        return password(imap.password_command, "imap", imap.username, imap.host, "[mail]")

    return Account(
        host=imap.host,
        port=imap.port,
        security=imap.security,
        username=imap.username,
        password=secret,
    )


def imap_draft_sink(config: Config) -> ImapDrafts:
    """Drafts appended to the account's drafts folder; never sent (no SMTP here at all)."""
    from connectors.imap.drafts import ImapDrafts

    assert config.imap is not None
    settings = config.settings
    domain = min(settings.me).rpartition("@")[2] if settings.me else ""
    return ImapDrafts(
        imap_account(config),
        # user.email, as the local drafts: the mail program may change it before sending.
        sender=config.email,
        sender_name=settings.name,
        domain=domain,
        folder=config.imap.drafts_folder,
    )


def _index_path(config: Config, index: IndexUse) -> Path | None:
    from daemon.mail_index import index_path_for

    kept = index_path_for(config.state_path)
    fresh = index == "none" or (index == "existing" and not kept.exists())
    return None if fresh else kept


_SERVICES: dict[str, GoogleServices] = {}


def google_services(config: Config) -> GoogleServices:
    """The Calendar and Gmail services for the config's token, built once per process.

    Raises `connectors.google.auth.AuthError` when there is no usable token.
    """
    from connectors.google.api import connect

    key = str(config.google.token_path)
    if key not in _SERVICES:
        _SERVICES[key] = connect(config.google.token_path)
    return _SERVICES[key]


def google_reminder_sink(config: Config) -> GoogleReminders:
    """Reminders as tagged events in `google.reminders_calendar_id`."""
    from connectors.google.calendar import GoogleReminders

    services = google_services(config)
    return GoogleReminders(services.calendar, config.google.reminders_calendar_id)


def gmail_draft_sink(config: Config) -> GmailDrafts:
    """Drafts in the Gmail account. With aliases the From is left to Gmail (its default)."""
    from connectors.google.gmail_drafts import GmailDrafts

    settings = config.settings
    me = next(iter(settings.me)) if len(settings.me) == 1 else ""
    services = google_services(config)
    domain = min(settings.me).rpartition("@")[2] if settings.me else ""
    return GmailDrafts(
        services.gmail, me=me, name=settings.name, domain=domain, own=services.own_writes
    )


def observe(
    config: Config,
    *,
    calendar: CalendarSource | None = None,
    mail: MailSource | None = None,
    refresh: bool = False,
) -> Observation:
    """Read the calendar, then only the mail threads that touch an interview's recruiter side.

    `calendar` and `mail` are sources kept from an earlier pass (incremental reads); by
    default they are built from the config (`refresh`: reading the mail afresh).
    """
    settings = config.settings
    use: IndexUse = "none" if refresh else "existing"
    events = (calendar or calendar_source(config, index=use)).events()
    anyone, keep = _wanted(events, settings)

    threads: tuple[Thread, ...] = ()
    source_used: MailSource | None = None
    if anyone is not None:
        source = source_used = mail or mail_source(config, index=use)
        if isinstance(source, Searched):
            # ATS mail names the company rather than coming from its domain: search the ATS
            # domains too, and let `keep` take only what names a company of mine.
            source.set_participants(anyone.addresses, anyone.domains | set(settings.ats_domains))
        from daemon.progress import progress

        with progress("reading mail threads") as shown:
            seen = 0

            def counted(thread: Thread) -> bool:
                nonlocal seen
                seen += 1
                shown(seen, None)
                return keep(thread)

            threads = source.threads(counted)
    replies = None
    if isinstance(source_used, IndexedMail) and source_used.index_path is not None:
        from daemon.reply_cache import ReplyStore  # with the reply reader: only to plan

        replies = ReplyStore(source_used.index_path, threads, settings)
    return Observation(events=events, threads=threads, replies=replies)


def _wanted(
    events: Sequence[CalendarEvent], settings: Settings
) -> tuple[RecruiterSide | None, Callable[[Thread], bool]]:
    """Every interview's recruiter side in one (None without interviews), and which threads
    belong to one of them (POLICY.md "Which threads belong")."""
    # The matching rules (and the reply reader under them) only for a read.
    from policy.matching import (
        RecruiterSide,
        company_name,
        interview_reason,
        recruiter_side,
        thread_matches,
        to_interview,
    )

    interviews = [
        to_interview(event) for event in events if interview_reason(event, settings) is not None
    ]
    sides = [recruiter_side(interview, settings) for interview in interviews]
    cultures = tuple(name for name, _ in settings.cultures)
    # ATS mail joins by the company's name (POLICY.md "Which threads belong").
    companies = frozenset(
        company_name(interview, side, cultures)
        for interview, side in zip(interviews, sides, strict=True)
    )

    # One side holding every interview's addresses and domains: a set lookup per participant.
    anyone = RecruiterSide(
        addresses=frozenset().union(*(s.addresses for s in sides)),
        domains=frozenset().union(*(s.domains for s in sides)),
    )

    def keep(thread: Thread) -> bool:
        return thread_matches(thread, anyone, settings, companies)

    return (anyone if sides else None), keep
