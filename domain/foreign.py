"""Amounts in foreign currency.

Receipts from Kumasi, Novi Sad, Xi'an, Trabzon or Schytomyr are paid in cedi, dinar, yuan, lira or
hryvnia. Proof-of-use rules require the original amount, the exchange rate and the date of that rate
to stay visible next to the euro amount, so a ``ForeignAmount`` keeps all four. The rate is quoted as
the euro reference rates are: units of the foreign currency for one euro.

Each rate records where it comes from (``rate_source``): the bank statement, the receipt of the
exchange office, the ECB's reference rate, or — for money transferred to a partner abroad — the rate
weighted over those transfers (what arrived in the partner's currency divided by the euros sent).
Rates recorded before the source was kept have none (``""``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import InvalidInputError
from domain.messages import N_, message
from domain.money import Money, _to_decimal

_CURRENCY = re.compile(r"^[A-Z]{3}$")

BANK_STATEMENT, EXCHANGE_RECEIPT, ECB_REFERENCE, WEIGHTED_TRANSFERS = (
    "bank_statement",
    "exchange_receipt",
    "ecb_reference",
    "weighted_transfers",
)
RATE_SOURCES = {
    BANK_STATEMENT: N_("Kontoauszug"),
    EXCHANGE_RECEIPT: N_("Wechselbeleg"),
    ECB_REFERENCE: N_("EZB-Referenzkurs"),
    WEIGHTED_TRANSFERS: N_("Gewichteter Kurs der Überweisungen an den Partner"),
}


@dataclass(frozen=True, slots=True)
class ForeignAmount:
    """An amount paid in another currency, with its rate, the rate's date and the euro equivalent."""

    currency: str
    original: Decimal
    rate: Decimal
    rate_date: date
    euro: Money
    rate_source: str = ""  # one of RATE_SOURCES; "" for rates recorded before the source was kept

    @classmethod
    def convert(cls, currency: str, original: Any, rate: Any, rate_date: date, rate_source: str = "") -> ForeignAmount:
        """Converts at ``rate`` units per euro, rounding the euro amount half up to cents."""
        currency = (currency or "").strip().upper()
        if not _CURRENCY.match(currency):
            raise InvalidInputError(
                message("»{currency}« ist kein ISO-Währungscode (z. B. GHS).", currency=currency), field="currency"
            )
        if currency == "EUR":
            raise InvalidInputError(message("Euro-Beträge werden nicht umgerechnet."), field="currency")
        amount = _to_decimal(original, "original")
        if amount <= 0:
            raise InvalidInputError(message("Der Originalbetrag muss größer als 0 sein."), field="original")
        if -amount.as_tuple().exponent > 4:  # type: ignore[operator]
            raise InvalidInputError(message("Der Originalbetrag hat zu viele Nachkommastellen."), field="original")
        quote = _to_decimal(rate, "rate")
        if quote <= 0:
            raise InvalidInputError(message("Der Wechselkurs muss größer als 0 sein."), field="rate")
        if not isinstance(rate_date, date):
            raise InvalidInputError(message("Das Kursdatum fehlt."), field="rate_date")
        if rate_source and rate_source not in RATE_SOURCES:
            raise InvalidInputError(
                message(
                    "Unbekannte Kursquelle »{rate_source}« (möglich: {choices}).",
                    rate_source=rate_source,
                    choices=", ".join(RATE_SOURCES),
                ),
                field="rate_source",
            )
        return cls(currency, amount, quote, rate_date, Money.rounded(amount / quote), rate_source)

    @property
    def source_german(self) -> str:
        return RATE_SOURCES.get(self.rate_source, N_("Kursquelle nicht angegeben"))

    def rate_gap(self, paid_on: date) -> int:
        """Days between the rate's date and the payment's."""
        return abs((paid_on - self.rate_date).days)

    def rate_warning(self, paid_on: date, days: int) -> str | None:
        """A warning when the rate's date is more than ``days`` from the payment (the office's setting)."""
        gap = self.rate_gap(paid_on)
        if gap <= days:
            return None
        return message(
            "Kursdatum {rate_date} liegt {gap} Tage vom Zahltag {paid_on} entfernt (mehr als {days}); bitte den Kurs "
            "prüfen.",
            rate_date=self.rate_date,
            gap=gap,
            paid_on=paid_on,
            days=days,
        )


def weighted_rate(transfers: list[tuple[Money, Decimal]]) -> Decimal:
    """The rate of several transfers (euros sent, foreign amount received) weighted by their size: the
    foreign amount received in all divided by the euros sent in all, to six decimal places."""
    sent = sum((euro.amount for euro, _ in transfers), Decimal(0))
    received = sum((foreign for _, foreign in transfers), Decimal(0))
    return (received / sent).quantize(Decimal("0.000001"))
