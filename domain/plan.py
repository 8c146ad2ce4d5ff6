"""The cost and financing plan (Kosten- und Finanzierungsplan) of an application.

Costs are broken down into budget lines (Einzelansätze: travel, accommodation, fees …). The funding
side lists the applicant's own cash (Eigenmittel), third-party funds (Drittmittel: foundations,
other funders), project income (Einnahmen: participant fees) and the grant requested. A plan must
balance to the cent: costs = own funds + third-party funds + income + grant. Unpaid volunteer work
(unbare Eigenleistung) is recorded for information only and never counts as own funds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.errors import InvalidInputError, PlanNotBalancedError
from domain.messages import N_, message
from domain.money import Money

_LINE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class FinancingType(StrEnum):
    """How the grant relates to the costs (Finanzierungsart), which decides the final amount."""

    SHARE = "share"  # Anteilfinanzierung
    DEFICIT = "deficit"  # Fehlbedarfsfinanzierung
    FIXED = "fixed"  # Festbetragsfinanzierung
    FULL = "full"  # Vollfinanzierung

    @property
    def german(self) -> str:
        return {
            "share": N_("Anteilfinanzierung"),
            "deficit": N_("Fehlbedarfsfinanzierung"),
            "fixed": N_("Festbetragsfinanzierung"),
            "full": N_("Vollfinanzierung"),
        }[self.value]

    @classmethod
    def parse(cls, value: Any) -> FinancingType:
        try:
            return cls(value)
        except ValueError:
            raise InvalidInputError(
                message("Unbekannte Finanzierungsart »{value}«.", value=value), field="financing_type"
            ) from None


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One line of the cost plan (Einzelansatz), identified by a short code such as ``travel``."""

    code: str
    label: str
    amount: Money

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not _LINE_CODE.match(self.code):
            raise InvalidInputError(
                message(
                    "Kostenposition »{code}«: Kürzel aus Kleinbuchstaben, Ziffern, - und _ (max. 32).", code=self.code
                ),
                field="cost_lines",
            )
        if not isinstance(self.label, str) or not self.label.strip() or len(self.label) > 200:
            raise InvalidInputError(
                message("Kostenposition »{code}« braucht eine Bezeichnung (max. 200 Zeichen).", code=self.code),
                field="cost_lines",
            )
        if not isinstance(self.amount, Money):
            raise InvalidInputError(message("Kostenposition ohne Betrag."), field="cost_lines")
        self.amount.require_not_negative("cost_lines", f"Kostenposition »{self.label}«")


@dataclass(frozen=True, slots=True)
class FinancingPlan:
    """A balanced cost and financing plan; construction refuses one that does not balance."""

    cost_lines: tuple[BudgetLine, ...]
    own_funds: Money
    third_party_funds: Money
    income: Money
    grant: Money
    in_kind: Money = field(default_factory=Money.zero)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost_lines", tuple(self.cost_lines))
        if not self.cost_lines:
            raise InvalidInputError(message("Der Kostenplan braucht mindestens eine Position."), field="cost_lines")
        codes = [line.code for line in self.cost_lines]
        if len(set(codes)) != len(codes):
            raise InvalidInputError(
                message("Jedes Kürzel einer Kostenposition darf nur einmal vorkommen."), field="cost_lines"
            )
        for name, what in (
            ("own_funds", "Eigenmittel"),
            ("third_party_funds", "Drittmittel"),
            ("income", "Einnahmen"),
            ("in_kind", "Unbare Eigenleistung"),
        ):
            getattr(self, name).require_not_negative(name, what)
        self.grant.require_positive("grant", N_("Die beantragte Zuwendung"))
        if self.total_costs != self.total_funding:
            gap = self.total_costs - self.total_funding
            raise PlanNotBalancedError(
                message(
                    "Der Finanzierungsplan ist nicht ausgeglichen: Kosten {total_costs}, Finanzierung "
                    "{total_funding} (Differenz {gap}).",
                    total_costs=self.total_costs,
                    total_funding=self.total_funding,
                    gap=gap,
                ),
                field="grant",
            )

    @property
    def total_costs(self) -> Money:
        return Money.sum(line.amount for line in self.cost_lines)

    @property
    def total_funding(self) -> Money:
        return self.own_funds + self.third_party_funds + self.income + self.grant

    @property
    def other_sources(self) -> Money:
        """Everything but the grant: own funds, third-party funds and income (Deckungsmittel)."""
        return self.own_funds + self.third_party_funds + self.income

    @property
    def own_share(self) -> Decimal:
        """The applicant's own cash as a fraction of the total costs."""
        costs = self.total_costs.amount
        return self.own_funds.amount / costs if costs else Decimal(0)

    def line(self, code: str) -> BudgetLine:
        for line in self.cost_lines:
            if line.code == code:
                return line
        raise InvalidInputError(message("Unbekannte Kostenposition »{code}«.", code=code), field="budget_line")
