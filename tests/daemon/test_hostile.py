"""Hostile input: one invite or one mail anyone can send stops nothing but itself.

Each test builds the hostile item into the generated scenario (tests/daemon/scenario.py),
runs passes, and checks that the item gets at most one line, that no traceback is
printed, and that every other interview is still planned and written.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from connectors.base import DraftMessage, Reminder, Written
from connectors.local.ics_reminders import IcsReminders
from daemon.config import Config, load_config
from daemon.observer import Observer
from daemon.reconcile import Summary, run_pass
from daemon.sinks import Sinks, build_sinks
from daemon.state import State
from tests.daemon.fakes import MemorySink
from tests.daemon.scenario import MOMENTS, build
from tests.daemon.test_google_sync import Google, google  # noqa: F401 (the fixture)

MOMENT = [datetime.fromisoformat(m) for m in MOMENTS]
FOLLOWUP = [sys.executable, "-m", "daemon.cli"]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return build(tmp_path / "s", interviews=6)


@pytest.fixture
def config(scenario: Path) -> Config:
    return load_config(scenario)


@pytest.fixture
def state(config: Config) -> Iterator[State]:
    with State.open(config.state_path) as opened:
        yield opened


def one_pass(config: Config, sinks: Sinks, state: State, now: datetime) -> Summary:
    return run_pass(
        observer=Observer(config, cache=False),
        sinks=sinks,
        state=state,
        settings=config.settings,
        now=now,
    )


def event(uid: str, summary: str, *, start: str = "20261201T150000Z", **more: str) -> list[str]:
    end = more.get("end", start.replace("T15", "T16"))
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T000000Z",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SUMMARY:{summary}",
        f"ORGANIZER;CN={more.get('cn', 'Pat Q')}:mailto:{more.get('org', 'pq@hostile.example')}",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@example.com",
        "END:VEVENT",
    ]


def add_events(config: Config, *events: list[str]) -> None:
    path = config.calendar_path
    assert path is not None
    text = path.read_bytes().decode()
    lines = "\r\n".join(line for block in events for line in block)
    path.write_bytes(text.replace("END:VCALENDAR\r\n", lines + "\r\nEND:VCALENDAR\r\n").encode())


def sync(config: Config, now: str = MOMENTS[2]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FOLLOWUP, "sync", "--once", "--config", str(config.path), "--now", now],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=120,
    )


def written_keys(config: Config) -> tuple[set[str], set[str]]:
    reminders = set(IcsReminders(config.reminders_path).find_all())  # type: ignore[arg-type]
    from connectors.local.maildir_drafts import MaildirDrafts
    from daemon.items import Kind

    # Drafts carry no mark of followup: the sink finds its own by what the state recorded.
    sink = MaildirDrafts(config.drafts_path)  # type: ignore[arg-type]
    if config.state_path.exists():
        with State.open(config.state_path) as state:
            recorded = state.written()
        sink.remember(
            {k: r.remote_id for (kind, k), r in recorded.items() if kind is Kind.DRAFT}, {}
        )
    drafts = set(sink.find_all())
    return reminders, drafts


def baseline(tmp_path: Path) -> tuple[set[str], set[str]]:
    clean = load_config(build(tmp_path / "clean", interviews=6))
    assert sync(clean).returncode == 0
    return written_keys(clean)


# --- 1. folding injection ----------------------------------------------------------------


def padded(word: str) -> str:
    """A title whose folded SUMMARY line has `word` begin a continuation line."""
    return "x" * (75 - len("SUMMARY:")) + word


@pytest.mark.parametrize("word", ["END:VEVENT", "BEGIN:VEVENT", "END:VCALENDAR"])
def test_a_title_padded_to_fold_before_a_marker_cuts_no_block(tmp_path: Path, word: str) -> None:
    path = tmp_path / "reminders.ics"
    sink = IcsReminders(path)
    at = MOMENT[2]
    for number in range(4):
        title = padded(word) if number == 1 else f"Reminder {number}"
        sink.create(Reminder(key=f"k/{number}", title=title, text="t", starts_at=at))
    assert any(line.startswith(f" {word}") for line in path.read_text().splitlines())
    fresh = IcsReminders(path)
    assert set(fresh.find_all()) == {"k/0", "k/1", "k/2", "k/3"}
    hashes = {key: found.content_hash for key, found in fresh.find_all().items()}
    assert hashes["k/1"] == sink.content_hash(
        Reminder(key="k/1", title=padded(word), text="t", starts_at=at)
    )


def test_an_invite_padded_to_fold_before_a_marker_is_read_and_written_once(
    config: Config, state: State, tmp_path: Path
) -> None:
    add_events(
        config,
        event("pad-1", "Interview " + padded("END:VEVENT")),
        event("pad-2", "Interview " + padded("BEGIN:VEVENT")),
    )
    first = one_pass(config, build_sinks(config), state, MOMENT[2])
    assert not first.stopped and not first.failed
    keys = set(IcsReminders(config.reminders_path).find_all())  # type: ignore[arg-type]
    assert {"pad-1", "pad-2"} <= {key.split("/")[0] for key in keys}
    again = one_pass(config, build_sinks(config), state, MOMENT[2])
    assert again.writes() == 0
    assert state.tombstones() == {}


def test_the_users_lf_only_event_is_kept_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "reminders.ics"
    mine = (
        "BEGIN:VEVENT\nUID:dentist\nDTSTAMP:20261101T000000Z\nDTSTART:20261215T100000Z\n"
        "SUMMARY:Dentist\nDESCRIPTION:folded by hand and\n  kept\nEND:VEVENT\n"
    )
    path.write_bytes(f"BEGIN:VCALENDAR\nVERSION:2.0\n{mine}END:VCALENDAR\n".encode())
    sink = IcsReminders(path)
    at = MOMENT[2]
    sink.create(Reminder(key="k/1", title="One", text="t", starts_at=at))
    with sink.batch():
        sink.create(Reminder(key="k/2", title="Two", text="t", starts_at=at))
        sink.delete(sink.find_all()["k/1"])
    data = path.read_bytes()
    assert mine.encode() in data
    assert data.startswith(b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:dentist\n")
    assert set(IcsReminders(path).find_all()) == {"k/2"}


def test_control_characters_never_reach_the_reminders_file(tmp_path: Path) -> None:
    path = tmp_path / "reminders.ics"
    sink = IcsReminders(path)
    nasty = "Thank\x00 you\x07 \x1b[31mPat\u2028now\x85\x0bthen\x7f"
    reminder = Reminder(key="k/1", title=nasty, text=nasty, starts_at=MOMENT[2])
    sink.create(reminder)
    text = path.read_bytes().decode()
    for char in "\x00\x07\x1b\x85\x0b\x7f\u2028":
        assert char not in text
    (found,) = IcsReminders(path).find_all().values()
    assert found.content_hash == sink.content_hash(reminder)


# --- 2. one bad item is that item's problem -----------------------------------------------


HOSTILE = {
    "a UID with a newline": event("evil\\nuid", "Interview with Evil"),
    "a title with U+2028": event("t2028", "Interview with Evil\u2028Co"),
    "a title with VT": event("tvt", "Interview with Evil\x0bCo"),
    "a title with NEL": event("tnel", "Interview with Evil\x85Co"),
    "an organizer address with a newline": event("orgnl", "Interview", org="pq\\n@evil.example"),
    "an organizer name with U+2028 and bidi": event("cn", "Interview", cn="Pat\u2028\u202eQ"),
    "DTSTART in 9999": event("y9999", "Interview", start="99991231T150000Z"),
    "DTSTART in 0001": event("y0001", "Interview", start="00010101T150000Z"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_invite_is_cleaned_or_refused_and_the_rest_is_written(
    config: Config, tmp_path: Path, case: str
) -> None:
    add_events(config, HOSTILE[case])
    done = sync(config)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 1
    reminders, drafts = written_keys(config)
    clean_reminders, clean_drafts = baseline(tmp_path)
    assert clean_reminders <= reminders and clean_drafts <= drafts
    again = sync(config)
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert written_keys(config) == (reminders, drafts)


def test_bidi_controls_never_reach_a_greeting(config: Config) -> None:
    add_events(config, event("bidi", "Interview with Bidi", cn="\u202ePat\u2066 Q\u2069"))
    plan = subprocess.run(
        [*FOLLOWUP, "plan", "--config", str(config.path), "--now", MOMENTS[2], "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plan.returncode == 0, plan.stderr
    for char in "\u202e\u2066\u2069":
        assert char not in plan.stdout.encode().decode("unicode_escape", "ignore")
        assert char not in plan.stdout
    assert "Hi Pat," in plan.stdout


class _Refusing(MemorySink):
    """A sink that refuses one item the way a service refuses a bad header (HTTP 400)."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    def create(self, item: Reminder | DraftMessage) -> Written:
        if item.key == self.refused:
            raise ValueError("Header values may not contain linefeed or carriage return")
        return super().create(item)


def test_one_write_that_fails_blocks_none_of_the_others(config: Config, state: State) -> None:
    plain = MemorySink()
    first = one_pass(config, Sinks(reminders=MemorySink(), drafts=plain), state, MOMENT[2])
    draft_keys = plain.key_list()
    assert len(draft_keys) >= 3
    refused = draft_keys[0]
    with State.in_memory() as fresh:
        reminders, drafts = MemorySink(), _Refusing(refused)
        summary = one_pass(config, Sinks(reminders=reminders, drafts=drafts), fresh, MOMENT[2])
        assert len(summary.failed) == 1 and refused in summary.failed[0]
        assert not summary.stopped
        assert set(drafts.key_list()) == set(draft_keys) - {refused}
        assert len(reminders.key_list()) == first.counts().get("create reminder", 0)
        # the next pass tries it again, and writes nothing else twice
        retry = one_pass(config, Sinks(reminders=reminders, drafts=drafts), fresh, MOMENT[2])
        assert len(retry.failed) == 1 and retry.writes() == 0
        assert len(drafts.key_list()) == len(set(drafts.key_list()))


# --- 3. the reminders file is written once per pass ------------------------------------------


def test_a_pass_writes_the_reminders_file_once(
    config: Config, state: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    replaced: list[str] = []
    real = os.replace

    def counting(source: str, target: str) -> None:
        replaced.append(str(target))
        real(source, target)

    monkeypatch.setattr(os, "replace", counting)
    summary = one_pass(config, build_sinks(config), state, MOMENT[1])
    assert summary.counts().get("create reminder", 0) > 5
    assert replaced.count(str(config.reminders_path)) == 1
    replaced.clear()
    moved = one_pass(config, build_sinks(config), state, MOMENT[2])
    assert moved.writes() > 0
    assert replaced.count(str(config.reminders_path)) == 1


# --- 5. private modes -------------------------------------------------------------------


def test_the_reminders_file_and_the_state_are_private(config: Config) -> None:
    old = os.umask(0o022)
    try:
        config.reminders_path.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
        config.reminders_path.write_text("")  # type: ignore[union-attr]
        os.chmod(config.reminders_path, 0o644)  # type: ignore[arg-type]
        assert sync(config).returncode == 0
    finally:
        os.umask(old)
    state = config.state_path
    assert config.drafts_path is not None
    drafts = [p for p in config.drafts_path.glob("*/*") if p.is_file()]
    assert drafts
    for path in (config.reminders_path, state, state.with_name(state.name + "-wal"), *drafts):
        assert path is not None
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.parametrize("now", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+00:00"])
def test_a_now_near_the_ends_of_time_is_one_line(config: Config, now: str) -> None:
    done = subprocess.run(
        [*FOLLOWUP, "plan", "--config", str(config.path), "--now", now],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "outside 1900-2200" in done.stderr


def test_the_planner_passes_over_events_at_the_ends_of_time(config: Config) -> None:
    from policy.planner import plan

    seen = Observer(config, cache=False).observe()
    first = seen.events[0]
    far = [
        replace(
            first,
            event_id=f"far-{year}",
            start_at=first.start_at.replace(year=year, month=month, day=day),
            end_at=first.end_at.replace(year=year, month=month, day=day),
        )
        for year, month, day in ((9999, 12, 31), (1, 1, 2))
    ]
    planned = plan((*seen.events, *far), seen.threads, config.settings, MOMENT[2])
    ids = {app.interview.interview_id for app in planned.applications}
    assert len(ids) == 6 and not any(i.startswith("far-") for i in ids)


# --- 3./6. big and deeply nested mail --------------------------------------------------------

STATEMENT = b"We will get back to you by December 20."


def add_message(config: Config, content: bytes) -> None:
    """A reply in the thread of the scenario's interview 0, with `content` after its headers."""
    head = (
        b"From pat0@company0.example Mon Dec  7 10:00:00 2026\n"
        b"From: Pat 0 <pat0@company0.example>\nTo: alex@example.com\n"
        b"Subject: Re: Interview with Company 0\nDate: Mon, 07 Dec 2026 10:00:00 -0500\n"
        b"Message-ID: <hostile@company0.example>\nMIME-Version: 1.0\n"
    )
    assert config.mail_path is not None
    with config.mail_path.open("ab") as out:
        out.write(head + content + b"\n")


def promised(config: Config) -> tuple[str, str]:
    done = subprocess.run(
        [*FOLLOWUP, "plan", "--config", str(config.path), "--now", MOMENTS[2], "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    import json

    apps = json.loads(done.stdout)["applications"]
    (app,) = [a for a in apps if a["interview"]["id"] == "int-0"]
    return app["timeline"]["promised"], done.stderr


def test_a_huge_message_is_read_up_to_the_cap(config: Config) -> None:
    from connectors._email_bodies import MESSAGE_BYTES

    filler = b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n"
    attachment = filler * (MESSAGE_BYTES // len(filler) + 1000)
    add_message(
        config,
        b"Content-Type: multipart/mixed; boundary=BB\n\n--BB\nContent-Type: text/plain\n\n"
        + STATEMENT
        + b"\n--BB\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        + attachment
        + b"--BB--\n",
    )
    when, stderr = promised(config)
    assert when == "2026-12-20"
    assert len(stderr.strip().splitlines()) == 1 and "only the first 16 MiB read" in stderr


@pytest.mark.parametrize("depth", [300, 5000])
def test_a_statement_in_deeply_nested_html_is_read(config: Config, depth: int) -> None:
    add_message(
        config,
        b"Content-Type: text/html\n\n<html><body>"
        + b"<div>" * depth
        + b"<p>"
        + STATEMENT
        + b"</p>"
        + b"</div>" * depth
        + b"</body></html>\n",
    )
    assert promised(config)[0] == "2026-12-20"


def test_a_statement_in_deeply_nested_multipart_is_read(config: Config) -> None:
    depth = 2000
    opening = b"".join(
        f"Content-Type: multipart/mixed; boundary=B{i}\n\n--B{i}\n".encode() for i in range(depth)
    )
    closing = b"".join(f"--B{i}--\n".encode() for i in reversed(range(depth)))
    add_message(config, opening + b"Content-Type: text/plain\n\n" + STATEMENT + b"\n" + closing)
    when, stderr = promised(config)
    assert when == "2026-12-20"
    assert "nested too deeply" in stderr and len(stderr.strip().splitlines()) == 1


# --- 4. accidents: the disk, the folder, the state file ---------------------------------------


def sync_limited(config: Config, size: int) -> subprocess.CompletedProcess[str]:
    """`sync --once` with files limited to `size` bytes: writes fail as on a full disk."""
    import resource
    import signal

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return subprocess.run(
        [*FOLLOWUP, "sync", "--once", "--config", str(config.path), "--now", MOMENTS[2]],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=120,
        preexec_fn=limit,
    )


def one_error_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    (line,) = [x for x in done.stderr.strip().splitlines() if "WARNING" not in x]
    for word in words:
        assert word in line, line
    return line


def converges(config: Config, tmp_path: Path) -> None:
    """The next passes, with the cause gone, write what the clean scenario writes, once."""
    done = sync(config)
    assert done.returncode == 0, done.stderr
    again = sync(config)
    assert again.returncode == 0 and "nothing to write" in again.stdout, again.stdout
    assert written_keys(config) == baseline(tmp_path)
    assert config.drafts_path is not None
    files = [p for p in config.drafts_path.glob("*/*") if p.is_file()]
    assert len(files) == len(written_keys(config)[1])  # one file per recorded draft


@pytest.mark.parametrize("size", [0, 6000, 60_000])
def test_a_full_disk_is_one_line_and_the_next_pass_converges(
    config: Config, tmp_path: Path, size: int
) -> None:
    done = sync_limited(config, size)
    line = one_error_line(done, "followup:", str(config.state_path))
    # the state and the mail index beside it (state.sqlite.mail-index) both say what to do
    assert "the disk is full; free some space" in line, line
    converges(config, tmp_path)


def test_no_room_for_the_lock_file_is_one_line(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from daemon.lock import StateLock
    from daemon.state import StateError

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StateError, match="state.sqlite.lock: the disk is full"):
        StateLock(config.state_path).acquire()


def test_a_state_path_under_a_file_is_one_line(config: Config, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    text = config.path.read_text().replace("out/state.sqlite", str(blocker / "state.sqlite"))
    config.path.write_text(text)
    one_error_line(sync(config), str(blocker), "a file stands where its folder should be")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_state_folder_is_one_line(config: Config, tmp_path: Path) -> None:
    folder = config.state_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o500)
    try:
        one_error_line(sync(config), str(folder), "writable")
    finally:
        folder.chmod(0o700)
    converges(config, tmp_path)


def test_a_read_only_state_folder_as_the_kernel_says_it(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from daemon.state import State, StateError

    real = os.open

    def refusing(path: object, *args: object, **kwargs: object) -> int:
        if str(path).startswith(str(config.state_path)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing)
    with pytest.raises(StateError, match="read-only"):
        State.open(config.state_path)


ODD_VALUES = {
    "schema_version 'one'": "UPDATE meta SET value = 'one' WHERE name = 'schema_version'",
    "a bad timestamp": "UPDATE written SET written_at = 'yesterday'",
    "an unknown kind": (
        "UPDATE written SET kind = 'gadget' WHERE rowid = (SELECT min(rowid) FROM written)"
    ),
    "a dropped table": "DROP TABLE tombstones",
    "a dropped journal": "DROP TABLE journal",
}


@pytest.mark.parametrize("case", sorted(ODD_VALUES))
def test_a_state_file_with_odd_values_is_one_line_and_moving_it_aside_converges(
    config: Config, tmp_path: Path, case: str
) -> None:
    import sqlite3

    assert sync(config).returncode == 0
    with sqlite3.connect(config.state_path) as db:
        db.execute(ODD_VALUES[case])
    db.close()
    line = one_error_line(sync(config), str(config.state_path), "damaged state file")
    assert "move it aside" in line
    config.state_path.rename(config.state_path.with_name("state.old"))
    converges(config, tmp_path)


def test_gmail_refusing_one_draft_is_that_drafts_line(google: Google) -> None:  # noqa: F811
    """Through the fake Google: one drafts.create answered 400, the rest still written."""
    google.fake.faults.add(
        "gmail.users.drafts.create", status=400, reason="invalidArgument", times=1
    )
    first = google.sync(MOMENT[2])
    assert len(first.failed) == 1 and "400" in first.failed[0]
    assert not first.stopped
    assert first.counts().get("create draft", 0) >= 2
    made = [op for op in first.applied if op.kind.value == "draft"]
    assert len(made) == first.counts()["create draft"] - 1
    assert any(op.kind.value == "reminder" for op in first.applied)
    again = google.sync(MOMENT[2])
    assert not again.failed and again.writes() == 1
    assert google.sync(MOMENT[2]).writes() == 0


@pytest.mark.parametrize(
    "sender",
    [
        b"=?utf-8?q?Pat=E2=80=A8Evil?= <pat0@company0.example>",  # U+2028 in the name
        b"=?utf-8?q?Pat=0AEvil?= <pat0@company0.example>",  # a newline in the name
        b'"Pat" <pat0=?utf-8?q?=0B?=@company0.example>, =?utf-8?q?=E2=80=AEPat?= <p@x.example>',
    ],
)
def test_a_hostile_from_is_cleaned_and_the_rest_is_written(
    config: Config, tmp_path: Path, sender: bytes
) -> None:
    head = (
        b"From pat0@company0.example Mon Dec  7 10:00:00 2026\nFrom: " + sender + b"\n"
        b"To: alex@example.com\nSubject: Re: Interview with Company 0\n"
        b"Date: Mon, 07 Dec 2026 10:00:00 -0500\nMessage-ID: <from@company0.example>\n\n"
        b"Thanks for checking in, we are still talking to people.\n\n"
    )
    assert config.mail_path is not None
    with config.mail_path.open("ab") as out:
        out.write(head)
    done = sync(config)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    reminders, drafts = written_keys(config)
    clean_reminders, clean_drafts = baseline(tmp_path)
    # the reply may move interview 0's own follow-up; every other interview is as without it

    def others(keys: set[str]) -> set[str]:
        return {key for key in keys if not key.startswith("int-0/")}

    assert others(clean_reminders) == others(reminders)
    assert others(clean_drafts) == others(drafts)
    assert any(key.startswith("int-0/") for key in reminders)
    assert config.drafts_path is not None
    for path in config.drafts_path.glob("*/*"):
        text = path.read_bytes().decode("utf-8", "replace")
        for char in "\u2028\u202e\x0b":
            assert char not in text
