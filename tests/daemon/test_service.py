"""`followup service install|uninstall`: the unit/agent files, never the service manager."""

from __future__ import annotations

import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from daemon import service
from tests.conftest import ROOT, followup_command


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "my config" / "config.toml"
    path.parent.mkdir()
    path.write_text("")
    return path


def test_a_systemd_user_unit_on_linux(tmp_path: Path, config: Path) -> None:
    done = service.install(
        platform="linux", home=tmp_path, config=config, python="/opt/py/python3", environ={}
    )
    assert done.path == tmp_path / ".config/systemd/user/followup.service"
    text = done.path.read_text()
    # -I: the user's working folder is never on the import path (a ~/daemon/ would run).
    assert f'ExecStart=/opt/py/python3 -I -m daemon.cli run --config "{config.resolve()}"' in text
    assert "Restart=on-failure" in text
    assert "WantedBy=default.target" in text
    assert "network-online" not in text  # it does nothing in a user unit
    assert "systemctl --user enable --now followup.service" in done.enable
    calls: list[tuple[str, ...]] = []

    def manager(args: object) -> tuple[bool, str]:
        calls.append((*args, "file there" if done.path.exists() else "file gone"))  # type: ignore[misc]
        return True, ""

    removed = service.uninstall(platform="linux", home=tmp_path, environ={}, run=manager)
    assert removed is not None and removed.stopped
    assert calls == [
        ("systemctl", "--user", "disable", "--now", "followup.service", "file there"),
        ("systemctl", "--user", "daemon-reload", "file gone"),
    ]
    assert not done.path.exists()
    assert service.uninstall(platform="linux", home=tmp_path, environ={}, run=manager) is None


def test_the_unit_runs_the_console_script_and_follows_xdg_config_home(
    tmp_path: Path, config: Path
) -> None:
    bin_folder = tmp_path / "venv" / "bin"
    bin_folder.mkdir(parents=True)
    (bin_folder / "followup").write_text("#!/bin/sh\n")
    xdg = tmp_path / "xdg"
    done = service.install(
        platform="linux",
        home=tmp_path,
        config=config,
        python=str(bin_folder / "python3"),
        environ={"XDG_CONFIG_HOME": str(xdg)},
    )
    assert done.path == xdg / "systemd" / "user" / "followup.service"
    assert f"ExecStart={bin_folder / 'followup'} run --config" in done.path.read_text()


def test_running_asks_the_service_manager() -> None:
    assert service.running(platform="linux", run=lambda args: (True, "active")) is True
    assert service.running(platform="linux", run=lambda args: (False, "inactive")) is False
    no_bus = "Failed to connect to bus: No medium found"
    assert service.running(platform="linux", run=lambda args: (False, no_bus)) is None


def test_a_launchd_agent_on_macos(tmp_path: Path, config: Path) -> None:
    done = service.install(platform="darwin", home=tmp_path, config=config, python="/usr/bin/py")
    assert done.path == tmp_path / "Library/LaunchAgents/org.followup.daemon.plist"
    agent = plistlib.loads(done.path.read_bytes())
    assert agent["ProgramArguments"] == [
        "/usr/bin/py",
        "-I",
        "-m",
        "daemon.cli",
        "run",
        "--config",
        str(config.resolve()),
    ]
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] == {"SuccessfulExit": False}
    assert "launchctl bootstrap" in done.enable


def test_other_platforms_and_missing_configs_are_one_line_errors(
    tmp_path: Path, config: Path
) -> None:
    with pytest.raises(service.ServiceError, match="no service manager supported on 'win32'"):
        service.install(platform="win32", home=tmp_path, config=config)
    with pytest.raises(service.ServiceError, match="no such config file"):
        service.install(platform="linux", home=tmp_path, config=tmp_path / "nope.toml")


def test_systemd_quoting() -> None:
    assert service._systemd_quote("/usr/bin/python3") == "/usr/bin/python3"
    assert service._systemd_quote("/a b/100%$x") == '"/a b/100%%$$x"'


def test_the_command_writes_the_file_and_prints_how_to_enable_it(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the unit file test runs on Linux")
    log = tmp_path / "manager.log"
    fake = tmp_path / "fake-systemctl"
    fake.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n')
    fake.chmod(0o755)
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        "FOLLOWUP_SERVICE_MANAGER": str(fake),  # never the real service manager
    }
    config = ROOT / "examples" / "config.toml"
    done = subprocess.run(
        [*followup_command(), "service", "install", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    unit = tmp_path / ".config/systemd/user/followup.service"
    assert unit.exists()
    assert "systemctl --user enable --now followup.service" in done.stdout
    removed = subprocess.run(
        [*followup_command(), "service", "uninstall"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert removed.returncode == 0 and not unit.exists()
    assert "stopped and disabled" in removed.stdout
    assert log.read_text().splitlines() == [
        "--user disable --now followup.service",
        "--user daemon-reload",
    ]
