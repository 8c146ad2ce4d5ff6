"""Payments: requested within the horizon, certified, released by someone else, booked by finance."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.actors import Role
from domain.errors import (
    FourEyesError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    PaymentRefusedError,
)
from domain.grant import BOOKED, CANCELLED, CERTIFIED, RELEASED, REQUESTED
from domain.money import Money

from .dortmund import Dortmund, need


def payment(dortmund: Dortmund, grant_id, payment_id) -> dict:
    return dortmund.app.grant(grant_id).payments[payment_id.hex]


class TestTheWholeWay:
    def test_requested_certified_released_and_booked_it_counts_as_paid(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()

        payment_id = app.request_payment(
            grant_id,
            [need(date(2026, 4, 1), "2500.00"), need(date(2026, 4, 15), "500.00", "Jugendherberge")],
            "Anzahlungen",
            dortmund.member,
        )
        app.certify_payment(grant_id, payment_id, dortmund.officer)
        app.release_payment(grant_id, payment_id, dortmund.finance)
        dortmund.book(grant_id, payment_id, date(2026, 3, 5))

        grant = app.grant(grant_id)
        entry = grant.payments[payment_id.hex]
        assert entry["amount"] == Money("3000.00")
        assert (entry["status"], entry["requested_by"], entry["certified_by"], entry["released_by"]) == (
            BOOKED,
            dortmund.member.user_id,
            dortmund.officer.user_id,
            dortmund.finance.user_id,
        )
        assert entry["value_date"] == date(2026, 3, 5)
        assert grant.paid == Money("3000.00")
        assert grant.committed_payments == Money("3000.00")

    def test_an_approver_may_release_as_the_second_pair_of_eyes(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.certified(grant_id)

        dortmund.app.release_payment(grant_id, payment_id, dortmund.approver)

        assert payment(dortmund, grant_id, payment_id)["status"] == RELEASED


class TestRequestingAPayment:
    def test_no_payment_is_requested_before_approval(self, dortmund: Dortmund):
        grant_id = dortmund.reviewed()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                PaymentRefusedError, match="Mittel können nur nach der Bewilligung abgerufen werden"
            ) as refusal,
        ):
            dortmund.requested(grant_id)

        assert refusal.value.code == "payment_refused"

    @pytest.mark.parametrize("on", [date(2026, 11, 1), date(2027, 1, 15)])
    def test_a_request_after_the_funding_period_is_refused(self, dortmund: Dortmund, on: date):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                PaymentRefusedError, match=r"Abrufe sind nur im Förderzeitraum \(01\.03\.2026–31\.10\.2026\) möglich"
            ) as refusal,
        ):
            dortmund.app.request_payment(grant_id, [need(on, "1000.00")], "Bus", dortmund.member, on=on)

        assert refusal.value.field == "on"

    def test_a_request_before_the_funding_period_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with dortmund.nothing_recorded(grant_id), pytest.raises(PaymentRefusedError, match="nur im Förderzeitraum"):
            dortmund.app.request_payment(
                grant_id, [need(date(2026, 3, 1), "1000.00")], "Bus", dortmund.member, on=date(2026, 2, 28)
            )

    def test_a_request_on_the_last_day_of_the_period_is_accepted(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        dortmund.app.request_payment(
            grant_id, [need(date(2026, 10, 31), "1000.00")], "Schlussrate", dortmund.member, on=date(2026, 10, 31)
        )

        assert dortmund.app.grant(grant_id).committed_payments == Money("1000.00")

    def test_needs_due_exactly_two_months_ahead_may_be_drawn_under_nrw_rules(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        dortmund.app.request_payment(grant_id, [need(date(2026, 5, 1), "1000.00")], "Bus", dortmund.member)

        assert dortmund.app.grant(grant_id).committed_payments == Money("1000.00")

    def test_needs_due_beyond_two_months_are_refused_under_nrw_rules(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                PaymentRefusedError,
                match=r"Der Bedarf vom 02\.05\.2026 ist erst nach dem 01\.05\.2026 fällig; .* innerhalb von 2 Monaten",
            ) as refusal,
        ):
            dortmund.app.request_payment(
                grant_id, [need(date(2026, 4, 1), "500.00"), need(date(2026, 5, 2), "500.00")], "Bus", dortmund.member
            )

        assert refusal.value.field == "needs"

    def test_the_horizon_counts_from_the_business_date_of_the_request(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(PaymentRefusedError, match=r"erst nach dem 30\.06\.2026 fällig"),
        ):
            dortmund.app.request_payment(
                grant_id, [need(date(2026, 7, 1), "500.00")], "Bus", dortmund.member, on=date(2026, 4, 30)
            )

    def test_needs_due_within_six_weeks_may_be_drawn_under_federal_rules(self, dortmund: Dortmund):
        grant_id = dortmund.approved(dortmund.skew)

        dortmund.app.request_payment(grant_id, [need(date(2026, 4, 12), "1000.00")], "Bus", dortmund.member)

        assert dortmund.app.grant(grant_id).committed_payments == Money("1000.00")

    def test_needs_due_beyond_six_weeks_are_refused_under_federal_rules(self, dortmund: Dortmund):
        grant_id = dortmund.approved(dortmund.skew)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(PaymentRefusedError, match=r"erst nach dem 12\.04\.2026 fällig; .* innerhalb von 6 Wochen"),
        ):
            dortmund.app.request_payment(grant_id, [need(date(2026, 4, 13), "1000.00")], "Bus", dortmund.member)

    def test_cumulative_requests_above_the_approved_amount_are_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        dortmund.requested(grant_id, "3000.00")

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                PaymentRefusedError,
                match=r"Abgerufen werden sollen 4\.000,01 €, offen sind nur noch 4\.000,00 € von 7\.000,00 €",
            ) as refusal,
        ):
            dortmund.requested(grant_id, "4000.01")

        assert refusal.value.field == "amount"

    def test_the_whole_approved_amount_may_be_requested(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        dortmund.requested(grant_id, "3000.00")

        dortmund.requested(grant_id, "4000.00")

        assert dortmund.app.grant(grant_id).committed_payments == Money("7000.00")

    def test_a_request_without_needs_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="mindestens einen Bedarf") as refusal,
        ):
            dortmund.app.request_payment(grant_id, [], "Bus", dortmund.member)

        assert refusal.value.field == "needs"

    def test_a_need_of_zero_euros_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="Ein Bedarf muss größer als 0,00 € sein"),
        ):
            dortmund.app.request_payment(grant_id, [need(date(2026, 4, 1), "0.00")], "Bus", dortmund.member)

    def test_a_need_without_a_due_date_or_description_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        app = dortmund.app

        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidInputError, match="Fälligkeitsdatum"):
            app.request_payment(
                grant_id, [{"due": "bald", "amount": Money("1.00"), "description": "Bus"}], "Bus", dortmund.member
            )
        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="Die Beschreibung des Bedarfs fehlt"),
        ):
            app.request_payment(grant_id, [need(date(2026, 4, 1), "1.00", "")], "Bus", dortmund.member)

    def test_another_association_cannot_request_the_money(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        jeanne = dortmund.person(
            "jeanne.dupont@dfg-dortmund.de", "Jeanne Dupont", Role.ASSOCIATION, dortmund.deutsch_franzoesisch
        )

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                NotPermittedError, match="Mittel abrufen: Sie können nur für Ihren eigenen Verein handeln"
            ) as refusal,
        ):
            dortmund.requested(grant_id, actor=jeanne)

        assert refusal.value.code == "not_permitted"

    @pytest.mark.parametrize("who", ["finance", "approver", "auditor"])
    def test_only_the_association_or_an_officer_requests_money(self, dortmund: Dortmund, who: str):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Mittel abrufen: nur Verein oder Sachbearbeitung"),
        ):
            dortmund.requested(grant_id, actor=getattr(dortmund, who))


class TestCertifyingAPayment:
    def test_the_requester_cannot_certify_their_own_request(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        payment_id = dortmund.requested(grant_id, actor=dortmund.officer)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(FourEyesError, match="Den eigenen Abruf darf niemand selbst feststellen") as refusal,
        ):
            app.certify_payment(grant_id, payment_id, dortmund.officer)

        assert refusal.value.code == "four_eyes"
        assert payment(dortmund, grant_id, payment_id)["status"] == REQUESTED

    @pytest.mark.parametrize("who", ["member", "finance", "approver"])
    def test_only_an_officer_certifies(self, dortmund: Dortmund, who: str):
        grant_id = dortmund.approved()
        payment_id = dortmund.requested(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Zahlung feststellen: nur Sachbearbeitung darf das") as refusal,
        ):
            dortmund.app.certify_payment(grant_id, payment_id, getattr(dortmund, who))

        assert refusal.value.code == "not_permitted"

    def test_a_certified_payment_is_not_certified_again(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.certified(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                InvalidStateError,
                match="Zahlung feststellen: die Zahlung ist im Stand »Sachlich und rechnerisch richtig«",
            ),
        ):
            dortmund.app.certify_payment(grant_id, payment_id, dortmund.second_officer)

    def test_an_unknown_payment_is_not_found(self, dortmund: Dortmund):
        grant_id = dortmund.approved()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotFoundError, match="Diese Zahlung gibt es zu dieser Zuwendung nicht") as refusal,
        ):
            dortmund.app.certify_payment(grant_id, uuid4(), dortmund.officer)

        assert refusal.value.field == "payment_id"


class TestReleasingAPayment:
    def test_the_certifier_cannot_release(self, dortmund: Dortmund):
        app = dortmund.app
        certifier_as_finance = dortmund.also_as(dortmund.officer, Role.FINANCE)
        grant_id = dortmund.approved()
        payment_id = dortmund.certified(grant_id)  # certified by the officer

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(FourEyesError, match="Wer die Zahlung festgestellt hat, darf sie nicht freigeben") as refusal,
        ):
            app.release_payment(grant_id, payment_id, certifier_as_finance)

        assert refusal.value.code == "four_eyes"
        assert payment(dortmund, grant_id, payment_id)["status"] == CERTIFIED

    def test_the_requester_cannot_release(self, dortmund: Dortmund):
        app = dortmund.app
        requester_as_finance = dortmund.also_as(dortmund.second_officer, Role.FINANCE)
        grant_id = dortmund.approved()
        payment_id = dortmund.requested(grant_id, actor=dortmund.second_officer)
        app.certify_payment(grant_id, payment_id, dortmund.officer)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(FourEyesError, match="Den eigenen Abruf darf niemand freigeben"),
        ):
            app.release_payment(grant_id, payment_id, requester_as_finance)

    @pytest.mark.parametrize("who", ["officer", "member", "admin"])
    def test_only_finance_or_an_approver_releases(self, dortmund: Dortmund, who: str):
        grant_id = dortmund.approved()
        payment_id = dortmund.certified(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Zahlung freigeben: nur Kämmerei oder Zeichnungsbefugte"),
        ):
            dortmund.app.release_payment(grant_id, payment_id, getattr(dortmund, who))

    def test_an_uncertified_payment_cannot_be_released(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.requested(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="Zahlung freigeben: die Zahlung ist im Stand »Abgerufen«"),
        ):
            dortmund.app.release_payment(grant_id, payment_id, dortmund.finance)


class TestBookingAPayment:
    def test_a_payment_that_was_not_released_cannot_be_booked(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.certified(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                InvalidStateError, match="Zahlung buchen: die Zahlung ist im Stand »Sachlich und rechnerisch richtig«"
            ) as refusal,
        ):
            dortmund.book(grant_id, payment_id, date(2026, 3, 5))

        assert refusal.value.code == "invalid_state"
        assert dortmund.app.grant(grant_id).paid == Money.zero()

    @pytest.mark.parametrize("who", ["approver", "officer", "finance"])
    def test_only_the_cash_office_books(self, dortmund: Dortmund, who: str):
        grant_id = dortmund.approved()
        payment_id = dortmund.released(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Zahlung buchen: nur Stadtkasse darf das"),
        ):
            dortmund.book(grant_id, payment_id, date(2026, 3, 5), getattr(dortmund, who))

    def test_a_value_date_before_the_request_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        payment_id = app.request_payment(
            grant_id, [need(date(2026, 4, 1), "3000.00")], "Bus", dortmund.member, on=date(2026, 3, 10)
        )
        app.certify_payment(grant_id, payment_id, dortmund.officer, on=date(2026, 3, 11))
        app.release_payment(grant_id, payment_id, dortmund.finance, on=date(2026, 3, 12))

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="Die Wertstellung liegt vor dem Abruf") as refusal,
        ):
            dortmund.book(grant_id, payment_id, date(2026, 3, 9))

        assert refusal.value.field == "value_date"

    def test_a_value_date_on_the_day_of_the_request_is_accepted(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.released(grant_id)

        dortmund.book(grant_id, payment_id, date(2026, 3, 1))

        assert payment(dortmund, grant_id, payment_id)["value_date"] == date(2026, 3, 1)


class TestCancellingAPayment:
    def test_a_cancelled_request_makes_the_amount_available_again(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        first = dortmund.requested(grant_id, "7000.00")

        app.cancel_payment(grant_id, first, "Falscher Betrag eingegeben", dortmund.member)
        second = dortmund.requested(grant_id, "7000.00")

        grant = app.grant(grant_id)
        assert grant.payments[first.hex]["status"] == CANCELLED
        assert grant.payments[second.hex]["status"] == REQUESTED
        assert grant.committed_payments == Money("7000.00")

    def test_finance_may_cancel_a_released_payment(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.released(grant_id)

        dortmund.app.cancel_payment(grant_id, payment_id, "Zahlungslauf gestoppt", dortmund.finance)

        assert payment(dortmund, grant_id, payment_id)["status"] == CANCELLED

    def test_a_cancelled_payment_cannot_be_certified(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        payment_id = dortmund.requested(grant_id)
        app.cancel_payment(grant_id, payment_id, "Doppelt erfasst", dortmund.officer)

        with dortmund.nothing_recorded(grant_id), pytest.raises(InvalidStateError, match="im Stand »Storniert«"):
            app.certify_payment(grant_id, payment_id, dortmund.second_officer)

    def test_a_booked_payment_cannot_be_cancelled(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.booked(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="Abruf stornieren: die Zahlung ist im Stand »Ausgezahlt«"),
        ):
            dortmund.app.cancel_payment(grant_id, payment_id, "Zu spät", dortmund.finance)

    def test_the_association_cannot_cancel_a_certified_payment(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.certified(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="nur vom Amt storniert werden"),
        ):
            dortmund.app.cancel_payment(grant_id, payment_id, "Brauchen wir nicht", dortmund.member)

    def test_a_cancellation_needs_a_reason(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.requested(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="Die Begründung fehlt") as refusal,
        ):
            dortmund.app.cancel_payment(grant_id, payment_id, "", dortmund.officer)

        assert refusal.value.field == "reason"

    def test_an_approver_cannot_cancel(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.requested(grant_id)

        with dortmund.nothing_recorded(grant_id), pytest.raises(NotPermittedError, match="Abruf stornieren: nur"):
            dortmund.app.cancel_payment(grant_id, payment_id, "Doppelt", dortmund.approver)


class TestReturningAPayment:
    def test_a_partial_return_reduces_what_was_paid_and_frees_the_amount(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.approved()
        payment_id = dortmund.booked(grant_id, "3000.00")

        dortmund.give_back(grant_id, payment_id, Money("500.00"), date(2026, 3, 20), "Rücklastschrift")

        grant = app.grant(grant_id)
        assert grant.paid == Money("2500.00")
        assert grant.committed_payments == Money("2500.00")
        dortmund.requested(grant_id, "4500.00")  # 7,000 − 2,500 is open again

    def test_returning_more_than_was_paid_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.booked(grant_id, "3000.00")

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(
                PaymentRefusedError, match=r"Zurückfließen können höchstens 3\.000,00 € dieser Zahlung"
            ) as refusal,
        ):
            dortmund.give_back(grant_id, payment_id, Money("3000.01"), date(2026, 3, 20), "Rücklastschrift")

        assert refusal.value.code == "payment_refused"
        assert dortmund.app.grant(grant_id).paid == Money("3000.00")

    def test_returns_add_up_against_the_payment(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.booked(grant_id, "3000.00")
        dortmund.give_back(grant_id, payment_id, Money("2000.00"), date(2026, 3, 20), "Teilrückzahlung")

        with dortmund.nothing_recorded(grant_id), pytest.raises(PaymentRefusedError, match=r"höchstens 1\.000,00 €"):
            dortmund.give_back(grant_id, payment_id, Money("1000.01"), date(2026, 3, 21), "Rest")

    def test_a_return_before_the_payout_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.booked(grant_id, "3000.00", value_date=date(2026, 3, 5))

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="Der Rückfluss liegt vor der Auszahlung"),
        ):
            dortmund.give_back(grant_id, payment_id, Money("100.00"), date(2026, 3, 4), "Rücklastschrift")

    def test_a_payment_that_was_not_booked_cannot_come_back(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.released(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidStateError, match="Rückfluss buchen: die Zahlung ist im Stand »Freigegeben«"),
        ):
            dortmund.give_back(grant_id, payment_id, Money("100.00"), date(2026, 3, 20), "Rücklastschrift")

    def test_a_return_of_nothing_is_refused(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.booked(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(InvalidInputError, match="Der Rückfluss muss größer als 0,00 € sein"),
        ):
            dortmund.give_back(grant_id, payment_id, Money.zero(), date(2026, 3, 20), "Nichts")

    def test_only_the_cash_office_books_a_return(self, dortmund: Dortmund):
        grant_id = dortmund.approved()
        payment_id = dortmund.booked(grant_id)

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Rückfluss buchen: nur Stadtkasse"),
        ):
            dortmund.give_back(
                grant_id, payment_id, Money("100.00"), date(2026, 3, 20), "Rücklastschrift", dortmund.officer
            )
