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

from connectors.base import Found, RemembersWrites
from connectors.errors import SourceError
from daemon import diff
from daemon.apply import apply_all, verb, with_reasons_gone
from daemon.diff import Leave, Operation, Settlement
from daemon.errors import FollowupError
from daemon.items import Intent, Kind, Op, Recorded
from daemon.plan_cache import PlanCache
from daemon.progress import Progress
from daemon.sinks import Sinks
from daemon.sources import Observation
from daemon.state import State
from policy.models import Mark, Plan, Settings

logger = logging.getLogger(__name__)


class Observes(Protocol):
    def observe(self) -> Observation: ...

    def snapshots(self) -> Mapping[str, str]: ...

    def watch_progress(self, callback: Callable[[], None]) -> None:
        """Have a long read (a big first sync) call `callback` now and then during it."""


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
    # Writes that failed on their own while the others went on, one line each.
    failed: tuple[str, ...] = ()

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
            "failed": len(self.failed),
            "next_due_at": self.next_due_at.astimezone(UTC).isoformat()
            if self.next_due_at
            else None,
        }


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
    observation = _observe(observer, state, now)
    plan = _plan(observation, settings, now, state.marks(), plans)
    operations, settlements = _decide(
        plan, sinks=sinks, state=state, now=now, dry_run=dry_run, force=force
    )
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
    outcome = apply_all(
        operations,
        sinks=sinks,
        state=state,
        now=now,
        should_stop=should_stop,
        describe=_describe,
        progress=progress,
    )
    summary = replace(
        summary,
        applied=outcome.applied,
        stopped=outcome.stopped,
        pending=outcome.pending,
        failed=outcome.failed,
    )
    _record(summary, observer, state)
    return summary


def _observe(observer: Observes, state: State, now: datetime) -> Observation:
    """Read the sources; what a failed read got (a first sync's threads) is kept."""
    observer.watch_progress(lambda: _keep_what_was_read(observer, state, now))
    try:
        return observer.observe()
    except OSError as error:
        _keep_what_was_read(observer, state, now)
        raise TransientError(f"reading the sources: {_describe(error)}; nothing changed") from None
    except SourceError:
        _keep_what_was_read(observer, state, now)  # a big first sync resumes where it stopped
        raise


def _plan(
    observation: Observation,
    settings: Settings,
    now: datetime,
    marks: tuple[Mark, ...],
    plans: PlanCache | None,
) -> Plan:
    if plans is not None:
        return plans.plan(observation, settings, now, marks)
    from policy.planner import plan as make_plan  # not for a pass the plan cache answers

    return make_plan(
        observation.events, observation.threads, settings, now, marks, observation.replies
    )


def _record(summary: Summary, observer: Observes, state: State) -> None:
    """The sources' cursors (after a pass that applied everything) and the pass itself."""
    if not summary.stopped:
        snapshots = observer.snapshots()
        if snapshots:
            state.save_cursors(snapshots, summary.now)
    state.record_pass(summary.to_record())
    logger.info(
        "pass done: %d writes, %s",
        summary.writes(),
        ", ".join(f"{n} {what}" for what, n in summary.counts().items()) or "nothing planned",
    )


def _last_pass_at(state: State) -> datetime | None:
    last = state.last_pass()
    try:
        return datetime.fromisoformat(str(last["at"])) if last else None
    except (KeyError, ValueError):
        return None


def _keep_what_was_read(observer: Observes, state: State, now: datetime) -> None:
    """What the sources read before failing (a first sync's threads), kept for next time."""
    snapshots = observer.snapshots()
    if snapshots:
        state.save_cursors(snapshots, now)


def _decide(
    plan: Plan, *, sinks: Sinks, state: State, now: datetime, dry_run: bool, force: bool
) -> tuple[tuple[Operation, ...], tuple[Settlement, ...]]:
    """The pass's operations, and the settlements of intents an interrupted pass left open.

    Listing what was written costs requests (two per poll with Google): such sinks skip it
    when, with everything as recorded, the pass would write nothing anyway.
    """
    recorded = state.written()
    intents = state.open_intents()

    def operations_against(
        found: Mapping[Kind, Mapping[str, Found]], recorded: Mapping[tuple[Kind, str], Recorded]
    ) -> tuple[Operation, ...]:
        # Wanted against the same records the diff compares with: a reminder already due is
        # placed where its record says it was written, and a settled write moves that.
        wanted = diff.want(
            plan,
            now,
            reminder_hash=sinks.reminders.content_hash,
            draft_hash=sinks.drafts.content_hash,
            recorded=recorded,
            drafts_where=sinks.where.get(Kind.DRAFT, ""),
        )
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

    if not (intents or force or not sinks.lazy_listing):
        operations = operations_against(diff.as_recorded(recorded), recorded)
        if not any(diff.is_write(op) for op in operations):
            return operations, ()
    _tell_what_was_written(sinks, recorded, intents)
    found = _list_written(sinks)
    settlements = _settle_open(intents, recorded, found, state=state, now=now, dry_run=dry_run)
    recorded = diff.apply_settlements(recorded, settlements)
    operations = with_reasons_gone(operations_against(found, recorded), sinks, found, recorded)
    return operations, settlements


def _list_written(sinks: Sinks) -> dict[Kind, dict[str, Found]]:
    """What each sink holds of ours now, by kind and action key."""
    try:
        return {
            Kind.REMINDER: sinks.reminders.find_all(),
            Kind.DRAFT: sinks.drafts.find_all(),
        }
    except OSError as error:
        raise TransientError(
            f"listing what was written: {_describe(error)}; nothing changed"
        ) from None


def _settle_open(
    intents: tuple[Intent, ...],
    recorded: Mapping[tuple[Kind, str], Recorded],
    found: Mapping[Kind, Mapping[str, Found]],
    *,
    state: State,
    now: datetime,
    dry_run: bool,
) -> tuple[Settlement, ...]:
    """Decide each open intent by what is there now, and record it (not on a dry run)."""
    settlements = diff.settle(intents, recorded, found)
    if settlements:
        logger.info("settled %d writes an interrupted pass left open", len(settlements))
        if not dry_run:
            _record_settlements(state, settlements, now)
    return settlements


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


_verb = verb


def _describe(error: Exception) -> str:
    if isinstance(error, FollowupError):  # a SourceError, or a local writer's WriteError
        return error.user_message
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
