"""The terms of a grant notice (Zuwendungsbescheid).

An approval fixes the amount, the financing type with its rate and maximum (Höchstbetrag), the
funding period, the approved cost and financing plan, conditions (Nebenbestimmungen) and the split of
the amount over fiscal years, which is what the programme commits per year. The rule set in force is
copied into the terms, so the grant is judged by the rules of its own notice even after the
programme's rules are revised. An amendment (Änderungsbescheid) replaces the terms as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.dates import FiscalYear, FundingPeriod, add_duration
from domain.errors import InvalidInputError, RuleViolationError
from domain.messages import N_, marked, message
from domain.money import Money
from domain.plan import FinancingPlan, FinancingType
from domain.rules import RuleSet
from domain.text import german_percent
from domain.working_days import next_working_day


def rule_proof_due(period: FundingPeriod, rule_set: RuleSet) -> date:
    """The proof-of-use deadline by the rules: the rule set's time after the funding period ends (six
    months), the next working day if that is a Saturday, Sunday or NRW public holiday."""
    return next_working_day(add_duration(period.end, rule_set.proof_deadline))


@dataclass(frozen=True, slots=True)
class GrantTerms:
    """What a notice grants; ``check`` tests it against the plan's arithmetic and the rule set."""

    amount: Money
    financing_type: str
    rate: Decimal | None
    maximum: Money | None
    period: FundingPeriod
    plan: FinancingPlan
    rule_set: RuleSet
    year_split: dict[str, Money]  # "2026" -> amount committed in that fiscal year
    conditions: str = ""
    proof_due: date | None = None  # the proof-of-use deadline written in the notice; None: by the rule set
    # A fixed amount per unit (Festbetrag je Einheit, e.g. 450 € per trainee): amount = unit_rate × units
    unit_rate: Money | None = None
    units: int | None = None
    unit_label: str = ""  # what a unit is, e.g. "Teilnehmende"
    # Zweckbindungsfrist: how many years items bought with the grant stay bound to its purpose
    earmark_years: int = 5

    def __post_init__(self) -> None:
        object.__setattr__(self, "financing_type", FinancingType.parse(self.financing_type).value)
        if self.rate is not None and (isinstance(self.rate, (float, bool)) or not isinstance(self.rate, Decimal)):
            raise InvalidInputError(message("Der Fördersatz muss ein Dezimalwert sein."), field="rate")
        self.amount.require_positive("amount", N_("Der bewilligte Betrag"))
        if isinstance(self.earmark_years, bool) or not isinstance(self.earmark_years, int):
            raise InvalidInputError(message("Die Zweckbindungsfrist ist eine Zahl von Jahren."), field="earmark_years")
        if not 0 <= self.earmark_years <= 50:
            raise InvalidInputError(
                message("Die Zweckbindungsfrist liegt zwischen 0 und 50 Jahren."), field="earmark_years"
            )
        if self.unit_rate is not None or self.units is not None:
            self._check_units()

    def _check_units(self) -> None:
        """A fixed amount per unit: a positive rate, a whole number of units, and the amount their product."""
        if self.unit_rate is None or self.units is None:
            raise InvalidInputError(
                message("Ein Festbetrag je Einheit braucht den Betrag je Einheit und die Zahl der Einheiten."),
                field="unit_rate" if self.unit_rate is None else "units",
            )
        if isinstance(self.units, bool) or not isinstance(self.units, int) or self.units < 1:
            raise InvalidInputError(message("Die Zahl der Einheiten muss eine ganze Zahl ab 1 sein."), field="units")
        self.unit_rate.require_positive("unit_rate", N_("Der Betrag je Einheit"))
        if self.unit_rate * self.units != self.amount:
            raise InvalidInputError(
                message(
                    "{units} × {unit_rate} sind {product}, nicht {amount}.",
                    units=self.units,
                    unit_rate=self.unit_rate,
                    product=self.unit_rate * self.units,
                    amount=self.amount,
                ),
                field="amount",
            )
        object.__setattr__(self, "unit_label", (self.unit_label or "").strip()[:60] or "Einheiten")

    @property
    def per_unit(self) -> bool:
        """A fixed amount per unit: the final amount follows the units delivered (rule 7)."""
        return self.unit_rate is not None and self.units is not None

    def units_german(self, delivered: int | None = None) -> str:
        """E.g. »9 von 12 Teilnehmende × 450,00 €« (or »12 Teilnehmende × 450,00 €«)."""
        assert self.unit_rate is not None
        count = f"{delivered} von {self.units}" if delivered is not None else f"{self.units}"
        return f"{count} {self.unit_label} × {self.unit_rate.de()}"

    @classmethod
    def even_split(cls, amount: Money, period: FundingPeriod) -> dict[str, Money]:
        """All of the amount in the fiscal year the period starts in (the usual one-year grant)."""
        return {str(period.start.year): amount}

    @property
    def type(self) -> FinancingType:
        return FinancingType(self.financing_type)

    @property
    def final_proof_due(self) -> date:
        """When the proof of use is due: the date the notice sets, else the rule set's time after the period;
        a Saturday, Sunday or NRW public holiday moves it to the next working day (§ 31 (3) VwVfG NRW)."""
        return self.final_proof_due_for(None)

    def final_proof_due_for(self, purpose_fulfilled_on: date | None) -> date:
        """The proof of use is due the rule set's time (six months) after the purpose was fulfilled, at the
        latest on the notice's date (by default the same time after the funding period ends); the next
        working day if that is a Saturday, Sunday or NRW public holiday."""
        due = self.proof_due or rule_proof_due(self.period, self.rule_set)
        if purpose_fulfilled_on is not None:
            due = min(due, add_duration(purpose_fulfilled_on, self.rule_set.proof_deadline))
        return next_working_day(due)

    def interim_proof_due(self, year: int) -> date:
        """The interim proof for a fiscal year ending inside the period: the rule set's time after 31 December
        (the next working day if that is not one)."""
        return next_working_day(add_duration(date(year, 12, 31), self.rule_set.interim_proof_deadline))

    def split(self) -> dict[FiscalYear, Money]:
        return {FiscalYear(int(year)): amount for year, amount in self.year_split.items()}

    def check(self) -> None:
        """Refuses terms that break the financing rules; every message names the figures."""
        rules, plan, kind = self.rule_set, self.plan, self.type
        if not rules.allows(kind):
            raise RuleViolationError(
                message("{kind} ist in diesem Programm nicht zulässig.", kind=marked(kind.german)),
                field="financing_type",
            )
        if self.amount < rules.min_grant:
            raise RuleViolationError(
                message(
                    "Der Betrag {amount} liegt unter dem Mindestbetrag {min_grant}.",
                    amount=self.amount,
                    min_grant=rules.min_grant,
                ),
                field="amount",
            )
        if rules.max_grant is not None and self.amount > rules.max_grant:
            raise RuleViolationError(
                message(
                    "Der Betrag {amount} übersteigt den Höchstbetrag des Programms {max_grant}.",
                    amount=self.amount,
                    max_grant=rules.max_grant,
                ),
                field="amount",
            )
        if kind in (FinancingType.SHARE, FinancingType.DEFICIT):
            if self.maximum is None:
                raise RuleViolationError(
                    message("Bei {kind} ist ein Höchstbetrag festzusetzen.", kind=marked(kind.german)), field="maximum"
                )
            if self.amount > self.maximum:
                raise RuleViolationError(message("Der Betrag übersteigt den Höchstbetrag."), field="amount")
        if kind is FinancingType.SHARE:
            if self.rate is None or not Decimal(0) < self.rate <= Decimal(1):
                raise RuleViolationError(
                    message("Bei Anteilfinanzierung ist ein Fördersatz über 0 % und bis 100 % festzusetzen."),
                    field="rate",
                )
            cap = plan.total_costs * self.rate
            if self.amount > cap:
                raise RuleViolationError(
                    message(
                        "{rate} der Kosten sind {cap}; bewilligt werden sollen {amount}.",
                        rate=german_percent(self.rate),
                        cap=cap,
                        amount=self.amount,
                    ),
                    field="amount",
                )
        elif self.rate is not None:
            raise RuleViolationError(message("Ein Fördersatz gibt es nur bei Anteilfinanzierung."), field="rate")
        if kind is FinancingType.DEFICIT:
            gap = plan.total_costs - plan.other_sources
            if self.amount > gap:
                raise RuleViolationError(
                    message(
                        "Der Fehlbedarf laut Plan ist {gap}; bewilligt werden sollen {amount}.",
                        gap=gap,
                        amount=self.amount,
                    ),
                    field="amount",
                )
        if self.per_unit and kind is not FinancingType.FIXED:
            raise RuleViolationError(
                message("Ein Betrag je Einheit gibt es nur bei Festbetragsfinanzierung."), field="unit_rate"
            )
        if kind in (FinancingType.FIXED, FinancingType.FULL) and self.amount > plan.total_costs:
            raise RuleViolationError(message("Die Zuwendung darf die Kosten nicht übersteigen."), field="amount")
        if kind is not FinancingType.FULL and plan.own_share < rules.min_own_share:
            raise RuleViolationError(
                message(
                    "Der Eigenanteil beträgt {own_share}; verlangt sind mindestens {min_own_share}.",
                    own_share=german_percent(plan.own_share),
                    min_own_share=german_percent(rules.min_own_share, 0),
                ),
                field="own_funds",
            )
        if self.proof_due is not None and self.proof_due < self.period.end:
            raise RuleViolationError(
                message(
                    "Der Verwendungsnachweis kann nicht vor dem Ende des Bewilligungszeitraums ({end}) fällig sein.",
                    end=self.period.end,
                ),
                field="proof_due",
            )
        years = {y.year for y in self.period.fiscal_years}
        for year, amount in self.year_split.items():
            if int(year) not in years:
                raise RuleViolationError(
                    message("Das Haushaltsjahr {year} liegt außerhalb des Förderzeitraums.", year=year),
                    field="year_split",
                )
            amount.require_not_negative("year_split", f"Anteil {year}")
        if Money.sum(self.year_split.values()) != self.amount:
            raise RuleViolationError(
                message("Die Aufteilung auf Haushaltsjahre ergibt nicht den bewilligten Betrag."), field="year_split"
            )
