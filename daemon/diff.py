"""What to write: the plan's wanted reminders and drafts against what was written and what is
there now. Pure (no I/O, no clock): the reconcile gathers the inputs and applies the result.

The rules (POLICY.md "The actions" and "What the program never does"):
- a reminder for every pending action, as soon as it is planned; moved (updated) when the
  plan changes; removed when the action is cancelled, or done before it fell due. A done
  action's reminder that already fell due is history and stays;
- a draft for every pending email action once it is due ("drafts are written when the
  action falls due, not earlier"); removed when the action is no longer pending;
- an item whose content hash differs from the one recorded was changed by the user: it is
  tombstoned and never touched again; one recorded but no longer there was deleted (or the
  draft sent) by the user: tombstoned, never re-created;
- an item found with our key but not recorded (a pass interrupted between the write and its
  record) is adopted, not written twice;
- a side that suddenly holds none of many items written to it stops the pass (vdirsyncer's
  StorageEmpty): a wiped file or an empty calendar must not turn into mass deletion.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from connectors.base import DraftMessage, Found, Reminder
from daemon.errors import FollowupError
from daemon.items import Intent, Kind, Op, Recorded, Tombstoned
from policy.models import Action, Plan, Status

# A side that held at least this many of our items and now holds none stops the pass.
EMPTY_THRESHOLD = 3
REMINDER_MINUTES = 15
# An overdue action's reminder starts this long after the minute of the pass that writes it.
SOON = timedelta(minutes=2)
# A clock that steps back by up to this much is held at the last pass's moment.
CLOCK_HOLD = timedelta(hours=24)


class EmptiedError(FollowupError):
    """A source or sink suddenly shows none of the many items written to it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Wanted:
    kind: Kind
    key: str
    content_hash: str
    item: Reminder | DraftMessage


# --- operations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Create:
    kind: Kind
    key: str
    item: Reminder | DraftMessage
    content_hash: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Update:
    kind: Kind
    key: str
    item: Reminder | DraftMessage
    content_hash: str
    found: Found
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Delete:
    kind: Kind
    key: str
    found: Found
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Leave:
    kind: Kind
    key: str
    reason: str
    # Written, still wanted and unchanged (what `sync` counts as "up to date").
    up_to_date: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Tombstone:
    kind: Kind
    key: str
    remote_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Adopt:
    """Record an item found on the remote side as ours, as it is; nothing is written."""

    kind: Kind
    key: str
    found: Found
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Forget:
    """Drop the record of an item that is gone and no longer wanted; nothing is written."""

    kind: Kind
    key: str
    reason: str


Operation = Create | Update | Delete | Leave | Tombstone | Adopt | Forget
WRITES = (Create, Update, Delete)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settlement:
    """How an intent left open by an interrupted pass ended, judged by what is there now."""

    intent: Intent
    outcome: str
    record: Recorded | None = None  # the item is there, as recorded here
    forget: bool = False  # the item was deleted as intended


# --- what the plan wants --------------------------------------------------------------------


def want(
    plan: Plan,
    now: datetime,
    *,
    reminder_hash: Callable[[Reminder], str],
    draft_hash: Callable[[DraftMessage], str],
    recorded: Mapping[tuple[Kind, str], Recorded] | None = None,
    drafts_where: str = "",
) -> tuple[Wanted, ...]:
    """One reminder per pending action; one draft per pending email action that is due.

    A reminder for an action already due goes where its alarm still fires: a minute or two
    after the pass that first writes it, and it stays there on later passes (read back from
    the hash recorded when it was written). A draft already written stays wanted while its
    action is pending, even when the clock now reads before its due time (a clock stepped
    back): it is not deleted only to be written again when the clock comes back.
    """
    written = recorded or {}
    wanted: list[Wanted] = []
    for app in plan.applications:
        for action in app.actions:
            if action.status is not Status.PENDING:
                continue
            reminder = _placed(
                Reminder(
                    key=action.key,
                    title=action.reminder_title or action.key,
                    text=reminder_text(action, drafts_where),
                    starts_at=action.due_at,
                    minutes=REMINDER_MINUTES,
                ),
                now,
                written.get((Kind.REMINDER, action.key)),
                reminder_hash,
            )
            wanted.append(
                Wanted(
                    kind=Kind.REMINDER,
                    key=action.key,
                    content_hash=reminder_hash(reminder),
                    item=reminder,
                )
            )
            if action.draft is None:
                continue
            draft = DraftMessage(key=action.key, draft=action.draft)
            content = draft_hash(draft)
            before = written.get((Kind.DRAFT, action.key))
            # Not due by this clock, yet written as it still is: the clock went back. A
            # draft the plan changed meanwhile (a new date moved it later) is removed.
            kept = before is not None and before.content_hash == content
            if now >= action.due_at or kept:
                wanted.append(
                    Wanted(kind=Kind.DRAFT, key=action.key, content_hash=content, item=draft)
                )
    return tuple(wanted)


def reminder_text(action: Action, drafts_where: str) -> str:
    """The reminder's text: for an email action, whom to write to and where the draft is,
    above the text the policy wrote (the draft itself, so the reminder is of use alone)."""
    if action.draft is None:
        return action.reminder_text
    draft = action.draft
    names = (*draft.to_names, *([""] * len(draft.to)))
    whom = ", ".join(
        f"{name} <{address}>" if name else address
        for address, name in zip(draft.to, names, strict=False)
    )
    lines = [f"Write to: {whom}" if whom else "Write to: (nobody found: add the recipient)"]
    if draft.subject:
        lines.append(f"Subject: {draft.subject}")
    if drafts_where:
        place = drafts_where
        if os.path.isabs(drafts_where):
            place = f"the Maildir {drafts_where} (cur/)"
        lines.append(f"The draft is in {place} (written there when this falls due).")
    text = action.reminder_text or draft.body
    return "\n".join(lines) + "\n\n" + text


def _placed(
    reminder: Reminder,
    now: datetime,
    recorded: Recorded | None,
    reminder_hash: Callable[[Reminder], str],
) -> Reminder:
    if reminder.starts_at >= now:
        return reminder
    if recorded is not None:
        # Where it was written: at its due time (before it fell due), or soon after the
        # pass that wrote it; the recorded hash tells which.
        for at in (reminder.starts_at, _soon_after(recorded.written_at)):
            candidate = replace(reminder, starts_at=at)
            if reminder_hash(candidate) == recorded.content_hash:
                return candidate
    return replace(reminder, starts_at=_soon_after(now))


def _soon_after(moment: datetime) -> datetime:
    """The start of the second whole minute after `moment`: an alarm a calendar still fires."""
    return moment.replace(second=0, microsecond=0) + SOON


def history_keys(plan: Plan, now: datetime) -> frozenset[str]:
    """Actions done after they fell due: their reminders stay in the calendar as history.

    Judged by when the action was done against its due time, not by the clock: a reminder
    of a follow-up sent early is removed, and a clock that jumps makes no history.
    """
    return frozenset(
        action.key
        for app in plan.applications
        for action in app.actions
        if action.status is Status.DONE
        and (
            action.done_at >= action.due_at if action.done_at is not None else action.due_at <= now
        )
    )


def held_now(now: datetime, last_pass_at: datetime | None) -> datetime:
    """The moment a pass plans for. A clock that stepped back a little (an NTP correction,
    a VM restored, a laptop waking with a stale clock) is held at the last pass's moment,
    so nothing written is undone only to be written again when the clock comes back, and
    no action planned again for a moment already past leaves a reminder behind. A step
    back of more than `CLOCK_HOLD` is taken as the truth (the earlier clock was wrong)."""
    if last_pass_at is not None and now < last_pass_at <= now + CLOCK_HOLD:
        return last_pass_at.astimezone(now.tzinfo)
    return now


def next_due(plan: Plan, now: datetime) -> datetime | None:
    """The next moment a pending action falls due (a draft to write), if any."""
    later = [
        action.due_at
        for app in plan.applications
        for action in app.actions
        if action.status is Status.PENDING and action.due_at > now
    ]
    return min(later) if later else None


# --- interrupted passes ---------------------------------------------------------------------


def settle(
    intents: Iterable[Intent],
    recorded: Mapping[tuple[Kind, str], Recorded],
    found: Mapping[Kind, Mapping[str, Found]],
) -> tuple[Settlement, ...]:
    """Decide each open intent by looking its item up by action key.

    Made and as intended → recorded with the intended hash. Found but different from the
    intent (someone edited it in between) → recorded with an unknown etag, so the diff sees
    a user's change and leaves it. Not there → the write never happened (a create) or the
    delete did.
    """
    out: list[Settlement] = []
    view = dict(recorded)
    for intent in intents:
        item = found.get(intent.kind, {}).get(intent.key)
        ref = (intent.kind, intent.key)
        if intent.op is Op.DELETE:
            if item is None:
                out.append(Settlement(intent=intent, outcome="deleted (settled)", forget=True))
                view.pop(ref, None)
            else:
                out.append(Settlement(intent=intent, outcome="not deleted (settled)"))
            continue
        if item is None:
            out.append(Settlement(intent=intent, outcome=f"not {intent.op.value}d (settled)"))
            continue
        same = item.content_hash == intent.content_hash
        if intent.op is Op.UPDATE and not same:
            out.append(Settlement(intent=intent, outcome="not updated (settled)"))
            continue
        record = Recorded(
            kind=intent.kind,
            key=intent.key,
            remote_id=item.remote_id,
            content_hash=intent.content_hash,
            etag=item.etag if same else "",
            written_at=intent.started_at,
        )
        view[ref] = record
        out.append(
            Settlement(intent=intent, outcome=f"{intent.op.value}d (settled)", record=record)
        )
    return tuple(out)


def apply_settlements(
    recorded: Mapping[tuple[Kind, str], Recorded], settlements: Iterable[Settlement]
) -> dict[tuple[Kind, str], Recorded]:
    """The recorded items once the settlements are applied (for dry runs and the diff)."""
    view = dict(recorded)
    for settlement in settlements:
        ref = (settlement.intent.kind, settlement.intent.key)
        if settlement.record is not None:
            view[ref] = settlement.record
        elif settlement.forget:
            view.pop(ref, None)
    return view


# --- the diff --------------------------------------------------------------------------------


def compute(
    *,
    wanted: Iterable[Wanted],
    recorded: Mapping[tuple[Kind, str], Recorded],
    tombstones: Mapping[tuple[Kind, str], Tombstoned],
    found: Mapping[Kind, Mapping[str, Found]],
    history: frozenset[str] = frozenset(),
    applications: int,
    where: Mapping[Kind, str] | None = None,
    force: bool = False,
) -> tuple[Operation, ...]:
    """Every operation of one pass, in a stable order (by kind, then key)."""
    wanted_by = {(w.kind, w.key): w for w in wanted}
    if not force:
        _check_not_emptied(recorded, found, applications, where or {})
    # `--force` on a side that holds none of what was recorded there (a wiped reminders.ics,
    # an emptied calendar): it was lost, not deleted item by item; write what is wanted again.
    rewrite = {
        kind
        for kind in Kind
        if force and not found.get(kind) and any(item_kind is kind for item_kind, _ in recorded)
    }
    refs = set(wanted_by) | set(recorded)
    refs |= {(kind, key) for kind, items in found.items() for key in items}
    ops: list[Operation] = []
    for kind, key in sorted(refs):
        ops.extend(
            _decide(
                kind,
                key,
                wanted_by.get((kind, key)),
                recorded.get((kind, key)),
                found.get(kind, {}).get(key),
                tombstones.get((kind, key)),
                key in history,
                kind in rewrite,
            )
        )
    return tuple(ops)


def _decide(
    kind: Kind,
    key: str,
    wanted: Wanted | None,
    recorded: Recorded | None,
    found: Found | None,
    tombstone: Tombstoned | None,
    is_history: bool,
    rewrite: bool = False,
) -> list[Operation]:
    """What to do about one key: the tombstone first, then what the state recorded of it,
    then what was found of it, then what the plan wants."""
    if tombstone is not None:
        return [Leave(kind=kind, key=key, reason=f"{tombstone.reason}: never written again")]
    if recorded is not None and found is None and rewrite:
        return [_rewrite(kind, key, wanted)]
    if recorded is not None and found is None:
        gone = "deleted or sent by the user" if kind is Kind.DRAFT else "deleted by the user"
        return [Tombstone(kind=kind, key=key, remote_id=recorded.remote_id, reason=gone)]
    if recorded is not None and found is not None:
        return [_recorded_and_found(kind, key, wanted, recorded, found, is_history)]
    if found is not None:
        return [_found_unrecorded(kind, key, wanted, found)]
    if wanted is not None:
        return [_create(kind, key, wanted, "due" if kind is Kind.DRAFT else "planned")]
    return []


def _create(kind: Kind, key: str, wanted: Wanted, reason: str) -> Create:
    return Create(
        kind=kind, key=key, item=wanted.item, content_hash=wanted.content_hash, reason=reason
    )


def _rewrite(kind: Kind, key: str, wanted: Wanted | None) -> Operation:
    """Recorded, missing, and `--force`: lost with the rest, so written again."""
    if wanted is None:
        return Forget(kind=kind, key=key, reason="lost with the rest (--force): forgotten")
    return _create(kind, key, wanted, "lost with the rest: written again (--force)")


def _recorded_and_found(
    kind: Kind,
    key: str,
    wanted: Wanted | None,
    recorded: Recorded,
    found: Found,
    is_history: bool,
) -> Operation:
    """Ours and still there: the user's edit is kept; else it follows the plan."""
    if found.content_hash != recorded.content_hash:
        if found.etag == recorded.etag:
            # The same version, hashed by another release's recipe: not a user's edit.
            return Adopt(kind=kind, key=key, found=found, reason="same version, rehashed")
        return Tombstone(
            kind=kind, key=key, remote_id=found.remote_id, reason="changed by the user"
        )
    if wanted is not None:
        if wanted.content_hash == recorded.content_hash:
            return Leave(kind=kind, key=key, reason="up to date", up_to_date=True)
        return Update(
            kind=kind,
            key=key,
            item=wanted.item,
            content_hash=wanted.content_hash,
            found=found,
            reason="the plan changed",
        )
    if kind is Kind.REMINDER and is_history:
        return Leave(kind=kind, key=key, reason="done after it fell due: kept as history")
    return Delete(kind=kind, key=key, found=found, reason="no longer pending")


def _found_unrecorded(kind: Kind, key: str, wanted: Wanted | None, found: Found) -> Operation:
    """Found with our key but not in the state."""
    if wanted is not None and found.content_hash == wanted.content_hash:
        return Adopt(
            kind=kind,
            key=key,
            found=found,
            reason="found with its key but not recorded (an interrupted pass)",
        )
    if wanted is not None:
        # Ours by its key, yet neither recorded nor as planned: it may hold a user's edit.
        return Tombstone(
            kind=kind,
            key=key,
            remote_id=found.remote_id,
            reason="found unrecorded and different: treated as the user's",
        )
    return Leave(kind=kind, key=key, reason="found unrecorded and not wanted: left alone")


def _check_not_emptied(
    recorded: Mapping[tuple[Kind, str], Recorded],
    found: Mapping[Kind, Mapping[str, Found]],
    applications: int,
    where: Mapping[Kind, str],
) -> None:
    hint = (
        "if it was wiped or emptied, `followup sync --once --force` writes again what the "
        "plan wants there and forgets the rest; it deletes nothing"
    )
    for kind in Kind:
        count = sum(1 for item_kind, _ in recorded if item_kind is kind)
        if count >= EMPTY_THRESHOLD and not found.get(kind):
            place = where.get(kind, f"the {kind.value}s")
            raise EmptiedError(
                f"{place}: none of the {count} {kind.value}s followup wrote there are left; "
                f"stopped before changing anything ({hint})"
            )
    if applications == 0 and len(recorded) >= EMPTY_THRESHOLD:
        raise EmptiedError(
            f"the calendar shows no interviews, but followup keeps {len(recorded)} reminders "
            f"and drafts for earlier ones; stopped before removing them (if the calendar "
            f"really holds none, `followup sync --once --force` removes them)"
        )


def as_recorded(
    recorded: Mapping[tuple[Kind, str], Recorded],
) -> dict[Kind, dict[str, Found]]:
    """What the sinks would show if nobody touched anything since it was written.

    A diff against this view that writes nothing means the pass needs no listing at all:
    a user's edit or deletion only matters when there is something to write over it.
    """
    view: dict[Kind, dict[str, Found]] = {kind: {} for kind in Kind}
    for (kind, key), item in recorded.items():
        view[kind][key] = Found(
            key=key, remote_id=item.remote_id, etag=item.etag, content_hash=item.content_hash
        )
    return view


def is_write(op: Operation) -> bool:
    return isinstance(op, WRITES)
