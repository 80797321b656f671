"""Matching rules of POLICY.md ("Words": me; "Which threads belong"), worked through the
planner where a rule shows in the plan.

US calendar; Tue 2026-12-01 is the interview day in every case unless said otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from policy.matching import canonical_address, is_me, sent_by_me
from policy.models import (
    ActionType,
    Attendee,
    CalendarEvent,
    Message,
    Person,
    Settings,
    Status,
    Thread,
)
from policy.planner import plan

NY = ZoneInfo("America/New_York")
ME = "alex.doe@gmail.com"
SETTINGS = Settings(me=frozenset({ME, "alex@example.com"}), timezone=NY, country="US")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def interview(uid: str = "acme-1", organizer: str = "jane@acme-corp.com") -> CalendarEvent:
    start = at("2026-12-01T10:00")
    return CalendarEvent(
        event_id=uid,
        title="Interview with Acme",
        start_at=start,
        end_at=start + timedelta(hours=1),
        organizer=Person(email=organizer, name="Jane"),
        attendees=(Attendee(email=ME, response="accepted"),),
    )


def message(
    sender: str,
    to: str,
    when: str,
    body: str = "Thank you for your time today.",
    *,
    labels: tuple[str, ...] = (),
    number: int = 1,
) -> Message:
    return Message(
        message_id=f"m{number}@test",
        thread_id="t1",
        sender=Person(email=sender),
        to=(Person(email=to),),
        subject="Interview",
        sent_at=at(when),
        body_text=body,
        labels=labels,
    )


@pytest.mark.parametrize(
    ("address", "mine"),
    [
        ("alex.doe@gmail.com", True),
        ("alexdoe@gmail.com", True),  # Gmail ignores dots
        ("a.l.e.x.d.o.e@googlemail.com", True),  # and googlemail.com is the same mailbox
        ("alex.doe+jobs@gmail.com", True),  # a +tag
        ("alex+applications@example.com", True),  # a +tag at any domain
        ("a.lex@example.com", False),  # dots count outside Gmail
        ("alexdoe@outlook.com", False),
        ("alex.doe.x@gmail.com", False),
        ("", False),
    ],
)
def test_me_as_providers_see_me(address: str, mine: bool) -> None:
    assert is_me(address, SETTINGS) is mine


def test_canonical_address_keeps_an_odd_local_part() -> None:
    assert canonical_address("+only@example.com") == "+only@example.com"
    assert canonical_address("Alex.Doe+X@GoogleMail.com") == "alexdoe@gmail.com"


def test_labelled_sent_is_mine_whatever_its_from() -> None:
    send_as = message("alex@work-alias.net", "jane@acme-corp.com", "2026-12-01T15:00")
    assert not sent_by_me(send_as, SETTINGS)
    for label in ("SENT", "Sent"):  # Gmail's label id, Takeout's label name
        labelled = Message(**{**_fields(send_as), "labels": ("Important", label)})
        assert sent_by_me(labelled, SETTINGS)


def _fields(m: Message) -> dict[str, object]:
    return {name: getattr(m, name) for name in Message.__dataclass_fields__}


def _thank_you_status(messages: list[Message]) -> Status:
    threads = [Thread(thread_id="t1", messages=tuple(messages))]
    [app] = plan([interview()], threads, SETTINGS, at("2026-12-02T12:00")).applications
    return next(a for a in app.actions if a.type is ActionType.THANK_YOU).status


def test_a_tagged_address_sends_the_thank_you() -> None:
    # Interview ends Tue 12-01 11:00; a mail from alex+jobs@ at 15:00 is within 3 days.
    sent = message("alex+jobs@example.com", "jane@acme-corp.com", "2026-12-01T15:00")
    assert _thank_you_status([sent]) is Status.DONE


def test_a_gmail_dot_variant_sends_the_thank_you() -> None:
    sent = message("alexdoe@googlemail.com", "jane@acme-corp.com", "2026-12-01T15:00")
    assert _thank_you_status([sent]) is Status.DONE


def test_send_as_address_labelled_sent_is_the_thank_you_not_a_recruiter_reply() -> None:
    sent = message(
        "alex@work-alias.net", "jane@acme-corp.com", "2026-12-01T15:00", labels=("Sent",)
    )
    assert _thank_you_status([sent]) is Status.DONE
    unlabelled = message("alex@work-alias.net", "jane@acme-corp.com", "2026-12-01T15:00")
    assert _thank_you_status([unlabelled]) is Status.PENDING


def test_my_tagged_address_is_not_recruiter_side() -> None:
    # I invited my own tagged address: it must not become a recruiter to reply to.
    event = interview()
    event = CalendarEvent(
        **{
            **{n: getattr(event, n) for n in CalendarEvent.__dataclass_fields__},
            "attendees": (Attendee(email="alex+cal@example.com"),),
        }
    )
    [app] = plan([event], [], SETTINGS, at("2026-12-02T12:00")).applications
    draft = next(a for a in app.actions if a.type is ActionType.THANK_YOU).draft
    assert draft is not None and draft.to == ("jane@acme-corp.com",)
    assert app.timeline.promised_on == date(2026, 12, 15)
