"""Documents in the case file: every upload kind is listed for staff and for the association, and opens
for every role that may see the grant — and for nobody else.

The association (Claire, DFG) uploads one file of each kind through the real portal forms: with the
application, on a request for documents, with a payment request, as a receipt scan with an expense,
with the interim proof and with the final proof of use. Then every role opens every file through the
staff route (``/zuwendungen/{id}/dateien/{sha}``) and the portal route, as the access matrix says:

* officer, approver, finance, auditor, admin: the staff route serves the bytes; the portal is not theirs (403);
* the association's own member: both routes serve the bytes;
* a member of another association: neither the staff route nor the portal route knows it (404, issue 13).
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any
from uuid import UUID

from portal_support import Member, World, a_grant, a_plan
from starlette.testclient import TestClient

from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money

KINDS = ("antrag", "unterlagen", "abruf", "beleg", "zwischennachweis", "verwendungsnachweis")
STAFF = ("officer", "approver", "finance", "auditor", "admin")


def pdf(kind: str) -> bytes:
    return b"%PDF-1.7\n" + f"Anlage {kind} der DFG Dortmund\n".encode() * 30 + b"%%EOF\n"


def send(member: Member, path: str, data: dict[str, str], kind: str) -> Any:
    form = {**data, "csrf_token": member.token()}
    files = [("dateien", (f"{kind}.pdf", io.BytesIO(pdf(kind)), "application/pdf"))]
    answer = member.client.post(path, data=form, files=files, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer


def upload_every_kind(member: Member, world: World) -> dict[str, UUID]:
    """One file of each kind, through the portal's own forms; returns the grant each belongs to."""
    office = world.office
    member.sign_in("dfg")
    grants: dict[str, UUID] = {}
    applied = send(
        member,
        "/portal/antrag",
        {
            "programme_id": str(world.programme),
            "title": "Chorfahrt nach Amiens",
            "partner_city": "Amiens",
            "purpose": "Der Chor singt in der Kathedrale.",
            "period_start": "2026-08-01",
            "period_end": "2026-08-31",
            "financing_type": "deficit",
            "line_1_label": "Bus",
            "line_1_amount": "4.000,00",
            "own_funds": "500,00",
            "third_party_funds": "0,00",
            "income": "0,00",
            "grant": "3.500,00",
        },
        "antrag",
    )
    grants["antrag"] = UUID(applied.headers["location"].rsplit("/", 1)[1])

    requested = a_grant(world, "requested_docs", number="IB-2026-0010")
    request_id = next(iter(office.grant(requested).open_document_requests))
    send(member, f"/portal/zuwendungen/{requested}/unterlagen", {"request_id": request_id, "note": ""}, "unterlagen")
    grants["unterlagen"] = requested

    approved = a_grant(world, "approved", number="IB-2026-0011")
    send(
        member,
        f"/portal/zuwendungen/{approved}/abrufen",
        {"need_1_amount": "500,00", "need_1_due": "2026-06-20", "need_1_description": "Bus", "purpose": "IB"},
        "abruf",
    )
    send(
        member,
        f"/portal/zuwendungen/{approved}/ausgabe",
        {
            "budget_line": "travel",
            "paid_on": "2026-06-12",
            "payee": "Busreisen Kley",
            "purpose": "Bus",
            "receipt_reference": "B-1",
            "currency": "EUR",
            "amount": "1.200,00",
        },
        "beleg",
    )
    send(
        member,
        f"/portal/zuwendungen/{approved}/verwendungsnachweis",
        {"report": "Die Begegnung fand statt.", "own_funds": "800,00", "third_party_funds": "0,00", "income": "200,00"},
        "verwendungsnachweis",
    )
    grants.update(abruf=approved, beleg=approved, verwendungsnachweis=approved)

    officer, approver = world.actor("officer"), world.actor("approver")
    crossing = office.apply_for_grant(
        world.programme,
        world.dfg,
        "Partnerschaftsjahr",
        "Ein Jahr Austausch",
        "Amiens",
        FundingPeriod(date(2025, 9, 1), date(2026, 7, 31)),
        "deficit",
        a_plan(),
        officer,
        file_number="IB-2025-0012",
        on=date(2025, 8, 1),
    )
    office.review_application(crossing, True, True, "förderfähig", officer, on=date(2025, 8, 11))
    office.approve_grant(
        crossing, Money("4000.00"), approver, on=date(2025, 8, 18), year_split={FiscalYear(2026): Money("4000.00")}
    )
    send(
        member,
        f"/portal/zuwendungen/{crossing}/zwischennachweis",
        {"fiscal_year": "2025", "report": "Halbzeit: drei Begegnungen"},
        "zwischennachweis",
    )
    grants["zwischennachweis"] = crossing
    return grants


def test_every_role_opens_exactly_the_files_of_the_grants_it_may_see(client: TestClient, world: World) -> None:
    member = Member(client, world)
    grants = upload_every_kind(member, world)

    expected = {kind: hashlib.sha256(pdf(kind)).hexdigest() for kind in KINDS}
    wrong = []
    for person in (*STAFF, "dfg", "leeds"):
        member.sign_in(person)
        for kind in KINDS:
            grant, sha = grants[kind], expected[kind]
            staff = member.get(f"/zuwendungen/{grant}/dateien/{sha}")
            portal = member.get(f"/portal/zuwendungen/{grant}/dateien/{sha}")
            want_staff, want_portal = {"dfg": (200, 200), "leeds": (404, 404)}.get(person, (200, 403))
            if (staff.status_code, portal.status_code) != (want_staff, want_portal):
                wrong.append(f"{person} × {kind}: {staff.status_code}/{portal.status_code}")
            for answer in (staff, portal):
                if answer.status_code == 200:
                    if answer.content != pdf(kind) or answer.headers["content-type"] != "application/pdf":
                        wrong.append(f"{person} × {kind}: wrong content")
                    if not answer.headers["content-disposition"].startswith("attachment;"):
                        wrong.append(f"{person} × {kind}: not served as attachment")
                elif pdf(kind)[:40] in answer.content:
                    wrong.append(f"{person} × {kind}: refused, yet the bytes were sent")
    assert wrong == []


def test_the_staff_page_and_the_portal_list_every_upload_with_type_size_who_when_and_hash(
    client: TestClient, world: World
) -> None:
    member = Member(client, world)
    grants = upload_every_kind(member, world)
    approved = grants["abruf"]
    sha = {kind: hashlib.sha256(pdf(kind)).hexdigest() for kind in KINDS}

    member.sign_in("auditor")
    staff_page = member.get(f"/zuwendungen/{approved}").text
    member.sign_in("dfg")
    portal_page = member.get(f"/portal/zuwendungen/{approved}").text

    for page in (staff_page, portal_page):
        for kind, label in (("abruf", "Zum Mittelabruf"), ("beleg", "Beleg zu einer Ausgabe")):
            assert f"{kind}.pdf" in page and label in page
            assert sha[kind][:16] in page and f'title="{sha[kind]}"' in page
        assert "Zum Verwendungsnachweis" in page and "Die Begegnung fand statt." in page
    assert "Claire Dubois" in staff_page and "application/pdf" in staff_page
    # the history links each event to its documents
    history = staff_page.split('id="verlauf"')[1]
    assert "Ausgabe gemeldet" in history and f"/dateien/{sha['beleg']}" in history


def test_an_officer_entering_an_expense_for_the_association_attaches_the_receipt_scan(
    client: TestClient, world: World
) -> None:
    grant = a_grant(world, "approved")
    member = Member(client, world)
    member.sign_in("officer")
    assert 'enctype="multipart/form-data"' in member.get(f"/zuwendungen/{grant}").text

    answer = member.client.post(
        f"/zuwendungen/{grant}/ausgabe-erfassen",
        data={
            "csrf_token": member.token(),
            "budget_line": "travel",
            "paid_on": "2026-06-12",
            "payee": "Busreisen Kley",
            "purpose": "Bus",
            "receipt_reference": "B-7",
            "currency": "EUR",
            "amount": "700,00",
        },
        files=[("dateien", ("Beleg B-7.pdf", io.BytesIO(pdf("beleg-amt")), "application/pdf"))],
        follow_redirects=False,
    )

    assert answer.status_code == 303, answer.text
    sha = hashlib.sha256(pdf("beleg-amt")).hexdigest()
    member.sign_in("dfg")
    portal = member.get(f"/portal/zuwendungen/{grant}").text
    assert "Beleg B-7.pdf" in portal and "Beleg zu einer Ausgabe" in portal
    assert member.get(f"/portal/zuwendungen/{grant}/dateien/{sha}").content == pdf("beleg-amt")
