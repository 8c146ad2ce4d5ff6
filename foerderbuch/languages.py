"""Each person's preferred language for e-mails, kept beside the passwords — a page setting, not an event.

    preferred_languages(subject_id TEXT PRIMARY KEY, language TEXT NOT NULL, changed_at TEXT NOT NULL)

``subject_id`` is a user's id (set when the signed-in person switches the page language, or on their
password page) or an account request's id (the language of the page the request was made on; the
person approved from it starts with that language). E-mails sent while nobody is on a page — the news
of ``foerderbuch notify``, the welcome link after an approved request, a declined request — go out in
this language; German when none is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from uuid import UUID

from foerderbuch.database import Records
from projections.db import Cursor
from web.i18n import LANGUAGES

CREATE = [
    "CREATE TABLE IF NOT EXISTS preferred_languages (subject_id TEXT PRIMARY KEY, language TEXT NOT NULL, "
    "changed_at TEXT NOT NULL)"
]


class PreferredLanguages:
    def __init__(self, records: Records) -> None:
        self.records = records
        records.create(CREATE)

    def remember(self, subject_id: UUID, language: str) -> None:
        """Keeps ``language`` for the person (or account request); an unsupported language is ignored."""
        if language not in LANGUAGES:
            return
        moment = datetime.now(UTC).isoformat(timespec="seconds")

        def work(cursor: Cursor) -> None:
            cursor.execute(
                "INSERT INTO preferred_languages (subject_id, language, changed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (subject_id) DO UPDATE SET language = excluded.language, "
                "changed_at = excluded.changed_at",
                (str(subject_id), language, moment),
            )

        self.records.run(work, write=True)

    def of(self, subject_id: UUID) -> str | None:
        """The remembered language, or None when the person never chose one."""

        def work(cursor: Cursor) -> str | None:
            cursor.execute("SELECT language FROM preferred_languages WHERE subject_id = ?", (str(subject_id),))
            row = cursor.fetchone()
            return str(row["language"]) if row and row["language"] in LANGUAGES else None

        return self.records.run(work)

    def of_many(self, subject_ids: Iterable[UUID]) -> dict[UUID, str]:
        """The remembered languages of several people at once (those without one left out)."""
        wanted = {str(s): s for s in subject_ids}
        if not wanted:
            return {}

        def work(cursor: Cursor) -> dict[UUID, str]:
            marks = ", ".join("?" for _ in wanted)
            cursor.execute(
                f"SELECT subject_id, language FROM preferred_languages WHERE subject_id IN ({marks})",
                tuple(wanted),
            )
            return {
                wanted[row["subject_id"]]: str(row["language"])
                for row in cursor.fetchall()
                if row["language"] in LANGUAGES
            }

        return self.records.run(work)

    def forget(self, subject_id: UUID) -> None:
        self.records.run(
            lambda cursor: cursor.execute("DELETE FROM preferred_languages WHERE subject_id = ?", (str(subject_id),)),
            write=True,
        )
