"""Print the ten longest functions and the ten largest modules of policy/, connectors/, daemon/.

Usage: python scripts/code_shape.py [--top N] [ROOT]

A function's length counts its lines from `def` to its last line (decorators and the
docstring included, as a reader sees them); nested functions count inside their parent
and are listed on their own too. A module's size is its line count.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

PACKAGES = ("policy", "connectors", "daemon")


def modules(root: Path) -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (root / pkg).rglob("*.py"))


def functions(path: Path, root: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(root).as_posix()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            end = node.end_lineno or node.lineno
            found.append((end - start + 1, f"{rel}:{node.lineno} {node.name}"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", nargs="?", default=Path(__file__).resolve().parent.parent, type=Path
    )
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    root: Path = args.root
    paths = modules(root)
    sizes = sorted(
        (
            (len(p.read_text(encoding="utf-8").splitlines()), p.relative_to(root).as_posix())
            for p in paths
        ),
        reverse=True,
    )
    funcs = sorted((f for p in paths for f in functions(p, root)), reverse=True)
    print(f"longest functions (lines), top {args.top}:")
    for n, name in funcs[: args.top]:
        print(f"  {n:5d}  {name}")
    print(f"largest modules (lines), top {args.top}:")
    for n, name in sizes[: args.top]:
        print(f"  {n:5d}  {name}")
    over_f = sum(1 for n, _ in funcs if n > 60)
    over_m = sum(1 for n, _ in sizes if n > 600)
    print(f"functions over 60 lines: {over_f}; modules over 600 lines: {over_m}")


if __name__ == "__main__":
    main()
