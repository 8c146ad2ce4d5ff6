"""Amounts in foreign currency.

Receipts from Kumasi, Novi Sad, Xi'an, Trabzon or Schytomyr are paid in cedi, dinar, yuan, lira or
hryvnia. Proof-of-use rules require the original amount, the exchange rate and the date of that rate
to stay visible next to the euro amount, so a ``ForeignAmount`` keeps all four. The rate is quoted as
the euro reference rates are: units of the foreign currency for one euro.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import InvalidInputError
from domain.money import Money, _to_decimal

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class ForeignAmount:
    """An amount paid in another currency, with its rate, the rate's date and the euro equivalent."""

    currency: str
    original: Decimal
    rate: Decimal
    rate_date: date
    euro: Money

    @classmethod
    def convert(cls, currency: str, original: Any, rate: Any, rate_date: date) -> ForeignAmount:
        """Converts at ``rate`` units per euro, rounding the euro amount half up to cents."""
        currency = (currency or "").strip().upper()
        if not _CURRENCY.match(currency):
            raise InvalidInputError(f"»{currency}« ist kein ISO-Währungscode (z. B. GHS).", field="currency")
        if currency == "EUR":
            raise InvalidInputError("Euro-Beträge werden nicht umgerechnet.", field="currency")
        amount = _to_decimal(original, "original")
        if amount <= 0:
            raise InvalidInputError("Der Originalbetrag muss größer als 0 sein.", field="original")
        if -amount.as_tuple().exponent > 4:  # type: ignore[operator]
            raise InvalidInputError("Der Originalbetrag hat zu viele Nachkommastellen.", field="original")
        quote = _to_decimal(rate, "rate")
        if quote <= 0:
            raise InvalidInputError("Der Wechselkurs muss größer als 0 sein.", field="rate")
        if not isinstance(rate_date, date):
            raise InvalidInputError("Das Kursdatum fehlt.", field="rate_date")
        return cls(currency, amount, quote, rate_date, Money.rounded(amount / quote))
