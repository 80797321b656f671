"""`followup auth` for IMAP and CalDAV: the password asked for once, kept in the OS keyring,
and found there by the sources when the config has no password_command."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from daemon.auth import store_passwords
from daemon.config import load_config
from daemon.sources import calendar_source, mail_source
from tests.servers.dovecot import Dovecot
from tests.servers.radicale import Radicale


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring  # type: ignore[misc]
    keyring.set_keyring(before)


def test_passwords_go_to_the_keyring_and_the_sources_find_them(
    tmp_path: Path, dovecot: Dovecot, radicale: Radicale, memory_keyring: MemoryKeyring
) -> None:
    url = radicale.make_calendar("auth")
    path = tmp_path / "config.toml"
    path.write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        f'[calendar]\nsource = "caldav"\nurl = "{url}"\nusername = "{radicale.user}"\n'
        f'[mail]\nsource = "imap"\nhost = "127.0.0.1"\nport = {dovecot.port}\n'
        f'security = "none"\nusername = "{dovecot.user}"\n'
    )
    config = load_config(path)
    from connectors.errors import SourceError

    with pytest.raises(SourceError, match="no password in the OS keyring"):
        mail_source(config).threads()
    answers = {"IMAP": dovecot.password, "CalDAV": radicale.password}
    lines = store_passwords(config, ask=lambda prompt: answers[prompt.split()[2]])
    assert lines == [
        f"password for IMAP {dovecot.user} at 127.0.0.1 saved in the OS keyring",
        f"password for CalDAV {radicale.user} at 127.0.0.1 saved in the OS keyring",
    ]
    assert not any(dovecot.password in line for line in lines)
    assert mail_source(config).threads() == ()
    assert calendar_source(config).events() == ()


def test_security_none_off_loopback_is_a_config_error(tmp_path: Path) -> None:
    from daemon.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        '[calendar]\nsource = "caldav"\nurl = "http://caldav.example.com/dav/"\n'
        '[mail]\nsource = "imap"\nhost = "imap.example.com"\nsecurity = "none"\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    text = str(raised.value)
    assert "[calendar] url: " in text and "use https" in text
    assert "[calendar] username: missing" in text
    assert "[mail] username: missing" in text
    assert '[mail] security: "none" is only allowed for a loopback host' in text


def test_doctor_names_the_imap_host_and_the_caldav_collection(
    tmp_path: Path, dovecot: Dovecot, radicale: Radicale
) -> None:
    from daemon.doctor import diagnose
    from tests.conftest import ROOT
    from tests.servers.loading import load_calendar, load_mail

    url = load_calendar(radicale, ROOT / "examples" / "calendar.ics")
    load_mail(dovecot, ROOT / "examples" / "mail.mbox", "alex@example.com")
    path = tmp_path / "config.toml"
    path.write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        f'[calendar]\nsource = "caldav"\nurl = "{url}"\nusername = "{radicale.user}"\n'
        f'password_command = "echo {radicale.password}"\n'
        f'[mail]\nsource = "imap"\nhost = "127.0.0.1"\nport = {dovecot.port}\n'
        f'security = "none"\nusername = "{dovecot.user}"\n'
        f'password_command = "echo {dovecot.password}"\n'
        '[daemon]\nstate_path = "state.sqlite"\n'
    )
    lines = [c.line() for c in diagnose(path, platform="linux", home=tmp_path / "home")]
    text = "\n".join(lines)
    assert f"calendar {url}: " in text and "interview" in text
    assert "mail IMAP 127.0.0.1: " in text
    assert f"reminders go to CalDAV {url}" in text
    assert "drafts go to the drafts folder at 127.0.0.1 (never sent)" in text
    assert "Google" not in text
