"""WebDAV requests for the CalDAV source and writer: Basic auth over HTTPS (plain http only
to a loopback host), the multistatus answers parsed with the standard library.

The standard library rather than the `caldav` package: the few requests needed
(calendar-query and calendar-multiget REPORTs with server-side expansion, sync-collection,
and PUT/DELETE with If-Match / If-None-Match) are short XML bodies, and conditional writes
must be exactly these headers, which that package's higher-level calls do not promise.
"""

from __future__ import annotations

import base64
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from connectors.errors import SourceError

DAV = "{DAV:}"
CAL = "{urn:ietf:params:xml:ns:caldav}"
_TIMEOUT = 60
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    username: str
    password: Callable[[], str]
    what: str = "[calendar]"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Dav:
    """One account's requests; the password is asked for once and kept in memory only."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._auth: str | None = None
        self._context = ssl.create_default_context()
        self.requests = 0  # how many were sent, for the idle-pass figure

    def request(
        self, method: str, url: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> Answer:
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in _LOOPBACK:
            raise SourceError(f"{self.account.what} {url}: use https (http only for loopback)")
        if self._auth is None:
            secret = self.account.password()
            token = base64.b64encode(f"{self.account.username}:{secret}".encode()).decode()
            self._auth = f"Basic {token}"
        sent = {"Authorization": self._auth, **(headers or {})}
        if body:
            sent.setdefault("Content-Type", "application/xml; charset=utf-8")
        call = urllib.request.Request(url, data=body or None, method=method, headers=sent)
        self.requests += 1
        try:
            with urllib.request.urlopen(call, timeout=_TIMEOUT, context=self._context) as reply:
                return Answer(reply.status, dict(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers.items()), error.read())
            if error.code in (401, 403):
                raise SourceError(
                    f"{self.account.what} {url}: {error.code} {error.reason} for "
                    f"{self.account.username} (check the username and password)"
                ) from None
            return answer
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise SourceError(
                    f"{self.account.what} {url}: the server's certificate is not trusted "
                    f"({reason.verify_message})"
                ) from None
            raise SourceError(f"{self.account.what} {url}: cannot connect ({reason})") from None
        except (TimeoutError, OSError) as error:
            raise SourceError(f"{self.account.what} {url}: no answer ({error})") from None

    def report(self, url: str, xml: str, depth: str = "1") -> Answer:
        answer = self.request(
            "REPORT", url, xml.encode(), {"Depth": depth, "Content-Type": "application/xml"}
        )
        return answer


@dataclass(frozen=True, slots=True)
class Resource:
    href: str  # absolute URL
    status: int
    etag: str
    data: str  # calendar-data, "" when not asked for or gone


def responses(base: str, body: bytes) -> Iterator[Resource]:
    """Each <response> of a multistatus, its href made absolute."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise SourceError(f"{base}: the server's answer is not XML ({error})") from None
    for response in root.iter(f"{DAV}response"):
        href = response.findtext(f"{DAV}href") or ""
        status = _status(response.findtext(f"{DAV}status"))
        etag, data = "", ""
        for propstat in response.iter(f"{DAV}propstat"):
            if _status(propstat.findtext(f"{DAV}status")) != 200:
                continue
            etag = propstat.findtext(f".//{DAV}getetag") or etag
            data = propstat.findtext(f".//{CAL}calendar-data") or data
            status = 200
        yield Resource(urljoin(base, href), status, etag, data)


def sync_token(body: bytes) -> str:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return ""
    return root.findtext(f"{DAV}sync-token") or ""


def _status(line: str | None) -> int:
    if not line:
        return 0
    pieces = line.split()
    return int(pieces[1]) if len(pieces) > 1 and pieces[1].isdigit() else 0


def href_path(url: str) -> str:
    return urlsplit(url).path
