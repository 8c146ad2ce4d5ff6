"""After the award, on SQLite and PostgreSQL: spending, proof of use, final amount, claim with
interest, repayment and closure, with every amount checked and the unspent commitment released."""

from __future__ import annotations

from datetime import date

from domain.foreign import ForeignAmount
from domain.money import Money
from tests.commitments import commitment_of

from .integration_support import YEAR, today, whole_flow


def test_a_grant_is_followed_from_payment_to_closure_with_every_amount_correct(backend, open_office):
    app = open_office(backend, today=today)
    flow = whole_flow(app)  # 7.000,00 € approved at 70 %, 3.000,10 € paid out
    officer, officer2 = flow.staff.actor(app, "officer"), flow.staff.actor(app, "officer2")
    approver, finance = flow.staff.actor(app, "approver"), flow.staff.actor(app, "finance")
    grant_id = flow.grant_id
    cashier = flow.staff.actor(app, "cashier")

    # The story runs until the repayment of January 2027: what is booked has happened by then.
    with today.at_least(date(2027, 1, 20)):
        # The rest is drawn and paid.
        rest = app.request_payment(
            grant_id,
            [{"due": date(2026, 6, 1), "amount": Money("3999.90"), "description": "Unterkunft"}],
            "Restzahlung",
            officer,
            on=date(2026, 5, 4),
        )
        app.certify_payment(grant_id, rest, officer2, on=date(2026, 5, 5))
        app.release_payment(grant_id, rest, finance, on=date(2026, 5, 6))
        app.book_payment(grant_id, rest, date(2026, 5, 8), cashier)

        # The association spends 9.000,00 € (one receipt in cedi) and hands in the proof of use.
        cedi = ForeignAmount.convert("GHS", "1650.00", "16.5", date(2026, 6, 30))  # 100,00 €
        for line, amount in (
            ("travel", Money("3600.00")),
            ("stay", Money("2700.00")),
            ("fees", Money("1800.00")),
            ("pr", Money("800.00")),
        ):
            app.report_expense(
                grant_id, line, date(2026, 7, 1), "Dortmunder Reisen GmbH", "Leistung", amount, f"B-{line}", officer
            )
        app.report_expense(grant_id, "pr", date(2026, 7, 2), "Print Kumasi Ltd.", "Plakate", cedi, "B-GHS-1", officer)
        app.submit_proof_of_use(
            grant_id,
            "Begegnung fand statt.",
            Money("1000.10"),
            Money("1500.00"),
            Money("500.00"),
            officer,
            on=date(2026, 11, 20),
        )
        app.review_proof_of_use(grant_id, {}, {}, "Belege vollständig.", officer2, on=date(2026, 12, 1))

        # Final amount: 70 % of 9.000,00 € = 6.300,00 €; 700,00 € were paid too much.
        claim_id = app.determine_final_amount(grant_id, approver, on=date(2026, 12, 15))

        grant = app.grant(grant_id)
        assert grant.status == "final_amount_determined"
        assert grant.final_amount == Money("6300.00")
        assert grant.paid == Money("7000.00")
        claim = app.claim(claim_id)
        assert claim.principal == Money("700.00") and claim.arose_on == date(2026, 12, 15)
        # the test rule set is a federal notice (VwVfG (Bund)): 700,00 € × 6,27 % (1,27 % + 5 points) × 31/365 = 3,73 €
        assert claim.amount_due(date(2027, 1, 15), app.base_rates()) == Money("703.73")

        # Repaid with interest; closing releases the 700,00 € the grant no longer needs.
        app.receive_repayment(claim_id, Money("703.73"), date(2027, 1, 15), cashier)
        assert app.claim(claim_id).status == "settled"
        app.close_grant(grant_id, officer, on=date(2027, 1, 20))

        assert app.grant(grant_id).status == "closed"
        programme = app.programme(flow.programme_id)
        assert commitment_of(app, flow.programme_id, grant_id, YEAR) == Money("6300.00")
        assert programme.available(YEAR) == Money("11700.00")
