"""Calendar v3 events: a store with etags, sync tokens and a recurrence subset, plus handlers."""

from __future__ import annotations

import base64
import binascii
import copy
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .recurrence import parse_rrule
from .wire import ApiError, Request, Response, locked, new_lock, not_found

BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
_ID_RE = re.compile(r"[0-9a-v]{5,1024}")
READ_ONLY = (
    "kind",
    "etag",
    "id",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "iCalUID",
    "hangoutLink",
    "recurringEventId",
    "originalStartTime",
)
SYNC_FORBIDDEN = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)
DEFAULT_REMINDERS = [{"method": "popup", "minutes": 10}]


def _err(status: int, reason: str, message: str, location: str | None = None) -> ApiError:
    return ApiError(status, reason, message, location=location)


def _invalid(message: str = "Invalid Value", location: str | None = None) -> ApiError:
    return _err(400, "invalid", message, location)


def format_rfc3339(dt: datetime, zone: ZoneInfo) -> str:
    local = dt.astimezone(zone)
    text = local.replace(microsecond=0).isoformat()
    return text.replace("+00:00", "Z") if local.utcoffset() == timedelta(0) else text


def format_updated(dt: datetime) -> str:
    utc = dt.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_rfc3339(text: str, location: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise _invalid(f"Bad Request: {location}", location) from None
    if dt.tzinfo is None:
        raise _invalid(f"Bad Request: {location} needs a time zone offset", location)
    return dt


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _invalid(f"Invalid time zone definition: {name}") from None


@dataclass
class _Entry:
    event: dict[str, Any]  # the stored resource; dateTime values kept as given (aware)
    seq: int


@dataclass
class _Calendar:
    id: str
    zone: ZoneInfo
    summary: str
    entries: dict[str, _Entry] = field(default_factory=dict)
    # series id -> ids of its exceptions (moved or cancelled occurrences, stored as events)
    exceptions: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class _Page:
    calendar_id: str
    items: list[dict[str, Any]]
    next_sync_seq: int
    fingerprint: tuple[tuple[str, str], ...]
    synced: bool = True  # events.list: its last page carries a nextSyncToken


class CalendarStore:
    """Calendars of one user: `primary` is an alias of the owner's address."""

    def __init__(
        self,
        *,
        owner_email: str,
        clock: Callable[[], datetime],
        time_zone: str = "UTC",
        lock: Any = None,
    ) -> None:
        self._lock = lock or new_lock()
        self.owner_email = owner_email
        # Other addresses of the owner (an invitation sent to an alias): their attendee
        # entries carry `self: true` too, as Google marks the calendar's own entry.
        self.owner_aliases: set[str] = set()
        self._clock = clock
        self.calendars: dict[str, _Calendar] = {}
        self._seq = 0
        self._etag = 3_400_000_000_000_000 + secrets.randbelow(10**12)
        self._generation = 1
        self._last_updated = datetime(2000, 1, 1, tzinfo=UTC)
        self._pages: dict[str, _Page] = {}
        self.add_calendar(owner_email, time_zone=time_zone, summary=owner_email)

    # --- plumbing ----------------------------------------------------------------------------

    def _cal(self, calendar_id: str) -> _Calendar:
        real = self.owner_email if calendar_id == "primary" else calendar_id
        cal = self.calendars.get(real)
        if cal is None:
            raise not_found("calendar")
        return cal

    def _tick(self) -> tuple[int, str, datetime]:
        self._seq += 1
        self._etag += 1 + secrets.randbelow(5000)
        now = self._clock().astimezone(UTC)
        if now <= self._last_updated:
            now = self._last_updated + timedelta(milliseconds=1)
        self._last_updated = now
        return self._seq, f'"{self._etag}"', now

    def _new_id(self) -> str:
        return "".join(secrets.choice(BASE32HEX) for _ in range(26))

    def _validate(self, cal: _Calendar, event: dict[str, Any]) -> None:
        for key in ("start", "end"):
            if not isinstance(event.get(key), dict):
                raise _err(400, "required", f"Missing {key} time.")
        kinds = []
        bounds = []
        for key in ("start", "end"):
            value = event[key]
            if ("date" in value) == ("dateTime" in value):
                raise _invalid(f"Invalid {key} time.")
            if "date" in value:
                try:
                    date.fromisoformat(value["date"])
                except (TypeError, ValueError):
                    raise _invalid(f"Invalid {key} time.") from None
                kinds.append("date")
            else:
                text = str(value["dateTime"])
                try:
                    dt = datetime.fromisoformat(text.replace("z", "Z"))
                except ValueError:
                    raise _invalid(f"Invalid {key} time.") from None
                if dt.tzinfo is None and not value.get("timeZone"):
                    raise _err(400, "required", f"Missing time zone definition for {key} time.")
                _zone(value.get("timeZone"), cal.zone)
                kinds.append("dateTime")
            bounds.append(self._instant(cal, value))
        if kinds[0] != kinds[1]:
            raise _invalid("Start and end times must either both be date or both be dateTime.")
        if bounds[1] < bounds[0] or (kinds[0] == "date" and bounds[1] == bounds[0]):
            raise _err(400, "timeRangeEmpty", "The specified time range is empty.")
        if event.get("recurrence"):
            if kinds[0] == "dateTime" and not event["start"].get("timeZone"):
                raise _err(400, "required", "Missing time zone definition for start time.")
            parse_rrule(event["recurrence"])
        reminders = event.get("reminders")
        if reminders is not None:
            overrides = reminders.get("overrides") or []
            if reminders.get("useDefault") and overrides:
                raise _err(
                    400,
                    "cannotUseDefaultRemindersAndSpecifyOverride",
                    "Cannot specify both default reminders and overrides at the same time.",
                )
            if len(overrides) > 5:
                raise _invalid("Too many reminder overrides (at most 5).")
            for o in overrides:
                if o.get("method") not in ("email", "popup"):
                    raise _invalid("Invalid reminder method.")
                minutes = o.get("minutes")
                if not isinstance(minutes, int) or not 0 <= minutes <= 40320:
                    raise _invalid("Invalid reminder minutes.")
        props = event.get("extendedProperties") or {}
        for scope in ("private", "shared"):
            for k, v in (props.get(scope) or {}).items():
                if not isinstance(k, str) or not isinstance(v, str):
                    raise _invalid("Extended property keys and values must be strings.")
        for attendee in event.get("attendees") or []:
            if not attendee.get("email"):
                raise _err(400, "required", "Missing attendee email.")
        if event.get("status", "confirmed") not in ("confirmed", "tentative", "cancelled"):
            raise _invalid("Invalid status.")

    def _instant(self, cal: _Calendar, value: dict[str, Any]) -> datetime:
        if "date" in value:
            return datetime.combine(
                date.fromisoformat(value["date"]), datetime.min.time(), cal.zone
            )
        dt = datetime.fromisoformat(str(value["dateTime"]).replace("z", "Z"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=_zone(value.get("timeZone"), cal.zone))
        return dt

    def _normalize(self, cal: _Calendar, event: dict[str, Any], conference: bool) -> None:
        """Fill server-side defaults the way Google does."""
        event.setdefault("status", "confirmed")
        event.setdefault("reminders", {"useDefault": True})
        event.setdefault("eventType", "default")
        event.setdefault("sequence", 0)
        if not conference:
            event.pop("conferenceData", None)
        for attendee in event.get("attendees") or []:
            attendee.setdefault("responseStatus", "needsAction")
            owner = {self.owner_email.lower(), *(a.lower() for a in self.owner_aliases)}
            if attendee["email"].lower() in owner:
                attendee["self"] = True
        # Google drops extended-property keys over 44 characters and cuts values at 1024,
        # silently.
        for scope, values in list((event.get("extendedProperties") or {}).items()):
            if isinstance(values, dict):
                event["extendedProperties"][scope] = {
                    k: v[:1024] for k, v in values.items() if len(k) <= 44
                }
        for key in ("start", "end"):
            value = event[key]
            if "dateTime" in value:
                dt = self._instant(cal, value)
                value["dateTime"] = dt.isoformat()

    def _commit(
        self, cal: _Calendar, event: dict[str, Any], *, touch_updated: bool = True
    ) -> dict[str, Any]:
        seq, etag, now = self._tick()
        event["etag"] = etag
        if touch_updated or "updated" not in event:
            event["updated"] = format_updated(now)
        event.setdefault("created", event["updated"])
        entry = cal.entries.get(event["id"])
        if entry is None:
            cal.entries[event["id"]] = _Entry(event, seq)
            if event.get("recurringEventId"):
                cal.exceptions.setdefault(event["recurringEventId"], set()).add(event["id"])
        else:
            entry.event = event
            entry.seq = seq
        return event

    def _fresh(
        self, cal: _Calendar, body: dict[str, Any], conference: bool, *, strict_id: bool = True
    ) -> dict[str, Any]:
        event = copy.deepcopy(body)
        event_id = event.get("id")
        if event_id is None:
            event_id = self._new_id()
        elif not isinstance(event_id, str) or not event_id or "/" in event_id:
            raise _invalid("Invalid resource id value.")
        elif strict_id and not _ID_RE.fullmatch(event_id):
            # Client-chosen ids must be base32hex; ids of invitations and imports vary.
            raise _invalid("Invalid resource id value.")
        if event_id in cal.entries:
            raise _err(409, "duplicate", "The requested identifier already exists.")
        for key in READ_ONLY:
            if key != "iCalUID":
                event.pop(key, None)
        event["id"] = event_id
        event.setdefault("iCalUID", f"{event_id}@google.com")
        event["kind"] = "calendar#event"
        eid = base64.urlsafe_b64encode(f"{event_id} {cal.id}".encode()).decode().rstrip("=")
        event["htmlLink"] = f"https://www.google.com/calendar/event?eid={eid}"
        owner = {"email": cal.id, "self": True}
        event["creator"] = dict(owner)
        event["organizer"] = dict(owner)
        self._validate(cal, event)
        self._normalize(cal, event, conference)
        return event

    # --- rendering ---------------------------------------------------------------------------

    def _render(self, cal: _Calendar, event: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "calendar#event",
            "etag": event["etag"],
            "id": event["id"],
            "status": event.get("status", "confirmed"),
        }
        for key, value in event.items():
            if key in out:
                continue
            out[key] = copy.deepcopy(value)
        for key in ("start", "end", "originalStartTime"):
            value = out.get(key)
            if isinstance(value, dict) and "dateTime" in value:
                # Google answers dateTime in the calendar's (or the requested) time zone.
                value["dateTime"] = format_rfc3339(self._instant(cal, value), zone)
        return out

    @staticmethod
    def _render_cancelled(event: dict[str, Any]) -> dict[str, Any]:
        out = {"kind": "calendar#event", "etag": event["etag"], "id": event["id"]}
        out["status"] = "cancelled"
        for key in ("recurringEventId", "originalStartTime"):
            if key in event:
                out[key] = copy.deepcopy(event[key])
        return out

    def _instances(
        self, cal: _Calendar, event: dict[str, Any], horizon: datetime
    ) -> Iterator[dict[str, Any]]:
        """The occurrences of a series, each as Google lists it with `singleEvents`: a stored
        exception (moved, edited or cancelled) in place of the occurrence it replaces, and
        every occurrence cancelled when the series is. Not rendered."""
        exceptions = cal.exceptions.get(event["id"], set())
        cancelled = event.get("status") == "cancelled"
        for inst in self._generated(cal, event, horizon):
            if inst["id"] in exceptions:
                inst = cal.entries[inst["id"]].event
            if cancelled and inst.get("status") != "cancelled":
                inst = {**inst, "status": "cancelled"}
            yield inst

    def _generated(
        self, cal: _Calendar, event: dict[str, Any], horizon: datetime
    ) -> Iterator[dict[str, Any]]:
        """The occurrences the series' recurrence rule makes, exceptions not applied."""
        rule = parse_rrule(event.get("recurrence") or [])
        if rule is None:
            yield event
            return
        start_v, end_v = event["start"], event["end"]
        all_day = "date" in start_v
        zone = _zone(start_v.get("timeZone"), cal.zone)
        start = self._instant(cal, start_v).astimezone(zone)
        duration = self._instant(cal, end_v) - self._instant(cal, start_v)
        for occurrence in rule.occurrences(start.replace(tzinfo=None), horizon, zone):
            when = occurrence.replace(tzinfo=zone)
            inst = {k: copy.deepcopy(v) for k, v in event.items() if k != "recurrence"}
            if all_day:
                inst["start"] = {"date": when.date().isoformat()}
                inst["end"] = {"date": (when + duration).date().isoformat()}
            else:
                tz = {"timeZone": start_v["timeZone"]} if "timeZone" in start_v else {}
                inst["start"] = {"dateTime": when.isoformat(), **tz}
                inst["end"] = {"dateTime": (when + duration).isoformat(), **tz}
            inst["id"] = f"{event['id']}_{_suffix(when, all_day)}"
            inst["recurringEventId"] = event["id"]
            inst["originalStartTime"] = copy.deepcopy(inst["start"])
            yield inst

    def _occurrence(self, cal: _Calendar, event_id: str) -> _Entry | None:
        """The stored event, or the not yet stored occurrence `<seriesId>_<start>` of a
        stored series (what a write to an instance id turns into an exception)."""
        entry = cal.entries.get(event_id)
        if entry is not None:
            return entry
        series_id, sep, _ = event_id.rpartition("_")
        series = cal.entries.get(series_id) if sep else None
        if series is None or not series.event.get("recurrence"):
            return None
        horizon = self._clock().astimezone(UTC) + timedelta(days=3660)
        for inst in self._instances(cal, series.event, horizon):
            if inst["id"] == event_id:
                return _Entry(copy.deepcopy(inst), 0)
        return None

    def _is_exception(self, cal: _Calendar, event: dict[str, Any]) -> bool:
        return event.get("recurringEventId") in cal.entries

    # --- test controls -----------------------------------------------------------------------

    @locked
    def user_cancel_occurrence(self, calendar_id: str, instance_id: str) -> dict[str, Any]:
        """The user cancels one occurrence of a series: Google keeps it as a cancelled
        exception (`recurringEventId`, `originalStartTime`), listed to a sync token."""
        return self._edit_occurrence(calendar_id, instance_id, {"status": "cancelled"})

    @locked
    def user_edit_occurrence(
        self, calendar_id: str, instance_id: str, **changes: Any
    ) -> dict[str, Any]:
        """The user changes one occurrence ("this event" in Google's dialog), e.g. moves it
        with new `start`/`end`: it becomes an exception keeping its id and
        `originalStartTime` (patch semantics, as `user_edit`)."""
        return self._edit_occurrence(calendar_id, instance_id, changes)

    def _edit_occurrence(
        self, calendar_id: str, instance_id: str, changes: dict[str, Any]
    ) -> dict[str, Any]:
        cal = self._cal(calendar_id)
        entry = self._occurrence(cal, instance_id)
        if entry is None or not entry.event.get("recurringEventId"):
            raise KeyError(instance_id)
        kept = {k: v for k, v in changes.items() if k not in READ_ONLY}
        merged = _merge(copy.deepcopy(entry.event), kept)
        self._validate(cal, merged)
        self._normalize(cal, merged, conference=True)
        return copy.deepcopy(self._commit(cal, merged))

    @locked
    def add_calendar(
        self, calendar_id: str, *, time_zone: str = "UTC", summary: str | None = None
    ) -> None:
        self.calendars[calendar_id] = _Calendar(
            calendar_id, ZoneInfo(time_zone), summary or calendar_id
        )

    @locked
    def put_event(self, calendar_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """The user creates (or is invited to) an event; any id without "/" is accepted.

        An `organizer` given is kept (an invitation from someone else); otherwise the
        calendar's owner organizes it, as for API inserts.
        """
        cal = self._cal(calendar_id)
        if event.get("recurringEventId"):
            return self._put_exception(cal, event)
        fresh = self._fresh(cal, event, conference=True, strict_id=False)
        organizer = event.get("organizer")
        if isinstance(organizer, dict) and organizer.get("email"):
            fresh["organizer"] = copy.deepcopy(organizer)
            if organizer["email"].lower() == cal.id.lower():
                fresh["organizer"]["self"] = True
        return copy.deepcopy(self._commit(cal, fresh))

    def _put_exception(self, cal: _Calendar, event: dict[str, Any]) -> dict[str, Any]:
        """An exception given in the data: `recurringEventId` and `originalStartTime` name
        the occurrence it replaces (its id is derived from them, as Google does)."""
        series_id = str(event["recurringEventId"])
        series = cal.entries.get(series_id)
        original = event.get("originalStartTime")
        if series is None or not isinstance(original, dict):
            raise KeyError(f"{series_id}: no such series, or no originalStartTime")
        zone = _zone(series.event["start"].get("timeZone"), cal.zone)
        when = self._instant(cal, original).astimezone(zone)
        instance_id = f"{series_id}_{_suffix(when, 'date' in original)}"
        if event.get("id") not in (None, instance_id):
            raise KeyError(f"{event['id']}: an exception's id is {instance_id}")
        return self._edit_occurrence(cal.id, instance_id, event)

    @locked
    def user_edit(self, calendar_id: str, event_id: str, **changes: Any) -> dict[str, Any]:
        """The user edits an event (patch semantics: nested objects merge, None deletes)."""
        cal = self._cal(calendar_id)
        entry = cal.entries[event_id]
        merged = _merge(copy.deepcopy(entry.event), changes)
        self._validate(cal, merged)
        self._normalize(cal, merged, conference=True)
        committed = copy.deepcopy(self._commit(cal, merged))
        # "All events" in Google's dialog: the series' exceptions take the same changes,
        # except their own times.
        shared = {k: v for k, v in changes.items() if k not in ("start", "end", "recurrence")}
        for exception_id in sorted(cal.exceptions.get(event_id, ())) if shared else ():
            exception = cal.entries[exception_id].event
            if exception.get("status") != "cancelled":
                self._edit_occurrence(calendar_id, exception_id, shared)
        return committed

    @locked
    def user_delete(self, calendar_id: str, event_id: str) -> None:
        cal = self._cal(calendar_id)
        self._cancel(cal, cal.entries[event_id])

    def _cancel(self, cal: _Calendar, entry: _Entry) -> None:
        """Deletes an event; a series takes its exceptions with it."""
        event = copy.deepcopy(entry.event)
        event["status"] = "cancelled"
        self._commit(cal, event)
        for exception_id in sorted(cal.exceptions.get(event["id"], ())):
            exception = cal.entries[exception_id]
            if exception.event.get("status") != "cancelled":
                self._commit(cal, {**copy.deepcopy(exception.event), "status": "cancelled"})

    @locked
    def expire_sync_tokens(self) -> None:
        """Every sync token handed out so far now gets 410 fullSyncRequired."""
        self._generation += 1
        self._pages.clear()

    @locked
    def event(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        entry = self._cal(calendar_id).entries.get(event_id)
        return None if entry is None else copy.deepcopy(entry.event)

    @locked
    def events(self, calendar_id: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(e.event)
            for e in self._cal(calendar_id).entries.values()
            if include_deleted or e.event.get("status") != "cancelled"
        ]

    # --- HTTP handlers -----------------------------------------------------------------------

    def _entry(self, cal: _Calendar, event_id: str) -> _Entry:
        entry = self._occurrence(cal, event_id)
        if entry is None:
            raise not_found("calendar")
        return entry

    @staticmethod
    def _check_if_match(req: Request, entry: _Entry) -> None:
        wanted = req.headers.get("if-match")
        if wanted is not None and wanted.strip() not in ("*", entry.event["etag"]):
            raise ApiError(
                412,
                "conditionNotMet",
                "Precondition Failed",
                location="If-Match",
                location_type="header",
            )

    def get_event(self, req: Request, calendar_id: str, event_id: str) -> Response:
        cal = self._cal(calendar_id)
        zone = _zone(req.param("timeZone"), cal.zone)
        entry = self._entry(cal, event_id)
        if req.headers.get("if-none-match") == entry.event["etag"]:
            return Response(304, b"", {})
        return Response.json(self._render(cal, entry.event, zone))

    def insert_event(self, req: Request, calendar_id: str) -> Response:
        cal = self._cal(calendar_id)
        _send_updates(req)
        conference = req.param("conferenceDataVersion") == "1"
        event = self._fresh(cal, req.json(), conference)
        return Response.json(self._render(cal, self._commit(cal, event), cal.zone))

    def patch_event(self, req: Request, calendar_id: str, event_id: str) -> Response:
        cal = self._cal(calendar_id)
        _send_updates(req)
        entry = self._entry(cal, event_id)
        self._check_if_match(req, entry)
        body = {k: v for k, v in req.json().items() if k not in READ_ONLY}
        merged = _merge(copy.deepcopy(entry.event), body)
        return self._write(req, cal, entry, merged)

    def update_event(self, req: Request, calendar_id: str, event_id: str) -> Response:
        cal = self._cal(calendar_id)
        _send_updates(req)
        entry = self._entry(cal, event_id)
        self._check_if_match(req, entry)
        body = {k: v for k, v in req.json().items() if k not in READ_ONLY}
        for key in ("start", "end"):
            if key not in body:
                raise _err(400, "required", f"Missing {key} time.")
        kept = {k: copy.deepcopy(v) for k, v in entry.event.items() if k in READ_ONLY}
        replaced = {**kept, **copy.deepcopy(body)}
        replaced.setdefault("status", entry.event.get("status", "confirmed"))
        return self._write(req, cal, entry, replaced)

    def _write(
        self, req: Request, cal: _Calendar, entry: _Entry, event: dict[str, Any]
    ) -> Response:
        self._validate(cal, event)
        conference = req.param("conferenceDataVersion") == "1"
        if not conference and "conferenceData" in entry.event:
            event["conferenceData"] = copy.deepcopy(entry.event["conferenceData"])
        self._normalize(cal, event, conference=True)
        ignore = {"reminders", "etag", "updated"}
        before = {k: v for k, v in entry.event.items() if k not in ignore}
        after = {k: v for k, v in event.items() if k not in ignore}
        # Changing only the reminders does not move `updated` (Calendar API docs).
        committed = self._commit(cal, event, touch_updated=before != after)
        return Response.json(self._render(cal, committed, cal.zone))

    def delete_event(self, req: Request, calendar_id: str, event_id: str) -> Response:
        cal = self._cal(calendar_id)
        _send_updates(req)
        entry = self._entry(cal, event_id)
        if entry.event.get("status") == "cancelled":
            raise ApiError(410, "deleted", "Resource has been deleted")
        self._check_if_match(req, entry)
        self._cancel(cal, entry)
        return Response.empty(204)

    def list_events(self, req: Request, calendar_id: str) -> Response:
        cal = self._cal(calendar_id)
        zone, limit, fingerprint, following = self._paging(req, cal)
        if following is not None:
            return following
        sync_token = req.param("syncToken")
        single = req.bool_param("singleEvents")
        order_by = req.param("orderBy")
        if order_by not in (None, "startTime", "updated"):
            raise _invalid(f"Invalid value '{order_by}' for orderBy", "orderBy")
        if order_by == "startTime" and not single:
            raise _err(
                400,
                "badRequest",
                "The requested ordering is not available for the particular query.",
            )
        now = self._clock().astimezone(UTC)
        if sync_token is not None:
            for name in SYNC_FORBIDDEN:
                if req.has(name):
                    raise _invalid(f"The parameter {name} cannot be used with syncToken.", name)
            if req.has("showDeleted") and not req.bool_param("showDeleted"):
                raise _invalid("showDeleted=false cannot be used with syncToken.", "showDeleted")
            since = self._check_sync_token(cal, sync_token)
            changed: dict[str, dict[str, Any]] = {}
            for entry in cal.entries.values():
                if entry.seq > since:
                    for raw in self._expand(cal, entry.event, single, now + timedelta(days=366)):
                        changed[raw["id"]] = raw
            items = [self._render_item(cal, r, zone) for r in changed.values()]
            snapshot = _Page(cal.id, items, self._seq, fingerprint)
            return self._page(cal, snapshot, limit)
        show_deleted = req.bool_param("showDeleted")
        time_min = _opt_time(req, "timeMin")
        time_max = _opt_time(req, "timeMax")
        if time_min and time_max and time_min >= time_max:
            raise _err(400, "timeRangeEmpty", "The specified time range is empty.", "timeMax")
        updated_min = _opt_time(req, "updatedMin")
        private = _props(req, "privateExtendedProperty")
        shared = _props(req, "sharedExtendedProperty")
        ical_uid = req.param("iCalUID")
        words = (req.param("q") or "").lower().split()
        types = req.params("eventTypes")
        horizon = time_max or now + timedelta(days=366)
        items = []
        for entry in cal.entries.values():
            raws = [
                event
                for event in self._listed(cal, entry.event, single, horizon)
                if self._shown(cal, event, single, show_deleted or updated_min is not None)
            ]
            if time_min or time_max:
                if single or not entry.event.get("recurrence"):
                    raws = [r for r in raws if self._overlaps(cal, r, time_min, time_max)]
                else:
                    # A recurring master is listed when any of its instances is in range.
                    inst = self._instances(cal, entry.event, horizon)
                    if not any(self._overlaps(cal, i, time_min, time_max) for i in inst):
                        raws = []
            for event in raws:
                if self._matches(event, updated_min, ical_uid, types, private, shared, words):
                    items.append(self._render_item(cal, event, zone))
        if order_by == "startTime":
            items.sort(key=lambda e: (self._start_key(cal, e), e["id"]))
        elif order_by == "updated":
            items.sort(key=lambda e: (e.get("updated", ""), e["id"]))
        return self._page(cal, _Page(cal.id, items, self._seq, fingerprint), limit)

    def list_instances(self, req: Request, calendar_id: str, event_id: str) -> Response:
        """events.instances: the occurrences of one series as `singleEvents` lists them
        (cancelled ones only with showDeleted); no sync token. For an event that is not
        recurring the fake answers with the event itself (what Google does is not known)."""
        cal = self._cal(calendar_id)
        zone, limit, fingerprint, following = self._paging(req, cal)
        if following is not None:
            return following
        entry = self._entry(cal, event_id)
        if entry.event.get("status") == "cancelled":
            raise ApiError(410, "deleted", "Resource has been deleted")
        time_min, time_max = _opt_time(req, "timeMin"), _opt_time(req, "timeMax")
        horizon = time_max or self._clock().astimezone(UTC) + timedelta(days=366)
        items = [
            self._render_item(cal, inst, zone)
            for inst in self._instances(cal, entry.event, horizon)
            if (req.bool_param("showDeleted") or inst.get("status") != "cancelled")
            and self._overlaps(cal, inst, time_min, time_max)
        ]
        return self._page(cal, _Page(cal.id, items, 0, fingerprint, synced=False), limit)

    def _paging(
        self, req: Request, cal: _Calendar
    ) -> tuple[ZoneInfo, int, tuple[tuple[str, str], ...], Response | None]:
        """What a listing reads first: the answer's zone, the page size, the query (a next
        page must repeat it); and the next page itself when a page token asks for one."""
        zone = _zone(req.param("timeZone"), cal.zone)
        limit = req.int_param("maxResults", 250, lo=1, hi=2500)
        fingerprint = _fingerprint(req)
        token = req.param("pageToken")
        following = None if token is None else self._next_page(cal, token, fingerprint, limit)
        return zone, limit, fingerprint, following

    def _next_page(
        self, cal: _Calendar, token: str, fingerprint: tuple[tuple[str, str], ...], limit: int
    ) -> Response:
        page = self._pages.get(token)
        if page is None or page.calendar_id != cal.id or page.fingerprint != fingerprint:
            raise _invalid("Invalid page token value.", "pageToken")
        del self._pages[token]
        return self._page(cal, page, limit)

    def _expand(
        self, cal: _Calendar, event: dict[str, Any], single: bool, horizon: datetime
    ) -> list[dict[str, Any]]:
        """The stored event, or with singleEvents its instances (not yet rendered); an
        exception with singleEvents is the instance it is (its series cancelled: cancelled)."""
        if single and event.get("recurrence"):
            return list(self._instances(cal, event, horizon))
        series = cal.entries.get(event.get("recurringEventId") or "")
        if single and series is not None and series.event.get("status") == "cancelled":
            return [{**event, "status": "cancelled"}]
        return [event]

    def _listed(
        self, cal: _Calendar, event: dict[str, Any], single: bool, horizon: datetime
    ) -> list[dict[str, Any]]:
        """What one stored event adds to a full listing. With singleEvents an exception is
        listed among its series' instances, so not on its own."""
        if single and self._is_exception(cal, event):
            return []
        return self._expand(cal, event, single, horizon)

    def _shown(
        self, cal: _Calendar, event: dict[str, Any], single: bool, deleted_too: bool
    ) -> bool:
        """Whether a cancelled event is listed (without a sync token): with showDeleted or
        updatedMin; and a cancelled exception of a live series also when singleEvents and
        showDeleted are both false (the series' own listing needs it; CD showDeleted)."""
        if event.get("status") != "cancelled" or deleted_too:
            return True
        series = cal.entries.get(event.get("recurringEventId") or "")
        live = series is not None and series.event.get("status") != "cancelled"
        return not single and live

    @staticmethod
    def _matches(
        event: dict[str, Any],
        updated_min: datetime | None,
        ical_uid: str | None,
        types: list[str],
        private: list[tuple[str, str]],
        shared: list[tuple[str, str]],
        words: list[str],
    ) -> bool:
        """The listing's filters on one event or instance."""
        updated = datetime.fromisoformat(event["updated"].replace("Z", "+00:00"))
        props = event.get("extendedProperties") or {}
        return (
            not (updated_min and updated < updated_min)
            and not (ical_uid and event.get("iCalUID") != ical_uid)
            and not (types and event.get("eventType", "default") not in types)
            and all((props.get("private") or {}).get(k) == v for k, v in private)
            and all((props.get("shared") or {}).get(k) == v for k, v in shared)
            and all(w in _searchable(event) for w in words)
        )

    def _render_item(self, cal: _Calendar, event: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
        if event.get("status") == "cancelled":
            return self._render_cancelled(event)
        return self._render(cal, event, zone)

    def _overlaps(
        self, cal: _Calendar, event: dict[str, Any], lo: datetime | None, hi: datetime | None
    ) -> bool:
        start, end = self._instant(cal, event["start"]), self._instant(cal, event["end"])
        return (lo is None or end > lo) and (hi is None or start < hi)

    def _start_key(self, cal: _Calendar, event: dict[str, Any]) -> datetime:
        value = event.get("start") or event.get("originalStartTime")
        if not value:
            return datetime.max.replace(tzinfo=UTC)
        return self._instant(cal, value)

    def _page(self, cal: _Calendar, page: _Page, limit: int) -> Response:
        items, rest = page.items[:limit], page.items[limit:]
        out: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"p{self._etag:x}"',
            "summary": cal.summary,
            "description": "",
            "updated": format_updated(self._last_updated),
            "timeZone": str(cal.zone.key),
            "accessRole": "owner",
            "defaultReminders": DEFAULT_REMINDERS,
        }
        if rest:
            token = secrets.token_urlsafe(18)
            self._pages[token] = _Page(
                cal.id, rest, page.next_sync_seq, page.fingerprint, page.synced
            )
            out["nextPageToken"] = token
        elif page.synced:
            raw = f"{self._generation}:{page.next_sync_seq}:{cal.id}".encode()
            out["nextSyncToken"] = "C" + base64.urlsafe_b64encode(raw).decode()
        out["items"] = items
        return Response.json(out)

    def _check_sync_token(self, cal: _Calendar, token: str) -> int:
        try:
            gen, seq, cal_id = base64.urlsafe_b64decode(token[1:].encode()).decode().split(":", 2)
            valid = token.startswith("C") and int(gen) == self._generation and cal_id == cal.id
            since = int(seq)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            valid, since = False, 0
        if not valid:
            raise ApiError(
                410,
                "fullSyncRequired",
                "Sync token is no longer valid, a full sync is required.",
                domain="calendar",
                location="syncToken",
                location_type="parameter",
            )
        return since


# --- helpers ---------------------------------------------------------------------------------


def _suffix(when: datetime, all_day: bool) -> str:
    """The instance id's tail: the original start, a date or a UTC time."""
    return when.strftime("%Y%m%d") if all_day else when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fingerprint(req: Request) -> tuple[tuple[str, str], ...]:
    """A listing's parameters but the page token: each next page must repeat them."""
    return tuple(sorted((k, v) for k, v in req.query if k not in ("pageToken", "alt")))


def _send_updates(req: Request) -> None:
    value = req.param("sendUpdates")
    if value not in (None, "all", "externalOnly", "none"):
        raise _invalid(f"Invalid value '{value}' for sendUpdates", "sendUpdates")


def _opt_time(req: Request, name: str) -> datetime | None:
    value = req.param(name)
    return None if value is None else parse_rfc3339(value, name)


def _props(req: Request, name: str) -> list[tuple[str, str]]:
    out = []
    for item in req.params(name):
        key, sep, value = item.partition("=")
        if not sep:
            raise _invalid(f"Invalid value '{item}' for {name}", name)
        out.append((key, value))
    return out


def _searchable(event: dict[str, Any]) -> str:
    parts = [str(event.get(k, "")) for k in ("summary", "description", "location")]
    for person in [event.get("organizer") or {}, *(event.get("attendees") or [])]:
        parts += [str(person.get("email", "")), str(person.get("displayName", ""))]
    return " ".join(parts).lower()


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Patch semantics: objects merge recursively, lists and scalars replace, None deletes."""
    for key, value in changes.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base
