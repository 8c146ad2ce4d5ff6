"""Issue 11's rules 7, 8, 9, 12 and 13 through the JSON API: worked examples to the cent and refusals that
record nothing."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.dates import FundingPeriod
from domain.money import Money

from .conftest import World
from .test_auth import assert_problem
from .test_grant_law import reference_plan


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return answer.json()  # type: ignore[no-any-return]


def applied(world: World, file_number: str, financing_type: str = "fixed", on: date = date(2026, 3, 1)) -> UUID:
    """An application of organisation A (received ``on``, period 01.03.–30.04.2026), reviewed."""
    office, officer = world.office, world.actors["officer"]
    assert world.programme_id is not None and world.org_a is not None
    grant = office.apply_for_grant(
        world.programme_id,
        world.org_a,
        "Ausbildungsaufenthalt Amiens",
        "Austausch von Auszubildenden",
        "Amiens",
        FundingPeriod(date(2026, 3, 1), date(2026, 4, 30)),
        financing_type,
        reference_plan(),
        officer,
        file_number=file_number,
        on=on,
    )
    office.review_application(grant, True, True, "förderfähig", officer, on=on)
    return grant


def pay(world: World, grant: UUID, amount: str) -> None:
    office, officer = world.office, world.actors["officer"]
    payment = office.request_payment(
        grant,
        [{"due": date(2026, 3, 20), "amount": Money(amount), "description": "alles"}],
        "Gesamtbetrag",
        world.actors["member_a"],
        on=date(2026, 3, 2),
    )
    office.certify_payment(grant, payment, officer, on=date(2026, 3, 3))
    office.release_payment(grant, payment, world.actors["finance"], on=date(2026, 3, 4))
    office.book_payment(grant, payment, date(2026, 3, 5), world.actors["cashier"])


def spend(world: World, grant: UUID, paid_on: str = "2026-04-10", **lines: str) -> Any:
    answer = None
    for line, amount in lines.items():
        answer = world.post(
            "member_a",
            f"/grants/{grant}/expenses",
            {
                "budget_line": line,
                "paid_on": paid_on,
                "payee": "Reisebüro",
                "purpose": "Aufenthalt",
                "receipt_reference": f"B-{line}",
                "amount": amount,
            },
        )
    return answer


PER_TRAINEE = {"amount": "5400.00", "financing_type": "fixed", "unit_rate": "450.00", "units": 12}


def test_worked_example_a_fixed_amount_per_trainee_with_fewer_trainees(world: World) -> None:
    """450,00 € × 12 trainees = 5.400,00 € granted and paid; 9 took part: 9 × 450,00 € = 4.050,00 €,
    1.350,00 € claimed back (with interest at 3 points over the base rate, VwVfG NRW)."""
    grant = applied(world, "IB-2026-0200")
    approved = ok(world.post("approver", f"/grants/{grant}/approval", {**PER_TRAINEE, "unit_label": "Auszubildende"}))
    assert approved["terms"]["unit_rate"] == "450.00" and approved["terms"]["units"] == 12
    pay(world, grant, "5400.00")
    ok(spend(world, grant, travel="4000.00", stay="3000.00", fees="2000.00", pr="1000.00"), 201)
    proof = {"report": "Neun waren dort.", "own_funds": "1000.00", "third_party_funds": "1500.00", "income": "500.00"}

    missing = world.post("member_a", f"/grants/{grant}/proof-of-use", proof)
    assert assert_problem(missing, 422, "invalid_input")["field"] == "units_delivered"

    ok(world.post("member_a", f"/grants/{grant}/proof-of-use", {**proof, "units_delivered": 9}))
    ok(world.post("officer", f"/grants/{grant}/proof-of-use/review", {"notes": "Teilnahmeliste geprüft"}))
    determined = ok(world.post("approver", f"/grants/{grant}/final-amount", {}))

    assert determined["amounts"]["final_amount"] == "4050.00"
    assert determined["unit_shortfall"] == "1350.00"
    assert [c["principal"] for c in determined["claims"]] == ["1350.00"]
    assert determined["claims"][0]["interest_margin"] == "3"


def test_a_rate_per_unit_that_does_not_make_the_amount_is_refused(world: World) -> None:
    grant = applied(world, "IB-2026-0201")
    head = world.office.recorder.max_notification_id()

    wrong = world.post("approver", f"/grants/{grant}/approval", {**PER_TRAINEE, "units": 11})
    share = world.post(
        "approver", f"/grants/{grant}/approval", {**PER_TRAINEE, "financing_type": "share", "rate": "0.54"}
    )

    assert "11 × 450,00 € sind 4.950,00 €" in assert_problem(wrong, 422, "invalid_input")["detail"]
    assert assert_problem(share, 422, "rule_violation")["field"] == "unit_rate"
    assert world.office.recorder.max_notification_id() == head


def test_worked_example_a_deadline_falling_on_christmas(world: World) -> None:
    """Funding period 01.06.–25.06.2026: six months later is Friday 25.12.2026 (Christmas Day), then a
    holiday Saturday and a Sunday, so the proof of use is due Monday 28.12.2026 — and the approval says so."""
    assert world.programme_id is not None and world.org_a is not None
    grant = world.office.apply_for_grant(
        world.programme_id,
        world.org_a,
        "Sommerbegegnung Amiens",
        "Austausch",
        "Amiens",
        FundingPeriod(date(2026, 6, 1), date(2026, 6, 25)),
        "share",
        reference_plan(),
        world.actors["officer"],
        on=date(2026, 5, 4),
    )
    ok(world.post("officer", f"/grants/{grant}/review", {"formal_ok": True, "substantive_ok": True, "notes": "gut"}))
    approved = ok(world.post("approver", f"/grants/{grant}/approval", {"amount": "7000.00", "rate": "0.7"}))

    assert approved["terms"]["proof_due"] == "2026-12-28"
    assert next(d for d in approved["deadlines"] if d["key"] == "final")["due"] == "2026-12-28"


SUMMARY = {
    "report": "Die Begegnung fand statt.",
    "own_funds": "1000.00",
    "third_party_funds": "1500.00",
    "income": "500.00",
    "actual_costs": {"travel": "3600.00", "stay": "2700.00", "fees": "1800.00", "pr": "900.00"},
}


def test_a_simple_proof_of_use_without_receipts(world: World) -> None:
    """The city's rules allow a simple proof: 9.000 € summed up, no receipts; 0,7 × 9.000 = 6.300 €."""
    grant = applied(world, "IB-2026-0210", "share")
    ok(world.post("approver", f"/grants/{grant}/approval", {"amount": "7000.00", "rate": "0.7"}))
    pay(world, grant, "7000.00")

    unknown = world.post("member_a", f"/grants/{grant}/proof-of-use/simple", {**SUMMARY, "actual_costs": {"x": "1"}})
    assert assert_problem(unknown, 422, "invalid_input")["field"] == "actual_costs"

    submitted = ok(world.post("member_a", f"/grants/{grant}/proof-of-use/simple", SUMMARY))
    assert submitted["terms"]["rule_set"]["simple_proof"] is True
    staff_view = ok(world.get("officer", f"/grants/{grant}"))["timeline"]
    assert any("Kosten 9.000,00 €, einfacher Nachweis ohne Belege" in t["what"] for t in staff_view)
    ok(world.post("officer", f"/grants/{grant}/proof-of-use/review", {"notes": "Summen plausibel"}))
    determined = ok(world.post("approver", f"/grants/{grant}/final-amount", {}))
    assert determined["amounts"]["final_amount"] == "6300.00"
    assert [c["principal"] for c in determined["claims"]] == ["700.00"]


def test_worked_example_an_early_start_lets_a_receipt_before_the_application_count(world: World) -> None:
    """Applied on 10.03.2026 for a period from 01.03.2026: a receipt of 05.03.2026 is refused; after the
    approver agrees to an early start from 02.03.2026 it counts."""
    grant = applied(world, "IB-2026-0220", "share", on=date(2026, 3, 10))
    ok(world.post("approver", f"/grants/{grant}/approval", {"amount": "7000.00", "rate": "0.7"}))
    head = world.office.recorder.max_notification_id()

    early = spend(world, grant, "2026-03-05", travel="4000.00")
    officer = world.post("officer", f"/grants/{grant}/early-start", {"start_on": "2026-03-02", "reason": "Bus"})
    outside = world.post("approver", f"/grants/{grant}/early-start", {"start_on": "2026-02-20", "reason": "Bus"})

    assert "vor dem Antragseingang am 10.03.2026" in assert_problem(early, 422, "rule_violation")["detail"]
    assert_problem(officer, 403, "not_permitted")
    assert assert_problem(outside, 422, "invalid_input")["field"] == "start_on"
    assert world.office.recorder.max_notification_id() == head

    detail = ok(world.post("approver", f"/grants/{grant}/early-start", {"start_on": "2026-03-02", "reason": "Bus"}))
    assert detail["eligible_from"] == "2026-03-02" and detail["early_start_on"] == "2026-03-02"
    ok(spend(world, grant, "2026-03-05", travel="4000.00"), 201)


def test_worked_example_a_projector_sold_within_its_earmarking_period(world: World) -> None:
    """A projector of 1.250,00 € bought on 15.04.2026 under five years' earmarking is bound until
    15.04.2031; disposed of on 02.05.2026 that is a reason to revoke. A camera of 600 € is below the limit."""
    grant = applied(world, "IB-2026-0230", "share")
    ok(world.post("approver", f"/grants/{grant}/approval", {"amount": "7000.00", "rate": "0.7", "earmark_years": 5}))
    item = {"description": "Beamer Epson EB-W51", "acquired_on": "2026-04-15", "value": "1250.00"}
    head = world.office.recorder.max_notification_id()

    cheap = world.post("member_a", f"/grants/{grant}/items", {**item, "value": "600.00"})
    other = world.post("member_b", f"/grants/{grant}/items", item)
    assert "Wertgrenze von 800,00 €" in assert_problem(cheap, 422, "rule_violation")["detail"]
    assert_problem(other, 404, "not_found")
    assert world.office.recorder.max_notification_id() == head

    listed = ok(world.post("member_a", f"/grants/{grant}/items", item), 201)["items"]
    assert [(i["value"], i["earmarked_until"]) for i in listed] == [("1250.00", "2031-04-15")]
    item_id = listed[0]["item_id"]
    gone = ok(
        world.post(
            "member_a", f"/grants/{grant}/items/{item_id}/disposal", {"disposed_on": "2026-05-02", "how": "verkauft"}
        )
    )
    assert gone["items"][0]["within_earmark"] is True and gone["items"][0]["disposed_on"] == "2026-05-02"


def test_worked_example_the_partner_s_receipt_at_the_weighted_rate_of_the_transfers(world: World) -> None:
    """2.000,00 € → 30.500 GHS and 1.000,00 € → 16.000 GHS: weighted 46.500 / 3.000 = 15,5 GHS per euro;
    a receipt over 7.750 GHS counts 500,00 €. An ECB rate dated 27 days before the payment gets a warning."""
    grant = applied(world, "IB-2026-0240", "share")
    ok(world.post("approver", f"/grants/{grant}/approval", {"amount": "7000.00", "rate": "0.7"}))
    base = {"budget_line": "stay", "paid_on": "2026-04-28", "payee": "Guesthouse", "purpose": "Unterkunft"}
    weighted = {"currency": "GHS", "original": "7750", "rate_source": "weighted_transfers"}

    none_yet = world.post(
        "member_a", f"/grants/{grant}/expenses", {**base, "receipt_reference": "K-0", "foreign": weighted}
    )
    assert assert_problem(none_yet, 422, "rule_violation")["field"] == "rate_source"

    for euro, cedi, day in (("2000.00", "30500", "2026-03-10"), ("1000.00", "16000", "2026-04-20")):
        body = {"euro": euro, "currency": "GHS", "received": cedi, "value_date": day, "recipient": "Kumasi Youth Club"}
        detail = ok(world.post("member_a", f"/grants/{grant}/transfers-abroad", body), 201)
    assert detail["weighted_rates"] == {"GHS": "15.500000"}

    expense = ok(
        world.post("member_a", f"/grants/{grant}/expenses", {**base, "receipt_reference": "K-1", "foreign": weighted}),
        201,
    )
    assert expense["amount"] == "500.00"
    assert expense["foreign"]["rate"] == "15.500000" and expense["foreign"]["rate_source"] == "weighted_transfers"
    assert expense["foreign"]["rate_warning"] is None  # dated 20.04., paid 28.04.: 8 days

    ecb = {
        "currency": "GHS",
        "original": "1550",
        "rate": "15.5",
        "rate_date": "2026-04-01",
        "rate_source": "ecb_reference",
    }
    far = ok(
        world.post("member_a", f"/grants/{grant}/expenses", {**base, "receipt_reference": "K-2", "foreign": ecb}), 201
    )
    assert far["amount"] == "100.00" and "27 Tage vom Zahltag" in far["foreign"]["rate_warning"]
