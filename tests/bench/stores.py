"""Generated stores, kept on disk between runs and copied for each step that changes them.

A store is the event log the generator wrote (no read models), in ``.bench/cache/`` under a name made
of the size, the seed and a hash of the code that decides its content (the domain and the generator):
change either and the store is generated again. Generating also measures the batched write path:
the generator's events per second, and the bare library writing as many events of the same size in
transactions of the same size on the same backend right after it (both kept in the manifest).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tests.bench.common import BENCH_DIR, ROOT, sqlite_url
from tests.bench.generator import DEFAULT_SEED, Manifest, generate, set_passwords

CODE = ("domain", "tests/bench/generator.py", "tests/bench/batching.py")


def code_version() -> str:
    """A hash of the code that decides what a generated store holds."""
    digest = hashlib.sha256()
    for part in CODE:
        path = ROOT / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def manifest_path(store: Path) -> Path:
    return store.with_name(store.stem + ".manifest.json")


def remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    manifest_path(path).unlink(missing_ok=True)


def cached_store(events: int, console: Console, seed: int = DEFAULT_SEED) -> tuple[Path, Manifest]:
    """The generated store of this size (generated now if there is none for this code version)."""
    cache = BENCH_DIR / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    name = f"store-{events}-{seed}-{code_version()}"
    path = cache / f"{name}.sqlite"
    if path.exists() and manifest_path(path).exists():
        console.print(f"  event log of {events:,} events from the cache: {path.name}")
        return path, Manifest.read(manifest_path(path))
    for stale in cache.glob(f"store-{events}-{seed}-*.sqlite"):
        remove_store(stale)
    partial = cache / f"{name}.partial.sqlite"
    remove_store(partial)
    with Progress(
        TextColumn(f"  generating {events:,} events"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=events)
        manifest = generate(
            sqlite_url(partial), events, seed, progress=lambda n: bar.update(task, completed=min(n, events))
        )
    set_passwords(sqlite_url(partial), manifest)
    measure_bare_batched(partial, manifest)
    partial.rename(path)
    manifest.write(manifest_path(path))
    console.print(
        f"  generated: {manifest.events:,} events, {manifest.grants:,} grants, "
        f"{manifest.organisations:,} associations, {len(manifest.programmes)} programmes in {manifest.seconds:.0f} s"
    )
    return path, manifest


def aggregate_count(manifest: Manifest) -> int:
    creating = ("apply_for_grant", "register_organisation", "register_user", "open_programme", "start_project")
    return sum(manifest.commands.get(name, 0) for name in creating)


def measure_bare_batched(store: Path, manifest: Manifest) -> None:
    """The bare library writing as many events of the same mean size, 1000 per transaction, beside the store."""
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office
    from tests.bench.bare import bare_batched, mean_state_size
    from tests.bench.generator import NOW

    office = create_office(Settings(database_url=sqlite_url(store)), today=lambda: NOW)
    try:
        size = mean_state_size(office)
    finally:
        office.close()
    bare_file = store.with_name("bare-batched.sqlite")
    remove_store(bare_file)
    try:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(bare_file)}
        bare = bare_batched(env, manifest.events, aggregate_count(manifest), size)
    finally:
        remove_store(bare_file)
    manifest.mean_event_bytes = round(size, 1)
    manifest.bare_batched_events_per_second = round(bare["events_per_second"], 1)
    manifest.measured_at = time.strftime("%Y-%m-%d %H:%M")


def work_copy(store: Path, folder: Path, name: str = "store.sqlite") -> Path:
    """A copy of a cached store to change (read models, commands, tokens)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    remove_store(target)
    shutil.copyfile(store, target)
    return target
