"""Foreign-currency rates as issue 11 rule 12 has them: each rate records its source (bank statement,
exchange receipt, ECB reference rate); money transferred to a partner abroad gives a rate weighted over
the transfers; a rate date far from the payment date gets a warning (a setting, 14 days by default).

Worked example: the association sends its partner in Kumasi 2.000,00 € (30.500 GHS arrive, 15,25 GHS per
euro) and later 1.000,00 € (16.000 GHS, 16,00). The weighted rate is 46.500 / 3.000 = 15,5 GHS per euro;
the partner's receipt over 7.750 GHS counts as 7.750 / 15,5 = 500,00 € (at the first transfer's rate it
would be 508,20 €, at the second's 484,38 €).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.errors import InvalidInputError, NotPermittedError, RuleViolationError
from domain.foreign import ECB_REFERENCE, WEIGHTED_TRANSFERS, ForeignAmount, weighted_rate
from domain.money import Money

from .after_award_builders import Office, build_office, refused

DAY = date(2026, 5, 4)


@pytest.fixture
def office() -> Office:
    return build_office()


def transfers(office: Office) -> UUID:
    grant_id = office.approved("share")
    with office.clock.at_least(DAY):
        for euro, cedi, day in (("2000.00", "30500", date(2026, 3, 10)), ("1000.00", "16000", date(2026, 4, 20))):
            office.app.record_transfer_abroad(
                grant_id, Money(euro), "GHS", Decimal(cedi), day, "Kumasi Youth Club", office.member, on=DAY
            )
    return grant_id


def receipt(office: Office, grant_id: UUID, amount: ForeignAmount) -> UUID:
    with office.clock.at_least(DAY):
        return office.app.report_expense(
            grant_id, "stay", date(2026, 4, 28), "Kumasi Guesthouse", "Unterkunft", amount, "K-1", office.member
        )


def test_the_weighted_rate_is_what_arrived_divided_by_what_was_sent() -> None:
    assert weighted_rate([(Money("2000.00"), Decimal("30500")), (Money("1000.00"), Decimal("16000"))]) == Decimal(
        "15.500000"
    )


def test_worked_example_a_partner_s_receipt_at_the_weighted_rate(office: Office) -> None:
    grant_id = transfers(office)
    grant = office.app.grant(grant_id)
    assert grant.weighted_rate("GHS") == (Decimal("15.500000"), date(2026, 4, 20))

    amount = office.app.weighted_foreign(grant_id, "GHS", Decimal("7750"))
    expense_id = receipt(office, grant_id, amount)

    stored = office.app.grant(grant_id).expenses[expense_id.hex]
    assert stored["euro"] == Money("500.00")
    assert stored["foreign"].rate_source == WEIGHTED_TRANSFERS and stored["foreign"].rate_date == date(2026, 4, 20)
    assert ForeignAmount.convert("GHS", "7750", "15.25", DAY).euro == Money("508.20")
    assert ForeignAmount.convert("GHS", "7750", "16", DAY).euro == Money("484.38")


def test_a_weighted_rate_without_transfers_or_a_different_rate_is_refused(office: Office) -> None:
    grant_id = transfers(office)
    with refused(office.app, RuleViolationError, "rule_violation", "keine Überweisungen in XOF", grant_id):
        office.app.weighted_foreign(grant_id, "XOF", Decimal("1000"))
    with refused(office.app, RuleViolationError, "rule_violation", "keine Überweisungen in XOF", grant_id):
        receipt(office, grant_id, ForeignAmount.convert("XOF", "1000", "655.957", DAY, WEIGHTED_TRANSFERS))
    wrong = ForeignAmount.convert("GHS", "7750", "15.25", date(2026, 4, 20), WEIGHTED_TRANSFERS)
    with refused(
        office.app, InvalidInputError, "invalid_input", "gewichtete Kurs der Überweisungen ist 15.500000", grant_id
    ):
        receipt(office, grant_id, wrong)


def test_each_rate_names_a_known_source_and_a_far_rate_date_is_measured() -> None:
    with pytest.raises(InvalidInputError, match="Unbekannte Kursquelle"):
        ForeignAmount.convert("GHS", "100", "15.5", DAY, "gefühlt")
    ecb = ForeignAmount.convert("GHS", "100", "15.5", date(2026, 4, 1), ECB_REFERENCE)
    assert ecb.source_german == "EZB-Referenzkurs" and ecb.rate_gap(date(2026, 4, 28)) == 27
    assert ForeignAmount.convert("GHS", "100", "15.5", DAY).source_german == "Kursquelle nicht angegeben"


def test_a_transfer_is_recorded_by_the_association_or_an_officer_only(office: Office) -> None:
    grant_id = office.approved("share")
    with refused(office.app, NotPermittedError, "not_permitted", "Überweisung", grant_id):
        office.app.record_transfer_abroad(
            grant_id, Money("100.00"), "GHS", Decimal("1500"), date(2026, 3, 1), "Partner", office.finance
        )
    with refused(office.app, InvalidInputError, "invalid_input", "Zukunft", grant_id):
        office.app.record_transfer_abroad(
            grant_id, Money("100.00"), "GHS", Decimal("1500"), date(2026, 3, 2), "Partner", office.member
        )
