"""The ``privacy`` commands of the command line: erase a person's data, an organisation's contacts.

``foerderbuch privacy migrate-ids --by E-MAIL`` gives the users of release 0.1 random ids instead of
ids derived from their address (``foerderbuch.privacy.ids``), after confirmation (``--yes``).

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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from rich.console import Console
from rich.table import Table

from domain.actors import Actor, Role
from domain.errors import DomainError, NotFoundError
from foerderbuch.settings import Settings

if TYPE_CHECKING:
    from domain.application import FundingOffice

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
    erase.add_argument(
        "kind", choices=["person", "contacts", "documents"], metavar="ART", help="person, contacts oder documents"
    )
    erase.add_argument(
        "target",
        metavar="WER",
        help="E-Mail-Adresse oder Kennung (person), Organisation (contacts), Zuwendung oder Aktenzeichen (documents)",
    )
    erase.add_argument("--reason", required=True, metavar="TEXT", help="Begründung (wird protokolliert)")
    erase.add_argument(
        "--rule", default=REQUEST_RULE, metavar="TEXT", help=f"Rechtsgrundlage oder Frist (Vorgabe: {REQUEST_RULE})"
    )
    erase.add_argument(
        "--by", required=True, metavar="E-MAIL", help="die Administratorin / der Administrator, die entscheidet"
    )
    erase.add_argument("--yes", action="store_true", help="ohne Rückfrage löschen (für Skripte)")
    due = privacy_commands.add_parser(
        "due",
        help="Datensätze, deren Aufbewahrungsfrist abgelaufen ist",
        description=(
            "Listet jeden Datensatz mit personenbezogenen Daten, dessen Aufbewahrungsfrist abgelaufen ist, mit Regel, "
            "Fristbeginn, Fristende und dem Befehl, der ihn löscht (FOERDERBUCH_RETENTION_*)."
        ),
    )
    due.add_argument("--on", type=_day, metavar="DATUM", help="Stichtag (Vorgabe: heute), z. B. 2034-01-01")
    export = privacy_commands.add_parser(
        "export",
        help="Auskunft: alles, was über eine Person gespeichert ist (JSON und PDF)",
        description=(
            "Stellt alles zusammen, was Förderbuch über eine Person hält (Art. 15 und 20 DSGVO): Angaben im Protokoll, "
            "Benutzerkonto mit Verlauf, was die Person getan hat (mit Nachrichten und Dateien), Schreiben, die sie "
            "nennen, und die Zugangsdaten außerhalb des Protokolls. Schreibt auskunft-<Datum>.json und .pdf."
        ),
    )
    export.add_argument("person", metavar="PERSON", help="E-Mail-Adresse, Benutzer- oder Ansprechpersonen-Kennung")
    export.add_argument("-o", "--output", required=True, metavar="VERZEICHNIS", help="wohin die beiden Dateien kommen")
    migrate = privacy_commands.add_parser(
        "migrate-ids",
        help="Benutzerkennungen, die aus E-Mail-Adressen abgeleitet sind, durch zufällige ersetzen",
        description=(
            "Benutzer aus Release 0.1 haben eine Kennung, die aus ihrer E-Mail-Adresse abgeleitet ist: Nach einer "
            "Löschung ließe sie sich aus der Adresse wieder berechnen. Der Befehl gibt ihnen zufällige Kennungen "
            "(ein Ereignis je Benutzer, das alte auf neue Kennung abbildet, verschlüsselt wie Name und Adresse); das "
            "Protokoll wird nicht umgeschrieben. Anmeldungen, Passwörter, zweiter Faktor, API-Token und "
            "Vereinsmitgliedschaften gehen über. Ein zweiter Lauf ändert nichts."
        ),
    )
    migrate.add_argument(
        "--by", required=True, metavar="E-MAIL", help="die Administratorin / der Administrator, die entscheidet"
    )
    migrate.add_argument("--yes", action="store_true", help="ohne Rückfrage umstellen (für Skripte)")


def _day(text: str) -> date:
    from foerderbuch.rate_commands import parse_day

    return parse_day(text)


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
        actor = deciding_admin(office, args.by)
        if args.kind == "documents":
            return _erase_documents(args, settings, console, office, actor)
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
        if not _confirm(args, console):
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


def _confirm(args: argparse.Namespace, console: Console, word: str = CONFIRM_WORD, done: str = "gelöscht") -> bool:
    """Asks at the terminal for ``word`` (``--yes`` skips the question; without a terminal it is refused)."""
    from foerderbuch.cli import CommandError

    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise CommandError(f"Ohne --yes wird nur nach Bestätigung am Terminal {done}.", EXIT_BAD_INPUT)
    answer = input(f"Wirklich {word}? Zur Bestätigung »{word}« eingeben: ")
    if answer.strip().lower() != word:
        console.print(f"Nicht {done}.")
        return False
    return True


def deciding_admin(office: FundingOffice, email: str) -> Actor:
    """The active administrator named by ``--by``, as the actor of what the command records."""
    from foerderbuch.cli import CommandError

    try:
        admin = office.user_by_email(email)
    except DomainError:
        raise CommandError(f"Einen Benutzer {email} gibt es nicht.", EXIT_BAD_INPUT) from None
    if not admin.has_role(Role.ADMIN) or admin.disabled:
        raise CommandError(f"{email} ist keine aktive Administratorin / kein aktiver Administrator.", EXIT_BAD_INPUT)
    return office.actor_for(admin.id, Role.ADMIN)


def privacy_migrate_ids(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    """``privacy migrate-ids``: users of release 0.1 move from ids derived from their address to random ones."""
    from rich.progress import Progress

    from foerderbuch.cli import open_office
    from foerderbuch.credentials import CredentialStore
    from foerderbuch.privacy import ids

    office = open_office(settings)
    credentials = CredentialStore.for_settings(settings)
    try:
        deciding_admin(office, args.by)  # refused before anything is asked or moved
        derived = ids.users_with_derived_ids(office)
        if not derived:
            moved = ids.move_account_records(office, credentials)
            console.print("Kein Benutzer hat mehr eine aus der E-Mail-Adresse abgeleitete Kennung.")
            if moved:
                console.print(f"{moved} Einträge der Zugangsdaten auf die neuen Kennungen übertragen.")
            return EXIT_OK
        console.print(
            f"{len(derived)} Benutzer haben eine aus ihrer E-Mail-Adresse abgeleitete Kennung; sie bekommen eine "
            "zufällige. Das Protokoll bleibt, wie es ist; Anmeldungen, Passwörter, zweiter Faktor und API-Token "
            "gehen auf die neue Kennung über."
        )
        if not _confirm(args, console, "umstellen", "umgestellt"):
            return EXIT_BAD_INPUT
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Kennungen umstellen", total=len(derived))
            result = ids.migrate(
                office,
                credentials,
                derived,
                lambda: deciding_admin(office, args.by),
                lambda n: progress.advance(task, n),
            )
    finally:
        credentials.close()
        office.close()
    console.print(
        f"Umgestellt: {result.users} Benutzer auf zufällige Kennungen, {result.account_records} Einträge der "
        "Zugangsdaten übertragen."
    )
    return EXIT_OK


def _grant_id(office: FundingOffice, text: str) -> UUID:
    from domain.grant import Grant

    value = text.strip()
    try:
        return UUID(value)
    except ValueError:
        return Grant.create_id(value)  # a file number (Aktenzeichen)


def _erase_documents(
    args: argparse.Namespace, settings: Settings, console: Console, office: FundingOffice, actor: Actor
) -> int:
    from foerderbuch.cli import CommandError
    from foerderbuch.documents import DocumentFiles
    from foerderbuch.privacy.erasure import erase_grant_records, grant_records_due
    from foerderbuch.wiring import create_projector

    grant_id = _grant_id(office, args.target)
    try:
        records = grant_records_due(office, settings, grant_id, office.today())
    except NotFoundError as error:
        raise CommandError(error.message, EXIT_CONFLICT) from None
    console.print(f"Fällig: {records.what}")
    console.print(f"Regeln: {'; '.join(records.rules)}")
    console.print(
        f"Zu löschen: {len(records.documents)} Dateien (ihre Prüfsummen bleiben im Protokoll)"
        + (", alle Vermerke und Nachrichten der Zuwendung" if records.conversation else "")
    )
    if not _confirm(args, console):
        return EXIT_BAD_INPUT
    try:
        result = erase_grant_records(office, records, args.reason, actor, DocumentFiles.for_settings(settings))
    except DomainError as error:
        raise CommandError(error.message, EXIT_BAD_INPUT) from None
    if records.conversation:  # the read models holding the texts fold them again, now as "gelöscht"
        projector = create_projector(settings, office)
        try:
            projector.rebuild(TEXT_READ_MODELS)
        finally:
            projector.db.close()
    console.print(
        f"Gelöscht: {result.account_records_deleted} Dateien"
        + (", Vermerke und Nachrichten" if records.conversation else "")
        + f". Löschung {result.erasure_id}."
    )
    return EXIT_OK


TEXT_READ_MODELS = ("case_file", "timeline", "notifications")
"""The read models that hold a grant's notes and messages (rebuilt when a conversation is erased)."""


def privacy_due(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch.cli import open_office
    from foerderbuch.privacy.erasure import key_store
    from foerderbuch.privacy.retention import due

    office = open_office(settings)
    try:
        on = args.on or office.today()
        found = due(office, key_store(office), settings, on)
    finally:
        office.close()
    if not found:
        console.print(f"Am {on:%d.%m.%Y} ist keine Aufbewahrungsfrist abgelaufen.")
        return EXIT_OK
    console.print(f"Am {on:%d.%m.%Y} abgelaufen: {len(found)} Datensätze mit personenbezogenen Daten")
    for record in found:
        console.print(f"• {record.rule.german} — {record.what}", markup=False)
        console.print(
            f"  Regel: {record.rule.years} Jahre ({record.rule.basis}), Frist ab {record.runs_from:%d.%m.%Y}, "
            f"abgelaufen am {record.due_on:%d.%m.%Y}",
            markup=False,
        )
        console.print(f"  löschen mit: {record.command} --reason TEXT --by E-MAIL", markup=False)
    return EXIT_OK


def privacy_export(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from exports import access_report
    from foerderbuch.cli import CommandError, open_office
    from foerderbuch.credentials import CredentialStore
    from foerderbuch.privacy.access import as_json, report

    folder = Path(args.output)
    if not folder.is_dir():
        raise CommandError(f"Das Verzeichnis {folder} gibt es nicht.", EXIT_BAD_INPUT)
    office = open_office(settings)
    credentials = CredentialStore.for_settings(settings)
    try:
        try:
            data = report(office, credentials, args.person)
        except NotFoundError as error:
            raise CommandError(error.message, EXIT_CONFLICT) from None
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
    finally:
        credentials.close()
        office.close()
    stem = folder / f"auskunft-{date.today():%Y-%m-%d}"
    json_path, pdf_path = stem.with_suffix(".json"), stem.with_suffix(".pdf")
    json_path.write_text(as_json(data), encoding="utf-8")
    pdf_path.write_bytes(access_report.pdf(data))
    console.print(
        f"Auskunft geschrieben: {json_path} und {pdf_path} ({len(data['records'])} Angaben im Protokoll, "
        f"{len(data['actions'])} Vorgänge, {len(data['accounts'])} Benutzerkonten)."
    )
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings, Console], int]] = {
    "privacy erase": privacy_erase,
    "privacy migrate-ids": privacy_migrate_ids,
    "privacy due": privacy_due,
    "privacy export": privacy_export,
}
