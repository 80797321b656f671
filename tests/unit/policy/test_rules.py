"""policy/rules.py rule by rule, as tables with each date worked out.

US calendar: Thanksgiving Thu 2026-11-26, Christmas Fri 2026-12-25, New Year Fri 2027-01-01.
The interview is Tue 2026-12-01 10:00-11:00 New York time unless a row says otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from policy.business_days import BusinessCalendar
from policy.models import (
    Channel,
    Culture,
    Interview,
    Mark,
    MarkKind,
    Message,
    Outcome,
    Person,
    Rule,
    Settings,
    State,
    Status,
    Timeline,
    TimelineSource,
    Why,
)
from policy.rules import (
    Closing,
    FollowUpSchedule,
    Reply,
    after_auto_replies,
    after_dateless_reply,
    after_follow_up_sent,
    after_new_date,
    application_state,
    base_timeline,
    counts_as_news,
    dormancy,
    dormant_from,
    first_follow_up,
    follow_ups_done_at,
    last_activity_on,
    next_round_by_calendar,
    outcome,
    prep_due,
    prep_status,
    schedule_follow_ups,
    settle_follow_up,
    stated_timeline,
    thank_you_channel,
    thank_you_due,
    thank_you_sent,
    thank_you_status,
)

NY = ZoneInfo("America/New_York")
ME = "alex@example.com"
SETTINGS = Settings(me=frozenset({ME}), timezone=NY, country="US")
CALENDAR = BusinessCalendar("US")
_ids = count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def interview(
    notes: tuple[tuple[str, str], ...] = (), start: str = "2026-12-01T10:00"
) -> Interview:
    start_at = at(start)
    return Interview(
        interview_id="acme-1",
        title="Interview with Acme",
        start_at=start_at,
        end_at=start_at + timedelta(hours=1),
        notes=notes,
    )


def message(when: str, sender: str = "jane@acme.com") -> Message:
    return Message(
        message_id=f"m{next(_ids)}",
        thread_id="t",
        sender=Person(email=sender),
        sent_at=at(when),
    )


def reply(
    when: str,
    *,
    promised: date | None = None,
    decision: Outcome | None = None,
    auto: bool = False,
    returns: date | None = None,
) -> Reply:
    return Reply(
        message=message(when),
        auto=auto,
        decision=decision,
        promised_on=promised,
        statement="by then" if promised else "",
        returns_on=returns,
    )


def mark(kind: MarkKind, value: str = "", when: str = "2026-12-02T09:00") -> Mark:
    return Mark(interview_id="acme-1", kind=kind, value=value, marked_at=at(when))


def timeline(promised: date, source: TimelineSource = TimelineSource.DEFAULT) -> Timeline:
    return Timeline(
        text="2 weeks", source=source, promised_on=promised, anchor_on=date(2026, 12, 1)
    )


# --- The stated timeline and the promised date P --------------------------------------


@pytest.mark.parametrize(
    ("notes", "source", "promised"),
    [
        ((), TimelineSource.DEFAULT, date(2026, 12, 15)),  # Tue 12-01 + 14 days
        ((("timeline", "within 10 days"),), TimelineSource.EVENT, date(2026, 12, 11)),
        ((("timeline", "3 business days"),), TimelineSource.EVENT, date(2026, 12, 4)),  # W Th F
        ((("timeline", "soon"),), TimelineSource.DEFAULT, date(2026, 12, 15)),  # no date: default
    ],
)
def test_base_timeline(
    notes: tuple[tuple[str, str], ...], source: TimelineSource, promised: date
) -> None:
    base = base_timeline(interview(notes), SETTINGS, CALENDAR)
    assert (base.source, base.promised_on, base.anchor_on) == (source, promised, date(2026, 12, 1))


NOTE = (("timeline", "within 10 days"),)  # P Fri 12-11


@pytest.mark.parametrize(
    ("notes", "replies", "marks", "source", "promised"),
    [
        # A later email statement wins over the note.
        (NOTE, [reply("2026-12-04T10:00", promised=date(2026, 12, 18))], (), "email", (12, 18)),
        # An email during the interview is older than the note (anchored at the end).
        (NOTE, [reply("2026-12-01T10:30", promised=date(2026, 12, 18))], (), "event", (12, 11)),
        # ... but with no note it is the only statement there is.
        ((), [reply("2026-12-01T10:30", promised=date(2026, 12, 18))], (), "email", (12, 18)),
        # Of two emails the later one wins, even with the earlier date.
        (
            (),
            [
                reply("2026-12-02T10:00", promised=date(2026, 12, 18)),
                reply("2026-12-03T10:00", promised=date(2026, 12, 9)),
            ],
            (),
            "email",
            (12, 9),
        ),
        # A mark wins over everything: '3 weeks' from the mark's day Wed 12-02 → 12-23.
        (
            NOTE,
            [reply("2026-12-04T10:00", promised=date(2026, 12, 18))],
            (mark(MarkKind.TIMELINE, "3 weeks"),),
            "user",
            (12, 23),
        ),
        # A mark that names no date is no mark for the timeline.
        (NOTE, [], (mark(MarkKind.TIMELINE, "soon"),), "event", (12, 11)),
    ],
)
def test_stated_timeline(
    notes: tuple[tuple[str, str], ...],
    replies: list[Reply],
    marks: tuple[Mark, ...],
    source: str,
    promised: tuple[int, int],
) -> None:
    seen = interview(notes)
    base = base_timeline(seen, SETTINGS, CALENDAR)
    found = stated_timeline(seen, replies, marks, base, SETTINGS, CALENDAR)
    assert (found.source.value, found.promised_on) == (source, date(2026, *promised))


# --- Replies that change the plan -----------------------------------------------------


def test_next_round_by_calendar_is_the_first_later_interview() -> None:
    first = interview()
    third = interview(start="2026-12-15T10:00")
    second = interview(start="2026-12-08T10:00")
    assert next_round_by_calendar(first, [first, third, second]) == second
    assert next_round_by_calendar(third, [first, third, second]) is None


@pytest.mark.parametrize(
    ("marks", "replies", "later", "expected", "keeps_thank_you"),
    [
        ((), [], False, None, None),
        ((), [], True, Outcome.NEXT_ROUND, True),
        ((), [reply("2026-12-05T10:00", decision=Outcome.REJECTED)], True, Outcome.REJECTED, False),
        # The latest decision wins; an auto-reply decides nothing.
        (
            (),
            [
                reply("2026-12-05T10:00", decision=Outcome.NEXT_ROUND),
                reply("2026-12-09T10:00", decision=Outcome.OFFER),
                reply("2026-12-10T10:00", decision=Outcome.REJECTED, auto=True),
            ],
            False,
            Outcome.OFFER,
            False,
        ),
        # A stop mark wins over a decision.
        (
            (mark(MarkKind.STOP),),
            [reply("2026-12-05T10:00", decision=Outcome.OFFER)],
            False,
            Outcome.STOPPED,
            False,
        ),
    ],
)
def test_outcome(
    marks: tuple[Mark, ...],
    replies: list[Reply],
    later: bool,
    expected: Outcome | None,
    keeps_thank_you: bool | None,
) -> None:
    next_round = interview(start="2026-12-08T10:00") if later else None
    closing = outcome(marks, replies, next_round, None, SETTINGS)
    if expected is None:
        assert closing is None
    else:
        assert closing is not None
        assert (closing.outcome, closing.keeps_thank_you) == (expected, keeps_thank_you)


# --- Prep and thank-you ---------------------------------------------------------------------


def test_prep_and_thank_you_due_in_real_time_across_dst() -> None:
    # Clocks go back Sun 2026-11-01 02:00 EDT → 01:00 EST. An interview 00:40-01:30 EDT
    # ends at 01:30 EDT; an hour later it is 01:30 EST (the wall clock shows 01:30 again).
    early = Interview(
        interview_id="x",
        title="Interview",
        start_at=datetime(2026, 11, 1, 0, 40, tzinfo=NY),
        end_at=datetime(2026, 11, 1, 1, 30, tzinfo=NY),
    )
    due = thank_you_due(early, SETTINGS)
    assert due.astimezone(UTC) - early.end_at.astimezone(UTC) == timedelta(hours=1)
    assert (due.hour, due.minute, due.utcoffset()) == (1, 30, timedelta(hours=-5))
    assert prep_due(early, SETTINGS) == datetime(2026, 11, 1, 0, 10, tzinfo=NY)


CLOSED = Closing(outcome=Outcome.REJECTED, why=Why(rule=Rule.DECISION, text="rejected"))
LATER_ROUND = Closing(
    outcome=Outcome.NEXT_ROUND, why=Why(rule=Rule.NEXT_ROUND), keeps_thank_you=True
)


@pytest.mark.parametrize(
    ("now", "marked", "closing", "status"),
    [
        ("2026-12-01T09:00", frozenset(), None, Status.PENDING),
        ("2026-12-01T09:30", frozenset(), None, Status.DONE),  # its due time: done
        ("2026-12-01T09:00", frozenset({"prep"}), None, Status.DONE),
        ("2026-12-01T09:00", frozenset(), CLOSED, Status.CANCELLED),
        ("2026-12-01T09:45", frozenset(), CLOSED, Status.DONE),
    ],
)
def test_prep_status(
    now: str, marked: frozenset[str], closing: Closing | None, status: Status
) -> None:
    assert prep_status(at("2026-12-01T09:30"), marked, closing, at(now)) is status


@pytest.mark.parametrize(
    ("culture", "promised", "channel", "rule"),
    [
        (None, date(2026, 12, 22), Channel.EMAIL, Rule.THANK_YOU_EMAIL),
        (Culture.TECH, date(2026, 12, 22), Channel.EMAIL, Rule.THANK_YOU_EMAIL),
        (Culture.PAPER, date(2026, 12, 9), Channel.HANDWRITTEN, Rule.THANK_YOU_HANDWRITTEN),  # 8
        (Culture.PAPER, date(2026, 12, 8), Channel.EMAIL, Rule.THANK_YOU_EMAIL_PAPER),  # 7 days
    ],
)
def test_thank_you_channel(
    culture: Culture | None, promised: date, channel: Channel, rule: Rule
) -> None:
    found, why = thank_you_channel(culture, timeline(promised), interview(), SETTINGS)
    assert (found, why.rule) == (channel, rule)


def test_thank_you_sent_within_three_days_after_the_end() -> None:
    seen = interview()  # ends Tue 12-01 11:00
    assert thank_you_sent(seen, [message("2026-12-04T11:00", ME)]) is not None  # exactly 3 days
    assert thank_you_sent(seen, [message("2026-12-04T11:01", ME)]) is None


THANKED = message("2026-12-01T15:00", ME)


@pytest.mark.parametrize(
    ("channel", "thanked", "marked", "closing", "status"),
    [
        (Channel.EMAIL, THANKED, frozenset(), None, Status.DONE),
        (Channel.EMAIL, None, frozenset(), None, Status.PENDING),
        (Channel.HANDWRITTEN, THANKED, frozenset(), None, Status.PENDING),  # only a mark does it
        (Channel.HANDWRITTEN, None, frozenset({"thank_you"}), None, Status.DONE),
        (Channel.EMAIL, None, frozenset(), CLOSED, Status.CANCELLED),
        (Channel.EMAIL, None, frozenset(), LATER_ROUND, Status.PENDING),  # a later round keeps it
    ],
)
def test_thank_you_status(
    channel: Channel,
    thanked: Message | None,
    marked: frozenset[str],
    closing: Closing | None,
    status: Status,
) -> None:
    assert thank_you_status(channel, thanked, marked, closing, SETTINGS)[0] is status


# --- Status follow-ups ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promised", "due"),
    [
        (date(2026, 12, 15), date(2026, 12, 16)),  # Tue → Wed
        (date(2026, 12, 18), date(2026, 12, 21)),  # Fri → Mon
        (date(2026, 11, 25), date(2026, 11, 27)),  # Wed → Fri, past Thanksgiving
        (date(2026, 12, 24), date(2026, 12, 28)),  # Thu → Mon, past Christmas
        (date(2026, 12, 31), date(2027, 1, 4)),  # Thu → Mon, past New Year
    ],
)
def test_first_follow_up_the_business_day_after_p(promised: date, due: date) -> None:
    assert first_follow_up(promised, CALENDAR) == due


def _nothing_yet() -> FollowUpSchedule:
    """P Tue 12-15, nothing sent or received: follow-up 1 on Wed 12-16."""
    return schedule_follow_ups(
        base=timeline(date(2026, 12, 15)),
        timeline=timeline(date(2026, 12, 15)),
        done_at=(),
        replies=(),
        settings=SETTINGS,
        calendar=CALENDAR,
    )


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        ("2026-12-16T09:40", date(2026, 12, 23)),  # Wed + 7 = Wed
        ("2026-12-18T09:40", date(2026, 12, 28)),  # Fri + 7 = Fri 12-25, Christmas → Mon
        ("2026-12-26T10:00", date(2027, 1, 4)),  # Sat + 7 = Sat 01-02 → Mon
    ],
)
def test_after_follow_up_sent_a_full_week(sent: str, due: date) -> None:
    before = _nothing_yet()
    after = after_follow_up_sent(before, at(sent), SETTINGS, CALENDAR)
    assert (after.number, after.due_on) == (2, due)
    assert after.why[-1].rule is Rule.FOLLOW_UP_SENT


@pytest.mark.parametrize(
    ("when", "due", "moved"),
    [
        ("2026-12-10T10:00", date(2026, 12, 16), False),  # before P: nothing changes
        ("2026-12-15T10:00", date(2026, 12, 22), True),  # on P: Tue + 7
        ("2026-12-18T10:00", date(2026, 12, 28), True),  # Fri + 7 = Christmas → Mon
    ],
)
def test_after_dateless_reply(when: str, due: date, moved: bool) -> None:
    start = _nothing_yet()
    after = after_dateless_reply(start, reply(when), SETTINGS, CALENDAR)
    assert (after.due_on, after.moved) == (due, moved)


def test_after_new_date_moves_p_and_the_pending_one() -> None:
    start = _nothing_yet()
    after = after_new_date(
        start, reply("2026-12-10T10:00", promised=date(2026, 12, 24)), SETTINGS, CALENDAR
    )
    # Thu 12-24 → Mon 12-28 (Christmas Fri).
    assert (after.promised_on, after.due_on, after.number) == (
        date(2026, 12, 24),
        date(2026, 12, 28),
        1,
    )


ND = TimelineSource.DEFAULT


@pytest.mark.parametrize(
    ("name", "source", "done", "replies", "number", "due", "last_rule"),
    [
        ("nothing happened", ND, [], [], 1, date(2026, 12, 16), Rule.FOLLOW_UP_AFTER_P),
        (
            "a follow-up sent Wed 12-16",
            ND,
            ["2026-12-16T09:40"],
            [],
            2,
            date(2026, 12, 23),
            Rule.FOLLOW_UP_WEEK_AFTER,
        ),
        (
            "a dateless reply after it: its day + 7 (Fri 12-18 → Christmas → Mon 12-28)",
            ND,
            ["2026-12-16T09:40"],
            [reply("2026-12-18T10:00")],
            2,
            date(2026, 12, 28),
            Rule.FOLLOW_UP_DATELESS,
        ),
        (
            "a date given after follow-up 1: the business day after it",
            ND,
            ["2026-12-16T09:40"],
            [reply("2026-12-17T10:00", promised=date(2027, 1, 8))],
            2,
            date(2027, 1, 11),
            Rule.FOLLOW_UP_NEW_DATE,
        ),
        (
            "a new, earlier P: the business day after it (Fri 12-04 → Mon 12-07)",
            ND,
            [],
            [reply("2026-12-03T10:00", promised=date(2026, 12, 4))],
            1,
            date(2026, 12, 7),
            Rule.FOLLOW_UP_NEW_DATE,
        ),
        (
            "with a mark a dated reply waits a week like a dateless one",
            TimelineSource.USER,
            [],
            [reply("2026-12-16T10:00", promised=date(2027, 1, 8))],
            1,
            date(2026, 12, 23),
            Rule.FOLLOW_UP_DATELESS,
        ),
        (
            "a decision moves nothing (outcome closes it)",
            ND,
            [],
            [reply("2026-12-16T10:00", decision=Outcome.REJECTED)],
            1,
            date(2026, 12, 16),
            Rule.FOLLOW_UP_AFTER_P,
        ),
        (
            "two sent: wait for the recruiter; later replies change nothing",
            ND,
            ["2026-12-16T09:40", "2026-12-23T09:40"],
            [reply("2026-12-28T10:00", promised=date(2027, 1, 8))],
            3,
            None,
            Rule.FOLLOW_UPS_EXHAUSTED,
        ),
    ],
)
def test_schedule_follow_ups(
    name: str,
    source: TimelineSource,
    done: list[str],
    replies: list[Reply],
    number: int,
    due: date | None,
    last_rule: Rule,
) -> None:
    # P Tue 12-15 (the default two weeks from Tue 12-01).
    schedule = schedule_follow_ups(
        base=timeline(date(2026, 12, 15)),
        timeline=timeline(date(2026, 12, 15), source),
        done_at=[at(d) for d in done],
        replies=replies,
        settings=SETTINGS,
        calendar=CALENDAR,
    )
    assert (schedule.number, schedule.next_on, schedule.why[-1].rule) == (number, due, last_rule)


def test_an_email_statement_is_folded_from_the_base_p() -> None:
    # The base P is the note's Fri 12-11; the email of Thu 12-03 moves it to Fri 12-18.
    email = timeline(date(2026, 12, 18), TimelineSource.EMAIL)
    schedule = schedule_follow_ups(
        base=timeline(date(2026, 12, 11), TimelineSource.EVENT),
        timeline=email,
        done_at=[],
        replies=[
            reply("2026-12-03T10:00", promised=date(2026, 12, 18)),
            reply("2026-12-12T10:00"),  # dateless, before the new P: nothing
        ],
        settings=SETTINGS,
        calendar=CALENDAR,
    )
    assert schedule.next_on == date(2026, 12, 21)
    assert [w.rule for w in schedule.why] == [Rule.FOLLOW_UP_NEW_DATE]


def test_settle_never_before_the_business_day_after_p() -> None:
    start = _nothing_yet()
    early = replace(start, due_on=date(2026, 12, 1), next_on=None, why=())
    assert settle_follow_up(early, SETTINGS, CALENDAR).next_on == date(2026, 12, 16)


@pytest.mark.parametrize(
    ("due", "returns", "expected", "why"),
    [
        (date(2026, 12, 16), date(2026, 12, 18), date(2026, 12, 21), True),  # back Fri → Mon
        (date(2026, 12, 16), date(2026, 12, 14), date(2026, 12, 16), False),  # back earlier
        (date(2026, 12, 16), date(2026, 12, 24), date(2026, 12, 28), True),  # past Christmas
    ],
)
def test_after_auto_replies(due: date, returns: date, expected: date, why: bool) -> None:
    replies = [reply("2026-12-10T10:00", auto=True, returns=returns), reply("2026-12-11T10:00")]
    found, reason = after_auto_replies(due, replies, CALENDAR)
    assert (found, reason is not None) == (expected, why)


def test_follow_ups_done_at_skips_the_thank_you_and_quick_answers() -> None:
    thank_you = message("2026-12-01T15:00", ME)
    answer = message("2026-12-08T12:00", ME)  # within 24 hours of the recruiter's mail
    checking_in = message("2026-12-16T09:40", ME)
    marked = mark(MarkKind.DONE, "follow_up:2", "2026-12-23T10:00")
    done = follow_ups_done_at(
        [thank_you, answer, checking_in], thank_you, [reply("2026-12-07T16:00")], [marked]
    )
    assert done == [at("2026-12-16T09:40"), at("2026-12-23T10:00")]


# --- States ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "closing", "done", "state"),
    [
        ("2026-12-01T10:59", None, 0, State.SCHEDULED),
        ("2026-12-01T11:00", None, 0, State.AWAITING_DECISION),
        ("2026-12-24T11:00", None, 2, State.WAITING_FOR_RECRUITER),
        ("2026-12-01T10:00", CLOSED, 0, State.CLOSED),
    ],
)
def test_application_state(now: str, closing: Closing | None, done: int, state: State) -> None:
    assert application_state(interview(), closing, done, SETTINGS, at(now)) is state


# --- Old interviews ------------------------------------------------------------------------


def _bulk(when: str, header: tuple[str, str]) -> Message:
    return replace(message(when), headers=(header,))


@pytest.mark.parametrize(
    ("news", "promised", "last_on"),
    [
        ([], date(2026, 11, 20), date(2026, 12, 1)),  # the interview's end (P earlier: a mark)
        ([], date(2026, 12, 15), date(2026, 12, 15)),  # P
        ([message("2026-12-20T10:00")], date(2026, 12, 15), date(2026, 12, 20)),  # a reply
        ([message("2026-12-20T23:30", ME)], date(2026, 12, 15), date(2026, 12, 20)),  # mine
    ],
)
def test_last_activity_on(news: list[Message], promised: date, last_on: date) -> None:
    assert last_activity_on(interview(), news, timeline(promised), SETTINGS) == last_on


@pytest.mark.parametrize(
    "header",
    [
        ("list-id", "<news.acme.com>"),
        ("list-unsubscribe", "<mailto:unsubscribe@acme.com>"),
        ("precedence", "bulk"),
        ("precedence", "list"),
        ("precedence", "junk"),
        ("auto-submitted", "auto-replied"),
    ],
)
def test_bulk_mail_and_auto_replies_are_no_news(header: tuple[str, str]) -> None:
    assert not counts_as_news(_bulk("2026-12-20T10:00", header))
    assert counts_as_news(_bulk("2026-12-20T10:00", ("precedence", "first-class")))


@pytest.mark.parametrize(
    ("last_on", "days", "now", "dormant"),
    [
        # Quiet since Fri 12-18: 30 days later is Sun 01-17; dormant from Mon 01-18 00:00.
        (date(2026, 12, 18), 30, "2027-01-17T23:59", False),
        (date(2026, 12, 18), 30, "2027-01-18T00:00", True),
        (date(2026, 12, 18), 60, "2027-01-18T00:00", False),  # policy.dormant_days = 60
        (date(2026, 12, 18), 60, "2027-02-17T00:00", True),  # 12-18 + 61 days
    ],
)
def test_dormancy(last_on: date, days: int, now: str, dormant: bool) -> None:
    settings = replace(SETTINGS, dormant_days=days)
    found = dormancy(last_on, settings, at(now))
    assert (found is not None) == dormant
    if found is not None:
        assert (found.rule, found.on, found.count) == (Rule.DORMANT, last_on, days)


def test_dormant_from_local_midnight_on_a_dst_day() -> None:
    # Quiet since Thu 2027-02-11: dormant from 03-14 00:00, the day clocks go forward (EST).
    starts = dormant_from(date(2027, 2, 11), SETTINGS)
    assert starts == datetime(2027, 3, 14, 0, 0, tzinfo=NY)
    assert starts.utcoffset() == timedelta(hours=-5)


DORMANT = Why(rule=Rule.DORMANT, on=date(2026, 12, 18), count=30)


@pytest.mark.parametrize(
    ("replies", "later", "expected", "keeps_thank_you"),
    [
        ([], False, Outcome.DORMANT, False),
        # A decision says more than dormancy.
        ([reply("2026-12-05T10:00", decision=Outcome.REJECTED)], False, Outcome.REJECTED, False),
        # A later round closes it as next_round, but a dormant one's thank-you is cancelled too.
        ([], True, Outcome.NEXT_ROUND, False),
    ],
)
def test_outcome_when_dormant(
    replies: list[Reply], later: bool, expected: Outcome, keeps_thank_you: bool
) -> None:
    next_round = interview(start="2026-12-08T10:00") if later else None
    closing = outcome((), replies, next_round, DORMANT, SETTINGS)
    assert closing is not None
    assert (closing.outcome, closing.keeps_thank_you) == (expected, keeps_thank_you)
    # Closed first by something else, it still says it is dormant (status lists it apart).
    assert closing.dormant == (None if expected is Outcome.DORMANT else DORMANT)
