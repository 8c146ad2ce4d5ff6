"""A project grant is for a project not yet begun (issue 11 rule 9): receipts dated before the application
are not eligible unless an approver agreed to an early start (vorzeitiger Maßnahmebeginn), recorded as a
decision of its own by someone other than whoever recorded the application.

Worked example: the reference plan (10.000 €, 70 % share, 7.000 € paid); the application came in on
10.03.2026 for a period from 01.03.2026. The coach to Amiens, 4.000 €, was paid on 05.03.2026: refused.
With an early start from 02.03.2026 it counts; all lines as planned give 0,7 × 10.000 = 7.000 €.
Without the coach the costs would be 6.000 € and the grant 4.000 € (6.000 € less foundation and fees).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.actors import Role
from domain.errors import FourEyesError, InvalidInputError, NotPermittedError, RuleViolationError
from domain.money import Money

from .after_award_builders import AS_PLANNED, PERIOD, Office, build_office, reference_plan, refused

APPLIED_ON = date(2026, 3, 10)


@pytest.fixture
def office() -> Office:
    return build_office()


def applied_late(office: Office) -> UUID:
    """Applied on 10.03.2026 for the period 01.03.–31.10.2026 (70 % share), approved the same day."""
    with office.clock.at_least(APPLIED_ON):
        grant_id = office.app.apply_for_grant(
            office.programme_id,
            office.organisation_id,
            "Jugendbegegnung mit Amiens",
            "Austausch",
            "Amiens",
            PERIOD,
            "share",
            reference_plan(),
            office.officer,
            on=APPLIED_ON,
        )
        office.app.review_application(grant_id, True, True, "förderfähig", office.officer, on=APPLIED_ON)
        office.app.approve_grant(grant_id, Money("7000.00"), office.approver, on=APPLIED_ON, rate=Decimal("0.7"))
    return grant_id


def coach(office: Office, grant_id: UUID, paid_on: date = date(2026, 3, 5)) -> UUID:
    with office.clock.at_least(date(2026, 6, 1)):
        return office.app.report_expense(
            grant_id, "travel", paid_on, "Busreisen Kley", "Bus nach Amiens", Money("4000.00"), "B-1", office.member
        )


def test_a_receipt_before_the_application_is_refused_and_nothing_changes(office: Office) -> None:
    grant_id = applied_late(office)
    assert office.app.grant(grant_id).eligible_from == APPLIED_ON
    with refused(office.app, RuleViolationError, "rule_violation", "vor dem Antragseingang am 10.03.2026", grant_id):
        coach(office, grant_id)
    assert office.app.grant(grant_id).expenses == {}


def test_worked_example_an_early_start_lets_the_coach_count(office: Office) -> None:
    grant_id = applied_late(office)
    office.app.approve_early_start(
        grant_id, date(2026, 3, 2), "Busse waren nur bis Anfang März buchbar", office.approver, on=date(2026, 3, 11)
    )
    coach(office, grant_id)
    with refused(office.app, RuleViolationError, "rule_violation", "vor dem genehmigten Maßnahmebeginn", grant_id):
        office.app.report_expense(
            grant_id, "pr", date(2026, 3, 1), "Druckerei", "Plakate", Money("10.00"), "B-9", office.member
        )
    office.pay(grant_id, "7000.00", on=date(2026, 3, 12))
    office.spend(grant_id, {code: amount for code, amount in AS_PLANNED.items() if code != "travel"})
    office.submit(grant_id)
    office.review(grant_id)
    office.determine(grant_id)

    grant = office.app.grant(grant_id)
    assert grant.eligible_from == date(2026, 3, 2) and grant.final_amount == Money("7000.00")


def test_receipts_before_a_later_start_are_left_out_of_the_proof(office: Office) -> None:
    """Receipts recorded before the start that was finally approved (here: 05.03.2026 for a coach paid on
    02.03.2026) are flagged: 6.000 € eligible instead of 10.000 €; 0,7 × 6.000 = 4.200 €, but never more than
    the costs left after foundation and fees (6.000 − 2.000 = 4.000 €): 4.000 €, 3.000 € claimed."""
    grant_id = applied_late(office)
    office.app.approve_early_start(grant_id, date(2026, 3, 2), "Buchung", office.approver, on=date(2026, 3, 11))
    coach(office, grant_id, date(2026, 3, 2))
    office.app.approve_early_start(
        grant_id, date(2026, 3, 5), "Beginn erst mit der Anmeldung", office.second_approver, on=date(2026, 3, 12)
    )
    office.pay(grant_id, "7000.00", on=date(2026, 3, 12))
    office.spend(grant_id, {code: amount for code, amount in AS_PLANNED.items() if code != "travel"})
    office.submit(grant_id)
    proof = office.app.grant(grant_id).proof
    assert proof is not None and proof["actual_costs"]["travel"] == Money.zero()
    office.review(grant_id)
    claim_id = office.determine(grant_id)
    assert office.app.grant(grant_id).final_amount == Money("4000.00")
    assert claim_id is not None and office.app.claim(claim_id).principal == Money("3000.00")


def test_only_an_approver_who_did_not_record_the_application_decides(office: Office) -> None:
    grant_id = applied_late(office)
    with refused(office.app, NotPermittedError, "not_permitted", "Vorzeitigem Maßnahmebeginn", grant_id):
        office.app.approve_early_start(grant_id, date(2026, 3, 2), "Grund", office.officer)
    same_person = office.also_as(office.officer, Role.APPROVER)
    with refused(office.app, FourEyesError, "four_eyes", "Antrag erfasst", grant_id):
        office.app.approve_early_start(grant_id, date(2026, 3, 2), "Grund", same_person)


def test_a_start_outside_the_period_or_without_a_reason_is_refused(office: Office) -> None:
    grant_id = applied_late(office)
    with refused(office.app, InvalidInputError, "invalid_input", "im Bewilligungszeitraum", grant_id):
        office.app.approve_early_start(grant_id, date(2026, 2, 27), "Grund", office.approver)
    with refused(office.app, InvalidInputError, "invalid_input", "Begründung|Grund", grant_id):
        office.app.approve_early_start(grant_id, date(2026, 3, 2), "  ", office.approver)
