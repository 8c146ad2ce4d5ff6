"""The first page: programmes and grants from the read models, in German formats, escaped, signed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_services
from web.app import create_app

SECRET = "test-secret-" + "x" * 40
PASSWORD = "richtig-geheim-2026"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/page.sqlite")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(lambda: create_services(settings), SECRET)) as client:
        yield client


def office_of(client: TestClient) -> FundingOffice:
    return client.app.state.services.office  # type: ignore[attr-defined,no-any-return]


def csrf(page_text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found, "the page has no form token"
    return found.group(1)


def sign_in_as(client: TestClient, email: str, role: Role = Role.OFFICER) -> None:
    office = office_of(client)
    user = office.register_user(email, "Sven Sachbearbeiter", role, Actor.system())
    client.app.state.services.credentials.set_password(user, PASSWORD)  # type: ignore[attr-defined]
    form = client.get("/anmelden")
    answer = client.post(
        "/anmelden",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf(form.text), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def _approved_grant(office: FundingOffice, organisation_name: str) -> None:
    system = Actor.system()
    admin = office.actor_for(office.register_user("admin@dortmund.de", "Ada Admin", Role.ADMIN, system), Role.ADMIN)
    officer = office.actor_for(office.register_user("sb@dortmund.de", "Sven", Role.OFFICER, system), Role.OFFICER)
    approver = office.actor_for(
        office.register_user("lz@dortmund.de", "Lea Leitung", Role.APPROVER, system), Role.APPROVER
    )
    programme = office.open_programme(
        "IB-VEREINE",
        "Förderung internationaler Vereinsarbeit",
        "city",
        RuleSet.nrw_municipal(),
        {FiscalYear(2026): (Money("25000.00"), PostingCoordinates("01.11.02", "531800", "1011000"))},
        admin,
    )
    organisation = office.register_organisation(
        organisation_name,
        "e.V.",
        "VR 4711",
        {"street": "Kampstr. 1", "postcode": "44137", "city": "Dortmund", "country": "DE"},
        "DE89370400440532013000",
        officer,
    )
    plan = FinancingPlan(
        (BudgetLine("travel", "Reisekosten", Money("8000.00")), BudgetLine("stay", "Unterkunft", Money("4345.68"))),
        own_funds=Money("1500.00"),
        third_party_funds=Money("0"),
        income=Money("0"),
        grant=Money("10845.68"),
    )
    grant = office.apply_for_grant(
        programme,
        organisation,
        "Jugendbegegnung Amiens 2026",
        "Austausch",
        "Amiens",
        FundingPeriod(date(2026, 4, 1), date(2026, 9, 30)),
        "share",
        plan,
        officer,
        file_number="IB-2026-0001",
        on=date(2026, 3, 2),
    )
    office.review_application(grant, True, True, "vollständig, förderfähig", officer, on=date(2026, 3, 2))
    office.approve_grant(grant, Money("10845.68"), approver, rate=Decimal("0.9"), on=date(2026, 3, 3))


def test_the_overview_lists_programmes_and_grants_in_german_formats(client: TestClient) -> None:
    _approved_grant(office_of(client), "Deutsch-Französische Gesellschaft Dortmund e.V.")
    sign_in_as(client, "leser@dortmund.de")

    page = client.get("/")

    assert page.status_code == 200
    assert "Förderung internationaler Vereinsarbeit" in page.text
    assert "25.000,00\xa0€" in page.text  # budget
    assert "14.154,32\xa0€" in page.text  # available after the commitment
    assert "IB-2026-0001" in page.text and "Bewilligt" in page.text
    assert "10.845,68\xa0€" in page.text
    assert "01.04.2026 – 30.09.2026" in page.text


def test_text_from_users_is_escaped(client: TestClient) -> None:
    _approved_grant(office_of(client), "<script>alert(1)</script> Verein")
    sign_in_as(client, "leser@dortmund.de")

    page = client.get("/")

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Verein" in page.text


def test_nobody_sees_the_overview_without_signing_in(client: TestClient) -> None:
    page = client.get("/", follow_redirects=False)

    assert page.status_code == 303
    assert page.headers["location"] == "/anmelden?weiter=/"


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    page = client.get("/anmelden")

    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"


def test_an_empty_store_says_so_instead_of_showing_empty_tables(client: TestClient) -> None:
    sign_in_as(client, "leser@dortmund.de")

    page = client.get("/?seite=kaputt")

    assert page.status_code == 200
    assert "Noch keine Förderprogramme angelegt." in page.text
    assert "Noch keine Anträge eingegangen." in page.text
