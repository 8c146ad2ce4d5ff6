"""Start-up is safe: ``serve --workers 2`` on a fresh store starts every time, and a server that cannot
start says so with a non-zero exit status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from .server_support import Server, free_port, fresh_database, run_cli


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'frisch.sqlite'}"
        return
    postgres_url = request.getfixturevalue("postgres_url")
    with fresh_database(postgres_url) as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("attempt", [1, 2])
def test_two_workers_start_on_a_fresh_store_and_serve(fresh_url: str, tmp_path: Path, attempt: int) -> None:
    with Server(fresh_url, tmp_path, workers=2, demo=True) as server:
        server.wait_until_up()
        pages = [httpx.get(server.url + "/anmelden", timeout=10) for _ in range(8)]
        spec = httpx.get(server.url + "/api/v1/openapi.json", timeout=10)
        log = server.output()
    assert [page.status_code for page in pages] == [200] * 8
    assert spec.status_code == 200
    assert "Traceback" not in log
    assert server.process.returncode == 0


@pytest.mark.slow
def test_a_server_that_cannot_reach_its_database_exits_non_zero(postgres_url: str, tmp_path: Path) -> None:
    missing = postgres_url.rsplit("/", 1)[0] + "/fb_gibt_es_nicht"
    result = run_cli(missing, "serve", "--workers", "2", "--no-demo", "--port", str(free_port()), cwd=tmp_path)
    assert result.returncode != 0
    assert "Datenbank" in result.stderr + result.stdout


@pytest.mark.slow
def test_a_server_with_a_bad_setting_exits_non_zero_before_any_worker_starts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'frisch.sqlite'}"
    port = str(free_port())
    result = run_cli(
        url, "serve", "--workers", "2", "--no-demo", "--port", port, cwd=tmp_path, FOERDERBUCH_SECRET_KEY="kurz"
    )
    assert result.returncode != 0
    assert "mindestens 32 Zeichen" in result.stderr + result.stdout
