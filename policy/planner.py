"""`plan(events, threads, settings, now) -> Plan`: the whole policy in one pure call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from policy import drafts
from policy.business_days import BusinessCalendar
from policy.matching import (
    RecruiterSide,
    ThreadIndex,
    company_groups,
    company_name,
    interview_reason,
    is_bulk,
    recruiter_side,
    sent_by_me,
    to_interview,
)
from policy.models import (
    Action,
    ActionType,
    Application,
    CalendarEvent,
    Channel,
    Interview,
    Mark,
    MarkKind,
    Message,
    Plan,
    Rule,
    Settings,
    Status,
    Thread,
    Timeline,
    Why,
)
from policy.replies import new_text, read_reply
from policy.rules import (
    Closing,
    FollowUpSchedule,
    Reply,
    after_auto_replies,
    application_state,
    at_follow_up_time,
    base_timeline,
    counts_as_news,
    culture_of,
    done_marks,
    dormancy,
    dormant_from,
    follow_ups_done_at,
    last_activity_on,
    local_date,
    next_round_by_calendar,
    now_turns,
    outcome,
    prep_due,
    prep_status,
    schedule_follow_ups,
    stated_timeline,
    thank_you_channel,
    thank_you_due,
    thank_you_sent,
    thank_you_status,
    timeline_why,
)

_PLANNABLE_YEARS = (1900, 2200)


class Parts(Protocol):
    """Applications planned before, by their inputs (the daemon's plan cache keeps them
    between processes): an application is a function of its inputs (settings, interview,
    why it is one, the next round, its threads and marks: all else `_application` reads is
    derived from them) and `now`, and holds from when it was planned until the first of
    its turns after that."""

    def get(
        self, inputs: tuple[object, ...], now: datetime
    ) -> tuple[Application, tuple[datetime, ...]] | None: ...

    def put(
        self,
        inputs: tuple[object, ...],
        now: datetime,
        planned: tuple[Application, tuple[datetime, ...]],
    ) -> None: ...


def plan(
    events: Iterable[CalendarEvent],
    threads: Iterable[Thread],
    settings: Settings,
    now: datetime,
    marks: Sequence[Mark] = (),
    replies: MutableMapping[str, Reply] | None = None,
    parts: Parts | None = None,
    calendar: BusinessCalendar | None = None,
) -> Plan:
    """Every interview's application, in order of interview start. `replies`: readings
    of recruiter messages by message id, kept between calls (the daemon's mail index);
    `parts`: applications planned before, reused while their inputs are the same;
    `calendar`: the business days of `settings`' country, when the caller keeps them."""
    if calendar is None:
        calendar = BusinessCalendar(settings.country, settings.subdivision)
    threads = tuple(threads)
    if not settings.name.strip():  # sign with the name my sent mail carries
        settings = replace(settings, name=drafts.name_from_sent(threads, settings))
    found = _interviews(events, settings)
    interviews = [interview for interview, _ in found]
    sides = [recruiter_side(interview, settings) for interview in interviews]
    groups = company_groups(sides)
    # Mail dated after `now` has not arrived yet, as far as this plan is concerned.
    arrived, next_arrival_at = _as_of(threads, now)
    index = ThreadIndex(arrived, settings)
    cultures = tuple(name for name, _ in settings.cultures)
    reader = _ReplyReader(settings, calendar, replies)
    marks_by_id = _marks_by_interview(marks)
    applications = []
    turns = [next_arrival_at] if next_arrival_at is not None else []
    for position, (interview, reason) in enumerate(found):
        same_company = (i for i, g in zip(interviews, groups, strict=True) if g == groups[position])
        next_round = next_round_by_calendar(interview, same_company)
        side = sides[position]
        company = company_name(interview, side, cultures, settings.ats_domains)
        mine = tuple(index.matching(side, company))
        own_marks = tuple(marks_by_id.get(interview.interview_id, []))
        inputs = (settings, interview, reason, next_round, mine, own_marks)  # see Parts
        planned = parts.get(inputs, now) if parts is not None else None
        if planned is None:
            planned = _application(
                interview=interview,
                reason=reason,
                side=side,
                next_round=next_round,
                threads=mine,
                marks=own_marks,
                reader=reader,
                settings=settings,
                calendar=calendar,
                now=now,
            )
            if parts is not None:
                parts.put(inputs, now, planned)
        applications.append(planned[0])
        turns.extend(planned[1])
    later = [moment for moment in turns if moment > now]
    return Plan(
        generated_at=now.astimezone(settings.timezone),
        applications=tuple(applications),
        stable_until=min(later).astimezone(settings.timezone) if later else None,
    )


def _interviews(events: Iterable[CalendarEvent], settings: Settings) -> list[tuple[Interview, str]]:
    """The events that are interviews, with why each is one, in order of start."""
    found = []
    for event in events:
        if not _PLANNABLE_YEARS[0] <= event.start_at.year <= _PLANNABLE_YEARS[1]:
            continue  # dates near 0001/9999 overflow; the connectors warn about such events
        reason = interview_reason(event, settings)
        if reason is not None:
            found.append((to_interview(event), reason))
    found.sort(key=lambda item: (item[0].start_at, item[0].interview_id))
    return found


def _marks_by_interview(marks: Iterable[Mark]) -> dict[str, list[Mark]]:
    """Each interview's marks, oldest first."""
    by_id: dict[str, list[Mark]] = defaultdict(list)
    for mark in sorted(marks, key=lambda m: m.marked_at):
        by_id[mark.interview_id].append(mark)
    return by_id


def _as_of(threads: Iterable[Thread], now: datetime) -> tuple[list[Thread], datetime | None]:
    """The threads as they stood at `now`, and when the next message after `now` arrives."""
    arrived: list[Thread] = []
    next_at: datetime | None = None
    for thread in threads:
        if all(m.sent_at <= now for m in thread.messages):
            arrived.append(thread)
            continue
        kept = tuple(m for m in thread.messages if m.sent_at <= now)
        if kept:
            arrived.append(replace(thread, messages=kept))
        first = min(m.sent_at for m in thread.messages if m.sent_at > now)
        next_at = first if next_at is None or first < next_at else next_at
    return arrived, next_at


class _ReplyReader:
    """Reads each recruiter-side message once, however many applications share it."""

    def __init__(
        self,
        settings: Settings,
        calendar: BusinessCalendar,
        cache: MutableMapping[str, Reply] | None = None,
    ) -> None:
        self._settings = settings
        self._calendar = calendar
        self._cache: MutableMapping[str, Reply] = {} if cache is None else cache

    def read(self, message: Message) -> Reply:
        cached = self._cache.get(message.message_id)
        if cached is not None:
            return cached
        on = local_date(message.sent_at, self._settings)
        got = read_reply(message, new_text(message), on, self._calendar)
        reply = Reply(
            message=message,
            auto=got.auto,
            decision=got.decision,
            promised_on=got.promised_on,
            statement=got.statement,
            returns_on=got.returns_on,
            uncertain=got.uncertain,
        )
        self._cache[message.message_id] = reply
        return reply


@dataclass(frozen=True, slots=True, kw_only=True)
class _Mail:
    """An application's mail, split by who wrote it."""

    mine: tuple[Message, ...]  # mine to the recruiter side, after the interview ended
    replies: tuple[Reply, ...]  # recruiter side, after the interview started
    news: tuple[Message, ...]  # either side, any time, neither bulk nor an auto-reply


def _gather_mail(
    interview: Interview,
    side: RecruiterSide,
    threads: Sequence[Thread],
    until: datetime | None,
    reader: _ReplyReader,
    settings: Settings,
) -> _Mail:
    mine: list[Message] = []
    replies: list[Reply] = []
    news: list[Message] = []
    for thread in threads:
        for message in thread.messages:
            if message.is_draft or (until is not None and message.sent_at >= until):
                continue
            if counts_as_news(message):
                news.append(message)
            if sent_by_me(message, settings):
                if message.sent_at >= interview.end_at and any(
                    side.includes(p.email) for p in (*message.to, *message.cc)
                ):
                    mine.append(message)
            elif message.sent_at > interview.start_at:
                reply = reader.read(message)
                if is_bulk(message):  # POLICY.md: only a decision in bulk mail counts
                    if reply.decision is None:
                        continue
                    reply = replace(reply, promised_on=None, statement="")
                replies.append(reply)
    mine.sort(key=lambda m: m.sent_at)
    replies.sort(key=lambda r: r.sent_at)
    return _Mail(mine=tuple(mine), replies=tuple(replies), news=tuple(news))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Reading:
    """What an application's calendar, mail and marks say, before any action is planned."""

    mail: _Mail
    base: Timeline  # P before any statement
    timeline: Timeline
    last_on: date
    closing: Closing | None
    why: tuple[Why, ...]


def _read_application(
    interview: Interview,
    reason: str,
    next_round: Interview | None,
    threads: Sequence[Thread],
    marks: Sequence[Mark],
    reader: _ReplyReader,
    settings: Settings,
    calendar: BusinessCalendar,
    now: datetime,
    side: RecruiterSide,
) -> _Reading:
    """The application's mail, its timeline P and what closes it, each adding its `Why`."""
    why = [Why(rule=Rule.INTERVIEW, text=reason)]
    if threads:
        why.append(Why(rule=Rule.MAIL, count=len(threads)))
    # Mail after the next round started belongs to that round's application.
    mail = _gather_mail(
        interview, side, threads, next_round.start_at if next_round else None, reader, settings
    )
    base = base_timeline(interview, settings, calendar)
    timeline = stated_timeline(interview, mail.replies, marks, base, settings, calendar)
    why.append(timeline_why(timeline))
    last_on = last_activity_on(interview, mail.news, timeline, settings)
    closing = outcome(marks, mail.replies, next_round, dormancy(last_on, settings, now), settings)
    if closing is not None:
        why.extend(w for w in (closing.why, closing.dormant) if w is not None)
    return _Reading(
        mail=mail, base=base, timeline=timeline, last_on=last_on, closing=closing, why=tuple(why)
    )


def _application(
    *,
    interview: Interview,
    reason: str,
    side: RecruiterSide,
    next_round: Interview | None,
    threads: Sequence[Thread],
    marks: Sequence[Mark],
    reader: _ReplyReader,
    settings: Settings,
    calendar: BusinessCalendar,
    now: datetime,
) -> tuple[Application, tuple[datetime, ...]]:
    """One application: the rules of POLICY.md in its order, each adding its `Why`; and the
    moments at which a rule that reads `now` would answer otherwise."""
    company = company_name(
        interview, side, (name for name, _ in settings.cultures), settings.ats_domains
    )
    read = _read_application(
        interview, reason, next_round, threads, marks, reader, settings, calendar, now, side
    )
    mail, timeline, closing, why = read.mail, read.timeline, read.closing, list(read.why)
    prep = _prep_action(interview, company, marks, closing, settings, now)
    thanked = thank_you_sent(interview, mail.mine)
    thank_you, thank_you_whys = _thank_you_action(
        interview, company, side, timeline, thanked, marks, closing, settings, threads
    )
    why.extend(thank_you_whys)

    follow_ups, followups_done, follow_up_whys = _follow_ups(
        interview,
        company,
        read.base,
        timeline,
        mail,
        thanked,
        marks,
        threads,
        side,
        closing,
        settings,
        calendar,
    )
    why.extend(follow_up_whys)
    if closing is None:
        why.extend(_maybe_decision(mail.replies, settings))

    application = Application(
        interview=interview,
        company=company,
        state=application_state(interview, closing, followups_done, settings, now),
        outcome=closing.outcome if closing else None,
        timeline=timeline,
        followups_done=followups_done,
        actions=tuple(_with_reminder_text(a) for a in (prep, thank_you, *follow_ups)),
        why=tuple(why),
        thread_ids=tuple(t.thread_id for t in threads),
    )
    return application, now_turns(interview, prep.due_at, dormant_from(read.last_on, settings))


def _maybe_decision(replies: Sequence[Reply], settings: Settings) -> list[Why]:
    """An open application's latest reply that may be a decision: the follow-up stays
    pending, and a person should read it."""
    maybe = [r for r in replies if r.uncertain]
    return (
        [Why(rule=Rule.MAYBE_DECISION, on=local_date(maybe[-1].sent_at, settings))] if maybe else []
    )


def _prep_action(
    interview: Interview,
    company: str,
    marks: Sequence[Mark],
    closing: Closing | None,
    settings: Settings,
    now: datetime,
) -> Action:
    """The prep reminder; done when marked (at the mark) or once its time has passed."""
    due_at = prep_due(interview, settings)
    status = prep_status(due_at, done_marks(marks), closing, now)
    done_at = None
    if status is Status.DONE:
        done_at = _marked_at(marks, "prep") if now < due_at else due_at
    return Action(
        type=ActionType.PREP,
        due_at=due_at,
        status=status,
        key=f"{interview.interview_id}/prep",
        reminder_title=f"Prepare: {interview.title}",
        reminder_text=drafts.prep_reminder(interview, company, settings),
        done_at=done_at,
    )


def _thank_you_action(
    interview: Interview,
    company: str,
    side: RecruiterSide,
    timeline: Timeline,
    thanked: Message | None,
    marks: Sequence[Mark],
    closing: Closing | None,
    settings: Settings,
    threads: Sequence[Thread] = (),
) -> tuple[Action, list[Why]]:
    """The thank-you (always planned): its channel, whether it is done, and its text."""
    culture = culture_of(interview, company, side.domains, marks, settings)
    channel, channel_why = thank_you_channel(culture, timeline, interview, settings)
    status, done_why = thank_you_status(channel, thanked, done_marks(marks), closing, settings)
    due_at = thank_you_due(interview, settings)
    action = drafts.thank_you_action(interview, company, channel, status, due_at, settings, threads)
    if status is Status.DONE:  # sent (email), else marked
        sent_at = thanked.sent_at if thanked is not None and channel is Channel.EMAIL else None
        action = replace(action, done_at=sent_at or _marked_at(marks, "thank_you"))
    return action, [channel_why] if done_why is None else [channel_why, done_why]


def _follow_ups(
    interview: Interview,
    company: str,
    base: Timeline,
    timeline: Timeline,
    mail: _Mail,
    thanked: Message | None,
    marks: Sequence[Mark],
    threads: Sequence[Thread],
    side: RecruiterSide,
    closing: Closing | None,
    settings: Settings,
    calendar: BusinessCalendar,
) -> tuple[list[Action], int, list[Why]]:
    """The follow-ups (POLICY.md "Status follow-ups"): their actions, how many are done,
    and their `Why`s."""
    schedule = schedule_follow_ups(
        base=base,
        timeline=timeline,
        done_at=follow_ups_done_at(mail.mine, thanked, mail.replies, marks),
        replies=mail.replies,
        settings=settings,
        calendar=calendar,
    )
    # Once closed, what was sent still explains the count; nothing more is planned.
    why = [w for w in schedule.why if closing is None or w.rule is Rule.FOLLOW_UP_SENT]
    actions, floor_why = _follow_up_actions(
        interview, company, schedule, timeline, mail, threads, side, closing, settings, calendar
    )
    if floor_why is not None:
        why.append(floor_why)
    return actions, len(schedule.done_at), why


def _follow_up_actions(
    interview: Interview,
    company: str,
    schedule: FollowUpSchedule,
    timeline: Timeline,
    mail: _Mail,
    threads: Sequence[Thread],
    side: RecruiterSide,
    closing: Closing | None,
    settings: Settings,
    calendar: BusinessCalendar,
) -> tuple[list[Action], Why | None]:
    """The follow-ups done, then the next one (cancelled when the application is closed)."""
    # INTERFACE.md: a done action's `due` stays its due time; when it was done is beside.
    due_on = (*schedule.done_due_on, *([None] * len(schedule.done_at)))
    actions = [
        Action(
            type=ActionType.FOLLOW_UP,
            number=number,
            due_at=at_follow_up_time(was_due, settings)
            if was_due is not None
            else at.astimezone(settings.timezone),
            done_at=at.astimezone(settings.timezone),
            status=Status.DONE,
            key=f"{interview.interview_id}/follow_up/{number}",
            reminder_title=drafts.follow_up_title(company, number, settings),
        )
        for number, (at, was_due) in enumerate(zip(schedule.done_at, due_on, strict=False), start=1)
    ]
    if schedule.next_on is None:
        return actions, None
    next_on, floor_why = after_auto_replies(schedule.next_on, mail.replies, calendar)
    number = schedule.number
    actions.append(
        Action(
            type=ActionType.FOLLOW_UP,
            number=number,
            due_at=at_follow_up_time(next_on, settings),
            status=Status.PENDING if closing is None else Status.CANCELLED,
            key=f"{interview.interview_id}/follow_up/{number}",
            draft=drafts.follow_up_draft(
                interview, company, number, timeline, threads, side, settings
            ),
            reminder_title=drafts.follow_up_title(company, number, settings),
            reminder_text=drafts.follow_up_purpose(interview, company, number, timeline, settings),
        )
    )
    return actions, floor_why


def _with_reminder_text(action: Action) -> Action:
    """A reminder for an email action carries what it is for and the draft's text, so it is
    useful on its own (the daemon adds whom to write to and where the draft is)."""
    if action.draft is None or action.draft.body in action.reminder_text:
        return action
    purpose = action.reminder_text.strip()
    text = f"{purpose}\n\n{action.draft.body}" if purpose else action.draft.body
    return replace(action, reminder_text=text)


def _marked_at(marks: Sequence[Mark], value: str) -> datetime | None:
    """When the user first marked `value` done, if they did."""
    times = [m.marked_at for m in marks if m.kind is MarkKind.DONE and m.value == value]
    return min(times) if times else None
