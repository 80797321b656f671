"""`CaldavReminders`: the `ReminderSink` writing one VEVENT with a VALARM per reminder into a
CalDAV collection (`calendar.reminders_url`, default `calendar.url`).

Each reminder is its own resource, `<uid>.ics`, its UID stable per action key (as the .ics
writer's). The VEVENT is the .ics writer's block, so `X-FOLLOWUP-KEY` finds it again and
`X-FOLLOWUP-HASH` lets an untouched one report its content hash; a calendar program's
rewrite is parsed and hashed from its fields, so only a real edit counts as one. Writes
are conditional: a create is `If-None-Match: *` (a create killed after the server took it
finds it there and never makes a second), an update or delete `If-Match` the ETag found,
and a 412 means the user changed it meanwhile: left alone.
"""

from __future__ import annotations

from urllib.parse import quote

from connectors.base import Found, Reminder, Written
from connectors.caldav.dav import Answer, Dav, href_path, responses
from connectors.errors import SourceError
from connectors.local.ics_reminders import _found, _render, _vevents, uid_for

_CALENDAR_HEAD = ("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//followup//reminders//EN")
_ICS = {"Content-Type": "text/calendar; charset=utf-8"}


class CaldavReminders:
    def __init__(self, dav: Dav, url: str) -> None:
        self.dav = dav
        self.url = url if url.endswith("/") else url + "/"

    def content_hash(self, reminder: Reminder) -> str:
        return _render(reminder)[1].hash

    def find_all(self) -> dict[str, Found]:
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
            '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            '<C:prop-filter name="X-FOLLOWUP-KEY"/>'
            "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
        )
        answer = self.dav.report(self.url, xml)
        if answer.status == 404:
            raise SourceError(f"[calendar] reminders_url {self.url}: no such calendar collection")
        if answer.status != 207:
            raise SourceError(
                f"[calendar] reminders_url {self.url}: calendar-query answered {answer.status}"
            )
        found: dict[str, Found] = {}
        for resource in responses(self.url, answer.body):
            if resource.status != 200 or not resource.data:
                continue
            mine = _ours(resource.data)
            if mine is None or mine.key in found:
                continue
            found[mine.key] = Found(
                key=mine.key,
                remote_id=href_path(resource.href),
                etag=resource.etag,
                content_hash=mine.content_hash,
            )
        return found

    def create(self, reminder: Reminder) -> Written:
        href = self._href(reminder.key)
        body, content = self._body(reminder)
        answer = self.dav.request("PUT", href, body, {**_ICS, "If-None-Match": "*"})
        if answer.status == 412:  # already there (a pass killed after writing it)
            current = self.dav.request("GET", href)
            mine = _ours(current.body.decode("utf-8", "replace")) if current.status == 200 else None
            if mine is None or mine.key != reminder.key:
                raise SourceError(f"{href}: taken by an event that is not this reminder")
            return Written(
                remote_id=href_path(href),
                etag=current.headers.get("ETag", ""),
                content_hash=mine.content_hash,
            )
        self._written(answer, href, "create")
        return Written(
            remote_id=href_path(href), etag=self._etag(answer, href), content_hash=content
        )

    def update(self, found: Found, reminder: Reminder) -> Written | None:
        href = self._absolute(found.remote_id)
        body, content = self._body(reminder)
        answer = self.dav.request("PUT", href, body, {**_ICS, "If-Match": found.etag})
        if answer.status in (404, 412):
            return None  # edited or deleted since it was found
        self._written(answer, href, "update")
        return Written(
            remote_id=found.remote_id, etag=self._etag(answer, href), content_hash=content
        )

    def delete(self, found: Found) -> bool:
        href = self._absolute(found.remote_id)
        answer = self.dav.request("DELETE", href, b"", {"If-Match": found.etag})
        if answer.status == 412:
            return False
        if answer.status not in (200, 204, 404):
            raise SourceError(f"{href}: delete answered {answer.status}")
        return True

    # -- helpers -------------------------------------------------------------------------

    def _href(self, key: str) -> str:
        return self.url + quote(uid_for(key).partition("@")[0]) + ".ics"

    def _absolute(self, remote_id: str) -> str:
        from urllib.parse import urljoin

        return urljoin(self.url, remote_id)

    def _body(self, reminder: Reminder) -> tuple[bytes, str]:
        lines, rendered = _render(reminder)
        text = "\r\n".join((*_CALENDAR_HEAD, *lines, "END:VCALENDAR")) + "\r\n"
        return text.encode("utf-8"), rendered.hash

    def _written(self, answer: Answer, href: str, what: str) -> None:
        if answer.status not in (200, 201, 204):
            detail = answer.body.decode("utf-8", "replace")[:120].replace("\n", " ")
            raise SourceError(f"{href}: {what} answered {answer.status} {detail}".rstrip())

    def _etag(self, answer: Answer, href: str) -> str:
        etag = answer.headers.get("ETag", "")
        if etag:
            return etag
        head = self.dav.request("HEAD", href)  # a server that gives no ETag on PUT
        return head.headers.get("ETag", "")


def _ours(text: str) -> Found | None:
    lines = tuple(text.replace("\r\n", "\n").split("\n"))
    for start, end in _vevents(lines):
        found = _found(lines[start:end])
        if found is not None:
            return found
    return None
