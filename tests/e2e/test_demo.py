"""``foerderbuch demo``: the demo data loads through the command line, once, and obeys the domain's rules.

The demo is loaded once per module into a SQLite file (``main(["demo"])`` with
``FOERDERBUCH_DATABASE_URL`` pointing at it); the tests then read it back through a fresh office.
One test loads it on PostgreSQL in a schema of its own.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from demo_support import DemoStore, copy_sqlite_store
from psycopg import sql

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear
from domain.errors import InvalidStateError
from domain.grant import BOOKED, CANCELLED, CERTIFIED, RELEASED, REQUESTED, Grant
from domain.money import Money
from domain.programme import Programme
from domain.project import Project
from foerderbuch import demo
from foerderbuch.cli import main
from foerderbuch.credentials import CredentialStore
from foerderbuch.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    GRANT_FILE_NUMBERS,
    ORGANISATIONS,
    PROGRAMME_CODES,
    PROJECT_CODES,
    DemoState,
    demo_state,
)
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office
from tests.commitments import commitment_of

POSTGRES_URL = os.environ.get("FOERDERBUCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# The state each demo grant is left in.
EXPECTED_STATUS = {
    "IB-2025-001": "closed",
    "IB-2025-002": "proof_reviewed",
    "IB-2025-003": "final_amount_determined",
    "IB-2025-004": "rejected",
    "IB-2025-005": "proof_submitted",
    "IB-2025-006": "withdrawn",
    "IB-2025-007": "approved",
    "IB-2025-008": "revoked",
    "KEPOL-2025-001": "approved",
    "AZUBI-2025-001": "approved",
    "SCHY-2025-001": "final_amount_determined",
    "SCHY-2025-002": "approved",
    "IB-2026-001": "applied",
    "IB-2026-002": "documents_requested",
    "IB-2026-003": "reviewed",
    "IB-2026-004": "approved",
    "IB-2026-005": "approved",
    "IB-2026-006": "approved",
    "IB-2026-007": "approved",
    "KEPOL-2026-001": "approved",
    "AZUBI-2026-001": "approved",
    "SCHY-2026-001": "approved",
}


Loaded = DemoStore


@pytest.fixture(scope="module")
def loaded(demo_store: DemoStore) -> DemoStore:
    """The demo as ``foerderbuch demo`` loaded it into a fresh SQLite file, once per session (read only)."""
    return demo_store


@pytest.fixture
def office(loaded: Loaded) -> Iterator[FundingOffice]:
    office = create_office(loaded.settings())
    yield office
    office.close()


def _grant(office: FundingOffice, file_number: str) -> Grant:
    return office.grant(Grant.create_id(file_number))


# Loading -----------------------------------------------------------------------------------------


def test_demo_command_loads_everything_and_reports_it(loaded: Loaded, office: FundingOffice) -> None:
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.stderr == ""
    assert "Demodaten" in loaded.stdout
    assert f"{len(GRANT_FILE_NUMBERS)} Zuwendungen" in loaded.stdout
    assert demo_state(office).state is DemoState.COMPLETE
    for code in PROGRAMME_CODES:
        assert office.programme_by_code(code).code == code
    for organisation in ORGANISATIONS:
        assert office.organisation(organisation.id).name == organisation.name
    for code in PROJECT_CODES:
        assert office.project(Project.create_id(code)).code == code


def test_a_second_demo_run_changes_nothing(
    loaded: Loaded, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _max_notification_id(loaded.settings())
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", loaded.url)

    assert main(["demo"]) == 0

    out = capsys.readouterr().out
    assert "bereits vollständig" in out
    assert _max_notification_id(loaded.settings()) == before


def _max_notification_id(settings: Settings) -> int:
    office = create_office(settings)
    try:
        return office.recorder.max_notification_id() or 0
    finally:
        office.close()


# Content -----------------------------------------------------------------------------------------


def test_the_demo_has_grants_in_every_state_of_the_domain(office: FundingOffice) -> None:
    from domain.grant import STATUS_GERMAN

    assert set(EXPECTED_STATUS) == set(GRANT_FILE_NUMBERS)
    statuses = {number: _grant(office, number).status for number in GRANT_FILE_NUMBERS}
    assert statuses == EXPECTED_STATUS
    assert set(statuses.values()) == set(STATUS_GERMAN)  # every state the domain knows


def test_the_demo_has_amendments_pending_approved_and_rejected(office: FundingOffice) -> None:
    approved = _grant(office, "IB-2025-005")
    assert approved.pending_amendment is None
    assert approved.terms is not None and approved.terms.amount == Money("4800.00")
    assert approved.plan.grant == Money("4000.00")  # as applied for

    pending = _grant(office, "IB-2026-004")
    assert pending.pending_amendment is not None
    assert pending.pending_amendment["terms"].amount == Money("4400.00")
    assert pending.terms is not None and pending.terms.amount == Money("4000.00")

    rejected = _grant(office, "KEPOL-2025-001")
    assert rejected.pending_amendment is None
    assert rejected.terms is not None and rejected.terms.amount == Money("9900.00")


def test_the_demo_has_payments_in_every_state(office: FundingOffice) -> None:
    payments = [p for number in GRANT_FILE_NUMBERS for p in _grant(office, number).payments.values()]
    states = {p["status"] for p in payments}
    assert states == {REQUESTED, CERTIFIED, RELEASED, BOOKED, CANCELLED}
    assert sum(1 for p in payments if p["returned"]) >= 2
    value_years = {p["value_date"].year for p in payments if p["status"] == BOOKED}
    assert value_years == {2025, 2026}

    returned = _grant(office, "IB-2025-002")  # bounced transfer, paid again to the new account
    assert returned.paid == Money("6000.00")
    assert office.organisation(returned.organisation_id).iban == demo.LEEDS_NEW_IBAN


def test_claims_are_settled_or_open_with_interest(office: FundingOffice) -> None:
    closed = _grant(office, "IB-2025-001")
    assert closed.final_amount == Money("6300.00")
    [settled] = [office.claim(c) for c in closed.claim_ids]
    assert settled.principal == Money("700.00") and settled.status == "settled"
    assert settled.interest_paid > Money.zero()  # 2026-02-12 to 2026-03-02 at base rate + 5 points
    ib = office.programme_by_code("IB-VEREINE")
    assert commitment_of(office, ib.id, closed.id, FiscalYear(2025)) == Money("6300.00")  # closing released 700 €

    [open_claim] = [office.claim(c) for c in _grant(office, "SCHY-2025-001").claim_ids]
    assert open_claim.status == "open"
    assert open_claim.principal == Money("1500.00")
    assert Money.zero() < open_claim.outstanding < Money("1500.00")
    assert open_claim.deferred_until == date(2026, 1, 31)

    [revocation] = [office.claim(c) for c in _grant(office, "IB-2025-008").claim_ids]
    assert revocation.cause == "revocation" and revocation.status == "settled"

    assert _grant(office, "IB-2025-003").claim_ids == []  # final amount equals what was paid


def test_projects_spend_in_euro_and_cedi_within_their_budget(office: FundingOffice) -> None:
    chocolate = office.project(Project.create_id("FAIRE-SCHOKOLADE"))
    assert chocolate.partner_city == "Kumasi" and chocolate.sdgs == [12, 17]
    assert chocolate.budget_in(FiscalYear(2025)) == Money("12000.00")
    assert sum(1 for e in chocolate.expenditures.values() if e["reversed"]) == 1
    assert chocolate.external is not None and chocolate.external_received == Money("15000.00")

    democracy = office.project(Project.create_id("SHE-FOR-DEMOCRACY"))
    assert democracy.sdgs == [5, 16]
    for project in (chocolate, democracy):
        for year in (FiscalYear(2025), FiscalYear(2026)):
            assert project.spent_in(year) <= project.budget_in(year)
            assert project.spent_in(year) > Money.zero()


# Invariants --------------------------------------------------------------------------------------


def test_no_programme_year_is_over_committed(office: FundingOffice) -> None:
    for code in PROGRAMME_CODES:
        programme = office.programme_by_code(code)
        assert set(programme.budgets) == {"2025", "2026"}
        for year in (FiscalYear(2025), FiscalYear(2026)):
            assert programme.committed(year) <= programme.budget(year), (code, year)
            assert programme.committed(year) > Money.zero(), (code, year)


def test_payments_never_exceed_the_approved_amount(office: FundingOffice) -> None:
    for number in GRANT_FILE_NUMBERS:
        grant = _grant(office, number)
        assert grant.paid <= grant.approved_amount, number
        assert grant.committed_payments <= grant.approved_amount, number
        if grant.terms is None:
            assert grant.payments == {}, number


def test_four_eyes_hold_for_every_decision_and_payment(office: FundingOffice) -> None:
    for number in GRANT_FILE_NUMBERS:
        grant = _grant(office, number)
        if grant.approver_id is not None:
            assert grant.approver_id not in (grant.reviewer_id, grant.applicant_id), number
        for payment in grant.payments.values():
            if payment["certified_by"] is not None:
                assert payment["certified_by"] != payment["requested_by"], number
            if payment["released_by"] is not None:
                assert payment["released_by"] not in (payment["certified_by"], payment["requested_by"]), number


def test_every_event_names_who_did_it(office: FundingOffice) -> None:
    users = {office.user_by_email(u.email).id: u for u in DEMO_USERS}
    system_events = []
    count = 0
    for notification in office.recorder.select_notifications(start=1, limit=10_000):
        event = office.mapper.to_domain_event(notification)
        count += 1
        assert event.actor_id is not None  # type: ignore[attr-defined]
        if event.actor_role == "system":  # type: ignore[attr-defined]
            system_events.append(type(event).__qualname__)
        else:
            assert event.actor_id in users, type(event).__qualname__  # type: ignore[attr-defined]
    assert count == _max_notification_id_of(office)
    # Only the first admin account (and the shipped base-rate table, if recorded) come from the system itself.
    assert system_events.count("User.Registered") == 1
    assert set(system_events) <= {"User.Registered", "UserEmail.Claimed", "BaseRateTable.Created"}


def _max_notification_id_of(office: FundingOffice) -> int:
    return office.recorder.max_notification_id() or 0


def test_every_demo_user_can_sign_in_with_the_documented_password(loaded: Loaded, office: FundingOffice) -> None:
    store = CredentialStore.for_settings(loaded.settings())
    try:
        for user in DEMO_USERS:
            user_id = office.user_by_email(user.email).id
            assert store.verify(user_id, DEMO_PASSWORD), user.email
            assert not store.verify(user_id, DEMO_PASSWORD + "x"), user.email
            actor = office.actor_for(user_id, user.role)
            assert actor.role is user.role
            if user.organisation:
                assert actor.organisation_id == demo.organisation_id(user.organisation)
                assert user_id in office.organisation(actor.organisation_id).members
    finally:
        store.close()
    assert {u.role for u in DEMO_USERS} == {
        Role.ADMIN,
        Role.OFFICER,
        Role.APPROVER,
        Role.FINANCE,
        Role.CASHIER,
        Role.AUDITOR,
        Role.ASSOCIATION,
    }


def test_organisations_have_valid_sparkasse_or_volksbank_ibans(office: FundingOffice) -> None:
    from schwifty import IBAN

    for organisation in ORGANISATIONS:
        iban = IBAN(office.organisation(organisation.id).iban)
        assert iban.country_code == "DE"
        assert iban.bank_code in ("44050199", "44160014")
        assert office.organisation(organisation.id).contact_persons


def test_every_grant_names_a_partner_city_and_a_programme(office: FundingOffice) -> None:
    from domain.partner_cities import partner_city

    programmes = {Programme.create_id(code) for code in PROGRAMME_CODES}
    cities = set()
    for number in GRANT_FILE_NUMBERS:
        grant = _grant(office, number)
        assert grant.programme_id in programmes
        cities.add(partner_city(grant.partner_city).name)
        assert grant.applied_on.year in (2025, 2026)
    assert {"Amiens", "Leeds", "Kumasi", "Schytomyr", "Netanya", "Buffalo"} <= cities


def test_the_read_models_fold_the_whole_demo(loaded: Loaded, office: FundingOffice) -> None:
    from foerderbuch.wiring import create_projector

    projector = create_projector(loaded.settings(), office)
    try:
        projector.catch_up()
        head = projector.log_head()
        assert head == _max_notification_id_of(office)
        assert projector.models
        for name in projector.models:
            assert projector.pending(name) == 0, name
    finally:
        projector.db.close()


def test_verify_finds_the_demo_consistent(loaded: Loaded, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify"], settings=loaded.settings())

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Prüfung bestanden" in out


# Robustness --------------------------------------------------------------------------------------


def test_a_demo_stopped_half_way_is_reported_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'half.sqlite'}"
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", url)

    approve = demo._Loader.approve

    def refused(self: demo._Loader, file_number: str, *args: object, **kwargs: object) -> None:
        if file_number == "IB-2025-005":
            raise InvalidStateError("Simulierter Abbruch.")
        approve(self, file_number, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(demo._Loader, "approve", refused)
        assert main(["demo"]) == 3
    err = capsys.readouterr().err
    assert "IB-2025-005" in err and "Simulierter Abbruch." in err and "teilweise" in err
    before = _max_notification_id(Settings(database_url=url))
    assert before > 0

    assert main(["demo"]) == 3  # the complete loader now finds part of its data and refuses

    err = capsys.readouterr().err
    assert "nur teilweise da" in err
    assert err.count("\n") == 1  # one line
    assert _max_notification_id(Settings(database_url=url)) == before


def test_demo_refuses_a_store_with_other_data_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'other.sqlite'}")
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", settings.database_url)
    office = create_office(settings)
    office.register_user("real.person@dortmund.example", "Echte Person", Role.ADMIN, Actor.system())
    office.close()
    before = _max_notification_id(settings)

    assert main(["demo"]) == 3
    assert "andere Daten" in capsys.readouterr().err
    assert _max_notification_id(settings) == before

    assert main(["demo", "--force"]) == 0
    office = create_office(settings)
    try:
        assert demo_state(office).state is DemoState.COMPLETE
    finally:
        office.close()


def test_the_credentials_live_in_the_events_sqlite_file(loaded: Loaded, office: FundingOffice) -> None:
    path = loaded.settings().sqlite_path
    connection = sqlite3.connect(path)
    try:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(credentials)")]
        rows = connection.execute("SELECT user_id, password_hash FROM credentials").fetchall()
    finally:
        connection.close()
    assert columns == ["user_id", "password_hash", "changed_at"]
    assert {row[0] for row in rows} == {str(office.user_by_email(u.email).id) for u in DEMO_USERS}
    assert all(row[1].startswith("$argon2id$") and DEMO_PASSWORD not in row[1] for row in rows)


# PostgreSQL ----------------------------------------------------------------------------------------


@pytest.fixture
def postgres_schema_settings() -> Iterator[Settings]:
    """A fresh schema on the PostgreSQL server (skipped when unreachable, failed under CI=true)."""
    try:
        connection = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        message = f"PostgreSQL {POSTGRES_URL} not reachable: {' '.join(str(error).split())}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)
    schema = f"demo_{uuid.uuid4().hex}"
    with connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield Settings(database_url=POSTGRES_URL, extra_env={"POSTGRES_SCHEMA": schema})
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.mark.postgres
def test_demo_loads_once_on_postgres(postgres_schema_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    settings = postgres_schema_settings

    assert main(["demo"], settings=settings) == 0
    first = _max_notification_id(settings)
    assert main(["demo"], settings=settings) == 0
    assert "bereits vollständig" in capsys.readouterr().out
    assert _max_notification_id(settings) == first

    office = create_office(settings)
    store = CredentialStore.for_settings(settings)
    try:
        assert demo_state(office).state is DemoState.COMPLETE
        statuses = {n: office.grant(Grant.create_id(n)).status for n in GRANT_FILE_NUMBERS}
        assert statuses == EXPECTED_STATUS
        admin = DEMO_USERS[0]
        assert store.verify(office.user_by_email(admin.email).id, DEMO_PASSWORD)
    finally:
        store.close()
        office.close()
    schema = settings.extra_env["POSTGRES_SCHEMA"]
    with psycopg.connect(POSTGRES_URL, connect_timeout=3) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
            )
        }
    assert "credentials" in tables  # in the test's own schema, beside the events


def test_a_new_officer_can_carry_a_demo_grant_from_approval_to_payment_in_late_2026(
    loaded: Loaded, tmp_path: Path
) -> None:
    """IB-2026-003 waits for approval with a funding period that covers the winter of 2026/27."""
    copy = copy_sqlite_store(Path(loaded.settings().sqlite_path), tmp_path / "copy.sqlite")
    office = create_office(copy, today=lambda: date(2026, 11, 27))
    try:
        grant_id = Grant.create_id("IB-2026-003")
        people = {u.email.split("@")[0]: u for u in demo.STAFF}
        actor = lambda name, role: office.actor_for(office.user_by_email(people[name].email).id, role)  # noqa: E731
        office.approve_grant(grant_id, Money("3000.00"), actor("p.lange", Role.APPROVER))
        payment = office.request_payment(
            grant_id,
            [{"due": date(2026, 12, 10), "amount": Money("1500.00"), "description": "Kunsttransport"}],
            "Abschlag Transport",
            actor("s.krueger", Role.OFFICER),
        )
        office.certify_payment(grant_id, payment, actor("m.yildiz", Role.OFFICER))
        office.release_payment(grant_id, payment, actor("k.brandt", Role.FINANCE))
        office.book_payment(grant_id, payment, date(2026, 11, 27), actor("o.schulz", Role.CASHIER))

        assert office.grant(grant_id).paid == Money("1500.00")
    finally:
        office.close()
