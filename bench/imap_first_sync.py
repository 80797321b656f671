"""Measures the IMAP mail source against a real Dovecot: a 20,000-message INBOX's first sync,
then an idle pass, a pass after one new message, one after a message flagged \\Deleted and
one after its expunge.

    .venv/bin/python bench/imap_first_sync.py [--messages 20000] [--recruiters 50] [--plain]

`--plain`: a Dovecot without CONDSTORE/QRESYNC, for the fallback path.

The messages are written straight into Dovecot's Maildir (as a mail server's delivery
would), so the first sync also pays for Dovecot building its index, as a real first
connection to an account does. One thread in 200 involves a recruiter; only those have
their bodies fetched. Prints wall time, the IMAP commands sent (Dovecot's rawlog), and
the bytes the server sent.
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.imap.mail import ImapMail  # noqa: E402
from connectors.imap.session import Account  # noqa: E402
from tests.servers.dovecot import PLAIN_CAPABILITIES, Dovecot  # noqa: E402


def message(n: int, recruiter: bool) -> bytes:
    sender = f"recruiter{n}@company{n}.example" if recruiter else f"list{n % 97}@news.example"
    body = (
        "Thanks for interviewing with us. We will decide within 2 weeks.\n"
        if recruiter
        else "Lorem ipsum dolor sit amet. " * 40 + "\n"
    )
    return (
        f"Message-ID: <m{n}@bench.example>\nFrom: {sender}\nTo: alex@example.com\n"
        f"Subject: Message {n}\nDate: Tue, 01 Dec 2026 10:{n % 60:02d}:00 -0500\n"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}"
    ).encode()


def commands(server: Dovecot) -> Counter[str]:
    found: Counter[str] = Counter()
    for line in server.rawlog_lines():
        match = re.match(r"^\S+ \S+ (?:UID )?([A-Z]+)", line)
        if match:
            found[match.group(1)] += 1
    return found


def sent_bytes(server: Dovecot) -> int:
    return sum(p.stat().st_size for p in (server.root / "rawlog").glob("*.out"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--recruiters", type=int, default=0, help="default: messages / 200")
    parser.add_argument(
        "--plain", action="store_true", help="a Dovecot without CONDSTORE/QRESYNC (fallback)"
    )
    args = parser.parse_args()
    recruiters = args.recruiters or max(1, args.messages // 200)
    root = Path(tempfile.mkdtemp(prefix="followup-bench-dovecot-"))
    server = Dovecot(root, extra_conf=PLAIN_CAPABILITIES if args.plain else "").start()
    try:
        cur = root / "mail" / server.user / "cur"
        cur.mkdir(parents=True, exist_ok=True)
        every = max(1, args.messages // recruiters)
        for n in range(args.messages):
            (cur / f"{1_700_000_000 + n}.M{n}P1.bench:2,S").write_bytes(message(n, n % every == 0))
        if os.geteuid() == 0:
            info = pwd.getpwnam("dovecot")
            for path in (root / "mail").rglob("*"):
                os.chown(path, info.pw_uid, info.pw_gid)
        account = Account(
            host="127.0.0.1",
            port=server.port,
            security="none",
            username=server.user,
            password=lambda: server.password,
        )
        source = ImapMail(account, ZoneInfo("America/New_York"))

        def keep(thread: object) -> bool:
            return any("recruiter" in m.sender.email for m in thread.messages)  # type: ignore[attr-defined]

        server.clear_rawlog()
        start = time.perf_counter()
        threads = source.threads(keep)
        first = time.perf_counter() - start
        print(
            f"first sync: {args.messages} messages, {len(threads)} threads kept: "
            f"{first:.2f} s; commands {dict(commands(server))}; "
            f"{sent_bytes(server) / 1e6:.1f} MB from the server"
        )
        server.clear_rawlog()
        start = time.perf_counter()
        source.threads(keep)
        idle = time.perf_counter() - start
        print(
            f"idle pass: {idle * 1000:.0f} ms; commands {dict(commands(server))}; "
            f"{sent_bytes(server)} bytes from the server"
        )
        server.append("INBOX", message(args.messages + 1, True).replace(b"\n", b"\r\n"))
        server.clear_rawlog()
        start = time.perf_counter()
        source.threads(keep)
        one = time.perf_counter() - start
        print(f"one new message: {one * 1000:.0f} ms; commands {dict(commands(server))}")
        client = server.connect()
        client.select("INBOX")
        client.store("2", "+FLAGS.SILENT", "(\\Deleted)")
        client.logout()
        server.clear_rawlog()
        start = time.perf_counter()
        source.threads(keep)
        flagged = time.perf_counter() - start
        print(
            f"one message flagged \\Deleted: {flagged * 1000:.0f} ms; "
            f"commands {dict(commands(server))}; {sent_bytes(server)} bytes from the server"
        )
        client = server.connect()
        client.select("INBOX")
        client.expunge()
        client.logout()
        server.clear_rawlog()
        start = time.perf_counter()
        source.threads(keep)
        gone = time.perf_counter() - start
        print(
            f"that message expunged: {gone * 1000:.0f} ms; commands {dict(commands(server))}; "
            f"{sent_bytes(server)} bytes from the server"
        )
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
