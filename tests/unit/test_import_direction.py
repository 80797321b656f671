"""Imports point one way (STYLE.md "Our shape"): policy ← connectors ← daemon.

`policy/` imports nothing of connectors/ or daemon/; `connectors/` imports of the policy only
its shared vocabulary (`policy.models`, and `policy.errors`, the one error root), and
nothing of daemon/; `connectors/google/` and `connectors/local/` never
import each other. Read from every module's syntax tree, so an import inside a function
counts too, and nothing is imported to find out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_WITH_CONNECTORS = ("policy.models", "policy.errors")


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, absolute, relative imports resolved."""
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from policy import drafts` imports policy.drafts
            found.update(".".join(filter(None, (module, alias.name))) for alias in node.names)
    return found


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def problems(path: Path, root: Path = ROOT) -> list[str]:
    """The imports of `path` that run against the direction."""
    name = _module_name(path, root)
    wrong = []
    for imported in sorted(imports_of(path, root)):
        outside = _under(imported, "connectors") or _under(imported, "daemon")
        if _under(name, "policy") and outside:
            wrong.append(imported)
        if not _under(name, "connectors"):
            continue
        # `from policy.models import X` lists policy.models.X too; `from policy import models`
        # lists policy and policy.models
        policy_beyond_models = imported != "policy" and not any(
            _under(imported, allowed) for allowed in SHARED_WITH_CONNECTORS
        )
        if _under(imported, "daemon") or (_under(imported, "policy") and policy_beyond_models):
            wrong.append(imported)
        for inner, other in (("google", "local"), ("local", "google")):
            if _under(name, f"connectors.{inner}") and _under(imported, f"connectors.{other}"):
                wrong.append(imported)
    return wrong


@pytest.mark.parametrize(
    "path",
    [*modules("policy"), *modules("connectors")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_imports_point_one_way(path: Path) -> None:
    assert problems(path) == []


def test_the_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    """A check that cannot fail proves nothing: it must catch what it forbids."""
    (tmp_path / "policy" / "timeline").mkdir(parents=True)
    probe = tmp_path / "policy" / "timeline" / "probe.py"
    probe.write_text(
        "from connectors.base import Found\n"
        "from .. import drafts\n"
        "def later() -> None:\n"
        "    import daemon.config\n",
        encoding="utf-8",
    )
    assert "policy.drafts" in imports_of(probe, tmp_path)
    assert problems(probe, tmp_path) == [
        "connectors.base",
        "connectors.base.Found",
        "daemon.config",
    ]
    (tmp_path / "connectors" / "google").mkdir(parents=True)
    google = tmp_path / "connectors" / "google" / "probe.py"
    google.write_text(
        "from policy.models import Thread\n"
        "from policy.planner import plan\n"
        "from ..local import ics\n",
        encoding="utf-8",
    )
    assert problems(google, tmp_path) == [
        "connectors.local",
        "connectors.local.ics",
        "policy.planner",
        "policy.planner.plan",
    ]


def test_every_package_is_walked() -> None:
    names = {_module_name(p) for p in [*modules("policy"), *modules("connectors")]}
    assert {"policy.planner", "policy.timeline.reader", "connectors.google.gmail"} <= names
