"""`followup service install|uninstall`: run `followup run` at login, restarted on failure.

Linux: a systemd user unit (`~/.config/systemd/user/followup.service`); its logs go to the
journal (`journalctl --user -u followup`). macOS: a launchd agent
(`~/Library/LaunchAgents/org.followup.daemon.plist`), logging to `~/Library/Logs/`.
Only the file is written; the command that enables it is printed, not run, so nothing
changes behind the user's back (and tests never touch the real service manager).
"""

from __future__ import annotations

import plistlib
import sys
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
    return [python, "-m", "daemon.cli", "run", "--config", str(config.resolve())]


def service_file(
    *, platform: str, home: Path, config: Path, python: str = sys.executable
) -> ServiceFile:
    args = command(python, config)
    if platform.startswith("linux"):
        path = home / ".config" / "systemd" / "user" / UNIT_NAME
        text = "\n".join(
            [
                "# Written by `followup service install`; `followup service uninstall` removes it.",
                "[Unit]",
                "Description=followup: reminders and drafts for interview follow-ups",
                "After=network-online.target",
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
    *, platform: str, home: Path, config: Path, python: str = sys.executable
) -> ServiceFile:
    """Write the unit or agent file (replacing ours) and return it, with how to enable it."""
    if not config.exists():
        raise ServiceError(f"{config}: no such config file (create one with `followup init`)")
    service = service_file(platform=platform, home=home, config=config, python=python)
    try:
        service.path.parent.mkdir(parents=True, exist_ok=True)
        temp = service.path.with_name(service.path.name + ".tmp")
        temp.write_text(service.text, encoding="utf-8")
        temp.replace(service.path)
    except OSError as error:
        raise ServiceError(f"{service.path}: cannot write: {error.strerror or error}") from None
    return service


def uninstall(*, platform: str, home: Path) -> ServiceFile | None:
    """Remove the unit or agent file; None when there was none."""
    service = service_file(platform=platform, home=home, config=Path("config.toml"))
    try:
        service.path.unlink()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ServiceError(f"{service.path}: cannot remove: {error.strerror or error}") from None
    return service


def _systemd_quote(arg: str) -> str:
    """systemd's ExecStart splits on spaces and expands % and $: quote and escape."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"' if any(c in escaped for c in " \t\"'") or not escaped else escaped
