"""The apply step of a pass: each operation the diff decided, made and recorded in turn.

Every write follows one protocol whatever the sink: its intent is committed to the journal
first, then the sink makes it, then its result is recorded with the intent settled. A kill
between the two leaves the intent open; the next pass settles it by looking the item up.
Reminders and drafts differ only in the item they carry, so the writers are seen through
one generic `Sink` type and each operation names its journal entry and sink call once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from connectors.base import Found, Written
from connectors.draft_mail import DraftRefused, dated
from connectors.errors import ItemRefused
from daemon.diff import Adopt, Create, Delete, Forget, Leave, Operation, Tombstone, Update
from daemon.items import Kind, Op, Recorded, Tombstoned
from daemon.progress import Progress
from daemon.sinks import Sinks
from daemon.state import State, StateError
from policy.errors import FollowupError

logger = logging.getLogger(__name__)

ItemT = TypeVar("ItemT", contravariant=True)


class Sink(Protocol[ItemT]):
    """A `ReminderSink` or a `DraftSink`: the same calls over another kind of item."""

    def create(self, item: ItemT, /) -> Written: ...

    def update(self, found: Found, item: ItemT, /) -> Written | None: ...

    def delete(self, found: Found, /) -> bool: ...


@runtime_checkable
class Batching(Protocol):
    """A sink that can make many writes as one (the .ics file: written once per pass)."""

    def batch(self) -> AbstractContextManager[None]: ...


@runtime_checkable
class TellsWhyGone(Protocol):
    """A sink that can tell why an item we wrote is gone (Gmail drafts: sent or deleted)."""

    def why_gone(
        self, key: str, *, remote_id: str, content_hash: str, written_at: datetime
    ) -> str: ...


def with_reasons_gone(
    operations: Sequence[Operation],
    sinks: Sinks,
    found: Mapping[Kind, Mapping[str, Found]],
    recorded: Mapping[tuple[Kind, str], Recorded],
) -> tuple[Operation, ...]:
    """The operations, each item tombstoned as gone saying why where its sink can tell
    ("sent by the user" rather than "deleted or sent by the user"): what `sync` prints and
    `status` shows. Asked only for items gone, so a pass with none costs nothing more."""
    out: list[Operation] = []
    for op in operations:
        sink = sinks.of(op.kind)
        record = recorded.get((op.kind, op.key))
        if (
            isinstance(op, Tombstone)
            and isinstance(sink, TellsWhyGone)
            and record is not None
            and op.key not in found.get(op.kind, {})
        ):
            try:
                reason = sink.why_gone(
                    op.key,
                    remote_id=record.remote_id,
                    content_hash=record.content_hash,
                    written_at=record.written_at,
                )
            except (FollowupError, OSError) as error:  # the lookup alone: the pass goes on
                logger.info("why %s %s is gone: not told (%s)", op.kind.value, op.key, error)
                reason = op.reason
            op = replace(op, reason=reason)
        out.append(op)
    return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How the apply step ended: what was applied, why it stopped, what it left to do, and
    the writes that failed on their own (one line each) while the others went on."""

    applied: tuple[Operation, ...]
    stopped: str = ""
    pending: tuple[Operation, ...] = ()
    failed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Made:
    """A write the sink made (or, batched, will make) whose intent is not settled yet."""

    intent: int
    op: Create | Update | Delete
    result: Written | bool | None


# Failures in a row on one sink after which it is taken as out of order for the pass.
_STREAK = 3


def apply_all(
    operations: Sequence[Operation],
    *,
    sinks: Sinks,
    state: State,
    now: datetime,
    should_stop: Callable[[], bool],
    describe: Callable[[Exception], str],
    progress: Progress | None = None,
) -> Outcome:
    """Apply the operations in order, each on its own: a write that fails is that item's
    problem (a line, its intent left open for the next pass to settle) and the others go
    on; a sink that cannot be reached (a connection failure, three failures in a row) gets
    no more writes this pass. A stop request ends the loop after the write in flight.
    Writes to a `Batching` sink are settled once its batch is written. Every draft
    written carries the pass's moment, `now`, as its Date."""
    with dated(now):
        batches = {
            kind: sink.batch() for kind in Kind if isinstance(sink := sinks.of(kind), Batching)
        }
        for context in batches.values():
            context.__enter__()
        run = _Run(batched=frozenset(batches))
        try:
            _loop(run, operations, sinks, state, now, should_stop, describe, progress)
        except BaseException as error:  # a kill or the state: the batches write nothing
            for context in batches.values():
                context.__exit__(type(error), error, error.__traceback__)
            raise
        for kind, context in batches.items():
            made = run.deferred.get(kind, [])
            try:
                context.__exit__(None, None, None)
            except Exception as error:  # the one write of the batch failed: all stay open
                run.sink_down(kind, f"writing the {kind.value}s: {describe(error)}")
                run.pending.extend(item.op for item in made)
                continue
            with state.together():  # one commit for the whole batch's records
                for item in made:
                    settle_write(state, item.intent, item.op, item.result, now)
            run.applied.extend(item.op for item in made)
        return Outcome(
            applied=tuple(run.applied),
            stopped=run.stopped(),
            pending=tuple(run.pending),
            failed=tuple(run.failed),
        )


@dataclass(slots=True)
class _Run:
    """The apply loop's bookkeeping."""

    batched: frozenset[Kind]
    applied: list[Operation] = field(default_factory=list)
    pending: list[Operation] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    down: dict[Kind, str] = field(default_factory=dict)
    streak: dict[Kind, int] = field(default_factory=dict)
    deferred: dict[Kind, list[_Made]] = field(default_factory=dict)
    asked_to_stop: bool = False

    def sink_down(self, kind: Kind, problem: str) -> None:
        self.down.setdefault(kind, problem)
        logger.warning("pass stopped: %s; the next pass retries", problem)

    def stopped(self) -> str:
        if self.asked_to_stop:
            return "asked to stop"
        return "; ".join(self.down.values())


def _loop(
    run: _Run,
    operations: Sequence[Operation],
    sinks: Sinks,
    state: State,
    now: datetime,
    should_stop: Callable[[], bool],
    describe: Callable[[Exception], str],
    progress: Progress | None,
) -> None:
    for at, op in enumerate(operations):
        if progress is not None:  # a first sync writes thousands of items: show how far
            progress(at, len(operations))
        if should_stop():
            run.asked_to_stop = True
            run.pending.extend(operations[at:])
            return
        if op.kind in run.down:
            run.pending.append(op)
            continue
        try:
            made = apply_one(op, sinks.of(op.kind), state, now)
        except StateError:
            raise  # the state file, not this item: nothing more can be recorded
        except Exception as error:  # this item's problem; its intent stays open
            run.pending.append(op)
            problem = f"{verb(op)} {op.kind.value} {op.key}: {describe(error)}"
            # A refusal the sink says is this item's alone (ItemRefused) never stops the sink.
            if not isinstance(error, ItemRefused):
                run.streak[op.kind] = run.streak.get(op.kind, 0) + 1
            if not isinstance(error, ItemRefused) and (
                _unreachable(error) or run.streak[op.kind] >= _STREAK
            ):
                run.sink_down(op.kind, problem)
            elif isinstance(error, DraftRefused):
                # What a stranger sent can never make a valid draft (a broken address): one
                # line, and not a failed pass; the next pass sees the same input again.
                logger.warning("%s", problem)
            else:
                run.failed.append(problem)
                logger.warning("%s; the other writes go on", problem)
            continue
        run.streak[op.kind] = 0
        if made is None:
            run.applied.append(op)
        elif op.kind in run.batched:
            run.deferred.setdefault(op.kind, []).append(made)
        else:
            settle_write(state, made.intent, made.op, made.result, now)
            run.applied.append(op)


def _unreachable(error: Exception) -> bool:
    """Whether a failure is the sink's rather than one item's: the network, the disk, or
    Google answering 429/5xx or not at all (`GoogleApiError.status`)."""
    if isinstance(error, OSError):
        return True
    status = getattr(error, "status", -1)
    return status is None or (isinstance(status, int) and (status == 429 or status >= 500))


def apply_one(op: Operation, sink: Sink[Any], state: State, now: datetime) -> _Made | None:
    """Make one operation: a state change only (None), or a write through `sink` whose
    intent is committed before it is made and is still to be settled."""
    match op:
        case Leave():
            return None
        case Tombstone():
            state.tombstone(
                Tombstoned(
                    kind=op.kind, key=op.key, reason=op.reason, remote_id=op.remote_id, at=now
                )
            )
            return None
        case Adopt():
            state.record_written(None, recorded(op.kind, op.key, op.found, now), outcome="adopted")
            return None
        case Forget():
            state.record_gone(None, op.kind, op.key, outcome="forgotten", now=now)
            return None
    journal, content_hash, remote_id = _journal_entry(op)
    intent = state.begin(
        kind=op.kind,
        key=op.key,
        op=journal,
        content_hash=content_hash,
        remote_id=remote_id,
        now=now,
    )
    return _Made(intent, op, _call(op, sink))


def _journal_entry(op: Create | Update | Delete) -> tuple[Op, str, str]:
    """(journal op, content hash, remote id) the intent of `op` records."""
    match op:
        case Create():
            return Op.CREATE, op.content_hash, ""
        case Update():
            return Op.UPDATE, op.content_hash, op.found.remote_id
        case Delete():
            return Op.DELETE, op.found.content_hash, op.found.remote_id


def _call(op: Create | Update | Delete, sink: Sink[Any]) -> Written | bool | None:
    match op:
        case Create():
            return sink.create(op.item)
        case Update():
            return sink.update(op.found, op.item)
        case Delete():
            return sink.delete(op.found)


def settle_write(
    state: State,
    intent: int,
    op: Create | Update | Delete,
    result: Written | bool | None,
    now: datetime,
) -> None:
    """Close a write's intent with what the sink reports: written, gone, or left as found."""
    if isinstance(result, Written):
        outcome = "created" if isinstance(op, Create) else "updated"
        state.record_written(
            intent,
            Recorded(
                kind=op.kind,
                key=op.key,
                remote_id=result.remote_id,
                content_hash=result.content_hash,
                etag=result.etag,
                written_at=now,
            ),
            outcome=outcome,
        )
    elif result is True:
        state.record_gone(intent, op.kind, op.key, outcome="deleted", now=now)
    else:  # None from an update, False from a delete: the item changed meanwhile
        state.settle(intent, "changed meanwhile: left as it is", now)


def recorded(kind: Kind, key: str, found: Found, now: datetime) -> Recorded:
    return Recorded(
        kind=kind,
        key=key,
        remote_id=found.remote_id,
        content_hash=found.content_hash,
        etag=found.etag,
        written_at=now,
    )


def verb(op: Operation) -> str:
    return type(op).__name__.lower()
