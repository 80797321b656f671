"""A deadline set for me is no statement (POLICY.md "The stated timeline"); a promise beside
it still counts. Anchor A is Thu 2026-12-03 throughout; each P is worked out beside it.
"""

from __future__ import annotations

from datetime import date

import pytest

from policy.business_days import BusinessCalendar
from policy.timeline import find_statement

US = BusinessCalendar("US")
THU = date(2026, 12, 3)


def promised(text: str) -> date | None:
    statement = find_statement(text, THU, US)
    return None if statement is None else statement.promised_on


@pytest.mark.parametrize(
    "text",
    [
        "Please return the signed letter by December 18.",
        "Please sign and return both copies by 19 December.",
        "Reply within 24 hours to secure your slot.",
        "Please reply within 24 hours.",
        "Send your references by Friday.",
        "Could you send your references by Friday?",
        "Complete the assessment within 48 hours.",
        "Please complete the online test within 5 days of receiving the link.",
        "Let us know your availability by Monday.",
        "Please let us know your availability by Monday.",
        "Could you confirm by Friday whether you accept?",
        "You have until December 10 to accept the offer.",
        "The link is valid for five days.",
        "The offer is valid until December 11.",
        "We need your decision by Friday.",
        "We'd appreciate it if you could confirm your start date by Tuesday.",
        "Kindly revert with your acceptance by 10th December 2026.",
        "Please accept through the candidate portal by January 8.",
        "You'll need to submit the background check form by next Wednesday.",
        "Your signed contract is due back by December 15.",
        "Remember to book your slot by Friday.",
        "The deadline for your response is December 14.",
    ],
)
def test_a_deadline_set_for_me_is_no_statement(text: str) -> None:
    assert promised(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the promise beside a request still counts: Dec 3 + 7 days = Thu Dec 10
        (
            "Please send your expectations by Thursday; we'll get back to you within a week.",
            date(2026, 12, 10),
        ),
        (
            "Please send your expectations by Thursday, and we'll get back to you within a week.",
            date(2026, 12, 10),
        ),
        (
            "Once you've sent your references by Friday, we'll be in touch within a week.",
            date(2026, 12, 10),
        ),
        # "by Friday": the first Friday after Thu Dec 3 = Dec 4; "Monday" would be Dec 7
        (
            "We'll decide by Friday; please reply by Monday if you have questions.",
            date(2026, 12, 4),
        ),
        # requests that are their promise: "please allow", "please expect to hear"
        ("Please allow 1-2 weeks for our team to review.", date(2026, 12, 17)),  # 3 + 14
        ("Please expect to hear from us by Friday.", date(2026, 12, 4)),
        # "you" hearing, not doing: a promise
        ("You should hear back within a week.", date(2026, 12, 10)),
        ("You'll have an answer from us by Friday.", date(2026, 12, 4)),
        ("We expect to make a decision by December 18.", date(2026, 12, 18)),
    ],
)
def test_a_promise_still_counts(text: str, expected: date) -> None:
    assert promised(text) == expected
