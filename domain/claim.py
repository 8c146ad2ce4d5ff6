"""Repayment claims (Rückforderungen) with interest, and how they are settled.

A claim arises when more was paid than the grant finally is, when a grant is revoked, or when an
officer charges interest on money that lay idle (§ 49a (4) VwVfG NRW). It carries interest from the
day the cause arose at the margin of its legal basis (``legal_basis``: 3 points under the VwVfG NRW, 5
under the federal VwVfG; see ``domain.interest``); claims recorded before the legal basis was kept carry
the fixed margin they were set with. A claim's principal may come in **tranches** that start bearing
interest on different days: a revocation with effect for the past charges each payout from the later
of the effective date and that payout's value date. A claim for interest (idle money) bears no
interest itself (§ 289 BGB). Repayments are applied to the interest accrued up to the value date first
and then to the principal, as § 367 BGB orders it, and to the oldest tranche first; each repayment
records the interest periods it settled, so the figure can be recomputed.

What the office may do instead of collecting, as the KomHVO NRW distinguishes it, each proposed by one
person and decided by another within the value limit of the decider's role (``ClaimPolicy``):

* **Stundung** (deferral): the claim is due later; interest keeps running.
* **Niederschlagung** (write-off): the claim is not pursued for now; claim and interest remain, later
  payments are accepted, and it stays on the list of open claims.
* **Erlass** (waiver), whole or in part: what is waived is extinguished.
* **Zinsverzicht** (§ 49a (3) sentence 2 VwVfG NRW): the interest is waived only when the recipient
  was not responsible for the cause and repaid the principal within the deadline set.

Below the small-amount limit (§ 23 (2) KomHVO NRW) a rest of interest left after the principal was
repaid is not charged; principal is never written off automatically.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.claim_policy import ClaimPolicy
from domain.errors import FourEyesError, InvalidInputError, InvalidStateError, PaymentRefusedError
from domain.interest import InterestPeriod, InterestTable, Schedule, interest_periods
from domain.messages import N_, marked, message
from domain.money import Money
from domain.text import require_reason

OPEN, SETTLED = "open", "settled"
RELIEF_KINDS = {
    "deferral": N_("Stundung"),
    "write_off": N_("Niederschlagung"),
    "waiver": N_("Erlass"),
    "interest_waiver": N_("Zinsverzicht (§ 49a Abs. 3 Satz 2 VwVfG NRW)"),
}
CAUSES = {
    "final_amount": N_("Schlussfestsetzung"),
    "revocation": N_("Widerruf"),
    "idle_interest": N_("Zinsen auf nicht alsbald verwendete Mittel"),
}
Rates = InterestTable | list[tuple[date, Decimal]]


class Claim(Aggregate):
    """A repayment claim against a grant's recipient."""

    id: UUID
    # Class defaults, so claims recorded before these were kept still load (one tranche, with interest).
    tranches: tuple[tuple[date, Money], ...] = ()  # (interest from, principal still open), oldest first
    bears_interest: bool = True
    repayments: tuple[tuple[date, Money], ...] = ()  # (value date, amount) of every repayment
    written_off_on: date | None = None  # Niederschlagung: not pursued for now, still open
    waived: Money = Money.zero()  # Erlass in part
    interest_charged: Money = Money.zero()  # a claim for interest alone: the interest charged

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
        tranches: list[dict[str, Any]] | None = None
        bears_interest: bool = True
        interest_charged: Money | None = None

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
        tranches: list[dict[str, Any]] | None = None,
        bears_interest: bool = True,
        interest_charged: Money | None = None,
    ) -> None:
        self.grant_id = grant_id
        self.organisation_id = organisation_id
        self.programme_id = programme_id
        self.principal = principal
        self.outstanding = principal
        self.arose_on = arose_on
        self.cause = cause  # "final_amount", "revocation" or "idle_interest"
        self.interest_margin = interest_margin  # the margin on the day it arose (the only one, for old claims)
        self.legal_basis = legal_basis
        self.raised_by = actor_id
        self.small_amount_threshold = small_amount_threshold
        self.interest_paid = Money.zero()
        self.interest_from = arose_on  # interest up to this day has been settled
        self.accrued_unpaid = interest_charged or Money.zero()  # a claim for interest: all of it, from the start
        if interest_charged:  # state of claims of earlier releases stays as it was: only new facts are kept
            self.interest_charged = interest_charged
        self.status = OPEN
        self.deferred_until: date | None = None
        self.pending_relief: dict[str, Any] | None = None
        if tranches is not None:  # recorded by this release for every claim; earlier claims: one tranche
            self.tranches = tuple((t["from"], t["amount"]) for t in tranches)
            self.repayments = ()
        if not bears_interest:
            self.bears_interest = False

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
        tranches: list[tuple[date, Money]] | None = None,
        bears_interest: bool = True,
    ) -> Claim:
        """``tranches``: (interest from, amount) parts of the principal, if they start on different days."""
        principal.require_positive("amount", N_("Die Rückforderung"))
        if tranches is not None and Money.sum(amount for _, amount in tranches) != principal:
            raise InvalidInputError(message("Die Teilbeträge ergeben nicht die Rückforderung."), field="amount")
        return cls(  # type: ignore[call-arg]  # eventsourcing takes the aggregate id as a keyword
            grant_id=grant_id,
            organisation_id=organisation_id,
            programme_id=programme_id,
            principal=principal,
            arose_on=min((start for start, _ in tranches), default=arose_on) if tranches else arose_on,
            cause=cause,
            interest_margin=interest_margin,
            small_amount_threshold=small_amount_threshold,
            reason=reason,
            id=claim_id,
            **actor.stamp,
            legal_basis=legal_basis,
            tranches=[{"from": start, "amount": amount} for start, amount in sorted(tranches)] if tranches else None,
            bears_interest=bears_interest,
        )

    @classmethod
    def charge_interest(
        cls,
        claim_id: UUID,
        grant_id: UUID,
        organisation_id: UUID,
        programme_id: UUID,
        interest: Money,
        on: date,
        cause: str,
        small_amount_threshold: Money,
        reason: str,
        actor: Actor,
        legal_basis: str | None = None,
    ) -> Claim:
        """A claim for interest alone (idle money, § 49a (4)): no principal, no interest on it (§ 289 BGB).
        Whatever is paid on it is interest, in every figure that sums claims and repayments."""
        interest.require_positive("amount", N_("Die Zinsforderung"))
        return cls(  # type: ignore[call-arg]  # eventsourcing takes the aggregate id as a keyword
            grant_id=grant_id,
            organisation_id=organisation_id,
            programme_id=programme_id,
            principal=Money.zero(),
            arose_on=on,
            cause=cause,
            interest_margin=Decimal(0),
            small_amount_threshold=small_amount_threshold,
            reason=reason,
            id=claim_id,
            **actor.stamp,
            legal_basis=legal_basis,
            bears_interest=False,
            interest_charged=interest,
        )

    # Interest ----------------------------------------------------------------------------------

    def margin(self, rates: InterestTable) -> Decimal | Schedule:
        """The margin over the base rate: the legal basis's schedule, or the fixed margin of an old claim."""
        if self.legal_basis is None:
            return self.interest_margin
        return rates.margin_schedule(self.legal_basis)

    def _open_tranches(self) -> list[tuple[date, Money]]:
        """The principal still open by the day it bears interest from (one tranche for old claims)."""
        if not self.tranches:
            return [(self.interest_from, self.outstanding)]
        return [(start, amount) for start, amount in self.tranches if amount]

    def interest_statement(self, on: date, base_rates: Rates) -> tuple[Money, list[InterestPeriod]]:
        """Interest owed on ``on`` and the periods it ran in since the last payment (the audit trail)."""
        if self.status != OPEN:
            return Money.zero(), []
        if on <= self.interest_from or not self.bears_interest:
            return self.accrued_unpaid, []
        table = InterestTable.of(base_rates)
        margin = self.margin(table)
        periods = [
            period
            for start, amount in self._open_tranches()
            for period in interest_periods(amount, max(start, self.interest_from), on, table, margin)
        ]
        periods.sort(key=lambda p: (p.start, p.end))
        return self.accrued_unpaid + Money.rounded(sum((p.interest for p in periods), Decimal(0))), periods

    def interest_due(self, on: date, base_rates: Rates) -> Money:
        """Interest owed on ``on``: accrued and unpaid so far plus what ran since the last payment."""
        return self.interest_statement(on, base_rates)[0]

    def interest_provisional(self, on: date, base_rates: Rates) -> bool:
        """Whether the interest owed on ``on`` counts days of a half year whose base rate is not recorded yet."""
        return any(p.provisional for p in self.interest_statement(on, base_rates)[1])

    def amount_due(self, on: date, base_rates: Rates) -> Money:
        return self.outstanding + self.interest_due(on, base_rates)

    @property
    def pursued(self) -> bool:
        """Open and not written off (a Niederschlagung leaves the claim open but not pursued for now)."""
        return self.status == OPEN and self.written_off_on is None

    def repaid_by(self, day: date) -> Money:
        """Everything received on the claim with a value date up to ``day``."""
        return Money.sum(amount for value_date, amount in self.repayments if value_date <= day)

    # Repayment ---------------------------------------------------------------------------------

    def receive_repayment(
        self,
        amount: Money,
        value_date: date,
        base_rates: Rates,
        actor: Actor,
        today: date | None = None,
    ) -> None:
        """The cash office (Stadtkasse) books money received on the claim, never the person who set the claim
        (§ 31 (3) KomHVO NRW); a value date after ``today`` is refused. Unused money the association sends
        back is booked here too, on the claim for it (with its interest), not as a returned payment."""
        actor.require(Role.CASHIER, doing=N_("Rückzahlung buchen"))
        self._require_open()
        if actor.role is not Role.SYSTEM and actor.is_user(getattr(self, "raised_by", None)):
            raise FourEyesError(
                message(
                    "Wer die Rückforderung festgesetzt hat, darf die Rückzahlung nicht buchen (§ 31 Abs. 3 KomHVO NRW)."
                )
            )
        amount.require_positive("amount", N_("Die Rückzahlung"))
        if today is not None and value_date > today:
            raise InvalidInputError(
                message(
                    "Die Wertstellung {value_date} liegt in der Zukunft; gebucht wird, was geschehen ist.",
                    value_date=value_date,
                ),
                field="value_date",
            )
        if value_date < self.interest_from:
            raise InvalidInputError(
                message("Die Wertstellung liegt vor der letzten gebuchten Zahlung."), field="value_date"
            )
        interest, periods = self.interest_statement(value_date, base_rates)
        due = self.outstanding + interest
        if amount > due:
            raise PaymentRefusedError(
                message(
                    "Am {value_date} sind nur {due} offen (davon Zinsen {interest}).",
                    value_date=value_date,
                    due=due,
                    interest=interest,
                ),
                field="amount",
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

    def _apply(self, to_interest: Money, to_principal: Money, interest_accrued: Money, day: date) -> None:
        """Settles ``to_interest`` of the interest accrued up to ``day`` and ``to_principal``, oldest tranche first."""
        left, tranches = to_principal, []
        for start, amount in self._open_tranches():
            taken = min(left, amount)
            left = left - taken
            tranches.append((max(start, day), amount - taken))
        if self.tranches:
            self.tranches = tuple(tranches)
        self.outstanding = self.outstanding - to_principal
        self.interest_paid = self.interest_paid + to_interest
        self.accrued_unpaid = interest_accrued - to_interest
        self.interest_from = day
        if not self.outstanding and not self.accrued_unpaid:
            self.status = SETTLED

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
        if "repayments" in vars(self):  # kept for claims of this release (the interest waiver reads them)
            self.repayments = (*self.repayments, (value_date, amount))
        self._apply(to_interest, to_principal, interest_accrued, value_date)

    class InterestNotPursued(Aggregate.Event):
        amount: Money
        actor_id: UUID
        actor_role: str
        on: date | None = None

    @event(InterestNotPursued)
    def _interest_not_pursued(self, amount: Money, actor_id: UUID, actor_role: str, on: date | None = None) -> None:
        self.outstanding = Money.zero()
        self.accrued_unpaid = Money.zero()
        if self.tranches:
            self.tranches = ()
        self.status = SETTLED

    # Relief: deferral, write-off, waiver, interest waiver (four eyes, value limits) -------------

    def propose_relief(
        self,
        kind: str,
        reason: str,
        actor: Actor,
        until: date | None = None,
        on: date | None = None,
        amount: Money | None = None,
    ) -> None:
        """Proposes a relief; ``until`` is the deferral's date or, for the interest waiver, the deadline set
        for the repayment; ``amount`` waives part of the claim (Erlass only; empty: all of it)."""
        actor.require(
            Role.OFFICER, Role.FINANCE, doing=message("{kind} vorschlagen", kind=marked(RELIEF_KINDS.get(kind, kind)))
        )
        self._require_open()
        if kind not in RELIEF_KINDS:
            raise InvalidInputError(
                message("Unbekannte Maßnahme »{kind}« (Stundung, Niederschlagung, Erlass, Zinsverzicht).", kind=kind),
                field="kind",
            )
        if kind == "deferral" and (until is None or until <= self.interest_from):
            raise InvalidInputError(message("Eine Stundung braucht ein Datum in der Zukunft."), field="until")
        if kind == "interest_waiver":
            if until is None:
                raise InvalidInputError(
                    message("Für den Zinsverzicht die Frist angeben, die für die Rückzahlung gesetzt war."),
                    field="until",
                )
            if not self.bears_interest:
                raise InvalidStateError(message("Diese Forderung trägt keine Zinsen."))
        if kind == "write_off" and self.written_off_on is not None:
            raise InvalidStateError(
                message(
                    "Die Forderung ist seit dem {written_off_on} niedergeschlagen.", written_off_on=self.written_off_on
                )
            )
        if amount is not None:
            if kind != "waiver":
                raise InvalidInputError(message("Einen Teilbetrag gibt es nur beim Erlass."), field="amount")
            amount.require_positive("amount", N_("Der zu erlassende Betrag"))
        if self.pending_relief is not None:
            raise InvalidStateError(message("Es liegt bereits ein offener Vorschlag vor."))
        self._relief_proposed(
            kind=kind, until=until, reason=require_reason(reason), on=on, amount=amount, **actor.stamp
        )

    class ReliefProposed(Aggregate.Event):
        kind: str
        until: date | None
        reason: str
        actor_id: UUID
        actor_role: str
        on: date | None = None
        amount: Money | None = None

    @event(ReliefProposed)
    def _relief_proposed(
        self,
        kind: str,
        until: date | None,
        reason: str,
        actor_id: UUID,
        actor_role: str,
        on: date | None = None,
        amount: Money | None = None,
    ) -> None:
        self.pending_relief = {"kind": kind, "until": until, "reason": reason, "proposed_by": actor_id}
        if amount is not None:
            self.pending_relief["amount"] = amount

    def decide_relief(
        self,
        approve: bool,
        reason: str,
        on: date,
        base_rates: Rates,
        actor: Actor,
        policy: ClaimPolicy | None = None,
    ) -> None:
        """Decides the proposal: never by its proposer, and (approving) within the decider's value limit."""
        actor.require(Role.APPROVER, Role.FINANCE, doing=N_("Über Stundung, Erlass oder Niederschlagung entscheiden"))
        self._require_open()
        pending = self.pending_relief
        if pending is None:
            raise InvalidStateError(message("Es liegt kein Vorschlag vor."))
        if actor.is_user(pending["proposed_by"]):
            raise FourEyesError(
                message("Über den eigenen Vorschlag darf niemand selbst entscheiden (Vier-Augen-Prinzip).")
            )
        reason = require_reason(reason)
        if not approve:
            self._relief_declined(reason=reason, **actor.stamp)
            return
        kind, part = pending["kind"], pending.get("amount")
        if part is not None and on < self.interest_from:  # a part is settled like a payment, on ``on``
            raise InvalidInputError(message("Das Datum liegt vor der letzten gebuchten Zahlung."), field="on")
        interest, periods = self.interest_statement(on, base_rates)
        due = self.outstanding + interest
        if part is not None and part > due:
            raise PaymentRefusedError(
                message("Am {on} sind nur {due} offen; mehr kann nicht erlassen werden.", on=on, due=due),
                field="amount",
            )
        if policy is not None:
            policy.require_within_limit(
                actor, part or due, message("{kind} entscheiden", kind=marked(RELIEF_KINDS[kind]))
            )
        if kind == "deferral":
            self._claim_deferred(until=pending["until"], reason=reason, **actor.stamp)
        elif kind == "write_off":
            self._claim_written_off(
                grant_id=self.grant_id,
                on=on,
                principal=self.outstanding,
                interest=interest,
                reason=reason,
                **actor.stamp,
            )
        elif kind == "interest_waiver":
            self._waive_interest(pending["until"], on, interest, reason, actor)
        elif part is not None and part < due:
            to_interest = min(part, interest)
            self._claim_partly_waived(
                grant_id=self.grant_id,
                on=on,
                amount=part,
                to_interest=to_interest,
                to_principal=part - to_interest,
                interest_accrued=interest,
                periods=[p.as_record() for p in periods],
                reason=reason,
                **actor.stamp,
            )
        else:
            self._claim_relieved(
                kind=kind,
                on=on,
                principal=self.outstanding,
                interest=interest,
                reason=reason,
                **actor.stamp,
                grant_id=self.grant_id,
            )

    def _waive_interest(self, deadline: date, on: date, interest: Money, reason: str, actor: Actor) -> None:
        """§ 49a (3) sentence 2: only once the principal was repaid within the deadline set. What was paid
        counts as principal then; interest paid beyond the principal stays paid."""
        repaid = self.repaid_by(deadline)
        if repaid < self.principal:
            raise PaymentRefusedError(
                message(
                    "Bis zur Frist am {deadline} sind {repaid} von {principal} zurückgezahlt; auf Zinsen "
                    "darf nur verzichtet werden, wenn die Hauptforderung fristgerecht beglichen ist (§ 49a "
                    "Abs. 3 Satz 2 VwVfG NRW).",
                    deadline=deadline,
                    repaid=repaid,
                    principal=self.principal,
                ),
                field="until",
            )
        reclassified = min(self.interest_paid, self.outstanding)
        self._interest_waived(
            grant_id=self.grant_id,
            on=on,
            deadline=deadline,
            reclassified=reclassified,
            interest=interest + self.outstanding - reclassified,
            reason=reason,
            **actor.stamp,
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

    class ClaimWrittenOff(Aggregate.Event):
        grant_id: UUID
        on: date
        principal: Money
        interest: Money
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ClaimWrittenOff)
    def _claim_written_off(
        self, grant_id: UUID, on: date, principal: Money, interest: Money, reason: str, actor_id: UUID, actor_role: str
    ) -> None:
        """Niederschlagung: not pursued for now; the claim and its interest stay open and payments are taken."""
        self.written_off_on = on
        self.pending_relief = None

    class ClaimPartlyWaived(Aggregate.Event):
        grant_id: UUID
        on: date
        amount: Money
        to_interest: Money
        to_principal: Money
        interest_accrued: Money
        periods: list[dict[str, Any]]
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ClaimPartlyWaived)
    def _claim_partly_waived(
        self,
        grant_id: UUID,
        on: date,
        amount: Money,
        to_interest: Money,
        to_principal: Money,
        interest_accrued: Money,
        periods: list[dict[str, Any]],
        reason: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        """Erlass of a part: extinguished like a payment would be (interest first)."""
        self.waived = self.waived + amount
        self.pending_relief = None
        self._apply(to_interest, to_principal, interest_accrued, on)

    class InterestWaived(Aggregate.Event):
        grant_id: UUID
        on: date
        deadline: date
        reclassified: Money
        interest: Money
        reason: str
        actor_id: UUID
        actor_role: str

    @event(InterestWaived)
    def _interest_waived(
        self,
        grant_id: UUID,
        on: date,
        deadline: date,
        reclassified: Money,
        interest: Money,
        reason: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        """``reclassified``: interest paid that now counts as principal; ``interest``: what is not charged."""
        self.interest_paid = self.interest_paid - reclassified
        self.outstanding = Money.zero()
        self.accrued_unpaid = Money.zero()
        if self.tranches:
            self.tranches = ()
        self.status = SETTLED
        self.relief = "interest_waiver"
        self.pending_relief = None

    class ClaimRelieved(Aggregate.Event):
        kind: str
        on: date
        principal: Money
        interest: Money
        reason: str
        actor_id: UUID
        actor_role: str
        grant_id: UUID | None = None

    @event(ClaimRelieved)
    def _claim_relieved(
        self,
        kind: str,
        on: date,
        principal: Money,
        interest: Money,
        reason: str,
        actor_id: UUID,
        actor_role: str,
        grant_id: UUID | None = None,  # recorded since grant law facts sum the waivers per grant
    ) -> None:
        """A waiver (Erlass) of everything still open; recorded write-offs of this kind settled the claim too."""
        self.outstanding = Money.zero()
        self.accrued_unpaid = Money.zero()
        if self.tranches:
            self.tranches = ()
        self.status = SETTLED
        self.relief = kind
        self.pending_relief = None

    def _require_open(self) -> None:
        if self.status != OPEN:
            raise InvalidStateError(message("Die Rückforderung ist bereits erledigt."))
