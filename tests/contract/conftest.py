"""Contract-test fixtures: the fake Google server on 127.0.0.1.

The fake is the package `tests.fakegoogle`, imported like any other module of the suite
(pytest's `pythonpath = ["."]`), never through a `sys.path` insert.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakegoogle import FakeGoogle  # noqa: E402


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    """A running fake (user alex@example.com, calendar zone UTC), stopped after the test."""
    with FakeGoogle() as fake:
        yield fake


@pytest.fixture
def google_env(fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> FakeGoogle:
    """The fake, with FOLLOWUP_GOOGLE_API_ROOT and FOLLOWUP_GOOGLE_TOKEN_URI pointing at it."""
    monkeypatch.setenv("FOLLOWUP_GOOGLE_API_ROOT", fake_google.root_url)
    monkeypatch.setenv("FOLLOWUP_GOOGLE_TOKEN_URI", fake_google.token_uri)
    return fake_google


# --- the Google connectors against the fake --------------------------------------------------


@pytest.fixture
def token_file(fake_google: FakeGoogle, tmp_path: Path) -> Path:
    """A token file as `followup auth` would write it, for the fake's account."""
    import json
    import os

    path = tmp_path / "token.json"
    path.write_text(json.dumps(fake_google.authorized_user_info()), encoding="utf-8")
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the connectors asked for (none is really waited)."""
    return []


@pytest.fixture
def fast_retry(sleeps: list[float]) -> object:
    """A RetryPolicy that records its waits instead of sleeping."""
    from connectors.google.retry import RetryPolicy

    return RetryPolicy(sleep=sleeps.append, jitter=lambda: 1.0)


@pytest.fixture
def services(google_env: FakeGoogle, token_file: Path) -> object:
    """Calendar and Gmail services on the fake, built as the daemon builds them."""
    from connectors.google.api import connect

    return connect(token_file, timeout=1.0)


@pytest.fixture
def gmail(services: Any, fast_retry: Any) -> Any:
    """The mail source on the fake, searching for the recruiter sides of `test_gmail.seed`."""
    from zoneinfo import ZoneInfo

    from connectors.google.gmail import Gmail

    zone = ZoneInfo("America/New_York")
    source = Gmail(services.gmail, zone, retry=fast_retry, own=services.own_writes)
    source.set_participants(["jane@talent.acme.com", "sam@gmail.com"], ["acme.com"])
    return source


@pytest.fixture
def drafts(services: Any, fast_retry: Any) -> Any:
    """The draft sink on the fake, sharing the mail source's record of our own writes."""
    from connectors.google.gmail_drafts import GmailDrafts

    return GmailDrafts(
        services.gmail,
        me="alex@example.com",
        name="Alex Doe",
        retry=fast_retry,
        own=services.own_writes,
    )


# --- the real IMAP and CalDAV servers (tests/servers/) -----------------------------------------

from tests.servers.fixtures import dovecot, dovecot_server, radicale, radicale_server  # noqa: E402, F401
