"""Two kinds of text on every decision: the internal note (Vermerk) never reaches the association.

The office carries a grant from review through approval, payment, proof review and final amount with
the grant page's own forms, writing an internal note (and, where it tells the association something,
a message) on every one of them, plus the review notes the domain always had. Then everything the
association can reach is searched for the internal texts: every portal page, the staff grant page it
may open, the portal downloads (the proof-of-use workbook, the uploaded files), the API's answers to
its token, and the e-mail the outbox sends. The messages must be there; the notes must not.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from uuid import UUID

from portal_support import Member, World, a_grant
from starlette.testclient import TestClient
from test_notifications import FakeSmtp

from domain.actors import Actor, Role
from domain.money import Money
from foerderbuch.notify import SmtpSettings, send_notifications
from web.api.tokens import issue_api_token
from web.services import Services

SECRETS = (
    "GEHEIM-PRUEFVERMERK",
    "GEHEIM-VERMERK-PRUEFUNG",
    "GEHEIM-VERMERK-BEWILLIGUNG",
    "GEHEIM-VERMERK-FESTSTELLUNG",
    "GEHEIM-VERMERK-FREIGABE",
    "GEHEIM-NACHWEISPRUEFUNG",
    "GEHEIM-VERMERK-NACHWEIS",
    "GEHEIM-VERMERK-FESTSETZUNG",
)
MESSAGES = ("Ihr Antrag ist vollständig.", "Herzlichen Glückwunsch zur Bewilligung!", "Danke für den Bericht.")


def act(member: Member, grant: UUID, slug: str, data: dict[str, str], item: str = "") -> None:
    path = f"/zuwendungen/{grant}/{slug}" + (f"/{item}" if item else "")
    answer = member.post(path, data)
    assert answer.status_code == 303, answer.text


def run_the_grant_with_notes(member: Member, world: World) -> UUID:
    grant = a_grant(world, "applied")
    member.sign_in("officer")
    act(
        member,
        grant,
        "pruefen",
        {
            "formal_ok": "ja",
            "substantive_ok": "ja",
            "notes": "GEHEIM-PRUEFVERMERK: förderfähig nach Nr. 2.1 der Richtlinie",
            "on": "2026-05-11",
            "vermerk": "GEHEIM-VERMERK-PRUEFUNG",
            "nachricht": MESSAGES[0],
        },
    )
    member.sign_in("approver")
    act(
        member,
        grant,
        "bewilligen",
        {
            "amount": "4.000,00",
            "financing_type": "deficit",
            "conditions": "Bericht mit Fotos",
            "on": "2026-05-18",
            "vermerk": "GEHEIM-VERMERK-BEWILLIGUNG",
            "nachricht": MESSAGES[1],
        },
    )
    payment = world.office.request_payment(
        grant,
        [{"due": date(2026, 6, 20), "amount": Money("1500.00"), "description": "Bus"}],
        "Abschlag",
        world.actor("dfg"),
        on=date(2026, 6, 10),
    )
    member.sign_in("officer")
    act(member, grant, "feststellen", {"on": "2026-06-11", "vermerk": "GEHEIM-VERMERK-FESTSTELLUNG"}, payment.hex)
    member.sign_in("finance")
    act(member, grant, "freigeben", {"on": "2026-06-12", "vermerk": "GEHEIM-VERMERK-FREIGABE"}, payment.hex)
    member.sign_in("cashier")
    act(member, grant, "buchen", {"value_date": "2026-06-12"}, payment.hex)
    world.office.report_expense(
        grant, "travel", date(2026, 6, 12), "Kley", "Bus", Money("3000.00"), "B-1", world.actor("dfg")
    )
    world.office.submit_proof_of_use(
        grant, "Die Begegnung fand statt.", Money("800"), Money("0"), Money("200"), world.actor("dfg")
    )
    member.sign_in("officer")
    act(
        member,
        grant,
        "nachweis-pruefen",
        {
            "recognised_travel": "3.000,00",
            "recognised_stay": "0,00",
            "notes": "GEHEIM-NACHWEISPRUEFUNG",
            "on": "2026-06-15",
            "vermerk": "GEHEIM-VERMERK-NACHWEIS",
            "nachricht": MESSAGES[2],
        },
    )
    member.sign_in("approver")
    act(member, grant, "schlussfestsetzung", {"on": "2026-06-15", "vermerk": "GEHEIM-VERMERK-FESTSETZUNG"})
    return grant


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_the_internal_note_never_reaches_the_association(
    client: TestClient, world: World, services: Services, tmp_path: Path
) -> None:
    member = Member(client, world)
    grant = run_the_grant_with_notes(member, world)

    # the office reads every note and every message
    member.sign_in("auditor")
    staff_page = member.get(f"/zuwendungen/{grant}").text
    assert leaks(staff_page) == list(SECRETS)
    assert all(message in staff_page for message in MESSAGES)

    member.sign_in("dfg")
    found: dict[str, list[str]] = {}
    pages = ["/portal/", f"/portal/zuwendungen/{grant}", "/portal/neuigkeiten", "/", f"/zuwendungen/{grant}"]
    for path in pages:
        answer = member.get(path)
        assert answer.status_code == 200, path
        found[path] = leaks(answer.text)
    portal_page = member.get(f"/portal/zuwendungen/{grant}").text
    assert all(message in portal_page for message in MESSAGES)

    workbook = member.get(f"/portal/zuwendungen/{grant}/verwendungsnachweis.xlsx")
    assert workbook.status_code == 200
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as archive:
        found["verwendungsnachweis.xlsx"] = leaks(
            " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        )

    token = issue_api_token(
        world.office, services.credentials, world.users["dfg"], Role.ASSOCIATION, "Test", Actor.system()
    ).token
    headers = {"Authorization": f"Bearer {token}"}
    for path in (f"/api/v1/grants/{grant}", f"/api/v1/grants/{grant}/timeline", "/api/v1/grants"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, path
        found[path] = leaks(answer.text)
    assert MESSAGES[1] in client.get(f"/api/v1/grants/{grant}/timeline", headers=headers).text

    smtp = FakeSmtp()
    try:
        report = send_notifications(
            world.office,
            services.projector,
            SmtpSettings("127.0.0.1", smtp.port, "", "", "foerderbuch@dortmund.example"),
        )
    finally:
        smtp.close()
    mails = " ".join(body for _, body in smtp.messages)
    assert report.emails >= 1 and "Herzlichen Gl" in mails
    found["e-mail"] = leaks(mails)

    assert {where: secrets for where, secrets in found.items() if secrets} == {}
