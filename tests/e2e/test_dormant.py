"""Old interviews through the real command (POLICY.md "Old interviews"): a first sync over a
calendar export with years of interviews writes nothing for them, and `status` lists them
apart on one line (or in the table with `--all`)."""

from __future__ import annotations

import mailbox
import subprocess
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import followup_command
from tests.daemon.scenario import CONFIG

NY = ZoneInfo("America/New_York")
ME = "alex@example.com"
NOW = "2026-12-10T12:00:00-05:00"


def _event(uid: str, title: str, start: datetime, organizer: str) -> list[str]:
    utc = "%Y%m%dT%H%M%SZ"
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261201T000000Z",
        f"DTSTART:{start.astimezone(UTC):{utc}}",
        f"DTEND:{(start + timedelta(hours=1)).astimezone(UTC):{utc}}",
        f"SUMMARY:{title}",
        f"ORGANIZER:mailto:{organizer}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{organizer}",
        "END:VEVENT",
    ]


def _mail(sender: str, to: str, sent: datetime, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<{sender.split('@')[0]}.{sent:%Y%m%d%H%M}@test>"
    message.set_content(body)
    return message


def build(folder: Path) -> Path:
    """30 interviews a month apart from January 2023 (Oldco 0..29), some with mail, and one
    this week (Recentco, Tue 2026-12-08)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//followup//tests//EN"]
    box = mailbox.mbox(str(folder / "mail.mbox"), create=True)
    for number in range(30):
        start = datetime(2023 + number // 12, number % 12 + 1, 10, 10, 0, tzinfo=NY)
        recruiter = f"pat@oldco{number}.example"
        lines += _event(f"old-{number}", f"Interview with Oldco{number}", start, recruiter)
        if number % 3 == 0:
            box.add(_mail(ME, recruiter, start + timedelta(hours=3), "Thank you", "Thank you!"))
            box.add(
                _mail(
                    recruiter,
                    ME,
                    start + timedelta(days=2),
                    "Re: Thank you",
                    "We will get back to you within 2 weeks.",
                )
            )
    recent = datetime(2026, 12, 8, 10, 0, tzinfo=NY)
    lines += _event("recent-1", "Interview with Recentco", recent, "sam@recentco.example")
    lines.append("END:VCALENDAR")
    (folder / "calendar.ics").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    box.flush()
    box.close()
    config = folder / "config.toml"
    config.write_text(CONFIG.format(me=ME), encoding="utf-8")
    return config


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*followup_command(), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_a_first_sync_over_years_of_interviews_writes_nothing_for_them(tmp_path: Path) -> None:
    config = build(tmp_path)
    done = run("sync", "--once", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr
    reminders = (tmp_path / "out" / "reminders.ics").read_text(encoding="utf-8")
    drafts = [
        p.read_text(encoding="utf-8")
        for p in (tmp_path / "out" / "drafts").rglob("*")
        if p.is_file()
    ]
    # Recentco only: reminders for its thank-you and follow-up 1, the thank-you's draft (due
    # Tue 12:00); nothing of the thirty old ones.
    assert reminders.count("BEGIN:VEVENT") == 2
    assert len(drafts) == 1
    assert "Oldco" not in reminders and not any("Oldco" in d for d in drafts)
    assert "Recentco" in reminders and "Recentco" in drafts[0]


def test_status_lists_dormant_interviews_apart(tmp_path: Path) -> None:
    config = build(tmp_path)
    brief = run("status", "--config", str(config), "--now", NOW)
    assert brief.returncode == 0, brief.stderr
    table, _, rest = brief.stdout.partition("Dormant, nothing planned")
    assert "Recentco" in table and "Oldco" not in table
    line = rest.splitlines()[0]
    # newest first, eight named, the rest counted
    assert line.startswith(" (quiet more than 30 days): 30: Oldco29 (Jun 2025), Oldco28 (May 2025)")
    assert "and 22 more" in line and "--all" in line
    every = run("status", "--all", "--config", str(config), "--now", NOW)
    assert "Oldco0" in every.stdout and "closed (dormant)" in every.stdout
    assert "Dormant, nothing planned" not in every.stdout
