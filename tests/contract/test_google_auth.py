"""The saved token, refreshing it, `followup auth`, and pointing the services at the fake."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
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
from connectors.google.retry import GoogleApiError, call
from daemon.config import load_config
from daemon.errors import FollowupError
from tests.fakegoogle import FakeGoogle


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
    assert INVALID_GRANT.startswith("Google refused the saved token (invalid_grant): ")
    assert INVALID_GRANT.endswith("run `followup auth` again") and "\n" not in INVALID_GRANT


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
    assert asked["options"] == {
        "port": 0,
        "open_browser": True,
        "prompt": "consent",
        "access_type": "offline",
    }
    assert json.loads(saved.read_text())["refresh_token"] == fake_google.oauth.refresh_token


# --- the real sign-in against the fake's consent screen ------------------------------------


class _Browser:
    """Stands in for the user's browser: opens the consent URL and follows the redirect
    back to the loopback server, as a click on "Continue" would."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.threads: list[threading.Thread] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.urls.append(url)

        def visit() -> None:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=10).read()

        thread = threading.Thread(target=visit, daemon=True)
        thread.start()
        self.threads.append(thread)
        return True


def _sign_in(
    tmp_path: Path, fake: FakeGoogle, monkeypatch: pytest.MonkeyPatch, kind: str = "installed"
) -> tuple[_Browser, Path]:
    from daemon.auth import run_auth

    (tmp_path / "client_secret.json").write_text(json.dumps(fake.client_file(kind)))
    browser = _Browser()
    monkeypatch.setattr("webbrowser.get", lambda *_: browser)
    monkeypatch.setattr("keyring.get_keyring", lambda: fail.Keyring())
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake's token endpoint is http
    return browser, run_auth(load_config(_config(tmp_path)))


def test_sign_in_always_asks_consent_so_a_refresh_token_comes(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    browser, saved = _sign_in(tmp_path, fake_google, monkeypatch)
    first = json.loads(saved.read_text())["refresh_token"]
    # Signing in again while that grant stands: consent is asked again, a new token comes.
    browser, saved = _sign_in(tmp_path, fake_google, monkeypatch)
    second = json.loads(saved.read_text())["refresh_token"]
    query = parse_qs(urlsplit(browser.urls[-1]).query)
    assert query["prompt"] == ["consent"] and query["access_type"] == ["offline"]
    assert first and second and first != second and fake_google.oauth.consents == 2
    assert second == fake_google.oauth.refresh_token


def test_the_fake_gives_no_refresh_token_without_consent(fake_google: FakeGoogle) -> None:
    oauth = fake_google.oauth
    tokens = []
    for _ in range(2):
        url = (
            f"{fake_google.auth_uri}?client_id={oauth.client_id}&response_type=code"
            "&redirect_uri=http%3A%2F%2Flocalhost%3A9%2F&access_type=offline&scope=a"
        )
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(url)
        code = parse_qs(urlsplit(answer.value.headers["Location"]).query)["code"][0]
        form = urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://localhost:9/",
                "client_id": oauth.client_id,
                "client_secret": oauth.client_secret,
            }
        ).encode()
        with urllib.request.urlopen(fake_google.token_uri, form) as reply:
            tokens.append(json.loads(reply.read()))
    assert "refresh_token" in tokens[0] and "refresh_token" not in tokens[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_a_web_client_file_is_refused_in_one_line(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(FollowupError) as failure:
        _sign_in(tmp_path, fake_google, monkeypatch, kind="web")
    message = str(failure.value)
    assert "\n" not in message and "Web application" in message and "Desktop app" in message
    assert fake_google.oauth.consents == 0


def test_an_unticked_scope_is_named_with_what_stops(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_google.oauth.unticked = frozenset({"https://www.googleapis.com/auth/gmail.compose"})
    with pytest.raises(FollowupError) as failure:
        _sign_in(tmp_path, fake_google, monkeypatch)
    message = str(failure.value)
    assert "\n" not in message and "gmail.compose" in message and "drafts" in message
    assert "gmail.readonly" not in message
    assert not (tmp_path / "token.json").exists()


def test_a_call_outside_the_granted_scopes_says_so(
    google_env: FakeGoogle, token_file: Path
) -> None:
    services = connect(token_file, timeout=2)
    google_env.oauth.granted_scopes = google_env.oauth.granted_scopes[:2]  # no compose
    google_env.oauth.expire_access_tokens()
    gmail: Any = services.gmail
    body = {"message": {"raw": "VG86IGpAZXhhbXBsZS5jb20NCg0KaGk="}}
    with pytest.raises(GoogleApiError) as failure:
        call("Gmail drafts.create", lambda: gmail.users().drafts().create(userId="me", body=body))
    assert "insufficientPermissions" in str(failure.value)
    assert "followup auth" in str(failure.value) and "unticked" in str(failure.value)


def test_a_testing_project_token_dies_after_seven_days_and_the_message_says_why(
    google_env: FakeGoogle, token_file: Path
) -> None:
    now = [datetime(2026, 3, 1, 12, 0, tzinfo=UTC)]
    google_env.set_clock(lambda: now[0])
    google_env.oauth.consented_in_testing()
    gmail: Any = connect(token_file, timeout=2).gmail
    google_env.oauth.expire_access_tokens()
    gmail.users().getProfile(userId="me").execute()  # day 0: refreshed
    now[0] += timedelta(days=6, hours=23)
    google_env.oauth.expire_access_tokens()
    gmail.users().getProfile(userId="me").execute()  # day 6: still fine
    now[0] += timedelta(hours=2)
    google_env.oauth.expire_access_tokens()
    with pytest.raises(AuthError) as failure:
        gmail.users().getProfile(userId="me").execute()
    assert str(failure.value) == INVALID_GRANT
    assert "Testing" in INVALID_GRANT and "7 days" in INVALID_GRANT
    assert "In production" in INVALID_GRANT and "Internal" in INVALID_GRANT


def test_a_production_project_token_lasts(google_env: FakeGoogle, token_file: Path) -> None:
    now = [datetime(2026, 3, 1, 12, 0, tzinfo=UTC)]
    google_env.set_clock(lambda: now[0])
    gmail: Any = connect(token_file, timeout=2).gmail
    now[0] += timedelta(days=60)
    google_env.oauth.expire_access_tokens()
    assert gmail.users().getProfile(userId="me").execute()["historyId"]
