"""The finance workbook of the whole history against bare openpyxl write-only writing the same rows.

Ours: ``foerderbuch export finance -o …`` as a child process on the caught-up copy of the store. Bare:
``bare_workbook write`` with the same sheets, row counts and columns (see there). Both are timed from
start to end and their peak resident memory is taken from the kernel (``wait4``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.bench.common import child_env, foerderbuch, module, run_child, sqlite_url


def finance_workbook(store: Path) -> dict[str, Any]:
    folder = store.parent
    ours_file, shape_file, bare_file = folder / "finanz.xlsx", folder / "finanz-form.json", folder / "bare.xlsx"
    env = child_env(sqlite_url(store))
    ours = run_child(foerderbuch("export", "finance", "-o", str(ours_file)), env).check("foerderbuch export finance")
    run_child(module("bare_workbook", "probe", str(ours_file), str(shape_file)), env).check("bare_workbook probe")
    bare = run_child(module("bare_workbook", "write", str(shape_file), str(bare_file)), env).check("bare_workbook")
    shape = json.loads(shape_file.read_text(encoding="utf-8"))
    rows = {sheet["title"]: sheet["rows"] for sheet in shape["sheets"]}
    return {
        "ours_seconds": ours.seconds,
        "ours_peak_mb": ours.peak_mb,
        "ours_cpu_seconds": ours.cpu_seconds,
        "ours_bytes": ours_file.stat().st_size,
        "bare_seconds": bare.seconds,
        "bare_peak_mb": bare.peak_mb,
        "bare_cpu_seconds": bare.cpu_seconds,
        "bare_bytes": bare_file.stat().st_size,
        "rows": rows,
        "total_rows": sum(rows.values()),
    }
