"""Feedback on accessibility (Rückmeldung zur Barrierefreiheit, BITV 2.0 § 7): anyone may report a
barrier on the accessibility statement page; the report is a tracked case with an answer deadline of
one month, and the office records its answer. The case keeps the page it names and an address for the
answer (optional: the report can be anonymous)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.dates import add_duration
from domain.errors import InvalidInputError, InvalidStateError
from domain.messages import N_, message
from domain.text import optional_text, require_text

ANSWER_WITHIN = "P1M"  # the office answers within one month


class AccessibilityFeedback(Aggregate):
    """One report of a barrier, open until the office has answered it."""

    class Received(Aggregate.Created):
        text: str
        page: str
        email: str
        received_on: date
        answer_due: date
        actor_id: UUID
        actor_role: str

    @event(Received)
    def __init__(
        self, text: str, page: str, email: str, received_on: date, answer_due: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.text = text
        self.page = page
        self.email = email
        self.received_on = received_on
        self.answer_due = answer_due
        self.answer = ""
        self.answered_on: date | None = None

    @classmethod
    def receive(cls, text: str, page: str, email: str, on: date, actor: Actor) -> AccessibilityFeedback:
        address = (optional_text(email, "email", N_("Die E-Mail-Adresse"), 320) or "").strip()
        if address and ("@" not in address or " " in address):
            raise InvalidInputError(
                message("Bitte eine gültige E-Mail-Adresse angeben – oder das Feld leer lassen."), field="email"
            )
        return cls(
            text=require_text(text, "text", N_("Ihre Rückmeldung"), max_length=5000),
            page=(optional_text(page, "page", N_("Die Seite"), 500) or "").strip(),
            email=address,
            received_on=on,
            answer_due=add_duration(on, ANSWER_WITHIN),
            **actor.stamp,
        )

    def answer_with(self, answer: str, on: date, actor: Actor) -> None:
        actor.require(Role.OFFICER, Role.ADMIN, doing=N_("Rückmeldung zur Barrierefreiheit beantworten"))
        if self.answered_on is not None:
            raise InvalidStateError(message("Diese Rückmeldung ist schon beantwortet."))
        self._answered(answer=require_text(answer, "answer", N_("Die Antwort"), max_length=5000), on=on, **actor.stamp)

    class Answered(Aggregate.Event):
        answer: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(Answered)
    def _answered(self, answer: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.answer = answer
        self.answered_on = on

    def overdue(self, today: date) -> bool:
        return self.answered_on is None and today > self.answer_due
