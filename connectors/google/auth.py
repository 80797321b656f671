"""The saved Google OAuth token: where it lives, loading it, saving it after each refresh.

The token is what `Credentials.to_json()` writes (token, refresh_token, token_uri,
client_id, client_secret, scopes, expiry). It is kept in the file `google.token_path`,
mode 0600, written to a temporary 0600 file and renamed over the old one. Where a real OS
keyring works (not keyring's fail/null backends) and no token file exists yet, it is
kept there instead, under the service "followup" and the token path as user name.

Credentials are built directly, not with `from_authorized_user_info()`, which always
resets `token_uri`; `FOLLOWUP_GOOGLE_TOKEN_URI` replaces the token endpoint (tests).
Refreshing is automatic (google-auth refreshes on expiry and on 401); each refresh is saved
back. A refused refresh token (`invalid_grant`: revoked, expired, or 7 days old in a
Testing project) becomes `AuthError`, which tells the user to run `followup auth`.
Tokens are never logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from keyring.backend import KeyringBackend

from connectors.errors import SourceError, describe_os_error
from policy import errors

logger = logging.getLogger(__name__)

SCOPES: tuple[str, ...] = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.compose",
)
TOKEN_URI_ENV = "FOLLOWUP_GOOGLE_TOKEN_URI"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
KEYRING_SERVICE = "followup"
INVALID_GRANT = (
    "Google refused the saved token (invalid_grant): most likely the OAuth app is in "
    "Testing, whose tokens expire 7 days after sign-in (publish it In production, or make it "
    "Internal on Workspace: see the README), else it was revoked or unused for 6 months; "
    "run `followup auth` again"
)
# What stops working without each scope, for a user who unticked it at consent.
SCOPE_USES = {
    SCOPES[0]: "reading interviews and writing reminders (Calendar)",
    SCOPES[1]: "reading recruiter mail (Gmail)",
    SCOPES[2]: "writing drafts (Gmail)",
}
_NEEDED = ("refresh_token", "client_id", "client_secret")
_ERROR_CODE = re.compile(r"^\W*([a-z_]+)\b")


class AuthError(SourceError, errors.AuthError):
    """The Google token is missing, unreadable or refused; `followup auth` fixes it."""


def auth_error(error: RefreshError) -> AuthError:
    """The one-line message for a refused refresh (never the token itself)."""
    text = str(error.args[0]) if error.args else ""
    match = _ERROR_CODE.match(text)
    code = match.group(1) if match else "refresh failed"
    if code == "invalid_grant":
        return AuthError(INVALID_GRANT)
    return AuthError(f"Google refused the saved token ({code}): run `followup auth` again")


def missing_scopes(granted: object) -> str:
    """One line naming the scopes not granted and what stops without them; "" if none."""
    have = set(granted.split() if isinstance(granted, str) else granted or ())  # type: ignore[call-overload]
    lost = [scope for scope in SCOPES if scope not in have]
    if not lost:
        return ""
    names = ", ".join(scope.rsplit("/", 1)[-1] for scope in lost)
    uses = "; ".join(SCOPE_USES[scope] for scope in lost)
    return (
        f"Google sign-in: the permission for {names} was not granted (its box was unticked): "
        f"without it, no {uses}; tick every box"
    )


def token_uri() -> str:
    """The token endpoint: `FOLLOWUP_GOOGLE_TOKEN_URI` if set, else Google's."""
    return os.environ.get(TOKEN_URI_ENV, "").strip() or GOOGLE_TOKEN_URI


class _SavedCredentials(Credentials):
    """Credentials that save themselves to their store after every refresh."""

    _store: TokenStore | None = None

    def refresh(self, request: Any) -> None:
        parent: Any = super()
        try:
            parent.refresh(request)
        except RefreshError as error:
            logger.info("token refresh refused")
            raise auth_error(error) from None
        logger.debug("access token refreshed")
        if self._store is not None:
            try:
                self._store.save(self)
            except AuthError as error:  # the new token still works for this run
                logger.warning("%s", error.user_message)


class TokenStore:
    """Loads and saves the token for one `google.token_path`.

    `backend` is the keyring to try; None means the system's keyring, used only where a
    real backend works.
    """

    def __init__(self, path: Path, *, backend: KeyringBackend | None = None) -> None:
        self.path = path
        self._backend = backend

    # --- where -------------------------------------------------------------------------------

    def _keyring(self) -> KeyringBackend | None:
        """A working keyring backend, or None (no real backend on this system)."""
        backend = self._backend
        if backend is None:
            try:
                import keyring

                backend = keyring.get_keyring()
            except Exception as error:  # a broken keyring setup is "no keyring"
                logger.debug("no keyring (%s)", type(error).__name__)
                return None
        return backend if usable_keyring(backend) else None

    # --- loading -----------------------------------------------------------------------------

    def load(self) -> Credentials:
        """The saved credentials; raises `AuthError` when there are none or they are damaged."""
        source = str(self.path)
        if self.path.exists():
            try:
                text = self.path.read_text(encoding="utf-8")
            except OSError as error:
                raise AuthError(f"{source}: {describe_os_error(error)}") from None
            except UnicodeDecodeError:
                raise AuthError(
                    f"{source}: not a token file (not text): run `followup auth` again"
                ) from None
            self._tighten()
        else:
            text = self._from_keyring() or ""
            if not text:
                raise AuthError(f"{source}: no Google token yet: run `followup auth`")
            source = f"keyring entry {KEYRING_SERVICE}/{self.path}"
        return self.credentials(_parse(text, source))

    def _from_keyring(self) -> str | None:
        backend = self._keyring()
        if backend is None:
            return None
        try:
            return backend.get_password(KEYRING_SERVICE, str(self.path))
        except Exception as error:  # keyring backends raise many types
            logger.warning("keyring could not be read (%s)", type(error).__name__)
            return None

    def _tighten(self) -> None:
        """A token file others can read is made private again, with a warning."""
        try:
            mode = self.path.stat().st_mode & 0o777
            if mode & 0o077:
                self.path.chmod(0o600)
                logger.warning("%s: was readable by others (%o); now 0600", self.path, mode)
        except OSError:
            pass

    def credentials(self, info: Mapping[str, object]) -> Credentials:
        """Credentials from a token dict, saving themselves here after each refresh."""
        expiry = None
        raw_expiry = info.get("expiry")
        if isinstance(raw_expiry, str) and raw_expiry:
            with contextlib.suppress(ValueError):
                expiry = datetime.strptime(
                    raw_expiry.rstrip("Z").split(".")[0], "%Y-%m-%dT%H:%M:%S"
                )
        raw_scopes = info.get("scopes")
        if isinstance(raw_scopes, str):
            scopes = raw_scopes.split()
        elif isinstance(raw_scopes, list | tuple):
            scopes = [str(scope) for scope in raw_scopes]
        else:
            scopes = list(SCOPES)

        def text(key: str) -> str | None:
            value = info.get(key)
            return value if isinstance(value, str) and value else None

        factory: Any = _SavedCredentials
        creds: _SavedCredentials = factory(
            token=text("token"),
            refresh_token=text("refresh_token"),
            token_uri=os.environ.get(TOKEN_URI_ENV, "").strip()
            or text("token_uri")
            or GOOGLE_TOKEN_URI,
            client_id=text("client_id"),
            client_secret=text("client_secret"),
            scopes=scopes or list(SCOPES),
            expiry=expiry,
            account=text("account") or "",
        )
        creds._store = self
        return creds

    # --- saving ------------------------------------------------------------------------------

    def save(self, credentials: Credentials) -> str:
        """Save the credentials; returns where ("keyring" or the file's path)."""
        holder: Any = credentials
        text = str(holder.to_json())
        if not self.path.exists():
            backend = self._keyring()
            if backend is not None:
                try:
                    backend.set_password(KEYRING_SERVICE, str(self.path), text)
                    logger.info("token saved in the keyring")
                    return "keyring"
                except Exception as error:  # fall back to the file
                    logger.warning(
                        "keyring could not be written (%s); token saved to a file",
                        type(error).__name__,
                    )
        self._write_file(text)
        logger.info("token saved to %s", self.path)
        return str(self.path)

    def _write_file(self, text: str) -> None:
        folder = self.path.parent
        temp = folder / f".{self.path.name}.{secrets.token_hex(4)}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(handle, text.encode("utf-8"))
                os.fsync(handle)
            finally:
                os.close(handle)
            os.chmod(temp, 0o600)
            os.replace(temp, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise AuthError(
                f"{self.path}: cannot save the token: {describe_os_error(error)}"
            ) from None


def usable_keyring(backend: KeyringBackend) -> bool:
    """False for keyring's fail and null backends and for a chain with nothing in it."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        info = json.loads(text)
    except ValueError:
        raise AuthError(
            f"{source}: not a token file (not JSON): run `followup auth` again"
        ) from None
    if not isinstance(info, dict):
        raise AuthError(f"{source}: not a token file: run `followup auth` again")
    missing = [key for key in _NEEDED if not info.get(key)]
    if missing:
        raise AuthError(
            f"{source}: the token has no {', '.join(missing)}: run `followup auth` again"
        )
    return info
