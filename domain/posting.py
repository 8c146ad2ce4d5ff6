"""Posting coordinates: where a programme's money sits in the city's budget (NKF NRW).

Finance books every euro to a Produkt (e.g. 01.11.02 Internationale Beziehungen), a Sachkonto from
the NKF chart of accounts (531x: Zuschüsse für laufende Zwecke) and a Kostenstelle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidInputError
from domain.messages import N_, marked, message

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{0,23}$")


@dataclass(frozen=True, slots=True)
class PostingCoordinates:
    """Produkt, Sachkonto and Kostenstelle of a budget."""

    product: str
    account: str
    cost_centre: str

    def __post_init__(self) -> None:
        for name, german in (
            ("product", N_("Produkt")),
            ("account", N_("Sachkonto")),
            ("cost_centre", N_("Kostenstelle")),
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or not _CODE.match(value):
                raise InvalidInputError(
                    message(
                        "{german} »{value}« ist ungültig (Ziffern, Buchstaben, Punkt, Strich; max. 24).",
                        german=marked(german),
                        value=value,
                    ),
                    field=name,
                )

    def __str__(self) -> str:
        return f"{self.product} / {self.account} / {self.cost_centre}"
