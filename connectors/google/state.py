"""What the daemon persists for a Google source between runs: a cursor and a cache.

A Google source reads everything once (full sync), then only changes (Calendar
`syncToken`, Gmail `historyId`). A cursor alone is useless without what was read up to it,
so each source keeps its cache in memory and hands both out as one JSON-ready dict:

    data = source.snapshot()        # after a successful read; json.dumps(data) works
    ...                             # the daemon stores it (e.g. one row per source)
    source.restore(data)            # in a new process, before the first read

`restore` returns False (and keeps a clean slate, so the next read is a full sync) when
the snapshot is from another version, another calendar or account, or damaged. `cursor`
is the sync token or history id the cache is complete up to, for display and logs.
The snapshot holds event texts and mail bodies: it belongs in the user's own state file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

Snapshot = dict[str, object]


class Resumable(Protocol):
    @property
    def cursor(self) -> str | None: ...

    def snapshot(self) -> Snapshot: ...

    def restore(self, data: Mapping[str, object]) -> bool: ...


class OwnWrites:
    """Gmail message ids this process wrote as drafts (created, replaced or deleted).

    Gmail's history records our own draft messages like anyone's; the mail source skips
    history entries of these ids, so the pass after a write costs no thread fetch. Shared
    by the draft sink and the mail source of one account (`api.GoogleServices`).
    """

    def __init__(self) -> None:
        self._ids: set[str] = set()

    def add(self, *message_ids: str) -> None:
        self._ids.update(m for m in message_ids if m)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._ids
