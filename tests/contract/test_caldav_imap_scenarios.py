"""The shared scenarios replayed into a real Radicale and a real Dovecot: same plans as
through the .ics file and the mbox.

Each scenario is written out by ../shared/scenarios/check.py's own writers and planned
through the local sources. Its .ics is then split into one CalDAV resource per VEVENT
(with the VTIMEZONEs it uses) in a fresh Radicale calendar, its mbox APPENDed to INBOX
(or to Sent for mine) in Dovecot, and `followup plan` runs as a subprocess with
`calendar.source = "caldav"` and `mail.source = "imap"`. Both plans must agree.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import SHARED, followup_command
from tests.servers.dovecot import Dovecot
from tests.servers.loading import load_calendar, load_mail
from tests.servers.radicale import Radicale

OURS = Path(__file__).parents[1] / "e2e" / "scenarios"
SCENARIOS = sorted((SHARED / "scenarios" / "dev").glob("*.json")) + sorted(OURS.glob("*.json"))


def _check_module() -> ModuleType:
    path = SHARED / "scenarios" / "check.py"
    if not path.is_file():
        pytest.skip("../shared/scenarios/check.py is not beside the project")
    spec = importlib.util.spec_from_file_location("scenario_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plan(config: Path, now: str) -> dict[str, Any]:
    done = subprocess.run(
        [*followup_command(), "plan", "--config", str(config), "--now", now, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    plan: dict[str, Any] = json.loads(done.stdout)
    return plan


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_plan_through_radicale_and_dovecot(
    path: Path, tmp_path: Path, dovecot: Dovecot, radicale: Radicale
) -> None:
    check = _check_module()
    scenario = json.loads(path.read_text())
    local = tmp_path / "local"
    local.mkdir()
    check.write_ics(scenario, local / "calendar.ics")
    check.write_mbox(scenario, local / "mail.mbox")
    local_config = check.write_config(scenario, local)
    expected = _plan(local_config, scenario["now"])

    url = load_calendar(radicale, local / "calendar.ics")
    load_mail(dovecot, local / "mail.mbox", scenario["me"])
    remote = tmp_path / "remote"
    remote.mkdir()
    text = local_config.read_text()
    text = text.replace(
        'source = "ics"\npath = "calendar.ics"',
        f'source = "caldav"\nurl = "{url}"\nusername = "{radicale.user}"\n'
        f'password_command = "echo {radicale.password}"',
    )
    text = text.replace(
        'source = "mbox"\npath = "mail.mbox"',
        f'source = "imap"\nhost = "127.0.0.1"\nport = {dovecot.port}\nsecurity = "none"\n'
        f'username = "{dovecot.user}"\npassword_command = "echo {dovecot.password}"',
    )
    assert 'source = "caldav"' in text and 'source = "imap"' in text
    config = remote / "config.toml"
    config.write_text(text)
    got = _plan(config, scenario["now"])
    assert expected["applications"] or not any(
        want.get("tracked", True) for want in scenario["expect"].values()
    )
    assert got == expected
