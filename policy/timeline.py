"""Reads timeline statements and return dates out of text (POLICY.md "The stated timeline").

The date rules live in `policy.timeline_rules`; this module decides which words count:
a sentence that promises a response with a time expression in it, or a text that is
nothing but a time expression (a `Timeline:` note, a config value, a user's mark).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from policy.business_days import BusinessCalendar
from policy.date_words import ABBREVIATIONS, Normalized, normalize
from policy.timeline_resolvers import Context
from policy.timeline_rules import Found, parse_whole, scan


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """A timeline statement: the words read, as they stand in the text, and P."""

    text: str
    promised_on: date


def _words(pattern: str) -> re.Pattern[str]:
    """A keyword pattern for raw lower-case text: a space stands for any run of white space."""
    return re.compile(pattern.replace(" ", r"\s+"))


# A sentence promises a response, decision, update or next step (POLICY.md "The stated
# timeline": a message "whose new text promises a response, decision, update or next step").
_PROMISE = _words(
    r"\b(?:hear(?:ing)?|get(?:ting)? back|back to you|be in touch|get in touch|touch base"
    r"|let you know|keep you (?:posted|updated|informed)|reach(?:ing)? out|follow(?:ing)?[- ]up"
    r"|circle back|contact(?:ing)? you|revert|decid\w*|decision\w*|updat\w*|feedback|answer\w*"
    r"|respon\w*|repl(?:y|ies)|next steps?|wrap(?:ping)? (?:things )?up|finali[sz]\w*|review\w*"
    r"|allow|expect\w*|news|outcome|results?|conclu\w*|notif\w*|inform\w*|verdict|determin\w*"
    r"|timeline|timeframe|time frame|turnaround|takes"
    r"|(?:will|'ll|should|may|might|could|would) take"
    r"|know|said|told|mention\w*|estimat\w*|eta|target\w*|offers?|word|move (?:you )?forward)\b"
)

# An auto-reply sentence about being away and coming back (POLICY.md "Auto-reply").
_AWAY = _words(
    r"\b(?:out of (?:the )?office|ooo|back|return\w*|away|until|till|til|through|thru"
    r"|leave|vacation|holidays?|limited access|off|travel\w*|unavailable|resum\w*|absent)\b"
)

# Words before a bare expression that do not change it ("by Friday", "Timeline: 2 weeks").
_LABEL = re.compile(r"^(?:timeline|deadline|eta|expected|expect|when)\s*[:=-]\s*", re.IGNORECASE)
_LEADING = re.compile(
    r"^(?:no later than|not later than|some ?time|by|within|in|on|around|about|approximately"
    r"|approx\.?|roughly|before|until|till|til|at|during|for|after|from|over|circa)\s+"
)
_TRAILING = re.compile(
    r"(?:[\s.!?;:,)\]\"']+|-?ish|\s(?:or so|at the latest|latest|at most|max|maximum|tops"
    r"|or sooner|or earlier))$"
)
_QUOTE_LEAD = re.compile(
    r"\b(?:no later than|by|within|in|on|until|till|before|around|about|over|after|during"
    r"|through|from|at)\s+$"
)
# Longer texts are never a bare expression ("the second closest Monday to October 5th").
_BARE_MAX = 100
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n[ \t]*\n")
_WORD_BEFORE = re.compile(r"(\w+(?:\.\w+)*)$")


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans: ends at . ! ? and blank lines, not after "Dec." or before "9"."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith("."):
            word = _WORD_BEFORE.search(text, max(0, match.start() - 30), match.start())
            following = text[match.end() :].lstrip()[:1]
            if (word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1)) or (
                following[:1].islower() or following[:1].isdigit()
            ):
                continue
        yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _plain(text: str) -> str:
    """Lower-case text with straight apostrophes: enough to look for keywords."""
    return text.lower().replace("\u2019", "'")


def _strip_bare(text: str) -> str:
    text = _LABEL.sub("", text.strip())
    while True:
        stripped = _TRAILING.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _read_bare(text: str, ctx: Context) -> date | None:
    """The date of a text that is only a time expression, leading preposition allowed."""
    if len(text) > _BARE_MAX:
        return None
    text = _strip_bare(normalize(text).text)
    for _ in range(3):
        found = parse_whole(text, ctx)
        if found is not None:
            return found
        stripped = _LEADING.sub("", text, count=1)
        if stripped == text:
            return None
        text = stripped
    return None


def _quote(sentence: str, norm: Normalized, found: Found) -> str:
    """The expression as it stands in the original text, with its preposition ("within ...")."""
    start = found.start
    lead = _QUOTE_LEAD.search(norm.text, max(0, start - 20), start)
    if lead is not None:
        start = lead.start()
    first, last = norm.original_span(start, found.end)
    return sentence[first:last]


def _latest(text: str, ctx: Context, keywords: re.Pattern[str] | None) -> tuple[str, date] | None:
    """The latest date of any expression in sentences that have one of the `keywords`."""
    best: tuple[str, date] | None = None
    for start, end in _sentences(text):
        sentence = text[start:end]
        if keywords is not None and not keywords.search(_plain(sentence)):
            continue
        norm = normalize(sentence)
        for found in scan(norm.text, ctx):
            on = found.promised_on
            if on is None or on < ctx.anchor_on:  # P is never before A
                continue
            if best is None or on > best[1]:
                best = (_quote(sentence, norm, found), on)
    return best


def find_statement(text: str, anchor_on: date, calendar: BusinessCalendar) -> Statement | None:
    """A timeline statement in free text (a recruiter email's new text, or a `Timeline:` note)."""
    ctx = Context(anchor_on=anchor_on, calendar=calendar)
    bare = _read_bare(text, ctx)
    if bare is not None:
        if bare < anchor_on:
            return None
        return Statement(text=_strip_bare(text), promised_on=bare)
    # Several statements in one text: the latest P wins, so no follow-up falls due before
    # any date the employer gave has passed (POLICY.md "never plans a follow-up before P").
    best = _latest(text, ctx, _PROMISE)
    return None if best is None else Statement(text=best[0], promised_on=best[1])


def resolve_expression(text: str, anchor_on: date, calendar: BusinessCalendar) -> date | None:
    """A bare time expression: config default_timeline "2 weeks", a user's mark "by Friday".

    Words around the expression ("they said 2 weeks") are tolerated: the caller already
    knows the text is a timeline, so the latest date in it is taken.
    """
    ctx = Context(anchor_on=anchor_on, calendar=calendar)
    bare = _read_bare(text, ctx)
    if bare is not None:
        return bare if bare >= anchor_on else None
    best = _latest(text, ctx, None)
    return None if best is None else best[1]


def find_return_date(text: str, anchor_on: date, calendar: BusinessCalendar) -> date | None:
    """The return date R in an out-of-office auto-reply ("out of the office until Wednesday, December 9", "back on 12/9", "returning Monday"), or None."""  # noqa: E501
    ctx = Context(anchor_on=anchor_on, calendar=calendar)
    best = _latest(text, ctx, _AWAY)
    return None if best is None else best[1]
