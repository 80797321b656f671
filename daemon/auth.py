"""`followup auth`: the installed-app OAuth flow with the user's own OAuth client.

Opens the browser on Google's consent page, receives the answer on a loopback port, and
saves the token where `connectors.google.auth.TokenStore` keeps it (`google.token_path`,
mode 0600, or the OS keyring where a real one works and no token file exists yet).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from daemon.config import Config
from daemon.errors import FollowupError

logger = logging.getLogger(__name__)


def run_auth(config: Config) -> Path:
    """Run the consent flow and save the token; returns `google.token_path`."""
    from connectors.google.auth import SCOPES, AuthError, TokenStore

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
    if kind not in ("installed", "web"):
        raise FollowupError(f"{secrets}: not an OAuth client file (want a Desktop app client)")

    from google_auth_oauthlib.flow import InstalledAppFlow

    flow = InstalledAppFlow.from_client_secrets_file(str(secrets), scopes=list(SCOPES))
    try:
        credentials = flow.run_local_server(port=0, open_browser=True)
    except Exception as error:  # oauthlib and the loopback server raise many types
        raise FollowupError(
            f"Google sign-in did not finish ({type(error).__name__}): run `followup auth` again"
        ) from None
    try:
        where = TokenStore(config.google.token_path).save(credentials)
    except AuthError as error:
        raise FollowupError(error.user_message) from None
    logger.info("Google token saved (%s)", "keyring" if where == "keyring" else "file")
    return config.google.token_path
