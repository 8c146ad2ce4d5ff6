"""User ids are random; users are found by e-mail through the e-mail index; stores of release 0.1 still work."""

from __future__ import annotations

import threading

import pytest
from accounts_support import FAST_HASHER, PASSWORD, SECRET, csrf_of
from demo_support import write_release_0_1_store
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.errors import AlreadyExistsError, NotFoundError
from domain.user import User, UserEmail
from foerderbuch.credentials import CredentialStore
from foerderbuch.demo import DemoState, demo_state
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from web.app import create_app
from web.services import Services


def test_new_users_get_random_ids_and_are_found_by_their_address(sqlite_settings: Settings) -> None:
    office = create_office(sqlite_settings)
    try:
        first = office.register_user("Anna.Berg@Dortmund.example", "Anna Berg", Role.OFFICER, Actor.system())
        second = office.register_user("ben@dortmund.example", "Ben Kurz", Role.AUDITOR, Actor.system())
        assert first != User.legacy_id("anna.berg@dortmund.example") and first.version == 4
        assert office.user_by_email(" anna.berg@dortmund.EXAMPLE ").id == first
        assert office.user_by_email("ben@dortmund.example").id == second
        assert office.repository.get(UserEmail.id_for("anna.berg@dortmund.example")).user_id == first
        with pytest.raises(AlreadyExistsError, match="bereits registriert"):
            office.register_user("ANNA.BERG@dortmund.example", "Noch einmal", Role.OFFICER, Actor.system())
        with pytest.raises(NotFoundError):
            office.user_by_email("niemand@dortmund.example")
    finally:
        office.close()


def test_the_same_address_registered_at_once_by_many_wins_once(backend: Settings) -> None:
    offices = [create_office(backend) for _ in range(6)]
    start, outcomes, lock = threading.Barrier(len(offices)), [], threading.Lock()

    def register(office) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            office.register_user("zugleich@dortmund.example", "Zugleich", Role.OFFICER, Actor.system())
            result = "registered"
        except AlreadyExistsError:
            result = "refused"
        with lock:
            outcomes.append(result)

    try:
        threads = [threading.Thread(target=register, args=(office,)) for office in offices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused"] * (len(offices) - 1) + ["registered"]
        registered = offices[0].user_by_email("zugleich@dortmund.example")
        assert registered.email == "zugleich@dortmund.example"
    finally:
        for office in offices:
            office.close()


def test_a_store_of_release_0_1_still_finds_and_signs_in_its_users(sqlite_settings: Settings) -> None:
    write_release_0_1_store(sqlite_settings)
    office = create_office(sqlite_settings)
    credentials = CredentialStore.for_settings(sqlite_settings, FAST_HASHER)
    services = Services(office, create_projector(sqlite_settings, office), credentials)
    try:
        admin = office.user_by_email("admin@dortmund.example")
        assert admin.id == User.legacy_id("admin@dortmund.example")  # the old, derived id is kept
        assert demo_state(office).state is DemoState.COMPLETE
        with pytest.raises(AlreadyExistsError):
            office.register_user("admin@dortmund.example", "Doppelt", Role.ADMIN, Actor.system())
        newcomer = office.register_user(
            "neu@dortmund.example", "Neu Hinzu", Role.OFFICER, office.actor_for(admin.id, "admin")
        )
        assert newcomer != User.legacy_id("neu@dortmund.example")
        credentials.set_password(admin.id, PASSWORD)
        with TestClient(create_app(lambda: services, SECRET)) as client:
            page = client.get("/anmelden")
            answer = client.post(
                "/anmelden",
                data={"email": "admin@dortmund.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                follow_redirects=False,
            )
            assert answer.status_code == 303
            assert "Förderbuch-Administration" in client.get("/").text
    finally:
        services.close()
