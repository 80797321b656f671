"""The planner rule by rule (POLICY.md), with each date worked out in a comment.

US calendar: Thanksgiving Thu 2026-11-26, Christmas Fri 2026-12-25, New Year Fri 2027-01-01.
New York clocks go forward on Sun 2027-03-14 (EST -05:00 → EDT -04:00).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from policy.models import (
    Action,
    ActionType,
    Application,
    Attendee,
    CalendarEvent,
    Channel,
    Culture,
    Mark,
    MarkKind,
    Message,
    Outcome,
    Person,
    Plan,
    Rule,
    Settings,
    State,
    Status,
    Thread,
    TimelineSource,
)
from policy.planner import plan
from policy.texts import TEMPLATE_NAMES

NY = ZoneInfo("America/New_York")
ME = "alex@example.com"
SETTINGS = Settings(me=frozenset({ME}), name="Alex Doe", timezone=NY, country="US")
_ids = count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def event(
    title: str = "Interview with Acme",
    start: str = "2026-12-01T10:00",
    hours: float = 1,
    *,
    uid: str = "acme-1",
    organizer: str = "jane@acme-corp.com",
    attendees: tuple[str, ...] = ("bob@acme-corp.com",),
    description: str = "",
) -> CalendarEvent:
    start_at = at(start)
    return CalendarEvent(
        event_id=uid,
        title=title,
        start_at=start_at,
        end_at=start_at + timedelta(hours=hours),
        description=description,
        organizer=Person(email=organizer, name=organizer.split("@")[0].capitalize()),
        attendees=tuple(Attendee(email=a, response="accepted") for a in (ME, *attendees)),
    )


def mail(
    sender: str, to: str, when: str, body: str, *, subject: str = "Interview", **extra: object
) -> Message:
    number = next(_ids)
    return Message(
        message_id=f"m{number}@test",
        thread_id="thread-1",
        sender=Person(email=sender),
        to=(Person(email=to),),
        subject=subject,
        sent_at=at(when),
        body_text=body,
        **extra,
    )


def run(
    events: list[CalendarEvent],
    messages: Sequence[Message] = (),
    now: str = "2026-12-10T12:00",
    settings: Settings = SETTINGS,
    marks: tuple[Mark, ...] = (),
) -> Plan:
    threads = [Thread(thread_id="thread-1", messages=tuple(messages))] if messages else []
    return plan(events, threads, settings, at(now), marks)


def only(result: Plan) -> Application:
    assert len(result.applications) == 1
    return result.applications[0]


def pending_follow_up(app: Application) -> Action | None:
    found = [
        a for a in app.actions if a.type is ActionType.FOLLOW_UP and a.status is Status.PENDING
    ]
    return found[0] if found else None


def thank_you(app: Application) -> Action:
    return next(a for a in app.actions if a.type is ActionType.THANK_YOU)


# --- which events are interviews -------------------------------------------------------


def test_extra_keyword_from_config_makes_an_interview() -> None:
    settings = Settings(
        me=frozenset({ME}),
        timezone=NY,
        interview_keywords=("interview", "coffee chat"),
    )
    result = run([event("Coffee chat with Acme")], settings=settings)
    assert [a.interview.interview_id for a in result.applications] == ["acme-1"]


def test_events_created_by_followup_are_never_interviews() -> None:
    reminder = CalendarEvent(
        event_id="r1",
        title="Follow up with Acme interview",
        start_at=at("2026-12-16T09:30"),
        end_at=at("2026-12-16T09:45"),
        created_by_followup=True,
    )
    assert run([reminder]).applications == ()


def test_applications_in_order_of_interview_start() -> None:
    later = event(start="2026-12-03T10:00", uid="b", organizer="x@beta.example", attendees=())
    earlier = event(start="2026-12-01T10:00", uid="a", organizer="y@alpha.example", attendees=())
    ids = [a.interview.interview_id for a in run([later, earlier]).applications]
    assert ids == ["a", "b"]


# --- the promised date P ---------------------------------------------------------------


def test_default_timeline_two_weeks_from_the_interview() -> None:
    app = only(run([event()], now="2026-12-01T08:00"))
    # Tue 2026-12-01 + 14 days = Tue 12-15; follow-up 1 on the next business day, Wed 12-16.
    assert app.timeline.source is TimelineSource.DEFAULT
    assert app.timeline.promised_on == date(2026, 12, 15)
    assert pending_follow_up(app).due_at == datetime(2026, 12, 16, 9, 30, tzinfo=NY)
    assert app.state is State.SCHEDULED


def test_latest_statement_wins_over_the_event_note() -> None:
    messages = [
        mail("jane@acme-corp.com", ME, "2026-12-04T10:00", "We'll decide by December 18."),
    ]
    app = only(run([event(description="Timeline: within 10 days")], messages))
    # The email (anchored 12-04) is later than the note (anchored 12-01): P = Fri 12-18,
    # follow-up 1 on Mon 12-21.
    assert app.timeline.source is TimelineSource.EMAIL
    assert app.timeline.promised_on == date(2026, 12, 18)
    assert pending_follow_up(app).due_at.date() == date(2026, 12, 21)


def test_statement_in_mail_before_the_interview_only_links_the_thread() -> None:
    messages = [
        mail("jane@acme-corp.com", ME, "2026-11-20T10:00", "We'll decide by December 4."),
    ]
    app = only(run([event()], messages))
    assert app.timeline.source is TimelineSource.DEFAULT


def test_thanksgiving_week_business_days() -> None:
    # Mon 11-23 + 3 business days: Tue 24, Wed 25, (Thu 26 Thanksgiving), Fri 27.
    # Follow-up 1 on the next business day after Fri 11-27: Mon 11-30.
    app = only(
        run(
            [event(start="2026-11-23T10:00", description="Timeline: 3 business days")],
            now="2026-11-24T12:00",
        )
    )
    assert app.timeline.promised_on == date(2026, 11, 27)
    assert pending_follow_up(app).due_at.date() == date(2026, 11, 30)


def test_follow_up_after_new_year_skips_the_holiday() -> None:
    # P = Thu 12-31; Fri 01-01 is New Year's Day; so Mon 2027-01-04.
    app = only(
        run(
            [event(start="2026-12-22T14:00", description="Timeline: end of the month")],
            now="2026-12-23T12:00",
        )
    )
    assert app.timeline.promised_on == date(2026, 12, 31)
    assert pending_follow_up(app).due_at.date() == date(2027, 1, 4)


def test_follow_up_time_keeps_local_clock_across_dst() -> None:
    # Wed 2027-03-10 (EST) + 1 week = Wed 03-17 (EDT); due Thu 03-18 09:30 at -04:00.
    app = only(
        run(
            [event(start="2027-03-10T10:00", description="Timeline: 1 week")],
            now="2027-03-10T12:00",
        )
    )
    due = pending_follow_up(app).due_at
    assert due.date() == date(2027, 3, 18)
    assert due.time() == time(9, 30)
    assert due.utcoffset() == timedelta(hours=-4)


def test_followup_time_from_config() -> None:
    settings = Settings(me=frozenset({ME}), timezone=NY, followup_time=time(14, 0))
    app = only(run([event()], settings=settings))
    assert pending_follow_up(app).due_at.time() == time(14, 0)


# --- thank-you ---------------------------------------------------------------------------


def test_thank_you_due_an_hour_after_the_end_and_addressed_to_the_interviewers() -> None:
    app = only(run([event()], now="2026-12-01T08:00"))
    action = thank_you(app)
    assert action.due_at == at("2026-12-01T12:00")
    assert action.status is Status.PENDING
    assert action.channel is Channel.EMAIL
    assert action.draft is not None
    assert set(action.draft.to) == {"jane@acme-corp.com", "bob@acme-corp.com"}


def test_thank_you_done_by_any_message_within_three_days() -> None:
    messages = [mail(ME, "bob@acme-corp.com", "2026-12-04T10:30", "Thanks again!")]
    # The interview ended 12-01 11:00; 12-04 10:30 is within 3 days.
    assert thank_you(only(run([event()], messages))).status is Status.DONE


def test_thank_you_still_pending_when_mail_comes_later_than_three_days() -> None:
    messages = [mail(ME, "bob@acme-corp.com", "2026-12-04T11:30", "Thanks again!")]
    assert thank_you(only(run([event()], messages))).status is Status.PENDING


def test_thank_you_planned_even_when_it_went_badly() -> None:
    app = only(run([event(description="Went: badly")], now="2026-12-01T08:00"))
    assert thank_you(app).status is Status.PENDING


def test_handwritten_for_paper_culture_from_config_and_long_timeline() -> None:
    settings = Settings(
        me=frozenset({ME}), timezone=NY, cultures=(("acme-corp.com", Culture.PAPER),)
    )
    app = only(run([event(description="Timeline: 3 weeks")], settings=settings))
    action = thank_you(app)
    assert action.channel is Channel.HANDWRITTEN
    assert action.draft is None
    assert action.reminder_text


def test_paper_culture_with_a_week_timeline_stays_email() -> None:
    # P = 12-08 is exactly 7 days after the interview: not more than 7, so email.
    app = only(run([event(description="Culture: paper\nTimeline: 1 week")]))
    assert thank_you(app).channel is Channel.EMAIL


def test_handwritten_thank_you_done_only_by_a_mark() -> None:
    description = "Culture: paper\nTimeline: 3 weeks"
    mark = Mark(
        interview_id="acme-1",
        kind=MarkKind.DONE,
        value="thank_you",
        marked_at=at("2026-12-02T09:00"),
    )
    app = only(run([event(description=description)], marks=(mark,)))
    assert thank_you(app).status is Status.DONE


# --- status follow-ups -------------------------------------------------------------------


def test_second_follow_up_a_full_week_after_the_first() -> None:
    messages = [
        mail(ME, "jane@acme-corp.com", "2026-12-01T15:00", "Thank you!"),
        mail(ME, "jane@acme-corp.com", "2026-12-16T09:40", "Checking in."),
    ]
    app = only(run([event()], messages, now="2026-12-17T12:00"))
    # Follow-up 1 sent Wed 12-16; B + 7 = Wed 12-23, a business day.
    assert app.followups_done == 1
    follow_up = pending_follow_up(app)
    assert (follow_up.number, follow_up.due_at.date()) == (2, date(2026, 12, 23))


def test_second_follow_up_skips_christmas() -> None:
    messages = [mail(ME, "jane@acme-corp.com", "2026-12-18T09:40", "Checking in.")]
    description = "Timeline: 2 weeks"
    app = only(run([event(description=description)], messages, now="2026-12-20T12:00"))
    # B = Fri 12-18; + 7 = Fri 12-25, Christmas; first business day on or after: Mon 12-28.
    assert pending_follow_up(app).due_at.date() == date(2026, 12, 28)


def test_max_followups_from_config_then_wait() -> None:
    settings = Settings(me=frozenset({ME}), timezone=NY, max_followups=1)
    messages = [mail(ME, "jane@acme-corp.com", "2026-12-16T09:40", "Checking in.")]
    app = only(run([event()], messages, now="2026-12-20T12:00", settings=settings))
    assert app.state is State.WAITING_FOR_RECRUITER
    assert pending_follow_up(app) is None


def test_auto_reply_return_date_defers_the_follow_up() -> None:
    messages = [
        mail(
            "jane@acme-corp.com",
            ME,
            "2026-12-10T08:00",
            "I am out of the office until Monday, December 21.",
            subject="Automatic reply: Interview",
        ),
    ]
    app = only(run([event()], messages))
    # P = 12-15 would give 12-16; back Mon 12-21, so the next business day after: Tue 12-22.
    assert pending_follow_up(app).due_at.date() == date(2026, 12, 22)
    assert app.timeline.source is TimelineSource.DEFAULT


def test_auto_reply_is_never_an_answer_nor_a_statement() -> None:
    messages = [
        mail(ME, "jane@acme-corp.com", "2026-12-16T09:40", "Checking in."),
        mail(
            "jane@acme-corp.com",
            ME,
            "2026-12-16T09:41",
            "Thanks for your email. We will get back to you within 2 business days.",
            headers=(("auto-submitted", "auto-replied"),),
        ),
    ]
    app = only(run([event()], messages, now="2026-12-17T12:00"))
    assert app.timeline.source is TimelineSource.DEFAULT
    assert pending_follow_up(app).due_at.date() == date(2026, 12, 23)


def test_new_statement_never_raises_the_count() -> None:
    messages = [
        mail(ME, "jane@acme-corp.com", "2026-12-16T09:40", "Checking in."),
        mail("jane@acme-corp.com", ME, "2026-12-17T10:00", "We'll have news by January 8."),
    ]
    app = only(run([event()], messages, now="2026-12-18T12:00"))
    follow_up = pending_follow_up(app)
    # Still follow-up 2, now on the business day after Fri 2027-01-08: Mon 01-11.
    assert (follow_up.number, follow_up.due_at.date()) == (2, date(2027, 1, 11))
    assert app.followups_done == 1


def test_follow_up_draft_replies_in_the_recruiter_thread() -> None:
    messages = [
        mail(ME, "jane@acme-corp.com", "2026-12-01T15:00", "Thank you!", subject="Thank you"),
        mail(
            "jane@acme-corp.com",
            ME,
            "2026-12-02T09:00",
            "Great to meet you.",
            subject="Re: Thank you",
        ),
    ]
    app = only(run([event()], messages))
    draft = pending_follow_up(app).draft
    assert draft.thread_id == "thread-1"
    assert draft.to == ("jane@acme-corp.com",)
    assert draft.in_reply_to == messages[1].message_id
    assert draft.references[-1] == messages[1].message_id
    assert draft.subject == "Re: Thank you"


# --- replies that change the plan ----------------------------------------------------------


def test_rejection_cancels_everything_pending() -> None:
    messages = [
        mail(
            "jane@acme-corp.com",
            ME,
            "2026-12-01T16:00",
            "Unfortunately, we have decided not to proceed with your application.",
        )
    ]
    app = only(run([event()], messages, now="2026-12-01T16:30"))
    assert (app.state, app.outcome) == (State.CLOSED, Outcome.REJECTED)
    assert {a.status for a in app.actions if a.type is not ActionType.PREP} == {Status.CANCELLED}


def test_later_interview_closes_the_earlier_as_next_round_keeping_its_thank_you() -> None:
    first = event("Acme phone screen", "2026-12-01T10:00", uid="acme-1")
    second = event("Acme onsite", "2026-12-08T10:00", uid="acme-2", organizer="cto@acme-corp.com")
    result = run([first, second], now="2026-12-02T09:00")
    earlier, later = result.applications
    assert (earlier.state, earlier.outcome) == (State.CLOSED, Outcome.NEXT_ROUND)
    assert thank_you(earlier).status is Status.PENDING
    assert pending_follow_up(earlier) is None
    assert later.state is State.SCHEDULED
    assert earlier.company == later.company == "Acme"


def test_free_mail_domain_does_not_make_the_same_company() -> None:
    one = event(uid="a", organizer="jo@gmail.com", attendees=())
    two = event(uid="b", start="2026-12-05T10:00", organizer="max@gmail.com", attendees=())
    first, _ = run([one, two], now="2026-12-02T09:00").applications
    assert first.outcome is None


# --- user marks -------------------------------------------------------------------------------


def test_stop_mark_closes_as_stopped() -> None:
    mark = Mark(interview_id="acme-1", kind=MarkKind.STOP, marked_at=at("2026-12-05T09:00"))
    app = only(run([event()], marks=(mark,)))
    assert (app.state, app.outcome) == (State.CLOSED, Outcome.STOPPED)
    assert pending_follow_up(app) is None


def test_timeline_mark_wins_over_the_mail() -> None:
    messages = [mail("jane@acme-corp.com", ME, "2026-12-02T10:00", "We'll decide by Friday.")]
    mark = Mark(
        interview_id="acme-1",
        kind=MarkKind.TIMELINE,
        value="3 weeks",
        marked_at=at("2026-12-01T12:00"),
    )
    app = only(run([event()], messages, marks=(mark,)))
    # Anchored at the mark's day, 12-01: P = 12-22, follow-up 1 on Wed 12-23.
    assert app.timeline.source is TimelineSource.USER
    assert app.timeline.promised_on == date(2026, 12, 22)
    assert pending_follow_up(app).due_at.date() == date(2026, 12, 23)


def test_prep_is_done_once_its_time_has_passed() -> None:
    before = only(run([event()], now="2026-12-01T09:00"))
    after = only(run([event()], now="2026-12-01T09:31"))
    prep_before = next(a for a in before.actions if a.type is ActionType.PREP)
    prep_after = next(a for a in after.actions if a.type is ActionType.PREP)
    assert prep_before.due_at == at("2026-12-01T09:30")
    assert (prep_before.status, prep_after.status) == (Status.PENDING, Status.DONE)


def test_timeline_note_in_my_own_words() -> None:
    # "Timeline: Jane said end of next week" on Tue 12-01: Friday of the next week, 12-11.
    app = only(run([event(description="Timeline: Jane said end of next week")]))
    assert app.timeline.source is TimelineSource.EVENT
    assert app.timeline.promised_on == date(2026, 12, 11)


def test_vague_timeline_note_falls_back_to_the_default() -> None:
    app = only(run([event(description="Timeline: soon")]))
    assert app.timeline.source is TimelineSource.DEFAULT


def test_mail_after_a_paper_culture_interview_does_not_do_the_handwritten_note() -> None:
    description = "Culture: paper\nTimeline: 3 weeks"
    messages = [mail(ME, "jane@acme-corp.com", "2026-12-01T15:00", "Thanks for today!")]
    app = only(run([event(description=description)], messages))
    # The handwritten note waits for a mark; the mail is not counted as a follow-up either.
    assert thank_you(app).channel is Channel.HANDWRITTEN
    assert thank_you(app).status is Status.PENDING
    assert app.followups_done == 0


def test_thank_you_an_hour_after_an_interview_ending_as_clocks_go_back() -> None:
    # Sun 2026-11-01: 01:30 EDT (-04:00) comes twice; an hour of real time after the first
    # 01:30 is 01:30 EST (-05:00), not 02:30.
    start = datetime(2026, 11, 1, 0, 30, tzinfo=NY)
    interview = CalendarEvent(
        event_id="dst-1",
        title="Interview with Acme",
        start_at=start,
        end_at=datetime(2026, 11, 1, 1, 30, tzinfo=NY),
        organizer=Person(email="jane@acme-corp.com"),
    )
    app = only(plan([interview], [], SETTINGS, at("2026-10-31T12:00")))
    due = thank_you(app).due_at
    assert (due.hour, due.minute, due.utcoffset()) == (1, 30, timedelta(hours=-5))


# --- the user's templates ----------------------------------------------------------------


def _overridden(name: str) -> str:
    """The text the planner wrote with a user template `name`, in the case that uses it."""
    settings = Settings(
        me=frozenset({ME}),
        name="Alex Doe",
        timezone=NY,
        templates=((name, f"mine {name}: $company"),),
    )
    if name == "prep":
        app = only(run([event()], now="2026-12-01T08:00", settings=settings))
        return next(a for a in app.actions if a.type is ActionType.PREP).reminder_text
    if name == "handwritten":
        paper = event(description="Culture: paper\nTimeline: 3 weeks")
        return thank_you(only(run([paper], settings=settings))).reminder_text
    if name == "thank_you":
        draft = thank_you(only(run([event()], now="2026-12-01T08:00", settings=settings))).draft
        assert draft is not None
        return draft.body
    # follow_up_1 (and the generic follow_up) before a follow-up was sent; follow_up_2 after.
    messages = [mail(ME, "jane@acme-corp.com", "2026-12-16T09:40", "Checking in.")]
    sent = messages if name == "follow_up_2" else []
    follow_up = pending_follow_up(
        only(run([event()], sent, now="2026-12-17T12:00", settings=settings))
    )
    assert follow_up is not None and follow_up.draft is not None
    return follow_up.draft.body


@pytest.mark.parametrize("name", [*TEMPLATE_NAMES, "follow_up"])
def test_every_template_can_be_overridden(name: str) -> None:
    assert _overridden(name) == f"mine {name}: Acme\n"


def test_interview_title_in_a_handwritten_note_template() -> None:
    settings = replace(SETTINGS, templates=(("handwritten", "After $interview_title: thanks"),))
    paper = event(description="Culture: paper\nTimeline: 3 weeks")
    note = thank_you(only(run([paper], settings=settings))).reminder_text
    assert note == "After Interview with Acme: thanks\n"


def test_greeting_reads_display_names_and_addresses_alike() -> None:
    # One first-name reader: "Doe, Jane" and "Dr. Jane Doe" are Jane; with no display name,
    # "bob.roe@…" is Bob; a team's address greets no one.
    interview = replace(
        event(attendees=("bob.roe@acme-corp.com", "recruiting@acme-corp.com")),
        organizer=Person(email="jane@acme-corp.com", name="Doe, Jane"),
    )
    draft = thank_you(only(run([interview], now="2026-12-01T08:00"))).draft
    assert draft is not None
    assert draft.body.startswith("Hi Jane and Bob,\n")
    honorific = replace(interview, organizer=Person(email="j@acme-corp.com", name="Dr. Jane Doe"))
    draft = thank_you(only(run([honorific], now="2026-12-01T08:00"))).draft
    assert draft is not None
    assert draft.body.startswith("Hi Jane and Bob,\n")


# --- how long a plan holds -----------------------------------------------------------------


def _same_but_for_the_moment(first: Plan, second: Plan) -> bool:
    return replace(first, generated_at=second.generated_at) == second


def test_stable_until_the_next_moment_a_rule_reads_now_differently() -> None:
    # Interview Tue 12-01 10:00-11:00; prep due 09:30; a recruiter's mail dated 12-04 10:00
    # is in the mailbox but has not arrived before then.
    messages = [mail("jane@acme-corp.com", ME, "2026-12-04T10:00", "We'll decide by Dec 18.")]
    events = [event()]
    steps = [
        ("2026-12-01T08:00", at("2026-12-01T09:30")),  # prep falls due (done)
        ("2026-12-01T09:30", at("2026-12-01T11:00")),  # the interview ends (not scheduled)
        ("2026-12-01T11:00", at("2026-12-04T10:00")),  # the mail arrives (P moves)
        # Quiet since P Fri 12-18: dormant from the day more than 30 days after, Mon 01-18.
        ("2026-12-04T10:00", at("2027-01-18T00:00")),
        ("2027-01-18T00:00", None),  # nothing more, with no new input
    ]
    for now, until in steps:
        planned = run(events, messages, now=now)
        assert planned.stable_until == until, now
        if until is not None:
            just_before = run(events, messages, now=(until - timedelta(microseconds=1)).isoformat())
            assert _same_but_for_the_moment(planned, just_before), now
            assert not _same_but_for_the_moment(
                planned, run(events, messages, now=until.isoformat())
            )


# --- old interviews ------------------------------------------------------------------------


def test_an_old_interview_is_dormant_and_plans_nothing() -> None:
    # Tue 2024-03-05, no mail: P Tue 03-19; dormant from the day more than 30 days after,
    # Fri 04-19 (March has 31 days). Years later it is closed, with nothing pending.
    old = event(start="2024-03-05T10:00")
    app = only(run([old]))
    assert (app.state, app.outcome) == (State.CLOSED, Outcome.DORMANT)
    assert [a.status for a in app.actions] == [Status.DONE, Status.CANCELLED, Status.CANCELLED]
    assert [w.on for w in app.why if w.rule is Rule.DORMANT] == [date(2024, 3, 19)]
    assert only(run([old], now="2024-04-18T23:59")).outcome is None
    assert only(run([old], now="2024-04-19T00:00")).outcome is Outcome.DORMANT


def test_recent_mail_keeps_an_application_awake() -> None:
    # Interview Thu 2026-10-01; P Thu 10-15; a dateless reply on Fri 11-20 is the latest
    # news: awake through Mon 12-21 (11-20 + 31 days), dormant from then on.
    messages = [mail("jane@acme-corp.com", ME, "2026-11-20T10:00", "Still reviewing, thanks!")]
    events = [event(start="2026-10-01T10:00")]
    assert only(run(events, messages, now="2026-12-20T23:00")).outcome is None
    assert only(run(events, messages, now="2026-12-21T00:00")).outcome is Outcome.DORMANT
    # dormant_days from the config
    later = replace(SETTINGS, dormant_days=60)
    assert only(run(events, messages, now="2026-12-21T00:00", settings=later)).outcome is None


def test_a_newsletter_keeps_nothing_awake() -> None:
    newsletter = mail(
        "news@acme-corp.com",
        ME,
        "2026-12-01T10:00",
        "What our teams shipped this month.",
        headers=(("precedence", "bulk"),),
    )
    app = only(run([event(start="2026-10-01T10:00")], [newsletter]))
    assert app.outcome is Outcome.DORMANT  # P 10-15 + 31 = 11-15


def test_a_dormant_earlier_round_cancels_its_thank_you() -> None:
    # Two rounds in 2025: the earlier is closed as next_round; its thank-you, kept pending for
    # a while, is cancelled once the application is dormant too.
    first = event(start="2025-03-03T10:00", uid="acme-1")
    second = event(start="2025-03-10T10:00", uid="acme-2")
    earlier, _ = run([first, second]).applications
    assert earlier.outcome is Outcome.NEXT_ROUND
    assert thank_you(earlier).status is Status.CANCELLED
    soon, _ = run([first, second], now="2025-03-11T12:00").applications
    assert (soon.outcome, thank_you(soon).status) == (Outcome.NEXT_ROUND, Status.PENDING)
