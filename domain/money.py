"""Money: euro amounts as exact decimals.

Every amount in Förderbuch is a ``Money``: a ``Decimal`` number of euros with at most two decimal
places. Floats are refused outright, because binary fractions cannot represent cents. Where a rule
produces fractions of a cent (a 70 % share, a currency conversion, interest per day), the result is
rounded by the one rounding rule of the system, ``Money.rounded``: half up to whole cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from domain.errors import InvalidInputError
from domain.messages import N_, marked, message

CENT = Decimal("0.01")
MAX_EUROS = Decimal("1000000000000")  # sanity bound: a trillion euros is a typing error, not a grant


def _to_decimal(value: Any, field: str | None) -> Decimal:
    if isinstance(value, (bool, float)):
        raise InvalidInputError(
            message("Betrag {value}: Gleitkommazahlen sind für Geld nicht zulässig.", value=repr(value)), field=field
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidInputError(message("»{value}« ist kein Betrag.", value=value), field=field) from None
    else:
        raise InvalidInputError(message("{value} ist kein Betrag.", value=repr(value)), field=field)
    if not number.is_finite():
        raise InvalidInputError(message("»{value}« ist kein endlicher Betrag.", value=value), field=field)
    return number


@dataclass(frozen=True, slots=True)
class Money:
    """A euro amount with at most two decimal places; arithmetic stays exact."""

    amount: Decimal

    def __init__(self, amount: Any = 0, *, field: str | None = None) -> None:
        number = _to_decimal(amount, field)
        if number != number.quantize(CENT, rounding=ROUND_HALF_UP):
            raise InvalidInputError(
                message("Betrag {number}: höchstens zwei Nachkommastellen (Cent) sind zulässig.", number=number),
                field=field,
            )
        if abs(number) >= MAX_EUROS:
            raise InvalidInputError(message("Betrag {number} ist unplausibel groß.", number=number), field=field)
        object.__setattr__(self, "amount", number.quantize(CENT))

    @classmethod
    def rounded(cls, value: Any) -> Money:
        """The system's one rounding rule: commercial rounding (half up) to whole cents."""
        return cls(_to_decimal(value, None).quantize(CENT, rounding=ROUND_HALF_UP))

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def sum(cls, amounts: Any) -> Money:
        total = Decimal(0)
        for m in amounts:
            total += m.amount
        return cls(total)

    def require_positive(self, field: str | None = None, what: str = N_("Betrag")) -> Money:
        if self.amount <= 0:
            raise InvalidInputError(message("{what} muss größer als 0,00 € sein.", what=marked(what)), field=field)
        return self

    def require_not_negative(self, field: str | None = None, what: str = N_("Betrag")) -> Money:
        if self.amount < 0:
            raise InvalidInputError(message("{what} darf nicht negativ sein.", what=marked(what)), field=field)
        return self

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount - other.amount)

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def __mul__(self, factor: Decimal | int) -> Money:
        """Multiplying by a rate may leave fractions of a cent: those are rounded half up."""
        if isinstance(factor, (bool, float)) or not isinstance(factor, (Decimal, int)):
            return NotImplemented
        return Money.rounded(self.amount * factor)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def __str__(self) -> str:
        return f"{self.amount} EUR"

    def de(self) -> str:
        """German notation for messages: 1.234,56 €. Pages and exports format with babel instead."""
        sign = "-" if self.amount < 0 else ""
        whole, _, cents = f"{abs(self.amount):.2f}".partition(".")
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        return f"{sign}{'.'.join(groups)},{cents} €"
