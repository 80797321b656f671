"""The request log: what reached the fake, never bodies or tokens."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    status: int | None  # None: the connection was dropped without an answer
    api_method: str | None  # e.g. "gmail.users.threads.get"; None for /token, batch, unknown
    units: int  # Gmail quota units charged (0 for Calendar, faults, auth failures)
    in_batch: bool  # a part inside a batch request
    fault: str | None = None  # "status", "drop", "lost", "slow" when an injected fault fired

    @property
    def api(self) -> str | None:
        return self.api_method.split(".", 1)[0] if self.api_method else None


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every outer request and every batch part, in arrival order."""
        with self._lock:
            return list(self._entries)

    @property
    def http_requests(self) -> int:
        """Outer HTTP requests (a batch counts once; token refreshes count too)."""
        return sum(1 for e in self.requests if not e.in_batch)

    def calls(self, api_method: str | None = None) -> list[LoggedRequest]:
        """API method calls (outer or in a batch), optionally only one method id."""
        return [
            e
            for e in self.requests
            if e.api_method is not None and (api_method is None or e.api_method == api_method)
        ]

    def quota_units(self, api: str = "gmail") -> int:
        return sum(e.units for e in self.requests if e.api == api)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
