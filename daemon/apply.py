"""The apply step of a pass: each operation the diff decided, made and recorded in turn.

Every write follows one protocol whatever the sink: its intent is committed to the journal
first, then the sink makes it, then its result is recorded with the intent settled. A kill
between the two leaves the intent open; the next pass settles it by looking the item up.
Reminders and drafts differ only in the item they carry, so the writers are seen through
one generic `Sink` type and each operation names its journal entry and sink call once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from connectors.base import Found, Written
from connectors.errors import SourceError
from daemon.diff import Adopt, Create, Delete, Leave, Operation, Tombstone, Update
from daemon.items import Kind, Op, Recorded, Tombstoned
from daemon.sinks import Sinks
from daemon.state import State

logger = logging.getLogger(__name__)

ItemT = TypeVar("ItemT", contravariant=True)


class Sink(Protocol[ItemT]):
    """A `ReminderSink` or a `DraftSink`: the same calls over another kind of item."""

    def create(self, item: ItemT, /) -> Written: ...

    def update(self, found: Found, item: ItemT, /) -> Written | None: ...

    def delete(self, found: Found, /) -> bool: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How the apply step ended: what was applied, why it stopped, what it left to do."""

    applied: tuple[Operation, ...]
    stopped: str = ""
    pending: tuple[Operation, ...] = ()


def apply_all(
    operations: Sequence[Operation],
    *,
    sinks: Sinks,
    state: State,
    now: datetime,
    should_stop: Callable[[], bool],
    describe: Callable[[Exception], str],
) -> Outcome:
    """Apply the operations in order; stop at a stop request or the first failed write."""
    applied: list[Operation] = []
    for at, op in enumerate(operations):
        if should_stop():
            return Outcome(
                applied=tuple(applied), stopped="asked to stop", pending=tuple(operations[at:])
            )
        try:
            apply_one(op, sinks.of(op.kind), state, now)
        except (OSError, SourceError) as error:
            # The intent stays open: the next pass looks the item up before writing again.
            stopped = f"{verb(op)} {op.kind.value} {op.key}: {describe(error)}"
            logger.warning("pass stopped: %s; the next pass retries", stopped)
            return Outcome(applied=tuple(applied), stopped=stopped, pending=tuple(operations[at:]))
        applied.append(op)
    return Outcome(applied=tuple(applied))


def apply_one(op: Operation, sink: Sink[Any], state: State, now: datetime) -> None:
    """Make one operation: a state change only, or a journaled write through `sink`."""
    match op:
        case Leave():
            return
        case Tombstone():
            state.tombstone(
                Tombstoned(
                    kind=op.kind, key=op.key, reason=op.reason, remote_id=op.remote_id, at=now
                )
            )
            return
        case Adopt():
            state.record_written(None, recorded(op.kind, op.key, op.found, now), outcome="adopted")
            return
    journal, content_hash, remote_id = _journal_entry(op)
    intent = state.begin(
        kind=op.kind,
        key=op.key,
        op=journal,
        content_hash=content_hash,
        remote_id=remote_id,
        now=now,
    )
    settle_write(state, intent, op, _call(op, sink), now)


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
