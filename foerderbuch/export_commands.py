"""The ``export`` and ``import`` commands of the command line: their arguments and their handlers.

``foerderbuch.cli`` adds these to its parser (``add_commands``) and its handler table (``HANDLERS``);
the work itself is in ``foerderbuch.exporting``. Bad input — an unknown programme or grant, a path
that cannot be written, a file that is not a workbook, a filled template with errors — ends with
exit code 2 and a German message (for a template with errors: every problem, and the annotated copy);
an import that had to stop half-way because the data changed underneath it ends with exit code 3.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from rich.console import Console

from foerderbuch.settings import Settings
from web.german import GermanInputError, read_date

EXIT_OK, EXIT_BAD_INPUT, EXIT_CONFLICT = 0, 2, 3


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.strip().partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise argparse.ArgumentTypeError(f"»{text}« ist kein Haushaltsjahr (JJJJ oder JJJJ-JJJJ)") from None
    if not all(2000 <= year <= 2100 for year in years) or years[0] > years[1]:
        raise argparse.ArgumentTypeError(f"»{text}« ist kein plausibles Haushaltsjahr (2000–2100)")
    return years


def _as_of(text: str) -> date | int:
    value = text.strip()
    if value.isdigit():
        position = int(value)
        if position < 1:
            raise argparse.ArgumentTypeError("eine Log-Position ist 1 oder größer")
        return position
    try:
        return read_date(value)
    except GermanInputError:
        pass
    raise argparse.ArgumentTypeError(f"»{text}« ist weder ein Datum (JJJJ-MM-TT) noch eine Log-Position")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--year", type=_years, metavar="JJJJ", help="Haushaltsjahr oder Bereich JJJJ-JJJJ (Vorgabe: alle)"
    )
    parser.add_argument("--programme", metavar="KÜRZEL", help="nur dieses Förderprogramm (z. B. IB-VEREINE)")
    parser.add_argument(
        "--as-of",
        type=_as_of,
        metavar="JJJJ-MM-TT",
        help="Stichtag (Geschäftsdatum der Buchungen) oder eine Log-Position als ganze Zahl",
    )


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Adds ``export …`` and ``import …`` to the command line's sub-commands."""
    export = commands.add_parser(
        "export",
        help="Arbeitsmappen, CSV und 360Giving-Daten exportieren",
        description=(
            "Exportiert aus den Lesemodellen: den Finanzbericht (xlsx), den Verwendungsnachweis einer Zuwendung "
            "(xlsx), dieselben Tabellen als CSV und die bewilligten Zuwendungen als 360Giving-Daten. Jede Datei nennt "
            "den Stand des Logs (Position und Prüfsumme), aus dem sie stammt."
        ),
    )
    exports = export.add_subparsers(dest="export_command", metavar="BEFEHL", title="Befehle", parser_class=parser_class)
    exports.required = True
    finance = exports.add_parser(
        "finance",
        help="Finanzbericht als Excel-Arbeitsmappe",
        description=(
            "Schreibt den Finanzbericht: Übersicht je Programm und Kontierung mit Summen und Diagramm, Zuwendungen je "
            "Haushaltsjahr, Journal, Projekte und Info (Stand des Logs)."
        ),
    )
    finance.add_argument("-o", "--output", required=True, metavar="DATEI.xlsx", help="Zieldatei")
    _add_filters(finance)
    finance.add_argument(
        "--grand-total",
        action="store_true",
        help="unter den Summen je Haushaltsjahr auch eine Gesamtsumme über alle Jahre (sonst nie)",
    )
    grant = exports.add_parser(
        "grant",
        help="Verwendungsnachweis einer Zuwendung als Excel-Arbeitsmappe",
        description=(
            "Schreibt den Verwendungsnachweis einer Zuwendung: Soll und Ist je Kostenposition, Belege, Finanzierung "
            "und Schlussfestsetzung."
        ),
    )
    grant.add_argument("grant", metavar="ZUWENDUNG", help="Kennung (UUID) oder Aktenzeichen, z. B. IB-2025-001")
    grant.add_argument("-o", "--output", required=True, metavar="DATEI.xlsx", help="Zieldatei")
    csv = exports.add_parser(
        "csv",
        help="die Tabellen des Finanzberichts als CSV-Dateien",
        description="Schreibt die Tabellen des Finanzberichts als CSV (Semikolon, UTF-8 mit BOM, Dezimalkomma).",
    )
    csv.add_argument("-o", "--output", required=True, metavar="VERZEICHNIS", help="Zielverzeichnis (wird angelegt)")
    _add_filters(csv)
    giving = exports.add_parser(
        "360giving",
        help="bewilligte Zuwendungen als 360Giving-Daten",
        description="Schreibt die bewilligten Zuwendungen als 360Giving-Datenpaket (.json) oder -Tabelle (.xlsx).",
    )
    giving.add_argument("-o", "--output", required=True, metavar="DATEI.json", help="Zieldatei (.json oder .xlsx)")
    iati = exports.add_parser(
        "iati",
        help="Entwicklungszusammenarbeit als IATI-2.03-Aktivitäten",
        description=(
            "Schreibt die Programme der Entwicklungszusammenarbeit (Bundesmittel oder Programme, aus denen Projekte "
            "der Stadt schöpfen) mit ihren Projekten und Zuwendungen als IATI-2.03-Aktivitäten (XML)."
        ),
    )
    iati.add_argument("-o", "--output", required=True, metavar="DATEI.xml", help="Zieldatei (.xml)")
    iati.add_argument(
        "--programme",
        action="append",
        default=[],
        metavar="KÜRZEL",
        help="nur diese Förderprogramme (mehrfach möglich; Vorgabe: alle der Entwicklungszusammenarbeit)",
    )

    importing = commands.add_parser(
        "import",
        help="Förderliste und Haushaltsplan aus einer Excel-Vorlage importieren",
        description=(
            "»foerderbuch import template -o DATEI.xlsx« schreibt die Importvorlage; »foerderbuch import DATEI.xlsx« "
            "importiert eine ausgefüllte. Jede Zeile wird geprüft; bei Fehlern wird nichts importiert, und alle "
            "Fehler stehen markiert in DATEI.fehler.xlsx. Ein zweiter Import derselben Datei ändert nichts."
        ),
    )
    importing.add_argument("source", metavar="DATEI.xlsx", help="die ausgefüllte Vorlage, oder »template«")
    importing.add_argument("-o", "--output", metavar="DATEI.xlsx", help="nur mit »template«: Zieldatei der Vorlage")


def command_name(args: argparse.Namespace) -> str | None:
    """The handler key of an export or import command line, or None for other commands."""
    if args.command == "export":
        return f"export {args.export_command}"
    if args.command == "import":
        return "import"
    return None


def _finance_filter(args: argparse.Namespace) -> Any:
    from exports.finance_report import FinanceFilter

    first, last = args.year if args.year else (None, None)
    as_of = args.as_of
    return FinanceFilter(
        first_year=first,
        last_year=last,
        programme_code=args.programme,
        as_of_date=as_of if isinstance(as_of, date) else None,
        as_of_position=as_of if isinstance(as_of, int) else None,
        all_years_total=bool(getattr(args, "grand_total", False)),
    )


def _run(action: Callable[[], Any], settings: Settings | None = None) -> int:
    """Runs an export; bad input (``ExportError``) becomes exit code 2 with its German message."""
    from exports.finance_report import ExportError
    from foerderbuch.cli import CommandError, _check_reachable

    if settings is not None:
        _check_reachable(settings)
    try:
        action()
    except ExportError as error:
        raise CommandError(error.message, EXIT_BAD_INPUT) from None
    return EXIT_OK


def export_finance(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import exporting

    return _run(lambda: exporting.export_finance(settings, args.output, _finance_filter(args), console), settings)


def export_grant(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import exporting

    return _run(lambda: exporting.export_grant(settings, args.grant, args.output, console), settings)


def export_csv(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import exporting

    return _run(lambda: exporting.export_csv(settings, args.output, _finance_filter(args), console), settings)


def export_360giving(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import exporting

    return _run(lambda: exporting.export_360giving(settings, args.output, console), settings)


def export_iati(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import exporting

    return _run(lambda: exporting.export_iati(settings, args.output, args.programme, console), settings)


def import_(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from exports.template import TemplateError
    from foerderbuch import exporting
    from foerderbuch.cli import CommandError, _check_reachable
    from foerderbuch.importing import ImportInterrupted, ImportRejected

    if args.source == "template":
        if not args.output:
            raise CommandError(
                "Bitte mit -o DATEI.xlsx angeben, wohin die Importvorlage geschrieben wird.", EXIT_BAD_INPUT
            )
        return _run(lambda: exporting.import_template(args.output, console))
    if args.output:
        raise CommandError("-o gilt nur für »foerderbuch import template -o DATEI.xlsx«.", EXIT_BAD_INPUT)
    _check_reachable(settings)
    try:
        summary = exporting.import_workbook(settings, args.source, console)
    except TemplateError as error:
        raise CommandError(error.message, EXIT_BAD_INPUT) from None
    except ImportRejected as rejected:
        for problem in rejected.problems:
            print(f"  {problem}", file=sys.stderr)
        copy = f" Alle Fehler stehen markiert in {rejected.copy}." if rejected.copy else ""
        raise CommandError(
            f"Die Datei hat {len(rejected.problems)} Fehler; es wurde nichts importiert.{copy}", EXIT_BAD_INPUT
        ) from None
    except ImportInterrupted as error:
        raise CommandError(str(error), EXIT_CONFLICT) from None
    for line in summary.lines():
        console.print(line)
    console.print(
        "Import abgeschlossen." if summary.changed else "Nichts zu tun: Alles aus der Datei ist schon erfasst."
    )
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings, Console], int]] = {
    "export finance": export_finance,
    "export grant": export_grant,
    "export csv": export_csv,
    "export 360giving": export_360giving,
    "export iati": export_iati,
    "import": import_,
}
