"""The time expressions of POLICY.md "The stated timeline and the promised date P".

Each rule is a regular expression over normalised text (see `policy.timeline.words`) and a
function from its match to the promised date P: the last day of the window the words
give, counted from the anchor date A. `scan` finds the expressions inside a sentence;
`parse_whole` reads a text that is nothing but one expression.

Why one long module: the rules form one ordered table (earlier rules win an overlap), and
a reader checking which words give which date needs the whole table in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from policy.timeline.dates import FRIDAY, SUNDAY
from policy.timeline.resolvers import (
    Combiner,
    Context,
    Resolver,
    combine_closest_weekday,
    combine_duration_from,
    combine_nth_weekday_after,
    combine_week_of,
    early_in_month,
    end_of_month,
    mid_month,
    month_window,
    next_week_day,
    quarter_window,
    resolve_after_holiday,
    resolve_after_the_holidays,
    resolve_anchor,
    resolve_day_of_month,
    resolve_duration,
    resolve_half_duration,
    resolve_holiday,
    resolve_ides,
    resolve_iso_date,
    resolve_iso_month,
    resolve_last_day_of_month_ref,
    resolve_month_day,
    resolve_month_in_years,
    resolve_named_month,
    resolve_named_year,
    resolve_next_named_month,
    resolve_nothing,
    resolve_nth_day_of_month_ref,
    resolve_nth_week_of,
    resolve_nth_weekday_of_month_ref,
    resolve_numeric_date,
    resolve_quarter,
    resolve_this_week,
    resolve_this_weekend,
    resolve_weekday_after_next,
    resolve_weekday_and_day,
    resolve_weekday_next,
    resolve_weekday_next_week,
    resolve_weekday_this,
    resolve_weekday_this_week,
    resolve_weekday_week_after_next,
    resolve_weekdays_from_now,
    shift_days,
    this_week_day,
    year_window,
)
from policy.timeline.words import MONTHS
from policy.vocabulary import compile_re


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One kind of time expression.

    `lead`, when set, marks a weak form ("the 15th", "May", "sat") that counts inside a
    sentence only right after one of its lead words ("by the 15th", "in May"); read
    alone it always counts. A composite rule (`combine`) reads its `rest` group as an
    expression of its own ("three days after Easter").
    """

    name: str
    pattern: re.Pattern[str]
    resolve: Resolver | None = None
    combine: Combiner | None = None
    lead: re.Pattern[str] | None = None
    bare_only: bool = False
    needs: re.Pattern[str] | None = None  # a cheap test that a sentence may hold this rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """An expression found in normalised text; `promised_on` is None when it gives no date."""

    start: int
    end: int
    promised_on: date | None
    rule: str


# --- words ------------------------------------------------------------------------------

_WD_FULL = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_WD_ABBR = "tues|thurs|thur|weds|mon|tue|wed|thu|fri|sat|sun"
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20|21)\d\d"
_DAYNUM = r"[12]\d|3[01]|0?[1-9]"
_QTY = r"\d{1,5}|an?|couple|few|several"
_UNIT = (
    r"(?:(?:business|working|work|calendar) )?"
    r"(?:days?|weeks?|wks?|fortnights?|months?|mos?|quarters?|qtrs?|years?|yrs?"
    r"|hours?|hrs?|minutes?|mins?)"
)


def _wd(name: str = "wd") -> str:
    return rf"(?P<{name}>(?:{_WD_FULL})s?|(?:{_WD_ABBR})\.?)"


def _mon(name: str = "mon") -> str:
    return rf"(?P<{name}>(?:{_MONTH_ALT})\.?)"


def _day(name: str = "day") -> str:
    return rf"(?P<{name}>{_DAYNUM})(?:st|nd|rd|th)?"


def _ordday(name: str = "day") -> str:
    return rf"(?P<{name}>{_DAYNUM})(?:st|nd|rd|th)"


def _ordn(name: str = "n") -> str:
    return rf"(?P<{name}>\d{{1,2}})(?:st|nd|rd|th)"


# An optional year after a day and month: "2015", "of 2015", "'15", or a closing "15".
_YEAR_AFTER = (
    rf"(?: (?:of )?(?P<year>{_YEAR})(?: ?a\.?d\.?)?| ?'(?P<yy>\d\d)"
    r"| (?P<yy2>\d\d)(?= ?(?:$|[.;:!?)])))?"
)
_MONTH_REF = (
    rf"(?:{_mon()}(?: (?:of )?(?P<year>{_YEAR}))?"
    r"|(?P<rel>this|the current|the|next|the next|the following) month)"
)
_NEXT = r"(?:next|the following|the coming|the upcoming|upcoming|coming|following)"
_END_OF = r"(?:(?:the )?(?:end|close) of )"


def _lead(words: str, gap: str = "") -> re.Pattern[str]:
    return compile_re(rf"\b(?:{words})\s+{gap}$")


_DATE_LEAD = _lead(
    "by|on|until|till|til|before|after|around|from|through|thru|than|of|due|starting|effective"
    "|between|and|or|to"
)
_DASH_DATE_LEAD = _lead("by|on|until|till|til|before|due|than")
_MONTH_LEAD = _lead(
    "in|by|on|until|till|til|before|after|during|around|through|thru|than|of|from|for|early|mid"
    "|late|end"
)
_YEAR_LEAD = _lead("in|by|during|until|till|before|than|of|for|around|after")
# "today" often tells when something else happens ("we're meeting today to discuss"): it is
# a promised date only after "by" or right after what is promised ("you'll hear back today").
_TODAY_LEAD = compile_re(
    r"(?:\b(?:by|until|till|before|later|sometime|eod)\s+(?:\S+\s+){0,2}"
    r"|\b(?:respond|reply|decide|know|confirm|back|out|touch|you|us|answers?|news|updates?"
    r"|feedback|decision|word|results?|outcome)\s+)$"
)
_WD_LEAD = _lead("by|on|until|till|til|before|after|this|next|than|coming|from|through|thru|around")


# --- the rules -------------------------------------------------------------------------


def _rules(
    name: str,
    patterns: Sequence[str],
    resolve: Resolver | None = None,
    *,
    combine: Combiner | None = None,
    lead: re.Pattern[str] | None = None,
    bare_only: bool = False,
    needs: re.Pattern[str] | None = None,
) -> list[Rule]:
    return [
        Rule(
            name=name,
            pattern=compile_re(rf"(?<![\w'])(?:{body})(?![\w])"),
            resolve=resolve,
            combine=combine,
            lead=lead,
            bare_only=bare_only,
            needs=needs,
        )
        for body in patterns
    ]


_HOLIDAY = (
    r"(?P<hol>christmas eve|christmas(?: day)?|xmas|new year'?s?'? eve"
    r"|new year'?s?'?(?: day)?|thanksgiving(?: day)?|easter sunday|easter monday"
    r"|easter|good friday|black friday|halloween|valentine'?s?'?(?: day)?"
    r"|independence day|st\.? patrick'?s?'?(?: day)?)"
    rf"(?: (?:of )?(?P<year>{_YEAR}))?"
)
_REST = r"(?P<rest>[^ ]+(?: [^ ]+){0,5})"
_NOT_NOUN = (
    r"(?! (?:round|interview|stage|step|phase|time|quarter|qtr|week|day|month|year|candidate"
    r"|floor|person|place|call|meeting|conversation|attempt|part|half|party|level|one|option)s?\b)"
)
_NOT_UNIT = rf"(?! ?(?:{_UNIT}|(?:business|working|calendar)\b))"
_RANGE = rf"(?P<q1>{_QTY})(?: ?(?:-|to|or|and) ?(?P<q2>{_QTY}))?"
_DURATION = (
    # "once a week", "every 2 weeks" are a rhythm, not a window.
    r"(?<!once )(?<!twice )(?<!per )(?<!every )(?<!each )"
    r"(?:(?:another|a further|further|an additional|additional|an extra|extra|the next|the"
    r" coming|the upcoming|the following|next|coming|upcoming|following) )?"
    rf"{_RANGE}(?P<half1> and (?:a|1) half)?(?:-| )"
    r"(?:(?:more|additional|extra|further|upcoming|coming|next) )?"
    rf"(?P<unit>{_UNIT})(?:'s|')?(?P<half2> and (?:a|1) half)?"
    rf"(?: or (?P<q3>\d{{1,3}}){_NOT_UNIT}(?![/-]\d))?"
    r"(?: (?:time|from (?:right )?now|from today|hence|out|later|or so))?"
)

# Substrings without which a family of rules cannot match; they spare most sentences most rules.
_DIGIT = compile_re(r"\d")
_WD_WORD = compile_re(r"mon|tue|wed|thu|fri|sat|sun")
_MONTH_WORD = compile_re(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
_UNIT_WORD = compile_re(r"day|wk|week|fortnight|mo|quarter|qtr|year|yr|hour|hr|min")
_WEEK = compile_re(r"week|eow")
_MONTH = compile_re(r"month|eom")
_QUARTER = compile_re(r"q")
_YEAR_WORD = compile_re(r"year|yr|eoy")

RULES: tuple[Rule, ...] = tuple(
    [
        # numeric dates
        *_rules(
            "iso date",
            [rf"(?P<year>{_YEAR})([-/.])(?P<m>0?[1-9]|1[0-2])\2(?P<d>{_DAYNUM})(?![/.-]?\d)"],
            resolve_iso_date,
            needs=_DIGIT,
        ),
        *_rules(
            "numeric date",
            [r"(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})\2(?P<c>\d{4}|\d{2})(?![/.-]?\d)"],
            resolve_numeric_date,
            needs=_DIGIT,
        ),
        *_rules(
            "iso month",
            [rf"(?P<year>{_YEAR})[-/](?P<m>0?[1-9]|1[0-2])(?![/.-]?\d)"],
            resolve_iso_month,
            needs=_DIGIT,
        ),
        *_rules(
            "numeric day",
            [rf"(?P<a>\d{{1,2}}) ?/ ?(?P<b>\d{{1,2}})(?![/.-]?\d){_NOT_UNIT}"],
            resolve_numeric_date,
            lead=_DATE_LEAD,
            needs=_DIGIT,
        ),
        *_rules(
            # "2-15" is more often a range of counts than a date: only right after "by", "on"...
            "numeric day with a dash",
            [rf"(?P<a>\d{{1,2}}) ?- ?(?P<b>\d{{1,2}})(?![/.-]?\d){_NOT_UNIT}(?! ?(?:or|to)\b)"],
            resolve_numeric_date,
            lead=_DASH_DATE_LEAD,
            needs=_DIGIT,
        ),
        # durations
        *_rules(
            "duration ago",
            [rf"{_DURATION} (?:ago|back|before now|earlier)"],
            resolve_nothing,
            needs=_UNIT_WORD,
        ),
        *_rules("duration", [_DURATION], resolve_duration, needs=_UNIT_WORD),
        *_rules(
            "half duration",
            [rf"(?:half an?|a half) (?P<unit>{_UNIT})"],
            resolve_half_duration,
            needs=_UNIT_WORD,
        ),
        *_rules(
            "duration from",
            [
                rf"(?P<q1>{_QTY}) (?P<unit>{_UNIT}) (?P<dir>after|from|before|following) {_REST}",
            ],
            combine=combine_duration_from,
            needs=_UNIT_WORD,
        ),
        # days
        *_rules(
            "end of day",
            [
                r"(?:(?:by |at )?(?:the )?(?:end|close) of (?:the )?(?:business |work |working )?"
                r"day(?: today)?|eod|e\.o\.d\.?|cob|c\.o\.b\.?|eob|close of business"
                r"|end of business|later today|later tonight|sometime today|end of today)"
            ],
            resolve_anchor,
        ),
        *_rules(
            "today",
            [r"today|tonight|this (?:morning|afternoon|evening)"],
            resolve_anchor,
            lead=_TODAY_LEAD,
        ),
        *_rules(
            "now",
            [r"(?:right )?now|at this time|at (?:the )?present|at the moment"],
            resolve_anchor,
            bare_only=True,
        ),
        *_rules("day after tomorrow", [r"(?:the )?day after (?:tomorrow|tmrw)"], shift_days(2)),
        *_rules("tomorrow", [r"tomorrows?|tmrw|tmr|tomorow|tommorow|tommorrow"], shift_days(1)),
        *_rules("yesterday", [r"(?:the )?day before yesterday|yesterday"], resolve_nothing),
        # weekdays
        *_rules(
            "weekday after next",
            [rf"(?:the )?{_wd()} after next"],
            resolve_weekday_after_next,
            needs=_WD_WORD,
        ),
        *_rules(
            "weekday of week after next",
            [
                rf"{_wd()} (?:of |in )?the week after next",
                rf"(?:the )?week after next (?:on )?{_wd()}",
            ],
            resolve_weekday_week_after_next,
            needs=_WD_WORD,
        ),
        *_rules(
            "next weekday",
            [
                rf"next {_wd()}",
                rf"{_wd()} (?:of |in )?(?:next|the following) week",
                rf"next week (?:on )?{_wd()}",
            ],
            resolve_weekday_next_week,
            needs=_WD_WORD,
        ),
        *_rules(
            "weekday this week",
            [rf"{_wd()} (?:of |in )?this week", rf"this week (?:on )?{_wd()}"],
            resolve_weekday_this_week,
            needs=_WD_WORD,
        ),
        *_rules("this weekday", [rf"this {_wd()}"], resolve_weekday_this, needs=_WD_WORD),
        *_rules(
            "coming weekday",
            [rf"(?:the )?(?:coming|upcoming|following) {_wd()}"],
            resolve_weekday_next,
            needs=_WD_WORD,
        ),
        *_rules(
            "past weekday", [rf"(?:last|past|previous) {_wd()}"], resolve_nothing, needs=_WD_WORD
        ),
        *_rules(
            "weekdays from now",
            [rf"(?P<q1>\d{{1,4}}) {_wd()} (?:from (?:now|today)|hence)"],
            resolve_weekdays_from_now,
            needs=_WD_WORD,
        ),
        *_rules(
            "weekday and day",
            [rf"{_wd()}(?: the)? {_ordday()}(?! (?:of )?(?:{_MONTH_ALT}))"],
            resolve_weekday_and_day,
            needs=_WD_WORD,
        ),
        *_rules(
            "nth weekday of month",
            [
                rf"(?:the )?{_ordn()} {_wd()} (?:of|in) {_MONTH_REF}",
                rf"(?:the )?(?P<last>last) {_wd()} (?:of|in) {_MONTH_REF}",
            ],
            resolve_nth_weekday_of_month_ref,
            needs=_WD_WORD,
        ),
        *_rules(
            "nth weekday after",
            [rf"(?:the )?{_ordn()} {_wd()} (?:after|from) {_REST}"],
            combine=combine_nth_weekday_after,
            needs=_WD_WORD,
        ),
        *_rules(
            "closest weekday",
            [rf"(?:the )?(?:{_ordn()} )?closest {_wd()} to {_REST}"],
            combine=combine_closest_weekday,
            needs=_WD_WORD,
        ),
        *_rules("weekday", [rf"(?P<wd>(?:{_WD_FULL})s?)"], resolve_weekday_next, needs=_WD_WORD),
        *_rules(
            "weekday abbreviation",
            [rf"(?P<wd>(?:{_WD_ABBR})\.?)"],
            resolve_weekday_next,
            lead=_WD_LEAD,
            needs=_WD_WORD,
        ),
        # dates with a month name
        *_rules(
            "month day",
            [
                rf"(?:{_wd()} )?{_mon()} ?(?:the )?{_day()}"
                rf"(?: ?(?:-|to|through|thru|until|till) ?(?P<day2>{_DAYNUM})(?:st|nd|rd|th)?)?"
                rf"{_YEAR_AFTER}(?: {_wd('wd2')})?",
                rf"(?:{_wd()} )?(?:the )?{_day()} ?(?:of |day of )?{_mon()}{_YEAR_AFTER}"
                rf"(?: {_wd('wd2')})?",
            ],
            resolve_month_day,
            needs=_MONTH_WORD,
        ),
        *_rules("ides", [rf"(?:the )?ides of {_mon()}"], resolve_ides, needs=_MONTH_WORD),
        *_rules(
            "day of month reference",
            [
                rf"(?:the )?{_day()} (?:day )?(?:of|in) "
                r"(?P<rel>this|the current|the|next|the next|the following) month",
                rf"(?:the )?{_ordday()} day (?:of|in) {_MONTH_REF}",
            ],
            resolve_nth_day_of_month_ref,
            needs=_DIGIT,
        ),
        *_rules(
            "last day of month",
            [rf"(?:the )?(?:{_ordn()} )?last day (?:of|in) {_MONTH_REF}"],
            resolve_last_day_of_month_ref,
        ),
        *_rules(
            "day of month",
            [rf"(?:the )?{_ordday()}{_NOT_NOUN}(?! of\b)", rf"the (?P<day>{_DAYNUM})(?! \w)"],
            resolve_day_of_month,
            lead=_DATE_LEAD,
            needs=_DIGIT,
        ),
        # named days
        *_rules(
            "after the holidays",
            [
                r"after (?:the )?(?:holidays|holiday season|holiday break|holiday period"
                r"|festive season|festive period|festive break|winter break|winter holidays?"
                r"|christmas|xmas|new year'?s?'?|the new year)"
                r"(?: (?:break|holidays?|period|season|day))?",
                r"(?:early )?in the new year|(?:at )?the (?:start|beginning) of the new year",
            ],
            resolve_after_the_holidays,
        ),
        *_rules(
            "after a holiday",
            [rf"after (?:the )?{_HOLIDAY}(?: (?:break|holidays?|weekend|long weekend))?"],
            resolve_after_holiday,
        ),
        *_rules("holiday", [_HOLIDAY], resolve_holiday),
        # weeks
        *_rules(
            "this week",
            [
                r"(?:the )?(?:end|close|rest|remainder) of (?:the|this) (?:work ?)?week"
                r"|(?:the )?end of (?:the )?week|eow|e\.o\.w\.?"
                r"|(?:later |late )?this (?:work ?)?week|within the week|this week'?s end"
            ],
            resolve_this_week,
            needs=_WEEK,
        ),
        *_rules(
            "early this week",
            [r"(?:early|(?:the )?(?:beginning|start) of) (?:this|the) week"],
            this_week_day(1),
            needs=_WEEK,
        ),
        *_rules(
            "mid this week",
            [r"(?:mid[- ]?|(?:the )?middle of )(?:this |the )week|mid[- ]?week"],
            this_week_day(2),
            needs=_WEEK,
        ),
        *_rules(
            "next week",
            [
                rf"(?:{_END_OF}|late |later |by )?{_NEXT} (?:work ?)?week",
                r"(?:the )?(?:end|close) of the following week|next week'?s end",
            ],
            next_week_day(FRIDAY),
            needs=_WEEK,
        ),
        *_rules(
            "early next week",
            [
                rf"(?:early|(?:the )?(?:beginning|start) of|1st thing) {_NEXT} week",
                rf"early in {_NEXT} week|{_NEXT} week early",
            ],
            next_week_day(1),
            needs=_WEEK,
        ),
        *_rules(
            "mid next week",
            [rf"(?:mid[- ]?|(?:the )?middle of ){_NEXT} week|midweek next week"],
            next_week_day(2),
            needs=_WEEK,
        ),
        *_rules(
            "week after next",
            [rf"(?:{_END_OF})?(?:the )?week after next"],
            next_week_day(FRIDAY, weeks=2),
            needs=_WEEK,
        ),
        *_rules("this weekend", [r"(?:the|this) weekend"], resolve_this_weekend, needs=_WEEK),
        *_rules("next weekend", [r"next weekend"], next_week_day(SUNDAY), needs=_WEEK),
        *_rules("week of", [rf"(?:the )?week of {_REST}"], combine=combine_week_of, needs=_WEEK),
        *_rules(
            "nth week of",
            [
                rf"(?:the )?(?:{_ordn()} (?P<last>last )?|(?P<last2>last) )week (?:of|in) "
                rf"(?:{_MONTH_REF}|(?P<yonly>{_YEAR}))"
            ],
            resolve_nth_week_of,
            needs=_WEEK,
        ),
        # months
        *_rules(
            "this month",
            [
                r"(?:the )?(?:end|close|rest|remainder) of (?:the|this) month|(?:the )?end of month"
                r"|eom|e\.o\.m\.?|month[- ]end|(?:later |late )?this month|within the month"
                r"|the current month"
            ],
            month_window(end_of_month)(0),
            needs=_MONTH,
        ),
        *_rules(
            "early this month",
            [r"(?:early|(?:the )?(?:beginning|start) of) (?:this|the) month"],
            month_window(early_in_month)(0),
            needs=_MONTH,
        ),
        *_rules(
            "mid this month",
            [r"(?:mid[- ]?|(?:the )?middle of )(?:this |the )?month"],
            month_window(mid_month)(0),
            needs=_MONTH,
        ),
        *_rules(
            "next month",
            [rf"(?:{_END_OF}|late |later )?{_NEXT} month"],
            month_window(end_of_month)(1),
            needs=_MONTH,
        ),
        *_rules(
            "early next month",
            [rf"(?:early|(?:the )?(?:beginning|start) of) {_NEXT} month|early in {_NEXT} month"],
            month_window(early_in_month)(1),
            needs=_MONTH,
        ),
        *_rules(
            "mid next month",
            [rf"(?:mid[- ]?|(?:the )?middle of ){_NEXT} month"],
            month_window(mid_month)(1),
            needs=_MONTH,
        ),
        *_rules(
            "month with modifier",
            [
                r"(?P<mod>early|early in|(?:the )?(?:beginning|start|middle|end|close) of|mid"
                r"|late|late in|(?:the )?(?:1st|2nd) half of)[- ]?"
                rf"{_mon()}(?: (?:of )?(?P<year>{_YEAR})| (?P<rel>next year|this year))?"
            ],
            resolve_named_month,
            needs=_MONTH_WORD,
        ),
        *_rules(
            "month and year",
            [rf"{_mon()} (?:of )?(?P<year>{_YEAR})", rf"{_mon()} (?P<rel>next year|this year)"],
            resolve_named_month,
            needs=_MONTH_WORD,
        ),
        *_rules(
            "next named month",
            [rf"next {_mon()}", rf"{_mon()} (?P<after>after next)"],
            resolve_next_named_month,
            needs=_MONTH_WORD,
        ),
        *_rules(
            "month in years",
            [rf"{_mon()} in (?P<q1>\d{{1,3}}|an?) (?:years?|yrs?)"],
            resolve_month_in_years,
            needs=_MONTH_WORD,
        ),
        *_rules("month", [_mon()], resolve_named_month, lead=_MONTH_LEAD, needs=_MONTH_WORD),
        # quarters
        *_rules(
            "quarter",
            [
                rf"{_END_OF}?(?:the )?(?:q(?P<q>[1-4])|(?P<n>[1-4])(?:st|nd|rd|th) (?:quarter|qtr))"
                rf"(?: (?:of )?(?P<year>{_YEAR})| ?'(?P<yy>\d\d)"
                r"| (?:of )?(?P<rel>this|next) year)?",
                rf"(?P<yq>\d\d|{_YEAR}) ?q(?P<q>[1-4])",
            ],
            resolve_quarter,
            needs=_QUARTER,
        ),
        *_rules(
            "this quarter",
            [
                rf"{_END_OF}?(?:this|the current) (?:quarter|qtr)|(?:the )?end of (?:the )?"
                r"(?:quarter|qtr)|eoq|quarter[- ]end|within the quarter"
            ],
            quarter_window(0),
            needs=_QUARTER,
        ),
        *_rules(
            "next quarter",
            [rf"{_END_OF}?(?:the )?{_NEXT} (?:quarter|qtr)"],
            quarter_window(1),
            needs=_QUARTER,
        ),
        # years
        *_rules(
            "this year",
            [
                rf"{_END_OF}?(?:this|the current) (?:year|yr)|(?:the )?end of (?:the )?year|eoy"
                r"|year[- ]end|(?:later|late) this year|within the year|the rest of the year"
            ],
            year_window(0),
            needs=_YEAR_WORD,
        ),
        *_rules(
            "next year",
            [rf"(?:{_END_OF}|late |later )?(?:next|the following) (?:year|yr)"],
            year_window(1),
            needs=_YEAR_WORD,
        ),
        *_rules(
            "early next year",
            [r"(?:early|(?:the )?(?:beginning|start) of) next (?:year|yr)|early in next year"],
            year_window(1, 3),
            needs=_YEAR_WORD,
        ),
        *_rules(
            "mid next year",
            [r"(?:mid[- ]?|(?:the )?middle of )next (?:year|yr)"],
            year_window(1, 6),
            needs=_YEAR_WORD,
        ),
        *_rules(
            "year with modifier",
            [rf"(?P<mod>early|mid|late|(?:the )?end of)[- ]?(?P<year>{_YEAR})"],
            resolve_named_year,
            needs=_DIGIT,
        ),
        *_rules(
            "year",
            [rf"(?P<year>{_YEAR})(?: ?a\.?d\.?)?"],
            resolve_named_year,
            lead=_YEAR_LEAD,
            needs=_DIGIT,
        ),
    ]
)


# --- the engine --------------------------------------------------------------------------


def _resolve(rule: Rule, match: re.Match[str], ctx: Context) -> date | None:
    """Run a rule's resolver; words naming an impossible date give no date."""
    if rule.resolve is None:
        return None
    try:
        return rule.resolve(match, ctx)
    except (ValueError, OverflowError, KeyError):
        return None


def _combined(
    rule: Rule, match: re.Match[str], ctx: Context, whole: bool
) -> tuple[int, date] | None:
    """A composite rule's (end, date): the longest words of `rest` that read as a date."""
    if rule.combine is None:
        return None
    start = match.start("rest")
    rest = match.group("rest")
    ends = [m.start() for m in re.finditer(" ", rest)] + [len(rest)]
    for end in reversed(ends if not whole else ends[-1:]):
        inner = parse_whole(rest[:end], ctx)
        if inner is None:
            continue
        try:
            found = rule.combine(match, inner, ctx)
        except (ValueError, OverflowError, KeyError):
            found = None
        if found is not None:
            return start + end, found
    return None


def _grouped(rules: Sequence[Rule]) -> tuple[tuple[re.Pattern[str] | None, tuple[Rule, ...]], ...]:
    """Sentence rules grouped by their `needs` test, in rule order within each group."""
    groups: dict[re.Pattern[str] | None, list[Rule]] = {}
    for rule in rules:
        if not rule.bare_only:
            groups.setdefault(rule.needs, []).append(rule)
    return tuple((needs, tuple(members)) for needs, members in groups.items())


_SENTENCE_RULES = _grouped(RULES)
_ORDER = {id(rule): index for index, rule in enumerate(RULES)}


def scan(text: str, ctx: Context) -> list[Found]:
    """The time expressions in a sentence, longest first where they overlap, in text order."""
    candidates: list[tuple[int, Found]] = []
    for needs, rules in _SENTENCE_RULES:
        if needs is not None and needs.search(text) is None:
            continue
        for rule in rules:
            for match in rule.pattern.finditer(text):
                start = match.start()
                if rule.lead is not None and not rule.lead.search(text, max(0, start - 40), start):
                    continue
                promised: date | None
                if rule.combine is not None:
                    combined = _combined(rule, match, ctx, whole=False)
                    if combined is None:
                        continue
                    end, promised = combined
                else:
                    end, promised = match.end(), _resolve(rule, match, ctx)
                found = Found(start=start, end=end, promised_on=promised, rule=rule.name)
                candidates.append((_ORDER[id(rule)], found))
    # Longest first; of equal spans the one that gives a date; then the earlier rule.
    candidates.sort(key=lambda c: (c[1].start - c[1].end, c[1].promised_on is None, c[0]))
    # Which characters a taken expression covers: each check and mark costs the length of
    # one expression, so a long sentence is read in linear time (not against every taken).
    covered = bytearray(len(text))
    taken: list[Found] = []
    for _, found in candidates:
        if covered.find(1, found.start, found.end) == -1:
            covered[found.start : found.end] = b"\x01" * (found.end - found.start)
            taken.append(found)
    return sorted(taken, key=lambda f: f.start)


def parse_whole(text: str, ctx: Context) -> date | None:
    """The date of a text that is, as a whole, one time expression (first rule that reads it)."""
    possible: dict[re.Pattern[str], bool] = {}
    for rule in RULES:
        if rule.needs is not None:
            if rule.needs not in possible:
                possible[rule.needs] = rule.needs.search(text) is not None
            if not possible[rule.needs]:
                continue
        match = rule.pattern.fullmatch(text)
        if match is None:
            continue
        if rule.combine is not None:
            combined = _combined(rule, match, ctx, whole=True)
            if combined is not None:
                return combined[1]
            continue
        resolved = _resolve(rule, match, ctx)
        if resolved is not None:
            return resolved
    return None
