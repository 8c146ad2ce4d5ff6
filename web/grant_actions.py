"""Every command on a grant as a form: which role sees it, in which state, with which fields, and what it does.

An ``Action`` describes one form of the grant page: its fields (label, kind, default), the roles that
are offered it, when it applies (the grant's or the payment's state), and a four-eyes note shown
instead of the form to the person who may not do it (whoever reviewed an application sees why they
cannot approve it, rather than a button that would fail). ``run`` reads the submitted fields with a
``FormReader`` and calls the ``FundingOffice``; the page endpoint turns a ``DomainError`` into a
message next to the field it names, keeping what the person typed.

Actions work on the grant as a whole, or on one of its payments, expenses or claims (``scope``); those
are shown in the row of their table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from domain.actors import Role
from domain.application import FundingOffice
from domain.claim import OPEN as CLAIM_OPEN
from domain.claim import RELIEF_KINDS, Claim
from domain.dates import FundingPeriod
from domain.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    DomainError,
    FourEyesError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    OverBudgetError,
    StoreBusyError,
)
from domain.foreign import RATE_SOURCES, WEIGHTED_TRANSFERS, ForeignAmount
from domain.grant import (
    AFTER_AWARD,
    APPLIED,
    APPROVED,
    BOOKED,
    CERTIFIED,
    DETERMINED,
    DOCUMENTS_REQUESTED,
    PROOF_REVIEWED,
    PROOF_SUBMITTED,
    RELEASED,
    REQUESTED,
    REVIEWED,
    REVOKED,
    Grant,
)
from domain.idle_money import IdleInterest
from domain.messages import N_, message
from domain.plan import FinancingType
from domain.rules import RuleSet
from domain.terms import rule_proof_due
from web.auth import Viewer
from web.forms import FormReader, format_amount

OFFICER, APPROVER, FINANCE, ASSOCIATION = Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.ASSOCIATION
CASHIER = Role.CASHIER
BEFORE_DECISION = (APPLIED, DOCUMENTS_REQUESTED, REVIEWED)
CURRENCIES = ("EUR", "GHS", "USD", "CNY", "TRY", "UAH", "RSD", "GBP", "ILS")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, textarea, amount, date, select, percent, decimal
    required: bool = True
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    default: str = ""
    group: str = ""  # fields of one group are drawn in a fieldset with this legend
    placeholder: str = ""  # a select with a placeholder starts empty: nothing is chosen for the user


@dataclass
class GrantContext:
    """What the grant page knows when it decides which forms to show."""

    grant: Grant
    viewer: Viewer
    today: date
    document_requests: list[tuple[str, str]] = field(default_factory=list)  # (request id hex, what is asked for)
    claims: dict[str, Claim] = field(default_factory=dict)  # claim id hex -> claim
    idle_interest: IdleInterest | None = None  # the proposal of idle-money interest (staff only)
    rule_set: RuleSet | None = None  # the programme's current rules, for a grant about to be approved

    @property
    def me(self) -> UUID:
        return self.viewer.user_id

    def open_deadlines(self) -> list[dict[str, Any]]:
        return [d for d in self.grant.deadlines(self.today) if d["done_on"] is None]

    def item(self, scope: str, item_id: str) -> Any:
        if scope == "payment":
            return self.grant.payments.get(item_id)
        if scope == "expense":
            return self.grant.expenses.get(item_id)
        if scope == "claim":
            return self.claims.get(item_id)
        return None


Fields = Callable[[GrantContext, Any], list[Field]]
Check = Callable[[GrantContext, Any], bool]
Note = Callable[[GrantContext, Any], "str | None"]
Run = Callable[[FundingOffice, GrantContext, "UUID | None", Any, FormReader], "str | None"]


@dataclass(frozen=True)
class Action:
    slug: str
    title: str
    button: str
    roles: tuple[Role, ...]
    applies: Check
    fields: Fields
    run: Run
    scope: str = "grant"  # grant, payment, expense, claim
    blocked: Note = lambda ctx, item: None
    field_map: dict[str, str] = field(default_factory=dict)  # domain field -> form field
    intro: str = ""

    def offered(self, ctx: GrantContext, item: Any = None) -> bool:
        return ctx.viewer.role in self.roles and self.applies(ctx, item)


def _on(ctx: GrantContext) -> Field:
    return Field("on", N_("Datum der Entscheidung"), "date", default=ctx.today.isoformat())


def _reason(label: str = "Begründung") -> Field:
    return Field("reason", label, "textarea")


def _percent_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# Before the decision -----------------------------------------------------------------------------


def _review(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    formal, substantive = (
        r.choice("formal_ok", (N_("ja"), N_("nein"))),
        r.choice("substantive_ok", (N_("ja"), N_("nein"))),
    )
    notes, on = r.text("notes"), r.day("on")
    if not r.ok:
        return None
    office.review_application(ctx.grant.id, formal == N_("ja"), substantive == N_("ja"), notes, actor, on=on)
    return N_("Die Prüfung ist vermerkt.")


def _request_documents(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    items, due, on = r.text("items"), r.day("due"), r.day("on")
    if not r.ok:
        return None
    assert due is not None
    office.request_documents(ctx.grant.id, items, due, actor, on=on)
    return N_("Die Unterlagen sind angefordert.")


def _receive_documents(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    request_id = r.choice("request_id", {key for key, _ in ctx.document_requests})
    note, on = r.text("note"), r.day("on")
    if not r.ok:
        return None
    office.receive_documents(ctx.grant.id, UUID(request_id), note, actor, on=on)
    return N_("Der Eingang der Unterlagen ist vermerkt.")


def _reject(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    office.reject_application(ctx.grant.id, reason, actor, on=on)
    return N_("Der Antrag ist abgelehnt.")


def _withdraw(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    office.withdraw_application(ctx.grant.id, reason, actor, on=on)
    return N_("Der Antrag ist zurückgezogen.")


def _approve_fields(ctx: GrantContext, item: Any) -> list[Field]:
    plan = ctx.grant.plan
    rate = plan.grant.amount / plan.total_costs.amount if plan.total_costs.amount else None
    fields = [
        Field("amount", N_("Bewilligter Betrag in Euro"), "amount", default=format_amount(plan.grant)),
        Field(
            "financing_type",
            "Finanzierungsart",
            "select",
            options=tuple((t.value, t.german) for t in FinancingType),
            default=ctx.grant.financing_type,
        ),
        Field(
            "rate",
            N_("Fördersatz in Prozent (nur bei Anteilfinanzierung)"),
            "percent",
            required=False,
            default=_percent_text(rate) if ctx.grant.financing_type == "share" else "",
        ),
        Field(
            "maximum",
            N_("Höchstbetrag in Euro"),
            "amount",
            required=False,
            hint=N_("Leer lassen: der bewilligte Betrag ist der Höchstbetrag."),
        ),
    ]
    fields += [
        Field(
            "period_start",
            N_("Bewilligungszeitraum von"),
            "date",
            required=False,
            default=ctx.grant.period.start.isoformat(),
            hint=N_("Wie beantragt, wenn nicht anders entschieden."),
        ),
        Field(
            "period_end",
            N_("Bewilligungszeitraum bis"),
            "date",
            required=False,
            default=ctx.grant.period.end.isoformat(),
        ),
    ]
    years = ctx.grant.period.fiscal_years
    if len(years) > 1:
        for year in years:
            fields.append(
                Field(
                    f"year_{year.year}",
                    message("Davon im Haushaltsjahr {year}", year=str(year.year)),
                    "amount",
                    required=False,
                    hint=N_("Leer lassen: alles im ersten Jahr des Förderzeitraums."),
                )
            )
    fields += [
        Field(
            "proof_due",
            N_("Verwendungsnachweis fällig am"),
            "date",
            required=False,
            default=_rule_proof_due(ctx),
            hint=N_(
                "Steht so im Bescheid. Leer lassen: die Frist des Regelwerks nach dem Ende des "
                "Bewilligungszeitraums (z. B. sechs Monate); ein Samstag, Sonntag oder Feiertag in NRW verschiebt "
                "sie auf den nächsten Werktag (§ 31 Abs. 3 VwVfG NRW)."
            ),
        ),
        *_unit_fields(),
        Field(
            "earmark_years",
            N_("Zweckbindungsfrist für angeschaffte Gegenstände (Jahre)"),
            required=False,
            default="5",
            hint=N_(
                "Gegenstände ab der Wertgrenze bleiben so lange an den Zweck gebunden; ein Abgang vorher ist "
                "ein Grund zum Widerruf."
            ),
        ),
        Field("conditions", N_("Nebenbestimmungen und Auflagen"), "textarea", required=False),
        _on(ctx),
    ]
    return fields


def _rule_proof_due(ctx: GrantContext) -> str:
    """The proof-of-use deadline the programme's rules give for the period applied for (a working day)."""
    return "" if ctx.rule_set is None else rule_proof_due(ctx.grant.period, ctx.rule_set).isoformat()


def _unit_fields() -> list[Field]:
    """A fixed amount per unit (Festbetrag je Einheit): the amount is the rate times the units."""
    group = N_("Festbetrag je Einheit (nur bei Festbetragsfinanzierung)")
    return [
        Field(
            "unit_rate",
            N_("Betrag je Einheit in Euro"),
            "amount",
            required=False,
            group=group,
            hint=N_(
                "Z. B. 450 € je Teilnehmenden; der bewilligte Betrag muss Betrag je Einheit × Einheiten sein. "
                "Werden weniger Einheiten erbracht, sinkt die Zuwendung entsprechend."
            ),
        ),
        Field("units", N_("Zahl der Einheiten"), required=False, group=group),
        Field("unit_label", N_("Einheit"), required=False, group=group, hint=N_("Z. B. Teilnehmende, Auszubildende.")),
    ]


def _unit_terms(r: FormReader) -> dict[str, Any]:
    unit_rate, units = r.amount("unit_rate", required=False), r.count("units", required=False)
    if unit_rate is None and units is None:
        return {}
    return {"unit_rate": unit_rate, "units": units, "unit_label": r.text("unit_label")}


def _approve(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    amount = r.amount("amount")
    kind = r.choice("financing_type", {t.value for t in FinancingType})
    rate = r.percent("rate", required=kind == "share")
    maximum = r.amount("maximum", required=False)
    split = {}
    for year in ctx.grant.period.fiscal_years:
        if len(ctx.grant.period.fiscal_years) > 1:
            part = r.amount(f"year_{year.year}", allow_zero=True, required=False)
            if part is not None:
                split[year] = part
    start = r.day("period_start", required=False) or ctx.grant.period.start
    end = r.day("period_end", required=False) or ctx.grant.period.end
    proof_due = r.day("proof_due", required=False)
    conditions, on = r.text("conditions"), r.day("on")
    per_unit = _unit_terms(r)
    earmark = r.count("earmark_years", required=False)
    if earmark is not None:
        per_unit["earmark_years"] = earmark
    if not r.ok:
        return None
    assert amount is not None
    period = FundingPeriod(start, end)
    office.approve_grant(
        ctx.grant.id,
        amount,
        actor,
        on=on,
        financing_type=kind,
        rate=rate if kind == "share" else None,
        maximum=maximum,
        conditions=conditions,
        year_split=split or None,
        period=None if period == ctx.grant.period else period,
        proof_due=proof_due,
        **per_unit,
    )
    return N_("Die Zuwendung ist bewilligt; die Mittel sind gebunden.")


def _not_reviewer(ctx: GrantContext, item: Any) -> str | None:
    if ctx.grant.reviewer_id == ctx.me:
        return N_(
            "Sie haben diesen Antrag geprüft; bewilligen muss eine andere zeichnungsbefugte Person"
            " (Vier-Augen-Prinzip)."
        )
    if ctx.grant.applicant_id == ctx.me:
        return N_("Sie haben diesen Antrag erfasst; bewilligen muss eine andere Person.")
    return None


# Amendments --------------------------------------------------------------------------------------


def _amend_fields(ctx: GrantContext, item: Any) -> list[Field]:
    terms = ctx.grant.terms
    return [
        Field("amount", N_("Neuer Betrag in Euro"), "amount", default=format_amount(terms.amount if terms else None)),
        Field(
            "rate",
            N_("Neuer Fördersatz in Prozent (nur bei Anteilfinanzierung)"),
            "percent",
            required=False,
            default=_percent_text(terms.rate if terms else None),
        ),
        Field(
            "period_end",
            N_("Bewilligungszeitraum bis"),
            "date",
            required=False,
            default=terms.period.end.isoformat() if terms else "",
            hint=N_("Für eine Verlängerung des Zeitraums."),
        ),
        _reason(N_("Anlass der Änderung")),
        _on(ctx),
    ]


def _propose_amendment(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    amount, rate = r.amount("amount"), r.percent("rate", required=False)
    end = r.day("period_end", required=False)
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    assert amount is not None and ctx.grant.terms is not None
    terms: dict[str, Any] = {} if rate is None else {"rate": rate}
    if end is not None and end != ctx.grant.terms.period.end:
        terms["period"] = FundingPeriod(ctx.grant.terms.period.start, end)
    office.propose_amendment(ctx.grant.id, amount, reason, actor, on=on, **terms)
    return N_("Die Änderung ist vorbereitet; eine zeichnungsbefugte Person muss sie bewilligen.")


def _approve_amendment(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    on = r.day("on")
    if not r.ok:
        return None
    office.approve_amendment(ctx.grant.id, actor, on=on)
    return N_("Der Änderungsbescheid ist bewilligt.")


def _reject_amendment(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    office.reject_amendment(ctx.grant.id, reason, actor, on=on)
    return N_("Die Änderung ist abgelehnt.")


def _not_proposer(ctx: GrantContext, item: Any) -> str | None:
    pending = ctx.grant.pending_amendment
    if pending and pending["proposed_by"] == ctx.me:
        return N_("Sie haben diese Änderung vorbereitet; bewilligen muss eine andere Person (Vier-Augen-Prinzip).")
    return None


# Payments ----------------------------------------------------------------------------------------


def _request_payment(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    due, amount = r.day("due"), r.amount("amount")
    description, purpose, on = r.text("description"), r.text("purpose"), r.day("on")
    if not r.ok:
        return None
    office.request_payment(
        ctx.grant.id, [{"due": due, "amount": amount, "description": description}], purpose, actor, on=on
    )
    return N_("Der Mittelabruf ist erfasst; jetzt muss ihn eine andere Person sachlich und rechnerisch feststellen.")


def _payment_in(*states: str) -> Check:
    return lambda ctx, payment: payment is not None and payment["status"] in states


def _certify(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    on = r.day("on")
    if not r.ok:
        return None
    assert item is not None
    office.certify_payment(ctx.grant.id, item, actor, on=on)
    return N_("Die Zahlung ist sachlich und rechnerisch festgestellt; die Freigabe macht eine andere Person.")


def _release(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    on = r.day("on")
    if not r.ok:
        return None
    assert item is not None
    office.release_payment(ctx.grant.id, item, actor, on=on)
    return N_("Die Zahlung ist freigegeben.")


def _book(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    value_date = r.day("value_date")
    if not r.ok:
        return None
    assert item is not None and value_date is not None
    office.book_payment(ctx.grant.id, item, value_date, actor)
    return N_("Die Auszahlung ist gebucht.")


def _cancel(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    assert item is not None
    office.cancel_payment(ctx.grant.id, item, reason, actor, on=on)
    return N_("Der Abruf ist storniert.")


def _return(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    amount, value_date, reason = r.amount("amount"), r.day("value_date"), r.text("reason")
    if not r.ok:
        return None
    assert item is not None and amount is not None and value_date is not None
    office.return_payment(ctx.grant.id, item, amount, value_date, reason, actor)
    return N_("Der Rückfluss ist gebucht.")


def _not_certifier(ctx: GrantContext, payment: Any) -> str | None:
    if payment and payment["certified_by"] == ctx.me:
        return N_("Von Ihnen festgestellt – freigeben muss eine andere Person.")
    if payment and payment["requested_by"] == ctx.me:
        return N_("Von Ihnen abgerufen – freigeben muss eine andere Person.")
    return None


def _not_orderer(ctx: GrantContext, payment: Any) -> str | None:
    """§ 31 (3) KomHVO NRW: the cash office books, never whoever ordered the payment."""
    if payment and payment["released_by"] == ctx.me:
        return "Von Ihnen freigegeben (angeordnet) – buchen muss eine andere Person der Stadtkasse."
    if payment and ctx.me in (payment["certified_by"], payment["requested_by"]):
        return "Von Ihnen abgerufen oder festgestellt – buchen muss eine andere Person der Stadtkasse."
    return None


def _not_requester(ctx: GrantContext, payment: Any) -> str | None:
    if payment and payment["requested_by"] == ctx.me:
        return N_("Von Ihnen abgerufen – feststellen muss eine andere Person.")
    return None


def _may_cancel(ctx: GrantContext, payment: Any) -> bool:
    if payment is None:
        return False
    if ctx.viewer.role is ASSOCIATION:
        return bool(payment["status"] == REQUESTED)
    return payment["status"] in (REQUESTED, CERTIFIED, RELEASED)


# Spending ----------------------------------------------------------------------------------------


def _expense_fields(ctx: GrantContext, item: Any) -> list[Field]:
    lines = ctx.grant.terms.plan.cost_lines if ctx.grant.terms else ctx.grant.plan.cost_lines
    return [
        Field("budget_line", "Kostenposition", "select", options=tuple((line.code, line.label) for line in lines)),
        Field("paid_on", "Bezahlt am", "date", default=ctx.today.isoformat()),
        Field("payee", "Zahlungsempfänger"),
        Field("purpose", "Zweck"),
        Field("receipt_reference", N_("Belegnummer")),
        Field("currency", N_("Währung"), "select", options=tuple((c, c) for c in CURRENCIES), default="EUR"),
        Field("amount", N_("Betrag in Euro"), "amount", required=False, hint=N_("Bei Euro-Belegen.")),
        Field(
            "original",
            N_("Betrag in der Fremdwährung"),
            "decimal",
            required=False,
            hint=N_("Nur bei Fremdwährung, z. B. 1.250,00."),
        ),
        Field(
            "rate_source",
            N_("Quelle des Kurses"),
            "select",
            required=False,
            options=tuple(RATE_SOURCES.items()),
            placeholder=N_("Bei Fremdwährung bitte wählen"),
            hint=N_("Beim gewichteten Kurs der Überweisungen an den Partner bleiben Kurs und Kursdatum leer."),
        ),
        Field(
            "rate",
            N_("Kurs (Einheiten je Euro)"),
            "decimal",
            required=False,
            hint=N_("Nur bei Fremdwährung, z. B. 16,85."),
        ),
        Field("rate_date", N_("Kursdatum"), "date", required=False),
    ]


def _report_expense(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    lines = ctx.grant.terms.plan.cost_lines if ctx.grant.terms else ctx.grant.plan.cost_lines
    line = r.choice("budget_line", {cost_line.code for cost_line in lines})
    paid_on, payee, purpose, receipt = r.day("paid_on"), r.text("payee"), r.text("purpose"), r.text("receipt_reference")
    currency = r.choice("currency", CURRENCIES)
    amount: Any = None
    if currency == "EUR":
        amount = r.amount("amount")
    elif currency:
        original, source = r.decimal("original", 4), r.choice("rate_source", RATE_SOURCES)
        if source == WEIGHTED_TRANSFERS:
            if r.ok:
                amount = office.weighted_foreign(ctx.grant.id, currency, original)  # type: ignore[arg-type]
        else:
            rate, rate_date = r.decimal("rate"), r.day("rate_date")
            if r.ok:
                assert rate_date is not None
                amount = ForeignAmount.convert(currency, original, rate, rate_date, source)
    if not r.ok:
        return None
    assert paid_on is not None
    office.report_expense(ctx.grant.id, line, paid_on, payee, purpose, amount, receipt, actor)
    warning = amount.rate_warning(paid_on, office.rate_warning_days) if isinstance(amount, ForeignAmount) else None
    return N_("Die Ausgabe ist erfasst.") + (f" Hinweis: {warning}" if warning else "")


def _reverse_expense(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    reason = r.text("reason")
    if not r.ok:
        return None
    assert item is not None
    office.reverse_expense(ctx.grant.id, item, reason, actor)
    return N_("Die Ausgabe ist storniert.")


# Deadlines and proofs ----------------------------------------------------------------------------


def _deadline_options(ctx: GrantContext) -> tuple[tuple[str, str], ...]:
    from projections.texts import deadline

    return tuple(
        (d["key"], message("{deadline} (fällig {due})", deadline=deadline(d["key"]), due=d["due"]))
        for d in ctx.open_deadlines()
    )


def _extend(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    key = r.choice("key", {k for k, _ in _deadline_options(ctx)})
    new_due, reason, on = r.day("new_due"), r.text("reason"), r.day("on")
    if not r.ok:
        return None
    assert new_due is not None
    office.extend_deadline(ctx.grant.id, key, new_due, reason, actor, on=on)
    return N_("Die Frist ist verlängert.")


def _remind(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    key, on = r.choice("key", {k for k, _ in _deadline_options(ctx)}), r.day("on")
    if not r.ok:
        return None
    office.send_reminder(ctx.grant.id, key, actor, on=on)
    return N_("Die Erinnerung ist vermerkt.")


def _interim_years(ctx: GrantContext) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(d["fiscal_year"]), str(d["fiscal_year"]))
        for d in ctx.open_deadlines()
        if d["kind"] == "interim" and ctx.today > date(d["fiscal_year"], 12, 31)
    )


def _interim(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    year = r.choice("fiscal_year", {y for y, _ in _interim_years(ctx)})
    report, on = r.text("report"), r.day("on")
    if not r.ok:
        return None
    office.submit_interim_proof(ctx.grant.id, int(year), report, actor, on=on)
    return N_("Der Zwischennachweis ist eingegangen.")


def _early_start(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    start_on, reason, on = r.day("start_on"), r.text("reason"), r.day("on")
    if not r.ok:
        return None
    assert start_on is not None
    office.approve_early_start(ctx.grant.id, start_on, reason, actor, on=on)
    return f"Dem vorzeitigen Maßnahmebeginn ist zugestimmt; Ausgaben zählen ab dem {start_on:%d.%m.%Y}."


def _transfer_fields(ctx: GrantContext, item: Any) -> list[Field]:
    return [
        Field("euro", N_("Überwiesen in Euro"), "amount"),
        Field(
            "currency", N_("Währung beim Partner"), "select", options=tuple((c, c) for c in CURRENCIES if c != "EUR")
        ),
        Field(
            "received",
            N_("Beim Partner eingegangen (in seiner Währung)"),
            "decimal",
            hint=N_("Laut Bankbeleg, z. B. 30.500"),
        ),
        Field("value_date", N_("Wertstellung"), "date", default=ctx.today.isoformat()),
        Field("recipient", N_("Empfänger"), hint=N_("Der Partner, z. B. Kumasi Youth Club")),
        Field("on", N_("Erfasst am"), "date", default=ctx.today.isoformat()),
    ]


def _record_transfer(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    euro, currency, received = r.amount("euro"), r.choice("currency", CURRENCIES), r.decimal("received", 4)
    value_date, recipient, on = r.day("value_date"), r.text("recipient", True), r.day("on")
    if not r.ok:
        return None
    assert euro is not None and received is not None and value_date is not None
    office.record_transfer_abroad(ctx.grant.id, euro, currency, received, value_date, recipient, actor, on=on)
    rate = office.grant(ctx.grant.id).weighted_rate(currency)
    return f"Die Überweisung ist erfasst; gewichteter Kurs jetzt {rate[0] if rate else '–'} {currency} je Euro."


def _item_fields(ctx: GrantContext, item: Any) -> list[Field]:
    terms = ctx.grant.terms
    years = terms.earmark_years if terms else 5
    return [
        Field("description", N_("Gegenstand"), hint=N_("Z. B. Beamer Epson EB-W51, Seriennummer …")),
        Field("acquired_on", N_("Angeschafft am"), "date", default=ctx.today.isoformat()),
        Field(
            "value",
            N_("Anschaffungswert in Euro"),
            "amount",
            hint=message(
                "Erfasst werden Gegenstände ab der Wertgrenze; zweckgebunden {years} Jahre laut Bescheid.", years=years
            ),
        ),
        Field("on", N_("Erfasst am"), "date", default=ctx.today.isoformat()),
    ]


def _record_item(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    description, acquired_on, value, on = (
        r.text("description", True),
        r.day("acquired_on"),
        r.amount("value"),
        r.day("on"),
    )
    if not r.ok:
        return None
    assert acquired_on is not None and value is not None
    office.record_item(ctx.grant.id, description, acquired_on, value, actor, on=on)
    return N_("Der Gegenstand ist mit seiner Zweckbindungsfrist erfasst.")


def _open_items(ctx: GrantContext) -> list[dict[str, Any]]:
    return [i for i in ctx.grant.items if i["disposed_on"] is None]


def _disposal_fields(ctx: GrantContext, item: Any) -> list[Field]:
    options = tuple(
        (i["item_id"], f"{i['description']} (zweckgebunden bis {i['earmarked_until']:%d.%m.%Y})")
        for i in _open_items(ctx)
    )
    return [
        Field("item_id", N_("Gegenstand"), "select", options=options, placeholder=N_("Bitte wählen")),
        Field("disposed_on", N_("Abgang am"), "date", default=ctx.today.isoformat()),
        Field(
            "how", N_("Verbleib"), "textarea", hint=N_("Verkauft, verschenkt, verschrottet, verloren – an wen, warum.")
        ),
        Field("on", N_("Erfasst am"), "date", default=ctx.today.isoformat()),
    ]


def _record_disposal(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    chosen = r.choice("item_id", {i["item_id"] for i in _open_items(ctx)})
    disposed_on, how, on = r.day("disposed_on"), r.text("how"), r.day("on")
    if not r.ok:
        return None
    assert disposed_on is not None
    if office.record_disposal(ctx.grant.id, UUID(hex=chosen), disposed_on, how, actor, on=on):
        return N_("Der Abgang ist erfasst – vor Ablauf der Zweckbindungsfrist: ein Grund zum Widerruf.")
    return N_("Der Abgang ist erfasst; die Zweckbindungsfrist war abgelaufen.")


def _not_application_recorder(ctx: GrantContext, item: Any) -> str | None:
    if ctx.grant.applicant_id == ctx.me:
        return N_("Sie haben diesen Antrag erfasst; zustimmen muss eine andere Person (Vier-Augen-Prinzip).")
    return None


def _purpose_fulfilled(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    fulfilled_on, on = r.day("fulfilled_on"), r.day("on")
    if not r.ok:
        return None
    assert fulfilled_on is not None
    due = office.record_purpose_fulfilled(ctx.grant.id, fulfilled_on, actor, on=on)
    return f"Die Zweckerfüllung ist vermerkt; der Verwendungsnachweis ist bis zum {due:%d.%m.%Y} fällig."


def _proof_fields(ctx: GrantContext, item: Any) -> list[Field]:
    plan = ctx.grant.terms.plan if ctx.grant.terms else ctx.grant.plan
    return [
        Field("report", N_("Sachbericht"), "textarea"),
        Field("own_funds", N_("Eigenmittel tatsächlich in Euro"), "amount", default=format_amount(plan.own_funds)),
        Field(
            "third_party_funds",
            N_("Drittmittel tatsächlich in Euro"),
            "amount",
            default=format_amount(plan.third_party_funds),
        ),
        Field("income", N_("Einnahmen tatsächlich in Euro"), "amount", default=format_amount(plan.income)),
        *_units_field(ctx, "units_delivered", "erbracht"),
        Field("on", N_("Eingangsdatum"), "date", default=ctx.today.isoformat()),
    ]


def _units_field(ctx: GrantContext, name: str, what: str, default: int | None = None) -> list[Field]:
    """For a fixed amount per unit: how many units were delivered (or recognised)."""
    terms = ctx.grant.terms
    if terms is None or not terms.per_unit:
        return []
    return [
        Field(
            name,
            f"{terms.unit_label}: {what}",
            default="" if default is None else str(default),
            hint=f"Bewilligt: {terms.units_german()}; die Zuwendung ist Einheiten × Betrag je Einheit.",
        )
    ]


def _submit_proof_as(simple: bool) -> Run:
    """Submits the proof of use; the simple one (``simple``) also reads the costs per budget line as sums."""

    def run(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
        lines = (ctx.grant.terms.plan if ctx.grant.terms else ctx.grant.plan).cost_lines if simple else ()
        costs = {line.code: r.amount(f"cost_{line.code}", allow_zero=True) for line in lines}
        report = r.text("report")
        own, third, income = (r.amount(n, allow_zero=True) for n in ("own_funds", "third_party_funds", "income"))
        on = r.day("on")
        units = r.count("units_delivered") if ctx.grant.terms and ctx.grant.terms.per_unit else None
        if not r.ok:
            return None
        assert own is not None and third is not None and income is not None
        summary = {code: amount for code, amount in costs.items() if amount is not None} if simple else None
        office.submit_proof_of_use(
            ctx.grant.id, report, own, third, income, actor, on=on, units_delivered=units, summary_costs=summary
        )
        if simple:
            return N_("Der einfache Verwendungsnachweis ist eingegangen.")
        return N_("Der Verwendungsnachweis ist eingegangen.")

    return run


def _simple_proof_fields(ctx: GrantContext, item: Any) -> list[Field]:
    """A simple proof of use: the report, the costs per budget line as sums, the actual funding."""
    plan = ctx.grant.terms.plan if ctx.grant.terms else ctx.grant.plan
    spent = ctx.grant.spent_per_line()
    costs = [
        Field(
            f"cost_{line.code}",
            f"{line.label}: ausgegeben in Euro",
            "amount",
            default=format_amount(spent.get(line.code) or line.amount),
            group=N_("Zahlenmäßiger Nachweis (Summen, ohne Belege)"),
        )
        for line in plan.cost_lines
    ]
    report, *funds = _proof_fields(ctx, item)
    return [report, *costs, *funds]


def _review_proof_fields(ctx: GrantContext, item: Any) -> list[Field]:
    proof = ctx.grant.proof or {"actual_costs": {}}
    plan = ctx.grant.terms.plan if ctx.grant.terms else ctx.grant.plan
    labels = {line.code: line.label for line in plan.cost_lines}
    fields = []
    for code, spent in proof["actual_costs"].items():
        name = labels.get(code, code)
        fields.append(
            Field(
                f"recognised_{code}",
                message("{line}: anerkannt in Euro", line=name),
                "amount",
                default=format_amount(spent),
                hint=message("Nachgewiesen: {amount} €", amount=format_amount(spent)),
            )
        )
        fields.append(Field(f"cut_reason_{code}", message("{line}: Grund einer Kürzung", line=name), required=False))
    fields += [
        *_units_field(ctx, "recognised_units", N_("anerkannt"), proof.get("units")),
        Field("notes", "Prüfvermerk", "textarea"),
        Field(
            "condition_occurred_on",
            N_("Auflösende Bedingung eingetreten am"),
            "date",
            required=False,
            hint=N_(
                "Wenn Kosten gesunken oder weitere Mittel hinzugekommen sind: der Tag, an dem das geschah. "
                "Eine Rückforderung aus dem Schlussbetrag entsteht an diesem Tag, nicht am Tag der Festsetzung."
            ),
        ),
        Field("on", "Geprüft am", "date", default=ctx.today.isoformat()),
    ]
    return fields


def _review_proof(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    proof = ctx.grant.proof or {"actual_costs": {}}
    recognised, reasons = {}, {}
    for code in proof["actual_costs"]:
        recognised[code] = r.amount(f"recognised_{code}", allow_zero=True)
        if r.text(f"cut_reason_{code}"):
            reasons[code] = r.text(f"cut_reason_{code}")
    notes, on = r.text("notes"), r.day("on")
    condition = r.day("condition_occurred_on", required=False)
    units = r.count("recognised_units") if ctx.grant.terms and ctx.grant.terms.per_unit else None
    if not r.ok:
        return None
    amounts = {code: amount for code, amount in recognised.items() if amount is not None}
    office.review_proof_of_use(
        ctx.grant.id, amounts, reasons, notes, actor, on=on, condition_occurred_on=condition, recognised_units=units
    )
    return N_("Der Verwendungsnachweis ist geprüft.")


def _not_submitter(ctx: GrantContext, item: Any) -> str | None:
    if ctx.grant.proof and ctx.grant.proof["submitted_by"] == ctx.me:
        return N_("Sie haben den Nachweis eingereicht; prüfen muss eine andere Person (Vier-Augen-Prinzip).")
    return None


def _determine(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    on = r.day("on")
    if not r.ok:
        return None
    claim = office.determine_final_amount(ctx.grant.id, actor, on=on)
    if claim is not None:
        return N_("Der Schlussbetrag ist festgesetzt; die Überzahlung wird zurückgefordert.")
    return N_("Der Schlussbetrag ist festgesetzt.")


def _not_proof_handler(ctx: GrantContext, item: Any) -> str | None:
    recognised, proof = ctx.grant.recognised or {}, ctx.grant.proof or {}
    if ctx.me in (recognised.get("reviewed_by"), proof.get("submitted_by")):
        return N_(
            "Sie haben den Nachweis eingereicht oder geprüft; festsetzen muss eine andere Person (Vier-Augen-Prinzip)."
        )
    return None


def _propose_revocation(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    remaining = r.amount("remaining_amount", allow_zero=True)
    effective_on, known, heard = r.day("effective_on"), r.day("facts_known_on"), r.day("heard_on")
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    assert remaining is not None and effective_on is not None and known is not None and heard is not None
    limit = office.propose_revocation(ctx.grant.id, remaining, effective_on, known, heard, reason, actor, on=on)
    return f"Der Widerruf ist vorbereitet; entscheiden muss eine andere Person bis zum {limit:%d.%m.%Y}."


def _revoke(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    decision = r.choice("decision", ("ja", "nein"))
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    claim = office.decide_revocation(ctx.grant.id, decision == "ja", reason, actor, on=on)
    if decision != "ja":
        return N_("Der Widerruf ist abgelehnt.")
    if claim is not None:
        return N_("Die Zuwendung ist widerrufen; die Überzahlung wird zurückgefordert.")
    return N_("Die Zuwendung ist widerrufen.")


def _not_revocation_preparer(ctx: GrantContext, item: Any) -> str | None:
    pending = ctx.grant.pending_revocation
    if pending and pending["proposed_by"] == ctx.me:
        return N_("Sie haben den Widerruf vorbereitet; entscheiden muss eine andere Person (Vier-Augen-Prinzip).")
    return None


def _idle_interest_fields(ctx: GrantContext, item: Any) -> list[Field]:
    proposal = ctx.idle_interest
    proposed = proposal.interest if proposal is not None else None
    return [
        Field(
            "amount",
            N_("Geforderte Zinsen in Euro"),
            "amount",
            default=format_amount(proposed) if proposed is not None else "",
            hint=message("Berechnet: {amount} € (höchstens; 0,00 für keine).", amount=format_amount(proposed))
            if proposed is not None
            else "",
        ),
        _reason(N_("Begründung der Ermessensentscheidung")),
        _on(ctx),
    ]


def _decide_idle_interest(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    amount = r.amount("amount", allow_zero=True)
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    assert amount is not None
    claim = office.decide_idle_interest(ctx.grant.id, amount, reason, actor, on=on)
    if claim is not None:
        return N_("Die Zinsen sind festgesetzt und werden gefordert.")
    return N_("Die Entscheidung über die Zinsen ist vermerkt.")


def _close(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    on = r.day("on")
    if not r.ok:
        return None
    office.close_grant(ctx.grant.id, actor, on=on)
    return N_("Die Zuwendung ist abgeschlossen; nicht verbrauchte Mittel sind wieder frei.")


# Claims ------------------------------------------------------------------------------------------


def _claim_open(ctx: GrantContext, claim: Any) -> bool:
    return claim is not None and claim.status == CLAIM_OPEN


def _repayment(office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader) -> str | None:
    amount, value_date = r.amount("amount"), r.day("value_date")
    if not r.ok:
        return None
    assert item is not None and amount is not None and value_date is not None
    office.receive_repayment(item, amount, value_date, actor)
    return N_("Die Rückzahlung ist gebucht.")


def _propose_relief(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    kind = r.choice("kind", RELIEF_KINDS)
    until = r.day("until", required=False)
    amount = r.amount("amount", required=False)
    reason = r.text("reason")
    if not r.ok:
        return None
    assert item is not None
    office.propose_claim_relief(item, kind, reason, actor, until=until, amount=amount)
    return "Der Vorschlag ist vermerkt; entscheiden muss eine andere Person."


def _decide_relief(
    office: FundingOffice, ctx: GrantContext, item: UUID | None, actor: Any, r: FormReader
) -> str | None:
    decision = r.choice("decision", (N_("ja"), N_("nein")))
    reason, on = r.text("reason"), r.day("on")
    if not r.ok:
        return None
    assert item is not None
    office.decide_claim_relief(item, decision == N_("ja"), reason, actor, on=on)
    return N_("Die Entscheidung ist vermerkt.")


def _not_relief_proposer(ctx: GrantContext, claim: Any) -> str | None:
    pending = getattr(claim, "pending_relief", None)
    if pending and pending["proposed_by"] == ctx.me:
        return N_("Von Ihnen vorgeschlagen – entscheiden muss eine andere Person.")
    return None


def _status(*states: str) -> Check:
    return lambda ctx, item: ctx.grant.status in states


YES_NO = ((N_("ja"), N_("ja")), (N_("nein"), N_("nein")))


def publish_purpose_field(group: str) -> Field:
    """The applicant's consent that the purpose text is published as open data (360Giving)."""
    return Field(
        "publish_purpose",
        N_("Darf die Stadt den Zweck so veröffentlichen?"),
        "select",
        options=YES_NO,
        default="nein",
        hint=N_(
            "In den offenen Daten der Stadt (360Giving). Ohne Ihr Einverständnis steht dort nur eine neutrale "
            "Beschreibung aus Programm, Partnerstadt und Zeitraum."
        ),
        group=group,
    )


_ALL: tuple[Action, ...] = (
    Action(
        "pruefen",
        N_("Antrag prüfen"),
        N_("Prüfung vermerken"),
        (OFFICER,),
        _status(APPLIED),
        lambda ctx, item: [
            Field("formal_ok", N_("Formal in Ordnung?"), "select", options=YES_NO, default=N_("ja")),
            Field("substantive_ok", N_("Inhaltlich förderfähig?"), "select", options=YES_NO, default=N_("ja")),
            Field("notes", N_("Prüfvermerk"), "textarea"),
            Field("on", N_("Geprüft am"), "date", default=ctx.today.isoformat()),
        ],
        _review,
        intro=N_("Die Bewilligung macht danach eine andere, zeichnungsbefugte Person."),
    ),
    Action(
        "unterlagen-anfordern",
        N_("Unterlagen anfordern"),
        N_("Unterlagen anfordern"),
        (OFFICER,),
        _status(*BEFORE_DECISION),
        lambda ctx, item: [
            Field("items", N_("Welche Unterlagen fehlen?"), "textarea"),
            Field("due", N_("Frist"), "date", default=(ctx.today + timedelta(days=14)).isoformat()),
            _on(ctx),
        ],
        _request_documents,
    ),
    Action(
        "unterlagen-eingegangen",
        N_("Unterlagen eingegangen"),
        N_("Eingang vermerken"),
        (OFFICER, ASSOCIATION),
        lambda ctx, item: bool(ctx.document_requests),
        lambda ctx, item: [
            Field("request_id", N_("Zur Anforderung"), "select", options=tuple(ctx.document_requests)),
            Field("note", N_("Anmerkung"), "textarea", required=False),
            Field("on", "Eingegangen am", "date", default=ctx.today.isoformat()),
        ],
        _receive_documents,
    ),
    Action(
        "bewilligen",
        N_("Bewilligen"),
        N_("Bewilligen und Mittel binden"),
        (APPROVER,),
        lambda ctx, item: ctx.grant.status == REVIEWED and ctx.grant.review_passed,
        _approve_fields,
        _approve,
        blocked=_not_reviewer,
    ),
    Action(
        "ablehnen",
        N_("Antrag ablehnen"),
        "Ablehnen",
        (OFFICER, APPROVER),
        _status(*BEFORE_DECISION),
        lambda ctx, item: [_reason(), _on(ctx)],
        _reject,
    ),
    Action(
        "zurueckziehen",
        N_("Antrag zurückziehen"),
        N_("Zurückziehen"),
        (OFFICER, ASSOCIATION),
        _status(*BEFORE_DECISION),
        lambda ctx, item: [_reason(), _on(ctx)],
        _withdraw,
    ),
    Action(
        "aenderung-vorbereiten",
        N_("Änderung vorbereiten (Änderungsbescheid)"),
        N_("Änderung vorbereiten"),
        (OFFICER,),
        lambda ctx, item: ctx.grant.status == APPROVED and ctx.grant.pending_amendment is None,
        _amend_fields,
        _propose_amendment,
    ),
    Action(
        "aenderung-bewilligen",
        N_("Änderung bewilligen"),
        N_("Änderung bewilligen"),
        (APPROVER,),
        lambda ctx, item: ctx.grant.pending_amendment is not None,
        lambda ctx, item: [_on(ctx)],
        _approve_amendment,
        blocked=_not_proposer,
    ),
    Action(
        "aenderung-ablehnen",
        N_("Änderung ablehnen"),
        N_("Änderung ablehnen"),
        (APPROVER,),
        lambda ctx, item: ctx.grant.pending_amendment is not None,
        lambda ctx, item: [_reason(), _on(ctx)],
        _reject_amendment,
    ),
    Action(
        "mittel-abrufen",
        N_("Mittel abrufen"),
        N_("Abruf erfassen"),
        (OFFICER, ASSOCIATION),
        _status(APPROVED, DETERMINED),
        lambda ctx, item: [
            Field("amount", N_("Betrag in Euro"), "amount"),
            Field(
                "due",
                N_("Fällig am"),
                "date",
                default=ctx.today.isoformat(),
                hint=N_("Abgerufen wird nur, was bald gebraucht wird (Abrufhorizont des Bescheids)."),
            ),
            Field("description", N_("Wofür wird das Geld gebraucht?")),
            Field("purpose", N_("Verwendungszweck der Überweisung"), default=ctx.grant.file_number),
            Field("on", "Abruf vom", "date", default=ctx.today.isoformat()),
        ],
        _request_payment,
        field_map={"needs": "due"},
    ),
    Action(
        "feststellen",
        N_("Sachlich und rechnerisch richtig"),
        N_("Feststellen"),
        (OFFICER,),
        _payment_in(REQUESTED),
        lambda ctx, item: [_on(ctx)],
        _certify,
        scope="payment",
        blocked=_not_requester,
    ),
    Action(
        "freigeben",
        N_("Zahlung freigeben"),
        N_("Freigeben"),
        (FINANCE, APPROVER),
        _payment_in(CERTIFIED),
        lambda ctx, item: [_on(ctx)],
        _release,
        scope="payment",
        blocked=_not_certifier,
    ),
    Action(
        "buchen",
        N_("Auszahlung buchen"),
        N_("Buchen"),
        (CASHIER,),
        _payment_in(RELEASED),
        lambda ctx, item: [Field("value_date", N_("Wertstellung"), "date", default=ctx.today.isoformat())],
        _book,
        scope="payment",
        blocked=_not_orderer,
    ),
    Action(
        "stornieren",
        N_("Abruf stornieren"),
        N_("Stornieren"),
        (OFFICER, FINANCE, ASSOCIATION),
        _may_cancel,
        lambda ctx, item: [_reason(), _on(ctx)],
        _cancel,
        scope="payment",
    ),
    Action(
        "rueckfluss",
        N_("Rückfluss buchen"),
        N_("Rückfluss buchen"),
        (CASHIER,),
        _payment_in(BOOKED),
        lambda ctx, item: [
            Field("amount", N_("Betrag in Euro"), "amount"),
            Field("value_date", N_("Wertstellung"), "date", default=ctx.today.isoformat()),
            _reason(),
        ],
        _return,
        scope="payment",
        blocked=_not_orderer,
    ),
    Action(
        "ausgabe-erfassen",
        N_("Ausgabe erfassen"),
        N_("Ausgabe erfassen"),
        (OFFICER, ASSOCIATION),
        _status(APPROVED),
        _expense_fields,
        _report_expense,
    ),
    Action(
        "ausgabe-stornieren",
        N_("Ausgabe stornieren"),
        N_("Stornieren"),
        (OFFICER, ASSOCIATION),
        lambda ctx, expense: ctx.grant.status == APPROVED and expense is not None and not expense["reversed"],
        lambda ctx, item: [_reason()],
        _reverse_expense,
        scope="expense",
    ),
    Action(
        "frist-verlaengern",
        N_("Frist verlängern"),
        N_("Frist verlängern"),
        (OFFICER,),
        lambda ctx, item: bool(_deadline_options(ctx)),
        lambda ctx, item: [
            Field("key", N_("Frist"), "select", options=_deadline_options(ctx)),
            Field("new_due", N_("Neue Frist"), "date"),
            _reason(),
            _on(ctx),
        ],
        _extend,
    ),
    Action(
        "erinnern",
        N_("An eine Frist erinnern"),
        N_("Erinnerung vermerken"),
        (OFFICER,),
        lambda ctx, item: bool(_deadline_options(ctx)),
        lambda ctx, item: [Field("key", N_("Frist"), "select", options=_deadline_options(ctx)), _on(ctx)],
        _remind,
    ),
    Action(
        "zwischennachweis",
        N_("Zwischennachweis einreichen"),
        N_("Zwischennachweis einreichen"),
        (OFFICER, ASSOCIATION),
        lambda ctx, item: bool(_interim_years(ctx)),
        lambda ctx, item: [
            Field("fiscal_year", "Haushaltsjahr", "select", options=_interim_years(ctx)),
            Field("report", N_("Sachbericht"), "textarea"),
            Field("on", N_("Eingangsdatum"), "date", default=ctx.today.isoformat()),
        ],
        _interim,
    ),
    Action(
        "vorzeitiger-beginn",
        N_("Vorzeitigem Maßnahmebeginn zustimmen"),
        N_("Zustimmen"),
        (APPROVER,),
        _status(APPLIED, DOCUMENTS_REQUESTED, REVIEWED, APPROVED),
        lambda ctx, item: [
            Field(
                "start_on",
                N_("Maßnahmebeginn ab"),
                "date",
                default=(ctx.grant.early_start_on or ctx.grant.period.start).isoformat(),
                hint=message(
                    "Ohne Zustimmung zählen Ausgaben erst ab dem Antragseingang ({applied_on}); "
                    "gefördert wird nur ein Vorhaben, das noch nicht begonnen hat.",
                    applied_on=ctx.grant.applied_on,
                ),
            ),
            _reason(),
            _on(ctx),
        ],
        _early_start,
        blocked=_not_application_recorder,
    ),
    Action(
        "ueberweisung-partner",
        N_("Überweisung an den Partner im Ausland erfassen"),
        N_("Überweisung erfassen"),
        (OFFICER, ASSOCIATION),
        _status(APPROVED),
        _transfer_fields,
        _record_transfer,
    ),
    Action(
        "gegenstand-erfassen",
        N_("Gegenstand erfassen (Zweckbindung)"),
        N_("Gegenstand erfassen"),
        (OFFICER, ASSOCIATION),
        _status(APPROVED, PROOF_SUBMITTED, PROOF_REVIEWED, DETERMINED),
        _item_fields,
        _record_item,
    ),
    Action(
        "gegenstand-abgang",
        N_("Abgang eines Gegenstands erfassen"),
        N_("Abgang erfassen"),
        (OFFICER, ASSOCIATION),
        lambda ctx, item: bool(_open_items(ctx)),
        _disposal_fields,
        _record_disposal,
    ),
    Action(
        "zweck-erfuellt",
        N_("Zweckerfüllung vermerken"),
        N_("Vermerken"),
        (OFFICER, ASSOCIATION),
        lambda ctx, item: ctx.grant.status == APPROVED,
        lambda ctx, item: [
            Field(
                "fulfilled_on",
                N_("Zweck erfüllt am"),
                "date",
                default=(ctx.grant.purpose_fulfilled_on or ctx.today).isoformat(),
                hint=N_(
                    "Der Verwendungsnachweis ist sechs Monate danach fällig, spätestens zur Frist des Bescheids; "
                    "fällt der Tag auf ein Wochenende oder einen Feiertag in NRW, auf den nächsten Werktag."
                ),
            ),
            _on(ctx),
        ],
        _purpose_fulfilled,
    ),
    Action(
        "nachweis-einreichen",
        N_("Verwendungsnachweis einreichen"),
        N_("Nachweis einreichen"),
        (OFFICER, ASSOCIATION),
        lambda ctx, item: ctx.grant.status == APPROVED and ctx.grant.pending_amendment is None,
        _proof_fields,
        _submit_proof_as(simple=False),
    ),
    Action(
        "einfacher-nachweis",
        N_("Einfachen Verwendungsnachweis einreichen"),
        N_("Einfachen Nachweis einreichen"),
        (OFFICER, ASSOCIATION),
        lambda ctx, item: ctx.grant.status == APPROVED
        and ctx.grant.pending_amendment is None
        and ctx.grant.terms is not None
        and ctx.grant.terms.rule_set.simple_proof,
        _simple_proof_fields,
        _submit_proof_as(simple=True),
        intro=N_(
            "Sachbericht und Summen je Kostenposition, ohne Belegliste; die Belege bleiben fünf Jahre "
            "aufzubewahren und sind auf Verlangen vorzulegen."
        ),
    ),
    Action(
        "nachweis-pruefen",
        N_("Verwendungsnachweis prüfen"),
        N_("Prüfvermerk speichern"),
        (OFFICER,),
        _status(PROOF_SUBMITTED),
        _review_proof_fields,
        _review_proof,
        blocked=_not_submitter,
        field_map={"recognised_costs": "notes"},
    ),
    Action(
        "schlussfestsetzung",
        N_("Schlussbetrag festsetzen"),
        N_("Festsetzen"),
        (APPROVER,),
        _status(PROOF_REVIEWED),
        lambda ctx, item: [_on(ctx)],
        _determine,
        blocked=_not_proof_handler,
        intro=N_(
            "Aus dem geprüften Nachweis folgt der Schlussbetrag; eine Überzahlung wird mit Zinsen zurückgefordert."
        ),
    ),
    Action(
        "widerruf-vorbereiten",
        N_("Widerruf vorbereiten"),
        N_("Widerruf vorbereiten"),
        (OFFICER, APPROVER),
        lambda ctx, item: ctx.grant.status in AFTER_AWARD and ctx.grant.pending_revocation is None,
        lambda ctx, item: [
            Field(
                "remaining_amount",
                N_("Verbleibender Betrag in Euro"),
                "amount",
                default="0,00",
                hint=N_("0,00 für einen vollständigen Widerruf."),
            ),
            Field(
                "effective_on",
                "Wirksam ab",
                "date",
                default=ctx.today.isoformat(),
                hint=N_(
                    "Mit Wirkung für die Vergangenheit: jede Auszahlung wird ab diesem Tag verzinst, "
                    "frühestens ab ihrer Wertstellung."
                ),
            ),
            Field(
                "facts_known_on",
                "Tatsachen bekannt seit",
                "date",
                hint=N_("Ab diesem Tag läuft die Jahresfrist (§ 48 Abs. 4, § 49 Abs. 3 VwVfG NRW)."),
            ),
            Field("heard_on", "Verein angehört am", "date", hint=N_("Anhörung nach § 28 VwVfG NRW.")),
            _reason(N_("Gründe des Widerrufs")),
            Field("on", N_("Vorbereitet am"), "date", default=ctx.today.isoformat()),
        ],
        _propose_revocation,
        intro=N_("Vorbereitet von einer Person, entschieden von einer anderen."),
    ),
    Action(
        "widerrufen",
        N_("Über den Widerruf entscheiden"),
        "Entscheiden",
        (APPROVER,),
        lambda ctx, item: ctx.grant.status in AFTER_AWARD and ctx.grant.pending_revocation is not None,
        lambda ctx, item: [
            Field("decision", N_("Widerrufen?"), "select", options=YES_NO, default="ja"),
            _reason(),
            _on(ctx),
        ],
        _revoke,
        blocked=_not_revocation_preparer,
    ),
    Action(
        "zinsen-ungenutzte-mittel",
        N_("Zinsen für nicht alsbald verwendete Mittel"),
        "Entscheiden",
        (OFFICER,),
        lambda ctx, item: (
            ctx.grant.status in AFTER_AWARD and ctx.idle_interest is not None and bool(ctx.idle_interest.stretches)
        ),
        _idle_interest_fields,
        _decide_idle_interest,
        intro=N_(
            "Ausgezahlte Mittel, die nicht innerhalb der Abruffrist verwendet wurden, können nach § 49a Abs. 4 "
            "VwVfG NRW verzinst werden (Ermessen). Die Berechnung steht im Abschnitt »Widerruf und Zinsen«."
        ),
    ),
    Action(
        "abschliessen",
        N_("Zuwendung abschließen"),
        N_("Abschließen"),
        (OFFICER, APPROVER),
        _status(DETERMINED, REVOKED),
        lambda ctx, item: [_on(ctx)],
        _close,
        intro=N_("Nicht verbrauchte Mittel fließen in das Programm zurück."),
    ),
    Action(
        "rueckzahlung",
        N_("Rückzahlung buchen"),
        N_("Rückzahlung buchen"),
        (CASHIER,),
        _claim_open,
        lambda ctx, item: [
            Field("amount", N_("Betrag in Euro"), "amount"),
            Field("value_date", N_("Wertstellung"), "date", default=ctx.today.isoformat()),
        ],
        _repayment,
        scope="claim",
        blocked=lambda ctx, claim: (
            "Von Ihnen festgesetzt – die Rückzahlung bucht eine andere Person der Stadtkasse."
            if claim is not None and getattr(claim, "raised_by", None) == ctx.me
            else None
        ),
    ),
    Action(
        "erleichterung-vorschlagen",
        N_("Stundung, Niederschlagung, Erlass oder Zinsverzicht vorschlagen"),
        N_("Vorschlagen"),
        (OFFICER, FINANCE),
        lambda ctx, claim: _claim_open(ctx, claim) and getattr(claim, "pending_relief", None) is None,
        lambda ctx, item: [
            Field("kind", N_("Maßnahme"), "select", options=tuple(RELIEF_KINDS.items())),
            Field(
                "until",
                N_("Gestundet bis / Rückzahlungsfrist"),
                "date",
                required=False,
                hint=N_(
                    "Bei Stundung: bis wann. Beim Zinsverzicht: die gesetzte Frist, in der die Hauptforderung "
                    "zurückgezahlt wurde."
                ),
            ),
            Field(
                "amount",
                N_("Teilbetrag in Euro (nur Erlass)"),
                "amount",
                required=False,
                hint=N_("Leer: die ganze Forderung."),
            ),
            _reason(),
        ],
        _propose_relief,
        scope="claim",
    ),
    Action(
        "erleichterung-entscheiden",
        N_("Über den Vorschlag entscheiden"),
        N_("Entscheiden"),
        (APPROVER, FINANCE),
        lambda ctx, claim: _claim_open(ctx, claim) and getattr(claim, "pending_relief", None) is not None,
        lambda ctx, item: [
            Field("decision", N_("Vorschlag annehmen?"), "select", options=YES_NO, default=N_("ja")),
            _reason(),
            _on(ctx),
        ],
        _decide_relief,
        scope="claim",
        blocked=_not_relief_proposer,
    ),
)
# The order of the grant page: the usual next step first, corrections and rarer decisions after it.
ORDER = (
    "pruefen",
    "bewilligen",
    "unterlagen-eingegangen",
    "unterlagen-anfordern",
    "ablehnen",
    "zurueckziehen",
    "mittel-abrufen",
    "ausgabe-erfassen",
    "vorzeitiger-beginn",
    "ueberweisung-partner",
    "gegenstand-erfassen",
    "gegenstand-abgang",
    "zweck-erfuellt",
    "nachweis-einreichen",
    "einfacher-nachweis",
    "zwischennachweis",
    "nachweis-pruefen",
    "schlussfestsetzung",
    "abschliessen",
    "aenderung-bewilligen",
    "aenderung-ablehnen",
    "aenderung-vorbereiten",
    "frist-verlaengern",
    "erinnern",
    "zinsen-ungenutzte-mittel",
    "widerruf-vorbereiten",
    "widerrufen",
)
ACTIONS: dict[str, Action] = {
    action.slug: action for action in sorted(_ALL, key=lambda a: ORDER.index(a.slug) if a.slug in ORDER else len(ORDER))
}


def status_for(error: DomainError) -> int:
    """The HTTP status of a refusal shown on its form: input problems 400, conflicts with the state 409,
    a busy store 503 (nothing recorded; the form keeps what was typed)."""
    if isinstance(error, StoreBusyError):
        return 503
    if isinstance(error, FourEyesError):
        return 409
    if isinstance(error, NotPermittedError):
        return 403
    if isinstance(error, (InvalidStateError, OverBudgetError, ConcurrencyError, AlreadyExistsError)):
        return 409
    if isinstance(error, NotFoundError) and error.field is None:
        return 404
    return 400
