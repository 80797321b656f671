"""The passes: `sync --once` (one, or a dry run that changes nothing) and `run` (the daemon)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from daemon.cli.common import board_keeper, config_of, now_of
from daemon.errors import FollowupError

if TYPE_CHECKING:
    from daemon.state import State

log = logging.getLogger("followup")


def cmd_sync(args: argparse.Namespace) -> int:
    """One pass (INTERFACE.md `followup sync --once`); --dry-run changes nothing at all."""
    from daemon.lock import StateLock
    from daemon.observer import Observer
    from daemon.plan_cache import PlanCache
    from daemon.reconcile import run_pass
    from daemon.report import summary_lines
    from daemon.sinks import build_sinks
    from daemon.state import State

    config = config_of(args)
    sinks = build_sinks(config)
    now = now_of(args).astimezone(config.settings.timezone)  # shown in the user's zone

    def one_pass(state: State) -> int:
        from daemon.progress import progress

        observer = Observer(
            config,
            snapshots=state.cursors(),
            cache=False,
            index="none" if args.refresh else "existing" if args.dry_run else "keep",
        )
        with progress("writing reminders and drafts") as shown:
            summary = run_pass(
                observer=observer,
                sinks=sinks,
                state=state,
                settings=config.settings,
                now=now,
                dry_run=args.dry_run,
                force=args.force,
                progress=shown,
                plans=None if args.dry_run else PlanCache.beside(config),  # for `status`
            )
        print("\n".join(summary_lines(summary, verbose=args.verbose)))
        if not args.dry_run:
            board_keeper(config)(summary.plan)
        if summary.stopped:
            print(
                f"followup: pass stopped: {summary.stopped}; nothing lost, the next pass retries",
                file=sys.stderr,
            )
            return 1
        if summary.failed:
            print(
                f"followup: {len(summary.failed)} writes failed (see above); the others were "
                "made, and the next pass tries those again",
                file=sys.stderr,
            )
            return 1
        return 0

    if args.dry_run:
        state = State.open_existing(config.state_path) or State.in_memory()
        with state:
            return one_pass(state)
    with StateLock(config.state_path), State.open(config.state_path) as state:
        return one_pass(state)


def cmd_run(args: argparse.Namespace) -> int:
    """The daemon: `sync --once` on the poll interval and at due times, until stopped."""
    from daemon import progress
    from daemon.lock import StateLock
    from daemon.observer import Observer
    from daemon.plan_cache import PlanCache
    from daemon.reconcile import run_pass
    from daemon.scheduler import Daemon
    from daemon.sinks import build_sinks
    from daemon.state import State

    progress.disable()  # the daemon's output is a log
    config = config_of(args)
    sinks = build_sinks(config)
    with StateLock(config.state_path), State.open(config.state_path) as state:
        observer = Observer(config, snapshots=state.cursors())
        plans = PlanCache.beside(config)  # kept for `status`, `plan` and `explain` too
        board = board_keeper(config)

        def one_pass(now: datetime, should_stop: Callable[[], bool]) -> datetime | None:
            try:
                summary = run_pass(
                    observer=observer,
                    sinks=sinks,
                    state=state,
                    settings=config.settings,
                    now=now,
                    should_stop=should_stop,
                    plans=plans,
                )
            except FollowupError as error:
                # Bad input or an unreachable service: say so once per pass and keep going.
                log.warning("pass skipped: %s", error.user_message)
                return None
            board(summary.plan)
            return summary.next_due_at

        log.info(
            "started: state %s, polling every %d minutes", config.state_path, config.poll_minutes
        )
        Daemon(one_pass, poll_minutes=config.poll_minutes).run()
    return 0
