"""`CaldavCalendar`: the `CalendarSource` over one CalDAV collection (`calendar.url`).

The first read is a calendar-query REPORT for the window (ten years back, two ahead)
with the server expanding recurring series (RFC 4791 `expand`), so each occurrence is
its own event (`UID/RECURRENCE-ID`, as the .ics reader names an overridden one). Later
reads ask what changed: a sync-collection REPORT (RFC 6578) with the token last given,
then a calendar-multiget of the changed resources only; where the server has no WebDAV
sync, a Depth 1 PROPFIND of ETags picks the changed ones. An idle pass is one request.
Resources carrying `X-FOLLOWUP-KEY` are our own reminders (the collection may be both).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from connectors.caldav.dav import Dav, Resource, href_path, responses, sync_token
from connectors.errors import SourceError
from connectors.local.ics import read_events
from policy.models import CalendarEvent

logger = logging.getLogger(__name__)

_BACK = timedelta(days=10 * 366)  # old interviews are shown too (as dormant)
_AHEAD = timedelta(days=2 * 366)
OWN_MARK = "X-FOLLOWUP-KEY"
_RECURRING = re.compile(r"^(RRULE|RDATE)[;:]", re.MULTILINE)


def _window() -> tuple[str, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    return (now - _BACK).strftime("%Y%m%dT%H%M%SZ"), (now + _AHEAD).strftime("%Y%m%dT%H%M%SZ")


def _calendar_data(start: str, end: str) -> str:
    return f'<C:calendar-data><C:expand start="{start}" end="{end}"/></C:calendar-data>'


class CaldavCalendar:
    """A `CalendarSource`; keep the object between passes to read only what changed."""

    def __init__(self, dav: Dav, url: str, timezone: ZoneInfo) -> None:
        self.dav = dav
        self.url = url if url.endswith("/") else url + "/"
        self.timezone = timezone
        self._token = ""
        self._sync = True  # until the server says it has no sync-collection
        self._read: dict[str, tuple[str, tuple[CalendarEvent, ...]]] = {}  # href -> (etag, …)
        self._data: dict[str, str] = {}  # href -> calendar-data, for the snapshot
        self._window = ("", "")

    # -- kept between processes (the daemon's state: `daemon/observer.py`) -----------------

    @property
    def cursor(self) -> str | None:
        return self._token or None

    def snapshot(self) -> dict[str, object]:
        return {
            "url": self.url,
            "token": self._token,
            "window": list(self._window),
            "read": {
                href: [etag, self._data.get(href, "")] for href, (etag, _) in self._read.items()
            },
        }

    def restore(self, snapshot: dict[str, object]) -> bool:
        """Resume from a snapshot of the same collection; False (and nothing kept) otherwise."""
        read = snapshot.get("read")
        window = snapshot.get("window")
        token = snapshot.get("token")
        if snapshot.get("url") != self.url or not isinstance(read, dict) or not token:
            return False
        if not isinstance(window, list) or len(window) != 2 or not isinstance(token, str):
            return False
        self._token, self._window = token, (str(window[0]), str(window[1]))
        for href, value in read.items():
            if isinstance(value, list) and len(value) == 2:
                self._keep(Resource(str(href), 200, str(value[0]), str(value[1])))
        return True

    def events(self) -> tuple[CalendarEvent, ...]:
        if not self._read and not self._token:
            self._full()
        elif self._sync and self._token:
            self._changes()
        else:
            self._by_etags()
        return tuple(event for _, events in self._read.values() for event in events)

    def _full(self) -> None:
        self._window = _window()
        start, end = self._window
        if self._sync:
            self._token = self._current_token()
        self._query_window()

    def _query_window(self) -> None:
        start, end = self._window
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            f"<D:prop><D:getetag/>{_calendar_data(start, end)}</D:prop>"
            '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            f'<C:time-range start="{start}" end="{end}"/>'
            "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
        )
        answer = self.dav.report(self.url, xml)
        self._check(answer.status, "calendar-query")
        self._read = {}
        for resource in responses(self.url, answer.body):
            if resource.status == 200:
                self._keep(resource)

    def _current_token(self) -> str:
        """The collection's sync token before the full read (changes after it are seen)."""
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
            "<D:prop><D:sync-token/></D:prop></D:propfind>"
        )
        answer = self.dav.request(
            "PROPFIND", self.url, xml.encode(), {"Depth": "0", "Content-Type": "application/xml"}
        )
        token = sync_token_prop(answer.body) if answer.status == 207 else ""
        if not token:
            self._sync = False
        return token

    def _changes(self) -> None:
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
            f"<D:sync-token>{escape(self._token)}</D:sync-token><D:sync-level>1</D:sync-level>"
            "<D:prop><D:getetag/></D:prop></D:sync-collection>"
        )
        answer = self.dav.report(self.url, xml)
        if answer.status in (403, 409, 412):  # the token expired: read everything again
            logger.info("%s: sync token refused; reading the calendar again", self.url)
            self._token, self._read = "", {}
            self._full()
            return
        self._check(answer.status, "sync-collection")
        changed: list[str] = []
        for resource in responses(self.url, answer.body):
            if href_path(resource.href) == href_path(self.url):
                continue
            if resource.status == 404:
                self._read.pop(resource.href, None)
            elif resource.etag != self._read.get(resource.href, ("", ()))[0]:
                changed.append(resource.href)
        self._token = sync_token(answer.body) or self._token
        self._fetch(changed)

    def _by_etags(self) -> None:
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
            "<D:prop><D:getetag/></D:prop></D:propfind>"
        )
        answer = self.dav.request(
            "PROPFIND", self.url, xml.encode(), {"Depth": "1", "Content-Type": "application/xml"}
        )
        self._check(answer.status, "PROPFIND")
        present: dict[str, str] = {}
        for resource in responses(self.url, answer.body):
            if resource.status == 200 and href_path(resource.href) != href_path(self.url):
                present[resource.href] = resource.etag
        self._read = {h: v for h, v in self._read.items() if h in present}
        self._fetch([h for h, etag in present.items() if self._read.get(h, ("", ()))[0] != etag])

    def _fetch(self, hrefs: list[str]) -> None:
        """The changed resources by calendar-multiget. A changed recurring series needs the
        server's expansion, which Radicale 3.9 gives only in a calendar-query (not in a
        multiget, and not with a UID filter beside it): then the window is read again."""
        if not hrefs:
            return
        wanted = "".join(f"<D:href>{escape(href_path(h))}</D:href>" for h in hrefs)
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            f"<D:prop><D:getetag/><C:calendar-data/></D:prop>{wanted}"
            "</C:calendar-multiget>"
        )
        answer = self.dav.report(self.url, xml)
        self._check(answer.status, "calendar-multiget")
        fetched = list(responses(self.url, answer.body))
        if any(_RECURRING.search(r.data) for r in fetched if r.status == 200):
            self._query_window()
            return
        for resource in fetched:
            if resource.status != 200:
                self._read.pop(resource.href, None)
            else:
                self._keep(resource)

    def _keep(self, resource: Resource) -> None:
        if OWN_MARK in resource.data:
            self._read.pop(resource.href, None)
            self._data.pop(resource.href, None)
            return
        self._data[resource.href] = resource.data
        try:
            events = read_events(
                resource.data.encode("utf-8"), source=resource.href, timezone=self.timezone
            )
        except SourceError as error:
            logger.warning("%s: skipped: %s", resource.href, error)
            events = ()
        self._read[resource.href] = (resource.etag, events)

    def _check(self, status: int, what: str) -> None:
        if status == 404:
            raise SourceError(f"[calendar] url {self.url}: no such calendar collection")
        if status != 207:
            raise SourceError(f"[calendar] url {self.url}: {what} answered {status}")


def sync_token_prop(body: bytes) -> str:
    from xml.etree import ElementTree

    from connectors.caldav.dav import DAV

    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return ""
    return root.findtext(f".//{DAV}sync-token") or ""
