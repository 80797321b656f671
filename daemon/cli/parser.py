"""The `followup` command line: one parser, each subcommand with its description, an
example and its options. Building it imports no heavy library (`followup --help` is fast)."""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from daemon.cli.jsonl import cmd_read, cmd_timeline
from daemon.cli.marks import cmd_mark, cmd_unmark
from daemon.cli.passes import cmd_run, cmd_sync
from daemon.cli.setting_up import cmd_auth, cmd_doctor, cmd_init, cmd_service
from daemon.cli.views import cmd_board, cmd_explain, cmd_plan, cmd_status


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr (with a "did you mean"), and the
    descriptions and examples keep the line breaks they were written with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        suggestion = self._suggestion(message)
        if suggestion:  # the guess says more than the list of every choice
            message = re.sub(r" \(choose from [^)]*\)", "", message)
        self.exit(2, f"{self.prog}: {message}{suggestion} (see --help)\n")

    def _suggestion(self, message: str) -> str:
        import difflib

        found = re.search(r"invalid choice: '([^']*)'", message)
        if not found:
            return ""
        choices: list[str] = []
        for action in self._actions:
            if action.choices:
                choices.extend(str(choice) for choice in action.choices)
        close = difflib.get_close_matches(found.group(1), choices, n=1, cutoff=0.6)
        return f"; did you mean {close[0]!r}?" if close else ""


def _about(description: str, *examples: str) -> dict[str, Any]:
    """A subcommand's help page: what it is for, then examples to copy (`--help` shows both)."""
    import textwrap

    lines = ["example:" if len(examples) == 1 else "examples:"]
    lines.extend(f"  {example}" for example in examples)
    return {"description": textwrap.fill(description, 79), "epilog": "\n".join(lines)}


class _Version(argparse.Action):
    """`--version`, looked up only when asked (importlib.metadata: 0.06 s of every command)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"followup {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("followup")
    except PackageNotFoundError:
        return "unknown (not installed)"


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="followup",
        description="Plans the right follow-up for every job interview: a thank-you right "
        "after,\na status follow-up when the stated timeline has passed, never before. It "
        "writes\nreminders and drafts; it never sends mail.",
        epilog="start here:\n  followup init            write a config (asks what it needs)\n"
        "  followup doctor          check it\n  followup status          see every interview "
        "and what is next\n  followup sync --once     write the reminders and drafts",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log more; errors with a traceback"
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show program's version number and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    for add in (
        _add_plan,
        _add_status,
        _add_board,
        _add_timeline,
        _add_read,
        _add_sync,
        _add_run,
        _add_explain,
        _add_mark,
        _add_unmark,
        _add_init,
        _add_doctor,
        _add_service,
        _add_auth,
    ):
        add(commands)
    return parser


_KINDS = ("done", "stop", "timeline", "culture")


def _config_option(
    sub: argparse.ArgumentParser, help: str = "the config file (default: per-user folder)"
) -> None:
    sub.add_argument("--config", type=Path, metavar="FILE", help=help)


def _interview_argument(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "interview",
        metavar="INTERVIEW",
        help="interview id (or a unique part of its id or title; the company's name)",
    )


def _with_config(sub: argparse.ArgumentParser) -> None:
    _config_option(sub)
    sub.add_argument(
        "--now",
        type=_parse_now,
        metavar="TIME",
        help="ISO-8601 time with offset standing in for now",
    )
    sub.add_argument(
        "--refresh",
        action="store_true",
        help="read the mail and calendar afresh instead of through the daemon's index",
    )


def _add_plan(commands: argparse._SubParsersAction[_Parser]) -> None:
    plan = commands.add_parser(
        "plan",
        help="print the plan as JSON (writes nothing)",
        **_about(
            "Reads the calendar and mail the config names and prints every interview's "
            "actions, dates and reasons as JSON (the format of INTERFACE.md). Writes nothing.",
            "followup plan --json",
            "followup plan --json --now 2026-12-16T12:00:00-05:00 --no-drafts",
        ),
    )
    _with_config(plan)
    plan.add_argument("--json", action="store_true", help="JSON output (the only format)")
    plan.add_argument(
        "--no-drafts", dest="drafts", action="store_false", help="leave the draft texts out"
    )
    plan.set_defaults(func=cmd_plan)


def _add_status(commands: argparse._SubParsersAction[_Parser]) -> None:
    status = commands.add_parser(
        "status",
        help="a table: each interview, its state, what is next",
        **_about(
            "Each interview with its state, the next action and when it is due, one reason "
            "per application, and what followup wrote and what waits on you. Writes nothing.",
            "followup status",
            "followup status --now 2026-12-20T09:00:00-05:00",
        ),
    )
    _with_config(status)
    status.add_argument(
        "--all", action="store_true", help="dormant interviews in the table too, not on one line"
    )
    status.set_defaults(func=cmd_status)


def _add_board(commands: argparse._SubParsersAction[_Parser]) -> None:
    board = commands.add_parser(
        "board",
        help="write the plan as a local HTML page: every application on one timeline",
        **_about(
            "The plan as one self-contained HTML page (it loads nothing from the network): "
            "each application with its interview, thank-you, P, follow-ups, auto-replies and "
            "decision on a shared date axis, today marked. Mode 0600.",
            "followup board --open",
            "followup board --output board.html --now 2026-12-20T09:00:00-05:00",
        ),
    )
    _with_config(board)
    board.add_argument(
        "--output",
        type=Path,
        help="where to write it (default: daemon.board_path, else the per-user data folder)",
    )
    board.add_argument("--open", action="store_true", help="open it in the default browser")
    board.set_defaults(func=cmd_board)


def _add_timeline(commands: argparse._SubParsersAction[_Parser]) -> None:
    timeline = commands.add_parser(
        "timeline",
        help="read timeline statements from JSON Lines",
        **_about(
            'The timeline reader alone: one JSON object per line in ({"text": ..., '
            '"sent": ...}), one answer per line out ({"promised": "YYYY-MM-DD"} or null).',
            """echo '{"text": "We will get back to you within 5 business days.", """
            """"sent": "2026-12-03T17:30:00-05:00"}' | followup timeline --jsonl""",
        ),
    )
    timeline.add_argument("--jsonl", action="store_true", help="JSON Lines in and out")
    timeline.add_argument("--country", default="US", help="country for business days (US)")
    timeline.add_argument("--subdivision", default=None, help="state or region for holidays")
    timeline.set_defaults(func=cmd_timeline)


def _add_read(commands: argparse._SubParsersAction[_Parser]) -> None:
    read = commands.add_parser(
        "read",
        help="read replies from JSON Lines: timeline, decision, auto-reply, bulk",
        **_about(
            "The planner's reply reader on one message per line: in text (the new text), sent, "
            "and optionally subject, from and headers; out promised, decision (rejected, "
            "offer, next_round or null), uncertain, auto_reply, returns and bulk. A bad line "
            "gets an error line of its own.",
            """echo '{"text": "We have decided to move forward with other candidates.", """
            """"sent": "2026-12-03T17:30:00-05:00"}' | followup read --jsonl""",
        ),
    )
    read.add_argument("--jsonl", action="store_true", help="JSON Lines in and out")
    read.add_argument("--country", default="US", help="country for business days (US)")
    read.add_argument("--subdivision", default=None, help="state or region for holidays")
    read.add_argument(
        "--timezone", default=None, help="IANA zone for local dates (default: each sent offset)"
    )
    read.set_defaults(func=cmd_read)


def _add_sync(commands: argparse._SubParsersAction[_Parser]) -> None:
    sync = commands.add_parser(
        "sync",
        help="one pass: write reminders and drafts as planned",
        **_about(
            "Reads the sources, plans, and brings the reminders and drafts followup wrote in "
            "line with the plan. Your edits and deletions are never undone. --dry-run shows "
            "what would be created, changed or removed and changes nothing.",
            "followup sync --once --dry-run",
            "followup sync --once",
        ),
    )
    _with_config(sync)
    sync.add_argument("--once", action="store_true", help="one pass, then exit (the only mode)")
    sync.add_argument(
        "--dry-run", action="store_true", help="print what it would do; change nothing"
    )
    sync.add_argument(
        "--force", action="store_true", help="go on even if a side suddenly looks emptied"
    )
    sync.set_defaults(func=cmd_sync)


def _add_run(commands: argparse._SubParsersAction[_Parser]) -> None:
    run = commands.add_parser(
        "run",
        help="the daemon: sync every few minutes and at due times",
        **_about(
            "Runs `sync --once` every daemon.poll_minutes and at the next due time, until "
            "stopped (SIGTERM or Ctrl-C finish the write in flight). `followup service "
            "install` runs it at login.",
            "followup run --config ~/.config/followup/config.toml",
        ),
    )
    _config_option(run)
    run.set_defaults(func=cmd_run, now=None)


def _add_explain(commands: argparse._SubParsersAction[_Parser]) -> None:
    explain = commands.add_parser(
        "explain",
        help="why one interview's plan is what it is",
        **_about(
            "Every reason, action and written item of one interview, and your marks.",
            "followup explain acme-1",
            "followup explain Globex",
        ),
    )
    _with_config(explain)
    _interview_argument(explain)
    explain.set_defaults(func=cmd_explain)


def _add_mark(commands: argparse._SubParsersAction[_Parser]) -> None:
    mark = commands.add_parser(
        "mark",
        help="tell followup what it cannot see: done, stop, a timeline, a culture",
        **_about(
            "Marks live in the state and win over what was read. `done` marks the next "
            "pending action (or the one named) and says which; one not yet due needs "
            "--early. `stop` stops tracking the interview. `followup unmark` undoes a mark.",
            "followup mark acme-1 done",
            "followup mark acme-1 done thank-you",
            'followup mark acme-1 timeline "3 weeks"',
            "followup mark acme-1 culture paper",
            "followup mark acme-1 stop",
        ),
    )
    _with_config(mark)
    _interview_argument(mark)
    mark.add_argument(
        "kind", choices=_KINDS, metavar="KIND", help="done, stop, timeline or culture"
    )
    mark.add_argument(
        "value",
        nargs="*",
        default=[],
        metavar="VALUE",
        help="optional: the action done (thank-you, follow-up 2), timeline text, paper|tech",
    )
    mark.add_argument(
        "--early", "--force", action="store_true", help="mark done an action not yet due"
    )
    mark.set_defaults(func=cmd_mark)


def _add_unmark(commands: argparse._SubParsersAction[_Parser]) -> None:
    unmark = commands.add_parser(
        "unmark",
        help="undo a mark: the latest one, of one kind, or one action's done",
        **_about(
            "Removes the latest mark of the interview that matches; the next pass plans as if "
            "it had never been made.",
            "followup unmark acme-1",
            "followup unmark acme-1 done",
            "followup unmark acme-1 done thank-you",
        ),
    )
    _with_config(unmark)
    _interview_argument(unmark)
    unmark.add_argument(
        "kind",
        nargs="?",
        choices=_KINDS,
        metavar="KIND",
        help="optional: only a mark of this kind (done, stop, timeline or culture)",
    )
    unmark.add_argument(
        "value", nargs="*", default=[], metavar="VALUE", help="optional: which done action"
    )
    unmark.set_defaults(func=cmd_unmark)


def _add_init(commands: argparse._SubParsersAction[_Parser]) -> None:
    init = commands.add_parser(
        "init",
        help="write a config: asks on a terminal, takes flags otherwise",
        **_about(
            "Writes a commented config file (never over one). On a terminal it asks for what "
            "it cannot guess and checks each answer; without one it takes the flags and names "
            "any that is missing. Local files are the default; --google reads Google instead.",
            "followup init",
            "followup init --email alex@work.example --name 'Alex Doe' "
            "--calendar ~/Downloads/calendar.ics --mail ~/Downloads/mail.mbox",
            "followup init --path ~/jobs/ --google",
        ),
    )
    init.add_argument(
        "--path", help="file or folder/ (default: the per-user config folder's config.toml)"
    )
    init.add_argument("--email", help="your own address (the one recruiters write to)")
    init.add_argument("--name", help="your name, to sign drafts")
    init.add_argument("--timezone", help="IANA zone (default: this machine's)")
    init.add_argument("--country", help="country for business days (default: the locale's)")
    init.add_argument("--calendar", metavar="FILE", help="your calendar export (.ics)")
    init.add_argument("--mail", metavar="PATH", help="your mailbox: an mbox file or a Maildir")
    init.add_argument("--google", action="store_true", help="Google Calendar and Gmail instead")
    init.add_argument("--local", action="store_true", help=argparse.SUPPRESS)  # the default now
    init.set_defaults(func=cmd_init)


def _add_doctor(commands: argparse._SubParsersAction[_Parser]) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check the setup: config, sources, outputs, state, token, service",
        **_about(
            "Reads what a pass reads and writes nothing. Each line is ✓, - (information) or "
            "✗ with what to do; the exit is 1 when something needs fixing.",
            "followup doctor",
            "followup doctor --config ~/jobs/config.toml",
        ),
    )
    _config_option(doctor)
    doctor.set_defaults(func=cmd_doctor, now=None)


def _add_service(commands: argparse._SubParsersAction[_Parser]) -> None:
    service = commands.add_parser(
        "service",
        help="install or remove the background service",
        **_about(
            "install writes a systemd user unit (Linux) or a launchd agent (macOS) that runs "
            "`followup run` at login and prints the command that starts it; uninstall stops "
            "and disables it, then removes the file.",
            "followup service install --config ~/.config/followup/config.toml",
            "followup service uninstall",
        ),
    )
    service.add_argument("action", choices=["install", "uninstall"])
    _config_option(service, "the config file the service runs with")
    service.set_defaults(func=cmd_service, now=None)


def _add_auth(commands: argparse._SubParsersAction[_Parser]) -> None:
    auth = commands.add_parser(
        "auth",
        help="sign in to Google (opens the browser once)",
        **_about(
            "Runs Google's sign-in with your own OAuth client (google.client_secrets_path) "
            "and saves the token at google.token_path, mode 0600. See the README's Google "
            "section for the client.",
            "followup auth --config ~/.config/followup/config.toml",
        ),
    )
    _config_option(auth)
    auth.set_defaults(func=cmd_auth, now=None)
