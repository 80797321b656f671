"""Errors a user can fix. The CLI prints `user_message` as one line and exits non-zero."""

from __future__ import annotations


class FollowupError(Exception):
    """A problem in the user's input: a config, a file, a command-line value."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class ConfigError(FollowupError):
    """The config file is missing, not TOML, or has a wrong key or value."""
