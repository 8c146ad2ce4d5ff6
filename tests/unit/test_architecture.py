"""The dependency arrows of DESIGN.md, enforced by reading the source with ``ast``.

domain/       imports only the standard library, eventsourcing, pydantic and itself;
projections/  never imports web or exports;
exports/      never imports web.

Dynamic imports (``importlib.import_module("…")`` and ``__import__("…")`` with a literal name) count
as imports too. The folders may be nearly empty while the project grows; the checks still run.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DOMAIN_ALLOWED = {"eventsourcing", "pydantic", "domain"}
DOMAIN_FORBIDDEN = {
    "web",
    "projections",
    "exports",
    "foerderbuch",
    "openpyxl",
    "starlette",
    "jinja2",
    "psycopg",
    "sqlite3",
    "sqlalchemy",
    "schwifty",
    "argon2",
    "babel",
}
STDLIB = set(sys.stdlib_module_names)


def imported_modules(source: str, filename: str = "<source>") -> set[str]:
    """Every absolute module name the source imports, statically or through a literal dynamic import."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                modules.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            target = node.args[0].value
            if name in ("import_module", "__import__") and isinstance(target, str) and not target.startswith("."):
                modules.add(target)
    return modules


def top_level(module: str) -> str:
    return module.split(".")[0]


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def violations(folder: str, forbidden: set[str] | None = None, allowed: set[str] | None = None) -> list[str]:
    """Lines like "domain/grant.py imports web.app" for every import that breaks the folder's rule."""
    found = []
    for path in python_files(folder):
        for module in sorted(imported_modules(path.read_text(encoding="utf-8"), str(path))):
            package = top_level(module)
            broken = (forbidden is not None and package in forbidden) or (
                allowed is not None and package not in allowed and package not in STDLIB
            )
            if broken:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


class TestTheDomain:
    def test_the_domain_is_there_to_be_checked(self):
        names = {path.name for path in python_files("domain")}

        assert {"money.py", "grant.py", "application.py", "programme.py"} <= names

    def test_the_domain_imports_nothing_of_web_sql_spreadsheets_or_the_composition_root(self):
        assert violations("domain", forbidden=DOMAIN_FORBIDDEN) == []

    def test_the_domain_imports_only_the_standard_library_eventsourcing_pydantic_and_itself(self):
        assert violations("domain", allowed=DOMAIN_ALLOWED) == []


class TestTheReadSide:
    def test_projections_do_not_import_web_or_exports(self):
        assert violations("projections", forbidden={"web", "exports"}) == []

    def test_exports_do_not_import_web(self):
        assert violations("exports", forbidden={"web"}) == []


class TestTheChecker:
    """The checker itself must be able to see a broken arrow, or the tests above prove nothing."""

    @pytest.mark.parametrize(
        ("source", "module"),
        [
            ("import openpyxl", "openpyxl"),
            ("import sqlite3 as db", "sqlite3"),
            ("from web.app import create_app", "web.app"),
            ("from foerderbuch import wiring", "foerderbuch"),
            ("def f():\n    import psycopg\n", "psycopg"),
            (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from projections.engine import ReadModel\n",
                "projections.engine",
            ),
            ("import importlib\nimportlib.import_module('schwifty')", "schwifty"),
            ("__import__('babel.numbers')", "babel.numbers"),
        ],
    )
    def test_it_finds_static_nested_and_dynamic_imports(self, source: str, module: str):
        assert module in imported_modules(source)

    def test_relative_imports_stay_inside_the_package(self):
        assert imported_modules("from . import money\nfrom .errors import DomainError") == set()

    def test_a_forbidden_import_in_a_domain_file_is_reported(self, tmp_path, monkeypatch):
        (tmp_path / "domain").mkdir()
        (tmp_path / "domain" / "leaky.py").write_text("import json\nfrom starlette.requests import Request\n")
        monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

        assert violations("domain", forbidden=DOMAIN_FORBIDDEN) == ["domain/leaky.py imports starlette.requests"]
        assert violations("domain", allowed=DOMAIN_ALLOWED) == ["domain/leaky.py imports starlette.requests"]

    def test_a_missing_folder_has_no_violations(self, tmp_path, monkeypatch):
        monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

        assert violations("exports", forbidden={"web"}) == []
