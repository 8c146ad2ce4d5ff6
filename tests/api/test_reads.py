"""Reads: programmes with balances as of a date, organisations and grants page by page, payments,
expenses, the receipt list, the timeline, the work queue, claims."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from domain.money import Money

from .conftest import World, claim_for_b
from .test_commands import ok

MONEY = re.compile(r"^-?[0-9]+\.[0-9]{2}$")


def test_me_names_the_caller(world: World) -> None:
    me = ok(world.get("member_b", "/me"))

    assert (me["name"], me["role"], me["role_german"], me["organisation_id"]) == (
        "Bert Kumasi",
        "association",
        "Verein",
        str(world.org_b),
    )


def test_programmes_list_and_detail(world: World) -> None:
    (programme,) = ok(world.get("member_a", "/programmes"))["items"]
    detail = ok(world.get("finance", f"/programmes/{world.programme_id}"))

    assert (programme["code"], programme["funding_source_german"], programme["fiscal_years"]) == (
        "IB-VEREINE",
        "Städtischer Haushalt",
        [2026],
    )
    assert detail["rule_set"]["drawdown_horizon"] == "P2M" and detail["rule_set"]["line_tolerance"] == "0.20"
    (year,) = detail["balances"]
    assert (year["fiscal_year"], year["budget"], year["committed"], year["available"], year["requested"]) == (
        2026,
        "25000.00",
        "10000.00",
        "15000.00",
        "2000.00",
    )


def test_balances_as_of_a_date_come_from_the_journal(world: World) -> None:
    def committed(as_of: str) -> str:
        (year,) = ok(world.get("officer", f"/programmes/{world.programme_id}?as_of={as_of}"))["balances"]
        return year["committed"]

    before_budget = ok(world.get("officer", f"/programmes/{world.programme_id}?as_of=2025-12-31"))["balances"][0]

    assert before_budget["budget"] == "0.00"  # a fiscal year's budget counts from its first day
    assert committed("2026-03-02") == "0.00"
    assert committed("2026-03-03") == "10000.00"  # both approvals of 3 March
    listed = ok(world.get("auditor", "/balances?fiscal_year=2026&as_of=2026-03-02"))
    assert listed["as_of"] == "2026-03-02"
    assert [(i["code"], i["budget"], i["committed"]) for i in listed["items"]] == [("IB-VEREINE", "25000.00", "0.00")]
    assert ok(world.get("auditor", "/balances?fiscal_year=2030"))["items"] == []


def test_balance_list_agrees_with_each_programme_year(world: World) -> None:
    """The list sums the journal in one grouped pass; each programme's page sums it year by year."""
    claim_for_b(world)
    for query in ("", "?as_of=2026-03-03", "?fiscal_year=2026"):
        listed = ok(world.get("finance", f"/balances{query}"))["items"]
        detail_query = "?as_of=2026-03-03" if "as_of" in query else ""
        detailed = {
            (item["programme_id"], year["fiscal_year"]): year
            for item in listed
            for year in ok(world.get("finance", f"/programmes/{item['programme_id']}{detail_query}"))["balances"]
        }

        assert listed, query
        for item in listed:
            year = detailed[(item["programme_id"], item["fiscal_year"])]
            assert {k: v for k, v in item.items() if k in year} == year, query


def test_every_amount_is_a_decimal_string(world: World) -> None:
    claim_for_b(world)
    texts = [
        world.get("officer", path).text
        for path in (
            f"/grants/{world.grant_b}",
            "/balances",
            f"/programmes/{world.programme_id}",
            "/grants",
            f"/grants/{world.grant_b}/expenses",
        )
    ]

    amounts = [
        m for text in texts for m in re.findall(r'"(?:amount|paid|budget|committed|principal|grant)":\s*([^,}]+)', text)
    ]
    assert amounts and all(a.startswith('"') and MONEY.match(a.strip('"')) for a in amounts), amounts


def test_organisations_page_by_cursor(world: World) -> None:
    first = ok(world.get("officer", "/organisations?limit=1"))
    second = ok(world.get("officer", f"/organisations?limit=1&cursor={first['next_cursor']}"))
    detail = ok(world.get("member_b", f"/organisations/{world.org_b}"))

    assert [o["name"] for o in first["items"] + second["items"]] == [
        "Deutsch-Französische Gesellschaft Dortmund e.V.",
        "Freundeskreis Kumasi e.V.",
    ]
    assert second["next_cursor"] is None
    assert (detail["register_number"], detail["iban"], detail["address"]["city"]) == (
        "VR 815",
        "DE02120300000000202051",
        "Dortmund",
    )


def test_grants_page_by_cursor_without_losing_or_repeating_any(world: World) -> None:
    seen, cursor, pages = [], None, 0
    while True:
        page = ok(world.get("officer", "/grants?limit=3" + (f"&cursor={cursor}" if cursor else "")))
        seen += [g["file_number"] for g in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 2
    assert seen == ["IB-2026-0003", "IB-2026-0004", "IB-2026-0001", "IB-2026-0002"]  # newest application first


def test_grants_filtered_by_status_and_programme(world: World) -> None:
    approved = ok(world.get("officer", f"/grants?status=approved&programme_id={world.programme_id}"))["items"]
    applied = ok(world.get("member_b", "/grants?status=applied"))["items"]

    assert {g["file_number"] for g in approved} == {"IB-2026-0001", "IB-2026-0002"}
    assert [g["file_number"] for g in applied] == ["IB-2026-0004"]
    assert ok(world.get("officer", f"/grants?programme_id={world.org_a}"))["items"] == []


def test_the_grant_detail(world: World) -> None:
    grant = ok(world.get("member_b", f"/grants/{world.grant_b}"))

    assert (grant["status"], grant["status_german"], grant["financing_type"]) == ("approved", "Bewilligt", "share")
    assert grant["amounts"] == {
        "applied": "5000.00",
        "approved": "5000.00",
        "requested": "2000.00",
        "paid": "0.00",
        "open_amount": "3000.00",
        "final_amount": None,
        "claimed": "0.00",
        "repaid": "0.00",
        "open_claims": "0.00",
    }
    assert grant["terms"]["rate"] == "0.4050" and grant["terms"]["rule_set"]["version"] == "NRW-kommunal-2026"
    assert grant["deadlines"] == [
        {"key": "final", "kind": "final", "fiscal_year": None, "due": "2027-03-30", "done_on": None, "overdue": False}
    ]  # 30 Sept + 6 months
    assert grant["next_deadline"]["text"] and grant["next_deadline"]["kind_german"] == "Verwendungsnachweis"
    assert [p["payment_id"] for p in grant["payments"]] == [str(world.payment_b)]
    whats = [entry["what"] for entry in grant["timeline"]]
    assert any("Bewillig" in what for what in whats) and any("bgerufen" in what or "Abruf" in what for what in whats)
    assert grant["timeline"][0]["role_german"] == "Sachbearbeitung"


def test_payments_and_expenses(world: World) -> None:
    payments = ok(world.get("member_b", f"/grants/{world.grant_b}/payments"))["items"]
    payment = ok(world.get("member_b", f"/grants/{world.grant_b}/payments/{world.payment_b}"))
    expense = ok(world.get("member_b", f"/grants/{world.grant_b}/expenses/{world.expense_b}"))

    assert payments == [payment]
    assert (payment["status_german"], payment["amount"], payment["purpose"]) == ("Abgerufen", "2000.00", "Erste Rate")
    assert expense["amount"] == "82.07"  # 1 250 GHS at 15.2301 GHS per euro, rounded half up
    assert expense["foreign"] == {
        "currency": "GHS",
        "original": "1250.00",
        "rate": "15.2301",
        "rate_date": "2026-04-28",
        "rate_source": "",  # recorded without its source (as before the source was kept)
        "rate_warning": None,
    }


def test_the_receipt_list_is_a_csv_download(world: World) -> None:
    world.office.report_expense(
        world.grant_b,
        "stay",
        date(2026, 4, 29),
        '=HYPERLINK("http://x")',
        "Unterkunft",
        Money("80.00"),
        "B-18",
        world.actors["member_b"],
    )
    answer = world.get("member_b", f"/grants/{world.grant_b}/exports/expenses.csv")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="belegliste-IB-2026-0002.csv"'
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:6] == ["Belegnummer", "Zahlungsdatum", "Zahlungsempfänger", "Zweck", "Kostenposition", "Betrag EUR"]
    assert rows[1][:2] == ["B-17", "2026-04-28"] and rows[1][6:8] == ["GHS", "1250.00"]
    assert rows[2][2] == '\'=HYPERLINK("http://x")'  # no formula runs when the sheet is opened
    assert rows[2][5] == "80.00"


def test_the_work_queue_keeps_the_four_eyes(world: World) -> None:
    officer = ok(world.get("officer", "/work-queue"))["items"]
    certify = ok(world.get("officer", "/work-queue?queue=certify"))["items"]
    admin = ok(world.get("admin", "/work-queue"))["items"]

    assert {i["file_number"] for i in officer if i["queue"] == "review"} == {"IB-2026-0003", "IB-2026-0004"}
    assert [(i["queue_german"], i["amount"]) for i in certify] == [("Zahlung feststellen", "2000.00")]
    assert admin == []


def test_a_claim_with_interest_to_date(world: World) -> None:
    claim_id = claim_for_b(world)

    claim = ok(world.get("member_b", f"/claims/{claim_id}"))

    assert (claim["cause"], claim["status"], claim["principal"], claim["arose_on"]) == (
        "final_amount",
        "open",
        "1966.76",
        "2026-05-04",
    )
    assert claim["amount_due"] == claim["principal"]  # no day has passed yet
