"""``/datenschutz/auskunft``: administrators answer an access request in the browser; nobody else may."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_support import DemoStore, copy_sqlite_store, hidden_fields, sign_in_to_demo
from starlette.testclient import TestClient

from foerderbuch.wiring import create_services
from web.app import create_app
from web.services import Services

EMAIL = "kontakt@freundeskreis-kumasi.example"


@pytest.fixture
def services(demo_store: DemoStore, tmp_path: Path) -> Iterator[Services]:
    services = create_services(copy_sqlite_store(demo_store.path, tmp_path / "foerderbuch.sqlite"))
    yield services
    services.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(lambda: services, "access-page-secret-" + "s" * 40)) as client:
        yield client


def test_an_administrator_sees_and_downloads_the_answer(client: TestClient) -> None:
    sign_in_to_demo(client, "admin@dortmund.example")
    page = client.get("/datenschutz/auskunft")
    assert page.status_code == 200
    shown = client.post("/datenschutz/auskunft", data={**hidden_fields(page.text), "person": EMAIL, "format": "page"})
    assert shown.status_code == 200 and "Kwame Mensah-Schröder" in shown.text and "0231 8624090" in shown.text
    hidden = hidden_fields(shown.text.split("Als JSON herunterladen")[0].rsplit("<form", 1)[1])
    as_json = client.post("/datenschutz/auskunft", data={**hidden, "person": EMAIL, "format": "json"})
    assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json")
    data = json.loads(as_json.content)
    assert {r["event"] for r in data["records"]} == {
        "Organisation.ContactPersonAdded",
        "User.Registered",
        "UserEmail.Claimed",  # the e-mail index's entry that names her account
    }
    as_pdf = client.post("/datenschutz/auskunft", data={**hidden, "person": EMAIL, "format": "pdf"})
    assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF")
    assert "no-store" in as_pdf.headers["cache-control"]


def test_an_unknown_person_is_answered_in_german_with_the_input_kept(client: TestClient) -> None:
    sign_in_to_demo(client, "admin@dortmund.example")
    page = client.get("/datenschutz/auskunft")
    answer = client.post("/datenschutz/auskunft", data={**hidden_fields(page.text), "person": "niemand@example.org"})
    assert answer.status_code == 400
    assert "keine personenbezogenen Daten gespeichert" in answer.text and 'value="niemand@example.org"' in answer.text


def test_only_administrators_may_ask_and_only_with_the_form_token(client: TestClient) -> None:
    sign_in_to_demo(client, "a.vogel@dortmund.example")  # the audit office reads everything, but not this
    assert client.get("/datenschutz/auskunft").status_code == 403
    client.cookies.clear()
    sign_in_to_demo(client, "admin@dortmund.example")
    refused = client.post("/datenschutz/auskunft", data={"person": EMAIL, "format": "json"})
    assert refused.status_code == 403 and "Kwame" not in refused.text
