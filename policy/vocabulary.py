"""How the readers compile their vocabulary: through one function the daemon may replace.

The readers of replies, timelines, names and subjects hold some 400 patterns (the decision
reader's alone are 60,000 characters), and `re` parses a pattern in Python: compiling them
took 0.15-0.3 s of every process that reads a reply, a quarter of a sync after one new
message (issue 12). The daemon keeps their compiled form across processes
(`daemon/pattern_cache.py`) and hands it in with `compile_with`; policy stays free of I/O,
and without it every pattern is `re.compile`'s.

Only patterns written in the code go through here, never ones made of what was read (a
company's name): the compiled forms are kept in a file, and mail has no place in it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator

__all__ = ["Compiler", "Lazy", "compile_re", "compile_with"]

Compiler = Callable[[str, int], "re.Pattern[str]"]

_compiler: Compiler = re.compile


def compile_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile`, or the compiler the daemon handed in."""
    return _compiler(pattern, int(flags))


def compile_with(compiler: Compiler | None) -> None:
    """Every later `compile_re` (and first use of a `Lazy`) goes through `compiler`; None
    goes back to `re.compile`. Patterns already compiled stay as they are."""
    global _compiler
    _compiler = compiler if compiler is not None else re.compile


class Lazy:
    """A pattern compiled on its first use. The decision reader holds some 300 patterns,
    and compiling them at import took 0.25-0.85 s of every command's start (issue 12)
    although most commands read no reply (their readings are kept in the mail index);
    compiled here, they are the same `re` patterns, searched the same way."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = compile_re(self.pattern)
        return self._compiled

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._get().search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._get().match(text, pos, endpos)

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self._get().finditer(text, pos, endpos)

    def sub(self, replacement: str, text: str) -> str:
        return self._get().sub(replacement, text)
