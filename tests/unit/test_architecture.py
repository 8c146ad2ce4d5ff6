"""The dependency arrows of DESIGN.md, enforced by import-linter's contracts in pyproject.toml.

foerderbuch → web → exports → projections → domain: each layer may import the ones to its right and
nothing to its left; the domain imports only the standard library, eventsourcing, pydantic and holidays. The
contracts are checked here (so ``make test`` enforces them) and by ``lint-imports`` on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("domain", "projections", "exports", "web", "foerderbuch")


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """Runs import-linter on the packages in ``folder`` with the pyproject.toml found there."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_project_keeps_every_contract() -> None:
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    assert " kept, 0 broken." in result.stdout


def test_the_contracts_cover_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")

    assert set(config["root_packages"]) == set(PACKAGES)
    assert layers["layers"] == ["foerderbuch", "web", "exports", "projections", "domain"]


class TestTheContractsCanFail:
    """A small tree with one broken arrow each: the same contracts must see it, or the test above proves nothing."""

    @pytest.fixture
    def tree(self, tmp_path: Path) -> Path:
        for package in PACKAGES:
            (tmp_path / package).mkdir()
            (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / "web" / "pages.py").write_text("import projections\nimport domain\n")
        (tmp_path / "foerderbuch" / "wiring.py").write_text("import web.pages\n")
        (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        return tmp_path

    def test_a_tree_with_only_downward_arrows_passes(self, tree: Path) -> None:
        result = lint_imports(tree)

        assert result.returncode == 0, result.stdout + result.stderr

    def test_web_importing_the_composition_root_is_refused(self, tree: Path) -> None:
        (tree / "web" / "members.py").write_text("def send():\n    from foerderbuch import wiring\n")

        result = lint_imports(tree)

        assert result.returncode == 1
        assert "web is not allowed to import foerderbuch" in result.stdout
        assert "web.members -> foerderbuch.wiring" in result.stdout

    def test_the_domain_importing_a_spreadsheet_library_or_sql_is_refused(self, tree: Path) -> None:
        (tree / "domain" / "leaky.py").write_text("import sqlite3\nimport openpyxl\n")

        result = lint_imports(tree)

        assert result.returncode == 1
        assert "domain is not allowed to import sqlite3" in result.stdout
        assert "domain is not allowed to import openpyxl" in result.stdout
