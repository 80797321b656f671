"""Events → interviews, threads → applications, applications → companies.

POLICY.md "Which events are interviews" and "Which threads belong to an application".
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from policy import naming
from policy.html_text import html_to_text
from policy.models import (
    DEFAULT_ATS_DOMAINS,
    CalendarEvent,
    Interview,
    Message,
    Person,
    Settings,
    Thread,
)

_NOTE_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z _-]{0,30}?)\s*:\s*(.*?)\s*$")


def parse_notes(description: str) -> tuple[tuple[str, str], ...]:
    """`Key: value` lines of an event description; keys lower-case, in order."""
    if "<" in description and ">" in description:
        # Google Calendar keeps descriptions edited in its web UI as HTML.
        description = html_to_text(description)
    notes = []
    for line in description.splitlines():
        match = _NOTE_LINE.match(line)
        if match and match.group(2):
            notes.append((match.group(1).strip().lower(), match.group(2)))
    return tuple(notes)


def _note(notes: Iterable[tuple[str, str]], key: str) -> str | None:
    found = None
    for name, value in notes:
        if name == key:
            found = value
    return found


def interview_reason(event: CalendarEvent, settings: Settings) -> str | None:
    """Why this event is an interview (a `why` line), or None when it is not one."""
    if event.cancelled or event.all_day or event.created_by_followup:
        return None
    if any(a.email in settings.me and a.response == "declined" for a in event.attendees):
        return None
    followup_note = (_note(parse_notes(event.description), "followup") or "").strip().lower()
    if followup_note == "ignore":
        return None
    if followup_note == "track":
        return "interview: the event's notes say 'Followup: track'"
    title = event.title.lower()
    for keyword in settings.interview_keywords:
        if keyword.lower() in title:
            return f"interview: the title contains '{keyword}'"
    return None


def to_interview(event: CalendarEvent) -> Interview:
    return Interview(
        interview_id=event.event_id,
        title=event.title,
        start_at=event.start_at,
        end_at=event.end_at,
        organizer=event.organizer,
        attendees=event.attendees,
        notes=parse_notes(event.description),
        location=event.location,
    )


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_freemail(domain: str, settings: Settings) -> bool:
    return any(
        fnmatch.fnmatchcase(domain, pattern.lower()) for pattern in settings.freemail_domains
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RecruiterSide:
    """The addresses and non-free-mail domains an interview's threads are matched by."""

    addresses: frozenset[str]
    domains: frozenset[str]

    def includes(self, address: str) -> bool:
        return address in self.addresses or domain_of(address) in self.domains

    def overlaps(self, other: RecruiterSide) -> bool:
        return bool(self.addresses & other.addresses or self.domains & other.domains)


def recruiter_side(interview: Interview, settings: Settings) -> RecruiterSide:
    people: list[str] = [a.email for a in interview.attendees]
    if interview.organizer:
        people.append(interview.organizer.email)
    addresses = frozenset(p for p in people if p and p not in settings.me)
    domains = frozenset(
        d for d in (domain_of(a) for a in addresses) if d and not is_freemail(d, settings)
    )
    return RecruiterSide(addresses=addresses, domains=domains)


def others(message: Message, settings: Settings) -> Iterable[Person]:
    return (p for p in message.participants if p.email and p.email not in settings.me)


def thread_matches(thread: Thread, side: RecruiterSide, settings: Settings) -> bool:
    return any(side.includes(p.email) for m in thread.messages for p in others(m, settings))


def company_groups(sides: Sequence[RecruiterSide]) -> list[int]:
    """A group number per application; same recruiter side (address or domain) = same company."""
    parent = list(range(len(sides)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, side in enumerate(sides):
        for j in range(i):
            if side.overlaps(sides[j]):
                parent[root(i)] = root(j)
    return [root(i) for i in range(len(sides))]


def company_name(
    interview: Interview,
    side: RecruiterSide,
    cultures: Iterable[str] = (),
    ats_domains: Iterable[str] = DEFAULT_ATS_DOMAINS,
) -> str:
    """A readable company name (`policy.naming.company_name`): a configured name, a title
    word that matches the domain, a company the title names, else the organizer's domain;
    never a role, a stage, an ATS or a hosting tenant."""
    organizer = interview.organizer.email if interview.organizer else ""
    organizer_domain = domain_of(organizer) if side.includes(organizer) else ""
    people = [a.name for a in interview.attendees]
    if interview.organizer is not None:
        people.append(interview.organizer.name)
    named = naming.company_name(
        interview.title,
        organizer_domain=organizer_domain if organizer_domain in side.domains else "",
        domains=sorted(side.domains),
        known=cultures,
        people=people,
        ats_domains=ats_domains,
    )
    return named or interview.title.strip()
