"""`followup service install|uninstall`: run `followup run` at login, restarted on failure.

Linux: a systemd user unit (`~/.config/systemd/user/followup.service`); its logs go to the
journal (`journalctl --user -u followup`). macOS: a launchd agent
(`~/Library/LaunchAgents/org.followup.daemon.plist`), logging to `~/Library/Logs/`.
`install` only writes the file; the command that enables it is printed, not run, so
nothing starts behind the user's back. `uninstall` stops and disables the service before
removing its file (a removed unit that still runs cannot be stopped by name). The service
manager's program can be replaced with `FOLLOWUP_SERVICE_MANAGER` (tests point it at a fake,
so they never touch the real one).

The unit runs the installed `followup` script (or `python -I -m daemon.cli`): never a plain
`python -m`, which would put the working folder first on the import path, so a `daemon/`
folder of the user's could run instead.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from daemon.errors import FollowupError

UNIT_NAME = "followup.service"
AGENT_LABEL = "org.followup.daemon"


class ServiceError(FollowupError):
    """The platform has no supported service manager, or the file cannot be written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceFile:
    path: Path
    text: str
    enable: str  # the command that starts it now and at every login
    disable: str  # the command that stops it


def command(python: str, config: Path) -> list[str]:
    """`followup run`: the console script installed beside `python`, else `python -I -m`."""
    script = Path(python).parent / "followup"
    program = [str(script)] if script.is_file() else [python, "-I", "-m", "daemon.cli"]
    return [*program, "run", "--config", str(config.resolve())]


def unit_folder(home: Path, environ: Mapping[str, str]) -> Path:
    """systemd's user unit folder: `$XDG_CONFIG_HOME/systemd/user` (~/.config by default)."""
    base = environ.get("XDG_CONFIG_HOME", "")
    return (Path(base) if os.path.isabs(base) else home / ".config") / "systemd" / "user"


def service_file(
    *,
    platform: str,
    home: Path,
    config: Path,
    python: str = sys.executable,
    environ: Mapping[str, str] | None = None,
) -> ServiceFile:
    args = command(python, config)
    if platform.startswith("linux"):
        path = unit_folder(home, os.environ if environ is None else environ) / UNIT_NAME
        text = "\n".join(
            [
                "# Written by `followup service install`; `followup service uninstall` removes it.",
                "[Unit]",
                "Description=followup: reminders and drafts for interview follow-ups",
                "",
                "[Service]",
                "Type=simple",
                f"ExecStart={' '.join(_systemd_quote(a) for a in args)}",
                "Restart=on-failure",
                "RestartSec=30",
                "Environment=PYTHONUNBUFFERED=1",
                "",
                "[Install]",
                "WantedBy=default.target",
                "",
            ]
        )
        return ServiceFile(
            path=path,
            text=text,
            enable=f"systemctl --user daemon-reload && systemctl --user enable --now {UNIT_NAME}",
            disable=f"systemctl --user disable --now {UNIT_NAME}",
        )
    if platform == "darwin":
        path = home / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"
        logs = home / "Library" / "Logs" / "followup.log"
        agent = {
            "Label": AGENT_LABEL,
            "ProgramArguments": args,
            "RunAtLoad": True,
            # Restart when it exits with an error (launchd's Restart=on-failure).
            "KeepAlive": {"SuccessfulExit": False},
            "ThrottleInterval": 30,
            "StandardErrorPath": str(logs),
            "StandardOutPath": str(logs),
            "EnvironmentVariables": {"PYTHONUNBUFFERED": "1"},
        }
        text = plistlib.dumps(agent).decode("utf-8")
        return ServiceFile(
            path=path,
            text=text,
            enable=f'launchctl bootstrap gui/"$(id -u)" "{path}"',
            disable=f'launchctl bootout gui/"$(id -u)" "{path}"',
        )
    raise ServiceError(
        f"followup service: no service manager supported on {platform!r} "
        "(systemd on Linux, launchd on macOS); run `followup run` from your own autostart"
    )


def install(
    *,
    platform: str,
    home: Path,
    config: Path,
    python: str = sys.executable,
    environ: Mapping[str, str] | None = None,
) -> ServiceFile:
    """Write the unit or agent file (replacing ours) and return it, with how to enable it."""
    if not config.exists():
        raise ServiceError(f"{config}: no such config file (create one with `followup init`)")
    service = service_file(
        platform=platform, home=home, config=config, python=python, environ=environ
    )
    try:
        service.path.parent.mkdir(parents=True, exist_ok=True)
        temp = service.path.with_name(service.path.name + ".tmp")
        temp.write_text(service.text, encoding="utf-8")
        temp.replace(service.path)
    except OSError as error:
        raise ServiceError(f"{service.path}: cannot write: {error.strerror or error}") from None
    return service


# Runs a service manager command; returns (succeeded, what it said).
Runner = Callable[[Sequence[str]], tuple[bool, str]]


def run_manager(args: Sequence[str]) -> tuple[bool, str]:
    """Run systemctl/launchctl (or `FOLLOWUP_SERVICE_MANAGER` in its place)."""
    program = os.environ.get("FOLLOWUP_SERVICE_MANAGER") or args[0]
    try:
        done = subprocess.run(
            [program, *args[1:]], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"{args[0]}: {type(error).__name__}"
    said = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return done.returncode == 0, said[0] if said else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Removed:
    service: ServiceFile
    stopped: bool  # stopped and disabled before the file went
    said: str  # what the service manager said when it could not


def uninstall(
    *,
    platform: str,
    home: Path,
    environ: Mapping[str, str] | None = None,
    run: Runner = run_manager,
) -> Removed | None:
    """Stop and disable the service, then remove its file; None when there was none."""
    where = Path("config.toml")
    service = service_file(platform=platform, home=home, config=where, environ=environ)
    if not service.path.exists():
        return None
    if platform.startswith("linux"):
        stopped, said = run(["systemctl", "--user", "disable", "--now", UNIT_NAME])
    else:
        stopped, said = run(["launchctl", "bootout", f"gui/{os.getuid()}", str(service.path)])
    try:
        service.path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise ServiceError(f"{service.path}: cannot remove: {error.strerror or error}") from None
    if platform.startswith("linux"):
        run(["systemctl", "--user", "daemon-reload"])
    return Removed(service=service, stopped=stopped, said=said)


def running(*, platform: str, run: Runner = run_manager) -> bool | None:
    """Whether the service runs now; None when the service manager cannot be asked."""
    if platform.startswith("linux"):
        ok, said = run(["systemctl", "--user", "is-active", UNIT_NAME])
        if ok:
            return True
        return False if said in ("inactive", "failed", "activating", "deactivating") else None
    if platform == "darwin":
        ok, _ = run(["launchctl", "print", f"gui/{os.getuid()}/{AGENT_LABEL}"])
        return ok
    return None


def _systemd_quote(arg: str) -> str:
    """systemd's ExecStart splits on spaces and expands % and $: quote and escape."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"' if any(c in escaped for c in " \t\"'") or not escaped else escaped
