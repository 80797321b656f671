"""Reads timeline statements and return dates out of text (POLICY.md "The stated timeline").

The date rules live in `policy.timeline.patterns`; this module decides which words count:
a sentence that promises a response with a time expression in it, or a text that is
nothing but a time expression (a `Timeline:` note, a config value, a user's mark).

Where POLICY.md is silent, these are the rules (a careful candidate's reading):
- Several statements in one text: the latest P. Words that name a past date never count.
- Numeric dates: month first in the US (and AS GU MP PR UM VI PH FM MH PW BZ), year first
  in CN JP KR TW HU LT ("12/9" there is month/day), day first elsewhere; Canada writes
  both, so the reading that falls sooner wins. Where the country's order gives no date
  ("25/12" in the US) the other order is read. "2026-12-09" is read year first everywhere.
- "this Friday": the first Friday on or after A; "the coming Friday": strictly after.
- "early"/"beginning of" a month: the 10th, of a week: Tuesday; "mid": the 15th or
  Wednesday; "late"/"end of": the last day or Friday; "first half of <Month>": the 15th.
  "early next year": March 31; "mid next year": June 30; "in 2027": December 31, 2027.
- A month window already over ("mid-December" on December 20) is no statement; a date
  already over this year ("December 18" on December 20) is next year's (POLICY.md a day).
- "several" = "a few"; halves round up ("a week and a half" = 11 days); under 24 hours is
  A, longer hour counts round up to whole days. Only "a couple of" / "a few" days are
  business days; "a day or two" is two calendar days. "before X" reads as "by X".
- "after Christmas", "after the Christmas break", "in the new year" count as "after the
  holidays" (and give no date outside November and December); "after Thanksgiving" (or
  another named day) is the next business day after it + 5 business days, by analogy.
- A weekday that contradicts its date ("Fri, Jul 18") points to next year's date when that
  fits; otherwise the date wins (a slip).
- Inside a sentence, short forms count only after a word that introduces a date: "by the
  15th", "in May", "by Fri", "in 2027", "by 12/9", "back to you today". A clause of thanks
  ("Thanks for meeting us on Monday, ...") is not read.
- Out-of-office replies: the latest date in sentences about being away or back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from policy.business_days import BusinessCalendar
from policy.timeline.patterns import Found, parse_whole, scan
from policy.timeline.resolvers import Context
from policy.timeline.words import ABBREVIATIONS, Normalized, normalize
from policy.vocabulary import compile_re


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """A timeline statement: the words read, as they stand in the text, and P."""

    text: str
    promised_on: date


def _words(pattern: str) -> re.Pattern[str]:
    """A keyword pattern for raw lower-case text: a space stands for any run of white space."""
    return compile_re(pattern.replace(" ", r"\s+"))


# A sentence promises a response, decision, update or next step (POLICY.md "The stated
# timeline": a message "whose new text promises a response, decision, update or next step").
# Past forms ("we reviewed", "I updated the invite for Monday") and reported speech ("as I
# mentioned on Monday") are left out: their dates are no promise.
_PROMISE = _words(
    r"\b(?:hear(?:ing)?|get(?:ting)? back|back to you|in touch|in contact|touch base|ping you"
    r"|let you know|keep you (?:posted|updated|informed)|reach(?:ing)? (?:back )?out"
    r"|follow(?:ing)?[- ]up|circle back|(?:re)?connect|contact(?:ing)? you|revert|advise"
    r"|(?:speak|talk|chat) (?:to|with) you|catch up|decid(?:e|es|ing)|decisions?"
    r"|updat(?:e|es|ing)|feedback|answers?|answering|respon(?:d|ds|ding|se|ses)"
    r"|repl(?:y|ies|ying)|next steps?|wrap(?:ping)? (?:things )?up|finali[sz](?:e|es|ing)"
    r"|review(?:s|ing)?|confirm(?:s|ing|ation)?|allow|expect(?:s|ing|ed)?|news|outcome"
    r"|results?|conclu(?:de|des|ding|sion)|notif(?:y|ying|ication)|inform(?:ing)?|verdict"
    r"|determin(?:e|es|ing|ation)|make (?:a|the|our|their|a final) (?:call|choice|selection)"
    r"|timeline|timeframe|time frame|turnaround|takes|estimated?|eta|target(?:s|ing)?"
    r"|(?:will|'ll|should|may|might|could|would) (?:take|know)|know more|offers?|word"
    r"|(?:have|get|send|share|give)(?: you)?(?: (?:more|further|an?))? (?:information|info"
    r"|details|clarity|an idea))\b"
)

# An auto-reply sentence about being away and coming back (POLICY.md "Auto-reply").
_AWAY = _words(
    r"\b(?:out of (?:the )?office|ooo|back|return\w*|away|until|till|til|through|thru"
    r"|leave|vacation|holidays?|limited access|off|travel\w*|unavailable|resum\w*|absent)\b"
)

# Without one of these a sentence holds no time expression: it is not normalised or scanned.
_DATEISH = compile_re(
    r"\d|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|to(?:d|n|m)"
    r"|tmr|eo[dbwmqy]|cob|week|quarter|qtr|year|yr|q[1-4]|day|hour|hr|min|fortnight|first|second"
    r"|third|th\b|christmas|xmas|new year|thanksgiving|easter|halloween|valentine|patrick"
    r"|independence|holiday|festive|ides|business|now|present|moment|this time"
)

# Words before a bare expression that do not change it ("by Friday", "Timeline: 2 weeks").
_LABEL = compile_re(r"^(?:timeline|deadline|eta|expected|expect|when)\s*[:=-]\s*", re.IGNORECASE)
_LEADING = compile_re(
    r"^(?:no later than|not later than|some ?time|by|within|in|on|around|about|approximately"
    r"|approx\.?|roughly|before|until|till|til|at|during|for|after|from|over|circa)\s+"
)
_TRAILING = compile_re(
    r"(?:[\s.!?;:,)\]\"']+|[- ]ish|\s(?:or so|at the latest|latest|at most|max|maximum|tops"
    r"|or sooner|or earlier))$"
)
_QUOTE_LEAD = compile_re(
    r"\b(?:no later than|by|within|in|on|until|till|before|around|about|over|after|during"
    r"|through|from|at)\s+$"
)
# Longer texts are never a bare expression ("the second closest Monday to October 5th").
_BARE_MAX = 100
_SENTENCE_END = compile_re(r"[.!?]+(?=[\s\"')\]]|$)|;|\n[ \t]*\n")
_WORD_BEFORE = compile_re(r"(\w+(?:\.\w+)*)$")
# A clause of thanks or pleasantry looks back: "Thanks for meeting us on Monday, we'll be in
# touch" promises nothing for Monday. Its dates are not read (to the clause's end).
_LOOKING_BACK = compile_re(
    r"\b(?:thanks?(?: you)?(?: (?:so|very) much| again| all)? for|(?:great|nice|good|lovely"
    r"|wonderful|a pleasure) (?:meeting|speaking|talking|chatting|seeing|to meet|to speak"
    r"|to talk|to chat|to see)|enjoyed (?:meeting|speaking|talking|chatting|our|the))"
    r"[^,;:.!?]*?(?=[,;:.!?]|\s(?:and|but|so|we|i)\b|$)",
    re.IGNORECASE,
)

# A clause that tells what already happened: "We reviewed your profile on Monday and will be
# in touch" promises nothing for Monday, "we received your application on November 20"
# nothing for next November. Only a date standing bare or after "on" is read this way: a
# "by", "within" or "until" looks ahead whatever the verb.
_PAST_CLAUSE = compile_re(
    r"(?:\b(?:we|i|they|he|she|you|team|manager|committee|panel)"
    r"(?:'ve|'d| have| has| had| just| already| all| both)*"
    r" (?:(?!(?:need|proceed|succeed|exceed|feed|speed|seed|breed|indeed)\b)\w{2,}ed"
    r"|met|spoke|sent|saw|took|came|went|told|said|wrote|began|got|heard|had"
    r"|held|gave|did|made|caught up|sat down)\b"
    r"|\bas (?:discussed|mentioned|promised|agreed|noted)\b"
    r"|\b(?:was|were) \w{2,}ed\b)[^,;:.!?]*$",
    re.IGNORECASE,
)
_CLAUSE_START = compile_re(r".*(?:[,;:]|\b(?:and|but|so|then|while|because)\b)", re.DOTALL)
_LOOKS_AHEAD = compile_re(
    r"\b(?:by|within|in|until|till|til|before|after|around|about|over|during|through"
    r"|no later than|next|this|coming)\s+$",
    re.IGNORECASE,
)


_CLAUSE_WINDOW = 300


def _told_as_past(text: str, sentence_start: int, phrase_start: int) -> bool:
    """Whether the expression at `phrase_start` dates something that already happened."""
    # The clause that holds the expression, as far back as a clause reaches in real mail:
    # a bounded window keeps one endless sentence linear.
    before = text[max(sentence_start, phrase_start - _CLAUSE_WINDOW) : phrase_start]
    if _LOOKS_AHEAD.search(before[-20:]):
        return False
    clause = _CLAUSE_START.match(before)
    if clause is not None:
        before = before[clause.end() :]
    return _PAST_CLAUSE.search(before) is not None


# A deadline set for me is no statement (POLICY.md "The stated timeline"): "please return
# the signed letter by December 18", "reply within 24 hours", "you have until Friday to
# accept", "the link is valid for five days". Read in the clause that holds the expression.
_CLAUSE_BREAK = compile_re(
    r".*(?:[,;:()\u2014]|\b(?:and|but|so|then|while|because|meanwhile|otherwise|in the meantime"
    r"|after which)\b)",
    re.DOTALL | re.IGNORECASE,
)
_REQUEST = compile_re(
    r"\b(?:please|pls|kindly|could you|can you|would you|will you|if you could|if you can"
    r"|make sure|be sure to|remember to|do not forget|don't forget|we ask that|we'd ask"
    r"|(?:we|i) (?:would |'d )?(?:need|require|request|ask|like|appreciate|want)"
    r" (?:that )?(?:you|your|for you|it if you)|(?:ask|asking|remind|reminding|invite|inviting"
    r"|encourage) you to|you (?:will |'ll |would )?(?:need|must|are (?:asked|required"
    r"|requested|expected|invited)|'re (?:asked|required|requested|expected|invited)|have to"
    r"|should (?!hear|receive|get|expect|know|have|be hearing))\b|(?:offer|link|invitation"
    r"|assessment|test|slot|this|it|access)"
    r" (?:is |will be |remains |stays )?(?:valid|open|available|active|live|expires?|closes?)"
    r"(?: (?:for|until|through))?\W*$|deadline(?: (?:for|to) (?:you|your|accept|respond|reply"
    r"|submit|return|sign|confirm"
    r"|complete)[\w' ]{0,40}?)?\W*(?:is|will be)?\W*$"
    r"|(?:your|the) (?:response|reply|acceptance|answer|signature|documents?|references"
    r"|availability|paperwork|forms?|submission) (?:is |are )?(?:due|needed|required|requested)"
    r"|(?:due|needed) back)|\byou(?: have|'ve got| will have|'ll have)(?:\s+(?:until|till|til"
    r"|through|thru|up to"
    r"|no later than|only))?\s*$",
    re.IGNORECASE,
)
# An imperative to me at the start of the clause: "Sign and return it by Friday".
_IMPERATIVE = compile_re(
    r"^\W*(?:(?:also|just|then|now|simply|first)\s+)?(?:sign|countersign|return|send|submit"
    r"|complete|reply|respond|confirm|accept|let (?:us|me) know|provide|share|book|schedule"
    r"|choose|pick|select|fill|upload|email|e-mail|call|ring|get back to (?:us|me)|tell (?:us|me)"
    r"|forward|bring|finish|take|do|sit|attempt|register|rsvp|note|mail|post|drop)\b",
    re.IGNORECASE,
)
# What they will do, after the request word, makes the clause a promise again: "please
# expect to hear from us by Friday".
_THEIR_PART = compile_re(
    r"\b(?:we|we'll|we will|i'll|i will|us|our team|the team|they|hear|get back to you|be in"
    r"\s+touch|let you know|update you|reach out to you|contact you|expect|allow|give (?:us|me"
    r"|them|the team)|bear with|be patient|wait)\b",
    re.IGNORECASE,
)


def _asked_of_me(text: str, sentence_start: int, phrase_start: int) -> bool:
    """Whether the expression at `phrase_start` is a deadline set for me, not a promise."""
    before = text[max(sentence_start, phrase_start - _CLAUSE_WINDOW) : phrase_start]
    clause = before
    broken = _CLAUSE_BREAK.match(before)
    if broken is not None and before[broken.end() :].strip():
        clause = before[broken.end() :]
    if _IMPERATIVE.match(clause):
        return _THEIR_PART.search(clause) is None
    request = _REQUEST.search(clause)
    if request is None:
        return False
    return _THEIR_PART.search(clause, request.end()) is None


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans: ends at . ! ? and blank lines, not after "Dec." or before "9"."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith("."):
            word = _WORD_BEFORE.search(text, max(0, match.start() - 30), match.start())
            following = text[match.end() :].lstrip()[:1]
            abbreviated = word is not None and (
                word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1
            )
            if abbreviated or following.islower() or following.isdigit():
                continue
        yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _plain(text: str) -> str:
    """Lower-case text with straight apostrophes: enough to look for keywords."""
    return text.lower().replace("\u2019", "'")


def _strip_bare(text: str) -> str:
    """`text` without a label ("Timeline:") and trailing punctuation or hedges ("or so")."""
    text = _LABEL.sub("", text.strip())
    while True:
        stripped = _TRAILING.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _read_bare(norm: Normalized | None, ctx: Context) -> date | None:
    """The date of a text that is only a time expression, leading preposition allowed."""
    if norm is None:
        return None
    text = _strip_bare(norm.text)
    for _ in range(3):
        found = parse_whole(text, ctx)
        if found is not None:
            return found
        stripped = _LEADING.sub("", text, count=1)
        if stripped == text:
            return None
        text = stripped
    return None


def _short(text: str) -> Normalized | None:
    """`text` normalised when it is short enough to be a bare expression, else None."""
    return normalize(text) if len(text) <= _BARE_MAX else None


def _quote(text: str, norm: Normalized, found: Found) -> str:
    """The expression as it stands in the original text, with its preposition ("within ...")."""
    start = found.start
    lead = _QUOTE_LEAD.search(norm.text, max(0, start - 20), start)
    if lead is not None:
        start = lead.start()
    first, last = norm.original_span(start, found.end)
    return text[first:last]


def _latest(
    text: str, ctx: Context, keywords: re.Pattern[str] | None, whole: Normalized | None
) -> tuple[str, date] | None:
    """The latest date of any expression in sentences that have one of the `keywords`."""
    best: tuple[str, date] | None = None
    for start, end in _sentences(text):
        sentence = text[start:end]
        plain = _plain(sentence)
        if _DATEISH.search(plain) is None:
            continue
        if keywords is not None and not keywords.search(plain):
            continue
        if whole is None:  # normalised once, and only once a sentence needs it
            whole = normalize(text)
        norm = whole.within(start, end)
        looking_back = [
            (start + m.start(), start + m.end()) for m in _LOOKING_BACK.finditer(sentence)
        ]
        back_starts = [low for low, _ in looking_back]
        for found in scan(norm.text, ctx):
            on = found.promised_on
            if on is None or on < ctx.anchor_on:  # P is never before A
                continue
            first, _ = norm.original_span(found.start, found.end)
            before = bisect_right(back_starts, first) - 1  # clauses are disjoint, in order
            if before >= 0 and first < looking_back[before][1]:
                continue
            if keywords is _PROMISE and (
                _told_as_past(text, start, first) or _asked_of_me(text, start, first)
            ):
                continue
            if best is None or on > best[1]:
                best = (_quote(text, norm, found), on)
    return best


def find_statement(text: str, anchor_on: date, calendar: BusinessCalendar) -> Statement | None:
    """A timeline statement in free text (a recruiter email's new text, or a `Timeline:` note)."""
    if _DATEISH.search(_plain(text)) is None:
        return None
    ctx = Context(anchor_on=anchor_on, calendar=calendar)
    short = _short(text)
    bare = _read_bare(short, ctx)
    if bare is not None:
        if bare < anchor_on:
            return None
        return Statement(text=_strip_bare(text), promised_on=bare)
    # Several statements in one text: the latest P wins, so no follow-up falls due before
    # any date the employer gave has passed (POLICY.md "never plans a follow-up before P").
    best = _latest(text, ctx, _PROMISE, short)
    return None if best is None else Statement(text=best[0], promised_on=best[1])


def resolve_expression(text: str, anchor_on: date, calendar: BusinessCalendar) -> date | None:
    """A bare time expression: config default_timeline "2 weeks", a user's mark "by Friday".

    Words around the expression ("they said 2 weeks") are tolerated: the caller already
    knows the text is a timeline, so the latest date in it is taken.
    """
    ctx = Context(anchor_on=anchor_on, calendar=calendar)
    short = _short(text)
    bare = _read_bare(short, ctx)
    if bare is not None:
        return bare if bare >= anchor_on else None
    best = _latest(text, ctx, None, short)
    return None if best is None else best[1]


def find_return_date(text: str, anchor_on: date, calendar: BusinessCalendar) -> date | None:
    """The return date R in an out-of-office auto-reply, or None.

    "out of the office until Wednesday, December 9", "back on 12/9", "returning Monday";
    of several dates the latest, so no follow-up falls due while the reader is away.
    """
    ctx = Context(anchor_on=anchor_on, calendar=calendar)
    best = _latest(text, ctx, _AWAY, None)
    return None if best is None else best[1]
