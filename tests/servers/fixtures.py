"""pytest fixtures for the real servers: one per test session, emptied before each test.

A test module imports the fixtures it uses (`from servers.fixtures import dovecot`). A
server that is not installed skips its tests with the reason; `.ci/run` installs both, so
CI never skips them.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers.dovecot import Dovecot, dovecot_binary


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    if dovecot_binary() is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
    root = Path(tempfile.mkdtemp(prefix="followup-dovecot-"))
    server = Dovecot(root).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Dovecot:
    dovecot_server.reset()
    dovecot_server.clear_rawlog()
    return dovecot_server
