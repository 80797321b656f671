"""A throwaway Radicale (from PyPI, in .venv through the test extra) on a free loopback port,
its storage in a temporary folder, one htpasswd user (plain), its request log kept."""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers.dovecot import free_port

USER = "alex"
PASSWORD = "s3cret-dav"


def radicale_installed() -> bool:
    return importlib.util.find_spec("radicale") is not None


@dataclass
class Radicale:
    root: Path
    port: int = field(default_factory=free_port)
    user: str = USER
    password: str = PASSWORD
    process: subprocess.Popen[bytes] | None = None
    version: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.user}/"

    def start(self) -> Radicale:
        import radicale

        self.version = getattr(radicale, "VERSION", "")
        (self.root / "users").write_text(f"{self.user}:{self.password}\n")
        self.log = open(self.root / "radicale.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--server-hosts",
                f"127.0.0.1:{self.port}",
                "--storage-filesystem-folder",
                str(self.root / "collections"),
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(self.root / "users"),
                "--auth-htpasswd-encryption",
                "plain",
                "--logging-level",
                "info",
                "--logging-mask-passwords",
                "True",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("radicale exited: " + self.log_text()[-500:])
            with contextlib.suppress(OSError):
                self.request("PROPFIND", self.base, headers={"Depth": "0"})
                return self
            time.sleep(0.1)
        raise RuntimeError("radicale did not answer within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def log_text(self) -> str:
        return (self.root / "radicale.log").read_text(errors="replace")

    def request(
        self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        call = urllib.request.Request(
            url,
            data=body or None,
            method=method,
            headers={"Authorization": f"Basic {token}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(call, timeout=10) as reply:
                return reply.status, dict(reply.headers.items()), reply.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()

    def make_calendar(self, name: str) -> str:
        """A new, empty calendar collection; its URL."""
        url = f"{self.base}{name}/"
        self.request("DELETE", url)
        status, _, body = self.request("MKCALENDAR", url)
        assert status == 201, (status, body)
        return url

    def put(self, url: str, ics: str) -> str:
        status, headers, body = self.request(
            "PUT", url, ics.encode(), {"Content-Type": "text/calendar; charset=utf-8"}
        )
        assert status in (201, 204), (status, body)
        return headers.get("ETag", "")
