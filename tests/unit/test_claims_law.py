"""Claims as grant law and the KomHVO NRW have them (issue 11, rules 4, 5, 6 and 11), with worked examples.

Every figure below is worked by hand in the test's docstring: interest per day, 365-day year, at the base
rate (2,27 % from 01.01.2025, 1,27 % from 01.07.2025 and 01.01.2026) plus 3 points (§ 49a (3) VwVfG NRW),
rounded half up once at the end. Every refusal leaves the store exactly as it was (``refused``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.dates import FundingPeriod
from domain.errors import (
    FourEyesError,
    InvalidInputError,
    InvalidStateError,
    NotPermittedError,
    PaymentRefusedError,
    RuleViolationError,
)
from domain.grant import revocation_limit
from domain.money import Money

from .after_award_builders import Office, build_office, last_event, reference_plan, refused

SCENARIO_A = {"travel": "3600.00", "stay": "2700.00", "fees": "1800.00", "pr": "900.00"}
PERIOD_2025 = FundingPeriod(date(2025, 3, 1), date(2025, 10, 31))


@pytest.fixture
def office() -> Iterator[Office]:
    world = build_office()
    yield world
    world.app.close()


@pytest.fixture
def office_2025() -> Iterator[Office]:
    world = build_office(today=date(2025, 3, 1), budgets={2025: "20000.00"})
    yield world
    world.app.close()


def fixed_grant_2025(office: Office) -> UUID:
    """A fixed grant of 10.000 € (costs 12.000 €, own funds 2.000 €) for 01.03.–31.10.2025."""
    plan = reference_plan(
        own="2000.00", third_party="0.00", income="0.00", grant="10000.00", travel="5000.00", stay="4000.00"
    )
    return office.approved("fixed", "10000.00", plan=plan, period=PERIOD_2025)


# Rule 11: revocation — facts known, hearing, one-year limit, a second person ---------------------


class TestRevocationByTwo:
    def test_the_one_year_limit_moves_off_a_weekend(self) -> None:
        """Known 28.06.2024: the year ends on Saturday 28.06.2025, so on Monday 30.06.2025 (§ 31 (3));
        known on 29.02.2024: the year ends on 28.02.2025 (a Friday)."""
        assert revocation_limit(date(2024, 6, 28)) == date(2025, 6, 30)
        assert revocation_limit(date(2024, 2, 29)) == date(2025, 2, 28)

    def test_worked_example_a_revocation_with_two_payouts(self, office_2025: Office) -> None:
        """10.000 € paid in two parts: 4.000 € on 03.03.2025 and 6.000 € on 14.07.2025. The office learns on
        20.08.2025 that the exchange never took place, hears the association on 05.09.2025, an officer
        prepares the revocation in full with effect from 01.05.2025 on 10.09.2025, an approver decides on
        15.09.2025. Each payout bears interest from the later of 01.05.2025 and its value date:

        * 4.000 € from 01.05.2025: 61 days (May, June) at 5,27 %: 4.000 × 5,27 × 61 / 36.500 = 1.285.880 / 36.500
          and 92 days (July–September) at 4,27 %: 4.000 × 4,27 × 92 / 36.500 = 1.571.360 / 36.500
        * 6.000 € from 14.07.2025: 79 days (18 in July, 31, 30) at 4,27 %: 6.000 × 4,27 × 79 / 36.500
          = 2.023.980 / 36.500
        * to 01.10.2025 together 4.881.220 / 36.500 = 133,732054… → 133,73 €; 10.133,73 € settle the claim.

        From 01.05.2025 on all 10.000 € it would be 195,70 € — the 6.000 € were not yet paid then."""
        app = office_2025.app
        grant_id = fixed_grant_2025(office_2025)
        office_2025.pay(grant_id, "4000.00", on=date(2025, 3, 3))
        office_2025.pay(grant_id, "6000.00", on=date(2025, 7, 14))

        limit = app.propose_revocation(
            grant_id,
            Money.zero(),
            date(2025, 5, 1),
            date(2025, 8, 20),
            date(2025, 9, 5),
            "Die Begegnung hat nicht stattgefunden (§ 49 Abs. 3 Nr. 1 VwVfG NRW).",
            office_2025.officer,
            on=date(2025, 9, 10),
        )
        assert limit == date(2026, 8, 20)  # one year after the facts became known, a Thursday
        assert app.grant(grant_id).status == "approved"  # prepared, not yet decided
        claim_id = app.decide_revocation(
            grant_id, True, "Nichts Entlastendes vorgetragen.", office_2025.approver, on=date(2025, 9, 15)
        )

        assert claim_id is not None
        claim = app.claim(claim_id)
        assert (claim.principal, claim.arose_on, claim.cause) == (Money("10000.00"), date(2025, 5, 1), "revocation")
        assert claim.tranches == ((date(2025, 5, 1), Money("4000.00")), (date(2025, 7, 14), Money("6000.00")))
        repaid = date(2025, 10, 1)
        assert claim.interest_due(repaid, app.interest_table()) == Money("133.73")
        revoked = last_event(app, grant_id, "GrantRevoked")
        assert (revoked.facts_known_on, revoked.heard_on, revoked.limit_ends_on) == (
            date(2025, 8, 20),
            date(2025, 9, 5),
            date(2026, 8, 20),
        )
        assert (revoked.proposed_by, revoked.actor_id) == (office_2025.officer.user_id, office_2025.approver.user_id)
        assert [(t["from"], t["amount"]) for t in revoked.tranches] == [
            (date(2025, 5, 1), Money("4000.00")),
            (date(2025, 7, 14), Money("6000.00")),
        ]

        office_2025.repay(claim_id, Money("10133.73"), repaid)
        received = last_event(app, claim_id, "RepaymentReceived")
        assert (received.to_interest, received.to_principal) == (Money("133.73"), Money("10000.00"))
        assert [(p["start"], p["end"], p["principal"], p["rate"]) for p in received.periods] == [
            (date(2025, 5, 1), date(2025, 7, 1), Money("4000.00"), Decimal("5.27")),
            (date(2025, 7, 1), date(2025, 10, 1), Money("4000.00"), Decimal("4.27")),
            (date(2025, 7, 14), date(2025, 10, 1), Money("6000.00"), Decimal("4.27")),
        ]
        assert app.claim(claim_id).status == "settled"

    def test_a_partial_revocation_takes_back_the_newest_payout_first(self, office_2025: Office) -> None:
        """Reduced to 7.000 € of 10.000 € paid: the 3.000 € claimed are part of the 6.000 € paid on
        14.07.2025 (what the association keeps it received first), so they bear interest from then."""
        app = office_2025.app
        grant_id = fixed_grant_2025(office_2025)
        office_2025.pay(grant_id, "4000.00", on=date(2025, 3, 3))
        office_2025.pay(grant_id, "6000.00", on=date(2025, 7, 14))
        claim_id = office_2025.revoke(grant_id, "7000.00", date(2025, 5, 1), on=date(2025, 9, 15))
        assert claim_id is not None
        claim = app.claim(claim_id)
        assert (claim.arose_on, claim.tranches) == (date(2025, 7, 14), ((date(2025, 7, 14), Money("3000.00")),))

    def test_the_preparer_does_not_decide(self, office_2025: Office) -> None:
        app = office_2025.app
        grant_id = fixed_grant_2025(office_2025)
        on = date(2025, 3, 10)
        app.propose_revocation(grant_id, Money.zero(), on, on, on, "Verein aufgelöst", office_2025.approver, on=on)
        with refused(app, FourEyesError, "four_eyes", r"Wer den Widerruf vorbereitet hat, entscheidet nicht", grant_id):
            app.decide_revocation(grant_id, True, "einverstanden", office_2025.approver, on=on)
        with refused(app, InvalidStateError, "invalid_state", r"bereits vorbereitet", grant_id):
            app.propose_revocation(grant_id, Money.zero(), on, on, on, "noch einmal", office_2025.officer, on=on)
        app.decide_revocation(grant_id, False, "Verein besteht fort", office_2025.second_approver, on=on)
        grant = app.grant(grant_id)
        assert (grant.status, grant.pending_revocation) == ("approved", None)
        with refused(app, InvalidStateError, "invalid_state", r"Es ist kein Widerruf vorbereitet", grant_id):
            app.decide_revocation(grant_id, True, "doch", office_2025.second_approver, on=on)

    @pytest.mark.parametrize(
        ("known", "heard", "field", "message"),
        [
            pytest.param(date(2025, 9, 11), date(2025, 9, 10), "facts_known_on", "in der Zukunft", id="known-later"),
            pytest.param(date(2025, 9, 1), date(2025, 9, 11), "heard_on", "Anhörung liegt in der Zukunft", id="heard"),
            pytest.param(date(2025, 9, 1), date(2025, 8, 31), "heard_on", "vor ihrer Kenntnis", id="heard-before"),
        ],
    )
    def test_dates_that_cannot_be_are_refused(
        self, office_2025: Office, known: date, heard: date, field: str, message: str
    ) -> None:
        app = office_2025.app
        grant_id = fixed_grant_2025(office_2025)
        with refused(app, InvalidInputError, "invalid_input", message, grant_id):
            app.propose_revocation(
                grant_id, Money.zero(), known, known, heard, "Zweck verfehlt", office_2025.officer, on=date(2025, 9, 10)
            )

    def test_after_the_one_year_limit_nothing_is_revoked(self, office_2025: Office) -> None:
        """Known on Friday 28.06.2024: the limit ends on Monday 30.06.2025; prepared that day, the decision
        on 01.07.2025 comes too late, and so does a proposal on 01.07.2025."""
        app = office_2025.app
        grant_id = fixed_grant_2025(office_2025)
        known, heard = date(2024, 6, 28), date(2025, 6, 20)
        limit = app.propose_revocation(
            grant_id, Money.zero(), known, known, heard, "Zweck verfehlt", office_2025.officer, on=date(2025, 6, 30)
        )
        assert limit == date(2025, 6, 30)
        with refused(app, RuleViolationError, "rule_violation", r"Jahresfrist .* endete am 30\.06\.2025", grant_id):
            app.decide_revocation(grant_id, True, "Widerruf", office_2025.approver, on=date(2025, 7, 1))
        app.decide_revocation(grant_id, False, "zu spät", office_2025.approver, on=date(2025, 7, 1))
        with refused(app, RuleViolationError, "rule_violation", r"endete am 30\.06\.2025", grant_id):
            app.propose_revocation(
                grant_id, Money.zero(), known, known, heard, "Zweck verfehlt", office_2025.officer, on=date(2025, 7, 1)
            )

    def test_the_decision_follows_the_hearing(self, office_2025: Office) -> None:
        app = office_2025.app
        grant_id = fixed_grant_2025(office_2025)
        on = date(2025, 9, 10)
        app.propose_revocation(grant_id, Money.zero(), on, on, on, "Zweck verfehlt", office_2025.officer, on=on)
        with refused(app, InvalidInputError, "invalid_input", r"nach der Anhörung", grant_id):
            app.decide_revocation(grant_id, True, "Widerruf", office_2025.approver, on=date(2025, 9, 9))


# Rule 5: the claim from the final amount arises when the resolutory condition occurred -----------


class TestClaimsStartWhenTheCauseArose:
    def review_with_condition(self, office: Office, grant_id: UUID, condition: date | None) -> None:
        office.app.review_proof_of_use(
            grant_id,
            {},
            {},
            "Geprüft; die Kosten fielen mit der Stornierung der Unterkunft am 15.09.2026.",
            office.second_officer,
            on=date(2026, 11, 20),
            condition_occurred_on=condition,
        )

    def test_worked_example_the_claim_arises_on_the_condition_day(self, office: Office) -> None:
        """Reference scenario A: 70 % of 9.000 € = 6.300 €, 7.000 € paid on 02.03.2026, 700 € overpaid. The
        costs fell on 15.09.2026 (recorded with the review); the decision on 01.12.2026 does not move it.
        Interest to 01.12.2026: 16 + 31 + 30 = 77 days at 4,27 %: 700 × 4,27 × 77 / 36.500 = 230.153 / 36.500
        = 6,305561… → 6,31 €."""
        app = office.app
        grant_id = office.approved()
        office.pay(grant_id, "7000.00")
        office.spend(grant_id, SCENARIO_A)
        office.submit(grant_id)
        self.review_with_condition(office, grant_id, date(2026, 9, 15))
        claim_id = office.determine(grant_id, on=date(2026, 12, 1))

        assert claim_id is not None
        claim = app.claim(claim_id)
        assert (claim.principal, claim.arose_on) == (Money("700.00"), date(2026, 9, 15))
        assert claim.interest_due(date(2026, 12, 1), app.interest_table()) == Money("6.31")
        assert last_event(app, grant_id, "FinalAmountDetermined").claim_arose_on == date(2026, 9, 15)
        assert last_event(app, grant_id, "ProofOfUseReviewed").condition_occurred_on == date(2026, 9, 15)

    @pytest.mark.parametrize(
        ("day", "message"),
        [
            pytest.param(date(2026, 11, 21), r"liegt nach dem Prüfdatum", id="after-review"),
            pytest.param(date(2026, 2, 28), r"liegt vor dem Antrag", id="before-application"),
        ],
    )
    def test_a_condition_day_that_cannot_be_is_refused(self, office: Office, day: date, message: str) -> None:
        grant_id = office.approved()
        office.pay(grant_id, "7000.00")
        office.spend(grant_id, SCENARIO_A)
        office.submit(grant_id)
        with refused(office.app, InvalidInputError, "invalid_input", message, grant_id):
            self.review_with_condition(office, grant_id, day)


# Rules 5 and 6: relief on claims ------------------------------------------------------------------


@pytest.fixture
def claim(office: Office) -> UUID:
    """The 700 € claim of reference scenario A, arising on 01.12.2026."""
    _, claim_id = office.determined("share", costs=SCENARIO_A)
    assert claim_id is not None
    return claim_id


class TestInterestWaiver:
    """§ 49a (3) sentence 2 VwVfG NRW: interest is waived only when the principal was repaid in time.

    700 € from 01.12.2026, deadline 15.06.2027, repaid 700,00 € on 01.06.2027: 182 days
    (31 + 31 + 28 + 31 + 30 + 31) at 4,27 %: 700 × 4,27 × 182 / 36.500 = 543.998 / 36.500 = 14,904054… →
    14,90 € go to interest first (§ 367 BGB), 685,10 € to principal, 14,90 € stay open (above the 10 € limit,
    so not left). The waiver on 20.06.2027 counts the 14,90 € paid as principal; the interest run on them
    since (19 days: 14,90 × 4,27 × 19 / 36.500 = 0,033… → 0,03 €) is not charged: settled."""

    def test_worked_example_interest_waived_after_repayment_within_the_deadline(
        self, office: Office, claim: UUID
    ) -> None:
        app = office.app
        office.repay(claim, Money("700.00"), date(2027, 6, 1))
        assert app.claim(claim).outstanding == Money("14.90")
        app.propose_claim_relief(
            claim, "interest_waiver", "Nicht zu vertreten: der Mitveranstalter sagte ab.", office.officer,
            until=date(2027, 6, 15),
        )  # fmt: skip
        app.decide_claim_relief(claim, True, "Fristgerecht zurückgezahlt.", office.approver, on=date(2027, 6, 20))

        waived = last_event(app, claim, "InterestWaived")
        assert (waived.deadline, waived.reclassified, waived.interest) == (
            date(2027, 6, 15),
            Money("14.90"),
            Money("0.03"),
        )
        settled = app.claim(claim)
        assert (settled.status, settled.interest_paid, settled.outstanding) == ("settled", Money.zero(), Money.zero())

    def test_no_waiver_when_the_principal_was_not_repaid_by_the_deadline(self, office: Office, claim: UUID) -> None:
        """600 € by the deadline, the rest after it: the interest stays due."""
        app = office.app
        office.repay(claim, Money("600.00"), date(2027, 6, 1))
        office.repay(claim, Money("100.00"), date(2027, 6, 20))
        app.propose_claim_relief(
            claim, "interest_waiver", "nicht zu vertreten", office.officer, until=date(2027, 6, 15)
        )
        with refused(
            app, PaymentRefusedError, "payment_refused", r"Bis zur Frist am 15\.06\.2027 sind 600,00 €", claim
        ):
            app.decide_claim_relief(claim, True, "einverstanden", office.approver, on=date(2027, 6, 21))

    def test_the_interest_waiver_needs_the_deadline(self, office: Office, claim: UUID) -> None:
        with refused(office.app, InvalidInputError, "invalid_input", r"die Frist angeben", claim):
            office.app.propose_claim_relief(claim, "interest_waiver", "nicht zu vertreten", office.officer)


class TestDeferralWriteOffWaiver:
    def test_a_write_off_keeps_the_claim_open_with_its_interest_and_takes_payments(
        self, office: Office, claim: UUID
    ) -> None:
        """Niederschlagung on 10.01.2027: nothing is extinguished. By 01.03.2027 interest has run 90 days
        (31 + 31 + 28) at 4,27 %: 700 × 4,27 × 90 / 36.500 = 269.010 / 36.500 = 7,370136… → 7,37 €;
        a payment of 100 € then is taken (7,37 € interest, 92,63 € principal)."""
        app = office.app
        app.propose_claim_relief(claim, "write_off", "Verein zahlungsunfähig", office.officer)
        app.decide_claim_relief(claim, True, "Beitreibung derzeit aussichtslos", office.approver, on=date(2027, 1, 10))
        written_off = app.claim(claim)
        assert (written_off.status, written_off.written_off_on, written_off.pursued) == (
            "open",
            date(2027, 1, 10),
            False,
        )
        assert written_off.amount_due(date(2027, 3, 1), app.interest_table()) == Money("707.37")
        assert last_event(app, claim, "ClaimWrittenOff").interest == Money("3.28")

        office.repay(claim, Money("100.00"), date(2027, 3, 1))
        paid = app.claim(claim)
        assert (paid.outstanding, paid.interest_paid, paid.status) == (Money("607.37"), Money("7.37"), "open")
        with refused(app, InvalidStateError, "invalid_state", r"seit dem 10\.01\.2027 niedergeschlagen", claim):
            app.propose_claim_relief(claim, "write_off", "noch einmal", office.officer)

    def test_worked_example_a_waiver_in_part(self, office: Office, claim: UUID) -> None:
        """Erlass of 200 € on 10.01.2027: the 3,28 € interest first, 196,72 € of the principal; 503,28 € stay."""
        app = office.app
        app.propose_claim_relief(claim, "waiver", "Härtefall", office.officer, amount=Money("200.00"))
        app.decide_claim_relief(claim, True, "Teilerlass", office.approver, on=date(2027, 1, 10))
        waived = last_event(app, claim, "ClaimPartlyWaived")
        assert (waived.amount, waived.to_interest, waived.to_principal) == (
            Money("200.00"),
            Money("3.28"),
            Money("196.72"),
        )
        left = app.claim(claim)
        assert (left.status, left.outstanding, left.waived) == ("open", Money("503.28"), Money("200.00"))

    def test_a_part_larger_than_what_is_open_is_refused(self, office: Office, claim: UUID) -> None:
        app = office.app
        app.propose_claim_relief(claim, "waiver", "Härtefall", office.officer, amount=Money("703.29"))
        with refused(app, PaymentRefusedError, "payment_refused", r"sind nur 703,28 € offen", claim):
            app.decide_claim_relief(claim, True, "Teilerlass", office.approver, on=date(2027, 1, 10))

    def test_a_part_only_for_a_waiver(self, office: Office, claim: UUID) -> None:
        with refused(office.app, InvalidInputError, "invalid_input", r"Teilbetrag gibt es nur beim Erlass", claim):
            office.app.propose_claim_relief(
                claim, "deferral", "Engpass", office.officer, until=date(2027, 6, 30), amount=Money("100.00")
            )

    def test_deferral_keeps_interest_running(self, office: Office, claim: UUID) -> None:
        app = office.app
        app.propose_claim_relief(claim, "deferral", "Engpass", office.officer, until=date(2027, 6, 30))
        app.decide_claim_relief(claim, True, "Ratenplan liegt vor", office.approver, on=date(2026, 12, 2))
        deferred = app.claim(claim)
        assert deferred.deferred_until == date(2027, 6, 30)
        assert deferred.interest_due(date(2027, 1, 10), app.interest_table()) == Money("3.28")


class TestValueLimits:
    @pytest.fixture
    def limited(self) -> Iterator[Office]:
        world = build_office(relief_limits="finance=500,officer=100000")
        yield world
        world.app.close()

    def test_a_decision_above_the_deciders_limit_is_refused(self, limited: Office) -> None:
        """700 € plus interest is above finance's 500 €; the approver has no limit in this Dienstanweisung."""
        app = limited.app
        _, claim_id = limited.determined("share", costs=SCENARIO_A)
        assert claim_id is not None
        app.propose_claim_relief(claim_id, "write_off", "uneinbringlich", limited.officer)
        with refused(
            app, NotPermittedError, "not_permitted", r"703,28 € liegen über Ihrer Wertgrenze von 500,00 €", claim_id
        ):
            app.decide_claim_relief(claim_id, True, "einverstanden", limited.finance, on=date(2027, 1, 10))
        with refused(app, NotPermittedError, "not_permitted", r"keine Wertgrenze", claim_id):
            app.decide_claim_relief(claim_id, True, "einverstanden", limited.approver, on=date(2027, 1, 10))
        # declining needs no limit
        app.decide_claim_relief(claim_id, False, "erst mahnen", limited.finance, on=date(2027, 1, 10))

    def test_a_part_within_the_limit_may_be_waived(self, limited: Office) -> None:
        app = limited.app
        _, claim_id = limited.determined("share", costs=SCENARIO_A)
        assert claim_id is not None
        app.propose_claim_relief(claim_id, "waiver", "Härtefall", limited.officer, amount=Money("500.00"))
        app.decide_claim_relief(claim_id, True, "Teilerlass", limited.finance, on=date(2027, 1, 10))
        assert app.claim(claim_id).waived == Money("500.00")


# Rule 4: idle money (§ 49a (4) VwVfG NRW) ---------------------------------------------------------


class TestIdleMoney:
    """A 70 % share grant of 7.000 € (costs 10.000 €) for 01.03.–31.10.2025 under the NRW rules (two months),
    paid in full on 03.03.2025, so money unused after 03.05.2025 lies idle. The grant's 70 % of the
    receipts, first in first out:

    * 10.04.2025 travel 2.000 € → 1.400 €: within two months, no interest;
    * 16.06.2025 stay 3.000 € → 2.100 €: 105 days (29 + 30 + 31 + 15) at 5,27 %:
      2.100 × 5,27 × 105 / 36.500 = 1.162.035 / 36.500;
    * 01.08.2025 travel 2.000 € and fees 2.000 € → 2.800 €: 120 days at 5,27 % and 31 at 4,27 %:
      (2.800 × 5,27 × 120 + 2.800 × 4,27 × 31) / 36.500 = (1.770.720 + 370.636) / 36.500;
    * 700 € still unused on 01.09.2025: 120 days at 5,27 % and 62 at 4,27 %:
      (700 × 5,27 × 120 + 700 × 4,27 × 62) / 36.500 = (442.680 + 185.318) / 36.500.

    Together 3.931.389 / 36.500 = 107,709287… → 107,71 € proposed on 01.09.2025."""

    ON = date(2025, 9, 1)

    @pytest.fixture
    def grant(self, office_2025: Office) -> UUID:
        grant_id = office_2025.approved(period=PERIOD_2025)
        office_2025.pay(grant_id, "7000.00", on=date(2025, 3, 3))
        office_2025.spend(grant_id, {"travel": "2000.00"}, paid_on=date(2025, 4, 10))
        office_2025.spend(grant_id, {"stay": "3000.00"}, paid_on=date(2025, 6, 16))
        office_2025.spend(grant_id, {"travel": "2000.00", "fees": "2000.00"}, paid_on=date(2025, 8, 1))
        return grant_id

    def test_worked_example_the_proposal(self, office_2025: Office, grant: UUID) -> None:
        proposal = office_2025.app.idle_interest(grant, on=self.ON)
        assert proposal.interest == Money("107.71")
        assert proposal.horizon == "P2M"
        assert [(s.paid_on, s.amount, s.used_on) for s in proposal.stretches] == [
            (date(2025, 3, 3), Money("2100.00"), date(2025, 6, 16)),
            (date(2025, 3, 3), Money("1400.00"), date(2025, 8, 1)),
            (date(2025, 3, 3), Money("1400.00"), date(2025, 8, 1)),
            (date(2025, 3, 3), Money("700.00"), None),
        ]
        assert all(s.horizon_end == date(2025, 5, 3) for s in proposal.stretches)

    def test_an_officer_charges_it_and_a_claim_without_further_interest_follows(
        self, office_2025: Office, grant: UUID
    ) -> None:
        app = office_2025.app
        claim_id = app.decide_idle_interest(
            grant, Money("107.71"), "Mittel zu früh abgerufen; kein Grund erkennbar.", office_2025.officer, on=self.ON
        )
        assert claim_id is not None
        claim = app.claim(claim_id)
        assert (claim.cause, claim.principal, claim.interest_charged, claim.arose_on, claim.bears_interest) == (
            "idle_interest",
            Money.zero(),
            Money("107.71"),
            self.ON,
            False,
        )
        # a claim for interest bears none itself (§ 289 BGB): still 107,71 € at the end of the year
        assert claim.amount_due(date(2025, 12, 31), app.interest_table()) == Money("107.71")
        decided = last_event(app, grant, "IdleInterestDecided")
        assert (decided.proposed, decided.charged, decided.claim_id) == (Money("107.71"), Money("107.71"), claim_id)
        assert app.grant(grant).claim_ids == [claim_id]
        office_2025.repay(claim_id, Money("107.71"), date(2025, 9, 15))
        received = last_event(app, claim_id, "RepaymentReceived")
        assert (received.to_interest, received.to_principal) == (Money("107.71"), Money.zero())
        assert app.claim(claim_id).status == "settled"

    def test_the_officer_may_charge_less_or_nothing_with_a_reason(self, office_2025: Office, grant: UUID) -> None:
        app = office_2025.app
        assert (
            app.decide_idle_interest(
                grant, Money.zero(), "Verzögerung durch die Partnerstadt.", office_2025.officer, on=self.ON
            )
            is None
        )
        decided = last_event(app, grant, "IdleInterestDecided")
        assert (decided.proposed, decided.charged, decided.claim_id) == (Money("107.71"), Money.zero(), None)
        # a later decision counts only the days after this one: the 700 € from 01.09. to 01.10.2025,
        # 30 days at 4,27 %: 700 × 4,27 × 30 / 36.500 = 89.670 / 36.500 = 2,456712… → 2,46 €
        assert app.idle_interest(grant, on=date(2025, 10, 1)).interest == Money("2.46")
        with refused(app, InvalidInputError, "invalid_input", r"Bis zum 01\.09\.2025 ist bereits entschieden", grant):
            app.decide_idle_interest(grant, Money.zero(), "noch einmal", office_2025.officer, on=self.ON)

    def test_a_charge_below_the_small_amount_limit_is_left(self, office_2025: Office, grant: UUID) -> None:
        app = office_2025.app
        assert app.decide_idle_interest(grant, Money("9.99"), "nur ein Teil", office_2025.officer, on=self.ON) is None
        assert last_event(app, grant, "IdleInterestDecided").not_pursued == Money("9.99")

    def test_refusals_record_nothing(self, office_2025: Office, grant: UUID) -> None:
        app = office_2025.app
        with refused(app, RuleViolationError, "rule_violation", r"Berechnet sind 107,71 € Zinsen", grant):
            app.decide_idle_interest(grant, Money("107.72"), "alles", office_2025.officer, on=self.ON)
        with refused(app, NotPermittedError, "not_permitted", r"nur Sachbearbeitung", grant):
            app.decide_idle_interest(grant, Money("107.71"), "alles", office_2025.approver, on=self.ON)
        with refused(app, InvalidInputError, "invalid_input", r"Begründung", grant):
            app.decide_idle_interest(grant, Money("107.71"), " ", office_2025.officer, on=self.ON)

    def test_money_used_within_the_horizon_bears_nothing(self, office_2025: Office) -> None:
        app = office_2025.app
        grant_id = office_2025.approved(period=PERIOD_2025)
        office_2025.pay(grant_id, "1400.00", on=date(2025, 3, 3))
        office_2025.spend(grant_id, {"travel": "2000.00"}, paid_on=date(2025, 4, 10))
        assert app.idle_interest(grant_id, on=self.ON).stretches == ()
        with refused(app, InvalidStateError, "invalid_state", r"länger als 2 Monate ungenutzt", grant_id):
            app.decide_idle_interest(grant_id, Money.zero(), "nichts", office_2025.officer, on=self.ON)

    def test_a_deficit_grant_draws_only_after_the_other_funds(self, office_2025: Office) -> None:
        """Deficit grant of 7.000 € with 3.000 € other funds: the first 3.000 € of receipts are theirs, so
        the 7.000 € paid on 03.03.2025 are first used on 16.06.2025 (2.000 € of the 3.000 € stay receipt):
        2.000 € idle for 105 days at 5,27 % → 2.000 × 5,27 × 105 / 36.500 = 30,320547… €, and 5.000 € unused
        to 01.09.2025: (5.000 × 5,27 × 120 + 5.000 × 4,27 × 62) / 36.500 = (3.162.000 + 1.323.700) / 36.500
        = 122,895890… €; together (1.106.700 + 4.485.700) / 36.500 = 153,216438… → 153,22 €."""
        app = office_2025.app
        grant_id = office_2025.approved("deficit", period=PERIOD_2025)
        office_2025.pay(grant_id, "7000.00", on=date(2025, 3, 3))
        office_2025.spend(grant_id, {"travel": "2000.00"}, paid_on=date(2025, 4, 10))
        office_2025.spend(grant_id, {"stay": "3000.00"}, paid_on=date(2025, 6, 16))
        assert app.idle_interest(grant_id, on=self.ON).interest == Money("153.22")
