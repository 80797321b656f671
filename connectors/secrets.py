"""Passwords for the IMAP and CalDAV sources: a `password_command` or the OS keyring.

A password is never in the config file and never in a log line or an error message.
The command is split like a shell would (`shlex`) but run without one, so nothing in it
is expanded; its first line of output is the password.
"""

from __future__ import annotations

import shlex
import subprocess

from connectors.errors import SourceError

KEYRING_SERVICE = "followup"
_COMMAND_TIMEOUT = 120  # a password manager may ask for its own passphrase first


def keyring_name(kind: str, username: str, where: str) -> str:
    """The keyring entry for one account, e.g. "imap:alex@example.com@imap.example.com"."""
    return f"{kind}:{username}@{where}"


def from_command(command: str, what: str) -> str:
    """The first line the command prints; SourceError naming the command when it fails."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise SourceError(f"{what} password_command: cannot be split ({error})") from None
    if not argv:
        raise SourceError(f"{what} password_command: empty")
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=_COMMAND_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError(f"{what} password_command: {argv[0]}: no such program") from None
    except PermissionError:
        raise SourceError(f"{what} password_command: {argv[0]}: not executable") from None
    except subprocess.TimeoutExpired:
        raise SourceError(
            f"{what} password_command: {argv[0]} gave no answer in {_COMMAND_TIMEOUT} s"
        ) from None
    except OSError as error:
        raise SourceError(f"{what} password_command: {argv[0]}: {error.strerror}") from None
    if done.returncode != 0:
        raise SourceError(
            f"{what} password_command: {argv[0]} failed (exit status {done.returncode})"
        )
    first = done.stdout.decode("utf-8", "replace").splitlines()[:1]
    if not first or not first[0]:
        raise SourceError(f"{what} password_command: {argv[0]} printed no password")
    return first[0]


def from_keyring(kind: str, username: str, where: str, what: str) -> str:
    """The password `followup auth` stored; SourceError saying how to store one."""
    hint = f"set password_command or store it with `followup auth` ({what})"
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            found = keyring.get_password(KEYRING_SERVICE, keyring_name(kind, username, where))
        except KeyringError as error:
            raise SourceError(f"{what}: the OS keyring cannot be read ({error}); {hint}") from None
    except ImportError:
        found = None
    if not found:
        raise SourceError(f"{what}: no password in the OS keyring; {hint}")
    return found


def password(command: str | None, kind: str, username: str, where: str, what: str) -> str:
    if command:
        return from_command(command, what)
    return from_keyring(kind, username, where, what)
