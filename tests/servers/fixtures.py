"""pytest fixtures for the real servers: one per test session, emptied before each test.

A test module imports the fixtures it uses (`from tests.servers.fixtures import dovecot`). A
server that is not installed skips its tests with the reason; `.ci/run` installs both, so
CI never skips them.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.dovecot import PLAIN_CAPABILITIES, Dovecot, dovecot_binary
from tests.servers.radicale import Radicale, radicale_installed


def _dovecot_running(prefix: str, extra_conf: str = "") -> Iterator[Dovecot]:
    """A Dovecot in a fresh folder named with `prefix`, stopped and removed afterwards;
    the test is skipped when Dovecot is not installed."""
    if dovecot_binary() is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
    root = Path(tempfile.mkdtemp(prefix=prefix))
    server = Dovecot(root, extra_conf=extra_conf).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    yield from _dovecot_running("followup-dovecot-")


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Dovecot:
    dovecot_server.reset()
    dovecot_server.clear_rawlog()
    return dovecot_server


@pytest.fixture(scope="module")
def own_dovecot_server() -> Iterator[Dovecot]:
    """A Dovecot of the module's own, for tests that count what the server saw.

    The session's server also serves the crash tests, whose killed clients leave sessions
    behind that can still write to the rawlog; a count must not include them.
    """
    yield from _dovecot_running("followup-dovecot-own-")


@pytest.fixture(scope="session")
def plain_dovecot_server() -> Iterator[Dovecot]:
    """A Dovecot that does not offer CONDSTORE, QRESYNC or UIDPLUS (`imap_capability`)."""
    yield from _dovecot_running("followup-dovecot-plain-", extra_conf=PLAIN_CAPABILITIES)


@pytest.fixture
def plain_dovecot(plain_dovecot_server: Dovecot) -> Dovecot:
    plain_dovecot_server.reset()
    plain_dovecot_server.clear_rawlog()
    return plain_dovecot_server


@pytest.fixture(scope="session")
def radicale_server() -> Iterator[Radicale]:
    if not radicale_installed():
        pytest.skip("radicale is not installed (pip install -e '.[test]'; setup.sh does)")
    root = Path(tempfile.mkdtemp(prefix="followup-radicale-"))
    server = Radicale(root).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


_calendars = iter(range(1_000_000))


@pytest.fixture
def radicale(radicale_server: Radicale) -> Radicale:
    """The server; each test makes its own calendars (`make_calendar`), fresh names each."""
    return radicale_server
