"""`plan(events, threads, settings, now) -> Plan`: the whole policy in one pure call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from policy import drafts
from policy.business_days import BusinessCalendar
from policy.matching import (
    RecruiterSide,
    company_groups,
    company_name,
    domain_of,
    interview_reason,
    others,
    recruiter_side,
    to_interview,
)
from policy.models import (
    Action,
    ActionType,
    Application,
    CalendarEvent,
    Channel,
    Draft,
    Interview,
    Mark,
    MarkKind,
    Message,
    Outcome,
    Plan,
    Settings,
    State,
    Status,
    Thread,
    Timeline,
    TimelineSource,
)
from policy.replies import decision_in, is_auto_reply, new_text
from policy.rules import (
    Reply,
    auto_reply_floor,
    culture_of,
    decision,
    follow_ups_sent,
    local_date,
    schedule_follow_ups,
    stated_timeline,
    thank_you_channel,
    thank_you_sent,
)
from policy.timeline import find_return_date, find_statement

THANK_YOU_DELAY = timedelta(hours=1)
_PLANNABLE_YEARS = (1900, 2200)


def plan(
    events: Iterable[CalendarEvent],
    threads: Iterable[Thread],
    settings: Settings,
    now: datetime,
    marks: Sequence[Mark] = (),
) -> Plan:
    """Every interview's application, in order of interview start."""
    calendar = BusinessCalendar(settings.country, settings.subdivision)
    found = []
    for event in events:
        if not _PLANNABLE_YEARS[0] <= event.start_at.year <= _PLANNABLE_YEARS[1]:
            continue  # dates near 0001/9999 overflow; the connectors warn about such events
        reason = interview_reason(event, settings)
        if reason is not None:
            found.append((to_interview(event), reason))
    found.sort(key=lambda item: (item[0].start_at, item[0].interview_id))
    interviews = [interview for interview, _ in found]
    sides = [recruiter_side(interview, settings) for interview in interviews]
    groups = company_groups(sides)
    # Mail dated after `now` has not arrived yet, as far as this plan is concerned.
    index = _ThreadIndex(_as_of(threads, now), settings)
    reader = _ReplyReader(settings, calendar)
    marks_by_id: dict[str, list[Mark]] = defaultdict(list)
    for mark in sorted(marks, key=lambda m: m.marked_at):
        marks_by_id[mark.interview_id].append(mark)

    applications = []
    for position, (interview, reason) in enumerate(found):
        later = [
            other
            for other, group in zip(interviews, groups, strict=True)
            if group == groups[position] and other.start_at > interview.start_at
        ]
        next_round = min(later, key=lambda i: i.start_at) if later else None
        applications.append(
            _application(
                interview=interview,
                reason=reason,
                side=sides[position],
                next_round=next_round,
                threads=index.matching(sides[position]),
                marks=marks_by_id.get(interview.interview_id, []),
                reader=reader,
                settings=settings,
                calendar=calendar,
                now=now,
            )
        )
    return Plan(generated_at=now.astimezone(settings.timezone), applications=tuple(applications))


def _as_of(threads: Iterable[Thread], now: datetime) -> Iterable[Thread]:
    for thread in threads:
        if all(m.sent_at <= now for m in thread.messages):
            yield thread
        else:
            kept = tuple(m for m in thread.messages if m.sent_at <= now)
            if kept:
                yield replace(thread, messages=kept)


class _ThreadIndex:
    """Threads by the addresses and domains of their participants other than me."""

    def __init__(self, threads: Iterable[Thread], settings: Settings) -> None:
        self._threads: list[Thread] = []
        self._by_key: dict[str, set[int]] = defaultdict(set)
        for number, thread in enumerate(threads):
            self._threads.append(thread)
            for message in thread.messages:
                for person in others(message, settings):
                    self._by_key[person.email].add(number)
                    self._by_key["@" + domain_of(person.email)].add(number)

    def matching(self, side: RecruiterSide) -> tuple[Thread, ...]:
        numbers: set[int] = set()
        for address in side.addresses:
            numbers |= self._by_key.get(address, set())
        for domain in side.domains:
            numbers |= self._by_key.get("@" + domain, set())
        return tuple(self._threads[n] for n in sorted(numbers))


class _ReplyReader:
    """Reads each recruiter-side message once, however many applications share it."""

    def __init__(self, settings: Settings, calendar: BusinessCalendar) -> None:
        self._settings = settings
        self._calendar = calendar
        self._cache: dict[str, Reply] = {}

    def read(self, message: Message) -> Reply:
        cached = self._cache.get(message.message_id)
        if cached is not None:
            return cached
        text = new_text(message)
        on = local_date(message.sent_at, self._settings)
        if is_auto_reply(message):
            reply = Reply(
                message=message,
                auto=True,
                decision=None,
                promised_on=None,
                statement="",
                returns_on=find_return_date(text, on, self._calendar),
            )
        else:
            statement = find_statement(text, on, self._calendar)
            reply = Reply(
                message=message,
                auto=False,
                decision=decision_in(text),
                promised_on=statement.promised_on if statement else None,
                statement=statement.text if statement else "",
                returns_on=None,
            )
        self._cache[message.message_id] = reply
        return reply


@dataclass(frozen=True, slots=True, kw_only=True)
class _Mail:
    """An application's mail, split by who wrote it."""

    mine: tuple[Message, ...]  # mine to the recruiter side, after the interview ended
    replies: tuple[Reply, ...]  # recruiter side, after the interview started


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
    for thread in threads:
        for message in thread.messages:
            if message.is_draft or (until is not None and message.sent_at >= until):
                continue
            if message.sender.email in settings.me:
                if message.sent_at >= interview.end_at and any(
                    side.includes(p.email) for p in (*message.to, *message.cc)
                ):
                    mine.append(message)
            elif message.sent_at > interview.start_at:
                replies.append(reader.read(message))
    mine.sort(key=lambda m: m.sent_at)
    replies.sort(key=lambda r: r.sent_at)
    return _Mail(mine=tuple(mine), replies=tuple(replies))


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
) -> Application:
    tz = settings.timezone
    company = company_name(interview, side, (name for name, _ in settings.cultures))
    why = [reason]
    if threads:
        why.append(f"mail: {len(threads)} thread(s) with the recruiter side")
    # Mail after the next round started belongs to that round's application.
    mail = _gather_mail(
        interview, side, threads, next_round.start_at if next_round else None, reader, settings
    )

    timeline, timeline_why = stated_timeline(interview, mail.replies, marks, settings, calendar)
    why.append(timeline_why)

    # Which outcome, if any, closes the application.
    outcome: Outcome | None = None
    closed_by_decision = False
    if any(m.kind is MarkKind.STOP for m in marks):
        outcome = Outcome.STOPPED
        why.append("closed: you stopped tracking it")
    else:
        decided, decision_why = decision(mail.replies, settings)
        if decided is not None and decided.decision is not None and decision_why:
            outcome = decided.decision
            closed_by_decision = True
            why.append(decision_why)
        elif next_round is not None:
            outcome = Outcome.NEXT_ROUND
            why.append(
                f"next round: a later interview with the same company on "
                f"{local_date(next_round.start_at, settings)}"
            )

    done_marks = {m.value for m in marks if m.kind is MarkKind.DONE}
    actions: list[Action] = []

    # prep
    prep_due = _elapsed(interview.start_at, -timedelta(minutes=settings.prep_minutes), tz)
    prep_status = Status.DONE if now >= prep_due or "prep" in done_marks else Status.PENDING
    if prep_status is Status.PENDING and outcome is not None:
        prep_status = Status.CANCELLED
    actions.append(
        Action(
            type=ActionType.PREP,
            due_at=prep_due,
            status=prep_status,
            key=f"{interview.interview_id}/prep",
            reminder_title=f"Prepare: {interview.title}",
            reminder_text=drafts.prep_text(interview_title=interview.title, company=company),
        )
    )

    # thank-you (always)
    culture = culture_of(interview, company, side.domains, marks, settings)
    channel, channel_why = thank_you_channel(culture, timeline, interview, settings)
    why.append(channel_why)
    # A mail within three days is the thank-you (never a follow-up) even when the note is to
    # be handwritten; only then it does not make the handwritten note done: a mark does.
    thanked = thank_you_sent(interview, mail.mine)
    if thanked is not None and channel is Channel.EMAIL:
        thank_status = Status.DONE
        why.append(f"thank-you: sent on {local_date(thanked.sent_at, settings)}")
    elif "thank_you" in done_marks:
        thank_status = Status.DONE
        why.append("thank-you: you marked it done")
    else:
        thank_status = Status.PENDING
    if thank_status is Status.PENDING and (closed_by_decision or outcome is Outcome.STOPPED):
        thank_status = Status.CANCELLED  # a later round keeps its thank-you pending
    actions.append(_thank_you_action(interview, company, channel, thank_status, settings))

    # status follow-ups
    sent = [m.sent_at for m in follow_ups_sent(mail.mine, thanked, mail.replies)]
    sent += [m.marked_at for m in marks if m.kind is MarkKind.DONE and "follow_up" in m.value]
    sent.sort()
    schedule = schedule_follow_ups(
        interview=interview,
        timeline=timeline,
        sent=sent,
        replies=mail.replies,
        user_timeline=timeline.source is TimelineSource.USER,
        settings=settings,
        calendar=calendar,
    )
    if outcome is None:
        why.extend(schedule.why)
    else:  # what was sent still explains the count; nothing more is planned
        why.extend(line for line in schedule.why if ": sent " in line)
    for number, at in enumerate(schedule.done_at, start=1):
        actions.append(
            Action(
                type=ActionType.FOLLOW_UP,
                number=number,
                due_at=at.astimezone(tz),
                status=Status.DONE,
                key=f"{interview.interview_id}/follow_up/{number}",
                reminder_title=f"Follow up with {company} ({number} of {settings.max_followups})",
            )
        )
    next_on = schedule.next_on
    if next_on is not None:
        floor, floor_why = auto_reply_floor(mail.replies, calendar)
        if floor is not None and floor > next_on:
            next_on = floor
            if floor_why:
                why.append(floor_why)
        number = len(schedule.done_at) + 1
        due_at = _at_local(next_on, settings)
        actions.append(
            Action(
                type=ActionType.FOLLOW_UP,
                number=number,
                due_at=due_at,
                status=Status.PENDING if outcome is None else Status.CANCELLED,
                key=f"{interview.interview_id}/follow_up/{number}",
                draft=_follow_up_draft(
                    interview, company, number, timeline, threads, side, settings
                ),
                reminder_title=f"Follow up with {company} ({number} of {settings.max_followups})",
            )
        )

    followups_done = len(schedule.done_at)
    if outcome is not None:
        state = State.CLOSED
    elif now < interview.end_at:
        state = State.SCHEDULED
    elif followups_done >= settings.max_followups:
        state = State.WAITING_FOR_RECRUITER
    else:
        state = State.AWAITING_DECISION

    return Application(
        interview=interview,
        company=company,
        state=state,
        outcome=outcome,
        timeline=timeline,
        followups_done=followups_done,
        actions=tuple(_with_reminder_text(a) for a in actions),
        why=tuple(why),
        thread_ids=tuple(t.thread_id for t in threads),
    )


def _elapsed(moment: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """`moment` + `delta` of real time (aware arithmetic in one zone is wall-clock time,
    which is an hour off across a DST change), shown in `zone`."""
    return (moment.astimezone(UTC) + delta).astimezone(zone)


def _at_local(day: date, settings: Settings) -> datetime:
    """The follow-up time on `day` in the user's zone; a wall time skipped by DST moves on."""
    aware = datetime.combine(day, settings.followup_time, tzinfo=settings.timezone)
    return aware.astimezone(UTC).astimezone(settings.timezone)


def _interviewers(interview: Interview, settings: Settings) -> tuple[tuple[str, str], ...]:
    """(email, name) of everyone on the invitation but me, organizer first."""
    people: list[tuple[str, str]] = []
    if interview.organizer and interview.organizer.email not in settings.me:
        people.append((interview.organizer.email, interview.organizer.name))
    for attendee in interview.attendees:
        if attendee.email not in settings.me and all(attendee.email != e for e, _ in people):
            people.append((attendee.email, attendee.name))
    return tuple(people)


def _first_name(email: str, name: str) -> str:
    if name and "@" not in name:
        return name.split()[0].strip(",")
    local = email.partition("@")[0]
    first = local.replace("_", ".").split(".")[0]
    return first.capitalize() if first.isalpha() else ""


def _thank_you_action(
    interview: Interview, company: str, channel: Channel, status: Status, settings: Settings
) -> Action:
    people = _interviewers(interview, settings)
    names = tuple(n for n in (_first_name(e, name) for e, name in people) if n)
    templates = dict(settings.templates)
    learned = interview.note("learned")
    role = drafts.role_from_title(interview.title, company)
    due_at = _elapsed(interview.end_at, THANK_YOU_DELAY, settings.timezone)
    key = f"{interview.interview_id}/thank_you"
    if channel is Channel.HANDWRITTEN:
        return Action(
            type=ActionType.THANK_YOU,
            channel=channel,
            due_at=due_at,
            status=status,
            key=key,
            reminder_title=f"Write a handwritten thank-you note to {company}",
            reminder_text=drafts.handwritten_text(
                company=company,
                role=role,
                recipients_names=names,
                learned=learned,
                my_name=settings.name,
                templates=templates,
            ),
        )
    subject, body = drafts.thank_you_text(
        interview_title=interview.title,
        company=company,
        role=role,
        recipients_names=names,
        learned=learned,
        my_name=settings.name,
        templates=templates,
    )
    return Action(
        type=ActionType.THANK_YOU,
        channel=channel,
        due_at=due_at,
        status=status,
        key=key,
        draft=Draft(to=tuple(e for e, _ in people), subject=subject, body=body),
        reminder_title=f"Send the thank-you to {company}",
    )


def _follow_up_draft(
    interview: Interview,
    company: str,
    number: int,
    timeline: Timeline,
    threads: Sequence[Thread],
    side: RecruiterSide,
    settings: Settings,
) -> Draft:
    """A reply in the recruiter thread with the latest mail; a new mail when there is none."""
    latest: Message | None = None
    for thread in threads:
        for message in thread.messages:
            if message.is_draft:
                continue
            if latest is None or message.sent_at > latest.sent_at:
                latest = message
    if latest is not None:
        if latest.sender.email in settings.me:
            to = tuple(p.email for p in (*latest.to, *latest.cc) if side.includes(p.email))
            names = tuple(p.name for p in (*latest.to, *latest.cc) if side.includes(p.email))
        else:
            to = (latest.sender.email,)
            names = (latest.sender.name,)
        references = (*latest.references, latest.message_id)
        thread_id, subject, in_reply_to = latest.thread_id, latest.subject, latest.message_id
    else:
        people = _interviewers(interview, settings)
        to = tuple(e for e, _ in people[:1])
        names = tuple(n for _, n in people[:1])
        references, thread_id, subject, in_reply_to = (), "", "", ""
    first_names = tuple(
        n for n in (_first_name(e, name) for e, name in zip(to, names, strict=False)) if n
    )
    mail_subject, body = drafts.follow_up_text(
        number=number,
        thread_subject=subject,
        company=company,
        role=drafts.role_from_title(interview.title, company),
        recipient_names=first_names,
        timeline_text=None if timeline.source is TimelineSource.DEFAULT else timeline.text,
        interview_on=local_date(interview.start_at, settings),
        my_name=settings.name,
        templates=dict(settings.templates),
    )
    return Draft(
        to=to,
        subject=mail_subject,
        body=body,
        thread_id=thread_id,
        in_reply_to=in_reply_to,
        references=references,
    )


def _with_reminder_text(action: Action) -> Action:
    """A reminder for an email action carries the draft's text, so it is useful on its own."""
    if action.reminder_text or action.draft is None:
        return action
    return replace(action, reminder_text=action.draft.body)
