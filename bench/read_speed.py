"""Measures the reply reader: one typical recruiter mail, and long inputs.

    .venv/bin/python bench/read_speed.py [--repeat 200] [--sizes 100000,1000000,10000000]

Prints (1) the median time to read one typical recruiter message the way the planner does
(`new_text`, then `read_reply`: decision, timeline statement, auto-reply, bulk), and its
parts; (2) for one endless sentence of each size, the timeline reader alone with no cap
(`find_statement`, to show its growth is linear) and a whole message through the capped
planner path. Target (issue 8): about 2 ms per typical message; issue 10: linear growth.
Run from the project root; `PYTHONPATH=/work/main` measures another checkout the same way
(the parts it lacks are skipped).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from policy.business_days import BusinessCalendar
from policy.models import Message, Person
from policy.replies import new_text
from policy.timeline import find_statement

SENT_ON = date(2026, 12, 3)

TYPICAL = [
    "Hi Alex,\n\nThank you for taking the time to meet with the team on Tuesday. We enjoyed "
    "hearing about your work on the billing platform.\n\nWe are still interviewing a few "
    "candidates and expect to make a decision within the next two weeks. I'll be in touch "
    "either way.\n\nBest regards,\nJane Doe\nSenior Recruiter, Acme Corp\n+1 555 0100",
    "Hi Alex,\n\nAfter careful consideration, we have decided to move forward with other "
    "candidates whose experience more closely matches the needs of the role. We appreciate "
    "your interest in Acme and wish you the best in your search.\n\nKind regards,\nJane",
    "Hi Alex,\n\nGreat news: the team would like to invite you to a final round with our VP "
    "of Engineering. Please use the link below to pick a time next week.\n\n"
    "https://cal.example.com/jane/final\n\nThanks,\nJane",
    "Dear Alex,\n\nI'm delighted to offer you the position of Senior Engineer. Your offer "
    "letter is attached; please sign and return it by December 18.\n\nWelcome aboard!\nJane",
    "Hi Alex, quick update: the hiring manager is out this week, so we'll be a little "
    "delayed. You should hear from us by the end of next week. Thanks for your patience! "
    "Jane\n\nOn Tue, Dec 1, 2026 at 10:00 AM Alex <alex@example.com> wrote:\n> Hi Jane,\n"
    "> Just checking in on the Senior Engineer role.\n> Best, Alex",
]


def _message(body: str) -> Message:
    return Message(
        message_id="<bench@acme.example>",
        thread_id="t",
        sender=Person(email="jane@acme.example", name="Jane Doe"),
        subject="Re: Interview",
        sent_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
        body_text=body,
    )


def _median_ms(work: Callable[[], object], repeat: int) -> float:
    """Median CPU time of `work` (CPU, not wall time: the machine is shared and noisy)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def _once_s(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    args = parser.parse_args()
    calendar = BusinessCalendar("US", None)
    try:
        from policy.decisions import read_decision
        from policy.replies import read_reply
    except ImportError:  # an older checkout: its own pieces
        from policy.replies import decision_in

        def read_decision(text: str) -> object:  # type: ignore[misc]
            return decision_in(text)

        read_reply = None  # type: ignore[assignment]

    messages = [_message(body) for body in TYPICAL]
    texts = [new_text(m) for m in messages]

    def planner_path() -> None:
        for message in messages:
            text = new_text(message)
            if read_reply is not None:
                read_reply(message, text, SENT_ON, calendar)
            else:
                read_decision(text)
                find_statement(text, SENT_ON, calendar)

    per_message = _median_ms(planner_path, args.repeat) / len(messages)
    print(f"typical recruiter message ({len(messages)} kinds), as the planner reads it:")
    print(f"  new_text + read (all of it)   {per_message:6.2f} ms per message")
    parts: list[tuple[str, Callable[[str], object]]] = [
        ("new_text", lambda t: new_text(_message(t))),
        ("decision", read_decision),
        ("timeline statement", lambda t: find_statement(t, SENT_ON, calendar)),
    ]
    for name, part in parts:
        source = TYPICAL if name == "new_text" else texts

        def run(part: Callable[[str], object] = part, source: list[str] = source) -> None:
            for text in source:
                part(text)

        print(f"  {name:<29} {_median_ms(run, args.repeat) / len(source):6.2f} ms per message")

    sentence = "we will get back to you within 2 weeks and by friday or next week "
    print("one endless sentence (no full stop):")
    for size in (int(s) for s in args.sizes.split(",") if s):
        text = (sentence * (size // len(sentence) + 1))[:size]
        reader_s = _once_s(lambda text=text: find_statement(text, SENT_ON, calendar))
        line = f"  {size / 1e6:5.1f} MB  timeline reader, no cap {reader_s:7.2f} s"
        line += f"  ({reader_s / size * 1e9:5.0f} ns per character)"
        if read_reply is not None:
            message = _message(text)
            capped_s = _once_s(
                lambda m=message: read_reply(m, new_text(m), SENT_ON, calendar)  # type: ignore[misc]
            )
            line += f"; a whole message, capped {capped_s:6.3f} s"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
