"""Events → interviews, threads → applications, applications → companies.

POLICY.md "Which events are interviews" and "Which threads belong to an application".
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

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
from policy.replies import is_auto_reply
from policy.replies import is_bulk as bulk_headers
from policy.vocabulary import compile_re

_NOTE_LINE = compile_re(r"^\s*([A-Za-z][A-Za-z _-]{0,30}?)\s*:\s*(.*?)\s*$")


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
    if any(is_me(a.email, settings) and a.response == "declined" for a in event.attendees):
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


# --- me, as mail providers see me (POLICY.md "Words": me) -------------------------------

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Gmail's label id `SENT`, Takeout's `X-Gmail-Labels` name `Sent`, a Maildir Sent folder.
_SENT_LABELS = frozenset({"sent"})


def canonical_address(address: str) -> str:
    """The mailbox an address delivers to: no `+tag`; at Gmail, no dots and one domain."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at or not local:
        return address.strip().lower()
    tagless = local.split("+", 1)[0] or local
    if domain in _GMAIL_DOMAINS:
        return tagless.replace(".", "") + "@gmail.com"
    return f"{tagless}@{domain}"


@lru_cache(maxsize=16)
def _canonical_set(addresses: frozenset[str]) -> frozenset[str]:
    return frozenset(canonical_address(a) for a in addresses)


def is_me(address: str, settings: Settings) -> bool:
    """One of my addresses, also with a `+tag` or, at Gmail, with dots moved."""
    if not address:
        return False
    return address in settings.me or canonical_address(address) in _canonical_set(settings.me)


def is_labelled_sent(message: Message) -> bool:
    return any(label.strip().lower() in _SENT_LABELS for label in message.labels)


def sent_by_me(message: Message, settings: Settings) -> bool:
    """Sent by me: from one of my addresses, or labelled sent by the provider whatever its
    From says ("send mail as" addresses)."""
    return is_labelled_sent(message) or is_me(message.sender.email, settings)


def is_freemail(domain: str, settings: Settings) -> bool:
    return any(
        fnmatch.fnmatchcase(domain, pattern.lower()) for pattern in settings.freemail_domains
    )


def is_ats(domain: str, settings: Settings) -> bool:
    """An applicant-tracking service's domain (or a subdomain: `acme.myworkday.com`)."""
    known = _domain_set(settings.ats_domains)
    while domain:
        if domain in known:
            return True
        domain = domain.partition(".")[2]
    return False


@lru_cache(maxsize=16)
def _domain_set(domains: tuple[str, ...]) -> frozenset[str]:
    return frozenset(d.lower() for d in domains)


def _links_by_domain(domain: str, settings: Settings) -> bool:
    """Free-mail and ATS domains are shared by many employers: never a company's domain."""
    return bool(domain) and not is_freemail(domain, settings) and not is_ats(domain, settings)


_NO_REPLY = compile_re(r"(?:^|[-._])(?:no-?reply|do-?not-?reply)(?:[-._+]|$)")


def is_no_reply(address: str) -> bool:
    """`no-reply@`, `noreply@`, `do-not-reply@`, `donotreply@` (also `jobs-noreply@`)."""
    return bool(_NO_REPLY.search(address.rpartition("@")[0].lower()))


def is_bulk(message: Message) -> bool:
    """POLICY.md "Which threads belong": `List-Id`, `List-Unsubscribe`, or `Precedence:
    bulk|list|junk` (this is only a decision's carrier, never a statement or a reply target).
    """
    return bulk_headers(message.headers)


def names_company(message: Message, company: str, settings: Settings) -> bool:
    """Mail from an ATS domain whose From display name or Subject names the company."""
    if len(company) < 2 or not is_ats(domain_of(message.sender.email), settings):
        return False
    pattern = _company_pattern(company)
    return bool(pattern.search(message.sender.name) or pattern.search(message.subject))


@lru_cache(maxsize=512)
def _company_pattern(company: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in company.split())
    return re.compile(rf"(?<![\w&]){words}(?![\w&])", re.IGNORECASE)


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
    addresses = frozenset(
        p
        for p in people
        if p and not is_me(p, settings) and not (is_no_reply(p) and is_ats(domain_of(p), settings))
    )
    domains = frozenset(
        d for d in (domain_of(a) for a in addresses) if _links_by_domain(d, settings)
    )
    return RecruiterSide(addresses=addresses, domains=domains)


def others(message: Message, settings: Settings) -> Iterable[Person]:
    """Everyone on the message but me (the sender too, when the message is labelled sent)."""
    people = message.participants
    if is_labelled_sent(message):
        people = people[1:]
    return (p for p in people if p.email and not is_me(p.email, settings))


def thread_matches(
    thread: Thread, side: RecruiterSide, settings: Settings, companies: Iterable[str] = ()
) -> bool:
    """A participant of the recruiter side, or ATS mail naming one of `companies`."""
    if any(side.includes(p.email) for m in thread.messages for p in others(m, settings)):
        return True
    names = tuple(companies)
    return bool(names) and any(
        names_company(m, name, settings)
        for m in thread.messages
        if is_ats(domain_of(m.sender.email), settings)
        for name in names
    )


class ThreadIndex:
    """Threads by the addresses and domains of their participants other than me, and the
    ATS threads with the names and subjects their ATS mail carries, so each application
    finds its threads without a scan of them all."""

    def __init__(self, threads: Iterable[Thread], settings: Settings) -> None:
        self._threads: list[Thread] = []
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._ats: list[tuple[int, str]] = []  # (thread number, "name\0subject\0…")
        for number, thread in enumerate(threads):
            self._threads.append(thread)
            said: list[str] = []
            for message in thread.messages:
                if is_ats(domain_of(message.sender.email), settings):
                    said += (message.sender.name, message.subject)
                for person in others(message, settings):
                    self._by_key[person.email].add(number)
                    self._by_key["@" + domain_of(person.email)].add(number)
            if said:
                self._ats.append((number, "\0".join(said).casefold()))

    def matching(self, side: RecruiterSide, company: str = "") -> tuple[Thread, ...]:
        numbers: set[int] = set()
        for address in side.addresses:
            numbers |= self._by_key.get(address, set())
        for domain in side.domains:
            numbers |= self._by_key.get("@" + domain, set())
        if len(company) >= 2:
            folded = company.split()[0].casefold()
            named = [(n, said) for n, said in self._ats if folded in said]
            if named:  # compiled only then: a plan of 300 companies compiled 300 (25 ms)
                pattern = _company_pattern(company)  # \s never crosses the \0 between fields
                numbers.update(n for n, said in named if pattern.search(said))
        return tuple(self._threads[n] for n in sorted(numbers))


def reply_target(threads: Iterable[Thread], settings: Settings) -> Message | None:
    """What a follow-up replies to (POLICY.md "The follow-up mail"): the newest
    recruiter-side message that is neither an auto-reply nor bulk nor from a no-reply
    address; when there is none, my own newest message there."""
    theirs: Message | None = None
    mine: Message | None = None
    for thread in threads:
        for message in thread.messages:
            if message.is_draft:
                continue
            if sent_by_me(message, settings):
                if mine is None or message.sent_at > mine.sent_at:
                    mine = message
            elif (
                not is_bulk(message)
                and not is_auto_reply(message)
                and not is_no_reply(message.sender.email)
                and (theirs is None or message.sent_at > theirs.sent_at)
            ):
                theirs = message
    return theirs or mine


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
