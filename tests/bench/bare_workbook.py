"""Child process: bare openpyxl write-only writing the same sheets, rows and columns as our workbook.

    python -m tests.bench.bare_workbook probe OURS.xlsx SHAPE.json   # sheets, row counts, 30 sample rows each
    python -m tests.bench.bare_workbook write SHAPE.json BARE.xlsx   # the measured part

``probe`` reads the finance workbook we wrote: each sheet's name, how many rows it has (counted in the
sheet's XML) and its first rows' values. ``write`` then writes a workbook in write-only mode with the same
sheets, the header row and as many data rows, cycling through the sample rows' values (numbers, dates
and text as they were) — no styles, formats, formulas or charts. Only ``write`` is timed and its peak
memory taken.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

SAMPLE_ROWS = 30


def _count_rows(archive: zipfile.ZipFile, member: str) -> int:
    pattern = re.compile(rb"<row[ >]")
    count, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += len(pattern.findall(data))
            tail = data[-4:]  # shorter than a match: none is counted twice, none is cut apart
    return count


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _unplain(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        return dt.date.fromisoformat(value["date"])
    return value


def probe(source: Path, target: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(source, read_only=True)
    sheets = []
    with zipfile.ZipFile(source) as archive:
        for index, sheet in enumerate(workbook.worksheets, start=1):
            rows = [
                [_plain(v) for v in row]
                for row in sheet.iter_rows(min_row=1, max_row=SAMPLE_ROWS + 1, values_only=True)
            ]
            sheets.append(
                {
                    "title": sheet.title,
                    "rows": _count_rows(archive, f"xl/worksheets/sheet{index}.xml"),
                    "columns": max((len(r) for r in rows), default=0),
                    "sample": rows,
                }
            )
    workbook.close()
    target.write_text(json.dumps({"sheets": sheets}, ensure_ascii=False), encoding="utf-8")


def write(shape_file: Path, target: Path) -> dict[str, Any]:
    started = time.perf_counter()
    from openpyxl import Workbook

    shape = json.loads(shape_file.read_text(encoding="utf-8"))
    workbook = Workbook(write_only=True)
    cells = 0
    for sheet in shape["sheets"]:
        out = workbook.create_sheet(sheet["title"])
        sample = [[_unplain(v) for v in row] for row in sheet["sample"]]
        if not sample:
            continue
        out.append(sample[0])
        body = sample[1:] or sample[:1]
        for number in range(max(sheet["rows"] - 1, 0)):
            row = body[number % len(body)]
            out.append(row)
            cells += len(row)
    workbook.save(target)
    return {"seconds": time.perf_counter() - started, "cells": cells}


def main() -> int:
    mode, first, second = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if mode == "probe":
        probe(first, second)
        print(json.dumps({"probed": str(second)}))
    else:
        print(json.dumps(write(first, second)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
