"""``foerderbuch letters verify FILE.pdf``: does a letter match the log? ``foerderbuch reminders``: send the
reminders of proof deadlines that are due today.

Exit codes: 0 the letter matches the log (it says which letter, of which grant, made from which event),
1 it does not (changed, not made by Förderbuch, or its source event was changed in the log), 2 the file
cannot be read.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from exports.letters.service import Letters
from foerderbuch.documents import DocumentFiles
from foerderbuch.settings import Settings

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


def add_parser(commands: Any, parser_class: type) -> None:
    letters = commands.add_parser(
        "letters",
        help="Schreiben (Bescheide, Erinnerungen) mit dem Protokoll vergleichen",
        description="Schreiben aus dem Protokoll.",
    )
    letter_commands = letters.add_subparsers(
        dest="letters_command", metavar="BEFEHL", title="Befehle", parser_class=parser_class
    )
    letter_commands.required = True
    verify = letter_commands.add_parser(
        "verify",
        help="prüfen, ob ein Schreiben mit dem Protokoll übereinstimmt",
        description=(
            "Vergleicht die Prüfsumme der PDF-Datei mit den Schreiben im Protokoll und das Ereignis, aus dem "
            "das Schreiben gemacht wurde, mit seiner Prüfsumme. Exit-Code 0: stimmt überein, 1: stimmt nicht, "
            "2: Datei nicht lesbar."
        ),
    )
    verify.add_argument("file", metavar="DATEI.pdf", help="das Schreiben als PDF")
    reminders = commands.add_parser(
        "reminders",
        help="fällige Erinnerungen an Nachweisfristen versenden",
        description=(
            "Erinnert die Vereine an Zwischen- und Verwendungsnachweise: FOERDERBUCH_REMINDER_DAYS_BEFORE Tage "
            "vor der Frist, am Tag der Frist und danach (dann mit Erinnerungsschreiben und Eintrag im Arbeitskorb "
            "der Sachbearbeitung). Jede Stufe nur einmal je Frist: ein zweiter Lauf versendet nichts doppelt."
        ),
    )
    reminders.add_argument("--on", metavar="JJJJ-MM-TT", help="als ob heute dieser Tag wäre (Vorgabe: heute)")


def verify(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch.cli import open_office
    from foerderbuch.wiring import create_projector

    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as error:
        console.print(f"Die Datei {path} kann nicht gelesen werden: {error.strerror or error}")
        return EXIT_BAD_INPUT
    if not content.startswith(b"%PDF-"):
        console.print(f"Die Datei {path} ist kein PDF.")
        return EXIT_BAD_INPUT
    office = open_office(settings)
    try:
        projector = create_projector(settings, office)
        try:
            projector.catch_up(["case_file"])
            letters = Letters(office, projector, DocumentFiles.for_settings(settings))
            verdict = letters.verify(content)
        finally:
            projector.db.close()
    finally:
        office.close()
    console.print(verdict.message)
    return EXIT_OK if verdict.ok else EXIT_REFUSED


def reminders(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from datetime import date

    from foerderbuch.cli import open_office
    from foerderbuch.reminders import send_due_reminders
    from foerderbuch.wiring import create_letters, create_projector

    day = None
    if args.on:
        try:
            day = date.fromisoformat(args.on)
        except ValueError:
            console.print(f"--on {args.on}: erwartet ein Datum JJJJ-MM-TT.")
            return EXIT_BAD_INPUT
    office = open_office(settings)
    try:
        projector = create_projector(settings, office)
        try:
            letters = create_letters(settings, office, projector, DocumentFiles.for_settings(settings))
            report = send_due_reminders(office, projector, letters, settings.reminder_days_before, day)
        finally:
            projector.db.close()
    finally:
        office.close()
    sent = report.sent
    console.print(
        f"{report.total} Erinnerungen versandt: {sent['before']} vor der Frist, {sent['due']} am Tag der Frist, "
        f"{sent['overdue']} nach der Frist (mit {report.letters} Erinnerungsschreiben)."
    )
    for problem in report.problems:
        console.print(f"Nicht versandt: {problem}")
    return EXIT_REFUSED if report.problems else EXIT_OK


HANDLERS = {"letters verify": verify, "reminders": reminders}
