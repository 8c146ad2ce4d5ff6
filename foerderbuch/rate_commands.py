"""The ``base-rates`` commands of the command line: record a new base rate, list the table.

``foerderbuch base-rates add DATE RATE --source TEXT`` records the base rate (§ 247 BGB) the Bundesbank
published for a half year, as an event with its source; ``foerderbuch base-rates list`` shows every
rate with its source and says when the current half year has none yet (interest for its days is then
computed with the last rate known and marked provisional). ``foerderbuch.cli`` adds these to its
parser (``add_commands``) and its handler table (``HANDLERS``). Bad input ends with exit code 2 and a
German message, and nothing is recorded.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from domain.actors import Actor
from domain.errors import DomainError
from foerderbuch.settings import Settings

EXIT_OK, EXIT_BAD_INPUT = 0, 2
_RATE = re.compile(r"^[-−]?[0-9]{1,2}([.,][0-9]{1,4})?$")


def parse_day(text: str) -> date:
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"»{text}« ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ)")


def parse_rate(text: str) -> Decimal:
    """A base rate in percent as people write it: ``1,27``, ``1.27``, ``-0,88`` or ``1,27 %``."""
    value = text.replace("%", "").replace(" ", "").strip()
    if not _RATE.match(value):
        raise argparse.ArgumentTypeError(f"»{text}« ist kein Zinssatz in Prozent (z. B. 1,27 oder -0,88)")
    return Decimal(value.replace("−", "-").replace(",", "."))


def german_rate(rate: Decimal) -> str:
    return f"{rate:.2f}".replace(".", ",").replace("-", "−") + " %"


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    rates = commands.add_parser(
        "base-rates",
        help="den Basiszinssatz (§ 247 BGB) erfassen und anzeigen",
        description="Basiszinssätze: Grundlage der Zinsen auf Rückforderungen (§ 49a VwVfG NRW).",
    )
    rate_commands = rates.add_subparsers(
        dest="rates_command", metavar="BEFEHL", title="Befehle", parser_class=parser_class
    )
    rate_commands.required = True
    add = rate_commands.add_parser(
        "add",
        help="einen neuen Basiszinssatz erfassen",
        description=(
            "Erfasst den von der Bundesbank bekanntgegebenen Basiszinssatz für ein Halbjahr (gilt ab 1. Januar "
            "oder 1. Juli) mit seiner Quelle. Ein Satz ist unveränderlich; Fehler werden in der Weboberfläche "
            "(Basiszinssätze) mit Begründung berichtigt."
        ),
    )
    add.add_argument("valid_from", type=parse_day, metavar="DATUM", help="gültig ab, z. B. 2026-07-01 oder 01.07.2026")
    add.add_argument("rate", type=parse_rate, metavar="SATZ", help="Zinssatz in Prozent, z. B. 1,27 oder -0,88")
    add.add_argument(
        "--source", required=True, metavar="TEXT", help="Quelle, z. B. »Deutsche Bundesbank, Pressenotiz 27.06.2026«"
    )
    rate_commands.add_parser(
        "list",
        help="alle Basiszinssätze mit Quelle anzeigen",
        description="Zeigt alle erfassten Basiszinssätze mit Quelle und ob für das laufende Halbjahr einer fehlt.",
    )


def command_name(args: argparse.Namespace) -> str | None:
    return f"base-rates {args.rates_command}" if args.command == "base-rates" else None


def rates_add(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch.cli import CommandError, open_office

    office = open_office(settings)
    try:
        try:
            office.publish_base_rate(args.valid_from, args.rate, args.source, Actor.system())
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
    finally:
        office.close()
    console.print(f"Basiszinssatz ab {args.valid_from:%d.%m.%Y}: {german_rate(args.rate)} erfasst ({args.source}).")
    return EXIT_OK


def rates_list(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch.cli import open_office

    office = open_office(settings)
    try:
        entries = office.base_rate_entries()
        missing = office.missing_base_rate()
    finally:
        office.close()
    table = Table("gültig ab", "Basiszinssatz", "Quelle", title="Basiszinssätze (§ 247 BGB)")
    for valid_from, rate, source in entries:
        table.add_row(f"{valid_from:%d.%m.%Y}", german_rate(rate), source)
    console.print(table)
    if missing is not None:
        console.print(missing_rate_warning(missing), style="bold yellow")
    return EXIT_OK


def missing_rate_warning(missing: date) -> str:
    return (
        f"Warnung: Für das Halbjahr ab {missing:%d.%m.%Y} ist noch kein Basiszinssatz erfasst; Zinsen für Tage ab "
        "dann sind vorläufig (mit dem letzten bekannten Satz gerechnet). Erfassen mit: "
        f"foerderbuch base-rates add {missing:%Y-%m-%d} SATZ --source TEXT"
    )


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings, Console], int]] = {
    "base-rates add": rates_add,
    "base-rates list": rates_list,
}
