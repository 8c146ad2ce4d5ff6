"""Two people in the cash office (§ 31 (3) KomHVO NRW, issue 11 rule 10).

Finance (Kämmerei) releases a payment — the Anordnung; the cash office (Stadtkasse, role ``cashier``)
books it — the Zahlungsabwicklung. One person may hold both roles, but never acts twice on one payment:
whoever requested, certified or released a payment does not book it or the money that comes back, and
whoever set a claim does not book its repayment. What is booked has happened: a value date or a receipt
after today is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.actors import Role
from domain.errors import FourEyesError, InvalidInputError, NotPermittedError
from domain.grant import BOOKED
from domain.money import Money

from .after_award_builders import Office, build_office, refused

TODAY = date(2026, 3, 1)
SCENARIO_A = {"travel": "3600.00", "stay": "2700.00", "fees": "1800.00", "pr": "900.00"}  # 700 € claimed


@pytest.fixture
def office() -> Iterator[Office]:
    world = build_office(today=TODAY)
    yield world
    world.app.close()


def released(office: Office, grant_id: UUID, amount: str = "3000.00") -> UUID:
    payment_id = office.requested(grant_id, amount, TODAY)
    office.app.certify_payment(grant_id, payment_id, office.officer, on=TODAY)
    office.app.release_payment(grant_id, payment_id, office.finance, on=TODAY)
    return payment_id


class TestBookingIsTheCashOffices:
    def test_a_cashier_books_what_finance_released(self, office: Office) -> None:
        grant_id = office.approved()
        payment_id = released(office, grant_id)

        office.app.book_payment(grant_id, payment_id, TODAY, office.cashier)

        payment = office.app.grant(grant_id).payments[payment_id.hex]
        assert (payment["status"], payment["released_by"], payment["value_date"]) == (
            BOOKED,
            office.finance.user_id,
            TODAY,
        )
        assert office.app.grant(grant_id).paid == Money("3000.00")

    def test_finance_no_longer_books(self, office: Office) -> None:
        grant_id = office.approved()
        payment_id = released(office, grant_id)

        with refused(
            office.app, NotPermittedError, "not_permitted", "Zahlung buchen: nur Stadtkasse darf das", grant_id
        ):
            office.app.book_payment(grant_id, payment_id, TODAY, office.second_finance)
        assert office.app.grant(grant_id).paid == Money.zero()

    def test_who_released_a_payment_does_not_book_it_even_as_a_cashier(self, office: Office) -> None:
        grant_id = office.approved()
        payment_id = released(office, grant_id)
        same_person = office.also_as(office.finance, Role.CASHIER)

        with refused(office.app, FourEyesError, "four_eyes", r"angeordnet \(freigegeben\).*§ 31 Abs\. 3", grant_id):
            office.app.book_payment(grant_id, payment_id, TODAY, same_person)

        office.app.book_payment(grant_id, payment_id, TODAY, office.cashier)  # somebody else in the cash office
        assert office.app.grant(grant_id).paid == Money("3000.00")

    def test_who_certified_a_payment_does_not_book_it(self, office: Office) -> None:
        grant_id = office.approved()
        payment_id = released(office, grant_id)
        certifier = office.also_as(office.officer, Role.CASHIER)

        with refused(office.app, FourEyesError, "four_eyes", "abgerufen oder festgestellt", grant_id):
            office.app.book_payment(grant_id, payment_id, TODAY, certifier)

    def test_a_person_with_both_roles_books_what_somebody_else_released(self, office: Office) -> None:
        grant_id = office.approved()
        payment_id = released(office, grant_id)
        both = office.also_as(office.second_finance, Role.CASHIER)

        office.app.book_payment(grant_id, payment_id, TODAY, both)

        assert office.app.grant(grant_id).payments[payment_id.hex]["status"] == BOOKED

    def test_a_value_date_after_today_is_refused(self, office: Office) -> None:
        grant_id = office.approved()
        payment_id = released(office, grant_id)

        with refused(
            office.app, InvalidInputError, "invalid_input", r"Wertstellung 02\.03\.2026 liegt in der Zukunft", grant_id
        ):
            office.app.book_payment(grant_id, payment_id, date(2026, 3, 2), office.cashier)
        assert office.app.grant(grant_id).payments[payment_id.hex]["value_date"] is None


class TestMoneyComingBack:
    def test_a_bounced_transfer_is_booked_by_the_cash_office_not_by_who_released_it(self, office: Office) -> None:
        grant_id = office.approved()
        payment_id = office.pay(grant_id, "3000.00", on=TODAY)
        releaser = office.also_as(office.finance, Role.CASHIER)

        with refused(office.app, NotPermittedError, "not_permitted", "Rückfluss buchen: nur Stadtkasse", grant_id):
            office.app.return_payment(grant_id, payment_id, Money("100.00"), TODAY, "Rücklastschrift", office.finance)
        with refused(office.app, FourEyesError, "four_eyes", "angeordnet", grant_id):
            office.app.return_payment(grant_id, payment_id, Money("100.00"), TODAY, "Rücklastschrift", releaser)
        with refused(office.app, InvalidInputError, "invalid_input", "in der Zukunft", grant_id):
            office.app.return_payment(
                grant_id, payment_id, Money("100.00"), date(2026, 3, 2), "Rücklastschrift", office.cashier
            )

        office.app.return_payment(grant_id, payment_id, Money("100.00"), TODAY, "Rücklastschrift", office.cashier)
        assert office.app.grant(grant_id).paid == Money("2900.00")

    def test_a_repayment_is_booked_by_the_cash_office_not_by_who_set_the_claim(self, office: Office) -> None:
        _, claim_id = office.determined("share", costs=SCENARIO_A)
        assert claim_id is not None
        app = office.app
        setter = office.also_as(office.second_approver, Role.CASHIER)  # determined the final amount
        office.clock.day = date(2026, 12, 10)

        with refused(app, NotPermittedError, "not_permitted", "Rückzahlung buchen: nur Stadtkasse", claim_id):
            app.receive_repayment(claim_id, Money("100.00"), date(2026, 12, 10), office.finance)
        with refused(app, FourEyesError, "four_eyes", "Wer die Rückforderung festgesetzt hat", claim_id):
            app.receive_repayment(claim_id, Money("100.00"), date(2026, 12, 10), setter)
        with refused(
            app, InvalidInputError, "invalid_input", r"Wertstellung 11\.12\.2026 liegt in der Zukunft", claim_id
        ):
            app.receive_repayment(claim_id, Money("100.00"), date(2026, 12, 11), office.cashier)

        app.receive_repayment(claim_id, Money("100.00"), date(2026, 12, 10), office.cashier)
        assert app.claim(claim_id).outstanding == Money("600.00") + app.claim(claim_id).interest_paid


class TestReceipts:
    def test_a_receipt_dated_after_today_is_refused(self, office: Office) -> None:
        grant_id = office.approved()

        with refused(office.app, InvalidInputError, "invalid_input", r"auf den 02\.03\.2026 datiert", grant_id):
            office.app.report_expense(
                grant_id, "travel", date(2026, 3, 2), "Busunternehmen", "Fahrt", Money("100.00"), "B-1", office.member
            )

        office.app.report_expense(
            grant_id, "travel", TODAY, "Busunternehmen", "Fahrt", Money("100.00"), "B-1", office.member
        )
        assert office.app.grant(grant_id).spent_per_line()["travel"] == Money("100.00")
