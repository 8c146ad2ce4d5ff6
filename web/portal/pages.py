"""The association portal's pages and forms.

Every page asks for a signed-in member acting for an association (staff get a 403: the portal is not
theirs). Every grant, payment and download is looked up through the member's own organisation: a
grant of another organisation answers 404 — the same answer as a grant that does not exist — before
anything is read or recorded; the domain checks membership again on every command. Every form carries
the session's CSRF token. A refused form is shown again with what was typed and the message next to
its field; nothing is recorded.

The statuses are the applicant's view, not the office's internal states: an application that was
reviewed is still "In Prüfung" for the Verein until somebody decides.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.actors import Role
from domain.application import FundingOffice
from domain.dates import FundingPeriod
from domain.errors import DomainError, InvalidInputError
from domain.foreign import ForeignAmount
from domain.grant import (
    APPLIED,
    APPROVED,
    BOOKED,
    CANCELLED,
    CERTIFIED,
    CLOSED,
    DETERMINED,
    DOCUMENTS_REQUESTED,
    PROOF_REVIEWED,
    PROOF_SUBMITTED,
    REJECTED,
    RELEASED,
    REQUESTED,
    REVIEWED,
    REVOKED,
    WITHDRAWN,
    Grant,
)
from domain.messages import N_, message
from domain.money import Money
from domain.partner_cities import PARTNER_CITIES
from domain.plan import FinancingPlan, FinancingType
from exports.finance_report import ExportError
from exports.proof_of_use import proof_of_use_report, write_proof_of_use
from projections.case_file import CaseFile
from projections.db import money
from projections.deadlines import DOCUMENTS, INTERIM
from projections.figures import grants_per_year
from projections.grant_files import GrantFiles
from projections.portfolio import Portfolio, PortfolioGrant
from projections.web_queries import programme_choices
from web.auth import Viewer, check_csrf, require, services
from web.case_file import serve_document
from web.conversation import conversation_view
from web.drafts import delete_draft, draft_saved_at, load_draft, save_draft
from web.forms import FormReader, format_amount
from web.grant_actions import CURRENCIES, Field, publish_purpose_field, status_for
from web.pages import field_views, give_notice, reading, stray_error, take_notice, today
from web.portal.todos import cost_line_names, iban_groups, plan_against_actual, repayment_hint, still_to_request, todos
from web.templating import city_label, money_chart, templates

BERLIN = ZoneInfo("Europe/Berlin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINES = 6
NEEDS = 3
BEFORE_DECISION = (APPLIED, DOCUMENTS_REQUESTED, REVIEWED)

# What an applicant sees: the status and what happens next (the office's internal steps stay inside).
APPLICANT_STATUS = {
    APPLIED: (
        N_("Antrag eingegangen"),
        N_("Das Büro für Internationale Beziehungen prüft Ihren Antrag. Sie hören von uns."),
    ),
    DOCUMENTS_REQUESTED: (
        N_("Unterlagen fehlen"),
        N_("Bitte reichen Sie die angeforderten Unterlagen bis zur Frist nach."),
    ),
    REVIEWED: (N_("In Prüfung"), N_("Ihr Antrag ist geprüft; jetzt wird über die Förderung entschieden.")),
    APPROVED: ("Bewilligt", "Sie können Geld abrufen und Ihre Ausgaben melden. Denken Sie an den Verwendungsnachweis."),
    REJECTED: (N_("Abgelehnt"), N_("Der Antrag wurde abgelehnt; die Begründung steht im Verlauf.")),
    WITHDRAWN: (N_("Zurückgezogen"), N_("Sie haben den Antrag zurückgezogen. Es geschieht nichts mehr.")),
    PROOF_SUBMITTED: (N_("Nachweis eingereicht"), N_("Wir prüfen Ihren Verwendungsnachweis.")),
    PROOF_REVIEWED: (N_("Nachweis geprüft"), N_("Der endgültige Förderbetrag wird jetzt festgesetzt.")),
    DETERMINED: (N_("Abgerechnet"), N_("Der endgültige Förderbetrag steht fest.")),
    REVOKED: (N_("Widerrufen"), N_("Die Förderung wurde widerrufen; die Begründung steht im Verlauf.")),
    CLOSED: (N_("Abgeschlossen"), N_("Die Förderung ist abgeschlossen.")),
}
PAYMENT_STATUS = {
    REQUESTED: N_("Beantragt – wird bearbeitet"),
    CERTIFIED: N_("Geprüft – wartet auf Freigabe"),
    RELEASED: N_("Zur Überweisung freigegeben"),
    BOOKED: "Überwiesen",
    CANCELLED: N_("Storniert"),
}


def applicant_status(status: str) -> str:
    return APPLICANT_STATUS[status][0]


def next_step(status: str) -> str:
    return APPLICANT_STATUS[status][1]


templates.env.globals.update(portal_status=applicant_status, portal_next=next_step)


# Who may ask, and for what -----------------------------------------------------------------------


def member(request: Request) -> Viewer:
    """The signed-in member acting for their association; staff and everyone else get a 403."""
    viewer = require(request, Role.ASSOCIATION)
    if viewer.organisation_id is None:  # pragma: no cover - the domain never gives the role without one
        raise HTTPException(status_code=403, detail=N_("Sie sind keinem Verein zugeordnet."))
    return viewer


NOT_YOURS = "Diese Zuwendung gibt es in Ihrem Verein nicht."


def own_grant(request: Request, viewer: Viewer, text: str) -> Grant:
    """The grant, if it belongs to the member's organisation; otherwise 404 (as if it did not exist)."""
    try:
        grant_id = UUID(text)
    except ValueError:
        raise HTTPException(status_code=404, detail=NOT_YOURS) from None
    try:
        grant = services(request).office.grant(grant_id)
    except DomainError:
        raise HTTPException(status_code=404, detail=NOT_YOURS) from None
    if grant.organisation_id != viewer.organisation_id:
        raise HTTPException(status_code=404, detail=NOT_YOURS)
    return grant


# The start page ----------------------------------------------------------------------------------


def _start(request: Request) -> Response:
    viewer = member(request)
    assert viewer.organisation_id is not None
    with reading(request) as cursor:
        portfolio = Portfolio.of(cursor, viewer.organisation_id)
        unread = {
            u.grant_id: u.count
            for u in CaseFile.unread(cursor, viewer.user_id, from_office=True, organisation_id=viewer.organisation_id)
        }
        per_year = grants_per_year(cursor, viewer.organisation_id)
        news = []
        for g in portfolio.grants if portfolio else ():
            news += [(entry, g) for entry in CaseFile.applicant_history(cursor, g.grant_id)]
    news.sort(key=lambda pair: (pair[0].business_date, pair[0].position), reverse=True)
    day = today(request)
    draft = load_draft(services(request).projector.db, viewer.user_id, "antrag")
    return templates.TemplateResponse(
        request,
        "portal/start.html",
        {
            "portfolio": portfolio,
            "news": news[:15],
            "unread": unread,
            "today": day,
            "todos": {g.grant_id: todos(g.actions, g.status, day) for g in (portfolio.grants if portfolio else ())},
            "draft": draft,
            "draft_saved_at": draft_saved_at(services(request).projector.db, viewer.user_id, "antrag")
            if draft
            else None,
            "still_to_request": still_to_request,
            "years_chart": money_chart([(str(y), approved) for y, _, approved, _ in per_year], N_("Bewilligt je Jahr")),
            "per_year": [(y, money(a), money(b), money(p)) for y, a, b, p in per_year],
            "notice": take_notice(request),
        },
    )


async def start(request: Request) -> Response:
    return await run_in_threadpool(_start, request)


# Applying ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeRules:
    """What an applicant must know of a programme before applying: its limits and the own share."""

    programme_id: str
    title: str
    min_grant: Any
    max_grant: Any
    min_own_share: Any
    financing_types: tuple[str, ...]


def _programme_rules(request: Request) -> list[ProgrammeRules]:
    with reading(request) as cursor:
        open_ones = [p for p in programme_choices(cursor) if not p.closed]
    office, rules = services(request).office, []
    for choice in open_ones:
        rule_set = office.programme(choice.programme_id).rule_set
        rules.append(
            ProgrammeRules(
                str(choice.programme_id),
                choice.title,
                rule_set.min_grant,
                rule_set.max_grant,
                rule_set.min_own_share,
                tuple(FinancingType(t).german for t in rule_set.allowed_financing_types),
            )
        )
    return rules


def _apply_fields(request: Request) -> list[Field]:
    with reading(request) as cursor:
        programmes = tuple((str(p.programme_id), p.title) for p in programme_choices(cursor) if not p.closed)
    cities = tuple((c.name, city_label(c)) for c in PARTNER_CITIES if c.active)
    project, costs, funding = N_("1. Ihr Vorhaben"), N_("2. Was kostet es?") + "|pairs", N_("3. Wie wird es bezahlt?")
    fields = [
        Field(
            "programme_id",
            N_("Förderprogramm"),
            "select",
            options=programmes,
            group=project,
            placeholder=N_("– bitte wählen –"),
        ),
        Field("title", "Name des Vorhabens", hint="z. B. Jugendbegegnung Amiens 2026", group=project),
        Field(
            "partner_city", "Partnerstadt", "select", options=cities, group=project, placeholder=N_("– bitte wählen –")
        ),
        Field("purpose", N_("Was haben Sie vor? (Ziel und Ablauf)"), "textarea", group=project),
        publish_purpose_field(project),
        Field("period_start", N_("Beginn"), "date", group=project),
        Field("period_end", N_("Ende"), "date", group=project),
        Field(
            "financing_type",
            N_("Art der Förderung"),
            "select",
            options=tuple((t.value, t.german) for t in FinancingType),
            default="share",
            group=project,
            hint=N_("Im Zweifel: Anteilfinanzierung."),
        ),
    ]
    for n in range(1, LINES + 1):
        fields.append(
            Field(
                f"line_{n}_label",
                message("Kosten {n}: wofür?", n=n),
                required=n == 1,
                hint="z. B. Fahrtkosten" if n == 1 else "",
                group=costs,
            )
        )
        fields.append(
            Field(
                f"line_{n}_amount", message("Kosten {n}: Betrag in Euro", n=n), "amount", required=n == 1, group=costs
            )
        )
    fields += [
        Field("own_funds", N_("Eigenmittel Ihres Vereins in Euro"), "amount", default="0,00", group=funding),
        Field(
            "third_party_funds",
            N_("Zuschüsse von anderen (Drittmittel) in Euro"),
            "amount",
            default="0,00",
            group=funding,
        ),
        Field("income", N_("Einnahmen, z. B. Teilnahmebeiträge, in Euro"), "amount", default="0,00", group=funding),
        Field(
            "grant",
            N_("Beantragte Förderung in Euro"),
            "amount",
            group=funding,
            hint=N_("Kosten insgesamt = Eigenmittel + Zuschüsse + Einnahmen + beantragte Förderung."),
        ),
        attachment_field(N_("Anlagen zum Antrag (z. B. Programm, Kostenvoranschläge)"), group=N_("4. Anlagen")),
    ]
    return fields


APPLY_ERROR_FIELDS = {
    "period": "period_start",
    "cost_lines": "line_1_label",
    "plan": "grant",
    "budget": "grant",
    "documents": "dateien",
}


def _apply(
    office: FundingOffice, viewer: Viewer, r: FormReader, day: date, store: Any = None, uploads: list[Any] | None = None
) -> UUID | None:
    title, purpose, city = r.text("title", True), r.text("purpose", True), r.text("partner_city")
    if not city:
        r.errors.setdefault("partner_city", N_("Bitte eine Partnerstadt wählen."))
    programme_id = None
    try:
        programme_id = UUID(r.text("programme_id"))
    except ValueError:
        r.errors.setdefault("programme_id", "Bitte ein Förderprogramm wählen.")
    kind = r.choice("financing_type", {t.value for t in FinancingType})
    start, end = r.day("period_start"), r.day("period_end")
    lines, funding, grant = r.financing_plan_parts(LINES, "Bitte sagen Sie, wofür diese Kosten sind.")
    if not r.ok:
        return None
    assert programme_id is not None and viewer.organisation_id is not None
    try:
        period = FundingPeriod(start, end)  # type: ignore[arg-type]
        plan = FinancingPlan(tuple(lines), grant=grant, **funding)  # type: ignore[arg-type]
    except DomainError as error:
        field_name = APPLY_ERROR_FIELDS.get(error.field or "", error.field or "grant")
        r.errors.setdefault(field_name, error.message)
        return None
    documents = store_uploads(store, uploads or [])
    with office.enclosing(viewer.actor, documents=documents):
        return office.apply_for_grant(
            programme_id,
            viewer.organisation_id,
            title,
            purpose,
            city,
            period,
            kind,
            plan,
            viewer.actor,
            on=day,
            publish_purpose=r.values.get("publish_purpose", "") == "ja",
        )


async def apply(request: Request) -> Response:
    viewer = member(request)
    specs = await run_in_threadpool(_apply_fields, request)
    db = services(request).projector.db
    rules = await run_in_threadpool(_programme_rules, request)
    if request.method == "GET":
        draft = await run_in_threadpool(load_draft, db, viewer.user_id, "antrag")
        return templates.TemplateResponse(
            request,
            "portal/apply.html",
            {
                "fields": field_views(specs, "antrag", draft),
                "general": None,
                "draft": draft is not None,
                "rules": rules,
                "notice": take_notice(request),
            },
        )
    form = await request.form()
    try:
        return await _submit_application(request, viewer, specs, form, rules)
    finally:
        await form.close()  # uploaded files are spooled to temporary files


async def _submit_application(
    request: Request, viewer: Viewer, specs: list[Field], form: Any, rules: list[ProgrammeRules]
) -> Response:
    db = services(request).projector.db
    check_csrf(request, form)
    sent_for = form.get("organisation_id")
    if sent_for is not None and str(sent_for) != str(viewer.organisation_id):
        raise HTTPException(status_code=403, detail=N_("Sie können nur für Ihren eigenen Verein Anträge stellen."))
    reader = FormReader(form)
    if form.get("entwurf"):
        values = {spec.name: reader.values.get(spec.name, "") for spec in specs}
        await run_in_threadpool(save_draft, db, viewer.user_id, "antrag", values)
        give_notice(
            request, N_("Ihr Entwurf ist gespeichert. Sie können den Antrag später fertigstellen und absenden.")
        )
        return RedirectResponse("/portal/antrag", status_code=303)
    status = 400
    try:
        grant_id = await run_in_threadpool(
            _apply,
            services(request).office,
            viewer,
            reader,
            today(request),
            services(request).documents,
            _uploads(form),
        )
    except DomainError as error:
        grant_id, status = None, status_for(error)
        field_name = APPLY_ERROR_FIELDS.get(error.field or "", error.field or "")
        reader.errors[field_name or "_"] = error.message
    if grant_id is None:
        return templates.TemplateResponse(
            request,
            "portal/apply.html",
            {
                "fields": field_views(specs, "antrag", reader.values, reader.errors),
                "general": stray_error(specs, reader.errors),
                "rules": rules,
            },
            status_code=status,
        )
    await run_in_threadpool(delete_draft, db, viewer.user_id, "antrag")
    give_notice(request, N_("Ihr Antrag ist eingegangen. Das Büro für Internationale Beziehungen prüft ihn jetzt."))
    return RedirectResponse(f"/portal/zuwendungen/{grant_id}", status_code=303)


# The grant page and its forms --------------------------------------------------------------------


@dataclass
class PortalForm:
    """One form of the grant page: when it is offered, its fields, and what it does."""

    slug: str
    title: str
    button: str
    offered: Any  # (grant, page) -> bool
    fields: Any  # (grant, page) -> list[Field]
    run: Any  # (office, grant, viewer, reader, day, page) -> notice or None
    error_fields: dict[str, str] = field(default_factory=dict)
    intro: str = ""
    attachments: bool = False  # files sent with the form are enclosed with what it records


@dataclass
class GrantPage:
    """What the grant page shows besides the aggregate: read-model rows."""

    today: date
    documents: list[tuple[str, str]]
    interim_years: list[tuple[str, str]]
    uploads: list[Any] = field(default_factory=list)  # the files sent with the form (UploadFile)
    store: Any = None  # the DocumentStore, if one is wired


def _withdraw(
    office: FundingOffice, grant: Grant, viewer: Viewer, r: FormReader, day: date, page: GrantPage
) -> str | None:
    reason = r.text("reason", True)
    if not r.ok:
        return None
    office.withdraw_application(grant.id, reason, viewer.actor, on=day)
    return "Sie haben den Antrag zurückgezogen."


def _documents(
    office: FundingOffice, grant: Grant, viewer: Viewer, r: FormReader, day: date, page: GrantPage
) -> str | None:
    request_id = r.choice("request_id", {key for key, _ in page.documents})
    note = r.text("note", not page.uploads)
    if page.uploads and page.store is None:
        r.errors.setdefault(UPLOAD_FIELD, "Das Hochladen von Dateien ist hier nicht eingerichtet.")
    if len(page.uploads) > MAX_UPLOADS:
        r.errors.setdefault(UPLOAD_FIELD, f"Bitte höchstens {MAX_UPLOADS} Dateien auf einmal hochladen.")
    if not r.ok:
        return None
    # The files are stored first (content-addressed: a refusal below leaves only harmless copies), then
    # the command records their names, sizes and hashes.
    documents = []
    try:
        for upload in page.uploads:
            upload.file.seek(0)
            documents.append(page.store.save(str(upload.filename or ""), upload.file))
        office.receive_documents(grant.id, UUID(request_id), note, viewer.actor, on=day, documents=documents or None)
    except BaseException:
        if documents and hasattr(page.store, "discard"):
            page.store.discard(documents)  # a refused upload leaves nothing behind
        raise
    if documents and hasattr(page.store, "keep"):
        page.store.keep(documents)
    if documents:
        return f"Danke – wir haben {len(documents)} Datei(en) erhalten und vermerkt."
    return "Danke – wir haben vermerkt, dass Sie die Unterlagen geschickt haben."


UPLOAD_FIELD = "dateien"
MAX_UPLOADS = 10
UPLOAD_HINT = N_(
    "Bis zu 10 Dateien, je höchstens 10 MB: PDF, PNG, JPEG, Word (docx), Excel (xlsx) oder OpenDocument (odt)."
)


def attachment_field(label: str = "Dateien anhängen", group: str = "") -> Field:
    return Field(UPLOAD_FIELD, label, "file", required=False, hint=UPLOAD_HINT, group=group)


def store_uploads(store: Any, uploads: list[Any]) -> list[dict[str, Any]]:
    """Keeps the files (content-addressed: a refusal afterwards leaves only harmless copies) and returns
    their records for the event; refuses too many files, or files where no store is wired."""
    if not uploads:
        return []
    if store is None:
        raise InvalidInputError("Das Hochladen von Dateien ist hier nicht eingerichtet.", field=UPLOAD_FIELD)
    if len(uploads) > MAX_UPLOADS:
        raise InvalidInputError(f"Bitte höchstens {MAX_UPLOADS} Dateien auf einmal hochladen.", field=UPLOAD_FIELD)
    documents = []
    for upload in uploads:
        upload.file.seek(0)
        documents.append(store.save(str(upload.filename or ""), upload.file))
    return documents


def _uploads(form: Any) -> list[Any]:
    """The files of a multipart form; the empty part a browser sends when no file was chosen is skipped."""
    return [
        value
        for value in form.getlist(UPLOAD_FIELD)
        if isinstance(value, UploadFile) and (value.filename or (value.size or 0) > 0)
    ]


def _payment_fields(grant: Grant, page: GrantPage) -> list[Field]:
    fields = []
    for n in range(1, NEEDS + 1):
        group = f"Bedarf {n}" + ("" if n == 1 else " (freiwillig)")
        fields += [
            Field(f"need_{n}_amount", N_("Betrag in Euro"), "amount", required=n == 1, group=group),
            Field(
                f"need_{n}_due",
                "Wann müssen Sie bezahlen?",
                "date",
                required=n == 1,
                default=page.today.isoformat() if n == 1 else "",
                group=group,
            ),
            Field(
                f"need_{n}_description",
                "Wofür?",
                required=n == 1,
                hint="z. B. Anzahlung Busreise" if n == 1 else "",
                group=group,
            ),
        ]
    fields.append(
        Field("purpose", "Verwendungszweck für die Überweisung", default=grant.file_number, group="Überweisung")
    )
    fields.append(attachment_field(N_("Belege oder Angebote anhängen (freiwillig)"), group="Überweisung"))
    return fields


def _request_payment(
    office: FundingOffice, grant: Grant, viewer: Viewer, r: FormReader, day: date, page: GrantPage
) -> str | None:
    needs = []
    for n in range(1, NEEDS + 1):
        given = any(r.values.get(f"need_{n}_{part}", "").strip() for part in ("amount", "due", "description"))
        if n > 1 and not given:
            continue
        amount, due = r.amount(f"need_{n}_amount"), r.day(f"need_{n}_due")
        description = r.text(f"need_{n}_description", True)
        needs.append({"amount": amount, "due": due, "description": description})
    purpose = r.text("purpose", True)
    if not r.ok:
        return None
    office.request_payment(grant.id, needs, purpose, viewer.actor, on=day)
    return "Ihr Abruf ist eingegangen. Das Geld wird nach Prüfung und Freigabe überwiesen."


def _cost_lines(grant: Grant) -> tuple[tuple[str, str], ...]:
    plan = grant.terms.plan if grant.terms else grant.plan
    return tuple((line.code, line.label) for line in plan.cost_lines)


def _expense_fields(grant: Grant, page: GrantPage) -> list[Field]:
    foreign = "Nur bei Belegen in fremder Währung"
    return [
        Field(
            "budget_line", "Zu welchen Kosten gehört der Beleg?", "select", options=_cost_lines(grant), group="Beleg"
        ),
        Field("paid_on", "Bezahlt am", "date", default=page.today.isoformat(), group="Beleg"),
        Field("payee", "An wen bezahlt?", group="Beleg"),
        Field("purpose", "Wofür?", group="Beleg"),
        Field(
            "receipt_reference", N_("Belegnummer"), hint="Die Nummer, unter der Sie den Beleg abheften.", group="Beleg"
        ),
        Field(
            "currency", N_("Währung"), "select", options=tuple((c, c) for c in CURRENCIES), default="EUR", group="Beleg"
        ),
        Field("amount", N_("Betrag in Euro"), "amount", required=False, hint="Bei Belegen in Euro.", group="Beleg"),
        Field(
            "original", "Betrag in der fremden Währung", "decimal", required=False, hint="z. B. 1.250,00", group=foreign
        ),
        Field(
            "rate",
            "Kurs (so viele Einheiten bekommt man für 1 Euro)",
            "decimal",
            required=False,
            hint="z. B. 16,85",
            group=foreign,
        ),
        Field("rate_date", "Kurs vom", "date", required=False, group=foreign),
        attachment_field(N_("Beleg einscannen und anhängen"), group="Beleg"),
    ]


def _report_expense(
    office: FundingOffice, grant: Grant, viewer: Viewer, r: FormReader, day: date, page: GrantPage
) -> str | None:
    line = r.choice("budget_line", {code for code, _ in _cost_lines(grant)})
    paid_on, payee = r.day("paid_on"), r.text("payee", True)
    purpose, receipt = r.text("purpose", True), r.text("receipt_reference", True)
    currency = r.choice("currency", CURRENCIES)
    amount: Any = None
    if currency == "EUR":
        amount = r.amount("amount")
    elif currency:
        original, rate, rate_date = r.decimal("original", 4), r.decimal("rate"), r.day("rate_date")
        if r.ok:
            assert rate_date is not None
            amount = ForeignAmount.convert(currency, original, rate, rate_date)
    if not r.ok:
        return None
    assert paid_on is not None
    office.report_expense(grant.id, line, paid_on, payee, purpose, amount, receipt, viewer.actor)
    return "Die Ausgabe ist gemeldet."


def _interim(
    office: FundingOffice, grant: Grant, viewer: Viewer, r: FormReader, day: date, page: GrantPage
) -> str | None:
    year = r.choice("fiscal_year", {y for y, _ in page.interim_years})
    report = r.text("report", True)
    if not r.ok:
        return None
    office.submit_interim_proof(grant.id, int(year), report, viewer.actor, on=day)
    return "Ihr Zwischennachweis ist eingegangen."


def _proof_fields(grant: Grant, page: GrantPage) -> list[Field]:
    plan = grant.terms.plan if grant.terms else grant.plan
    return [
        Field("report", "Sachbericht: Was ist passiert, was wurde erreicht?", "textarea"),
        Field(
            "own_funds",
            "Eigenmittel, die Sie tatsächlich eingesetzt haben, in Euro",
            "amount",
            default=format_amount(plan.own_funds),
        ),
        Field(
            "third_party_funds",
            "Zuschüsse von anderen, tatsächlich, in Euro",
            "amount",
            default=format_amount(plan.third_party_funds),
        ),
        Field("income", "Einnahmen, tatsächlich, in Euro", "amount", default=format_amount(plan.income)),
        attachment_field(N_("Anlagen zum Verwendungsnachweis (z. B. Fotos, Teilnahmeliste, Presse)")),
    ]


def _proof(
    office: FundingOffice, grant: Grant, viewer: Viewer, r: FormReader, day: date, page: GrantPage
) -> str | None:
    report = r.text("report", True)
    own, third, income = (r.amount(n, allow_zero=True) for n in ("own_funds", "third_party_funds", "income"))
    if not r.ok:
        return None
    assert own is not None and third is not None and income is not None
    office.submit_proof_of_use(grant.id, report, own, third, income, viewer.actor, on=day)
    return "Ihr Verwendungsnachweis ist eingegangen. Wir prüfen ihn und melden uns."


def _bank_account(
    office: FundingOffice, grant: Grant, viewer: Viewer, r: FormReader, day: date, page: GrantPage
) -> str | None:
    """The association asks the office to change its bank account: a message the office answers; the
    office records the change on the organisation (the account is checked here already)."""
    iban, reason = r.text("iban", True), r.text("reason", True)
    if iban:
        try:
            iban = office.validate_iban(iban)
        except DomainError as error:
            r.errors.setdefault("iban", error.message)
    if not r.ok:
        return None
    current = office.organisation(grant.organisation_id).iban
    if iban == current:
        r.errors["iban"] = "Das ist bereits die hinterlegte IBAN."
        return None
    text = (
        f"Bitte ändern Sie unsere Bankverbindung.\nBisher: IBAN {iban_groups(current)}\n"
        f"Neu: IBAN {iban_groups(iban)}\nGrund: {reason}"
    )
    office.post_message(grant.id, text, viewer.actor)
    return (
        "Ihre Bitte um eine neue Bankverbindung ist beim Büro angekommen. Bis das Büro sie eingetragen hat, "
        "überweisen wir auf das bisherige Konto."
    )


FORMS: tuple[PortalForm, ...] = (
    PortalForm(
        "unterlagen",
        "Angeforderte Unterlagen geschickt",
        N_("Vermerken"),
        lambda g, p: bool(p.documents),
        lambda g, p: [
            Field("request_id", "Welche Anforderung?", "select", options=tuple(p.documents)),
            Field(
                UPLOAD_FIELD,
                N_("Dateien hochladen"),
                "file",
                required=False,
                hint="Bis zu 10 Dateien, je höchstens 10 MB: PDF, PNG, JPEG, Word (docx), "
                "Excel (xlsx) oder OpenDocument (odt).",
            ),
            Field(
                "note",
                N_("Anmerkung – oder: was haben Sie wie geschickt?"),
                "textarea",
                required=False,
                hint="z. B. per E-Mail am 12.06. an das Büro",
            ),
        ],
        _documents,
        {"documents": UPLOAD_FIELD},
        intro=N_(
            "Laden Sie die Unterlagen hier hoch – oder schicken Sie sie per E-Mail oder Post und vermerken Sie es hier."
        ),
    ),
    PortalForm(
        "abrufen",
        N_("Geld abrufen"),
        "Abruf absenden",
        lambda g, p: g.status in (APPROVED, DETERMINED),
        _payment_fields,
        _request_payment,
        {"needs": "need_1_due", "amount": "need_1_amount", "documents": UPLOAD_FIELD},
        intro="Rufen Sie nur ab, was Sie bald bezahlen müssen, mit dem Datum, an dem es fällig ist.",
        attachments=True,
    ),
    PortalForm(
        "ausgabe",
        N_("Ausgabe melden"),
        N_("Ausgabe melden"),
        lambda g, p: g.status == APPROVED,
        _expense_fields,
        _report_expense,
        {"paid_on": "paid_on", "amount": "amount", "foreign": "original", "documents": UPLOAD_FIELD},
        attachments=True,
    ),
    PortalForm(
        "zwischennachweis",
        N_("Zwischennachweis einreichen"),
        N_("Zwischennachweis einreichen"),
        lambda g, p: g.status == APPROVED and bool(p.interim_years),
        lambda g, p: [
            Field("fiscal_year", "Für das Jahr", "select", options=tuple(p.interim_years)),
            Field("report", "Kurzer Bericht zum Stand", "textarea"),
            attachment_field(N_("Anlagen zum Zwischennachweis")),
        ],
        _interim,
        attachments=True,
    ),
    PortalForm(
        "verwendungsnachweis",
        N_("Verwendungsnachweis einreichen"),
        N_("Verwendungsnachweis einreichen"),
        lambda g, p: g.status == APPROVED,
        _proof_fields,
        _proof,
        {"documents": UPLOAD_FIELD},
        intro="Melden Sie vorher alle Ausgaben. Die Belegliste übernehmen wir aus Ihren Meldungen.",
        attachments=True,
    ),
    PortalForm(
        "bankverbindung",
        "Neue Bankverbindung mitteilen",
        N_("An das Büro senden"),
        lambda g, p: g.status not in (REJECTED, WITHDRAWN, CLOSED),
        lambda g, p: [
            Field("iban", N_("Neue IBAN"), hint="z. B. DE89 3704 0044 0532 0130 00"),
            Field("reason", N_("Warum ändert sich das Konto?"), hint="z. B. neue Hausbank des Vereins"),
        ],
        _bank_account,
        intro=N_(
            "Das Büro prüft die neue Bankverbindung und trägt sie ein; Sie sehen die Bitte unter "
            "»Nachrichten mit dem Büro«."
        ),
    ),
    PortalForm(
        "zurueckziehen",
        N_("Antrag zurückziehen"),
        N_("Antrag zurückziehen"),
        lambda g, p: g.status in BEFORE_DECISION,
        lambda g, p: [Field("reason", N_("Warum ziehen Sie den Antrag zurück?"), "textarea")],
        _withdraw,
    ),
)
FORMS_BY_SLUG = {f.slug: f for f in FORMS}


def _page_facts(request: Request, grant: Grant) -> tuple[GrantPage, dict[str, Any]]:
    day = today(request)
    with reading(request) as cursor:
        portfolio = Portfolio.of(cursor, grant.organisation_id)
        row: PortfolioGrant | None = (
            next((g for g in portfolio.grants if g.grant_id == grant.id), None) if portfolio else None
        )
        timeline = CaseFile.applicant_history(cursor, grant.id)
        case_documents = CaseFile.documents(cursor, grant.id, for_association=True)
        reports = CaseFile.reports(cursor, grant.id)
        conversation = conversation_view(cursor, request, member(request), grant.id)
        file = GrantFiles.grant(cursor, grant.id)
        open_items = Portfolio.deadline_book.open(cursor, [grant.id])
    documents: list[tuple[str, str]] = [
        (d.key, message("{text} (bis {due})", text=d.text, due=d.due)) for d in open_items if d.kind == DOCUMENTS
    ]
    interim = [
        (str(d["fiscal_year"]), str(d["fiscal_year"]))
        for d in grant.deadlines(day)
        if d["kind"] == INTERIM and d["done_on"] is None and day > date(d["fiscal_year"], 12, 31)
    ]
    payments = [
        {
            "id": key,
            "requested_on": p["requested_on"],
            "amount": p["amount"],
            "status": p["status"],
            "status_text": PAYMENT_STATUS.get(p["status"], p["status"]),
            "needs": p.get("needs", []),
            "value_date": p.get("value_date"),
        }
        for key, p in grant.payments.items()
    ]
    facts = {
        "row": row,
        "timeline": timeline,
        "case_documents": case_documents,
        "reports": reports,
        **conversation,
        "file": file,
        "open_items": open_items,
        "deadlines": grant.deadlines(day),
        "payments": payments,
        "todos": todos(open_items, grant.status, day),
        "iban": iban_groups(services(request).office.organisation(grant.organisation_id).iban),
    }
    names = {line.code: line.label for line in (grant.terms.plan if grant.terms else grant.plan).cost_lines}
    facts["timeline"] = [
        replace(entry, why=cost_line_names(entry.why, names))
        for entry in sorted(timeline, key=lambda e: (e.business_date, e.position), reverse=True)
    ]
    if file is not None:
        lines, planned, spent = plan_against_actual(file.lines)
        period = grant.terms.period if grant.terms else grant.period
        kind = grant.terms.financing_type if grant.terms else grant.financing_type
        facts["lines"], facts["planned"], facts["spent"] = lines, planned, spent
        facts["repayment_hint"] = repayment_hint(kind, planned, spent, period.end, day, grant.status)
        facts["receipts_total"] = Money.sum(r.euro for r in file.receipts if not r.reversed)
    if row is not None:
        facts["still_to_request"] = still_to_request(row.approved, row.requested, row.paid)
    return GrantPage(day, documents, interim), facts


def _grant_page(
    request: Request,
    grant: Grant,
    failed: tuple[str, dict[str, str], dict[str, str], str | None] | None = None,
    status_code: int = 200,
) -> Response:
    page, facts = _page_facts(request, grant)
    wanted = request.query_params.get("aufgabe", "")
    forms = []
    for form in FORMS:
        mine = failed is not None and failed[0] == form.slug
        if not mine and not form.offered(grant, page):
            continue
        specs = form.fields(grant, page)
        anchor = f"portal-{form.slug}"
        values, errors = (failed[1], failed[2]) if mine and failed else (None, None)
        forms.append(
            {
                "form": form,
                "anchor": anchor,
                "url": f"/portal/zuwendungen/{grant.id}/{form.slug}#{anchor}",
                "fields": field_views(specs, anchor, values, errors),
                "general": stray_error(specs, errors or {}, failed[3] if mine and failed else None),
                "open": mine or (failed is None and form.slug == wanted),
            }
        )
    forms.sort(key=lambda f: not f["open"])  # the form asked for (or the one that failed) comes first
    exportable = grant.status not in (APPLIED, DOCUMENTS_REQUESTED, REVIEWED, REJECTED, WITHDRAWN)
    return templates.TemplateResponse(
        request,
        "portal/grant.html",
        {
            "grant": grant,
            "forms": forms,
            "page": page,
            "exportable": exportable,
            "notice": take_notice(request),
            **facts,
        },
        status_code=status_code,
    )


async def grant_page(request: Request) -> Response:
    viewer = member(request)

    def build() -> Response:
        return _grant_page(request, own_grant(request, viewer, request.path_params["grant_id"]))

    return await run_in_threadpool(build)


async def grant_form(request: Request) -> Response:
    viewer = member(request)
    form_spec = FORMS_BY_SLUG.get(request.path_params["action"])
    if form_spec is None:
        raise HTTPException(status_code=404, detail=N_("Dieses Formular gibt es nicht."))
    form = await request.form()
    try:
        check_csrf(request, form)
    except HTTPException:
        await form.close()
        raise
    reader = FormReader(form)

    def handle() -> Response:
        grant = own_grant(request, viewer, request.path_params["grant_id"])
        page, _ = _page_facts(request, grant)
        page.uploads, page.store = _uploads(form), services(request).documents
        general, status = None, 400
        office = services(request).office
        try:
            if form_spec.attachments:
                documents = store_uploads(page.store, page.uploads)
                with office.enclosing(viewer.actor, documents=documents):
                    notice = form_spec.run(office, grant, viewer, reader, page.today, page)
            else:
                notice = form_spec.run(office, grant, viewer, reader, page.today, page)
        except DomainError as error:
            notice, status = None, status_for(error)
            target = form_spec.error_fields.get(error.field or "", error.field or "")
            specs = {f.name for f in form_spec.fields(grant, page)}
            if target in specs:
                reader.errors[target] = error.message
            else:
                general = error.message
        if notice is None:
            fresh = services(request).office.grant(grant.id)
            return _grant_page(request, fresh, (form_spec.slug, reader.values, reader.errors, general), status)
        give_notice(request, notice)
        return RedirectResponse(f"/portal/zuwendungen/{grant.id}", status_code=303)

    try:
        return await run_in_threadpool(handle)
    finally:
        await form.close()  # uploaded files are spooled to temporary files


async def cancel_payment(request: Request) -> Response:
    """Takes back a payment request nobody has worked on yet."""
    viewer = member(request)
    form = await request.form()
    check_csrf(request, form)

    def handle() -> Response:
        grant = own_grant(request, viewer, request.path_params["grant_id"])
        payment_key = request.path_params["payment_id"]
        try:
            payment_id = UUID(payment_key)
        except ValueError:
            raise HTTPException(status_code=404, detail=N_("Diesen Abruf gibt es nicht.")) from None
        if payment_id.hex not in grant.payments:
            raise HTTPException(status_code=404, detail=N_("Diesen Abruf gibt es nicht."))
        services(request).office.cancel_payment(
            grant.id, payment_id, "Vom Verein zurückgenommen.", viewer.actor, on=today(request)
        )
        give_notice(request, N_("Der Abruf ist zurückgenommen."))
        return RedirectResponse(f"/portal/zuwendungen/{grant.id}", status_code=303)

    return await run_in_threadpool(handle)


async def proof_workbook(request: Request) -> Response:
    """The proof-of-use workbook of one of the member's own grants."""
    viewer = member(request)

    def build() -> tuple[bytes, str]:
        grant = own_grant(request, viewer, request.path_params["grant_id"])
        with reading(request) as cursor:
            report = proof_of_use_report(
                cursor, grant.file_number, datetime.now(BERLIN), viewer.name, for_association=True
            )
        target = io.BytesIO()
        write_proof_of_use(report, target)
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in grant.file_number)[:60]
        return target.getvalue(), f"verwendungsnachweis-{safe}.xlsx"

    try:
        content, filename = await run_in_threadpool(build)
    except ExportError as error:
        raise HTTPException(status_code=400, detail=error.message) from None
    return Response(content, media_type=XLSX, headers={"content-disposition": f'attachment; filename="{filename}"'})


async def uploaded_document(request: Request) -> Response:
    """A document of one of the member's own grants that is the association's own (its uploads, the
    conversation's files and the letters), by its SHA-256; 404 for anything else."""
    viewer = member(request)

    def load() -> Response:
        grant = own_grant(request, viewer, request.path_params["grant_id"])
        with reading(request) as cursor:
            sha = str(request.path_params["sha256"])
            record = CaseFile.document(cursor, grant.id, sha, for_association=True)
            letter = CaseFile.letter_by_sha256(cursor, sha)
        return serve_document(request, record, letter if letter is not None and letter.grant_id == grant.id else None)

    return await run_in_threadpool(load)


portal_routes = [
    Route("/", start, name="portal_start"),
    Route("/antrag", apply, methods=["GET", "POST"], name="portal_apply"),
    Route("/zuwendungen/{grant_id}", grant_page, name="portal_grant"),
    Route("/zuwendungen/{grant_id}/verwendungsnachweis.xlsx", proof_workbook, name="portal_proof_workbook"),
    Route("/zuwendungen/{grant_id}/dateien/{sha256}", uploaded_document, name="portal_uploaded_document"),
    Route(
        "/zuwendungen/{grant_id}/abrufe/{payment_id}/zuruecknehmen",
        cancel_payment,
        methods=["POST"],
        name="portal_cancel_payment",
    ),
    Route("/zuwendungen/{grant_id}/{action}", grant_form, methods=["POST"], name="portal_grant_form"),
]
