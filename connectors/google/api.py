"""Builds the Calendar v3 and Gmail v1 services from the discovery documents bundled with
google-api-python-client (no discovery fetch over the network).

`FOLLOWUP_GOOGLE_API_ROOT` (e.g. `http://127.0.0.1:8765/`) replaces the documents'
`rootUrl`, then the services are built with `build_from_document`: that moves plain calls,
batch requests and uploads alike. (`client_options.api_endpoint` would move plain calls
only: batches would still go to googleapis.com; see the Google reference, section 0.)

Both services share one `AuthorizedHttp` over one `httplib2.Http` with a timeout, so a
slow answer ends as a timeout that `_retry` retries instead of a hang.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from google.oauth2.credentials import Credentials

from connectors.google.auth import TokenStore
from connectors.google.state import OwnWrites

API_ROOT_ENV = "FOLLOWUP_GOOGLE_API_ROOT"
DEFAULT_TIMEOUT = 60.0
_QUERY = re.compile(r"\?\S*")


class _ClientLogs(logging.Filter):
    """googleapiclient's own log lines, made safe and quiet.

    It logs each URL at DEBUG, whose query (a Gmail `q`) names people: the query is cut.
    It warns of each 403 and of unreadable error bodies (with the body): `_retry` reports
    failures itself, in one line, so these are dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith(("Encountered 403", "Invalid JSON content")):
            return False
        if record.levelno <= logging.DEBUG:
            record.msg = _QUERY.sub("?…", record.getMessage())
            record.args = ()
        return True


_FILTER = _ClientLogs()


def _quiet_client_logs() -> None:
    for name in ("googleapiclient.discovery", "googleapiclient.model", "googleapiclient.http"):
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)


@dataclass(frozen=True, slots=True)
class GoogleServices:
    """The built services (opaque googleapiclient resources) and their credentials."""

    calendar: object
    gmail: object
    credentials: Credentials
    # The draft messages written through `gmail`, which its mail source skips in history.
    own_writes: OwnWrites = field(default_factory=OwnWrites)


def api_root() -> str | None:
    """`FOLLOWUP_GOOGLE_API_ROOT` with a trailing slash, or None (Google itself)."""
    root = os.environ.get(API_ROOT_ENV, "").strip()
    if not root:
        return None
    return root if root.endswith("/") else root + "/"


@cache
def _bundled(name: str) -> str:
    path = resources.files("googleapiclient") / "discovery_cache" / "documents" / name
    return path.read_text(encoding="utf-8")


def _discovery_doc(name: str, root_url: str | None) -> dict[str, Any]:
    """A bundled discovery document ("gmail.v1.json"), with rootUrl replaced if given."""
    doc: dict[str, Any] = copy.deepcopy(json.loads(_bundled(name)))
    if root_url:
        doc["rootUrl"] = root_url
    return doc


def build_services(
    credentials: Credentials,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    root_url: str | None = None,
) -> GoogleServices:
    """Calendar and Gmail services; `root_url` defaults to `FOLLOWUP_GOOGLE_API_ROOT`."""
    import google_auth_httplib2
    import httplib2
    from googleapiclient.discovery import build_from_document

    _quiet_client_logs()
    root = root_url or api_root()
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
    calendar = build_from_document(_discovery_doc("calendar.v3.json", root), http=http)
    gmail = build_from_document(_discovery_doc("gmail.v1.json", root), http=http)
    return GoogleServices(calendar=calendar, gmail=gmail, credentials=credentials)


def connect(token_path: Path, *, timeout: float | None = DEFAULT_TIMEOUT) -> GoogleServices:
    """Services authorised by the token saved at `token_path` (raises `AuthError`)."""
    return build_services(TokenStore(token_path).load(), timeout=timeout)
