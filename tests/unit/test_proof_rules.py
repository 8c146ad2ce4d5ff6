"""Proof of use and deadlines as issue 11 rule 8 leaves them: the simple proof of use (narrative and summary
figures without receipts) where the rule set allows it, and document requests due on a working day."""

from __future__ import annotations

from datetime import date

import pytest

from domain.dates import FundingPeriod
from domain.errors import InvalidInputError, RuleViolationError
from domain.money import Money
from domain.rules import RuleSet

from .after_award_builders import Office, build_office, euros, last_event, reference_plan, refused


@pytest.fixture
def office() -> Office:
    return build_office()


def simple_proof(office: Office, grant_id: object, **costs: str) -> None:
    office.app.submit_proof_of_use(
        grant_id,  # type: ignore[arg-type]
        "Die Begegnung fand statt; Teilnahmeliste liegt vor.",
        Money("1000.00"),
        Money("1500.00"),
        Money("500.00"),
        office.member,
        on=date(2026, 11, 15),
        summary_costs=euros(**costs),
    )


class TestSimpleProofOfUse:
    def test_the_summary_figures_are_the_actual_costs_and_the_final_amount_follows(self, office: Office) -> None:
        """70 % share of 10.000 €; the association sums up 9.000 € without receipts: 0,7 × 9.000 = 6.300 €."""
        grant_id = office.approved("share")
        office.pay(grant_id, "7000.00")
        simple_proof(office, grant_id, travel="3600.00", stay="2700.00", fees="1800.00", pr="900.00")

        grant = office.app.grant(grant_id)
        assert grant.proof is not None and grant.proof["simple"] is True
        assert grant.proof["actual_costs"]["travel"] == Money("3600.00")
        office.review(grant_id)
        claim_id = office.determine(grant_id)
        assert office.app.grant(grant_id).final_amount == Money("6300.00")
        assert claim_id is not None and office.app.claim(claim_id).principal == Money("700.00")

    def test_a_rule_set_that_wants_receipts_refuses_it_and_nothing_changes(self) -> None:
        office = build_office(rule_set=RuleSet.nrw_municipal(simple_proof=False))
        grant_id = office.approved("share")
        with refused(
            office.app, RuleViolationError, "rule_violation", "keinen einfachen Verwendungsnachweis", grant_id
        ):
            simple_proof(office, grant_id, travel="3600.00")
        assert office.app.grant(grant_id).proof is None

    def test_a_line_not_in_the_plan_or_no_costs_at_all_are_refused(self, office: Office) -> None:
        grant_id = office.approved("share")
        with refused(office.app, InvalidInputError, "invalid_input", "»catering« steht nicht", grant_id):
            simple_proof(office, grant_id, catering="100.00")
        with refused(office.app, InvalidInputError, "invalid_input", "nennt keine Kosten", grant_id):
            simple_proof(office, grant_id, travel="0.00")

    def test_the_federal_rules_want_the_full_proof(self) -> None:
        assert RuleSet.nrw_municipal().simple_proof and not RuleSet.federal().simple_proof


class TestDocumentRequests:
    def test_documents_due_on_a_holiday_are_due_on_the_next_working_day(self, office: Office) -> None:
        """Asked on 22.12.2026 for 25.12.2026 (Christmas Day, then a holiday Saturday and a Sunday): due
        Monday 28.12.2026."""
        with office.clock.at_least(date(2026, 12, 22)):
            grant_id = office.app.apply_for_grant(
                office.programme_id,
                office.organisation_id,
                "Winterbegegnung Zwickau",
                "Austausch",
                "Zwickau",
                FundingPeriod(date(2027, 1, 4), date(2027, 3, 31)),
                "share",
                reference_plan(),
                office.officer,
                on=date(2026, 12, 22),
            )
            office.app.request_documents(grant_id, "Satzung", date(2026, 12, 25), office.officer, on=date(2026, 12, 22))
        assert last_event(office.app, grant_id, "DocumentsRequested").due == date(2026, 12, 28)
