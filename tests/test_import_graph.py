"""Imports point one way: ``reports → quizzes → courses → elearn``, at module level and inside
functions alike. Only the app factory and the CLI registration know every package (they wire them
together); everything else that looks upward is a cycle waiting to happen."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"elearn": 0, "courses": 1, "quizzes": 2, "reports": 3}
WIRING = {"elearn/app.py", "elearn/cli.py"}  # the app factory and the CLI registration


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def upward_imports() -> list[str]:
    found = []
    for package, layer in LAYERS.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in WIRING:
                continue
            for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
                top = module.split(".")[0]
                if LAYERS.get(top, -1) > layer:
                    found.append(f"{name}:{line} imports {module}")
    return found


def test_imports_point_one_way():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    (tmp_path / "courses").mkdir()
    (tmp_path / "courses" / "x.py").write_text("def f():\n    from reports import rollup\n")
    for package in ("elearn", "quizzes", "reports"):
        (tmp_path / package).mkdir()
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert upward_imports() == ["courses/x.py:2 imports reports"]
