"""`mark` and `unmark`: what the user tells followup it cannot see, and its undo
(POLICY.md "User marks")."""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from typing import TYPE_CHECKING

from daemon.cli.common import (
    config_of,
    existing_state,
    find_application,
    marks_of,
    now_of,
    plan_for,
)
from daemon.errors import FollowupError
from daemon.wording import short_id

if TYPE_CHECKING:
    from daemon.config import Config
    from policy.models import Action, Application, Mark, MarkKind


def cmd_mark(args: argparse.Namespace) -> int:
    """Store a user's mark; the next pass plans with it (POLICY.md "User marks")."""
    from daemon.state import State
    from daemon.wording import short_id
    from policy.models import Mark, MarkKind

    config = config_of(args)
    now = now_of(args)
    kind = MarkKind(args.kind)
    text = " ".join(args.value).strip()
    marks = marks_of(config)
    plan = plan_for(config, now, marks)
    app = find_application(plan, args.interview)
    value = _mark_value(config, app, kind, text, now, early=args.early)
    mark = Mark(interview_id=app.interview.interview_id, kind=kind, value=value, marked_at=now)
    with State.open(config.state_path) as state:
        state.add_mark(mark)
    print(
        f"marked {short_id(mark.interview_id)} ({app.company}) {_mark_words(mark)} "
        "(the next pass applies it; `followup sync --once` to apply it now; "
        f"`followup unmark {short_id(mark.interview_id)} {kind.value}` undoes it)"
    )
    return 0


def _mark_words(mark: Mark) -> str:
    """`done: follow-up 1`, `timeline "3 weeks"`, `culture paper`, `stop`."""
    from policy.models import MarkKind

    if mark.kind is MarkKind.DONE:
        return f"done: {_action_words(mark.value)}"
    if mark.kind is MarkKind.TIMELINE:
        return f'timeline "{mark.value}"'
    return f"{mark.kind.value} {mark.value}".strip()


def _action_words(key: str) -> str:
    """An action key as people say it: `follow_up:2` → `follow-up 2`, `thank_you` → `thank-you`."""
    kind, _, number = key.partition(":")
    words = kind.replace("_", "-")
    return f"{words} {number}" if number else words


def cmd_unmark(args: argparse.Namespace) -> int:
    """Remove the latest mark of an interview (of one kind, or one action's done mark)."""
    from daemon.state import State

    config = config_of(args)
    now = now_of(args)
    state = existing_state(config)
    stored: tuple[Mark, ...] = ()
    if state is not None:
        with state:
            stored = state.marks()
    ids = {mark.interview_id for mark in stored}
    wanted = args.interview if args.interview in ids else None
    company = ""
    if wanted is None:
        app = find_application(plan_for(config, now, stored), args.interview)
        wanted, company = app.interview.interview_id, f" ({app.company})"
    value = " ".join(args.value).strip().replace("-", "_").replace(" ", "")
    if value == "follow_up":
        value = ""  # any follow-up's mark: the latest is undone
    candidates = [
        mark
        for mark in stored
        if mark.interview_id == wanted
        and (args.kind is None or mark.kind.value == args.kind)
        and (not value or mark.value.replace(" ", "") == value)
    ]
    what = " ".join(filter(None, (args.kind, " ".join(args.value))))
    if not candidates:
        mark_words = f"{what} mark" if what else "mark"
        raise FollowupError(f"unmark {short_id(wanted)}{company}: no {mark_words} to remove")
    latest = candidates[-1]
    assert state is not None  # there were marks
    with State.open(config.state_path) as writable:
        writable.remove_mark(latest)
    zone = config.settings.timezone
    from daemon.wording import when

    print(
        f"unmarked {short_id(wanted)}{company} {_mark_words(latest)} "
        f"(marked {when(latest.marked_at, zone, now)}; the next pass plans without it)"
    )
    return 0


def _mark_value(
    config: Config,
    app: Application,
    kind: MarkKind,
    text: str,
    now: datetime,
    *,
    early: bool = False,
) -> str:
    """The mark's value as the state keeps it, checked; one line naming the problem if not."""
    from policy.models import Culture, MarkKind

    name = app.interview.interview_id
    if kind is MarkKind.STOP:
        if text:
            raise FollowupError(f"mark {name} stop: takes no value (got {text!r})")
        return ""
    if kind is MarkKind.CULTURE:
        if not text:
            raise FollowupError(f"mark {name} culture: say which, paper or tech")
        if text.lower() not in {c.value for c in Culture}:
            raise FollowupError(f"mark {name} culture: 'paper' or 'tech', not {text!r}")
        return text.lower()
    if kind is MarkKind.TIMELINE:
        return _timeline_value(config, app, text, now)
    return _done_value(config, app, text, now, early=early)


def _timeline_value(config: Config, app: Application, text: str, now: datetime) -> str:
    """A timeline the reader understands, counted from the interview's end (or now)."""
    from policy.business_days import BusinessCalendar
    from policy.timeline import resolve_expression

    settings = config.settings
    calendar = BusinessCalendar(settings.country, settings.subdivision)
    anchor = max(app.interview.end_at, now).astimezone(settings.timezone).date()
    if not text or resolve_expression(text, anchor, calendar) is None:
        raise FollowupError(
            f"mark {app.interview.interview_id} timeline: {text!r} is not a timeline "
            '(try "2 weeks", "10 business days", "by Friday", "mid January")'
        )
    return text


def _done_value(config: Config, app: Application, text: str, now: datetime, *, early: bool) -> str:
    """The key of the action named, or of the next pending one (prep is done by itself when
    due); one not yet due only with `early`."""
    from policy.models import ActionType, Status

    name = app.interview.interview_id
    pending = [
        a
        for a in sorted(app.actions, key=lambda a: a.due_at)
        if a.status is Status.PENDING and a.type is not ActionType.PREP
    ]
    chosen: str | None = None
    if text:
        wanted = text.replace("-", "_").replace(" ", "")
        if wanted == "follow_up":
            pending = [a for a in pending if a.type is ActionType.FOLLOW_UP]
        elif wanted in ("thank_you", "prep") or re.fullmatch(r"follow_up:?\d+", wanted):
            chosen = wanted if ":" in wanted or not wanted[-1].isdigit() else _with_colon(wanted)
            pending = [a for a in pending if _action_key(a) == chosen]
        else:
            raise FollowupError(
                f"mark {name} done: {text!r} is not an action (thank-you, follow-up, follow-up 2)"
            )
    if not pending:
        if chosen is not None:
            return chosen  # not pending in this plan (done already, or not planned): as said
        raise FollowupError(f"mark {name} done: nothing is pending for this interview")
    action = pending[0]
    key = _action_key(action)
    if action.due_at > now and not early:
        from daemon.wording import when

        raise FollowupError(
            f"mark {name} done: {_action_words(key)} is not due until "
            f"{when(action.due_at, config.settings.timezone, now)}; "
            "if you did it already, add --early"
        )
    return key


def _with_colon(wanted: str) -> str:
    return re.sub(r"^follow_up(\d+)$", r"follow_up:\1", wanted)


def _action_key(action: Action) -> str:
    from policy.models import ActionType

    if action.type is ActionType.FOLLOW_UP:
        return f"follow_up:{action.number}"
    return action.type.value
