"""Matching rules of POLICY.md ("Words": me; "Which threads belong"), worked through the
planner where a rule shows in the plan.

US calendar; Tue 2026-12-01 is the interview day in every case unless said otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from policy.matching import (
    RecruiterSide,
    canonical_address,
    is_ats,
    is_bulk,
    is_me,
    is_no_reply,
    reply_target,
    sent_by_me,
    thread_matches,
)
from policy.models import (
    Action,
    ActionType,
    Application,
    Attendee,
    CalendarEvent,
    Message,
    Outcome,
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


# --- bulk, applicant-tracking services, no-reply addresses --------------------------------


ACME = "jane@acme-corp.com"
BASE = Settings(me=frozenset({"alex@example.com"}), timezone=NY, country="US")


def theirs(
    sender: str,
    when: str,
    body: str,
    *,
    name: str = "",
    subject: str = "Interview",
    headers: tuple[tuple[str, str], ...] = (),
    number: int,
    auto: bool = False,
) -> Message:
    if auto:
        headers = (*headers, ("auto-submitted", "auto-replied"))
    return Message(
        message_id=f"m{number}@test",
        thread_id=f"t{number}",
        sender=Person(email=sender, name=name),
        to=(Person(email="alex@example.com"),),
        subject=subject,
        sent_at=at(when),
        body_text=body,
        headers=headers,
    )


def acme_plan(messages: list[Message], now: str = "2026-12-10T12:00") -> tuple[Application, ...]:
    threads = [Thread(thread_id=m.thread_id, messages=(m,)) for m in messages]
    start = at("2026-12-01T10:00")
    acme = CalendarEvent(
        event_id="acme-1",
        title="Interview with Acme",
        start_at=start,
        end_at=start + timedelta(hours=1),
        organizer=Person(email=ACME, name="Jane"),
        attendees=(Attendee(email="alex@example.com"),),
    )
    return plan([acme], threads, BASE, at(now)).applications


def follow_up(app: Application) -> Action:
    return next(
        a for a in app.actions if a.type is ActionType.FOLLOW_UP and a.status is Status.PENDING
    )


LIST = (("list-unsubscribe", "<mailto:unsubscribe@acme-corp.com>"),)


@pytest.mark.parametrize(
    ("headers", "bulk"),
    [
        ((("list-id", "<careers.acme-corp.com>"),), True),
        (LIST, True),
        ((("precedence", "bulk"),), True),
        ((("precedence", "List"),), True),
        ((("precedence", "junk (spam)"),), True),
        ((("precedence", "auto_reply"),), False),
        ((("precedence", "first-class"),), False),
        ((), False),
    ],
)
def test_bulk_headers(headers: tuple[tuple[str, str], ...], bulk: bool) -> None:
    assert is_bulk(theirs(ACME, "2026-12-02T10:00", "", headers=headers, number=1)) is bulk


def test_a_bulk_message_states_no_timeline() -> None:
    # "by December 4" in a mailing: no statement, the default 2 weeks stand (P Tue 12-15).
    bulk = theirs(ACME, "2026-12-02T10:00", "We will decide by December 4.", headers=LIST, number=1)
    [app] = acme_plan([bulk])
    assert app.timeline.promised_on == date(2026, 12, 15)
    plain = theirs(ACME, "2026-12-02T10:00", "We will decide by December 4.", number=2)
    [app] = acme_plan([plain])
    assert app.timeline.promised_on == date(2026, 12, 4)


def test_a_bulk_message_is_no_dateless_update() -> None:
    # P Tue 12-15, follow-up 1 Wed 12-16. A dateless reply on 12-15 would move it to the
    # first business day on or after 12-22 (Tue); a bulk one leaves it.
    text = "Thanks for your patience while the team reviews candidates."
    bulk = theirs(ACME, "2026-12-15T10:00", text, headers=LIST, number=1)
    [app] = acme_plan([bulk], now="2026-12-15T12:00")
    assert follow_up(app).due_at.date() == date(2026, 12, 16)
    [app] = acme_plan([theirs(ACME, "2026-12-15T10:00", text, number=2)], now="2026-12-15T12:00")
    assert follow_up(app).due_at.date() == date(2026, 12, 22)


def test_a_decision_in_bulk_mail_still_counts() -> None:
    text = "We have decided to move forward with other candidates."
    bulk = theirs(ACME, "2026-12-04T10:00", text, headers=(("precedence", "bulk"),), number=1)
    [app] = acme_plan([bulk])
    assert app.outcome is Outcome.REJECTED


def test_a_follow_up_never_replies_to_bulk_auto_or_no_reply_mail() -> None:
    real = theirs(ACME, "2026-12-02T10:00", "Thanks for coming in.", number=1)
    later = [
        theirs("news@acme-corp.com", "2026-12-05T10:00", "Our newsletter.", headers=LIST, number=2),
        theirs("jane@acme-corp.com", "2026-12-06T10:00", "I am away.", auto=True, number=3),
        theirs("no-reply@acme-corp.com", "2026-12-07T10:00", "Your application.", number=4),
    ]
    thread = Thread(thread_id="t1", messages=(real, *later))
    assert reply_target([thread], BASE) == real
    [app] = acme_plan([real, *later], now="2026-12-16T12:00")
    draft = follow_up(app).draft
    assert draft is not None
    assert draft.in_reply_to == "m1@test" and draft.to == (ACME,)


def test_no_reply_to_mine_when_theirs_are_all_no_reply() -> None:
    mine = Message(
        message_id="me@test",
        thread_id="t1",
        sender=Person(email="alex@example.com"),
        to=(Person(email="no-reply@acme-corp.com"), Person(email=ACME)),
        subject="Thanks",
        sent_at=at("2026-12-01T15:00"),
    )
    robot = theirs("noreply@acme-corp.com", "2026-12-02T10:00", "Received.", number=1)
    thread = Thread(thread_id="t1", messages=(mine, robot))
    assert reply_target([thread], BASE) == mine
    [app] = plan_threads([thread])
    draft = follow_up(app).draft
    assert draft is not None and draft.to == (ACME,) and draft.in_reply_to == "me@test"


def plan_threads(threads: list[Thread]) -> tuple[Application, ...]:
    start = at("2026-12-01T10:00")
    acme = CalendarEvent(
        event_id="acme-1",
        title="Interview with Acme",
        start_at=start,
        end_at=start + timedelta(hours=1),
        organizer=Person(email=ACME, name="Jane"),
        attendees=(Attendee(email="alex@example.com"),),
    )
    return plan([acme], threads, BASE, at("2026-12-16T12:00")).applications


@pytest.mark.parametrize(
    ("address", "robot"),
    [
        ("no-reply@greenhouse.io", True),
        ("noreply@acme.com", True),
        ("do-not-reply@x.com", True),
        ("DoNotReply@x.com", True),
        ("jobs-noreply@x.com", True),
        ("noreply+abc@x.com", True),
        ("nora.reply@x.com", False),
        ("replyto@x.com", False),
    ],
)
def test_no_reply_addresses(address: str, robot: bool) -> None:
    assert is_no_reply(address) is robot


def test_ats_domains_and_their_subdomains() -> None:
    assert is_ats("greenhouse.io", BASE)
    assert is_ats("acme.myworkday.com", BASE)
    assert is_ats("hire.lever.co", BASE)
    assert not is_ats("notgreenhouse.io", BASE)
    custom = Settings(me=BASE.me, timezone=NY, ats_domains=("hr.example",))
    assert is_ats("mail.hr.example", custom) and not is_ats("greenhouse.io", custom)


def test_ats_mail_naming_the_company_joins_its_application() -> None:
    # Acme's rejection comes through Greenhouse on Fri 12-04, named in the From display name.
    text = "Unfortunately we will not be moving forward with your application."
    by_name = theirs(
        "no-reply@greenhouse.io", "2026-12-04T10:00", text, name="Acme Recruiting", number=1
    )
    [app] = acme_plan([by_name])
    assert app.outcome is Outcome.REJECTED
    by_subject = theirs(
        "no-reply@greenhouse-mail.io",
        "2026-12-04T10:00",
        text,
        subject="Your application to ACME",
        number=2,
    )
    [app] = acme_plan([by_subject])
    assert app.outcome is Outcome.REJECTED
    # Another employer's mail through the same service is not Acme's (nor "Acmeville"'s).
    other = theirs(
        "no-reply@greenhouse.io",
        "2026-12-04T10:00",
        text,
        name="Acmeville Talent",
        subject="Your application to Beta",
        number=3,
    )
    [app] = acme_plan([other])
    assert app.outcome is None
    assert thread_matches(
        Thread(thread_id="t", messages=(by_name,)), recruiter_side_of_nobody(), BASE, ["Acme"]
    )


def recruiter_side_of_nobody() -> RecruiterSide:
    return RecruiterSide(addresses=frozenset(), domains=frozenset())


def test_an_ats_domain_never_links_applications() -> None:
    # Acme Tue 12-01 and Beta Thu 12-03 both scheduled by Greenhouse coordinators: not one
    # company, so Beta's interview does not close Acme's as next round.
    def booked(uid: str, title: str, start: str, coordinator: str) -> CalendarEvent:
        begin = at(start)
        return CalendarEvent(
            event_id=uid,
            title=title,
            start_at=begin,
            end_at=begin + timedelta(hours=1),
            organizer=Person(email=coordinator),
            attendees=(Attendee(email="alex@example.com"),),
        )

    events = [
        booked("acme-1", "Interview with Acme", "2026-12-01T10:00", "sam@greenhouse.io"),
        booked("beta-1", "Interview with Beta", "2026-12-03T10:00", "kim@greenhouse.io"),
    ]
    apps = plan(events, [], BASE, at("2026-12-04T12:00")).applications
    assert [a.outcome for a in apps] == [None, None]
