"""The `followup` command. Commands parse arguments and call plain functions.

Heavy libraries (icalendar, holidays, Google's client) are imported inside the commands,
so `followup --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from daemon.errors import FollowupError

if TYPE_CHECKING:
    from daemon.config import Config
    from daemon.items import Ledger
    from daemon.state import State
    from policy.models import Application, Mark, MarkKind, Plan

log = logging.getLogger("followup")


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO-8601 time: {value!r} (e.g. 2026-12-16T12:00:00-05:00)"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"--now needs an offset: {value!r} (e.g. 2026-12-16T12:00:00-05:00)"
        )
    if not 1900 <= moment.year <= 2200:  # date arithmetic overflows near 0001 and 9999
        raise argparse.ArgumentTypeError(f"year {moment.year} is outside 1900-2200: {value!r}")
    return moment


def _load(args: argparse.Namespace) -> Config:
    from daemon.config import default_config_path, load_config

    return load_config(args.config or default_config_path())


def _now(args: argparse.Namespace) -> datetime:
    from datetime import UTC

    return args.now if args.now is not None else datetime.now(UTC)


def _plan(config: Config, now: datetime, marks: Sequence[Mark] = ()) -> Plan:
    from daemon.sources import observe
    from policy.planner import plan

    seen = observe(config)
    return plan(seen.events, seen.threads, config.settings, now, marks)


def _existing_state(config: Config) -> State | None:
    """The state if there is one: read-only commands never create it."""
    from daemon.state import State

    return State.open_existing(config.state_path)


def _marks(config: Config) -> tuple[Mark, ...]:
    """The user's marks, if there is a state; a state that cannot be read is left out."""
    from daemon.state import StateError

    try:
        state = _existing_state(config)
        if state is None:
            return ()
        with state:
            return state.marks()
    except StateError as error:
        log.warning("%s; planned without your marks", error.user_message)
        return ()


def _plan_with_ledger(args: argparse.Namespace) -> tuple[Plan, Ledger | None, tuple[Mark, ...]]:
    """The plan with the user's marks, and what the state says was written (if any)."""
    config = _load(args)
    state = _existing_state(config)
    ledger = None
    marks: tuple[Mark, ...] = ()
    if state is not None:
        with state:
            ledger, marks = state.ledger(), state.marks()
    return _plan(config, _now(args), marks), ledger, marks


def cmd_plan(args: argparse.Namespace) -> int:
    from daemon.render import plan_to_json

    config = _load(args)
    plan = _plan(config, _now(args), _marks(config))
    json.dump(plan_to_json(plan, drafts=args.drafts), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from daemon.report import ledger_lines
    from daemon.status import print_status

    plan, ledger, _ = _plan_with_ledger(args)
    print_status(plan)
    print()
    print("\n".join(ledger_lines(plan, ledger)))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """One pass (INTERFACE.md `followup sync --once`); --dry-run changes nothing at all."""
    from daemon.lock import StateLock
    from daemon.observer import Observer
    from daemon.reconcile import run_pass
    from daemon.report import summary_lines
    from daemon.sinks import build_sinks
    from daemon.state import State

    config = _load(args)
    sinks = build_sinks(config)
    now = _now(args)

    def one_pass(state: State) -> int:
        observer = Observer(config, snapshots=state.cursors(), cache=False)
        summary = run_pass(
            observer=observer,
            sinks=sinks,
            state=state,
            settings=config.settings,
            now=now,
            dry_run=args.dry_run,
            force=args.force,
        )
        print("\n".join(summary_lines(summary, verbose=args.verbose)))
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
    from connectors.errors import SourceError
    from daemon.lock import StateLock
    from daemon.observer import Observer
    from daemon.reconcile import PlanCache, run_pass
    from daemon.scheduler import Daemon
    from daemon.sinks import build_sinks
    from daemon.state import State

    config = _load(args)
    sinks = build_sinks(config)
    with StateLock(config.state_path), State.open(config.state_path) as state:
        observer = Observer(config, snapshots=state.cursors())
        plans = PlanCache()

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
            except (FollowupError, SourceError) as error:
                # Bad input or an unreachable service: say so once per pass and keep going.
                log.warning("pass skipped: %s", error.user_message)
                return None
            return summary.next_due_at

        log.info(
            "started: state %s, polling every %d minutes", config.state_path, config.poll_minutes
        )
        Daemon(one_pass, poll_minutes=config.poll_minutes).run()
    return 0


def _find_application(plan: Plan, wanted: str) -> Application:
    """An interview by id, else by a unique case-insensitive match of id, company or title."""
    apps = plan.applications
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
    known = ", ".join(app.interview.interview_id for app in (matches or apps)) or "none"
    if matches:
        raise FollowupError(f"{wanted!r} matches several interviews: {known}; give the id")
    raise FollowupError(f"no interview matches {wanted!r} (interview ids: {known})")


def cmd_explain(args: argparse.Namespace) -> int:
    from daemon.report import explain_lines

    plan, ledger, marks = _plan_with_ledger(args)
    app = _find_application(plan, args.interview)
    print("\n".join(explain_lines(app, ledger, plan)))
    own = [m for m in marks if m.interview_id == app.interview.interview_id]
    if own:
        print("marks:")
        for mark in own:
            value = f" {mark.value}" if mark.value else ""
            at = mark.marked_at.astimezone(plan.generated_at.tzinfo)
            print(f"  {mark.kind.value}{value} ({at:%a %d %b %Y %H:%M})")
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    """Store a user's mark; the next pass plans with it (POLICY.md "User marks")."""
    from daemon.state import State
    from policy.models import Mark, MarkKind

    config = _load(args)
    now = _now(args)
    kind = MarkKind(args.kind)
    text = " ".join(args.value).strip()
    marks = _marks(config)
    plan = _plan(config, now, marks)
    app = _find_application(plan, args.interview)
    value = _mark_value(config, app, kind, text, now)
    mark = Mark(interview_id=app.interview.interview_id, kind=kind, value=value, marked_at=now)
    with State.open(config.state_path) as state:
        state.add_mark(mark)
    shown = f" {value}" if value else ""
    print(
        f"marked {mark.interview_id}: {kind.value}{shown} "
        "(the next pass applies it; `followup sync --once` to apply it now)"
    )
    return 0


def _mark_value(config: Config, app: Application, kind: MarkKind, text: str, now: datetime) -> str:
    from policy.models import ActionType, Culture, MarkKind, Status

    name = app.interview.interview_id
    if kind is MarkKind.STOP:
        if text:
            raise FollowupError(f"mark {name} stop: takes no value (got {text!r})")
        return ""
    if kind is MarkKind.CULTURE:
        if text.lower() not in {c.value for c in Culture}:
            raise FollowupError(f"mark {name} culture: 'paper' or 'tech', not {text!r}")
        return text.lower()
    if kind is MarkKind.TIMELINE:
        from policy.business_days import BusinessCalendar
        from policy.timeline import resolve_expression

        settings = config.settings
        calendar = BusinessCalendar(settings.country, settings.subdivision)
        anchor = max(app.interview.end_at, now).astimezone(settings.timezone).date()
        if not text or resolve_expression(text, anchor, calendar) is None:
            raise FollowupError(
                f"mark {name} timeline: {text!r} is not a timeline "
                '(try "2 weeks", "10 business days", "by Friday", "mid January")'
            )
        return text
    # done: the action named, or the next pending one (prep is done by itself when due)
    pending = [
        a
        for a in sorted(app.actions, key=lambda a: a.due_at)
        if a.status is Status.PENDING and a.type is not ActionType.PREP
    ]
    if text:
        wanted = text.replace("-", "_").replace(" ", "")
        if wanted == "follow_up":
            pending = [a for a in pending if a.type is ActionType.FOLLOW_UP]
        elif wanted in ("thank_you", "prep") or re.fullmatch(r"follow_up:\d+", wanted):
            return wanted
        else:
            raise FollowupError(
                f"mark {name} done: {text!r} is not an action (thank_you, follow_up, follow_up:2)"
            )
    if not pending:
        raise FollowupError(f"mark {name} done: nothing is pending for this interview")
    action = pending[0]
    if action.type is ActionType.FOLLOW_UP:
        return f"follow_up:{action.number}"
    return action.type.value


def cmd_init(args: argparse.Namespace) -> int:
    from daemon.config import default_config_path
    from daemon.starter import write_starter

    path = write_starter(
        args.path or default_config_path(),
        email=args.email or "you@example.com",
        name=args.name or "",
        timezone=args.timezone,
        country=args.country,
        local=args.local,
    )
    print(f"wrote {path}; edit it, then try `followup plan --config {path} --json`")
    return 0


def cmd_service(args: argparse.Namespace) -> int:
    from daemon import service

    home = Path.home()
    if args.action == "install":
        from daemon.config import default_config_path

        config = (args.config or default_config_path()).resolve()
        _load(args)  # a broken config would only show up in the journal
        done = service.install(platform=sys.platform, home=home, config=config)
        print(f"wrote {done.path}")
        print(f"start it now and at every login with:\n  {done.enable}")
        return 0
    gone = service.uninstall(platform=sys.platform, home=home)
    if gone is None:
        print("no followup service installed")
        return 0
    print(f"removed {gone.path}")
    print(f"if it is running, stop it with:\n  {gone.disable}")
    return 0


def cmd_auth(args: argparse.Namespace) -> int:
    config = _load(args)
    try:
        from daemon.auth import run_auth
    except ImportError as error:
        raise FollowupError(
            f"followup auth: Google sign-in is not available in this installation ({error})"
        ) from None
    path = run_auth(config)
    print(f"signed in; token saved for {path}")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    """JSON Lines in, one answer per line out; a bad line answers with an error, not a stop."""
    from policy.business_days import BusinessCalendar
    from policy.timeline import find_statement

    try:
        calendar = BusinessCalendar(args.country, args.subdivision)
    except ValueError as error:
        raise FollowupError(f"--country {args.country}: {error}") from None
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            sent = datetime.fromisoformat(row["sent"])
            text = str(row["text"])
        except (ValueError, KeyError, TypeError) as error:
            print(json.dumps({"promised": None, "error": f"line {number}: {error}"}))
            continue
        statement = find_statement(text, sent.date(), calendar)
        answer = {
            "promised": statement.promised_on.isoformat() if statement else None,
            "phrase": statement.text if statement else None,
        }
        print(json.dumps(answer, ensure_ascii=False))
        sys.stdout.flush()
    return 0


def _handle_errors(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """One place that turns a user's mistake into one line on stderr and a non-zero exit."""

    def run(args: argparse.Namespace) -> int:
        from connectors.errors import SourceError

        try:
            return command(args)
        except (FollowupError, SourceError) as error:
            print(f"followup: {error.user_message}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0

    return run


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="followup",
        description="Plans the right follow-up for every job interview: a thank-you right "
        "after, a status follow-up when the stated timeline has passed, never before.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more, with tracebacks")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def with_config(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--config", type=Path, help="the config file (default: per-user folder)")
        sub.add_argument(
            "--now", type=_parse_now, help="ISO-8601 time with offset standing in for now"
        )

    plan = commands.add_parser("plan", help="print the plan (writes nothing)")
    with_config(plan)
    plan.add_argument("--json", action="store_true", help="JSON output (the only format)")
    plan.add_argument(
        "--no-drafts", dest="drafts", action="store_false", help="leave the draft texts out"
    )
    plan.set_defaults(func=cmd_plan)

    status = commands.add_parser("status", help="a table: each interview, its state, what is next")
    with_config(status)
    status.set_defaults(func=cmd_status)

    timeline = commands.add_parser("timeline", help="read timeline statements from JSON Lines")
    timeline.add_argument("--jsonl", action="store_true", help="JSON Lines in and out")
    timeline.add_argument("--country", default="US", help="country for business days (US)")
    timeline.add_argument("--subdivision", default=None, help="state or region for holidays")
    timeline.set_defaults(func=cmd_timeline)

    sync = commands.add_parser("sync", help="one pass: write reminders and drafts as planned")
    with_config(sync)
    sync.add_argument("--once", action="store_true", help="one pass, then exit (the only mode)")
    sync.add_argument(
        "--dry-run", action="store_true", help="print what it would do; change nothing"
    )
    sync.add_argument(
        "--force", action="store_true", help="go on even if a side suddenly looks emptied"
    )
    sync.set_defaults(func=cmd_sync)

    run = commands.add_parser("run", help="the daemon: sync every few minutes and at due times")
    run.add_argument("--config", type=Path, help="the config file (default: per-user folder)")
    run.set_defaults(func=cmd_run, now=None)

    explain = commands.add_parser("explain", help="why one interview's plan is what it is")
    with_config(explain)
    explain.add_argument("interview", help="interview id (or a unique part of its id or title)")
    explain.set_defaults(func=cmd_explain)

    mark = commands.add_parser(
        "mark",
        help="tell followup what it cannot see: done, stop, a timeline, a culture",
        description='e.g. `mark acme-1 done`, `mark acme-1 timeline "3 weeks"`, '
        "`mark acme-1 culture paper`, `mark acme-1 stop`",
    )
    with_config(mark)
    mark.add_argument("interview", help="interview id (or a unique part of its id or title)")
    mark.add_argument("kind", choices=["done", "stop", "timeline", "culture"])
    mark.add_argument("value", nargs="*", help="timeline text, paper|tech, or which action is done")
    mark.set_defaults(func=cmd_mark)

    init = commands.add_parser("init", help="write a commented config (never over one)")
    init.add_argument("--path", type=Path, help="where (default: the per-user config folder)")
    init.add_argument("--email", help="your address")
    init.add_argument("--name", help="your name, to sign drafts")
    init.add_argument("--timezone", help="IANA zone (default: this machine's)")
    init.add_argument("--country", default="US", help="country for business days (US)")
    init.add_argument(
        "--local", action="store_true", help="local files (.ics, mbox) instead of Google"
    )
    init.set_defaults(func=cmd_init)

    service = commands.add_parser("service", help="install or remove the background service")
    service.add_argument("action", choices=["install", "uninstall"])
    service.add_argument("--config", type=Path, help="the config file the service runs with")
    service.set_defaults(func=cmd_service, now=None)

    auth = commands.add_parser("auth", help="sign in to Google (opens the browser once)")
    auth.add_argument("--config", type=Path, help="the config file (default: per-user folder)")
    auth.set_defaults(func=cmd_auth, now=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    daemon = getattr(args, "command", None) == "run"
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO if daemon else logging.WARNING,
        # journald adds the time; the daemon's lines say level, logger and message.
        format="%(levelname)s %(name)s: %(message)s"
        if daemon
        else "followup: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    if daemon and not args.verbose:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.verbose:
        result: int = args.func(args)
        return result
    return _handle_errors(args.func)(args)


if __name__ == "__main__":
    sys.exit(main())
