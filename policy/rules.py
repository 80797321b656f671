"""One function per rule of POLICY.md, named for the rule. Each returns its result and the
`Why` it adds to the plan.

The planner gathers the inputs (an interview, its mail read once into `Reply` values) and
calls these in order; none of them reads a clock or does I/O (`now` is a parameter).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from policy.business_days import BusinessCalendar
from policy.models import (
    Channel,
    Culture,
    Interview,
    Mark,
    MarkKind,
    Message,
    Outcome,
    Rule,
    Settings,
    State,
    Status,
    Timeline,
    TimelineSource,
    Why,
)
from policy.replies import is_auto_reply, is_bulk
from policy.timeline import resolve_expression

THANK_YOU_DELAY = timedelta(hours=1)
THANK_YOU_WINDOW = timedelta(days=3)
REPLY_WINDOW = timedelta(hours=24)
HANDWRITTEN_MIN_DAYS = 7
WAIT_ANOTHER_WEEK = timedelta(days=7)
DEFAULT_FALLBACK = timedelta(days=14)  # config validation refuses an unreadable default


def local_date(moment: datetime, settings: Settings) -> date:
    return moment.astimezone(settings.timezone).date()


def elapsed(moment: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """`moment` + `delta` of real time (aware arithmetic in one zone is wall-clock time,
    which is an hour off across a DST change), shown in `zone`."""
    return (moment.astimezone(UTC) + delta).astimezone(zone)


def at_follow_up_time(day: date, settings: Settings) -> datetime:
    """The follow-up time on `day` in the user's zone; a wall time skipped by DST moves on."""
    aware = datetime.combine(day, settings.followup_time, tzinfo=settings.timezone)
    return aware.astimezone(UTC).astimezone(settings.timezone)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """A recruiter-side message read once: what its new text says."""

    message: Message
    auto: bool
    decision: Outcome | None
    promised_on: date | None  # a timeline statement's P
    statement: str  # the phrase, when there is a statement
    returns_on: date | None  # an auto-reply's return date R
    uncertain: bool = False  # it may state a decision the reader could not make out: read it

    @property
    def sent_at(self) -> datetime:
        return self.message.sent_at


def done_marks(marks: Iterable[Mark]) -> frozenset[str]:
    """What the user marked done: `prep`, `thank_you`, `follow_up:1`, ..."""
    return frozenset(m.value for m in marks if m.kind is MarkKind.DONE)


# --- The stated timeline and the promised date P --------------------------------------


def base_timeline(interview: Interview, settings: Settings, calendar: BusinessCalendar) -> Timeline:
    """What was in force at the interview's end: the `Timeline:` note (what I was told, in my
    words, read as a bare expression), else `policy.default_timeline`."""
    end_on = local_date(interview.end_at, settings)
    note = interview.note("timeline")
    noted = resolve_expression(note, end_on, calendar) if note else None
    if note and noted is not None:
        return Timeline(
            text=note.strip(), source=TimelineSource.EVENT, promised_on=noted, anchor_on=end_on
        )
    promised = resolve_expression(settings.default_timeline, end_on, calendar)
    return Timeline(
        text=settings.default_timeline,
        source=TimelineSource.DEFAULT,
        promised_on=promised if promised is not None else end_on + DEFAULT_FALLBACK,
        anchor_on=end_on,
    )


def stated_timeline(
    interview: Interview,
    replies: Sequence[Reply],
    marks: Sequence[Mark],
    base: Timeline,
    settings: Settings,
    calendar: BusinessCalendar,
) -> Timeline:
    """The statement with the latest anchor wins; a user's mark wins over all of them.

    A mark is anchored at the later of the interview's end and the day of the mark.
    """
    end_on = local_date(interview.end_at, settings)
    timeline_marks = [m for m in marks if m.kind is MarkKind.TIMELINE]
    if timeline_marks:
        mark = timeline_marks[-1]
        anchor_on = max(end_on, local_date(mark.marked_at, settings))
        promised = resolve_expression(mark.value, anchor_on, calendar)
        if promised is not None:
            return Timeline(
                text=mark.value,
                source=TimelineSource.USER,
                promised_on=promised,
                anchor_on=anchor_on,
            )
    # The note is anchored at the interview's end; the default at no moment at all.
    since = interview.end_at if base.source is TimelineSource.EVENT else None
    latest: Reply | None = None
    for reply in replies:
        if reply.promised_on is not None and (since is None or reply.sent_at >= since):
            latest, since = reply, reply.sent_at
    if latest is None or latest.promised_on is None:
        return base
    return Timeline(
        text=latest.statement,
        source=TimelineSource.EMAIL,
        promised_on=latest.promised_on,
        anchor_on=local_date(latest.sent_at, settings),
    )


_TIMELINE_RULES = {
    TimelineSource.USER: Rule.TIMELINE_MARK,
    TimelineSource.EVENT: Rule.TIMELINE_NOTE,
    TimelineSource.EMAIL: Rule.TIMELINE_EMAIL,
    TimelineSource.DEFAULT: Rule.TIMELINE_DEFAULT,
}


def timeline_why(timeline: Timeline) -> Why:
    return Why(
        rule=_TIMELINE_RULES[timeline.source],
        text=timeline.text,
        on=timeline.anchor_on,
        promised_on=timeline.promised_on,
    )


# --- Replies that change the plan -----------------------------------------------------


def next_round_by_calendar(
    interview: Interview, same_company: Iterable[Interview]
) -> Interview | None:
    """A later interview event of the same company closes this one as `next_round`."""
    later = [other for other in same_company if other.start_at > interview.start_at]
    return min(later, key=lambda i: i.start_at) if later else None


def decision(replies: Sequence[Reply], settings: Settings) -> tuple[Reply, Outcome, Why] | None:
    """The latest reply that carries a decision closes the application."""
    found = None
    for reply in replies:
        if reply.decision is not None and not reply.auto:
            found = reply
    if found is None or found.decision is None:
        return None
    on = local_date(found.sent_at, settings)
    return found, found.decision, Why(rule=Rule.DECISION, text=found.decision.value, on=on)


@dataclass(frozen=True, slots=True, kw_only=True)
class Closing:
    """What closed an application, and whether its pending thank-you still stands."""

    outcome: Outcome
    why: Why
    keeps_thank_you: bool = False
    dormant: Why | None = None  # also old and quiet, when another outcome closed it first


def outcome(
    marks: Sequence[Mark],
    replies: Sequence[Reply],
    next_round: Interview | None,
    dormant: Why | None,
    settings: Settings,
) -> Closing | None:
    """A stop mark, else a decision in a reply, else a later round in the calendar (which
    keeps this round's thank-you: POLICY.md "Replies that change the plan", unless this one
    went dormant), else dormancy (POLICY.md "Old interviews")."""
    if any(m.kind is MarkKind.STOP for m in marks):
        return Closing(outcome=Outcome.STOPPED, why=Why(rule=Rule.STOPPED), dormant=dormant)
    decided = decision(replies, settings)
    if decided is not None:
        _, found, why = decided
        return Closing(outcome=found, why=why, dormant=dormant)
    if next_round is not None:
        on = local_date(next_round.start_at, settings)
        return Closing(
            outcome=Outcome.NEXT_ROUND,
            why=Why(rule=Rule.NEXT_ROUND, on=on),
            keeps_thank_you=dormant is None,
            dormant=dormant,
        )
    if dormant is not None:
        return Closing(outcome=Outcome.DORMANT, why=dormant)
    return None


# --- Old interviews ------------------------------------------------------------------------


def counts_as_news(message: Message) -> bool:
    """Whether a message keeps an application awake: neither bulk (POLICY.md: `List-Id`,
    `List-Unsubscribe`, `Precedence: bulk|list|junk`) nor an auto-reply."""
    return not is_bulk(message.headers) and not is_auto_reply(message)


def last_activity_on(
    interview: Interview, news: Iterable[Message], timeline: Timeline, settings: Settings
) -> date:
    """The latest of the interview's end, the newest message that counts as news, and P."""
    latest = max(local_date(interview.end_at, settings), timeline.promised_on)
    for message in news:
        latest = max(latest, local_date(message.sent_at, settings))
    return latest


def dormant_from(last_on: date, settings: Settings) -> datetime:
    """The first moment an application quiet since `last_on` is dormant: the local midnight
    that starts the day more than `policy.dormant_days` days after it."""
    day = last_on + timedelta(days=settings.dormant_days + 1)
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=settings.timezone)
    return midnight.astimezone(UTC).astimezone(settings.timezone)


def dormancy(last_on: date, settings: Settings, now: datetime) -> Why | None:
    """POLICY.md "Old interviews": dormant when now is more than `policy.dormant_days` days
    (counted in local dates) after the last activity; it then plans nothing."""
    if now < dormant_from(last_on, settings):
        return None
    return Why(rule=Rule.DORMANT, on=last_on, count=settings.dormant_days)


# --- Prep ------------------------------------------------------------------------------------


def prep_due(interview: Interview, settings: Settings) -> datetime:
    """`policy.prep_minutes` of real time before the interview starts."""
    return elapsed(interview.start_at, -timedelta(minutes=settings.prep_minutes), settings.timezone)


def prep_status(
    due_at: datetime, marked: frozenset[str], closing: Closing | None, now: datetime
) -> Status:
    """Done once its time has passed (INTERFACE.md) or when marked; cancelled by a closing."""
    if now >= due_at or "prep" in marked:
        return Status.DONE
    return Status.CANCELLED if closing is not None else Status.PENDING


# --- Thank-you ---------------------------------------------------------------------------


def thank_you_due(interview: Interview, settings: Settings) -> datetime:
    """An hour of real time after the interview ends."""
    return elapsed(interview.end_at, THANK_YOU_DELAY, settings.timezone)


def culture_of(
    interview: Interview,
    company: str,
    domains: frozenset[str],
    marks: Sequence[Mark],
    settings: Settings,
) -> Culture | None:
    """A culture mark, else the `Culture:` note, else the company's entry in the config."""
    for mark in reversed(marks):
        if mark.kind is MarkKind.CULTURE and mark.value in (Culture.PAPER, Culture.TECH):
            return Culture(mark.value)
    note = (interview.note("culture") or "").strip().lower()
    if note in (Culture.PAPER, Culture.TECH):
        return Culture(note)
    names = {company.lower(), *domains}
    for key, culture in settings.cultures:
        if key.lower() in names:
            return culture
    return None


def thank_you_channel(
    culture: Culture | None, timeline: Timeline, interview: Interview, settings: Settings
) -> tuple[Channel, Why]:
    """Handwritten for a paper culture with P more than 7 days away; email otherwise."""
    days = (timeline.promised_on - local_date(interview.end_at, settings)).days
    if culture is Culture.PAPER and days > HANDWRITTEN_MIN_DAYS:
        return Channel.HANDWRITTEN, Why(rule=Rule.THANK_YOU_HANDWRITTEN, count=days)
    if culture is Culture.PAPER:
        return Channel.EMAIL, Why(rule=Rule.THANK_YOU_EMAIL_PAPER, count=days)
    return Channel.EMAIL, Why(rule=Rule.THANK_YOU_EMAIL)


def thank_you_sent(interview: Interview, mine: Sequence[Message]) -> Message | None:
    """Any message of mine to the recruiter side within 3 days after the interview ends."""
    for message in mine:
        if interview.end_at <= message.sent_at <= interview.end_at + THANK_YOU_WINDOW:
            return message
    return None


def thank_you_status(
    channel: Channel,
    thanked: Message | None,
    marked: frozenset[str],
    closing: Closing | None,
    settings: Settings,
) -> tuple[Status, Why | None]:
    """Done by a mail within three days (email) or by a mark (either channel).

    A mail within three days is the thank-you (never a follow-up) even when the note is to be
    handwritten; only then it does not make the handwritten note done: a mark does.
    """
    if thanked is not None and channel is Channel.EMAIL:
        on = local_date(thanked.sent_at, settings)
        return Status.DONE, Why(rule=Rule.THANK_YOU_SENT, on=on)
    if "thank_you" in marked:
        return Status.DONE, Why(rule=Rule.THANK_YOU_MARKED)
    if closing is not None and not closing.keeps_thank_you:
        return Status.CANCELLED, None
    return Status.PENDING, None


# --- Status follow-ups ---------------------------------------------------------------------


def follow_ups_sent(
    mine: Sequence[Message], thank_you: Message | None, replies: Sequence[Reply]
) -> list[Message]:
    """My messages that count as follow-ups: not the thank-you, not a quick answer to them."""
    answers = [r.sent_at for r in replies if not r.auto]
    sent = []
    for message in mine:
        if thank_you is not None and message.message_id == thank_you.message_id:
            continue
        if any(at <= message.sent_at <= at + REPLY_WINDOW for at in answers):
            continue
        sent.append(message)
    return sent


def follow_ups_done_at(
    mine: Sequence[Message],
    thank_you: Message | None,
    replies: Sequence[Reply],
    marks: Sequence[Mark],
) -> list[datetime]:
    """When each follow-up was done: those I sent, and those I marked done, oldest first."""
    done = [m.sent_at for m in follow_ups_sent(mine, thank_you, replies)]
    done += [m.marked_at for m in marks if m.kind is MarkKind.DONE and "follow_up" in m.value]
    return sorted(done)


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpSchedule:
    """The state of the fold over an application's follow-up events, and its result."""

    promised_on: date  # P as it stands
    due_on: date  # the day the next follow-up is due (before the floor of P)
    done_at: tuple[datetime, ...] = ()  # when each follow-up was done, oldest first
    # the day each of those was due when it was done: a reminder of one done before its day
    # is removed, one done after it fell due stays as history
    done_due_on: tuple[date, ...] = ()
    moved: bool = False  # an event set the pending follow-up's day
    why: tuple[Why, ...] = ()
    next_on: date | None = None  # the result: None when no more are planned

    @property
    def number(self) -> int:
        """The pending follow-up's number."""
        return len(self.done_at) + 1


def first_follow_up(promised_on: date, calendar: BusinessCalendar) -> date:
    """Follow-up 1: the next business day after P. Never earlier."""
    return calendar.next_business_day_after(promised_on)


def after_follow_up_sent(
    schedule: FollowUpSchedule, at: datetime, settings: Settings, calendar: BusinessCalendar
) -> FollowUpSchedule:
    """The next follow-up: the first business day on or after B + 7 days (B: this one)."""
    on = local_date(at, settings)
    why = Why(rule=Rule.FOLLOW_UP_SENT, count=schedule.number, on=on)
    was_due = max(schedule.due_on, calendar.next_business_day_after(schedule.promised_on))
    return replace(
        schedule,
        done_at=(*schedule.done_at, at),
        done_due_on=(*schedule.done_due_on, was_due),
        due_on=calendar.first_business_day_on_or_after(on + WAIT_ANOTHER_WEEK),
        moved=False,
        why=(*schedule.why, why),
    )


def after_new_date(
    schedule: FollowUpSchedule, reply: Reply, settings: Settings, calendar: BusinessCalendar
) -> FollowUpSchedule:
    """A new timeline statement moves the pending follow-up to the next business day after
    its P; it never raises the count."""
    assert reply.promised_on is not None
    due_on = calendar.next_business_day_after(reply.promised_on)
    why = Why(
        rule=Rule.FOLLOW_UP_NEW_DATE,
        count=schedule.number,
        on=local_date(reply.sent_at, settings),
        promised_on=reply.promised_on,
        due_on=due_on,
    )
    return replace(
        schedule, promised_on=reply.promised_on, due_on=due_on, moved=True, why=(*schedule.why, why)
    )


def after_dateless_reply(
    schedule: FollowUpSchedule, reply: Reply, settings: Settings, calendar: BusinessCalendar
) -> FollowUpSchedule:
    """A reply with no date on or after P (or after a follow-up) waits another full week:
    the first business day on or after its date + 7 days. Before P it changes nothing."""
    on = local_date(reply.sent_at, settings)
    if not schedule.done_at and on < schedule.promised_on:
        return schedule
    why = Why(rule=Rule.FOLLOW_UP_DATELESS, count=schedule.number, on=on)
    due_on = calendar.first_business_day_on_or_after(on + WAIT_ANOTHER_WEEK)
    return replace(schedule, due_on=due_on, moved=True, why=(*schedule.why, why))


def follow_up_event(
    schedule: FollowUpSchedule,
    event: datetime | Reply,
    *,
    user_timeline: bool,
    settings: Settings,
    calendar: BusinessCalendar,
) -> FollowUpSchedule:
    """One step of the fold: a follow-up sent (its time) or a recruiter's reply.

    With a timeline mark, a date in a reply does not move the follow-up: the reply counts as
    one without a date. A decision is another rule's (`outcome`); once `max_followups` are
    done nothing more moves.
    """
    if len(schedule.done_at) >= settings.max_followups:
        return schedule
    if isinstance(event, datetime):
        return after_follow_up_sent(schedule, event, settings, calendar)
    if event.decision is not None:
        return schedule
    if event.promised_on is not None and not user_timeline:
        return after_new_date(schedule, event, settings, calendar)
    return after_dateless_reply(schedule, event, settings, calendar)


def schedule_follow_ups(
    *,
    base: Timeline,
    timeline: Timeline,
    done_at: Sequence[datetime],
    replies: Sequence[Reply],
    settings: Settings,
    calendar: BusinessCalendar,
) -> FollowUpSchedule:
    """Fold the follow-ups done and the replies, in time order, into the next follow-up's day.

    POLICY.md "Status follow-ups". An email statement is one of the replies, so the fold
    starts from what was in force at the interview's end (`base`); a mark or a note starts
    from itself. Never before the business day after P; never more than `max_followups`.
    """
    start = base if timeline.source is TimelineSource.EMAIL else timeline
    schedule = FollowUpSchedule(
        promised_on=start.promised_on, due_on=first_follow_up(start.promised_on, calendar)
    )
    events: list[tuple[datetime, int, datetime | Reply]] = [(at, 0, at) for at in done_at]
    events += [(r.sent_at, 1, r) for r in replies if not r.auto]
    events.sort(key=lambda item: (item[0], item[1]))
    user_timeline = timeline.source is TimelineSource.USER
    for _, _, event in events:
        schedule = follow_up_event(
            schedule, event, user_timeline=user_timeline, settings=settings, calendar=calendar
        )
    return settle_follow_up(schedule, settings, calendar)


def settle_follow_up(
    schedule: FollowUpSchedule, settings: Settings, calendar: BusinessCalendar
) -> FollowUpSchedule:
    """The fold's result: wait for the recruiter after `max_followups`; else the day due, never
    before the business day after P."""
    sent = len(schedule.done_at)
    if sent >= settings.max_followups:
        why = Why(rule=Rule.FOLLOW_UPS_EXHAUSTED, count=sent)
        return replace(schedule, next_on=None, why=(*schedule.why, why))
    due_on = max(schedule.due_on, first_follow_up(schedule.promised_on, calendar))
    why_list = schedule.why
    if not schedule.moved:
        rule = Rule.FOLLOW_UP_AFTER_P if schedule.number == 1 else Rule.FOLLOW_UP_WEEK_AFTER
        why_list = (*why_list, Why(rule=rule, count=schedule.number, due_on=due_on))
    return replace(schedule, due_on=due_on, next_on=due_on, why=why_list)


def after_auto_replies(
    due_on: date, replies: Sequence[Reply], calendar: BusinessCalendar
) -> tuple[date, Why | None]:
    """No follow-up is due before the next business day after an auto-reply's return date R."""
    floor: date | None = None
    back_on: date | None = None
    for reply in replies:
        if reply.auto and reply.returns_on is not None:
            candidate = calendar.next_business_day_after(reply.returns_on)
            if floor is None or candidate > floor:
                floor, back_on = candidate, reply.returns_on
    if floor is None or floor <= due_on:
        return due_on, None
    return floor, Why(rule=Rule.AUTO_REPLY, on=back_on, due_on=floor)


# --- States ------------------------------------------------------------------------------


def application_state(
    interview: Interview,
    closing: Closing | None,
    followups_done: int,
    settings: Settings,
    now: datetime,
) -> State:
    """closed by an outcome; scheduled until the interview ends; waiting for the recruiter
    once the last follow-up is done; else awaiting a decision."""
    if closing is not None:
        return State.CLOSED
    if now < interview.end_at:
        return State.SCHEDULED
    if followups_done >= settings.max_followups:
        return State.WAITING_FOR_RECRUITER
    return State.AWAITING_DECISION


def now_turns(
    interview: Interview, prep_due_at: datetime, dormant_at: datetime
) -> tuple[datetime, ...]:
    """The instants at which a rule above that reads `now` answers otherwise: `prep_status`
    at the prep's due time, `application_state` at the interview's end, `dormancy` from
    `dormant_from`. The planner's `Plan.stable_until` is the first of these (and of the next
    mail's arrival) after `now`."""
    return (prep_due_at, interview.end_at, dormant_at)
