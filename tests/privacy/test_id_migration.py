"""Users of release 0.1 move from ids derived from their addresses to random ones (issue 15, item 4).

The store is the demo as release 0.1.0 wrote it (every user id ``uuid5`` of the address). Before the
migration an officer is signed in, holds an API token and every user has a password; ``foerderbuch
privacy migrate-ids`` then gives all thirteen users random ids. Afterwards the open session and the
token still work, everybody signs in with their password, the history names the same people for
every step, ``verify`` is green, and a second run changes nothing. Erasing a member afterwards leaves
nothing that leads from her address to her new id: not the derived id's stream, not the e-mail
index, not any event that names both ids.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest
from demo_support import sign_in_to_demo, write_release_0_1_store
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.errors import NotFoundError, NotPermittedError
from domain.user import User, UserEmail
from foerderbuch.cli import main
from foerderbuch.demo import DEMO_PASSWORD, DEMO_USERS
from foerderbuch.privacy.keys import ERASED_REFRESH_SECONDS
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_services
from web.api.tokens import issue_api_token
from web.app import create_app
from web.services import Services

SECRET = "id-migration-secret-" + "m" * 40
ADMIN = "admin@dortmund.example"
OFFICER = "s.krueger@dortmund.example"
MEMBER = "vorstand@dfg-dortmund.example"
MIGRATE = ["privacy", "migrate-ids", "--by", ADMIN, "--yes"]


def history(services: Services) -> list[tuple[str, int, str]]:
    """Every step of every grant's history with the name of the person who took it."""
    services.projector.catch_up()
    with services.projector.db.transaction() as cursor:
        cursor.execute(
            "SELECT t.grant_id, t.position, u.display_name FROM tl_entries t "
            "LEFT JOIN tl_users u ON u.user_id = t.actor_id ORDER BY t.position, t.grant_id"
        )
        return [(r["grant_id"], int(r["position"]), str(r["display_name"])) for r in cursor.fetchall()]


def stored_states(path: Path) -> list[tuple[str, bytes]]:
    """(originator id hex, stored bytes) of every event and snapshot in the file."""
    with closing(sqlite3.connect(path)) as db:
        rows = list(db.execute("SELECT originator_id, state FROM stored_events"))
        rows += list(db.execute("SELECT originator_id, state FROM stored_snapshots"))
    return [(str(o), bytes(s)) for o, s in rows]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'release-0-1.sqlite'}")
    write_release_0_1_store(settings)
    return settings


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    services = create_services(settings)
    yield services
    services.close()


def test_derived_ids_move_to_random_ones_and_sign_in_sessions_tokens_and_history_keep_working(
    settings: Settings, services: Services
) -> None:
    office = services.office
    old = {u.email: office.user_by_email(u.email).id for u in DEMO_USERS}
    assert all(old[email] == User.legacy_id(email) for email in old)  # the store really has derived ids
    for user_id in old.values():
        services.credentials.set_password(user_id, DEMO_PASSWORD)
    token = issue_api_token(office, services.credentials, old[OFFICER], Role.OFFICER, "Skript", Actor.system()).token
    services.credentials.languages.remember(old[MEMBER], "en")
    steps_before = history(services)
    assert steps_before and all(name not in ("None", "gelöscht") for _g, _p, name in steps_before)

    with TestClient(create_app(lambda: services, SECRET)) as client:  # the app closes the services on leaving
        sign_in_to_demo(client, OFFICER)
        assert "Sabine Krüger" in client.get("/").text

        assert main(MIGRATE, settings=settings) == 0

        # The session opened before goes on, under the new id; the token too.
        page = client.get("/", follow_redirects=False)
        assert page.status_code == 200 and "Sabine Krüger" in page.text
        api = client.get("/api/v1/grants", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200, api.text
        # Everybody signs in with the password they had.
        for email in (ADMIN, MEMBER, OFFICER):
            sign_in_to_demo(client, email)  # 303 to the start page, else it fails

        new = {email: office.user_by_email(email).id for email in old}
        for email, user_id in new.items():
            assert user_id != old[email] and user_id.version == 4, email  # random, not derived
            assert office.user(user_id).previous_id == old[email]
            assert office.user(old[email]).replaced
        assert len(set(new.values())) == len(new)
        # Her language for e-mails moved with her account records.
        assert services.credentials.languages.of(new[MEMBER]) == "en"
        assert services.credentials.languages.of(old[MEMBER]) is None
        _after_the_move(settings, services, old, new, steps_before)


def _after_the_move(
    settings: Settings,
    services: Services,
    old: dict[str, UUID],
    new: dict[str, UUID],
    steps_before: list[tuple[str, int, str]],
) -> None:
    office = services.office
    with pytest.raises(NotPermittedError):
        office.actor_for(old[OFFICER], Role.OFFICER)
    with pytest.raises(NotPermittedError, match="umgestellt"):  # an actor without the earlier id is refused
        office.verify_actor(Actor(new[OFFICER], Role.OFFICER))
    assert office.actor_for(new[OFFICER], Role.OFFICER).is_user(old[OFFICER])  # four-eyes: still the same person
    # The member acts for her association under the new id, and it lists her so.
    member = office.user(new[MEMBER])
    organisation = office.organisation(member.organisation_for(Role.ASSOCIATION))  # type: ignore[arg-type]
    assert new[MEMBER] in organisation.members and old[MEMBER] not in organisation.members
    # History names the same person for every step; the directory lists each person once.
    assert history(services) == steps_before
    with services.projector.db.transaction() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM user_directory WHERE replaced = 0")
        assert int(cursor.fetchone()["n"]) == len(DEMO_USERS)
    assert main(["verify"], settings=settings) == 0
    # A second run finds nobody to move and changes nothing.
    head = office.recorder.max_notification_id()
    assert main(MIGRATE, settings=settings) == 0
    assert office.recorder.max_notification_id() == head


def test_after_the_migration_an_erased_member_cannot_be_found_again_from_her_address(
    settings: Settings, services: Services
) -> None:
    office = services.office
    derived = office.user_by_email(MEMBER).id
    assert main(MIGRATE, settings=settings) == 0
    member = office.user_by_email(MEMBER).id
    erase = ["privacy", "erase", "person", MEMBER, "--reason", "Antrag vom 01.12.2026", "--by", ADMIN, "--yes"]

    assert main(erase, settings=settings) == 0
    time.sleep(ERASED_REFRESH_SECONDS + 0.1)  # this process re-reads the list of erased people

    with pytest.raises(NotFoundError):
        office.user_by_email(MEMBER)
    assert office.user(member).previous_id is None  # the pairing reads as erased
    # Whoever knows her address derives two streams: the id of release 0.1 and the e-mail index entry.
    states = stored_states(Path(settings.sqlite_path))
    from_address = {User.legacy_id(MEMBER).hex, UserEmail.id_for(MEMBER).hex}
    reachable = b"".join(state for originator, state in states if originator in from_address)
    assert reachable and member.hex.encode() not in reachable and str(member).encode() not in reachable
    index = office.repository.get(UserEmail.id_for(MEMBER))
    assert isinstance(index, UserEmail) and index.user_id is None
    assert all(getattr(e, "user_id", None) in (None, "gelöscht") for e in office.events.get(UserEmail.id_for(MEMBER)))
    # No stored event or snapshot names both ids (the pairing was encrypted under her erased key).
    both = [o for o, state in states if derived.hex.encode() in state and member.hex.encode() in state]
    assert both == []
    with closing(sqlite3.connect(settings.sqlite_path)) as db:
        marks = dict(db.execute("SELECT subject, erasure_id FROM erased_subjects").fetchall())
    assert marks[derived.hex] == "" and marks[member.hex] != ""  # erased both, tied to the erasure only the new
    assert main(["verify"], settings=settings) == 0


def test_an_actor_is_the_same_person_under_the_earlier_id() -> None:
    earlier, now = User.legacy_id("a@dortmund.example"), UUID(int=7)
    actor = Actor(now, Role.APPROVER, previous_id=earlier)
    assert actor.is_user(now) and actor.is_user(earlier)
    assert not actor.is_user(None) and not Actor(now, Role.APPROVER).is_user(earlier)
