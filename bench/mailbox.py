"""The mailbox bench (issue 12): cold `plan` against a stdlib header-only scan, peak RSS,
the cost of a sync after one new message, `status` on a synced mailbox.

    .venv/bin/python bench/mailbox.py [--messages 20000] [--interviews 300] [--maildir]
                                      [--folder DIR]

Generates the mailbox with `bench/mailgen.py` (in DIR, kept, or a temporary folder), then
runs each command as its own process, in this order, printing wall and CPU time and peak RSS:

1. a stdlib header-only scan of the same mbox (split on From_ lines, `BytesHeaderParser`
   on each header block): the floor any reader of the file pays;
2. `followup plan` with no index (a cold read, through a temporary index), first as the
   first command after installing (no compiled patterns kept), then with the patterns the
   first one kept (`daemon/pattern_cache.py`; the index is still cold);
3. `followup sync --once` (builds the index, writes the reminders and drafts);
4. one message appended (or, with --maildir, one file delivered) and `sync --once` again;
5. `followup status`, then `followup plan` (both answer from the plan the sync kept).
The project's bytecode is compiled first, as installing it does (where
PYTHONDONTWRITEBYTECODE is set, an edited module is otherwise compiled on every run), and
the commands keep their compiled patterns in a cache folder of the bench's own.
Nothing here is a test: the figures go in the README.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import mailgen  # noqa: E402

NOW = "2026-12-16T12:00:00-05:00"
SCAN = r"""
import sys
from email.parser import BytesHeaderParser
parser = BytesHeaderParser()
count = 0
with open(sys.argv[1], "rb") as handle:
    block = None
    for line in handle:
        if line.startswith(b"From "):
            block = []
        elif block is not None:
            if line in (b"\n", b"\r\n"):
                parser.parsebytes(b"".join(block))
                count += 1
                block = None
            else:
                block.append(line)
print(count)
"""

# Two passes the way `followup run` makes them (one process: the observer, its sources and
# the plan cache kept between polls); the bench delivers a message between them.
DAEMON = r"""
import sys, time
from datetime import datetime, timedelta
from pathlib import Path
from daemon.cli.common import board_keeper
from daemon.config import load_config
from daemon.lock import StateLock
from daemon.observer import Observer
from daemon.plan_cache import PlanCache
from daemon.reconcile import run_pass
from daemon.sinks import build_sinks
from daemon.state import State
config = load_config(Path(sys.argv[1]))
now = datetime.fromisoformat(sys.argv[2])
sinks = build_sinks(config)
with StateLock(config.state_path), State.open(config.state_path) as state:
    observer = Observer(config, snapshots=state.cursors())
    plans = PlanCache.beside(config)
    board = board_keeper(config)
    for number in range(3):
        began, cpu = time.perf_counter(), time.process_time()
        summary = run_pass(observer=observer, sinks=sinks, state=state,
                           settings=config.settings, now=now + timedelta(minutes=number),
                           plans=plans)
        board(summary.plan)
        print(time.perf_counter() - began, time.process_time() - cpu, flush=True)
        if number < 2:
            sys.stdin.readline()  # the bench delivers a message meanwhile
"""


class Took(float):
    """Wall seconds of one process, with its CPU seconds (user + system) beside them: on a
    shared machine the wall time includes waiting for a core, the CPU time does not."""

    cpu: float

    def __new__(cls, wall: float, cpu: float) -> Took:
        took = super().__new__(cls, wall)
        took.cpu = cpu
        return took

    def __format__(self, spec: str) -> str:
        return f"{float(self):{spec}} s ({self.cpu:{spec}} s CPU)"


def ratio(part: Took, whole: Took) -> str:
    """Both ratios, wall and CPU."""
    return f"{part / whole:.0%} (CPU {part.cpu / whole.cpu:.0%})"


def run(command: list[str], cwd: Path) -> tuple[Took, float, str]:
    """Wall and CPU seconds, peak RSS in MB and stdout of one process."""
    began = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        print(err, file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(command)}")
    cpu = usage.ru_utime + usage.ru_stime
    return Took(elapsed, cpu), usage.ru_maxrss / 1024, out


def new_message(number: int) -> mailgen.Mail:
    from datetime import datetime

    return mailgen.Mail(
        sender="Rita Company3 <rita@company3.example>",
        to=mailgen.ME,
        subject="Re: Interview with Company3: Update",
        sent=datetime(2026, 12, 14, 10, 0, tzinfo=mailgen.EST),
        message_id=f"appended-{number}@bench.example",
        thread=1,
        labels="Inbox",
        text="Hi,\n\nWe will get back to you by Friday.\n",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--interviews", type=int, default=300)
    parser.add_argument("--maildir", action="store_true", help="also bench the Maildir")
    parser.add_argument("--folder", type=Path, help="generate here and keep it")
    args = parser.parse_args()
    followup = str(Path(sys.executable).parent / "followup")
    with tempfile.TemporaryDirectory(prefix="followup-mailbox-") as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "config.toml"
        if not config.exists():  # in its own process: its memory must not count below
            generate = [sys.executable, str(Path(__file__).parent / "mailgen.py"), str(folder)]
            generate += ["--messages", str(args.messages), "--interviews", str(args.interviews)]
            run([*generate, *(["--maildir"] if args.maildir else [])], folder)
        for stale in folder.glob("*-state.sqlite*"):
            stale.unlink()
        mbox = folder / "mail.mbox"
        size = mbox.stat().st_size / 2**20
        print(f"{args.messages} messages, {size:.0f} MiB mbox, {args.interviews} interviews")

        project = Path(__file__).resolve().parents[1]
        packages = [str(project / name) for name in ("daemon", "connectors", "policy")]
        run([sys.executable, "-m", "compileall", "-q", *packages], folder)
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")

        scan_s, scan_mb, out = run([sys.executable, "-c", SCAN, str(mbox)], folder)
        print(f"stdlib header-only scan ({out.strip()} headers): {scan_s:.2f}, {scan_mb:.0f} MB")
        for what in ("no index, no patterns kept", "no index, patterns kept"):
            plan_s, plan_mb, _ = run(
                [followup, "plan", "--config", str(config), "--now", NOW, "--json"], folder
            )
            print(
                f"followup plan, cold ({what}): {plan_s:.2f} = {plan_s / scan_s:.1f}x the scan "
                f"(CPU {plan_s.cpu / scan_s.cpu:.1f}x), peak RSS {plan_mb:.0f} MB"
            )
        bench_sync(followup, folder, config, "mbox", lambda n: append_mbox(mbox, n))
        if args.maildir:
            bench_sync(
                followup,
                folder,
                folder / "config-maildir.toml",
                "Maildir",
                lambda n: deliver(folder / "Mail", n),
            )
    return 0


def bench_sync(
    followup: str, folder: Path, config: Path, name: str, add: Callable[[int], Callable[[], None]]
) -> None:
    sync = [followup, "sync", "--once", "--config", str(config), "--now", NOW]
    first_s, first_mb, _ = run(sync, folder)
    print(f"{name}: sync --once, first pass: {first_s:.2f}, peak RSS {first_mb:.0f} MB")
    again_s, _, _ = run(sync, folder)
    print(f"{name}: sync --once, nothing changed: {again_s:.2f} = {ratio(again_s, first_s)}")
    undo = add(1)
    try:
        _after_one_new(followup, folder, config, name, sync, first_s, add)
    finally:  # a kept --folder starts the next run as generated
        undo()


def _after_one_new(
    followup: str,
    folder: Path,
    config: Path,
    name: str,
    sync: list[str],
    first_s: Took,
    add: Callable[[int], Callable[[], None]],
) -> None:
    more_s, more_mb, _ = run(sync, folder)
    print(
        f"{name}: one new message, sync --once: {more_s:.2f} = {ratio(more_s, first_s)} of the "
        f"first pass, peak RSS {more_mb:.0f} MB"
    )
    status_s, status_mb, _ = run(
        [followup, "status", "--config", str(config), "--now", NOW], folder
    )
    print(
        f"{name}: status after sync: {status_s:.2f} = {ratio(status_s, first_s)} of the first "
        f"pass, peak RSS {status_mb:.0f} MB"
    )
    plan_s, plan_mb, _ = run(
        [followup, "plan", "--config", str(config), "--now", NOW, "--json"], folder
    )
    print(
        f"{name}: plan after sync: {plan_s:.2f} = {ratio(plan_s, first_s)} of the first "
        f"pass, peak RSS {plan_mb:.0f} MB"
    )
    first_poll, next_poll = daemon_polls(config, folder, add)
    print(
        f"{name}: `followup run`, its first poll after a new message: {first_poll:.2f} = "
        f"{ratio(first_poll, first_s)} of the first pass; the next one: {next_poll:.2f} = "
        f"{ratio(next_poll, first_s)}"
    )


def daemon_polls(
    config: Path, folder: Path, add: Callable[[int], Callable[[], None]]
) -> tuple[Took, Took]:
    """The daemon's passes after a delivery, in one long-lived process as `followup run`
    has: the first since it started (it compiles the reply reader then), and the next."""
    undo: list[Callable[[], None]] = []
    with tempfile.TemporaryFile("w+") as log:
        daemon = subprocess.Popen(
            [sys.executable, "-c", DAEMON, str(config), NOW],
            cwd=folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        assert daemon.stdin is not None and daemon.stdout is not None
        try:
            figures = [daemon.stdout.readline().split()]  # its first pass: nothing new
            for number in (2, 3):
                undo.append(add(number))
                daemon.stdin.write("\n")
                daemon.stdin.flush()
                figures.append(daemon.stdout.readline().split())
            if daemon.wait(timeout=600) != 0 or not all(len(f) == 2 for f in figures):
                log.seek(0)
                print(log.read(), file=sys.stderr)
                raise SystemExit("failed: the daemon's passes")
        finally:
            for step in reversed(undo):
                step()
    first, then = (Took(float(wall), float(cpu)) for wall, cpu in figures[1:])
    return first, then


def append_mbox(mbox: Path, number: int) -> Callable[[], None]:
    """Appends one message; returns how to take it off again."""
    mail = new_message(number)
    size = mbox.stat().st_size
    with mbox.open("ab") as handle:
        handle.write(mailgen.from_line(mail) + mail.to_bytes() + b"\n")
    return lambda: os.truncate(mbox, size)


def deliver(root: Path, number: int) -> Callable[[], None]:
    """Delivers one message to the Maildir; returns how to take it out again."""
    delivered = root / "new" / f"1800000000.M{number}P9.bench:2,"
    delivered.write_bytes(new_message(number).to_bytes())
    return lambda: delivered.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
