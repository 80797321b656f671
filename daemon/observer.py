"""The observe step for a long-running daemon: sources built once, read on every pass.

Local sources are re-read only when their files changed (inode, mtime and size of the
.ics and mbox files, or of a Maildir's cur/ and new/ folders, whose entries change with
every delivery, move or flag), so an idle pass does not parse a mailbox it read a minute
ago. Google sources sync incrementally by themselves; their snapshot (cursor plus cache,
`connectors/google/state.py`) is restored from the state at start and saved after each
pass that applied cleanly, only when its cursor moved.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from connectors.base import CalendarSource, MailSource
from daemon.config import Config
from daemon.sources import Observation, calendar_source, mail_source, observe

logger = logging.getLogger(__name__)

_Stamp = tuple[tuple[str, int, int, int], ...]


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
    ) -> None:
        self.config = config
        self.calendar = calendar if calendar is not None else calendar_source(config)
        self.mail = mail if mail is not None else mail_source(config)
        self._cache = cache
        self._last: tuple[_Stamp, Observation] | None = None
        self._saved_cursors: dict[str, str | None] = {}
        for name, source in self._resumable().items():
            text = (snapshots or {}).get(name)
            if text is None:
                continue
            try:
                restored = bool(source.restore(json.loads(text)))  # type: ignore[attr-defined]
            except ValueError:
                restored = False
            if restored:
                self._saved_cursors[name] = getattr(source, "cursor", None)
            else:
                logger.info("%s: saved snapshot not usable; the next read is a full sync", name)

    def observe(self) -> Observation:
        stamp = self._stamp() if self._cache else None
        if stamp is not None and self._last is not None and self._last[0] == stamp:
            logger.debug("sources unchanged since the last pass; not re-read")
            return self._last[1]
        observation = observe(self.config, calendar=self.calendar, mail=self.mail)
        # Stamped before reading would be safer against a write during the read; stamping
        # after and comparing again catches it too: a file changed meanwhile is read again.
        if stamp is not None and self._stamp() == stamp:
            self._last = (stamp, observation)
        else:
            self._last = None
        return observation

    def snapshots(self) -> dict[str, str]:
        """Snapshots of the Google sources whose cursor moved since they were last saved."""
        out: dict[str, str] = {}
        for name, source in self._resumable().items():
            cursor = getattr(source, "cursor", None)
            if cursor is None or self._saved_cursors.get(name) == cursor:
                continue
            out[name] = json.dumps(source.snapshot(), separators=(",", ":"))  # type: ignore[attr-defined]
            self._saved_cursors[name] = cursor
        return out

    def _resumable(self) -> dict[str, object]:
        found: dict[str, object] = {}
        for name, source in (("source:calendar", self.calendar), ("source:mail", self.mail)):
            if callable(getattr(source, "snapshot", None)) and callable(
                getattr(source, "restore", None)
            ):
                found[name] = source
        return found

    def _stamp(self) -> _Stamp | None:
        """What identifies the local files' contents now; None for sources not on disk."""
        paths: list[Path] = []
        config = self.config
        if config.calendar_source == "ics" and config.calendar_path is not None:
            paths.append(config.calendar_path)
        else:
            return None
        if config.mail_source == "mbox" and config.mail_path is not None:
            paths.append(config.mail_path)
        elif config.mail_source == "maildir" and config.mail_path is not None:
            paths.extend(_maildir_folders(config.mail_path))
        else:
            return None
        stamp: list[tuple[str, int, int, int]] = []
        for path in paths:
            try:
                info = os.stat(path)
            except OSError:
                return None
            stamp.append((str(path), info.st_ino, info.st_mtime_ns, info.st_size))
        return tuple(stamp)


def _maildir_folders(root: Path) -> list[Path]:
    """cur/ and new/ of the Maildir and of each of its subfolders."""
    folders = [root / "cur", root / "new"]
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError:
        return folders
    for entry in entries:
        if entry.is_dir() and entry.name not in ("cur", "new", "tmp"):
            for sub in ("cur", "new"):
                if os.path.isdir(os.path.join(entry.path, sub)):
                    folders.append(Path(entry.path) / sub)
    return folders
