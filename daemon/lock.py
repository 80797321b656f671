"""One writer per state file: an advisory lock on a file beside it (`state.sqlite.lock`).

Two passes writing at once could both miss an item and both create it; the lock makes the
second `followup run` (or a `sync --once` while the daemon runs) stop with one line instead.
The kernel releases the lock when the process dies, however it dies, so a killed daemon
never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from daemon.errors import FollowupError


class AlreadyRunning(FollowupError):
    """Another followup process holds the state file."""


class StateLock:
    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock; AlreadyRunning if another process holds it, StateError (one line)
        if the lock file cannot be made (a full disk, a read-only folder, a file in the way)."""
        try:
            self._acquire()
        except OSError as error:
            from daemon.state import StateError, problem_with

            raise StateError(problem_with(self.path, error)) from None

    def _acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise AlreadyRunning(
                f"{self.path.with_suffix('')}: another followup is already running on this "
                f"state{who}; stop it first (`followup run` syncs every few minutes by itself)"
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StateLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
