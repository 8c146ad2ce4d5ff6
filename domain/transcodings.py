"""How the domain's value types are written into stored events and snapshots.

The library's JSON transcoder knows UUID, Decimal and datetime; everything else needs a registered
transcoding. Each name below is written into the stored JSON and must never change. Decoding does not
re-run validation: a stored fact stays readable even after a rule is tightened.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.dates import FundingPeriod
from domain.foreign import ForeignAmount
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from domain.terms import GrantTerms


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class MoneyAsStr(Transcoding):
    type = Money
    name = "money"

    def encode(self, obj: Money) -> str:
        return str(obj.amount)

    def decode(self, data: str) -> Money:
        money = object.__new__(Money)
        object.__setattr__(money, "amount", Decimal(data))
        return money


class DataclassAsDict(Transcoding):
    """A frozen dataclass written field by field; nested registered types are transcoded in turn."""

    def __init__(self, cls: type, name: str) -> None:
        self.type = cls
        self.name = name
        self._fields = dataclasses.fields(cls)
        self._tuples = {f.name for f in self._fields if str(f.type).startswith("tuple")}

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        obj: Any = object.__new__(self.type)
        for f in self._fields:
            if f.name in data:
                value = data[f.name]
            elif f.default is not dataclasses.MISSING:
                value = f.default
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            else:
                raise KeyError(f.name)
            if f.name in self._tuples and isinstance(value, list):
                value = tuple(value)
            object.__setattr__(obj, f.name, value)
        return obj


VALUE_TYPES = {
    "foreign_amount": ForeignAmount,
    "funding_period": FundingPeriod,
    "budget_line": BudgetLine,
    "financing_plan": FinancingPlan,
    "posting_coordinates": PostingCoordinates,
    "rule_set": RuleSet,
    "grant_terms": GrantTerms,
}


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    transcoder.register(MoneyAsStr())
    for name, cls in VALUE_TYPES.items():
        transcoder.register(DataclassAsDict(cls, name))
