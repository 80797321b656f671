"""`explain` shows the most useful why line first (daemon/render.py `most_useful`): the one
that says why the application is closed, else why its next step is due when it is; the rest
follow in time order. `status` shows that same line as the application's reason.

Every application here is built for these tests (its own companies, titles and wordings)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from daemon.render import useful_first, why_text
from daemon.status import reason
from policy.models import (
    Application,
    Attendee,
    CalendarEvent,
    Mark,
    MarkKind,
    Message,
    Person,
    Rule,
    Settings,
    Thread,
    Why,
)
from policy.planner import plan

ZONE = ZoneInfo("Europe/Berlin")
ME = "robin@mailbox.example"
SETTINGS = Settings(me=frozenset({ME}), name="Robin Roe", timezone=ZONE, country="DE")
START = datetime(2027, 3, 2, 14, 0, tzinfo=ZONE)  # a Tuesday
RECRUITER = Person(email="kim@fjord.example", name="Kim")


def _event(event_id: str = "fjord-1", start: datetime = START, notes: str = "") -> CalendarEvent:
    return CalendarEvent(
        event_id=event_id,
        title="Interview: data engineer at Fjord",
        start_at=start,
        end_at=start + timedelta(hours=1),
        description=notes,
        organizer=RECRUITER,
        attendees=(Attendee(email=ME, response="accepted"),),
    )


def _mine(body: str, sent: datetime) -> Message:
    return Message(
        message_id=f"<{sent:%d%H}@mailbox.example>",
        thread_id="fjord-thread",
        sender=Person(email=ME),
        to=(RECRUITER,),
        subject="Thank you: data engineer at Fjord",
        sent_at=sent,
        body_text=body,
    )


def _theirs(body: str, sent: datetime, subject: str = "Re: Thank you") -> Message:
    return Message(
        message_id=f"<{sent:%d%H}@fjord.example>",
        thread_id="fjord-thread",
        sender=RECRUITER,
        to=(Person(email=ME),),
        subject=subject,
        sent_at=sent,
        body_text=body,
    )


def _thanked(*later: Message) -> Thread:
    """My thank-you on the interview's day, then `later`: the thank-you is not what is next."""
    thanks = _mine("Thank you for your time today, Kim. Robin", START + timedelta(hours=3))
    return Thread(thread_id="fjord-thread", messages=(thanks, *later))


def _app(
    *threads: Thread,
    now: datetime,
    events: tuple[CalendarEvent, ...] = (),
    marks: tuple[Mark, ...] = (),
    notes: str = "",
) -> Application:
    found = plan([_event(notes=notes), *events], list(threads), SETTINGS, now, marks)
    return next(a for a in found.applications if a.interview.interview_id == "fjord-1")


def _in_time_order(app: Application) -> bool:
    """After the first line, the dates the lines name never go back."""
    interview_on = app.interview.start_at.date()
    days = [w.on or w.due_on or interview_on for w in useful_first(app)[1:]]
    return days == sorted(days)


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2027, 3, day, hour, 0, tzinfo=ZONE)


def test_p_stated_in_the_notes_the_statement_that_set_p_comes_first() -> None:
    app = _app(_thanked(), now=_at(5), notes="Panel of three.\nTimeline: within 3 weeks")
    first = useful_first(app)[0]
    assert first.rule is Rule.TIMELINE_NOTE and first.promised_on == date(2027, 3, 23)
    assert _in_time_order(app)
    assert reason(app) == why_text(first)
    # the line that counts the follow-up from P follows in time order, not first
    assert useful_first(app)[-1].rule is Rule.FOLLOW_UP_AFTER_P


def test_p_stated_in_a_reply_the_move_it_made_comes_first() -> None:
    reply = _theirs("Thanks Robin. We aim to decide within 10 days.", _at(3))
    app = _app(_thanked(reply), now=_at(5))
    first = useful_first(app)[0]
    assert (first.rule, first.promised_on) == (Rule.FOLLOW_UP_NEW_DATE, date(2027, 3, 13))
    assert [w.rule for w in useful_first(app)].count(Rule.FOLLOW_UP_NEW_DATE) == 1
    assert _in_time_order(app)


def test_a_dateless_reply_the_rule_that_set_the_follow_ups_due_comes_first() -> None:
    # P (default 2 weeks) is Tue 16 Mar; follow-up 1 sent Wed 17; a reply without a date
    # on Thu 18 moves follow-up 2 a full week on.
    nudge = _mine("Hello Kim, is there any news about the data engineer role? Robin", _at(17, 9))
    reply = _theirs("Still working through it, thanks for your patience.", _at(18))
    app = _app(_thanked(nudge, reply), now=_at(19))
    first = useful_first(app)[0]
    assert (first.rule, first.count) == (Rule.FOLLOW_UP_DATELESS, 2)
    assert _in_time_order(app)
    assert "a reply without a date" in reason(app)


def test_closed_by_a_decision_the_decision_comes_first() -> None:
    dated = _theirs("We will let you know by next Friday.", _at(3))
    decided = _theirs("We have decided to move forward with other candidates.", _at(9))
    app = _app(_thanked(dated, decided), now=_at(10))
    lines = useful_first(app)
    assert lines[0].rule is Rule.DECISION and lines[0].on == date(2027, 3, 9)
    assert why_text(lines[0]).startswith("decision: rejected")
    assert _in_time_order(app)
    assert reason(app) == why_text(lines[0])


def test_closed_by_a_later_round_in_the_calendar_the_next_round_comes_first() -> None:
    later = _event("fjord-2", START + timedelta(days=8))
    app = _app(_thanked(), now=_at(12), events=(later,))
    first = useful_first(app)[0]
    assert first.rule is Rule.NEXT_ROUND and first.on == date(2027, 3, 10)
    assert _in_time_order(app)


def test_dormant_the_dormancy_comes_first() -> None:
    app = _app(_thanked(), now=datetime(2027, 9, 1, 9, 0, tzinfo=ZONE))
    lines = useful_first(app)
    assert lines[0].rule is Rule.DORMANT
    assert why_text(lines[0]).startswith("dormant: nothing since")
    assert _in_time_order(app)


def test_an_unsure_decision_the_read_it_line_comes_first() -> None:
    unsure = _theirs("Unfortunately, the reviewers were split on your design exercise.", _at(4))
    app = _app(_thanked(unsure), now=_at(8))
    assert app.outcome is None
    first = useful_first(app)[0]
    assert first == Why(rule=Rule.MAYBE_DECISION, on=date(2027, 3, 4))
    assert reason(app) == "follow-up: a reply on Mar 4 may be a decision: read it"
    assert _in_time_order(app)


def test_the_thank_you_next_says_how_it_is_sent_first_and_a_stop_says_stopped() -> None:
    app = _app(now=START + timedelta(minutes=90))
    assert useful_first(app)[0].rule is Rule.THANK_YOU_EMAIL
    stop = Mark(interview_id="fjord-1", kind=MarkKind.STOP, marked_at=_at(3))
    stopped = _app(_thanked(), now=_at(4), marks=(stop,))
    assert useful_first(stopped)[0].rule is Rule.STOPPED
    # every line is still there, once
    assert sorted(map(str, useful_first(stopped))) == sorted(map(str, stopped.why))


def test_an_auto_reply_that_pushed_the_follow_up_back_comes_first() -> None:
    away = _theirs(
        "I am out of the office until 22 March 2027 with limited access to email.",
        _at(15),
        subject="Automatic reply: Thank you",
    )
    app = _app(_thanked(away), now=_at(16))
    first = useful_first(app)[0]
    assert (first.rule, first.due_on) == (Rule.AUTO_REPLY, date(2027, 3, 23))
    assert _in_time_order(app)
