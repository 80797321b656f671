"""The one place an error becomes one line on stderr and an exit code."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable

from daemon.errors import FollowupError


def handle_errors(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """The one place an error becomes one line on stderr and a non-zero exit.

    A `FollowupError` is the user's to fix: its message says how (exit 2). Anything else is
    ours: one line naming it and how to see more (exit 1); `-v` adds the traceback before
    that same line, and the same exit code, so a bug report shows both.
    """

    def run(args: argparse.Namespace) -> int:
        verbose = bool(getattr(args, "verbose", False))
        try:
            return command(args)
        except FollowupError as error:
            if verbose:
                traceback.print_exc(file=sys.stderr)
            print(f"followup: {_one_line(error.user_message)}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
        except Exception as error:  # the catch-all: a line the user sees instead of a trace
            if verbose:
                traceback.print_exc(file=sys.stderr)
            detail = _one_line(str(error))[:200]
            what = type(error).__name__ + (f": {detail}" if detail else "")
            hint = "" if verbose else "; run again with -v for details"
            print(f"followup: unexpected error ({what}){hint}", file=sys.stderr)
            return 1

    return run


def _one_line(text: str) -> str:
    return " ".join(text.split())
