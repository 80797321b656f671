"""The connectors' errors, both under the one root of `policy/errors.py`; one line each."""

from __future__ import annotations

from policy.errors import ReadError


class SourceError(ReadError):
    """A calendar or mail source that cannot be read: names the file and the problem.

    The local writers raise it too when their file cannot be written, and a pass stops on
    it (`daemon/reconcile.py`); Google's `GoogleApiError` and `AuthError` are kinds of it.
    """


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
