"""Operating the read side: verify the log, show where each read model stands, rebuild read models.

These are the bodies of ``foerderbuch verify``, ``foerderbuch projections status`` and
``foerderbuch projections rebuild [NAME]``. Each opens the office and the read models for the
settings, does its work, prints to a rich console and closes everything again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.engine import BatchReport, ProjectionError, Projector
from projections.rebuild_check import compare_with_rebuild
from projections.seal import Seal
from projections.verify import Problem, check_anchor
from projections.verify import verify as verify_log

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_EMPTY = 0, 1, 2, 3
SEAL_WAIT_SECONDS = 3.0


@contextmanager
def open_services(settings: Settings) -> Iterator[tuple[FundingOffice, Projector]]:
    """The office and its read models, closed again on leaving."""
    office = create_office(settings)
    try:
        projector = create_projector(settings, office)
        try:
            yield office, projector
        finally:
            projector.db.close()
    finally:
        office.close()


def _catch_up_each(projector: Projector) -> list[Problem]:
    """Catches every read model but the seal up; one that fails is reported and the others still run.

    The seal is left to the follower (and to the command line, which seals what it writes at once):
    ``verify`` only checks it, or it would seal whatever the log holds now, forged events included."""
    problems = []
    for name in projector.models:
        if name == Seal.name:
            continue
        try:
            projector.catch_up([name])
        except ProjectionError as error:
            problems.append(Problem(error.position, str(error)))
    return problems


def verify(settings: Settings, console: Console | None = None, quick: bool = False, anchor: Path | None = None) -> int:
    """Verifies the log and the read models; prints every failure with its position. Exit code 0 or 1.

    Unless ``quick``, every read model is also rebuilt in a scratch file and compared table by table.
    With ``anchor`` (a file written by ``foerderbuch anchor``), the log up to the anchored position must
    still give the anchored HMAC."""
    console = console or Console()
    anchored = read_anchor(anchor) if anchor is not None else None
    with open_services(settings) as (office, projector):
        events = projector.log_head()
        if not events:
            console.print(
                Text(
                    "Der Log ist leer: Es gibt nichts zu prüfen. Ist FOERDERBUCH_DATABASE_URL die richtige Datenbank?",
                    style="bold yellow",
                )
            )
            return EXIT_EMPTY
        missing_rate = office.missing_base_rate()
        problems = _catch_up_each(projector)
        _wait_for_seal(projector, events)
        problems += verify_log(projector, upto=events)
        if anchored is not None:
            problems += check_anchor(projector, anchored.position, anchored.mac, anchored.at)
        if not quick:
            differences: list[Problem] = []
            compare_with_rebuild(projector, lambda position, message: differences.append(Problem(position, message)))
            problems += differences
        with projector.db.transaction() as cursor:
            head = Seal.head(cursor)
    if missing_rate is not None:
        from foerderbuch.rate_commands import missing_rate_warning

        console.print(Text("! ", style="bold yellow") + Text(missing_rate_warning(missing_rate)))
    if problems:
        for problem in problems:
            console.print(Text("✗ ", style="bold red") + Text(str(problem)))
        console.print(Text(f"Prüfung fehlgeschlagen: {len(problems)} Befund(e).", style="bold red"))
        return EXIT_PROBLEMS
    stand = f"{head.stand} ({head.hash})" if head else "Stand: leeres Log"
    if anchored is not None:
        stand += f" Anker vom {anchored.at} (Ereignis {anchored.position}) bestätigt."
    models = "alle Salden folgen aus den Ereignissen" if quick else "alle Lesemodelle gleichen einem Neuaufbau"
    console.print(
        Text(
            f"✓ Prüfung bestanden: Log bis Ereignis {events} unverändert, {models}, Summenbilanz ausgeglichen. {stand}",
            style="bold green",
        )
    )
    return EXIT_OK


def _wait_for_seal(projector: Projector, head: int, seconds: float = SEAL_WAIT_SECONDS) -> None:
    """Gives a running follower a moment to seal what was written just before the check began."""
    deadline = time.monotonic() + seconds
    while projector.position(Seal.name) < head and time.monotonic() < deadline:
        time.sleep(0.1)


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    log_head: int
    pending: int

    @property
    def behind(self) -> int:
        """Log positions between the last event applied and the newest (including events it ignores)."""
        return max(self.log_head - self.position, 0)


def projections_status(settings: Settings, console: Console | None = None) -> list[ProjectionStatus]:
    """Each read model's position and how far it is behind the log; printed as a table and returned."""
    console = console or Console()
    with open_services(settings) as (_, projector):
        head = projector.log_head()
        rows = [
            ProjectionStatus(name, projector.position(name), head, projector.pending(name)) for name in projector.models
        ]
    table = Table(title=f"Lesemodelle (Log bis Ereignis {head})")
    table.add_column("Lesemodell")
    table.add_column("Position", justify="right")
    table.add_column("Abstand zum Log", justify="right")
    table.add_column("Offene Ereignisse", justify="right")
    for row in rows:
        table.add_row(
            row.name, str(row.position), str(row.behind), str(row.pending), style="yellow" if row.pending else None
        )
    console.print(table)
    return rows


def projections_rebuild(
    settings: Settings, name: str | None = None, console: Console | None = None, reason: str | None = None
) -> int:
    """Folds the whole log again into fresh tables and swaps them in, with a progress bar.

    Exit code 0, or 2 for an unknown name. The old tables keep serving pages until the swap. Without a
    name every read model is rebuilt except the seal: rebuilding the seal would seal the log as it is
    now and hide any change since. Naming it needs a reason: the log then records who renewed the seal,
    when, why and what the check found just before (``SealRenewed``), and the new seal covers that
    record too. Snapshots whose MAC does not hold under the key are removed (they are a cache).
    """
    console = console or Console()
    if name == Seal.name and not (reason or "").strip():
        console.print(
            Text(
                "Das Siegel wird nur mit Begründung neu berechnet: --reason TEXT (steht mit den Befunden im Log).",
                style="bold red",
            )
        )
        return EXIT_USAGE
    with open_services(settings) as (office, projector):
        if name is not None and name not in projector.models:
            console.print(
                Text(f"Unbekanntes Lesemodell »{name}«. Vorhanden: {', '.join(projector.models)}", style="bold red")
            )
            return EXIT_USAGE
        names = [name] if name is not None else [n for n in projector.models if n != Seal.name]
        if name == Seal.name:
            _renew_seal(office, projector, reason or "", console)
        projector.set_up()
        head = projector.log_head()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(f"Neuaufbau ({len(names)} Lesemodelle), Ereignisse", total=head)

            def advance(report: BatchReport) -> None:
                progress.update(task, completed=min(report.position, head), total=max(head, report.position))

            projector.rebuild(names, progress=advance)
            progress.update(task, completed=max(head, 1), total=max(head, 1))
    console.print(Text(f"Neu aufgebaut: {', '.join(names)}.", style="bold green"))
    return EXIT_OK


def _renew_seal(office: FundingOffice, projector: Projector, reason: str, console: Console) -> None:
    """Before the seal is computed afresh: the findings it would hide, recorded in the log with who and why."""
    from foerderbuch.exporting import who
    from projections.verify import drop_unsealed_snapshots

    problems = _catch_up_each(projector) + verify_log(projector)
    findings = [str(problem) for problem in problems]
    position = office.record_seal_renewal(reason, who(), findings)
    dropped = drop_unsealed_snapshots(projector)
    console.print(
        Text(
            f"Achtung: Das Siegel wird neu berechnet und bestätigt den Log, wie er jetzt ist. {len(findings)} "
            f"Befund(e) davor; vermerkt im Log an Position {position} (SealRenewed: wer, wann, warum, Befunde)."
            + (f" {dropped} Schnappschuss/-schüsse ohne gültiges Siegel entfernt." if dropped else ""),
            style="yellow",
        )
    )


# Anchors -----------------------------------------------------------------------------------------


class AnchorError(Exception):
    """An anchor file that cannot be written or read; the message says why."""


@dataclass(frozen=True)
class Anchor:
    """The chain head as it was written to a file: position, HMAC, and when."""

    position: int
    mac: str
    at: str
    key_id: str = ""

    def to_json(self) -> str:
        body = {"format": "foerderbuch-anker/1", "position": self.position, "hmac": self.mac, "time": self.at}
        return json.dumps({**body, "seal_key_id": self.key_id}, indent=2, ensure_ascii=False) + "\n"


def read_anchor(path: Path) -> Anchor:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        anchor = Anchor(int(data["position"]), str(data["hmac"]), str(data["time"]), str(data.get("seal_key_id", "")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AnchorError(f"Die Ankerdatei {path} ist nicht lesbar: {error}") from None
    if anchor.position < 1 or len(anchor.mac) != 64:
        raise AnchorError(f"Die Ankerdatei {path} nennt keine Position mit Prüfsumme.")
    return anchor


def anchor(settings: Settings, target: Path | None, console: Console | None = None) -> int:
    """``foerderbuch anchor``: writes the seal's chain head (position, HMAC, time) to a new file and records
    it in the log (``ChainAnchored``). Exit code 0, or 3 if nothing is sealed yet."""
    from foerderbuch.exporting import who
    from projections.seal import key_id

    console = console or Console()
    with open_services(settings) as (office, projector):
        projector.set_up()
        with projector.db.transaction() as cursor:
            head = Seal.head(cursor)
        if head is None:
            console.print(Text("Noch nichts versiegelt: Es gibt keinen Stand zum Verankern.", style="bold red"))
            return EXIT_EMPTY
        seal = projector.models[Seal.name]
        assert isinstance(seal, Seal)
        at = datetime.now(ZoneInfo("Europe/Berlin")).isoformat(timespec="seconds")
        record = Anchor(head.position, head.hash, at, key_id(seal.key()))
        path = target or Path(f"foerderbuch-anker-{head.position}.json")
        try:
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(record.to_json())
        except OSError as error:
            raise AnchorError(
                f"Die Ankerdatei {path} kann nicht geschrieben werden: {error.strerror or error}"
            ) from None
        position = office.record_anchor(head.position, head.hash, who())
        projector.catch_up([Seal.name])  # the anchor's own record is sealed at once, as every command's
    console.print(
        f"Anker geschrieben: {path} (Ereignis {head.position}, Prüfsumme {head.hash}, {at}); im Log vermerkt an "
        f"Position {position}. Die Datei an einem anderen Ort aufbewahren (z. B. per E-Mail an die "
        "Rechnungsprüfung); prüfen mit: foerderbuch verify --anchor DATEI"
    )
    return EXIT_OK


# Backups -----------------------------------------------------------------------------------------


def backup(settings: Settings, target: Path, console: Console | None = None) -> int:
    """``foerderbuch backup DIR``: a consistent backup with its manifest."""
    from foerderbuch import backup as backups

    console = console or Console()
    result = backups.backup(settings, target)
    console.print(
        f"Sicherung geschrieben: {target} – Log bis Ereignis {result.log_head}, Siegel bis {result.chain_position} "
        f"({result.chain_hmac[:16]}), {result.documents} Dokument(e), {len(result.files)} Dateien mit SHA-256 "
        f"in {backups.MANIFEST}."
    )
    if (target / backups.SECRETS).exists():
        console.print(
            Text(
                f"Achtung: {target / backups.SECRETS} enthält das Sitzungsgeheimnis, den Siegel- und den "
                "Datenschutzschlüssel. Wer die Schlüssel und die Datenbank hat, kann das Siegel fälschen und die "
                "personenbezogenen Daten lesen: diesen Ordner getrennt von den übrigen Sicherungen aufbewahren "
                "(anderer Ort, andere Berechtigte).",
                style="yellow",
            )
        )
    for note in result.notes:
        console.print(Text(f"! {note}", style="yellow"))
    return EXIT_OK


def check_backup(folder: Path, console: Console | None = None) -> int:
    """``foerderbuch backup --verify DIR``: exit code 0 for an intact backup, 1 with every problem."""
    from foerderbuch import backup as backups

    console = console or Console()
    manifest, problems = backups.check_backup(folder)
    if problems:
        for problem in problems:
            console.print(Text("✗ ", style="bold red") + Text(problem))
        console.print(Text(f"Sicherung beschädigt: {len(problems)} Befund(e).", style="bold red"))
        return EXIT_PROBLEMS
    chain = manifest.get("chain_head") or {}
    console.print(
        Text(
            f"✓ Sicherung vollständig: {len(manifest['files'])} Dateien mit passender SHA-256, Log bis Ereignis "
            f"{manifest.get('log_head')}, Siegel bis {chain.get('position')} ({str(chain.get('hmac'))[:16]}), "
            f"vom {manifest.get('created')}.",
            style="bold green",
        )
    )
    return EXIT_OK


def restore(settings: Settings, folder: Path, console: Console | None = None) -> int:
    """``foerderbuch restore DIR``: restores into an empty store, then runs ``verify``."""
    from foerderbuch import backup as backups

    console = console or Console()
    manifest = backups.restore(settings, folder)
    console.print(
        f"Wiederhergestellt aus {folder} (vom {manifest.get('created')}): Log bis Ereignis {manifest.get('log_head')}, "
        f"{manifest.get('documents')} Dokument(e). Jetzt die Prüfung:"
    )
    sealed = _seal_backup_tail(settings, manifest)
    if sealed:
        console.print(
            f"{sealed} Ereignis(se) nach dem Siegelstand der Sicherung (Position "
            f"{(manifest.get('chain_head') or {}).get('position')}, bis {manifest.get('log_head')}, geschrieben "
            "während der Sicherung) jetzt versiegelt, wie es der Follower beim Start täte."
        )
    code = verify(settings, console)
    missing = missing_documents(settings)
    for digest in missing:
        console.print(
            Text("✗ ", style="bold red") + Text(f"Dokument {digest} fehlt: Der Log nennt es, die Ablage nicht.")
        )
    if not missing:
        console.print(f"Alle Dokumente, die der Log nennt, liegen in der Ablage ({manifest.get('documents')}).")
    return EXIT_PROBLEMS if missing else code


def _seal_backup_tail(settings: Settings, manifest: dict[str, object]) -> int:
    """Seals the events of the backup that its follower had not sealed yet, and no further than the
    backup's log head (the manifest, checked by its hashes, names it)."""
    head = manifest.get("log_head")
    if not isinstance(head, int):
        return 0
    with open_services(settings) as (_, projector):
        before = projector.position(Seal.name)
        projector.stop_at = head
        projector.catch_up([Seal.name])
        return max(projector.position(Seal.name) - before, 0) if before < head else 0


def missing_documents(settings: Settings) -> list[str]:
    """The SHA-256 of every document the case file names that is not in the document folder."""
    from foerderbuch.documents import DocumentFiles

    folder = DocumentFiles.for_settings(settings).folder
    with open_services(settings) as (_, projector):
        projector.catch_up(["case_file"])
        with projector.db.transaction() as cursor:
            cursor.execute("SELECT DISTINCT sha256 FROM cf_documents ORDER BY sha256")
            named = [str(row["sha256"]) for row in cursor.fetchall()]
    return [digest for digest in named if not (folder / digest[:2] / digest[2:]).is_file()]


def follow(
    settings: Settings, once: bool = False, batch_size: int = 1000, pause: float = 0.0, console: Console | None = None
) -> int:
    """``foerderbuch follow``: keeps the read models caught up as a process of its own, until stopped.

    Only one follower folds the log at a time (the lease in the database decides); this one stands by
    while another (a web worker, say) holds it. ``--once`` catches up now and ends (exit code 0), or
    ends with 3 when another follower is active.
    """
    import signal
    import threading
    import time

    from foerderbuch.wiring import create_follower

    console = console or Console()
    with open_services(settings) as (office, projector):
        projector.batch_size = batch_size
        projector.set_up()
        if pause:
            projector.after_batch(lambda position: time.sleep(pause))
        follower = create_follower(settings, office, projector)
        if once:
            applied = follower.run_once()
            follower.lease.close()
            if applied < 0:
                console.print(Text("Ein anderer Follower ist aktiv; nichts zu tun.", style="yellow"))
                return 3
            console.print(f"Lesemodelle auf Stand: {applied} Ereignisse gelesen, Log bis {projector.log_head()}.")
            return EXIT_OK
        stopped = threading.Event()

        def stop(signum: int, frame: object) -> None:
            stopped.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, stop)
        console.print("Follower läuft: hält die Lesemodelle auf Stand (beenden mit Strg+C).")
        follower.start()
        try:
            while not stopped.wait(5.0):
                if follower.last_error is not None:
                    console.print(Text(f"Fehler beim Fortschreiben: {follower.last_error}", style="red"))
        finally:
            follower.stop()
        console.print("Follower beendet.")
    return EXIT_OK
