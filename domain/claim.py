"""Repayment claims (Rückforderungen) with interest, and how they are settled.

A claim arises when more was paid than the grant finally is, or when a grant is revoked. It carries
interest from the day it arose at the margin of its legal basis (``legal_basis``: 3 points under the
VwVfG NRW, 5 under the federal VwVfG; see ``domain.interest``); claims recorded before the legal basis
was kept carry the fixed margin they were set with. Repayments are applied to the interest
accrued up to the value date first and then to the principal, as § 367 BGB orders it; each
repayment records the interest periods it settled, so the figure can be recomputed. A deferral
(Stundung), a waiver (Erlass) or a write-off (Niederschlagung) is proposed by one person and decided
by a different one. Below the rule set's small-amount threshold no claim is pursued and left-over
interest is not charged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import FourEyesError, InvalidInputError, InvalidStateError, PaymentRefusedError
from domain.interest import InterestPeriod, InterestTable, Schedule, interest_periods
from domain.messages import N_
from domain.money import Money
from domain.text import require_reason

OPEN, SETTLED = "open", "settled"
RELIEF_KINDS = {"deferral": N_("Stundung"), "waiver": N_("Erlass"), "write_off": N_("Niederschlagung")}


class Claim(Aggregate):
    """A repayment claim against a grant's recipient."""

    id: UUID

    class ClaimSet(Aggregate.Created):
        grant_id: UUID
        organisation_id: UUID
        programme_id: UUID
        principal: Money
        arose_on: date
        cause: str
        interest_margin: Decimal
        small_amount_threshold: Money
        reason: str
        actor_id: UUID
        actor_role: str
        legal_basis: str | None = None

    @event(ClaimSet)
    def __init__(
        self,
        grant_id: UUID,
        organisation_id: UUID,
        programme_id: UUID,
        principal: Money,
        arose_on: date,
        cause: str,
        interest_margin: Decimal,
        small_amount_threshold: Money,
        reason: str,
        actor_id: UUID,
        actor_role: str,
        legal_basis: str | None = None,
    ) -> None:
        self.grant_id = grant_id
        self.organisation_id = organisation_id
        self.programme_id = programme_id
        self.principal = principal
        self.outstanding = principal
        self.arose_on = arose_on
        self.cause = cause  # "final_amount" or "revocation"
        self.interest_margin = interest_margin  # the margin on the day it arose (the only one, for old claims)
        self.legal_basis = legal_basis
        self.raised_by = actor_id
        self.small_amount_threshold = small_amount_threshold
        self.interest_paid = Money.zero()
        self.interest_from = arose_on  # interest up to this day has been settled
        self.accrued_unpaid = Money.zero()
        self.status = OPEN
        self.deferred_until: date | None = None
        self.pending_relief: dict[str, Any] | None = None

    @classmethod
    def raise_claim(
        cls,
        claim_id: UUID,
        grant_id: UUID,
        organisation_id: UUID,
        programme_id: UUID,
        principal: Money,
        arose_on: date,
        cause: str,
        interest_margin: Decimal,
        small_amount_threshold: Money,
        reason: str,
        actor: Actor,
        legal_basis: str | None = None,
    ) -> Claim:
        principal.require_positive("amount", "Die Rückforderung")
        return cls(  # type: ignore[call-arg]  # eventsourcing takes the aggregate id as a keyword
            grant_id=grant_id,
            organisation_id=organisation_id,
            programme_id=programme_id,
            principal=principal,
            arose_on=arose_on,
            cause=cause,
            interest_margin=interest_margin,
            small_amount_threshold=small_amount_threshold,
            reason=reason,
            id=claim_id,
            **actor.stamp,
            legal_basis=legal_basis,
        )

    # Interest ----------------------------------------------------------------------------------

    def margin(self, rates: InterestTable) -> Decimal | Schedule:
        """The margin over the base rate: the legal basis's schedule, or the fixed margin of an old claim."""
        if self.legal_basis is None:
            return self.interest_margin
        return rates.margin_schedule(self.legal_basis)

    def interest_statement(
        self, on: date, base_rates: InterestTable | list[tuple[date, Decimal]]
    ) -> tuple[Money, list[InterestPeriod]]:
        """Interest owed on ``on`` and the periods it ran in since the last payment (the audit trail)."""
        if self.status != OPEN:
            return Money.zero(), []
        if on <= self.interest_from:
            return self.accrued_unpaid, []
        table = InterestTable.of(base_rates)
        periods = interest_periods(self.outstanding, self.interest_from, on, table, self.margin(table))
        return self.accrued_unpaid + Money.rounded(sum((p.interest for p in periods), Decimal(0))), periods

    def interest_due(self, on: date, base_rates: InterestTable | list[tuple[date, Decimal]]) -> Money:
        """Interest owed on ``on``: accrued and unpaid so far plus what ran since the last payment."""
        return self.interest_statement(on, base_rates)[0]

    def interest_provisional(self, on: date, base_rates: InterestTable | list[tuple[date, Decimal]]) -> bool:
        """Whether the interest owed on ``on`` counts days of a half year whose base rate is not recorded yet."""
        return any(p.provisional for p in self.interest_statement(on, base_rates)[1])

    def amount_due(self, on: date, base_rates: InterestTable | list[tuple[date, Decimal]]) -> Money:
        return self.outstanding + self.interest_due(on, base_rates)

    # Repayment ---------------------------------------------------------------------------------

    def receive_repayment(
        self,
        amount: Money,
        value_date: date,
        base_rates: InterestTable | list[tuple[date, Decimal]],
        actor: Actor,
        today: date | None = None,
    ) -> None:
        """The cash office (Stadtkasse) books money received on the claim, never the person who set the claim
        (§ 31 (3) KomHVO NRW); a value date after ``today`` is refused."""
        actor.require(Role.CASHIER, doing="Rückzahlung buchen")
        self._require_open()
        if actor.role is not Role.SYSTEM and actor.is_user(getattr(self, "raised_by", None)):
            raise FourEyesError(
                "Wer die Rückforderung festgesetzt hat, darf die Rückzahlung nicht buchen (§ 31 Abs. 3 KomHVO NRW)."
            )
        amount.require_positive("amount", "Die Rückzahlung")
        if today is not None and value_date > today:
            raise InvalidInputError(
                f"Die Wertstellung {value_date:%d.%m.%Y} liegt in der Zukunft; gebucht wird, was geschehen ist.",
                field="value_date",
            )
        if value_date < self.interest_from:
            raise InvalidInputError("Die Wertstellung liegt vor der letzten gebuchten Zahlung.", field="value_date")
        interest, periods = self.interest_statement(value_date, base_rates)
        due = self.outstanding + interest
        if amount > due:
            raise PaymentRefusedError(
                f"Am {value_date:%d.%m.%Y} sind nur {due.de()} offen (davon Zinsen {interest.de()}).", field="amount"
            )
        to_interest = min(amount, interest)
        to_principal = amount - to_interest
        self._repayment_received(
            amount=amount,
            value_date=value_date,
            to_interest=to_interest,
            to_principal=to_principal,
            interest_accrued=interest,
            periods=[p.as_record() for p in periods],
            **actor.stamp,
        )
        # Interest is paid first, so repaying the principal's amount leaves the interest's amount open
        # as principal: once the repayments cover the principal, whatever is left counts as interest.
        left = self.outstanding + self.accrued_unpaid
        if left and left < self.small_amount_threshold and self.interest_paid >= self.outstanding:
            self._interest_not_pursued(amount=left, on=value_date, **actor.stamp)

    class RepaymentReceived(Aggregate.Event):
        amount: Money
        value_date: date
        to_interest: Money
        to_principal: Money
        interest_accrued: Money
        periods: list[dict[str, Any]]
        actor_id: UUID
        actor_role: str

    @event(RepaymentReceived)
    def _repayment_received(
        self,
        amount: Money,
        value_date: date,
        to_interest: Money,
        to_principal: Money,
        interest_accrued: Money,
        periods: list[dict[str, Any]],
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.outstanding = self.outstanding - to_principal
        self.interest_paid = self.interest_paid + to_interest
        self.accrued_unpaid = interest_accrued - to_interest
        self.interest_from = value_date
        if not self.outstanding and not self.accrued_unpaid:
            self.status = SETTLED

    class InterestNotPursued(Aggregate.Event):
        amount: Money
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(InterestNotPursued)
    def _interest_not_pursued(self, amount: Money, actor_id: UUID, actor_role: str, on: date | None = None) -> None:
        self.outstanding = Money.zero()
        self.accrued_unpaid = Money.zero()
        self.status = SETTLED

    # Relief: deferral, waiver, write-off (four eyes) -------------------------------------------

    def propose_relief(
        self, kind: str, reason: str, actor: Actor, until: date | None = None, on: date | None = None
    ) -> None:
        actor.require(Role.OFFICER, Role.FINANCE, doing=f"{RELIEF_KINDS.get(kind, kind)} vorschlagen")
        self._require_open()
        if kind not in RELIEF_KINDS:
            raise InvalidInputError(f"Unbekannte Maßnahme »{kind}« (Stundung, Erlass, Niederschlagung).", field="kind")
        if kind == "deferral" and (until is None or until <= self.interest_from):
            raise InvalidInputError("Eine Stundung braucht ein Datum in der Zukunft.", field="until")
        if self.pending_relief is not None:
            raise InvalidStateError("Es liegt bereits ein offener Vorschlag vor.")
        self._relief_proposed(kind=kind, until=until, reason=require_reason(reason), on=on, **actor.stamp)

    class ReliefProposed(Aggregate.Event):
        kind: str
        until: date | None
        reason: str
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(ReliefProposed)
    def _relief_proposed(
        self, kind: str, until: date | None, reason: str, actor_id: UUID, actor_role: str, on: date | None = None
    ) -> None:
        self.pending_relief = {"kind": kind, "until": until, "reason": reason, "proposed_by": actor_id}

    def decide_relief(
        self, approve: bool, reason: str, on: date, base_rates: InterestTable | list[tuple[date, Decimal]], actor: Actor
    ) -> None:
        actor.require(Role.APPROVER, Role.FINANCE, doing="Über Stundung, Erlass oder Niederschlagung entscheiden")
        self._require_open()
        pending = self.pending_relief
        if pending is None:
            raise InvalidStateError("Es liegt kein Vorschlag vor.")
        if actor.is_user(pending["proposed_by"]):
            raise FourEyesError("Über den eigenen Vorschlag darf niemand selbst entscheiden (Vier-Augen-Prinzip).")
        reason = require_reason(reason)
        if not approve:
            self._relief_declined(reason=reason, **actor.stamp)
        elif pending["kind"] == "deferral":
            self._claim_deferred(until=pending["until"], reason=reason, **actor.stamp)
        else:
            interest = self.interest_due(on, base_rates)
            self._claim_relieved(
                kind=pending["kind"], on=on, principal=self.outstanding, interest=interest, reason=reason, **actor.stamp
            )

    class ReliefDeclined(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ReliefDeclined)
    def _relief_declined(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.pending_relief = None

    class ClaimDeferred(Aggregate.Event):
        until: date
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ClaimDeferred)
    def _claim_deferred(self, until: date, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.deferred_until = until
        self.pending_relief = None

    class ClaimRelieved(Aggregate.Event):
        kind: str
        on: date
        principal: Money
        interest: Money
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ClaimRelieved)
    def _claim_relieved(
        self, kind: str, on: date, principal: Money, interest: Money, reason: str, actor_id: UUID, actor_role: str
    ) -> None:
        """A waiver (Erlass) or write-off (Niederschlagung) of everything still open."""
        self.outstanding = Money.zero()
        self.accrued_unpaid = Money.zero()
        self.status = SETTLED
        self.relief = kind
        self.pending_relief = None

    def _require_open(self) -> None:
        if self.status != OPEN:
            raise InvalidStateError("Die Rückforderung ist bereits erledigt.")
