"""The `followup` command. Commands parse arguments and call plain functions:
`parser` builds the command line, `views`, `passes`, `marks`, `setting_up` and `jsonl`
hold the commands (what they share is in `common`), `handler` turns an error into one line.

Heavy libraries (icalendar, holidays, Google's client) are imported inside the commands,
so `followup --help` stays fast.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from daemon.cli.handler import handle_errors
from daemon.cli.parser import build_parser

__all__ = ["build_parser", "handle_errors", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    # -v works after the command too (`followup status -v`), as the error hint suggests.
    end = words.index("--") if "--" in words else len(words)
    verbose = any(word in ("-v", "--verbose") for word in words[:end])
    words = [w for i, w in enumerate(words) if i >= end or w not in ("-v", "--verbose")]
    args = parser.parse_args(words)
    args.verbose = verbose
    daemon = getattr(args, "command", None) == "run"
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO if daemon else logging.WARNING,
        # journald adds the time; the daemon's lines say level, logger and message.
        format="%(levelname)s %(name)s: %(message)s"
        if daemon
        else "followup: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    if daemon and not args.verbose:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # Before any command imports policy: its patterns are compiled once, then kept (not
    # imported for --help, which parse_args answers).
    from daemon.pattern_cache import PatternCache
    from policy.vocabulary import compile_with

    patterns = PatternCache.in_user_cache()
    compile_with(patterns.compile)
    try:
        return handle_errors(args.func)(args)
    finally:
        compile_with(None)
        patterns.save()
