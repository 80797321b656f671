"""Google Calendar: interviews read from `google.calendar_id`, reminders written to
`google.reminders_calendar_id`.

`GoogleCalendar` (a `CalendarSource`) lists every event once (full sync), then only what
changed since (`syncToken`); an expired token (410) means a clean full sync. Events are
kept in memory between reads and can be persisted with `snapshot()`/`restore()` (see
`state`). Recurring events are read per occurrence (`singleEvents=true`, allowed with
`syncToken`): an interview loop's occurrences are each their own interview (by instance id
`<seriesId>_<original start>`), a moved one where it moved to (same id: the same
interview, so its reminders move), a cancelled one gone. When a sync token reports changed
occurrences of a series, `events.instances` for that series says which are still in it:
a series whose times all moved has new instance ids, and nothing else reports the old ones
gone. `events.instances` per series was the other way:
it has no sync token, so each recurring interview would cost a request on every poll,
where `singleEvents` costs one request per 2,500 occurrences and nothing when idle
(bench/google_polls.py --series).

`GoogleReminders` (a `ReminderSink`) writes one short event per action, with a popup at
its start, tagged in `extendedProperties.private` with `followup_key` (the action key),
`followup_hash` (our content hash) and `followup = "reminder"`, so `find_all` finds them
with one `privateExtendedProperty` query and no local state. Each create picks a fresh event
id (deleted ids stay reserved forever) and sends it on every retry, so a create repeated
after a dropped answer meets 409 and settles instead of duplicating. Updates and deletes
send `If-Match` with the etag found: 412 means the user changed it, and it is left alone.
A changed reminder carries one more than the `sequence` it was listed with
(`reminder_times.next_sequence`, as in `reminders.ics`); one placed for an action already
due starts a minute or two after the pass (the daemon places it, for every writer).
Events without our tag are never touched.

Calendar drops extended-property keys over 44 characters and truncates values over 1024,
silently: our keys are short, and an action key over `LONG_KEY` characters (a long
imported event id) is stored as its hash, mapped back through the keys the sink is shown
(`content_hash` of each wanted reminder, `remember` of each recorded one).

The owner's own attendee entry carries `self: true`, possibly under an address other than
`user.email`: it is read as `me`, so "declined by me" and "not an interviewer" hold.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base import Found, Reminder, Written
from connectors.google.retry import (
    DEFAULT_POLICY,
    GoogleApiError,
    RetryPolicy,
    call,
    get_or_none,
    pages,
)
from connectors.google.state import Snapshot
from connectors.reminder_times import next_sequence
from policy.models import Attendee, CalendarEvent, Person

logger = logging.getLogger(__name__)

SNAPSHOT_VERSION = 2  # 2: occurrences (singleEvents); a version-1 token is refused
KEY_PROPERTY = "followup_key"
HASH_PROPERTY = "followup_hash"
MARK_PROPERTY = "followup"
MARK_VALUE = "reminder"
LONG_KEY = 200  # characters; Calendar truncates property values over 1024 silently
# Only these fields are kept between reads (and in snapshots).
_KEPT = (
    "id",
    "status",
    "summary",
    "description",
    "location",
    "start",
    "end",
    "organizer",
    "attendees",
    "extendedProperties",
    "recurringEventId",
)


class GoogleCalendar:
    """A `CalendarSource` over one Google calendar, synced incrementally between reads."""

    def __init__(
        self,
        service: object,
        calendar_id: str,
        timezone: ZoneInfo,
        *,
        retry: RetryPolicy = DEFAULT_POLICY,
        page_size: int = 2500,
        me: str = "",
    ) -> None:
        self._service: Any = service
        self.calendar_id = calendar_id
        self.timezone = timezone
        self.me = me.strip().lower()  # the address a `self: true` attendee is read as
        self._retry = retry
        self._page_size = page_size
        self._items: dict[str, dict[str, Any]] = {}
        self._token: str | None = None

    @property
    def cursor(self) -> str | None:
        """The sync token the events held are complete up to (None before the first read)."""
        return self._token

    def events(self) -> tuple[CalendarEvent, ...]:
        if self._token is None:
            self._full_sync()
        else:
            try:
                self._incremental_sync()
            except GoogleApiError as error:
                if error.status != 410:
                    raise
                logger.info("calendar sync token expired (410); full sync")
                self._full_sync()
        events: list[CalendarEvent] = []
        for item in self._items.values():
            try:
                events.append(_to_event(item, self.timezone, self.me))
            except (KeyError, TypeError, ValueError) as error:
                logger.warning(
                    "calendar event %s skipped: %s", item.get("id"), type(error).__name__
                )
        return tuple(events)

    def _full_sync(self) -> None:
        items, token = self._list(None)
        self._items = {
            item["id"]: _trim(item) for item in items if item.get("status") != "cancelled"
        }
        self._token = token
        logger.info("calendar full sync: %d events", len(self._items))

    def _incremental_sync(self) -> None:
        items, token = self._list(self._token)
        changed = removed = 0
        series: set[str] = set()
        for item in items:
            if item.get("status") == "cancelled":
                removed += self._items.pop(item["id"], None) is not None
            else:
                self._items[item["id"]] = _trim(item)
                changed += 1
                series.add(str(item.get("recurringEventId") or ""))
        for series_id in sorted(series - {""}):
            removed += self._settle_series(series_id)
        self._token = token
        logger.info("calendar incremental sync: %d changed, %d removed", changed, removed)

    def _settle_series(self, series_id: str) -> int:
        """The occurrences of a series that changed, as `events.instances` has them now;
        how many held ones are no longer in it.

        A sync token reports the occurrences a change touched, but nothing says that one
        is gone when the series itself changed (all its times moved: new instance ids; a
        shorter rule): the occurrences held but no longer listed are dropped. Costs one
        request per changed series, and none on a poll with nothing new.
        """

        def page(token: str | None) -> Any:
            return self._service.events().instances(
                calendarId=self.calendar_id,
                eventId=series_id,
                maxResults=self._page_size,
                pageToken=token,
            )

        now: dict[str, dict[str, Any]] = {}
        context = f" (calendar {self.calendar_id})"
        try:
            for answer in pages("Calendar events.instances", page, self._retry, context=context):
                for item in answer.get("items") or []:
                    if item.get("status") != "cancelled":
                        now[str(item["id"])] = _trim(item)
        except GoogleApiError as error:
            if error.status not in (404, 410):
                raise  # 404/410: the series is gone, and so are its occurrences
        stale = [
            event_id
            for event_id, held in self._items.items()
            if held.get("recurringEventId") == series_id and event_id not in now
        ]
        for event_id in stale:
            del self._items[event_id]
        self._items.update(now)
        if stale:
            logger.info("calendar series %s: %d occurrences no longer in it", series_id, len(stale))
        return len(stale)

    def _list(self, sync_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """Every page of one listing; the token of its last page."""

        def page(token: str | None) -> Any:
            return self._service.events().list(
                calendarId=self.calendar_id,
                maxResults=self._page_size,
                singleEvents=True,
                syncToken=sync_token,
                pageToken=token,
            )

        items: list[dict[str, Any]] = []
        last: dict[str, Any] = {}
        count = 0
        context = f" (calendar {self.calendar_id})"
        for last in pages("Calendar events.list", page, self._retry, context=context):
            count += 1
            items.extend(last.get("items") or [])
        logger.debug("calendar listing: %d items in %d pages", len(items), count)
        return items, last.get("nextSyncToken")

    def snapshot(self) -> Snapshot:
        return {
            "version": SNAPSHOT_VERSION,
            "kind": "calendar",
            "calendar_id": self.calendar_id,
            "sync_token": self._token,
            "events": [dict(item) for item in self._items.values()],
        }

    def restore(self, data: Mapping[str, object]) -> bool:
        token, events = data.get("sync_token"), data.get("events")
        if (
            data.get("version") != SNAPSHOT_VERSION
            or data.get("kind") != "calendar"
            or data.get("calendar_id") != self.calendar_id
            or not isinstance(token, str)
            or not isinstance(events, list)
            or not all(isinstance(e, dict) and isinstance(e.get("id"), str) for e in events)
        ):
            logger.info("calendar snapshot not usable; next read is a full sync")
            self._items, self._token = {}, None
            return False
        self._items = {str(e["id"]): dict(e) for e in events}
        self._token = token
        return True


def _trim(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item[key] for key in _KEPT if key in item}


# --- events → CalendarEvent -------------------------------------------------------------------


def _to_event(item: Mapping[str, Any], timezone: ZoneInfo, me: str = "") -> CalendarEvent:
    """One Calendar API event as a `CalendarEvent`, its times in the user's zone."""
    start_at, all_day = _when(item["start"], timezone)
    end_at, _ = _when(item.get("end") or item["start"], timezone)
    if all_day and end_at <= start_at:
        end_at = start_at + timedelta(days=1)
    elif end_at < start_at:
        end_at = start_at
    private = (item.get("extendedProperties") or {}).get("private") or {}
    return CalendarEvent(
        event_id=str(item["id"]),
        title=str(item.get("summary") or ""),
        start_at=start_at,
        end_at=end_at,
        description=str(item.get("description") or ""),
        location=str(item.get("location") or ""),
        all_day=all_day,
        cancelled=item.get("status") == "cancelled",
        organizer=_person(item.get("organizer")),
        attendees=tuple(_attendees(item.get("attendees") or (), me)),
        created_by_followup=KEY_PROPERTY in private,
    )


def _when(value: Mapping[str, Any], timezone: ZoneInfo) -> tuple[datetime, bool]:
    """(aware time in the user's zone, all-day); a date is local midnight."""
    if value.get("date"):
        day = date.fromisoformat(str(value["date"]))
        return datetime.combine(day, time(0), tzinfo=timezone), True
    moment = datetime.fromisoformat(str(value["dateTime"]))
    if moment.tzinfo is None:
        zone_name = value.get("timeZone")
        zone = ZoneInfo(str(zone_name)) if zone_name else timezone
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone), False


def _person(value: object) -> Person | None:
    if not isinstance(value, Mapping):
        return None
    email = str(value.get("email") or "").strip().lower()
    name = str(value.get("displayName") or "")
    if not email and not name:
        return None
    return Person(email=email, name=name)


def _attendees(values: object, me: str = "") -> list[Attendee]:
    found: list[Attendee] = []
    if not isinstance(values, list | tuple):
        return found
    for value in values:
        if not isinstance(value, Mapping):
            continue
        email = str(value.get("email") or "").strip().lower()
        if value.get("self") is True and me:
            email = me  # the owner, whatever address the invitation reached
        if not email:
            continue
        status = str(value.get("responseStatus") or "needsAction")
        response = "needs-action" if status == "needsAction" else status.lower()
        found.append(
            Attendee(email=email, name=str(value.get("displayName") or ""), response=response)
        )
    return found


# --- reminders --------------------------------------------------------------------------------


class GoogleReminders:
    """A `ReminderSink` writing tagged short events to one Google calendar."""

    def __init__(
        self, service: object, calendar_id: str, *, retry: RetryPolicy = DEFAULT_POLICY
    ) -> None:
        self._service: Any = service
        self.calendar_id = calendar_id
        self._retry = retry
        self._long_keys: dict[str, str] = {}  # stored (hashed) form -> action key
        self._sequences: dict[str, object] = {}  # event id -> its `sequence`, as listed

    def remember(self, written: Mapping[str, str], pending: Mapping[str, str]) -> None:
        """The keys recorded, so a long key stored hashed is read back as itself."""
        for key in (*written, *pending):
            self._stored(key)

    def content_hash(self, reminder: Reminder) -> str:
        self._stored(reminder.key)
        return _event_hash(self._body(reminder, event_id=""))

    def _stored(self, key: str) -> str:
        """The key as stored in the event: itself, or a hash when it is too long."""
        if len(key) <= LONG_KEY:
            return key
        stored = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
        self._long_keys[stored] = key
        return stored

    def _found(self, item: Mapping[str, Any]) -> Found | None:
        one = _found(item)
        if one is not None:
            self._sequences[one.remote_id] = item.get("sequence")
        if one is None or one.key not in self._long_keys:
            return one
        return replace(one, key=self._long_keys[one.key])

    def find_all(self) -> dict[str, Found]:
        def page(token: str | None) -> Any:
            return self._service.events().list(
                calendarId=self.calendar_id,
                privateExtendedProperty=f"{MARK_PROPERTY}={MARK_VALUE}",
                maxResults=2500,
                pageToken=token,
            )

        found: dict[str, Found] = {}
        duplicates = 0
        context = f" (calendar {self.calendar_id})"
        for answer in pages("Calendar events.list (reminders)", page, self._retry, context=context):
            for item in answer.get("items") or []:
                one = self._found(item)
                if one is None:
                    continue
                if one.key in found:
                    duplicates += 1
                    continue
                found[one.key] = one
        if duplicates:
            logger.warning(
                "%d reminders repeat an action key; the first of each is used", duplicates
            )
        logger.debug("reminders found: %d", len(found))
        return found

    def find(self, key: str) -> Found | None:
        """The reminder for one action key, if this program wrote one that is still there."""
        answer = call(
            f"Calendar events.list (reminder {key})",
            lambda: self._service.events().list(
                calendarId=self.calendar_id,
                privateExtendedProperty=f"{KEY_PROPERTY}={self._stored(key)}",
                maxResults=10,
            ),
            self._retry,
        )
        for item in answer.get("items") or []:
            one = self._found(item)
            if one is not None and one.key == key:
                return one
        return None

    def create(self, reminder: Reminder) -> Written:
        wanted = self.content_hash(reminder)
        # A fresh id per create: Calendar keeps a deleted event's id reserved forever, so
        # ids derived from the key alone run out after a few delete/re-create cycles. The
        # same id is sent on every retry of this create, so a retried insert whose first
        # answer was lost meets 409 and settles; across runs, `find` goes by our tag.
        event_id = event_id_for(reminder.key, secrets.token_hex(8))
        body = self._body(reminder, event_id=event_id)
        try:
            item = call(
                f"Calendar events.insert {event_id}",
                partial(
                    self._service.events().insert,
                    calendarId=self.calendar_id,
                    body=body,
                    sendUpdates="none",
                ),
                self._retry,
            )
        except GoogleApiError as error:
            existing = self._get(event_id) if error.status == 409 else None
            mine = self._found(existing) if existing is not None else None
            if mine is None or mine.key != reminder.key:
                raise
            logger.info("reminder %s was already written; settled", event_id)
            return Written(remote_id=event_id, etag=mine.etag, content_hash=wanted)
        logger.info("reminder created: %s", event_id)
        return Written(remote_id=str(item["id"]), etag=str(item["etag"]), content_hash=wanted)

    def update(self, found: Found, reminder: Reminder) -> Written | None:
        wanted = self.content_hash(reminder)
        body = self._body(reminder, event_id=found.remote_id)
        if found.remote_id in self._sequences:  # moved or changed: a higher SEQUENCE
            body["sequence"] = next_sequence(self._sequences[found.remote_id])

        def make() -> Any:
            request = self._service.events().update(
                calendarId=self.calendar_id,
                eventId=found.remote_id,
                body=body,
                sendUpdates="none",
            )
            request.headers["If-Match"] = found.etag
            return request

        def recover() -> Any:
            current = self._get(found.remote_id)
            if (
                current is not None
                and current.get("status") != "cancelled"
                and _event_hash(current) == wanted
                and current.get("etag") != found.etag
            ):
                return current
            return None

        try:
            item = call(
                f"Calendar events.update {found.remote_id}", make, self._retry, recover=recover
            )
        except GoogleApiError as error:
            if error.status in (404, 410, 412):
                logger.info(
                    "reminder %s changed or gone (%s); left alone", found.remote_id, error.status
                )
                return None
            raise
        logger.info("reminder updated: %s", found.remote_id)
        return Written(remote_id=found.remote_id, etag=str(item["etag"]), content_hash=wanted)

    def delete(self, found: Found) -> bool:
        def make() -> Any:
            request = self._service.events().delete(
                calendarId=self.calendar_id, eventId=found.remote_id, sendUpdates="none"
            )
            request.headers["If-Match"] = found.etag
            return request

        try:
            call(f"Calendar events.delete {found.remote_id}", make, self._retry)
        except GoogleApiError as error:
            if error.status in (404, 410):
                logger.info("reminder %s already gone", found.remote_id)
                return True
            if error.status == 412:
                logger.info("reminder %s changed by the user; left alone", found.remote_id)
                return False
            raise
        logger.info("reminder deleted: %s", found.remote_id)
        return True

    def _get(self, event_id: str) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = get_or_none(
            f"Calendar events.get {event_id}",
            lambda: self._service.events().get(calendarId=self.calendar_id, eventId=event_id),
            self._retry,
            gone=(404, 410),
        )
        return answer

    def _body(self, reminder: Reminder, *, event_id: str) -> dict[str, Any]:
        starts_at = reminder.starts_at
        ends_at = starts_at + timedelta(minutes=max(1, reminder.minutes))
        body: dict[str, Any] = {
            "summary": reminder.title,
            "description": reminder.text,
            "start": _date_time(starts_at),
            "end": _date_time(ends_at),
            "transparency": "transparent",
            "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 0}]},
            "extendedProperties": {
                "private": {MARK_PROPERTY: MARK_VALUE, KEY_PROPERTY: self._stored(reminder.key)}
            },
        }
        if event_id:
            body["id"] = event_id
            body["extendedProperties"]["private"][HASH_PROPERTY] = _event_hash(body)
        return body


def event_id_for(key: str, nonce: str) -> str:
    """A Calendar event id (base32hex, 26 characters) from the action key and a nonce."""
    digest = hashlib.sha256(f"followup\0{key}\0{nonce}".encode()).digest()
    return base64.b32hexencode(digest).decode("ascii").lower().rstrip("=")[:26]


def _date_time(moment: datetime) -> dict[str, str]:
    value = {"dateTime": moment.isoformat()}
    if isinstance(moment.tzinfo, ZoneInfo):
        value["timeZone"] = moment.tzinfo.key
    return value


def _event_hash(item: Mapping[str, Any]) -> str:
    """A hash of what the user can see and change: title, text, times, alarms."""

    def instant(value: object) -> str:
        if not isinstance(value, Mapping):
            return ""
        if value.get("date"):
            return str(value["date"])
        try:
            moment = datetime.fromisoformat(str(value.get("dateTime")))
        except ValueError:
            return str(value.get("dateTime"))
        if moment.tzinfo is None:
            return moment.isoformat()
        return moment.astimezone(UTC).isoformat()

    reminders = item.get("reminders") or {}
    if reminders.get("useDefault"):
        alarms: list[list[object]] = [["default", 0]]
    else:
        alarms = sorted(
            [str(o.get("method")), int(o.get("minutes", 0))]
            for o in reminders.get("overrides") or []
            if isinstance(o, Mapping)
        )
    canonical = {
        "title": str(item.get("summary") or ""),
        "text": str(item.get("description") or "").replace("\r\n", "\n").strip(),
        "start": instant(item.get("start")),
        "end": instant(item.get("end")),
        "alarms": alarms,
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _found(item: Mapping[str, Any]) -> Found | None:
    if item.get("status") == "cancelled":
        return None
    private = (item.get("extendedProperties") or {}).get("private") or {}
    key = private.get(KEY_PROPERTY)
    if not isinstance(key, str) or not key:
        return None
    return Found(
        key=key,
        remote_id=str(item["id"]),
        etag=str(item.get("etag") or ""),
        content_hash=_event_hash(item),
    )
