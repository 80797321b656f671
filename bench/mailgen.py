"""Generates a realistic mailbox and calendar for the mailbox benches (issue 12).

    .venv/bin/python bench/mailgen.py OUT --messages 20000 --interviews 300 [--maildir]

Writes OUT/mail.mbox (Gmail Takeout style: X-GM-THRID, X-Gmail-Labels, CRLF-free mboxrd
with `>From ` escaping), OUT/calendar.ics (the interviews among ordinary meetings) and
OUT/config.toml (local sources, state and outputs inside OUT); with --maildir also
OUT/Mail/ (the same messages as a Maildir with a Sent folder). Mail is mixed as in a real
inbox: newsletters with List-Unsubscribe and HTML alternatives, notifications, personal
threads with quoted replies and signatures, a little Spam and Trash, and per interview a
scheduling thread, my thank-you, the recruiter's replies (timelines, dateless updates,
some decisions, some through an applicant-tracking service). Seeded: the same arguments
give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

ME = "alex.doe@gmail.com"
EST = timezone(timedelta(hours=-5))
START = datetime(2025, 1, 6, 9, 0, tzinfo=EST)
NOW = "2026-12-16T12:00:00-05:00"

_WORDS = tuple(
    [
        "the",
        "team",
        "project",
        "update",
        "review",
        "quarter",
        "plan",
        "meeting",
        "schedule",
        "design",
        "product",
        "customer",
        "launch",
        "budget",
        "report",
        "notes",
        "follow",
        "question",
        "idea",
        "draft",
        "weekly",
        "deadline",
        "feedback",
        "results",
        "share",
        "discuss",
        "travel",
        "dinner",
        "weekend",
        "photos",
        "family",
        "garden",
        "recipe",
        "concert",
        "tickets",
    ]
)
_TIMELINES = (
    "We will get back to you within two weeks.",
    "You should hear from us by Friday.",
    "We expect to make a decision by the end of next week.",
    "We'll be in touch within 5 business days.",
    "The team will reach a decision early next month.",
)
_DATELESS = (
    "Thanks for your patience, the team is still reviewing candidates.",
    "Just a quick note that we are still working through interviews.",
)
_DECISIONS = (
    "Unfortunately, we have decided to move forward with other candidates.",
    "We are pleased to offer you the position.",
    "We would like to invite you to a final round interview.",
)
_ATS = ("greenhouse.io", "lever.co", "myworkday.com", "ashbyhq.com")


def sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text.capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(6, 18)) for _ in range(sentences))


class Mail:
    """One message to write: headers in order, a text body, an optional HTML alternative."""

    def __init__(
        self,
        *,
        sender: str,
        to: str,
        subject: str,
        sent: datetime,
        message_id: str,
        thread: int,
        labels: str,
        text: str,
        html: str | None = None,
        extra: tuple[tuple[str, str], ...] = (),
        reply_to: str = "",
    ) -> None:
        self.sent = sent
        self.headers = [
            ("X-GM-THRID", str(thread)),
            ("X-Gmail-Labels", labels),
            ("From", sender),
            ("To", to),
            ("Subject", subject),
            ("Date", format_datetime(sent)),
            ("Message-ID", f"<{message_id}>"),
        ]
        if reply_to:
            self.headers += [("In-Reply-To", f"<{reply_to}>"), ("References", f"<{reply_to}>")]
        self.headers += list(extra)
        self.text = text
        self.html = html

    def to_bytes(self) -> bytes:
        lines = [f"{name}: {value}" for name, value in self.headers]
        lines.append("MIME-Version: 1.0")
        if self.html is None:
            lines += ['Content-Type: text/plain; charset="utf-8"', "", self.text]
        else:
            boundary = f"b{zlib.crc32(self.headers[6][1].encode()):010d}"
            lines += [
                f'Content-Type: multipart/alternative; boundary="{boundary}"',
                "",
                f"--{boundary}",
                'Content-Type: text/plain; charset="utf-8"',
                "",
                self.text,
                f"--{boundary}",
                'Content-Type: text/html; charset="utf-8"',
                "",
                self.html,
                f"--{boundary}--",
            ]
        body = "\n".join(lines) + "\n"
        escaped = []
        for line in body.split("\n"):
            stripped = line.lstrip(">")
            escaped.append(">" + line if stripped.startswith("From ") else line)
        return "\n".join(escaped).encode("utf-8")


def generate(
    messages: int, interviews: int, seed: int = 20261201
) -> tuple[Iterator[Mail], list[str]]:
    """The messages, oldest first (made as they are written: memory stays small), and the
    calendar's VEVENT lines."""
    rng = random.Random(seed)
    mails: list[Mail] = []
    events: list[str] = []
    span = (datetime(2026, 12, 12, tzinfo=EST) - START).total_seconds()
    thread_ids = iter(range(1_700_000_000_000_000_000, 1_800_000_000_000_000_000, 7919))

    for number in range(interviews):
        company = f"Company{number}"
        domain = f"company{number}.example"
        recruiter = f"Rita {company} <rita@{domain}>"
        begins = START + timedelta(seconds=span * (number + 0.5) / interviews)
        begins = begins.replace(minute=0, second=0) + timedelta(hours=rng.randint(0, 6))
        events += [
            "BEGIN:VEVENT",
            f"UID:int-{number}@bench",
            "DTSTAMP:20250101T000000Z",
            f"DTSTART:{begins.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{(begins + timedelta(hours=1)).astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Interview with {company}",
            f"ORGANIZER;CN=Rita:mailto:rita@{domain}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:hiring.manager@{domain}",
            "END:VEVENT",
        ]
        thread = next(thread_ids)
        base = f"i{number}"
        steps = [
            (begins - timedelta(days=5), False, "Scheduling your interview", paragraph(rng, 3)),
            (begins + timedelta(hours=3), True, "Thank you", "Thank you for your time today. "),
            (begins + timedelta(days=1), False, "Next steps", rng.choice(_TIMELINES)),
        ]
        if rng.random() < 0.4:
            steps.append((begins + timedelta(days=9), False, "Update", rng.choice(_DATELESS)))
        if rng.random() < 0.5:
            steps.append((begins + timedelta(days=16), False, "Update", rng.choice(_DECISIONS)))
        previous = ""
        for step, (sent, mine, subject, said) in enumerate(steps):
            message_id = f"{base}-{step}@bench.example"
            quoted = "\n".join("> " + sentence(rng) for _ in range(rng.randint(2, 8)))
            text = f"Hi,\n\n{said}\n{paragraph(rng, 2)}\n\nBest,\nRita\n\n{quoted}\n"
            via_ats = not mine and step == len(steps) - 1 and rng.random() < 0.3
            sender = ME if mine else recruiter
            if via_ats:
                sender = f"{company} Recruiting <no-reply@{rng.choice(_ATS)}>"
            mails.append(
                Mail(
                    sender=sender,
                    to=f"rita@{domain}" if mine else ME,
                    subject=f"Re: Interview with {company}: {subject}",
                    sent=sent,
                    message_id=message_id,
                    thread=thread,
                    labels="Sent" if mine else "Inbox,Important",
                    text=text,
                    html=None if mine else f"<html><body><p>{said}</p></body></html>",
                    reply_to=previous,
                )
            )
            previous = message_id

    mails.sort(key=lambda mail: mail.sent)
    filler = max(0, messages - len(mails))
    times = sorted(START + timedelta(seconds=span * rng.random()) for _ in range(filler))
    return _merged(mails, times, rng, thread_ids), events


def _merged(
    interview_mails: list[Mail],
    times: list[datetime],
    rng: random.Random,
    thread_ids: Iterator[int],
) -> Iterator[Mail]:
    pending = iter(interview_mails)
    waiting = next(pending, None)
    for mail in _filler(times, rng, thread_ids):
        while waiting is not None and waiting.sent <= mail.sent:
            yield waiting
            waiting = next(pending, None)
        yield mail
    while waiting is not None:
        yield waiting
        waiting = next(pending, None)


def _filler(times: list[datetime], rng: random.Random, thread_ids: Iterator[int]) -> Iterator[Mail]:
    personal_threads: list[tuple[int, str, str]] = []
    for number, sent in enumerate(times):
        kind = rng.random()
        if kind < 0.45:  # newsletters and notifications: bulk, HTML alternatives
            shop = f"shop{number % 311}.example"
            text = paragraph(rng, rng.randint(4, 20))
            html = "<html><body>" + "".join(
                f"<p style='font-family:Arial'>{paragraph(rng, 3)}</p>"
                for _ in range(rng.randint(2, 8))
            )
            html += "</body></html>"
            yield (
                Mail(
                    sender=f"Shop News <news@{shop}>",
                    to=ME,
                    subject=f"This week at {shop}: {sentence(rng, 4)}",
                    sent=sent,
                    message_id=f"n{number}@{shop}",
                    thread=next(thread_ids),
                    labels="Inbox,Category Promotions",
                    text=text,
                    html=html,
                    extra=(
                        ("List-Unsubscribe", f"<mailto:unsubscribe@{shop}>"),
                        ("List-Id", f"<news.{shop}>"),
                    ),
                )
            )
        elif kind < 0.97:  # personal and work threads, some from me
            if personal_threads and rng.random() < 0.6:
                thread, previous, friend = rng.choice(personal_threads)
            else:
                thread, previous = next(thread_ids), ""
                friend = f"friend{rng.randint(0, 800)}@{rng.choice(('gmail.com', 'work.example'))}"
            mine = rng.random() < 0.3
            text = paragraph(rng, rng.randint(1, 6))
            if previous:
                text += "\n\nOn Monday someone wrote:\n" + "\n".join(
                    "> " + sentence(rng) for _ in range(rng.randint(2, 12))
                )
            if rng.random() < 0.02:
                text += "\nFrom the desk of a friend: a line an mboxrd writer escapes.\n"
            message_id = f"p{number}@mail.example"
            yield (
                Mail(
                    sender=ME if mine else friend,
                    to=friend if mine else ME,
                    subject=f"Re: {sentence(rng, 3)}",
                    sent=sent,
                    message_id=message_id,
                    thread=thread,
                    labels="Sent" if mine else "Inbox",
                    text=text + "\n",
                    reply_to=previous,
                )
            )
            if len(personal_threads) < 3000:
                personal_threads.append((thread, message_id, friend))
        else:  # spam and trash
            yield (
                Mail(
                    sender=f"offer{number}@spam{number % 13}.example",
                    to=ME,
                    subject="You have won",
                    sent=sent,
                    message_id=f"s{number}@spam.example",
                    thread=next(thread_ids),
                    labels=rng.choice(("Spam", "Trash")),
                    text=paragraph(rng, 3) + "\n",
                )
            )


def from_line(mail: Mail) -> bytes:
    sender = f"1{zlib.crc32(mail.headers[6][1].encode()):010d}@xxx"
    return f"From {sender} {mail.sent.astimezone(UTC):%a %b %d %H:%M:%S +0000 %Y}\n".encode()


def mbox_chunks(mails: Iterator[Mail]) -> Iterator[bytes]:
    for mail in mails:
        yield from_line(mail) + mail.to_bytes() + b"\n"


def write(out: Path, messages: int, interviews: int, maildir: bool) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    mails, events = generate(messages, interviews)
    if maildir:
        kept = list(mails)  # written twice
        mails = iter(kept)
    meetings = []
    for number in range(interviews * 3):  # ordinary meetings around the interviews
        begins = START + timedelta(days=number // 2, hours=number % 8)
        meetings += [
            "BEGIN:VEVENT",
            f"UID:meet-{number}@bench",
            "DTSTAMP:20250101T000000Z",
            f"DTSTART:{begins.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{(begins + timedelta(minutes=30)).astimezone(UTC):%Y%m%dT%H%M%SZ}",
            "SUMMARY:Team sync",
            "END:VEVENT",
        ]
    calendar = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//followup//bench//EN"]
    calendar += events + meetings + ["END:VCALENDAR"]
    (out / "calendar.ics").write_text("\r\n".join(calendar) + "\r\n")
    with (out / "mail.mbox").open("wb") as handle:
        for chunk in mbox_chunks(mails):
            handle.write(chunk)
    if maildir:
        write_maildir(out / "Mail", kept)
        write_config(out / "config-maildir.toml", "maildir", "Mail", "maildir")
    return write_config(out / "config.toml", "mbox", "mail.mbox", "mbox")


def write_config(config: Path, source: str, mail_path: str, name: str) -> Path:
    """Local sources; the state and the outputs beside it, one set per config."""
    config.write_text(
        f'[user]\nemail = "{ME}"\ntimezone = "America/New_York"\ncountry = "US"\n'
        f'[calendar]\nsource = "ics"\npath = "calendar.ics"\nreminders_path = "{name}.ics"\n'
        f'[mail]\nsource = "{source}"\npath = "{mail_path}"\ndrafts_path = "{name}-drafts"\n'
        f'[daemon]\nstate_path = "{name}-state.sqlite"\n'
    )
    return config


def write_maildir(root: Path, mails: list[Mail]) -> None:
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    for number, mail in enumerate(mails):
        labels = dict(mail.headers)["X-Gmail-Labels"]
        if "Spam" in labels or "Trash" in labels:
            continue
        folder = root / ".Sent" if labels.startswith("Sent") else root
        name = f"{1_700_000_000 + number}.M{number}P1.bench:2,S"
        (folder / "cur" / name).write_bytes(mail.to_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--interviews", type=int, default=300)
    parser.add_argument("--maildir", action="store_true", help="also write a Maildir")
    args = parser.parse_args()
    config = write(args.out, args.messages, args.interviews, args.maildir)
    size = (args.out / "mail.mbox").stat().st_size / 2**20
    print(f"{config}: {args.messages} messages ({size:.0f} MiB mbox), {args.interviews} interviews")
    return 0


if __name__ == "__main__":
    sys.exit(main())
