"""The city's rules for claims it may leave, defer, write off or waive (KomHVO NRW and its Dienstanweisung).

Two things the city sets for itself rather than the notice:

* **Small amounts** (``small_claim_limit``): a claim below this limit may be left (§ 23 (2) KomHVO NRW,
  default 10 €). Nothing at or above it is dropped without a recorded decision, and principal is never
  written off automatically: only an overpayment found at the final amount, or a rest of interest left
  after the principal was repaid, is left when it is below the limit.
* **Value limits** (``relief_limits``, Wertgrenzen of the Dienstanweisung): up to which amount each role
  may decide a deferral (Stundung), a write-off (Niederschlagung) or a waiver (Erlass). A role without a
  limit decides none; above every limit the decision belongs to a body outside the tracker.

The composition root builds the policy from the settings (``FOERDERBUCH_SMALL_CLAIM_LIMIT``,
``FOERDERBUCH_RELIEF_LIMITS``); the domain only reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from domain.actors import Actor, Role
from domain.errors import InvalidInputError, NotPermittedError
from domain.messages import N_, marked, message
from domain.money import Money

DEFAULT_SMALL_CLAIM_LIMIT = Money("10.00")
DEFAULT_RELIEF_LIMITS: Mapping[str, Money] = MappingProxyType(
    {Role.FINANCE.value: Money("5000.00"), Role.APPROVER.value: Money("50000.00")}
)


@dataclass(frozen=True)
class ClaimPolicy:
    """Small-amount limit and value limits per role; see the module docstring."""

    small_claim_limit: Money = DEFAULT_SMALL_CLAIM_LIMIT
    relief_limits: Mapping[str, Money] = field(default_factory=lambda: DEFAULT_RELIEF_LIMITS)

    def __post_init__(self) -> None:
        self.small_claim_limit.require_not_negative("small_claim_limit", N_("Die Bagatellgrenze"))
        known = {role.value for role in Role}
        for role, limit in self.relief_limits.items():
            if role not in known:
                raise InvalidInputError(
                    message("Unbekannte Rolle »{role}« in den Wertgrenzen.", role=role), field="relief_limits"
                )
            limit.require_not_negative("relief_limits", N_("Eine Wertgrenze"))

    @classmethod
    def parse_limits(cls, text: str) -> dict[str, Money]:
        """``finance=5000,approver=50000`` -> {role: limit}; German decimal commas are not allowed here."""
        limits: dict[str, Money] = {}
        for part in text.replace(";", ",").split(","):
            if not part.strip():
                continue
            role, sep, amount = part.partition("=")
            if not sep:
                raise InvalidInputError(
                    message("Wertgrenze »{part}«: erwartet ROLLE=BETRAG.", part=part.strip()), field="relief_limits"
                )
            limits[role.strip().lower()] = Money(amount.strip(), field="relief_limits")
        return limits

    def limit_for(self, role: Role) -> Money | None:
        return self.relief_limits.get(role.value)

    def require_within_limit(self, actor: Actor, amount: Money, doing: str) -> None:
        """Refuses a decision above the actor's value limit (the system, e.g. a migration, has none)."""
        if actor.role is Role.SYSTEM:
            return
        limit = self.limit_for(actor.role)
        if limit is None:
            raise NotPermittedError(
                message(
                    "{doing}: die Dienstanweisung gibt der Rolle {role} keine Wertgrenze.",
                    doing=marked(doing),
                    role=marked(actor.role.german),
                ),
                field="amount",
            )
        if amount > limit:
            raise NotPermittedError(
                message(
                    "{doing}: {amount} liegen über Ihrer Wertgrenze von {limit} (Dienstanweisung); "
                    "entscheiden muss, wer eine höhere Wertgrenze hat.",
                    doing=marked(doing),
                    amount=amount,
                    limit=limit,
                ),
                field="amount",
            )
