"""The ``foerderbuch`` command line: serve, load the demo data, manage users, verify, rebuild read models.

Settings come from the environment (``FOERDERBUCH_DATABASE_URL``, see ``foerderbuch.settings``).
Exit codes: 0 done, 1 the environment is wrong (settings, database unreachable) or ``verify`` found
problems, 2 bad input (nothing was written), 3 the store is not in a state the command can work on
(e.g. demo data only partly there).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn
from uuid import UUID

import psycopg
from eventsourcing.persistence import PersistenceError
from rich.console import Console

from domain.actors import USER_ROLES, Actor, Role
from domain.application import FundingOffice
from domain.errors import DomainError, InvalidInputError
from domain.passwords import check_password_policy
from foerderbuch import export_commands, letter_commands, rate_commands
from foerderbuch.credentials import CONNECT_TIMEOUT_SECONDS, CredentialStore
from foerderbuch.privacy import commands as privacy_commands
from foerderbuch.settings import Settings, SettingsError

EXIT_OK = 0
EXIT_ENVIRONMENT = 1
EXIT_BAD_INPUT = 2
EXIT_CONFLICT = 3

PROG = "foerderbuch"


class CommandError(Exception):
    """A one-line German message for stderr, with the exit code to return."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="Aufruf: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with German headings; usage errors exit with code 2 and a German one-liner."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="diese Hilfe anzeigen")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: Fehler: {_german_argparse(message)}\n")


def _german_argparse(message: str) -> str:
    replacements = (
        ("the following arguments are required:", "Diese Angaben fehlen:"),
        ("unrecognized arguments:", "Unbekannte Angaben:"),
        ("invalid choice:", "ungültige Auswahl:"),
        ("expected one argument", "erwartet einen Wert"),
        ("invalid int value:", "keine ganze Zahl:"),
        ("argument ", "Angabe "),
        ("choose from", "möglich sind"),
    )
    for english, german in replacements:
        message = message.replace(english, german)
    return message


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"»{text}« ist keine Portnummer") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"Port {port} liegt nicht zwischen 1 und 65535")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=(
            "Förderbuch – das Förderbuch des Büros für Internationale Beziehungen der Stadt Dortmund.\n"
            "Die Datenbank bestimmt FOERDERBUCH_DATABASE_URL (Vorgabe: sqlite:///foerderbuch.sqlite)."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="BEFEHL", title="Befehle", parser_class=_Parser)
    commands.required = True

    serve = commands.add_parser(
        "serve",
        help="die Weboberfläche starten (lädt bei leerer Datenbank zuerst die Demodaten)",
        description="Startet die Weboberfläche. Ist die Datenbank noch leer, werden zuerst die Demodaten geladen.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="Adresse, an der der Server lauscht (Vorgabe: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="Port des Servers (Vorgabe: 8000)")
    serve.add_argument("--no-demo", action="store_true", help="keine Demodaten laden, auch wenn die Datenbank leer ist")
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="Anzahl der Serverprozesse (Vorgabe: 1; mehrere teilen sich die Datenbank)",
    )

    demo = commands.add_parser(
        "demo",
        help="die Demodaten laden (ein zweiter Aufruf ändert nichts)",
        description=(
            "Lädt die Demodaten: Benutzer, Förderprogramme, Vereine, Projekte und Zuwendungen der Jahre 2025 "
            "und 2026. Sind sie schon da, ändert sich nichts."
        ),
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="auch in eine Datenbank laden, die schon andere (echte) Daten enthält",
    )

    verify = commands.add_parser(
        "verify",
        help="den Log und alle Lesemodelle prüfen",
        description=(
            "Prüft die Siegelkette des Logs und die Schnappschüsse, rechnet alle Salden aus den Ereignissen nach "
            "und vergleicht jedes Lesemodell Zeile für Zeile mit einem Neuaufbau aus dem Log. "
            "Exit-Code 0: alles stimmt, 1: Befunde (jeder mit seiner Position im Log), 3: der Log ist leer."
        ),
    )
    verify.add_argument(
        "--quick", action="store_true", help="ohne den Neuaufbau der Lesemodelle (Siegel und Salden, schnell)"
    )
    verify.add_argument(
        "--anchor",
        metavar="DATEI",
        help="auch beweisen, dass der Log noch enthält, was in dieser Ankerdatei (foerderbuch anchor) steht",
    )
    anchor = commands.add_parser(
        "anchor",
        help="den Stand der Siegelkette in eine Datei schreiben und im Log vermerken",
        description=(
            "Schreibt den Kopf der Siegelkette (Position, HMAC, Zeit) in eine neue Datei und vermerkt ihn im Log. "
            "Die Datei woanders aufbewahren (E-Mail an die Rechnungsprüfung, schreibgeschützte Ablage); "
            "»foerderbuch verify --anchor DATEI« beweist später, dass der Log noch enthält, was verankert wurde."
        ),
    )
    anchor.add_argument(
        "file",
        nargs="?",
        metavar="DATEI",
        help="Zieldatei (Vorgabe: foerderbuch-anker-POSITION.json; wird neu angelegt)",
    )
    backup = commands.add_parser(
        "backup",
        help="eine Sicherung schreiben (oder mit --verify prüfen)",
        description=(
            "Schreibt eine konsistente Sicherung in ein neues Verzeichnis, auch während der Server schreibt: die "
            "Datenbank (SQLite: Online-Backup; PostgreSQL: pg_dump), die hochgeladenen Dokumente, "
            "Sitzungsgeheimnis und Siegelschlüssel (Ordner geheim/, getrennt aufbewahren) und manifest.json mit "
            "SHA-256 jeder Datei und dem Stand der Siegelkette. Mit --verify wird eine Sicherung geprüft, ohne sie "
            "wiederherzustellen (Exit-Code 1: beschädigt)."
        ),
    )
    backup.add_argument("directory", metavar="VERZEICHNIS", help="neues (oder leeres) Verzeichnis der Sicherung")
    backup.add_argument(
        "--verify", action="store_true", help="die Sicherung in VERZEICHNIS prüfen statt eine zu schreiben"
    )
    restore = commands.add_parser(
        "restore",
        help="eine Sicherung in einen leeren Speicher zurückspielen und prüfen",
        description=(
            "Prüft die Sicherung, spielt sie in den leeren Speicher aus FOERDERBUCH_DATABASE_URL zurück (SQLite: "
            "eine noch nicht vorhandene Datei; PostgreSQL: ein leeres Schema), legt Dokumente und Schlüssel ab und "
            "führt »verify« aus. Exit-Code 0: wiederhergestellt und geprüft."
        ),
    )
    restore.add_argument("directory", metavar="VERZEICHNIS", help="Verzeichnis der Sicherung")
    commands.add_parser(
        "notify",
        help="Neuigkeiten der Vereine per E-Mail versenden",
        description=(
            "Versendet die noch nicht versandten Neuigkeiten an die Ansprechpersonen der Vereine (SMTP aus "
            "FOERDERBUCH_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM) und vermerkt sie als versandt. Ohne "
            "FOERDERBUCH_SMTP_HOST wird nichts versandt."
        ),
    )
    follow = commands.add_parser(
        "follow",
        help="die Lesemodelle als eigener Prozess fortschreiben",
        description=(
            "Hält die Lesemodelle im Hintergrund auf Stand (für Installationen mit mehreren Rechnern). Es ist "
            "immer nur ein Follower je Datenbank aktiv; weitere warten und übernehmen, wenn er endet."
        ),
    )
    follow.add_argument(
        "--once", action="store_true", help="einmal auf Stand bringen und beenden (Exit-Code 3: ein anderer ist aktiv)"
    )
    follow.add_argument(
        "--batch-size",
        type=_batch_size,
        default=1000,
        metavar="N",
        help="Ereignisse je Transaktion (Vorgabe 1000; kleiner: kürzere Sperren)",
    )
    follow.add_argument(
        "--pause",
        type=_pause,
        default=0.0,
        metavar="SEKUNDEN",
        help="Pause nach jedem Stapel, um einen ausgelasteten Server zu entlasten (Vorgabe 0)",
    )
    letter_commands.add_parser(commands, _Parser)
    projections = commands.add_parser(
        "projections", help="Lesemodelle anzeigen und neu aufbauen", description="Lesemodelle verwalten."
    )
    projection_commands = projections.add_subparsers(
        dest="projections_command", metavar="BEFEHL", title="Befehle", parser_class=_Parser
    )
    projection_commands.required = True
    projection_commands.add_parser(
        "status", help="Stand jedes Lesemodells", description="Zeigt, wie weit jedes Lesemodell dem Log folgt."
    )
    rebuild = projection_commands.add_parser(
        "rebuild",
        help="Lesemodelle aus dem Log neu aufbauen",
        description="Baut ein Lesemodell (oder alle außer dem Siegel) aus dem Log neu auf.",
    )
    rebuild.add_argument(
        "name", nargs="?", metavar="NAME", help="nur dieses Lesemodell (Vorgabe: alle außer dem Siegel)"
    )
    rebuild.add_argument(
        "--reason",
        metavar="TEXT",
        help="für »seal« Pflicht: warum das Siegel neu berechnet wird (steht mit den Befunden im Log)",
    )

    users = commands.add_parser("users", help="Benutzer verwalten", description="Benutzer verwalten.")
    user_commands = users.add_subparsers(dest="users_command", metavar="BEFEHL", title="Befehle", parser_class=_Parser)
    user_commands.required = True

    add = user_commands.add_parser(
        "add",
        help="einen Benutzer anlegen",
        description="Legt einen Benutzer an. Das Passwort (mindestens 10 Zeichen) kommt von der Standardeingabe.",
    )
    add.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse, mit der sich die Person anmeldet")
    add.add_argument(
        "--role",
        required=True,
        action="append",
        metavar="ROLLE",
        help=f"{', '.join(r.value for r in USER_ROLES)}; mehrmals für mehrere Rollen einer Person",
    )
    add.add_argument("--organisation", metavar="ID", help="Organisation (UUID), nur für die Rolle association")
    add.add_argument("--name", help="Anzeigename (Vorgabe: der Teil der E-Mail-Adresse vor dem @)")
    add.add_argument(
        "--password-stdin", action="store_true", help="das Passwort als eine Zeile von der Standardeingabe lesen"
    )

    password = user_commands.add_parser(
        "set-password",
        help="das Passwort eines Benutzers neu setzen",
        description="Setzt das Passwort eines vorhandenen Benutzers neu (mindestens 10 Zeichen).",
    )
    password.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse des Benutzers")
    password.add_argument(
        "--password-stdin", action="store_true", help="das Passwort als eine Zeile von der Standardeingabe lesen"
    )

    disable = user_commands.add_parser(
        "disable",
        help="einen Benutzer sperren",
        description=(
            "Sperrt einen Benutzer: Anmeldung und jede Aktion werden ab sofort abgewiesen"
            " (mit Begründung im Protokoll)."
        ),
    )
    disable.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse des Benutzers")
    disable.add_argument(
        "--reason", required=True, metavar="TEXT", help="Begründung, z. B. »ausgeschieden zum 30.06.2026«"
    )

    reset = user_commands.add_parser(
        "reset-password",
        help="ein neues Einmal-Passwort vergeben",
        description=(
            "Setzt ein neues, zufälliges Passwort und zeigt es einmal an, damit es der Person auf sicherem Weg "
            "gegeben wird; sie ändert es nach der Anmeldung unter »Passwort ändern«. Das alte Passwort gilt nicht mehr."
        ),
    )
    reset.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse des Benutzers")

    listing = user_commands.add_parser(
        "list", help="Benutzer auflisten und suchen", description="Listet die Benutzer mit Rollen und Status."
    )
    listing.add_argument("--search", metavar="TEXT", default="", help="Teil von Name oder E-Mail-Adresse")
    listing.add_argument("--role", metavar="ROLLE", default="", help="nur Benutzer mit dieser Rolle")

    def with_reason(name: str, help_text: str, description: str, role: bool = False) -> None:
        command = user_commands.add_parser(name, help=help_text, description=description)
        command.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse des Benutzers")
        if role:
            command.add_argument("--role", required=True, metavar="ROLLE", help="die Rolle")
        command.add_argument("--reason", required=True, metavar="TEXT", help="Begründung (steht im Protokoll)")

    with_reason("enable", "einen gesperrten Benutzer entsperren", "Öffnet den Zugang wieder (mit Begründung).")
    with_reason(
        "revoke-role",
        "eine Rolle entziehen",
        "Entzieht eine Rolle und beendet die Sitzungen der Person sofort.",
        role=True,
    )
    with_reason(
        "send-reset",
        "einen Link zum Setzen eines neuen Passworts senden",
        "Schickt der Person einen Link (30 Minuten, einmal; Adresse aus FOERDERBUCH_BASE_URL). Ohne Mailserver wird "
        "der Link ausgegeben.",
    )
    with_reason("end-sessions", "alle Sitzungen beenden", "Beendet alle Sitzungen der Person sofort.")
    with_reason(
        "reset-second-factor",
        "den zweiten Faktor zurücksetzen",
        "Nimmt den zweiten Faktor weg (verlorenes Gerät); die Person richtet ihn bei der Anmeldung neu ein.",
    )
    grant = user_commands.add_parser(
        "grant-role", help="eine weitere Rolle vergeben", description="Vergibt einer Person eine weitere Rolle."
    )
    grant.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse des Benutzers")
    grant.add_argument("--role", required=True, metavar="ROLLE", help="die Rolle")
    grant.add_argument("--organisation", metavar="ID", help="Organisation (UUID), nur für die Rolle association")
    sessions = user_commands.add_parser(
        "sessions", help="die offenen Sitzungen eines Benutzers zeigen", description="Zeigt die offenen Sitzungen."
    )
    sessions.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse des Benutzers")

    tokens = commands.add_parser(
        "tokens", help="persönliche API-Tokens verwalten", description="Persönliche API-Tokens verwalten."
    )
    token_commands = tokens.add_subparsers(
        dest="tokens_command", metavar="BEFEHL", title="Befehle", parser_class=_Parser
    )
    token_commands.required = True
    token_create = token_commands.add_parser(
        "create",
        help="ein API-Token ausstellen (wird nur dieses eine Mal angezeigt)",
        description=(
            "Stellt ein persönliches API-Token für einen Benutzer aus und gibt es einmal aus; gespeichert wird nur "
            "sein SHA-256. Das Token handelt in einer Rolle des Benutzers (Vorgabe: seine einzige Rolle). "
            "Senden als: Authorization: Bearer TOKEN"
        ),
    )
    token_create.add_argument("email", metavar="E-MAIL", help="E-Mail-Adresse des Benutzers")
    token_create.add_argument("--role", metavar="ROLLE", help="Rolle, in der das Token handelt")
    token_create.add_argument("--label", metavar="TEXT", default="", help="Bezeichnung, z. B. wofür das Token ist")
    token_revoke = token_commands.add_parser(
        "revoke",
        help="ein API-Token widerrufen",
        description="Widerruft ein API-Token; es wird ab sofort abgewiesen.",
    )
    token_revoke.add_argument("token_id", metavar="TOKEN-ID", help="Kennung des Tokens (16 Hex-Zeichen)")
    token_revoke.add_argument("--reason", default="Über die Kommandozeile widerrufen.", help="Begründung")
    export_commands.add_commands(commands, _Parser)
    privacy_commands.add_commands(commands, _Parser)
    rate_commands.add_commands(commands, _Parser)
    return parser


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None) -> int:
    """Runs one command; returns the exit code. Tests may pass ``settings`` instead of the environment."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already explained on stderr
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT
    console = Console(highlight=False, soft_wrap=True)
    handlers: dict[str, Callable[[argparse.Namespace, Settings, Console], int]] = {
        "serve": _serve,
        "demo": _demo,
        "users add": _users_add,
        "users set-password": _users_set_password,
        "users disable": _users_disable,
        "users enable": _users_admin,
        "users revoke-role": _users_admin,
        "users grant-role": _users_admin,
        "users send-reset": _users_admin,
        "users end-sessions": _users_admin,
        "users reset-second-factor": _users_admin,
        "users sessions": _users_sessions,
        "users list": _users_list,
        "users reset-password": _users_reset_password,
        "tokens create": _tokens_create,
        "tokens revoke": _tokens_revoke,
        "verify": _verify,
        "anchor": _anchor,
        "backup": _backup,
        "restore": _restore,
        "notify": _notify,
        "projections status": _projections_status,
        "projections rebuild": _projections_rebuild,
        "follow": _follow,
        **export_commands.HANDLERS,
        **rate_commands.HANDLERS,
        **letter_commands.HANDLERS,
        **privacy_commands.HANDLERS,
    }
    name = args.command
    if args.command == "users":
        name = f"users {args.users_command}"
    elif args.command == "projections":
        name = f"projections {args.projections_command}"
    elif args.command == "tokens":
        name = f"tokens {args.tokens_command}"
    elif args.command == "letters":
        name = f"letters {args.letters_command}"
    name = (
        export_commands.command_name(args)
        or rate_commands.command_name(args)
        or privacy_commands.command_name(args)
        or name
    )
    from foerderbuch import sealing

    try:
        active = settings if settings is not None else Settings.from_environ()
        active.backend  # noqa: B018 - refuses an unknown scheme before anything else happens
        _refuse_missing_store(active, name, args)
        with sealing.sealing_writes():
            return handlers[name](args, active, console)
    except CommandError as error:
        return _fail(error.message, error.code)
    except SettingsError as error:
        return _fail(f"Einstellungen: {error}", EXIT_ENVIRONMENT)
    except OSError as error:
        return _fail(_os_error_message(error, active if "active" in locals() else None), EXIT_ENVIRONMENT)
    except (PersistenceError, sqlite3.Error, psycopg.Error) as error:
        return _fail(f"Die Datenbank ist nicht erreichbar oder nicht nutzbar: {_one_line(error)}", EXIT_ENVIRONMENT)


# Commands that may create a new store; every other command refuses a SQLite file that does not exist, so a
# typo in FOERDERBUCH_DATABASE_URL never leaves a fresh empty database behind (that ``verify`` would pass).
CREATES_STORE = frozenset({"serve", "demo", "restore"})


def _refuse_missing_store(settings: Settings, name: str, args: argparse.Namespace) -> None:
    if settings.backend != "sqlite" or name in CREATES_STORE or not _uses_store(name, args):
        return
    settings.eventsourcing_env()  # a missing directory is reported as such
    path = settings.sqlite_path
    if not path.exists():
        raise CommandError(
            f"Die Datenbank {path} gibt es nicht (FOERDERBUCH_DATABASE_URL). Ein Tippfehler? Eine neue Datenbank "
            "legen nur »foerderbuch serve« (beim ersten Start), »foerderbuch demo« und »foerderbuch restore« an.",
            EXIT_ENVIRONMENT,
        )


def _uses_store(name: str, args: argparse.Namespace) -> bool:
    """Whether the command reads or writes the store (the import template and checking a backup do not)."""
    if name == "import" and getattr(args, "source", None) == "template":
        return False
    return not (name == "backup" and getattr(args, "verify", False))


def _os_error_message(error: OSError, settings: Settings | None) -> str:
    """A file that cannot be read or written is named as such; only the database's own file is "the database"."""
    filename = getattr(error, "filename", None)
    database = str(settings.sqlite_path) if settings is not None and settings.backend == "sqlite" else None
    if filename is not None and (database is None or not str(filename).startswith(database)):
        reason = error.strerror or _one_line(error)
        return f"Die Datei {filename} kann nicht gelesen oder geschrieben werden: {reason}"
    return f"Die Datenbank ist nicht erreichbar oder nicht nutzbar: {_one_line(error)}"


# Commands ----------------------------------------------------------------------------------------


def _between(low: float, high: float, unit: str, number: Callable[[str], float] = int) -> Callable[[str], Any]:
    """An option's type: a number (German decimal comma allowed) from ``low`` to ``high``, else a German error."""

    def read(text: str) -> Any:
        try:
            value = number(text.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"»{text}« ist keine Zahl") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"zwischen {low} und {high} {unit}")
        return value

    return read


_workers = _between(1, 64, "Prozesse")
_batch_size = _between(1, 100_000, "Ereignisse")
_pause = _between(0, 60, "Sekunden", float)


def _serve(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch.wiring import create_projector, session_secret

    # Everything that creates tables happens here, once, before any worker starts: the workers then find
    # the store ready and only read (each still takes the schema lock when it checks).
    office = open_office(settings)
    try:
        empty = not (office.recorder.max_notification_id() or 0)
        if empty and not args.no_demo:
            console.print("Die Datenbank ist noch leer: Die Demodaten werden geladen.")
            _load_demo(office, settings, console)
        elif empty:
            console.print("Die Datenbank ist leer; Demodaten werden nicht geladen (--no-demo).")
        projector = create_projector(settings, office)
        try:
            projector.set_up()
        finally:
            projector.db.close()
    finally:
        office.close()
    from foerderbuch.seal_key import load_seal_key

    load_seal_key(settings)  # the seal key too is made (if it is kept in a file) before any worker starts
    if len(session_secret(settings)) < 32:  # made once here, so every worker shares it
        return _fail(
            "FOERDERBUCH_SECRET_KEY ist zu kurz: Der Schlüssel für die Sitzungen braucht mindestens 32 Zeichen.",
            EXIT_ENVIRONMENT,
        )
    create_web_app(settings)  # a setting the app refuses stops here, before any worker starts
    console.print(f"Förderbuch läuft unter http://{args.host}:{args.port}/ (beenden mit Strg+C).")
    if not settings.base_url:
        console.print(
            f"Links in E-Mails beginnen mit http://{args.host}:{args.port} – für den Betrieb bitte "
            "FOERDERBUCH_BASE_URL setzen (siehe README)."
        )
    clock = _reminder_clock(settings)
    try:
        return _run_server(args, settings)
    finally:
        if clock is not None:
            clock.stop()


def _run_server(args: argparse.Namespace, settings: Settings) -> int:
    import os
    import tempfile

    import uvicorn

    from foerderbuch.wiring import STARTUP_FAILURE_FILE

    # The client address is taken from X-Forwarded-For by the app itself, and only from trusted proxies.
    if args.workers == 1:
        app = create_web_app(settings, host=args.host, port=args.port)
        uvicorn.run(app, host=args.host, port=args.port, proxy_headers=False)
        return EXIT_OK  # uvicorn itself exits with 3 when the app does not start
    # Several workers: uvicorn's supervisor stops when a worker cannot start, but returns normally; the
    # workers leave a note in this file, so a server that did not start exits non-zero.
    with tempfile.TemporaryDirectory(prefix="foerderbuch-") as folder:
        marker = os.path.join(folder, "startup-failures")
        had = os.environ.get("FOERDERBUCH_BASE_URL")
        os.environ[STARTUP_FAILURE_FILE] = marker
        os.environ["FOERDERBUCH_BASE_URL"] = settings.link_base(args.host, args.port)  # the workers' links
        try:
            uvicorn.run(
                "foerderbuch.asgi:create",
                factory=True,
                workers=args.workers,
                host=args.host,
                port=args.port,
                proxy_headers=False,
            )
        finally:
            os.environ.pop(STARTUP_FAILURE_FILE, None)
            if had is None:
                os.environ.pop("FOERDERBUCH_BASE_URL", None)
            else:
                os.environ["FOERDERBUCH_BASE_URL"] = had
        if os.path.exists(marker):
            with open(marker, encoding="utf-8") as notes:
                reason = notes.read().strip().splitlines()
            return _fail(f"Der Server konnte nicht starten: {reason[-1] if reason else 'unbekannter Fehler'}", 1)
    return EXIT_OK


def _reminder_clock(settings: Settings) -> Any:
    """Reminders (and then the e-mail outbox) every FOERDERBUCH_REMINDER_INTERVAL_MINUTES, beside the server."""
    if not settings.reminder_interval_minutes:
        return None
    from foerderbuch.documents import DocumentFiles
    from foerderbuch.notify import SmtpSettings, send_notifications
    from foerderbuch.reminders import ReminderClock, send_due_reminders
    from foerderbuch.wiring import create_letters, create_projector

    def run() -> None:
        office = open_office(settings)
        try:
            projector = create_projector(settings, office)
            try:
                letters = create_letters(settings, office, projector, DocumentFiles.for_settings(settings))
                send_due_reminders(office, projector, letters, settings.reminder_days_before)
                smtp = SmtpSettings.from_settings(settings)
                if smtp is not None:
                    with open_credentials(settings) as credentials:
                        send_notifications(office, projector, smtp, languages=credentials.languages)
            finally:
                projector.db.close()
        finally:
            office.close()

    clock = ReminderClock(run, settings.reminder_interval_minutes * 60)
    clock.start()
    return clock


def _demo(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch.demo import DemoState, demo_state

    office = open_office(settings)
    try:
        check = demo_state(office)
        if check.state is DemoState.COMPLETE:
            console.print("Die Demodaten sind bereits vollständig da; es wurde nichts geändert.")
            return EXIT_OK
        if check.state is DemoState.PARTIAL:
            raise CommandError(
                f"Die Demodaten sind nur teilweise da ({check.present} von {check.expected} Teilen) – ein "
                "früherer Lauf wurde wohl abgebrochen. Es wurde nichts geändert; bitte die Demodaten in eine "
                "neue, leere Datenbank laden (FOERDERBUCH_DATABASE_URL).",
                EXIT_CONFLICT,
            )
        if (office.recorder.max_notification_id() or 0) and not args.force:
            raise CommandError(
                "Die Datenbank enthält schon andere Daten; Demodaten werden nur in eine leere Datenbank geladen "
                "(oder mit --force).",
                EXIT_CONFLICT,
            )
        _load_demo(office, settings, console)
    finally:
        office.close()
    return EXIT_OK


def _users_add(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    try:
        roles = [Role.parse(r.strip().lower()) for r in args.role]
        role = Role.ASSOCIATION if Role.ASSOCIATION in roles else roles[0]
        more = tuple(r for r in roles if r is not role)
        organisation_id = _organisation_id(args.organisation)
        name = (args.name or args.email.partition("@")[0]).strip()
        password = check_password_policy(_read_password(args.password_stdin))
    except DomainError as error:
        raise CommandError(error.message, EXIT_BAD_INPUT) from None
    office = open_office(settings)
    try:
        credentials = open_credentials(settings)
        try:
            try:
                user_id = office.register_user(args.email, name, role, Actor.system(), organisation_id, more_roles=more)
            except DomainError as error:
                raise CommandError(error.message, EXIT_BAD_INPUT) from None
            credentials.set_password(user_id, password)
            if organisation_id is not None and role is Role.ASSOCIATION:
                office.add_portal_member(organisation_id, user_id, Actor.system())
            user = office.user(user_id)
        finally:
            credentials.close()
    finally:
        office.close()
    where = f", Organisation {organisation_id}" if organisation_id else ""
    german = ", ".join(r.german for r in (role, *more))
    console.print(f"Benutzer {user.email} ({german}{where}) angelegt, Kennung {user_id}.")
    return EXIT_OK


def _store_password(settings: Settings, email: str, password: str) -> str:
    """Stores the hash of ``password`` for the user with that e-mail; returns the address as registered."""
    office = open_office(settings)
    try:
        try:
            user = office.user_by_email(email)
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
        credentials = open_credentials(settings)
        try:
            credentials.set_password(user.id, password)
        finally:
            credentials.close()
    finally:
        office.close()
    return str(user.email)


def _users_set_password(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    try:
        password = check_password_policy(_read_password(args.password_stdin))
    except DomainError as error:
        raise CommandError(error.message, EXIT_BAD_INPUT) from None
    email = _store_password(settings, args.email, password)
    console.print(f"Das Passwort von {email} wurde neu gesetzt.")
    return EXIT_OK


def _tokens_create(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from web.api.tokens import issue_api_token

    office = open_office(settings)
    try:
        credentials = open_credentials(settings)
        try:
            try:
                user = office.user_by_email(args.email)
                if args.role is not None:
                    role = Role.parse(args.role.strip().lower())
                elif len(user.roles) == 1:
                    role = Role(user.roles[0]["role"])
                else:
                    raise InvalidInputError(
                        f"{user.email} hat mehrere Rollen; bitte --role angeben "
                        f"({', '.join(g['role'] for g in user.roles)}).",
                        field="role",
                    )
                issued = issue_api_token(office, credentials, user.id, role, args.label, Actor.system())
            except DomainError as error:
                raise CommandError(error.message, EXIT_BAD_INPUT) from None
        finally:
            credentials.close()
    finally:
        office.close()
    print(issued.token)
    print(
        f"API-Token {issued.record.token_id} für {user.email} ({role.german}) ausgestellt. Es wird nur dieses eine "
        "Mal angezeigt; senden als: Authorization: Bearer <Token>",
        file=sys.stderr,
    )
    return EXIT_OK


def _tokens_revoke(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from web.api.tokens import revoke_api_token

    office = open_office(settings)
    try:
        credentials = open_credentials(settings)
        try:
            try:
                record = revoke_api_token(office, credentials, args.token_id.strip(), args.reason, Actor.system())
            except DomainError as error:
                raise CommandError(error.message, EXIT_BAD_INPUT) from None
        finally:
            credentials.close()
    finally:
        office.close()
    console.print(f"API-Token {record.token_id} ist widerrufen.")
    return EXIT_OK


def _users_disable(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from web import users

    with _services(settings) as the:
        try:
            user = the.office.user_by_email(args.email)
            users.disable(the, user.id, args.reason, Actor.system())
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
    console.print(
        f"{user.email} ist gesperrt; Anmeldung und Aktionen werden ab sofort abgewiesen, Sitzungen sind beendet."
    )
    return EXIT_OK


@contextlib.contextmanager
def _services(settings: Settings) -> Iterator[Any]:
    """The office, the account records and the mailer, as the web app has them."""
    from foerderbuch.wiring import create_services

    _check_reachable(settings)
    the = create_services(settings)
    try:
        yield the
    finally:
        the.close()


def _users_admin(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    """enable, grant-role, revoke-role, send-reset, end-sessions, reset-second-factor: as on the web pages."""
    from foerderbuch.wiring import web_config
    from web import users

    system, command = Actor.system(), args.users_command
    with _services(settings) as the:
        try:
            user = the.office.user_by_email(args.email)
            if command == "enable":
                users.enable(the, user.id, args.reason, system)
                said = f"{user.email} ist entsperrt."
            elif command == "grant-role":
                role = Role.parse(args.role.strip().lower())
                users.grant_role(the, user.id, role, _organisation_id(args.organisation), system)
                said = f"{user.email} hat jetzt auch die Rolle {role.german}."
            elif command == "revoke-role":
                role = Role.parse(args.role.strip().lower())
                users.revoke_role(the, user.id, role, args.reason, system)
                said = f"{user.email}: Rolle {role.german} entzogen, Sitzungen beendet."
            elif command == "send-reset":
                link, sent = users.send_reset(the, web_config(settings), user.id, args.reason, system)
                said = f"Link an {user.email} gesendet." if sent else f"Kein Mailserver eingerichtet. Link: {link}"
            elif command == "end-sessions":
                count = users.end_sessions(the, user.id, args.reason, system)
                said = f"{count} Sitzung(en) von {user.email} beendet."
            else:
                users.reset_second_factor(the, user.id, args.reason, system)
                said = f"Der zweite Faktor von {user.email} ist zurückgesetzt; Sitzungen sind beendet."
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
    console.print(said)
    return EXIT_OK


def _users_sessions(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from datetime import datetime

    with _services(settings) as the:
        try:
            user = the.office.user_by_email(args.email)
        except DomainError as error:
            raise CommandError(error.message, EXIT_BAD_INPUT) from None
        live = the.credentials.sessions.of_user(user.id)
    if not live:
        console.print(f"{user.email} hat keine offenen Sitzungen.")
    for s in live:
        since = datetime.fromtimestamp(s.created_at).strftime("%d.%m.%Y %H:%M")
        seen = datetime.fromtimestamp(s.last_seen_at).strftime("%d.%m.%Y %H:%M")
        console.print(f"{s.handle[:12]}  seit {since}  zuletzt {seen}  {s.address}  {s.user_agent}")
    return EXIT_OK


def _users_list(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from projections.users import UserDirectory

    with _services(settings) as the:
        the.projector.catch_up(["users"])
        with the.projector.db.transaction() as cursor:
            rows, total = UserDirectory.search(cursor, args.search, args.role.strip().lower(), "", 1000, 0)
    for row in rows:
        status = "gesperrt" if row.disabled else "aktiv"
        console.print(f"{row.email}  {row.display_name}  {', '.join(row.roles)}  {status}  {row.user_id}")
    console.print(f"{total} Benutzer.")
    return EXIT_OK


def _users_reset_password(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    import secrets

    password = "-".join(secrets.token_urlsafe(6) for _ in range(3))  # about 108 bits, readable aloud in parts
    email = _store_password(settings, args.email, password)
    console.print(f"Neues Einmal-Passwort für {email} (wird nur jetzt angezeigt):")
    print(password)
    return EXIT_OK


def _verify(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import operations

    _check_reachable(settings)
    from pathlib import Path

    try:
        return operations.verify(settings, console, quick=args.quick, anchor=Path(args.anchor) if args.anchor else None)
    except operations.AnchorError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None


def _anchor(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from pathlib import Path

    from foerderbuch import operations

    _check_reachable(settings)
    try:
        return operations.anchor(settings, Path(args.file) if args.file else None, console)
    except operations.AnchorError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None


def _backup(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from pathlib import Path

    from foerderbuch import operations
    from foerderbuch.backup import BackupError

    try:
        if args.verify:
            return operations.check_backup(Path(args.directory), console)
        _check_reachable(settings)
        return operations.backup(settings, Path(args.directory), console)
    except BackupError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT if args.verify else EXIT_CONFLICT) from None


def _restore(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from pathlib import Path

    from foerderbuch import operations
    from foerderbuch.backup import BackupError

    _check_reachable(settings)
    try:
        return operations.restore(settings, Path(args.directory), console)
    except BackupError as error:
        raise CommandError(str(error), EXIT_CONFLICT) from None


def _projections_status(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import operations

    _check_reachable(settings)
    operations.projections_status(settings, console)
    return EXIT_OK


def _projections_rebuild(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import operations

    _check_reachable(settings)
    return operations.projections_rebuild(settings, args.name, console, reason=args.reason)


def _follow(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from foerderbuch import operations

    _check_reachable(settings)
    return operations.follow(settings, once=args.once, batch_size=args.batch_size, pause=args.pause, console=console)


def _notify(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    import smtplib
    import ssl

    from foerderbuch.notify import SmtpSettings, send_notifications
    from foerderbuch.wiring import create_projector

    smtp = SmtpSettings.from_settings(settings)
    if smtp is None:
        console.print("Kein SMTP-Server eingestellt (FOERDERBUCH_SMTP_HOST): Es wird nichts versandt.")
        return EXIT_OK
    office = open_office(settings)
    try:
        projector = create_projector(settings, office)
        try:
            with open_credentials(settings) as credentials:  # each reader's language
                report = send_notifications(office, projector, smtp, languages=credentials.languages)
        except ssl.SSLError as error:
            raise CommandError(
                f"Dem Zertifikat des SMTP-Servers wird nicht vertraut; nichts wurde versandt: {_one_line(error)}",
                EXIT_ENVIRONMENT,
            ) from None
        except smtplib.SMTPException as error:
            raise CommandError(f"Der SMTP-Server hat abgelehnt: {_one_line(error)}", EXIT_ENVIRONMENT) from None
        finally:
            projector.db.close()
    finally:
        office.close()
    console.print(f"{report.sent} Neuigkeiten in {report.emails} E-Mails versandt.")
    if report.skipped:
        console.print(f"{report.skipped} Neuigkeiten ohne Empfänger (keine Ansprechperson, kein Mitglied).")
    return EXIT_OK


# Helpers -----------------------------------------------------------------------------------------


def open_office(settings: Settings) -> FundingOffice:
    """The office for the settings; an unreachable PostgreSQL server is reported within seconds."""
    from foerderbuch.wiring import create_office

    _check_reachable(settings)
    return create_office(settings)


def _check_reachable(settings: Settings) -> None:
    if settings.backend == "postgres":
        _check_postgres(settings)


def open_credentials(settings: Settings) -> CredentialStore:
    return CredentialStore.for_settings(settings)


def create_web_app(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> Any:
    """The ASGI app (imported late: the other commands need no web stack)."""
    from foerderbuch.wiring import create_web_app as factory

    return factory(settings, host=host, port=port)


def _check_postgres(settings: Settings) -> None:
    env = settings.eventsourcing_env()
    try:
        with psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            dbname=env["POSTGRES_DBNAME"],
            user=env["POSTGRES_USER"],
            password=env.get("POSTGRES_PASSWORD") or None,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
        ) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        raise CommandError(
            f"Die PostgreSQL-Datenbank {env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']} "
            f"ist nicht erreichbar: {_one_line(error)}",
            EXIT_ENVIRONMENT,
        ) from None


def _load_demo(office: FundingOffice, settings: Settings, console: Console) -> None:
    from foerderbuch.demo import DemoLoadError, load_demo, print_summary

    credentials = open_credentials(settings)
    try:
        summary = load_demo(office, credentials, console)
    except DemoLoadError as error:
        raise CommandError(str(error), EXIT_CONFLICT) from None
    finally:
        credentials.close()
    print_summary(summary, console)
    console.print("Anmelden können sich alle Demo-Benutzer mit dem Passwort aus der README.")


def _organisation_id(text: str | None) -> UUID | None:
    if text is None:
        return None
    try:
        return UUID(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"»{text}« ist keine gültige Organisationskennung (UUID erwartet).", field="organisation_id"
        ) from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise InvalidInputError("Auf der Standardeingabe kam kein Passwort an.", field="password")
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass("Passwort: ")
        if getpass.getpass("Passwort wiederholen: ") != password:
            raise InvalidInputError("Die beiden Passwörter stimmen nicht überein.", field="password")
        return password
    raise InvalidInputError("Ohne Terminal bitte das Passwort mit --password-stdin übergeben.", field="password")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: Fehler: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
