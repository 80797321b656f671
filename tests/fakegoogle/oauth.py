"""The OAuth 2.0 token endpoint and the set of access tokens the fake accepts."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl

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
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.granted_scopes = tuple(scopes)
        self.refresh_count = 0
        self._revoked = False
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

    def scopes_for(self, token: str | None) -> frozenset[str] | None:
        if token is None:
            return None
        return self._access.get(token)

    def handle_token(self, req: Request) -> Response:
        if req.method != "POST":
            return Response.json({"error": "invalid_request"}, 405)
        form = dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
        grant = form.get("grant_type")
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
        if self._revoked or form.get("refresh_token") != self.refresh_token:
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


def invalid_grant_response() -> Response:
    return Response.json(
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
    )
