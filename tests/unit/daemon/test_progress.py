"""Progress shows on a terminal only: never in a pipe, a log or the daemon."""

from __future__ import annotations

import io
import os
import pty

from daemon import progress


def test_nothing_is_written_off_a_terminal() -> None:
    out = io.StringIO()
    with progress.progress("reading", stream=out) as shown:
        for done in range(1, 1000):
            shown(done, 999)
    assert out.getvalue() == ""


def test_a_bar_with_counts_on_a_terminal_and_none_once_disabled() -> None:
    master, slave = pty.openpty()
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        with progress.progress("reading mail", stream=terminal) as shown:
            for done in range(1, 51):
                shown(done, 50)
        terminal.flush()
        drawn = _drain(master)
        assert "reading mail" in drawn and "50/50" in drawn
        saved = progress._enabled
        try:
            progress.disable()
            with progress.progress("again", stream=terminal) as shown:
                shown(1, 2)
            terminal.flush()
        finally:
            progress._enabled = saved
    rest = _drain(master)
    os.close(master)
    assert "again" not in rest


def _drain(master: int) -> str:
    """Everything written to the terminal so far (a pty hands it out in pieces)."""
    os.set_blocking(master, False)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # nothing more (EAGAIN), or the terminal is closed (EIO)
            break
        if not chunk:
            break
        seen += chunk
    os.set_blocking(master, True)
    return seen.decode("utf-8", "replace")
