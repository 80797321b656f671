"""`followup read --jsonl` and `timeline --jsonl` (INTERFACE.md): one answer per line in,
in order; a bad line gets an error line of its own and the rest are read."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import followup_command

DEEP = "[" * 100_000 + "]" * 100_000


def run(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*followup_command(), *args], capture_output=True, input=stdin, timeout=60
    )


def lines(done: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def jsonl(*rows: object) -> bytes:
    return b"".join(
        (row if isinstance(row, bytes) else json.dumps(row).encode()) + b"\n" for row in rows
    )


SENT = "2026-12-03T17:30:00-05:00"  # a Thursday


def test_read_answers_every_line_and_survives_bad_ones() -> None:
    stdin = jsonl(
        {"text": "We'll get back to you within 2 weeks.", "sent": SENT},
        b"not json",
        [1, 2],
        {"text": "We have decided to move forward with other candidates."},
        {"sent": SENT},
        {"text": "hello", "sent": "next tuesday"},
        {"text": 3, "sent": SENT},
        {"text": "hi", "sent": SENT, "headers": ["List-Id"]},
        DEEP.encode(),
        b"\xff\xfe not utf-8",
        b"   ",
        {
            "text": "We are delighted to offer you the role! Please sign by December 18.",
            "sent": SENT,
            "subject": "Offer",
            "from": "Jane Doe <jane@acme.example>",
        },
        {
            "text": "New roles for you: we will review applications within 2 weeks.",
            "sent": SENT,
            "headers": {"List-Unsubscribe": "<mailto:u@jobs.example>", "List-Id": 7},
        },
        {
            "text": "I am out of the office until Wednesday, December 9.",
            "sent": SENT,
            "subject": "Automatic reply: Interview",
        },
        {"text": "Unfortunately that's where the panel landed.", "sent": SENT},
    )
    answers = lines(run("read", "--jsonl", stdin=stdin))
    assert len(answers) == 14  # one per non-empty line
    first = answers[0]
    assert first == {
        "promised": "2026-12-17",  # Dec 3 + 14 days
        "phrase": "within 2 weeks",
        "decision": None,
        "uncertain": False,
        "maybe": None,
        "auto_reply": False,
        "returns": None,
        "bulk": False,
    }
    errors = [a["error"] for a in answers[1:10]]
    assert errors == [
        "line 2: not JSON (Expecting value)",
        "line 3: not a JSON object",
        "line 4: missing 'sent'",
        "line 5: missing 'text'",
        "line 6: 'sent' is not an ISO-8601 time: 'next tuesday'",
        "line 7: 'text' is not a string",
        "line 8: 'headers' is not an object",
        "line 9: not JSON (nested too deeply)",
        "line 10: not UTF-8",
    ]
    offer, bulk, away, unsure = answers[10:]
    assert offer["decision"] == "offer"
    assert offer["promised"] is None  # "please sign by December 18" is a deadline set for me
    assert bulk["bulk"] is True and bulk["promised"] is None  # bulk mail is never a statement
    assert away["auto_reply"] is True and away["returns"] == "2026-12-09"
    assert unsure["decision"] is None and unsure["uncertain"] is True
    assert unsure["maybe"] == "rejected"


def test_read_timezone_moves_the_anchor_date() -> None:
    # Thu Dec 3 23:30 in Los Angeles is Fri Dec 4 02:30 in New York: A = Dec 4, P = Dec 18.
    row = {"text": "We'll get back to you within 2 weeks.", "sent": "2026-12-03T23:30:00-08:00"}
    own = lines(run("read", "--jsonl", stdin=jsonl(row)))
    zoned = lines(run("read", "--jsonl", "--timezone", "America/New_York", stdin=jsonl(row)))
    assert own[0]["promised"] == "2026-12-17"
    assert zoned[0]["promised"] == "2026-12-18"


def test_read_bad_timezone_is_one_line() -> None:
    done = run("read", "--jsonl", "--timezone", "Mars/Olympus", stdin=b"")
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        "followup: --timezone 'Mars/Olympus': not an IANA time zone"
    ]


def test_timeline_survives_deep_nesting_and_bad_lines() -> None:
    stdin = jsonl(
        DEEP.encode(),
        {"text": "within 2 weeks"},
        "a string",
        {"text": "We'll decide by Friday.", "sent": SENT},
    )
    answers = lines(run("timeline", "--jsonl", stdin=stdin))
    assert [a.get("error") for a in answers[:3]] == [
        "line 1: not JSON (nested too deeply)",
        "line 2: missing 'sent'",
        "line 3: not a JSON object",
    ]
    assert answers[3]["promised"] == "2026-12-04"  # the first Friday after Thu Dec 3
