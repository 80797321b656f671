"""Properties of the timeline reader and business days that must hold for any input."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from policy.business_days import BusinessCalendar
from policy.timeline import find_return_date, find_statement, resolve_expression

CALENDARS = [BusinessCalendar(code) for code in ("US", "GB", "CA", "JP")]

anchors = st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31))
calendars = st.sampled_from(CALENDARS)

# Text built from the reader's own vocabulary finds far more corners than random characters.
_VOCABULARY = (
    "we'll get back to you decide by within in on the a an of next this last first 1st 2nd"
    " 15th 31st 0 1 2 12 13 29 31 99 1974 2027 / - . , ' monday fri. sat weds january feb"
    " may march dec. week weeks weekend month quarter q1 18q4 year days business working"
    " hours fortnight early mid- late end after before until from now today tomorrow ago"
    " hence upcoming coming christmas easter thanksgiving holidays new year's couple few"
    " several half and or to closest 12/9 9/12/26 2024-02-29 2/30 feb 29th ides"
)
_WORDS = _VOCABULARY.split()
phrases = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=10).map(" ".join)
texts = st.one_of(st.text(max_size=200), phrases)


@settings(max_examples=300, deadline=None)
@given(text=texts, anchor_on=anchors, calendar=calendars)
def test_find_statement_never_raises_and_never_promises_before_the_anchor(
    text: str, anchor_on: date, calendar: BusinessCalendar
) -> None:
    statement = find_statement(text, anchor_on, calendar)
    if statement is not None:
        assert statement.promised_on >= anchor_on
        assert statement.text


@settings(max_examples=200, deadline=None)
@given(text=texts, anchor_on=anchors, calendar=calendars)
def test_expressions_and_return_dates_are_never_before_the_anchor(
    text: str, anchor_on: date, calendar: BusinessCalendar
) -> None:
    for found in (
        resolve_expression(text, anchor_on, calendar),
        find_return_date(text, anchor_on, calendar),
    ):
        assert found is None or found >= anchor_on


@settings(max_examples=200, deadline=None)
@given(anchor_on=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), text=phrases)
def test_extreme_anchors_do_not_raise(anchor_on: date, text: str) -> None:
    statement = find_statement(text, anchor_on, CALENDARS[0])
    assert statement is None or statement.promised_on >= anchor_on


@settings(max_examples=300, deadline=None)
@given(day=anchors, count=st.integers(min_value=1, max_value=60), calendar=calendars)
def test_add_business_days_lands_on_a_business_day(
    day: date, count: int, calendar: BusinessCalendar
) -> None:
    found = calendar.add_business_days(day, count)
    assert found > day
    assert calendar.is_business_day(found)


@settings(max_examples=300, deadline=None)
@given(
    first=anchors,
    gap=st.integers(min_value=0, max_value=30),
    count=st.integers(min_value=0, max_value=40),
    more=st.integers(min_value=0, max_value=10),
    calendar=calendars,
)
def test_add_business_days_is_monotonic(
    first: date, gap: int, count: int, more: int, calendar: BusinessCalendar
) -> None:
    later = date.fromordinal(first.toordinal() + gap)
    # Later start, same count: not earlier. Same start, more days: not earlier.
    assert calendar.add_business_days(later, count) >= calendar.add_business_days(first, count)
    assert calendar.add_business_days(first, count + more) >= calendar.add_business_days(
        first, count
    )


@settings(max_examples=300, deadline=None)
@given(day=anchors, calendar=calendars)
def test_next_business_day_after(day: date, calendar: BusinessCalendar) -> None:
    found = calendar.next_business_day_after(day)
    assert found > day
    assert calendar.is_business_day(found)
    # Nothing in between is a business day.
    between = range(day.toordinal() + 1, found.toordinal())
    assert not any(calendar.is_business_day(date.fromordinal(n)) for n in between)
    assert found == calendar.first_business_day_on_or_after(date.fromordinal(day.toordinal() + 1))
