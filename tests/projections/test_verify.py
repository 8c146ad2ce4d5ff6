"""``verify`` passes on an intact log and reports tampering with the stored events at its position."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from typing import Any

import psycopg
import pytest
from ledger_story import tell
from rich.console import Console

from domain.application import FundingOffice
from domain.grant import Grant
from foerderbuch import operations
from foerderbuch.settings import Settings
from projections.engine import Projector
from projections.verify import Problem, verify

Services = Callable[..., tuple[FundingOffice, Projector]]


def run_verify(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    code = operations.verify(settings, Console(file=out, width=300, color_system=None))
    return code, out.getvalue()


def on_store(settings: Settings, app: FundingOffice, statement: str, params: Sequence[Any] = ()) -> None:
    """Runs SQL straight on the events table: ``{events}`` is its name, ``{position}`` its position column."""
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    if settings.backend == "sqlite":
        with closing(sqlite3.connect(settings.sqlite_path)) as conn, conn:  # closes, and commits
            conn.execute(statement.format(events=table, position="rowid"), params)
    else:
        schema = settings.extra_env["POSTGRES_SCHEMA"]
        with psycopg.connect(settings.database_url, options=f"-c search_path={schema}", autocommit=True) as conn:
            conn.execute(statement.format(events=table, position="notification_id").replace("?", "%s"), params)


def about_stored_events(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if "ersiegel" in p.message or "nicht lesbar" in p.message]


def position_of(app: FundingOffice, topic_end: str, nth: int = 0) -> int:
    found = [n for n in app.recorder.select_notifications(1, 100000) if n.topic.endswith(topic_end)]
    return found[nth].id


@pytest.fixture
def told(fresh_settings: Settings, services: Services) -> tuple[Settings, FundingOffice, Projector]:
    app, projector = services(fresh_settings)
    tell(app)
    projector.catch_up()
    return fresh_settings, app, projector


def test_verify_passes_on_an_intact_log_and_prints_the_chain_head(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    settings, app, projector = told

    code, output = run_verify(settings)

    assert code == 0, output
    assert "Prüfung bestanden" in output
    head = app.recorder.max_notification_id()
    assert f"Stand: Ereignis {head}, Prüfsumme" in output
    assert verify(projector) == []


def test_a_changed_amount_in_a_stored_event_is_reported_at_its_position(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    settings, app, projector = told
    position = position_of(app, "Grant.PaymentBooked")
    expected_table = "stored_events" if settings.backend == "sqlite" else "foerderbuch_events"
    assert app.recorder.events_table_name == expected_table  # type: ignore[attr-defined]

    on_store(
        settings,
        app,
        "UPDATE {events} SET state = ? WHERE {position} = ?",
        (
            next(n for n in app.recorder.select_notifications(position, 1)).state.replace(b'"3000.10"', b'"3100.10"'),
            position,
        ),
    )
    code, output = run_verify(settings)

    assert code == 1
    assert f"Position {position}: Ereignis Grant.PaymentBooked wurde nach dem Versiegeln verändert." in output
    problems = verify(projector)
    assert Problem(position, "Ereignis Grant.PaymentBooked wurde nach dem Versiegeln verändert.") in problems
    assert any(
        "IB-VEREINE 2026 ausgezahlt: Programmsalden zeigt 9.300,10 €, aus den Ereignissen folgen 9.400,10 €"
        in p.message
        for p in problems
    )
    assert any("IB-2026-0001 ausgezahlt: das Journal zeigt 4.800,10 €" in p.message for p in problems)


def test_a_deleted_stored_event_is_reported_at_its_position(told: tuple[Settings, FundingOffice, Projector]) -> None:
    settings, app, projector = told
    position = position_of(app, "Grant.PaymentReturned")

    on_store(settings, app, "DELETE FROM {events} WHERE {position} = ?", (position,))
    code, output = run_verify(settings)

    assert code == 1
    assert f"Position {position}: Versiegeltes Ereignis fehlt im Log (Grant.PaymentReturned" in output
    problems = verify(projector)
    assert [p.position for p in about_stored_events(problems)] == [position]
    assert any(
        "IB-2026-0001 ausgezahlt: die Übersicht zeigt 4.800,10 €, aus den Ereignissen folgen 5.000,10 €" in p.message
        for p in problems
    )


def test_two_swapped_stored_events_are_reported_at_both_positions(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    settings, app, projector = told
    first, second = position_of(app, "User.Registered", 1), position_of(app, "User.Registered", 2)

    on_store(settings, app, "UPDATE {events} SET {position} = ? WHERE {position} = ?", (-first, first))
    on_store(settings, app, "UPDATE {events} SET {position} = ? WHERE {position} = ?", (first, second))
    on_store(settings, app, "UPDATE {events} SET {position} = ? WHERE {position} = ?", (second, -first))
    code, output = run_verify(settings)

    assert code == 1
    problems = verify(projector)
    assert [p.position for p in problems] == [first, second]
    assert all("steht ein anderes Ereignis als versiegelt" in p.message for p in problems)
    assert f"Position {first}: An dieser Position steht ein anderes Ereignis" in output


def test_an_unreadable_stored_event_is_reported_and_the_rest_still_checked(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    settings, app, projector = told
    position = position_of(app, "Grant.PaymentCancelled")

    on_store(settings, app, "UPDATE {events} SET state = ? WHERE {position} = ?", (b"{not json", position))
    problems = verify(projector)

    assert [p.position for p in about_stored_events(problems)] == [position, position]
    assert any(p.message.startswith("Ereignis nicht lesbar") for p in problems)
    # Without the cancellation, the recomputation still sees Amiens' second request open.
    assert any("IB-2026-0001 abgerufen, nicht ausgezahlt: die Übersicht zeigt 0,00 €" in p.message for p in problems)


def test_a_read_model_that_disagrees_with_the_events_is_reported(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    _settings, _app, projector = told

    with projector.db.transaction() as cursor:
        cursor.execute("UPDATE pb_years SET paid_cents = paid_cents + 1 WHERE fiscal_year = 2027")
        cursor.execute("UPDATE go_grants SET approved_cents = 0 WHERE file_number = 'IB-2026-0002'")
    problems = verify(projector)

    assert [p.message for p in problems] == [
        "Programm IB-VEREINE 2027 ausgezahlt: Programmsalden zeigt 2.000,01 €, aus den Ereignissen folgen 2.000,00 €.",
        "Zuwendung IB-2026-0002 bewilligt: die Übersicht zeigt 0,00 €, aus den Ereignissen folgen 4.500,00 €.",
    ]


def test_an_unbalanced_journal_entry_is_reported_with_its_event(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    _settings, _app, projector = told

    with projector.db.transaction() as cursor:
        cursor.execute("SELECT position, fiscal_year FROM jr_entries ORDER BY position LIMIT 1")
        row = cursor.fetchone()
        assert row is not None
        cursor.execute(
            "INSERT INTO jr_entries (position, line, originator_id, originator_version, event, business_date,"
            " fiscal_year, account, cents, memo) VALUES (?, 99, 'x', 1, 'x', '2026-01-01', ?, 'paid', 5, 'x')",
            (row["position"], row["fiscal_year"]),
        )
    problems = verify(projector)

    assert (
        Problem(
            int(row["position"]),
            f"Die Buchungen dieses Ereignisses im Haushaltsjahr {row['fiscal_year']} ergeben 0,05 € statt 0,00 €.",
        )
        in problems
    )
    assert Problem(None, f"Die Summenbilanz {row['fiscal_year']} ergibt 0,05 € statt 0,00 €.") in problems


def test_a_read_model_behind_the_log_is_reported(told: tuple[Settings, FundingOffice, Projector]) -> None:
    _settings, app, projector = told

    aylin = app.actor_for(app.user_by_email("aylin.demir@stadtdo.de").id, "approver")
    app.reject_application(Grant.create_id("IB-2026-0005"), "Zu spät", aylin)
    problems = verify(projector)

    assert Problem(None, "Lesemodell register ist nicht auf Stand: 1 Ereignisse offen.") in problems
