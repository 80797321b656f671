"""What to call people and companies in a draft: first names from the names directories
and calendars really hold, the company and the role from an interview's title, and which
addresses are no person at all (role and team mailboxes, no-reply senders).

Pure: strings in, strings out. Used by `policy.drafts` and `policy.matching.company_name`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from policy.models import DEFAULT_ATS_DOMAINS, DEFAULT_INTERVIEW_KEYWORDS
from policy.vocabulary import compile_re

UNKNOWN_ROLE = "the role"

# --- addresses that are no person -------------------------------------------------------

# Local parts (or one of their dot/dash parts) of role, team and machine mailboxes.
_ROLE_MAILBOXES = frozenset(
    [
        "recruiting",
        "recruitment",
        "recruiter",
        "recruiters",
        "careers",
        "career",
        "jobs",
        "job",
        "talent",
        "hr",
        "hiring",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "notreply",
        "reply",
        "notifications",
        "notification",
        "alerts",
        "alert",
        "jobalerts",
        "info",
        "hello",
        "contact",
        "team",
        "admin",
        "office",
        "people",
        "peopleops",
        "staffing",
        "support",
        "calendar",
        "calendars",
        "mailer-daemon",
        "postmaster",
        "bounce",
        "bounces",
        "interviews",
        "interview",
        "scheduling",
        "schedule",
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cio",
        "cmo",
        "cpo",
        "cro",
        "founders",
        "founder",
        "engineering",
        "apply",
        "applications",
        "opportunities",
        "news",
        "newsletter",
        "marketing",
        "sales",
        "billing",
        "humanresources",
        "invites",
        "ta",
        "talentacquisition",
        "acquisition",
        "hiringteam",
        "hrteam",
        "workday",
        "greenhouse",
        "lever",
        "ashby",
    ]
)
_NO_REPLY = compile_re(
    r"(?:^|[._+-])(?:no-?reply|do-?not-?reply|notreply|mailer-daemon|postmaster|bounces?"
    r"|notifications?|alerts?|jobalerts?|job-alerts?)(?:$|[._+-])",
    re.IGNORECASE,
)
# Display names of teams, not people.
_NOT_A_PERSON = compile_re(
    r"\b(?:team|recruiting|recruitment|talent|careers?|hiring|hr|jobs|noreply|no-reply|"
    r"notifications?|calendar|people ops|people operations|human resources|staffing|"
    r"acquisition|via|support|admin|office|alerts?|info)\b",
    re.IGNORECASE,
)
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "herr"})
_SUFFIXES = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "cpa", "esq", "pe", "msc", "bsc", "ma"}
)


def is_role_mailbox(address: str) -> bool:
    """recruiting@, careers@, cto@, hr.team@, jobs-noreply@ …: a mailbox, never greeted."""
    local = address.partition("@")[0].lower().split("+", 1)[0]
    if local in _ROLE_MAILBOXES:
        return True
    return any(part in _ROLE_MAILBOXES for part in re.split(r"[._-]", local) if part)


def is_no_reply(address: str) -> bool:
    """A sender no follow-up goes to (POLICY.md: no-reply addresses; job alerts)."""
    local = address.partition("@")[0].lower().split("+", 1)[0]
    return bool(_NO_REPLY.search(local))


def first_name(name: str, email: str = "", *, not_names: Iterable[str] = ()) -> str:
    """The name to greet someone by, or "" when there is none to use.

    "Lee, Sam" → "Sam"; "Dr. Sam Lee" → "Sam"; "Sam Lee, PhD" → "Sam"; "李小龙" and
    "山田 太郎" stay whole; a display name that is a team ("Acme Recruiting"), the company
    (`not_names`), the address or its local part, or any name on a role mailbox → "".
    With no display name, a "first.last@" address gives "First".
    """
    if email and is_role_mailbox(email):
        return ""
    cleaned = _clean(name)
    local = email.partition("@")[0]
    lowered = cleaned.lower()
    if cleaned == local or lowered == email.lower() or "@" in cleaned:
        # A CN that is just the address or its local part, as calendars fill it in when
        # they know no name ("jdoe"); a name someone typed ("Tom" for tom@) is a name.
        return ""
    if not cleaned:
        return _from_local_part(local)
    if _NOT_A_PERSON.search(cleaned) or lowered in {n.lower() for n in not_names if n}:
        return ""
    if _keeps_whole(cleaned):
        return cleaned
    if "," in cleaned:
        before, after = (part.strip() for part in cleaned.split(",", 1))
        after_words = [w for w in after.replace(",", " ").split() if w]
        if after_words and all(w.lower().strip(".") in _SUFFIXES for w in after_words):
            cleaned = before  # "Sam Lee, PhD"
        else:
            cleaned = after or before  # Outlook's "Last, First"
    words = [w for w in cleaned.split() if w.lower().rstrip(".") not in _HONORIFICS]
    words = [w for w in words if not re.fullmatch(r"\w\.", w)] or words  # "J. Robert Smith"
    if not words:
        return ""
    first = words[0].strip(".,;:")
    if first.isupper() and len(first) > 1 or first.islower():
        first = first.title()  # "SAM LEE", "sam lee"
    return first if any(c.isalpha() for c in first) else ""


def first_names(
    people: Iterable[tuple[str, str]], *, not_names: Iterable[str] = ()
) -> tuple[str, ...]:
    """Distinct first names of (email, name) pairs, in order; nobody named is left out."""
    avoid = tuple(not_names)
    seen: list[str] = []
    for email, name in people:
        first = first_name(name, email, not_names=avoid)
        if first and first.lower() not in (s.lower() for s in seen):
            seen.append(first)
    return tuple(seen)


def clean_display_name(name: str) -> str:
    """A display name as a header may carry it: no controls, bidi marks or extra spaces."""
    return _clean(name)


def _clean(name: str) -> str:
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in name
        if unicodedata.category(c) != "Cf"  # bidi controls, zero-width characters
    )
    text = re.sub(r"\([^)]*\)|<[^>]*>|\[[^\]]*\]", " ", text)
    return " ".join(text.split()).strip("\"' ").strip()


def _keeps_whole(name: str) -> bool:
    """Names in scripts written family name first, or without spaces (CJK, Hangul)."""
    for char in name:
        if char.isalpha():
            label = unicodedata.name(char, "")
            if label.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")):
                return True
    return False


def _from_local_part(local: str) -> str:
    """ "sam.lee" → "Sam"; a single word ("sol", "cto") says nothing sure: no name."""
    parts = [p for p in re.split(r"[._]", local.split("+", 1)[0]) if p]
    if len(parts) < 2 or not parts[0].isalpha() or len(parts[0]) < 2:
        return ""
    if parts[0].lower() in _ROLE_MAILBOXES:
        return ""
    return parts[0].capitalize()


# --- companies and roles --------------------------------------------------------------------

# Hosting tenants: the company is the label before them, never the host itself.
_TENANT_HOSTS = ("mail.onmicrosoft.com", "onmicrosoft.com", "sharepoint.com")
# Calendar machinery (group calendars, rooms): no company at all.
_NO_COMPANY_HOSTS = (
    "calendar.google.com",
    "group.calendar.google.com",
    "resource.calendar.google.com",
    "googlegroups.com",
    "calendly.com",
    "goodtime.io",
    "zoom.us",
)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "ltd"})

_STAGES = (
    ("final round", "final round interview"),
    ("phone screen", "phone screen"),
    ("technical screen", "technical screen"),
    ("screening call", "screening call"),
    ("recruiter call", "recruiter call"),
    ("hiring manager", "hiring manager interview"),
    ("on-site", "onsite interview"),
    ("onsite", "onsite interview"),
    ("panel", "panel interview"),
)
_TITLE_NOISE = compile_re(
    r"\b(?:interviews?|calls?|chats?|screens?|screening|rounds?(?: \d+)?|\d+(?:st|nd|rd|th)"
    r"|final|onsite|on-site|virtual|video|zoom|teams|google meet|meet|intro|introductory"
    r"|meeting|loop|conversation|invitation|invite|updated|reminder|phone|technical"
    r"|recruiter|hiring manager|panel|first|second|third|next|stage|step|canceled|cancelled"
    r"|tentative|accepted|new event|the|and|our|your|my)\b",
    re.IGNORECASE,
)
# Words around a role in a title that are not part of it.
_ROLE_NOISE = compile_re(
    r"\b(?:interviews?|calls?|chats?|screens?|screening|rounds?(?: \d+)?|\d+(?:st|nd|rd|th)"
    r"|final|onsite|on-site|virtual|video|zoom|teams|google meet|meet|intro|introductory"
    r"|meeting|loop|conversation|invitation|invite|updated|reminder)\b",
    re.IGNORECASE,
)
_ROLE_WORD = compile_re(
    r"\b(?:engineer|developer|programmer|manager|designer|analyst|scientist|researcher"
    r"|architect|consultant|specialist|intern|administrator|lead|director|officer"
    r"|coordinator|associate|assistant|representative|recruiter|writer|editor|accountant"
    r"|counsel|attorney|technician|teacher|strategist|marketer|advocate|owner|executive"
    r"|head of|vp|sre|swe|pm|qa|devops|tester|operator|planner)s?\b",
    re.IGNORECASE,
)
# Words that open a role before its head word ("Senior Backend Engineer").
_ROLE_MODIFIERS = frozenset(
    [
        "senior",
        "sr",
        "junior",
        "jr",
        "staff",
        "principal",
        "lead",
        "chief",
        "head",
        "associate",
        "assistant",
        "intern",
        "graduate",
        "backend",
        "back-end",
        "frontend",
        "front-end",
        "fullstack",
        "full-stack",
        "full",
        "stack",
        "software",
        "hardware",
        "data",
        "product",
        "platform",
        "infrastructure",
        "infra",
        "security",
        "site",
        "reliability",
        "mobile",
        "ios",
        "android",
        "web",
        "cloud",
        "systems",
        "system",
        "network",
        "qa",
        "test",
        "devops",
        "machine",
        "learning",
        "ml",
        "ai",
        "research",
        "applied",
        "solutions",
        "sales",
        "marketing",
        "account",
        "customer",
        "success",
        "support",
        "technical",
        "program",
        "project",
        "engineering",
        "ux",
        "ui",
        "graphic",
        "visual",
        "interaction",
        "regional",
        "growth",
        "business",
        "operations",
        "ops",
        "financial",
        "finance",
        "legal",
        "content",
        "brand",
        "design",
        "embedded",
        "firmware",
        "game",
        "quantitative",
    ]
)
_SPLIT = compile_re(r"\s+[-\u2013\u2014|/~]\s+|\s*(?:<>|::|[:|()\[\]])\s*|,\s+")
_LINKERS = compile_re(r"\s+(?:for|at|with|@|x|\u00d7|and)\s+", re.IGNORECASE)


def stage_of(title: str) -> str:
    """The kind of interview a title names ("phone screen", "onsite interview"), else
    "interview"."""
    lowered = title.lower()
    for keyword, stage in _STAGES:
        if keyword in lowered:
            return stage
    return "interview"


# The interview keywords as words, longest first (each replaced in turn).
_KEYWORD_WORDS = tuple(
    compile_re(rf"(?i)\b{re.escape(keyword)}\b")
    for keyword in sorted(DEFAULT_INTERVIEW_KEYWORDS, key=len, reverse=True)
)


@lru_cache(maxsize=1024)  # one per company: more than `re`'s own cache keeps
def _company_words(company: str) -> re.Pattern[str]:
    return re.compile(rf"(?i)(?<!\w){re.escape(company)}(?:'s)?(?!\w)")


def role_in_title(title: str, company: str = "") -> str:
    """The role a title names ("Datadog Backend Engineer - Phone Screen" → "Backend
    Engineer"), or "the role"."""
    company = company.strip()
    named = bool(company) and company.casefold() in title.casefold()  # else nothing to compile
    for segment in _segments(title):
        text = segment
        if named:
            text = _company_words(company).sub(" | ", text)
        for keyword in _KEYWORD_WORDS:
            text = keyword.sub(" | ", text)
        text = _ROLE_NOISE.sub(" | ", text)
        for chunk in text.split("|"):
            span = _role_span(chunk)
            if span is not None:
                return " ".join(chunk[span[0] : span[1]].split()).strip(" -#.,&")
    return UNKNOWN_ROLE


def _role_span(text: str) -> tuple[int, int] | None:
    """Where a role sits in one title segment: its head word ("Engineer", "SRE") and the
    modifiers before it ("Senior Backend"), with what follows the head ("Engineer II")."""
    head = _ROLE_WORD.search(text)
    if head is None:
        return None
    start = head.start()
    words = list(re.finditer(r"[^\s]+", text[:start]))
    for word in reversed(words):
        if word.group().lower().strip(",.") not in _ROLE_MODIFIERS:
            break
        start = word.start()
    end = head.end()
    tail = re.match(r"(?:\s+(?:I{1,3}|IV|V|\d|of \w+|[A-Z]{2,3}))*", text[end:])
    if tail:
        end += tail.end()
    return start, end


def company_in_title(title: str, people: Iterable[str] = ()) -> str:
    """The company a title names, "" when it names none: "Interview: Senior SRE at Stripe"
    → "Stripe"; "Virtual Onsite - Figma (Product Engineer)" → "Figma"; "Datadog Backend
    Engineer - Phone Screen" → "Datadog"."""
    at = re.search(r"\s(?:at|@)\s+(.+)$", title, re.IGNORECASE)
    if at:
        named = _name_run(_SPLIT.split(at.group(1))[0])
        if named:
            return named
    avoid = {p.lower() for p in people if p}
    for segment in _segments(title):
        named = _name_run(segment)
        if (
            named
            and named.lower() not in avoid
            and not any(part in avoid for part in named.lower().split())
        ):
            return named
    return ""


def company_from_domain(domain: str, ats_domains: Iterable[str] = DEFAULT_ATS_DOMAINS) -> str:
    """A company name from an email domain ("datadoghq.com" → "Datadoghq", "acme.co.uk" →
    "Acme", "contoso.onmicrosoft.com" → "Contoso"); "" for ATS and calendar hosts."""
    host = domain.lower().strip(".")
    if not host or any(_under(host, d) for d in (*ats_domains, *_NO_COMPANY_HOSTS)):
        return ""
    for tenant in _TENANT_HOSTS:
        if _under(host, tenant):
            below = host[: -len(tenant)].rstrip(".")
            return _pretty(below.split(".")[-1]) if below else ""
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        return _pretty(parts[-3])
    return _pretty(parts[-2] if len(parts) >= 2 else parts[0])


def company_name(
    title: str,
    *,
    organizer_domain: str = "",
    domains: Sequence[str] = (),
    known: Iterable[str] = (),
    people: Iterable[str] = (),
    ats_domains: Iterable[str] = DEFAULT_ATS_DOMAINS,
) -> str:
    """A company name to write: a configured name found in the title; a title word that
    matches a recruiter-side domain; a company the title names; else the organizer's
    domain (then another recruiter-side domain); never a role, a stage or a person on the
    invitation (`people`: their display names)."""
    for name in known:
        if name and "." not in name and name.lower() in title.lower():
            start = title.lower().index(name.lower())
            return title[start : start + len(name)]
    ordered = [organizer_domain, *sorted(d for d in domains if d != organizer_domain)]
    labels = [
        label
        for label in (company_from_domain(d, ats_domains).lower() for d in ordered if d)
        if label
    ]
    role = role_in_title(title)
    for label in labels:
        for word in re.findall(r"[^\W\d_][\w&'.-]*", title):
            stem = word.lower().strip(".'-")
            if len(stem) >= 3 and (label.startswith(stem) or stem.startswith(label)):
                return _run_from(title, word, role)
    named = company_in_title(title, _name_parts(people))
    if named:
        return named
    for domain in ordered:
        from_domain = company_from_domain(domain, ats_domains) if domain else ""
        if from_domain:
            return from_domain
    return ""


def _name_parts(names: Iterable[str]) -> tuple[str, ...]:
    """People's names and each word of them ("Jane Doe" → "jane doe", "jane", "doe")."""
    out: list[str] = []
    for name in names:
        clean = _clean(name)
        if clean and "@" not in clean:
            out.append(clean)
            out.extend(w for w in re.split(r"[\s,]+", clean) if len(w) > 1)
    return tuple(out)


def _segments(title: str) -> list[str]:
    pieces: list[str] = []
    for part in _SPLIT.split(title):
        pieces.extend(_LINKERS.split(part))
    return [p for p in (p.strip() for p in pieces) if p]


def _name_run(text: str) -> str:
    """The first run of capitalised words left once noise, keywords and roles are gone."""
    for keyword in _KEYWORD_WORDS:
        text = keyword.sub(" | ", text)
    text = _TITLE_NOISE.sub(" | ", text)
    chunks = []
    for chunk in text.split("|"):
        span = _role_span(chunk)
        if span is not None:
            chunk = chunk[: span[0]] + " | " + chunk[span[1] :]
        chunks.extend(_ROLE_WORD.sub(" | ", chunk).split("|"))
    for chunk in chunks:
        words = [w.strip(".,;:!?\"'") for w in chunk.split()]
        run = [w for w in words if w]
        capitalised = all(w[:1].isupper() or w[:1].isdigit() or w in ("&", "of") for w in run)
        if run and capitalised and not all(w.isdigit() for w in run):
            return " ".join(run)
    return ""


def _run_from(title: str, word: str, role: str) -> str:
    """The capitalised run of words in the title that starts with `word` ("Dunder
    Mifflin"), stopping at the role, a stage word or punctuation ("Figma (Product …")."""
    role_words = set() if role == UNKNOWN_ROLE else {w.lower() for w in role.split()}
    words = title.split()
    for index, candidate in enumerate(words):
        if candidate.strip(".,:;()-'") != word.strip(".,:;()-'"):
            continue
        run = [candidate.strip(".,:;()[]")]
        if candidate.endswith((",", ":", ";", ")", "(")):
            return " ".join(run)
        for following in words[index + 1 :]:
            if following.startswith(("(", "[", "-", "|", "<")):
                break
            clean = following.strip(".,:;()[]")
            if (
                not clean
                or not clean[0].isupper()
                or clean.lower() in role_words
                or _TITLE_NOISE.fullmatch(clean)
                or _ROLE_WORD.fullmatch(clean)
            ):
                break
            run.append(clean)
            if following.endswith((",", ":", ";", ")")):
                break
        return " ".join(run)
    return word


def _under(host: str, domain: str) -> bool:
    domain = domain.lower().strip(".")
    return host == domain or host.endswith("." + domain)


def _pretty(label: str) -> str:
    return " ".join(part.capitalize() for part in re.split(r"[-_]", label) if part)
