"""Backups that are consistent while the server writes, checkable without restoring, and restorable.

``foerderbuch backup DIR`` writes into a new folder:

* ``datenbank.sqlite`` — on SQLite, a copy made with SQLite's online backup API: one consistent
  snapshot of the file *and* its write-ahead log, taken while writers go on (copying the file alone
  misses every write still in the WAL);
  ``datenbank.pgdump`` — on PostgreSQL, ``pg_dump`` (custom format) of the store's schema, run on a
  snapshot exported from our own ``REPEATABLE READ`` transaction, so the chain head in the manifest is
  exactly the one inside the dump. Either way every table of the database is in it: the log, the
  snapshots, the read models, and everything kept beside them (password hashes, sessions, second
  factors, keys of other features) — nothing is picked table by table;
* ``dokumente/`` — the uploaded documents, copied *after* the database snapshot: a document is stored
  before the event that names it, so every document the backed-up log names is there;
* ``geheim/`` — the session secret, the seal key and the privacy key, when they are kept in files (a
  key given as an environment variable is named in the manifest, not copied). Whoever holds the seal
  key and the database can forge the seal, and with the privacy key read the personal data: keep
  ``geheim/`` apart from the rest (see README, *Backups*);
* ``manifest.json`` — written last: every file with its size and SHA-256, the log's head, the seal's
  chain head (position and HMAC), the seal and privacy key ids. A folder without it is not a backup.

``foerderbuch backup --verify DIR`` checks a backup without restoring it: every file of the manifest
there with its size and hash, no file that the manifest does not name, every document under its own
SHA-256, and for SQLite the copy's own integrity check and chain head. ``foerderbuch restore DIR``
checks the backup the same way, restores into an empty store (a SQLite file that does not exist yet,
or an empty PostgreSQL schema), puts the documents and keys where the settings say, and runs
``verify``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from foerderbuch.documents import DocumentFiles
from foerderbuch.key_files import PRIVACY_KEY, SEAL_KEY, KeyFile
from foerderbuch.privacy.keys import privacy_key_id
from foerderbuch.settings import Settings
from projections.seal import key_id

FORMAT = "foerderbuch-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "datenbank.sqlite"
PG_FILE = "datenbank.pgdump"
DOCUMENTS = "dokumente"
SECRETS = "geheim"
SECRET_FILE = "foerderbuch.secret"
KEY_FILE = "foerderbuch.sealkey"
PRIVACY_FILE = "foerderbuch.privacykey"
CHUNK = 1 << 20


class BackupError(Exception):
    """The backup or the restore cannot be done as asked; the message says why, in German."""


@dataclass
class BackupResult:
    folder: Path
    log_head: int
    chain_position: int
    chain_hmac: str
    documents: int
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _describe(path: Path) -> dict[str, Any]:
    return {"sha256": sha256_of(path), "size": path.stat().st_size}


def _public_url(settings: Settings) -> str:
    url = urlparse(settings.database_url)
    if url.password:
        return settings.database_url.replace(f":{url.password}@", ":***@", 1)
    return settings.database_url


def session_secret_path(settings: Settings) -> Path:
    """Where ``serve`` keeps the session secret when ``FOERDERBUCH_SECRET_KEY`` is not set."""
    if settings.backend == "sqlite":
        return Path(settings.sqlite_path).with_suffix(".secret")
    return Path("foerderbuch.secret")


# Backing up ------------------------------------------------------------------------------------


def backup(settings: Settings, target: Path) -> BackupResult:
    """Writes a backup of the store the settings name into ``target`` (a new or empty folder)."""
    if settings.backend not in ("sqlite", "postgres"):
        raise BackupError("Ein Speicher im Arbeitsspeicher (memory://) lässt sich nicht sichern.")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} gibt es schon und ist nicht leer; eine Sicherung braucht ein neues Verzeichnis.")
    if not target.parent.exists():
        raise BackupError(f"Das Verzeichnis {target.parent} gibt es nicht.")
    target.mkdir(exist_ok=True)
    if settings.backend == "sqlite":
        log_head, position, mac, kid, privacy = _backup_sqlite(settings, target / SQLITE_FILE)
        database = SQLITE_FILE
    else:
        log_head, position, mac, kid, privacy = _backup_postgres(settings, target / PG_FILE)
        database = PG_FILE
    result = BackupResult(target, log_head, position, mac, 0)
    result.files[database] = _describe(target / database)
    result.documents = _copy_documents(settings, target, result)
    secrets = _copy_secrets(settings, target, result)
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": settings.backend,
        "source": _public_url(settings),
        "schema": settings.postgres_schema or ("public" if settings.backend == "postgres" else None),
        "database": database,
        "log_head": log_head,
        "chain_head": {"position": position, "hmac": mac},
        "seal_key_id": kid,
        "privacy_key_id": privacy,
        "documents": result.documents,
        "secrets": secrets,
        "files": result.files,
        "notes": result.notes,
    }
    temporary = target / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, target / MANIFEST)
    return result


Heads = tuple[int, int, str, str | None, str | None]
"""Log head, chain head (position, HMAC), seal key id and privacy key id of a store."""


def _backup_sqlite(settings: Settings, copy: Path) -> Heads:
    source_path = Path(settings.sqlite_path)
    with (
        closing(sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)) as source,
        closing(sqlite3.connect(copy)) as destination,
    ):
        source.backup(destination)  # one step: a consistent snapshot of the file and its WAL
        destination.execute("PRAGMA journal_mode=DELETE")  # a single file, no WAL beside it
    return _sqlite_heads(copy)


def _sqlite_heads(path: Path) -> Heads:
    """Log head, chain head (position, HMAC), seal and privacy key ids inside a SQLite file, read only."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        log_head = 0
        if "stored_events" in tables:
            log_head = int(connection.execute("SELECT COALESCE(MAX(rowid), 0) FROM stored_events").fetchone()[0])
        position, mac, kid = 0, "", None
        if "seal_links" in tables:
            row = connection.execute("SELECT position, hash FROM seal_links ORDER BY position DESC LIMIT 1").fetchone()
            if row:
                position, mac = int(row[0]), str(row[1])
        if "seal_key" in tables:
            row = connection.execute("SELECT key_id FROM seal_key").fetchone()
            kid = str(row[0]) if row else None
        privacy = None
        if "privacy_key" in tables:
            row = connection.execute("SELECT key_id FROM privacy_key").fetchone()
            privacy = str(row[0]) if row else None
    return log_head, position, mac, kid, privacy


def _pg_environment(settings: Settings) -> dict[str, str]:
    params = settings.postgres_params()
    environment = dict(os.environ)
    environment.update(
        PGHOST=params["POSTGRES_HOST"],
        PGPORT=params["POSTGRES_PORT"],
        PGDATABASE=params["POSTGRES_DBNAME"],
        PGUSER=params["POSTGRES_USER"],
        PGCONNECT_TIMEOUT="10",
    )
    if params["POSTGRES_PASSWORD"]:
        environment["PGPASSWORD"] = params["POSTGRES_PASSWORD"]  # never on the command line (ps shows it)
    return environment


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} ist nicht installiert (Debian: postgresql-client in der Version des Servers); "
            "ohne es lässt sich PostgreSQL nicht sichern oder wiederherstellen."
        )
    return found


def _backup_postgres(settings: Settings, dump: Path) -> Heads:
    import psycopg

    schema = settings.postgres_schema or "public"
    tool = _pg_tool("pg_dump")
    with psycopg.connect(settings.postgres_conninfo(), connect_timeout=10) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()
        assert snapshot is not None
        connection.execute(f'SET search_path TO "{schema}"')
        heads = _pg_heads(connection)
        completed = subprocess.run(
            [tool, "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
             f"--snapshot={snapshot[0]}", f"--file={dump}"],
            env=_pg_environment(settings), capture_output=True, text=True, timeout=24 * 3600,
        )  # fmt: skip
        connection.execute("COMMIT")
    if completed.returncode != 0:
        raise BackupError(f"pg_dump ist gescheitert: {' '.join(completed.stderr.split())[:500]}")
    return heads


def _pg_heads(connection: Any) -> Heads:
    def table(name: str) -> bool:
        row = connection.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
        return bool(row and row[0])

    log_head = 0
    if table("foerderbuch_events"):
        row = connection.execute("SELECT COALESCE(MAX(notification_id), 0) FROM foerderbuch_events").fetchone()
        log_head = int(row[0])
    position, mac, kid = 0, "", None
    if table("seal_links"):
        row = connection.execute("SELECT position, hash FROM seal_links ORDER BY position DESC LIMIT 1").fetchone()
        if row:
            position, mac = int(row[0]), str(row[1])
    if table("seal_key"):
        row = connection.execute("SELECT key_id FROM seal_key").fetchone()
        kid = str(row[0]) if row else None
    privacy = None
    if table("privacy_key"):
        row = connection.execute("SELECT key_id FROM privacy_key").fetchone()
        privacy = str(row[0]) if row else None
    return log_head, position, mac, kid, privacy


def _document_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(sha256, path) of every stored document (``ab/cdef…``); temporary files are left out."""
    if not folder.is_dir():
        return
    for prefix in sorted(folder.iterdir()):
        if not prefix.is_dir() or len(prefix.name) != 2:
            continue
        for path in sorted(prefix.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                yield prefix.name + path.name, path


def _copy_documents(settings: Settings, target: Path, result: BackupResult) -> int:
    source = DocumentFiles.for_settings(settings).folder
    count = 0
    for digest, path in _document_files(source):
        relative = f"{DOCUMENTS}/{digest[:2]}/{digest[2:]}"
        copy = target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        described = _describe(copy)
        if described["sha256"] != digest:
            result.notes.append(f"Dokument {digest} hat einen anderen Inhalt als seinen Namen: nicht gesichert.")
            copy.unlink()
            continue
        result.files[relative] = described
        count += 1
    return count


def _copy_secrets(settings: Settings, target: Path, result: BackupResult) -> dict[str, str]:
    secrets: dict[str, str] = {}
    places = (
        ("session_secret", settings.secret_key, "FOERDERBUCH_SECRET_KEY", session_secret_path(settings), SECRET_FILE),
        ("seal_key", settings.seal_key, "FOERDERBUCH_SEAL_KEY", SEAL_KEY.path(settings), KEY_FILE),
        ("privacy_key", settings.privacy_key, PRIVACY_KEY.variable, PRIVACY_KEY.path(settings), PRIVACY_FILE),
    )
    for what, from_setting, variable, path, name in places:
        if from_setting:
            secrets[what] = f"aus {variable} (Umgebung): nicht gesichert – getrennt aufbewahren"
            continue
        if path is None or not path.is_file():
            secrets[what] = "keine Datei vorhanden"
            continue
        folder = target / SECRETS
        folder.mkdir(mode=0o700, exist_ok=True)
        copy = folder / name
        shutil.copyfile(path, copy)
        copy.chmod(0o600)
        result.files[f"{SECRETS}/{name}"] = _describe(copy)
        secrets[what] = f"{SECRETS}/{name} (aus {path})"
    return secrets


# Checking a backup -------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"In {folder} liegt keine {MANIFEST}: keine (vollständige) Sicherung.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} ist nicht lesbar: {error}") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
    ):
        raise BackupError(f"{path} ist kein Manifest einer Förderbuch-Sicherung ({FORMAT}).")
    return manifest


def check_backup(folder: Path) -> tuple[dict[str, Any], list[str]]:
    """The manifest and every problem found in the backup (an empty list: the backup is intact)."""
    manifest = read_manifest(folder)
    problems: list[str] = []
    files: dict[str, dict[str, Any]] = manifest["files"]
    for relative, expected in sorted(files.items()):
        path = folder / relative
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            problems.append(f"{relative}: kein Pfad innerhalb der Sicherung.")
            continue
        if not path.is_file():
            problems.append(f"{relative}: fehlt.")
            continue
        if path.stat().st_size != expected.get("size"):
            problems.append(f"{relative}: {path.stat().st_size} Bytes statt {expected.get('size')}.")
            continue
        if sha256_of(path) != expected.get("sha256"):
            problems.append(f"{relative}: Inhalt verändert (SHA-256 stimmt nicht).")
            continue
        if relative.startswith(f"{DOCUMENTS}/") and relative.replace("/", "")[len(DOCUMENTS) :] != expected["sha256"]:
            problems.append(f"{relative}: Inhalt passt nicht zum Namen des Dokuments.")
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative != MANIFEST and relative not in files:
            problems.append(f"{relative}: liegt in der Sicherung, steht aber nicht im Manifest.")
    database = manifest.get("database")
    if database not in files:
        problems.append("Das Manifest nennt keine Datenbank.")
    elif manifest.get("backend") == "sqlite" and (folder / database).is_file() and not problems:
        problems.extend(_check_sqlite_copy(folder / database, manifest))
    return manifest, problems


def _check_sqlite_copy(path: Path, manifest: dict[str, Any]) -> list[str]:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchone()
        heads = _sqlite_heads(path)
    except sqlite3.Error as error:
        return [f"{path.name}: keine lesbare SQLite-Datenbank ({error})."]
    problems = []
    if not result or result[0] != "ok":
        problems.append(f"{path.name}: SQLite meldet Schäden ({result[0] if result else '?'}).")
    chain = manifest.get("chain_head") or {}
    if (heads[1], heads[2]) != (chain.get("position"), chain.get("hmac")):
        problems.append(f"{path.name}: Der Siegelstand in der Datenbank ist nicht der des Manifests.")
    return problems


# Restoring ---------------------------------------------------------------------------------------


def restore(settings: Settings, folder: Path) -> dict[str, Any]:
    """Restores the backup in ``folder`` into the empty store the settings name; returns the manifest.
    The caller runs ``verify`` afterwards."""
    manifest, problems = check_backup(folder)
    if problems:
        raise BackupError("Die Sicherung ist beschädigt; es wurde nichts wiederhergestellt: " + " ".join(problems))
    if manifest.get("backend") != settings.backend:
        raise BackupError(
            f"Die Sicherung stammt aus {manifest.get('backend')}, FOERDERBUCH_DATABASE_URL nennt {settings.backend}: "
            "eine Sicherung wird in dieselbe Art Datenbank wiederhergestellt."
        )
    _restore_secrets(settings, folder, manifest)
    documents = DocumentFiles.for_settings(settings).folder
    if settings.backend == "sqlite":
        _restore_sqlite(settings, folder / manifest["database"])
    else:
        _restore_postgres(settings, folder / manifest["database"], manifest)
    for relative in manifest["files"]:
        if relative.startswith(f"{DOCUMENTS}/"):
            destination = documents / Path(relative).relative_to(DOCUMENTS)
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / relative, destination)
    return manifest


def _restore_sqlite(settings: Settings, copy: Path) -> None:
    target = Path(settings.sqlite_path)
    if target.exists():
        raise BackupError(
            f"Die Datenbank {target} gibt es schon; wiederhergestellt wird nur in eine neue Datei "
            "(FOERDERBUCH_DATABASE_URL auf einen neuen Namen setzen)."
        )
    with (
        closing(sqlite3.connect(f"file:{copy}?mode=ro&immutable=1", uri=True)) as source,
        closing(sqlite3.connect(target)) as destination,
    ):
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=WAL")


def _restore_postgres(settings: Settings, dump: Path, manifest: dict[str, Any]) -> None:
    import psycopg

    schema = settings.postgres_schema or "public"
    if manifest.get("schema") != schema:
        raise BackupError(
            f"Die Sicherung stammt aus dem Schema {manifest.get('schema')}; wiederhergestellt wird in dasselbe "
            f"Schema einer leeren Datenbank (jetzt eingestellt: {schema})."
        )
    with psycopg.connect(settings.postgres_conninfo(), connect_timeout=10) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchone()
        exists = connection.execute(
            "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = %s", (schema,)
        ).fetchone()
    if row and int(row[0]):
        raise BackupError(
            f"Das Schema {schema} der Datenbank {settings.postgres_params()['POSTGRES_DBNAME']} enthält schon "
            "Tabellen; wiederhergestellt wird nur in einen leeren Speicher."
        )
    tool = _pg_tool("pg_restore")
    environment = _pg_environment(settings)
    listing = subprocess.run([tool, "--list", str(dump)], env=environment, capture_output=True, text=True, timeout=600)
    if listing.returncode != 0:
        raise BackupError(f"pg_restore kann die Sicherung nicht lesen: {' '.join(listing.stderr.split())[:500]}")
    entries = listing.stdout.splitlines()
    if exists and int(exists[0]):  # an existing (empty) schema, e.g. public of a new database: not created again
        entries = [e for e in entries if f" SCHEMA - {schema} " not in e and f" COMMENT - SCHEMA {schema} " not in e]
    handle, name = tempfile.mkstemp(prefix="foerderbuch-restore-", suffix=".liste")
    use_list = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as listed:
            listed.write("\n".join(entries) + "\n")
        completed = subprocess.run(
            [tool, "--no-owner", "--no-privileges", "--exit-on-error", f"--use-list={use_list}",
             f"--dbname={settings.postgres_params()['POSTGRES_DBNAME']}", str(dump)],
            env=environment, capture_output=True, text=True, timeout=24 * 3600,
        )  # fmt: skip
    finally:
        use_list.unlink(missing_ok=True)
    if completed.returncode != 0:
        raise BackupError(f"pg_restore ist gescheitert: {' '.join(completed.stderr.split())[:500]}")


def _restore_secrets(settings: Settings, folder: Path, manifest: dict[str, Any]) -> None:
    """Puts the seal key, the privacy key and the session secret where the settings look for them,
    unless given there already; a different key than the backup's is refused (the chain could not be
    checked, the personal data not read)."""
    _restore_key(settings, folder, SEAL_KEY, KEY_FILE, manifest.get("seal_key_id"), key_id)
    _restore_key(settings, folder, PRIVACY_KEY, PRIVACY_FILE, manifest.get("privacy_key_id"), privacy_key_id)
    secret_copy = folder / SECRETS / SECRET_FILE
    secret_path = session_secret_path(settings)
    if not settings.secret_key and secret_copy.is_file() and not secret_path.exists():
        _place(secret_copy, secret_path)


def _restore_key(
    settings: Settings, folder: Path, kind: KeyFile, name: str, wanted_id: str | None, id_of: Callable[[bytes], str]
) -> None:
    copy = folder / SECRETS / name
    path = kind.path(settings)
    if kind.given(settings) or (path is not None and path.exists()):
        if wanted_id and id_of(kind.load(settings, create=False)) != wanted_id:
            raise BackupError(
                f"Der eingestellte {kind.german} ist nicht der der Sicherung (Kennung {wanted_id}); es wurde "
                "nichts wiederhergestellt. Den Schlüssel der Sicherung einstellen."
            )
    elif copy.is_file() and path is not None:
        _place(copy, path)
    elif wanted_id:
        raise BackupError(
            f"Die Sicherung enthält den {kind.german} nicht (er kam aus {kind.variable}): bitte ihn "
            "einstellen; es wurde nichts wiederhergestellt."
        )


def _place(source: Path, destination: Path) -> None:
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(source.read_bytes())
