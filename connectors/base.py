"""What the daemon needs from a calendar or mail source, whichever backend provides it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from policy.models import CalendarEvent, Draft, Thread


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


# --- optional capabilities: what the daemon asks a source for with isinstance ------------

# (path, inode, mtime in ns, size) per file or folder a local source reads.
Stamps = tuple[tuple[str, int, int, int], ...]


@runtime_checkable
class Fingerprinted(Protocol):
    """A local source that can say cheaply whether its files changed since a read."""

    def fingerprint(self) -> Stamps:
        """What changes when the source's content does; () when it cannot tell."""
        ...


@runtime_checkable
class Resumable(Protocol):
    """A source that reads incrementally from a cursor and can be saved between runs
    (the Google sources; see `connectors/google/state.py`)."""

    @property
    def cursor(self) -> str | None: ...

    def snapshot(self) -> Mapping[str, object]: ...

    def restore(self, data: Mapping[str, object]) -> bool: ...


@runtime_checkable
class Searched(Protocol):
    """A mail source that reads only the mail of some participants (a Gmail search, the
    local mail index) instead of everything; `keep` still decides on what it returns."""

    def set_participants(self, addresses: Iterable[str], domains: Iterable[str]) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """What a writer reports for one item it wrote: where, its version tag, and our hash."""

    remote_id: str
    etag: str
    content_hash: str


# --- writing: reminders and drafts ------------------------------------------------------
#
# A reminder carries its action key (`Action.key`, e.g. "acme-1/follow_up/1") inside itself
# (an ICS property, an event's extendedProperties.private), so it can be found again without
# local state, e.g. to settle a write that was in flight when the daemon was killed. A draft
# carries nothing of this program (the recruiter receives it): its sink `RemembersWrites`.


@dataclass(frozen=True, slots=True, kw_only=True)
class Reminder:
    """A short calendar entry for one action, with an alarm at its start."""

    key: str
    title: str
    text: str
    starts_at: datetime
    minutes: int = 15


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftMessage:
    """A draft for one action: `Draft` from the policy and its action key (the key stays
    with us: nothing in the message the recruiter receives names it)."""

    key: str
    draft: Draft


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """An item a sink finds on its side: where it is, its version tag and a hash of its
    content as it stands now (the same hash `content_hash` gives for what we wrote), so a
    user's edit shows as a hash that differs from the one recorded when it was written."""

    key: str
    remote_id: str
    etag: str
    content_hash: str


class ReminderSink(Protocol):
    def content_hash(self, reminder: Reminder) -> str:
        """The hash `Found.content_hash` will show for this reminder while nobody edits it."""
        ...

    def find_all(self) -> dict[str, Found]:
        """Every reminder this program wrote that is still there, by action key."""
        ...

    def create(self, reminder: Reminder) -> Written: ...

    def update(self, found: Found, reminder: Reminder) -> Written | None:
        """Replace it only if it is still as found (etag); None when it changed meanwhile."""
        ...

    def delete(self, found: Found) -> bool:
        """Delete it only if it is still as found; False when it changed meanwhile."""
        ...


class DraftSink(Protocol):
    def content_hash(self, draft: DraftMessage) -> str: ...

    def find_all(self) -> dict[str, Found]:
        """Every draft this program wrote that is still a draft, by action key."""
        ...

    def create(self, draft: DraftMessage) -> Written: ...

    def update(self, found: Found, draft: DraftMessage) -> Written | None: ...

    def delete(self, found: Found) -> bool: ...


@runtime_checkable
class RemembersWrites(Protocol):
    """A sink whose items carry no mark of this program (Gmail drafts): it finds its own
    by what the daemon recorded, told before each `find_all`."""

    def remember(self, written: Mapping[str, str], pending: Mapping[str, str]) -> None:
        """`written`: action key -> remote id of each item recorded; `pending`: action key
        -> content hash of each create begun whose result is not recorded (a crash)."""
        ...
