"""``verify`` compares every read model with a fresh rebuild from the log (issue 14).

The recomputation of the balances cannot see an edit to a table it does not read; the comparison with
a rebuild in a scratch file sees every one. Each case below edits one read model's table behind the
program's back — the five the balance check missed (proof-of-use receipts, portal amounts, the grant
overview's payments, work queues, project spending) and three it caught — and ``verify`` names the read
model, the table, the row's key and, where the row has one, its log position. ``verify --quick`` keeps
to the seal and the balances.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from ledger_story import tell
from rich.console import Console

from domain.application import FundingOffice
from foerderbuch import operations
from foerderbuch.settings import Settings
from projections.engine import Projector
from projections.rebuild_check import compare_with_rebuild

Services = Callable[..., tuple[FundingOffice, Projector]]

EDITS = {
    "proof-of-use receipts": (
        "grant_files",
        "UPDATE gf_receipts SET euro_cents = euro_cents + 100"
        " WHERE expense_id = (SELECT MIN(expense_id) FROM gf_receipts)",
        "gf_receipts",
    ),
    "portal amounts": (
        "portfolio",
        "UPDATE pf_grants SET paid_cents = paid_cents + 50000 WHERE paid_cents > 0",
        "pf_grants",
    ),
    "grant-overview payments": (
        "grant_overview",
        "DELETE FROM go_payments WHERE payment_id = (SELECT MIN(payment_id) FROM go_payments)",
        "go_payments",
    ),
    "work queues": (
        "work_queues",
        "DELETE FROM wq_items WHERE item_id = (SELECT MIN(item_id) FROM wq_items)",
        "wq_items",
    ),
    "project spending": (
        "project_spending",
        "UPDATE ps_years SET spent_cents = spent_cents - 1",
        "ps_years",
    ),
    "programme balances": ("programme_balances", "UPDATE pb_years SET paid_cents = paid_cents + 1", "pb_years"),
    "grant overview": ("grant_overview", "UPDATE go_grants SET approved_cents = 0", "go_grants"),
    "journal": (
        "journal",
        "UPDATE jr_entries SET memo = 'geändert' WHERE position = (SELECT MIN(position) FROM jr_entries)",
        "jr_entries",
    ),
}


@pytest.fixture
def told(fresh_settings: Settings, services: Services) -> tuple[Settings, FundingOffice, Projector]:
    app, projector = services(fresh_settings)
    tell(app)
    projector.catch_up()
    return fresh_settings, app, projector


def differences(projector: Projector) -> list[tuple[int | None, str]]:
    found: list[tuple[int | None, str]] = []
    compare_with_rebuild(projector, lambda position, message: found.append((position, message)))
    return found


def run_verify(settings: Settings, quick: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = operations.verify(settings, Console(file=out, width=400, color_system=None), quick=quick)
    return code, out.getvalue()


def test_an_untouched_store_equals_its_rebuild(told: tuple[Settings, FundingOffice, Projector]) -> None:
    settings, _app, projector = told

    assert differences(projector) == []
    code, output = run_verify(settings)
    assert code == 0, output
    assert "alle Lesemodelle gleichen einem Neuaufbau" in output


@pytest.mark.parametrize("case", list(EDITS))
def test_an_edit_to_a_read_model_is_found_with_model_table_and_key(
    told: tuple[Settings, FundingOffice, Projector], case: str
) -> None:
    settings, _app, projector = told
    model, statement, table = EDITS[case]
    with projector.db.transaction(exclusive=True) as cursor:
        cursor.execute(statement)
        assert cursor.rowcount >= 1

    found = differences(projector)

    assert found, case
    assert all(message.startswith(f"Lesemodell {model}, Tabelle {table}: Zeile (") for _, message in found)
    code, output = run_verify(settings)
    assert code == 1
    assert f"Lesemodell {model}, Tabelle {table}: Zeile (" in output


def test_the_position_of_a_changed_row_is_reported_where_the_row_has_one(
    told: tuple[Settings, FundingOffice, Projector],
) -> None:
    _settings, _app, projector = told
    with projector.db.transaction(exclusive=True) as cursor:
        cursor.execute("SELECT item_id, position FROM wq_items ORDER BY position LIMIT 1")
        row = cursor.fetchone()
        assert row is not None
        cursor.execute("UPDATE wq_items SET amount_cents = amount_cents + 1 WHERE item_id = ?", (row["item_id"],))

    [(position, message)] = differences(projector)

    assert position == int(row["position"])
    assert (
        f"item_id=»{row['item_id']}«" in message and "amount_cents zeigt" in message and "aus dem Log folgt" in message
    )


def test_quick_skips_the_rebuild(told: tuple[Settings, FundingOffice, Projector]) -> None:
    settings, _app, projector = told
    with projector.db.transaction(exclusive=True) as cursor:
        cursor.execute(EDITS["work queues"][1])

    code, output = run_verify(settings, quick=True)

    assert code == 0, output
    assert "alle Salden folgen aus den Ereignissen" in output
