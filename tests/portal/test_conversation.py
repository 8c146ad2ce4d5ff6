"""The conversation on a grant: messages with files both ways, unread markers, e-mail with opt-out."""

from __future__ import annotations

import io

from portal_support import Member, World, a_grant
from starlette.testclient import TestClient
from test_notifications import FakeSmtp

from foerderbuch.notify import SmtpSettings, send_notifications
from web.services import Services

PDF = b"%PDF-1.7\nAngebot Busreise\n%%EOF\n"


def write(member: Member, path: str, text: str, files: list[tuple[str, bytes]] = ()) -> None:
    parts = [("dateien", (name, io.BytesIO(content), "application/pdf")) for name, content in files]
    answer = member.client.post(
        path, data={"text": text, "csrf_token": member.token()}, files=parts or None, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def test_association_and_office_write_to_each_other_and_see_what_is_new(client: TestClient, world: World) -> None:
    grant = a_grant(world, "approved")
    other = a_grant(world, "approved", organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
    member = Member(client, world)

    member.sign_in("dfg")
    write(
        member, f"/portal/zuwendungen/{grant}/nachrichten", "Dürfen wir das Angebot annehmen?", [("Angebot.pdf", PDF)]
    )
    member.sign_in("officer")
    dashboard = member.get("/").text
    page = member.get(f"/zuwendungen/{grant}").text

    assert "Neue Nachrichten von Vereinen" in dashboard and "1 neu" in dashboard
    assert "Dürfen wir das Angebot annehmen?" in page and "Angebot.pdf" in page and "Aus einer Nachricht" in page

    write(member, f"/zuwendungen/{grant}/nachrichten", "Ja, bitte mit Datum der Annahme.")
    assert "Neue Nachrichten von Vereinen" not in member.get("/").text  # answering marks the conversation read
    member.sign_in("approver")
    assert "Neue Nachrichten von Vereinen" in member.get("/").text  # every person reads for themselves
    answer = member.post(f"/zuwendungen/{grant}/nachrichten/gelesen")
    assert answer.status_code == 303 and "Neue Nachrichten von Vereinen" not in member.get("/").text

    member.sign_in("dfg")
    start = member.get("/portal/").text
    portal = member.get(f"/portal/zuwendungen/{grant}").text
    assert "1 neue Nachrichten" in start
    assert "Ja, bitte mit Datum der Annahme." in portal and "Sven Sachbearbeiter" in portal
    member.sign_in("leeds")
    assert member.get(f"/portal/zuwendungen/{grant}").status_code == 404
    refused = member.post(f"/portal/zuwendungen/{grant}/nachrichten", {"text": "Hallo"})
    assert refused.status_code == 404
    assert "Ja, bitte" not in member.get(f"/portal/zuwendungen/{other}").text


def test_the_office_message_goes_by_e_mail_unless_the_person_turned_it_off(
    client: TestClient, world: World, services: Services
) -> None:
    grant = a_grant(world, "approved")
    member = Member(client, world)
    member.sign_in("officer")
    write(member, f"/zuwendungen/{grant}/nachrichten", "Bitte denken Sie an die Teilnahmeliste.")

    member.sign_in("dfg2")
    turned_off = member.post("/portal/benachrichtigungen", {"email": "aus"})
    assert turned_off.status_code == 303 and "Keine E-Mails" not in member.get("/portal/neuigkeiten").text
    smtp = FakeSmtp()
    try:
        send_notifications(
            world.office, services.projector, SmtpSettings("127.0.0.1", smtp.port, "", "", "fb@do.example")
        )
    finally:
        smtp.close()

    (recipients, body), *_ = smtp.messages
    assert recipients == ["claire@dfg.example"]  # Marc turned e-mails off; Claire did not
    assert "Bitte denken Sie an die Teilnahmeliste." in body.replace("=\r\n", "")
