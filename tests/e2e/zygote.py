"""A fork server for the crash test: imports followup once, then forks one child per run.

Each child runs `daemon.cli.main(args)`, the `followup` command's own entry point, in a
process of its own that the test SIGKILLs at a random instant; forking from a process that
already imported everything saves the ~0.3 s of imports per run, so 200 kills fit in the
default suite. Talks line by line on stdin/stdout:

    run <stderr-file> <json args>   -> "pid <pid>"
    wait <pid> <seconds>            -> "exit <code>" | "signal <number>" | "running"
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import connectors.local.ics  # noqa: E402,F401
import connectors.local.ics_reminders  # noqa: E402,F401
import connectors.local.maildir_drafts  # noqa: E402,F401
import connectors.local.mbox  # noqa: E402,F401
import daemon.cli  # noqa: E402
import daemon.observer  # noqa: E402,F401
import daemon.reconcile  # noqa: E402,F401
import daemon.report  # noqa: E402,F401
import daemon.sinks  # noqa: E402,F401

if os.environ.get("FOLLOWUP_GOOGLE_API_ROOT"):  # the Google connectors, imported too
    import googleapiclient.discovery  # noqa: F401

    import connectors.google.api  # noqa: F401
    import connectors.google.calendar  # noqa: F401
    import connectors.google.gmail  # noqa: F401
    import connectors.google.gmail_drafts  # noqa: F401


def _run(stderr: str, args: list[str]) -> int:
    pid = os.fork()
    if pid:
        return pid
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        err = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(null, 1)
        os.dup2(err, 2)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        code = daemon.cli.main(args)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # report, never fall back into the server's loop
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        code = 70
    os._exit(code)


def _wait(pid: int, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG if seconds >= 0 else 0)
        if done:
            if os.WIFSIGNALED(status):
                return f"signal {os.WTERMSIG(status)}"
            return f"exit {os.WEXITSTATUS(status)}"
        if seconds >= 0 and time.monotonic() >= deadline:
            return "running"
        time.sleep(0.002)


def main() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        if command == "run":
            stderr, _, args = rest.partition(" ")
            print(f"pid {_run(stderr, json.loads(args))}", flush=True)
        elif command == "wait":
            pid, _, seconds = rest.partition(" ")
            print(_wait(int(pid), float(seconds)), flush=True)


if __name__ == "__main__":
    main()
