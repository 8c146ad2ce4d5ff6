"""Claims law through the JSON API (issue 11, rules 4, 5, 6 and 11): revocation by two, interest per payout,
idle money, deferral, write-off and waiver — with the figures worked by hand and every refusal as JSON with
nothing recorded. The API's day is 04.05.2026; the base rate is 1,27 % all year, so claims of the city's
notices run at 4,27 %.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.dates import FundingPeriod
from domain.money import Money

from .conftest import World
from .test_auth import assert_problem
from .test_grant_law import ok, paid_share_grant, reference_plan


def revoked_in_full(world: World, file_number: str = "IB-2026-0200") -> tuple[str, dict[str, Any]]:
    """The 7.000 € paid on 05.03.2026, revoked in full with effect from 01.03.2026 (before the payout)."""
    grant = paid_share_grant(world, file_number)
    proposal = {
        "remaining_amount": "0",
        "effective_on": "2026-03-01",
        "facts_known_on": "2026-04-20",
        "heard_on": "2026-04-28",
        "reason": "Die Begegnung fand nicht statt.",
        "on": "2026-04-30",
    }
    prepared = ok(world.post("officer", f"/grants/{grant}/revocation-proposal", proposal))
    assert prepared["revocation"]["state"] == "prepared"
    return str(grant), prepared


def test_worked_example_a_revocation_charges_the_payout_from_its_value_date(world: World) -> None:
    """Effective 01.03.2026, but the money left on 05.03.2026: interest from then to 04.05.2026, 60 days
    (27 + 30 + 3) at 4,27 %: 7.000 × 4,27 × 60 / 36.500 = 1.793.400 / 36.500 = 49,134246… → 49,13 €."""
    grant, prepared = revoked_in_full(world)
    assert prepared["revocation"]["limit_ends_on"] == "2027-04-20"
    assert prepared["status"] != "revoked"

    decided = ok(world.post("approver", f"/grants/{grant}/revocation", {"approve": True, "reason": "Angehört."}))

    assert decided["revocation"] == {
        "state": "decided",
        "remaining_amount": "0.00",
        "effective_on": "2026-03-01",
        "facts_known_on": "2026-04-20",
        "heard_on": "2026-04-28",
        "limit_ends_on": "2027-04-20",
    }
    [claim] = decided["claims"]
    assert (claim["principal"], claim["arose_on"], claim["interest_due"], claim["amount_due"]) == (
        "7000.00",
        "2026-03-05",
        "49.13",
        "7049.13",
    )


def test_the_preparer_cannot_decide_and_nothing_is_recorded(world: World) -> None:
    grant, _ = revoked_in_full(world, "IB-2026-0201")
    head = world.office.recorder.max_notification_id()
    assert_problem(
        world.post("officer", f"/grants/{grant}/revocation", {"approve": True, "reason": "einverstanden"}),
        403,
        "not_permitted",
    )
    again = world.post("approver", f"/grants/{grant}/revocation-proposal", {
        "remaining_amount": "0", "effective_on": "2026-03-01", "facts_known_on": "2026-04-20",
        "heard_on": "2026-04-28", "reason": "noch einmal",
    })  # fmt: skip
    assert_problem(again, 409, "invalid_state")
    assert world.office.recorder.max_notification_id() == head


def test_a_revocation_after_the_one_year_limit_is_refused(world: World) -> None:
    """Known on 30.04.2025: the year ended on Thursday 30.04.2026, before the API's day (04.05.2026)."""
    grant = paid_share_grant(world, "IB-2026-0202")
    head = world.office.recorder.max_notification_id()
    late = world.post(
        "officer",
        f"/grants/{grant}/revocation-proposal",
        {
            "remaining_amount": "0",
            "effective_on": "2026-03-01",
            "facts_known_on": "2025-04-30",
            "heard_on": "2026-04-28",
            "reason": "zu spät erkannt",
        },
    )
    problem = assert_problem(late, 422, "rule_violation")
    assert problem["field"] == "facts_known_on" and "30.04.2026" in problem["detail"]
    assert world.office.recorder.max_notification_id() == head


def test_relief_write_off_keeps_the_claim_open_and_value_limits_hold(world: World) -> None:
    """A write-off of 7.049,13 € is above finance's 5.000 € (the default Dienstanweisung): refused; the
    approver (50.000 €) decides it, and the claim stays open."""
    grant, _ = revoked_in_full(world, "IB-2026-0203")
    decided = ok(world.post("approver", f"/grants/{grant}/revocation", {"approve": True, "reason": "Angehört."}))
    claim = decided["claims"][0]["claim_id"]
    proposed = ok(
        world.post(
            "officer", f"/claims/{claim}/relief-proposals", {"kind": "write_off", "reason": "Verein zahlungsunfähig"}
        )
    )
    assert proposed["pending_relief"]["kind"] == "write_off"

    head = world.office.recorder.max_notification_id()
    over = assert_problem(
        world.post("finance", f"/claims/{claim}/relief-decisions", {"approve": True, "reason": "einverstanden"}),
        403,
        "not_permitted",
    )
    assert "7.049,13" in over["detail"] and "5.000,00" in over["detail"]
    assert world.office.recorder.max_notification_id() == head

    written_off = ok(
        world.post("approver", f"/claims/{claim}/relief-decisions", {"approve": True, "reason": "vorerst"})
    )
    assert (written_off["status"], written_off["written_off_on"], written_off["amount_due"]) == (
        "open",
        "2026-05-04",
        "7049.13",
    )


def test_relief_a_waiver_in_part_and_refusals(world: World) -> None:
    grant, _ = revoked_in_full(world, "IB-2026-0204")
    decided = ok(world.post("approver", f"/grants/{grant}/revocation", {"approve": True, "reason": "Angehört."}))
    claim = decided["claims"][0]["claim_id"]
    bad = world.post(
        "officer",
        f"/claims/{claim}/relief-proposals",
        {"kind": "deferral", "until": "2026-12-31", "amount": "10.00", "reason": "x y z"},
    )
    assert assert_problem(bad, 422, "invalid_input")["field"] == "amount"
    assert_problem(
        world.post("member_a", f"/claims/{claim}/relief-proposals", {"kind": "waiver", "reason": "bitte"}),
        403,
        "not_permitted",
    )

    ok(
        world.post(
            "finance", f"/claims/{claim}/relief-proposals", {"kind": "waiver", "amount": "1000.00", "reason": "Härte"}
        )
    )
    waived = ok(world.post("approver", f"/claims/{claim}/relief-decisions", {"approve": True, "reason": "Teilerlass"}))
    # 1.000 € on 04.05.2026: first the 49,13 € interest, then 950,87 € of the principal
    assert (waived["waived"], waived["outstanding"], waived["status"]) == ("1000.00", "6049.13", "open")


def idle_grant(world: World, file_number: str = "IB-2026-0210") -> UUID:
    """A 70 % share grant of 7.000 € for 15.01.–30.04.2026, paid in full on 20.01.2026; one receipt of
    2.000 € on 30.03.2026 (1.400 € of it the grant's)."""
    office, officer = world.office, world.actors["officer"]
    assert world.programme_id is not None and world.org_a is not None
    grant = office.apply_for_grant(
        world.programme_id, world.org_a, "Winterbegegnung", "Austausch", "Amiens",
        FundingPeriod(date(2026, 1, 15), date(2026, 4, 30)), "share", reference_plan(), officer,
        file_number=file_number, on=date(2026, 1, 10),
    )  # fmt: skip
    office.review_application(grant, True, True, "förderfähig", officer, on=date(2026, 1, 12))
    office.approve_grant(grant, Money("7000.00"), world.actors["approver"], rate=Decimal("0.7"), on=date(2026, 1, 14))
    payment = office.request_payment(
        grant, [{"due": date(2026, 1, 25), "amount": Money("7000.00"), "description": "alles"}], "Gesamtbetrag",
        world.actors["member_a"], on=date(2026, 1, 16),
    )  # fmt: skip
    office.certify_payment(grant, payment, officer, on=date(2026, 1, 17))
    office.release_payment(grant, payment, world.actors["finance"], on=date(2026, 1, 18))
    office.book_payment(grant, payment, date(2026, 1, 20), world.actors["cashier"])
    office.report_expense(
        grant, "travel", date(2026, 3, 30), "Reisebüro", "Bus", Money("2000.00"), "B-1", world.actors["member_a"]
    )
    return grant


def test_worked_example_idle_money_through_the_api(world: World) -> None:
    """Two months from 20.01.2026 end on 20.03.2026. The 1.400 € used on 30.03.2026 lay idle 69 days
    (12 + 28 + 29): 1.400 × 4,27 × 69 / 36.500 = 412.482 / 36.500; the 5.600 € unused on 04.05.2026, 104 days
    (12 + 28 + 31 + 30 + 3): 5.600 × 4,27 × 104 / 36.500 = 2.486.848 / 36.500; together 2.899.330 / 36.500
    = 79,433698… → 79,43 €."""
    grant = idle_grant(world)
    proposal = ok(world.get("officer", f"/grants/{grant}/idle-interest"))
    assert (proposal["interest"], proposal["drawdown_horizon"], proposal["decided_until"]) == ("79.43", "P2M", None)
    assert [(s["amount"], s["used_on"], s["interest_from"], s["interest_until"]) for s in proposal["stretches"]] == [
        ("1400.00", "2026-03-30", "2026-01-20", "2026-03-30"),
        ("5600.00", None, "2026-01-20", "2026-05-04"),
    ]
    assert ok(world.get("member_a", f"/grants/{grant}/idle-interest"))["interest"] == "79.43"  # its own grant
    assert_problem(world.get("member_b", f"/grants/{grant}/idle-interest"), 404, "not_found")

    head = world.office.recorder.max_notification_id()
    too_much = world.post("officer", f"/grants/{grant}/idle-interest", {"amount": "79.44", "reason": "alles"})
    assert assert_problem(too_much, 422, "rule_violation")["field"] == "amount"
    assert_problem(
        world.post("approver", f"/grants/{grant}/idle-interest", {"amount": "79.43", "reason": "zu früh"}),
        403,
        "not_permitted",
    )
    assert world.office.recorder.max_notification_id() == head

    decided = ok(
        world.post("officer", f"/grants/{grant}/idle-interest", {"amount": "79.43", "reason": "zu früh abgerufen"})
    )
    assert decided["idle_interest_charged"] == "79.43"
    [claim] = decided["claims"]
    assert (claim["cause"], claim["principal"], claim["amount_due"], claim["bears_interest"]) == (
        "idle_interest",
        "0.00",
        "79.43",
        False,
    )
    repaid = ok(
        world.post(
            "cashier", f"/claims/{claim['claim_id']}/repayments", {"amount": "79.43", "value_date": "2026-05-04"}
        )
    )
    assert (repaid["status"], repaid["interest_paid"]) == ("settled", "79.43")


def test_the_condition_day_through_the_api(world: World) -> None:
    """Costs 9.000 € (70 % = 6.300 €), 700 € overpaid; the costs fell on 10.04.2026, recorded with the
    review, so the claim arises then: to 04.05.2026, 24 days at 4,27 %: 700 × 4,27 × 24 / 36.500
    = 71.736 / 36.500 = 1,965369… → 1,97 €."""
    grant = paid_share_grant(world, "IB-2026-0220")
    for line, amount in (("travel", "3600.00"), ("stay", "2700.00"), ("fees", "1800.00"), ("pr", "900.00")):
        ok(world.post("member_a", f"/grants/{grant}/expenses", {
            "budget_line": line, "paid_on": "2026-04-10", "payee": "Reisebüro", "purpose": "Begegnung",
            "receipt_reference": f"B-{line}", "amount": amount,
        }), 201)  # fmt: skip
    proof = {"report": "Fand statt.", "own_funds": "1000.00", "third_party_funds": "1500.00", "income": "500.00"}
    ok(world.post("member_a", f"/grants/{grant}/proof-of-use", proof))
    late = {"notes": "geprüft", "condition_occurred_on": "2026-05-05"}
    assert (
        assert_problem(world.post("officer", f"/grants/{grant}/proof-of-use/review", late), 422, "invalid_input")[
            "field"
        ]
        == "condition_occurred_on"
    )
    reviewed = ok(
        world.post(
            "officer",
            f"/grants/{grant}/proof-of-use/review",
            {"notes": "geprüft", "condition_occurred_on": "2026-04-10"},
        )
    )
    assert reviewed["condition_occurred_on"] == "2026-04-10"
    determined = ok(world.post("approver", f"/grants/{grant}/final-amount", {}))
    [claim] = determined["claims"]
    assert (claim["principal"], claim["arose_on"], claim["interest_due"]) == ("700.00", "2026-04-10", "1.97")
