"""Plain-text reports for people: what a pass did (`sync`), the whole story of one interview
(`explain`) and what the state holds (`status`). Ids, keys, times and reasons only: never a
draft's body or a message's subject."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from daemon.diff import Adopt, Create, Delete, Forget, Leave, Operation, Tombstone, Update
from daemon.items import Kind, Ledger
from daemon.render import useful_first, why_text
from daemon.wording import day, when
from policy.models import ActionType, Application, Plan, Status

if TYPE_CHECKING:
    from daemon.reconcile import Summary  # not at run time: it brings the whole pass

_PAST = {
    Create: "created",
    Update: "updated",
    Delete: "removed",
    Tombstone: "left to the user",
    Adopt: "adopted",
    Forget: "forgotten",
    Leave: "unchanged",
}
_FUTURE = {
    Create: "would create",
    Update: "would update",
    Delete: "would remove",
    Tombstone: "would leave to the user",
    Adopt: "would adopt",
    Forget: "would forget",
    Leave: "would leave",
}


def summary_lines(summary: Summary, *, verbose: bool = False) -> list[str]:
    """One line per decision (Leave only when verbose), then one line of counts."""
    zone = summary.now.tzinfo
    lines = [
        f"followup sync as of {_when(summary.now, zone)}"
        + (" (dry run)" if summary.dry_run else "")
    ]
    for settlement in summary.settlements:
        intent = settlement.intent
        lines.append(
            f"  settled {intent.op.value} {intent.kind.value} {intent.key}: {settlement.outcome}"
        )
    words = _FUTURE if summary.dry_run else _PAST
    done = (
        set(map(id, summary.applied)) if not summary.dry_run else set(map(id, summary.operations))
    )
    left: Counter[str] = Counter()
    for op in summary.operations:
        if id(op) not in done and not isinstance(op, Leave):
            continue
        if isinstance(op, Leave):
            left[op.reason] += 1
            continue
        lines.append(f"  {words[type(op)]} {op.kind.value} {op.key}: {op.reason}")
    if verbose and left:
        unchanged = ", ".join(f"{n} {reason}" for reason, n in sorted(left.items()))
        lines.append(f"  {'would leave' if summary.dry_run else 'left'} as they are: {unchanged}")
    lines.append(_totals(summary))
    return lines


def _totals(summary: Summary) -> str:
    ops = summary.operations if summary.dry_run else summary.applied
    counts: Counter[tuple[str, str]] = Counter(
        (op.kind.value, _PAST[type(op)]) for op in ops if not isinstance(op, Leave)
    )
    if summary.dry_run:  # "would create 2 drafts and 3 reminders": nothing was
        future = {past: _FUTURE[kind] for kind, past in _PAST.items()}
        by_verb: dict[str, list[str]] = {}
        for (kind, verb), n in sorted(counts.items(), key=lambda item: item[0][::-1]):
            by_verb.setdefault(future[verb], []).append(_plural(n, kind))
        parts = [f"{verb} {' and '.join(things)}" for verb, things in by_verb.items()]
    else:
        parts = [f"{_plural(n, kind)} {verb}" for (kind, verb), n in sorted(counts.items())]
    up_to_date = Counter(
        op.kind for op in summary.operations if isinstance(op, Leave) and op.up_to_date
    )
    fresh = ", ".join(_plural(up_to_date[kind], kind.value) for kind in Kind if up_to_date[kind])
    text = "dry run, nothing written: " if summary.dry_run else "done: "
    text += ", ".join(parts) if parts else "nothing to write"
    if fresh:
        text += f" ({fresh} up to date)"
    if summary.stopped:
        text += f"; stopped early: {summary.stopped}"
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def explain_lines(app: Application, ledger: Ledger | None, plan: Plan) -> list[str]:
    """Everything about one interview: the plan's reasoning, its actions, what was written."""
    now = plan.generated_at
    zone = now.tzinfo or UTC  # now is always aware
    interview = app.interview
    state = app.state.value.replace("_", " ")
    if app.outcome:
        state += f" ({app.outcome.value.replace('_', ' ')})"
    lines = [
        f"{interview.interview_id}: {interview.title}",
        f"  company   {app.company}",
        f"  when      {_span(interview.start_at, interview.end_at, zone, now)}",
        f"  state     {state}",
        f"  timeline  {app.timeline.text!r} ({app.timeline.source.value}), "
        f"promised {app.timeline.promised_on.isoformat()}",
        f"  follow-ups done: {app.followups_done}; mail threads: {len(app.thread_ids)}",
        "why:",
        *(f"  - {why_text(why)}" for why in useful_first(app)),
        "actions:",
    ]
    for action in app.actions:
        name = _action_name(action.type, action.number)
        channel = f" ({action.channel.value})" if action.channel else ""
        pending = action.status is Status.PENDING
        due = f"due {when(action.due_at, zone, now)}"
        if pending and action.due_at <= now:
            due = f"overdue since {day(action.due_at, zone, now)}"
        lines.append(f"  {name}{channel}: {action.status.value}, {due}  [{action.key}]")
        if ledger is None:
            continue
        for kind in Kind:
            written = ledger.written.get((kind, action.key))
            gone = ledger.tombstones.get((kind, action.key))
            if written is not None:
                lines.append(f"      {kind.value} written {when(written.written_at, zone, now)}")
            if gone is not None:
                noticed = when(gone.at, zone, now)
                lines.append(f"      {kind.value} {gone.reason} (noticed {noticed})")
            if (
                written is None
                and gone is None
                and action.status is Status.PENDING
                and (kind is Kind.REMINDER or action.draft is not None)
            ):
                if kind is Kind.DRAFT and action.due_at > plan.generated_at:
                    lines.append(f"      draft written when due ({when(action.due_at, zone, now)})")
                else:
                    lines.append(f"      {kind.value} not written yet (the next pass writes it)")
    if ledger is None:
        lines.append("(no state yet: nothing written; `followup sync --once` writes)")
    return lines


def ledger_lines(plan: Plan, ledger: Ledger | None) -> list[str]:
    """For `followup status`: what was written, and what waits on the user."""
    zone = plan.generated_at.tzinfo or UTC
    if ledger is None:
        return ["Nothing written yet: run `followup sync --once` (or `followup run`)."]
    lines: list[str] = []
    counts = Counter(kind for kind, _ in ledger.written)
    lines.append(
        "Written and kept up to date: "
        + ", ".join(_plural(counts[kind], kind.value) for kind in Kind)
        + (
            f"; left to you (changed, deleted or sent): {len(ledger.tombstones)}"
            if ledger.tombstones
            else ""
        )
    )
    last = ledger.last_pass
    if last:
        at = last.get("at")
        when = _when(datetime.fromisoformat(at), zone) if isinstance(at, str) else "?"
        writes = last.get("writes", 0)
        line = f"Last pass: {when}, {_plural(writes if isinstance(writes, int) else 0, 'write')}"
        if last.get("stopped"):
            line += f", stopped early: {last['stopped']}"
        lines.append(line)
    if ledger.open_intents:
        lines.append(
            f"{_plural(ledger.open_intents, 'write')} interrupted; the next pass settles them."
        )
    waiting: list[str] = []
    for app in plan.applications:
        for action in app.actions:
            if action.status is not Status.PENDING or action.due_at > plan.generated_at:
                continue
            name = f"{app.company}: {_action_name(action.type, action.number)}"
            if action.draft is not None and (Kind.DRAFT, action.key) in ledger.written:
                waiting.append(f"  {name}: a draft is ready to review and send")
            elif action.draft is not None:
                since = day(action.due_at, zone, plan.generated_at)
                waiting.append(f"  {name}: overdue since {since}")
            elif action.type is ActionType.THANK_YOU:
                marking = f"followup mark {app.interview.interview_id} done"
                waiting.append(f"  {name}: write the note, then `{marking}`")
    if waiting:
        lines.append("Waiting on you:")
        lines.extend(waiting)
    return lines


def _action_name(kind: ActionType, number: int | None) -> str:
    if kind is ActionType.FOLLOW_UP:
        return f"follow-up {number}"
    return kind.value.replace("_", "-")


def _span(start: datetime, end: datetime, zone: tzinfo, now: datetime) -> str:
    """`Thu 03 Dec 14:00–16:00 EST`, or both ends in full when they are on different days."""
    if start.astimezone(zone).date() != end.astimezone(zone).date():
        return f"{_when(start, zone)} to {_when(end, zone)}"
    return f"{when(start, zone, now).rsplit(' ', 1)[0]}–{end.astimezone(zone):%H:%M %Z}"


def _when(moment: datetime, zone: tzinfo | None) -> str:
    """Day, date, year, time and the zone's name: a time without its zone misleads."""
    return f"{moment.astimezone(zone):%a %d %b %Y %H:%M %Z}".rstrip()


def operation_line(op: Operation) -> str:
    return f"{_PAST[type(op)]} {op.kind.value} {op.key}: {op.reason}"
