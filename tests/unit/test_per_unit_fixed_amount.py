"""A fixed amount per unit (issue 11 rule 7): "450 € per trainee" is rate × units, and with fewer units
delivered the final amount falls to the units delivered × the rate, the difference a claim with interest.

Worked example: 12 trainees at 450,00 € = 5.400,00 € granted and paid (the reference plan's 10.000 €
costs, the grant 5.400 €, income 2.100 €). Nine trainees took part: 9 × 450,00 € = **4.050,00 €**, so
**1.350,00 €** are claimed back. The claim arises with the final amount on 01.12.2026 and bears 3 points
over the base rate of 1,27 % (VwVfG NRW): 4,27 % a year, for the 31 days to 01.01.2027
1.350,00 € × 4,27 % × 31 / 365 = **4,90 €**.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.errors import InvalidInputError, RuleViolationError
from domain.money import Money
from domain.settlement import FinalDetermination, determine_final_amount
from domain.terms import GrantTerms

from .after_award_builders import AS_PLANNED, Office, actuals, build_office, reference_plan, refused, terms

PLAN = reference_plan(income="2100.00", grant="5400.00")
PER_TRAINEE = {"unit_rate": Money("450.00"), "units": 12, "unit_label": "Teilnehmende"}


@pytest.fixture
def office() -> Office:
    return build_office()


def per_unit_terms(**changes: Any) -> GrantTerms:
    return replace(terms("fixed", "5400.00", plan=PLAN), **{**PER_TRAINEE, **changes})


def final(units: int) -> FinalDetermination:
    return determine_final_amount(per_unit_terms(), replace(actuals(income="2100.00"), units=units))


def submitted(office: Office, delivered: int | None) -> UUID:
    grant_id = office.approved("fixed", "5400.00", plan=PLAN, **PER_TRAINEE)
    office.pay(grant_id, "5400.00")
    office.spend(grant_id, AS_PLANNED)
    office.app.submit_proof_of_use(
        grant_id,
        "Neun Auszubildende waren in Amiens.",
        Money("1000.00"),
        Money("1500.00"),
        Money("2100.00"),
        office.officer,
        on=date(2026, 11, 15),
        units_delivered=delivered,
    )
    return grant_id


def test_the_final_amount_falls_to_the_units_delivered_times_the_rate() -> None:
    result = final(9)
    assert result.final_amount == Money("4050.00")
    assert result.unit_shortfall == Money("1350.00")
    assert "9 von 12 Teilnehmende × 450,00 € = 4.050,00 €" in result.explanation


def test_more_units_than_granted_raise_nothing_and_all_units_keep_the_amount() -> None:
    more = final(15)
    assert more.final_amount == Money("5400.00") and more.unit_shortfall == Money.zero()


def test_the_amount_must_be_the_rate_times_the_units_and_only_for_a_fixed_amount() -> None:
    with pytest.raises(InvalidInputError, match=re.escape("12 × 450,00 € sind 5.400,00 €, nicht 5.000,00 €")):
        per_unit_terms(amount=Money("5000.00"))
    with pytest.raises(InvalidInputError) as missing:
        per_unit_terms(units=None)
    assert missing.value.field == "units"
    with pytest.raises(InvalidInputError):
        per_unit_terms(units=0)
    share = terms("share", "5400.00", plan=PLAN, rate=Decimal("0.54"))
    with pytest.raises(RuleViolationError, match="nur bei Festbetragsfinanzierung"):
        replace(share, **PER_TRAINEE).check()


def test_worked_example_nine_of_twelve_trainees_through_the_office(office: Office) -> None:
    grant_id = submitted(office, 9)
    office.review(grant_id)
    claim_id = office.determine(grant_id)

    grant = office.app.grant(grant_id)
    assert grant.final_amount == Money("4050.00")
    assert claim_id is not None
    claim = office.app.claim(claim_id)
    assert claim.principal == Money("1350.00")
    assert claim.interest_due(date(2027, 1, 1), office.app.interest_table()) == Money("4.90")


def test_the_review_may_recognise_fewer_units_than_reported_never_more(office: Office) -> None:
    grant_id = submitted(office, 9)
    app = office.app
    with refused(app, RuleViolationError, "rule_violation", "höchstens die nachgewiesenen 9", grant_id):
        office.review(grant_id, recognised_units=10)
    office.review(grant_id, recognised_units=8)
    office.determine(grant_id)
    assert app.grant(grant_id).final_amount == Money("3600.00")  # 8 × 450,00 €


def test_a_proof_without_the_units_delivered_is_refused_and_records_nothing(office: Office) -> None:
    grant_id = office.approved("fixed", "5400.00", plan=PLAN, **PER_TRAINEE)
    with refused(office.app, InvalidInputError, "invalid_input", "Wie viele Teilnehmende", grant_id):
        office.submit(grant_id, income="2100.00")
    with refused(office.app, InvalidInputError, "invalid_input", "ganze Zahl ab 0", grant_id):
        office.app.submit_proof_of_use(
            grant_id, "Bericht", Money(0), Money(0), Money(0), office.officer, units_delivered=-1
        )


def test_units_on_a_grant_without_a_rate_per_unit_are_refused(office: Office) -> None:
    grant_id = office.approved("fixed")
    with refused(office.app, InvalidInputError, "invalid_input", "kein Festbetrag je Einheit", grant_id):
        office.app.submit_proof_of_use(
            grant_id, "Bericht", Money(0), Money(0), Money(0), office.officer, units_delivered=3
        )
