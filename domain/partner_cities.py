"""Dortmund's partner cities and project partnerships: reference data from the city's own pages.

Town twinnings (Städtepartnerschaften) date from Amiens in 1960 to Kumasi (2024, the first on the
African continent) and Schytomyr (agreed by the council in February 2023, realised in 2025). Zwickau
is a friendship within Germany. Project partnerships serve municipal development cooperation and
the SDGs. Contact with Rostov-on-Don has been paused since 2022: no new application may name it.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InvalidInputError, RuleViolationError
from domain.messages import message


@dataclass(frozen=True, slots=True)
class PartnerCity:
    name: str
    country: str
    kind: str  # "twinning", "friendship" or "project"
    since: int | None
    active: bool = True
    note: str = ""

    @property
    def kind_german(self) -> str:
        return {
            "twinning": "Städtepartnerschaft",
            "friendship": "Städtefreundschaft",
            "project": "Projektpartnerschaft",
        }[self.kind]


PARTNER_CITIES: tuple[PartnerCity, ...] = (
    PartnerCity("Amiens", "Frankreich", "twinning", 1960),
    PartnerCity("Leeds", "Großbritannien", "twinning", 1969),
    PartnerCity("Rostow am Don", "Russland", "twinning", 1977, active=False, note="Kontakte ruhen seit 2022"),
    PartnerCity("Buffalo", "USA", "twinning", 1978),
    PartnerCity("Netanya", "Israel", "twinning", 1981),
    PartnerCity("Novi Sad", "Serbien", "twinning", 1982),
    PartnerCity("Zwickau", "Deutschland", "friendship", 1988),
    PartnerCity("Xi'an", "China", "twinning", 1992),
    PartnerCity("Trabzon", "Türkei", "twinning", 2014),
    PartnerCity("Kumasi", "Ghana", "twinning", 2024),
    PartnerCity("Schytomyr", "Ukraine", "twinning", 2025),
    PartnerCity("Cluj-Napoca", "Rumänien", "project", None),
    PartnerCity("Dura", "Palästina", "project", None),
    PartnerCity("Dabola", "Guinea", "project", None),
    PartnerCity("Bondo", "Kenia", "project", None),
    PartnerCity("Pittsburgh", "USA", "project", None),
)

_BY_NAME = {city.name.casefold(): city for city in PARTNER_CITIES}


def partner_city(name: str) -> PartnerCity:
    """Looks a partner city up by name; refuses unknown ones and paused partnerships."""
    city = _BY_NAME.get((name or "").strip().replace("´", "'").casefold())
    if city is None:
        raise InvalidInputError(
            message("»{name}« ist keine Partnerstadt Dortmunds (z. B. Amiens, Kumasi, Schytomyr).", name=name),
            field="partner_city",
        )
    if not city.active:
        raise RuleViolationError(
            message("Die Partnerschaft mit {name} ist ausgesetzt ({note}).", name=city.name, note=city.note),
            field="partner_city",
        )
    return city
