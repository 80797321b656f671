"""What the daemon needs from a calendar or mail source, whichever backend provides it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from policy.models import CalendarEvent, Thread


class CalendarSource(Protocol):
    def events(self) -> tuple[CalendarEvent, ...]:
        """Every event the source holds, read afresh on each call."""
        ...


class MailSource(Protocol):
    def threads(self, keep: Callable[[Thread], bool] | None = None) -> tuple[Thread, ...]:
        """Every thread, oldest message first; `keep` may drop threads before bodies are read.

        `keep` is called with each thread whose messages carry headers only (empty bodies);
        only the threads it accepts are returned, with their bodies decoded. Without `keep`,
        all threads are returned with bodies.
        """
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """What a writer reports for one item it wrote: where, its version tag, and our hash."""

    remote_id: str
    etag: str
    content_hash: str
