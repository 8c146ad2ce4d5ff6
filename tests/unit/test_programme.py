"""Programmes: budget pots that never commit more than their fiscal-year budget."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.actors import Actor, Role
from domain.errors import (
    AlreadyExistsError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    OverBudgetError,
)
from domain.money import Money
from domain.programme import Programme
from domain.rules import RuleSet

from .dortmund import FY2026, FY2027, INTERNATIONALE_BEZIEHUNGEN, Dortmund

ADMIN = Actor(uuid4(), Role.ADMIN)
FINANCE = Actor(uuid4(), Role.FINANCE)
APPROVER = Actor(uuid4(), Role.APPROVER)
JUGENDBEGEGNUNG = uuid4()
SCHUELERAUSTAUSCH = uuid4()


@pytest.fixture
def vereinsarbeit() -> Programme:
    """IB-VEREINE with 20,000 € for 2026, of which the Jugendbegegnung already holds 7,000 €."""
    programme = Programme.open(
        "ib-vereine",
        "Internationale Vereinsarbeit",
        "city",
        RuleSet.nrw_municipal(),
        {FY2026: (Money("20000.00"), INTERNATIONALE_BEZIEHUNGEN)},
        ADMIN,
    )
    programme.commit(JUGENDBEGEGNUNG, {FY2026: Money("7000.00")}, APPROVER)
    programme.collect_events()
    return programme


HELD = {FY2026: Money("7000.00")}  # what the Jugendbegegnung holds: its approved terms' split


@contextmanager
def unchanged(programme: Programme) -> Iterator[None]:
    """The refused command leaves version, pending events, budgets, commitments and rules alone."""

    def state() -> tuple[object, ...]:
        return (
            programme.version,
            len(programme.pending_events),
            copy.deepcopy(programme.budgets),
            copy.deepcopy(programme.committed_totals),
            programme.rule_set,
            list(programme.rule_set_history),
            programme.closed,
        )

    before = state()
    yield
    assert state() == before


class TestOpeningAProgramme:
    def test_the_code_is_normalised_and_the_budget_is_available(self, vereinsarbeit):
        assert vereinsarbeit.code == "IB-VEREINE"
        assert vereinsarbeit.id == Programme.create_id("IB-VEREINE")
        assert vereinsarbeit.budget(FY2026) == Money("20000.00")
        assert vereinsarbeit.posting(FY2026) == INTERNATIONALE_BEZIEHUNGEN
        assert vereinsarbeit.budget(FY2027) == Money.zero()
        assert vereinsarbeit.posting(FY2027) is None

    def test_only_an_admin_may_open_a_programme(self):
        with pytest.raises(NotPermittedError, match="Förderprogramm anlegen: nur Administration darf das") as refusal:
            Programme.open("IB-X", "X", "city", RuleSet.nrw_municipal(), {}, FINANCE)

        assert refusal.value.code == "not_permitted"

    @pytest.mark.parametrize("code", ["X", "IB VEREINE", "ÜBER", "-IB"])
    def test_a_malformed_code_is_refused(self, code):
        with pytest.raises(InvalidInputError, match="Programmkürzel") as refusal:
            Programme.open(code, "X", "city", RuleSet.nrw_municipal(), {}, ADMIN)

        assert refusal.value.field == "code"

    def test_an_unknown_funding_source_is_refused(self):
        with pytest.raises(InvalidInputError, match="Unbekannte Mittelherkunft »lottery«"):
            Programme.open("IB-X", "X", "lottery", RuleSet.nrw_municipal(), {}, ADMIN)

    def test_a_negative_budget_is_refused(self):
        with pytest.raises(InvalidInputError, match="Budget 2026 darf nicht negativ sein"):
            Programme.open(
                "IB-X",
                "X",
                "city",
                RuleSet.nrw_municipal(),
                {FY2026: (Money("-1.00"), INTERNATIONALE_BEZIEHUNGEN)},
                ADMIN,
            )

    def test_a_budget_without_posting_coordinates_is_refused(self):
        with pytest.raises(InvalidInputError, match="Budget 2026: Kontierung fehlt"):
            Programme.open("IB-X", "X", "city", RuleSet.nrw_municipal(), {FY2026: (Money("1.00"), None)}, ADMIN)

    def test_a_programme_without_a_rule_set_is_refused(self):
        with pytest.raises(InvalidInputError, match="braucht ein Regelwerk"):
            Programme.open("IB-X", "X", "city", None, {}, ADMIN)  # type: ignore[arg-type]


class TestCommittingFunds:
    def test_a_commitment_reduces_what_is_available(self, vereinsarbeit):
        # act
        vereinsarbeit.commit(SCHUELERAUSTAUSCH, {FY2026: Money("13000.00")}, APPROVER)

        # assert
        assert vereinsarbeit.committed(FY2026) == Money("20000.00")
        assert vereinsarbeit.available(FY2026) == Money.zero()
        [committed] = vereinsarbeit.collect_events()
        assert isinstance(committed, Programme.FundsCommitted)
        assert (committed.holder_id, committed.fiscal_year, committed.amount) == (
            SCHUELERAUSTAUSCH,
            2026,
            Money("13000.00"),
        )

    def test_one_cent_more_than_the_budget_is_refused_and_nothing_is_committed(self, vereinsarbeit):
        with (
            unchanged(vereinsarbeit),
            pytest.raises(
                OverBudgetError, match=r"reicht nicht: verfügbar 13\.000,00 €, benötigt 13\.000,01 €"
            ) as refusal,
        ):
            vereinsarbeit.commit(SCHUELERAUSTAUSCH, {FY2026: Money("13000.01")}, APPROVER)

        assert refusal.value.code == "over_budget"
        assert vereinsarbeit.committed(FY2026) == Money("7000.00")

    def test_a_commitment_for_a_year_without_budget_is_refused(self, vereinsarbeit):
        with (
            unchanged(vereinsarbeit),
            pytest.raises(OverBudgetError, match="Das Programm IB-VEREINE hat für 2027 kein Budget") as refusal,
        ):
            vereinsarbeit.commit(SCHUELERAUSTAUSCH, {FY2027: Money("100.00")}, APPROVER)

        assert refusal.value.field == "fiscal_year"

    def test_a_split_is_refused_as_a_whole_when_one_year_overruns(self, vereinsarbeit):
        vereinsarbeit.allocate_budget(FY2027, Money("5000.00"), INTERNATIONALE_BEZIEHUNGEN, "Haushalt 2027", ADMIN)
        vereinsarbeit.collect_events()

        with unchanged(vereinsarbeit), pytest.raises(OverBudgetError, match="Das Budget 2027"):
            vereinsarbeit.commit(SCHUELERAUSTAUSCH, {FY2026: Money("1000.00"), FY2027: Money("5000.01")}, APPROVER)

        assert vereinsarbeit.committed(FY2026) == Money("7000.00")
        assert vereinsarbeit.committed(FY2027) == Money.zero()

    def test_a_negative_commitment_is_refused_even_for_a_holder_with_funds_committed(self, vereinsarbeit):
        with unchanged(vereinsarbeit), pytest.raises(InvalidInputError, match="Mittelbindung darf nicht negativ sein"):
            vereinsarbeit.commit(JUGENDBEGEGNUNG, {FY2026: Money("-7000.00")}, APPROVER)

        assert vereinsarbeit.committed(FY2026) == Money("7000.00")

    def test_a_closed_programme_refuses_commitments(self, vereinsarbeit):
        vereinsarbeit.close("Programm ausgelaufen", ADMIN)
        vereinsarbeit.collect_events()

        with unchanged(vereinsarbeit), pytest.raises(InvalidStateError, match="IB-VEREINE ist geschlossen") as refusal:
            vereinsarbeit.commit(SCHUELERAUSTAUSCH, {FY2026: Money("100.00")}, APPROVER)

        assert refusal.value.code == "invalid_state"

    def test_adjusting_a_commitment_down_frees_the_difference(self, vereinsarbeit):
        vereinsarbeit.adjust_commitment(
            JUGENDBEGEGNUNG, {FY2026: Money("5000.00")}, "Änderungsbescheid", APPROVER, current=HELD
        )

        assert vereinsarbeit.available(FY2026) == Money("15000.00")

    def test_adjusting_a_commitment_up_beyond_the_budget_is_refused(self, vereinsarbeit):
        with (
            unchanged(vereinsarbeit),
            pytest.raises(OverBudgetError, match=r"verfügbar 13\.000,00 €, benötigt 13\.000,01 €"),
        ):
            vereinsarbeit.adjust_commitment(
                JUGENDBEGEGNUNG, {FY2026: Money("20000.01")}, "Änderung", APPROVER, current=HELD
            )

    def test_years_left_out_of_an_adjustment_go_to_zero(self, vereinsarbeit):
        vereinsarbeit.allocate_budget(FY2027, Money("5000.00"), INTERNATIONALE_BEZIEHUNGEN, "Haushalt 2027", ADMIN)

        vereinsarbeit.collect_events()
        vereinsarbeit.adjust_commitment(
            JUGENDBEGEGNUNG, {FY2027: Money("2000.00")}, "Verschiebung", APPROVER, current=HELD
        )

        assert (vereinsarbeit.committed(FY2026), vereinsarbeit.committed(FY2027)) == (Money.zero(), Money("2000.00"))
        assert [(e.fiscal_year, e.previous, e.amount) for e in vereinsarbeit.collect_events()] == [
            (2026, Money("7000.00"), Money.zero()),
            (2027, Money.zero(), Money("2000.00")),
        ]


class TestChangingTheBudget:
    def test_the_budget_may_shrink_down_to_what_is_committed(self, vereinsarbeit):
        vereinsarbeit.amend_budget(FY2026, Money("7000.00"), "Haushaltssperre", FINANCE)

        assert vereinsarbeit.available(FY2026) == Money.zero()

    def test_the_budget_may_not_shrink_below_what_is_committed(self, vereinsarbeit):
        with (
            unchanged(vereinsarbeit),
            pytest.raises(
                OverBudgetError, match=r"kann nicht unter die gebundenen Mittel \(7\.000,00 €\) sinken"
            ) as refusal,
        ):
            vereinsarbeit.amend_budget(FY2026, Money("6999.99"), "Haushaltssperre", FINANCE)

        assert refusal.value.code == "over_budget"

    def test_amending_a_year_without_budget_is_refused(self, vereinsarbeit):
        with unchanged(vereinsarbeit), pytest.raises(NotFoundError, match="Für 2027 ist kein Budget bereitgestellt"):
            vereinsarbeit.amend_budget(FY2027, Money("1000.00"), "Nachtrag", FINANCE)

    def test_amending_to_the_same_amount_is_refused(self, vereinsarbeit):
        with unchanged(vereinsarbeit), pytest.raises(InvalidInputError, match="bereits so hoch"):
            vereinsarbeit.amend_budget(FY2026, Money("20000.00"), "Nachtrag", FINANCE)

    def test_a_budget_change_needs_a_reason(self, vereinsarbeit):
        with unchanged(vereinsarbeit), pytest.raises(InvalidInputError, match="Begründung") as refusal:
            vereinsarbeit.amend_budget(FY2026, Money("25000.00"), "  ", FINANCE)

        assert refusal.value.field == "reason"

    def test_an_approver_may_not_change_the_budget(self, vereinsarbeit):
        with (
            unchanged(vereinsarbeit),
            pytest.raises(NotPermittedError, match="Budget ändern: nur Administration oder Kämmerei"),
        ):
            vereinsarbeit.amend_budget(FY2026, Money("25000.00"), "Nachtrag", APPROVER)

    def test_a_second_budget_for_the_same_year_is_refused(self, vereinsarbeit):
        with unchanged(vereinsarbeit), pytest.raises(InvalidStateError, match="Für 2026 gibt es bereits ein Budget"):
            vereinsarbeit.allocate_budget(FY2026, Money("1.00"), INTERNATIONALE_BEZIEHUNGEN, "Nachtrag", ADMIN)

    def test_a_closed_programme_refuses_budget_changes(self, vereinsarbeit):
        vereinsarbeit.close("Programm ausgelaufen", ADMIN)
        vereinsarbeit.collect_events()

        with unchanged(vereinsarbeit), pytest.raises(InvalidStateError, match="geschlossen"):
            vereinsarbeit.amend_budget(FY2026, Money("25000.00"), "Nachtrag", FINANCE)

    def test_closing_twice_is_refused(self, vereinsarbeit):
        vereinsarbeit.close("Programm ausgelaufen", ADMIN)
        vereinsarbeit.collect_events()

        with unchanged(vereinsarbeit), pytest.raises(InvalidStateError, match="geschlossen"):
            vereinsarbeit.close("noch einmal", ADMIN)


class TestRevisingTheRuleSet:
    def test_a_new_version_applies_and_the_old_one_stays_in_the_history(self, vereinsarbeit):
        revised = RuleSet.nrw_municipal("NRW-kommunal-2027", min_own_share=Decimal("0.15"))

        vereinsarbeit.revise_rule_set(revised, "Ratsbeschluss vom 12.02.2027", ADMIN)

        assert vereinsarbeit.rule_set == revised
        assert [r.version for r in vereinsarbeit.rule_set_history] == ["NRW-kommunal-2026", "NRW-kommunal-2027"]

    def test_a_version_is_immutable_so_reusing_its_name_is_refused(self, vereinsarbeit):
        changed = RuleSet.nrw_municipal(min_own_share=Decimal("0.15"))  # same version name, other content

        with (
            unchanged(vereinsarbeit),
            pytest.raises(
                InvalidInputError, match="»NRW-kommunal-2026« gibt es schon; Versionen sind unveränderlich"
            ) as refusal,
        ):
            vereinsarbeit.revise_rule_set(changed, "Korrektur", ADMIN)

        assert refusal.value.field == "rule_set"
        assert vereinsarbeit.rule_set.min_own_share == Decimal("0.10")

    def test_only_an_admin_may_revise_the_rules(self, vereinsarbeit):
        with unchanged(vereinsarbeit), pytest.raises(NotPermittedError, match="Regelwerk ändern"):
            vereinsarbeit.revise_rule_set(RuleSet.nrw_municipal("v2"), "Neu", FINANCE)


class TestProgrammesThroughTheOffice:
    def test_a_programme_code_can_be_used_only_once(self, dortmund: Dortmund):
        app = dortmund.app

        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(AlreadyExistsError, match="Das Programmkürzel IB-VEREINE ist bereits vergeben") as refusal,
        ):
            app.open_programme("ib-vereine", "Doppelt", "city", RuleSet.nrw_municipal(), {}, dortmund.admin)

        assert refusal.value.code == "already_exists"

    def test_an_officer_cannot_open_a_programme(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(NotPermittedError, match="Förderprogramm anlegen") as refusal:
            dortmund.app.open_programme("IB-NEU", "Neu", "city", RuleSet.nrw_municipal(), {}, dortmund.officer)

        assert refusal.value.code == "not_permitted"

    def test_amending_the_budget_below_commitments_is_refused_and_nothing_is_recorded(self, dortmund: Dortmund):
        dortmund.approved()

        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(OverBudgetError, match=r"gebundenen Mittel \(7\.000,00 €\)"),
        ):
            dortmund.app.amend_budget(dortmund.vereinsarbeit, FY2026, Money("6000.00"), "Kürzung", dortmund.finance)

        assert dortmund.app.programme(dortmund.vereinsarbeit).budget(FY2026) == Money("20000.00")

    def test_an_unknown_programme_is_not_found(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(NotFoundError, match="Dieses Förderprogramm gibt es nicht") as refusal,
        ):
            dortmund.app.amend_budget(uuid4(), FY2026, Money("1.00"), "Kürzung", dortmund.finance)

        assert refusal.value.code == "not_found"

    def test_an_organisation_id_is_not_a_programme(self, dortmund: Dortmund):
        with pytest.raises(NotFoundError, match="Dieses Förderprogramm gibt es nicht"):
            dortmund.app.programme(dortmund.auslandsgesellschaft)
