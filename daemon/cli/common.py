"""What the commands share: the config and now of the arguments, the plan (with the user's
marks and what the state says was written), and the interview an argument names.

Heavy libraries are imported inside the functions, so `followup --help` stays fast."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from daemon.errors import FollowupError
from daemon.wording import day, short_id

if TYPE_CHECKING:
    from daemon.config import Config
    from daemon.items import Ledger
    from daemon.state import State
    from policy.models import Application, Mark, Plan

log = logging.getLogger("followup")


def config_of(args: argparse.Namespace) -> Config:
    from daemon.config import default_config_path, load_config

    return load_config(args.config or default_config_path())


def now_of(args: argparse.Namespace) -> datetime:
    from datetime import UTC

    return args.now if args.now is not None else datetime.now(UTC)


def plan_for(
    config: Config, now: datetime, marks: Sequence[Mark] = (), *, refresh: bool = False
) -> Plan:
    from daemon.observer import Observer
    from daemon.plan_cache import PlanCache

    # The plan `sync` or the daemon kept, while nothing it depends on changed (the same
    # plan either way); read-only: only their passes write it (daemon/plan_cache.py).
    plans = PlanCache.beside(config, reads=not refresh, writes=False)
    observer = Observer(config, cache=False, index="none" if refresh else "existing")
    marks = tuple(marks)
    found = plans.reuse(observer.stamps(), config.settings, marks, now)
    if found is None:
        found = plans.plan(observer.observe(), config.settings, now, marks)
    if plans.note:
        log.warning("%s", plans.note)
    return found


def existing_state(config: Config) -> State | None:
    """The state if there is one: read-only commands never create it."""
    from daemon.state import State

    return State.open_existing(config.state_path)


def marks_of(config: Config) -> tuple[Mark, ...]:
    """The user's marks, if there is a state; a state that cannot be read is left out."""
    from daemon.state import StateError

    try:
        state = existing_state(config)
        if state is None:
            return ()
        with state:
            return state.marks()
    except StateError as error:
        log.warning("%s; planned without your marks", error.user_message)
        return ()


def plan_with_ledger(args: argparse.Namespace) -> tuple[Plan, Ledger | None, tuple[Mark, ...]]:
    """The plan with the user's marks, and what the state says was written (if any)."""
    config = config_of(args)
    state = existing_state(config)
    ledger = None
    marks: tuple[Mark, ...] = ()
    if state is not None:
        with state:
            ledger, marks = state.ledger(), state.marks()
    return plan_for(config, now_of(args), marks, refresh=args.refresh), ledger, marks


def find_application(plan: Plan, wanted: str) -> Application:
    """An interview by id, else by a unique case-insensitive match of id, company or title."""
    apps = plan.applications
    wanted = wanted.rstrip("…")  # a short id as status shows it
    for app in apps:
        if app.interview.interview_id == wanted:
            return app
    needle = wanted.casefold()
    matches = [
        app
        for app in apps
        if needle in app.interview.interview_id.casefold()
        or needle == app.company.casefold()
        or needle in app.interview.title.casefold()
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        zone = plan.generated_at.tzinfo or UTC
        several = ", ".join(
            f"{short_id(a.interview.interview_id)} ({a.interview.title}, "
            f"{day(a.interview.start_at, zone, plan.generated_at)})"
            for a in matches
        )
        raise FollowupError(f"{wanted!r} matches several interviews: {several}; give the id")
    known = ", ".join(short_id(app.interview.interview_id) for app in apps) or "none"
    raise FollowupError(f"no interview matches {wanted!r} (interview ids: {known})")


def board_keeper(config: Config) -> Callable[[Plan], object]:
    """The daemon's hook: rewrite `daemon.board_path` after a pass that changed the plan."""
    if config.board_path is None:
        return lambda plan: None
    from daemon.board import BoardKeeper

    return BoardKeeper(config.board_path, config.settings).after_pass
