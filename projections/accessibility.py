"""Accessibility feedback for the office's list: open reports first, by answer deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.feedback import AccessibilityFeedback
from domain.personal_data import ERASED
from domain.privacy import Erasure
from projections.db import Cursor
from projections.engine import ReadModel, handles


@dataclass(frozen=True)
class FeedbackCase:
    feedback_id: UUID
    received_on: date
    answer_due: date
    page: str
    text: str
    email: str
    answered_on: date | None
    answer: str

    def overdue(self, today: date) -> bool:
        return self.answered_on is None and today > self.answer_due


class AccessibilityCases(ReadModel):
    name = "accessibility_feedback"
    tables = ("accessibility_feedback",)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS accessibility_feedback (feedback_id TEXT PRIMARY KEY,"
            " received_on TEXT NOT NULL, answer_due TEXT NOT NULL, page TEXT NOT NULL, text TEXT NOT NULL,"
            " email TEXT NOT NULL,"
            " answered_on TEXT, answer TEXT NOT NULL DEFAULT '')"
        )

    @handles(AccessibilityFeedback.Received)
    def _received(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO accessibility_feedback (feedback_id, received_on, answer_due, page, text, email)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (feedback_id) DO NOTHING",
            (e.originator_id.hex, e.received_on.isoformat(), e.answer_due.isoformat(), e.page, e.text, e.email),
        )

    @handles(AccessibilityFeedback.Answered)
    def _answered(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE accessibility_feedback SET answered_on = ?, answer = ? WHERE feedback_id = ?",
            (e.on.isoformat(), e.answer, e.originator_id.hex),
        )

    @handles(Erasure.Recorded)
    def _erased(self, cursor: Cursor, e: Any, position: int) -> None:
        """The sender's words, address and the answer to them read "gelöscht" (an empty field stays empty),
        as a rebuild from the log folds them."""
        for subject in e.subjects:
            cursor.execute(
                "UPDATE accessibility_feedback SET text = ?, email = CASE WHEN email = '' THEN '' ELSE ? END, "
                "answer = CASE WHEN answer = '' THEN '' ELSE ? END WHERE feedback_id = ?",
                (ERASED, ERASED, ERASED, subject.hex),
            )

    @staticmethod
    def cases(cursor: Cursor) -> list[FeedbackCase]:
        """Every report, open ones first (earliest deadline first), then answered ones, newest first."""
        cursor.execute(
            "SELECT * FROM accessibility_feedback ORDER BY answered_on IS NOT NULL, answer_due, received_on DESC"
        )
        return [
            FeedbackCase(
                UUID(r["feedback_id"]),
                date.fromisoformat(r["received_on"]),
                date.fromisoformat(r["answer_due"]),
                r["page"],
                r["text"],
                r["email"],
                date.fromisoformat(r["answered_on"]) if r["answered_on"] else None,
                r["answer"],
            )
            for r in cursor.fetchall()
        ]
