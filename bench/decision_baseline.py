"""A plain keyword baseline for the decision reader, scored the same way.

    python3 bench/decision_baseline.py ../shared/corpus/decisions.jsonl

Each text is lower-cased and searched for stock phrases, rejection first, then offer, then
next round (the priority of POLICY.md); no reading of who, negation or conditions. Prints
the same confusion lines and `N passed, M failed` as `score_decisions.py`, so the figure
stands beside the reader's in the README. Standard library only.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict

REJECTED = (
    "unfortunately",
    "regret",
    "not moving forward",
    "not be moving forward",
    "other candidates",
    "another candidate",
    "not selected",
    "unsuccessful",
    "not successful",
    "has been filled",
    "decided not to",
    "not to proceed",
    "no longer considering",
)
OFFER = (
    "offer you",
    "extend an offer",
    "offer letter",
    "job offer",
    "welcome aboard",
    "welcome to the team",
)
NEXT_ROUND = (
    "next round",
    "next step",
    "next stage",
    "invite you",
    "second interview",
    "final interview",
    "schedule",
)


def keyword_decision(text: str) -> str | None:
    lower = text.lower().replace("\u2019", "'")
    for outcome, words in (("rejected", REJECTED), ("offer", OFFER), ("next_round", NEXT_ROUND)):
        if any(word in lower for word in words):
            return outcome
    return None


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/decisions.jsonl"
    with open(path, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    passed = 0
    for row in rows:
        want, got = row["decision"], keyword_decision(row["text"])
        confusion[str(want)][str(got)] += 1
        passed += got == want
    for want in sorted(confusion):
        row = confusion[want]
        others = ", ".join(f"{k} {v}" for k, v in sorted(row.items()) if k != want)
        print(f"{want}: {row[want]}/{sum(row.values())}  ({others})")
    print(f"{passed} passed, {len(rows) - passed} failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
