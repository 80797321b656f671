"""One pass of the daemon's loop: observe → plan → settle → diff → apply → save cursors.

Level-triggered: whatever happened before (a crash, a sleep, a missed tick), a pass brings
the reminders and drafts in line with the plan as of `now`. Each write is its own unit:
its intent is committed first, then the remote write is made, then its result is recorded
with the intent settled, so a kill at any instant loses nothing and duplicates nothing
(an open intent is settled at the next pass by looking the item up by its action key).
A dry run stops after the diff and changes nothing, not even the state.

Logs carry ids, counts and decisions, never subjects, bodies or addresses.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from connectors.base import (
    DraftMessage,
    DraftSink,
    Found,
    RemembersWrites,
    Reminder,
    ReminderSink,
    Written,
)
from connectors.errors import ItemRefused, SourceError
from daemon import diff
from daemon.diff import (
    Adopt,
    Create,
    Delete,
    Forget,
    Leave,
    Operation,
    Settlement,
    Tombstone,
    Update,
)
from daemon.errors import FollowupError
from daemon.items import Intent, Kind, Op, Recorded, Tombstoned
from daemon.progress import Progress
from daemon.sinks import Sinks
from daemon.sources import Observation
from daemon.state import State
from policy.models import Mark, Plan, Settings
from policy.planner import plan as make_plan

logger = logging.getLogger(__name__)


class Observes(Protocol):
    def observe(self) -> Observation: ...

    def snapshots(self) -> Mapping[str, str]: ...


class TransientError(FollowupError):
    """A source or writer could not be reached; nothing is lost, the next pass retries."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """What one pass decided and did."""

    now: datetime
    plan: Plan
    operations: tuple[Operation, ...]
    applied: tuple[Operation, ...] = ()
    settlements: tuple[Settlement, ...] = ()
    dry_run: bool = False
    # Why the pass stopped before applying everything ("" when it did not).
    stopped: str = ""
    next_due_at: datetime | None = None
    pending: tuple[Operation, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """e.g. {"create reminder": 3, "leave draft": 2}, over the decided operations."""
        counter = Counter(f"{_verb(op)} {op.kind.value}" for op in self.operations)
        return dict(sorted(counter.items()))

    def writes(self) -> int:
        return sum(1 for op in self.applied if diff.is_write(op))

    def to_record(self) -> dict[str, object]:
        return {
            "at": self.now.astimezone(UTC).isoformat(),
            "counts": self.counts(),
            "writes": self.writes(),
            "stopped": self.stopped,
            "next_due_at": self.next_due_at.astimezone(UTC).isoformat()
            if self.next_due_at
            else None,
        }


class PlanCache:
    """Reuses the last plan while nothing it depends on changed.

    With the same observation object, marks and settings, the planner's answer holds from
    the moment it planned until `Plan.stable_until` (the planner says when a rule that reads
    `now` would answer otherwise). A daemon's idle pass then costs no planning at all;
    tests/daemon/test_reconcile.py checks the equality on generated data.
    """

    def __init__(self) -> None:
        self._last: tuple[Observation, tuple[Mark, ...], Settings, datetime, Plan] | None = None

    def plan(
        self, observation: Observation, settings: Settings, now: datetime, marks: tuple[Mark, ...]
    ) -> Plan:
        last = self._last
        if (
            last is not None
            and last[0] is observation
            and last[1] == marks
            and last[2] is settings
            and last[3] <= now
            and (last[4].stable_until is None or now < last[4].stable_until)
        ):
            return replace(last[4], generated_at=now.astimezone(settings.timezone))
        plan = make_plan(
            observation.events, observation.threads, settings, now, marks, observation.replies
        )
        self._last = (observation, marks, settings, now, plan)
        return plan


def run_pass(
    *,
    observer: Observes,
    sinks: Sinks,
    state: State,
    settings: Settings,
    now: datetime,
    dry_run: bool = False,
    force: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    plans: PlanCache | None = None,
    progress: Progress | None = None,
) -> Summary:
    """One pass. Raises FollowupError/SourceError for problems found before any write."""
    held = diff.held_now(now, _last_pass_at(state))
    if held != now:
        logger.info("the clock reads %s, before the last pass: planning as of %s", now, held)
        now = held
    try:
        observation = observer.observe()
    except OSError as error:
        raise TransientError(f"reading the sources: {_describe(error)}; nothing changed") from None
    marks = state.marks()
    if plans is not None:
        plan = plans.plan(observation, settings, now, marks)
    else:
        plan = make_plan(
            observation.events, observation.threads, settings, now, marks, observation.replies
        )
    recorded = state.written()
    intents = state.open_intents()
    wanted = diff.want(
        plan,
        now,
        reminder_hash=sinks.reminders.content_hash,
        draft_hash=sinks.drafts.content_hash,
        recorded=recorded,
        drafts_where=sinks.where.get(Kind.DRAFT, ""),
    )

    def operations_against(found: dict[Kind, dict[str, Found]]) -> tuple[Operation, ...]:
        return diff.compute(
            wanted=wanted,
            recorded=recorded,
            tombstones=state.tombstones(),
            found=found,
            history=diff.history_keys(plan, now),
            applications=len(plan.applications),
            where=sinks.where,
            force=force,
        )

    # Listing what was written costs requests (two per poll with Google): such sinks skip
    # it when, with everything as recorded, the pass would write nothing anyway.
    settlements: tuple[Settlement, ...] = ()
    needs_listing = bool(intents) or force or not sinks.lazy_listing
    if not needs_listing:
        operations = operations_against(diff.as_recorded(recorded))
        needs_listing = any(diff.is_write(op) for op in operations)
    if needs_listing:
        _tell_what_was_written(sinks, recorded, intents)
        try:
            found = {
                Kind.REMINDER: sinks.reminders.find_all(),
                Kind.DRAFT: sinks.drafts.find_all(),
            }
        except OSError as error:
            raise TransientError(
                f"listing what was written: {_describe(error)}; nothing changed"
            ) from None
        settlements = diff.settle(intents, recorded, found)
        if settlements:
            logger.info("settled %d writes an interrupted pass left open", len(settlements))
            if not dry_run:
                _record_settlements(state, settlements, now)
            recorded = diff.apply_settlements(recorded, settlements)
        operations = operations_against(found)
    summary = Summary(
        now=now,
        plan=plan,
        operations=operations,
        settlements=settlements,
        dry_run=dry_run,
        next_due_at=diff.next_due(plan, now),
    )
    for op in operations:
        if not isinstance(op, Leave):
            logger.info("%s %s %s: %s", _verb(op), op.kind.value, op.key, op.reason)
    if dry_run:
        return summary

    applied: list[Operation] = []
    stopped = ""
    for at, op in enumerate(operations):
        if progress is not None:  # a first sync writes thousands of items: show how far
            progress(at, len(operations))
        if should_stop():
            stopped = "asked to stop"
            summary = _with(summary, applied, stopped, operations[at:])
            break
        try:
            _apply(op, sinks, state, now)
        except ItemRefused as error:
            # This item's own problem: the others still go; its intent stays open, so the
            # next pass settles it and tries again.
            logger.warning(
                "%s %s %s refused: %s; the other writes go on",
                _verb(op),
                op.kind.value,
                op.key,
                _describe(error),
            )
            continue
        except (OSError, SourceError) as error:
            # The intent stays open: the next pass looks the item up before writing again.
            stopped = f"{_verb(op)} {op.kind.value} {op.key}: {_describe(error)}"
            logger.warning("pass stopped: %s; the next pass retries", stopped)
            summary = _with(summary, applied, stopped, operations[at:])
            break
        applied.append(op)
    else:
        summary = _with(summary, applied, "", ())
        snapshots = observer.snapshots()
        if snapshots:
            state.save_cursors(snapshots, now)
    state.record_pass(summary.to_record())
    logger.info(
        "pass done: %d writes, %s",
        summary.writes(),
        ", ".join(f"{n} {what}" for what, n in summary.counts().items()) or "nothing planned",
    )
    return summary


def _last_pass_at(state: State) -> datetime | None:
    last = state.last_pass()
    try:
        return datetime.fromisoformat(str(last["at"])) if last else None
    except (KeyError, ValueError):
        return None


def _tell_what_was_written(
    sinks: Sinks, recorded: Mapping[tuple[Kind, str], Recorded], intents: tuple[Intent, ...]
) -> None:
    """A sink that finds its items by our records (Gmail drafts) is given them first."""
    for kind in Kind:
        sink = sinks.of(kind)
        if isinstance(sink, RemembersWrites):
            sink.remember(
                {key: r.remote_id for (k, key), r in recorded.items() if k is kind},
                {i.key: i.content_hash for i in intents if i.kind is kind and i.op is Op.CREATE},
            )


def _with(
    summary: Summary, applied: list[Operation], stopped: str, pending: tuple[Operation, ...]
) -> Summary:
    return replace(summary, applied=tuple(applied), stopped=stopped, pending=pending)


def _record_settlements(state: State, settlements: tuple[Settlement, ...], now: datetime) -> None:
    for settlement in settlements:
        intent = settlement.intent
        if settlement.record is not None:
            state.record_written(intent.intent_id, settlement.record, outcome=settlement.outcome)
        elif settlement.forget:
            state.record_gone(
                intent.intent_id, intent.kind, intent.key, outcome=settlement.outcome, now=now
            )
        else:
            state.settle(intent.intent_id, settlement.outcome, now)


def _apply(op: Operation, sinks: Sinks, state: State, now: datetime) -> None:
    if isinstance(op, Leave):
        return
    if isinstance(op, Tombstone):
        state.tombstone(
            Tombstoned(kind=op.kind, key=op.key, reason=op.reason, remote_id=op.remote_id, at=now)
        )
        return
    if isinstance(op, Forget):
        state.record_gone(None, op.kind, op.key, outcome="forgotten", now=now)
        return
    if isinstance(op, Adopt):
        state.record_written(None, _recorded(op.kind, op.key, op.found, now), outcome="adopted")
        return
    if isinstance(op, Create):
        intent = state.begin(
            kind=op.kind,
            key=op.key,
            op=Op.CREATE,
            content_hash=op.content_hash,
            remote_id="",
            now=now,
        )
        _record(state, intent, op, _create(sinks, op.item), now, "created")
        return
    if isinstance(op, Update):
        intent = state.begin(
            kind=op.kind,
            key=op.key,
            op=Op.UPDATE,
            content_hash=op.content_hash,
            remote_id=op.found.remote_id,
            now=now,
        )
        result = _update(sinks, op.found, op.item)
        if result is None:
            state.settle(intent, "changed meanwhile: left as it is", now)
            return
        _record(state, intent, op, result, now, "updated")
        return
    assert isinstance(op, Delete)
    intent = state.begin(
        kind=op.kind,
        key=op.key,
        op=Op.DELETE,
        content_hash=op.found.content_hash,
        remote_id=op.found.remote_id,
        now=now,
    )
    sink: ReminderSink | DraftSink = sinks.of(op.kind)
    if sink.delete(op.found):
        state.record_gone(intent, op.kind, op.key, outcome="deleted", now=now)
    else:
        state.settle(intent, "changed meanwhile: left as it is", now)


def _record(
    state: State, intent: int, op: Create | Update, written: Written, now: datetime, outcome: str
) -> None:
    """Close a write's intent with what the sink reports it wrote."""
    state.record_written(
        intent,
        Recorded(
            kind=op.kind,
            key=op.key,
            remote_id=written.remote_id,
            content_hash=written.content_hash,
            etag=written.etag,
            written_at=now,
        ),
        outcome=outcome,
    )


def _create(sinks: Sinks, item: Reminder | DraftMessage) -> Written:
    if isinstance(item, Reminder):
        return sinks.reminders.create(item)
    return sinks.drafts.create(item)


def _update(sinks: Sinks, found: Found, item: Reminder | DraftMessage) -> Written | None:
    if isinstance(item, Reminder):
        return sinks.reminders.update(found, item)
    return sinks.drafts.update(found, item)


def _recorded(kind: Kind, key: str, found: Found, now: datetime) -> Recorded:
    return Recorded(
        kind=kind,
        key=key,
        remote_id=found.remote_id,
        content_hash=found.content_hash,
        etag=found.etag,
        written_at=now,
    )


def _verb(op: Operation) -> str:
    return type(op).__name__.lower()


def _describe(error: Exception) -> str:
    if isinstance(error, SourceError):
        return error.user_message
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
