"""`followup sync --once` against a real Radicale and a real Dovecot: the daemon's reconcile
loop drives the CalDAV reminders and the IMAP drafts unchanged; a second pass writes
nothing; the user's edits, deletions and sent drafts are left alone."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.conftest import sync_once as sync
from tests.servers.dovecot import Dovecot
from tests.servers.loading import load_calendar, load_mail
from tests.servers.radicale import Radicale

NOW = "2026-12-10T12:00:00-05:00"
LATER = "2026-12-17T12:00:00-05:00"


@pytest.fixture
def config(tmp_path: Path, dovecot: Dovecot, radicale: Radicale) -> Path:
    url = load_calendar(radicale, ROOT / "examples" / "calendar.ics")
    load_mail(dovecot, ROOT / "examples" / "mail.mbox", "alex@example.com")
    path = tmp_path / "config.toml"
    path.write_text(
        '[user]\nemail = "alex@example.com"\nname = "Alex Doe"\n'
        'timezone = "America/New_York"\ncountry = "US"\n'
        f'[calendar]\nsource = "caldav"\nurl = "{url}"\nusername = "{radicale.user}"\n'
        f'password_command = "echo {radicale.password}"\n'
        f'[mail]\nsource = "imap"\nhost = "127.0.0.1"\nport = {dovecot.port}\n'
        f'security = "none"\nusername = "{dovecot.user}"\n'
        f'password_command = "echo {dovecot.password}"\n'
        '[daemon]\nstate_path = "state.sqlite"\n'
    )
    return path


def reminders(radicale: Radicale, url: str) -> dict[str, tuple[str, bytes]]:
    """Our reminders by action key: (href, body)."""
    from connectors.caldav.dav import Account, Dav
    from connectors.caldav.reminders import CaldavReminders

    found = CaldavReminders(
        Dav(Account(username=radicale.user, password=lambda: radicale.password)), url
    ).find_all()
    out = {}
    for key, item in found.items():
        href = url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + item.remote_id
        out[key] = (href, radicale.request("GET", href)[2])
    return out


def drafts(server: Dovecot) -> list[tuple[int, email.message.EmailMessage]]:
    client = server.connect()
    try:
        _, count = client.select("Drafts")
        if count[0] == b"0":
            return []
        _, data = client.fetch("1:*", "(BODY.PEEK[])")
        return [
            (n + 1, email.message_from_bytes(item[1], policy=email.policy.default))
            for n, item in enumerate(i for i in data if isinstance(i, tuple))
        ]
    finally:
        client.logout()


def test_sync_writes_once_and_respects_the_users_changes(
    config: Path, dovecot: Dovecot, radicale: Radicale
) -> None:
    first = sync(config, NOW)
    assert first.returncode == 0, first.stderr
    assert "12 reminders created" in first.stdout and "3 drafts created" in first.stdout
    url = config.read_text().split('url = "', 1)[1].split('"', 1)[0]
    assert len(reminders(radicale, url)) == 12
    written = drafts(dovecot)
    assert len(written) == 3
    assert any(m["In-Reply-To"] for _, m in written)  # a reply in the recruiter thread

    second = sync(config, NOW)
    assert second.returncode == 0, second.stderr
    assert "nothing to write" in second.stdout
    assert len(drafts(dovecot)) == 3

    # The user edits a reminder and deletes another in their calendar program ...
    mine = reminders(radicale, url)
    href, body = mine["acme-1/follow_up/1"]
    radicale.put(href, body.decode().replace("SUMMARY:", "SUMMARY:Mine: ", 1))
    radicale.request("DELETE", mine["hooli-1/follow_up/1"][0])
    # ... edits one draft (a new message, the old expunged) and sends another.
    by_subject = {m["To"]: (n, m) for n, m in written}
    (n_edit, edit), (n_sent, _) = list(by_subject.values())[:2]
    edit.set_content(edit.get_content() + "\nP.S. my own words\n")
    client = dovecot.connect()
    client.select("Drafts")
    client.copy(str(n_sent), "Sent")
    client.store(f"{n_edit},{n_sent}", "+FLAGS.SILENT", "(\\Deleted)")
    client.expunge()
    client.append("Drafts", "(\\Draft)", None, edit.as_bytes())
    client.logout()

    later = sync(config, LATER)
    assert later.returncode == 0, later.stderr
    assert "left to the user reminder acme-1/follow_up/1: changed by the user" in later.stdout
    assert "left to the user reminder hooli-1/follow_up/1: deleted by the user" in later.stdout
    assert "changed by the user" in later.stdout.split("draft", 1)[1]
    assert "deleted or sent by the user" in later.stdout
    assert "4 drafts created, 2 drafts left to the user" in later.stdout
    now = reminders(radicale, url)
    assert b"SUMMARY:Mine: " in now["acme-1/follow_up/1"][1]
    assert "hooli-1/follow_up/1" not in now
    bodies = [m.get_content() for _, m in drafts(dovecot)]
    assert sum("P.S. my own words" in b for b in bodies) == 1
    assert len(bodies) == 6  # 4 new, the edited one, the untouched one; the sent one not back
    again = sync(config, LATER)
    assert "nothing to write" in again.stdout, again.stdout
