"""One function per rule of POLICY.md. Each returns its result and the `why` line it adds.

The planner gathers the inputs (an interview, its mail read once into `Reply` values) and
calls these in order; none of them reads a clock or does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from policy.business_days import BusinessCalendar
from policy.models import (
    Channel,
    Culture,
    Interview,
    Mark,
    MarkKind,
    Message,
    Outcome,
    Settings,
    Timeline,
    TimelineSource,
)
from policy.timeline import resolve_expression

THANK_YOU_WINDOW = timedelta(days=3)
REPLY_WINDOW = timedelta(hours=24)
HANDWRITTEN_MIN_DAYS = 7
WAIT_ANOTHER_WEEK = timedelta(days=7)


def local_date(moment: datetime, settings: Settings) -> date:
    return moment.astimezone(settings.timezone).date()


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """A recruiter-side message read once: what its new text says."""

    message: Message
    auto: bool
    decision: Outcome | None
    promised_on: date | None  # a timeline statement's P
    statement: str  # the phrase, when there is a statement
    returns_on: date | None  # an auto-reply's return date R

    @property
    def sent_at(self) -> datetime:
        return self.message.sent_at

    @property
    def dateless(self) -> bool:
        return not self.auto and self.decision is None and self.promised_on is None


# --- The stated timeline and the promised date P --------------------------------------


def stated_timeline(
    interview: Interview,
    replies: Sequence[Reply],
    marks: Sequence[Mark],
    settings: Settings,
    calendar: BusinessCalendar,
) -> tuple[Timeline, str]:
    """The statement with the latest anchor wins; a user's mark wins over all of them."""
    end_on = local_date(interview.end_at, settings)
    timeline_marks = [m for m in marks if m.kind is MarkKind.TIMELINE]
    if timeline_marks:
        mark = timeline_marks[-1]
        anchor_on = max(end_on, local_date(mark.marked_at, settings))
        promised = resolve_expression(mark.value, anchor_on, calendar)
        if promised is not None:
            timeline = Timeline(
                text=mark.value,
                source=TimelineSource.USER,
                promised_on=promised,
                anchor_on=anchor_on,
            )
            return (
                timeline,
                f"timeline: your mark '{mark.value}' from {anchor_on} gives P {promised}",
            )

    best: tuple[datetime, Timeline] | None = None
    note = interview.note("timeline")
    if note:
        # The note is what I was told, in my words: read as a bare expression.
        noted = resolve_expression(note, end_on, calendar)
        if noted is not None:
            best = (
                interview.end_at,
                Timeline(
                    text=note.strip(),
                    source=TimelineSource.EVENT,
                    promised_on=noted,
                    anchor_on=end_on,
                ),
            )
    for reply in replies:
        if reply.promised_on is None or (best is not None and reply.sent_at < best[0]):
            continue
        best = (
            reply.sent_at,
            Timeline(
                text=reply.statement,
                source=TimelineSource.EMAIL,
                promised_on=reply.promised_on,
                anchor_on=local_date(reply.sent_at, settings),
            ),
        )
    if best is not None:
        timeline = best[1]
        where = "the interview's notes" if timeline.source is TimelineSource.EVENT else "an email"
        return timeline, (
            f"timeline: '{timeline.text}' in {where} of {timeline.anchor_on} "
            f"gives P {timeline.promised_on}"
        )
    promised = resolve_expression(settings.default_timeline, end_on, calendar)
    if promised is None:  # config validation refuses this; stay total all the same
        promised = end_on + timedelta(days=14)
    timeline = Timeline(
        text=settings.default_timeline,
        source=TimelineSource.DEFAULT,
        promised_on=promised,
        anchor_on=end_on,
    )
    return timeline, (
        f"timeline: none stated, so the default '{settings.default_timeline}' from the "
        f"interview ({end_on}) gives P {promised}"
    )


# --- Thank-you ---------------------------------------------------------------------------


def culture_of(
    interview: Interview,
    company: str,
    domains: frozenset[str],
    marks: Sequence[Mark],
    settings: Settings,
) -> Culture | None:
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
) -> tuple[Channel, str]:
    """Handwritten for a paper culture with a long timeline; email otherwise (the default)."""
    end_on = local_date(interview.end_at, settings)
    days = (timeline.promised_on - end_on).days
    if culture is Culture.PAPER and days > HANDWRITTEN_MIN_DAYS:
        return Channel.HANDWRITTEN, (
            f"thank-you: handwritten, since the culture is paper and P is {days} days away"
        )
    if culture is Culture.PAPER:
        return Channel.EMAIL, (
            f"thank-you: email although the culture is paper, since P is only {days} days away"
        )
    return Channel.EMAIL, "thank-you: by email, to the interviewers, an hour after the end"


def thank_you_sent(interview: Interview, mine: Sequence[Message]) -> Message | None:
    """Any message of mine to the recruiter side within 3 days after the interview ends."""
    for message in mine:
        if interview.end_at <= message.sent_at <= interview.end_at + THANK_YOU_WINDOW:
            return message
    return None


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


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpSchedule:
    done_at: tuple[datetime, ...]  # when each follow-up was sent, oldest first
    # the day each of those was due when it was sent (a reminder of one sent before its
    # day is removed; one sent after it fell due stays as history)
    done_due_on: tuple[date, ...] = ()
    next_on: date | None  # the day the next one is due, None when no more are planned
    why: tuple[str, ...]


def schedule_follow_ups(
    *,
    interview: Interview,
    timeline: Timeline,
    sent: Sequence[datetime],
    replies: Sequence[Reply],
    user_timeline: bool,
    settings: Settings,
    calendar: BusinessCalendar,
) -> FollowUpSchedule:
    """Walk the mail in time order; the latest event sets the next follow-up's day.

    POLICY.md "Status follow-ups": follow-up 1 on the next business day after P; a dateless
    reply on or after P waits another full week; after a follow-up the next one is a full
    week later (B + 7) or the next business day after a date the recruiter gave; a new
    statement moves the pending one; never before P; never more than max_followups.
    """
    why: list[str] = []
    if timeline.source is not TimelineSource.EMAIL:
        current_p = timeline.promised_on
    else:  # an email statement: start from what was in force at the interview's end
        current_p = _base_promise(interview, settings, calendar)
    due_on = calendar.next_business_day_after(current_p)

    events: list[tuple[datetime, int, Reply | None]] = [(at, 0, None) for at in sent]
    events += [(r.sent_at, 1, r) for r in replies if not r.auto]
    events.sort(key=lambda item: (item[0], item[1]))
    done: list[datetime] = []
    done_due: list[date] = []
    for at, _, reply in events:
        on = local_date(at, settings)
        if reply is None:
            done.append(at)
            done_due.append(max(due_on, calendar.next_business_day_after(current_p)))
            due_on = calendar.first_business_day_on_or_after(on + WAIT_ANOTHER_WEEK)
            why.append(f"follow-up {len(done)}: sent {on}")
            if len(done) >= settings.max_followups:
                break
            continue
        if reply.decision is not None:
            continue
        if reply.promised_on is not None and not user_timeline:
            current_p = reply.promised_on
            due_on = calendar.next_business_day_after(current_p)
            why.append(
                f"follow-up {len(done) + 1}: moved to {due_on}, the business day after the date "
                f"given on {on} ({current_p})"
            )
        elif not done and on < current_p:
            continue  # a dateless reply before P changes nothing
        else:
            due_on = calendar.first_business_day_on_or_after(on + WAIT_ANOTHER_WEEK)
            why.append(
                f"follow-up {len(done) + 1}: a reply without a date on {on}, so wait a full week"
            )
    if len(done) >= settings.max_followups:
        why.append(f"follow-ups: {len(done)} sent with no decision, so wait for the recruiter")
        return FollowUpSchedule(
            done_at=tuple(done), done_due_on=tuple(done_due), next_on=None, why=tuple(why)
        )
    floor = calendar.next_business_day_after(current_p)
    if due_on < floor:
        due_on = floor
    number = len(done) + 1
    if number == 1 and not any("follow-up 1:" in line for line in why):
        why.append(f"follow-up 1: due {due_on}, the business day after P")
    elif number > 1 and not any(line.startswith(f"follow-up {number}:") for line in why):
        why.append(f"follow-up {number}: due {due_on}, a full week after follow-up {number - 1}")
    return FollowUpSchedule(
        done_at=tuple(done), done_due_on=tuple(done_due), next_on=due_on, why=tuple(why)
    )


def _base_promise(interview: Interview, settings: Settings, calendar: BusinessCalendar) -> date:
    """P from the interview's notes or the default, before any email said otherwise."""
    end_on = local_date(interview.end_at, settings)
    note = interview.note("timeline")
    noted = resolve_expression(note, end_on, calendar) if note else None
    if noted is not None:
        return noted
    promised = resolve_expression(settings.default_timeline, end_on, calendar)
    return promised if promised is not None else end_on + timedelta(days=14)


def auto_reply_floor(
    replies: Sequence[Reply], calendar: BusinessCalendar
) -> tuple[date | None, str | None]:
    """No follow-up is due before the next business day after an auto-reply's return date."""
    floor: date | None = None
    back_on: date | None = None
    for reply in replies:
        if reply.auto and reply.returns_on is not None:
            candidate = calendar.next_business_day_after(reply.returns_on)
            if floor is None or candidate > floor:
                floor, back_on = candidate, reply.returns_on
    if floor is None:
        return None, None
    return floor, f"auto-reply: away until {back_on}, so no follow-up before {floor}"


# --- Replies that change the plan -----------------------------------------------------


def decision(replies: Sequence[Reply], settings: Settings) -> tuple[Reply | None, str | None]:
    """The latest reply that carries a decision closes the application."""
    found = None
    for reply in replies:
        if reply.decision is not None and not reply.auto:
            found = reply
    if found is None or found.decision is None:
        return None, None
    on = local_date(found.sent_at, settings)
    return found, f"decision: {found.decision.value.replace('_', ' ')} in a reply of {on}"
