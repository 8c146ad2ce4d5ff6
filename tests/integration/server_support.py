"""Real servers for the tests: ``foerderbuch serve`` in a process of its own, on a fresh store.

``fresh_store(kind)`` gives the database URL of an empty store — a new SQLite file, or a new
PostgreSQL *database* (not just a schema: the CLI reads its settings from the environment, as a real
installation does) that is dropped afterwards. ``Server`` starts ``foerderbuch serve`` on a free port
and waits until it answers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import psycopg
from psycopg import sql

from foerderbuch.key_files import PRIVACY_KEY
from foerderbuch.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FOERDERBUCH = Path(sys.executable).with_name("foerderbuch")


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def fresh_database(postgres_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; its URL."""
    name = f"fb_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = postgres_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``foerderbuch`` process on this store. It uses the privacy key this process
    uses: for PostgreSQL the key file lies in the working directory, and the server runs in another."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERBUCH_")}
    env.update({"FOERDERBUCH_DATABASE_URL": database_url, "FOERDERBUCH_SECRET_KEY": "t" * 48})
    settings = Settings(database_url=database_url)
    key = PRIVACY_KEY.path(settings)
    if settings.backend == "postgres" and key is not None:
        env["FOERDERBUCH_PRIVACY_KEY_FILE"] = str(key.resolve())
    env.update(extra)
    return env


def run_cli(
    database_url: str, *args: str, cwd: Path, stdin: str | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FOERDERBUCH), *args],
        cwd=cwd,
        env=environment(database_url, **extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


class Server:
    """``foerderbuch serve`` on a free port; ``url`` once it answers."""

    def __init__(self, database_url: str, cwd: Path, workers: int = 1, demo: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(FOERDERBUCH), "serve", "--port", str(self.port), "--workers", str(workers)]
        if not demo:
            args.append("--no-demo")
        self.log = cwd / f"serve-{self.port}.log"
        self._log = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, cwd=cwd, env=environment(database_url), stdout=self._log, stderr=subprocess.STDOUT, text=True
        )

    def wait_until_up(self, seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve ended with {self.process.returncode}:\n{self.output()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/anmelden", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"serve did not answer within {seconds} s:\n{self.output()}")

    def output(self) -> str:
        self._log.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")[-5000:]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._log.close()
        return int(self.process.returncode)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
