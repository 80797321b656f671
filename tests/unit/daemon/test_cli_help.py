"""The CLI's manners: every command's help says what it is for and shows an example;
`--version`; a mistyped command gets a "did you mean"; -v goes before or after the command."""

from __future__ import annotations

import argparse

import pytest

from daemon import cli


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_a_description_and_an_example(name: str) -> None:
    sub = _subcommands()[name]
    text = sub.format_help()
    assert sub.description and len(sub.description) > 40, name
    assert "example" in (sub.epilog or ""), name
    assert f"followup {name}" in (sub.epilog or "") or name == "timeline", name
    assert "followup timeline" in text or name != "timeline"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("followup ")


@pytest.mark.parametrize(
    ("argv", "guess"),
    [(["stauts"], "'status'"), (["docter"], "'doctor'"), (["mark", "x", "dnoe"], "'done'")],
)
def test_did_you_mean(argv: list[str], guess: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert f"did you mean {guess}?" in err


def test_verbose_after_the_command(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", "-v", "--config", "/nonexistent/config.toml"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.splitlines()[-1].startswith("followup: /nonexistent/config.toml: no such config")
