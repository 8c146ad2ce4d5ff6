"""Tampering that write access to the database alone allows, and how the keyed seal reveals it (issue 14).

* an event appended past the program with a link forged without the key;
* a snapshot edited in the database (it is passed over by every command, and ``verify`` names it);
* a process started with another key seals nothing;
* renewing the seal is explicit, needs a reason, and is recorded in the log with what it covered.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from ledger_story import tell
from rich.console import Console

from domain.application import FundingOffice
from domain.grant import Grant
from domain.money import Money
from foerderbuch import operations
from foerderbuch.settings import Settings
from projections.engine import Projector
from projections.seal import Seal, SealKeyError
from projections.verify import verify

Services = Callable[..., tuple[FundingOffice, Projector]]


def sql(settings: Settings, statement: str, params: Sequence[Any] = ()) -> list[Any]:
    if settings.backend == "sqlite":
        with closing(sqlite3.connect(settings.sqlite_path)) as conn, conn:
            return conn.execute(statement, params).fetchall()
    schema = settings.extra_env["POSTGRES_SCHEMA"]
    with psycopg.connect(settings.database_url, options=f"-c search_path={schema}", autocommit=True) as conn:
        cursor = conn.execute(statement.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []


def names(settings: Settings) -> tuple[str, str, str]:
    """The events table, its position column and the snapshots table."""
    if settings.backend == "sqlite":
        return "stored_events", "rowid", "stored_snapshots"
    return "foerderbuch_events", "notification_id", "foerderbuch_snapshots"


@pytest.fixture
def told(fresh_settings: Settings, services: Services) -> tuple[Settings, FundingOffice, Projector]:
    app, projector = services(fresh_settings)
    tell(app)
    projector.catch_up()
    return fresh_settings, app, projector


def run_verify(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    code = operations.verify(settings, Console(file=out, width=300, color_system=None))
    return code, out.getvalue()


def test_an_appended_event_with_a_link_forged_without_the_key_is_found(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    settings, app, projector = told
    events, position_column, _ = names(settings)
    last = app.recorder.select_notifications(app.recorder.max_notification_id() or 0, 1)[0]
    [(previous,)] = sql(settings, "SELECT hash FROM seal_links ORDER BY position DESC LIMIT 1")
    sql(
        settings,
        f"INSERT INTO {events} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
        (last.originator_id if settings.backend == "postgres" else str(last.originator_id),
         last.originator_version + 100, last.topic, bytes(last.state)),
    )  # fmt: skip
    [(forged_position,)] = sql(settings, f"SELECT MAX({position_column}) FROM {events}")
    header = f"{previous}|{forged_position}|{last.topic}|{last.originator_id.hex}|{last.originator_version + 100}|"
    forged = hashlib.sha256(header.encode() + bytes(last.state)).hexdigest()  # the old, unkeyed recipe
    sql(
        settings,
        "INSERT INTO seal_links (position, originator_id, originator_version, topic, hash) VALUES (?, ?, ?, ?, ?)",
        (forged_position, last.originator_id.hex, last.originator_version + 100, last.topic, forged),
    )

    problems = verify(projector)

    assert any(p.position == forged_position and "nach dem Versiegeln verändert" in p.message for p in problems)
    code, output = run_verify(settings)
    assert code == 1 and f"Position {forged_position}" in output


def test_a_process_with_another_key_seals_nothing_and_verify_says_the_key_is_wrong(
    told: tuple[Settings, FundingOffice, Projector], services: Services
) -> None:
    settings, _app, _ = told
    other = settings.model_copy(update={"seal_key": "ein-ganz-anderer-schluessel-" + "x" * 20})
    app2, projector2 = services(other)
    sealed = projector2.position(Seal.name)
    aylin = app2.actor_for(app2.user_by_email("aylin.demir@stadtdo.de").id, "approver")
    app2.reject_application(Grant.create_id("IB-2026-0005"), "Zu spät", aylin)

    with pytest.raises(SealKeyError, match="Siegelschlüssel"):
        projector2.catch_up([Seal.name])

    assert projector2.position(Seal.name) == sealed
    problems = verify(projector2)
    assert any("Siegelschlüssel" in p.message and "nicht der" in p.message for p in problems)


def test_an_edited_snapshot_decides_nothing_and_verify_names_it(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    settings, app, projector = told
    grant_id = Grant.create_id("IB-2026-0002")
    approved = app.grant(grant_id).terms.amount
    app.take_snapshot(grant_id)
    _, _, snapshots = names(settings)
    [(version, state)] = sql(settings, f"SELECT originator_version, state FROM {snapshots}")
    assert b'"4500.00"' in bytes(state)
    sql(settings, f"UPDATE {snapshots} SET state = ?", (bytes(state).replace(b'"4500.00"', b'"999999.00"'),))

    assert app.grant(grant_id).terms.amount == approved == Money(Decimal("4500.00"))  # replayed, not the snapshot
    problems = verify(projector)

    assert any(f"Version {version}" in p.message and str(grant_id) in p.message for p in problems)
    code, output = run_verify(settings)
    assert code == 1 and "Schnappschuss" in output


def test_an_intact_snapshot_is_used_and_verify_passes(told: tuple[Settings, FundingOffice, Projector]) -> None:
    _settings, app, projector = told
    grant_id = Grant.create_id("IB-2026-0002")
    app.take_snapshot(grant_id)

    assert app.grant(grant_id).terms.amount == Money(Decimal("4500.00"))
    assert verify(projector) == []


def test_renewing_the_seal_needs_a_reason_and_is_recorded_with_the_findings(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    settings, app, projector = told
    events, position_column, _ = names(settings)
    [(position,)] = sql(
        settings, f"SELECT MIN({position_column}) FROM {events} WHERE topic LIKE ?", ("%PaymentBooked",)
    )
    sql(settings, f"DELETE FROM {events} WHERE {position_column} = ?", (position,))
    assert run_verify(settings)[0] == 1

    out = io.StringIO()
    console = Console(file=out, width=300, color_system=None)
    assert operations.projections_rebuild(settings, "seal", console) == 2
    assert "--reason" in out.getvalue()
    assert run_verify(settings)[0] == 1  # nothing renewed without a reason

    assert operations.projections_rebuild(settings, "seal", console, reason="Testfall: Buchung entfernt") == 0

    renewal = [n for n in app.recorder.select_notifications(1, 100000) if n.topic.endswith("SealRenewed")]
    assert len(renewal) == 1
    event = app.mapper.to_domain_event(renewal[0])
    assert event.reason == "Testfall: Buchung entfernt"
    assert "(Kommandozeile)" in event.by
    assert event.finding_count >= 1
    assert any(f"Position {position}" in finding for finding in event.findings)
    assert f"an Position {renewal[0].id}" in out.getvalue()
    with projector.db.transaction() as cursor:
        head = Seal.head(cursor)
    assert head is not None and head.position == renewal[0].id  # the new seal covers its own record
