"""Policy's patterns kept compiled across processes (issue 12): a pattern built from the
file matches exactly as `re.compile`'s does, and a damaged, foreign or unwritable file
costs only time, never a different reading."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import pkgutil
import re
import subprocess
from pathlib import Path

import pytest

import policy
from daemon.pattern_cache import PatternCache
from policy.vocabulary import Lazy
from tests.conftest import SHARED, followup_command

TEXTS = [
    "Unfortunately we won't be moving forward with your application at this time.",
    "We'd like to invite you to a final round with the team next Tuesday at 2pm.",
    "We are pleased to offer you the position of Data Analyst, starting 5 January.",
    "You should hear back from us within 5-7 business days, by Friday Dec 18 at the latest.",
    "The role has been filled; thanks again for your time. -- Sent from my iPhone",
    "Hi Alex,\n\nQuick update: the hiring manager is out until the 2nd week of January.\n",
    "Re: Re: Fwd: Interview with Acme (Phone Screen) - Senior Backend Engineer",
    "ÜBER GmbH — Bewerbung: wir melden uns in zwei Wochen. «Merci» 12/01/2027 q1 EOW",
    "no-reply@myworkday.com <Jane O'Neil> jane.o-neil+jobs@acme.co.uk",
    "",
]


def policy_patterns() -> list[tuple[str, int]]:
    """Every pattern policy's modules hold (compiled or lazy), with its flags."""
    found: dict[tuple[str, int], None] = {}

    def collect(value: object, depth: int = 0) -> None:
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            found[(value.pattern, value.flags & ~re.UNICODE)] = None
        elif isinstance(value, Lazy):
            found[(value.pattern, 0)] = None
        elif isinstance(value, tuple | list | frozenset | set) and depth < 3:
            for item in value:
                collect(item, depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for item in value.values():
                collect(item, depth + 1)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type) and depth < 3:
            for field in dataclasses.fields(value):  # the timeline's rules
                collect(getattr(value, field.name), depth + 1)

    for module in pkgutil.walk_packages(policy.__path__, "policy."):
        for value in vars(importlib.import_module(module.name)).values():
            collect(value)
    return list(found)


def behaviour(pattern: re.Pattern[str]) -> object:
    matches = [
        (m.span(), m.groups(), m.groupdict())
        for text in TEXTS + [t.lower() for t in TEXTS]
        for m in pattern.finditer(text)
    ]
    return pattern.pattern, pattern.flags, pattern.groups, dict(pattern.groupindex), matches


def test_every_policy_pattern_built_from_the_file_matches_as_re_compiles_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "patterns.bin"
    patterns = policy_patterns()
    assert len(patterns) > 350  # the decision reader's 300, the timeline's rules, ...
    first = PatternCache(path)
    assert first.works
    for pattern, flags in patterns:
        first.compile(pattern, flags)
    first.save()
    assert path.stat().st_mode & 0o777 == 0o600
    written = path.stat().st_mtime_ns

    again = PatternCache(path)
    for pattern, flags in patterns:
        assert behaviour(again.compile(pattern, flags)) == behaviour(re.compile(pattern, flags))
    again.save()  # everything was in the file: nothing to write
    assert path.stat().st_mtime_ns == written


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # torn
        lambda data: data[:-40] + bytes(b ^ 0x55 for b in data[-40:]),  # flipped bytes
        lambda data: data.replace(b"followup patterns 1 ", b"followup patterns 1 2.7 ", 1),
        lambda data: b"\x00" * 64,
    ],
    ids=["torn", "flipped", "another interpreter", "garbage"],
)
def test_a_damaged_or_foreign_file_is_compiled_afresh_and_rewritten(
    tmp_path: Path, damage: object
) -> None:
    path = tmp_path / "patterns.bin"
    kept = PatternCache(path)
    word = kept.compile(r"(?P<word>\bmov\w+ forward)", re.IGNORECASE)
    kept.save()
    assert callable(damage)
    path.write_bytes(damage(path.read_bytes()))

    cache = PatternCache(path)
    rebuilt = cache.compile(r"(?P<word>\bmov\w+ forward)", re.IGNORECASE)
    assert behaviour(rebuilt) == behaviour(word)
    cache.save()
    assert PatternCache(path).compile(r"(?P<word>\bmov\w+ forward)", re.I).groupindex == {"word": 1}


def test_an_unwritable_cache_folder_costs_time_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    cache = PatternCache(blocker / "followup" / "patterns.bin")
    assert cache.compile(r"\bby (\w+day)\b").search("back by friday").group(1) == "friday"
    cache.save()  # no exception, nothing written
    assert blocker.read_text().startswith("a file")


def test_a_bad_pattern_fails_as_it_does_in_re(tmp_path: Path) -> None:
    with pytest.raises(re.error):
        PatternCache(tmp_path / "patterns.bin").compile(r"(unclosed")


def read_replies(cache_home: Path, lines: str) -> str:
    ran = subprocess.run(
        [*followup_command(), "read", "--jsonl"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
        check=True,
    )
    return ran.stdout


def test_followup_read_keeps_the_patterns_and_reads_the_same_with_them(tmp_path: Path) -> None:
    corpus = SHARED / "corpus" / "decisions.jsonl"
    if corpus.is_file():
        records = [json.loads(line) for line in corpus.read_text().splitlines()[:120]]
    else:
        records = [{"text": text, "sent": "2026-12-07T16:00:00-05:00"} for text in TEXTS]
    lines = "".join(
        json.dumps({"text": r["text"], "sent": r["sent"], "subject": r.get("subject", "")}) + "\n"
        for r in records
    )
    cold = read_replies(tmp_path / "cache", lines)
    (kept,) = (tmp_path / "cache" / "followup").glob("patterns-*.bin")
    assert kept.stat().st_mode & 0o777 == 0o600
    warm = read_replies(tmp_path / "cache", lines)
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    without = read_replies(blocked, lines)  # no cache folder can be made
    assert cold == warm == without
    assert len(cold.splitlines()) == len(records)
