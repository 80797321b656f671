"""Fixtures for the local-file connectors: zones, hand-written data, stdlib-built mailboxes."""

from __future__ import annotations

import logging
import mailbox
from collections.abc import Callable, Iterable
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

DATA = Path(__file__).parent / "data"
WILD = (Path(__file__).parents[2] / ".." / "shared" / "wild").resolve()
NEW_YORK = ZoneInfo("America/New_York")

MakeMessage = Callable[..., EmailMessage]
WriteMbox = Callable[[Iterable[Message]], Path]


@pytest.fixture
def tz() -> ZoneInfo:
    return NEW_YORK


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def make_message() -> MakeMessage:
    """An `EmailMessage` the way check.py writes them; `None` leaves a header out."""

    def make(
        *,
        sender: str = "Rita Recruiter <rita@acme.example>",
        to: str | None = "Alex Doe <alex@example.com>",
        subject: str = "Your interview with Acme",
        date: datetime | str | None = datetime(2026, 12, 1, 10, 0, tzinfo=NEW_YORK),
        message_id: str | None = "m1@acme.example",
        in_reply_to: str | None = None,
        references: Iterable[str] = (),
        body: str = "Thanks for coming in.",
        html: str | None = None,
        html_only: bool = False,
        headers: dict[str, str] | None = None,
        **content: str,
    ) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = sender
        if to is not None:
            msg["To"] = to
        msg["Subject"] = subject
        if date is not None:
            msg["Date"] = date if isinstance(date, str) else format_datetime(date)
        if message_id is not None:
            msg["Message-ID"] = f"<{message_id}>"
        if in_reply_to:
            msg["In-Reply-To"] = f"<{in_reply_to}>"
        refs = list(references)
        if refs:
            msg["References"] = " ".join(f"<{ref}>" for ref in refs)
        for name, value in (headers or {}).items():
            msg[name] = value
        if html_only:
            msg.set_content(html or body, subtype="html", **content)  # type: ignore[arg-type]
        else:
            msg.set_content(body, **content)  # type: ignore[arg-type]
            if html is not None:
                msg.add_alternative(html, subtype="html")
        return msg

    return make


@pytest.fixture
def write_mbox(tmp_path: Path) -> WriteMbox:
    """Writes messages with `mailbox.mbox`, as check.py does; returns the file."""

    def write(messages: Iterable[Message]) -> Path:
        path = tmp_path / "mail.mbox"
        box = mailbox.mbox(str(path), create=True)
        try:
            for msg in messages:
                box.add(msg)
            box.flush()
        finally:
            box.close()
        return path

    return write


@pytest.fixture
def warnings_logged(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """The warning lines logged so far; fails if any of them spans more than one line."""
    caplog.set_level(logging.WARNING)

    def lines() -> list[str]:
        found = []
        for record in caplog.records:
            if record.levelno >= logging.WARNING:
                text = record.getMessage()
                assert "\n" not in text and "\r" not in text, text
                found.append(text)
        return found

    return lines


@pytest.fixture
def wild() -> Path:
    if not WILD.is_dir():
        pytest.skip(f"{WILD} is not here")
    return WILD
