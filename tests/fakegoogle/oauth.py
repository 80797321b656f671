"""The OAuth 2.0 endpoints (consent screen and token) and the access tokens the fake accepts.

As Google behaves (reference section E, and Google's OAuth guide for installed apps):
- `GET /o/oauth2/auth` is the consent screen, answered at once by a 302 to the loopback
  `redirect_uri` with `code` and `state`. The scopes granted are those asked minus
  `unticked` (Google's granular consent lets a user untick a box).
- `POST /token grant_type=authorization_code` gives a refresh token only when consent was
  shown: the first grant of the client, or `prompt=consent`. Re-signing in while a grant
  stands, without `prompt=consent`, gives an access token and no refresh token.
- `publishing = "testing"` (a project left in Testing): a refresh token stops working
  seven days after consent (`invalid_grant`, "Token has been expired or revoked.").
  "production" (the default) keeps it.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, unquote, urlencode

from .wire import Request, Response

GOOGLE_AUTH = "https://www.googleapis.com/auth/"
FULL_MAIL = "https://mail.google.com/"

DEFAULT_SCOPES = (
    GOOGLE_AUTH + "calendar.events",
    GOOGLE_AUTH + "gmail.readonly",
    GOOGLE_AUTH + "gmail.compose",
)


class OAuth:
    """Refresh tokens, access tokens and the `POST /token` endpoint (grant_type=refresh_token)."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.granted_scopes = tuple(scopes)
        self.refresh_count = 0
        self.publishing = "production"  # or "testing": refresh tokens die after 7 days
        self.unticked: frozenset[str] = frozenset()  # scopes the user unticks at consent
        self.consents = 0  # consent screens shown
        self._clock = clock
        self._revoked = False
        self._granted_at: dict[str, datetime] = {refresh_token: clock()}
        self._codes: dict[str, tuple[tuple[str, ...], bool, str]] = {}
        self._has_grant = False  # a grant of this client stands (set by a first sign-in)
        self._access: dict[str, frozenset[str]] = {}
        self.access_token = self.issue_access_token()

    def issue_access_token(self, scopes: tuple[str, ...] | None = None) -> str:
        """Mint an access token the API endpoints accept (default: all granted scopes)."""
        token = "ya29.fake-" + secrets.token_urlsafe(12)
        self._access[token] = frozenset(scopes if scopes is not None else self.granted_scopes)
        return token

    def expire_access_tokens(self) -> None:
        """Every access token issued so far now gets 401, so the client must refresh."""
        self._access.clear()

    def revoke(self) -> None:
        """The refresh token stops working: the token endpoint answers 400 invalid_grant."""
        self._revoked = True

    def restore(self) -> None:
        self._revoked = False

    def consented_in_testing(self) -> None:
        """The project is in Testing and the current refresh token was granted now."""
        self.publishing = "testing"
        self._granted_at[self.refresh_token] = self._clock()

    def _expired(self, refresh_token: str) -> bool:
        if self.publishing != "testing":
            return False
        granted = self._granted_at.get(refresh_token)
        return granted is None or self._clock() - granted >= timedelta(days=7)

    def handle_consent(self, req: Request) -> Response:
        """The consent screen, answered as if the user clicked through it."""
        if req.param("client_id") != self.client_id:
            return Response(400, b"Error 401: invalid_client", {"Content-Type": "text/plain"})
        redirect = req.param("redirect_uri") or ""
        if not redirect.startswith(("http://localhost:", "http://127.0.0.1:")):
            # A "web" client cannot use a random loopback port (redirect_uri_mismatch).
            return Response(
                400, b"Error 400: redirect_uri_mismatch", {"Content-Type": "text/plain"}
            )
        asked = tuple((req.param("scope") or "").split())
        granted = tuple(s for s in asked if s not in self.unticked)
        consent = not self._has_grant or req.param("prompt") == "consent"
        offline = req.param("access_type") == "offline"
        if consent:
            self.consents += 1
        self._has_grant = True
        code = "4/fake-" + secrets.token_urlsafe(12)
        self._codes[code] = (granted, consent and offline, redirect)
        query = {"code": code, "scope": " ".join(granted)}
        if req.param("state") is not None:
            query["state"] = req.param("state") or ""
        joiner = "&" if "?" in redirect else "?"
        return Response(302, b"", {"Location": redirect + joiner + urlencode(query)})

    def _exchange(self, form: dict[str, str]) -> Response:
        entry = self._codes.pop(form.get("code", ""), None)
        if entry is None or entry[2] != form.get("redirect_uri"):
            return Response.json(
                {"error": "invalid_grant", "error_description": "Malformed auth code."}, 400
            )
        scopes, with_refresh, _ = entry
        self.granted_scopes = scopes
        body: dict[str, object] = {
            "access_token": self.issue_access_token(scopes),
            "expires_in": 3599,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }
        if with_refresh:
            self.refresh_token = "1//fake-" + secrets.token_urlsafe(12)
            self._granted_at[self.refresh_token] = self._clock()
            body["refresh_token"] = self.refresh_token
        return Response.json(body)

    def scopes_for(self, token: str | None) -> frozenset[str] | None:
        if token is None:
            return None
        return self._access.get(token)

    def handle_token(self, req: Request) -> Response:
        if req.method != "POST":
            return Response.json({"error": "invalid_request"}, 405)
        form = dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if (
                form.get("client_id", self.client_id),
                form.get("client_secret", self.client_secret),
            ) != (self.client_id, self.client_secret) or not _basic_ok(req, self):
                return Response.json(
                    {"error": "invalid_client", "error_description": "Unauthorized"}, 401
                )
            return self._exchange(form)
        if grant != "refresh_token":
            return Response.json(
                {
                    "error": "unsupported_grant_type",
                    "error_description": f"Invalid grant_type: {grant or ''}",
                },
                400,
            )
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return Response.json(
                {"error": "invalid_client", "error_description": "Unauthorized"}, 401
            )
        if (
            self._revoked
            or form.get("refresh_token") != self.refresh_token
            or self._expired(self.refresh_token)
        ):
            return invalid_grant_response()
        requested = tuple(form.get("scope", "").split()) or self.granted_scopes
        scopes = tuple(s for s in requested if s in self.granted_scopes)
        self.refresh_count += 1
        token = self.issue_access_token(scopes)
        return Response.json(
            {
                "access_token": token,
                "expires_in": 3599,
                "scope": " ".join(scopes),
                "token_type": "Bearer",
            }
        )


def _basic_ok(req: Request, oauth: OAuth) -> bool:
    """Client credentials in an HTTP Basic header (requests-oauthlib's way), if any."""
    header = req.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return True
    try:
        pair = base64.b64decode(header[6:]).decode("utf-8")
    except ValueError:
        return False
    client_id, _, secret = pair.partition(":")
    return (unquote(client_id), unquote(secret)) == (oauth.client_id, oauth.client_secret)


def invalid_grant_response() -> Response:
    return Response.json(
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
    )
