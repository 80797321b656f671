"""Timeline statements and the promised date P (POLICY.md "The stated timeline and the
promised date P"). Every expected date is worked out by hand in the comment beside it.

Calendar used throughout: 2026-12-01 is a Tuesday; US holidays Thanksgiving Thu Nov 26,
Christmas Fri Dec 25, New Year's Day Fri Jan 1 2027.
"""

from __future__ import annotations

from datetime import date

import pytest

from policy.business_days import BusinessCalendar
from policy.timeline import Statement, find_return_date, find_statement, resolve_expression

US = BusinessCalendar("US")
US_CA = BusinessCalendar("US", "CA")
GB = BusinessCalendar("GB")

TUE = date(2026, 12, 1)  # Tuesday
FRI = date(2026, 12, 4)  # Friday
SAT = date(2026, 12, 5)  # Saturday
SUN = date(2026, 12, 6)  # Sunday


def promised(text: str, anchor_on: date, calendar: BusinessCalendar = US) -> date | None:
    statement = find_statement(text, anchor_on, calendar)
    return None if statement is None else statement.promised_on


# --- a duration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor_on", "expected"),
    [
        ("We'll get back to you within 2 weeks.", TUE, date(2026, 12, 15)),  # 1 + 14
        ("You should hear back in 10 days.", TUE, date(2026, 12, 11)),  # 1 + 10
        ("We'll respond within a week.", TUE, date(2026, 12, 8)),  # 1 + 7
        ("We'll let you know in a fortnight.", TUE, date(2026, 12, 15)),  # 1 + 14
        ("We'll have an answer in a month.", TUE, date(2027, 1, 1)),  # Dec 1 + 1 month
        ("You should hear something within 48 hours.", TUE, date(2026, 12, 3)),  # 2 days
        # 5 business days from Tue: Wed 2, Thu 3, Fri 4, Mon 7, Tue 8.
        ("We aim to decide within 5 business days.", TUE, date(2026, 12, 8)),
        # 10 working days: 2, 3, 4, 7, 8, 9, 10, 11, 14, 15.
        ("We'll be in touch within ten working days.", TUE, date(2026, 12, 15)),
        # "a couple of days" = 2 business days: Wed 2, Thu 3.
        ("We should have an answer in a couple of days.", TUE, date(2026, 12, 3)),
        # "a few days" = 3 business days: Wed 2, Thu 3, Fri 4.
        ("You'll hear from us in a few days.", TUE, date(2026, 12, 4)),
        # ... from a Friday: Mon 7, Tue 8, Wed 9.
        ("You'll hear from us in a few days.", FRI, date(2026, 12, 9)),
        ("We'll let you know in a couple of weeks.", TUE, date(2026, 12, 15)),  # 2 weeks
        ("We'll let you know in a few weeks.", TUE, date(2026, 12, 22)),  # 3 weeks
        # Ranges take their upper bound.
        ("We'll respond within 7-10 days.", TUE, date(2026, 12, 11)),  # 1 + 10
        ("We should have a decision in 1 to 2 weeks.", TUE, date(2026, 12, 15)),
        ("Please allow 1-2 weeks for our team to review.", TUE, date(2026, 12, 15)),
        ("We'll get back to you in two to three weeks.", TUE, date(2026, 12, 22)),  # 21 days
        ("We'll let you know in a week or two.", TUE, date(2026, 12, 15)),
        # 10 business days: as "ten working days" above.
        ("We expect to finalize things within 7-10 business days.", TUE, date(2026, 12, 15)),
        # Month end: Jan 31 + 1 month has no Feb 31, so Feb 28.
        ("We'll decide in a month.", date(2026, 1, 31), date(2026, 2, 28)),
        # Year end: Dec 31 + 14 = Jan 14.
        ("We'll decide within 2 weeks.", date(2026, 12, 31), date(2027, 1, 14)),
        # A week and a half = 10.5 days, rounded up to 11: Dec 12.
        ("We'll circle back in a week and a half.", TUE, date(2026, 12, 12)),
    ],
)
def test_durations(text: str, anchor_on: date, expected: date) -> None:
    assert promised(text, anchor_on) == expected


@pytest.mark.parametrize(
    ("calendar", "anchor_on", "expected"),
    [
        # Thanksgiving week, Mon Nov 23 + 3: Tue 24, Wed 25, (Thu 26 off) Fri 27.
        (US, date(2026, 11, 23), date(2026, 11, 27)),
        # California also closes Fri 27: Tue 24, Wed 25, Mon 30.
        (US_CA, date(2026, 11, 23), date(2026, 11, 30)),
        # Christmas week, Tue Dec 22 + 3: Wed 23, Thu 24, (Fri 25 off) Mon 28.
        (US, date(2026, 12, 22), date(2026, 12, 28)),
        # GB also keeps Boxing Day on Mon 28: Wed 23, Thu 24, Tue 29.
        (GB, date(2026, 12, 22), date(2026, 12, 29)),
        # New Year, Wed Dec 30 + 3: Thu 31, (Fri Jan 1 off) Mon 4, Tue 5.
        (US, date(2026, 12, 30), date(2027, 1, 5)),
        # A Saturday anchor: Mon 7, Tue 8, Wed 9.
        (US, SAT, date(2026, 12, 9)),
    ],
)
def test_business_days_skip_holidays(
    calendar: BusinessCalendar, anchor_on: date, expected: date
) -> None:
    assert promised("We'll decide within 3 business days.", anchor_on, calendar) == expected


# --- a day -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor_on", "expected"),
    [
        ("We'll be in touch by Friday.", TUE, date(2026, 12, 4)),
        ("Hoping to have feedback by Wednesday.", TUE, date(2026, 12, 2)),
        # A weekday is strictly after A: on a Tuesday, "Tuesday" is next week's.
        ("We'll get back to you on Tuesday.", TUE, date(2026, 12, 8)),
        ("We'll be in touch by Friday.", FRI, date(2026, 12, 11)),
        ("We'll get back to you by Monday.", FRI, date(2026, 12, 7)),
        # "next Friday": Friday of the calendar week after A's (Mon Dec 7 - Sun Dec 13).
        ("We plan to wrap up by next Friday.", TUE, date(2026, 12, 11)),
        ("We'll decide next Tuesday.", TUE, date(2026, 12, 8)),
        # From Friday Dec 4 the next week is still Dec 7-13.
        ("We'll decide next Monday.", FRI, date(2026, 12, 7)),
        # A Saturday's week is Nov 30 - Dec 6; the one after holds Friday Dec 11.
        ("We'll decide next Friday.", SAT, date(2026, 12, 11)),
        # Dates: the next such date on or after A.
        ("We'll make a decision by December 18.", TUE, date(2026, 12, 18)),
        ("We will get back to you by Dec. 18th.", TUE, date(2026, 12, 18)),
        ("We'll make a decision by December 1.", TUE, date(2026, 12, 1)),  # on A itself
        ("We'll make a decision by December 18.", date(2026, 12, 20), date(2027, 12, 18)),
        ("We'll get back to you by 12/9.", TUE, date(2026, 12, 9)),
        ("You'll hear back by the 15th.", TUE, date(2026, 12, 15)),
        ("You'll hear back by the 15th.", date(2026, 12, 20), date(2027, 1, 15)),
        ("We'll decide by Friday, December 11.", TUE, date(2026, 12, 11)),
        # "tomorrow" = A + 1; across a year end too.
        ("We will reach out tomorrow with next steps.", TUE, date(2026, 12, 2)),
        ("We will reach out tomorrow with next steps.", date(2026, 12, 31), date(2027, 1, 1)),
        # "today", "end of day" = A.
        ("We'll update you by end of day.", TUE, date(2026, 12, 1)),
        ("We'll get back to you by EOD.", TUE, date(2026, 12, 1)),
        ("We'll respond later today.", TUE, date(2026, 12, 1)),
    ],
)
def test_days(text: str, anchor_on: date, expected: date) -> None:
    assert promised(text, anchor_on) == expected


# --- a week ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor_on", "expected"),
    [
        # "this week": Friday of A's week.
        ("We hope to have news by the end of the week.", TUE, date(2026, 12, 4)),
        ("We'll decide this week.", TUE, date(2026, 12, 4)),
        ("We'll decide this week.", FRI, date(2026, 12, 4)),
        # On a weekend: the next Friday.
        ("We'll decide by the end of this week.", SAT, date(2026, 12, 11)),
        ("We'll decide by the end of the week.", SUN, date(2026, 12, 11)),
        # "next week": Friday of the following week.
        ("Expect an update next week.", TUE, date(2026, 12, 11)),
        ("You'll hear from us next week.", FRI, date(2026, 12, 11)),
        ("We will make a decision by the end of next week.", TUE, date(2026, 12, 11)),
        ("You'll hear from us next week.", SUN, date(2026, 12, 11)),  # week after Nov 30-Dec 6
        # "early next week": its Tuesday; "mid next week": its Wednesday.
        ("Expect to hear from us early next week.", TUE, date(2026, 12, 8)),
        ("Expect to hear from us early next week.", FRI, date(2026, 12, 8)),
        ("We'll have an update mid-next week.", TUE, date(2026, 12, 9)),
        ("We'll have an update by mid next week.", FRI, date(2026, 12, 9)),
        # The week after next: Friday Dec 18.
        ("We'll decide the week after next.", TUE, date(2026, 12, 18)),
        # The week of Dec 14: its Friday.
        ("We expect a decision the week of December 14.", TUE, date(2026, 12, 18)),
    ],
)
def test_weeks(text: str, anchor_on: date, expected: date) -> None:
    assert promised(text, anchor_on) == expected


# --- a month, a quarter, a year ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor_on", "expected"),
    [
        ("Decisions will be made in early January.", TUE, date(2027, 1, 10)),
        ("The team will decide by mid-December.", TUE, date(2026, 12, 15)),
        ("The team will decide by mid December.", TUE, date(2026, 12, 15)),
        ("We aim to finalize by late December.", TUE, date(2026, 12, 31)),
        ("We aim to finalize by the end of January.", TUE, date(2027, 1, 31)),
        ("We're targeting a decision in January.", TUE, date(2027, 1, 31)),
        ("We aim to finalize in February.", TUE, date(2027, 2, 28)),
        # The month of A is "on or after A's month".
        ("We'll decide in December.", TUE, date(2026, 12, 31)),
        # "this month", "end of the month": the last day of A's month.
        ("You'll hear from us by the end of the month.", TUE, date(2026, 12, 31)),
        ("We'll let you know this month.", TUE, date(2026, 12, 31)),
        ("We'll decide by the end of the month.", date(2026, 1, 31), date(2026, 1, 31)),
        # "next month": last day of the next month; "early next month": its 10th.
        ("We'll let you know next month.", TUE, date(2027, 1, 31)),
        ("We'll let you know next month.", date(2026, 1, 31), date(2026, 2, 28)),
        ("We'll let you know early next month.", TUE, date(2027, 1, 10)),
        # Quarters: the last day of the next such quarter on or after A (A is in Q4 2026).
        ("We will make a decision by the end of Q1.", TUE, date(2027, 3, 31)),
        ("We'll make a decision in the first quarter.", TUE, date(2027, 3, 31)),
        ("We'll make a decision in Q4.", TUE, date(2026, 12, 31)),
        ("We'll make a decision next quarter.", TUE, date(2027, 3, 31)),
        ("We'll make a decision by the end of the quarter.", TUE, date(2026, 12, 31)),
        ("We'll make a decision in Q2 2027.", TUE, date(2027, 6, 30)),
        # Years: the last day.
        ("We'll decide by the end of the year.", TUE, date(2026, 12, 31)),
        ("We'll decide next year.", TUE, date(2027, 12, 31)),
    ],
)
def test_months_quarters_years(text: str, anchor_on: date, expected: date) -> None:
    assert promised(text, anchor_on) == expected


def test_a_month_window_already_past_is_no_statement() -> None:
    # "mid-December" said on Dec 20: the 15th of A's month has passed, and P is never before A.
    assert promised("The team will decide by mid-December.", date(2026, 12, 20)) is None


# --- after the holidays ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor_on", "expected"),
    [
        # First business day of January 2027 is Mon Jan 4 (Jan 1 is off); + 5: 5, 6, 7, 8, 11.
        ("We'll get back to you after the holidays.", TUE, date(2027, 1, 11)),
        ("We'll get back to you after New Year.", date(2026, 11, 23), date(2027, 1, 11)),
        ("We'll get back to you in the new year.", date(2026, 12, 18), date(2027, 1, 11)),
        # Said outside November and December the words give no date.
        ("We'll get back to you after the holidays.", date(2026, 10, 15), None),
        # Another named holiday counts the same way: Thanksgiving Thu Nov 26, next business
        # day Fri 27, + 5: Mon 30, Tue Dec 1, Wed 2, Thu 3, Fri 4.
        ("We'll update you after Thanksgiving.", date(2026, 11, 20), date(2026, 12, 4)),
    ],
)
def test_after_the_holidays(text: str, anchor_on: date, expected: date | None) -> None:
    assert promised(text, anchor_on) == expected


# --- numeric dates follow the user's country ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "calendar", "expected"),
    [
        ("We'll get back to you by 12/9.", US, date(2026, 12, 9)),  # month/day
        ("We'll get back to you by 12/9.", GB, date(2027, 9, 12)),  # day/month: 12 September
        ("We'll get back to you by 9/12.", GB, date(2026, 12, 9)),
        ("We'll get back to you by 9.12.2026.", BusinessCalendar("DE"), date(2026, 12, 9)),
        ("We'll get back to you by 12/9/2026.", US, date(2026, 12, 9)),
        ("We'll get back to you by 12/09/26.", US, date(2026, 12, 9)),
        # Year first, always for four-digit years and in JP for short dates.
        ("We'll get back to you by 2026-12-09.", GB, date(2026, 12, 9)),
        ("We'll get back to you by 2026/12/09.", BusinessCalendar("JP"), date(2026, 12, 9)),
        ("We'll get back to you by 12/9.", BusinessCalendar("JP"), date(2026, 12, 9)),
        # Where the country's order gives no date, the other order is read.
        ("We'll get back to you by 25/12.", US, date(2026, 12, 25)),
        ("We'll get back to you by 12/25.", GB, date(2026, 12, 25)),
        # Canada writes both orders: the reading that falls sooner (Dec 9, not Sep 12 2027).
        ("We'll get back to you by 9/12.", BusinessCalendar("CA"), date(2026, 12, 9)),
        ("We'll get back to you by 12/9.", BusinessCalendar("CA"), date(2026, 12, 9)),
    ],
)
def test_numeric_dates(text: str, calendar: BusinessCalendar, expected: date) -> None:
    assert promised(text, TUE, calendar) == expected


# --- what is no statement ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We'll follow up soon.",
        "We'll get back to you shortly.",
        "We will be in touch in the coming weeks.",
        "We'll get back to you as soon as we can.",
        "We'll get back to you in due course.",
        "We will be in touch.",
        "Thanks for your time today!",
        "Thanks for coming in on Monday!",  # a date, but no promise
        "We may be in touch.",  # "may" is no month here
        "We'll discuss the 2nd round internally and get back to you.",  # an ordinal, no date
        "We decided on the shortlist 2 weeks ago and will be in touch.",  # the past
        # A clause of thanks looks back: its Monday is the interview, not a promise.
        "Thanks for meeting with us on Monday, we'll be in touch soon.",
        "Thanks for meeting with us on Monday; we'll be in touch soon.",
        "It was great speaking with you on Thursday and we will follow up.",
        "",
        "   ",
    ],
)
def test_no_statement(text: str) -> None:
    assert find_statement(text, TUE, US) is None


def test_the_latest_of_several_statements_wins() -> None:
    # Friday Dec 4 and Dec 1 + 14 = Dec 15: following up before the later one would be early.
    text = "We'll share feedback by Friday and make a final decision within 2 weeks."
    assert promised(text, TUE) == date(2026, 12, 15)


def test_a_promise_after_thanks_still_counts() -> None:
    text = "Thanks for meeting with us on Monday, we'll be in touch by Wednesday."
    assert promised(text, TUE) == date(2026, 12, 2)


def test_statements_in_separate_sentences() -> None:
    text = (
        "Thanks for your time today! The panel meets on Thursday.\n\n"
        "We'll get back to you within 5 business days."
    )
    assert find_statement(text, TUE, US) == Statement(
        text="within 5 business days", promised_on=date(2026, 12, 8)
    )


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("We'll get back to you within 2 weeks.", "within 2 weeks"),
        ("We'll make a decision by December 18.", "by December 18"),
        ("We should have an answer in a couple of days.", "in a couple of days"),
        ("We'll decide by Friday,\nDecember 11.", "by Friday,\nDecember 11"),
        ("Timeline: within 10 days", "within 10 days"),
        ("within 10 days.", "within 10 days"),
    ],
)
def test_statement_quotes_the_words_read(text: str, quoted: str) -> None:
    statement = find_statement(text, TUE, US)
    assert statement is not None
    assert statement.text == quoted


# --- bare expressions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor_on", "expected"),
    [
        ("within 10 days", TUE, date(2026, 12, 11)),
        ("2 weeks", TUE, date(2026, 12, 15)),
        ("by Friday", TUE, date(2026, 12, 4)),
        ("next week", TUE, date(2026, 12, 11)),
        ("Q1", TUE, date(2027, 3, 31)),
        ("May", TUE, date(2027, 5, 31)),  # a month alone counts when it is all there is
        ("the 24th", TUE, date(2026, 12, 24)),
        # Past dates are never P.
        ("10/31/1974", TUE, None),
        ("last monday", TUE, None),
        ("yesterday", TUE, None),
        # Forms beyond POLICY.md's list, read by the same rules.
        ("the first tuesday of january", TUE, date(2027, 1, 5)),
        ("last friday of december", TUE, date(2026, 12, 25)),
        ("3 fridays from now", TUE, date(2026, 12, 18)),  # Dec 4, 11, 18
        ("the day after tomorrow", TUE, date(2026, 12, 3)),
        ("friday after next", TUE, date(2026, 12, 11)),  # the second Friday after A
        ("wednesday of next week", TUE, date(2026, 12, 9)),
        ("in 2027", TUE, date(2027, 12, 31)),
        ("27q2", TUE, date(2027, 6, 30)),
        ("march 3rd 2027", TUE, date(2027, 3, 3)),
        ("the 1st of march", TUE, date(2027, 3, 1)),
        ("last day of february 2028", TUE, date(2028, 2, 29)),
        ("three days after christmas", TUE, date(2026, 12, 28)),
        ("a week from friday", TUE, date(2026, 12, 11)),
    ],
)
def test_bare_expressions(text: str, anchor_on: date, expected: date | None) -> None:
    assert promised(text, anchor_on) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 weeks", date(2026, 12, 15)),
        ("by Friday", date(2026, 12, 4)),
        ("within 5 business days", date(2026, 12, 8)),
        ("end of next week", date(2026, 12, 11)),
        ("they said about 2 weeks", date(2026, 12, 15)),  # words around are tolerated
        ("soon", None),
        ("10/31/1974", None),
        ("", None),
    ],
)
def test_resolve_expression(text: str, expected: date | None) -> None:
    assert resolve_expression(text, TUE, US) == expected


# --- out-of-office return dates ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I am out of the office until Wednesday, December 9, with limited access to email.",
            date(2026, 12, 9),
        ),
        ("Thanks for your message. I'm back on 12/9.", date(2026, 12, 9)),
        ("I'm currently on vacation, returning Monday.", date(2026, 12, 7)),
        (
            "I'm away from Dec 2 through Dec 8 and back in the office on Dec 9.",
            date(2026, 12, 9),
        ),
        ("I am on annual leave until the 10th.", date(2026, 12, 10)),
        ("Thank you for your email. I will reply as soon as possible.", None),
        ("I'm out of the office.", None),
    ],
)
def test_find_return_date(text: str, expected: date | None) -> None:
    assert find_return_date(text, TUE, US) == expected


# --- dates of what already happened ------------------------------------------------------

PAST_AND_FUTURE = [
    # Tue 2026-12-02; the date of something that already happened is no promise.
    ("We reviewed your profile on Monday and will be in touch.", None),
    ("As discussed on Tuesday, we'll get back to you soon.", None),
    ("We received your application on November 20 and will respond shortly.", None),
    # ... but "by" looks ahead whatever the verb, and a new clause starts afresh.
    ("We interviewed several candidates and expect to decide by Friday.", date(2026, 12, 4)),
    ("We met yesterday, and we will have a decision on Thursday.", date(2026, 12, 3)),
    ("We need to confirm on Monday, then we'll let you know.", date(2026, 12, 7)),
    ("You'll receive detailed feedback on Monday.", date(2026, 12, 7)),
    ("I'll have more information for you by Wednesday.", date(2026, 12, 9)),
]


@pytest.mark.parametrize(("text", "promised"), PAST_AND_FUTURE)
def test_dates_of_what_already_happened_are_no_promise(text: str, promised: date | None) -> None:
    statement = find_statement(text, date(2026, 12, 2), US)
    assert (statement.promised_on if statement else None) == promised
