"""Funding programmes (Förderprogramme): budget pots with their rules.

A programme has a budget per fiscal year, each with the posting coordinates finance books it to,
and a versioned rule set. It is the consistency boundary for "never commit more than the budget":
every commitment (Mittelbindung) of a grant or a city project is recorded here, per fiscal year, and
one that would exceed the year's budget is refused. The application saves the programme together
with the grant or project in one transaction, so two officers approving at once cannot both spend
the last euro.

The programme keeps only a running total per fiscal year, not each holder's commitment: its state
(and snapshot) stays the same size however many grants it funds, and an approval compares one sum
with the budget. Each holder's own commitment is what its terms say (the caller passes it in when a
commitment changes); every single one stays in the events (``FundsCommitted``, ``CommitmentAdjusted``).
Stores whose snapshots still hold the per-holder map load: the map becomes the totals on first use.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.dates import FiscalYear
from domain.errors import InvalidInputError, InvalidStateError, NotFoundError, OverBudgetError
from domain.messages import N_, message
from domain.money import Money
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from domain.text import require_reason, require_text

_PROGRAMME_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


class FundingSource(StrEnum):
    CITY = "city"
    FEDERAL = "federal"
    LAND = "land"
    EU = "eu"
    DONATIONS = "donations"

    @property
    def german(self) -> str:
        return {
            "city": N_("Städtischer Haushalt"),
            "federal": N_("Bund"),
            "land": N_("Land NRW"),
            "eu": N_("Europäische Union"),
            "donations": N_("Spenden"),
        }[self.value]

    @classmethod
    def parse(cls, value: Any) -> FundingSource:
        try:
            return cls(value)
        except ValueError:
            raise InvalidInputError(
                message("Unbekannte Mittelherkunft »{value}«.", value=value), field="funding_source"
            ) from None


def programme_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not _PROGRAMME_CODE.match(code):
        raise InvalidInputError(
            message("Programmkürzel »{code}«: 2–32 Zeichen aus Großbuchstaben, Ziffern und Bindestrich.", code=code),
            field="code",
        )
    return code


class Programme(Aggregate):
    """A budget pot with fiscal-year budgets, a rule set, and the total committed against each year."""

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/foerderbuch/programmes/{code}")

    class Opened(Aggregate.Created):
        code: str
        title: str
        funding_source: str
        rule_set: RuleSet
        budgets: list[dict[str, Any]]
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(Opened)
    def __init__(
        self,
        code: str,
        title: str,
        funding_source: str,
        rule_set: RuleSet,
        budgets: list[dict[str, Any]],
        actor_id: UUID,
        actor_role: str,
        on: date | None = None,
    ) -> None:
        self.code = code
        self.title = title
        self.funding_source = funding_source
        self.rule_set = rule_set
        self.rule_set_history = [rule_set]
        # "2026" -> {"amount": Money, "posting": PostingCoordinates}
        self.budgets: dict[str, dict[str, Any]] = {
            str(b["fiscal_year"]): {"amount": b["amount"], "posting": b["posting"]} for b in budgets
        }
        # "2026" -> the sum of every commitment in that fiscal year
        self.committed_totals: dict[str, Money] = {}
        self.closed = False

    @classmethod
    def open(
        cls,
        code: str,
        title: str,
        funding_source: FundingSource,
        rule_set: RuleSet,
        budgets: dict[FiscalYear, tuple[Money, PostingCoordinates]],
        actor: Actor,
        on: date | None = None,
    ) -> Programme:
        actor.require(Role.ADMIN, doing=N_("Förderprogramm anlegen"))
        if not isinstance(rule_set, RuleSet):
            raise InvalidInputError(message("Ein Förderprogramm braucht ein Regelwerk."), field="rule_set")
        rows = []
        for year, (amount, posting) in sorted(budgets.items()):
            amount.require_not_negative("budget", f"Budget {year}")
            if not isinstance(posting, PostingCoordinates):
                raise InvalidInputError(message("Budget {year}: Kontierung fehlt.", year=year), field="posting")
            rows.append({"fiscal_year": year.year, "amount": amount, "posting": posting})
        return cls(
            code=programme_code(code),
            title=require_text(title, "title", N_("Der Titel")),
            funding_source=FundingSource.parse(funding_source).value,
            rule_set=rule_set,
            budgets=rows,
            on=on,
            **actor.stamp,
        )

    # Budget ------------------------------------------------------------------------------------

    def budget(self, year: FiscalYear) -> Money:
        entry = self.budgets.get(str(year.year))
        return entry["amount"] if entry else Money.zero()

    def posting(self, year: FiscalYear) -> PostingCoordinates | None:
        entry = self.budgets.get(str(year.year))
        return entry["posting"] if entry else None

    def committed(self, year: FiscalYear) -> Money:
        return self._totals().get(str(year.year), Money.zero())

    def available(self, year: FiscalYear) -> Money:
        return self.budget(year) - self.committed(year)

    def _totals(self) -> dict[str, Money]:
        """The running totals; a programme loaded from an older snapshot (which kept every holder's
        commitment in ``commitments``) sums that map once and keeps only the totals."""
        totals: dict[str, Money] | None = self.__dict__.get("committed_totals")
        if totals is None:
            old: dict[str, dict[str, Money]] = self.__dict__.pop("commitments", None) or {}
            totals = {year: Money.sum(holders.values()) for year, holders in old.items()}
            self.committed_totals = totals
        return totals

    def _add_to_total(self, fiscal_year: int, delta: Money) -> None:
        totals = self._totals()
        totals[str(fiscal_year)] = totals.get(str(fiscal_year), Money.zero()) + delta

    def allocate_budget(
        self,
        year: FiscalYear,
        amount: Money,
        posting: PostingCoordinates,
        reason: str,
        actor: Actor,
        on: date | None = None,
    ) -> None:
        actor.require(Role.ADMIN, Role.FINANCE, doing=N_("Budget bereitstellen"))
        self._require_open()
        if str(year.year) in self.budgets:
            raise InvalidStateError(
                message("Für {year} gibt es bereits ein Budget; ändern Sie es stattdessen.", year=year),
                field="fiscal_year",
            )
        amount.require_not_negative("amount", N_("Budget"))
        self._budget_allocated(
            fiscal_year=year.year,
            amount=amount,
            posting=posting,
            reason=require_reason(reason),
            on=on,
            **actor.stamp,
        )

    class BudgetAllocated(Aggregate.Event):
        fiscal_year: int
        amount: Money
        posting: PostingCoordinates
        reason: str
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(BudgetAllocated)
    def _budget_allocated(
        self,
        fiscal_year: int,
        amount: Money,
        posting: PostingCoordinates,
        reason: str,
        actor_id: UUID,
        actor_role: str,
        on: date | None = None,
    ) -> None:
        self.budgets[str(fiscal_year)] = {"amount": amount, "posting": posting}

    def amend_budget(self, year: FiscalYear, amount: Money, reason: str, actor: Actor, on: date | None = None) -> None:
        actor.require(Role.ADMIN, Role.FINANCE, doing=N_("Budget ändern"))
        self._require_open()
        if str(year.year) not in self.budgets:
            raise NotFoundError(message("Für {year} ist kein Budget bereitgestellt.", year=year), field="fiscal_year")
        amount.require_not_negative("amount", N_("Budget"))
        if amount < self.committed(year):
            raise OverBudgetError(
                message(
                    "Das Budget {year} kann nicht unter die gebundenen Mittel ({committed}) sinken.",
                    year=year,
                    committed=self.committed(year),
                ),
                field="amount",
            )
        if amount == self.budget(year):
            raise InvalidInputError(message("Das Budget ist bereits so hoch."), field="amount")
        self._budget_amended(
            fiscal_year=year.year,
            amount=amount,
            previous=self.budget(year),
            reason=require_reason(reason),
            on=on,
            **actor.stamp,
        )

    class BudgetAmended(Aggregate.Event):
        fiscal_year: int
        amount: Money
        previous: Money
        reason: str
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(BudgetAmended)
    def _budget_amended(
        self,
        fiscal_year: int,
        amount: Money,
        previous: Money,
        reason: str,
        actor_id: UUID,
        actor_role: str,
        on: date | None = None,
    ) -> None:
        self.budgets[str(fiscal_year)]["amount"] = amount

    def revise_rule_set(self, rule_set: RuleSet, reason: str, actor: Actor) -> None:
        """A new version applies to grants approved from now on; approved grants keep theirs."""
        actor.require(Role.ADMIN, doing=N_("Regelwerk ändern"))
        self._require_open()
        if any(r.version == rule_set.version for r in self.rule_set_history):
            raise InvalidInputError(
                message(
                    "Die Regelwerksversion »{version}« gibt es schon; Versionen sind unveränderlich.",
                    version=rule_set.version,
                ),
                field="rule_set",
            )
        self._rule_set_revised(rule_set=rule_set, reason=require_reason(reason), **actor.stamp)

    class RuleSetRevised(Aggregate.Event):
        rule_set: RuleSet
        reason: str
        actor_id: UUID
        actor_role: str

    @event(RuleSetRevised)
    def _rule_set_revised(self, rule_set: RuleSet, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.rule_set = rule_set
        self.rule_set_history.append(rule_set)

    # Commitments -------------------------------------------------------------------------------

    def commit(self, holder_id: UUID, split: dict[FiscalYear, Money], actor: Actor) -> None:
        """Binds funds for a grant or project on top of what it holds; refuses the whole split if any
        year would overrun."""
        self._require_open()
        for amount in split.values():
            amount.require_not_negative("amount", N_("Mittelbindung"))
        self._check_cover(split)
        for year, amount in sorted(split.items()):
            if amount:
                self._funds_committed(holder_id=holder_id, fiscal_year=year.year, amount=amount, **actor.stamp)

    class FundsCommitted(Aggregate.Event):
        holder_id: UUID
        fiscal_year: int
        amount: Money
        actor_id: UUID
        actor_role: str

    @event(FundsCommitted)
    def _funds_committed(
        self, holder_id: UUID, fiscal_year: int, amount: Money, actor_id: UUID, actor_role: str
    ) -> None:
        self._add_to_total(fiscal_year, amount)

    def adjust_commitment(
        self,
        holder_id: UUID,
        split: dict[FiscalYear, Money],
        reason: str,
        actor: Actor,
        current: dict[FiscalYear, Money],
    ) -> None:
        """Sets a holder's commitment per year to new totals (an amendment); years left out go to zero.

        ``current`` is what the holder has committed now, per year (a grant's approved terms). Releasing
        funds (only decreases) is allowed after the programme closed; binding more is not.
        """
        target = {year: split.get(year, Money.zero()) for year in set(current) | set(split)}
        for amount in target.values():
            amount.require_not_negative("amount", N_("Mittelbindung"))
        previous = {year: current.get(year, Money.zero()) for year in target}
        if any(amount > previous[year] for year, amount in target.items()):
            self._require_open()
        self._check_cover({year: amount - previous[year] for year, amount in target.items()})
        for year, amount in sorted(target.items()):
            if amount != previous[year]:
                self._commitment_adjusted(
                    holder_id=holder_id,
                    fiscal_year=year.year,
                    amount=amount,
                    previous=previous[year],
                    reason=reason,
                    **actor.stamp,
                )

    class CommitmentAdjusted(Aggregate.Event):
        holder_id: UUID
        fiscal_year: int
        amount: Money
        previous: Money
        reason: str
        actor_id: UUID
        actor_role: str

    @event(CommitmentAdjusted)
    def _commitment_adjusted(
        self,
        holder_id: UUID,
        fiscal_year: int,
        amount: Money,
        previous: Money,
        reason: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self._add_to_total(fiscal_year, amount - previous)

    def _check_cover(self, increases: dict[FiscalYear, Money]) -> None:
        """Refuses if any year's increase (a decrease always fits) is more than that year has left."""
        for year, increase in sorted(increases.items()):
            if str(year.year) not in self.budgets:
                raise OverBudgetError(
                    message("Das Programm {code} hat für {year} kein Budget.", code=self.code, year=year),
                    field="fiscal_year",
                )
            if increase > self.available(year):
                raise OverBudgetError(
                    message(
                        "Das Budget {year} des Programms {code} reicht nicht: verfügbar {available}, benötigt "
                        "{increase}.",
                        year=year,
                        code=self.code,
                        available=self.available(year),
                        increase=increase,
                    ),
                    field="amount",
                )

    # Closing -----------------------------------------------------------------------------------

    def close(self, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing=N_("Förderprogramm schließen"))
        self._require_open()
        self._closed(reason=require_reason(reason), **actor.stamp)

    class Closed(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(Closed)
    def _closed(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.closed = True

    def _require_open(self) -> None:
        if self.closed:
            raise InvalidStateError(message("Das Förderprogramm {code} ist geschlossen.", code=self.code))
