"""Errors a source raises when it cannot be read at all; one line for the user."""

from __future__ import annotations


class SourceError(Exception):
    """A calendar or mail source that cannot be read: names the file and the problem."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message

    def __str__(self) -> str:
        return self.user_message


class ItemRefused(SourceError):
    """A write refused for that item alone (e.g. a 400 for its content): the other writes of
    the pass go on; the item is tried again at the next pass."""


def describe_os_error(error: OSError) -> str:
    """A short lower-case phrase for why a file could not be opened."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(error, NotADirectoryError):
        return "not a folder"
    if isinstance(error, PermissionError):
        return "permission denied"
    reason = error.strerror or type(error).__name__
    return reason[:1].lower() + reason[1:]
