"""English date words and the text normalisation the timeline reader matches against.

Normalised text is lower-case, has one space between words, commas dropped, number and
ordinal words turned into digits ("twenty-first" -> "21st") and "a couple of" / "a few"
reduced to the tokens `couple` / `few` (POLICY.md gives them business-day meanings).
Every normalised character remembers where it came from, so a match can be quoted as
it stands in the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from policy.vocabulary import compile_re

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
CARDINALS: dict[str, int] = {
    **_UNITS,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNIT_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
ORDINALS: dict[str, int] = {
    **_UNIT_ORDINALS,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}

_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
_ALL_CARDINALS = {**CARDINALS, **_TENS}

# Words after which a trailing "." does not end a sentence ("Dec. 9", "approx. 2 weeks").
ABBREVIATIONS: frozenset[str] = frozenset(
    {name for name in MONTHS if len(name) <= 4}
    | {name for name in WEEKDAYS if len(name) <= 5}
    | {"approx", "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "no", "vs", "wk", "wks"}
    | {"a.m", "p.m", "a.d", "inc", "ltd", "co", "est", "appx", "ca", "yr", "yrs", "mo", "mos"}
)


def ordinal(number: int) -> str:
    """`number` with its English suffix, the form the rules match ("21st", "12th")."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{_SUFFIXES.get(number % 10, 'th')}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Normalized:
    """Normalised text with, per character, the original span it stands for."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def within(self, first: int, last: int) -> Normalized:
        """The part that came from original characters [first, last) (a sentence of it)."""
        low, high = bisect_left(self.starts, first), bisect_left(self.starts, last)
        return Normalized(
            text=self.text[low:high], starts=self.starts[low:high], ends=self.ends[low:high]
        )

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that normalised characters [start, end) came from."""
        if end <= start:
            return (self.starts[start], self.starts[start]) if start < len(self.starts) else (0, 0)
        return self.starts[start], self.ends[end - 1]


_Sub = tuple[str, list[int], list[int]]


def _sub(pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], state: _Sub) -> _Sub:
    """`pattern.sub` that keeps the origin of every character; replaced text spans its match."""
    text, starts, ends = state
    if pattern.search(text) is None:
        return state
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        out.append(text[pos : match.start()])
        new_starts.extend(starts[pos : match.start()])
        new_ends.extend(ends[pos : match.start()])
        replacement = repl(match)
        first, last = starts[match.start()], ends[match.end() - 1]
        out.append(replacement)
        new_starts.extend([first] * len(replacement))
        new_ends.extend([last] * len(replacement))
        pos = match.end()
    out.append(text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return "".join(out), new_starts, new_ends


_CHAR_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    ",": " ",
}

_TRANSLATION = str.maketrans(_CHAR_MAP)
_SPACES = compile_re(r"\s{2,}|[^\S ]")  # any white space but a lone " " (the common case)
_COUPLE = compile_re(r"\b(?:a )?couple(?: of)?\b")
_FEW = compile_re(r"\ba few\b")
_COMPOUND_CARDINAL = compile_re(rf"\b({'|'.join(_TENS)})[- ]?({'|'.join(_UNITS)})\b")
_COMPOUND_ORDINAL = compile_re(rf"\b(twenty|thirty)[- ]?({'|'.join(_UNIT_ORDINALS)})\b")
_CARDINAL = compile_re(rf"\b({'|'.join(_ALL_CARDINALS)})\b")
_ORDINAL = compile_re(rf"\b({'|'.join(ORDINALS)})\b")


def normalize(text: str) -> Normalized:
    """The form of `text` the timeline rules are written against."""
    mapped = text.translate(_TRANSLATION)
    lowered = mapped.lower()
    if len(lowered) == len(text):
        state: _Sub = (lowered, list(range(len(text))), list(range(1, len(text) + 1)))
    else:  # a few characters lower-case to two ("İ"): map piece by piece
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for index, char in enumerate(mapped):
            for piece in char.lower():
                chars.append(piece)
                starts.append(index)
                ends.append(index + 1)
        state = ("".join(chars), starts, ends)
    state = _sub(_SPACES, lambda m: " ", state)
    state = _sub(_COUPLE, lambda m: "couple", state)
    state = _sub(_FEW, lambda m: "few", state)
    state = _sub(
        _COMPOUND_ORDINAL,
        lambda m: ordinal(_TENS[m.group(1)] + _UNIT_ORDINALS[m.group(2)]),
        state,
    )
    state = _sub(_COMPOUND_CARDINAL, lambda m: str(_TENS[m.group(1)] + _UNITS[m.group(2)]), state)
    state = _sub(_ORDINAL, lambda m: ordinal(ORDINALS[m.group(1)]), state)
    state = _sub(_CARDINAL, lambda m: str(_ALL_CARDINALS[m.group(1)]), state)
    text_out, starts_out, ends_out = state
    return Normalized(text=text_out, starts=tuple(starts_out), ends=tuple(ends_out))
