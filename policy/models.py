"""The policy engine's vocabulary: what the connectors read, and the plan it returns.

Everything here is a frozen value. Connectors build the input side (events, messages,
threads) at their boundary; the planner returns a `Plan`. No Google or file types leak in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo


class State(StrEnum):
    SCHEDULED = "scheduled"
    AWAITING_DECISION = "awaiting_decision"
    WAITING_FOR_RECRUITER = "waiting_for_recruiter"
    CLOSED = "closed"


class Outcome(StrEnum):
    REJECTED = "rejected"
    OFFER = "offer"
    NEXT_ROUND = "next_round"
    STOPPED = "stopped"
    DORMANT = "dormant"


class ActionType(StrEnum):
    PREP = "prep"
    THANK_YOU = "thank_you"
    FOLLOW_UP = "follow_up"


class Status(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    EMAIL = "email"
    HANDWRITTEN = "handwritten"


class TimelineSource(StrEnum):
    EVENT = "event"
    EMAIL = "email"
    DEFAULT = "default"
    USER = "user"


class Culture(StrEnum):
    PAPER = "paper"
    TECH = "tech"


class MarkKind(StrEnum):
    DONE = "done"
    STOP = "stop"
    TIMELINE = "timeline"
    CULTURE = "culture"


class Rule(StrEnum):
    """The rule of POLICY.md a `Why` reports; daemon/render.py words each."""

    INTERVIEW = "interview"  # text: why the event is an interview
    MAIL = "mail"  # count: threads matched
    TIMELINE_MARK = "timeline_mark"  # text, on (the anchor), promised_on
    TIMELINE_NOTE = "timeline_note"  # text, on, promised_on
    TIMELINE_EMAIL = "timeline_email"  # text, on, promised_on
    TIMELINE_DEFAULT = "timeline_default"  # text, on, promised_on
    STOPPED = "stopped"
    DECISION = "decision"  # text: the outcome; on: the reply's date
    NEXT_ROUND = "next_round"  # on: the later interview's date
    DORMANT = "dormant"  # on: the last day anything happened; count: policy.dormant_days
    THANK_YOU_HANDWRITTEN = "thank_you_handwritten"  # count: days from the interview to P
    THANK_YOU_EMAIL_PAPER = "thank_you_email_paper"  # count: days from the interview to P
    THANK_YOU_EMAIL = "thank_you_email"
    THANK_YOU_SENT = "thank_you_sent"  # on
    THANK_YOU_MARKED = "thank_you_marked"
    FOLLOW_UP_SENT = "follow_up_sent"  # count: its number; on
    FOLLOW_UP_NEW_DATE = "follow_up_new_date"  # count, on, promised_on, due_on
    FOLLOW_UP_DATELESS = "follow_up_dateless"  # count, on
    FOLLOW_UP_AFTER_P = "follow_up_after_p"  # count, due_on
    FOLLOW_UP_WEEK_AFTER = "follow_up_week_after"  # count, due_on
    FOLLOW_UPS_EXHAUSTED = "follow_ups_exhausted"  # count: how many were sent
    AUTO_REPLY = "auto_reply"  # on: the return date R; due_on: the first day allowed
    MAYBE_DECISION = "maybe_decision"  # on: a reply that may state a decision: read it


# --- what the connectors read -------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """An address with its display name; `email` is always lower-case."""

    email: str
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Attendee:
    email: str
    name: str = ""
    # RFC 5545 PARTSTAT / Google responseStatus, lower-case: accepted, declined, tentative,
    # needs-action ("needsAction" from Google is normalised to "needs-action").
    response: str = "needs-action"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One event as a calendar source read it, before deciding whether it is an interview.

    Times are aware. All-day events carry local midnight of their dates and `all_day`.
    Floating times are read in the user's zone by the connector.
    """

    event_id: str
    title: str
    start_at: datetime
    end_at: datetime
    description: str = ""
    location: str = ""
    all_day: bool = False
    cancelled: bool = False
    organizer: Person | None = None
    attendees: tuple[Attendee, ...] = ()
    # True for events this program wrote (its reminders): never interviews.
    created_by_followup: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One mail message as a mail source read it.

    `body_text` and `body_html` are decoded (charset, transfer encoding) but otherwise raw:
    quoted text, signatures and markup are the policy's business.
    `headers` holds only the few headers the policy reads (auto-reply markers), with
    lower-case names.
    """

    message_id: str
    thread_id: str
    sender: Person
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    subject: str = ""
    sent_at: datetime
    body_text: str = ""
    body_html: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    # True for a message that is still a draft (Gmail DRAFT label, Maildir drafts).
    is_draft: bool = False
    # The provider's labels or folders, as read (Gmail label ids such as `SENT`, Takeout's
    # `X-Gmail-Labels` names such as `Sent`): a message labelled sent is mine (POLICY.md "me").
    labels: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    @property
    def participants(self) -> tuple[Person, ...]:
        return (self.sender, *self.to, *self.cc)


@dataclass(frozen=True, slots=True, kw_only=True)
class Thread:
    thread_id: str
    messages: tuple[Message, ...]  # oldest first

    @property
    def subject(self) -> str:
        return self.messages[0].subject if self.messages else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    """A user's mark from the CLI; a mark wins over what was read (POLICY.md "User marks").

    `value` is the timeline text for TIMELINE, `paper`/`tech` for CULTURE, and for DONE the
    action key it marks (e.g. `thank_you` or `follow_up:1`); empty for STOP.
    """

    interview_id: str
    kind: MarkKind
    value: str = ""
    marked_at: datetime


# --- settings ---------------------------------------------------------------------------

DEFAULT_INTERVIEW_KEYWORDS: tuple[str, ...] = (
    "interview",
    "phone screen",
    "screening call",
    "recruiter call",
    "technical screen",
    "onsite",
    "on-site",
    "hiring manager",
    "panel",
    "final round",
)

DEFAULT_FREEMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.*",
)

# POLICY.md "Which threads belong": applicant-tracking services employers write through.
DEFAULT_ATS_DOMAINS: tuple[str, ...] = (
    "greenhouse.io",
    "greenhouse-mail.io",
    "lever.co",
    "hire.lever.co",
    "myworkday.com",
    "workday.com",
    "ashbyhq.com",
    "smartrecruiters.com",
    "icims.com",
    "jobvite.com",
    "taleo.net",
    "successfactors.com",
    "breezy.hr",
    "workable.com",
    "recruitee.com",
    "teamtailor.com",
    "bamboohr.com",
    "jazzhr.com",
    "applytojob.com",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What the policy needs from the user's config, already validated."""

    me: frozenset[str]  # my addresses, lower-case
    name: str = ""
    timezone: ZoneInfo
    country: str = "US"
    subdivision: str | None = None
    default_timeline: str = "2 weeks"
    followup_time: time = time(9, 30)
    max_followups: int = 2
    prep_minutes: int = 30
    interview_keywords: tuple[str, ...] = DEFAULT_INTERVIEW_KEYWORDS
    freemail_domains: tuple[str, ...] = DEFAULT_FREEMAIL_DOMAINS
    ats_domains: tuple[str, ...] = DEFAULT_ATS_DOMAINS
    # POLICY.md "Old interviews": an application quiet this many days plans nothing.
    dormant_days: int = 30
    # company name (lower-case) or email domain -> culture
    cultures: tuple[tuple[str, Culture], ...] = ()
    # template name -> template text, overriding the packaged defaults
    templates: tuple[tuple[str, str], ...] = ()


# --- the plan ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Interview:
    """A calendar event recognised as an interview, with the user's notes parsed."""

    interview_id: str
    title: str
    start_at: datetime
    end_at: datetime
    organizer: Person | None = None
    attendees: tuple[Attendee, ...] = ()
    # `Key: value` lines of the description, keys lower-case, in order.
    notes: tuple[tuple[str, str], ...] = ()
    location: str = ""

    def note(self, key: str) -> str | None:
        wanted = key.lower()
        found = None
        for name, value in self.notes:
            if name == wanted:
                found = value
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """The statement that won, and the promised date P it resolves to."""

    text: str
    source: TimelineSource
    promised_on: date
    anchor_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Why:
    """One rule that fired for an application, with its figures (the plan's `why`).

    Data, so code can ask which rule fired; daemon/render.py words it for people."""

    rule: Rule
    text: str = ""
    count: int | None = None
    on: date | None = None
    promised_on: date | None = None
    due_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """A ready-to-send email. `thread_id` and `in_reply_to` are set for replies."""

    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    subject: str
    body: str
    thread_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    # display names for `to`, in order ("" where unknown)
    to_names: tuple[str, ...] = ()
    # From: the address of mine the recruiter wrote to ("": user.email), and my name
    sender: str = ""
    sender_name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    type: ActionType
    due_at: datetime
    status: Status
    # stable across passes: "<interview id>/<type>[/<number>]"
    key: str
    number: int | None = None
    channel: Channel | None = None
    # the email to write when the action falls due (email thank-yous and follow-ups)
    draft: Draft | None = None
    # one short line for the reminder's title, and its longer text
    reminder_title: str = ""
    reminder_text: str = ""
    # when a done action was done (a mail sent, a mark, prep's due time passing)
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Application:
    interview: Interview
    company: str
    state: State
    outcome: Outcome | None
    timeline: Timeline
    followups_done: int
    actions: tuple[Action, ...]
    why: tuple[Why, ...]
    thread_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    generated_at: datetime
    applications: tuple[Application, ...] = field(default_factory=tuple)
    # The earliest moment after `generated_at` at which this plan could change with no new
    # input (a message dated later arriving, a prep falling due, an interview ending, an
    # application going dormant); None when nothing would. Until then, planning the same
    # input again gives the same plan but for `generated_at` (daemon's PlanCache relies on it).
    stable_until: datetime | None = None
