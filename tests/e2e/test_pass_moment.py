"""What `followup sync --once --now` writes carries the pass's moment, and a destination
that cannot be written is one line naming it (the local writers' `WriteError`)."""

from __future__ import annotations

import email
import email.policy
import shutil
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.conftest import sync_once as sync

NOW = "2026-12-10T12:00:00-05:00"
LATER = "2026-12-17T09:15:00-05:00"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for name in ("calendar.ics", "mail.mbox", "config.toml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    return tmp_path / "config.toml"


def drafts_in(folder: Path) -> list[EmailMessage]:
    out = []
    for path in sorted((folder / "cur").iterdir()):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.strict)
        assert isinstance(message, EmailMessage)
        out.append(message)
    return out


def test_maildir_drafts_are_dated_by_the_passes_now_not_the_wall_clock(example: Path) -> None:
    first = sync(example, NOW)
    assert first.returncode == 0, first.stderr
    drafts = example.parent / "out" / "drafts"
    written = drafts_in(drafts)
    assert written
    for message in written:
        assert message["Date"].datetime == datetime.fromisoformat(NOW)
    # a week later new drafts fall due: they carry that pass's moment, the old ones theirs
    later = sync(example, LATER)
    assert later.returncode == 0, later.stderr
    dates = sorted({m["Date"].datetime for m in drafts_in(drafts)})
    assert dates == [datetime.fromisoformat(NOW), datetime.fromisoformat(LATER)]


# A folder nobody can create, root included (the tests run on Linux).
NOWHERE = "/proc/followup-nowhere"


def test_an_unwritable_reminders_file_is_a_write_problem_in_one_line(example: Path) -> None:
    example.write_text(example.read_text().replace("out/reminders.ics", f"{NOWHERE}/r.ics"))
    result = sync(example, NOW)
    assert result.returncode != 0
    assert f"stopped early: writing the reminders: {NOWHERE}: no such file" in result.stdout
    assert "Error" not in result.stdout + result.stderr
    # the drafts are another destination: written all the same
    assert drafts_in(example.parent / "out" / "drafts")


def test_an_unwritable_drafts_folder_is_a_write_problem_in_one_line(example: Path) -> None:
    example.write_text(example.read_text().replace("out/drafts", f"{NOWHERE}/drafts"))
    result = sync(example, NOW)
    output = result.stdout + result.stderr
    assert f"{NOWHERE}/drafts: cannot write a draft: no such file" in output
    assert "Error" not in output and "Traceback" not in output
    assert "X-FOLLOWUP-KEY" in (example.parent / "out" / "reminders.ics").read_text()


def test_the_local_writers_failures_are_write_errors_not_read_errors(tmp_path: Path) -> None:
    from connectors.base import DraftMessage, Reminder
    from connectors.local.ics_reminders import IcsReminders
    from connectors.local.maildir_drafts import MaildirDrafts
    from policy.errors import ReadError, WriteError
    from policy.models import Draft

    reminder = Reminder(key="a/1", title="t", text="x", starts_at=datetime.fromisoformat(NOW))
    with pytest.raises(WriteError, match=f"{NOWHERE}: no such file") as raised:
        IcsReminders(Path(NOWHERE) / "r.ics").create(reminder)
    assert not isinstance(raised.value, ReadError)
    draft = DraftMessage(key="a/1", draft=Draft(to=("pat@acme.example",), subject="s", body="b"))
    sink = MaildirDrafts(Path(NOWHERE) / "drafts", sender="alex@example.com")
    with pytest.raises(WriteError, match="cannot write a draft") as raised_too:
        sink.create(draft)
    assert not isinstance(raised_too.value, ReadError)
