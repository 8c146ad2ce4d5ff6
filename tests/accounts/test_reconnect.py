"""Account records use the pooled database layer of the read models: a killed connection is replaced.

Every connection this test's process opens carries a unique ``application_name`` (libpq reads
``PGAPPNAME``), so only this test's connections are terminated, never another test's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from argon2 import PasswordHasher

from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "richtig-geheim-2026"


@pytest.fixture
def application_name(monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"fb-reconnect-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("PGAPPNAME", name)
    return name


@pytest.fixture
def store(postgres_settings: Settings, application_name: str) -> Iterator[CredentialStore]:
    opened = CredentialStore.for_settings(postgres_settings, FAST)
    yield opened
    opened.close()


def terminate(postgres_url: str, application_name: str) -> int:
    with psycopg.connect(postgres_url, autocommit=True, application_name="fb-reconnect-killer") as connection:
        row = connection.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
            (application_name,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_sign_in_checks_work_again_right_after_the_connection_was_killed(
    store: CredentialStore, postgres_url: str, application_name: str
) -> None:
    user = uuid.uuid4()
    store.set_password(user, PASSWORD)
    issued = store.issue_token(user, "officer", "Skript")
    assert store.verify(user, PASSWORD)

    assert terminate(postgres_url, application_name) >= 1
    assert store.verify(user, PASSWORD)  # the first use after the kill, not a later one
    assert not store.verify(user, "ganz-falsches-passwort")

    assert terminate(postgres_url, application_name) >= 1
    resolved = store.resolve_token(issued.token)
    assert resolved is not None and resolved.user_id == user

    assert terminate(postgres_url, application_name) >= 1
    store.set_password(user, "ein-neues-passwort-2026")  # writes recover as well
    assert store.verify(user, "ein-neues-passwort-2026")
