"""`followup auth`: the installed-app OAuth flow with the user's own OAuth client.

Opens the browser on Google's consent page, receives the answer on a loopback port, and
saves the token where `connectors.google.auth.TokenStore` keeps it (`google.token_path`,
mode 0600, or the OS keyring where a real one works and no token file exists yet).

Consent is always asked for (`prompt=consent`): Google issues a refresh token only when
the consent screen is shown, so signing in again while an earlier grant stands would
otherwise save a token that cannot be refreshed. A "web" client is refused (its redirect
URIs are fixed; the loopback flow needs a random port, which only a Desktop client
allows). A scope the user unticked on the granular consent screen is named, with what
stops working without it, and nothing is saved.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from daemon.config import Config
from daemon.errors import FollowupError

logger = logging.getLogger(__name__)


def run_auth(config: Config) -> Path:
    """Run the consent flow and save the token; returns `google.token_path`."""
    from connectors.google.auth import SCOPES, AuthError, TokenStore, missing_scopes

    secrets = config.google.client_secrets_path
    if not secrets.is_file():
        raise FollowupError(
            f"{secrets}: no such OAuth client file ([google] client_secrets_path; download "
            "it from Google Cloud console > APIs & Services > Credentials, as a Desktop app)"
        )
    try:
        kind = next(iter(json.loads(secrets.read_text(encoding="utf-8"))), "")
    except (OSError, UnicodeDecodeError, ValueError, TypeError):
        kind = ""
    if kind == "web":
        raise FollowupError(
            f'{secrets}: a "Web application" OAuth client; followup needs a "Desktop app" '
            "client (Credentials > Create credentials > OAuth client ID > Desktop app)"
        )
    if kind != "installed":
        raise FollowupError(f"{secrets}: not an OAuth client file (want a Desktop app client)")

    from google_auth_oauthlib.flow import InstalledAppFlow

    # A user who unticks a box makes Google grant fewer scopes than asked; oauthlib would
    # raise a bare "Scope has changed" Warning. Accept it here and name what is missing.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets), scopes=list(SCOPES))
    try:
        credentials: Any = flow.run_local_server(
            port=0, open_browser=True, prompt="consent", access_type="offline"
        )
    except Exception as error:  # oauthlib and the loopback server raise many types
        raise FollowupError(
            f"Google sign-in did not finish ({type(error).__name__}): run `followup auth` again"
        ) from None
    granted = getattr(credentials, "granted_scopes", None) or credentials.scopes or SCOPES
    missing = missing_scopes(granted)
    if missing:
        raise FollowupError(missing + "; nothing saved: run `followup auth` again")
    if not credentials.refresh_token:
        raise FollowupError(
            "Google gave no refresh token (consent was not shown): remove followup at "
            "myaccount.google.com/permissions, then run `followup auth` again"
        )
    try:
        where = TokenStore(config.google.token_path).save(credentials)
    except AuthError as error:
        raise FollowupError(error.user_message) from None
    logger.info("Google token saved (%s)", "keyring" if where == "keyring" else "file")
    return config.google.token_path


def store_passwords(config: Config, ask: Callable[[str], str] | None = None) -> list[str]:
    """For an IMAP or CalDAV source without `password_command`: ask for its password (not
    echoed) and keep it in the OS keyring, where the sources look. Returns what was stored,
    one line each (never the password)."""
    import getpass
    from urllib.parse import urlsplit

    import keyring
    from keyring.errors import KeyringError

    from connectors.secrets import KEYRING_SERVICE, keyring_name

    prompt = ask or getpass.getpass
    wanted: list[tuple[str, str, str, str]] = []  # (kind, username, where, label)
    if config.imap is not None and not config.imap.password_command:
        imap = config.imap
        wanted.append(("imap", imap.username, imap.host, f"IMAP {imap.username} at {imap.host}"))
    if config.caldav is not None and not config.caldav.password_command:
        dav = config.caldav
        host = urlsplit(dav.url).hostname or ""
        wanted.append(("caldav", dav.username, host, f"CalDAV {dav.username} at {host}"))
    stored: list[str] = []
    for kind, username, where, label in wanted:
        secret = prompt(f"password for {label} (an app password where the provider asks): ")
        if not secret:
            raise FollowupError(f"{label}: no password given; nothing stored")
        try:
            keyring.set_password(KEYRING_SERVICE, keyring_name(kind, username, where), secret)
        except KeyringError as error:
            raise FollowupError(
                f"{label}: the OS keyring cannot store it ({error}); "
                "set password_command in the config instead"
            ) from None
        stored.append(f"password for {label} saved in the OS keyring")
    return stored
