"""One error root, one handler: a user's problem is one line; a bug is one line and a hint."""

from __future__ import annotations

import argparse

import pytest

from connectors.errors import SourceError
from connectors.google.auth import AuthError
from connectors.google.retry import GoogleApiError
from daemon.cli.handler import handle_errors
from daemon.config import ConfigError
from daemon.diff import EmptiedError
from daemon.lock import AlreadyRunning
from daemon.reconcile import TransientError
from daemon.service import ServiceError
from daemon.state import StateError
from policy import errors


@pytest.mark.parametrize(
    ("kind", "root"),
    [
        (SourceError, errors.ReadError),
        (GoogleApiError, errors.ReadError),
        (AuthError, errors.AuthError),
        (ConfigError, errors.ConfigError),
        (StateError, errors.StateError),
        (AlreadyRunning, errors.FollowupError),
        (ServiceError, errors.FollowupError),
        (EmptiedError, errors.FollowupError),
        (TransientError, errors.FollowupError),
    ],
)
def test_every_error_has_the_one_root(kind: type[Exception], root: type[Exception]) -> None:
    assert issubclass(kind, root)
    assert issubclass(kind, errors.FollowupError)


def _run(command: object, verbose: bool) -> int:
    return handle_errors(command)(argparse.Namespace(verbose=verbose))  # type: ignore[arg-type]


def test_a_users_problem_is_one_line_with_or_without_verbose(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fails(args: argparse.Namespace) -> int:
        raise SourceError("cal.ics: no such file")

    assert _run(fails, verbose=False) == 2
    assert capsys.readouterr().err == "followup: cal.ics: no such file\n"
    assert _run(fails, verbose=True) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.endswith("followup: cal.ics: no such file\n")


def test_an_unexpected_error_is_one_line_and_a_hint_and_verbose_adds_the_trace(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def bug(args: argparse.Namespace) -> int:
        return {}["missing"]  # type: ignore[no-any-return]

    assert _run(bug, verbose=False) == 1
    err = capsys.readouterr().err
    assert err == (
        "followup: unexpected error (KeyError: 'missing'); run again with -v for details\n"
    )
    assert _run(bug, verbose=True) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError" in err
    assert err.splitlines()[-1] == "followup: unexpected error (KeyError: 'missing')"
