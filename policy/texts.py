"""The texts the program writes, filled in from templates: thank-you and follow-up emails,
the handwritten note and the prep reminder.

POLICY.md "Thank-you": interest in the role, then what I learned, then thanks; never money
or negotiation. POLICY.md "Status follow-ups": short and polite, citing their timeline.

The packaged defaults in `policy/templates/<name>.txt` are the one source of truth; a user
overrides one by name through `Settings.templates`. A template is `string.Template` text;
an optional first line `Subject: …` and a blank line precede the body. The placeholders
each template may use are `PLACEHOLDERS` (documented in `policy/templates/README.md`);
`template_problem` names an unknown one, or an unknown template name, so the config loader
can refuse the file in one line.

Strings in, strings out: which application, interview and people a text is for is
`policy/drafts.py`'s part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib.resources import files
from string import Template
from typing import NotRequired, TypedDict, Unpack

from policy import naming
from policy.vocabulary import compile_re

__all__ = [
    "LEARNED_PLACEHOLDER",
    "PLACEHOLDERS",
    "TEMPLATE_NAMES",
    "default_template",
    "follow_up_text",
    "handwritten_text",
    "month_day",
    "prep_text",
    "reply_subject",
    "role_from_title",
    "template_problem",
    "ThanksFor",
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
_BARE_DURATION = compile_re(
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
_LED_PHRASE = compile_re(
    rf"\b(?:within|in|by|before|after|over|on|around|sometime|at|until)\s+{_TIME_START}",
    re.IGNORECASE,
)
_BARE_PHRASE = compile_re(
    rf"^(?:\d|(?:{_TIME_START})\b)",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b"
)
_WEEKDAY = compile_re(r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_PROPER = compile_re(rf"(?:{_MONTHS}|{_WEEKDAY.pattern}|q[1-4]\b|new year)", re.IGNORECASE)
_MONTHISH = compile_re(rf"(?:(?:early|mid|late)[- ]?)?(?:{_MONTHS}|q[1-4]\b)", re.IGNORECASE)
_PHRASE_END = compile_re(r"[,;.!?()]|\s+(?:and|but|so|when|once|if|because|as)\s+")


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
        when = month_day(promised_on)
        return f"You mentioned you expected to have an update by {when}, so I wanted to check in."
    phrase = _timeline_phrase(timeline_text)
    if phrase is None:
        return "I wanted to check in on where things stand."
    return f"You mentioned you expected to have an update {phrase}, so I wanted to check in."


def month_day(on: date) -> str:
    return f"{on:%B} {on.day}"


def _common(
    company: str, role: str, topic: str, my_name: str, interview_title: str
) -> dict[str, str]:
    """The placeholders every text has; `stage` is the kind of interview its title names."""
    return {
        "company": company.strip() or "your company",
        "role": role.strip() if _role_known(role) else _UNKNOWN_ROLE,
        "role_phrase": _role_phrase(role),
        "topic": topic,
        "my_name": my_name.strip(),
        "stage": naming.stage_of(interview_title),
    }


def _greetings(names: Iterable[str], company: str) -> dict[str, str]:
    """Greetings by first name; with nobody to name, a neutral one (never "Hi Cto,")."""
    first = _join(_first_names(names))
    if first:
        return {"first_names": first, "greeting": f"Hi {first},", "dear_greeting": f"Dear {first},"}
    dear = f"Dear {company.strip()} team," if company.strip() else "Hello,"
    return {"first_names": "", "greeting": "Hello,", "dear_greeting": dear}


# --- the texts --------------------------------------------------------------------------------


class ThanksFor(TypedDict):
    """What a thank-you is written from, as an email or a handwritten note."""

    company: str
    role: str
    recipients_names: tuple[str, ...]
    learned: str | None
    my_name: str
    templates: Mapping[str, str]
    interview_title: NotRequired[str]  # a handwritten note's may be left out


def thank_you_text(**thanks: Unpack[ThanksFor]) -> tuple[str, str]:
    """(subject, body) of the thank-you email (POLICY.md "Thank-you")."""
    subject, body = _template(("thank_you",), "thank_you", thanks["templates"])
    values = _thanks_values(thanks)
    return _render(subject, values).strip(), _render(body, values)


def _thanks_values(thanks: ThanksFor) -> dict[str, str]:
    """The placeholders of a thank-you, emailed or handwritten."""
    company, role = thanks["company"], thanks["role"]
    interview_title = thanks.get("interview_title", "")
    topic = role.strip() if _role_known(role) else (interview_title.strip() or company.strip())
    return {
        **_common(company, role, topic, thanks["my_name"], interview_title),
        **_greetings(thanks["recipients_names"], company),
        "learned": _learned(thanks["learned"]),
        "interview_title": interview_title.strip(),
    }


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
        **_common(company, role, topic, my_name, interview_title),
        **_greetings(recipient_names, company),
        "interview_date": month_day(interview_on),
        "timeline_sentence": _timeline_sentence(timeline_text, promised_on),
        "promised_date": month_day(promised_on) if promised_on is not None else "",
        "number": str(number),
    }
    if number <= 1:
        subject, body = _template(("follow_up_1", "follow_up"), "follow_up_1", templates)
    else:
        subject, body = _template(("follow_up_2", "follow_up"), "follow_up_2", templates)
    original = reply_subject(thread_subject)
    mail_subject = original if original else _render(subject, values).strip()
    return mail_subject, _render(body, values)


_REPLY_PREFIX = compile_re(
    r"^\s*(?:(?:re|aw|sv|vs|antw|ref|r|wg|回复|答复|回覆)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def reply_subject(subject: str) -> str:
    """The thread's subject with exactly one "Re: " ("RE: Re: Next steps" → "Re: Next
    steps"); "" when the thread has none."""
    text = " ".join(subject.split())
    bare = _REPLY_PREFIX.sub("", text).strip()
    return f"Re: {bare}" if bare else ""


def handwritten_text(**thanks: Unpack[ThanksFor]) -> str:
    """The reminder text with a suggested handwritten thank-you note: the same three parts
    as the email, shorter."""
    _, body = _template(("handwritten",), "handwritten", thanks["templates"])
    return _render(body, _thanks_values(thanks))


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
        **_common(company, role, topic, "", interview_title),
        "interview_title": interview_title.strip(),
    }
    _, body = _template(("prep",), "prep", templates)
    return _render(body, values)
