"""Grant law through the JSON API: the worked examples of issue 11 and their refusals, answered as JSON.

Each example is driven through the API where a command exists for it, with the office only for the
steps before (a grant approved and paid), and checked to the cent in the API's answers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.dates import FundingPeriod
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan

from .conftest import World
from .test_auth import assert_problem


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return answer.json()  # type: ignore[no-any-return]


REFERENCE_LINES = (
    ("travel", "Busreise", "4000.00"),
    ("stay", "Unterkunft", "3000.00"),
    ("fees", "Programm", "2000.00"),
)


def reference_plan() -> FinancingPlan:
    """10.000 € costs (travel 4.000, stay 3.000, fees 2.000, printing 1.000): own 1.000, foundation 1.500,
    fees 500, grant 7.000 €."""
    return FinancingPlan(
        (
            *(BudgetLine(c, label, Money(a)) for c, label, a in REFERENCE_LINES),
            BudgetLine("pr", "Druck", Money("1000.00")),
        ),
        own_funds=Money("1000.00"),
        third_party_funds=Money("1500.00"),
        income=Money("500.00"),
        grant=Money("7000.00"),
    )


def paid_share_grant(world: World, file_number: str = "IB-2026-0100") -> UUID:
    """A 70 % share grant of 7.000 € for organisation A, approved on 02.03.2026 and paid out in full."""
    office, officer, approver = world.office, world.actors["officer"], world.actors["approver"]
    assert world.programme_id is not None and world.org_a is not None
    grant = office.apply_for_grant(
        world.programme_id,
        world.org_a,
        "Jugendbegegnung Amiens",
        "Austausch",
        "Amiens",
        FundingPeriod(date(2026, 3, 1), date(2026, 4, 30)),
        "share",
        reference_plan(),
        officer,
        file_number=file_number,
        on=date(2026, 3, 1),
    )
    office.review_application(grant, True, True, "förderfähig", officer, on=date(2026, 3, 1))
    office.approve_grant(grant, Money("7000.00"), approver, rate=Decimal("0.7"), on=date(2026, 3, 2))
    payment = office.request_payment(
        grant,
        [{"due": date(2026, 3, 20), "amount": Money("7000.00"), "description": "alles"}],
        "Gesamtbetrag",
        world.actors["member_a"],
        on=date(2026, 3, 2),
    )
    office.certify_payment(grant, payment, officer, on=date(2026, 3, 3))
    office.release_payment(grant, payment, world.actors["finance"], on=date(2026, 3, 4))
    office.book_payment(grant, payment, date(2026, 3, 5), world.actors["cashier"])
    return grant


def test_worked_example_share_grant_with_extra_funds_and_cost_overruns(world: World) -> None:
    """11.000 € spent (every line within +20 %), the foundation pays 2.500 € instead of 1.500 €: the plan
    binds as a total, so 10.000 € are eligible and 0,7 × (10.000 − 1.000) = 6.300 € is the final amount;
    700 € of the 7.000 € paid are claimed."""
    grant = paid_share_grant(world)
    for line, amount in (("travel", "4600.00"), ("stay", "3300.00"), ("fees", "2000.00"), ("pr", "1100.00")):
        ok(
            world.post(
                "member_a",
                f"/grants/{grant}/expenses",
                {
                    "budget_line": line,
                    "paid_on": "2026-04-10",
                    "payee": "Reisebüro",
                    "purpose": "Begegnung",
                    "receipt_reference": f"B-{line}",
                    "amount": amount,
                },
            ),
            201,
        )
    proof = {"report": "Fand statt.", "own_funds": "1000.00", "third_party_funds": "2500.00", "income": "500.00"}
    ok(world.post("member_a", f"/grants/{grant}/proof-of-use", proof))
    ok(world.post("officer", f"/grants/{grant}/proof-of-use/review", {"notes": "rechnerisch geprüft"}))
    determined = ok(world.post("approver", f"/grants/{grant}/final-amount", {}))

    assert determined["amounts"]["final_amount"] == "6300.00"
    assert determined["over_plan_total"] == "1000.00"
    assert [c["principal"] for c in determined["claims"]] == ["700.00"]
    assert determined["claims"][0]["legal_basis"] == "VwVfG NRW"
    assert determined["claims"][0]["interest_margin"] == "3"


def test_an_expense_beyond_a_lines_tolerance_is_refused_with_422_and_nothing_recorded(world: World) -> None:
    grant = paid_share_grant(world, "IB-2026-0101")
    before = ok(world.get("member_a", f"/grants/{grant}/expenses"))["items"]
    refused = world.post(
        "member_a",
        f"/grants/{grant}/expenses",
        {
            "budget_line": "pr",
            "paid_on": "2026-04-10",
            "payee": "Druckerei",
            "purpose": "Plakate",
            "receipt_reference": "B-1",
            "amount": "1200.01",
        },
    )
    assert_problem(refused, 422, "rule_violation")
    assert ok(world.get("member_a", f"/grants/{grant}/expenses"))["items"] == before
