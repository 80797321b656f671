"""Gmail's JSON ↔ `policy.models.Message`: the payload conversion both Gmail modules share.

- `thread_messages`: a `threads.get format=full` answer as messages, spam and trash left
  out, oldest first by Date (as the mbox reader orders them). Headers are parsed by
  `_email` (the mbox reader's parsing) and the bodies chosen as `_email_bodies.read_bodies`
  chooses them, so a thread reads the same from Gmail as from a local file.
- `message_to_json` / `message_from_json`: the form a message takes in a source's snapshot.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from email.message import Message as EmailMessageCompat
from typing import Any
from zoneinfo import ZoneInfo

from connectors._email import envelope_from_headers, to_message
from connectors._email_bodies import decoded_part
from policy.models import Message, Person

SKIPPED_LABELS = frozenset({"SPAM", "TRASH"})


def _to_message(item: Mapping[str, Any], timezone: ZoneInfo, position: int) -> Message:
    """One `format=full` Gmail message as a `policy.models.Message`, bodies decoded."""
    payload = item.get("payload") or {}
    lines = []
    for header in payload.get("headers") or []:
        name = str(header.get("name") or "")
        value = re.sub(r"[\r\n]+", " ", str(header.get("value") or ""))
        if name:
            lines.append(f"{name}: {value}")
    block = "\r\n".join(lines).encode("utf-8")
    internal = datetime.fromtimestamp(int(item.get("internalDate") or 0) / 1000, tz=UTC)
    labels = item.get("labelIds") or []
    envelope = envelope_from_headers(
        block,
        timezone=timezone,
        position=position,
        fallback_sent_at=lambda: internal,
        is_draft="DRAFT" in labels,
    )
    message = to_message(envelope, str(item.get("threadId") or ""))
    text, html = _bodies(payload)
    return replace(message, body_text=text, body_html=html, labels=tuple(map(str, labels)))


def _bodies(payload: Mapping[str, Any]) -> tuple[str, str]:
    """(first inline text/plain, first inline text/html), as `_email_bodies.read_bodies` chooses."""
    text: str | None = None
    html: str | None = None
    stack: list[Mapping[str, Any]] = [payload]
    while stack and (text is None or html is None):
        part = stack.pop()
        children = part.get("parts")
        if children:
            stack.extend(reversed([c for c in children if isinstance(c, Mapping)]))
            continue
        kind = str(part.get("mimeType") or "").lower()
        if kind not in ("text/plain", "text/html") or _is_attachment(part):
            continue
        decoded = _part_text(part)
        if kind == "text/plain" and text is None:
            text = decoded
        elif kind == "text/html" and html is None:
            html = decoded
    return text or "", html or ""


def part_header(part: Mapping[str, Any], name: str) -> str:
    for header in part.get("headers") or []:
        if str(header.get("name") or "").lower() == name:
            return str(header.get("value") or "")
    return ""


def _is_attachment(part: Mapping[str, Any]) -> bool:
    if part.get("filename"):
        return True
    return part_header(part, "content-disposition").strip().lower().startswith("attachment")


def _part_text(part: Mapping[str, Any]) -> str:
    data = (part.get("body") or {}).get("data")
    if not data:
        return ""
    try:
        raw = b64decode(str(data))
    except (binascii.Error, ValueError):
        return ""
    holder = EmailMessageCompat()
    holder["Content-Type"] = part_header(part, "content-type") or "text/plain"
    return decoded_part(holder, raw)


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def thread_messages(answer: Mapping[str, Any], timezone: ZoneInfo) -> tuple[Message, ...]:
    """A thread's messages, spam and trash left out, oldest first (by Date, as mbox)."""
    found: list[tuple[datetime, int, Message]] = []
    for position, item in enumerate(answer.get("messages") or []):
        if SKIPPED_LABELS & set(item.get("labelIds") or []):
            continue
        message = _to_message(item, timezone, position)
        found.append((message.sent_at, position, message))
    found.sort(key=lambda row: (row[0], row[1]))
    return tuple(message for _, _, message in found)


def message_to_json(message: Message) -> dict[str, object]:
    def person(p: Person) -> list[str]:
        return [p.email, p.name]

    return {
        "id": message.message_id,
        "thread": message.thread_id,
        "from": person(message.sender),
        "to": [person(p) for p in message.to],
        "cc": [person(p) for p in message.cc],
        "subject": message.subject,
        "sent_at": message.sent_at.isoformat(),
        "text": message.body_text,
        "html": message.body_html,
        "headers": [list(h) for h in message.headers],
        "in_reply_to": message.in_reply_to,
        "references": list(message.references),
        "draft": message.is_draft,
        "labels": list(message.labels),
    }


def message_from_json(value: object) -> Message:
    if not isinstance(value, dict):
        raise ValueError("a damaged message")

    def person(item: object) -> Person:
        if not isinstance(item, list) or len(item) != 2:
            raise ValueError("a damaged address")
        return Person(email=str(item[0]), name=str(item[1]))

    sent_at = datetime.fromisoformat(str(value["sent_at"]))
    if sent_at.tzinfo is None:
        raise ValueError("a time without offset")
    return Message(
        message_id=str(value["id"]),
        thread_id=str(value["thread"]),
        sender=person(value["from"]),
        to=tuple(person(p) for p in value.get("to") or []),
        cc=tuple(person(p) for p in value.get("cc") or []),
        subject=str(value.get("subject") or ""),
        sent_at=sent_at,
        body_text=str(value.get("text") or ""),
        body_html=str(value.get("html") or ""),
        headers=tuple((str(h[0]), str(h[1])) for h in value.get("headers") or []),
        in_reply_to=str(value.get("in_reply_to") or ""),
        references=tuple(str(r) for r in value.get("references") or []),
        is_draft=bool(value.get("draft")),
        labels=tuple(str(label) for label in value.get("labels") or []),
    )
