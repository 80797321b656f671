"""`followup init`: asks on a terminal (bad answers asked again), takes flags otherwise."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from daemon.config import load_config
from tests.conftest import ROOT, followup_command


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A calendar export and a mailbox where a new user keeps them."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    shutil.copy(ROOT / "examples" / "calendar.ics", folder / "calendar.ics")
    shutil.copy(ROOT / "examples" / "mail.mbox", folder / "mail.mbox")
    return folder


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*followup_command(), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        timeout=60,
    )


class Terminal:
    """The command on a pseudo-terminal: wait for a prompt, type an answer."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "TZ": "Europe/Paris", "LANG": "en_GB.UTF-8", "COLUMNS": "100"}
        self.process = subprocess.Popen(
            [*followup_command(), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"waited for {text!r}; saw:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the other end closed
                    chunk = b""
                if not chunk:
                    assert text in self.seen, f"ended before {text!r}; saw:\n{self.seen}"
                self.seen += chunk.decode("utf-8", "replace")
        found, self.seen = self.seen, self.seen.split(text, 1)[1]
        return found

    def type(self, answer: str) -> None:
        os.write(self.master, answer.encode() + b"\n")

    def finish(self) -> int:
        try:
            while True:
                ready, _, _ = select.select([self.master], [], [], 10)
                if not ready:
                    break
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.seen += chunk.decode("utf-8", "replace")
        except OSError:
            pass
        os.close(self.master)
        return self.process.wait(timeout=30)


def test_on_a_terminal_it_asks_and_asks_again_after_a_bad_answer(
    tmp_path: Path, exports: Path
) -> None:
    term = Terminal("init", "--path", "mine/", cwd=tmp_path)
    term.expect("Your email address")
    term.type("you@example.com")
    term.expect("is a placeholder; put your own address here")
    term.type("not an address")
    term.expect("is not an email address")
    term.type("alex@example.com")
    term.expect("Your name")
    term.type("Alex Doe")
    term.expect("Your time zone [Europe/Paris]")  # the machine's zone is the default
    term.type("Mars/Base")
    term.expect("unknown time zone 'Mars/Base'")
    term.type("America/New_York")
    term.expect("Country for public holidays [GB]")  # from the locale
    term.type("XX")
    term.expect("no public holidays known")
    term.type("us")
    term.expect("local/google) [local]")
    term.type("")
    term.expect("calendar export")
    term.type("Downloads/nothing.ics")
    term.expect("no such file")
    term.type("Downloads/mail.mbox")
    term.expect("not an iCalendar file")
    term.type("Downloads/calendar.ics")
    term.expect("mailbox")
    term.type("Downloads/mail.mbox")
    term.expect("wrote")
    assert term.finish() == 0
    assert "followup doctor --config mine/config.toml" in term.seen
    config = load_config(tmp_path / "mine" / "config.toml")
    assert config.settings.me == frozenset({"alex@example.com"})
    assert config.settings.name == "Alex Doe"
    assert config.settings.timezone.key == "America/New_York"
    assert config.settings.country == "US"
    assert (config.calendar_source, config.mail_source) == ("ics", "mbox")
    assert config.calendar_path == exports / "calendar.ics"
    assert config.mail_path == exports / "mail.mbox"


def test_a_flag_given_is_not_asked_and_google_asks_for_no_files(tmp_path: Path) -> None:
    term = Terminal(
        "init", "--path", "g.toml", "--email", "alex@work.example", "--google", cwd=tmp_path
    )
    term.expect("Your name")
    term.type("Alex")
    term.expect("Your time zone")
    term.type("")
    term.expect("Country")
    term.type("")
    assert term.finish() == 0
    assert "followup auth --config g.toml" in term.seen
    assert "email address" not in term.seen
    config = load_config(tmp_path / "g.toml")
    assert (config.calendar_source, config.mail_source) == ("google", "gmail")
    assert config.settings.timezone.key == "Europe/Paris"
    assert config.settings.country == "GB"


def test_without_a_terminal_flags_are_checked_and_missing_ones_named(
    tmp_path: Path, exports: Path
) -> None:
    done = run("init", "--path", "c.toml", "--email", "alex@example.com", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "followup: init: missing --name, --calendar, --mail (no terminal to ask on; "
        "e.g. followup init --email me@example.org --name 'Alex Doe' "
        "--calendar calendar.ics --mail mail.mbox)"
    )
    files = ("--calendar", "Downloads/calendar.ics", "--mail", "Downloads/mail.mbox")
    for bad, needle in (
        (("--email", "notanemail"), "--email: 'notanemail' is not an email address"),
        (("--timezone", "Mars/Base"), "--timezone: unknown time zone 'Mars/Base'"),
        (("--country", "Narnia"), "--country: 'Narnia': a two-letter country code"),
        (("--calendar", "nope.ics"), "--calendar: "),
    ):
        args = ["--email", "alex@example.com", "--name", "Alex", *files, *bad]
        done = run("init", "--path", "c.toml", *args, cwd=tmp_path)
        assert done.returncode == 2 and needle in done.stderr, done.stderr
        assert len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "c.toml").exists()  # nothing written, no placeholder

    args = ("--email", "alex@example.com", "--name", "Alex", "--timezone", "Europe/Paris")
    done = run("init", "--path", "conf/", *args, *files, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "conf" / "config.toml"  # a path ending in / is a folder
    config = load_config(path)
    assert config.settings.timezone.key == "Europe/Paris"
    assert config.calendar_source == "ics"  # local files are the default
    assert "# " in path.read_text()  # commented
    before = path.read_text()
    done = run("init", "--path", str(tmp_path / "conf"), *args, *files, cwd=tmp_path)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert path.read_text() == before


def test_the_written_config_keeps_its_comments_in_one_readable_column(
    tmp_path: Path, exports: Path
) -> None:
    """A long key pushes only its first comment line right: the rest of the comment wraps at
    the full width, not into a narrow strip of one or two words a line."""
    from daemon import schema

    config = tmp_path / "config.toml"
    done = run(
        "init",
        "--path",
        str(config),
        "--email",
        "sasha@mail.example",
        "--name",
        "Sasha",
        "--calendar",
        str(exports / "calendar.ics"),
        "--mail",
        str(exports / "mail.mbox"),
        "--timezone",
        "Europe/Oslo",
        "--country",
        "NO",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = config.read_text().splitlines()
    assert not [line for line in lines if len(line) > 100 and not line.startswith("path = ")]
    spans = _comment_spans(lines)
    for section in schema.SECTIONS:
        for key in schema.section_keys(section):
            shown = spans[(section, key.name)]
            assert shown <= len(key.doc) // 50 + 1, (section, key.name, shown)
    assert load_config(config).settings.country == "NO"


def _comment_spans(lines: list[str]) -> dict[tuple[str, str], int]:
    """How many lines each key's comment takes, by section and key."""
    spans: dict[tuple[str, str], int] = {}
    section, key = "", ""
    for line in lines:
        if line.startswith("["):
            section = line.strip("[]")
        elif line.startswith(" " * 36 + "# ") and key:
            spans[(section, key)] += 1
        elif "=" in line and section:
            key = line.lstrip("# ").split(" = ")[0]
            spans[(section, key)] = 1
    return spans
