"""The `followup` command. Commands parse arguments and call plain functions.

Heavy libraries (icalendar, holidays, Google's client) are imported inside the commands,
so `followup --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from daemon.errors import FollowupError

if TYPE_CHECKING:
    from daemon.config import Config
    from policy.models import Plan

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
    return moment


def _load(args: argparse.Namespace) -> Config:
    from daemon.config import default_config_path, load_config

    return load_config(args.config or default_config_path())


def _now(args: argparse.Namespace) -> datetime:
    from datetime import UTC

    return args.now if args.now is not None else datetime.now(UTC)


def _plan(config: Config, now: datetime) -> Plan:
    from daemon.sources import observe
    from policy.planner import plan

    seen = observe(config)
    return plan(seen.events, seen.threads, config.settings, now)


def cmd_plan(args: argparse.Namespace) -> int:
    from daemon.render import plan_to_json

    config = _load(args)
    plan = _plan(config, _now(args))
    json.dump(plan_to_json(plan, drafts=args.drafts), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from daemon.status import print_status

    config = _load(args)
    print_status(_plan(config, _now(args)))
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="followup: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.verbose:
        result: int = args.func(args)
        return result
    return _handle_errors(args.func)(args)


if __name__ == "__main__":
    sys.exit(main())
