"""Rule sets: the parameters of the Nebenbestimmungen a programme's grants are bound to.

The grant notice always wins over defaults, and the rules depend on where the money comes from, so
every programme carries a versioned ``RuleSet``; a grant keeps the version in force when it was
approved. The defaults follow municipal practice in NRW (ANBest-P NRW applied "sinngemäß"); the
federal variant (ANBest-P/Gk, e.g. SKEW money) draws down within six weeks and wants interim proofs
four months after the fiscal year end.

Interest on repayment claims follows the **legal basis** of the notice (``legal_basis``), not the rule
set: the city's notices, whatever money they pass on, fall under the VwVfG NRW (3 points over the base
rate); only a federal authority's notice (the federal rule set for money the city receives) falls under
the federal VwVfG (5 points). Rule sets recorded before the legal basis was kept carried a fixed
``interest_margin`` of 5 points; it is no longer read, and they count as the city's notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from domain.dates import check_duration
from domain.errors import InvalidInputError
from domain.interest import LEGAL_BASES, VWVFG_BUND, VWVFG_NRW, check_legal_basis
from domain.messages import N_, marked, message
from domain.money import Money
from domain.plan import FinancingType


def _decimal(value: Any, field_name: str, what: str) -> Decimal:
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int, str)):
        raise InvalidInputError(
            message("{what}: {value} ist kein Dezimalwert.", what=marked(what), value=repr(value)), field=field_name
        )
    try:
        number = Decimal(value)
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InvalidInputError(
            message("{what}: {value} ist kein Dezimalwert.", what=marked(what), value=repr(value)), field=field_name
        )
    return number


def _fraction(value: Any, field_name: str, what: str) -> Decimal:
    number = _decimal(value, field_name, what)
    if not Decimal(0) <= number <= Decimal(1):
        raise InvalidInputError(message("{what} muss zwischen 0 und 1 liegen.", what=marked(what)), field=field_name)
    return number


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A versioned set of funding rules; see the module docstring for where defaults come from."""

    version: str
    drawdown_horizon: str = "P2M"  # payment requests cover needs due within two months (ANBest NRW 1.4)
    line_tolerance: Decimal = Decimal("0.20")  # a budget line may exceed its plan by 20 % if offset
    proof_deadline: str = "P6M"  # final proof of use: six months after the funding period
    interim_proof_deadline: str = "P4M"  # interim proof: four months after a fiscal year end
    legal_basis: str = VWVFG_NRW  # the act whose § 49a (3) sets the interest margin (see domain.interest)
    min_grant: Money = field(default_factory=lambda: Money("250.00"))
    max_grant: Money | None = None
    min_own_share: Decimal = Decimal("0.10")
    allowed_financing_types: tuple[str, ...] = ("share", "deficit", "fixed")
    small_amount_threshold: Money = field(default_factory=lambda: Money("50.00"))
    # Payments only once the approval notice is final (Bestandskraft, or at once on a waiver of remedies)
    payments_after_final_notice: bool = False
    # A simple proof of use (einfacher Verwendungsnachweis): narrative and summary figures, no receipts
    simple_proof: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.version, str) or not self.version.strip() or len(self.version) > 64:
            raise InvalidInputError(message("Ein Regelwerk braucht eine Versionsbezeichnung."), field="rule_set")
        for name in ("drawdown_horizon", "proof_deadline", "interim_proof_deadline"):
            check_duration(getattr(self, name), name)
        object.__setattr__(self, "line_tolerance", _fraction(self.line_tolerance, "line_tolerance", N_("Toleranz")))
        object.__setattr__(self, "min_own_share", _fraction(self.min_own_share, "min_own_share", N_("Eigenanteil")))
        object.__setattr__(self, "legal_basis", check_legal_basis(self.legal_basis))
        types = tuple(FinancingType.parse(t).value for t in self.allowed_financing_types)
        if not types:
            raise InvalidInputError(
                message("Mindestens eine Finanzierungsart muss erlaubt sein."), field="allowed_financing_types"
            )
        object.__setattr__(self, "allowed_financing_types", types)
        self.min_grant.require_not_negative("min_grant", N_("Mindestbetrag"))
        if self.max_grant is not None and self.max_grant < self.min_grant:
            raise InvalidInputError(message("Der Höchstbetrag liegt unter dem Mindestbetrag."), field="max_grant")
        self.small_amount_threshold.require_not_negative("small_amount_threshold", N_("Bagatellgrenze"))
        if not isinstance(self.simple_proof, bool):
            raise InvalidInputError(message("Einfacher Verwendungsnachweis: ja oder nein."), field="simple_proof")
        if not isinstance(self.payments_after_final_notice, bool):
            raise InvalidInputError(
                message("Auszahlung erst nach Bestandskraft: ja oder nein."), field="payments_after_final_notice"
            )

    @classmethod
    def nrw_municipal(cls, version: str = "NRW-kommunal-2026", **changes: Any) -> RuleSet:
        """Municipal defaults: two-month drawdown, 20 % line tolerance, proof six months after; a simple
        proof of use (narrative and summary figures) is allowed."""
        return replace(cls(version=version, simple_proof=True), **changes)

    @classmethod
    def federal(cls, version: str = "ANBest-P-Bund-2026", **changes: Any) -> RuleSet:
        """Federal money (ANBest-P): six-week drawdown horizon, share financing up to 90 %."""
        return replace(cls(version=version, drawdown_horizon="P6W", allowed_financing_types=("share",)), **changes)

    @classmethod
    def federal_notice(cls, version: str = "Bund-Bescheid-2026", **changes: Any) -> RuleSet:
        """A federal authority's notice to the city (federal VwVfG: 5 points interest)."""
        return cls.federal(version, legal_basis=VWVFG_BUND, **changes)

    def allows(self, financing_type: FinancingType) -> bool:
        return financing_type.value in self.allowed_financing_types

    @property
    def interest_margin(self) -> Decimal:
        """The margin the legal basis charges today (for display; claims apply its schedule per day)."""
        return LEGAL_BASES[self.legal_basis][-1][1]
