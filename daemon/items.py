"""The daemon's own records of what it wrote, shared by the state store and the diff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    REMINDER = "reminder"
    DRAFT = "draft"


class Op(StrEnum):
    """A remote write, as the journal records its intent."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    """An item this program wrote and still considers its own."""

    kind: Kind
    key: str
    remote_id: str
    content_hash: str
    etag: str
    written_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Tombstoned:
    """An item the user deleted, sent or changed: never written again."""

    kind: Kind
    key: str
    reason: str
    remote_id: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Intent:
    """A remote write recorded before it was made; open until its result is recorded."""

    intent_id: int
    kind: Kind
    key: str
    op: Op
    content_hash: str
    remote_id: str
    started_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Ledger:
    """What the state says, for people: `followup status` and `followup explain`."""

    written: dict[tuple[Kind, str], Recorded]
    tombstones: dict[tuple[Kind, str], Tombstoned]
    last_pass: dict[str, object] | None = None
    open_intents: int = 0
