"""The endpoints of ``/api/v1``: reads of the read models and aggregates, and the office's commands.

Who sees what: members of staff (officer, approver, finance, auditor, admin) read everything; an
association member reads programmes (without their balances) and only their own organisation, its
grants, payments, expenses, claims and exports. Anything of another organisation answers **404**,
exactly as if it did not exist, whether it is named in the URL, in a query filter or in the body, so
ids of other organisations' things cannot be probed. A command that the caller's role may not give
answers 403 (the domain decides, with its four-eyes rules, and says why).

Every command returns the resource as it now stands, read after the command (read models caught up).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from decimal import Decimal
from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from domain.dates import FiscalYear, FundingPeriod
from domain.foreign import WEIGHTED_TRANSFERS, ForeignAmount
from domain.idle_money import IdleInterest
from domain.messages import N_
from domain.money import Money
from domain.organisation import address
from domain.payment_run import PaymentRun, end_to_end_id
from domain.plan import BudgetLine, FinancingPlan
from domain.programme import FundingSource
from exports.sepa import DebtorError, StatementError, Transfer
from projections.directory import Directory, programme_summaries
from projections.export_queries import LedgerFilter, programme_year_sums
from projections.journal import Balance, Journal
from projections.payment_runs import PaymentRuns, StatementLine
from projections.web_queries import GrantFilter, GrantKey, grant_list_page
from projections.work_queues import QUEUE_GERMAN, WorkQueues
from web.api import schemas as s
from web.api import views as v
from web.api.framework import STAFF, Call, operation
from web.api.problems import ApiProblem
from web.api.tokens import revoke_api_token
from web.payment_desk import (
    Refusal,
    decide_line,
    import_statement,
    payment_run,
    posting_coordinates,
    release_together,
)
from web.payment_runs import next_business_day

OFFICER, APPROVER, FINANCE, CASHIER, ASSOCIATION, AUDITOR, ADMIN = (
    Role.OFFICER,
    Role.APPROVER,
    Role.FINANCE,
    Role.CASHIER,
    Role.ASSOCIATION,
    Role.AUDITOR,
    Role.ADMIN,
)
ROLE_QUEUES = {
    OFFICER: ("review", "certify", "proof", "claim"),
    APPROVER: ("approve", "amendment", "release", "determine", "relief", "revocation"),
    FINANCE: ("release", "claim"),
    CASHIER: ("book", "claim"),
    AUDITOR: tuple(QUEUE_GERMAN),
    ADMIN: (),
}


# The caller and their tokens ---------------------------------------------------------------------


@operation("GET", "/me", summary="Wer ruft an: Benutzer, Rolle, Organisation, Token", tag="tokens", response=s.Me)
def get_me(call: Call) -> s.Me:
    c = call.caller
    return s.Me(
        user_id=c.user_id,
        name=c.name,
        email=c.email,
        role=c.role.value,  # type: ignore[arg-type]
        role_german=c.role_german,
        organisation_id=c.organisation_id,
        token_id=c.token_id,
    )


def _token(record: Any) -> s.TokenOut:
    return s.TokenOut(
        token_id=record.token_id,
        user_id=record.user_id,
        role=record.role,
        label=record.label,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


@operation("GET", "/tokens", summary="Die eigenen API-Tokens (ohne Geheimnis)", tag="tokens", response=s.TokenList)
def list_tokens(call: Call) -> s.TokenList:
    return s.TokenList(items=[_token(t) for t in call.services.credentials.list_tokens(call.caller.user_id)])


@operation(
    "DELETE",
    "/tokens/{token_id}",
    summary="Ein eigenes API-Token widerrufen (Admins: jedes)",
    tag="tokens",
    response=s.TokenOut,
)
def revoke_token(call: Call) -> s.TokenOut:
    """Revoking the token of the request itself is allowed: it stops working with this answer."""
    record = revoke_api_token(
        call.office, call.services.credentials, call.path["token_id"], "Über die API widerrufen.", call.caller.actor
    )
    return _token(record)


# Programmes and balances -------------------------------------------------------------------------


@operation("GET", "/programmes", summary="Förderprogramme", tag="programmes", response=s.ProgrammeList)
def list_programmes(call: Call) -> s.ProgrammeList:
    """From the register (read model): no aggregate is loaded, the log is not scanned."""
    with call.read() as cursor:
        rows = programme_summaries(cursor)
    return s.ProgrammeList(
        items=[
            s.ProgrammeSummary(
                programme_id=row.programme_id,
                code=row.code,
                title=row.title,
                funding_source=row.funding_source,  # type: ignore[arg-type]
                funding_source_german=FundingSource(row.funding_source).german,
                closed=row.closed,
                fiscal_years=row.fiscal_years,
            )
            for row in rows
        ]
    )


@operation(
    "GET",
    "/programmes/{programme_id}",
    summary="Ein Förderprogramm mit Regelwerk und Salden je Haushaltsjahr",
    tag="programmes",
    query=s.AsOfQuery,
    response=s.ProgrammeDetail,
)
def get_programme(call: Call) -> s.ProgrammeDetail:
    """Balances come from the journal: with ``as_of``, as they stood at the end of that business day."""
    programme = call.office.programme(call.path["programme_id"])
    as_of = call.query.as_of
    balances = None
    if not call.caller.is_member:
        with call.read() as cursor:
            balances = [
                s.BalanceOut(**v.balance_fields(year, Journal.programme_balance(cursor, programme.id, year, as_of)))
                for year in v.programme_years(cursor, programme)
            ]
    return s.ProgrammeDetail(
        **v.programme_summary(programme), rule_set=v.rule_set(programme.rule_set), as_of=as_of, balances=balances
    )


@operation(
    "GET",
    "/balances",
    summary="Salden je Programm und Haushaltsjahr, auch zu einem Stichtag",
    tag="balances",
    roles=STAFF,
    query=s.BalancesQuery,
    response=s.BalanceList,
)
def list_balances(call: Call) -> s.BalanceList:
    """Every programme-year with journal lines, summed in one grouped pass over the journal."""
    q: s.BalancesQuery = call.query
    ledger = LedgerFilter(
        first_year=q.fiscal_year, last_year=q.fiscal_year, programme_id=q.programme_id, as_of_date=q.as_of
    )
    items = []
    with call.read() as cursor:
        names = {row.programme_id: row for row in programme_summaries(cursor, q.programme_id)}
        for (programme_id, year), sums in programme_year_sums(cursor, ledger).items():
            programme = names[programme_id]
            items.append(
                s.ProgrammeYearBalanceOut(
                    programme_id=programme_id,
                    code=programme.code,
                    title=programme.title,
                    **v.balance_fields(year, Balance.from_sums(sums)),
                )
            )
    items.sort(key=lambda item: (item.code, item.fiscal_year))
    return s.BalanceList(as_of=q.as_of, items=items)


# Organisations -----------------------------------------------------------------------------------


def _fingerprint(filters: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _decode(cursor: str | None, filters: dict[str, Any]) -> dict[str, Any]:
    """What a cursor holds (an offset ``o``, a log position ``p`` or a grant key ``k``); a cursor made
    for other filters, or none of ours, is refused (422)."""
    if cursor is None:
        return {}
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or data.get("f") != _fingerprint(filters):
            raise ValueError("filters")
        for name in ("o", "p"):
            value = data.get(name, 0)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**12:
                raise ValueError(name)
        key = data.get("k")
        if key is not None and not (
            isinstance(key, list) and len(key) == 2 and GrantKey.parse(f"{key[0]}_{key[1]}") is not None
        ):
            raise ValueError("k")
    except (ValueError, KeyError, TypeError):
        raise ApiProblem(
            422, "invalid_input", N_("Dieser Cursor passt nicht zu dieser Abfrage."), field="cursor"
        ) from None
    return data


def _encode(filters: dict[str, Any], **place: Any) -> str:
    """An opaque cursor: where the next page starts, bound to the filters of the query."""
    data = json.dumps({**place, "f": _fingerprint(filters)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@operation(
    "GET",
    "/organisations",
    summary="Organisationen (Vereinsmitglieder: nur die eigene)",
    tag="organisations",
    query=s.PageQuery,
    response=s.OrganisationList,
)
def list_organisations(call: Call) -> s.OrganisationList:
    """In the order they were registered; a page continues after the log position of the last one."""
    q: s.PageQuery = call.query
    filters = {"list": "organisations"}
    after = int(_decode(q.cursor, filters).get("p", 0))
    with call.read() as cursor:
        if call.caller.is_member:
            own = Directory.organisation(cursor, call.caller.organisation_id) if call.caller.organisation_id else None
            entries = [own] if own is not None and own.position > after else []
        else:
            entries = Directory.organisations(cursor, after, q.limit + 1)
    more = len(entries) > q.limit
    entries = entries[: q.limit]
    return s.OrganisationList(
        items=[
            s.OrganisationSummary(organisation_id=e.organisation_id, name=e.name, legal_form=e.legal_form)
            for e in entries
        ],
        next_cursor=_encode(filters, p=entries[-1].position) if more else None,
    )


@operation(
    "GET",
    "/organisations/{organisation_id}",
    summary="Eine Organisation mit Anschrift, IBAN und Ansprechpersonen",
    tag="organisations",
    response=s.OrganisationDetail,
)
def get_organisation(call: Call) -> s.OrganisationDetail:
    return v.organisation_detail(v.visible_organisation(call, call.path["organisation_id"]))


@operation(
    "POST",
    "/organisations",
    summary="Eine Organisation registrieren",
    tag="organisations",
    roles=(OFFICER, ADMIN),
    body=s.RegisterOrganisation,
    response=s.OrganisationDetail,
    status=201,
)
def register_organisation(call: Call) -> s.OrganisationDetail:
    b: s.RegisterOrganisation = call.body
    organisation_id = call.office.register_organisation(
        b.name,
        b.legal_form,
        b.register_number,
        address(b.address.street, b.address.postcode, b.address.city, b.address.country),
        b.iban,
        call.caller.actor,
        register_court=b.register_court,
    )
    call.location = f"/api/v1/organisations/{organisation_id}"
    return v.organisation_detail(call.office.organisation(organisation_id))


@operation(
    "POST",
    "/organisations/{organisation_id}/register-entry",
    summary="Registergericht und Registernummer erfassen (z. B. Amtsgericht Dortmund, VR 1234)",
    tag="organisations",
    roles=(OFFICER, ADMIN),
    body=s.RecordRegisterEntry,
    response=s.OrganisationDetail,
)
def record_register_entry(call: Call) -> s.OrganisationDetail:
    b: s.RecordRegisterEntry = call.body
    organisation_id = call.path["organisation_id"]
    call.office.record_register_entry(organisation_id, b.register_court, b.register_number, call.caller.actor)
    return v.organisation_detail(call.office.organisation(organisation_id))


# Grants: reads -----------------------------------------------------------------------------------


@operation(
    "GET",
    "/grants",
    summary="Zuwendungen, neueste Anträge zuerst, seitenweise",
    tag="grants",
    query=s.GrantsQuery,
    response=s.GrantPage,
)
def list_grants(call: Call) -> s.GrantPage:
    """Pages follow ``next_cursor``. The cursor is bound to the filters it was made for."""
    q: s.GrantsQuery = call.query
    organisation_id = q.organisation_id
    if call.caller.is_member:
        if organisation_id is not None and organisation_id != call.caller.organisation_id:
            raise ApiProblem(404, "not_found", N_("Diese Organisation gibt es nicht."), field="organisation_id")
        organisation_id = call.caller.organisation_id
    filters = {"status": q.status, "programme_id": q.programme_id, "organisation_id": organisation_id}
    place = _decode(q.cursor, filters)
    key = place.get("k")
    today = call.today()
    with call.read() as cursor:
        page = grant_list_page(
            cursor,
            today,
            GrantFilter(programme_id=q.programme_id, status=q.status, organisation_id=organisation_id),
            limit=q.limit,
            after=GrantKey(key[0], key[1]) if key else None,
            offset=int(place.get("o", 0)),
        )
    last = page.last
    return s.GrantPage(
        items=[s.GrantSummary(**v.grant_summary_fields(row, today)) for row in page.rows],
        next_cursor=_encode(filters, k=[last.applied_on, last.file_number]) if page.has_next and last else None,
    )


@operation(
    "GET",
    "/grants/{grant_id}",
    summary="Eine Zuwendung: Stand, Beträge, Fristen, Zahlungen, Verlauf",
    tag="grants",
    response=s.GrantDetail,
)
def get_grant(call: Call) -> s.GrantDetail:
    return v.grant_detail(call, v.visible_grant(call, call.path["grant_id"]))


@operation(
    "GET",
    "/grants/{grant_id}/timeline",
    summary="Der Verlauf einer Zuwendung in Klartext",
    tag="grants",
    response=s.TimelineOut,
)
def get_timeline(call: Call) -> s.TimelineOut:
    grant = v.visible_grant(call, call.path["grant_id"])
    with call.read() as cursor:
        return s.TimelineOut(items=v.timeline(cursor, grant.id, call.caller.is_member))


# Grants: application and decision ----------------------------------------------------------------


def _plan(p: s.FinancingPlanIn) -> FinancingPlan:
    return FinancingPlan(
        tuple(BudgetLine(line.code, line.label, Money(line.amount, field="cost_lines")) for line in p.cost_lines),
        own_funds=Money(p.own_funds, field="own_funds"),
        third_party_funds=Money(p.third_party_funds, field="third_party_funds"),
        income=Money(p.income, field="income"),
        grant=Money(p.grant, field="grant"),
        in_kind=Money(p.in_kind, field="in_kind"),
    )


@operation(
    "POST",
    "/grants",
    summary="Eine Zuwendung beantragen (mit Kosten- und Finanzierungsplan)",
    tag="grants",
    roles=(ASSOCIATION, OFFICER),
    body=s.ApplyForGrant,
    response=s.GrantDetail,
    status=201,
)
def apply_for_grant(call: Call) -> s.GrantDetail:
    b: s.ApplyForGrant = call.body
    organisation_id = b.organisation_id
    if call.caller.is_member:
        organisation_id = organisation_id or call.caller.organisation_id
        if b.file_number is not None:
            raise ApiProblem(403, "not_permitted", N_("Das Aktenzeichen vergibt das Amt."), field="file_number")
    if organisation_id is None:
        raise ApiProblem(422, "invalid_input", "organisation_id fehlt.", field="organisation_id")
    v.visible_organisation(call, organisation_id, field="organisation_id")
    grant_id = call.office.apply_for_grant(
        b.programme_id,
        organisation_id,
        b.title,
        b.purpose,
        b.partner_city,
        FundingPeriod(b.period_start, b.period_end),
        b.financing_type,
        _plan(b.plan),
        call.caller.actor,
        project_id=b.project_id,
        contact_person_id=b.contact_person_id,
        on=call.business_date(b.on),
        file_number=b.file_number,
        publish_purpose=b.publish_purpose,
    )
    call.location = f"/api/v1/grants/{grant_id}"
    return v.grant_detail(call, call.office.grant(grant_id))


@operation(
    "POST",
    "/grants/{grant_id}/document-requests",
    summary="Unterlagen nachfordern",
    tag="grants",
    roles=(OFFICER,),
    body=s.RequestDocuments,
    response=s.DocumentRequestOut,
    status=201,
)
def request_documents(call: Call) -> s.DocumentRequestOut:
    grant = v.visible_grant(call, call.path["grant_id"])
    b: s.RequestDocuments = call.body
    request_id = call.office.request_documents(grant.id, b.items, b.due, call.caller.actor, on=b.on)
    return s.DocumentRequestOut(request_id=request_id, grant_id=grant.id, items=b.items.strip(), due=b.due)


@operation(
    "POST",
    "/grants/{grant_id}/document-requests/{request_id}/receipt",
    summary="Nachgeforderte Unterlagen einreichen",
    tag="grants",
    roles=(ASSOCIATION, OFFICER),
    body=s.ReceiveDocuments,
    response=s.GrantDetail,
)
def receive_documents(call: Call) -> s.GrantDetail:
    grant = v.visible_grant(call, call.path["grant_id"])
    b: s.ReceiveDocuments = call.body
    call.office.receive_documents(
        grant.id, call.path["request_id"], b.note, call.caller.actor, on=call.business_date(b.on)
    )
    return v.grant_detail(call, call.office.grant(grant.id))


def _grant_command(call: Call, run: Any) -> s.GrantDetail:
    grant = v.visible_grant(call, call.path["grant_id"])
    run(grant.id, call.caller.actor)
    return v.grant_detail(call, call.office.grant(grant.id))


@operation(
    "POST",
    "/grants/{grant_id}/review",
    summary="Den Antrag prüfen (formal und inhaltlich)",
    tag="grants",
    roles=(OFFICER,),
    body=s.ReviewApplication,
    response=s.GrantDetail,
)
def review_application(call: Call) -> s.GrantDetail:
    b: s.ReviewApplication = call.body
    return _grant_command(
        call, lambda g, a: call.office.review_application(g, b.formal_ok, b.substantive_ok, b.notes, a, on=b.on)
    )


@operation(
    "POST",
    "/grants/{grant_id}/approval",
    summary="Bewilligen (bindet die Mittel im Programm)",
    tag="grants",
    roles=(APPROVER,),
    body=s.ApproveGrant,
    response=s.GrantDetail,
)
def approve_grant(call: Call) -> s.GrantDetail:
    """Refused with 409 ``over_budget`` when the programme's fiscal-year budget does not cover the amount."""
    b: s.ApproveGrant = call.body
    terms: dict[str, Any] = {"conditions": b.conditions}
    if b.financing_type is not None:
        terms["financing_type"] = b.financing_type
    if b.rate is not None:
        terms["rate"] = b.rate
    if b.maximum is not None:
        terms["maximum"] = Money(b.maximum, field="maximum")
    if b.year_split is not None:
        terms["year_split"] = {FiscalYear(int(y)): Money(a, field="year_split") for y, a in b.year_split.items()}
    if b.proof_due is not None:
        terms["proof_due"] = b.proof_due
    if b.unit_rate is not None or b.units is not None:
        terms["unit_rate"] = Money(b.unit_rate, field="unit_rate") if b.unit_rate is not None else None
        terms.update(units=b.units, unit_label=b.unit_label)
    if b.earmark_years is not None:
        terms["earmark_years"] = b.earmark_years
    amount = Money(b.amount, field="amount")
    return _grant_command(call, lambda g, a: call.office.approve_grant(g, amount, a, on=b.on, **terms))


@operation(
    "POST",
    "/grants/{grant_id}/rejection",
    summary="Den Antrag ablehnen",
    tag="grants",
    roles=(APPROVER, OFFICER),
    body=s.Decision,
    response=s.GrantDetail,
)
def reject_application(call: Call) -> s.GrantDetail:
    b: s.Decision = call.body
    return _grant_command(call, lambda g, a: call.office.reject_application(g, b.reason, a, on=b.on))


@operation(
    "POST",
    "/grants/{grant_id}/withdrawal",
    summary="Den Antrag zurückziehen",
    tag="grants",
    roles=(ASSOCIATION, OFFICER),
    body=s.Decision,
    response=s.GrantDetail,
)
def withdraw_application(call: Call) -> s.GrantDetail:
    b: s.Decision = call.body
    on = call.business_date(b.on)
    return _grant_command(call, lambda g, a: call.office.withdraw_application(g, b.reason, a, on=on))


# Grants: payments --------------------------------------------------------------------------------


@operation(
    "GET",
    "/grants/{grant_id}/payments",
    summary="Die Mittelabrufe einer Zuwendung",
    tag="payments",
    response=s.PaymentList,
)
def list_payments(call: Call) -> s.PaymentList:
    grant = v.visible_grant(call, call.path["grant_id"])
    return s.PaymentList(items=list(v.payments(call, grant).values()))


@operation(
    "POST",
    "/grants/{grant_id}/payments",
    summary="Mittel abrufen (Bedarfe mit Fälligkeit)",
    tag="payments",
    roles=(ASSOCIATION, OFFICER),
    body=s.RequestPayment,
    response=s.PaymentOut,
    status=201,
)
def request_payment(call: Call) -> s.PaymentOut:
    grant = v.visible_grant(call, call.path["grant_id"])
    b: s.RequestPayment = call.body
    needs = [{"due": n.due, "amount": Money(n.amount, field="needs"), "description": n.description} for n in b.needs]
    payment_id = call.office.request_payment(grant.id, needs, b.purpose, call.caller.actor, on=call.business_date(b.on))
    call.location = f"/api/v1/grants/{grant.id}/payments/{payment_id}"
    return v.payment(call, call.office.grant(grant.id), payment_id)


@operation(
    "GET", "/grants/{grant_id}/payments/{payment_id}", summary="Ein Mittelabruf", tag="payments", response=s.PaymentOut
)
def get_payment(call: Call) -> s.PaymentOut:
    return v.payment(call, v.visible_grant(call, call.path["grant_id"]), call.path["payment_id"])


def _payment_command(call: Call, run: Any) -> s.PaymentOut:
    grant = v.visible_grant(call, call.path["grant_id"])
    payment_id = call.path["payment_id"]
    v.payment(call, grant, payment_id)  # 404 for a payment of another grant
    run(grant.id, payment_id, call.caller.actor)
    return v.payment(call, call.office.grant(grant.id), payment_id)


@operation(
    "POST",
    "/grants/{grant_id}/payments/{payment_id}/certification",
    summary="Zahlung feststellen (sachlich und rechnerisch richtig)",
    tag="payments",
    roles=(OFFICER,),
    body=s.Dated,
    response=s.PaymentOut,
)
def certify_payment(call: Call) -> s.PaymentOut:
    b: s.Dated = call.body
    return _payment_command(call, lambda g, p, a: call.office.certify_payment(g, p, a, on=b.on))


@operation(
    "POST",
    "/grants/{grant_id}/payments/{payment_id}/release",
    summary="Zahlung freigeben (zweites Augenpaar)",
    tag="payments",
    roles=(FINANCE, APPROVER),
    body=s.Dated,
    response=s.PaymentOut,
)
def release_payment(call: Call) -> s.PaymentOut:
    b: s.Dated = call.body
    return _payment_command(call, lambda g, p, a: call.office.release_payment(g, p, a, on=b.on))


@operation(
    "POST",
    "/grants/{grant_id}/payments/{payment_id}/booking",
    summary="Auszahlung mit Wertstellung buchen (Stadtkasse, nie wer sie freigegeben hat)",
    tag="payments",
    roles=(CASHIER,),
    body=s.BookPayment,
    response=s.PaymentOut,
)
def book_payment(call: Call) -> s.PaymentOut:
    b: s.BookPayment = call.body
    return _payment_command(call, lambda g, p, a: call.office.book_payment(g, p, b.value_date, a))


@operation(
    "POST",
    "/grants/{grant_id}/payments/{payment_id}/cancellation",
    summary="Einen Abruf stornieren",
    tag="payments",
    roles=(ASSOCIATION, OFFICER, FINANCE),
    body=s.Decision,
    response=s.PaymentOut,
)
def cancel_payment(call: Call) -> s.PaymentOut:
    b: s.Decision = call.body
    on = call.business_date(b.on)
    return _payment_command(call, lambda g, p, a: call.office.cancel_payment(g, p, b.reason, a, on=on))


# Grants: spending, proofs, final amount ------------------------------------------------------------


@operation(
    "GET",
    "/grants/{grant_id}/expenses",
    summary="Die gemeldeten Ausgaben (Belege) einer Zuwendung",
    tag="expenses",
    response=s.ExpenseList,
)
def list_expenses(call: Call) -> s.ExpenseList:
    grant = v.visible_grant(call, call.path["grant_id"])
    spent = grant.spent_per_line() if grant.terms is not None else {}
    return s.ExpenseList(
        items=list(v.expenses(call, grant).values()), spent_per_line={k: v.eur(m) for k, m in spent.items()}
    )


@operation(
    "POST",
    "/grants/{grant_id}/expenses",
    summary="Eine Ausgabe melden (auch in Fremdwährung)",
    tag="expenses",
    roles=(ASSOCIATION, OFFICER),
    body=s.ReportExpense,
    response=s.ExpenseOut,
    status=201,
)
def report_expense(call: Call) -> s.ExpenseOut:
    grant = v.visible_grant(call, call.path["grant_id"])
    b: s.ReportExpense = call.body
    if b.foreign is not None:
        f = b.foreign
        amount: Money | ForeignAmount
        if f.rate_source == WEIGHTED_TRANSFERS:
            amount = call.office.weighted_foreign(grant.id, f.currency, f.original)
        elif f.rate is None or f.rate_date is None:
            raise ApiProblem(
                422,
                "invalid_input",
                N_("Kurs und Kursdatum fehlen (nur der gewichtete Kurs kommt ohne aus)."),
                field="rate",
            )
        else:
            amount = ForeignAmount.convert(f.currency, f.original, f.rate, f.rate_date, f.rate_source or "")
    else:
        assert b.amount is not None
        amount = Money(b.amount, field="amount")
    expense_id = call.office.report_expense(
        grant.id, b.budget_line, b.paid_on, b.payee, b.purpose, amount, b.receipt_reference, call.caller.actor
    )
    call.location = f"/api/v1/grants/{grant.id}/expenses/{expense_id}"
    return v.expense(call, call.office.grant(grant.id), expense_id)


@operation(
    "GET",
    "/grants/{grant_id}/expenses/{expense_id}",
    summary="Eine gemeldete Ausgabe",
    tag="expenses",
    response=s.ExpenseOut,
)
def get_expense(call: Call) -> s.ExpenseOut:
    return v.expense(call, v.visible_grant(call, call.path["grant_id"]), call.path["expense_id"])


@operation(
    "POST",
    "/grants/{grant_id}/expenses/{expense_id}/reversal",
    summary="Eine Ausgabe stornieren (mit Begründung)",
    tag="expenses",
    roles=(ASSOCIATION, OFFICER),
    body=s.ReverseExpense,
    response=s.ExpenseOut,
)
def reverse_expense(call: Call) -> s.ExpenseOut:
    grant = v.visible_grant(call, call.path["grant_id"])
    expense_id = call.path["expense_id"]
    v.expense(call, grant, expense_id)
    call.office.reverse_expense(grant.id, expense_id, call.body.reason, call.caller.actor)
    return v.expense(call, call.office.grant(grant.id), expense_id)


_CSV_COLUMNS = (
    "Belegnummer",
    "Zahlungsdatum",
    "Zahlungsempfänger",
    "Zweck",
    "Kostenposition",
    "Betrag EUR",
    "Währung",
    "Originalbetrag",
    "Kurs",
    "Kursdatum",
    "Storniert",
    "Stornogrund",
)


def _cell(text: str) -> str:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@operation(
    "GET",
    "/grants/{grant_id}/exports/expenses.csv",
    summary="Belegliste als CSV (UTF-8, Komma, Punkt als Dezimalzeichen)",
    tag="expenses",
    response=None,
    media_type="text/csv",
)
def export_expenses(call: Call) -> Response:
    grant = v.visible_grant(call, call.path["grant_id"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for x in v.expenses(call, grant).values():
        f = x.foreign
        writer.writerow(
            [
                _cell(x.receipt_reference),
                x.paid_on.isoformat(),
                _cell(x.payee),
                _cell(x.purpose),
                x.budget_line,
                f"{x.amount:.2f}",
                f.currency if f else "",
                format(f.original, "f") if f else "",
                format(f.rate, "f") if f else "",
                f.rate_date.isoformat() if f else "",
                "ja" if x.reversed else "nein",
                _cell(x.reversal_reason or ""),
            ]
        )
    filename = f"belegliste-{grant.file_number}.csv".replace('"', "")
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@operation(
    "POST",
    "/grants/{grant_id}/interim-proofs",
    summary="Zwischennachweis für ein Haushaltsjahr einreichen",
    tag="proofs",
    roles=(ASSOCIATION, OFFICER),
    body=s.InterimProof,
    response=s.GrantDetail,
)
def submit_interim_proof(call: Call) -> s.GrantDetail:
    b: s.InterimProof = call.body
    on = call.business_date(b.on)
    return _grant_command(call, lambda g, a: call.office.submit_interim_proof(g, b.fiscal_year, b.report, a, on=on))


@operation(
    "POST",
    "/grants/{grant_id}/early-start",
    summary="Dem vorzeitigen Maßnahmebeginn zustimmen: Ausgaben zählen ab dem genannten Tag",
    tag="grants",
    roles=(APPROVER,),
    body=s.EarlyStart,
    response=s.GrantDetail,
)
def approve_early_start(call: Call) -> s.GrantDetail:
    """Refused with 409 ``four_eyes`` for whoever recorded the application."""
    b: s.EarlyStart = call.body
    on = call.business_date(b.on)
    return _grant_command(call, lambda g, a: call.office.approve_early_start(g, b.start_on, b.reason, a, on=on))


@operation(
    "POST",
    "/grants/{grant_id}/transfers-abroad",
    summary="Eine Überweisung an den Partner im Ausland erfassen (für den gewichteten Kurs seiner Belege)",
    tag="expenses",
    roles=(ASSOCIATION, OFFICER),
    body=s.TransferAbroad,
    response=s.GrantDetail,
    status=201,
)
def record_transfer_abroad(call: Call) -> s.GrantDetail:
    b: s.TransferAbroad = call.body
    on = call.business_date(b.on)
    euro = Money(b.euro, field="euro")
    return _grant_command(
        call,
        lambda g, a: call.office.record_transfer_abroad(
            g, euro, b.currency, b.received, b.value_date, b.recipient, a, on=on
        ),
    )


@operation(
    "POST",
    "/grants/{grant_id}/items",
    summary="Einen Gegenstand über der Wertgrenze erfassen (mit seiner Zweckbindungsfrist laut Bescheid)",
    tag="proofs",
    roles=(ASSOCIATION, OFFICER),
    body=s.RecordItem,
    response=s.GrantDetail,
    status=201,
)
def record_item(call: Call) -> s.GrantDetail:
    """Refused with 422 ``rule_violation`` (field ``value``) below the value limit."""
    b: s.RecordItem = call.body
    on = call.business_date(b.on)
    value = Money(b.value, field="value")
    return _grant_command(
        call,
        lambda g, a: call.office.record_item(g, b.description, b.acquired_on, value, a, on=on, expense_id=b.expense_id),
    )


@operation(
    "POST",
    "/grants/{grant_id}/items/{item_id}/disposal",
    summary="Den Abgang eines Gegenstands erfassen; vor Ablauf der Zweckbindung ein Grund zum Widerruf",
    tag="proofs",
    roles=(ASSOCIATION, OFFICER),
    body=s.RecordDisposal,
    response=s.GrantDetail,
)
def record_disposal(call: Call) -> s.GrantDetail:
    b: s.RecordDisposal = call.body
    on = call.business_date(b.on)
    item_id = call.path["item_id"]
    return _grant_command(call, lambda g, a: call.office.record_disposal(g, item_id, b.disposed_on, b.how, a, on=on))


@operation(
    "POST",
    "/grants/{grant_id}/purpose-fulfilled",
    summary="Zweckerfüllung vermerken: der Verwendungsnachweis ist sechs Monate später fällig",
    tag="proofs",
    roles=(ASSOCIATION, OFFICER),
    body=s.PurposeFulfilled,
    response=s.GrantDetail,
)
def record_purpose_fulfilled(call: Call) -> s.GrantDetail:
    b: s.PurposeFulfilled = call.body
    on = call.business_date(b.on)
    return _grant_command(call, lambda g, a: call.office.record_purpose_fulfilled(g, b.fulfilled_on, a, on=on))


@operation(
    "POST",
    "/grants/{grant_id}/proof-of-use",
    summary="Den Verwendungsnachweis einreichen",
    tag="proofs",
    roles=(ASSOCIATION, OFFICER),
    body=s.SubmitProofOfUse,
    response=s.GrantDetail,
)
def submit_proof_of_use(call: Call) -> s.GrantDetail:
    b: s.SubmitProofOfUse = call.body
    on = call.business_date(b.on)
    own, third, income = Money(b.own_funds), Money(b.third_party_funds), Money(b.income)
    return _grant_command(
        call,
        lambda g, a: call.office.submit_proof_of_use(
            g, b.report, own, third, income, a, on=on, units_delivered=b.units_delivered
        ),
    )


@operation(
    "POST",
    "/grants/{grant_id}/proof-of-use/simple",
    summary="Einen einfachen Verwendungsnachweis einreichen (Sachbericht und Summen je Kostenposition, ohne Belege)",
    tag="proofs",
    roles=(ASSOCIATION, OFFICER),
    body=s.SubmitSimpleProofOfUse,
    response=s.GrantDetail,
)
def submit_simple_proof_of_use(call: Call) -> s.GrantDetail:
    """Refused with 422 ``rule_violation`` (field ``simple``) where the rule set wants receipts."""
    b: s.SubmitSimpleProofOfUse = call.body
    on = call.business_date(b.on)
    own, third, income = Money(b.own_funds), Money(b.third_party_funds), Money(b.income)
    costs = {code: Money(amount, field="actual_costs") for code, amount in b.actual_costs.items()}
    return _grant_command(
        call,
        lambda g, a: call.office.submit_proof_of_use(
            g, b.report, own, third, income, a, on=on, units_delivered=b.units_delivered, summary_costs=costs
        ),
    )


@operation(
    "POST",
    "/grants/{grant_id}/proof-of-use/review",
    summary="Den Verwendungsnachweis prüfen (Prüfvermerk)",
    tag="proofs",
    roles=(OFFICER,),
    body=s.ReviewProofOfUse,
    response=s.GrantDetail,
)
def review_proof_of_use(call: Call) -> s.GrantDetail:
    b: s.ReviewProofOfUse = call.body
    recognised = {code: Money(amount, field="recognised_costs") for code, amount in b.recognised_costs.items()}
    actual = {
        name: Money(getattr(b, name), field=name)
        for name in ("own_funds", "third_party_funds", "income")
        if getattr(b, name) is not None
    }
    return _grant_command(
        call,
        lambda g, a: call.office.review_proof_of_use(
            g,
            recognised,
            b.cut_reasons,
            b.notes,
            a,
            on=b.on,
            condition_occurred_on=b.condition_occurred_on,
            recognised_units=b.recognised_units,
            **actual,
        ),
    )


@operation(
    "POST",
    "/grants/{grant_id}/final-amount",
    summary="Schlussfestsetzung (eine Überzahlung wird Rückforderung)",
    tag="proofs",
    roles=(APPROVER,),
    body=s.Dated,
    response=s.GrantDetail,
)
def determine_final_amount(call: Call) -> s.GrantDetail:
    b: s.Dated = call.body
    return _grant_command(call, lambda g, a: call.office.determine_final_amount(g, a, on=b.on))


@operation(
    "POST",
    "/grants/{grant_id}/revocation-proposal",
    summary="Einen Widerruf vorbereiten (Kenntnis der Tatsachen, Anhörung; Jahresfrist wird geprüft)",
    tag="proofs",
    roles=(OFFICER, APPROVER),
    body=s.ProposeRevocation,
    response=s.GrantDetail,
)
def propose_revocation(call: Call) -> s.GrantDetail:
    b: s.ProposeRevocation = call.body
    remaining = Money(b.remaining_amount, field="remaining_amount")
    return _grant_command(
        call,
        lambda g, a: call.office.propose_revocation(
            g, remaining, b.effective_on, b.facts_known_on, b.heard_on, b.reason, a, on=b.on
        ),
    )


@operation(
    "POST",
    "/grants/{grant_id}/revocation",
    summary="Über den vorbereiteten Widerruf entscheiden (eine andere Person; Überzahlung wird Rückforderung)",
    tag="proofs",
    roles=(APPROVER,),
    body=s.DecideRevocation,
    response=s.GrantDetail,
)
def decide_revocation(call: Call) -> s.GrantDetail:
    b: s.DecideRevocation = call.body
    return _grant_command(call, lambda g, a: call.office.decide_revocation(g, b.approve, b.reason, a, on=b.on))


@operation(
    "GET",
    "/grants/{grant_id}/idle-interest",
    summary="Zinsen für nicht alsbald verwendete Mittel berechnen (§ 49a Abs. 4 VwVfG NRW; zeichnet nichts auf; "
    "der Verein sieht die eigene Berechnung)",
    tag="proofs",
    roles=(*STAFF, ASSOCIATION),
    query=s.IdleInterestQuery,
    response=s.IdleInterestOut,
)
def get_idle_interest(call: Call) -> s.IdleInterestOut:
    grant = v.visible_grant(call, call.path["grant_id"])
    on = call.query.on or call.today()
    if grant.terms is None:  # not granted: nothing was paid out
        return v.idle_interest(grant, IdleInterest(on, "", ()))
    return v.idle_interest(grant, call.office.idle_interest(grant.id, on=on))


@operation(
    "POST",
    "/grants/{grant_id}/idle-interest",
    summary="Über die Zinsen für nicht alsbald verwendete Mittel entscheiden (Ermessen; eine Forderung folgt)",
    tag="proofs",
    roles=(OFFICER,),
    body=s.DecideIdleInterest,
    response=s.GrantDetail,
)
def decide_idle_interest(call: Call) -> s.GrantDetail:
    b: s.DecideIdleInterest = call.body
    amount = Money(b.amount, field="amount")
    return _grant_command(call, lambda g, a: call.office.decide_idle_interest(g, amount, b.reason, a, on=b.on))


@operation(
    "POST",
    "/grants/{grant_id}/closure",
    summary="Die Zuwendung abschließen (gibt ungenutzte Mittel frei)",
    tag="proofs",
    roles=(OFFICER, APPROVER),
    body=s.Dated,
    response=s.GrantDetail,
)
def close_grant(call: Call) -> s.GrantDetail:
    b: s.Dated = call.body
    return _grant_command(call, lambda g, a: call.office.close_grant(g, a, on=b.on))


# Claims ------------------------------------------------------------------------------------------


@operation(
    "GET", "/claims/{claim_id}", summary="Eine Rückforderung mit Zinsen bis heute", tag="claims", response=s.ClaimOut
)
def get_claim(call: Call) -> s.ClaimOut:
    found = v.visible_claim(call, call.path["claim_id"])
    return v.claim(found, call.today(), call.office.interest_table())


@operation(
    "POST",
    "/claims/{claim_id}/repayments",
    summary="Eine Rückzahlung buchen (Stadtkasse; zuerst auf die Zinsen)",
    tag="claims",
    roles=(CASHIER,),
    body=s.ReceiveRepayment,
    response=s.ClaimOut,
)
def receive_repayment(call: Call) -> s.ClaimOut:
    found = v.visible_claim(call, call.path["claim_id"])
    b: s.ReceiveRepayment = call.body
    call.office.receive_repayment(found.id, Money(b.amount, field="amount"), b.value_date, call.caller.actor)
    return v.claim(call.office.claim(found.id), call.today(), call.office.interest_table())


@operation(
    "POST",
    "/claims/{claim_id}/relief-proposals",
    summary="Stundung, Niederschlagung, Erlass (ganz oder teilweise) oder Zinsverzicht vorschlagen",
    tag="claims",
    roles=(OFFICER, FINANCE),
    body=s.ProposeRelief,
    response=s.ClaimOut,
)
def propose_claim_relief(call: Call) -> s.ClaimOut:
    found = v.visible_claim(call, call.path["claim_id"])
    b: s.ProposeRelief = call.body
    amount = Money(b.amount, field="amount") if b.amount is not None else None
    actor = call.caller.actor
    call.office.propose_claim_relief(found.id, b.kind, b.reason, actor, until=b.until, on=b.on, amount=amount)
    return v.claim(call.office.claim(found.id), call.today(), call.office.interest_table())


@operation(
    "POST",
    "/claims/{claim_id}/relief-decisions",
    summary="Über den Vorschlag entscheiden (nie die vorschlagende Person; Wertgrenzen der Dienstanweisung)",
    tag="claims",
    roles=(APPROVER, FINANCE),
    body=s.DecideRelief,
    response=s.ClaimOut,
)
def decide_claim_relief(call: Call) -> s.ClaimOut:
    found = v.visible_claim(call, call.path["claim_id"])
    b: s.DecideRelief = call.body
    call.office.decide_claim_relief(found.id, b.approve, b.reason, call.caller.actor, on=b.on)
    return v.claim(call.office.claim(found.id), call.today(), call.office.interest_table())


# Payment runs and bank statements ----------------------------------------------------------------

RUN_READERS = (FINANCE, CASHIER, AUDITOR, ADMIN, APPROVER)  # as the page /kaemmerei/zahlungslauf
RELEASERS = (FINANCE, APPROVER)


def _payable(p: Any, coordinates: dict[tuple[UUID, int], str]) -> s.PayableOut:
    transfer = Transfer(end_to_end_id(p.payment_id), p.organisation_name, p.iban, p.amount, p.purpose_line)
    return s.PayableOut(
        payment_id=p.payment_id,
        grant_id=p.grant_id,
        file_number=p.file_number,
        payee=p.organisation_name,
        iban=p.iban,
        bic=transfer.bic or "",
        amount=v.eur(p.amount),
        due_on=p.due_on,
        purpose_line=p.purpose_line,
        posting=coordinates.get((p.programme_id, p.fiscal_year), ""),
        certified_by=p.certified_by_name,
        end_to_end_id=transfer.end_to_end_id,
        status=p.status,
    )


@operation(
    "GET",
    "/payment-runs/payable",
    summary="Festgestellte Zahlungen zur Freigabe (oder freigegebene ohne Zahlungslauf)",
    tag="payment-runs",
    roles=RUN_READERS,
    query=s.PayableQuery,
    response=s.PayableList,
)
def list_payable(call: Call) -> s.PayableList:
    """Payee, IBAN and BIC, amount, due date, purpose line, posting coordinates and who certified."""
    with call.read() as cursor:
        payments = PaymentRuns.payments(cursor, call.query.status, limit=1000)
        coordinates = posting_coordinates(cursor)
    if call.query.status == "released":
        payments = [p for p in payments if p.run_id is None]
    return s.PayableList(items=[_payable(p, coordinates) for p in payments])


def _run(run: PaymentRun, refused: list[Refusal] | None = None) -> s.RunOut:
    return s.RunOut(
        run_id=run.id,
        execution_date=run.execution_date,
        file_name=run.file_name,
        sha256=run.file_sha256,
        message_id=run.message_id,
        total=v.eur(Money(Decimal(run.total_cents) / 100)),
        payments=[
            s.RunPaymentOut(
                payment_id=UUID(item["payment_id"]),
                grant_id=UUID(item["grant_id"]),
                end_to_end_id=item["end_to_end_id"],
                file_number=item["file_number"],
                payee=item["payee"],
                iban=item["iban"],
                bic=item["bic"],
                amount=v.eur(Money(Decimal(int(item["cents"])) / 100)),
                purpose=item["purpose"],
            )
            for item in run.payments
        ],
        refused=[
            s.RefusalOut(payment_id=r.payment_id, file_number=r.file_number, reason=r.reason) for r in refused or []
        ],
    )


@operation(
    "GET",
    "/payment-runs",
    summary="Die Zahlungsläufe, neueste zuerst",
    tag="payment-runs",
    roles=RUN_READERS,
    response=s.RunList,
)
def list_payment_runs(call: Call) -> s.RunList:
    with call.read() as cursor:
        runs = PaymentRuns.runs(cursor, limit=200)
    return s.RunList(
        items=[
            s.RunSummaryOut(
                run_id=r.run_id,
                execution_date=r.execution_date,
                count=r.count,
                total=v.eur(r.total),
                file_name=r.file_name,
                sha256=r.sha256,
            )
            for r in runs
        ]
    )


@operation(
    "POST",
    "/payment-runs",
    summary="Zahlungen gemeinsam freigeben: ein Zahlungslauf mit SEPA-Datei (pain.001)",
    tag="payment-runs",
    roles=RELEASERS,
    body=s.ReleaseTogether,
    response=s.RunOut,
    status=201,
)
def release_payment_run(call: Call) -> s.RunOut:
    """Each payment is released on its own (four eyes: one the caller certified or requested is refused and
    listed in ``refused`` while the others go ahead). Nothing released at all answers 409 with the reasons;
    without the city's account (``FOERDERBUCH_SEPA_DEBTOR_*``) 409 ``sepa_account_missing`` and nothing is
    released."""
    b: s.ReleaseTogether = call.body
    payer = call.request.app.state.config.sepa_debtor
    execution_date = b.execution_date or next_business_day(call.today())
    try:
        result = release_together(call.office, call.read, call.caller.actor, b.payment_ids, execution_date, payer)
    except DebtorError as error:
        raise ApiProblem(409, "sepa_account_missing", str(error)) from None
    if result.run_id is None:
        raise ApiProblem(409, "nothing_released", result.notice())
    run = payment_run(call.office, result.run_id)
    assert run is not None
    call.location = f"/api/v1/payment-runs/{run.id}"
    return _run(run, result.refused)


def _visible_run(call: Call) -> PaymentRun:
    run = payment_run(call.office, call.path["run_id"])
    if run is None:
        raise ApiProblem(404, "not_found", N_("Diesen Zahlungslauf gibt es nicht."), field="run_id")
    return run


@operation(
    "GET",
    "/payment-runs/{run_id}",
    summary="Ein Zahlungslauf mit seinen Zahlungen",
    tag="payment-runs",
    roles=RUN_READERS,
    response=s.RunOut,
)
def get_payment_run(call: Call) -> s.RunOut:
    return _run(_visible_run(call))


@operation(
    "GET",
    "/payment-runs/{run_id}/file",
    summary="Die SEPA-Datei des Zahlungslaufs (pain.001.001.09), wie sie im Protokoll steht",
    tag="payment-runs",
    roles=RUN_READERS,
    response=None,
    media_type="application/xml",
)
def get_payment_run_file(call: Call) -> Response:
    run = _visible_run(call)
    return Response(
        run.file_text.encode("utf-8"),
        media_type="application/xml",
        headers={"content-disposition": f'attachment; filename="{run.file_name}"', "x-sha256": run.file_sha256},
    )


def _line(line: StatementLine) -> s.StatementLineOut:
    return s.StatementLineOut(
        statement_id=line.statement_id,
        index=line.index,
        outcome=line.outcome,  # type: ignore[arg-type]  # an outcome the import wrote, checked by pydantic
        amount=v.eur(line.amount),
        value_date=line.value_date,
        end_to_end_id=line.end_to_end_id,
        reason=line.reason,
        file_number=line.file_number,
        grant_id=line.grant_id,
        remittance=line.remittance,
        counterparty=line.counterparty,
    )


@operation(
    "POST",
    "/bank-statements",
    summary="Einen Kontoauszug (camt.053) einlesen: Überweisungen buchen, den Rest zur Entscheidung",
    tag="payment-runs",
    roles=(CASHIER,),
    body=s.ImportStatement,
    response=s.StatementOut,
)
def import_bank_statement(call: Call) -> s.StatementOut:
    """The same file a second time changes nothing (``duplicate``: true)."""
    b: s.ImportStatement = call.body
    try:
        content = base64.b64decode(b.content_base64, validate=True)
    except ValueError:
        raise ApiProblem(422, "invalid_input", N_("content_base64 ist kein Base64."), field="content_base64") from None
    try:
        result = import_statement(call.office, call.read, call.caller.actor, content, b.file_name)
    except StatementError as error:
        raise ApiProblem(422, "invalid_statement", str(error), field="content_base64") from None
    statement_id, reference = result["id"], result["statement_id"]
    return s.StatementOut(
        statement_id=statement_id,
        bank_statement_id=reference,
        duplicate=result["duplicate"],
        booked=[_line(StatementLine.of_record(statement_id, reference, line)) for line in result["booked"]],
        open=[_line(StatementLine.of_record(statement_id, reference, line)) for line in result["open"]],
    )


@operation(
    "GET",
    "/bank-statements/open-lines",
    summary="Posten der Kontoauszüge, die auf eine Entscheidung warten",
    tag="payment-runs",
    roles=RUN_READERS,
    response=s.StatementLineList,
)
def list_open_statement_lines(call: Call) -> s.StatementLineList:
    return _open_lines(call)


def _open_lines(call: Call) -> s.StatementLineList:
    with call.read() as cursor:
        lines = PaymentRuns.open_lines(cursor, limit=1000)
    return s.StatementLineList(items=[_line(line) for line in lines])


def _decide(call: Call, decision: str, reason: str = "") -> s.StatementLineList:
    decide_line(call.office, call.caller.actor, call.path["statement_id"], call.path["line"], decision, reason)
    return _open_lines(call)


@operation(
    "POST",
    "/bank-statements/{statement_id}/lines/{line}/return",
    summary="Einen Rücklauf buchen: Geld auf seiner Zahlung zurück, mit dem Rückgabegrund (Stadtkasse)",
    tag="payment-runs",
    roles=(CASHIER,),
    response=s.StatementLineList,
)
def book_statement_return(call: Call) -> s.StatementLineList:
    """Answers with the lines still open."""
    return _decide(call, "return")


@operation(
    "POST",
    "/bank-statements/{statement_id}/lines/{line}/repayment",
    summary="Eine vorgeschlagene Rückzahlung auf der Rückforderung buchen (Stadtkasse)",
    tag="payment-runs",
    roles=(CASHIER,),
    response=s.StatementLineList,
)
def book_statement_repayment(call: Call) -> s.StatementLineList:
    """Answers with the lines still open."""
    return _decide(call, "repayment")


@operation(
    "POST",
    "/bank-statements/{statement_id}/lines/{line}/set-aside",
    summary="Einen Posten ohne Buchung als erledigt vermerken, mit Begründung (Stadtkasse)",
    tag="payment-runs",
    roles=(CASHIER,),
    body=s.SetLineAside,
    response=s.StatementLineList,
)
def set_statement_line_aside(call: Call) -> s.StatementLineList:
    b: s.SetLineAside = call.body
    return _decide(call, "set_aside", b.reason)


# Work queue --------------------------------------------------------------------------------------


@operation(
    "GET",
    "/work-queue",
    summary="Was auf mich wartet (nach Rolle; Vier-Augen-Ausschlüsse beachtet)",
    tag="grants",
    roles=STAFF,
    query=s.WorkQueueQuery,
    response=s.WorkQueueOut,
)
def get_work_queue(call: Call) -> s.WorkQueueOut:
    queues = ROLE_QUEUES[call.caller.role]
    if call.query.queue is not None:
        queues = tuple(q for q in queues if q == call.query.queue)
    items = []
    if queues:
        with call.read() as cursor:
            items = WorkQueues.items(cursor, call.caller.user_id, *queues)
    return s.WorkQueueOut(
        items=[
            s.WorkItemOut(
                queue=i.queue,  # type: ignore[arg-type]  # a queue name from the read model, checked by pydantic
                queue_german=i.queue_german,
                item_id=i.item_id,
                grant_id=i.grant_id,
                file_number=i.file_number,
                title=i.title,
                organisation_name=i.organisation_name,
                amount=v.eur(i.amount),
                since=i.since,
                detail=i.detail,
            )
            for i in items
        ]
    )


# The OpenAPI document ----------------------------------------------------------------------------


@operation(
    "GET",
    "/openapi.json",
    summary="Dieses OpenAPI-3.1-Dokument (ohne Token)",
    tag="meta",
    roles=None,
    response=None,
)
def get_openapi(request: Request) -> Response:
    from web.api.openapi import openapi_document

    return Response(json.dumps(openapi_document(), ensure_ascii=False), media_type="application/json")
