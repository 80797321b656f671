"""Progress for long work (a first sync, a big mailbox), shown on a terminal and nowhere else.

Code that does long work takes a `Progress` and calls it; it never knows whether anything is
drawn. `progress(...)` gives one: a rich bar on stderr when stderr is a terminal (with
counts, and an estimate once the total is known), and a no-op otherwise — so nothing of it
reaches logs, pipes or the journal. The daemon (`followup run`) turns it off altogether.
Connectors, which may not import the daemon, take a plain `Callable[[int, int | None], None]`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

# done so far, and the total when known
Progress = Callable[[int, int | None], None]

_enabled = True


def disable() -> None:
    """No progress at all from now on (the daemon: its output is a log)."""
    global _enabled
    _enabled = False


def _silent(done: int, total: int | None) -> None:
    return None


@contextmanager
def progress(description: str, *, stream: IO[str] | None = None) -> Iterator[Progress]:
    """A `Progress` for one piece of work; the bar goes away when the work is done."""
    global _drawing
    out = sys.stderr if stream is None else stream
    if not _enabled or not _is_terminal(out):
        yield _silent
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import (
        Progress as Bar,
    )

    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(file=out),
        transient=True,
    )
    task = bar.add_task(description, total=None)
    started = False

    def update(done: int, total: int | None) -> None:
        # Drawn from the first update on, and only while no other bar is drawn (rich shows
        # one live display at a time): work that opens a bar and then calls work that opens
        # its own shows whichever is running.
        nonlocal started
        global _drawing  # one bar at a time, across every caller
        if not started:
            if _drawing:
                return
            bar.start()
            started = _drawing = True
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if started:
            bar.stop()
            _drawing = False


_drawing = False


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
