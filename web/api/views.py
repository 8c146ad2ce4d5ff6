"""Response bodies built from the aggregates, the grant's own events and the read models.

A grant's payments and expenses are folded from the grant's own event stream, which holds every
detail (needs, purposes, payees, foreign amounts, reasons) and is never behind; rows, balances and
timelines come from the read models, which the caller catches up first (``Call.read``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.claim import Claim
from domain.grant import PAYMENT_GERMAN, Grant
from domain.idle_money import IdleInterest
from domain.interest import InterestTable
from domain.messages import N_, Message
from domain.money import Money
from domain.organisation import Organisation
from domain.plan import FinancingPlan
from domain.programme import FundingSource, Programme
from domain.rules import RuleSet
from domain.terms import GrantTerms
from projections.case_file import CaseFile
from projections.db import Cursor
from projections.deadlines import KIND_GERMAN
from projections.grant_law import (
    BEFORE_START,
    CONDITION_OCCURRED,
    IDLE_INTEREST_CHARGED,
    OVER_PLAN_TOTAL,
    REVOCATION_EFFECTIVE,
    REVOCATION_FACTS_KNOWN,
    REVOCATION_HEARD,
    REVOCATION_LIMIT,
    UNIT_SHORTFALL,
    Fact,
    GrantLaw,
)
from projections.grant_overview import GrantOverview, GrantOverviewRow
from projections.journal import Balance, Journal
from projections.timeline import Timeline
from web.api import schemas as s
from web.api.framework import Call
from web.api.problems import ApiProblem
from web.i18n import gettext


def eur(money: Money) -> Decimal:
    return money.amount


def eur_or_none(money: Money | None) -> Decimal | None:
    return None if money is None else money.amount


# Visibility: an association member meets another organisation's things only as "not found" -------


def visible_grant(call: Call, grant_id: UUID) -> Grant:
    grant = call.office.grant(grant_id)
    if not call.caller.sees_organisation(grant.organisation_id):
        raise ApiProblem(404, "not_found", N_("Diese Zuwendung gibt es nicht."))
    return grant


def visible_organisation(call: Call, organisation_id: UUID, field: str | None = None) -> Organisation:
    if not call.caller.sees_organisation(organisation_id):
        raise ApiProblem(404, "not_found", N_("Diese Organisation gibt es nicht."), field=field)
    return call.office.organisation(organisation_id)


def visible_claim(call: Call, claim_id: UUID) -> Claim:
    claim = call.office.claim(claim_id)
    if not call.caller.sees_organisation(claim.organisation_id):
        raise ApiProblem(404, "not_found", N_("Diese Rückforderung gibt es nicht."))
    return claim


# Programmes ---------------------------------------------------------------------------------------


def rule_set(rules: RuleSet) -> s.RuleSetOut:
    return s.RuleSetOut(
        version=rules.version,
        drawdown_horizon=rules.drawdown_horizon,
        line_tolerance=rules.line_tolerance,
        proof_deadline=rules.proof_deadline,
        interim_proof_deadline=rules.interim_proof_deadline,
        legal_basis=rules.legal_basis,
        interest_margin=rules.interest_margin,
        min_grant=eur(rules.min_grant),
        max_grant=eur_or_none(rules.max_grant),
        min_own_share=rules.min_own_share,
        allowed_financing_types=list(rules.allowed_financing_types),  # type: ignore[arg-type]
        small_amount_threshold=eur(rules.small_amount_threshold),
        payments_after_final_notice=rules.payments_after_final_notice,
        simple_proof=rules.simple_proof,
    )


def programme_summary(programme: Programme) -> dict[str, Any]:
    return {
        "programme_id": programme.id,
        "code": programme.code,
        "title": programme.title,
        "funding_source": programme.funding_source,
        "funding_source_german": FundingSource(programme.funding_source).german,
        "closed": programme.closed,
        "fiscal_years": sorted(int(year) for year in programme.budgets),
    }


def balance_fields(fiscal_year: int, balance: Balance) -> dict[str, Any]:
    return {
        "fiscal_year": fiscal_year,
        **{
            name: eur(getattr(balance, name))
            for name in (
                "budget",
                "committed",
                "available",
                "open_commitment",
                "requested",
                "payable",
                "paid",
                "recognised",
                "claimed",
                "open_claims",
                "repaid",
                "written_off",
                "not_pursued",
                "interest",
            )
        },
    }


def programme_years(cursor: Cursor, programme: Programme) -> list[int]:
    years = {int(year) for year in programme.budgets}
    years |= {year for pid, year in Journal.programme_years(cursor) if pid == programme.id}
    return sorted(years)


# Organisations ------------------------------------------------------------------------------------


def organisation_detail(organisation: Organisation) -> s.OrganisationDetail:
    return s.OrganisationDetail(
        organisation_id=organisation.id,
        name=organisation.name,
        legal_form=organisation.legal_form,
        register_number=organisation.register_number,
        register_court=organisation.register_court,
        address=s.AddressOut(**organisation.address),
        iban=organisation.iban,
        contact_persons=[
            s.ContactPersonOut(person_id=UUID(hex=key), **person)
            for key, person in organisation.contact_persons.items()
        ],
    )


# Grants -------------------------------------------------------------------------------------------


def grant_summary_fields(row: GrantOverviewRow, today: date) -> dict[str, Any]:
    deadline = None
    if row.next_deadline is not None and row.next_deadline_kind is not None:
        deadline = s.NextDeadlineOut(
            due=row.next_deadline,
            kind=row.next_deadline_kind,  # type: ignore[arg-type]
            kind_german=KIND_GERMAN.get(row.next_deadline_kind, row.next_deadline_kind),
            text=row.next_deadline_text or "",
            overdue=row.overdue,
        )
    return {
        "grant_id": row.grant_id,
        "file_number": row.file_number,
        "title": row.title,
        "programme_id": row.programme_id,
        "programme_code": row.programme_code,
        "organisation_id": row.organisation_id,
        "organisation_name": row.organisation_name,
        "project_id": row.project_id,
        "partner_city": row.partner_city,
        "financing_type": row.financing_type,
        "status": row.status,
        "status_german": row.status_german,
        "applied_on": row.applied_on,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "decided_on": row.decided_on,
        "last_activity": row.last_activity,
        "amendment_pending": row.amendment_pending,
        "amounts": s.AmountsOut(
            applied=eur(row.applied),
            approved=eur(row.approved),
            requested=eur(row.requested),
            paid=eur(row.paid),
            open_amount=eur(row.open_amount),
            final_amount=eur_or_none(row.final_amount),
            claimed=eur(row.claimed),
            repaid=eur(row.repaid),
            open_claims=eur(row.open_claims),
        ),
        "next_deadline": deadline,
    }


def plan(plan: FinancingPlan) -> s.FinancingPlanOut:
    return s.FinancingPlanOut(
        cost_lines=[
            s.CostLineOut(code=line.code, label=line.label, amount=eur(line.amount)) for line in plan.cost_lines
        ],
        total_costs=eur(plan.total_costs),
        own_funds=eur(plan.own_funds),
        third_party_funds=eur(plan.third_party_funds),
        income=eur(plan.income),
        grant=eur(plan.grant),
        in_kind=eur(plan.in_kind),
    )


def terms(terms: GrantTerms | None) -> s.TermsOut | None:
    if terms is None:
        return None
    return s.TermsOut(
        amount=eur(terms.amount),
        financing_type=terms.financing_type,  # type: ignore[arg-type]
        rate=terms.rate,
        maximum=eur_or_none(terms.maximum),
        period_start=terms.period.start,
        period_end=terms.period.end,
        conditions=terms.conditions,
        proof_due=terms.final_proof_due,
        year_split={year: eur(amount) for year, amount in sorted(terms.year_split.items())},
        plan=plan(terms.plan),
        rule_set=rule_set(terms.rule_set),
        earmark_years=terms.earmark_years,
        unit_rate=eur_or_none(terms.unit_rate),
        units=terms.units,
        unit_label=terms.unit_label,
    )


def _shown(text: str) -> str:
    """A history line in the language of the request (a stored message); German text stays as it is."""
    return gettext(text) if isinstance(text, Message) else text


def timeline(cursor: Cursor, grant_id: UUID, for_association: bool) -> list[s.TimelineEntryOut]:
    """The grant's history: for staff every step with its note and message; for the association only what
    it may read (its applicant's view: no internal note, no review note, no bookkeeping between offices)."""
    entries = Timeline.of(cursor, grant_id)
    if for_association:
        by_position = {entry.position: entry for entry in entries}
        items = []
        for seen in CaseFile.applicant_history(cursor, grant_id):
            entry = by_position.get(seen.position)
            items.append(
                s.TimelineEntryOut(
                    position=seen.position,
                    business_date=seen.business_date,
                    recorded_at=entry.recorded_at if entry else datetime.combine(seen.business_date, time(), UTC),
                    who=entry.who if entry else "Büro für Internationale Beziehungen",
                    role=entry.role if entry else "officer",
                    role_german=entry.role_german if entry else "Sachbearbeitung",
                    what=seen.what,
                    what_shown=_shown(seen.what),
                    why=seen.why,
                    message=seen.message,
                )
            )
        return items
    remarks = CaseFile.remarks(cursor, grant_id)
    return [
        s.TimelineEntryOut(
            position=entry.position,
            business_date=entry.business_date,
            recorded_at=entry.recorded_at,
            who=entry.who,
            role=entry.role,
            role_german=entry.role_german,
            what=entry.what,
            what_shown=_shown(entry.what),
            why=entry.why,
            message=remarks[entry.position].message if entry.position in remarks else "",
            note=remarks[entry.position].note if entry.position in remarks else "",
        )
        for entry in entries
    ]


def claim(claim: Claim, today: date, rates: InterestTable) -> s.ClaimOut:
    interest, periods = claim.interest_statement(today, rates)
    return s.ClaimOut(
        claim_id=claim.id,
        grant_id=claim.grant_id,
        organisation_id=claim.organisation_id,
        cause=claim.cause,  # type: ignore[arg-type]
        status=claim.status,
        principal=eur(claim.principal),
        outstanding=eur(claim.outstanding),
        interest_paid=eur(claim.interest_paid),
        interest_due=eur(interest),
        interest_provisional=any(p.provisional for p in periods),
        legal_basis=claim.legal_basis,
        interest_margin=claim.interest_margin
        if claim.legal_basis is None
        else rates.margin_on(claim.legal_basis, today),
        amount_due=eur(claim.outstanding + interest),
        arose_on=claim.arose_on,
        deferred_until=claim.deferred_until,
        written_off_on=claim.written_off_on,
        waived=eur(claim.waived),
        bears_interest=claim.bears_interest,
        tranches=[
            s.TrancheOut(interest_from=start, amount=eur(amount))
            for start, amount in (claim.tranches if claim.status == "open" else ())
            if amount
        ],
        pending_relief=s.PendingReliefOut(
            kind=pending["kind"],
            until=pending["until"],
            amount=eur_or_none(pending.get("amount")),
            reason=pending["reason"],
        )
        if (pending := claim.pending_relief)
        else None,
    )


def idle_interest(grant: Grant, proposal: IdleInterest) -> s.IdleInterestOut:
    return s.IdleInterestOut(
        grant_id=grant.id,
        on=proposal.on,
        drawdown_horizon=proposal.horizon or None,
        interest=eur(proposal.interest),
        provisional=proposal.provisional,
        decided_until=grant.idle_interest_decided_on,
        stretches=[
            s.IdleStretchOut(
                paid_on=stretch.paid_on,
                amount=eur(stretch.amount),
                used_on=stretch.used_on,
                horizon_end=stretch.horizon_end,
                interest_from=stretch.interest_from,
                interest_until=stretch.interest_until,
                interest=eur(Money.rounded(stretch.interest)),
            )
            for stretch in proposal.stretches
        ],
    )


def revocation(grant: Grant, facts: dict[str, Fact], staff: bool) -> s.RevocationOut | None:
    """The decided revocation from the grant law facts, else (for the office) the one prepared."""
    if REVOCATION_FACTS_KNOWN in facts:
        return s.RevocationOut(
            state="decided",
            remaining_amount=eur_or_none(grant.final_amount),
            effective_on=facts[REVOCATION_EFFECTIVE].day if REVOCATION_EFFECTIVE in facts else None,
            facts_known_on=facts[REVOCATION_FACTS_KNOWN].day,
            heard_on=facts[REVOCATION_HEARD].day if REVOCATION_HEARD in facts else None,
            limit_ends_on=facts[REVOCATION_LIMIT].day if REVOCATION_LIMIT in facts else None,
        )
    pending = grant.pending_revocation
    if pending is None or not staff:
        return None
    return s.RevocationOut(
        state="prepared",
        remaining_amount=eur(pending["remaining_amount"]),
        effective_on=pending["effective_on"],
        facts_known_on=pending["facts_known_on"],
        heard_on=pending["heard_on"],
        limit_ends_on=pending["limit_ends_on"],
    )


def grant_detail(call: Call, grant: Grant) -> s.GrantDetail:
    today = call.today()
    with call.read() as cursor:
        row = GrantOverview.grant(cursor, grant.id, today)
        history = timeline(cursor, grant.id, call.caller.is_member)
        facts = GrantLaw.of(cursor, grant.id)
    if row is None:  # the overview folds every application; catching up cannot leave one out
        raise RuntimeError(f"grant {grant.id} is missing from the grant overview")
    rates = call.office.interest_table()
    return s.GrantDetail(
        **grant_summary_fields(row, today),
        purpose=grant.purpose,
        publish_purpose=grant.purpose_may_be_published,
        plan=plan(grant.plan),
        terms=terms(grant.terms),
        deadlines=[
            s.DeadlineOut(
                key=d["key"],
                kind=d["kind"],
                fiscal_year=d["fiscal_year"],
                due=d["due"],
                done_on=d["done_on"],
                overdue=d["overdue"],
            )
            for d in grant.deadlines(today)
        ],
        purpose_fulfilled_on=grant.purpose_fulfilled_on,
        open_document_requests=[UUID(hex=key) for key in grant.open_document_requests],
        payments=list(payments(call, grant).values()),
        claims=[claim(call.office.claim(claim_id), today, rates) for claim_id in grant.claim_ids],
        timeline=history,
        over_plan_total=eur_or_none(facts[OVER_PLAN_TOTAL].amount) if OVER_PLAN_TOTAL in facts else None,
        condition_occurred_on=facts[CONDITION_OCCURRED].day if CONDITION_OCCURRED in facts else None,
        revocation=revocation(grant, facts, not call.caller.is_member),
        idle_interest_charged=eur_or_none(facts[IDLE_INTEREST_CHARGED].amount)
        if IDLE_INTEREST_CHARGED in facts
        else None,
        unit_shortfall=eur_or_none(facts[UNIT_SHORTFALL].amount) if UNIT_SHORTFALL in facts else None,
        items=[
            s.ItemOut(
                item_id=UUID(hex=i["item_id"]),
                description=i["description"],
                acquired_on=i["acquired_on"],
                value=eur(i["value"]),
                earmarked_until=i["earmarked_until"],
                disposed_on=i["disposed_on"],
                disposal=i["disposal"],
                within_earmark=i["within_earmark"],
            )
            for i in grant.items
        ],
        transfers_abroad=[
            s.TransferOut(
                transfer_id=UUID(hex=t["transfer_id"]),
                euro=eur(t["euro"]),
                currency=t["currency"],
                received=t["received"],
                value_date=t["value_date"],
                recipient=t["recipient"],
            )
            for t in grant.transfers
        ],
        weighted_rates={
            currency: rate[0]
            for currency in sorted({t["currency"] for t in grant.transfers})
            if (rate := grant.weighted_rate(currency))
        },
        eligible_from=grant.eligible_from,
        early_start_on=grant.early_start_on,
        before_start=eur_or_none(facts[BEFORE_START].amount) if BEFORE_START in facts else None,
    )


# Payments and expenses, folded from the grant's own events ---------------------------------------


def grant_events(call: Call, grant: Grant) -> list[Any]:
    return list(call.office.repository.event_store.get(grant.id))


def payments(call: Call, grant: Grant) -> dict[UUID, s.PaymentOut]:
    found: dict[UUID, dict[str, Any]] = {}
    for e in grant_events(call, grant):
        if isinstance(e, Grant.PaymentRequested):
            found[e.payment_id] = {
                "payment_id": e.payment_id,
                "grant_id": grant.id,
                "amount": e.amount,
                "returned": Money.zero(),
                "status": "requested",
                "purpose": e.purpose,
                "needs": [
                    s.NeedOut(due=n["due"], amount=eur(n["amount"]), description=n["description"]) for n in e.needs
                ],
                "requested_on": e.on,
                "certified_on": None,
                "released_on": None,
                "value_date": None,
                "cancellation_reason": None,
            }
        elif isinstance(e, Grant.PaymentCertified):
            found[e.payment_id].update(status="certified", certified_on=e.on)
        elif isinstance(e, Grant.PaymentReleased):
            found[e.payment_id].update(status="released", released_on=e.on)
        elif isinstance(e, Grant.PaymentBooked):
            found[e.payment_id].update(status="booked", value_date=e.value_date)
        elif isinstance(e, Grant.PaymentCancelled):
            found[e.payment_id].update(status="cancelled", cancellation_reason=e.reason)
        elif isinstance(e, Grant.PaymentReturned):
            found[e.payment_id]["returned"] = found[e.payment_id]["returned"] + e.amount
    return {
        payment_id: s.PaymentOut(
            **{
                **p,
                "amount": eur(p["amount"]),
                "returned": eur(p["returned"]),
                "status_german": PAYMENT_GERMAN[p["status"]],
            }
        )
        for payment_id, p in found.items()
    }


def payment(call: Call, grant: Grant, payment_id: UUID) -> s.PaymentOut:
    found = payments(call, grant).get(payment_id)
    if found is None:
        raise ApiProblem(404, "not_found", N_("Diese Zahlung gibt es zu dieser Zuwendung nicht."), field="payment_id")
    return found


def expenses(call: Call, grant: Grant) -> dict[UUID, s.ExpenseOut]:
    found: dict[UUID, dict[str, Any]] = {}
    for e in grant_events(call, grant):
        if isinstance(e, Grant.ExpenseReported):
            foreign = None
            if e.foreign is not None:
                foreign = s.ForeignOut(
                    currency=e.foreign.currency,
                    original=e.foreign.original,
                    rate=e.foreign.rate,
                    rate_date=e.foreign.rate_date,
                    rate_source=getattr(e.foreign, "rate_source", ""),
                    rate_warning=e.foreign.rate_warning(e.paid_on, call.office.rate_warning_days),
                )
            found[e.expense_id] = {
                "expense_id": e.expense_id,
                "grant_id": grant.id,
                "budget_line": e.budget_line,
                "paid_on": e.paid_on,
                "payee": e.payee,
                "purpose": e.purpose,
                "receipt_reference": e.receipt_reference,
                "amount": eur(e.euro),
                "foreign": foreign,
                "reversed": False,
                "reversal_reason": None,
            }
        elif isinstance(e, Grant.ExpenseReversed):
            found[e.expense_id].update(reversed=True, reversal_reason=e.reason)
    return {expense_id: s.ExpenseOut(**x) for expense_id, x in found.items()}


def expense(call: Call, grant: Grant, expense_id: UUID) -> s.ExpenseOut:
    found = expenses(call, grant).get(expense_id)
    if found is None:
        raise ApiProblem(404, "not_found", N_("Diese Ausgabe gibt es zu dieser Zuwendung nicht."), field="expense_id")
    return found
