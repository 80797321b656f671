"""The crash test against the real servers: `followup sync --once` SIGKILLed at random
instants (tests/e2e/crashing.py's machinery) with reminders in Radicale and drafts in
Dovecot. Between runs the "user" edits items (a calendar program's PUT; a mail program's
new draft with the old one expunged) and deletes them (DELETE; a draft sent: moved to
Sent). Afterwards: no duplicate, no lost edit, nothing deleted back, the plan applied."""

from __future__ import annotations

import email
import email.policy
import os
import re
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urljoin

import pytest

from connectors.caldav.dav import Account, Dav
from connectors.caldav.reminders import CaldavReminders
from connectors.imap.drafts import message_id_for
from daemon.items import Kind
from tests.daemon.scenario import ME, build
from tests.e2e.crashing import Worker, _db
from tests.servers.dovecot import Dovecot
from tests.servers.loading import load_calendar, load_mail
from tests.servers.radicale import Radicale

# FOLLOWUP_CRASH_KILLS: fewer for a quick look (a pass against the servers takes seconds).
KILLS = int(os.environ.get("FOLLOWUP_CRASH_KILLS", "200"))

CONFIG = """\
[user]
email = "{me}"
name = "Alex Doe"
timezone = "America/New_York"

[calendar]
source = "caldav"
url = "{url}"
username = "{dav_user}"
password_command = "echo {dav_password}"

[mail]
source = "imap"
host = "127.0.0.1"
port = {port}
security = "none"
username = "{imap_user}"
password_command = "echo {imap_password}"

[daemon]
state_path = "out/state.sqlite"
"""


@dataclass
class ServersWorker(Worker):
    dovecot: Any = None
    radicale: Any = None
    url: str = ""

    def setup(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        build(self.folder, interviews=self.interviews, seed=self.seed)
        self.url = load_calendar(self.radicale, self.folder / "calendar.ics")
        load_mail(self.dovecot, self.folder / "mail.mbox", ME)
        self.config.write_text(
            CONFIG.format(
                me=ME,
                url=self.url,
                dav_user=self.radicale.user,
                dav_password=self.radicale.password,
                port=self.dovecot.port,
                imap_user=self.dovecot.user,
                imap_password=self.dovecot.password,
            )
        )

    def _sink(self) -> CaldavReminders:
        dav = Dav(Account(username=self.radicale.user, password=lambda: self.radicale.password))
        return CaldavReminders(dav, self.url)

    def _reminders(self) -> list[tuple[str, str, bytes]]:
        """(key, href, body) of every reminder of ours, duplicates included."""
        from connectors.caldav.reminders import _ours

        status, _, body = self.radicale.request("PROPFIND", self.url, b"", {"Depth": "1"})
        assert status == 207

        found = []
        for href in re.findall(rb"<(?:\w+:)?href>([^<]+)</", body):
            url = urljoin(self.url, href.decode())
            if not url.endswith(".ics"):
                continue
            got, _, data = self.radicale.request("GET", url)
            mine = _ours(data.decode()) if got == 200 else None
            if mine is not None:
                found.append((mine.key, url, data))
        return found

    def _drafts(self) -> list[tuple[str, int, bytes]]:
        """(key, sequence number, raw) of each draft of ours, told by the state."""
        by_message_id: dict[str, str] = {}
        if self.state_path.exists():
            with _db(self.state_path) as db:
                for table in ("written", "tombstones"):
                    query = f"SELECT key, remote_id FROM {table} WHERE kind = 'draft'"
                    for key, remote in db.execute(query):
                        if remote:
                            by_message_id[str(remote).split("/", 2)[2]] = str(key)
                for key, content_hash in db.execute(
                    "SELECT key, content_hash FROM journal WHERE kind = 'draft'"
                ):
                    domain = ME.rpartition("@")[2]
                    by_message_id[message_id_for(key, content_hash, domain)] = str(key)
        client = self.dovecot.connect()
        try:
            _, count = client.select("Drafts")
            if count[0] == b"0":
                return []
            _, data = client.fetch("1:*", "(BODY.PEEK[])")
        finally:
            client.logout()
        found = []
        for number, item in enumerate((i for i in data if isinstance(i, tuple)), start=1):
            message = email.message_from_bytes(item[1], policy=email.policy.default)
            message_id = str(message.get("Message-ID", "")).strip().strip("<>")
            key = by_message_id.get(message_id)
            if key:
                found.append((key, number, item[1]))
        return found

    def check_duplicates(self) -> list[str]:
        counts = Counter(f"reminder {key}" for key, _, _ in self._reminders())
        counts.update(f"draft {key}" for key, _, _ in self._drafts())
        return [key for key, count in counts.items() if count > 1]

    def found(self, kind: Kind) -> dict[str, str]:
        if kind is Kind.REMINDER:
            return {key: href for key, href, _ in self._reminders()}
        return {key: str(number) for key, number, _ in self._drafts()}

    def edit(self, kind: Kind, key: str, remote_id: str, marker: str) -> None:
        if kind is Kind.REMINDER:
            _, _, body = self.radicale.request("GET", remote_id)
            text = body.decode()
            start = text.index("SUMMARY:")
            end = text.index("\r\n", start)
            self.radicale.put(remote_id, text[:start] + f"SUMMARY:{marker}" + text[end:])
            return
        client = self.dovecot.connect()
        try:
            client.select("Drafts")
            _, data = client.fetch(remote_id, "(BODY.PEEK[])")
            old = email.message_from_bytes(data[0][1], policy=email.policy.default)
            message = EmailMessage()
            message["To"] = "pat@example.org"
            message["Subject"] = "My own subject"
            message["Message-ID"] = old["Message-ID"]
            message.set_content(f"{marker}\n\nMy own words.\n")
            client.store(remote_id, "+FLAGS.SILENT", "(\\Deleted)")
            client.expunge()
            client.append("Drafts", "(\\Draft)", None, message.as_bytes())
        finally:
            client.logout()

    def delete(self, kind: Kind, key: str, remote_id: str) -> None:
        if kind is Kind.REMINDER:
            self.radicale.request("DELETE", remote_id)
            return
        client = self.dovecot.connect()
        try:
            client.select("Drafts")
            client.copy(remote_id, "Sent")  # sent: a copy in Sent, gone from Drafts
            client.store(remote_id, "+FLAGS.SILENT", "(\\Deleted)")
            client.expunge()
        finally:
            client.logout()

    def verify(self) -> list[str]:
        problems: list[str] = []
        events = {key: body for key, _, body in self._reminders()}
        drafts = {key: raw for key, _, raw in self._drafts()}
        for (kind, key), marker in self.edited.items():
            held = events.get(key, b"") if kind is Kind.REMINDER else drafts.get(key, b"")
            if marker.encode() not in held:
                problems.append(f"lost edit: {kind.value} {key}")
        for kind, key in self.deleted:
            if key in (events if kind is Kind.REMINDER else drafts):
                problems.append(f"deleted {kind.value} {key} is back")
        return problems


@pytest.mark.crash
def test_killed_at_random_instants_radicale_and_dovecot(
    tmp_path: Any, dovecot: Dovecot, radicale: Radicale
) -> None:
    worker = ServersWorker(
        folder=tmp_path / "servers",
        seed=3000,
        kills_wanted=KILLS,
        dovecot=dovecot,
        radicale=radicale,
    )
    worker.run()
    assert not worker.failures, worker.failures
    assert worker.kills >= KILLS
    assert worker.in_flight >= KILLS // 20
    assert worker.finish() == []
    assert worker.edited and worker.deleted
    print(f"crash test, Radicale + Dovecot: {worker.report()}; 0 duplicates, 0 lost edits")
