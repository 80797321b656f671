"""The texts the program writes: thank-you and follow-up emails, and reminder texts.

POLICY.md "Thank-you": interest in the role, then what I learned, then thanks; never money
or negotiation. POLICY.md "Status follow-ups": short and polite, citing their timeline.

The packaged defaults in `policy/templates/<name>.txt` are the one source of truth; a user
overrides one by name through `Settings.templates`. A template is `string.Template` text;
an optional first line `Subject: …` and a blank line precede the body. The placeholders
each template may use are `PLACEHOLDERS` (documented in `policy/templates/README.md`);
`template_problem` names an unknown one, or an unknown template name, so the config loader
can refuse the file in one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from string import Template

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

__all__ = [
    "LEARNED_PLACEHOLDER",
    "TEMPLATE_NAMES",
    "default_template",
    "follow_up_draft",
    "follow_up_text",
    "follow_up_title",
    "handwritten_text",
    "prep_reminder",
    "prep_text",
    "role_from_title",
    "template_problem",
    "thank_you_action",
    "thank_you_text",
]

TEMPLATE_NAMES: tuple[str, ...] = (
    "thank_you",
    "follow_up_1",
    "follow_up_2",
    "handwritten",
    "prep",
)

# POLICY.md "Thank-you": with no `Learned:` note, a placeholder the user cannot miss.
LEARNED_PLACEHOLDER = "[what you learned in the interview \u2014 fill in before sending]"

_UNKNOWN_ROLE = naming.UNKNOWN_ROLE

_COMMON = ("company", "role", "role_phrase", "topic", "my_name", "stage")
_GREETING = ("greeting", "dear_greeting", "first_names")
# The placeholders each template may use (policy/templates/README.md).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "thank_you": frozenset((*_COMMON, *_GREETING, "learned", "interview_title")),
    "handwritten": frozenset((*_COMMON, *_GREETING, "learned", "interview_title")),
    "follow_up_1": frozenset(
        (*_COMMON, *_GREETING, "interview_date", "timeline_sentence", "promised_date", "number")
    ),
    "follow_up_2": frozenset(
        (*_COMMON, *_GREETING, "interview_date", "timeline_sentence", "promised_date", "number")
    ),
    "prep": frozenset((*_COMMON, "interview_title")),
}
# A user's `follow_up.txt` overrides both follow-ups.
PLACEHOLDERS["follow_up"] = PLACEHOLDERS["follow_up_1"]


# --- templates ------------------------------------------------------------------------------


@cache
def default_template(name: str) -> str:
    """The packaged default template `name` (read once; packaged data, not user files)."""
    if name not in TEMPLATE_NAMES:
        raise KeyError(name)
    return files("policy.templates").joinpath(f"{name}.txt").read_text(encoding="utf-8")


def template_problem(name: str, text: str) -> str | None:
    """Why a user's template `name` cannot be used (one line), or None when it can."""
    allowed = PLACEHOLDERS.get(name)
    if allowed is None:
        known = ", ".join(f"{n}.txt" for n in sorted(PLACEHOLDERS))
        return f"not a template followup knows (the names are {known})"
    for match in Template.pattern.finditer(text):
        found = match.group("named") or match.group("braced")
        if match.group("invalid") is not None:
            line = text.count("\n", 0, match.start()) + 1
            return f"line {line}: a $ that starts no placeholder (write $$ for a dollar sign)"
        if found and found not in allowed:
            line = text.count("\n", 0, match.start()) + 1
            return (
                f"line {line}: unknown placeholder ${found} (this template may use "
                + ", ".join(f"${n}" for n in sorted(allowed))
                + ")"
            )
    return None


def _split(text: str) -> tuple[str | None, str]:
    """A template's subject line (None when it has none) and its body."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].lower().startswith("subject:"):
        body = lines[1:]
        while body and not body[0].strip():
            body.pop(0)
        return lines[0][len("subject:") :].strip(), "\n".join(body)
    return None, text


def _template(
    names: Iterable[str], default: str, templates: Mapping[str, str] | None
) -> tuple[str, str]:
    """The (subject, body) templates: the first user override found by name, else the default.

    An override without a `Subject:` line keeps the default subject.
    """
    default_subject, default_body = _split(default_template(default))
    for name in names:
        override = (templates or {}).get(name)
        if override is not None and override.strip():
            subject, body = _split(override)
            return ((default_subject or "") if subject is None else subject), body
    return default_subject or "", default_body


def _render(text: str, values: Mapping[str, str]) -> str:
    """Fill in `text`, then tidy: no trailing spaces, no runs of blank lines, no end blanks."""
    filled = Template(text).safe_substitute(values)
    lines = [line.rstrip() for line in filled.split("\n")]
    tidy: list[str] = []
    for line in lines:
        if not line and (not tidy or not tidy[-1]):
            continue
        tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return "\n".join(tidy) + "\n" if tidy else ""


# --- names, roles, phrases ------------------------------------------------------------------


def _first_name(name: str, email: str = "") -> str:
    """The first name to greet someone by ("Lee, Sam" → "Sam"), "" for a role mailbox or
    a team (`policy.naming.first_name`)."""
    return naming.first_name(name, email)


def _first_names(names: Iterable[str]) -> tuple[str, ...]:
    return naming.first_names(("", name) for name in names)


def _join(names: tuple[str, ...]) -> str:
    """ "Jane", "Jane and Bob", "Jane, Bob and Carol"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _role_known(role: str) -> bool:
    return bool(role.strip()) and role.strip().lower() != _UNKNOWN_ROLE


def _role_phrase(role: str) -> str:
    """ "the Backend Engineer role"; "the role" when the role is unknown."""
    if not _role_known(role):
        return _UNKNOWN_ROLE
    role = role.strip()
    if re.search(r"\b(?:role|position|job|opening)$", role, re.IGNORECASE):
        return f"the {role}"
    return f"the {role} role"


def _learned(learned: str | None) -> str:
    text = " ".join((learned or "").split()).rstrip(" .!?;,:")
    return text or LEARNED_PLACEHOLDER


def role_from_title(title: str, company: str) -> str:
    """The role an interview title names ("Interview with Acme - Backend Engineer" →
    "Backend Engineer"), or "the role" when it names none."""
    return naming.role_in_title(title, company)


_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)"
_BARE_DURATION = re.compile(
    rf"(?:about |around |roughly )?{_NUMBER}(?:\s*(?:-|to|or)\s*{_NUMBER})?\s+"
    r"(?:business |working |calendar )?(?:day|week|month)s?",
    re.IGNORECASE,
)
_TIME_START = (
    r"(?:\d|a\b|an\b|one|two|three|four|five|six|seven|eight|nine|ten|couple|few|next|this"
    r"|early|mid|late|end|the end|the next|the first|the week|the \d+(?:st|nd|rd|th)?"
    r"|tomorrow|today|q[1-4]"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april"
    r"|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug"
    r"|sep|sept|oct|nov|dec|after the|the holidays|new year)"
)
_LED_PHRASE = re.compile(
    rf"\b(?:within|in|by|before|after|over|on|around|sometime|at|until)\s+{_TIME_START}",
    re.IGNORECASE,
)
_BARE_PHRASE = re.compile(
    rf"^(?:\d|(?:{_TIME_START})\b)",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b"
)
_WEEKDAY = re.compile(r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_PROPER = re.compile(rf"(?:{_MONTHS}|{_WEEKDAY.pattern}|q[1-4]\b|new year)", re.IGNORECASE)
_MONTHISH = re.compile(rf"(?:(?:early|mid|late)[- ]?)?(?:{_MONTHS}|q[1-4]\b)", re.IGNORECASE)
_PHRASE_END = re.compile(r"[,;.!?()]|\s+(?:and|but|so|when|once|if|because|as)\s+")


def _timeline_phrase(text: str | None) -> str | None:
    """The time expression of a timeline statement, ready to follow "an update": "within
    2 weeks", "by Friday", "next week"; None when there is none."""
    if not text or not text.strip():
        return None
    clean = " ".join(text.split()).strip(" .!;,")
    if _BARE_DURATION.fullmatch(clean):
        return f"within {clean}"
    found = _LED_PHRASE.search(clean)
    if found is not None:
        phrase = clean[found.start() :]
    elif _BARE_PHRASE.match(clean):
        phrase = clean
    else:
        return None
    phrase = _PHRASE_END.split(phrase, maxsplit=1)[0].strip()
    if not phrase:
        return None
    if not _PROPER.match(phrase):
        phrase = phrase[:1].lower() + phrase[1:]
    if (
        phrase.startswith(("end ", "the end "))
        or _WEEKDAY.match(phrase)
        or re.match(rf"(?:the )?\d|{_MONTHS}\s+\d", phrase, re.IGNORECASE)
    ):
        phrase = f"by {phrase}"
    elif _MONTHISH.match(phrase):
        phrase = f"in {phrase}"
    return phrase


def _timeline_sentence(timeline_text: str | None, promised_on: date | None = None) -> str:
    """POLICY.md "The follow-up mail": P named as a date, never a relative phrase that has
    gone stale since it was said ("end of next week" said three weeks ago)."""
    if promised_on is not None:
        when = _day(promised_on)
        return f"You mentioned you expected to have an update by {when}, so I wanted to check in."
    phrase = _timeline_phrase(timeline_text)
    if phrase is None:
        return "I wanted to check in on where things stand."
    return f"You mentioned you expected to have an update {phrase}, so I wanted to check in."


def _day(on: date) -> str:
    return f"{on:%B} {on.day}"


def _common(
    *, company: str, role: str, topic: str, my_name: str, stage: str = "interview"
) -> dict[str, str]:
    return {
        "company": company.strip() or "your company",
        "role": role.strip() if _role_known(role) else _UNKNOWN_ROLE,
        "role_phrase": _role_phrase(role),
        "topic": topic,
        "my_name": my_name.strip(),
        "stage": stage,
    }


def _greetings(names: Iterable[str], company: str) -> dict[str, str]:
    """Greetings by first name; with nobody to name, a neutral one (never "Hi Cto,")."""
    first = _join(_first_names(names))
    if first:
        return {"first_names": first, "greeting": f"Hi {first},", "dear_greeting": f"Dear {first},"}
    dear = f"Dear {company.strip()} team," if company.strip() else "Hello,"
    return {"first_names": "", "greeting": "Hello,", "dear_greeting": dear}


# --- the texts --------------------------------------------------------------------------------


def thank_you_text(
    *,
    interview_title: str,
    company: str,
    role: str,
    recipients_names: tuple[str, ...],
    learned: str | None,
    my_name: str,
    templates: Mapping[str, str],
) -> tuple[str, str]:
    """(subject, body) of the thank-you email (POLICY.md "Thank-you")."""
    topic = role.strip() if _role_known(role) else (interview_title.strip() or company.strip())
    values = {
        **_common(
            company=company,
            role=role,
            topic=topic,
            my_name=my_name,
            stage=naming.stage_of(interview_title),
        ),
        **_greetings(recipients_names, company),
        "learned": _learned(learned),
        "interview_title": interview_title.strip(),
    }
    subject, body = _template(("thank_you",), "thank_you", templates)
    return _render(subject, values).strip(), _render(body, values)


def follow_up_text(
    *,
    number: int,
    thread_subject: str,
    company: str,
    role: str,
    recipient_names: tuple[str, ...],
    timeline_text: str | None,
    interview_on: date,
    my_name: str,
    templates: Mapping[str, str],
    promised_on: date | None = None,
    interview_title: str = "",
) -> tuple[str, str]:
    """(subject, body) of status follow-up `number` (POLICY.md "Status follow-ups").

    A reply keeps the thread's subject with one "Re: " (never "Re: RE: …") so it stays in
    the thread; the template's subject applies only to a new mail. With `promised_on` (P,
    from a statement), the mail names it as a date.
    """
    if _role_known(role):
        topic = role.strip()
    elif company.strip():
        topic = f"interview with {company.strip()}"
    else:
        topic = "my interview"
    values = {
        **_common(
            company=company,
            role=role,
            topic=topic,
            my_name=my_name,
            stage=naming.stage_of(interview_title),
        ),
        **_greetings(recipient_names, company),
        "interview_date": _day(interview_on),
        "timeline_sentence": _timeline_sentence(timeline_text, promised_on),
        "promised_date": _day(promised_on) if promised_on is not None else "",
        "number": str(number),
    }
    if number <= 1:
        subject, body = _template(("follow_up_1", "follow_up"), "follow_up_1", templates)
    else:
        subject, body = _template(("follow_up_2", "follow_up"), "follow_up_2", templates)
    original = reply_subject(thread_subject)
    mail_subject = original if original else _render(subject, values).strip()
    return mail_subject, _render(body, values)


_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|ref|r|wg|回复|答复|回覆)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def reply_subject(subject: str) -> str:
    """The thread's subject with exactly one "Re: " ("RE: Re: Next steps" → "Re: Next
    steps"); "" when the thread has none."""
    text = " ".join(subject.split())
    bare = _REPLY_PREFIX.sub("", text).strip()
    return f"Re: {bare}" if bare else ""


def handwritten_text(
    *,
    company: str,
    role: str,
    recipients_names: tuple[str, ...],
    learned: str | None,
    my_name: str,
    templates: Mapping[str, str],
    interview_title: str = "",
) -> str:
    """The reminder text with a suggested handwritten thank-you note: the same three parts
    as the email, shorter."""
    topic = role.strip() if _role_known(role) else (interview_title.strip() or company.strip())
    values = {
        **_common(
            company=company,
            role=role,
            topic=topic,
            my_name=my_name,
            stage=naming.stage_of(interview_title),
        ),
        **_greetings(recipients_names, company),
        "learned": _learned(learned),
        "interview_title": interview_title.strip(),
    }
    _, body = _template(("handwritten",), "handwritten", templates)
    return _render(body, values)


def prep_text(
    *,
    interview_title: str,
    company: str,
    templates: Mapping[str, str],
    role: str = "",
) -> str:
    """The prep reminder's text: the four questions to ask about next steps and timeline."""
    topic = role.strip() if _role_known(role) else (interview_title.strip() or company.strip())
    values = {
        **_common(
            company=company,
            role=role,
            topic=topic,
            my_name="",
            stage=naming.stage_of(interview_title),
        ),
        "interview_title": interview_title.strip(),
    }
    _, body = _template(("prep",), "prep", templates)
    return _render(body, values)


# --- composing the actions' texts from an application ---------------------------------------
# Each takes the Settings, so the user's templates (and name) are never left out.


def _interviewers(interview: Interview, settings: Settings) -> tuple[tuple[str, str], ...]:
    """(email, name) of everyone on the invitation but me, organizer first."""
    people: list[tuple[str, str]] = []
    if interview.organizer and not is_me(interview.organizer.email, settings):
        people.append((interview.organizer.email, interview.organizer.name))
    for attendee in interview.attendees:
        if not is_me(attendee.email, settings) and all(attendee.email != e for e, _ in people):
            people.append((attendee.email, attendee.name))
    return tuple(people)


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
    names = _names_of(people, company)
    templates = dict(settings.templates)
    learned = interview.note("learned")
    role = role_from_title(interview.title, company)
    key = f"{interview.interview_id}/thank_you"
    if channel is Channel.HANDWRITTEN:
        return Action(
            type=ActionType.THANK_YOU,
            channel=channel,
            due_at=due_at,
            status=status,
            key=key,
            reminder_title=f"Write a handwritten thank-you note to {company}",
            reminder_text=handwritten_text(
                company=company,
                role=role,
                recipients_names=names,
                learned=learned,
                my_name=settings.name,
                templates=templates,
                interview_title=interview.title,
            ),
        )
    subject, body = thank_you_text(
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
        draft=Draft(
            to=tuple(e for e, _ in people),
            to_names=tuple(naming.clean_display_name(n) for _, n in people),
            subject=subject,
            body=body,
            sender=my_address((m for t in threads for m in t.messages), settings),
            sender_name=settings.name,
        ),
        reminder_title=f"Send the thank-you to {company}",
        reminder_text=(
            f"Why: the thank-you for your {company} {naming.stage_of(interview.title)} on "
            f"{_day(interview.start_at.astimezone(settings.timezone).date())}: read it, fill "
            "in anything in [brackets], and send it today."
        ),
    )


def follow_up_title(company: str, number: int, settings: Settings) -> str:
    return f"Follow up with {company} ({number} of {settings.max_followups})"


def follow_up_purpose(
    interview: Interview, company: str, number: int, timeline: Timeline, settings: Settings
) -> str:
    """The reminder's first line: which follow-up this is and why it is due now."""
    on = _day(interview.start_at.astimezone(settings.timezone).date())
    what = f"Why: follow-up {number} of {settings.max_followups} after your {company} "
    what += f"{naming.stage_of(interview.title)} on {on}"
    if number > 1:
        return what + f": still no news a week after follow-up {number - 1}."
    if timeline.source is TimelineSource.DEFAULT:
        return what + f": no news, and {settings.default_timeline} have passed."
    return what + f": they expected to have an update by {_day(timeline.promised_on)}."


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
    return Draft(
        to=tuple(e for e, _ in people),
        to_names=tuple(naming.clean_display_name(n) for _, n in people),
        subject=mail_subject,
        body=body,
        thread_id=thread_id,
        in_reply_to=in_reply_to,
        references=references,
        sender=my_address([target] if target is not None else [], settings)
        or my_address([m for t in threads for m in t.messages], settings),
        sender_name=settings.name,
    )
