"""Spreadsheet and open-data downloads for finance and audit, built by ``exports`` from the read models.

Each download names the filters it takes from the query string (fiscal year, programme, file number)
and writes its file inside one read transaction, so every figure in it belongs to the same log
position. An export that cannot be made as asked (an empty log, an unknown file number) answers with a
page that says why.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from domain.messages import N_, message
from exports.csv_tables import write_csv_tables
from exports.finance_report import ExportError, FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.giving360 import GivingReport, write_360giving_json, write_360giving_workbook
from exports.proof_of_use import proof_of_use_report, write_proof_of_use
from projections.db import Cursor
from web.auth import Viewer, require
from web.pages import reading

DOWNLOADERS = (Role.FINANCE, Role.CASHIER, Role.AUDITOR, Role.ADMIN, Role.APPROVER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BERLIN = ZoneInfo("Europe/Berlin")

Build = Callable[[Cursor, dict[str, str], Viewer, datetime], tuple[bytes, str, str]]


@dataclass(frozen=True)
class Download:
    slug: str
    title: str
    description: str
    filters: tuple[str, ...]  # "jahr", "programm", "gesamtsumme", "aktenzeichen"
    build: Build  # -> content, file name, media type


def _finance_filter(params: dict[str, str]) -> FinanceFilter:
    year = params.get("jahr", "").strip()
    if year and not (year.isdigit() and len(year) == 4):
        raise ExportError(message("»{year}« ist kein Haushaltsjahr.", year=year))
    return FinanceFilter(
        first_year=int(year) if year else None,
        last_year=int(year) if year else None,
        programme_code=params.get("programm", "").strip() or None,
        all_years_total=params.get("gesamtsumme", "") in ("1", N_("ja"), "on"),
    )


def _suffix(params: dict[str, str]) -> str:
    parts = [params.get("programm", "").strip(), params.get("jahr", "").strip()]
    return "-".join(p for p in parts if p) or "alle"


def _finance_workbook(cursor: Cursor, params: dict[str, str], viewer: Viewer, now: datetime) -> tuple[bytes, str, str]:
    report = FinanceReport(cursor, _finance_filter(params), now, viewer.name)
    target = io.BytesIO()
    write_finance_workbook(report, target)
    return target.getvalue(), f"foerderbuch-finanzen-{_suffix(params)}.xlsx", XLSX


def _csv_tables(cursor: Cursor, params: dict[str, str], viewer: Viewer, now: datetime) -> tuple[bytes, str, str]:
    report = FinanceReport(cursor, _finance_filter(params), now, viewer.name)
    target = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        files = write_csv_tables(report, folder)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, Path(path).name)
    return target.getvalue(), f"foerderbuch-tabellen-{_suffix(params)}.zip", "application/zip"


def _giving_json(cursor: Cursor, params: dict[str, str], viewer: Viewer, now: datetime) -> tuple[bytes, str, str]:
    report = GivingReport.open(cursor, now)
    target = io.StringIO()
    write_360giving_json(report, target)
    return target.getvalue().encode("utf-8"), "foerderbuch-360giving.json", "application/json"


def _giving_workbook(cursor: Cursor, params: dict[str, str], viewer: Viewer, now: datetime) -> tuple[bytes, str, str]:
    report = GivingReport.open(cursor, now)
    target = io.BytesIO()
    write_360giving_workbook(report, target)
    return target.getvalue(), "foerderbuch-360giving.xlsx", XLSX


def _proof_of_use(cursor: Cursor, params: dict[str, str], viewer: Viewer, now: datetime) -> tuple[bytes, str, str]:
    reference = params.get("aktenzeichen", "").strip()
    if not reference:
        raise ExportError(message("Bitte das Aktenzeichen der Zuwendung angeben."))
    report = proof_of_use_report(cursor, reference, now, viewer.name)
    target = io.BytesIO()
    write_proof_of_use(report, target)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in reference)[:60]
    return target.getvalue(), f"verwendungsnachweis-{safe}.xlsx", XLSX


DOWNLOADS: list[Download] = [
    Download(
        "finanzen",
        N_("Arbeitsmappe der Kämmerei"),
        N_("Programme und Haushaltsjahre, Zuwendungen, Journal und Projekte als Excel-Arbeitsmappe."),
        ("jahr", "programm", "gesamtsumme"),
        _finance_workbook,
    ),
    Download(
        "tabellen",
        N_("Tabellen als CSV"),
        N_("Dieselben Zahlen als CSV-Dateien (Semikolon, deutsche Zahlen) in einem ZIP-Archiv."),
        ("jahr", "programm"),
        _csv_tables,
    ),
    Download(
        "verwendungsnachweis",
        N_("Verwendungsnachweis einer Zuwendung"),
        N_("Zahlenmäßiger Nachweis mit Belegliste als Arbeitsmappe."),
        ("aktenzeichen",),
        _proof_of_use,
    ),
    Download(
        "360giving",
        N_("Offene Daten nach 360Giving (JSON)"),
        N_("Alle bewilligten Zuwendungen im 360Giving-Datenstandard."),
        (),
        _giving_json,
    ),
    Download(
        "360giving-xlsx",
        N_("Offene Daten nach 360Giving (Tabelle)"),
        N_("Dieselben Zuwendungen als Tabelle mit den Spaltentiteln des Standards."),
        (),
        _giving_workbook,
    ),
]


async def download(request: Request) -> Response:
    viewer = require(request, *DOWNLOADERS)
    found = next((d for d in DOWNLOADS if d.slug == request.path_params["slug"]), None)
    if found is None:
        raise HTTPException(status_code=404, detail=N_("Diesen Download gibt es nicht."))
    params = {key: value for key, value in request.query_params.items()}

    def build() -> tuple[bytes, str, str]:
        with reading(request) as cursor:
            return found.build(cursor, params, viewer, datetime.now(BERLIN))

    try:
        content, filename, media_type = await run_in_threadpool(build)
    except ExportError as error:
        raise HTTPException(status_code=400, detail=error.message) from None
    return Response(
        content, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'}
    )
