"""The bodies of a message are walked on the raw bytes, by the mail parser's rules, in
bounded memory; what is read is what the parser reads of the whole message."""

from __future__ import annotations

import base64
import email
import json
import mailbox
import random
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors import _email_bodies
from connectors._email_bodies import MESSAGE_BYTES, PART_BYTES, read_bodies

WILD = (Path(__file__).parents[2] / ".." / "shared" / "wild" / "mail").resolve()
ROOT = Path(__file__).parents[2]


def parsed_whole(raw: bytes) -> tuple[str, str]:
    """What the compat32 parser reads of the whole message (what the walk must read)."""
    texts = _email_bodies._Texts(raw, len(raw))
    texts.take(email.message_from_bytes(raw))
    return texts.text or "", texts.html or ""


def variants(raw: bytes) -> Iterator[bytes]:
    """The message, with other line ends (CRLF, LF, lone CR) and cut short."""
    yield raw
    other = raw.replace(b"\r\n", b"\n") if b"\r\n" in raw else raw.replace(b"\n", b"\r\n")
    yield other
    yield raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    yield raw[: len(raw) // 2]
    yield other[: random.Random(len(raw)).randrange(1, len(other) + 1)]


def wild_messages() -> Iterator[bytes]:
    if not WILD.is_dir():
        return
    for path in sorted(WILD.glob("*.eml")):
        yield path.read_bytes()
    for path in sorted(WILD.glob("*.mbox")):
        for message in mailbox.mbox(path):
            yield message.as_bytes()


def generated(seed: int) -> bytes:
    """A message of nested multiparts (digests, message/rfc822, repeated and missing
    boundary lines, boundaries that are prefixes of others) with text parts in them."""
    rng = random.Random(seed)

    def leaf() -> str:
        kind = rng.choice(["text/plain", "text/html", "application/pdf", None])
        lines = [f"Content-Type: {kind}; charset=utf-8"] if kind else []
        if rng.random() < 0.2:
            lines.append("Content-Disposition: attachment")
        encoding = rng.choice([None, "base64", "quoted-printable", "8bit"])
        if encoding:
            lines.append(f"Content-Transfer-Encoding: {encoding}")
        body = rng.choice(["Thanks, talk soon", "caf\xe9", "=C3=A9t=C3=A9", "a\nb\n", "", "--B"])
        if rng.random() < 0.1:
            lines.append("From a stray line")
        return "\n".join(lines) + rng.choice(["\n\n", "\n"]) + body + rng.choice(["", "\n"])

    def part(depth: int) -> str:
        roll = rng.random()
        if depth < 4 and roll < 0.35:
            boundary = rng.choice(["B", "BB", "B-x"])
            kind = rng.choice(["mixed", "alternative", "digest"])
            out = f'Content-Type: multipart/{kind}; boundary="{boundary}"\n\n'
            out += rng.choice(["", "preamble\n"])
            for _ in range(rng.randrange(4)):
                out += f"--{boundary}" + rng.choice(["", " "]) + "\n"
                out += f"--{boundary}\n" if rng.random() < 0.1 else ""
                out += part(depth + 1) + "\n"
            if rng.random() < 0.8:
                out += f"--{boundary}--" + rng.choice(["", "\n", "\nepilogue\n"])
            return out
        if depth < 4 and roll < 0.45:
            return "Content-Type: message/rfc822\n\nSubject: inner\n" + part(depth + 1)
        return leaf()

    raw = ("From: a@example.com\nSubject: s\n" + part(0)).encode("latin-1")
    return raw.replace(b"\n", b"\r\n") if rng.random() < 0.3 else raw


@pytest.mark.skipif(not WILD.is_dir(), reason=f"{WILD} is not here")
def test_the_walk_reads_what_the_parser_reads_of_every_wild_message() -> None:
    compared = 0
    for raw in wild_messages():
        for variant in variants(raw):
            expected = parsed_whole(variant)
            assert read_bodies(variant) == expected
            compared += 1
    assert compared > 500


def test_the_walk_reads_what_the_parser_reads_of_nested_structures() -> None:
    found = 0
    for seed in range(1500):
        raw = generated(seed)
        expected = parsed_whole(raw)
        assert read_bodies(raw) == expected, raw
        found += bool(expected[0] or expected[1])
    assert found > 300  # the structures do hold text


def big_message(
    attachment_mb: int, text: bytes = b"We will get back to you by December 20.\n"
) -> bytes:
    head = (
        b"From: Pat <pat@company.example>\nTo: alex@example.com\nSubject: Re: Interview\n"
        b"Date: Mon, 07 Dec 2026 10:00:00 -0500\nMessage-ID: <big@company.example>\n"
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=BB\n\n"
        b"--BB\nContent-Type: multipart/alternative; boundary=AA\n\n"
        b"--AA\nContent-Type: text/plain; charset=utf-8\n\n" + text + b"--AA\n"
        b"Content-Type: text/html; charset=utf-8\n\n<p>" + text + b"</p>\n--AA--\n"
        b"--BB\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
    )
    line = base64.encodebytes(bytes(range(256)) * 3)
    return head + line * (attachment_mb * 1_000_000 // len(line)) + b"--BB--\n"


def test_a_large_message_reads_its_text_parts_as_the_parser_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = big_message(3)
    assert len(raw) > _email_bodies.WHOLE_BYTES
    assert read_bodies(raw) == parsed_whole(raw)
    assert read_bodies(raw) == (  # the line break before a boundary line is the boundary's
        "We will get back to you by December 20.",
        "<p>We will get back to you by December 20.\n</p>",
    )


def test_a_text_part_over_the_cap_is_read_to_a_line_end_before_it() -> None:
    line = "Une ligne de texte accentu\xe9e, r\xe9p\xe9t\xe9e.\n"
    text = line * (PART_BYTES // len(line.encode()) + 1000)
    raw = (
        "From: a@example.com\nSubject: long\nContent-Type: text/plain; charset=utf-8\n\n" + text
    ).encode()
    read, html = read_bodies(raw)
    assert html == ""
    assert text.startswith(read) and read.endswith(line)
    assert PART_BYTES - len(line.encode()) < len(read.encode()) <= PART_BYTES


_PEAK = """
import json, sys, tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo
from connectors.local.mbox import MboxMail
tracemalloc.start()
threads = MboxMail(Path(sys.argv[1]), ZoneInfo("UTC")).threads()
_, peak = tracemalloc.get_traced_memory()
message = threads[0].messages[0]
print(json.dumps([peak, message.body_text, message.body_html]))
"""


def peak_reading(mbox: Path) -> tuple[int, str, str]:
    """(peak bytes Python allocated, text, html) reading the mbox's threads, in a child."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_PEAK), str(mbox)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    peak, text, html = json.loads(done.stdout)
    return peak, text, html


def test_a_huge_message_is_read_in_bounded_memory(tmp_path: Path) -> None:
    mbox = tmp_path / "mail.mbox"
    raw = big_message(40)  # 40 MB: MESSAGE_BYTES of it are read
    mbox.write_bytes(b"From pat@company.example Mon Dec  7 10:00:00 2026\n" + raw + b"\n")
    peak, text, html = peak_reading(mbox)
    assert text == "We will get back to you by December 20."
    assert html.startswith("<p>We will get back")
    # The bytes read (MESSAGE_BYTES) once, plus the scan's read buffer (18 MiB in all);
    # parsing them whole cost about ten times as much.
    assert peak < MESSAGE_BYTES + (8 << 20), peak


def test_a_huge_text_part_is_read_in_bounded_memory(tmp_path: Path) -> None:
    mbox = tmp_path / "mail.mbox"
    text = base64.encodebytes(b"Thanks for your time today. " * (1 << 20))  # 28 MB decoded
    raw = (
        b"From: Pat <pat@company.example>\nSubject: Re: Interview\nMessage-ID: <t@x>\n"
        b"Date: Mon, 07 Dec 2026 10:00:00 -0500\n"
        b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + text
    )
    mbox.write_bytes(b"From pat@company.example Mon Dec  7 10:00:00 2026\n" + raw + b"\n")
    peak, read, _ = peak_reading(mbox)
    assert read.startswith("Thanks for your time today. ")
    assert PART_BYTES * 0.7 < len(read) <= PART_BYTES  # base64: 3 bytes for every 4
    # The bytes read, and a few copies of the part's first PART_BYTES (40 MiB in all):
    # parsing the whole message cost about ten times as much.
    assert peak < MESSAGE_BYTES + 4 * PART_BYTES, peak
