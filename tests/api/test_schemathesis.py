"""Schemathesis against the live app: uvicorn on 127.0.0.1 (a free port), bounded, loopback only.

The schema is loaded from the running server's ``/api/v1/openapi.json``. Every operation is fuzzed
with schema-valid input (a few examples each, half of them aimed at ids that exist, the rest at
random ones) by a token of a role that may call it, and every answer must be no server error,
documented (status code and content type) and valid against its schema in the document. The run
stops by itself: a fixed number of examples per operation and a time budget for the whole module.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from domain.actors import Role
from domain.money import Money
from exports.sepa import Debtor
from foerderbuch.settings import Settings
from web.api.framework import OPERATIONS
from web.app import create_app
from web.config import WebConfig
from web.consistency import await_position
from web.payment_desk import import_statement, release_together

from .conftest import SECRET, _services, build_world, claim_for_b

RANDOM_IDS_EXAMPLES = 15
KNOWN_IDS_EXAMPLES = 6
INVALID_INPUT_EXAMPLES = 8
TIME_BUDGET_SECONDS = 150
CITY = Debtor("Stadt Dortmund - Stadtkasse", "DE80440501990001000017", "DORTDE33XXX")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Live:
    base_url: str
    tokens: dict[str, str]
    bundles: list[dict[str, str]]  # ids that belong together: a grant with its payment, expense, claim …
    started: float


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path: Path = tmp_path_factory.mktemp("schemathesis") / "live.sqlite"
    settings_ = Settings(database_url=f"sqlite:///{path}")
    with TestClient(create_app(lambda: _services(settings_), SECRET)) as client:  # seeds the file, then closes
        world = build_world(client)
        spare = world.token_for("member_b", label="zum Widerrufen").split("_")[1]
        common = {"programme_id": str(world.programme_id), "token_id": spare}
        paid_out = world.office.request_payment(
            world.grant_a,
            [{"due": date(2026, 5, 20), "amount": Money("500.00"), "description": "Busse"}],
            "Rate",
            world.actors["member_a"],
        )
        world.office.certify_payment(world.grant_a, paid_out, world.actors["officer"])
        services = client.app.state.services  # type: ignore[attr-defined]

        def read() -> Any:
            await_position(services, services.office.last_position)  # the read models see the commands
            return services.projector.db.transaction()

        run = release_together(world.office, read, world.actors["finance"], [paid_out], date(2026, 5, 5), CITY)
        fee = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>A1</Id>'
        fee += b'<Ntry><Amt Ccy="EUR">7.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><ValDt><Dt>2026-05-04</Dt></ValDt></Ntry>'
        fee += b"</Stmt></BkToCstmrStmt></Document>"
        statement = import_statement(world.office, read, world.actors["cashier"], fee, "gebuehr.xml")
        bundles = [
            {
                **common,
                "grant_id": str(world.grant_b),
                "payment_id": str(world.payment_b),
                "expense_id": str(world.expense_b),
                "organisation_id": str(world.org_b),
                "claim_id": str(claim_for_b(world)),
            },
            {
                **common,
                "grant_id": str(world.grant_a),
                "payment_id": str(paid_out),
                "organisation_id": str(world.org_a),
            },
            {**common, "grant_id": str(world.applied_a), "organisation_id": str(world.org_a)},
            {**common, "run_id": str(run.run_id), "statement_id": str(statement["id"]), "line": "1"},
        ]
        tokens = dict(world.tokens)
    sock = _free_socket()
    host, port = sock.getsockname()
    app = create_app(lambda: _services(settings_), SECRET, config=WebConfig(sepa_debtor=CITY))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://{host}:{port}", tokens, bundles, time.monotonic())
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="module")
def schema(live: Live) -> Any:
    return schemathesis.openapi.from_url(f"{live.base_url}/api/v1/openapi.json")


def _caller(op) -> str:
    """A token of a role that may call the operation (so the answers get past the role check)."""
    if op.path.startswith("/tokens/"):
        return "member_b"  # revokes B's spare token (its own), never a token the run still needs
    roles = op.roles or (Role.OFFICER,)
    for role, who in (
        (Role.OFFICER, "officer"),
        (Role.ASSOCIATION, "member_a"),
        (Role.APPROVER, "approver"),
        (Role.FINANCE, "finance"),
        (Role.CASHIER, "cashier"),
        (Role.ADMIN, "admin"),
        (Role.AUDITOR, "auditor"),
    ):
        if role in roles:
            return who
    raise AssertionError(op)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_the_live_api_keeps_its_document(live: Live, schema: Any, op) -> None:
    if time.monotonic() - live.started > TIME_BUDGET_SECONDS:
        pytest.skip("time budget of the schemathesis run used up")  # pragma: no cover - only on a very slow machine
    operation = schema[op.path][op.method]
    headers = {"Authorization": f"Bearer {live.tokens[_caller(op)]}"}

    strategies = [(operation.as_strategy(), RANDOM_IDS_EXAMPLES)]  # ids as generated: mostly unknown
    if op.path_params or op.query or op.body:  # input that breaks the schema, where there is input
        strategies.append((operation.as_strategy(GenerationMode.NEGATIVE), INVALID_INPUT_EXAMPLES))
    for bundle in live.bundles:  # ids that exist, so the answers are real resources and real refusals
        if op.path_params and all(name in bundle for name in op.path_params):
            fixed = {name: bundle[name] for name in op.path_params}
            strategies.append((operation.as_strategy(path_parameters=fixed), KNOWN_IDS_EXAMPLES))
    statuses: list[int] = []
    for strategy, examples in strategies:

        @given(case=strategy)
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call_and_validate(base_url=f"{live.base_url}/api/v1", headers=headers, checks=CHECKS)
            statuses.append(response.status_code)

        run()

    assert statuses, "schemathesis generated no request"
    assert all(status < 500 for status in statuses)
    if op.method == "GET":
        assert any(200 <= status < 300 for status in statuses), f"no example of {op.path} was found: {statuses}"
    print(op.method, op.path, sorted(statuses))
