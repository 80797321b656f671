"""Paths and helpers shared by every test folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()


def followup_command() -> list[str]:
    """The installed `followup` script, or the module when only the source is at hand."""
    script = Path(sys.executable).parent / "followup"
    if script.exists():
        return [str(script)]
    found = shutil.which("followup")
    return [found] if found else [sys.executable, "-m", "daemon.cli"]


def sync_once(config: Path, now: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`followup sync --once` at the moment `now`, as a user runs it from a shell."""
    return subprocess.run(
        [*followup_command(), "sync", "--once", "--config", str(config), "--now", now, *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The commands the tests run keep their compiled patterns in a folder of the run's,
    not in the user's ~/.cache (`daemon/pattern_cache.py`)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED
