"""What the association has to do, each to-do with the form that does it, and its money at a glance.

A to-do is an open deadline of a grant (documents asked for, an interim proof, the proof of use). The
portal shows one only while the grant page offers the form that settles it: a to-do without a form is a
dead end. An interim proof for a year not yet over is "coming", with the day from which it can be
sent; a proof deadline of a grant whose proof of use is in, or that was decided otherwise, is stale and
not shown at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.grant import APPROVED, DETERMINED
from domain.money import Money
from projections.deadlines import DOCUMENTS, FINAL, INTERIM

# The grant page's form (its slug) that settles a deadline of each kind.
FORM_OF_KIND = {DOCUMENTS: "unterlagen", INTERIM: "zwischennachweis", FINAL: "verwendungsnachweis"}


@dataclass(frozen=True)
class Todo:
    """One thing to do: what, by when, and the form (slug) that does it — or the day it can be done from."""

    text: str
    due: date
    slug: str | None
    from_day: date | None = None

    def overdue(self, today: date) -> bool:
        return self.due < today

    def link(self, grant_id: Any) -> str:
        """The grant page with this to-do's form open and first."""
        return f"/portal/zuwendungen/{grant_id}?aufgabe={self.slug}#portal-{self.slug}"


def todo(kind: str, key: str, text: str, due: date, status: str, today: date) -> Todo | None:
    """The to-do for an open deadline of a grant in this status, or None when nothing is left to do."""
    if kind == DOCUMENTS:
        return Todo(text, due, FORM_OF_KIND[DOCUMENTS])
    if status != APPROVED:
        return None  # the proof of use is in, or the grant was decided otherwise: no proof is due any more
    if kind == INTERIM:
        year = int(key.removeprefix("interim-"))
        if today > date(year, 12, 31):
            return Todo(text, due, FORM_OF_KIND[INTERIM])
        return Todo(text, due, None, date(year + 1, 1, 1))
    if kind == FINAL:
        return Todo(text, due, FORM_OF_KIND[FINAL])
    return None


def todos(actions: Any, status: str, today: date) -> list[Todo]:
    """The to-dos among a grant's open deadlines (objects with kind, key, text and due), earliest first."""
    found = (todo(a.kind, a.key, a.text, a.due, status, today) for a in actions)
    return sorted((t for t in found if t is not None), key=lambda t: t.due)


@dataclass(frozen=True)
class LineView:
    """A cost line of the plan against what was reported for it."""

    label: str
    planned: Money
    spent: Money

    @property
    def left(self) -> Money:
        return self.planned - self.spent

    @property
    def over(self) -> bool:
        return self.spent > self.planned


def plan_against_actual(lines: Any) -> tuple[list[LineView], Money, Money]:
    """The cost lines with planned and spent amounts, and both totals."""
    views = [LineView(line.label, line.planned, line.spent) for line in lines]
    return views, Money.sum(v.planned for v in views), Money.sum(v.spent for v in views)


def repayment_hint(
    financing_type: str, planned: Money, spent: Money, period_end: date, today: date, status: str
) -> str:
    """A plain-German warning when spending below plan is likely to cost part of the grant, else ""."""
    if status not in (APPROVED, DETERMINED) or financing_type == "fixed" or not spent < planned:
        return ""
    if today <= period_end:
        return (
            "Bisher haben Sie weniger ausgegeben als geplant. Bleiben die Kosten am Ende unter dem Plan, "
            "sinkt die Förderung – Geld, das schon überwiesen ist, müssen Sie dann zurückzahlen."
        )
    return (
        "Der Förderzeitraum ist vorbei und Sie haben weniger ausgegeben als geplant. Melden Sie alle "
        "Ausgaben; was dann zu viel überwiesen ist, wird bei der Abrechnung zurückgefordert."
    )


def still_to_request(approved: Money, requested: Money, paid: Money) -> Money:
    """What of the approved amount has not been asked for yet (never below zero)."""
    rest = approved - requested - paid
    return rest if rest > Money.zero() else Money.zero()


def iban_groups(iban: str) -> str:
    """An IBAN as it is printed: in groups of four (DE89 3704 0044 0532 0130 00)."""
    compact = "".join(iban.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def cost_line_names(text: str, names: dict[str, str]) -> str:
    """The review's cuts ("Kürzungen: travel: …; stay: …") with the cost lines' names instead of their codes."""
    if not text.startswith("Kürzungen: "):
        return text
    parts = []
    for part in text.removeprefix("Kürzungen: ").split("; "):
        code, sep, reason = part.partition(": ")
        parts.append(f"{names.get(code, code)}{sep}{reason}")
    return "Kürzungen: " + "; ".join(parts)
