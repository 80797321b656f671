"""A throwaway Dovecot (Debian's `dovecot-imapd`) on a free loopback port.

No system config is read: `dovecot -c OUR_CONF -F` with a passwd-file user, Maildir in a
temporary folder, plain IMAP (and STARTTLS) on `port` and implicit TLS on `tls_port`, with
a self-signed certificate made per session (`cert.pem`) for the certificate-check tests.
Run as root, Dovecot refuses uid 0 for mail and for its login processes, so the mail is
owned by the `dovecot` user and logins run as `dovenull` (both made by the Debian
package); as another user it runs as that user.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

USER = "alex@example.com"
PASSWORD = "s3cret-imap"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
login_trusted_networks = 127.0.0.0/8
auth_failure_delay = 0
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
rawlog_dir = {root}/rawlog
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""


@dataclass
class Dovecot:
    """One running server; `connect()` gives a logged-in imaplib client for test setup."""

    root: Path
    port: int = field(default_factory=free_port)
    tls_port: int = field(default_factory=free_port)  # implicit TLS, a self-signed certificate
    user: str = USER
    password: str = PASSWORD
    process: subprocess.Popen[bytes] | None = None
    version: str = ""
    extra_conf: str = ""  # appended to the config, e.g. `imap_capability = ...`

    def start(self) -> Dovecot:
        binary = dovecot_binary()
        assert binary is not None
        root_run = os.geteuid() == 0
        me = pwd.getpwuid(os.geteuid()).pw_name
        mail_user = "dovecot" if root_run else me
        (self.root / "mail").mkdir(parents=True, exist_ok=True)
        (self.root / "rawlog").mkdir(exist_ok=True)
        if root_run:
            # The auth and mail processes run as `dovecot`: they must reach the folder.
            os.chmod(self.root, 0o755)
            info = pwd.getpwnam(mail_user)
            for folder in (self.root / "mail", self.root / "rawlog"):
                os.chown(folder, info.pw_uid, info.pw_gid)
        _self_signed(self.root)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        conf = self.root / "dovecot.conf"
        conf.write_text(
            _CONF.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                internal="dovecot" if root_run else me,
                internal_group="dovecot" if root_run else me,
                login="dovenull" if root_run else me,
                mail_user=mail_user,
                mail_group=mail_user,
            )
            + self.extra_conf
        )
        self.version = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        self.process = subprocess.Popen(
            [binary, "-c", str(conf), "-F"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "stderr.log", "wb"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "dovecot exited: " + (self.root / "stderr.log").read_text()[-500:]
                )
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client = self.connect()
                client.logout()
                return self
            time.sleep(0.1)
        raise RuntimeError("dovecot did not answer within 15 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=60)  # a loaded CI box
        client.login(self.user, self.password)
        return client

    def append(self, folder: str, raw: bytes, flags: str = "") -> None:
        client = self.connect()
        try:
            typ, data = client.append(folder, flags or None, None, raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def reset(self) -> None:
        """Every folder emptied (INBOX, Sent, Drafts and any other), folders kept."""
        client = self.connect()
        try:
            _, listed = client.list()
            for line in listed:
                assert isinstance(line, bytes)
                name = line.rsplit(b' "/" ', 1)[-1].decode().strip('"')
                typ, count = client.select(_quote(name))
                if typ != "OK":
                    continue
                if count[0] != b"0":
                    client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                    client.expunge()
                client.close()
                if name not in ("INBOX", "Drafts", "Sent"):
                    client.delete(_quote(name))
        finally:
            client.logout()

    def rawlog_lines(self) -> list[str]:
        """Every command clients sent (the `.in` rawlogs), for counting round trips."""
        lines: list[str] = []
        for path in sorted((self.root / "rawlog").glob("*.in")):
            lines.extend(path.read_text(errors="replace").splitlines())
        return lines

    def clear_rawlog(self) -> None:
        for path in (self.root / "rawlog").glob("*"):
            with contextlib.suppress(OSError):
                path.unlink()


# What an older or smaller server says after login: no CONDSTORE, QRESYNC or UIDPLUS (the
# fallback paths: UIDVALIDITY + last UID, UID SEARCH ALL for expunges, plain EXPUNGE).
PLAIN_CAPABILITIES = "imap_capability = IMAP4rev1 LITERAL+ ENABLE IDLE NAMESPACE SPECIAL-USE\n"


def _self_signed(root: Path) -> None:
    """A certificate for localhost and 127.0.0.1 that no system trusts (`cert.pem`)."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    os.chmod(root / "key.pem", 0o644)  # read by Dovecot's processes; a throwaway key


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
