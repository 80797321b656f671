"""Writes the bundled example data: calendar.ics and mail.mbox (run from anywhere).

Eight interviews in different states around December 2026, written the way Google
Takeout exports them, so `followup` can be tried without a Google account.
"""

from __future__ import annotations

import mailbox
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ME = "alex@example.com"
TZ = "America/New_York"

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE"""

EVENTS = [
    # uid, title, start, end, organizer, attendees, description
    (
        "acme-1",
        "Interview with Acme - Backend Engineer",
        "2026-12-01T10:00",
        "2026-12-01T11:00",
        "jane@acme-corp.com",
        ["bob@acme-corp.com"],
        "Timeline: within 2 weeks\nLearned: the team is moving billing to event sourcing",
    ),
    (
        "globex-1",
        "Globex onsite interview",
        "2026-12-03T14:00",
        "2026-12-03T16:00",
        "tom@globex.io",
        [],
        "",
    ),
    (
        "initech-1",
        "Initech - hiring manager interview",
        "2026-11-23T13:00",
        "2026-11-23T14:00",
        "sam@initech.com",
        [],
        "Timeline: 1 week",
    ),
    (
        "umbrella-1",
        "Umbrella phone screen",
        "2026-12-02T10:00",
        "2026-12-02T10:30",
        "ada@umbrella.example",
        [],
        "",
    ),
    (
        "dunder-1",
        "Interview at Dunder Mifflin",
        "2026-12-04T10:00",
        "2026-12-04T11:00",
        "toby@dundermifflin.com",
        [],
        "Culture: paper\nTimeline: 3 weeks",
    ),
    (
        "hooli-1",
        "Interview: Hooli platform team",
        "2026-12-07T10:00",
        "2026-12-07T11:00",
        "gavin@hooli.xyz",
        [],
        "Timeline: by Friday",
    ),
    (
        "soylent-1",
        "Soylent recruiter call",
        "2026-11-30T09:00",
        "2026-11-30T09:30",
        "sol@soylent.example",
        [],
        "",
    ),
    (
        "soylent-2",
        "Soylent interview (final round)",
        "2026-12-09T13:00",
        "2026-12-09T15:00",
        "sol@soylent.example",
        ["cto@soylent.example"],
        "",
    ),
    (
        "stark-1",
        "Phone screen - Stark Industries",
        "2026-12-14T15:00",
        "2026-12-14T15:30",
        "pepper@stark.example",
        [],
        "",
    ),
    (
        "dentist",
        "Dentist appointment",
        "2026-12-08T08:30",
        "2026-12-08T09:00",
        "front@dental.example",
        [],
        "",
    ),
]

MESSAGES = [
    # id, from, to, date, subject, body, in_reply_to, extra headers
    (
        "a1",
        ME,
        "bob@acme-corp.com",
        "2026-12-01T15:00",
        "Thank you",
        "Hi Bob,\n\nThank you for taking the time to meet with me today. I enjoyed learning "
        "about the team and I'm excited about the role.\n\nBest,\nAlex",
        None,
        {},
    ),
    (
        "g1",
        "tom@globex.io",
        ME,
        "2026-12-03T17:30",
        "Thanks for coming in",
        "Hi Alex,\n\nThanks for meeting the team today. We'll get back to you within 5 business "
        "days.\n\nTom",
        None,
        {},
    ),
    (
        "i1",
        ME,
        "sam@initech.com",
        "2026-11-23T16:00",
        "Thank you, Sam",
        "Hi Sam,\n\nThank you for meeting with me today.\n\nBest,\nAlex",
        None,
        {},
    ),
    (
        "i2",
        ME,
        "sam@initech.com",
        "2026-12-01T09:45",
        "Re: Thank you, Sam",
        "Hi Sam,\n\nI wanted to follow up on the hiring manager role. I'm still very "
        "interested.\n\nAlex",
        "i1",
        {},
    ),
    (
        "i3",
        "sam@initech.com",
        ME,
        "2026-12-02T11:00",
        "Re: Thank you, Sam",
        "Thanks for checking in! We're still interviewing and I don't have a timeline yet.\n\n"
        "On Tue, Dec 1, 2026 at 9:45 AM Alex Doe <alex@example.com> wrote:\n> Hi Sam,\n>\n"
        "> I wanted to follow up on the hiring manager role.",
        "i2",
        {},
    ),
    (
        "u1",
        "ada@umbrella.example",
        ME,
        "2026-12-09T14:00",
        "Your application",
        "Hi Alex,\n\nThank you for your time. Unfortunately, we have decided to move forward "
        "with other candidates.\n\nBest of luck,\nAda",
        None,
        {},
    ),
    (
        "h1",
        ME,
        "gavin@hooli.xyz",
        "2026-12-07T16:00",
        "Thank you",
        "Hi Gavin,\n\nThank you for the conversation today.\n\nAlex",
        None,
        {},
    ),
    (
        "h2",
        "gavin@hooli.xyz",
        ME,
        "2026-12-07T16:01",
        "Out of office: Thank you",
        "I am out of the office until Wednesday, December 16 with limited access to email.",
        "h1",
        {"Auto-Submitted": "auto-replied"},
    ),
    (
        "s1",
        "sol@soylent.example",
        ME,
        "2026-12-01T12:00",
        "Next steps",
        "Hi Alex,\n\nGreat talking yesterday! We'd like to invite you to a final round with our "
        "CTO.\n\nSol",
        None,
        {},
    ),
    (
        "n1",
        "newsletter@shop.example",
        ME,
        "2026-12-05T08:00",
        "Deals of the week",
        "Big savings this week only.",
        None,
        {},
    ),
]


def ics_time(value: str) -> str:
    return f";TZID={TZ}:" + datetime.fromisoformat(value).strftime("%Y%m%dT%H%M%S")


def ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def write_calendar(path: Path) -> None:
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//followup//examples//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE.splitlines(),
    ]
    for uid, title, start, end, organizer, attendees, description in EVENTS:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261120T120000Z",
            "DTSTART" + ics_time(start),
            "DTEND" + ics_time(end),
            "SUMMARY:" + ics_text(title),
            "STATUS:CONFIRMED",
            f"ORGANIZER;CN={organizer.split('@')[0].capitalize()}:mailto:{organizer}",
        ]
        if description:
            lines.append("DESCRIPTION:" + ics_text(description))
        for who in [ME, organizer, *attendees]:
            lines.append(
                f"ATTENDEE;PARTSTAT=ACCEPTED;CN={who.split('@')[0].capitalize()}:mailto:{who}"
            )
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def write_mail(path: Path) -> None:
    path.unlink(missing_ok=True)
    box = mailbox.mbox(str(path), create=True)
    by_id = {m[0]: m for m in MESSAGES}
    for mid, sender, to, when, subject, body, reply_to, headers in MESSAGES:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(datetime.fromisoformat(when + "-05:00"))
        msg["Message-ID"] = f"<{mid}@example.mail>"
        if reply_to:
            chain = []
            cursor = reply_to
            while cursor:
                chain.insert(0, f"<{cursor}@example.mail>")
                cursor = by_id[cursor][6]
            msg["In-Reply-To"] = chain[-1]
            msg["References"] = " ".join(chain)
        for name, value in headers.items():
            msg[name] = value
        msg.set_content(body)
        box.add(msg)
    box.flush()
    box.close()


if __name__ == "__main__":
    write_calendar(HERE / "calendar.ics")
    write_mail(HERE / "mail.mbox")
