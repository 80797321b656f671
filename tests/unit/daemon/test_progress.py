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


def test_work_inside_work_draws_one_bar_at_a_time() -> None:
    """A sync's write bar is open while the mail is read with its own: rich draws one live
    display at a time, so whichever runs is drawn and neither fails."""
    master, slave = pty.openpty()
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        with progress.progress("writing", stream=terminal) as outer:
            with progress.progress("reading", stream=terminal) as inner:
                inner(3, None)
                with progress.progress("nested while drawn", stream=terminal) as third:
                    third(1, 1)  # not drawn: "reading" is
            for done in range(1, 11):
                outer(done, 10)
        terminal.flush()
        drawn = _drain(master)
    os.close(master)
    assert "reading" in drawn and "writing" in drawn and "10/10" in drawn
    assert "nested while drawn" not in drawn
