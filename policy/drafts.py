"""The actions' drafts and reminder texts, composed from an application.

Which interview, company, people and addresses a text is for, and the `Action`/`Draft`
that carries it: `thank_you_action`, `follow_up_draft`, `prep_reminder`. Each takes the
Settings, so the user's templates (and name) are never left out. The wording itself is
filled in from the templates by `policy/texts.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from policy import naming
from policy.matching import RecruiterSide, is_bulk, is_me, reply_target, sent_by_me
from policy.models import (
    Action,
    ActionType,
    Channel,
    Draft,
    Interview,
    Message,
    Settings,
    Status,
    Thread,
    Timeline,
    TimelineSource,
)
from policy.replies import is_auto_reply
from policy.texts import (
    ThanksFor,
    follow_up_text,
    handwritten_text,
    month_day,
    prep_text,
    role_from_title,
    thank_you_text,
)

__all__ = [
    "follow_up_draft",
    "follow_up_purpose",
    "follow_up_title",
    "my_address",
    "name_from_sent",
    "prep_reminder",
    "thank_you_action",
]


def _interviewers(interview: Interview, settings: Settings) -> tuple[tuple[str, str], ...]:
    """(email, name) of everyone on the invitation but me, organizer first."""
    people: list[tuple[str, str]] = []
    if interview.organizer and not is_me(interview.organizer.email, settings):
        people.append((interview.organizer.email, interview.organizer.name))
    for attendee in interview.attendees:
        if not is_me(attendee.email, settings) and all(attendee.email != e for e, _ in people):
            people.append((attendee.email, attendee.name))
    return tuple(people)


def _draft(
    people: tuple[tuple[str, str], ...],
    subject: str,
    body: str,
    sender: tuple[str, str],
    reply: tuple[str, str, tuple[str, ...]] = ("", "", ()),
) -> Draft:
    """A mail to `people` ((email, name) pairs) from `sender` (address, name); `reply` is
    (thread id, In-Reply-To, References) for a reply."""
    return Draft(
        to=tuple(e for e, _ in people),
        to_names=tuple(naming.clean_display_name(n) for _, n in people),
        subject=subject,
        body=body,
        thread_id=reply[0],
        in_reply_to=reply[1],
        references=reply[2],
        sender=sender[0],
        sender_name=sender[1],
    )


def _names_of(people: Iterable[tuple[str, str]], company: str = "") -> tuple[str, ...]:
    return naming.first_names(people, not_names=(company,))


def my_address(messages: Iterable[Message], settings: Settings) -> str:
    """The address of mine the recruiter side writes to (newest first), "" for none: a
    draft goes out From the address they know."""
    for message in sorted(messages, key=lambda m: m.sent_at, reverse=True):
        if is_auto_reply(message) or is_bulk(message) or naming.is_no_reply(message.sender.email):
            continue
        if sent_by_me(message, settings):
            if is_me(message.sender.email, settings):
                return message.sender.email
            continue
        for person in (*message.to, *message.cc):
            if is_me(person.email, settings):
                return person.email
    return ""


def name_from_sent(threads: Iterable[Thread], settings: Settings) -> str:
    """The name my sent mail carries (the most common From name of my messages), "" when
    none does: the signature when `user.name` is not set."""
    counts: dict[str, int] = {}
    for thread in threads:
        for message in thread.messages:
            if not is_me(message.sender.email, settings):
                continue
            name = naming.clean_display_name(message.sender.name)
            if name and "@" not in name and name.lower() != message.sender.email.partition("@")[0]:
                counts[name] = counts.get(name, 0) + 1
    return max(sorted(counts), key=lambda n: counts[n]) if counts else ""


def prep_reminder(interview: Interview, company: str, settings: Settings) -> str:
    """The prep reminder's text (the `prep` template)."""
    return prep_text(
        interview_title=interview.title, company=company, templates=dict(settings.templates)
    )


def thank_you_action(
    interview: Interview,
    company: str,
    channel: Channel,
    status: Status,
    due_at: datetime,
    settings: Settings,
    threads: Sequence[Thread] = (),
) -> Action:
    """The thank-you: an email draft to the interviewers, or a reminder with a note's text."""
    people = _interviewers(interview, settings)
    mail = [m for t in threads for m in t.messages]
    thanks = ThanksFor(
        company=company,
        role=role_from_title(interview.title, company),
        recipients_names=_names_of(people, company),
        learned=interview.note("learned"),
        my_name=settings.name,
        templates=dict(settings.templates),
        interview_title=interview.title,
    )
    draft = None
    if channel is Channel.HANDWRITTEN:
        title = f"Write a handwritten thank-you note to {company}"
        text = handwritten_text(**thanks)
    else:
        subject, body = thank_you_text(**thanks)
        draft = _draft(people, subject, body, (my_address(mail, settings), settings.name))
        title = f"Send the thank-you to {company}"
        text = (
            f"Why: the thank-you for your {company} {naming.stage_of(interview.title)} on "
            f"{month_day(interview.start_at.astimezone(settings.timezone).date())}: read it, "
            "fill in anything in [brackets], and send it today."
        )
    return Action(
        type=ActionType.THANK_YOU,
        channel=channel,
        due_at=due_at,
        status=status,
        key=f"{interview.interview_id}/thank_you",
        draft=draft,
        reminder_title=title,
        reminder_text=text,
    )


def follow_up_title(company: str, number: int, settings: Settings) -> str:
    return f"Follow up with {company} ({number} of {settings.max_followups})"


def follow_up_purpose(
    interview: Interview, company: str, number: int, timeline: Timeline, settings: Settings
) -> str:
    """The reminder's first line: which follow-up this is and why it is due now."""
    on = month_day(interview.start_at.astimezone(settings.timezone).date())
    what = f"Why: follow-up {number} of {settings.max_followups} after your {company} "
    what += f"{naming.stage_of(interview.title)} on {on}"
    if number > 1:
        return what + f": still no news a week after follow-up {number - 1}."
    if timeline.source is TimelineSource.DEFAULT:
        return what + f": no news, and {settings.default_timeline} have passed."
    return what + f": they expected to have an update by {month_day(timeline.promised_on)}."


def _with_known_names(
    people: tuple[tuple[str, str], ...], interview: Interview, threads: Sequence[Thread]
) -> tuple[tuple[str, str], ...]:
    """Names for addresses a message gives without one: the invitation's CN, or the name
    the same address carries in other mail of the thread."""
    known: dict[str, str] = {}
    for thread in threads:
        for message in thread.messages:
            for person in (message.sender, *message.to, *message.cc):
                if person.name and "@" not in person.name:
                    known.setdefault(person.email, person.name)
    invited = [(a.email, a.name) for a in interview.attendees]
    if interview.organizer is not None:
        invited.append((interview.organizer.email, interview.organizer.name))
    for address, invited_name in invited:
        if invited_name:
            known[address] = invited_name
    return tuple((email, name or known.get(email, "")) for email, name in people)


def follow_up_draft(
    interview: Interview,
    company: str,
    number: int,
    timeline: Timeline,
    threads: Sequence[Thread],
    side: RecruiterSide,
    settings: Settings,
) -> Draft:
    """A reply in the recruiter thread (POLICY.md "The follow-up mail"), to its sender; a
    new mail to the organizer when there is no thread to reply in."""
    target = reply_target(threads, settings)
    people: tuple[tuple[str, str], ...] = ()
    if target is not None:
        if sent_by_me(target, settings):
            people = tuple(
                (p.email, p.name)
                for p in (*target.to, *target.cc)
                if side.includes(p.email) and not naming.is_no_reply(p.email)
            )
        else:
            people = ((target.sender.email, target.sender.name),)
        people = _with_known_names(people, interview, threads)
    if people and target is not None:
        references = (*target.references, target.message_id)
        thread_id, subject, in_reply_to = target.thread_id, target.subject, target.message_id
    else:
        people = tuple(
            p for p in _interviewers(interview, settings) if not naming.is_no_reply(p[0])
        )[:1]
        references, thread_id, subject, in_reply_to = (), "", "", ""
    stated = timeline.source is not TimelineSource.DEFAULT
    mail_subject, body = follow_up_text(
        number=number,
        thread_subject=subject,
        company=company,
        role=role_from_title(interview.title, company),
        recipient_names=_names_of(people, company),
        timeline_text=timeline.text if stated else None,
        interview_on=interview.start_at.astimezone(settings.timezone).date(),
        my_name=settings.name,
        templates=dict(settings.templates),
        promised_on=timeline.promised_on if stated else None,
        interview_title=interview.title,
    )
    sender = my_address([target] if target is not None else [], settings) or my_address(
        [m for t in threads for m in t.messages], settings
    )
    return _draft(
        people, mail_subject, body, (sender, settings.name), (thread_id, in_reply_to, references)
    )
