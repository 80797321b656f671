"""Hostile mbox input (issue 10, "nothing forged gets in"): a body never creates a message.

Each test rewrites the generated scenario's mailbox in the shape one writer gives it
(Gmail Takeout, Thunderbird, a plain mboxo inbox from a delivery agent that does not
escape `From ` lines), adds a mail from anyone whose single-part body, with no
Content-Length, pastes an unescaped From_ line and a forged rejection from company 0's
recruiter, and checks through `followup plan --json` that the plan is the one without the
forgery, with one warning line naming the file and the byte offset.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.daemon.scenario import MOMENTS, build

FOLLOWUP = [sys.executable, "-m", "daemon.cli"]
WILD = Path(__file__).parents[2] / ".." / "shared" / "wild" / "mail"


def shaped(raw: bytes, shape: str, number: int) -> bytes:
    """One scenario message (From_ line and all) as `shape`'s writer stores it."""
    head, rest = raw.split(b"\n", 1)
    if shape == "takeout":
        return (
            f"From 18{number:017d}@xxx Tue Dec 01 15:00:00 +0000 2026\n".encode()
            + f"X-GM-THRID: 18{number:017d}\nX-Gmail-Labels: Inbox\n".encode()
            + rest
        )
    if shape == "thunderbird":
        return b"From - Tue Dec  1 15:00:00 2026\nX-Mozilla-Status: 0001\n" + rest
    return (  # a plain inbox: the delivery agent adds these to every message
        head + b"\nReturn-Path: <bounce@mx.example>\n"
        b"Received: from mx.example by inbox.example; Tue, 1 Dec 2026 15:00:00 -0500\n" + rest
    )


def messages(mbox: bytes) -> list[bytes]:
    return [b"From " + part for part in re.split(rb"(?:^|\n)From ", mbox) if part]


FORGED = (
    b"From pat0@company0.example Fri Dec  4 09:00:00 2026\n"
    b"From: pat0@company0.example\nTo: alex@example.com\n"
    b"Subject: Re: Interview with Company 0\nDate: Fri, 04 Dec 2026 09:00:00 -0500\n"
    b"Message-ID: <forged@company0.example>\nIn-Reply-To: <s0@tests.example>\n"
    b"References: <s0@tests.example>\n\n"
    b"Unfortunately we have decided to move forward with other candidates.\n"
)


def carrier(shape: str, body: bytes) -> bytes:
    raw = (
        b"From mallory@else.example Thu Dec  3 08:00:00 2026\n"
        b"From: Mallory <mallory@else.example>\nTo: alex@example.com\nSubject: Notes\n"
        b"Date: Thu, 03 Dec 2026 08:00:00 -0500\nMessage-ID: <carrier@else.example>\n\n"
        b"See the mail below, from time to time.\n\n" + body
    )
    return shaped(raw, shape, 99)


def mailbox(folder: Path, shape: str, forged: bytes) -> Path:
    config = build(folder, interviews=6)
    mbox = config.parent / "mail.mbox"
    parts = [shaped(m, shape, n) for n, m in enumerate(messages(mbox.read_bytes()))]
    if shape == "plain":  # this writer does not escape: a body line says so
        parts[0] = parts[0].replace(b"\n\nLooking", b"\n\nFrom time to time we hire.\nLooking")
    mbox.write_bytes(b"".join(p if p.endswith(b"\n\n") else p + b"\n" for p in parts))
    with mbox.open("ab") as out:
        out.write(carrier(shape, forged) + b"\n")
    return config


def plan(config: Path) -> tuple[dict[str, object], str]:
    done = subprocess.run(
        [*FOLLOWUP, "plan", "--config", str(config), "--now", MOMENTS[2], "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout), done.stderr


def company0(planned: dict[str, object]) -> dict[str, object]:
    apps = planned["applications"]
    assert isinstance(apps, list)
    (app,) = [a for a in apps if a["interview"]["id"] == "int-0"]
    return app


@pytest.mark.parametrize("shape", ["takeout", "thunderbird", "plain"])
def test_a_forged_message_in_an_unescaped_body_changes_no_plan(tmp_path: Path, shape: str) -> None:
    escaped, quiet = plan(mailbox(tmp_path / "escaped", shape, b">" + FORGED))
    forged_config = mailbox(tmp_path / "forged", shape, FORGED)
    forged, stderr = plan(forged_config)
    assert quiet.strip() == ""
    assert forged == escaped  # the forged "rejection" closed nothing
    assert company0(forged)["outcome"] is None
    [line] = stderr.strip().splitlines()
    mbox = forged_config.parent / "mail.mbox"
    offset = mbox.read_bytes().index(FORGED)
    assert (
        f"{mbox}: byte {offset}: a 'From ' line that looks like a new message was kept in "
        "the previous message's body (" in line
    )


@pytest.mark.parametrize("shape", ["takeout", "thunderbird", "plain"])
def test_the_same_rejection_as_a_real_message_is_read(tmp_path: Path, shape: str) -> None:
    # The check above can fail: stored by the mailbox's own writer, the rejection counts.
    config = mailbox(tmp_path / "real", shape, b"Nothing below.\n")
    mbox = config.parent / "mail.mbox"
    with mbox.open("ab") as out:
        out.write(shaped(FORGED, shape, 98) + b"\n")
    planned, stderr = plan(config)
    assert stderr.strip() == ""
    assert company0(planned)["outcome"] is not None


@pytest.mark.skipif(not WILD.is_dir(), reason="../shared/wild is not here")
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("121-cpython-mailbox_01.mbox", 1),
        ("122-mimekit-content-length.mbox", 29),
        ("123-mimekit-issue1189.mbox", 4),
        ("124-mimekit-simple.mbox", 3),
        # Thunderbird's unescaped "From Russia with love" then "Year: 1963": body text,
        # not a third message (no message headers, not this mailbox's `From -` line).
        ("125-mimekit-unmunged.mbox", 2),
    ],
)
def test_real_mailboxes_read_as_many_messages_as_they_hold(name: str, count: int) -> None:
    from zoneinfo import ZoneInfo

    from connectors.local.mbox import MboxMail

    found = list(MboxMail((WILD / name).resolve(), ZoneInfo("UTC")).scan())
    assert len(found) == count
