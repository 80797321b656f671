"""Time and memory against input size: the .ics reader and the reminders writer stay linear.

    .venv/bin/python bench/hostile_sizes.py [--quick]

Prints CPU seconds (time.process_time, so a busy shared machine changes them less than
wall time) and peak memory for:

1. the .ics reader (`connectors/local/ics.py`) on a calendar of plain events and on one
   event holding a long folded note, at 100 KB, 1 MB and 10 MB;
2. the reminders writer (`connectors/local/ics_reminders.py`): listing a reminders.ics that
   also holds the user's events (many, or one long folded note) at those sizes, then
   writing 50 reminders into it in one batch, as a pass does;
3. through the real command, in a child process: `sync --once` with nothing to do over a
   100,000-event calendar; the first `sync --once` of 2,000 interviews (`--quick` leaves
   these out);
4. the mbox scanner: `plan` with one 212 MB message in the mbox, in a child process, and
   the header scan of a 20,000-message mbox (`--mbox`: only these).

Per-MB figures that stay flat from 100 KB to 10 MB are what "linear" means here.
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its mailbox.py would hide the stdlib module

from connectors.base import Reminder  # noqa: E402
from connectors.local.ics import read_events  # noqa: E402
from connectors.local.ics_reminders import IcsReminders  # noqa: E402
from connectors.local.mbox import MboxMail  # noqa: E402
from tests.daemon.scenario import MOMENTS, build  # noqa: E402

ZONE = ZoneInfo("America/New_York")
SIZES = (100_000, 1_000_000, 10_000_000)


def plain_events(size: int) -> bytes:
    """A calendar of ordinary events, about `size` bytes."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    number = 0
    total = 0
    while total < size:
        day, hour = 1 + number % 28, 8 + number % 10
        event = [
            "BEGIN:VEVENT",
            f"UID:ev-{number}@bench.example",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID=Europe/Paris:202611{day:02d}T{hour:02d}0000",
            f"DTEND;TZID=Europe/Paris:202611{day:02d}T{hour + 1:02d}0000",
            f"SUMMARY:Meeting number {number}",
            "DESCRIPTION:Notes for the meeting\\, nothing special.",
            "ORGANIZER;CN=Someone:mailto:someone@bench.example",
            "END:VEVENT",
        ]
        lines += event
        total += sum(len(line) + 2 for line in event)
        number += 1
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def one_long_note(size: int) -> bytes:
    """One event whose DESCRIPTION is `size` bytes, folded at 75 octets as RFC 5545 says."""
    note = "DESCRIPTION:" + "a long note, " * (size // 13)
    folded = [note[:75]] + [" " + note[at : at + 74] for at in range(75, len(note), 74)]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:note@bench.example",
        "DTSTART:20261201T150000Z",
        "SUMMARY:A long note",
        *folded,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def measure(work: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds, peak MB of Python allocations): two calls, as tracemalloc slows one."""
    began = time.process_time()
    work()
    spent = time.process_time() - began
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return spent, peak / 1e6


def reader_rows() -> None:
    print("1. .ics reader (read_events)")
    for name, make in (("plain events", plain_events), ("one long note", one_long_note)):
        for size in SIZES:
            data = make(size)
            cpu, peak = measure(lambda data=data: read_events(data, source="b", timezone=ZONE))
            mb = len(data) / 1e6
            print(
                f"   {name:14} {mb:6.2f} MB: {cpu:6.2f} s CPU ({cpu / mb:5.2f} s/MB), "
                f"peak {peak:6.1f} MB"
            )


def writer_rows(folder: Path) -> None:
    print("2. reminders writer (IcsReminders): list, then 50 reminders in one batch")
    at = datetime(2026, 12, 1, 15, tzinfo=UTC)
    for name, make in (("user's events", plain_events), ("one long note", one_long_note)):
        for size in SIZES:
            path = folder / f"reminders-{size}.ics"
            path.write_bytes(make(size))

            original = path.read_bytes()

            def one_pass(path: Path = path, original: bytes = original) -> None:
                path.write_bytes(original)
                sink = IcsReminders(path, durable=False)
                sink.find_all()
                with sink.batch():
                    for number in range(50):
                        reminder = Reminder(
                            key=f"bench-{number}/prep",
                            title=f"Prepare {number}",
                            text="Read the notes.",
                            starts_at=at + timedelta(hours=number),
                        )
                        sink.create(reminder)
                assert len(IcsReminders(path).find_all()) == 50

            cpu, peak = measure(one_pass)
            mb = size / 1e6
            print(
                f"   {name:14} {mb:6.2f} MB: {cpu:6.2f} s CPU ({cpu / mb:5.2f} s/MB), "
                f"peak {peak:6.1f} MB"
            )


_WRAPPER = (
    "import resource, subprocess, sys, time; began = time.perf_counter(); "
    "done = subprocess.run(sys.argv[1:], capture_output=True); "
    "use = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(time.perf_counter() - began, use.ru_utime + use.ru_stime, use.ru_maxrss / 1024, "
    "done.returncode); sys.stderr.buffer.write(done.stderr[-300:])"
)


def child(command: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, max RSS MB) of one command, measured by a fresh wrapper process."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True
    )
    wall, cpu, rss, code = done.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: {done.stderr.strip()}")
    return float(wall), float(cpu), float(rss)


def command_rows(folder: Path) -> None:
    followup = str(Path(sys.executable).parent / "followup")
    print("3. the real command, in a child process")
    config = build(folder / "k100", interviews=6)
    calendar = config.parent / "calendar.ics"
    text = calendar.read_bytes()
    extra = plain_events(25_000_000).split(b"PRODID:-//bench//EN\r\n", 1)[1]
    calendar.write_bytes(text.replace(b"END:VCALENDAR\r\n", extra))
    events = extra.count(b"BEGIN:VEVENT")
    sync = [followup, "sync", "--once", "--config", str(config), "--now", MOMENTS[2]]
    child(sync)
    wall, cpu, rss = child(sync)
    print(
        f"   sync --once, nothing to do, {events:,} events ({len(extra) / 1e6:.0f} MB): "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU, max RSS {rss:.0f} MB"
    )
    config = build(folder / "i2000", interviews=2000)
    wall, cpu, rss = child(
        [followup, "sync", "--once", "--config", str(config), "--now", MOMENTS[2]]
    )
    written = (config.parent / "out" / "reminders.ics").read_bytes().count(b"BEGIN:VEVENT")
    print(
        f"   first sync --once, 2,000 interviews ({written:,} reminders): {wall:.1f} s wall, "
        f"{cpu:.1f} s CPU, max RSS {rss:.0f} MB"
    )


def mbox_rows(folder: Path) -> None:
    """`plan` with one 212 MB message (in a child process), and the header scan of a
    20,000-message Takeout-style mbox (`bench/mailgen.py`), in process."""
    print("4. the mbox scanner")
    followup = str(Path(sys.executable).parent / "followup")
    config = build(folder / "big", interviews=6)
    with (config.parent / "mail.mbox").open("ab") as mbox:
        mbox.write(
            b"From pat0@company0.example Mon Dec  7 10:00:00 2026\n"
            b"From: Pat 0 <pat0@company0.example>\nTo: alex@example.com\n"
            b"Subject: Re: Interview with Company 0\nDate: Mon, 07 Dec 2026 10:00:00 -0500\n"
            b"Message-ID: <big@company0.example>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=BB\n\n--BB\nContent-Type: text/plain\n\n"
            b"We will get back to you by December 20.\n--BB\n"
            b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        )
        chunk = base64.encodebytes(os.urandom(3 << 20))
        for _ in range(200 // 4):
            mbox.write(chunk)
        mbox.write(b"--BB--\n\n")
    size = (config.parent / "mail.mbox").stat().st_size / 1e6
    plan = [followup, "plan", "--config", str(config), "--now", MOMENTS[2], "--json"]
    wall, cpu, rss = child(plan)
    print(
        f"   plan, one {size:.0f} MB message in the mbox: {wall:.1f} s wall, {cpu:.1f} s CPU, "
        f"max RSS {rss:.0f} MB"
    )
    generated = folder / "m20k"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "mailgen.py"), str(generated), "--messages", "20000"],
        check=True,
        capture_output=True,
    )
    reader = MboxMail(generated / "mail.mbox", ZONE)
    times = []
    for _ in range(3):
        began = time.process_time()
        count = sum(1 for _ in reader.scan())
        times.append(time.process_time() - began)
    print(f"   header scan, {count:,} messages (37 MiB): {min(times):.2f} s CPU (best of 3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the in-process figures")
    parser.add_argument("--mbox", action="store_true", help="only the mbox figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        if args.mbox:
            mbox_rows(Path(name))
            return
        reader_rows()
        writer_rows(Path(name))
        if not args.quick:
            command_rows(Path(name))
            mbox_rows(Path(name))


if __name__ == "__main__":
    main()
