"""A grant from application to closure through the API alone, and the refusals on the way (409, 403)."""

from __future__ import annotations

from decimal import Decimal

from domain.actors import Role

from .conftest import World, application_body
from .test_auth import assert_problem


def ok(answer, status: int = 200) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    return answer.json()


def test_a_grant_from_application_to_closure(world: World) -> None:
    # The association applies; the office asks for a document, which comes in.
    body = application_body(world.programme_id, period_start="2026-05-01")
    applied = world.post("member_a", "/grants", body)
    grant = ok(applied, 201)
    gid = grant["grant_id"]
    assert applied.headers["location"] == f"/api/v1/grants/{gid}"
    assert (grant["status"], grant["status_german"]) == ("applied", "Antrag eingegangen")
    assert grant["organisation_id"] == str(world.org_a)
    assert grant["amounts"]["applied"] == "10845.68" and grant["plan"]["total_costs"] == "12345.68"
    assert grant["timeline"][0]["who"] == "Anna Amiens"
    assert gid in [g["grant_id"] for g in ok(world.get("member_a", "/grants"))["items"]]  # read after write

    request = ok(
        world.post(
            "officer", f"/grants/{gid}/document-requests", {"items": "Satzung des Vereins", "due": "2026-05-20"}
        ),
        201,
    )
    assert ok(world.get("member_a", f"/grants/{gid}"))["open_document_requests"] == [request["request_id"]]
    received = ok(
        world.post(
            "member_a", f"/grants/{gid}/document-requests/{request['request_id']}/receipt", {"note": "Satzung anbei"}
        )
    )
    assert received["status"] == "applied" and received["open_document_requests"] == []

    # Review by one person, approval by another; the money is bound in the programme.
    reviewed = ok(
        world.post(
            "officer",
            f"/grants/{gid}/review",
            {"formal_ok": True, "substantive_ok": True, "notes": "vollständig, förderfähig"},
        )
    )
    assert reviewed["status_german"] == "Geprüft"
    approved = ok(
        world.post(
            "approver",
            f"/grants/{gid}/approval",
            {"amount": "10845.68", "rate": "0.8786", "conditions": "Bericht mit Fotos"},
        )
    )
    assert (approved["status"], approved["status_german"]) == ("approved", "Bewilligt")
    assert approved["terms"]["amount"] == "10845.68" and approved["terms"]["rate"] == "0.8786"
    assert approved["terms"]["year_split"] == {"2026": "10845.68"}
    assert [d["key"] for d in approved["deadlines"]] == ["final"] and approved["deadlines"][0]["due"] == "2027-04-30"
    assert approved["next_deadline"]["kind"] == "final"
    balance = ok(world.get("officer", f"/programmes/{world.programme_id}"))["balances"][0]
    assert (balance["committed"], balance["available"]) == ("20845.68", "4154.32")

    # Payment: requested by the association, certified, released and booked by three other people.
    payment = ok(
        world.post(
            "member_a",
            f"/grants/{gid}/payments",
            {
                "needs": [{"due": "2026-06-15", "amount": "4000.00", "description": "Flüge nach Amiens"}],
                "purpose": "Erste Rate",
            },
        ),
        201,
    )
    pid = payment["payment_id"]
    assert (payment["status"], payment["amount"], payment["needs"][0]["due"]) == ("requested", "4000.00", "2026-06-15")
    assert ok(world.post("officer", f"/grants/{gid}/payments/{pid}/certification", {}))["status"] == "certified"
    assert ok(world.post("finance", f"/grants/{gid}/payments/{pid}/release"))["status"] == "released"  # no body at all
    booked = ok(world.post("cashier", f"/grants/{gid}/payments/{pid}/booking", {"value_date": "2026-05-04"}))
    assert (booked["status"], booked["status_german"], booked["value_date"]) == ("booked", "Ausgezahlt", "2026-05-04")
    assert ok(world.get("member_a", f"/grants/{gid}"))["amounts"]["paid"] == "4000.00"

    # Spending, in euros and in cedi; a wrong receipt is reversed, never edited.
    euro = ok(
        world.post(
            "member_a",
            f"/grants/{gid}/expenses",
            {
                "budget_line": "travel",
                "paid_on": "2026-05-04",
                "payee": "SNCF",
                "purpose": "Zugfahrt",
                "receipt_reference": "R-1",
                "amount": "3000.00",
            },
        ),
        201,
    )
    cedi = ok(
        world.post(
            "member_a",
            f"/grants/{gid}/expenses",
            {
                "budget_line": "stay",
                "paid_on": "2026-05-04",
                "payee": "Gästehaus Kumasi",
                "purpose": "Unterkunft",
                "receipt_reference": "R-2",
                "foreign": {
                    "currency": "GHS",
                    "original": "1523.01",
                    "rate": "15.2301",
                    "rate_date": "2026-05-04",
                    "rate_source": "bank_statement",
                },
            },
        ),
        201,
    )
    assert cedi["amount"] == "100.00" and cedi["foreign"] == {
        "currency": "GHS",
        "original": "1523.01",
        "rate": "15.2301",
        "rate_date": "2026-05-04",
        "rate_source": "bank_statement",
        "rate_warning": None,
    }
    wrong = ok(
        world.post(
            "member_a",
            f"/grants/{gid}/expenses",
            {
                "budget_line": "stay",
                "paid_on": "2026-05-04",
                "payee": "Doppelt",
                "purpose": "versehentlich",
                "receipt_reference": "R-2b",
                "amount": "50.00",
            },
        ),
        201,
    )
    reversed_ = ok(
        world.post("member_a", f"/grants/{gid}/expenses/{wrong['expense_id']}/reversal", {"reason": "doppelt erfasst"})
    )
    assert reversed_["reversed"] is True and reversed_["reversal_reason"] == "doppelt erfasst"
    listed = ok(world.get("member_a", f"/grants/{gid}/expenses"))
    assert [x["expense_id"] for x in listed["items"]] == [euro["expense_id"], cedi["expense_id"], wrong["expense_id"]]
    assert listed["spent_per_line"] == {"travel": "3000.00", "stay": "100.00"}

    # Proof of use by the association, reviewed by an officer, final amount by the approver: a claim.
    submitted = ok(
        world.post(
            "member_a",
            f"/grants/{gid}/proof-of-use",
            {
                "report": "Zwölf Jugendliche waren zwei Wochen in Amiens.",
                "own_funds": "1500.00",
                "third_party_funds": "0.00",
                "income": "0.00",
            },
        )
    )
    assert submitted["status_german"] == "Verwendungsnachweis eingereicht"
    reviewed_proof = ok(
        world.post(
            "officer",
            f"/grants/{gid}/proof-of-use/review",
            {
                "recognised_costs": {"travel": "2500.00"},
                "cut_reasons": {"travel": "Beleg über 500 € fehlt"},
                "notes": "rechnerisch geprüft",
            },
        )
    )
    assert reviewed_proof["status"] == "proof_reviewed"
    determined = ok(world.post("approver", f"/grants/{gid}/final-amount", {}))
    assert determined["status_german"] == "Schlussfestgesetzt"
    final = Decimal(determined["amounts"]["final_amount"])
    assert final == Decimal("2284.36")  # 87,86 % of the 2 600 € recognised
    (claim,) = determined["claims"]
    assert claim["principal"] == f"{Decimal('4000.00') - final:.2f}" and claim["status"] == "open"

    # The Stadtkasse books the repayment; the grant can be closed.
    repaid = ok(
        world.post(
            "cashier",
            f"/claims/{claim['claim_id']}/repayments",
            {"amount": claim["principal"], "value_date": "2026-05-04"},
        )
    )
    assert (repaid["status"], repaid["outstanding"]) == ("settled", "0.00")
    closed = ok(world.post("officer", f"/grants/{gid}/closure", {}))
    assert (closed["status"], closed["status_german"]) == ("closed", "Abgeschlossen")
    balance = ok(world.get("officer", f"/programmes/{world.programme_id}"))["balances"][0]
    assert balance["committed"] == f"{Decimal('10000.00') + final:.2f}"  # the rest went back to the budget

    history = ok(world.get("member_a", f"/grants/{gid}/timeline"))["items"]
    assert len(history) >= 12
    assert all(entry["what"] for entry in history)
    assert history == ok(world.get("member_a", f"/grants/{gid}"))["timeline"]
    # the association reads its applicant's view: never the review notes, never a step between offices
    audited = ok(world.get("auditor", f"/grants/{gid}"))["timeline"]
    assert {e["position"] for e in history} < {e["position"] for e in audited}
    staff_text = " ".join(f"{e['what']} {e['why']}" for e in audited)
    member_text = " ".join(f"{e['what']} {e['why']} {e['message']} {e['note']}" for e in history)
    assert "vollständig, förderfähig" in staff_text and "rechnerisch geprüft" in staff_text
    assert "vollständig, förderfähig" not in member_text and "rechnerisch geprüft" not in member_text
    assert "Mittel gebunden" in staff_text and "Mittel gebunden" not in member_text
    assert "freigegeben" in staff_text and "freigegeben" not in member_text


def test_approving_beyond_the_budget_is_a_409_conflict(world: World) -> None:
    for gid in (world.applied_a, world.applied_b):
        ok(world.post("officer", f"/grants/{gid}/review", {"formal_ok": True, "substantive_ok": True, "notes": "gut"}))
    ok(world.post("approver", f"/grants/{world.applied_a}/approval", {"amount": "10845.68", "rate": "0.88"}))

    answer = world.post("approver", f"/grants/{world.applied_b}/approval", {"amount": "10845.68", "rate": "0.88"})

    body = assert_problem(answer, 409, "over_budget")
    assert "10.845,68" in body["detail"] or "Budget" in body["detail"]
    assert ok(world.get("officer", f"/grants/{world.applied_b}"))["status"] == "reviewed"


def test_a_command_that_does_not_fit_the_state_is_a_409_conflict(world: World) -> None:
    first = world.post("member_a", f"/grants/{world.applied_a}/withdrawal", {"reason": "Projekt fällt aus"})
    again = world.post("member_a", f"/grants/{world.applied_a}/withdrawal", {"reason": "Projekt fällt aus"})

    assert ok(first)["status_german"] == "Zurückgezogen"
    assert_problem(again, 409, "invalid_state")


def test_a_payment_request_outside_the_funding_period_is_refused_with_409(world: World) -> None:
    ok(
        world.post(
            "officer", f"/grants/{world.applied_a}/review", {"formal_ok": True, "substantive_ok": True, "notes": "gut"}
        )
    )
    ok(world.post("approver", f"/grants/{world.applied_a}/approval", {"amount": "10845.68", "rate": "0.88"}))

    answer = world.post(
        "member_a",
        f"/grants/{world.applied_a}/payments",
        {
            "needs": [{"due": "2026-06-15", "amount": "100.00", "description": "Vorschuss"}],
            "purpose": "zu früh",
        },
    )

    body = assert_problem(answer, 409, "payment_refused")
    assert "Förderzeitraum" in body["detail"]


def test_the_association_cannot_back_date(world: World) -> None:
    answer = world.post("member_a", "/grants", application_body(world.programme_id, on="2026-01-01"))

    assert assert_problem(answer, 403, "not_permitted")["field"] == "on"


def test_the_office_applies_for_an_association_and_may_give_the_file_number(world: World) -> None:
    body = application_body(
        world.programme_id, organisation_id=str(world.org_b), file_number="IB-2026-0999", on="2026-04-30"
    )
    grant = ok(world.post("officer", "/grants", body), 201)

    assert (grant["file_number"], grant["applied_on"], grant["organisation_id"]) == (
        "IB-2026-0999",
        "2026-04-30",
        str(world.org_b),
    )
    assert_problem(world.post("officer", "/grants", body), 409, "already_exists")
    missing = dict(body, file_number="IB-2026-1000")
    del missing["organisation_id"]
    assert assert_problem(world.post("officer", "/grants", missing), 422, "invalid_input")["field"] == "organisation_id"


def test_rejection_and_cancellation(world: World) -> None:
    rejected = ok(
        world.post("approver", f"/grants/{world.applied_b}/rejection", {"reason": "Kein Bezug zur Partnerstadt"})
    )
    cancelled = ok(
        world.post(
            "member_b",
            f"/grants/{world.grant_b}/payments/{world.payment_b}/cancellation",
            {"reason": "Flüge werden später gebucht"},
        )
    )

    assert (rejected["status"], rejected["status_german"]) == ("rejected", "Abgelehnt")
    assert (cancelled["status"], cancelled["cancellation_reason"]) == ("cancelled", "Flüge werden später gebucht")
    assert ok(world.get("member_b", f"/grants/{world.grant_b}"))["amounts"]["requested"] == "0.00"


def test_revocation_without_payments_leaves_no_claim(world: World) -> None:
    proposal = {
        "remaining_amount": "0.00",
        "effective_on": "2026-05-04",
        "facts_known_on": "2026-05-04",
        "heard_on": "2026-05-04",
        "reason": "Projekt abgesagt",
    }
    ok(world.post("officer", f"/grants/{world.grant_a}/revocation-proposal", proposal))
    revoked = ok(world.post("approver", f"/grants/{world.grant_a}/revocation", {"approve": True, "reason": "Angehört"}))

    assert (revoked["status"], revoked["amounts"]["final_amount"], revoked["claims"]) == ("revoked", "0.00", [])


def test_an_interim_proof_after_the_year_end(world: World) -> None:
    body = application_body(
        world.programme_id,
        organisation_id=str(world.org_a),
        period_start="2026-05-01",
        period_end="2027-03-31",
        on="2026-04-30",
    )
    gid = ok(world.post("officer", "/grants", body), 201)["grant_id"]
    ok(world.post("officer2", f"/grants/{gid}/review", {"formal_ok": True, "substantive_ok": True, "notes": "gut"}))
    no_budget = world.post(
        "approver",
        f"/grants/{gid}/approval",
        {"amount": "10845.68", "rate": "0.88", "year_split": {"2026": "6000.00", "2027": "4845.68"}},
    )
    assert assert_problem(no_budget, 409, "over_budget")["field"] == "fiscal_year"
    approved = ok(world.post("approver", f"/grants/{gid}/approval", {"amount": "10845.68", "rate": "0.88"}))
    assert [d["key"] for d in approved["deadlines"]] == ["interim-2026", "final"]

    early = world.post("member_a", f"/grants/{gid}/interim-proofs", {"fiscal_year": 2026, "report": "Halbzeit"})
    done = ok(
        world.post(
            "officer", f"/grants/{gid}/interim-proofs", {"fiscal_year": 2026, "report": "Halbzeit", "on": "2027-01-15"}
        )
    )

    assert assert_problem(early, 422, "invalid_input")["field"] == "on"
    assert done["deadlines"][0]["done_on"] == "2027-01-15"


def test_registering_an_organisation(world: World) -> None:
    created = world.post(
        "officer",
        "/organisations",
        {
            "name": "Städtepartnerschaftsverein Dortmund–Netanya e.V.",
            "legal_form": "e.V.",
            "register_number": "VR 9000",
            "address": {"street": "Friedensplatz 1", "postcode": "44135", "city": "Dortmund"},
            "iban": "DE75 5121 0800 1245 1261 99",
        },
    )
    body = ok(created, 201)

    assert created.headers["location"] == f"/api/v1/organisations/{body['organisation_id']}"
    assert body["iban"] == "DE75512108001245126199" and body["address"]["country"] == "DE"
    bad_iban = world.post(
        "admin",
        "/organisations",
        {
            "name": "Fehler e.V.",
            "legal_form": "e.V.",
            "register_number": "VR 1",
            "address": {"street": "A 1", "postcode": "44135", "city": "Dortmund"},
            "iban": "DE00123456780000000000",
        },
    )
    assert assert_problem(bad_iban, 422, "invalid_input")["field"] == "iban"


def test_one_person_with_two_roles_holds_a_token_for_each(world: World) -> None:
    """A token acts in its own role: the approver's finance token sees finance's queues only."""
    world.office.grant_role(world.users["approver"], Role.FINANCE, world.actors["admin"])
    token = world.token_for("approver", Role.FINANCE)

    queue = world.client.get("/api/v1/work-queue", headers={"Authorization": f"Bearer {token}"})

    assert {item["queue"] for item in ok(queue)["items"]} <= {"release", "book", "claim"}
