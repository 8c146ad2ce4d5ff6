"""Approving grants and amending them: four eyes, and never more than the programme's budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.actors import Role
from domain.dates import FundingPeriod
from domain.errors import (
    FourEyesError,
    InvalidInputError,
    InvalidStateError,
    NotPermittedError,
    OverBudgetError,
    PaymentRefusedError,
    RuleViolationError,
)
from domain.grant import APPROVED, REVIEWED
from domain.money import Money
from domain.rules import RuleSet
from tests.commitments import commitment_of

from .dortmund import FY2026, FY2027, INTERNATIONALE_BEZIEHUNGEN, SHARE_RATE, TODAY, Dortmund, need

SEVEN_THOUSAND = Money("7000.00")


class TestApprovingAGrant:
    def test_approval_fixes_the_terms_and_commits_the_amount_in_the_programme(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.reviewed()

        # act
        app.approve_grant(grant_id, SEVEN_THOUSAND, dortmund.approver, rate=SHARE_RATE, conditions="ANBest-P NRW")

        # assert
        grant = app.grant(grant_id)
        assert grant.status == APPROVED
        assert grant.approver_id == dortmund.approver.user_id
        assert grant.approved_on == TODAY
        assert grant.terms.amount == SEVEN_THOUSAND
        assert grant.terms.maximum == SEVEN_THOUSAND
        assert grant.terms.rule_set.version == "NRW-kommunal-2026"
        assert grant.terms.year_split == {"2026": SEVEN_THOUSAND}
        assert grant.terms.conditions == "ANBest-P NRW"
        programme = app.programme(dortmund.vereinsarbeit)
        assert programme.committed(FY2026) == SEVEN_THOUSAND
        assert programme.available(FY2026) == Money("13000.00")
        assert commitment_of(app, dortmund.vereinsarbeit, grant_id, FY2026) == SEVEN_THOUSAND

    def test_approval_by_the_reviewer_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        reviewer_as_approver = dortmund.also_as(dortmund.officer, Role.APPROVER)
        grant_id = dortmund.reviewed()  # reviewed by the officer

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(FourEyesError, match="Wer den Antrag geprüft hat, darf ihn nicht bewilligen") as refusal,
        ):
            app.approve_grant(grant_id, SEVEN_THOUSAND, reviewer_as_approver, rate=SHARE_RATE)

        assert refusal.value.code == "four_eyes"
        assert app.grant(grant_id).status == REVIEWED
        assert dortmund.committed() == Money.zero()

    def test_approval_by_the_applicant_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        applicant_as_approver = dortmund.also_as(dortmund.second_officer, Role.APPROVER)
        grant_id = dortmund.apply(actor=dortmund.second_officer)
        app.review_application(grant_id, True, True, "Vollständig.", dortmund.officer)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(FourEyesError, match="Den eigenen Antrag darf niemand bewilligen"),
        ):
            app.approve_grant(grant_id, SEVEN_THOUSAND, applicant_as_approver, rate=SHARE_RATE)

    def test_an_application_that_was_not_reviewed_cannot_be_approved(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(
                InvalidStateError, match="Bewilligen ist im Stand »Antrag eingegangen« nicht möglich"
            ) as refusal,
        ):
            dortmund.app.approve_grant(grant_id, SEVEN_THOUSAND, dortmund.approver, rate=SHARE_RATE)

        assert refusal.value.code == "invalid_state"

    @pytest.mark.parametrize("who", ["officer", "second_officer", "finance", "admin", "member"])
    def test_only_an_approver_may_approve(self, dortmund: Dortmund, who: str):
        grant_id = dortmund.reviewed()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(NotPermittedError, match="Bewilligen: nur Zeichnungsbefugte darf das") as refusal,
        ):
            dortmund.app.approve_grant(grant_id, SEVEN_THOUSAND, getattr(dortmund, who), rate=SHARE_RATE)

        assert refusal.value.code == "not_permitted"

    def test_approval_over_the_budget_is_refused_and_neither_grant_nor_programme_changes(self, dortmund: Dortmund):
        app = dortmund.app
        dortmund.approved()
        dortmund.approved()  # 14,000 € of 20,000 € committed
        grant_id = dortmund.reviewed()
        grant_version = app.grant(grant_id).version
        programme_version = app.programme(dortmund.vereinsarbeit).version

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(
                OverBudgetError,
                match=r"Das Budget 2026 des Programms IB-VEREINE reicht nicht: "
                r"verfügbar 6\.000,00 €, benötigt 7\.000,00 €",
            ) as refusal,
        ):
            app.approve_grant(grant_id, SEVEN_THOUSAND, dortmund.approver, rate=SHARE_RATE)

        assert refusal.value.code == "over_budget"
        grant = app.grant(grant_id)
        assert (grant.version, grant.status, grant.terms) == (grant_version, REVIEWED, None)
        assert app.programme(dortmund.vereinsarbeit).version == programme_version
        assert dortmund.committed() == Money("14000.00")

    def test_the_last_euro_of_the_budget_can_be_committed(self, dortmund: Dortmund):
        app = dortmund.app
        dortmund.approved()
        dortmund.approved()
        grant_id = dortmund.reviewed()

        app.approve_grant(grant_id, Money("6000.00"), dortmund.approver, rate=SHARE_RATE)

        assert app.programme(dortmund.vereinsarbeit).available(FY2026) == Money.zero()

    def test_terms_that_break_the_financing_rules_are_refused(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(
                RuleViolationError, match=r"60,00 % der Kosten sind 6\.000,00 €; bewilligt werden sollen 7\.000,00 €"
            ),
        ):
            dortmund.app.approve_grant(grant_id, SEVEN_THOUSAND, dortmund.approver, rate=Decimal("0.6"))

        assert dortmund.committed() == Money.zero()

    def test_share_financing_without_a_rate_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(RuleViolationError, match="Fördersatz über 0 %"),
        ):
            dortmund.app.approve_grant(grant_id, SEVEN_THOUSAND, dortmund.approver)

    def test_an_amount_below_the_application_is_approvable(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()

        dortmund.app.approve_grant(grant_id, Money("5000.00"), dortmund.approver, rate=Decimal("0.5"))

        assert dortmund.committed() == Money("5000.00")

    def test_a_closed_programme_refuses_the_approval(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.reviewed()
        app.close_programme(dortmund.vereinsarbeit, "Programm ausgelaufen", dortmund.admin)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(InvalidStateError, match="Das Förderprogramm IB-VEREINE ist geschlossen"),
        ):
            app.approve_grant(grant_id, SEVEN_THOUSAND, dortmund.approver, rate=SHARE_RATE)

    def test_a_share_for_a_fiscal_year_without_budget_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        crossing = FundingPeriod(date(2026, 9, 1), date(2027, 6, 30))
        grant_id = dortmund.reviewed(period=crossing)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(OverBudgetError, match="Das Programm IB-VEREINE hat für 2027 kein Budget"),
        ):
            app.approve_grant(
                grant_id,
                SEVEN_THOUSAND,
                dortmund.approver,
                rate=SHARE_RATE,
                year_split={FY2026: Money("4000.00"), FY2027: Money("3000.00")},
            )

        assert dortmund.committed() == Money.zero()

    def test_a_split_over_two_years_commits_each_years_share(self, dortmund: Dortmund):
        app = dortmund.app
        app.allocate_budget(
            dortmund.vereinsarbeit,
            FY2027,
            Money("10000.00"),
            INTERNATIONALE_BEZIEHUNGEN,
            "Haushalt 2027",
            dortmund.finance,
        )
        grant_id = dortmund.reviewed(period=FundingPeriod(date(2026, 9, 1), date(2027, 6, 30)))

        app.approve_grant(
            grant_id,
            SEVEN_THOUSAND,
            dortmund.approver,
            rate=SHARE_RATE,
            year_split={FY2026: Money("4000.00"), FY2027: Money("3000.00")},
        )

        assert dortmund.committed(year=FY2026) == Money("4000.00")
        assert dortmund.committed(year=FY2027) == Money("3000.00")

    def test_an_approved_grant_is_not_approved_twice(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(InvalidStateError, match="Bewilligen ist im Stand »Bewilligt« nicht möglich"),
        ):
            dortmund.app.approve_grant(grant_id, SEVEN_THOUSAND, dortmund.approver, rate=SHARE_RATE)

        assert dortmund.committed() == SEVEN_THOUSAND

    def test_an_approved_grant_keeps_its_rule_set_when_the_programme_revises_its_rules(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()

        app.revise_rule_set(
            dortmund.vereinsarbeit,
            RuleSet.nrw_municipal("NRW-kommunal-2027", drawdown_horizon="P1M"),
            "Neue Richtlinie",
            dortmund.admin,
        )

        assert app.grant(grant_id).terms.rule_set.version == "NRW-kommunal-2026"
        assert app.grant(grant_id).terms.rule_set.drawdown_horizon == "P2M"
        # and its payments still follow the two-month horizon of its own notice
        app.request_payment(grant_id, [need(date(2026, 5, 1), "1000.00")], "Bus", dortmund.member)


class TestAmendingAGrant:
    def test_an_approved_amendment_replaces_the_terms_and_adjusts_the_commitment(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        app.propose_amendment(grant_id, Money("6000.00"), "Weniger Teilnehmende", dortmund.officer, rate=Decimal("0.6"))

        # act
        app.approve_amendment(grant_id, dortmund.approver)

        # assert
        grant = app.grant(grant_id)
        assert grant.terms.amount == Money("6000.00")
        assert grant.pending_amendment is None
        assert dortmund.committed() == Money("6000.00")

    def test_a_proposal_alone_changes_neither_terms_nor_commitment(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()

        app.propose_amendment(grant_id, Money("6000.00"), "Weniger Teilnehmende", dortmund.officer)

        assert app.grant(grant_id).terms.amount == SEVEN_THOUSAND
        assert app.grant(grant_id).pending_amendment["proposed_by"] == dortmund.officer.user_id
        assert dortmund.committed() == SEVEN_THOUSAND

    def test_the_proposer_cannot_approve_their_own_amendment(self, dortmund: Dortmund):
        app = dortmund.app
        proposer_as_approver = dortmund.also_as(dortmund.officer, Role.APPROVER)
        grant_id = dortmund.approved()
        app.propose_amendment(grant_id, Money("6000.00"), "Weniger Teilnehmende", dortmund.officer)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(FourEyesError, match="Die eigene Änderung darf niemand selbst bewilligen") as refusal,
        ):
            app.approve_amendment(grant_id, proposer_as_approver)

        assert refusal.value.code == "four_eyes"
        assert app.grant(grant_id).terms.amount == SEVEN_THOUSAND

    def test_an_amendment_over_the_budget_is_refused_atomically(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        app.amend_budget(dortmund.vereinsarbeit, FY2026, Money("7500.00"), "Haushaltssperre", dortmund.finance)
        app.propose_amendment(grant_id, Money("8000.00"), "Gestiegene Buspreise", dortmund.officer, rate=Decimal("0.8"))
        grant_version = app.grant(grant_id).version
        programme_version = app.programme(dortmund.vereinsarbeit).version

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(OverBudgetError, match=r"verfügbar 500,00 €, benötigt 1\.000,00 €") as refusal,
        ):
            app.approve_amendment(grant_id, dortmund.approver)

        assert refusal.value.code == "over_budget"
        grant = app.grant(grant_id)
        assert grant.version == grant_version
        assert grant.terms.amount == SEVEN_THOUSAND
        assert grant.pending_amendment is not None
        assert app.programme(dortmund.vereinsarbeit).version == programme_version
        assert dortmund.committed() == SEVEN_THOUSAND

    def test_an_amendment_below_the_payments_already_requested_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        dortmund.requested(grant_id, "5000.00")

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(
                PaymentRefusedError,
                match=r"Der neue Betrag 4\.000,00 € liegt unter dem bereits abgerufenen Betrag 5\.000,00 €",
            ) as refusal,
        ):
            app.propose_amendment(
                grant_id, Money("4000.00"), "Weniger Teilnehmende", dortmund.officer, rate=Decimal("0.4")
            )

        assert refusal.value.code == "payment_refused"
        assert refusal.value.field == "amount"

    def test_an_amendment_overtaken_by_later_payment_requests_is_refused_on_approval(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        dortmund.requested(grant_id, "5000.00")
        app.propose_amendment(grant_id, Money("6000.00"), "Weniger Teilnehmende", dortmund.officer, rate=Decimal("0.6"))
        dortmund.requested(grant_id, "1500.00")  # 6,500 € requested now

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(PaymentRefusedError, match="Der neue Betrag liegt unter dem bereits abgerufenen Betrag"),
        ):
            app.approve_amendment(grant_id, dortmund.approver)

        assert dortmund.committed() == SEVEN_THOUSAND

    def test_a_second_proposal_while_one_is_pending_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        app.propose_amendment(grant_id, Money("6000.00"), "Weniger Teilnehmende", dortmund.officer)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="bereits eine offene Änderung"),
        ):
            app.propose_amendment(grant_id, Money("5000.00"), "Noch weniger", dortmund.second_officer)

    def test_an_amendment_that_breaks_the_financing_rules_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(RuleViolationError, match=r"70,00 % der Kosten sind 7\.000,00 €"),
        ):
            dortmund.app.propose_amendment(grant_id, Money("8000.00"), "Mehr Bus", dortmund.officer)

    def test_an_application_that_is_not_approved_cannot_be_amended(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="Nur bewilligte Zuwendungen können geändert werden"),
        ):
            dortmund.app.propose_amendment(grant_id, Money("6000.00"), "Weniger", dortmund.officer)

    def test_an_approver_cannot_propose_an_amendment(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Änderung vorbereiten: nur Sachbearbeitung"),
        ):
            dortmund.app.propose_amendment(grant_id, Money("6000.00"), "Weniger", dortmund.approver)

    def test_an_amendment_needs_a_reason(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidInputError, match="Die Begründung fehlt"):
            dortmund.app.propose_amendment(grant_id, Money("6000.00"), "", dortmund.officer)

    def test_approving_without_a_pending_amendment_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(InvalidStateError, match="Es liegt keine offene Änderung vor"),
        ):
            dortmund.app.approve_amendment(grant_id, dortmund.approver)

    def test_a_rejected_amendment_leaves_the_terms_and_needs_a_reason(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        app.propose_amendment(grant_id, Money("6000.00"), "Weniger Teilnehmende", dortmund.officer)
        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidInputError, match="Die Begründung fehlt"):
            app.reject_amendment(grant_id, " ", dortmund.approver)

        app.reject_amendment(grant_id, "Teilnehmerzahl unverändert", dortmund.approver)

        grant = app.grant(grant_id)
        assert grant.pending_amendment is None
        assert grant.terms.amount == SEVEN_THOUSAND
        assert dortmund.committed() == SEVEN_THOUSAND
