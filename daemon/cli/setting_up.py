"""Setting up: `init` (a config from answers), `doctor` (check it), `service` (run at
login) and `auth` (Google sign-in, stored passwords)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from daemon.cli.common import config_of
from daemon.errors import FollowupError


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
        config_of(args)  # a broken config would only show up in the journal
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
    config = config_of(args)
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
