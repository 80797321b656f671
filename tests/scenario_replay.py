"""The shared scenarios replayed through other sources (the fake Google, Radicale and
Dovecot): what every replay test does the same way.

Each scenario (../shared/scenarios/dev and tests/e2e/scenarios) is written out by
../shared/scenarios/check.py's own writers (.ics, mbox, config) and planned through the
local sources: that plan is what the replay must give. The replay's config is the local one
with the `[calendar]` and `[mail]` sources swapped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import SHARED, followup_command

OURS = Path(__file__).parent / "e2e" / "scenarios"
SCENARIOS = sorted((SHARED / "scenarios" / "dev").glob("*.json")) + sorted(OURS.glob("*.json"))
LOCAL_CALENDAR = 'source = "ics"\npath = "calendar.ics"'
LOCAL_MAIL = 'source = "mbox"\npath = "mail.mbox"'


def scenario_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def check_module() -> ModuleType:
    """../shared/scenarios/check.py, imported (skips the test when it is not there)."""
    path = SHARED / "scenarios" / "check.py"
    if not path.is_file():
        pytest.skip("../shared/scenarios/check.py is not beside the project")
    spec = importlib.util.spec_from_file_location("scenario_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plan(config: Path, now: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`followup plan --json` as a subprocess; it must succeed without a traceback."""
    done = subprocess.run(
        [*followup_command(), "plan", "--config", str(config), "--now", now, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def local_plan(path: Path, folder: Path) -> tuple[dict[str, Any], Path, dict[str, Any]]:
    """The scenario, its files written into `folder` (calendar.ics, mail.mbox, config) and
    its plan through them: (scenario, local config, expected plan)."""
    check = check_module()
    scenario: dict[str, Any] = json.loads(path.read_text())
    folder.mkdir()
    check.write_ics(scenario, folder / "calendar.ics")
    check.write_mbox(scenario, folder / "mail.mbox")
    config: Path = check.write_config(scenario, folder)
    expected = plan(config, scenario["now"])
    # A scenario that tracks anything must plan something, or the comparison proves nothing.
    assert expected["applications"] or not any(
        want.get("tracked", True) for want in scenario["expect"].values()
    )
    return scenario, config, expected


def replay_config(
    local_config: Path, folder: Path, *, calendar: str, mail: str, extra: str = ""
) -> Path:
    """The local config with its sources replaced (and `extra` appended), in `folder`."""
    text = local_config.read_text()
    assert LOCAL_CALENDAR in text and LOCAL_MAIL in text
    text = text.replace(LOCAL_CALENDAR, calendar).replace(LOCAL_MAIL, mail) + extra
    folder.mkdir(exist_ok=True)
    config = folder / "config.toml"
    config.write_text(text)
    return config
