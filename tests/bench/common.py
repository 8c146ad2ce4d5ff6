"""What every part of the benchmark shares: where files go, how child processes are run and timed,
the PostgreSQL scratch schemas, the figures collected, and the machine they were taken on."""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(os.environ.get("FOERDERBUCH_BENCH_DIR") or ROOT / ".bench")  # generated stores and work copies
PYTHON = sys.executable
DEFAULT_POSTGRES_URL = os.environ.get("FOERDERBUCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-" + "s" * 48


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``foerderbuch`` child process for this store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERBUCH_")}
    env.update(
        FOERDERBUCH_DATABASE_URL=database_url,
        FOERDERBUCH_SECRET_KEY=SECRET,
        PYTHONPATH=str(ROOT),
        COLUMNS="120",
    )
    env.update(extra)
    return env


@dataclass
class ChildRun:
    """A finished child process: its wall time, peak resident memory (MB) and output, and the CPU time
    it used (user and system, its own children included) — on a busy machine a steadier measure than
    the wall clock."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0

    def check(self, what: str) -> ChildRun:
        if self.returncode != 0:
            tail = (self.stderr or self.stdout)[-2000:]
            raise BenchError(f"{what} ended with status {self.returncode}:\n{tail}")
        return self


class BenchError(RuntimeError):
    """A step of the benchmark failed (not: was slow)."""


def run_child(
    args: list[str], env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 7200
) -> ChildRun:
    """Runs a child to its end: wall time, and its own peak resident memory (see ``high_water_mb``)."""
    import tempfile

    with (
        tempfile.TemporaryFile("w+") as given,
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
    ):
        if stdin is not None:
            given.write(stdin)
            given.seek(0)
        started = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdin=given if stdin is not None else subprocess.DEVNULL, stdout=out, stderr=err
        )
        deadline = started + timeout
        peak = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, high_water_mb(process.pid) or 0.0)
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise BenchError(f"{' '.join(args[:5])} stopped after {timeout:.0f} s")
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return ChildRun(seconds, peak, process.returncode, out.read(), err.read(), cpu)


def cpu_seconds(pid: int) -> float | None:
    """The CPU time a running process has used so far: the scheduler's nanoseconds summed over its
    threads (a server's thread pool included), else user and system time in clock ticks."""
    total, found = 0, False
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += int((task / "schedstat").read_text().split()[0])
                found = True
    if found:
        return total / 1e9
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def high_water_mb(pid: int) -> float | None:
    """A running process's peak resident memory (VmHWM) in MB.

    Read while the process runs: the kernel's ``ru_maxrss`` of a child also counts the memory of the
    parent it was forked from, the high-water mark of the process's own address space does not.
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def foerderbuch(*args: str) -> list[str]:
    return [PYTHON, "-m", "foerderbuch", *args]


def module(name: str, *args: str) -> list[str]:
    return [PYTHON, "-m", f"tests.bench.{name}", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# PostgreSQL -----------------------------------------------------------------------------------


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure to connect: reported in the results, the section is left out
        return f"{type(error).__name__}: {error}".strip()
    return None


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh schema, dropped afterwards."""
    import psycopg
    from psycopg import sql

    schema = f"bench_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield schema
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '30s'")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


# Figures --------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One measured value at one size (``None``: not measured)."""

    section: str
    name: str
    unit: str
    values: dict[str, Any] = field(default_factory=dict)
    note: str = ""


class Results:
    """Every figure of the run, by section and name, with a value per size label."""

    def __init__(self) -> None:
        self.figures: dict[tuple[str, str], Figure] = {}
        self.errors: list[str] = []
        self.notes: list[str] = []

    def put(self, section: str, name: str, size: str, value: Any, unit: str = "", note: str = "") -> None:
        figure = self.figures.setdefault((section, name), Figure(section, name, unit))
        figure.values[size] = value
        if unit:
            figure.unit = unit
        if note:
            figure.note = note

    def error(self, message: str) -> None:
        self.errors.append(message)


def machine() -> dict[str, Any]:
    """The machine the figures were taken on."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(Exception):
        import sqlite3

        info["sqlite"] = sqlite3.sqlite_version
    with contextlib.suppress(Exception):
        info["git"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    return info


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p99 of 50 values is the largest but one)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ratio(ours: float | None, bare: float | None) -> float | None:
    if ours is None or bare is None or bare == 0:
        return None
    return ours / bare
