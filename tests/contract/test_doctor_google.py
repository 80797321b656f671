"""`followup doctor` with Google sources: the token's presence, mode, scopes and refresh."""

from __future__ import annotations

import json
import os
from pathlib import Path

from daemon.doctor import diagnose
from tests.fakegoogle import FakeGoogle

CONFIG = """
[user]
email = "alex@example.com"
timezone = "America/New_York"

[calendar]
source = "google"

[mail]
source = "gmail"

[google]
token_path = "token.json"

[daemon]
state_path = "state.sqlite"
"""


def doctor(folder: Path) -> list[str]:
    (folder / "config.toml").write_text(CONFIG)
    return [
        c.line()
        for c in diagnose(folder / "config.toml", platform="linux", home=folder / "home")
        if c.text.startswith(("Google", "calendar", "mail", "config"))
    ]


def test_a_good_token(google_env: FakeGoogle, token_file: Path) -> None:
    google_env.calendar.put_event(
        "primary",
        {
            "id": "int-acme-1",
            "summary": "Interview with Acme",
            "start": {"dateTime": "2026-12-01T10:00:00-05:00"},
            "end": {"dateTime": "2026-12-01T11:00:00-05:00"},
            "organizer": {"email": "jane@acme.com"},
            "attendees": [{"email": "alex@example.com", "responseStatus": "accepted"}],
        },
    )
    found = doctor(token_file.parent)
    assert "✓ calendar primary: 1 event, 1 interview" in found
    assert f"✓ Google token {token_file}: mode 600" in found
    assert any(line.startswith("✓ Google token: every scope granted") for line in found)
    assert "✓ Google token: refresh works" in found


def test_no_token_a_readable_one_missing_scopes_and_a_refused_refresh(
    google_env: FakeGoogle, token_file: Path
) -> None:
    folder = token_file.parent
    info = json.loads(token_file.read_text())
    token_file.unlink()
    found = doctor(folder)
    assert f"✗ Google token: {token_file}: no Google token yet: run `followup auth`" in found

    token_file.write_text(json.dumps(info))
    os.chmod(token_file, 0o644)
    assert any(line.startswith("✗ Google token") and "mode 644" in line for line in doctor(folder))

    os.chmod(token_file, 0o600)
    narrow = {**info, "scopes": [s for s in info["scopes"] if "compose" not in s]}
    token_file.write_text(json.dumps(narrow))
    found = doctor(folder)
    assert "✗ Google token: scopes gmail.compose not granted: run `followup auth`" in found

    token_file.write_text(json.dumps(info))
    google_env.oauth.revoke()
    found = doctor(folder)
    assert any(line.startswith("✗ Google token: ") and "invalid_grant" in line for line in found)
