"""The budget bar's geometry follows the money exactly (Decimal, to a tenth of a unit)."""

from __future__ import annotations

from domain.money import Money
from web.charts import budget_bar


def test_the_bar_splits_the_width_into_paid_committed_and_available() -> None:
    svg = str(budget_bar(Money("1000.00"), Money("500.00"), Money("250.00"), "IB-VEREINE 2026"))

    assert '<rect class="bar-paid" x="0" y="0" width="75.0"' in svg
    assert '<rect class="bar-committed" x="75.0" y="0" width="75.0"' in svg
    assert "bar-over" not in svg
    assert "verfügbar 500,00\xa0€" in svg


def test_an_overcommitted_budget_fills_the_bar_and_is_flagged() -> None:
    svg = str(budget_bar(Money("100.00"), Money("150.00"), Money("0.00")))

    assert 'class="bar-committed" x="0.0" y="0" width="300.0"' in svg
    assert "bar-over" in svg


def test_an_empty_budget_draws_no_share() -> None:
    svg = str(budget_bar(Money("0.00"), Money("0.00"), Money("0.00")))

    assert 'class="bar-paid" x="0" y="0" width="0.0"' in svg
