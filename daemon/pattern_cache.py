"""The compiled forms of policy's patterns, kept across processes in the user's cache folder.

A process that reads one reply (a sync after one new message, `followup read`) compiled the
readers' 400 patterns first: 0.15-0.3 s, a quarter of that sync (issue 12). `re` keeps nothing
beyond its process, but what it compiles a pattern to is a list of integers (`_sre`'s code),
and its last step builds the pattern from that list with `_sre.compile`. This file keeps
the lists, keyed by pattern and flags, and makes that same last step.

That step is CPython's own, not a promised interface, so nothing here can make a pattern
differ from `re.compile`'s: the file is keyed by the interpreter's version and `_sre`'s
magic number and checked by a digest; the steps are tried on a probe first; `_sre`
validates every code list it is given; on any surprise a pattern is `re.compile`'s. The
cost of a wrong guess is the 0.2 s, never a different reading. The file holds only
patterns written in policy's code (`policy.vocabulary`), nothing read from mail. The digest
guards against damage, not against someone who can write the user's files: the file is
trusted as Python trusts its own `__pycache__` (marshal, too, beside the code).
"""

from __future__ import annotations

import array
import contextlib
import functools
import hashlib
import logging
import marshal
import re
import sys
from pathlib import Path
from typing import Any

from daemon.cache_file import replace_file

try:  # CPython's internals; without them every pattern is compiled by `re`
    import _sre
    import re._compiler as _compiler
    import re._parser as _parser
except ImportError:  # pragma: no cover - another interpreter
    _sre = None

logger = logging.getLogger(__name__)

FORMAT = 1
# Stale entries (patterns of an older followup) are dropped once the file holds this many:
# then it keeps what the process that writes it used.
MAX_ENTRIES = 4000

_Key = tuple[str, int]
# The flags `_sre.compile` is given, the code (array bytes), groups, group index, index group.
_Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]


class PatternCache:
    """A compiler for `policy.vocabulary.compile_with`; `save` writes what it compiled."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._kept: dict[_Key, _Entry] | None = None  # read on the first compile
        self._new: dict[_Key, _Entry] = {}
        self._used: set[_Key] = set()
        self._works: bool | None = None

    @classmethod
    def in_user_cache(cls) -> PatternCache:
        """`patterns-<interpreter>.bin` in the user's cache folder (~/.cache/followup)."""
        from platformdirs import user_cache_path

        tag = sys.implementation.cache_tag or "python"
        return cls(user_cache_path("followup") / f"patterns-{tag}.bin")

    @property
    def works(self) -> bool:
        """Whether `_sre` builds a probe exactly as `re.compile` does (checked once)."""
        if self._works is None:
            self._works = _internals_work()
        return self._works

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        flags = int(flags)
        if flags & re.DEBUG or not self.works:
            return re.compile(pattern, flags)
        key = (pattern, flags)
        kept = self._read() if self._kept is None else self._kept
        entry = kept.get(key) or self._new.get(key)
        if entry is not None:
            with contextlib.suppress(RuntimeError, TypeError, ValueError, OverflowError):
                compiled = _build(pattern, entry)
                self._used.add(key)
                return compiled
            kept.pop(key, None)  # a damaged entry (the digest held): compiled again below
        entry = _entry(pattern, flags)
        self._new[key] = entry
        return _build(pattern, entry)

    def save(self) -> None:
        """Write the file if this process compiled a pattern it did not hold; a cache that
        cannot be written is only slower (logged at debug level)."""
        if not self._new or self.path is None:
            return
        kept = self._kept or {}
        entries = {**kept, **self._new}
        if len(entries) > MAX_ENTRIES:
            entries = {key: kept[key] for key in self._used if key in kept} | self._new
        payload = marshal.dumps(entries)
        try:
            replace_file(self.path, _header() + _digest(payload) + b"\n" + payload)
        except OSError as error:
            logger.debug("%s: pattern cache not written (%s)", self.path, error)
            return
        self._kept, self._new = entries, {}

    def _read(self) -> dict[_Key, _Entry]:
        self._kept = {}
        if self.path is None:
            return self._kept
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return self._kept
        except OSError as error:
            logger.debug("%s: pattern cache unreadable (%s)", self.path, error)
            return self._kept
        header, _, rest = data.partition(b"\n")
        digest, _, payload = rest.partition(b"\n")
        if header + b"\n" != _header() or digest != _digest(payload):
            logger.debug("%s: pattern cache of another interpreter or damaged", self.path)
            return self._kept
        try:
            entries = marshal.loads(payload)
        except (EOFError, ValueError, TypeError) as error:
            logger.debug("%s: pattern cache unreadable (%s)", self.path, error)
            return self._kept
        if isinstance(entries, dict):
            self._kept = entries
        return self._kept


def _header() -> bytes:
    magic = getattr(_sre, "MAGIC", 0)
    codesize = getattr(_sre, "CODESIZE", 0)
    return f"followup patterns {FORMAT} {sys.version} {magic} {codesize}\n".encode()


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=16).hexdigest().encode()


@functools.cache
def _typecode() -> str:
    return next(code for code in "IL" if array.array(code).itemsize == _sre.CODESIZE)


def _entry(pattern: str, flags: int) -> _Entry:
    """What `re._compiler.compile` hands `_sre.compile`, the code packed as an array."""
    parsed: Any = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    packed = array.array(_typecode(), code).tobytes()
    return (
        flags | parsed.state.flags,
        packed,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _build(pattern: str, entry: _Entry) -> re.Pattern[str]:
    flags, packed, groups, groupindex, indexgroup = entry
    code = array.array(_typecode(), packed).tolist()
    compiled: re.Pattern[str] = _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)
    return compiled


_PROBE = r"(?P<word>[a-z]+)(?i:\s+X)?\s*(\d{2,})?(?=\.)|(?<!\w)[^\W\d]+\b"
_PROBE_TEXT = "Call me x 42. Maybe, Über 7."


def _internals_work() -> bool:
    """A probe built the cached way is `re.compile`'s: same attributes, same matches."""
    if _sre is None:
        return False
    try:
        made = _build(_PROBE, _entry(_PROBE, re.MULTILINE))
    except Exception as error:  # any change in CPython's internals: `re` compiles
        logger.debug("pattern cache off: %s", error)
        return False
    real = re.compile(_PROBE, re.MULTILINE)

    def seen(p: re.Pattern[str]) -> object:
        found = [(m.span(), m.groups(), m.groupdict()) for m in p.finditer(_PROBE_TEXT)]
        return p.pattern, p.flags, p.groups, dict(p.groupindex), found

    return seen(made) == seen(real)
