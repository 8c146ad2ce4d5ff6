"""Personal API tokens: stored hashed, shown once, revocable, traced in the log; the CLI commands.

The store is tested on all three backends (memory, SQLite, PostgreSQL); the trace and the CLI on
SQLite, in process, like the other CLI tests.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.errors import InvalidInputError, InvalidStateError, NotFoundError, NotPermittedError
from domain.user import User
from foerderbuch import cli
from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_services
from web.api.tokens import issue_api_token, revoke_api_token
from web.app import create_app

from .conftest import SECRET, World


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CredentialStore]:
    if request.param == "memory":
        settings = Settings(database_url="memory://")
    elif request.param == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'tokens.sqlite'}")
    else:
        settings = request.getfixturevalue("postgres_settings")
    with CredentialStore.for_settings(settings) as credentials:
        yield credentials


class TestTheStore:
    def test_a_token_resolves_to_its_user_and_role_until_it_is_revoked(self, store: CredentialStore) -> None:
        user = uuid4()
        issued = store.issue_token(user, "officer", "  Skript   Kämmerei ")

        assert issued.token.startswith(f"fbk_{issued.record.token_id}_")
        found = store.resolve_token(issued.token)
        assert found is not None
        assert (found.user_id, found.role, found.label, found.revoked_at) == (user, "officer", "Skript Kämmerei", None)

        revoked = store.revoke_token(issued.record.token_id)
        assert revoked is not None and revoked.revoked_at is not None
        assert store.resolve_token(issued.token) is None
        assert store.revoke_token(issued.record.token_id) == revoked  # again: harmless, unchanged

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
            lambda t: t.replace("fbk_", "fbx_"),
            lambda t: t[:20],
            lambda t: "",
            lambda t: t + "x",
            lambda t: t.upper(),
            lambda t: "fbk_0000000000000000_" + t.split("_", 2)[2],  # unknown id, right secret
        ],
    )
    def test_a_wrong_or_malformed_token_resolves_to_nothing(self, store: CredentialStore, mangle) -> None:
        issued = store.issue_token(uuid4(), "officer")

        assert store.resolve_token(mangle(issued.token)) is None

    def test_tokens_are_listed_per_user_without_their_secret(self, store: CredentialStore) -> None:
        anna, bert = uuid4(), uuid4()
        first = store.issue_token(anna, "association", "eins")
        store.issue_token(bert, "officer", "fremd")
        second = store.issue_token(anna, "association", "zwei")
        store.revoke_token(first.record.token_id)

        listed = store.list_tokens(anna)

        assert {t.token_id for t in listed} == {first.record.token_id, second.record.token_id}
        assert [t.revoked for t in sorted(listed, key=lambda t: t.label)] == [True, False]
        assert len(store.list_tokens()) == 3
        assert all(not hasattr(t, "token") and not hasattr(t, "secret_hash") for t in listed)

    def test_an_overlong_label_is_refused(self, store: CredentialStore) -> None:
        with pytest.raises(InvalidInputError):
            store.issue_token(uuid4(), "officer", "x" * 101)

    def test_unknown_token_ids_are_none(self, store: CredentialStore) -> None:
        assert store.token("0123456789abcdef") is None
        assert store.token("'; DROP TABLE api_tokens; --") is None
        assert store.revoke_token("0123456789abcdef") is None


def test_only_the_sha256_of_the_secret_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sqlite"
    with CredentialStore.for_settings(Settings(database_url=f"sqlite:///{path}")) as store:
        issued = store.issue_token(uuid4(), "finance", "Kasse")
    secret = issued.token.split("_", 2)[2]

    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT * FROM api_tokens").fetchall()

    assert len(rows) == 1
    assert hashlib.sha256(secret.encode()).hexdigest() in rows[0]
    assert not any(secret in str(value) for value in rows[0])


class TestTheTrace:
    def test_issuing_and_revoking_are_recorded_on_the_user(self, world: World) -> None:
        member = world.users["member_a"]
        issued = issue_api_token(
            world.office, world.credentials, member, Role.ASSOCIATION, "Portal-Skript", Actor.system()
        )
        revoke_api_token(
            world.office, world.credentials, issued.record.token_id, "nicht mehr gebraucht", world.actors["member_a"]
        )

        events = list(world.office.repository.event_store.get(member))
        issued_events = [
            e for e in events if isinstance(e, User.ApiTokenIssued) and e.token_id == issued.record.token_id
        ]
        revoked_events = [e for e in events if isinstance(e, User.ApiTokenRevoked)]
        assert [(e.role, e.label) for e in issued_events] == [("association", "Portal-Skript")]
        assert [(e.token_id, e.reason, e.actor_id) for e in revoked_events] == [
            (issued.record.token_id, "nicht mehr gebraucht", member)
        ]

    def test_a_token_for_a_role_the_user_lacks_is_refused_and_nothing_stays(self, world: World) -> None:
        before = world.credentials.list_tokens(world.users["officer"])

        with pytest.raises(InvalidInputError):
            issue_api_token(world.office, world.credentials, world.users["officer"], Role.APPROVER, "", Actor.system())

        assert world.credentials.list_tokens(world.users["officer"]) == before

    def test_a_refused_trace_leaves_no_working_token(self, world: World) -> None:
        """Only the user or an admin may issue: the stored token is revoked again when the office refuses."""
        with pytest.raises(NotPermittedError):
            issue_api_token(
                world.office, world.credentials, world.users["member_a"], Role.ASSOCIATION, "", world.actors["officer"]
            )

        tokens = world.credentials.list_tokens(world.users["member_a"])
        assert sorted((t.label, t.revoked) for t in tokens) == [("", True), ("Token member_a", False)]

    def test_nobody_revokes_somebody_elses_token_except_an_admin(self, world: World) -> None:
        token_id = world.credentials.list_tokens(world.users["member_b"])[0].token_id

        with pytest.raises(NotFoundError):
            revoke_api_token(world.office, world.credentials, token_id, "fremd", world.actors["member_a"])
        assert world.credentials.token(token_id).revoked_at is None  # type: ignore[union-attr]

        revoke_api_token(world.office, world.credentials, token_id, "Zugang beendet", world.actors["admin"])
        assert world.credentials.token(token_id).revoked_at is not None  # type: ignore[union-attr]
        with pytest.raises(InvalidStateError):
            revoke_api_token(world.office, world.credentials, token_id, "noch einmal", world.actors["admin"])


class TestTheCommandLine:
    @pytest.fixture
    def settings(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
        url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
        monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", url)
        settings = Settings(database_url=url)
        office = create_office(settings)
        try:
            office.register_user("kai.kasse@dortmund.de", "Kai Kasse", Role.FINANCE, Actor.system())
            user = office.register_user("ole.officer@dortmund.de", "Ole", Role.OFFICER, Actor.system())
            office.grant_role(user, Role.AUDITOR, Actor.system())
        finally:
            office.close()
        return settings

    def test_create_prints_the_token_once_and_it_works_on_the_api(
        self, settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code = cli.main(["tokens", "create", "Kai.Kasse@dortmund.de", "--label", "Buchungsskript"])

        out, err = capsys.readouterr()
        assert code == 0
        token = out.strip()
        assert token.startswith("fbk_") and "\n" not in token
        assert "nur dieses eine Mal" in err and token not in err
        with TestClient(create_app(lambda: create_services(settings), SECRET)) as client:
            me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["role"] == "finance" and me.json()["email"] == "kai.kasse@dortmund.de"

    def test_a_user_with_several_roles_must_name_one(
        self, settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert cli.main(["tokens", "create", "ole.officer@dortmund.de"]) == cli.EXIT_BAD_INPUT
        assert "--role" in capsys.readouterr().err

        assert cli.main(["tokens", "create", "ole.officer@dortmund.de", "--role", "auditor"]) == 0
        assert capsys.readouterr().out.startswith("fbk_")

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["tokens", "create", "niemand@dortmund.de"], "gibt es nicht"),
            (["tokens", "create", "kai.kasse@dortmund.de", "--role", "admin"], "nicht"),
            (["tokens", "create", "kai.kasse@dortmund.de", "--role", "kaiser"], "Unbekannte Rolle"),
            (["tokens", "revoke", "0123456789abcdef"], "gibt es nicht"),
        ],
    )
    def test_refusals_exit_2_with_a_german_message(
        self, settings: Settings, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
    ) -> None:
        assert cli.main(argv) == cli.EXIT_BAD_INPUT
        out, err = capsys.readouterr()
        assert out == "" and message in err

    def test_revoke_stops_the_token_at_once(self, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
        cli.main(["tokens", "create", "kai.kasse@dortmund.de"])
        token = capsys.readouterr().out.strip()
        token_id = token.split("_")[1]

        assert cli.main(["tokens", "revoke", token_id]) == 0
        assert f"API-Token {token_id} ist widerrufen" in capsys.readouterr().out
        with TestClient(create_app(lambda: create_services(settings), SECRET)) as client:
            answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401
        assert answer.json()["code"] == "token_invalid"

    def test_tokens_without_a_subcommand_is_a_usage_error(self, settings: Settings) -> None:
        assert cli.main(["tokens"]) == cli.EXIT_BAD_INPUT


def test_revoking_through_the_api(world: World) -> None:
    spare = world.token_for("member_a", label="Ersatz")
    spare_id = spare.split("_")[1]
    headers = {"Authorization": f"Bearer {spare}"}

    listed = world.get("member_a", "/tokens").json()["items"]
    assert {t["label"] for t in listed} == {"Token member_a", "Ersatz"}
    assert all("fbk_" not in str(t) for t in listed)

    other = world.delete("member_b", f"/tokens/{spare_id}")
    assert other.status_code == 404 and other.headers["content-type"] == "application/problem+json"

    answer = world.client.delete(f"/api/v1/tokens/{spare_id}", headers=headers)  # a token may revoke itself
    assert answer.status_code == 200
    assert answer.json()["revoked_at"] is not None
    assert world.client.get("/api/v1/me", headers=headers).status_code == 401
    assert world.get("member_a", "/me").status_code == 200  # the other token still works


def test_user_ids_in_tokens_are_uuids(world: World) -> None:
    assert all(isinstance(t.user_id, UUID) for t in world.credentials.list_tokens())


def test_the_user_s_tokens_survive_a_snapshot(world: World) -> None:
    """Users are snapshotted every 50 events; the token record must come back from a snapshot as it was."""
    user = world.users["auditor"]
    ids = [f"{n:016x}" for n in range(55)]
    for token_id in ids:
        world.office.issue_api_token(user, token_id, Role.AUDITOR, f"Nr. {token_id[-2:]}", Actor.system())
    world.office.revoke_api_token(user, ids[3], "verloren gegangen", Actor.system())

    reloaded = world.office.user(user)

    assert world.office.snapshots is not None and list(world.office.snapshots.get(user))
    assert set(ids) <= set(reloaded.api_tokens)
    assert reloaded.api_tokens[ids[3]]["revoked"] is True and reloaded.api_tokens[ids[54]]["revoked"] is False
