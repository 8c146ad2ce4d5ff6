"""Applying, asking for documents, reviewing, rejecting and withdrawing — through the FundingOffice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.actors import Role
from domain.dates import FundingPeriod
from domain.errors import (
    AlreadyExistsError,
    FourEyesError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    RuleViolationError,
)
from domain.grant import APPLIED, DOCUMENTS_REQUESTED, REJECTED, REVIEWED, WITHDRAWN
from domain.money import Money
from domain.rules import RuleSet

from .dortmund import SHARE_RATE, TODAY, Dortmund, amiens_plan, small_plan


class TestApplyingForAGrant:
    def test_an_association_member_applies_for_their_own_association(self, dortmund: Dortmund):
        # act
        grant_id = dortmund.apply(actor=dortmund.member, partner_city_name=" amiens ")

        # assert
        grant = dortmund.app.grant(grant_id)
        assert grant.status == APPLIED
        assert grant.organisation_id == dortmund.auslandsgesellschaft
        assert grant.applicant_id == dortmund.member.user_id
        assert grant.partner_city == "Amiens"
        assert grant.applied_on == TODAY
        assert grant.file_number.startswith("IB-2026-")
        assert grant.plan == amiens_plan()

    def test_the_file_number_gives_the_grant_its_identity_and_is_used_only_once(self, dortmund: Dortmund):
        grant_id = dortmund.apply(file_number="IB-2026-001")
        assert dortmund.app.grant(grant_id).file_number == "IB-2026-001"

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(AlreadyExistsError, match="Das Aktenzeichen IB-2026-001 ist bereits vergeben") as refusal,
        ):
            dortmund.apply(file_number="IB-2026-001", title="Zweiter Antrag")

        assert refusal.value.code == "already_exists"

    def test_a_financing_type_the_programme_does_not_allow_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(
                RuleViolationError, match="Vollfinanzierung ist in diesem Programm nicht zulässig"
            ) as refusal,
        ):
            dortmund.apply(financing_type="full")

        assert refusal.value.code == "rule_violation"
        assert refusal.value.field == "financing_type"

    def test_deficit_financing_is_refused_under_federal_rules(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.skew),
            pytest.raises(RuleViolationError, match="Fehlbedarfsfinanzierung ist in diesem Programm nicht zulässig"),
        ):
            dortmund.apply(dortmund.skew, financing_type="deficit")

    def test_an_unknown_financing_type_is_refused(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match="Unbekannte Finanzierungsart"):
            dortmund.apply(financing_type="Zuschuss")

    def test_a_grant_below_the_programme_minimum_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(
                RuleViolationError, match="Beantragt sind 249,99 €; das Programm fördert ab 250,00 €"
            ) as refusal,
        ):
            dortmund.apply(plan=small_plan("249.99"))

        assert refusal.value.field == "grant"

    def test_a_grant_of_exactly_the_minimum_is_accepted(self, dortmund: Dortmund):
        grant_id = dortmund.apply(plan=small_plan("250.00"))

        assert dortmund.app.grant(grant_id).plan.grant == Money("250.00")

    def test_a_grant_above_the_programme_maximum_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        capped = RuleSet.nrw_municipal("NRW-kommunal-2026-b", max_grant=Money("5000.00"))
        app.revise_rule_set(dortmund.vereinsarbeit, capped, "Deckelung laut Ratsbeschluss", dortmund.admin)

        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(
                RuleViolationError, match=r"Beantragt sind 7\.000,00 €; das Programm fördert höchstens 5\.000,00 €"
            ) as refusal,
        ):
            dortmund.apply()

        assert refusal.value.field == "grant"

    def test_an_own_share_below_ten_percent_is_refused(self, dortmund: Dortmund):
        plan = amiens_plan(own_funds="999.99", third_party="1500.01")

        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(
                RuleViolationError, match="Der Eigenanteil beträgt 9,99 % der Kosten; verlangt sind mindestens 10 %"
            ) as refusal,
        ):
            dortmund.apply(plan=plan)

        assert refusal.value.field == "own_funds"

    def test_a_city_that_is_not_a_partner_city_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(InvalidInputError, match="»Paris« ist keine Partnerstadt Dortmunds") as refusal,
        ):
            dortmund.apply(partner_city_name="Paris")

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "partner_city"

    def test_the_paused_partnership_with_rostow_am_don_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(
                RuleViolationError,
                match=r"Die Partnerschaft mit Rostow am Don ist ausgesetzt \(Kontakte ruhen seit 2022\)",
            ) as refusal,
        ):
            dortmund.apply(partner_city_name="Rostow am Don")

        assert refusal.value.code == "rule_violation"
        assert refusal.value.field == "partner_city"

    def test_partner_cities_are_found_whatever_the_apostrophe(self, dortmund: Dortmund):
        grant_id = dortmund.apply(partner_city_name="xi´an")

        assert dortmund.app.grant(grant_id).partner_city == "Xi'an"

    def test_a_closed_programme_takes_no_applications(self, dortmund: Dortmund):
        app = dortmund.app
        app.close_programme(dortmund.vereinsarbeit, "Programm ausgelaufen", dortmund.admin)

        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(
                InvalidStateError, match="Das Förderprogramm IB-VEREINE nimmt keine Anträge mehr an"
            ) as refusal,
        ):
            dortmund.apply()

        assert refusal.value.code == "invalid_state"

    def test_an_association_member_cannot_apply_for_another_association(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(
                NotPermittedError, match="Antrag stellen: Sie können nur für Ihren eigenen Verein handeln"
            ) as refusal,
        ):
            dortmund.apply(actor=dortmund.member, organisation_id=dortmund.deutsch_franzoesisch)

        assert refusal.value.code == "not_permitted"

    @pytest.mark.parametrize("who", ["finance", "approver", "auditor", "admin"])
    def test_only_associations_and_officers_may_apply(self, dortmund: Dortmund, who: str):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(NotPermittedError, match="Antrag stellen: nur Verein oder Sachbearbeitung"),
        ):
            dortmund.apply(actor=getattr(dortmund, who))

    def test_a_funding_period_that_is_already_over_is_refused(self, dortmund: Dortmund):
        past = FundingPeriod(date(2026, 1, 1), date(2026, 2, 28))

        with (
            dortmund.nothing_recorded(),
            pytest.raises(RuleViolationError, match="Der Förderzeitraum ist bereits vorbei") as refusal,
        ):
            dortmund.apply(period=past)

        assert refusal.value.field == "period_end"

    def test_an_unknown_organisation_is_not_found(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(NotFoundError, match="Diese Organisation gibt es nicht"):
            dortmund.apply(organisation_id=uuid4())

    def test_a_contact_person_of_another_organisation_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        person = app.add_contact_person(
            dortmund.deutsch_franzoesisch,
            "Claire Martin",
            "Vorsitz",
            "claire@dfg-dortmund.de",
            "+49 231 123456",
            dortmund.officer,
        )

        with (
            dortmund.nothing_recorded(),
            pytest.raises(NotFoundError, match="Diese Ansprechperson gehört nicht zur Organisation") as refusal,
        ):
            dortmund.apply(contact_person_id=person)

        assert refusal.value.field == "contact_person_id"

    @pytest.mark.parametrize(("field", "value"), [("title", "  "), ("purpose", "")])
    def test_an_application_without_title_or_purpose_is_refused(self, dortmund: Dortmund, field: str, value: str):
        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match="fehlt") as refusal:
            dortmund.apply(**{field: value})

        assert refusal.value.field == field

    def test_a_business_date_that_is_a_datetime_is_refused(self, dortmund: Dortmund):
        from datetime import datetime

        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match="Das Datum ist ungültig"):
            dortmund.apply(on=datetime(2026, 3, 1, 12, 0))


class TestRequestingDocuments:
    def test_requested_documents_hold_the_application_until_they_arrive(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.apply()

        request_id = app.request_documents(
            grant_id, "Satzung und Freistellungsbescheid", date(2026, 3, 31), dortmund.officer
        )
        assert app.grant(grant_id).status == DOCUMENTS_REQUESTED

        app.receive_documents(grant_id, request_id, "Satzung anbei", dortmund.member)
        assert app.grant(grant_id).status == APPLIED
        assert app.grant(grant_id).open_document_requests == []

    def test_the_application_waits_until_every_request_is_answered(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.apply()
        satzung = app.request_documents(grant_id, "Satzung", date(2026, 3, 31), dortmund.officer)
        app.request_documents(grant_id, "Kostenvoranschlag Busunternehmen", date(2026, 3, 31), dortmund.officer)

        app.receive_documents(grant_id, satzung, "", dortmund.member)

        assert app.grant(grant_id).status == DOCUMENTS_REQUESTED

    def test_documents_for_an_unknown_request_are_refused(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotFoundError, match="Zu dieser Anforderung sind keine Unterlagen offen") as refusal,
        ):
            dortmund.app.receive_documents(grant_id, uuid4(), "", dortmund.member)

        assert refusal.value.field == "request_id"

    def test_documents_cannot_be_received_twice_for_one_request(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.apply()
        request_id = app.request_documents(grant_id, "Satzung", date(2026, 3, 31), dortmund.officer)
        app.receive_documents(grant_id, request_id, "", dortmund.member)

        with dortmund.nothing_recorded(grant_id), pytest.raises(NotFoundError, match="keine Unterlagen offen"):
            app.receive_documents(grant_id, request_id, "", dortmund.member)

    def test_a_due_date_in_the_past_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                InvalidInputError, match="Die Frist für die Unterlagen liegt in der Vergangenheit"
            ) as refusal,
        ):
            dortmund.app.request_documents(grant_id, "Satzung", date(2026, 2, 28), dortmund.officer)

        assert refusal.value.field == "due"

    def test_an_association_member_cannot_request_documents(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Unterlagen anfordern: nur Sachbearbeitung"),
        ):
            dortmund.app.request_documents(grant_id, "Satzung", date(2026, 3, 31), dortmund.member)

    def test_another_association_cannot_hand_in_the_documents(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.apply()
        request_id = app.request_documents(grant_id, "Satzung", date(2026, 3, 31), dortmund.officer)
        jeanne = dortmund.person(
            "jeanne.dupont@dfg-dortmund.de", "Jeanne Dupont", Role.ASSOCIATION, dortmund.deutsch_franzoesisch
        )

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                NotPermittedError, match="Unterlagen einreichen: Sie können nur für Ihren eigenen Verein handeln"
            ),
        ):
            app.receive_documents(grant_id, request_id, "", jeanne)

    def test_a_request_after_the_review_voids_the_review(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.reviewed()
        request_id = app.request_documents(grant_id, "Nachweis Gemeinnützigkeit", date(2026, 3, 31), dortmund.officer)
        app.receive_documents(grant_id, request_id, "", dortmund.member)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(InvalidStateError, match="Bewilligen ist im Stand »Antrag eingegangen« nicht möglich"),
        ):
            app.approve_grant(grant_id, Money("7000.00"), dortmund.approver, rate=SHARE_RATE)

        assert app.grant(grant_id).reviewer_id is None


class TestReviewingAnApplication:
    def test_the_review_records_the_reviewer_and_the_result(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        dortmund.app.review_application(grant_id, True, True, "Vollständig.", dortmund.officer)

        grant = dortmund.app.grant(grant_id)
        assert (grant.status, grant.reviewer_id, grant.review_passed) == (REVIEWED, dortmund.officer.user_id, True)

    def test_an_approver_cannot_review(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Antrag prüfen: nur Sachbearbeitung") as refusal,
        ):
            dortmund.app.review_application(grant_id, True, True, "passt", dortmund.approver)

        assert refusal.value.code == "not_permitted"

    def test_a_reviewed_application_is_not_reviewed_again(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="Antrag prüfen ist im Stand »Geprüft« nicht möglich"),
        ):
            dortmund.app.review_application(grant_id, True, True, "noch einmal", dortmund.second_officer)

    def test_a_review_without_notes_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="Der Prüfvermerk fehlt") as refusal,
        ):
            dortmund.app.review_application(grant_id, True, True, " ", dortmund.officer)

        assert refusal.value.field == "notes"

    def test_a_review_result_must_be_yes_or_no(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidInputError, match="ja oder nein"):
            dortmund.app.review_application(grant_id, "ja", True, "passt", dortmund.officer)  # type: ignore[arg-type]

    def test_a_failed_review_can_only_lead_to_a_rejection(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.apply()
        app.review_application(grant_id, True, False, "Kein Bezug zur Städtepartnerschaft.", dortmund.officer)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(InvalidStateError, match="Die Prüfung war nicht erfolgreich") as refusal,
        ):
            app.approve_grant(grant_id, Money("7000.00"), dortmund.approver, rate=SHARE_RATE)

        assert refusal.value.field == "review"
        assert dortmund.committed() == Money.zero()


class TestRejectingAnApplication:
    def test_an_approver_rejects_with_a_reason(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()

        dortmund.app.reject_application(grant_id, "Mittel für 2026 ausgeschöpft.", dortmund.approver)

        assert dortmund.app.grant(grant_id).status == REJECTED

    @pytest.mark.parametrize(
        ("reason", "message"), [("", "Die Begründung fehlt"), ("no", "Bitte eine Begründung angeben")]
    )
    def test_a_rejection_needs_a_reason(self, dortmund: Dortmund, reason: str, message: str):
        grant_id = dortmund.reviewed()

        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidInputError, match=message) as refusal:
            dortmund.app.reject_application(grant_id, reason, dortmund.approver)

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "reason"
        assert dortmund.app.grant(grant_id).status == REVIEWED

    def test_finance_cannot_reject(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Ablehnen: nur Zeichnungsbefugte oder Sachbearbeitung"),
        ):
            dortmund.app.reject_application(grant_id, "Keine Mittel", dortmund.finance)

    def test_an_approved_grant_cannot_be_rejected(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="Ablehnen ist im Stand »Bewilligt« nicht möglich"),
        ):
            dortmund.app.reject_application(grant_id, "Doch nicht", dortmund.approver)

    def test_a_rejected_application_cannot_be_approved(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()
        dortmund.app.reject_application(grant_id, "Kein Bezug zur Partnerstadt.", dortmund.approver)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(InvalidStateError, match="Bewilligen ist im Stand »Abgelehnt« nicht möglich"),
        ):
            dortmund.app.approve_grant(grant_id, Money("7000.00"), dortmund.approver, rate=Decimal("0.7"))


class TestWithdrawingAnApplication:
    def test_the_association_withdraws_its_own_application(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        dortmund.app.withdraw_application(grant_id, "Reise findet nicht statt.", dortmund.member)

        assert dortmund.app.grant(grant_id).status == WITHDRAWN

    def test_withdrawal_after_approval_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(
                InvalidStateError, match="Antrag zurückziehen ist im Stand »Bewilligt« nicht möglich"
            ) as refusal,
        ):
            dortmund.app.withdraw_application(grant_id, "Reise findet nicht statt.", dortmund.member)

        assert refusal.value.code == "invalid_state"
        assert dortmund.committed() == Money("7000.00")

    def test_another_association_cannot_withdraw_the_application(self, dortmund: Dortmund):
        grant_id = dortmund.apply()
        jeanne = dortmund.person(
            "jeanne.dupont@dfg-dortmund.de", "Jeanne Dupont", Role.ASSOCIATION, dortmund.deutsch_franzoesisch
        )

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                NotPermittedError, match="Antrag zurückziehen: Sie können nur für Ihren eigenen Verein handeln"
            ),
        ):
            dortmund.app.withdraw_application(grant_id, "Sabotage", jeanne)

    def test_a_withdrawal_needs_a_reason(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidInputError, match="Die Begründung fehlt"):
            dortmund.app.withdraw_application(grant_id, "", dortmund.member)

    def test_a_withdrawn_application_cannot_be_reviewed(self, dortmund: Dortmund):
        grant_id = dortmund.apply()
        dortmund.app.withdraw_application(grant_id, "Reise findet nicht statt.", dortmund.member)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="Antrag prüfen ist im Stand »Zurückgezogen« nicht möglich"),
        ):
            dortmund.app.review_application(grant_id, True, True, "passt", dortmund.officer)


class TestUnknownGrants:
    def test_a_command_for_an_unknown_grant_is_refused_as_not_found(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(NotFoundError, match="Diese Zuwendung gibt es nicht") as refusal,
        ):
            dortmund.app.review_application(uuid4(), True, True, "passt", dortmund.officer)

        assert refusal.value.code == "not_found"

    def test_a_programme_id_is_not_a_grant(self, dortmund: Dortmund):
        with pytest.raises(NotFoundError, match="Diese Zuwendung gibt es nicht"):
            dortmund.app.grant(dortmund.vereinsarbeit)


def test_four_eyes_errors_are_a_kind_of_not_permitted():
    assert issubclass(FourEyesError, NotPermittedError)
    assert FourEyesError("x").code == "four_eyes"


class TestTheRefusalCheck:
    """``nothing_recorded`` must notice a recorded event, or every refusal test above proves nothing."""

    def test_it_fails_when_the_block_records_an_event(self, dortmund: Dortmund):
        with (
            pytest.raises(AssertionError, match="a refused command must not record anything"),
            dortmund.nothing_recorded(),
        ):
            dortmund.apply()

    def test_it_fails_when_an_aggregate_moves_on(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            pytest.raises(AssertionError, match="a refused command must not record anything"),
            dortmund.nothing_recorded(grant_id),
        ):
            dortmund.app.review_application(grant_id, True, True, "passt", dortmund.officer)


class TestDocumentsAfterTheDecision:
    def test_documents_arriving_after_a_withdrawal_do_not_reopen_the_application(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.apply()
        request = app.request_documents(grant_id, "Teilnehmerliste", date(2026, 3, 20), dortmund.officer)
        app.withdraw_application(grant_id, "Die Begegnung fällt aus.", dortmund.member)

        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidStateError, match="Zurückgezogen"):
            app.receive_documents(grant_id, request, "", dortmund.member)

        assert app.grant(grant_id).status == "withdrawn"
