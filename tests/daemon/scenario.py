"""Generated local data for the daemon's tests and bench: many interviews, many actions.

`build(folder, interviews=N)` writes `calendar.ics`, `mail.mbox` and `config.toml` (with
`reminders_path`, `drafts_path` and `state_path` under `folder/out`). Interviews are spread
over November and December 2026; each has a recruiter thread with, for some, a thank-you
from me, a reply that gives a new date, or a reply without one. At the moments in `MOMENTS`
the plans differ a lot (prep reminders, thank-you drafts falling due, follow-ups moving), so
alternating between them keeps every pass busy with creates, updates and removals.
"""

from __future__ import annotations

import mailbox
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ME = "alex@example.com"
ZONE = ZoneInfo("America/New_York")
START = datetime(2026, 11, 16, 10, 0, tzinfo=ZONE)

# Moments whose plans differ: before most interviews, among them, after them, much later.
MOMENTS = (
    "2026-11-20T08:00:00-05:00",
    "2026-12-02T12:00:00-05:00",
    "2026-12-11T09:45:00-05:00",
    "2026-12-21T16:00:00-05:00",
)

CONFIG = """\
[user]
email = "{me}"
name = "Alex Doe"
timezone = "America/New_York"
country = "US"

[calendar]
source = "ics"
path = "calendar.ics"
reminders_path = "out/reminders.ics"

[mail]
source = "mbox"
path = "mail.mbox"
drafts_path = "out/drafts"

[daemon]
state_path = "out/state.sqlite"
poll_minutes = 5
"""


@dataclass(frozen=True)
class Interview:
    uid: str
    title: str
    start_at: datetime
    end_at: datetime
    recruiter: str
    recruiter_name: str
    description: str
    thread: tuple[EmailMessage, ...]


def generate(*, interviews: int = 40, seed: int = 20261201) -> list[Interview]:
    """The interviews and their mail threads, oldest message first."""
    rng = random.Random(seed)
    found = []
    for number in range(interviews):
        begins = START + timedelta(days=(number * 29 // max(interviews, 1)), hours=number % 4)
        ends = begins + timedelta(hours=1)
        recruiter = f"pat{number}@company{number}.example"
        days = rng.choice((5, 7, 10, 14))
        subject = f"Interview with Company {number}"
        thread: list[EmailMessage] = []
        thread.append(
            _message(
                recruiter,
                ME,
                subject,
                begins - timedelta(days=3),
                f"s{number}",
                "Looking forward to speaking with you.",
                thread,
            )
        )
        if rng.random() < 0.5:  # a thank-you two hours after the interview
            thread.append(
                _message(
                    ME,
                    recruiter,
                    f"Re: {subject}",
                    ends + timedelta(hours=2),
                    f"t{number}",
                    "Thank you for your time today.",
                    thread,
                )
            )
        kind = rng.random()
        reply_at = ends + timedelta(days=rng.randint(2, 6), hours=1)
        if kind < 0.35:  # a new date
            when = (reply_at + timedelta(days=rng.randint(6, 12))).strftime("%B %d")
            thread.append(
                _message(
                    recruiter,
                    ME,
                    f"Re: {subject}",
                    reply_at,
                    f"r{number}",
                    f"We will get back to you by {when}.",
                    thread,
                )
            )
        elif kind < 0.55:  # a reply without a date
            thread.append(
                _message(
                    recruiter,
                    ME,
                    f"Re: {subject}",
                    reply_at,
                    f"r{number}",
                    "Thanks for checking in, we are still talking to people.",
                    thread,
                )
            )
        found.append(
            Interview(
                uid=f"int-{number}",
                title=subject,
                start_at=begins,
                end_at=ends,
                recruiter=recruiter,
                recruiter_name=f"Pat {number}",
                description=f"Timeline: within {days} days",
                thread=tuple(thread),
            )
        )
    return found


def build(folder: Path, *, interviews: int = 40, seed: int = 20261201) -> Path:
    """Write the scenario into `folder`; returns the config path."""
    folder.mkdir(parents=True, exist_ok=True)
    events = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//followup//tests//EN"]
    box = mailbox.mbox(str(folder / "mail.mbox"), create=True)
    box.lock()
    for interview in generate(interviews=interviews, seed=seed):
        events += [
            "BEGIN:VEVENT",
            f"UID:{interview.uid}",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART:{_utc(interview.start_at)}",
            f"DTEND:{_utc(interview.end_at)}",
            f"SUMMARY:{interview.title}",
            f"ORGANIZER;CN={interview.recruiter_name}:mailto:{interview.recruiter}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
            f"DESCRIPTION:{interview.description}",
            "END:VEVENT",
        ]
        for message in interview.thread:
            box.add(message)
    box.flush()
    box.unlock()
    box.close()
    events.append("END:VCALENDAR")
    (folder / "calendar.ics").write_text("\r\n".join(events) + "\r\n")
    config = folder / "config.toml"
    config.write_text(CONFIG.format(me=ME))
    return config


def load_into(fake: Any, *, interviews: int = 40, seed: int = 20261201) -> None:
    """The same interviews and threads in the fake Google (tests/fakegoogle)."""
    for interview in generate(interviews=interviews, seed=seed):
        fake.calendar.put_event(
            "primary",
            {
                "id": interview.uid,
                "summary": interview.title,
                "description": interview.description,
                "start": {"dateTime": interview.start_at.isoformat()},
                "end": {"dateTime": interview.end_at.isoformat()},
                "organizer": {
                    "email": interview.recruiter,
                    "displayName": interview.recruiter_name,
                },
                "attendees": [
                    {"email": ME, "responseStatus": "accepted"},
                    {"email": interview.recruiter, "responseStatus": "accepted"},
                ],
            },
        )
        thread_id = None
        for message in interview.thread:
            mine = str(message["From"]) == ME
            ref = fake.gmail.deliver(
                message.as_bytes(),
                thread_id=thread_id,
                labels=("SENT",) if mine else ("INBOX",),
            )
            thread_id = thread_id or ref.thread_id


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _message(
    sender: str,
    to: str,
    subject: str,
    sent_at: datetime,
    tag: str,
    body: str,
    thread: list[EmailMessage],
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = f"<{tag}@tests.example>"
    if thread:
        previous = str(thread[-1]["Message-ID"])
        message["In-Reply-To"] = previous
        message["References"] = " ".join(str(m["Message-ID"]) for m in thread)
    message.set_content(body + "\n")
    return message
