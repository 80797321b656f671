"""Build real googleapiclient services aimed at a FakeGoogle (for the fake's own tests)."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from .oauth import DEFAULT_SCOPES


@cache
def _bundled_doc(name: str) -> dict[str, Any]:
    """The discovery document shipped inside googleapiclient (no network)."""
    path = resources.files("googleapiclient") / "discovery_cache" / "documents" / name
    return json.loads(path.read_text(encoding="utf-8"))


def discovery_doc(name: str, root_url: str) -> dict[str, Any]:
    """gmail.v1.json / calendar.v3.json with rootUrl replaced (fixes base URL, batch, uploads)."""
    doc = copy.deepcopy(_bundled_doc(name))
    doc["rootUrl"] = root_url
    return doc


def make_credentials(
    token_uri: str,
    *,
    token: str | None = "not-a-valid-token",
    refresh_token: str = "fake-refresh-token",
    client_id: str = "fake-client-id.apps.googleusercontent.com",
    client_secret: str = "fake-client-secret",
    scopes: tuple[str, ...] = DEFAULT_SCOPES,
) -> Any:
    """Credentials built directly: from_authorized_user_info() would reset token_uri."""
    from google.oauth2.credentials import Credentials

    return Credentials(
        token=token,
        refresh_token=refresh_token,
        token_uri=token_uri,
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(scopes),
    )


def build_services(
    root_url: str, token_uri: str, *, credentials: Any = None, http: Any = None
) -> tuple[Any, Any]:
    """(calendar, gmail) services on the fake. Pass credentials, or an AuthorizedHttp as http."""
    from googleapiclient.discovery import build_from_document

    if credentials is None and http is None:
        credentials = make_credentials(token_uri)
    kwargs: dict[str, Any] = {"http": http} if http is not None else {"credentials": credentials}
    calendar = build_from_document(discovery_doc("calendar.v3.json", root_url), **kwargs)
    gmail = build_from_document(discovery_doc("gmail.v1.json", root_url), **kwargs)
    return calendar, gmail
