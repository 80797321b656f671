"""The IMAP drafts writer dates its drafts by the pass's moment (`draft_mail.dated`, which
the daemon's apply step holds for a pass), not by the wall clock; against a real Dovecot."""

from __future__ import annotations

from datetime import datetime

from connectors.draft_mail import dated
from tests.contract.test_imap_drafts import draft, drafts_in, sink
from tests.servers.dovecot import Dovecot

PASS = datetime.fromisoformat("2026-12-10T12:00:00-05:00")


def test_an_imap_draft_carries_the_passes_moment_as_its_date(dovecot: Dovecot) -> None:
    with dated(PASS):
        sink(dovecot).create(draft())
    ((_, message),) = drafts_in(dovecot)
    assert message["Date"].datetime == PASS
