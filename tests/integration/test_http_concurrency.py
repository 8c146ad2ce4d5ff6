"""Concurrent approvals through the API of a real server: no answer ≥ 500, the budget never exceeded,
every acknowledged approval recorded exactly once — with one worker, with two, and from ten processes,
on SQLite and PostgreSQL."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx2 as httpx
import pytest

from domain.actors import Actor, Role
from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office
from web.api.tokens import issue_api_token

from .server_support import Server, fresh_database

BUDGET = Money("10000.00")
AMOUNT = "1000.00"
YEAR = date.today().year


@dataclass(frozen=True)
class Store:
    url: str
    grants: list[str]
    token: str
    programme: uuid.UUID


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gleichzeitig.sqlite'}"
        return
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url


def prepare(url: str, grants: int) -> Store:
    """A programme with 10 000 € for this year and ``grants`` reviewed applications of 1 000 € each."""
    settings = Settings(database_url=url)
    office = create_office(settings)
    credentials = CredentialStore.for_settings(settings)
    try:
        system = Actor.system()
        admin = office.actor_for(office.register_user("admin@test.example", "Ada Admin", Role.ADMIN, system), "admin")
        officer = office.actor_for(
            office.register_user("o@test.example", "Olga Officer", Role.OFFICER, system), "officer"
        )
        approver_id = office.register_user("a@test.example", "Anna Approver", Role.APPROVER, system)
        programme = office.open_programme(
            "GLEICHZEITIG",
            "Gleichzeitige Bewilligungen",
            "city",
            RuleSet.nrw_municipal(),
            {FiscalYear(YEAR): (BUDGET, PostingCoordinates("01.11.02", "531800", "1011000"))},
            admin,
        )
        organisation = office.register_organisation(
            "Testverein e.V.",
            "e.V.",
            "VR 1",
            {"street": "Kampstr. 1", "postcode": "44137", "city": "Dortmund", "country": "DE"},
            "DE89370400440532013000",
            officer,
        )
        plan = FinancingPlan(
            (BudgetLine("cost", "Kosten", Money("1500.00")),),
            own_funds=Money("500.00"),
            third_party_funds=Money("0"),
            income=Money("0"),
            grant=Money(AMOUNT),
        )
        ids = []
        for number in range(grants):
            grant = office.apply_for_grant(
                programme,
                organisation,
                f"Vorhaben {number}",
                "Zweck",
                "Amiens",
                FundingPeriod(date(YEAR, 1, 1), date(YEAR, 12, 31)),
                "deficit",
                plan,
                officer,
                file_number=f"T-{YEAR}-{number:03d}",
            )
            office.review_application(grant, True, True, "ok", officer)
            ids.append(str(grant))
        token = issue_api_token(office, credentials, approver_id, Role.APPROVER, "Last", system).token
        return Store(url, ids, token, programme)
    finally:
        credentials.close()
        office.close()


def approve(base_url: str, token: str, grant: str) -> int:
    """One approval as a client sends it: with an idempotency key, and a new attempt after a 503."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"approve-{grant}"}
    with httpx.Client(base_url=base_url, timeout=120) as client:
        answer = client.post(f"/api/v1/grants/{grant}/approval", json={"amount": AMOUNT}, headers=headers)
        return answer.status_code


def approve_many(base_url: str, token: str, grants: list[str]) -> list[int]:
    return [approve(base_url, token, grant) for grant in grants]


def check(store: Store, answers: dict[str, int]) -> None:
    assert not [status for status in answers.values() if status >= 500], answers
    assert set(answers.values()) <= {200, 409}, answers
    office = create_office(Settings(database_url=store.url))
    try:
        programme = office.programme(store.programme)
        assert programme.committed(FiscalYear(YEAR)) <= BUDGET
        approved = {grant for grant, status in answers.items() if status == 200}
        for grant in store.grants:
            events = [type(e).__name__ for e in office.events.get(uuid.UUID(grant))]
            assert events.count("GrantApproved") == (1 if grant in approved else 0), grant
        assert programme.committed(FiscalYear(YEAR)) == Money(AMOUNT) * len(approved)
        assert len(approved) == 10  # the budget covers exactly ten
    finally:
        office.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sixteen_concurrent_approvals(store_url: str, tmp_path: Path, workers: int) -> None:
    store = prepare(store_url, 16)
    answers: dict[str, int] = {}
    go = threading.Barrier(16)

    def one(grant: str) -> None:
        go.wait()
        answers[grant] = approve(server.url, store.token, grant)

    with Server(store.url, tmp_path, workers=workers) as server:
        server.wait_until_up()
        threads = [threading.Thread(target=one, args=(grant,)) for grant in store.grants]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        log = server.output()
    assert len(answers) == 16, log
    check(store, answers)


@pytest.mark.slow
def test_thirty_approvals_from_ten_processes(store_url: str, tmp_path: Path) -> None:
    store = prepare(store_url, 30)
    shares = [store.grants[i::10] for i in range(10)]
    with Server(store.url, tmp_path, workers=2) as server:
        server.wait_until_up()
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(10, mp_context=context) as pool:
            results = list(pool.map(approve_many, [server.url] * 10, [store.token] * 10, shares))
    answers = {
        grant: status
        for share, statuses in zip(shares, results, strict=True)
        for grant, status in zip(share, statuses, strict=True)
    }
    assert len(answers) == 30
    check(store, answers)
