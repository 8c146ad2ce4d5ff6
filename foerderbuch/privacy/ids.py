"""Random ids for the users of release 0.1, whose ids were derived from their e-mail addresses.

An id derived from an address can be derived again by anybody who knows the address — also after the
person was erased, which would tie everything they did to them again. ``foerderbuch privacy
migrate-ids`` moves each such user to a random id without rewriting the log:

* ``User.IdReplaced`` on the old id marks it replaced (it no longer signs in or acts; it does not name
  the new id), and ``User.Migrated`` creates the same person under a random id with their roles,
  status, second factor and API tokens. Its ``previous_id`` maps old to new; it is personal data,
  encrypted under the person's key like the address and the name, so an erasure unlinks the two. The
  organisations whose portal the person uses list the new id (``Organisation.MemberIdReplaced``, the
  old id encrypted the same way), and the e-mail index names the new id (sealed per entry).
* The account records beside the log (password hash, API tokens, sessions, second factor, recovery
  codes, password links, read markers) move to the new id, so sign-in, open sessions and tokens keep
  working. History keeps the old id in every event the person caused before; the user directory keeps
  the old id's row (name shown for those events) and hides it from the list of users.

Running it again moves nobody twice and finishes moving account records an interruption left behind.
The import's function accounts (not persons) keep their fixed ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actors import Actor
from domain.application import FundingOffice
from domain.user import User
from foerderbuch.credentials import CredentialStore
from foerderbuch.importing import LEGACY_APPROVAL, LEGACY_REVIEW
from foerderbuch.privacy.erasure import ACCOUNT_TABLES

BATCH = 50
"""Users moved per save (their events in random order within it)."""

FUNCTION_ACCOUNTS = frozenset({LEGACY_REVIEW.email, LEGACY_APPROVAL.email})


@dataclass(frozen=True)
class MigrationResult:
    users: int
    account_records: int


def _events(office: FundingOffice, event_class: type) -> Iterator[tuple[UUID, Any]]:
    """(aggregate id, decoded event) of every event of this type, in log order."""
    topic = get_topic(event_class)
    start: int | None = None
    while True:
        batch = office.recorder.select_notifications(start=start, limit=500, topics=[topic], inclusive_of_start=False)
        for notification in batch:
            yield UUID(str(notification.originator_id)), office.mapper.to_domain_event(notification)
        if len(batch) < 500:
            return
        start = batch[-1].id


def users_with_derived_ids(office: FundingOffice) -> list[UUID]:
    """The users (persons, not the import's function accounts) who still have an id derived from their address."""
    found = []
    for user_id, event in _events(office, User.Registered):
        email = getattr(event, "email", "")
        if email in FUNCTION_ACCOUNTS or not isinstance(email, str) or user_id != User.legacy_id(email):
            continue
        if office.user(user_id).derived_id:
            found.append(user_id)
    return found


def moves(office: FundingOffice) -> dict[UUID, UUID]:
    """Old id -> new id of every user moved, as far as still readable (an erased person's move is not)."""
    found = {}
    for user_id, event in _events(office, User.Migrated):
        previous = getattr(event, "previous_id", None)
        if isinstance(previous, UUID):
            found[previous] = user_id
    return found


def migrate(
    office: FundingOffice,
    credentials: CredentialStore,
    user_ids: list[UUID],
    actor: Callable[[], Actor],
    progress: Callable[[int], None] = lambda n: None,
) -> MigrationResult:
    """Moves these users in batches, then their account records. ``actor()`` is asked before each batch:
    the administrator who decided may have just moved to a random id."""
    moved = 0
    for start in range(0, len(user_ids), BATCH):
        batch = user_ids[start : start + BATCH]
        moved += len(office.move_users_to_random_ids(batch, actor()))
        progress(len(batch))
    return MigrationResult(moved, move_account_records(office, credentials))


def move_account_records(office: FundingOffice, credentials: CredentialStore) -> int:
    """Moves every account record still held under an old id to the user's new id; returns the rows moved."""
    pairs = moves(office)
    if not pairs:
        return 0

    def work(cursor: Any) -> int:
        changed = 0
        for old, new in pairs.items():
            for table in ACCOUNT_TABLES:
                cursor.execute(f"UPDATE {table} SET user_id = ? WHERE user_id = ?", (str(new), str(old)))
                changed += max(cursor.rowcount, 0)
            cursor.execute("UPDATE preferred_languages SET subject_id = ? WHERE subject_id = ?", (str(new), str(old)))
            changed += max(cursor.rowcount, 0)
            cursor.execute("SELECT session_hash, data FROM sessions WHERE user_id = ?", (str(new),))
            for row in cursor.fetchall():
                data = json.loads(row["data"])
                if isinstance(data, dict) and data.get("uid") == str(old):
                    data["uid"] = str(new)
                    cursor.execute(
                        "UPDATE sessions SET data = ? WHERE session_hash = ?", (json.dumps(data), row["session_hash"])
                    )
            if credentials.records.db.table_exists(cursor, "cf_seen"):
                cursor.execute("UPDATE cf_seen SET user_id = ? WHERE user_id = ?", (new.hex, old.hex))
        return changed

    return credentials.records.run(work, write=True)
