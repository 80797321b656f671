"""Scenarios end to end through `followup plan`, checked by ../shared/scenarios/check.py.

`tests/e2e/scenarios/` holds our own cases, written from POLICY.md with the dates worked
out by hand (holiday weeks, year ends, replies with and without dates, other countries).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import followup_command

OURS = Path(__file__).parent / "scenarios"


def _check(shared: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(shared / "scenarios" / "check.py"),
            "--cmd",
            shlex.join(followup_command()),
            "-v",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("scenario", sorted(OURS.glob("*.json")), ids=lambda p: p.stem)
def test_our_scenario(shared: Path, scenario: Path) -> None:
    done = _check(shared, scenario)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout


def test_shared_dev_scenarios(shared: Path) -> None:
    done = _check(shared, shared / "scenarios" / "dev")
    assert done.returncode == 0, done.stdout + done.stderr
