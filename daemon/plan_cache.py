"""The last plan, reused while nothing it depends on changed: in one process (the daemon's
idle passes) and, kept in a file beside the state, between processes (issue 12: `status`,
`plan` and `explain` after a `sync` answer without reading the mail or planning).

The planner's answer is a function of the calendar's events, the mail's threads, the
settings, the user's marks and `now`, and it holds from the moment it planned until
`Plan.stable_until` (the planner says when a rule that reads `now` would answer
otherwise). In one process the observation object stands for the sources. Between
processes, a digest stands for everything else: the sources' stamps (inode, mtime and
size of the .ics and mbox files, or of a Maildir's cur/ and new/ folders: what the mail
index itself goes by), taken before they were read and found unchanged after; the config
file's bytes and the settings; the marks; and this program's own files and those of the
libraries the policy reads with (an upgrade plans afresh). Each application of the plan is
kept too, by a digest of its own inputs, so a pass after one new message plans again only
the application it touches (`policy.planner.Parts`). Only the daemon's passes (`sync`,
`run`) write the file: `plan` writes nothing anywhere (INTERFACE.md), it only reads it.

The file is a pickle of policy dataclasses, 0600 like the state beside it and as much to
be trusted (whoever can write it can write the config's `password_command` too); one that
cannot be read (damaged, an older Python) is a miss. A source changed in the same instant as its
stamp was taken could keep its stamp (coarse file system clocks), so a stamp younger than
`_RACY_NS` is not kept, as git does with its index.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from daemon.cache_file import replace_file
from daemon.holiday_cache import HolidayCache
from policy.models import Application, Mark, Plan, Settings

if TYPE_CHECKING:
    from connectors.base import Stamps
    from daemon.config import Config
    from daemon.sources import Observation

logger = logging.getLogger(__name__)

_RACY_NS = 100_000_000  # a source written within this of its stamp may keep the stamp
_FORMAT = b"followup-plan 1\n"


# An application as planned: when, until when it holds, it, and its turns.
_Part = tuple[datetime, datetime | None, Application, tuple[datetime, ...]]


@dataclass(frozen=True, slots=True)
class _Kept:
    key: object  # what the plan depends on, compared with ==
    planned_at: datetime
    plan: Plan
    note: str = ""  # the warning the commands print with this plan ("" for none)
    parts: dict[str, _Part] = field(default_factory=dict)  # its applications, by inputs

    def holds(self, key: object, now: datetime) -> bool:
        until = self.plan.stable_until
        return self.key == key and self.planned_at <= now and (until is None or now < until)


class _Parts:
    """The applications of the last plan, for the planner to reuse (`policy.planner.Parts`):
    when one mail changed, only the applications it touches are planned again. Their
    inputs are keyed by text (`repr`: values, not objects, so the same in every process)."""

    def __init__(self, earlier: dict[str, _Part], config_digest: str) -> None:
        self.earlier, self.now = earlier, dict[str, _Part]()
        self._config_digest = config_digest
        self._settings: tuple[Settings, str] | None = None
        self._asked: tuple[tuple[object, ...], str] | None = None

    def _key(self, inputs: tuple[object, ...]) -> str:
        if self._asked is not None and self._asked[0] is inputs:  # put after get
            return self._asked[1]
        settings = inputs[0]
        assert isinstance(settings, Settings)
        if self._settings is None or self._settings[0] is not settings:
            self._settings = (settings, _settings_text(settings))
        text = repr((self._config_digest, self._settings[1], inputs[1:]))
        key = hashlib.sha256(text.encode()).hexdigest()
        self._asked = (inputs, key)
        return key

    def get(
        self, inputs: tuple[object, ...], now: datetime
    ) -> tuple[Application, tuple[datetime, ...]] | None:
        key = self._key(inputs)
        part = self.earlier.get(key)
        if part is None or not (part[0] <= now and (part[1] is None or now < part[1])):
            return None
        self.now[key] = part
        return part[2], part[3]

    def put(
        self,
        inputs: tuple[object, ...],
        now: datetime,
        planned: tuple[Application, tuple[datetime, ...]],
    ) -> None:
        until = min((turn for turn in planned[1] if turn > now), default=None)
        self.now[self._key(inputs)] = (now, until, *planned)


class PlanCache:
    """Reuses the last plan while nothing it depends on changed (see the module's note).

    `PlanCache()` keeps it in memory, keyed by the observation object itself: with the
    same observation, marks and settings the plan holds until `stable_until`, so a daemon's
    idle pass costs no planning (tests/daemon/test_reconcile.py checks the equality on
    generated data). `PlanCache.beside(config)` also keeps it in a file, keyed by a digest
    of the inputs, for the next process.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        config_digest: str = "",
        note: Callable[[Observation], str | None] = lambda observation: None,
        reads: bool = True,
        writes: bool = True,
        holidays: HolidayCache | None = None,
    ) -> None:
        """`path`: the file the plan is kept in (None: memory only); `writes` False only
        reads it (the commands that write nothing), `reads` False only writes it;
        `holidays`: the business days kept beside the state."""
        self.path = path
        self.holidays = holidays
        self.reads, self.writes = reads, writes
        self._config_digest = config_digest
        self._note = note
        self._last: _Kept | None = None
        self._loaded: tuple[_Kept | None] | None = None
        self._for: tuple[Observation, Settings] | None = None  # what `_last` was planned of

    @classmethod
    def beside(cls, config: Config, *, reads: bool = True, writes: bool = True) -> PlanCache:
        """Kept in `<state>.plan`, with the address warning `plan`/`status` print."""
        from daemon.doctor import address_warning

        return cls(
            config.state_path.with_name(config.state_path.name + ".plan"),
            config_digest=config_digest(config),
            note=lambda observation: address_warning(config, observation.threads),
            reads=reads,
            writes=writes,
            holidays=HolidayCache.beside(config.state_path),
        )

    @property
    def note(self) -> str:
        """The warning that goes with the plan returned last ("" for none)."""
        return self._last.note if self._last is not None else ""

    def plan(
        self, observation: Observation, settings: Settings, now: datetime, marks: tuple[Mark, ...]
    ) -> Plan:
        last, held = self._last, self._for
        same = held is not None and held[0] is observation and held[1] is settings
        if last is not None and same and last.holds(marks, now):
            return replace(last.plan, generated_at=now.astimezone(settings.timezone))
        digest = self._digest(observation.stamps, settings, marks)
        found = self._reuse(digest, settings, now)
        if found is not None:
            assert self._last is not None
            self._last, self._for = replace(self._last, key=marks), (observation, settings)
            return found
        from policy.planner import plan as make_plan

        parts = _Parts(self._earlier_parts(), self._config_digest)
        holidays = self.holidays
        calendar = holidays.calendar(settings.country, settings.subdivision) if holidays else None
        plan = make_plan(
            observation.events,
            observation.threads,
            settings,
            now,
            marks,
            observation.replies,
            parts=parts,
            calendar=calendar,
        )
        if holidays is not None and self.writes:
            holidays.save()
        kept = _Kept(marks, now, plan, self._note(observation) or "", parts.now)
        self._last, self._for = kept, (observation, settings)
        if digest is not None and self.writes:
            self._save(replace(kept, key=digest))
        return plan

    def _earlier_parts(self) -> dict[str, _Part]:
        """The applications of the last plan: this process's, else the file's."""
        if self._last is not None:
            return self._last.parts
        kept = self._load() if self.path is not None and self.reads else None
        return kept.parts if kept is not None else {}

    def reuse(
        self,
        stamps: tuple[Stamps, Stamps] | None,
        settings: Settings,
        marks: tuple[Mark, ...],
        now: datetime,
    ) -> Plan | None:
        """The plan kept in the file for these inputs, if it holds at `now` (the same as
        planning them again, but for `generated_at`); None when it does not."""
        return self._reuse(self._digest(stamps, settings, marks), settings, now)

    def _digest(
        self, stamps: tuple[Stamps, Stamps] | None, settings: Settings, marks: tuple[Mark, ...]
    ) -> str | None:
        """What a plan kept in the file depends on, besides `now`; None when the sources
        cannot say what they hold (Google, IMAP, CalDAV) or nothing is kept in a file."""
        if self.path is None or not stamps or not all(stamps):
            return None
        text = repr((self._config_digest, stamps, _settings_text(settings), marks))
        return hashlib.sha256(text.encode()).hexdigest()

    def _reuse(self, digest: str | None, settings: Settings, now: datetime) -> Plan | None:
        if digest is None or self.path is None or not self.reads:
            return None
        kept = self._load()
        if kept is None or not kept.holds(digest, now):
            return None
        self._last, self._for = kept, None
        logger.debug("the plan kept in %s holds: not planned again", self.path)
        return replace(kept.plan, generated_at=now.astimezone(settings.timezone))

    def _load(self) -> _Kept | None:
        """The file's plan, read once per process (`_save` replaces it)."""
        if self._loaded is None:
            self._loaded = (self._read(),)
        return self._loaded[0]

    def _read(self) -> _Kept | None:
        assert self.path is not None
        try:
            with self.path.open("rb") as handle:
                if handle.read(len(_FORMAT)) != _FORMAT:
                    return None
                kept = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception as error:  # noqa: BLE001 - a cache: anything unreadable is a miss
            logger.info("%s: not readable (%s); planning afresh", self.path, type(error).__name__)
            return None
        return kept if isinstance(kept, _Kept) else None

    def _save(self, kept: _Kept) -> None:
        assert self.path is not None
        self._loaded = (kept,)
        try:
            replace_file(self.path, _FORMAT + pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as error:  # a cache: the next command plans afresh
            logger.info("%s: not kept (%s)", self.path, error.strerror or error)


def settled(stamps: tuple[Stamps, Stamps], taken_ns: int) -> bool:
    """Whether stamps taken at `taken_ns` (time.time_ns) may key a plan: no file changed
    so shortly before that a later write could have kept its mtime."""
    youngest = max(stamp[2] for source in stamps for stamp in source)
    return youngest <= taken_ns - _RACY_NS


def config_digest(config: Config) -> str:
    """The config file's bytes and this program's files (an edit or an upgrade changes it)."""
    sha = hashlib.sha256(repr((str(config.path), sys.version, code_stamps())).encode())
    with contextlib.suppress(OSError):
        sha.update(config.path.read_bytes())
    return sha.hexdigest()


_LIBRARIES = ("holidays", "quotequail", "icalendar", "dateutil")  # what the policy reads with


def code_stamps() -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every file of the policy, connectors and daemon packages, and
    of the libraries' own folders (an upgrade rewrites them)."""
    from importlib.util import find_spec

    root = Path(__file__).resolve().parent.parent
    found: list[tuple[str, int, int]] = []
    for name in _LIBRARIES:
        with contextlib.suppress(ImportError, ValueError, OSError):
            spec = find_spec(name)
            if spec is not None and spec.origin:
                info = os.stat(Path(spec.origin).parent)
                found.append((spec.origin, info.st_mtime_ns, info.st_size))
    folders = [root / name for name in ("policy", "connectors", "daemon")]
    while folders:
        with contextlib.suppress(OSError), os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(Path(entry.path))
                    continue
                info = entry.stat()
                found.append((entry.path, info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


def _settings_text(settings: Settings) -> str:
    """The settings as text that is the same in every process (`me` is a set)."""
    values = [
        (item.name, sorted(settings.me) if item.name == "me" else getattr(settings, item.name))
        for item in fields(settings)
    ]
    return repr(values)
