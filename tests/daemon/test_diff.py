"""The pure diff: what the plan wants against what was written and what is there now."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from connectors.base import Found, Reminder
from daemon import diff
from daemon.diff import Adopt, Create, Delete, Forget, Leave, Tombstone, Update, Wanted
from daemon.items import Intent, Kind, Op, Recorded, Tombstoned
from policy.models import (
    Action,
    ActionType,
    Application,
    Draft,
    Interview,
    Plan,
    State,
    Status,
    Timeline,
    TimelineSource,
)

NOW = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
DRAFT = Draft(to=("pat@acme.example",), subject="Following up", body="Hello")


def action(
    key: str, *, due: timedelta, status: Status = Status.PENDING, draft: bool = True
) -> Action:
    return Action(
        type=ActionType.FOLLOW_UP,
        number=1,
        due_at=NOW + due,
        status=status,
        key=key,
        draft=DRAFT if draft else None,
        reminder_title="Follow up",
        reminder_text="Hello",
    )


def plan_of(*actions: Action) -> Plan:
    interview = Interview(
        interview_id="acme-1",
        title="Interview",
        start_at=NOW - timedelta(days=9),
        end_at=NOW - timedelta(days=9, hours=-1),
    )
    app = Application(
        interview=interview,
        company="Acme",
        state=State.AWAITING_DECISION,
        outcome=None,
        timeline=Timeline(
            text="2 weeks",
            source=TimelineSource.DEFAULT,
            promised_on=date(2026, 12, 15),
            anchor_on=date(2026, 12, 1),
        ),
        followups_done=0,
        actions=actions,
        why=(),
    )
    return Plan(generated_at=NOW, applications=(app,))


def wanted_keys(plan: Plan, now: datetime = NOW) -> set[tuple[Kind, str]]:
    return {
        (w.kind, w.key)
        for w in diff.want(plan, now, reminder_hash=lambda r: "r", draft_hash=lambda d: "d")
    }


def test_a_reminder_as_soon_as_planned_a_draft_only_when_due() -> None:
    plan = plan_of(
        action("a/follow_up/1", due=timedelta(days=3)),
        action("a/follow_up/2", due=-timedelta(minutes=1)),
        action("a/prep", due=timedelta(days=1), draft=False),
        action("a/thank_you", due=-timedelta(days=1), status=Status.DONE),
    )
    assert wanted_keys(plan) == {
        (Kind.REMINDER, "a/follow_up/1"),
        (Kind.REMINDER, "a/follow_up/2"),
        (Kind.DRAFT, "a/follow_up/2"),
        (Kind.REMINDER, "a/prep"),
    }
    # at the due instant itself the draft is wanted ("when the action falls due")
    assert (Kind.DRAFT, "a/follow_up/1") in wanted_keys(plan, NOW + timedelta(days=3))


def test_history_and_next_due() -> None:
    plan = plan_of(
        action("a/thank_you", due=-timedelta(days=1), status=Status.DONE),
        action("a/prep", due=timedelta(days=1), status=Status.DONE),
        action("a/follow_up/1", due=timedelta(days=3)),
        action("a/follow_up/2", due=timedelta(days=2), status=Status.CANCELLED),
    )
    assert diff.history_keys(plan, NOW) == frozenset({"a/thank_you"})
    assert diff.next_due(plan, NOW) == NOW + timedelta(days=3)
    assert diff.next_due(plan, NOW + timedelta(days=4)) is None


def test_a_follow_up_done_early_loses_its_reminder_one_done_late_keeps_it() -> None:
    early = replace(
        action("a/follow_up/1", due=-timedelta(days=1), status=Status.DONE),
        done_at=NOW - timedelta(days=3),
    )
    late = replace(
        action("b/follow_up/1", due=-timedelta(days=2), status=Status.DONE),
        done_at=NOW - timedelta(days=1),
    )
    plan = plan_of(early, late)
    assert diff.history_keys(plan, NOW) == frozenset({"b/follow_up/1"})
    # a clock that jumps makes no history of the early one
    assert diff.history_keys(plan, NOW + timedelta(days=400)) == frozenset({"b/follow_up/1"})
    ops = diff.compute(
        wanted=[],
        recorded={(Kind.REMINDER, k): rec(k) for k in ("a/follow_up/1", "b/follow_up/1")},
        tombstones={},
        found={Kind.REMINDER: {k: found(k) for k in ("a/follow_up/1", "b/follow_up/1")}},
        history=diff.history_keys(plan, NOW),
        applications=1,
    )
    assert [(type(op), op.key) for op in ops] == [
        (Delete, "a/follow_up/1"),
        (Leave, "b/follow_up/1"),
    ]


def _hash_of(reminder: Reminder) -> str:
    return f"{reminder.title}|{reminder.starts_at.isoformat()}"


def _want_one(plan: Plan, now: datetime, recorded: dict[tuple[Kind, str], Recorded]) -> Reminder:
    (wanted,) = [
        w
        for w in diff.want(
            plan, now, reminder_hash=_hash_of, draft_hash=lambda d: "d", recorded=recorded
        )
        if w.kind is Kind.REMINDER
    ]
    assert isinstance(wanted.item, Reminder)
    return wanted.item


def test_a_reminder_for_an_action_already_due_goes_where_its_alarm_fires() -> None:
    overdue = plan_of(action("a/thank_you", due=-timedelta(hours=5), draft=False))
    first = _want_one(overdue, NOW, {})
    assert NOW < first.starts_at <= NOW + timedelta(minutes=3)
    # written: later passes keep it where it was written, so nothing is rewritten
    written = {
        (Kind.REMINDER, "a/thank_you"): replace(rec("a/thank_you", _hash_of(first)), written_at=NOW)
    }
    later = NOW + timedelta(hours=2, seconds=17)
    assert _want_one(overdue, later, written) == first
    # one written before it fell due stays at its due time
    at_due = replace(first, starts_at=NOW - timedelta(hours=5))
    before = {
        (Kind.REMINDER, "a/thank_you"): replace(
            rec("a/thank_you", _hash_of(at_due)), written_at=NOW - timedelta(days=1)
        )
    }
    assert _want_one(overdue, later, before) == at_due
    # not due yet: at its due time
    ahead = plan_of(action("a/thank_you", due=timedelta(hours=5), draft=False))
    assert _want_one(ahead, NOW, {}).starts_at == NOW + timedelta(hours=5)


def test_a_clock_stepped_back_keeps_a_written_draft() -> None:
    plan = plan_of(action("a/follow_up/1", due=-timedelta(hours=1)))
    recorded = {(Kind.DRAFT, "a/follow_up/1"): rec("a/follow_up/1", "d", kind=Kind.DRAFT)}
    back = NOW - timedelta(hours=3)  # the clock reads before the due time again
    assert (Kind.DRAFT, "a/follow_up/1") not in wanted_keys(plan, back)
    kept = diff.want(
        plan, back, reminder_hash=lambda r: "r", draft_hash=lambda d: "d", recorded=recorded
    )
    assert (Kind.DRAFT, "a/follow_up/1") in {(w.kind, w.key) for w in kept}
    # a draft the plan changed meanwhile (a new date moved it later) is not kept early
    moved = diff.want(
        plan, back, reminder_hash=lambda r: "r", draft_hash=lambda d: "d2", recorded=recorded
    )
    assert (Kind.DRAFT, "a/follow_up/1") not in {(w.kind, w.key) for w in moved}


def test_reminders_of_email_actions_say_whom_to_write_to_and_where_the_draft_is() -> None:
    mail = replace(
        action("a/follow_up/1", due=timedelta(days=1)),
        draft=Draft(
            to=("sam.lee@datadoghq.com",),
            to_names=("Sam Lee",),
            subject="Re: Backend Engineer interview",
            body="Hi Sam,",
        ),
        reminder_text="",
    )
    text = diff.reminder_text(mail, "/home/alex/Mail/drafts")
    assert "Write to: Sam Lee <sam.lee@datadoghq.com>" in text
    assert "the Maildir /home/alex/Mail/drafts (cur/)" in text
    assert "Subject: Re: Backend Engineer interview" in text
    assert text.endswith("Hi Sam,")
    assert "in Gmail drafts" in diff.reminder_text(mail, "Gmail drafts")


def rec(key: str, content: str = "h1", etag: str = "e1", kind: Kind = Kind.REMINDER) -> Recorded:
    return Recorded(
        kind=kind, key=key, remote_id=f"id-{key}", content_hash=content, etag=etag, written_at=NOW
    )


def found(key: str, content: str = "h1", etag: str = "e1") -> Found:
    return Found(key=key, remote_id=f"id-{key}", etag=etag, content_hash=content)


def want_r(key: str, content: str = "h1") -> Wanted:
    from connectors.base import Reminder

    return Wanted(
        kind=Kind.REMINDER,
        key=key,
        content_hash=content,
        item=Reminder(key=key, title="t", text="", starts_at=NOW),
    )


def one(
    *,
    wanted: Wanted | None = None,
    recorded: Recorded | None = None,
    there: Found | None = None,
    tombstone: bool = False,
    history: bool = False,
) -> diff.Operation:
    key = "k"
    ops = diff.compute(
        wanted=[wanted] if wanted else [],
        recorded={(Kind.REMINDER, key): recorded} if recorded else {},
        tombstones={
            (Kind.REMINDER, key): Tombstoned(
                kind=Kind.REMINDER, key=key, reason="changed by the user", remote_id="x", at=NOW
            )
        }
        if tombstone
        else {},
        found={Kind.REMINDER: {key: there} if there else {}, Kind.DRAFT: {}},
        history=frozenset({key}) if history else frozenset(),
        applications=1,
    )
    assert len(ops) == 1, ops
    return ops[0]


@pytest.mark.parametrize(
    ("case", "expected", "reason"),
    [
        ({"wanted": want_r("k")}, Create, "planned"),
        ({"wanted": want_r("k"), "recorded": rec("k"), "there": found("k")}, Leave, "up to date"),
        (
            {"wanted": want_r("k", "h2"), "recorded": rec("k"), "there": found("k")},
            Update,
            "the plan changed",
        ),
        ({"recorded": rec("k"), "there": found("k")}, Delete, "no longer pending"),
        ({"recorded": rec("k"), "there": found("k"), "history": True}, Leave, "kept as history"),
        # the user edited it: never updated or deleted, whatever the plan says
        (
            {"wanted": want_r("k", "h2"), "recorded": rec("k"), "there": found("k", "h9", "e2")},
            Tombstone,
            "changed by the user",
        ),
        (
            {"recorded": rec("k"), "there": found("k", "h9", "e2")},
            Tombstone,
            "changed by the user",
        ),
        # the user deleted it: never re-created
        ({"wanted": want_r("k"), "recorded": rec("k")}, Tombstone, "deleted by the user"),
        ({"wanted": want_r("k"), "tombstone": True}, Leave, "never written again"),
        (
            {"wanted": want_r("k"), "there": found("k"), "tombstone": True},
            Leave,
            "never written again",
        ),
        # found with our key but not recorded: adopted, not written twice
        ({"wanted": want_r("k"), "there": found("k")}, Adopt, "interrupted pass"),
        (
            {"wanted": want_r("k"), "there": found("k", "h9")},
            Tombstone,
            "treated as the user's",
        ),
        ({"there": found("k")}, Leave, "left alone"),
        # same etag, other hash: another release hashed it differently; not an edit
        (
            {"wanted": want_r("k"), "recorded": rec("k", "old"), "there": found("k", "h1")},
            Adopt,
            "rehashed",
        ),
    ],
)
def test_rules(case: dict[str, object], expected: type, reason: str) -> None:
    op = one(**case)  # type: ignore[arg-type]
    assert isinstance(op, expected)
    assert reason in op.reason


def test_nothing_wanted_written_or_found_gives_nothing() -> None:
    assert diff.compute(wanted=[], recorded={}, tombstones={}, found={}, applications=0) == ()


def test_a_sink_suddenly_empty_stops_the_pass_unless_forced() -> None:
    recorded = {(Kind.REMINDER, k): rec(k) for k in ("a", "b", "c")}
    args = {
        "wanted": [want_r(k) for k in ("a", "b", "c")],
        "recorded": recorded,
        "tombstones": {},
        "found": {Kind.REMINDER: {}, Kind.DRAFT: {}},
        "applications": 1,
        "where": {Kind.REMINDER: "/tmp/reminders.ics"},
    }
    with pytest.raises(diff.EmptiedError, match=r"/tmp/reminders.ics: none of the 3 reminders"):
        diff.compute(**args)  # type: ignore[arg-type]
    assert "--force` writes again what the plan wants" in str(
        pytest.raises(diff.EmptiedError, diff.compute, **args).value
    )
    # --force after a wiped file writes what the plan wants again, never tombstones it all
    forced = diff.compute(**args, force=True)  # type: ignore[arg-type]
    assert [type(op) for op in forced] == [Create] * 3
    # what is no longer wanted is forgotten, not left to the user forever
    args["wanted"] = [want_r("a")]
    forced = diff.compute(**args, force=True)  # type: ignore[arg-type]
    assert [type(op) for op in forced] == [Create, Forget, Forget]


def test_a_calendar_suddenly_without_interviews_stops_the_pass() -> None:
    recorded = {(Kind.REMINDER, k): rec(k) for k in ("a", "b", "c")}
    with pytest.raises(diff.EmptiedError, match="no interviews"):
        diff.compute(
            wanted=[],
            recorded=recorded,
            tombstones={},
            found={Kind.REMINDER: {k: found(k) for k in ("a", "b", "c")}},
            applications=0,
        )


def test_few_items_gone_is_no_emptied_side() -> None:
    recorded = {(Kind.REMINDER, k): rec(k) for k in ("a", "b")}
    ops = diff.compute(
        wanted=[],
        recorded=recorded,
        tombstones={},
        found={Kind.REMINDER: {}},
        applications=1,
    )
    assert [type(op) for op in ops] == [Tombstone, Tombstone]


def intent(op: Op, content: str = "h2", key: str = "k") -> Intent:
    return Intent(
        intent_id=7,
        kind=Kind.REMINDER,
        key=key,
        op=op,
        content_hash=content,
        remote_id="",
        started_at=NOW,
    )


@pytest.mark.parametrize(
    ("op", "there", "record_hash", "record_etag", "forget"),
    [
        (Op.CREATE, found("k", "h2", "e5"), "h2", "e5", False),  # made: recorded
        (Op.CREATE, None, None, None, False),  # never made: nothing recorded
        (Op.CREATE, found("k", "h9", "e5"), "h2", "", False),  # made, then edited by the user
        (Op.UPDATE, found("k", "h2", "e6"), "h2", "e6", False),  # made
        (Op.UPDATE, found("k", "h1", "e1"), None, None, False),  # not made
        (Op.UPDATE, None, None, None, False),  # gone: the diff tombstones it
        (Op.DELETE, None, None, None, True),  # made
        (Op.DELETE, found("k"), None, None, False),  # not made: the diff deletes it again
    ],
)
def test_settling_an_interrupted_write(
    op: Op,
    there: Found | None,
    record_hash: str | None,
    record_etag: str | None,
    forget: bool,
) -> None:
    recorded = {(Kind.REMINDER, "k"): rec("k")}
    (settled,) = diff.settle([intent(op)], recorded, {Kind.REMINDER: {"k": there} if there else {}})
    assert settled.forget is forget
    if record_hash is None:
        assert settled.record is None
    else:
        assert settled.record is not None
        assert (settled.record.content_hash, settled.record.etag) == (record_hash, record_etag)
    after = diff.apply_settlements(recorded, [settled])
    if forget:
        assert after == {}
    elif settled.record is not None:
        assert after[(Kind.REMINDER, "k")] == settled.record
    else:
        assert after == recorded


def test_a_create_settled_and_then_edited_is_left_to_the_user() -> None:
    """Made by a killed pass, edited before the next: the diff must not overwrite it."""
    there = found("k", "h9", "e5")
    (settled,) = diff.settle([intent(Op.CREATE)], {}, {Kind.REMINDER: {"k": there}})
    recorded = diff.apply_settlements({}, [settled])
    ops = diff.compute(
        wanted=[want_r("k", "h2")],
        recorded=recorded,
        tombstones={},
        found={Kind.REMINDER: {"k": there}},
        applications=1,
    )
    assert [type(op) for op in ops] == [Tombstone]


def test_a_clock_stepped_back_a_little_is_held_at_the_last_pass() -> None:
    assert diff.held_now(NOW - timedelta(hours=3), NOW) == NOW
    assert diff.held_now(NOW + timedelta(hours=3), NOW) == NOW + timedelta(hours=3)
    assert diff.held_now(NOW - timedelta(days=2), NOW) == NOW - timedelta(days=2)
    assert diff.held_now(NOW, None) == NOW
