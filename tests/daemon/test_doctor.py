"""`followup doctor` on a good setup and on each kind of broken one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from daemon.doctor import Mark, diagnose
from tests.conftest import ROOT, followup_command


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    """The bundled example, copied: a good local setup."""
    for name in ("calendar.ics", "mail.mbox", "config.toml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    return tmp_path / "config.toml"


def lines(config: Path, **kwargs: object) -> list[str]:
    home = config.parent / "home"
    return [c.line() for c in diagnose(config, platform="linux", home=home, **kwargs)]  # type: ignore[arg-type]


def fixes(config: Path, **kwargs: object) -> list[str]:
    return [line for line in lines(config, **kwargs) if line.startswith(Mark.FIX.value)]


def test_a_good_setup_is_all_ticks_and_exits_0(setup: Path) -> None:
    found = lines(setup)
    assert found[0] == f"✓ config {setup}"
    assert f"✓ calendar {setup.parent / 'calendar.ics'}: 10 events, 9 interviews" in found
    assert f"✓ mail {setup.parent / 'mail.mbox'}: 10 messages in 7 threads" in found
    assert any(line.startswith("✓ reminders ") and "writable" in line for line in found)
    assert any(line.startswith("✓ drafts ") for line in found)
    assert any(line.startswith("✓ state ") and "none yet" in line for line in found)
    assert found[-1] == "- service: not installed (optional: `followup service install`)"
    done = subprocess.run(
        [*followup_command(), "doctor", "--config", str(setup)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_CONFIG_HOME": str(setup.parent / "xdg")},
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_config_is_one_line_and_exit_1(setup: Path) -> None:
    setup.write_text(setup.read_text().replace('timezone = "America/New_York"', 'timezone = "X"'))
    assert fixes(setup) == [
        f"✗ config: {setup}: [user] timezone: unknown time zone 'X' "
        "(use an IANA name like America/New_York)"
    ]
    done = subprocess.run(
        [*followup_command(), "doctor", "--config", str(setup)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == "1 to fix\n"


def test_a_missing_calendar_and_an_unreadable_mailbox(setup: Path) -> None:
    (setup.parent / "calendar.ics").unlink()
    (setup.parent / "mail.mbox").write_text("not a mailbox\n")
    found = fixes(setup)
    assert found[0].startswith("✗ calendar: ") and "calendar.ics: no such file" in found[0]
    assert found[1].startswith("✗ mail: ") and "not an mbox file" in found[1]


def test_a_calendar_with_no_interview(setup: Path) -> None:
    calendar = setup.parent / "calendar.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        "DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:Dentist\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (found,) = fixes(setup)
    assert "1 event, 0 interviews: no event looks like an interview" in found


def test_an_address_that_is_in_no_message(setup: Path) -> None:
    setup.write_text(setup.read_text().replace("alex@example.com", "alex@elsewhere.example"))
    (found,) = fixes(setup)
    assert found.startswith("✗ [user] email: not the sender or a recipient of any of the 10")


def test_outputs_that_cannot_be_written(setup: Path) -> None:
    out = setup.parent / "out"
    out.mkdir()
    (out / "reminders.ics").mkdir()  # a folder where the file goes
    (out / "drafts").write_text("")  # a file where the Maildir goes
    found = fixes(setup)
    assert any(f.startswith("✗ reminders ") and "not a regular file" in f for f in found)
    assert any(f.startswith("✗ drafts ") and "not a folder (a Maildir)" in f for f in found)
    if os.geteuid() != 0:  # root writes anywhere
        shutil.rmtree(out)
        out.mkdir(mode=0o500)
        assert any("is not writable for you" in f for f in fixes(setup))


def test_a_damaged_state_and_a_good_one(setup: Path) -> None:
    out = setup.parent / "out"
    out.mkdir()
    (out / "state.sqlite").write_bytes(b"this is no database" * 100)
    (found,) = fixes(setup)
    assert found.startswith("✗ state: ") and "state.sqlite" in found
    (out / "state.sqlite").unlink()
    done = subprocess.run(
        [*followup_command(), "sync", "--once", "--config", str(setup)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    (state,) = [line for line in lines(setup) if line.startswith("✓ state ")]
    assert "items written, 0 marks" in state


def test_the_service_installed_running_or_not(setup: Path) -> None:
    unit = setup.parent / "home" / ".config" / "systemd" / "user" / "followup.service"
    unit.parent.mkdir(parents=True)
    unit.write_text("[Unit]\n")
    os.environ.pop("XDG_CONFIG_HOME", None)
    assert lines(setup, service_running=lambda: True)[-1] == (
        f"✓ service {unit}: installed and running"
    )
    assert fixes(setup, service_running=lambda: False) == [
        f"✗ service {unit}: installed but not running: systemctl --user daemon-reload && "
        "systemctl --user enable --now followup.service"
    ]
    assert lines(setup, service_running=lambda: None)[-1].startswith("- service ")
