"""`followup status` on the bundled example: a table people can read, and one reason each."""

from __future__ import annotations

import subprocess

from tests.conftest import ROOT, followup_command


def test_status_lists_each_interview_with_its_next_step_and_reason() -> None:
    done = subprocess.run(
        [
            *followup_command(),
            "status",
            "--config",
            str(ROOT / "examples" / "config.toml"),
            "--now",
            "2026-12-10T12:00:00-05:00",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for company in ("Acme", "Globex", "Initech", "Umbrella", "Dunder Mifflin", "Hooli"):
        assert company in out
    assert "Dentist" not in out
    assert "closed (rejected)" in out
    assert "thank-you (handwritten)" in out
    assert "Hooli (hooli-1): auto-reply: away until 2026-12-16, so no follow-up before " in out
    assert "Umbrella (umbrella-1): decision: rejected" in out
