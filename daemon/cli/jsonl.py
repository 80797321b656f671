"""`timeline --jsonl` and `read --jsonl`: the readers alone, one JSON object a line in and
one answer a line out; a bad line gets an error line of its own and the stream goes on."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from daemon.errors import FollowupError

if TYPE_CHECKING:
    from policy.business_days import BusinessCalendar
    from policy.models import Message


def _json_lines() -> Iterator[tuple[int, dict[str, object] | str]]:
    """Each non-empty stdin line as (number, object), or (number, the problem) when it is not
    a JSON object: one bad line is answered on its own and the stream goes on."""
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, f"line {number}: not UTF-8"
            continue
        if not line.strip():
            continue
        row, problem = _json_row(line, ())
        yield number, row if row is not None else f"line {number}: {problem}"


def _field_text(row: dict[str, object], name: str, number: int, *, required: bool) -> str:
    value = row.get(name)
    if value is None:
        if required:
            raise ValueError(f"line {number}: missing {name!r}")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"line {number}: {name!r} is not a string")
    return value


def _field_sent(row: dict[str, object], number: int, zone: tzinfo | None) -> datetime:
    text = _field_text(row, "sent", number, required=True)
    try:
        sent = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"line {number}: 'sent' is not an ISO-8601 time: {text[:40]!r}") from None
    if sent.tzinfo is None and zone is not None:
        sent = sent.replace(tzinfo=zone)
    return sent


def _emit(answer: dict[str, object]) -> None:
    print(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()


def _calendar_for(args: argparse.Namespace) -> BusinessCalendar:
    from policy.business_days import BusinessCalendar

    try:
        return BusinessCalendar(args.country, args.subdivision)
    except ValueError as error:
        raise FollowupError(f"--country {args.country}: {error}") from None


def cmd_timeline(args: argparse.Namespace) -> int:
    """JSON Lines in, one answer per line out; a bad line answers with an error, not a stop."""
    from policy.timeline import find_statement

    calendar = _calendar_for(args)
    for number, row in _json_lines():
        if isinstance(row, str):
            _emit({"promised": None, "error": row})
            continue
        try:
            sent = _field_sent(row, number, None)
            text = _field_text(row, "text", number, required=True)
        except ValueError as error:
            _emit({"promised": None, "error": str(error)})
            continue
        try:
            statement = find_statement(text, sent.date(), calendar)
        except Exception as error:  # one line's problem, never the stream's
            _emit({"promised": None, "error": f"line {number}: not read ({type(error).__name__})"})
            continue
        _emit(
            {
                "promised": statement.promised_on.isoformat() if statement else None,
                "phrase": statement.text if statement else None,
            }
        )
    return 0


def _read_message(row: dict[str, object], number: int, zone: tzinfo | None) -> tuple[Message, str]:
    """A `read --jsonl` line as the Message the planner would hold, and its new text."""
    from email.utils import parseaddr

    from policy.models import Message, Person

    sent = _field_sent(row, number, zone)
    text = _field_text(row, "text", number, required=True)
    subject = _field_text(row, "subject", number, required=False)
    name, address = parseaddr(_field_text(row, "from", number, required=False))
    headers = row.get("headers") or {}
    if not isinstance(headers, dict):
        raise ValueError(f"line {number}: 'headers' is not an object")
    pairs = tuple(
        (str(key).lower(), value if isinstance(value, str) else json.dumps(value))
        for key, value in headers.items()
    )
    message = Message(
        message_id=f"<line-{number}@followup.read>",
        thread_id=str(number),
        sender=Person(email=address.lower(), name=name),
        subject=subject,
        sent_at=sent,
        body_text=text,
        headers=pairs,
    )
    return message, text


def cmd_read(args: argparse.Namespace) -> int:
    """The planner's reply reader on one message per line (INTERFACE.md `followup read`)."""
    from policy.replies import read_reply

    calendar = _calendar_for(args)
    zone: tzinfo | None = None
    if args.timezone:
        from zoneinfo import ZoneInfo

        try:
            zone = ZoneInfo(args.timezone)
        except (ValueError, OSError, KeyError):
            raise FollowupError(f"--timezone {args.timezone!r}: not an IANA time zone") from None
    for number, row in _json_lines():
        if isinstance(row, str):
            _emit({"error": row})
            continue
        try:
            message, text = _read_message(row, number, zone)
            sent = message.sent_at
            on = (sent.astimezone(zone) if zone and sent.tzinfo else sent).date()
        except (ValueError, OverflowError) as error:
            _emit(
                {
                    "error": str(error)
                    if str(error).startswith("line ")
                    else f"line {number}: {error}"
                }
            )
            continue
        try:
            reading = read_reply(message, text, on, calendar)
        except Exception as error:  # one line's problem, never the stream's
            _emit({"error": f"line {number}: not read ({type(error).__name__})"})
            continue
        _emit(
            {
                "promised": reading.promised_on.isoformat() if reading.promised_on else None,
                "phrase": reading.statement or None,
                "decision": reading.decision.value if reading.decision else None,
                "uncertain": reading.uncertain,
                "maybe": reading.maybe.value if reading.maybe else None,
                "auto_reply": reading.auto,
                "returns": reading.returns_on.isoformat() if reading.returns_on else None,
                "bulk": reading.bulk,
            }
        )
    return 0


def _json_row(line: str, needed: Sequence[str]) -> tuple[dict[str, Any] | None, str]:
    """One JSON Lines row, or why not: "not JSON (...)", "missing 'sent'" (never a trace)."""
    try:
        row = json.loads(line)
    except ValueError as error:
        return None, f"not JSON ({getattr(error, 'msg', error)})"
    except RecursionError:
        return None, "not JSON (nested too deeply)"
    if not isinstance(row, dict):
        return None, "not a JSON object"
    missing = [key for key in needed if key not in row]
    if missing:
        return None, "missing " + ", ".join(repr(key) for key in missing)
    return row, ""
