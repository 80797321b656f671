"""What a poll of the Google sources costs, counted in the fake Google's request log.

    .venv/bin/python bench/google_polls.py [--threads 2000] [--interviews 40]

Loads a calendar with N interviews (one recruiting company each) and a mailbox with M
recruiter threads spread over those companies plus unrelated mail into the fake Google
(tests/fakegoogle), then runs the daemon's observe step (daemon.sources.observe) through
the real connectors, as `followup` does, keeping the source objects between polls:

1. first sync: calendar full sync, Gmail search and thread fetches;
2. a poll with nothing changed: calendar incremental sync plus Gmail history;
3. a poll after one new recruiter reply;
4. for reference, the sinks' `find_all` (reminders and drafts) with nothing written.

Targets (issue 3): with nothing changed, one poll costs at most 2 HTTP requests and at most
5 Gmail quota units. (Since issue 11 a Gmail batch holds 10 parts, not 50: Gmail refuses
parts run together from about 25 up; quota units, not requests, bound a first sync.)

    .venv/bin/python bench/google_polls.py --limits [--threads 20000] [--outage-every 5]

With `--limits`, the fake's Gmail limits are on (15,000 units per user per minute, 429 for
batch parts after the 20th) and the first sync runs on a simulated clock shared by the fake
and the connectors' pacer: it prints the passes, the simulated minutes, and the share of
quota units and of batch parts refused. `--outage-every M` makes Google answer 503 for two
simulated minutes every M minutes, ending the pass; the next pass resumes (issue 11.3).

    .venv/bin/python bench/google_polls.py --series 20

Lists a calendar with N endless weekly series with and without `singleEvents` (the fake
expands a series without end one year ahead; real Google's horizon is not documented).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script run by path: the project root for `tests.fakegoogle`

from tests.fakegoogle import FakeGoogle  # noqa: E402
from tests.fakegoogle.log import LoggedRequest  # noqa: E402

ME = "alex@example.com"
EST = timezone(timedelta(hours=-5))
GMAIL_BATCH = ("/batch", "/batch/gmail/v1")
ZONE = ZoneInfo("America/New_York")


def load(fake: FakeGoogle, threads: int, interviews: int) -> None:
    start = datetime(2026, 11, 2, 10, tzinfo=EST)
    for number in range(interviews):
        begins = start + timedelta(days=number // 3, hours=number % 3)
        fake.calendar.put_event(
            "primary",
            {
                "id": f"int-{number}",
                "summary": f"Interview with Company {number}",
                "start": {"dateTime": begins.isoformat()},
                "end": {"dateTime": (begins + timedelta(hours=1)).isoformat()},
                "organizer": {"email": f"recruiter@company{number}.example"},
                "attendees": [
                    {"email": ME, "responseStatus": "accepted"},
                    {"email": f"recruiter@company{number}.example"},
                ],
            },
        )
    for number in range(threads):
        company = number % interviews
        sent = start + timedelta(minutes=7 * number)
        fake.gmail.deliver(
            _mail(
                f"recruiter@company{company}.example",
                ME,
                f"Role {number} at Company {company}",
                sent,
                "Thanks again; we will get back to you within two weeks.",
            )
        )
    for number in range(threads // 4):
        fake.gmail.deliver(
            _mail(
                "news@shop.example",
                ME,
                f"Deals {number}",
                start + timedelta(hours=number),
                "Sale!",
            )
        )


def _mail(sender: str, to: str, subject: str, sent: datetime, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<{abs(hash((sender, subject, sent)))}@bench.example>"
    message.set_content(body)
    return message


def _is_gmail(entry: LoggedRequest) -> bool:
    return entry.path.startswith("/gmail") or entry.path in GMAIL_BATCH


def _fetch_batches(log: list[LoggedRequest]) -> int:
    """Batch requests carrying threads.get calls (the fake logs a batch after its parts)."""
    count, carrying = 0, False
    for entry in log:
        if entry.in_batch:
            carrying = carrying or entry.api_method == "gmail.users.threads.get"
        elif entry.path in GMAIL_BATCH:
            count += carrying
            carrying = False
    return count


def measure(fake: FakeGoogle, label: str, action: Callable[[], object]) -> dict[str, float]:
    fake.log.clear()
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    log = fake.log.requests
    outer = [e for e in log if not e.in_batch]
    figures = {
        "http": len(outer),
        "gmail_http": sum(1 for e in outer if _is_gmail(e)),
        "calendar_http": sum(1 for e in outer if not _is_gmail(e)),
        "units": fake.log.quota_units("gmail"),
        "threads_fetched": sum(
            1 for e in log if e.api_method == "gmail.users.threads.get" and e.status == 200
        ),
        "fetch_batches": _fetch_batches(log),
        "seconds": elapsed,
    }
    print(
        f"{label}: {figures['http']} HTTP requests "
        f"(Gmail {figures['gmail_http']}, Calendar {figures['calendar_http']}), "
        f"{figures['units']} Gmail quota units, "
        f"{figures['threads_fetched']} threads fetched, {elapsed:.1f} s"
    )
    return figures


class SimClock:
    """Simulated time: sleeping advances it at once."""

    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 8, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.at.timestamp()

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def first_sync_with_limits(
    threads: int, interviews: int, outage_every: float | None, batch: int, paced: bool
) -> int:
    """The first Gmail sync of a big mailbox against the fake with Gmail's limits on."""
    from connectors.google.api import connect
    from connectors.google.gmail import Gmail
    from connectors.google.retry import GoogleApiError, Pacer, RetryPolicy
    from daemon.config import load_config
    from daemon.sources import observe

    clock = SimClock()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeGoogle(email_address=ME, time_zone="America/New_York", clock=clock.now) as fake,
    ):
        folder = Path(tmp)
        began = time.perf_counter()
        load(fake, threads, interviews)
        loaded = time.perf_counter() - began
        (folder / "token.json").write_text(json.dumps(fake.authorized_user_info()))
        (folder / "token.json").chmod(0o600)
        (folder / "config.toml").write_text(
            f'[user]\nemail = "{ME}"\ntimezone = "America/New_York"\n'
            '[calendar]\nsource = "google"\n[mail]\nsource = "gmail"\n'
            '[google]\ntoken_path = "token.json"\n'
        )
        os.environ["FOLLOWUP_GOOGLE_API_ROOT"] = fake.root_url
        os.environ["FOLLOWUP_GOOGLE_TOKEN_URI"] = fake.token_uri
        config = load_config(folder / "config.toml")
        limits = fake.enable_limits()
        pacer = Pacer(clock=clock.monotonic, sleep=clock.sleep)
        retry = RetryPolicy(sleep=clock.sleep, pacer=pacer if paced else None)
        services = connect(config.google.token_path, timeout=600)  # the fake searches slowly
        from connectors.google.calendar import GoogleCalendar

        calendar = GoogleCalendar(services.calendar, "primary", config.settings.timezone)
        mail = Gmail(services.gmail, config.settings.timezone, retry=retry, batch_size=batch)
        if outage_every:
            next_cut = [clock.at + timedelta(minutes=outage_every)]
            outage = timedelta(minutes=2)  # longer than the retries' patience: the pass ends

            def cut(req: object) -> bool:
                if clock.at >= next_cut[0] + outage:
                    next_cut[0] = clock.at + timedelta(minutes=outage_every)
                return next_cut[0] <= clock.at < next_cut[0] + outage

            fake.faults.add(cut, status=503, times=None, where="any")
        start, passes, real = clock.at, 0, time.perf_counter()
        while True:
            passes += 1
            try:
                observe(config, calendar=calendar, mail=mail)
            except GoogleApiError as error:
                print(f"  pass {passes} ended: {error.user_message} ({mail.cursor})")
                clock.sleep(config.poll_minutes * 60)  # the daemon's next poll
                continue
            break
        minutes = (clock.at - start).total_seconds() / 60
        log = fake.log.requests
        parts = [e for e in log if e.in_batch and e.api == "gmail"]
        charged = fake.log.quota_units("gmail")
        fetched = {
            e.path for e in log if e.api_method == "gmail.users.threads.get" and e.status == 200
        }
        print(
            f"{threads} recruiter threads ({threads // 4} other messages, "
            f"loaded in {loaded:.0f} s), batches of {batch}{'' if paced else ', unpaced'}: "
            f"first sync in {passes} passes, {minutes:.1f} simulated minutes "
            f"({time.perf_counter() - real:.0f} s of real time), {len(fetched)} threads fetched"
        )
        print(
            f"  quota units: {charged} charged, {limits.refused_units} refused "
            f"({100 * limits.refused_units / max(1, charged + limits.refused_units):.2f}%); "
            f"batch parts: {len(parts)}, {limits.refused_parts} refused "
            f"({100 * limits.refused_parts / max(1, len(parts)):.2f}%); paced waits "
            f"{pacer.waited / 60:.1f} min; target at most 2% of each"
        )
        assert fake.internal_errors == []
    return 0


def series_cost(series: int, interviews: int) -> int:
    """What reading recurring events per occurrence (singleEvents) costs, against the
    series alone: a calendar with endless weekly meetings and a few interview loops."""
    from connectors.google.api import connect
    from connectors.google.calendar import GoogleCalendar

    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeGoogle(email_address=ME, time_zone="America/New_York") as fake,
    ):
        load(fake, 0, interviews)
        for number in range(series):
            fake.calendar.put_event(
                "primary",
                {
                    "id": f"weekly{number}",
                    "summary": f"Team sync {number}",
                    "start": {"dateTime": "2025-01-06T09:00:00", "timeZone": "America/New_York"},
                    "end": {"dateTime": "2025-01-06T09:30:00", "timeZone": "America/New_York"},
                    "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
                },
            )
        token = Path(tmp) / "token.json"
        token.write_text(json.dumps(fake.authorized_user_info()))
        token.chmod(0o600)
        os.environ["FOLLOWUP_GOOGLE_API_ROOT"] = fake.root_url
        os.environ["FOLLOWUP_GOOGLE_TOKEN_URI"] = fake.token_uri
        services = connect(token, timeout=30)
        calendar: Any = services.calendar
        for single in (False, True):
            fake.log.clear()
            began = time.perf_counter()
            answer = (
                calendar.events()
                .list(calendarId="primary", singleEvents=single, maxResults=2500)
                .execute()
            )
            items = len(answer.get("items") or [])
            pages = 1
            while answer.get("nextPageToken"):
                answer = (
                    calendar.events()
                    .list(
                        calendarId="primary",
                        singleEvents=single,
                        maxResults=2500,
                        pageToken=answer["nextPageToken"],
                    )
                    .execute()
                )
                items += len(answer.get("items") or [])
                pages += 1
            seconds = time.perf_counter() - began
            print(
                f"{series} endless weekly series + {interviews} interviews, "
                f"singleEvents={str(single).lower()}: full sync {items} items in {pages} "
                f"requests ({seconds:.2f} s)"
            )
        source = GoogleCalendar(services.calendar, "primary", ZONE)
        source.events()
        fake.log.clear()
        source.events()
        print(
            f"  idle poll with singleEvents: {fake.log.http_requests} request; "
            f"events.instances instead: 1 request per recurring interview on every poll "
            f"(no syncToken there)"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--interviews", type=int, default=40)
    parser.add_argument("--limits", action="store_true")
    parser.add_argument("--outage-every", type=float, default=None)
    parser.add_argument("--batch", type=int, default=10, help="Gmail batch size (--limits)")
    parser.add_argument("--unpaced", action="store_true", help="no quota pacing (--limits)")
    parser.add_argument("--series", type=int, default=0, help="recurring series (calendar)")
    args = parser.parse_args()
    if args.series:
        return series_cost(args.series, args.interviews)
    if args.limits:
        return first_sync_with_limits(
            args.threads, args.interviews, args.outage_every, args.batch, not args.unpaced
        )

    from daemon.config import load_config
    from daemon.sources import (
        calendar_source,
        gmail_draft_sink,
        google_reminder_sink,
        mail_source,
        observe,
    )

    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeGoogle(email_address=ME, time_zone="America/New_York") as fake,
    ):
        folder = Path(tmp)
        load(fake, args.threads, args.interviews)
        (folder / "token.json").write_text(json.dumps(fake.authorized_user_info()))
        (folder / "token.json").chmod(0o600)
        (folder / "config.toml").write_text(
            f'[user]\nemail = "{ME}"\ntimezone = "America/New_York"\n'
            '[calendar]\nsource = "google"\n[mail]\nsource = "gmail"\n'
            '[google]\ntoken_path = "token.json"\n'
        )
        os.environ["FOLLOWUP_GOOGLE_API_ROOT"] = fake.root_url
        os.environ["FOLLOWUP_GOOGLE_TOKEN_URI"] = fake.token_uri
        config = load_config(folder / "config.toml")
        calendar, mail = calendar_source(config), mail_source(config)

        def poll() -> None:
            observe(config, calendar=calendar, mail=mail)

        print(
            f"{args.interviews} interviews, {args.threads} recruiter threads, "
            f"{args.threads // 4} other messages"
        )
        first = measure(fake, "first sync", poll)
        idle = measure(fake, "poll, nothing changed", poll)
        fake.gmail.deliver(
            _mail(
                "recruiter@company3.example",
                ME,
                "Re: Role 3 at Company 3",
                datetime(2026, 12, 20, 9, tzinfo=EST),
                "An update for you.",
            )
        )
        measure(fake, "poll, one new reply", poll)
        reminders, drafts = google_reminder_sink(config), gmail_draft_sink(config)
        measure(
            fake,
            "sinks find_all (reminders + drafts), nothing written",
            lambda: (
                reminders.find_all(),
                drafts.find_all(),
            ),
        )
        assert fake.internal_errors == []

    fetched = first["threads_fetched"]
    per_request = fetched / max(1, first["http"])
    per_gmail_request = fetched / max(1, first["gmail_http"])
    print()
    print(
        f"first sync: {first['http']} HTTP requests ({first['gmail_http']} Gmail) for "
        f"{fetched} threads = 1 request per {per_request:.1f} threads "
        f"(Gmail alone: 1 per {per_gmail_request:.1f}); batches of 10 parts since issue 11 "
        f"(was 50, which Gmail refuses as concurrent), paced to 12,000 units a minute: "
        f"{first['units']} units take {first['seconds']:.0f} s"
    )
    print(
        f"  of which threads.get: {first['fetch_batches']} batches = 1 request per "
        f"{fetched / max(1, first['fetch_batches']):.1f} threads; the rest is the calendar "
        "sync, getProfile (before the listing) and the search"
    )
    print(
        f"idle poll: {idle['http']} HTTP requests (target <= 2): "
        f"{'met' if idle['http'] <= 2 else 'MISSED'}; {idle['units']} Gmail units "
        f"(target <= 5): {'met' if idle['units'] <= 5 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
