"""The bodies of ``foerderbuch export …`` and ``foerderbuch import …``.

Each opens the office and its read models for the settings, catches the read models up, reads them
in one transaction (so every figure comes from the same state of the log), writes the file next to
its target first and then moves it into place (a failed export never leaves half a file), and shows
a progress bar on the console for the big ones.

Exports raise ``ExportError`` for bad input (an unknown programme, a grant that does not exist, a
path that cannot be written); the command line turns it into exit code 2 with the German message.
"""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from exports.csv_tables import write_csv_tables
from exports.finance_report import ExportError, FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.giving360 import GivingReport, write_360giving_json, write_360giving_workbook
from exports.iati import IatiReport, write_iati
from exports.proof_of_use import proof_of_use_report, write_proof_of_use
from exports.template import TemplateError, write_annotated_copy, write_template
from foerderbuch.importing import ImportRejected, ImportSummary, check_file, record, template_lists
from foerderbuch.operations import open_services
from foerderbuch.settings import Settings
from projections.db import Cursor

BERLIN = ZoneInfo("Europe/Berlin")


def who() -> str:
    """Who runs the command line: the operating-system account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unbekannt"
    return f"{name} (Kommandozeile)"


def now() -> datetime:
    return datetime.now(BERLIN)


def check_target(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise ExportError(f"Die Zieldatei {target} muss auf {' oder '.join(suffixes)} enden.")
    if not target.parent.exists():
        raise ExportError(f"Das Verzeichnis {target.parent} gibt es nicht.")
    if target.is_dir():
        raise ExportError(f"{target} ist ein Verzeichnis, keine Datei.")
    return target


@contextmanager
def replacing(target: Path, text: bool = False) -> Iterator[IO[Any]]:
    """A temporary file beside ``target`` that replaces it only when writing succeeded.

    A folder or file that cannot be written is bad input (``ExportError`` naming the file), not a
    problem of the database."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise ExportError(unwritable(target, error)) from None
    try:
        with os.fdopen(fd, "w" if text else "wb", encoding="utf-8" if text else None) as handle:
            yield handle
        os.replace(name, target)
    except OSError as error:
        Path(name).unlink(missing_ok=True)
        raise ExportError(unwritable(target, error)) from None
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def unwritable(target: Path, error: OSError) -> str:
    return f"Die Datei {target} kann nicht geschrieben werden: {error.strerror or error}."


@contextmanager
def reading(settings: Settings) -> Iterator[Cursor]:
    """The read models, caught up, in one read transaction."""
    with open_services(settings) as (_office, projector):
        projector.catch_up()
        with projector.db.transaction() as cursor:
            yield cursor


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def export_finance(settings: Settings, target: str, wanted: FinanceFilter, console: Console) -> Path:
    path = check_target(target, (".xlsx",))
    with reading(settings) as cursor, _progress(console) as progress:
        report = FinanceReport(cursor, wanted, now(), who())
        tasks = {
            "Zuwendungen": progress.add_task("Zuwendungen", total=report.grant_count()),
            "Journal": progress.add_task("Journal", total=report.movement_count()),
        }
        advance: Callable[[str, int], None] = lambda stage, done: progress.advance(tasks[stage], done)  # noqa: E731
        with replacing(path) as handle:
            write_finance_workbook(report, handle, advance)
        for task in tasks.values():
            progress.update(task, completed=progress.tasks[task].total)
        stand = report.head
    console.print(f"Finanzbericht geschrieben: {path} (Stand: Ereignis {stand.position}, Prüfsumme {stand.hash[:16]}).")
    return path


def export_csv(settings: Settings, directory: str, wanted: FinanceFilter, console: Console) -> list[Path]:
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} ist eine Datei; für die CSV-Dateien bitte ein Verzeichnis angeben.")
    if not folder.parent.exists():
        raise ExportError(f"Das Verzeichnis {folder.parent} gibt es nicht.")
    with reading(settings) as cursor, _progress(console) as progress:
        report = FinanceReport(cursor, wanted, now(), who())
        tasks = {
            "Zuwendungen": progress.add_task("Zuwendungen", total=report.grant_count()),
            "Journal": progress.add_task("Journal", total=report.movement_count()),
        }
        try:
            files = write_csv_tables(report, folder, lambda stage, done: progress.advance(tasks[stage], done))
        except OSError as error:
            raise ExportError(unwritable(Path(error.filename or folder), error)) from None
        for task in tasks.values():
            progress.update(task, completed=progress.tasks[task].total)
    console.print(f"{len(files)} CSV-Dateien geschrieben nach {folder}: {', '.join(f.name for f in files)}.")
    return files


def export_grant(settings: Settings, reference: str, target: str, console: Console) -> Path:
    path = check_target(target, (".xlsx",))
    with reading(settings) as cursor:
        report = proof_of_use_report(cursor, reference, now(), who())
        with replacing(path) as handle:
            write_proof_of_use(report, handle)
    console.print(f"Verwendungsnachweis {report.file.row.file_number} geschrieben: {path}.")
    return path


def export_360giving(settings: Settings, target: str, console: Console) -> Path:
    path = check_target(target, (".json", ".xlsx"))
    with reading(settings) as cursor:
        report = GivingReport.open(cursor, now())
        if path.suffix.lower() == ".json":
            with replacing(path, text=True) as handle:
                count = write_360giving_json(report, handle)
        else:
            with replacing(path) as handle:
                count = write_360giving_workbook(report, handle)
    console.print(f"360Giving: {count} Zuwendungen geschrieben nach {path}.")
    return path


def export_iati(settings: Settings, target: str, programmes: list[str], console: Console) -> Path:
    path = check_target(target, (".xml",))
    with reading(settings) as cursor:
        report = IatiReport.open(cursor, now(), programmes)
        with replacing(path) as handle:
            count = write_iati(report, handle)
    console.print(f"IATI 2.03: {count} Aktivitäten geschrieben nach {path}.")
    return path


def import_template(target: str, console: Console) -> Path:
    path = check_target(target, (".xlsx",))
    with replacing(path) as handle:
        write_template(handle, template_lists())
    console.print(f"Importvorlage geschrieben: {path}. Die Erläuterungen stehen im Blatt »Anleitung«.")
    return path


def error_copy_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.fehler.xlsx")


def import_workbook(settings: Settings, source: str, console: Console) -> ImportSummary:
    """Imports a filled template. On problems: the annotated copy, then ``ImportRejected``."""
    path = Path(source)
    if not path.is_file():
        raise TemplateError(f"Die Datei {path} gibt es nicht.")
    with open_services(settings) as (office, projector):
        projector.catch_up()
        with projector.db.transaction() as cursor:
            plan = check_file(path, office, cursor)
        try:
            summary = record(plan, office)
        except ImportRejected as rejected:
            copy = error_copy_path(path)
            try:
                write_annotated_copy(path, [p.annotation for p in rejected.problems], copy)
            except OSError as error:
                console.print(f"Die Fehlerkopie {copy} ließ sich nicht schreiben: {error}")
            else:
                rejected.copy = copy
            raise
        projector.catch_up()
    return summary
