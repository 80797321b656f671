"""The one error root: every problem a user can act on is a `FollowupError`.

It lives in `policy/` because that is the package everyone may import (connectors and the
daemon both do); policy itself raises none of these. The CLI has one handler: it prints
`user_message` as one line and exits non-zero, so each layer only has to say what went
wrong in words the user can act on. The subclasses say where the problem is, so a caller
can tell a source it cannot read from a destination it cannot write.
"""

from __future__ import annotations


class FollowupError(Exception):
    """A problem the user can fix; `user_message` names the file or call and what to do."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message

    def __str__(self) -> str:
        return self.user_message


class ReadError(FollowupError):
    """A calendar or mailbox (a file or a service) that cannot be read."""


class WriteError(FollowupError):
    """A place followup writes to (reminders, drafts) that cannot be written."""


class ConfigError(FollowupError):
    """The config file is missing, not TOML, or has a wrong key or value."""


class StateError(FollowupError):
    """The state file cannot be used: not SQLite, damaged, locked, or from a newer followup."""


class AuthError(FollowupError):
    """The Google token is missing, unreadable or refused; `followup auth` fixes it."""
