"""Personal fields are stored sealed per person — in events and in snapshots — and read as "gelöscht"
once the person's key is gone, in every process, while the stored bytes (and so the seal) never change."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.organisation import address
from foerderbuch.privacy.erasure import erase, find_contacts, find_person, key_store
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_projector

NAME, EMAIL, PHONE = "Hildegard Quastenberg", "h.quastenberg@verein.example", "0231 9988776"


def stored_bytes(settings: Settings) -> bytes:
    with closing(sqlite3.connect(Path(settings.sqlite_path))) as db:
        rows = db.execute("SELECT state FROM stored_events UNION ALL SELECT state FROM stored_snapshots").fetchall()
    return b"\n".join(bytes(r[0]) for r in rows)


def a_user_with_a_snapshot(office: FundingOffice) -> UUID:
    user = office.register_user(EMAIL, NAME, Role.AUDITOR, Actor.system())
    for n in range(55):  # users are snapshotted every 50 events
        office.issue_api_token(user, f"{n:016x}", Role.AUDITOR, f"Skript {n}", Actor.system())
    assert office.snapshots is not None and list(office.snapshots.get(user))
    return user


def an_admin(office: FundingOffice) -> Actor:
    return office.actor_for(
        office.register_user("ada@stadt.example", "Ada Admin", Role.ADMIN, Actor.system()), Role.ADMIN
    )


def test_names_addresses_and_phone_numbers_are_never_stored_in_clear(open_office, sqlite_settings: Settings) -> None:
    office = open_office(sqlite_settings)
    user = a_user_with_a_snapshot(office)
    organisation = office.register_organisation(
        "Verein e.V.", "e.V.", "VR 1", address("Markt 1", "44135", "Dortmund"), "DE89370400440532013000", Actor.system()
    )
    office.add_contact_person(organisation, NAME, "Kassenwartin", EMAIL, PHONE, Actor.system())
    office.invite_portal_member(organisation, "neu@verein.example", "Nora Neumitglied", Actor.system())
    raw = stored_bytes(sqlite_settings)
    for secret in (NAME, EMAIL, PHONE, "Nora Neumitglied", "neu@verein.example"):
        assert secret.encode() not in raw, secret
    assert office.user(user).email == EMAIL and office.user(user).display_name == NAME  # read back through the keys
    person = office.organisation(organisation).contact_persons
    assert [p["name"] for p in person.values()] == [NAME]


def test_an_erased_user_reads_as_geloescht_from_events_and_snapshots(open_office, sqlite_settings: Settings) -> None:
    office = open_office(sqlite_settings)
    user = a_user_with_a_snapshot(office)
    admin = an_admin(office)
    before = stored_bytes(sqlite_settings)
    result = erase(office, None, find_person(office, EMAIL), "Antrag der Person", "Art. 17 DSGVO", admin)
    assert result.keys_deleted == 2 and result.snapshots_deleted >= 1  # the user's key and her e-mail index entry's
    again = open_office(sqlite_settings)  # another process
    erased = again.user(user)
    assert (erased.email, erased.display_name, erased.disabled) == ("gelöscht", "gelöscht", True)
    assert len(erased.api_tokens) == 55  # what is not personal stays
    # The events' bytes did not change (only new events were appended): the seal still holds.
    assert stored_bytes(sqlite_settings).startswith(before.split(b"\n")[0])


def test_a_snapshot_written_by_a_process_that_still_knew_the_key_is_unreadable_afterwards(
    open_office, sqlite_settings: Settings
) -> None:
    stale = open_office(sqlite_settings)
    user = stale.register_user(EMAIL, NAME, Role.AUDITOR, Actor.system())
    assert stale.user(user).display_name == NAME  # the key is now cached in this process
    deciding = open_office(sqlite_settings)
    erase(deciding, None, find_person(deciding, EMAIL), "Antrag der Person", "Art. 17 DSGVO", an_admin(deciding))
    for _ in range(55):  # the stale process keeps writing and takes a snapshot with the key it cached
        stale.record_sessions_ended(user, "Sitzungen beendet", Actor.system())
    assert stale.snapshots is not None and list(stale.snapshots.get(user))
    fresh = open_office(sqlite_settings)
    assert fresh.user(user).display_name == "gelöscht"
    assert NAME.encode() not in stored_bytes(sqlite_settings)


def test_an_organisations_contacts_are_erased_together(open_office, sqlite_settings: Settings) -> None:
    office = open_office(sqlite_settings)
    organisation = office.register_organisation(
        "Verein e.V.", "e.V.", "VR 1", address("Markt 1", "44135", "Dortmund"), "DE89370400440532013000", Actor.system()
    )
    office.add_contact_person(organisation, NAME, "Kassenwartin", EMAIL, PHONE, Actor.system())
    office.add_contact_person(organisation, "Otto Zweitkontakt", "Vorsitz", "otto@verein.example", "", Actor.system())
    office.invite_portal_member(organisation, "neu@verein.example", "Nora Neumitglied", Actor.system())
    findings = find_contacts(office, organisation)
    assert len(findings.records) == 3
    erase(office, None, findings, "Frist abgelaufen", "Zuwendungen (Bücher): 10 Jahre", an_admin(office))
    people = open_office(sqlite_settings).organisation(organisation).contact_persons.values()
    assert [p["name"] for p in people] == ["gelöscht", "gelöscht"]
    assert all(p["email"] == "gelöscht" and p["phone"] in ("gelöscht", "") for p in people)
    assert key_store(office).is_erased(findings.records[-1].subject)  # the invitation's own key went too


def test_on_postgresql_the_keys_and_snapshots_are_erased_too(open_office, postgres_settings: Settings) -> None:
    office = open_office(postgres_settings)
    user = a_user_with_a_snapshot(office)
    result = erase(office, None, find_person(office, EMAIL), "Antrag der Person", "Art. 17 DSGVO", an_admin(office))
    assert result.keys_deleted == 2 and result.snapshots_deleted >= 1  # the user's key and her e-mail index entry's
    again = open_office(postgres_settings)
    assert again.user(user).display_name == "gelöscht" and again.user(user).email == "gelöscht"
    assert office.snapshots is not None and not list(office.snapshots.get(user))


def test_an_erased_address_finds_nobody_and_may_be_registered_again(open_office, sqlite_settings: Settings) -> None:
    office = open_office(sqlite_settings)
    first = office.register_user(EMAIL, NAME, Role.OFFICER, Actor.system())
    erase(office, None, find_person(office, EMAIL), "Antrag der Person", "Art. 17 DSGVO", an_admin(office))
    assert not office.email_registered(EMAIL)
    second = office.register_user(EMAIL, "Hildegard Quastenberg-Neu", Role.OFFICER, Actor.system())
    assert second != first and office.user_by_email(EMAIL).id == second
    assert office.user(first).display_name == "gelöscht"


def test_the_read_models_redacted_on_erasure_equal_a_rebuild_from_the_log(
    open_office, sqlite_settings: Settings
) -> None:
    office = open_office(sqlite_settings)
    user = office.register_user(EMAIL, NAME, Role.OFFICER, Actor.system())
    request = office.submit_account_request(
        {
            "association": "Quastenfreunde e.V.",
            "legal_form": "e.V.",
            "register_court": "Amtsgericht Dortmund",
            "register_number": "VR 9999",
            "street": "Markt 1",
            "postcode": "44135",
            "city": "Dortmund",
            "iban": "DE89370400440532013000",
            "contact_name": NAME,
            "email": EMAIL,
        },
        Actor.system(),
    )
    projector = create_projector(sqlite_settings, office)
    try:
        projector.set_up()
        projector.catch_up()
        findings = find_person(office, EMAIL)
        assert {r.subject for r in findings.records if r.event != "UserEmail.Claimed"} == {user, request}
        assert [r.person for r in findings.records if r.event == "UserEmail.Claimed"] == [user]
        erase(office, None, findings, "Antrag der Person", "Art. 17 DSGVO", an_admin(office))
        projector.catch_up()
        tables = {"users": "user_directory", "account_requests": "account_requests", "timeline": "tl_users"}

        def rows() -> dict[str, list[tuple[object, ...]]]:
            found = {}
            with projector.db.transaction() as cursor:
                for table in tables.values():
                    cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
                    found[table] = [tuple(r.values()) for r in cursor.fetchall()]
            return found

        redacted = rows()
        assert any("gelöscht" in row for row in redacted["user_directory"])
        assert not any(NAME in str(row) or EMAIL in str(row) for rows_ in redacted.values() for row in rows_)
        projector.rebuild(list(tables))
        assert rows() == redacted
    finally:
        projector.db.close()
