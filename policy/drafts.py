"""The texts the program writes: thank-you and follow-up emails, and reminder texts.

POLICY.md "Thank-you": interest in the role, then what I learned, then thanks; never money
or negotiation. POLICY.md "Status follow-ups": short and polite, citing their timeline.

The packaged defaults in `policy/templates/<name>.txt` are the one source of truth; a user
overrides one by name through `Settings.templates`. A template is `string.Template` text;
an optional first line `Subject: …` and a blank line precede the body. Placeholders:

- all: `$company`, `$role` (e.g. "Backend Engineer", or "the role"), `$role_phrase`
  ("the Backend Engineer role"), `$topic` (the role, else the interview), `$my_name`
- thank_you, handwritten: `$greeting` ("Hi Jane and Bob," / "Hi,"), `$dear_greeting`
  ("Dear Jane and Bob,"), `$first_names`, `$learned`, `$interview_title`
- follow_up_1, follow_up_2: `$greeting`, `$first_names`, `$interview_date` ("December 1"),
  `$timeline_sentence`, `$number`
- prep: `$interview_title`

An unknown placeholder is left as written, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from string import Template

from policy.matching import RecruiterSide, is_me, is_no_reply, reply_target, sent_by_me
from policy.models import (
    DEFAULT_INTERVIEW_KEYWORDS,
    Action,
    ActionType,
    Channel,
    Draft,
    Interview,
    Settings,
    Status,
    Thread,
    Timeline,
    TimelineSource,
)

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

_UNKNOWN_ROLE = "the role"


# --- templates ------------------------------------------------------------------------------


@cache
def default_template(name: str) -> str:
    """The packaged default template `name` (read once; packaged data, not user files)."""
    if name not in TEMPLATE_NAMES:
        raise KeyError(name)
    return files("policy.templates").joinpath(f"{name}.txt").read_text(encoding="utf-8")


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

_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame"})
_NOT_A_PERSON = re.compile(
    r"\b(?:team|recruiting|recruitment|talent|careers?|hiring|hr|jobs|noreply|no-reply|"
    r"notifications?|calendar|people ops)\b",
    re.IGNORECASE,
)


def _first_name(name: str, email: str = "") -> str:
    """The first name in a display name: "Jane Doe" → "Jane", "Doe, Jane" → "Jane"; with no
    display name, the address's first part: "jane.doe@acme.com" → "Jane"."""
    cleaned = re.sub(r"\([^)]*\)|<[^>]*>", " ", name).strip().strip("\"'").strip()
    if not cleaned or "@" in cleaned:
        local = email.partition("@")[0].replace("_", ".").split(".")[0]
        cleaned = local.capitalize() if local.isalpha() else ""
    if not cleaned or _NOT_A_PERSON.search(cleaned):
        return ""
    if "," in cleaned:
        cleaned = cleaned.split(",", 1)[1].strip() or cleaned.split(",", 1)[0].strip()
    words = [w for w in cleaned.split() if w.lower().rstrip(".") not in _HONORIFICS]
    return words[0] if words else ""


def _first_names(names: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for name in names:
        first = _first_name(name)
        if first and first.lower() not in (s.lower() for s in seen):
            seen.append(first)
    return tuple(seen)


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


# Words left over in a title that say nothing about the role.
_TITLE_NOISE = re.compile(
    r"\b(?:interviews?|calls?|chats?|screens?|screening|rounds?(?: \d+)?|\d+(?:st|nd|rd|th)"
    r"|final|onsite|on-site|virtual|video|zoom|teams|google meet|meet|intro|introductory"
    r"|meeting|loop|conversation|invitation|invite|updated|reminder)\b",
    re.IGNORECASE,
)
_ROLE_WORD = re.compile(
    r"\b(?:engineer|developer|programmer|manager|designer|analyst|scientist|researcher"
    r"|architect|consultant|specialist|intern|administrator|lead|director|officer"
    r"|coordinator|associate|assistant|representative|recruiter|writer|editor|accountant"
    r"|counsel|attorney|technician|teacher|strategist|marketer|advocate|owner|executive"
    r"|head of|vp|sre|swe|pm|qa|devops|tester|operator|planner)s?\b",
    re.IGNORECASE,
)
_TITLE_SPLIT = re.compile(r"\s+[-\u2013\u2014|/]\s+|[:|()\[\]]|,\s+|\s+(?:for|at|with)\s+")


def role_from_title(title: str, company: str) -> str:
    """The role an interview title names ("Interview with Acme - Backend Engineer" →
    "Backend Engineer"), or "the role" when it names none."""
    keywords = sorted(DEFAULT_INTERVIEW_KEYWORDS, key=len, reverse=True)
    for segment in _TITLE_SPLIT.split(title):
        text = segment
        if company.strip():
            text = re.sub(rf"(?i)\b{re.escape(company.strip())}(?:'s)?\b", " ", text)
        for keyword in keywords:
            text = re.sub(rf"(?i)\b{re.escape(keyword)}\b", " ", text)
        text = _TITLE_NOISE.sub(" ", text)
        text = " ".join(text.split()).strip(" -#.,")
        if text and _ROLE_WORD.search(text):
            return text
    return _UNKNOWN_ROLE


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


def _timeline_sentence(timeline_text: str | None) -> str:
    phrase = _timeline_phrase(timeline_text)
    if phrase is None:
        return "I wanted to check in on where things stand."
    return f"You mentioned you expected to have an update {phrase}, so I wanted to check in."


def _common(*, company: str, role: str, topic: str, my_name: str) -> dict[str, str]:
    return {
        "company": company.strip() or "your company",
        "role": role.strip() if _role_known(role) else _UNKNOWN_ROLE,
        "role_phrase": _role_phrase(role),
        "topic": topic,
        "my_name": my_name.strip(),
    }


def _greetings(names: Iterable[str], company: str) -> dict[str, str]:
    first = _join(_first_names(names))
    if first:
        return {"first_names": first, "greeting": f"Hi {first},", "dear_greeting": f"Dear {first},"}
    dear = f"Dear {company.strip()} team," if company.strip() else "Hello,"
    return {"first_names": "", "greeting": "Hi,", "dear_greeting": dear}


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
        **_common(company=company, role=role, topic=topic, my_name=my_name),
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
) -> tuple[str, str]:
    """(subject, body) of status follow-up `number` (POLICY.md "Status follow-ups").

    A reply keeps the thread's subject ("Re: …", never "Re: Re: …") so it stays in the
    thread; the template's subject applies only to a new mail.
    """
    if _role_known(role):
        topic = role.strip()
    elif company.strip():
        topic = f"interview with {company.strip()}"
    else:
        topic = "my interview"
    values = {
        **_common(company=company, role=role, topic=topic, my_name=my_name),
        **_greetings(recipient_names, company),
        "interview_date": f"{interview_on:%B} {interview_on.day}",
        "timeline_sentence": _timeline_sentence(timeline_text),
        "number": str(number),
    }
    if number <= 1:
        subject, body = _template(("follow_up_1", "follow_up"), "follow_up_1", templates)
    else:
        subject, body = _template(("follow_up_2", "follow_up"), "follow_up_2", templates)
    if thread_subject.strip():
        original = " ".join(thread_subject.split())
        mail_subject = original if re.match(r"(?i)re\s*:", original) else f"Re: {original}"
    else:
        mail_subject = _render(subject, values).strip()
    return mail_subject, _render(body, values)


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
        **_common(company=company, role=role, topic=topic, my_name=my_name),
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
        **_common(company=company, role=role, topic=topic, my_name=""),
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


def _names_of(people: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(n for n in (_first_name(name, email) for email, name in people) if n)


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
) -> Action:
    """The thank-you: an email draft to the interviewers, or a reminder with a note's text."""
    people = _interviewers(interview, settings)
    names = _names_of(people)
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
        draft=Draft(to=tuple(e for e, _ in people), subject=subject, body=body),
        reminder_title=f"Send the thank-you to {company}",
    )


def follow_up_title(company: str, number: int, settings: Settings) -> str:
    return f"Follow up with {company} ({number} of {settings.max_followups})"


def follow_up_draft(
    interview: Interview,
    company: str,
    number: int,
    timeline: Timeline,
    threads: Sequence[Thread],
    side: RecruiterSide,
    settings: Settings,
) -> Draft:
    """A reply in the recruiter thread (`matching.reply_target`); a new mail when there is
    none."""
    latest = reply_target(threads, settings)
    if latest is not None:
        if sent_by_me(latest, settings):
            people = tuple(
                (p.email, p.name)
                for p in (*latest.to, *latest.cc)
                if side.includes(p.email) and not is_no_reply(p.email)
            )
        else:
            people = ((latest.sender.email, latest.sender.name),)
        references = (*latest.references, latest.message_id)
        thread_id, subject, in_reply_to = latest.thread_id, latest.subject, latest.message_id
    else:
        people = _interviewers(interview, settings)[:1]
        references, thread_id, subject, in_reply_to = (), "", "", ""
    mail_subject, body = follow_up_text(
        number=number,
        thread_subject=subject,
        company=company,
        role=role_from_title(interview.title, company),
        recipient_names=_names_of(people),
        timeline_text=None if timeline.source is TimelineSource.DEFAULT else timeline.text,
        interview_on=interview.start_at.astimezone(settings.timezone).date(),
        my_name=settings.name,
        templates=dict(settings.templates),
    )
    return Draft(
        to=tuple(e for e, _ in people),
        subject=mail_subject,
        body=body,
        thread_id=thread_id,
        in_reply_to=in_reply_to,
        references=references,
    )
