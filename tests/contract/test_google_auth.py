"""The saved token, refreshing it, `followup auth`, and pointing the services at the fake."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from fakegoogle import FakeGoogle
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from connectors.google.api import API_ROOT_ENV, api_root, build_services, connect
from connectors.google.auth import (
    GOOGLE_TOKEN_URI,
    INVALID_GRANT,
    SCOPES,
    TOKEN_URI_ENV,
    AuthError,
    TokenStore,
    usable_keyring,
)
from daemon.config import load_config
from daemon.errors import FollowupError


class MemoryKeyring(KeyringBackend):
    """A keyring that works, in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the token file --------------------------------------------------------------------------


def test_save_is_private_and_atomic(tmp_path: Path, fake_google: FakeGoogle) -> None:
    path = tmp_path / "config" / "token.json"
    store = TokenStore(path, backend=null.Keyring())
    creds = store.credentials(fake_google.authorized_user_info())
    assert store.save(creds) == str(path)
    assert mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["token.json"]
    saved = json.loads(path.read_text())
    assert saved["refresh_token"] == fake_google.oauth.refresh_token
    assert saved["scopes"] == list(SCOPES)
    again = store.load()
    assert again.refresh_token == creds.refresh_token and again.token == creds.token


def test_load_problems_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    store = TokenStore(path, backend=fail.Keyring())
    with pytest.raises(AuthError, match=r"token.json: no Google token yet: run `followup auth`$"):
        store.load()
    path.write_text("{not json")
    with pytest.raises(AuthError, match="not a token file"):
        store.load()
    path.write_text(json.dumps({"token": "x", "client_id": "c"}))
    with pytest.raises(AuthError, match="has no refresh_token, client_secret"):
        store.load()


def test_loose_permissions_are_tightened(tmp_path: Path, fake_google: FakeGoogle) -> None:
    path = tmp_path / "token.json"
    path.write_text(json.dumps(fake_google.authorized_user_info()))
    os.chmod(path, 0o644)
    TokenStore(path, backend=null.Keyring()).load()
    assert mode(path) == 0o600


def test_token_uri_comes_from_the_environment(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = {**fake_google.authorized_user_info(), "token_uri": GOOGLE_TOKEN_URI}
    store = TokenStore(tmp_path / "token.json", backend=null.Keyring())
    monkeypatch.setenv(TOKEN_URI_ENV, "http://127.0.0.1:9/token")
    assert store.credentials(info).token_uri == "http://127.0.0.1:9/token"
    monkeypatch.delenv(TOKEN_URI_ENV)
    assert store.credentials(info).token_uri == GOOGLE_TOKEN_URI


def test_keyring_is_used_where_one_works(tmp_path: Path, fake_google: FakeGoogle) -> None:
    ring = MemoryKeyring()
    assert usable_keyring(ring)
    assert not usable_keyring(fail.Keyring()) and not usable_keyring(null.Keyring())
    path = tmp_path / "token.json"
    store = TokenStore(path, backend=ring)
    assert store.save(store.credentials(fake_google.authorized_user_info())) == "keyring"
    assert not path.exists()
    assert store.load().refresh_token == fake_google.oauth.refresh_token
    # A token file, once there, stays the place (the keyring is only used without one).
    path.write_text(json.dumps(fake_google.authorized_user_info()))
    assert store.save(store.load()) == str(path)


# --- refreshing --------------------------------------------------------------------------------


def test_refresh_is_automatic_and_saved(google_env: FakeGoogle, token_file: Path) -> None:
    services = connect(token_file, timeout=2)
    old = json.loads(token_file.read_text())["token"]
    google_env.oauth.expire_access_tokens()
    services_gmail: Any = services.gmail
    assert services_gmail.users().getProfile(userId="me").execute()["emailAddress"]
    assert google_env.oauth.refresh_count == 1
    saved = json.loads(token_file.read_text())
    assert saved["token"] != old and saved["refresh_token"] == google_env.oauth.refresh_token
    assert mode(token_file) == 0o600


def test_invalid_grant_message(google_env: FakeGoogle, token_file: Path) -> None:
    services = connect(token_file, timeout=2)
    google_env.oauth.expire_access_tokens()
    google_env.oauth.revoke()
    gmail: Any = services.gmail
    with pytest.raises(AuthError) as failure:
        gmail.users().getProfile(userId="me").execute()
    assert str(failure.value) == INVALID_GRANT
    assert (
        INVALID_GRANT == "Google refused the saved token (invalid_grant): run `followup auth` again"
    )


# --- building the services ---------------------------------------------------------------------


def test_api_root_moves_plain_calls_and_batches(
    google_env: FakeGoogle, token_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert api_root() == google_env.root_url
    monkeypatch.setenv(API_ROOT_ENV, google_env.root_url.rstrip("/"))
    assert api_root() == google_env.root_url
    services = connect(token_file, timeout=2)
    calendar: Any = services.calendar
    gmail: Any = services.gmail
    assert calendar.new_batch_http_request()._batch_uri == google_env.root_url + "batch/calendar/v3"
    assert gmail.new_batch_http_request()._batch_uri == google_env.root_url + "batch"
    monkeypatch.delenv(API_ROOT_ENV)
    real = build_services(TokenStore(token_file).load())
    real_gmail: Any = real.gmail
    assert real_gmail.new_batch_http_request()._batch_uri == "https://gmail.googleapis.com/batch"


# --- followup auth -----------------------------------------------------------------------------


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        '[user]\nemail = "alex@example.com"\ntimezone = "America/New_York"\n'
        '[calendar]\nsource = "google"\n[mail]\nsource = "gmail"\n'
        '[google]\nclient_secrets_path = "client_secret.json"\ntoken_path = "token.json"\n'
    )
    return config


def test_auth_needs_the_client_file(tmp_path: Path) -> None:
    from daemon.auth import run_auth

    config = load_config(_config(tmp_path))
    with pytest.raises(FollowupError, match=r"client_secret.json: no such OAuth client file"):
        run_auth(config)
    (tmp_path / "client_secret.json").write_text("[]")
    with pytest.raises(FollowupError, match="not an OAuth client file"):
        run_auth(config)


def test_auth_runs_the_installed_app_flow(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from google_auth_oauthlib.flow import InstalledAppFlow

    from daemon.auth import run_auth

    (tmp_path / "client_secret.json").write_text(
        json.dumps({"installed": {"client_id": "c", "client_secret": "s"}})
    )
    asked: dict[str, Any] = {}
    creds = TokenStore(tmp_path / "x").credentials(fake_google.authorized_user_info())

    class Flow:
        def run_local_server(self, **options: Any) -> Any:
            asked["options"] = options
            return creds

    def from_client_secrets_file(path: str, scopes: list[str]) -> Flow:
        asked["path"], asked["scopes"] = path, scopes
        return Flow()

    monkeypatch.setattr(InstalledAppFlow, "from_client_secrets_file", from_client_secrets_file)
    monkeypatch.setattr("keyring.get_keyring", lambda: fail.Keyring())
    saved = run_auth(load_config(_config(tmp_path)))
    assert saved == tmp_path / "token.json" and mode(saved) == 0o600
    assert asked["scopes"] == [
        "https://www.googleapis.com/auth/calendar.events",
        "https://www.googleapis.com/auth/gmail.readonly",
        "https://www.googleapis.com/auth/gmail.compose",
    ]
    assert asked["options"] == {"port": 0, "open_browser": True}
    assert json.loads(saved.read_text())["refresh_token"] == fake_google.oauth.refresh_token
