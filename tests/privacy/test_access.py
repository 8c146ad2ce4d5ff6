"""Access requests (Art. 15, 20 GDPR): ``foerderbuch privacy export`` gathers every place a person appears.

On a copy of the demo, Claire Dubois-Becker signs in (a session with address and browser), writes a
message with a file, gets an API token, and a letter to her association is issued. The test then lists
from the log itself every event she recorded and every personal record about her, and checks that the
JSON names each of them, her account's whole history, the token, the session and the letter; the PDF
says the same in readable form.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from demo_support import DemoStore, copy_sqlite_store
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.personal_data import PERSONAL_DATA
from exports.letters.facts import KIND_OF_EVENT
from foerderbuch.cli import main
from foerderbuch.demo import DEMO_PASSWORD, ORGANISATIONS
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_services
from web.api.tokens import issue_api_token
from web.app import create_app
from web.services import Services

EMAIL = "vorstand@dfg-dortmund.example"
DFG = next(o.id for o in ORGANISATIONS if o.key == "dfg")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def store(demo_store: DemoStore, tmp_path: Path) -> Settings:
    return copy_sqlite_store(demo_store.path, tmp_path / "foerderbuch.sqlite")


@pytest.fixture
def services(store: Settings) -> Iterator[Services]:
    services = create_services(store)
    yield services
    services.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(lambda: services, "access-test-secret-" + "a" * 40)) as client:
        yield client


def csrf(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found
    return found.group(1)


def test_the_access_export_names_every_place_the_person_appears(
    store: Settings, services: Services, client: TestClient, tmp_path: Path
) -> None:
    office = services.office
    claire = office.user_by_email(EMAIL).id
    grant = next(
        UUID(str(n.originator_id))
        for n in office.recorder.select_notifications(start=1, limit=100_000)
        if n.topic.endswith("Grant.ApplicationReceived")
        and office.grant(UUID(str(n.originator_id))).organisation_id == DFG
    )
    form = client.get("/anmelden")
    signed_in = client.post(
        "/anmelden",
        data={"email": EMAIL, "password": DEMO_PASSWORD, "csrf_token": csrf(form.text), "next": "/"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    posted = client.post(
        f"/portal/zuwendungen/{grant}/nachrichten",
        data={"text": "Die Teilnehmerliste folgt.", "csrf_token": csrf(client.get("/passwort").text)},
        files=[("dateien", ("teilnehmer.pdf", io.BytesIO(PDF), "application/pdf"))],
        follow_redirects=False,
    )
    assert posted.status_code == 303
    switched = client.post(
        "/sprache", data={"language": "en", "next": "/", "csrf_token": csrf(client.get("/passwort").text)}
    )
    assert switched.status_code in (200, 303)  # her language for e-mails, remembered beside her password
    token = issue_api_token(office, services.credentials, claire, Role.ASSOCIATION, "Vereinsskript", Actor.system())
    source = next(
        n.id
        for n in office.recorder.select_notifications(start=1, limit=100_000)
        if UUID(str(n.originator_id)) == grant and n.topic.rsplit(".", 1)[-1] in KIND_OF_EVENT
    )
    officer = office.actor_for(office.user_by_email("s.krueger@dortmund.example").id, Role.OFFICER)
    letter_id = services.letters.issue_at(source, officer)
    letter_sha = next(x for x in office.grant(grant).letters if x["letter_id"] == letter_id.hex)["sha256"]

    # The list the export must cover, built from the log here.
    acted, personal = [], []
    personal_topics = {f"{c.__module__}:{c.__qualname__}" for c in PERSONAL_DATA}
    for n in office.recorder.select_notifications(start=1, limit=100_000):
        event: Any = office.mapper.to_domain_event(n)
        if getattr(event, "actor_id", None) == claire and UUID(str(n.originator_id)) != claire:
            acted.append(n.id)
        if n.topic in personal_topics and (
            UUID(str(n.originator_id)) == claire
            or getattr(event, "email", None) == EMAIL
            or getattr(event, "user_id", None) == claire  # her entry in the e-mail index
        ):
            personal.append(n.id)
    assert acted and len(personal) >= 2  # she applied or requested money in the demo, and wrote just now
    history = len(list(office.events.get(claire)))

    assert main(["privacy", "export", EMAIL, "-o", str(tmp_path)], settings=store) == 0
    (json_file,) = tmp_path.glob("auskunft-*.json")
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert sorted(a["position"] for a in data["actions"]) == sorted(acted)
    assert sorted(r["position"] for r in data["records"]) == sorted(personal)
    assert [a["user_id"] for a in data["accounts"]] == [str(claire)]
    assert len(data["accounts"][0]["history"]) == history
    assert data["accounts"][0]["display_name"] == "Claire Dubois-Becker"
    message = next(a for a in data["actions"] if a["event"] == "MessagePosted")
    assert message["text"] == "Die Teilnehmerliste folgt." and message["documents"][0]["name"] == "teilnehmer.pdf"
    records = data["account_records"]
    assert [r["language"] for r in records["language"]] == ["en"]
    assert [t["token_id"] for t in records["api_tokens"]] == [token.record.token_id]
    assert records["sessions"] and records["sessions"][0]["address"] and records["password"]
    assert letter_sha in data["letters"]

    (pdf_file,) = tmp_path.glob("auskunft-*.pdf")
    assert pdf_file.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is not None:
        text = subprocess.run([pdftotext, str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
        assert "Claire Dubois-Becker" in text and "Die Teilnehmerliste folgt." in text and EMAIL in text
