"""The Förderbuch benchmark: every figure of issue 10 at each size, as ratios against the bare libraries.

    make bench          # 10k, 100k and 1M events (the 1M store is generated once and then reused)
    make bench-quick    # 10k events, fewer requests: a smoke test, also run by .ci/run
    .venv/bin/python -m tests.bench.run --events 100000 [--events …] [--sections http,export] [--out FILE]

Per size: a generated history (``generator.py``; cached in ``.bench/cache``), then on copies of it the
rebuild of every read model against reading the log (``read_side.py``), the finance workbook against
bare openpyxl (``workbook.py``), pages and API lists over HTTP against a bare Starlette route
(``http_pages.py``), the follower's lag behind a stream of commands, and the write path on SQLite and
PostgreSQL against a trivial eventsourcing aggregate (``write_path.py``). Once per run: approval latency
against the commitments a programme holds, and concurrent approvals (``approvals.py``).

The figures are printed as tables (sizes side by side) and written to ``bench-results.json``. The run
fails only when a step fails (an error, a page that does not answer 200) — never because it is slow.
Machines are shared and noisy: read the ratios ours/bare, which were taken in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: the project's packages, not this folder's modules, come first
    _ROOT = Path(__file__).resolve().parents[2]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(_ROOT))

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tests.bench.common import (
    BENCH_DIR,
    DEFAULT_POSTGRES_URL,
    ROOT,
    Results,
    machine,
    postgres_reachable,
    postgres_schema,
    ratio,
)

SECTIONS = ("read", "export", "http", "lag", "write", "approvals", "concurrency")


@dataclass(frozen=True)
class Plan:
    """How much of everything a run does."""

    stories: int  # grant stories for the write path (about twenty commands each)
    requests: int  # per page and number of clients (at most)
    seconds: float  # per page and number of clients (at most)
    concurrencies: tuple[int, ...]
    lag_rate: float
    lag_seconds: float
    commitments: tuple[int, ...]
    postgres_max_events: int


QUICK = Plan(20, 10, 4.0, (1, 4), 10.0, 4.0, (1, 1000), 2_000)
FULL = Plan(60, 100, 20.0, (1, 4), 20.0, 20.0, (1, 10_000), 100_000)


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 and size % 1_000_000 == 0 else f"{size // 1000}k"


STEPS: list[dict[str, Any]] = []  # every long step and how long it took, for the JSON


@contextmanager
def step(console: Console, text: str) -> Iterator[None]:
    """A long step: a spinner while it runs, then its duration."""
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(), TextColumn(f"{text} …"), TimeElapsedColumn(), console=console, transient=True
    ) as spinner:
        spinner.add_task("", total=None)
        yield
    seconds = time.perf_counter() - started
    STEPS.append({"step": text, "seconds": round(seconds, 2)})
    console.print(f"  [green]✓[/green] {text} ({seconds:.1f} s)")


class Run:
    def __init__(self, args: argparse.Namespace, plan: Plan, console: Console) -> None:
        self.args = args
        self.plan = plan
        self.console = console
        self.results = Results()
        self.details: dict[str, dict[str, Any]] = {}
        self.sections = set(args.sections.split(",")) if args.sections else set(SECTIONS)
        unknown = self.sections - set(SECTIONS)
        if unknown:
            raise SystemExit(f"unknown sections: {', '.join(sorted(unknown))} (known: {', '.join(SECTIONS)})")
        self.postgres = None if args.no_postgres else postgres_reachable(args.postgres_url)

    def put(self, section: str, name: str, size: str, value: Any, unit: str = "", note: str = "") -> None:
        self.results.put(section, name, size, value, unit, note)

    def guarded(self, what: str, size: str, action: Callable[[], None]) -> None:
        """Runs one section; an error is recorded (and fails the run at the end), the next section still runs."""
        try:
            action()
        except Exception as error:
            message = f"{size} {what}: {type(error).__name__}: {error}"
            self.results.error(message)
            self.console.print(f"  [red]✗ {message}[/red]")
            if self.args.verbose:
                self.console.print(traceback.format_exc())

    # Per size ------------------------------------------------------------------------------------

    def size(self, events: int) -> None:
        from tests.bench.stores import cached_store, work_copy

        size = label(events)
        self.console.rule(f"[bold]{size} events")
        self.details[size] = details = {}
        store, manifest = cached_store(events, self.console, any_version=self.args.reuse_stores)
        details["store"] = {k: v for k, v in manifest.__dict__.items() if k != "commands"}
        details["commands"] = manifest.commands
        self.put("history", "events", size, manifest.events)
        self.put("history", "grants", size, manifest.grants)
        self.put("history", "associations", size, manifest.organisations)
        self.put("history", "programmes", size, len(manifest.programmes))
        self.put("history", "commands", size, sum(manifest.commands.values()))
        self.put("write", "batched generator (SQLite)", size, manifest.events / manifest.seconds, "events/s")
        self.put("write", "bare batched (SQLite)", size, manifest.bare_batched_events_per_second, "events/s")
        self.put(
            "write",
            "batched ours/bare (SQLite)",
            size,
            ratio(manifest.events / manifest.seconds, manifest.bare_batched_events_per_second),
            "×",
            note=f"measured when the store was generated ({manifest.measured_at})",
        )
        if manifest.cpu_seconds and manifest.bare_batched_cpu_seconds:
            self.put(
                "write",
                "batched ours/bare by CPU time (SQLite)",
                size,
                manifest.bare_batched_cpu_seconds / manifest.cpu_seconds,
                "×",
            )
        folder = BENCH_DIR / "work" / size
        shutil.rmtree(folder, ignore_errors=True)  # logs and files of the previous run
        work = work_copy(store, folder)
        needs_read_models = self.sections & {"read", "export", "http", "lag"}
        if needs_read_models:
            self.guarded("rebuild", size, lambda: self.rebuild(work, size))
        if "export" in self.sections:
            self.guarded("export", size, lambda: self.export(work, size))
        if "http" in self.sections:
            self.guarded("http", size, lambda: self.http(work, manifest, size))
        if "lag" in self.sections:
            self.guarded("lag", size, lambda: self.lag(work, store, size))
        if "write" in self.sections:
            self.guarded("write (SQLite)", size, lambda: self.write_sqlite(store, folder, manifest, size))
            self.guarded("write (PostgreSQL)", size, lambda: self.write_postgres(events, manifest, size))

    def rebuild(self, work: Path, size: str) -> None:
        from tests.bench.read_side import rebuild

        with step(self.console, "rebuild every read model (foerderbuch projections rebuild) and the bare read"):
            figures = rebuild(work)
        self.details[size]["rebuild"] = figures
        self.put("read", "rebuild all read models", size, figures["ours_seconds"], "s")
        self.put("read", "bare select + decode", size, figures["bare_seconds"], "s")
        self.put("read", "rebuild ours/bare", size, ratio(figures["ours_seconds"], figures["bare_seconds"]), "×")
        self.put("read", "rebuild rate", size, figures["events"] / figures["ours_seconds"], "events/s")
        self.put("read", "rebuild rate / bare rate", size, ratio(figures["bare_seconds"], figures["ours_seconds"]), "×")
        self.put(
            "read",
            "rebuild rate / bare rate by CPU time",
            size,
            ratio(figures["bare_cpu_seconds"], figures["ours_cpu_seconds"]),
            "×",
        )

    def export(self, work: Path, size: str) -> None:
        from tests.bench.workbook import finance_workbook

        with step(self.console, "finance workbook (foerderbuch export finance) and bare openpyxl"):
            figures = finance_workbook(work)
        self.details[size]["workbook"] = figures
        self.put("export", "workbook rows", size, figures["total_rows"])
        self.put("export", "finance workbook", size, figures["ours_seconds"], "s")
        self.put("export", "bare openpyxl write-only", size, figures["bare_seconds"], "s")
        self.put("export", "workbook ours/bare", size, ratio(figures["ours_seconds"], figures["bare_seconds"]), "×")
        self.put(
            "export",
            "workbook ours/bare by CPU time",
            size,
            ratio(figures["ours_cpu_seconds"], figures["bare_cpu_seconds"]),
            "×",
        )
        self.put("export", "peak memory ours", size, figures["ours_peak_mb"], "MB")
        self.put("export", "peak memory bare", size, figures["bare_peak_mb"], "MB")

    def http(self, work: Path, manifest: Any, size: str) -> None:
        from tests.bench.http_pages import measure_pages

        plan = self.plan
        total = 9 * len(plan.concurrencies)
        columns = (TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        started = time.perf_counter()
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task("HTTP", total=total)

            def advance(text: str) -> None:
                bar.update(task, description=f"HTTP {text}", advance=1)

            measured = measure_pages(work, manifest, plan.concurrencies, plan.requests, plan.seconds, advance)
        seconds = time.perf_counter() - started
        STEPS.append({"step": f"{size} http", "seconds": round(seconds, 2)})
        self.console.print(f"  [green]✓[/green] pages and API lists over HTTP, ours and bare ({seconds:.1f} s)")
        self.details[size]["http"] = measured
        for row in measured:
            if "ours" not in row:
                self.put("http", "server peak memory", size, row["peak_mb"], "MB")
                continue
            ours, bare, clients = row["ours"], row["bare"], row["concurrency"]
            name = f"{row['name']} ×{clients}"
            self.put("http", f"{name} p50", size, ours["p50_ms"], "ms")
            self.put("http", f"{name} p99", size, ours["p99_ms"], "ms")
            self.put("http", f"{name} req/s", size, ours["per_second"], "req/s")
            self.put("http", f"{name} p50 ours/bare", size, ratio(ours["p50_ms"], bare["p50_ms"]), "×")
            self.put("http", f"{name} p99 ours/bare", size, ratio(ours["p99_ms"], bare["p99_ms"]), "×")
            self.put("http", f"{name} server CPU/request ours/bare", size, ratio(ours["cpu_ms"], bare["cpu_ms"]), "×")
            self.put("http", f"{row['name']} size", size, ours["bytes"] / 1024, "KB")

    def lag(self, work: Path, store: Path, size: str) -> None:
        from tests.bench.read_side import follower_lag
        from tests.bench.stores import manifest_path

        plan = self.plan
        with step(self.console, f"follower lag behind {plan.lag_rate:.0f} commands/s for {plan.lag_seconds:.0f} s"):
            figures = follower_lag(work, manifest_path(store), plan.lag_rate, plan.lag_seconds)
        self.details[size]["lag"] = figures
        self.put("lag", "commands given", size, figures["commands_per_second"], "cmd/s", note=figures["follower"])
        self.put("lag", "backlog mean", size, figures["backlog_mean"], "events")
        self.put("lag", "backlog max", size, figures["backlog_max"], "events")
        self.put("lag", "drain after the stream", size, figures["drain_seconds"], "s")

    def write_sqlite(self, store: Path, folder: Path, manifest: Any, size: str) -> None:
        from tests.bench.stores import remove_store, work_copy
        from tests.bench.write_path import sqlite_write_path

        copy = work_copy(store, folder, "write.sqlite")
        try:
            with step(self.console, f"write path on SQLite: {self.plan.stories} grant stories, one command at a time"):
                figures = sqlite_write_path(copy, manifest, self.plan.stories)
        finally:
            remove_store(copy)
        self.details[size]["write_sqlite"] = figures
        self._write_figures("SQLite", size, figures["ours"], figures["bare"])
        ours, bare = figures["ours"], figures["bare"]
        self.put(
            "write",
            "commands ours/bare by CPU time (SQLite)",
            size,
            ratio(bare["cpu_seconds"] / bare["commands"], ours["cpu_seconds"] / ours["commands"]),
            "×",
        )

    def write_postgres(self, events: int, manifest: Any, size: str) -> None:
        from tests.bench.write_path import postgres_write_path

        if self.postgres is not None:
            self.results.notes.append(f"PostgreSQL left out: {self.postgres}")
            return
        generated = min(events, self.plan.postgres_max_events)
        with (
            step(self.console, f"write path on PostgreSQL ({generated:,} events generated, then commands)"),
            postgres_schema(self.args.postgres_url) as schema,
            postgres_schema(self.args.postgres_url) as bare_schema,
        ):
            figures = postgres_write_path(
                self.args.postgres_url, schema, bare_schema, generated, self.plan.stories, manifest.seed
            )
        self.details[size]["write_postgres"] = figures
        self._write_figures("PostgreSQL", size, figures["ours"], figures["bare"])
        note = "" if generated == events else f"history of {generated:,} events on PostgreSQL"
        self.put("write", "batched generator (PostgreSQL)", size, figures["batched_ours"], "events/s", note)
        self.put("write", "bare batched (PostgreSQL)", size, figures["batched_bare"], "events/s")
        self.put(
            "write",
            "batched ours/bare (PostgreSQL)",
            size,
            ratio(figures["batched_ours"], figures["batched_bare"]),
            "×",
        )

    def _write_figures(self, backend: str, size: str, ours: dict[str, Any], bare: dict[str, Any]) -> None:
        self.put("write", f"commands ({backend})", size, ours["commands_per_second"], "cmd/s")
        self.put("write", f"bare commands ({backend})", size, bare["commands_per_second"], "cmd/s")
        self.put(
            "write",
            f"commands ours/bare ({backend})",
            size,
            ratio(ours["commands_per_second"], bare["commands_per_second"]),
            "×",
        )
        self.put("write", f"events ({backend})", size, ours["events_per_second"], "events/s")

    # Once per run --------------------------------------------------------------------------------

    def once(self) -> None:
        self.console.rule("[bold]approvals")
        self.details["once"] = {}
        if "approvals" in self.sections:
            for commitments in self.plan.commitments:
                self.guarded("approval latency", "—", lambda c=commitments: self.latency(c))
        if "concurrency" in self.sections:
            for workers, fitting, applications, processes in ((1, 10, 16, 1), (2, 10, 16, 1), (1, 20, 30, 10)):
                self.guarded(
                    "concurrency",
                    "—",
                    lambda w=workers, f=fitting, a=applications, p=processes: self.concurrency(w, f, a, p),
                )

    def latency(self, commitments: int) -> None:
        from tests.bench.approvals import approval_latency

        with step(self.console, f"approval latency with {commitments:,} commitments in the programme"):
            figures = approval_latency(BENCH_DIR / "work" / "approvals", commitments)
        self.details["once"][f"latency-{commitments}"] = figures
        column = f"{commitments:,} commitments"
        self.put("approvals", "approval median", column, figures["median_ms"], "ms")
        self.put("approvals", "approval p90", column, figures["p90_ms"], "ms")
        self.put("approvals", "approval CPU time", column, figures["cpu_ms"], "ms")
        self.put("approvals", "newest programme snapshot", column, figures["newest_snapshot_kb"], "KB")
        self.put("approvals", "programme snapshots", column, figures["snapshots_mb"], "MB")

    def concurrency(self, workers: int, fitting: int, applications: int, processes: int) -> None:
        from tests.bench.approvals import concurrent_approvals

        who = f"{applications} at once" if processes == 1 else f"{applications} from {processes} processes"
        name = f"{who}, {workers} worker{'s' if workers > 1 else ''}"
        with step(self.console, f"concurrent API approvals (SQLite): {name}"):
            figures = concurrent_approvals(BENCH_DIR / "work" / "approvals", workers, fitting, applications, processes)
        self.details["once"][f"concurrency {name}"] = figures
        self.put("concurrency", "answers ≥ 500", name, figures["answers_500_or_more"])
        self.put("concurrency", "answers", name, " ".join(f"{k}×{v}" for k, v in sorted(figures["statuses"].items())))
        self.put("concurrency", "approved (fit)", name, f"{figures['approved']} ({figures['fitting']})")
        self.put("concurrency", "budget held", name, figures["budget_held"])
        self.put("concurrency", "acknowledged recorded once", name, figures["acknowledged_exactly_once"])
        self.put("concurrency", "failed but recorded", name, figures["failed_but_recorded"])
        self.put("concurrency", "slowest answer", name, figures["max_seconds"], "s")


# Output -------------------------------------------------------------------------------------------


def shown(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if unit == "×":
            return f"{value:.2f}×"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


GROUPS = (  # figures shown in one cell: suffixes of their names, and the name of the shared row
    ((" p50 ours/bare", " p99 ours/bare", " server CPU/request ours/bare"), " ours/bare p50 / p99 / CPU"),
    ((" p50", " p99"), " p50 / p99"),
)


def display(figures: list[Any]) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """The columns (sizes) and the rows to show; a p50 figure shares its row with its p99 (and CPU)."""
    columns: list[str] = []
    for figure in figures:
        for key in figure.values:
            if key not in columns:
                columns.append(key)
    by_name = {figure.name: figure for figure in figures}
    used: set[str] = set()
    rows = []
    for figure in figures:
        if figure.name in used:
            continue
        for suffixes, joined in GROUPS:
            stem = figure.name[: -len(suffixes[0])] if figure.name.endswith(suffixes[0]) else None
            members = [by_name.get(f"{stem}{suffix}") for suffix in suffixes] if stem is not None else []
            found = [m for m in members if m is not None]
            if len(found) > 1:
                used |= {m.name for m in found}
                cells = [" / ".join(shown(m.values.get(c), m.unit) for m in found) for c in columns]
                rows.append((f"{stem}{joined}", figure.unit, cells))
                break
        else:
            used.add(figure.name)
            rows.append((figure.name, figure.unit, [shown(figure.values.get(c), figure.unit) for c in columns]))
    return columns, rows


def tables(results: Results) -> list[Table]:
    out = []
    for section, figures in _by_section(results).items():
        columns, rows = display(figures)
        table = Table(title=section, title_justify="left")
        table.add_column("figure")
        table.add_column("unit")
        for column in columns:
            table.add_column(column, justify="right")
        for name, unit, cells in rows:
            table.add_row(name, unit, *cells)
        out.append(table)
    return out


def markdown(results: Results) -> str:
    """The tables as Markdown (for the README's Performance section)."""
    lines = []
    for section, figures in _by_section(results).items():
        columns, rows = display(figures)
        lines.append(f"| {section} | unit | " + " | ".join(columns) + " |")
        lines.append("|---|---|" + "---:|" * len(columns))
        for name, unit, cells in rows:
            lines.append(f"| {name} | {unit} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _by_section(results: Results) -> dict[str, list[Any]]:
    sections: dict[str, list[Any]] = {}
    for figure in results.figures.values():
        sections.setdefault(figure.section, []).append(figure)
    return sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, action="append", help="a size (repeatable); default 10k, 100k, 1M")
    parser.add_argument("--quick", action="store_true", help="10k events, fewer requests: the smoke test")
    parser.add_argument("--sections", help=f"comma-separated, of: {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failed steps")
    parser.add_argument(
        "--reuse-stores",
        action="store_true",
        help="use a cached store even if the domain or generator changed since it was generated",
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    sizes = args.events or ([10_000] if args.quick else [10_000, 100_000, 1_000_000])
    console = Console() if Console().is_terminal else Console(width=140)
    run = Run(args, plan, console)
    info = machine()
    console.print(
        f"[bold]Förderbuch benchmark[/bold] — {', '.join(label(s) for s in sizes)} events; "
        f"{info.get('cpus')} CPUs ({info.get('cpu', '?')}), load {info['load_average']}, git {info.get('git', '?')}"
    )
    if run.postgres is not None:
        console.print(f"[yellow]PostgreSQL is not reachable, its figures are left out: {run.postgres}[/yellow]")
    started = time.time()
    for events in sizes:
        try:
            run.size(events)
        except Exception as error:
            run.results.error(f"{label(events)}: {type(error).__name__}: {error}")
            console.print(f"[red]✗ {label(events)}: {error}[/red]")
            if args.verbose:
                console.print(traceback.format_exc())
    if run.sections & {"approvals", "concurrency"}:
        run.once()
    for table in tables(run.results):
        console.print(table)
    for note in run.results.notes:
        console.print(f"[yellow]{note}[/yellow]")
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    output = {
        "machine": info,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "quick": args.quick,
        "sizes": [label(s) for s in sizes],
        "figures": [figure.__dict__ for figure in run.results.figures.values()],
        "details": run.details,
        "notes": run.results.notes,
        "errors": run.results.errors,
        "steps": STEPS,
    }
    args.out.write_text(json.dumps(output, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown(run.results), encoding="utf-8")
    console.print(f"Figures written to {args.out} ({time.time() - started:.0f} s in all).")
    if run.results.errors:
        console.print(f"[bold red]{len(run.results.errors)} step(s) failed:[/bold red]")
        for message in run.results.errors:
            console.print(f"  [red]{message}[/red]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
