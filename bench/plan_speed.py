"""Measures `followup plan` on a generated mailbox, and `followup --help`.

    .venv/bin/python bench/plan_speed.py [--messages 20000] [--interviews 200]

Prints wall time and peak RSS of one `followup plan` run over a generated .ics with N
interviews and an mbox of M messages (five per interview thread, the rest unrelated
newsletters and personal mail), then the median of ten `followup --help` runs. Targets
(issue 2): plan under 5 s and 200 MB; --help under 0.3 s.
"""

from __future__ import annotations

import argparse
import mailbox
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ME = "alex@example.com"
EST = timezone(timedelta(hours=-5))


def build(folder: Path, messages: int, interviews: int) -> Path:
    rng = random.Random(20261201)
    start = datetime(2026, 9, 1, 10, 0, tzinfo=EST)
    events = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//followup//bench//EN"]
    box = mailbox.mbox(str(folder / "mail.mbox"), create=True)
    written = 0
    for number in range(interviews):
        begins = start + timedelta(days=number // 3, hours=number % 3)
        domain = f"company{number}.example"
        events += [
            "BEGIN:VEVENT",
            f"UID:bench-{number}",
            "DTSTAMP:20260901T000000Z",
            f"DTSTART:{begins.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{(begins + timedelta(hours=1)).astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Interview with Company {number}",
            f"ORGANIZER:mailto:recruiter@{domain}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
            "DESCRIPTION:Timeline: within 2 weeks",
            "END:VEVENT",
        ]
        previous = None
        for step in range(5):
            msg = EmailMessage()
            mine = step % 2 == 1
            msg["From"] = ME if mine else f"recruiter@{domain}"
            msg["To"] = f"recruiter@{domain}" if mine else ME
            msg["Subject"] = f"Re: Interview {number}"
            sent = begins + timedelta(days=step * 3 + 1)
            msg["Date"] = format_datetime(sent)
            msg["Message-ID"] = f"<b{number}-{step}@bench>"
            if previous:
                msg["In-Reply-To"] = previous
                msg["References"] = previous
            previous = msg["Message-ID"]
            body = "Thanks for your time. We'll get back to you by Friday.\n" * rng.randint(1, 5)
            msg.set_content(body + "\n> quoted earlier text\n" * 3)
            box.add(msg)
            written += 1
    while written < messages:
        msg = EmailMessage()
        msg["From"] = f"news{written % 500}@shop{written % 97}.example"
        msg["To"] = ME
        msg["Subject"] = f"Weekly digest {written}"
        msg["Date"] = format_datetime(start + timedelta(minutes=written * 7))
        msg["Message-ID"] = f"<n{written}@bench>"
        msg.set_content("Lorem ipsum dolor sit amet. " * rng.randint(5, 60))
        box.add(msg)
        written += 1
    box.flush()
    box.close()
    events.append("END:VCALENDAR")
    (folder / "calendar.ics").write_text("\r\n".join(events) + "\r\n")
    config = folder / "config.toml"
    config.write_text(
        f'[user]\nemail = "{ME}"\ntimezone = "America/New_York"\ncountry = "US"\n'
        '[calendar]\nsource = "ics"\npath = "calendar.ics"\n'
        '[mail]\nsource = "mbox"\npath = "mail.mbox"\n'
    )
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--interviews", type=int, default=200)
    args = parser.parse_args()
    followup = str(Path(sys.executable).parent / "followup")
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        config = build(Path(tmp), args.messages, args.interviews)
        size = (Path(tmp) / "mail.mbox").stat().st_size / 2**20
        began = time.perf_counter()
        done = subprocess.run(
            [
                followup,
                "plan",
                "--config",
                str(config),
                "--now",
                "2026-12-16T12:00:00-05:00",
                "--json",
            ],
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - began
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        apps = done.stdout.count('"interview": {')
        print(
            f"plan: {args.messages} messages ({size:.1f} MiB mbox), {args.interviews} interviews "
            f"-> {apps} applications in {elapsed:.2f} s, peak RSS {peak_mb:.0f} MB"
        )
    runs = []
    for _ in range(10):
        began = time.perf_counter()
        subprocess.run([followup, "--help"], capture_output=True, check=True)
        runs.append(time.perf_counter() - began)
    print(f"--help: median {statistics.median(runs) * 1000:.0f} ms over 10 runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
