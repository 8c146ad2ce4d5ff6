"""The ``privacy`` commands of the command line: erase a person's data, an organisation's contacts.

``foerderbuch privacy erase person WER --reason TEXT --by E-MAIL`` erases everything personal the log
and the account tables hold about a person (named by e-mail address, user id or contact-person id);
``foerderbuch privacy erase contacts ORGANISATION --reason TEXT --by E-MAIL`` the contact persons and
invitations an organisation recorded. Both show what they found and ask for confirmation (``--yes``
skips the question, for scripts). ``--by`` names the administrator who decided; ``--rule`` the rule the
erasure rests on (default: a request under Art. 17 GDPR). Exit codes: 0 erased, 2 bad input or not
confirmed (nothing erased), 3 nothing found.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any
from uuid import UUID

from rich.console import Console
from rich.table import Table

from domain.actors import Actor, Role
from domain.errors import DomainError, NotFoundError
from foerderbuch.settings import Settings

EXIT_OK, EXIT_BAD_INPUT, EXIT_CONFLICT = 0, 2, 3
REQUEST_RULE = "Art. 17 DSGVO (Antrag der betroffenen Person)"
CONFIRM_WORD = "löschen"


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    privacy = commands.add_parser(
        "privacy",
        help="personenbezogene Daten löschen, Fristen prüfen, Auskunft geben",
        description="Datenschutz: Löschung (Art. 17 DSGVO), Aufbewahrungsfristen, Auskunft (Art. 15 DSGVO).",
    )
    privacy_commands = privacy.add_subparsers(
        dest="privacy_command", metavar="BEFEHL", title="Befehle", parser_class=parser_class
    )
    privacy_commands.required = True
    erase = privacy_commands.add_parser(
        "erase",
        help="personenbezogene Daten löschen (Schlüssel vernichten)",
        description=(
            "Löscht die personenbezogenen Daten einer Person (person: E-Mail-Adresse, Benutzer- oder "
            "Ansprechpersonen-Kennung) oder die Ansprechpersonen einer Organisation (contacts: Kennung der "
            "Organisation), indem ihre Schlüssel vernichtet werden. Beträge, Daten, Entscheidungen und das "
            "Siegel bleiben unverändert; überall steht danach »gelöscht«. Die Löschung ist ein Ereignis mit "
            "Begründung, Regel und der entscheidenden Person."
        ),
    )
    erase.add_argument("kind", choices=["person", "contacts"], metavar="ART", help="person oder contacts")
    erase.add_argument("target", metavar="WER", help="E-Mail-Adresse oder Kennung (person), Organisation (contacts)")
    erase.add_argument("--reason", required=True, metavar="TEXT", help="Begründung (wird protokolliert)")
    erase.add_argument(
        "--rule", default=REQUEST_RULE, metavar="TEXT", help=f"Rechtsgrundlage oder Frist (Vorgabe: {REQUEST_RULE})"
    )
    erase.add_argument(
        "--by", required=True, metavar="E-MAIL", help="die Administratorin / der Administrator, die entscheidet"
    )
    erase.add_argument("--yes", action="store_true", help="ohne Rückfrage löschen (für Skripte)")


def command_name(args: argparse.Namespace) -> str | None:
    return f"privacy {args.privacy_command}" if args.command == "privacy" else None


def privacy_erase(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch.cli import CommandError, open_office
    from foerderbuch.credentials import CredentialStore
    from foerderbuch.documents import DocumentFiles
    from foerderbuch.privacy.erasure import erase, find_contacts, find_person

    office = open_office(settings)
    credentials = CredentialStore.for_settings(settings)
    try:
        try:
            admin = office.user_by_email(args.by)
        except DomainError:
            raise CommandError(f"Einen Benutzer {args.by} gibt es nicht.", EXIT_BAD_INPUT) from None
        if not admin.has_role(Role.ADMIN) or admin.disabled:
            raise CommandError(
                f"{args.by} ist keine aktive Administratorin / kein aktiver Administrator.", EXIT_BAD_INPUT
            )
        actor = Actor(admin.id, Role.ADMIN)
        try:
            if args.kind == "person":
                findings = find_person(office, args.target)
            else:
                try:
                    organisation_id = UUID(args.target.strip())
                except ValueError:
                    raise CommandError(
                        f"»{args.target}« ist keine Kennung einer Organisation.", EXIT_BAD_INPUT
                    ) from None
                findings = find_contacts(office, organisation_id)
        except NotFoundError as error:
            raise CommandError(error.message, EXIT_CONFLICT) from None
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
        table = Table("Position", "Eintrag", "Inhalt", "gespeichert", title="Gefundene personenbezogene Daten")
        for record in findings.records:
            shown = ", ".join(f"{k}: {v}" for k, v in record.fields.items() if v)
            table.add_row(
                str(record.position), record.label, shown, "verschlüsselt" if record.encrypted else "Klartext"
            )
        console.print(table)
        if findings.user_ids:
            console.print(f"Benutzerkonten: {len(findings.user_ids)} (werden gesperrt, Anmeldedaten gelöscht)")
        if not args.yes:
            if not sys.stdin.isatty():
                raise CommandError("Ohne --yes wird nur nach Bestätigung am Terminal gelöscht.", EXIT_BAD_INPUT)
            answer = input(f"Wirklich löschen? Zur Bestätigung »{CONFIRM_WORD}« eingeben: ")
            if answer.strip().lower() != CONFIRM_WORD:
                console.print("Nicht gelöscht.")
                return EXIT_BAD_INPUT
        try:
            documents = DocumentFiles.for_settings(settings)
            result = erase(office, credentials, findings, args.reason, args.rule, actor, documents)
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
    finally:
        credentials.close()
        office.close()
    console.print(
        f"Gelöscht: {result.subjects} Schlüssel-Inhaber, {result.keys_deleted} Schlüssel vernichtet, "
        f"{result.account_records_deleted} Einträge der Zugangsdaten, {result.snapshots_deleted} Snapshots, "
        f"{result.letter_copies_deleted} gespeicherte Schreiben (beim Öffnen neu erstellt). "
        f"Löschung {result.erasure_id}."
    )
    if result.in_clear:
        console.print(
            f"Hinweis: {result.in_clear} Einträge wurden vor der Verschlüsselung im Klartext geschrieben. Sie werden "
            "nirgends mehr angezeigt, ihre Bytes bleiben aber im Protokoll (das Siegel schützt sie vor Änderung).",
            style="yellow",
        )
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings, Console], int]] = {
    "privacy erase": privacy_erase,
}
