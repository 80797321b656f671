"""The crash test's machinery: workers that SIGKILL `followup sync --once` at random instants.

A worker fills its own data (the generated scenario in local files, or in a fake Google),
measures what a pass takes, then loops: start a pass at a moment other than the last one
(so every pass has writes to make), SIGKILL it after a delay drawn from [0, that duration),
check that nothing is duplicated, and now and then act as the user (edit any item of ours,
delete one the state recorded). Most runs are children of a fork server that has the
imports done (tests/e2e/zygote.py, the same `daemon.cli.main`); every tenth is the
installed command itself, imports and all.

A deletion only of what the state recorded: deleting an item whose write is not recorded
yet (the process died right between the two) looks exactly like a write that never
happened, and the item is written again.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from connectors.local.ics_reminders import IcsReminders
from connectors.local.maildir_drafts import MaildirDrafts
from daemon import diff
from daemon.config import load_config
from daemon.items import Kind
from daemon.observer import Observer
from daemon.state import State
from policy.planner import plan as make_plan
from tests.conftest import followup_command
from tests.daemon.scenario import ME, MOMENTS, build, load_into

_KEY_LINE = re.compile(r"^X-FOLLOWUP-KEY:(.*)$", re.MULTILINE)


class Zygote:
    """The fork server (tests/e2e/zygote.py): one child process per run, imports done."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("zygote.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self._answer() == "ready"

    def _answer(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _ask(self, line: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self._answer()

    def run(self, args: list[str], stderr: Path) -> int:
        answer = self._ask(f"run {stderr} {json.dumps(args)}")
        assert answer.startswith("pid "), answer
        return int(answer.split()[1])

    def wait(self, pid: int, seconds: float) -> str:
        return self._ask(f"wait {pid} {seconds}")

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@dataclass
class Worker:
    folder: Path
    seed: int
    kills_wanted: int
    interviews: int = 16
    kills: int = 0
    in_flight: int = 0  # kills that left a write between its intent and its record
    completed: int = 0
    pass_seconds: float = 0.0
    edited: dict[tuple[Kind, str], str] = field(default_factory=dict)
    deleted: set[tuple[Kind, str]] = field(default_factory=set)
    duplicates: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    # -- what differs between local files and Google --

    def setup(self) -> None:
        raise NotImplementedError

    def env(self) -> dict[str, str] | None:
        return None

    def check_duplicates(self) -> list[str]:
        raise NotImplementedError

    def found(self, kind: Kind) -> dict[str, str]:
        """Our items there now: key -> remote id."""
        raise NotImplementedError

    def edit(self, kind: Kind, key: str, remote_id: str, marker: str) -> None:
        raise NotImplementedError

    def delete(self, kind: Kind, key: str, remote_id: str) -> None:
        raise NotImplementedError

    def verify(self) -> list[str]:
        raise NotImplementedError

    # -- the loop --

    @property
    def config(self) -> Path:
        return self.folder / "config.toml"

    @property
    def state_path(self) -> Path:
        return self.folder / "out" / "state.sqlite"

    def args(self, now: str, *extra: str) -> list[str]:
        return ["sync", "--once", "--config", str(self.config), "--now", now, *extra]

    def command(self, now: str, *extra: str) -> list[str]:
        return [*followup_command(), *self.args(now, *extra)]

    def sync(self, now: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(now, *extra), capture_output=True, text=True, timeout=120, env=self.env()
        )

    def run(self) -> None:
        try:
            self.setup()
            zygote = Zygote(self.env())
            try:
                self._loop(random.Random(self.seed), zygote)
            finally:
                zygote.close()
        except Exception as error:  # reported by the test thread
            import traceback

            self.failures.append(traceback.format_exc())
            del error

    def _loop(self, rng: random.Random, zygote: Zygote) -> None:
        stderr = self.folder / "stderr.txt"
        fresh: list[float] = []
        forked: list[float] = []
        # Fill it up, then time passes that have work to do (each at another moment).
        for now in (*MOMENTS, MOMENTS[1], MOMENTS[3]):
            began = time.perf_counter()
            done = self.sync(now)
            fresh.append(time.perf_counter() - began)
            if done.returncode != 0:
                self.failures.append(done.stderr)
                return
        for now in (*MOMENTS, *MOMENTS):
            began = time.perf_counter()
            outcome = zygote.wait(zygote.run(self.args(now), stderr), -1)
            forked.append(time.perf_counter() - began)
            if outcome != "exit 0":
                self.failures.append(f"{outcome}: {stderr.read_text()}")
                return
        self.pass_seconds = statistics.median(forked)
        fresh_seconds = statistics.median(fresh[len(MOMENTS) :])
        runs = 0
        now = MOMENTS[-1]
        while self.kills < self.kills_wanted:
            now = rng.choice([moment for moment in MOMENTS if moment != now])
            runs += 1
            if runs % 10 == 0:
                killed, failure = self._fresh(now, rng.uniform(0, fresh_seconds))
            else:
                killed, failure = self._forked(zygote, now, rng.uniform(0, self.pass_seconds))
            if failure:
                self.failures.append(failure)
                return
            if killed:
                self.kills += 1
                self.in_flight += self.open_intents()
            else:
                self.completed += 1
            self.duplicates.extend(self.check_duplicates())
            if rng.random() < 0.2:
                self.act_as_user(rng)

    def _fresh(self, now: str, delay: float) -> tuple[bool, str]:
        process = subprocess.Popen(
            self.command(now),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(),
        )
        try:
            _, stderr = process.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return True, ""
        return False, "" if process.returncode == 0 else f"a pass failed: {stderr.strip()}"

    def _forked(self, zygote: Zygote, now: str, delay: float) -> tuple[bool, str]:
        stderr = self.folder / "stderr.txt"
        pid = zygote.run(self.args(now), stderr)
        outcome = zygote.wait(pid, delay)
        if outcome == "running":
            os.kill(pid, signal.SIGKILL)
            outcome = zygote.wait(pid, -1)
            if outcome == f"signal {signal.SIGKILL.value}":
                return True, ""
        if outcome == "exit 0":
            return False, ""
        return False, f"a pass ended with {outcome}: {stderr.read_text().strip()}"

    def open_intents(self) -> int:
        with _db(self.state_path) as db:
            return int(
                db.execute("SELECT count(*) FROM journal WHERE settled_at IS NULL").fetchone()[0]
            )

    def recorded(self) -> list[tuple[Kind, str]]:
        with _db(self.state_path) as db:
            rows = db.execute("SELECT kind, key FROM written ORDER BY kind, key").fetchall()
        return [(Kind(kind), key) for kind, key in rows]

    def tombstoned(self) -> set[tuple[Kind, str]]:
        with _db(self.state_path) as db:
            rows = db.execute("SELECT kind, key FROM tombstones").fetchall()
        return {(Kind(kind), key) for kind, key in rows}

    def act_as_user(self, rng: random.Random) -> None:
        marker = f"user-{rng.randrange(10**6)}"
        if rng.random() < 0.6:
            kind = rng.choice(list(Kind))
            there = self.found(kind)
            if there:
                key = rng.choice(sorted(there))
                self.edit(kind, key, there[key], marker)
                self.edited[(kind, key)] = marker
            return
        there_now = {kind: self.found(kind) for kind in Kind}
        recorded = [(kind, key) for kind, key in self.recorded() if key in there_now[kind]]
        if recorded:
            kind, key = rng.choice(recorded)
            self.delete(kind, key, there_now[kind][key])
            self.deleted.add((kind, key))
            self.edited.pop((kind, key), None)

    def finish(self) -> list[str]:
        """A clean pass, then the invariants, as a list of problems."""
        problems: list[str] = []
        final = self.sync(MOMENTS[2])
        if final.returncode != 0:
            return [f"the clean pass failed: {final.stderr}"]
        again = self.sync(MOMENTS[2])
        if "nothing to write" not in again.stdout:
            problems.append(f"a pass after the clean one still writes: {again.stdout}")
        problems += [f"duplicate {key}" for key in self.check_duplicates()]
        problems += [f"duplicate seen during the run: {key}" for key in self.duplicates]
        touched = set(self.edited) | self.deleted
        problems += [f"tombstoned without the user: {r}" for r in self.tombstoned() - touched]
        if self.open_intents():
            problems.append("intents still open after a clean pass")
        problems += self.verify()
        return problems

    def report(self) -> str:
        return (
            f"{self.kills} kills ({self.in_flight} mid-write), {self.completed} passes "
            f"completed, pass {self.pass_seconds:.2f} s, {len(self.edited)} edits, "
            f"{len(self.deleted)} deletions"
        )


class _db:
    """A short read of the state file, as another process would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        self.connection = sqlite3.connect(self.path, timeout=10)
        return self.connection

    def __exit__(self, *_: object) -> None:
        self.connection.close()


# --- local files -----------------------------------------------------------------------------


@dataclass
class LocalWorker(Worker):
    @property
    def out(self) -> Path:
        return self.folder / "out"

    def setup(self) -> None:
        build(self.folder, interviews=self.interviews, seed=self.seed)

    def draft_files(self) -> list[Path]:
        return [p for sub in ("cur", "new") for p in sorted((self.out / "drafts" / sub).glob("*"))]

    def draft_sink(self) -> MaildirDrafts:
        """The drafts sink told what the state recorded, as the daemon tells it (nothing in
        a draft marks it): the recorded file names, and the content hashes of open creates."""
        sink = MaildirDrafts(self.out / "drafts")
        with _db(self.state_path) as db:
            written = db.execute("SELECT key, remote_id FROM written WHERE kind = 'draft'")
            known = {str(k): str(r) for k, r in written.fetchall()}
            intents = db.execute(
                "SELECT key, content_hash FROM journal WHERE kind = 'draft' AND op = 'create' "
                "AND settled_at IS NULL"
            ).fetchall()
        sink.remember(known, {str(k): str(h) for k, h in intents})
        return sink

    def draft_key(self, path: Path) -> str:
        return draft_key(path, self.state_path)

    def check_duplicates(self) -> list[str]:
        path = self.out / "reminders.ics"
        text = read(path).replace("\r\n ", "") if path.exists() else ""
        counts = Counter(f"reminder {key}" for key in _KEY_LINE.findall(text))
        counts.update(f"draft {self.draft_key(p)}" for p in self.draft_files())
        IcsReminders(path).find_all()  # the file is always whole: it parses
        return [key for key, count in counts.items() if count > 1]

    def found(self, kind: Kind) -> dict[str, str]:
        sink = IcsReminders(self.out / "reminders.ics") if kind is Kind.REMINDER else None
        if sink is None:
            drafts = self.draft_sink().find_all()
            return {key: found.remote_id for key, found in drafts.items()}
        return {key: found.remote_id for key, found in sink.find_all().items()}

    def edit(self, kind: Kind, key: str, remote_id: str, marker: str) -> None:
        if kind is Kind.REMINDER:
            path = self.out / "reminders.ics"
            text = read(path)
            old = block(text, key)
            lines = old.split("\r\n")
            start = next(i for i, line in enumerate(lines) if line.startswith("SUMMARY:"))
            end = start + 1
            while lines[end].startswith(" "):
                end += 1
            lines[start:end] = [f"SUMMARY:{marker}"]
            replace_file(path, text.replace(old, "\r\n".join(lines)))
            return
        for file in self.draft_files():
            if self.draft_key(file) == key:
                message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
                message.set_content(f"{marker}\n\nMy own words.\n")
                replace_file(file, message.as_bytes())

    def delete(self, kind: Kind, key: str, remote_id: str) -> None:
        if kind is Kind.REMINDER:
            path = self.out / "reminders.ics"
            text = read(path)
            replace_file(path, text.replace(block(text, key), ""))
            return
        for file in self.draft_files():
            if self.draft_key(file) == key:
                file.unlink()

    def verify(self) -> list[str]:
        problems: list[str] = []
        reminders = IcsReminders(self.out / "reminders.ics")
        drafts = self.draft_sink()
        text = read(self.out / "reminders.ics")
        for (kind, key), marker in self.edited.items():
            if kind is Kind.REMINDER:
                if key not in reminders.find_all() or f"SUMMARY:{marker}" not in block(text, key):
                    problems.append(f"lost edit: reminder {key}")
            else:
                files = [f for f in self.draft_files() if self.draft_key(f) == key]
                if len(files) != 1 or marker.encode() not in files[0].read_bytes():
                    problems.append(f"lost edit: draft {key}")
        for kind, key in self.deleted:
            if key in self.found(kind):
                problems.append(f"deleted {kind.value} {key} is back")
        # the plan fully applied: each wanted item there as planned, or left to the user
        config = load_config(self.config)
        with State.open(config.state_path) as state:
            now = datetime.fromisoformat(MOMENTS[2])
            seen = Observer(config, cache=False).observe()
            plan = make_plan(seen.events, seen.threads, config.settings, now, state.marks())
            wanted = diff.want(
                plan,
                now,
                reminder_hash=reminders.content_hash,
                draft_hash=drafts.content_hash,
                recorded=state.written(),
                drafts_where=str(self.out / "drafts"),
            )
            found = {
                Kind.REMINDER: reminders.find_all(),
                Kind.DRAFT: drafts.find_all(),
            }
            tombstones = state.tombstones()
        for item in wanted:
            there = found[item.kind].get(item.key)
            if (item.kind, item.key) in tombstones:
                continue
            if there is None or there.content_hash != item.content_hash:
                problems.append(f"not applied: {item.kind.value} {item.key}")
        return problems


# --- the fake Google ---------------------------------------------------------------------------

GOOGLE_CONFIG = """\
[user]
email = "{me}"
name = "Alex Doe"
timezone = "America/New_York"

[calendar]
source = "google"

[mail]
source = "gmail"

[google]
token_path = "token.json"

[daemon]
state_path = "out/state.sqlite"
"""


@dataclass
class GoogleWorker(Worker):
    fake: Any = None

    def setup(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        load_into(self.fake, interviews=self.interviews, seed=self.seed)
        token = self.folder / "token.json"
        token.write_text(json.dumps(self.fake.authorized_user_info()))
        token.chmod(0o600)
        self.config.write_text(GOOGLE_CONFIG.format(me=ME))

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "FOLLOWUP_GOOGLE_API_ROOT": self.fake.root_url,
            "FOLLOWUP_GOOGLE_TOKEN_URI": self.fake.token_uri,
        }

    def _events(self) -> list[tuple[str, dict[str, Any]]]:
        """(key, event) for each live event of ours in the fake."""
        found = []
        for event in self.fake.calendar.events("primary"):
            key = event.get("extendedProperties", {}).get("private", {}).get("followup_key")
            if key:
                found.append((key, event))
        return found

    def _drafts(self) -> list[tuple[str, str, bytes]]:
        """(key, draft id, raw) for each draft of ours in the fake. Drafts carry no mark of
        the program: they are told by the state (the draft ids written or tombstoned) and by
        the Message-ID the sink derives from each intent's key and content hash."""
        from connectors.google.gmail_drafts import message_id_for

        by_id: dict[str, str] = {}
        by_message_id: dict[str, str] = {}
        if self.state_path.exists():
            with _db(self.state_path) as db:
                for table in ("written", "tombstones"):
                    query = f"SELECT key, remote_id FROM {table} WHERE kind = 'draft'"
                    by_id.update((str(r), str(k)) for k, r in db.execute(query) if r)
                for key, content_hash in db.execute(
                    "SELECT key, content_hash FROM journal WHERE kind = 'draft'"
                ):
                    domain = ME.rpartition("@")[2]
                    by_message_id[message_id_for(key, content_hash, domain)] = str(key)
        found = []
        for draft_id in list(self.fake.gmail.drafts):
            stored = self.fake.gmail.draft_message(draft_id)
            message_id = str(stored.parsed.get("Message-ID", "")).strip().strip("<>")
            key = by_id.get(draft_id) or by_message_id.get(message_id)
            if key:
                found.append((key, draft_id, stored.raw))
        return found

    def check_duplicates(self) -> list[str]:
        counts = Counter(f"reminder {key}" for key, _ in self._events())
        counts.update(f"draft {key}" for key, _, _ in self._drafts())
        return [key for key, count in counts.items() if count > 1]

    def found(self, kind: Kind) -> dict[str, str]:
        if kind is Kind.REMINDER:
            return {key: event["id"] for key, event in self._events()}
        return {key: draft_id for key, draft_id, _ in self._drafts()}

    def edit(self, kind: Kind, key: str, remote_id: str, marker: str) -> None:
        if kind is Kind.REMINDER:
            self.fake.calendar.user_edit("primary", remote_id, summary=marker)
            return
        message = EmailMessage()
        message["To"] = "pat@example.org"
        message["Subject"] = "My own subject"
        message["Message-ID"] = self.fake.gmail.draft_message(remote_id).parsed["Message-ID"]
        message.set_content(f"{marker}\n\nMy own words.\n")
        self.fake.gmail.user_edit_draft(remote_id, message.as_bytes())

    def delete(self, kind: Kind, key: str, remote_id: str) -> None:
        if kind is Kind.REMINDER:
            self.fake.calendar.user_delete("primary", remote_id)
        else:
            self.fake.gmail.send_draft(remote_id)

    def verify(self) -> list[str]:
        problems: list[str] = []
        events = dict(self._events())
        drafts = {key: raw for key, _, raw in self._drafts()}
        for (kind, key), marker in self.edited.items():
            if kind is Kind.REMINDER:
                if events.get(key, {}).get("summary") != marker:
                    problems.append(f"lost edit: reminder {key}")
            elif marker.encode() not in drafts.get(key, b""):
                problems.append(f"lost edit: draft {key}")
        for kind, key in self.deleted:
            if key in (events if kind is Kind.REMINDER else drafts):
                problems.append(f"deleted {kind.value} {key} is back")
        if self.fake.log.calls("gmail.users.drafts.send"):
            problems.append("a draft was sent")
        if self.fake.internal_errors:
            problems.append(f"the fake failed: {self.fake.internal_errors[0]}")
        return problems


# --- files -----------------------------------------------------------------------------------


def read(path: Path) -> str:
    """The text with its CRLF line ends (read_text would turn them into LF)."""
    return path.read_bytes().decode("utf-8")


def replace_file(path: Path, data: str | bytes) -> None:
    """Write as an editor would: a new file renamed over the old one."""
    temp = path.with_name(f".{path.name}.edit")
    temp.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(temp, path)


def block(text: str, key: str) -> str:
    """The VEVENT of one key in a reminders file."""
    at = text.index(f"X-FOLLOWUP-KEY:{key}\r\n")
    start = text.rindex("BEGIN:VEVENT", 0, at)
    end = text.index("END:VEVENT\r\n", at) + len("END:VEVENT\r\n")
    return text[start:end]


def draft_key(path: Path, state_path: Path) -> str:
    """The action key a draft file belongs to, by the state's records (nothing in the file
    says): its recorded (or tombstoned) file name, or the content hash a write intent holds."""
    from connectors.draft_mail import content_hash_of

    uniq = path.name.split(":2,")[0]
    if not state_path.exists():
        return ""
    with _db(state_path) as db:
        written = db.execute(
            "SELECT key, remote_id FROM written WHERE kind = 'draft' UNION "
            "SELECT key, remote_id FROM tombstones WHERE kind = 'draft'"
        )
        for key, remote_id in written.fetchall():
            if remote_id == uniq:
                return str(key)
        journal = db.execute(
            "SELECT key, remote_id, content_hash FROM journal WHERE kind = 'draft'"
        ).fetchall()
    content = content_hash_of(path.read_bytes())
    for key, remote_id, content_hash in reversed(journal):
        if remote_id == uniq or content_hash == content:
            return str(key)
    return f"unknown {uniq}"
