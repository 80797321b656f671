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
import traceback
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from daemon.errors import FollowupError
from daemon.wording import short_id

if TYPE_CHECKING:
    from daemon.config import Config
    from daemon.items import Ledger
    from daemon.state import State
    from policy.business_days import BusinessCalendar
    from policy.models import Action, Application, Mark, MarkKind, Message, Plan

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


def _plan(
    config: Config, now: datetime, marks: Sequence[Mark] = (), *, refresh: bool = False
) -> Plan:
    from daemon.doctor import address_warning
    from daemon.sources import observe
    from policy.planner import plan

    seen = observe(config, refresh=refresh)
    warning = address_warning(config, seen.threads)
    if warning:
        log.warning("%s", warning)
    return plan(seen.events, seen.threads, config.settings, now, marks, seen.replies)


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
    return _plan(config, _now(args), marks, refresh=args.refresh), ledger, marks


def cmd_plan(args: argparse.Namespace) -> int:
    from daemon.render import plan_to_json

    config = _load(args)
    plan = _plan(config, _now(args), _marks(config), refresh=args.refresh)
    json.dump(plan_to_json(plan, drafts=args.drafts), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from daemon.report import ledger_lines
    from daemon.status import print_status

    plan, ledger, _ = _plan_with_ledger(args)
    print_status(plan, show_all=args.all)
    print()
    print("\n".join(ledger_lines(plan, ledger)))
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    """The plan as one self-contained HTML page (no network), optionally opened."""
    from daemon.board import render_board, write_board

    config = _load(args)
    plan = _plan(config, _now(args), _marks(config))
    output = args.output or config.board_path
    if output is None:
        from platformdirs import user_data_path

        output = user_data_path("followup") / "board.html"
    output = output.expanduser().resolve()
    write_board(output, render_board(plan, config.settings))
    print(f"wrote {output} ({len(plan.applications)} applications)")
    if args.open:
        import webbrowser

        if not webbrowser.open(output.as_uri()):
            print(f"followup: no browser found; open {output.as_uri()} yourself", file=sys.stderr)
    return 0


def _board_keeper(config: Config) -> Callable[[Plan], object]:
    """The daemon's hook: rewrite `daemon.board_path` after a pass that changed the plan."""
    if config.board_path is None:
        return lambda plan: None
    from daemon.board import BoardKeeper

    return BoardKeeper(config.board_path, config.settings).after_pass


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
    now = _now(args).astimezone(config.settings.timezone)  # shown in the user's zone

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
            )
        print("\n".join(summary_lines(summary, verbose=args.verbose)))
        if not args.dry_run:
            _board_keeper(config)(summary.plan)
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
    from daemon.reconcile import PlanCache, run_pass
    from daemon.scheduler import Daemon
    from daemon.sinks import build_sinks
    from daemon.state import State

    progress.disable()  # the daemon's output is a log
    config = _load(args)
    sinks = build_sinks(config)
    with StateLock(config.state_path), State.open(config.state_path) as state:
        observer = Observer(config, snapshots=state.cursors())
        plans = PlanCache()
        board = _board_keeper(config)

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


def _find_application(plan: Plan, wanted: str) -> Application:
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
    from daemon.wording import short_id
    from policy.models import Mark, MarkKind

    config = _load(args)
    now = _now(args)
    kind = MarkKind(args.kind)
    text = " ".join(args.value).strip()
    marks = _marks(config)
    plan = _plan(config, now, marks)
    app = _find_application(plan, args.interview)
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

    config = _load(args)
    now = _now(args)
    state = _existing_state(config)
    stored: tuple[Mark, ...] = ()
    if state is not None:
        with state:
            stored = state.marks()
    ids = {mark.interview_id for mark in stored}
    wanted = args.interview if args.interview in ids else None
    company = ""
    if wanted is None:
        app = _find_application(_plan(config, now, stored), args.interview)
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
        zone = config.settings.timezone
        from daemon.wording import when

        raise FollowupError(
            f"mark {name} done: {_action_words(key)} is not due until "
            f"{when(action.due_at, zone, now)}; if you did it already, add --early"
        )
    return key


def _with_colon(wanted: str) -> str:
    return re.sub(r"^follow_up(\d+)$", r"follow_up:\1", wanted)


def _action_key(action: Action) -> str:
    from policy.models import ActionType

    if action.type is ActionType.FOLLOW_UP:
        return f"follow_up:{action.number}"
    return action.type.value


def cmd_init(args: argparse.Namespace) -> int:
    """A config from answers: asked on a terminal, from flags otherwise; never a placeholder."""
    from daemon import starter
    from daemon.config import default_config_path

    given = {
        "email": args.email,
        "name": args.name,
        "timezone": args.timezone,
        "country": args.country,
        "calendar": args.calendar,
        "mail": args.mail,
    }
    target = Path(args.path) if args.path else default_config_path()
    if args.path and (args.path.endswith(("/", "\\")) or target.is_dir()):
        target = target / "config.toml"
    if target.exists():
        raise FollowupError(f"{target}: already exists; not overwritten (edit it, or pass --path)")
    if _on_a_terminal():
        print(f"Writing a config to {target}. Ctrl-C stops; nothing is written until the end.")
        asker = starter.Asker(input, lambda text: print(text, end="", flush=True))
        answers = starter.ask_answers(asker, given, True if args.google else None)
    else:
        answers = starter.answers_from_flags(given, google=bool(args.google))
    path = starter.write_starter(target, answers.values())
    config = f" --config {_shell_quote(str(path))}" if args.path else ""
    print(f"wrote {path}")
    if answers.google:
        print(f"next: `followup auth{config}` (sign in to Google), then `followup doctor{config}`")
    else:
        print(f"next: `followup doctor{config}` checks it, then `followup status{config}`")
    return 0


def _on_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Each part of the setup on one line; exit 1 when a line says something needs fixing."""
    from daemon.config import default_config_path
    from daemon.doctor import Mark, diagnose

    needs_fixing = 0
    for check in diagnose(args.config or default_config_path()):
        print(check.line(), flush=True)
        needs_fixing += check.mark is Mark.FIX
    if needs_fixing:
        print(f"{needs_fixing} to fix", file=sys.stderr)
        return 1
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
    if gone.stopped:
        print("stopped and disabled the followup service")
    print(f"removed {gone.service.path}")
    if not gone.stopped:
        said = f" ({gone.said})" if gone.said else ""
        print(f"could not stop it{said}; if it still runs:\n  {gone.service.disable}")
    return 0


def cmd_auth(args: argparse.Namespace) -> int:
    config = _load(args)
    if config.imap is not None or config.caldav is not None:
        from daemon.auth import store_passwords

        for line in store_passwords(config):
            print(line)
        if config.calendar_source != "google" and config.mail_source != "gmail":
            return 0
    try:
        from daemon.auth import run_auth
    except ImportError as error:
        raise FollowupError(
            f"followup auth: Google sign-in is not available in this installation ({error})"
        ) from None
    path = run_auth(config)
    print(f"signed in; token saved for {path}")
    return 0


def _json_lines() -> Iterator[tuple[int, dict[str, object] | str]]:
    """Each non-empty stdin line as (number, object), or (number, the problem) when it is not
    a JSON object: one bad line is answered on its own and the stream goes on."""
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, f"line {number}: not UTF-8"
            continue
        if not line.strip():
            continue
        row, problem = _json_row(line, ())
        yield number, row if row is not None else f"line {number}: {problem}"


def _field_text(row: dict[str, object], name: str, number: int, *, required: bool) -> str:
    value = row.get(name)
    if value is None:
        if required:
            raise ValueError(f"line {number}: missing {name!r}")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"line {number}: {name!r} is not a string")
    return value


def _field_sent(row: dict[str, object], number: int, zone: tzinfo | None) -> datetime:
    text = _field_text(row, "sent", number, required=True)
    try:
        sent = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"line {number}: 'sent' is not an ISO-8601 time: {text[:40]!r}") from None
    if sent.tzinfo is None and zone is not None:
        sent = sent.replace(tzinfo=zone)
    return sent


def _emit(answer: dict[str, object]) -> None:
    print(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()


def _calendar_for(args: argparse.Namespace) -> BusinessCalendar:
    from policy.business_days import BusinessCalendar

    try:
        return BusinessCalendar(args.country, args.subdivision)
    except ValueError as error:
        raise FollowupError(f"--country {args.country}: {error}") from None


def cmd_timeline(args: argparse.Namespace) -> int:
    """JSON Lines in, one answer per line out; a bad line answers with an error, not a stop."""
    from policy.timeline import find_statement

    calendar = _calendar_for(args)
    for number, row in _json_lines():
        if isinstance(row, str):
            _emit({"promised": None, "error": row})
            continue
        try:
            sent = _field_sent(row, number, None)
            text = _field_text(row, "text", number, required=True)
        except ValueError as error:
            _emit({"promised": None, "error": str(error)})
            continue
        try:
            statement = find_statement(text, sent.date(), calendar)
        except Exception as error:  # one line's problem, never the stream's
            _emit({"promised": None, "error": f"line {number}: not read ({type(error).__name__})"})
            continue
        _emit(
            {
                "promised": statement.promised_on.isoformat() if statement else None,
                "phrase": statement.text if statement else None,
            }
        )
    return 0


def _read_message(row: dict[str, object], number: int, zone: tzinfo | None) -> tuple[Message, str]:
    """A `read --jsonl` line as the Message the planner would hold, and its new text."""
    from email.utils import parseaddr

    from policy.models import Message, Person

    sent = _field_sent(row, number, zone)
    text = _field_text(row, "text", number, required=True)
    subject = _field_text(row, "subject", number, required=False)
    name, address = parseaddr(_field_text(row, "from", number, required=False))
    headers = row.get("headers") or {}
    if not isinstance(headers, dict):
        raise ValueError(f"line {number}: 'headers' is not an object")
    pairs = tuple(
        (str(key).lower(), value if isinstance(value, str) else json.dumps(value))
        for key, value in headers.items()
    )
    message = Message(
        message_id=f"<line-{number}@followup.read>",
        thread_id=str(number),
        sender=Person(email=address.lower(), name=name),
        subject=subject,
        sent_at=sent,
        body_text=text,
        headers=pairs,
    )
    return message, text


def cmd_read(args: argparse.Namespace) -> int:
    """The planner's reply reader on one message per line (INTERFACE.md `followup read`)."""
    from policy.replies import read_reply

    calendar = _calendar_for(args)
    zone: tzinfo | None = None
    if args.timezone:
        from zoneinfo import ZoneInfo

        try:
            zone = ZoneInfo(args.timezone)
        except (ValueError, OSError, KeyError):
            raise FollowupError(f"--timezone {args.timezone!r}: not an IANA time zone") from None
    for number, row in _json_lines():
        if isinstance(row, str):
            _emit({"error": row})
            continue
        try:
            message, text = _read_message(row, number, zone)
            sent = message.sent_at
            on = (sent.astimezone(zone) if zone and sent.tzinfo else sent).date()
        except (ValueError, OverflowError) as error:
            _emit(
                {
                    "error": str(error)
                    if str(error).startswith("line ")
                    else f"line {number}: {error}"
                }
            )
            continue
        try:
            reading = read_reply(message, text, on, calendar)
        except Exception as error:  # one line's problem, never the stream's
            _emit({"error": f"line {number}: not read ({type(error).__name__})"})
            continue
        _emit(
            {
                "promised": reading.promised_on.isoformat() if reading.promised_on else None,
                "phrase": reading.statement or None,
                "decision": reading.decision.value if reading.decision else None,
                "uncertain": reading.uncertain,
                "maybe": reading.maybe.value if reading.maybe else None,
                "auto_reply": reading.auto,
                "returns": reading.returns_on.isoformat() if reading.returns_on else None,
                "bulk": reading.bulk,
            }
        )
    return 0


def _json_row(line: str, needed: Sequence[str]) -> tuple[dict[str, Any] | None, str]:
    """One JSON Lines row, or why not: "not JSON (...)", "missing 'sent'" (never a trace)."""
    try:
        row = json.loads(line)
    except ValueError as error:
        return None, f"not JSON ({getattr(error, 'msg', error)})"
    except RecursionError:
        return None, "not JSON (nested too deeply)"
    if not isinstance(row, dict):
        return None, "not a JSON object"
    missing = [key for key in needed if key not in row]
    if missing:
        return None, "missing " + ", ".join(repr(key) for key in missing)
    return row, ""


def _handle_errors(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """The one place an error becomes one line on stderr and a non-zero exit.

    A `FollowupError` is the user's to fix: its message says how (exit 2). Anything else is
    ours: one line naming it and how to see more (exit 1); `-v` adds the traceback before
    that same line, and the same exit code, so a bug report shows both.
    """

    def run(args: argparse.Namespace) -> int:
        verbose = bool(getattr(args, "verbose", False))
        try:
            return command(args)
        except FollowupError as error:
            if verbose:
                traceback.print_exc(file=sys.stderr)
            print(f"followup: {_one_line(error.user_message)}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
        except Exception as error:  # the catch-all: a line the user sees instead of a trace
            if verbose:
                traceback.print_exc(file=sys.stderr)
            detail = _one_line(str(error))[:200]
            what = type(error).__name__ + (f": {detail}" if detail else "")
            hint = "" if verbose else "; run again with -v for details"
            print(f"followup: unexpected error ({what}){hint}", file=sys.stderr)
            return 1

    return run


def _one_line(text: str) -> str:
    return " ".join(text.split())


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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("followup")
    except PackageNotFoundError:
        return "unknown (not installed)"


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
    parser.add_argument("--version", action="version", version=f"followup {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def with_config(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--config", type=Path, help="the config file (default: per-user folder)")
        sub.add_argument(
            "--now", type=_parse_now, help="ISO-8601 time with offset standing in for now"
        )
        sub.add_argument(
            "--refresh",
            action="store_true",
            help="read the mail and calendar afresh instead of through the daemon's index",
        )

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
    with_config(plan)
    plan.add_argument("--json", action="store_true", help="JSON output (the only format)")
    plan.add_argument(
        "--no-drafts", dest="drafts", action="store_false", help="leave the draft texts out"
    )
    plan.set_defaults(func=cmd_plan)

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
    with_config(status)
    status.add_argument(
        "--all", action="store_true", help="dormant interviews in the table too, not on one line"
    )
    status.set_defaults(func=cmd_status)

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
    with_config(board)
    board.add_argument(
        "--output",
        type=Path,
        help="where to write it (default: daemon.board_path, else the per-user data folder)",
    )
    board.add_argument("--open", action="store_true", help="open it in the default browser")
    board.set_defaults(func=cmd_board)

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
    with_config(sync)
    sync.add_argument("--once", action="store_true", help="one pass, then exit (the only mode)")
    sync.add_argument(
        "--dry-run", action="store_true", help="print what it would do; change nothing"
    )
    sync.add_argument(
        "--force", action="store_true", help="go on even if a side suddenly looks emptied"
    )
    sync.set_defaults(func=cmd_sync)

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
    run.add_argument("--config", type=Path, help="the config file (default: per-user folder)")
    run.set_defaults(func=cmd_run, now=None)

    explain = commands.add_parser(
        "explain",
        help="why one interview's plan is what it is",
        **_about(
            "Every reason, action and written item of one interview, and your marks.",
            "followup explain acme-1",
            "followup explain Globex",
        ),
    )
    with_config(explain)
    explain.add_argument("interview", help="interview id (or a unique part of its id or title)")
    explain.set_defaults(func=cmd_explain)

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
    with_config(mark)
    mark.add_argument("interview", help="interview id (or a unique part of its id or title)")
    mark.add_argument("kind", choices=["done", "stop", "timeline", "culture"])
    mark.add_argument(
        "value",
        nargs="*",
        metavar="VALUE",
        help="optional: the action done (thank-you, follow-up 2), timeline text, paper|tech",
    )
    mark.add_argument(
        "--early", "--force", action="store_true", help="mark done an action not yet due"
    )
    mark.set_defaults(func=cmd_mark)

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
    with_config(unmark)
    unmark.add_argument("interview", help="interview id (or a unique part of its id or title)")
    unmark.add_argument(
        "kind", nargs="?", choices=["done", "stop", "timeline", "culture"], help="optional"
    )
    unmark.add_argument("value", nargs="*", metavar="VALUE", help="optional: which done action")
    unmark.set_defaults(func=cmd_unmark)

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
    doctor.add_argument("--config", type=Path, help="the config file (default: per-user folder)")
    doctor.set_defaults(func=cmd_doctor, now=None)

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
    service.add_argument("--config", type=Path, help="the config file the service runs with")
    service.set_defaults(func=cmd_service, now=None)

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
    auth.add_argument("--config", type=Path, help="the config file (default: per-user folder)")
    auth.set_defaults(func=cmd_auth, now=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    # -v works after the command too (`followup status -v`), as the error hint suggests.
    end = words.index("--") if "--" in words else len(words)
    verbose = any(word in ("-v", "--verbose") for word in words[:end])
    words = [w for i, w in enumerate(words) if i >= end or w not in ("-v", "--verbose")]
    args = parser.parse_args(words)
    args.verbose = verbose
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
    return _handle_errors(args.func)(args)


if __name__ == "__main__":
    sys.exit(main())
