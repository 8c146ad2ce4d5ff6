"""City-run projects such as *Faire Stadtschokolade* (with Kumasi) and *She for Democracy*.

The office runs projects itself, with a partner city, the SDGs they serve, and a budget drawn from
one or more programmes, which commits funds there just as a grant approval does. The city's own
spending (direct expenditures) is recorded receipt by receipt, in any currency, against a budget
line; a wrong entry is never edited but reversed with a reason, and the reversal stays visible.
Grants to associations may name the project they serve.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.dates import FiscalYear, FundingPeriod
from domain.errors import InvalidInputError, InvalidStateError, NotFoundError, RuleViolationError
from domain.foreign import ForeignAmount
from domain.messages import N_, message
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan, FinancingType
from domain.rules import RuleSet
from domain.settlement import RecognisedActuals, determine_final_amount
from domain.terms import GrantTerms
from domain.text import optional_text, require_reason, require_text


def check_sdgs(sdgs: list[int]) -> list[int]:
    clean = sorted(set(sdgs))
    if not clean or any(isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 17 for n in clean):
        raise InvalidInputError(
            message("Bitte ein bis siebzehn Nachhaltigkeitsziele (SDG 1–17) angeben."), field="sdgs"
        )
    return clean


class Project(Aggregate):
    """A project the city runs itself, with its budget draws and direct expenditures."""

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/foerderbuch/projects/{code}")

    class Started(Aggregate.Created):
        code: str
        title: str
        description: str
        partner_city: str
        sdgs: list[int]
        period: FundingPeriod
        budget_lines: list[str]
        actor_id: UUID
        actor_role: str

    @event(Started)
    def __init__(
        self,
        code: str,
        title: str,
        description: str,
        partner_city: str,
        sdgs: list[int],
        period: FundingPeriod,
        budget_lines: list[str],
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.code = code
        self.title = title
        self.description = description
        self.partner_city = partner_city
        self.sdgs = list(sdgs)
        self.period = period
        self.budget_lines = list(budget_lines)
        self.draws: dict[str, dict[str, Money]] = {}  # programme id hex -> {"2026": Money}
        self.expenditures: dict[str, dict[str, Any]] = {}
        self.external: GrantTerms | None = None  # co-funding the city receives for this project
        self.external_funder = ""
        self.external_received = Money.zero()
        self.external_final: Money | None = None
        self.closed = False

    @classmethod
    def start(
        cls,
        code: str,
        title: str,
        description: str,
        partner_city: str,
        sdgs: list[int],
        period: FundingPeriod,
        budget_lines: list[str],
        actor: Actor,
    ) -> Project:
        actor.require(Role.OFFICER, Role.ADMIN, doing=N_("Projekt anlegen"))
        code = (code or "").strip().upper()
        if not code or len(code) > 32 or not code.replace("-", "").isalnum():
            raise InvalidInputError(
                message("Projektkürzel: bis 32 Buchstaben, Ziffern und Bindestriche."), field="code"
            )
        lines = [require_text(line, "budget_lines", N_("Eine Haushaltsposition"), 80) for line in budget_lines]
        if not lines or len(set(lines)) != len(lines):
            raise InvalidInputError(message("Bitte eindeutige Haushaltspositionen angeben."), field="budget_lines")
        return cls(
            code=code,
            title=require_text(title, "title", N_("Der Titel")),
            description=optional_text(description, "description", N_("Die Beschreibung"), 4000),
            partner_city=partner_city,
            sdgs=check_sdgs(sdgs),
            period=period,
            budget_lines=lines,
            **actor.stamp,
        )

    @property
    def budget(self) -> Money:
        return Money.sum(amount for years in self.draws.values() for amount in years.values())

    def budget_in(self, year: FiscalYear) -> Money:
        return Money.sum(years.get(str(year.year), Money.zero()) for years in self.draws.values())

    @property
    def spent(self) -> Money:
        return Money.sum(e["euro"] for e in self.expenditures.values() if not e["reversed"])

    def spent_in(self, year: FiscalYear) -> Money:
        return Money.sum(
            e["euro"] for e in self.expenditures.values() if not e["reversed"] and e["paid_on"].year == year.year
        )

    def draw_budget(
        self, programme_id: UUID, year: FiscalYear, amount: Money, reason: str, actor: Actor, on: date | None = None
    ) -> None:
        """Records a budget draw; the application commits the same amount in the programme atomically."""
        actor.require(Role.APPROVER, Role.ADMIN, doing=N_("Projektmittel binden"))
        self._require_open()
        amount.require_positive("amount", N_("Der Betrag"))
        if year not in self.period.fiscal_years:
            raise RuleViolationError(
                message("Das Haushaltsjahr {year} liegt außerhalb der Projektlaufzeit.", year=year), field="fiscal_year"
            )
        self._budget_drawn(
            programme_id=programme_id,
            fiscal_year=year.year,
            amount=amount,
            reason=require_reason(reason),
            on=on,
            **actor.stamp,
        )

    class BudgetDrawn(Aggregate.Event):
        programme_id: UUID
        fiscal_year: int
        amount: Money
        reason: str
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(BudgetDrawn)
    def _budget_drawn(
        self,
        programme_id: UUID,
        fiscal_year: int,
        amount: Money,
        reason: str,
        actor_id: UUID,
        actor_role: str,
        on: date | None = None,
    ) -> None:
        years = self.draws.setdefault(programme_id.hex, {})
        years[str(fiscal_year)] = years.get(str(fiscal_year), Money.zero()) + amount

    def record_expenditure(
        self,
        paid_on: date,
        payee: str,
        purpose: str,
        budget_line: str,
        amount: Money | ForeignAmount,
        receipt_reference: str,
        actor: Actor,
    ) -> UUID:
        actor.require(Role.OFFICER, Role.FINANCE, doing=N_("Ausgabe erfassen"))
        self._require_open()
        if budget_line not in self.budget_lines:
            raise InvalidInputError(
                message("Unbekannte Haushaltsposition »{budget_line}«.", budget_line=budget_line), field="budget_line"
            )
        if not self.period.contains(paid_on):
            raise RuleViolationError(
                message("Ausgaben am {paid_on} liegen außerhalb der Projektlaufzeit.", paid_on=paid_on), field="paid_on"
            )
        euro = amount.euro if isinstance(amount, ForeignAmount) else amount
        euro.require_positive("amount", N_("Der Betrag"))
        year = FiscalYear.of(paid_on)
        if self.spent_in(year) + euro > self.budget_in(year):
            raise RuleViolationError(
                message(
                    "Die Ausgabe von {euro} übersteigt die für {year} gebundenen Projektmittel ({budget}, davon "
                    "ausgegeben {spent}).",
                    euro=euro,
                    year=year,
                    budget=self.budget_in(year),
                    spent=self.spent_in(year),
                ),
                field="amount",
            )
        expenditure_id = uuid4()
        self._expenditure_recorded(
            expenditure_id=expenditure_id,
            paid_on=paid_on,
            payee=require_text(payee, "payee", N_("Der Zahlungsempfänger")),
            purpose=require_text(purpose, "purpose", N_("Der Zweck"), 500),
            budget_line=budget_line,
            euro=euro,
            foreign=amount if isinstance(amount, ForeignAmount) else None,
            receipt_reference=require_text(receipt_reference, "receipt_reference", N_("Die Belegnummer"), 60),
            **actor.stamp,
        )
        return expenditure_id

    class ExpenditureRecorded(Aggregate.Event):
        expenditure_id: UUID
        paid_on: date
        payee: str
        purpose: str
        budget_line: str
        euro: Money
        foreign: ForeignAmount | None
        receipt_reference: str
        actor_id: UUID
        actor_role: str

    @event(ExpenditureRecorded)
    def _expenditure_recorded(
        self,
        expenditure_id: UUID,
        paid_on: date,
        payee: str,
        purpose: str,
        budget_line: str,
        euro: Money,
        foreign: ForeignAmount | None,
        receipt_reference: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.expenditures[expenditure_id.hex] = {
            "paid_on": paid_on,
            "euro": euro,
            "budget_line": budget_line,
            "reversed": False,
        }

    def reverse_expenditure(self, expenditure_id: UUID, reason: str, actor: Actor, on: date | None = None) -> None:
        """Storno: the entry stays in the log, marked reversed, with the reason."""
        actor.require(Role.OFFICER, Role.FINANCE, doing=N_("Ausgabe stornieren"))
        entry = self.expenditures.get(expenditure_id.hex)
        if entry is None:
            raise NotFoundError(message("Diese Ausgabe gibt es im Projekt nicht."), field="expenditure_id")
        if entry["reversed"]:
            raise InvalidStateError(message("Diese Ausgabe ist bereits storniert."))
        self._expenditure_reversed(
            expenditure_id=expenditure_id, euro=entry["euro"], reason=require_reason(reason), on=on, **actor.stamp
        )

    class ExpenditureReversed(Aggregate.Event):
        expenditure_id: UUID
        euro: Money
        reason: str
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(ExpenditureReversed)
    def _expenditure_reversed(
        self, expenditure_id: UUID, euro: Money, reason: str, actor_id: UUID, actor_role: str, on: date | None = None
    ) -> None:
        self.expenditures[expenditure_id.hex]["reversed"] = True

    # External co-funding (the city as recipient) -----------------------------------------------

    def award_external_funding(
        self,
        funder: str,
        financing_type: FinancingType,
        amount: Money,
        rate: Decimal | None,
        planned_costs: Money,
        city_share: Money,
        other_funds: Money,
        rule_set: RuleSet,
        actor: Actor,
    ) -> None:
        """Records a federal or EU grant to the city for this project (e.g. SKEW Kleinprojektefonds).

        The same money rules apply as to the city's own grants: the project's recognised costs
        decide, by the funder's financing type, how much of the co-funding the city may keep.
        """
        actor.require(Role.APPROVER, Role.ADMIN, doing=N_("Drittmittelbescheid erfassen"))
        self._require_open()
        if self.external is not None:
            raise InvalidStateError(message("Für dieses Projekt ist bereits eine Kofinanzierung erfasst."))
        plan = FinancingPlan(
            (BudgetLine("project", self.title[:200], planned_costs),),
            own_funds=city_share,
            third_party_funds=other_funds,
            income=Money.zero(),
            grant=amount,
        )
        terms = GrantTerms(
            amount=amount,
            financing_type=FinancingType.parse(financing_type).value,
            rate=rate,
            maximum=amount if financing_type in (FinancingType.SHARE, FinancingType.DEFICIT) else None,
            period=self.period,
            plan=plan,
            rule_set=rule_set,
            year_split=GrantTerms.even_split(amount, self.period),
        )
        terms.check()
        self._external_funding_awarded(
            funder=require_text(funder, "funder", N_("Der Zuwendungsgeber")), terms=terms, **actor.stamp
        )

    class ExternalFundingAwarded(Aggregate.Event):
        funder: str
        terms: GrantTerms
        actor_id: UUID
        actor_role: str

    @event(ExternalFundingAwarded)
    def _external_funding_awarded(self, funder: str, terms: GrantTerms, actor_id: UUID, actor_role: str) -> None:
        self.external = terms
        self.external_funder = funder

    def receive_external_funds(self, amount: Money, value_date: date, actor: Actor) -> None:
        actor.require(Role.CASHIER, Role.FINANCE, doing=N_("Drittmitteleingang buchen"))
        if self.external is None:
            raise InvalidStateError(message("Für dieses Projekt ist keine Kofinanzierung erfasst."))
        amount.require_positive("amount", N_("Der Eingang"))
        if self.external_received + amount > self.external.amount:
            raise RuleViolationError(
                message(
                    "Bewilligt sind {approved}, eingegangen wären {received}.",
                    approved=self.external.amount,
                    received=self.external_received + amount,
                ),
                field="amount",
            )
        self._external_funds_received(amount=amount, value_date=value_date, **actor.stamp)

    class ExternalFundsReceived(Aggregate.Event):
        amount: Money
        value_date: date
        actor_id: UUID
        actor_role: str

    @event(ExternalFundsReceived)
    def _external_funds_received(self, amount: Money, value_date: date, actor_id: UUID, actor_role: str) -> None:
        self.external_received = self.external_received + amount

    def determine_external_share(self, on: date, actor: Actor) -> Money:
        """From the recognised project costs: what the city keeps, and what goes back to the funder."""
        actor.require(Role.APPROVER, Role.FINANCE, doing=N_("Drittmittelanteil festsetzen"))
        if self.external is None:
            raise InvalidStateError(message("Für dieses Projekt ist keine Kofinanzierung erfasst."))
        if self.external_final is not None:
            raise InvalidStateError(message("Der Anteil ist bereits festgesetzt."))
        plan = self.external.plan
        actuals = RecognisedActuals(
            costs={"project": self.spent},
            own_funds=plan.own_funds,
            third_party_funds=plan.third_party_funds,
            income=Money.zero(),
        )
        result = determine_final_amount(self.external, actuals)
        repayable = self.external_received - result.final_amount
        self._external_share_determined(
            final_amount=result.final_amount,
            eligible_costs=result.eligible_costs,
            explanation=result.explanation,
            received=self.external_received,
            repayable=repayable if repayable.amount > 0 else Money.zero(),
            on=on,
            **actor.stamp,
        )
        return result.final_amount

    class ExternalShareDetermined(Aggregate.Event):
        final_amount: Money
        eligible_costs: Money
        explanation: str
        received: Money
        repayable: Money
        on: date
        actor_id: UUID
        actor_role: str

    @event(ExternalShareDetermined)
    def _external_share_determined(
        self,
        final_amount: Money,
        eligible_costs: Money,
        explanation: str,
        received: Money,
        repayable: Money,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.external_final = final_amount

    def _require_open(self) -> None:
        if self.closed:
            raise InvalidStateError(message("Das Projekt {code} ist abgeschlossen.", code=self.code))
