"""In-memory sinks and observers for the daemon's tests (fakes, not mocks).

`MemorySink` keeps items by remote id, tagged with their action key, as a calendar or a
drafts folder would; `user_edit` and `user_delete` act as the user. `fail` injects a
failure on the next calls: a `ConnectionError` (a network outage) or `Killed` (the process
dying), before or after the write lands.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.base import DraftMessage, Found, Reminder, Written
from daemon.sources import Observation


class Killed(BaseException):
    """The process died here (BaseException: nothing in the daemon catches it)."""


@dataclass
class _Item:
    key: str
    content: Any
    version: int


def _hash(content: Any) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[
        :24
    ]


def _content(item: Reminder | DraftMessage) -> Any:
    if isinstance(item, Reminder):
        return {
            "title": item.title,
            "text": item.text,
            "at": item.starts_at.timestamp(),
            "minutes": item.minutes,
        }
    draft = item.draft
    return {
        "to": list(draft.to),
        "subject": draft.subject,
        "body": draft.body,
        "in_reply_to": draft.in_reply_to,
    }


@dataclass
class MemorySink:
    """Both a ReminderSink and a DraftSink: items kept by remote id."""

    items: dict[str, _Item] = field(default_factory=dict)
    writes: int = 0
    # ("before" | "after", exception) for the next write calls, in order
    faults: list[tuple[str, BaseException]] = field(default_factory=list)
    down: bool = False  # every call raises ConnectionError (an outage)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fail(self, when: str, error: BaseException) -> None:
        self.faults.append((when, error))

    def _check(self) -> None:
        if self.down:
            raise ConnectionRefusedError("connection refused")

    def _fault(self, when: str) -> None:
        if self.faults and self.faults[0][0] == when:
            raise self.faults.pop(0)[1]

    # -- the Protocol --

    def content_hash(self, item: Reminder | DraftMessage) -> str:
        return _hash(_content(item))

    def find_all(self) -> dict[str, Found]:
        self._check()
        found: dict[str, Found] = {}
        for remote_id, item in sorted(self.items.items()):
            found.setdefault(
                item.key,
                Found(
                    key=item.key,
                    remote_id=remote_id,
                    etag=str(item.version),
                    content_hash=_hash(item.content),
                ),
            )
        return found

    def create(self, item: Reminder | DraftMessage) -> Written:
        self._check()
        self._fault("before")
        remote_id = f"id{next(self._ids)}"
        self.items[remote_id] = _Item(key=item.key, content=_content(item), version=1)
        self.writes += 1
        self._fault("after")
        return Written(remote_id=remote_id, etag="1", content_hash=self.content_hash(item))

    def update(self, found: Found, item: Reminder | DraftMessage) -> Written | None:
        self._check()
        self._fault("before")
        current = self.items.get(found.remote_id)
        if current is None or str(current.version) != found.etag:
            return None
        current.content = _content(item)
        current.version += 1
        self.writes += 1
        self._fault("after")
        return Written(
            remote_id=found.remote_id,
            etag=str(current.version),
            content_hash=self.content_hash(item),
        )

    def delete(self, found: Found) -> bool:
        self._check()
        self._fault("before")
        current = self.items.get(found.remote_id)
        if current is None:
            return True
        if str(current.version) != found.etag:
            return False
        del self.items[found.remote_id]
        self.writes += 1
        self._fault("after")
        return True

    # -- the user --

    def user_edit(self, key: str, **changes: Any) -> None:
        for item in self.items.values():
            if item.key == key:
                item.content = {**item.content, **changes}
                item.version += 1
                return
        raise KeyError(key)

    def user_delete(self, key: str) -> None:
        for remote_id, item in list(self.items.items()):
            if item.key == key:
                del self.items[remote_id]
                return
        raise KeyError(key)

    def key_list(self) -> list[str]:
        return sorted(item.key for item in self.items.values())


@dataclass
class FixedObserver:
    """Observes what it was given; `snapshots` are empty (no Google sources)."""

    observation: Observation

    def observe(self) -> Observation:
        return self.observation

    def snapshots(self) -> Mapping[str, str]:
        return {}

    def watch_progress(self, callback: Callable[[], None]) -> None:
        """Nothing it reads takes long."""
