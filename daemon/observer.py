"""The observe step for a long-running daemon: sources built once, read on every pass.

Local sources are re-read only when their `fingerprint()` changed (inode, mtime and size
of the .ics and mbox files, or of a Maildir's cur/ and new/ folders, whose entries change
with every delivery, move or flag), so an idle pass does not even open a mailbox it read
a minute ago; a changed one is read through the mail index, which reads only what
changed. Google sources sync incrementally by themselves; their snapshot (cursor plus
cache, `connectors/google/state.py`) is restored from the state at start and saved after
each pass that applied cleanly, only when its cursor moved.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from connectors.base import (
    CalendarSource,
    Fingerprinted,
    MailSource,
    Resumable,
    SavesProgress,
    Stamps,
)
from daemon.config import Config
from daemon.plan_cache import settled
from daemon.sources import IndexUse, Observation, calendar_source, mail_source, observe

logger = logging.getLogger(__name__)

_Stamp = tuple[Stamps, Stamps]


class Observer:
    """Reads the calendar and the mail a config names; keeps what did not change."""

    def __init__(
        self,
        config: Config,
        *,
        calendar: CalendarSource | None = None,
        mail: MailSource | None = None,
        snapshots: Mapping[str, str] | None = None,
        cache: bool = True,
        index: IndexUse = "keep",
    ) -> None:
        """`index`: how local sources use the mail index (`daemon.sources.mail_source`);
        a dry run keeps none it did not find."""
        self.config = config
        self.calendar = calendar if calendar is not None else calendar_source(config, index=index)
        self.mail = mail if mail is not None else mail_source(config, index=index)
        self._cache = cache
        self._last: tuple[_Stamp, Observation] | None = None
        self._saved_cursors: dict[str, str | None] = {}
        for name, source in self._resumable().items():
            text = (snapshots or {}).get(name)
            if text is None:
                continue
            try:
                restored = bool(source.restore(json.loads(text)))
            except ValueError:
                restored = False
            if restored:
                self._saved_cursors[name] = source.cursor
            else:
                logger.info("%s: saved snapshot not usable; the next read is a full sync", name)

    def observe(self) -> Observation:
        taken = time.time_ns()
        stamp = self.stamps()
        if self._cache and stamp is not None and self._last and self._last[0] == stamp:
            logger.debug("sources unchanged since the last pass; not re-read")
            return self._last[1]
        observation = observe(self.config, calendar=self.calendar, mail=self.mail)
        # Stamped before reading and compared again after: a file changed meanwhile is read
        # again, and the observation carries no stamps (nothing keys a plan by them).
        if stamp is not None and self.stamps() == stamp:
            if settled(stamp, taken):
                observation = replace(observation, stamps=stamp)
            self._last = (stamp, observation) if self._cache else None
        else:
            self._last = None
        return observation

    def snapshots(self) -> dict[str, str]:
        """Snapshots of the Google sources whose cursor moved since they were last saved."""
        out: dict[str, str] = {}
        for name, source in self._resumable().items():
            cursor = source.cursor
            if cursor is None or self._saved_cursors.get(name) == cursor:
                continue
            out[name] = json.dumps(source.snapshot(), separators=(",", ":"))
            self._saved_cursors[name] = cursor
        return out

    def watch_progress(self, callback: Callable[[], None]) -> None:
        """A mail source that saves progress during a long first read calls `callback`."""
        if isinstance(self.mail, SavesProgress):
            self.mail.on_progress = callback

    def _resumable(self) -> dict[str, Resumable]:
        found: dict[str, Resumable] = {}
        for name, source in (("source:calendar", self.calendar), ("source:mail", self.mail)):
            if isinstance(source, Resumable):
                found[name] = source
        return found

    def stamps(self) -> _Stamp | None:
        """What identifies the local sources' contents now; None when a source cannot say
        (Google: it syncs incrementally by itself)."""
        calendar, mail = self.calendar, self.mail
        if not isinstance(calendar, Fingerprinted) or not isinstance(mail, Fingerprinted):
            return None
        stamps = (calendar.fingerprint(), mail.fingerprint())
        return stamps if all(stamps) else None
