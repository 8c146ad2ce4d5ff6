"""Grants: the filtered list, the grant page with every command as a form, and the form handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.claim import CAUSES, Claim
from domain.errors import DomainError
from domain.grant import AFTER_AWARD, PAYMENT_GERMAN, REVIEWED, STATUS_GERMAN, Grant
from domain.idle_money import IdleInterest
from domain.messages import N_, marked, message
from domain.money import Money
from domain.plan import FinancingType
from projections.deadlines import DOCUMENTS
from projections.grant_law import GrantLaw
from projections.grant_overview import GrantOverview
from projections.journal import Journal
from projections.timeline import Timeline
from projections.web_queries import (
    GrantFilter,
    GrantKey,
    count_grants,
    fiscal_years_in_use,
    grant_list_page,
    organisation_name,
    partner_cities_in_use,
    programme_choices,
)
from web.auth import Viewer, check_csrf, refuse_member_dates, require, services
from web.case_file import (
    ATTACHING_FORMS,
    MESSAGE_FIELD,
    NOTE_FIELD,
    attachment_fields,
    case_file_context,
    remark_fields,
    with_audience,
)
from web.conversation import store_files, uploads_of
from web.forms import FormReader
from web.grant_actions import ACTIONS, Action, Field, GrantContext, status_for
from web.letters import LETTER_FORMS, PREVIEW_FIELD, issue_after, letters_context, rehearse_letter
from web.next_step import next_step
from web.pages import (
    EVERYONE,
    PAGE_SIZE,
    check_grant_relation,
    give_notice,
    in_thread,
    page_number,
    pages,
    query_string,
    reading,
    take_notice,
    today,
    uuid_or_404,
)
from web.templating import templates

# The list ----------------------------------------------------------------------------------------


def _filters(request: Request, viewer: Viewer) -> tuple[GrantFilter, dict[str, str]]:
    q = request.query_params
    raw = {
        key: q.get(key, "").strip()
        for key in ("programm", "jahr", "stand", "partnerstadt", "organisation", "verein", "suche")
    }
    raw["ueberfaellig"] = N_("ja") if q.get("ueberfaellig") in (N_("ja"), "on", "1") else ""

    def uuid(text: str) -> UUID | None:
        try:
            return UUID(text) if text else None
        except ValueError:
            return None

    year = int(raw["jahr"]) if raw["jahr"].isdigit() and len(raw["jahr"]) == 4 else None
    organisation = uuid(raw["organisation"])
    if viewer.role.value == "association":  # a member's list never shows another organisation's grants
        organisation = viewer.organisation_id
        raw["organisation"] = raw["verein"] = ""  # nor searches other organisations' names
    return GrantFilter(
        programme_id=uuid(raw["programm"]),
        fiscal_year=year,
        status=raw["stand"] if raw["stand"] in STATUS_GERMAN else None,
        partner_city=raw["partnerstadt"] or None,
        organisation_id=organisation,
        overdue=bool(raw["ueberfaellig"]),
        search=raw["suche"][:100],
        organisation_name=raw["verein"][:100],
    ), raw


@in_thread
def grant_list(request: Request) -> Response:
    """The filtered list, newest application first, paged by key: the links carry the first or last row's
    key (``vor``/``nach``) and the page number only for display; an old link with only ``seite`` still works."""
    viewer = require(request, *EVERYONE)
    filters, raw = _filters(request, viewer)
    page = page_number(request)
    after, before = (
        GrantKey.parse(request.query_params.get("nach", "")),
        GrantKey.parse(request.query_params.get("vor", "")),
    )
    with reading(request) as cursor:
        listed = grant_list_page(
            cursor,
            today(request),
            filters,
            PAGE_SIZE,
            after=after,
            before=None if after else before,
            offset=0 if after or before else (page - 1) * PAGE_SIZE,
        )
        total, more = count_grants(cursor, today(request), filters)
        chosen = (
            organisation_name(cursor, filters.organisation_id)
            if raw["organisation"] and filters.organisation_id
            else None
        )
        choices = {
            "programmes": programme_choices(cursor),
            "years": fiscal_years_in_use(cursor),
            "cities": partner_cities_in_use(cursor),
        }
    if not listed.has_previous:
        page = 1  # back at the start, whatever the link said
    elif page == 1:
        page = 2  # a page behind the first (a link without its number): at least the second
    previous_link = next_link = None
    if listed.has_previous and listed.first:
        previous_link = "?" + query_string(raw, seite=page - 1 if page > 2 else None, vor=listed.first.token())
        if page == 2 and before is None:
            previous_link = "?" + query_string(raw)
    if listed.has_next and listed.last:
        next_link = "?" + query_string(raw, seite=page + 1, nach=listed.last.token())
    return templates.TemplateResponse(
        request,
        "grants/list.html",
        {
            "rows": listed.rows,
            "count": f"{total:,}".replace(",", "."),
            "more": more,
            "pages": None if more else pages(total),
            "page": page,
            "previous_link": previous_link,
            "next_link": next_link,
            "raw": raw,
            "chosen_organisation": chosen,
            "all_organisations": "?" + query_string(raw, organisation=None),
            "choices": choices,
            "statuses": STATUS_GERMAN,
            "member": viewer.role.value == "association",
        },
    )


# The grant page ----------------------------------------------------------------------------------


@dataclass
class FormView:
    """One form as the template draws it: fields with values and errors, or the note why it is not offered."""

    action: Action
    item_key: str
    url: str
    anchor: str
    fields: list[dict[str, Any]] = field(default_factory=list)
    general_error: str | None = None
    blocked: str | None = None
    primary: bool = False  # the first thing to do on the page is shown open
    preview: bool = False  # the decision gives a letter: a second button shows it as a draft first

    @property
    def failed(self) -> bool:
        return self.general_error is not None or any(f["error"] for f in self.fields)


@dataclass
class Failure:
    """A submitted form that was refused: which one, what was typed, and what was wrong."""

    slug: str
    item_key: str
    values: dict[str, str]
    errors: dict[str, str]
    general: str | None = None


def _form_view(
    action: Action, ctx: GrantContext, item_key: str, item: Any, failed: Failure | None, force: bool = False
) -> FormView | None:
    mine = failed is not None and failed.slug == action.slug and failed.item_key == item_key
    if not mine and not force and not action.offered(ctx, item):
        return None
    grant_id = ctx.grant.id
    anchor = f"form-{action.slug}" + (f"-{item_key[:8]}" if item_key else "")
    url = f"/zuwendungen/{grant_id}/{action.slug}" + (f"/{item_key}" if item_key else "") + f"#{anchor}"
    view = FormView(action, item_key, url, anchor, preview=action.slug in LETTER_FORMS)
    if not mine:
        view.blocked = action.blocked(ctx, item) if action.offered(ctx, item) else None
    try:
        specs: list[Field] = action.fields(ctx, item)
    except (AttributeError, TypeError, KeyError):  # the item is not in a state this form can describe
        specs = []
    specs = [
        *(with_audience(action.slug, spec) for spec in specs),
        *attachment_fields(action.slug),
        *remark_fields(action.slug, ctx.viewer.role),
    ]
    for spec in specs:
        value = failed.values.get(spec.name, "") if mine and failed else spec.default
        error = failed.errors.get(spec.name) if mine and failed else None
        view.fields.append({"spec": spec, "id": f"{anchor}-{spec.name}", "value": value, "error": error})
    if mine and failed:
        known = {spec.name for spec in specs}
        stray = [message for name, message in failed.errors.items() if name not in known]
        view.general_error = failed.general or (stray[0] if stray else None)
    return view


def _grant_context(request: Request, viewer: Viewer, grant_id: UUID) -> tuple[GrantContext, dict[str, Any]]:
    office, day = services(request).office, today(request)
    with reading(request) as cursor:
        check_grant_relation(cursor, viewer, grant_id)
        row = GrantOverview.grant(cursor, grant_id, day)
        timeline = Timeline.of(cursor, grant_id)
        journal = Journal.entries(cursor, holder_id=grant_id)
        open_items = GrantOverview.deadline_book.open(cursor, [grant_id])
        facts = GrantLaw.of(cursor, grant_id)
        case_file = case_file_context(request, cursor, viewer, grant_id)
        case_file.update(letters_context(cursor, grant_id, viewer))
    grant = office.grant(grant_id)
    claims = {claim_id.hex: office.claim(claim_id) for claim_id in grant.claim_ids}
    documents: list[tuple[str, str]] = [
        (d.key, message("{text} (bis {due})", text=d.text, due=d.due)) for d in open_items if d.kind == DOCUMENTS
    ]
    ctx = GrantContext(grant, viewer, day, documents, claims, idle_interest=_idle_interest(office, viewer, grant, day))
    if grant.status == REVIEWED:  # the approval form proposes the programme's rules (proof-of-use deadline)
        ctx.rule_set = office.programme(grant.programme_id).rule_set
    read = {"row": row, "timeline": timeline, "journal": journal, "open_items": open_items, "facts": facts}
    return ctx, {**read, "case_file": case_file}


def _idle_interest(office: Any, viewer: Viewer, grant: Grant, day: date) -> IdleInterest | None:
    """The idle-money computation (the association sees its own: it is heard on it)."""
    if grant.terms is None or grant.status not in AFTER_AWARD:
        return None
    proposal: IdleInterest = office.idle_interest(grant.id, on=day)
    return proposal


def _names(request: Request, ids: set[UUID]) -> dict[UUID, str]:
    office, names = services(request).office, {}
    for user_id in ids:
        try:
            names[user_id] = office.user(user_id).display_name
        except DomainError:
            names[user_id] = "?"
    return names


def _render_grant(
    request: Request, viewer: Viewer, grant_id: UUID, failed: Failure | None = None, status: int = 200
) -> Response:
    ctx, read = _grant_context(request, viewer, grant_id)
    grant = ctx.grant
    if read["row"] is None:
        raise HTTPException(status_code=404, detail=N_("Diese Zuwendung gibt es nicht."))
    forced = failed.slug if failed else None

    def forms_for(scope: str, item_key: str, item: Any) -> list[FormView]:
        views = []
        for action in ACTIONS.values():
            if action.scope != scope:
                continue
            view = _form_view(action, ctx, item_key, item, failed, force=action.slug == forced and scope == "grant")
            if view is not None:
                views.append(view)
        return views

    positions: dict[str, int] = {}
    event_positions: set[int] = set()
    for entry in read["journal"]:
        event_positions.add(entry.position)
        if entry.item_id is not None:
            positions.setdefault(entry.item_id.hex, entry.position)

    people = (
        {p["requested_by"] for p in grant.payments.values()}
        | {p["certified_by"] for p in grant.payments.values() if p["certified_by"]}
        | {p["released_by"] for p in grant.payments.values() if p["released_by"]}
    )
    names = _names(request, people)
    payments = [
        {
            "key": key,
            "data": payment,
            "status_german": PAYMENT_GERMAN[payment["status"]],
            "journal": positions.get(key),
            "forms": forms_for("payment", key, payment),
            "requested_by": names.get(payment["requested_by"], ""),
            "certified_by": names.get(payment["certified_by"], "") if payment["certified_by"] else "",
            "released_by": names.get(payment["released_by"], "") if payment["released_by"] else "",
        }
        for key, payment in sorted(grant.payments.items(), key=lambda kv: kv[1]["requested_on"])
    ]
    warn_days = services(request).office.rate_warning_days
    expenses = [
        {
            "key": key,
            "data": expense,
            "journal": positions.get(key),
            "forms": forms_for("expense", key, expense),
            "foreign": expense.get("foreign"),
            "rate_warning": expense["foreign"].rate_warning(expense["paid_on"], warn_days)
            if expense.get("foreign")
            else None,
            "before_start": expense["paid_on"] < grant.eligible_from,
        }
        for key, expense in sorted(grant.expenses.items(), key=lambda kv: kv[1]["paid_on"])
    ]
    rates = services(request).office.interest_table()
    claims = [
        {
            "key": key,
            "claim": claim,
            "due": claim.amount_due(ctx.today, rates) if claim.status == "open" else None,
            "interest": claim.interest_due(ctx.today, rates) if claim.status == "open" else None,
            "provisional": claim.status == "open" and claim.interest_provisional(ctx.today, rates),
            "margin": rates.margin_on(claim.legal_basis, ctx.today) if claim.legal_basis else claim.interest_margin,
            "journal": positions.get(key),
            "forms": forms_for("claim", key, claim),
            "cause_german": CAUSES.get(claim.cause, claim.cause),
            "tranches": [t for t in claim.tranches if t[1]]
            if claim.status == "open" and len(claim.tranches) > 1
            else [],
        }
        for key, claim in ctx.claims.items()
    ]
    plan = grant.terms.plan if grant.terms else grant.plan
    spent = grant.spent_per_line() if grant.terms else {}
    recognised = (grant.recognised or {}).get("costs", {})
    tolerance = grant.terms.rule_set.line_tolerance if grant.terms else None
    lines = [
        {
            "line": line,
            "spent": spent.get(line.code),
            "recognised": recognised.get(line.code),
            "ceiling": line.amount * (1 + tolerance) if tolerance is not None else None,
            "over": tolerance is not None and spent.get(line.code) is not None and spent[line.code] > line.amount,
        }
        for line in plan.cost_lines
    ]
    grant_forms = forms_for("grant", "", None)
    offered = [f for f in grant_forms if not f.blocked]
    item_forms: list[tuple[dict[str, Any], FormView]] = []
    for rows in (payments, expenses, claims):
        for row in rows:
            views: list[FormView] = row["forms"]  # type: ignore[assignment]
            item_forms += [(row, view) for view in views if not view.blocked]
    wanted = request.query_params.get("aufgabe", "")
    asked = next((v for v in [*offered, *(v for _, v in item_forms)] if v.anchor == wanted), None)
    if failed is None and asked is not None:
        asked.primary = True  # the work queue's task: open, and the grant's own first form stays closed
        offered.sort(key=lambda v: not v.primary)
    elif offered and not any(f.failed for f in offered):
        offered[0].primary = True
    item_tasks = [
        {"title": view.action.title, "anchor": view.anchor, "what": _item_label(row)} for row, view in item_forms
    ]
    context = {
        "grant": grant,
        "row": read["row"],
        "ctx": ctx,
        "plan": plan,
        "lines": lines,
        "payments": payments,
        "expenses": expenses,
        "claims": claims,
        "timeline": read["timeline"],
        "journal": read["journal"],
        "event_positions": event_positions,
        "deadlines": grant.deadlines(ctx.today),
        "documents": [d for d in read["open_items"] if d.kind == DOCUMENTS],
        "grant_forms": offered,
        "item_tasks": item_tasks,
        "next_step": next_step(grant),
        "blocked_forms": [f for f in grant_forms if f.blocked],
        "failed": failed,
        "notice": take_notice(request) if failed is None else None,
        "financing_german": FinancingType(grant.financing_type).german,
        "terms_financing_german": FinancingType(grant.terms.financing_type).german if grant.terms else "",
        "reviewer": _names(request, {grant.reviewer_id}).get(grant.reviewer_id) if grant.reviewer_id else None,
        "facts": read["facts"],
        "idle_interest": ctx.idle_interest,
        **read["case_file"],
    }
    return templates.TemplateResponse(request, "grants/detail.html", context, status_code=status)


def _open_tranches(claim: Claim) -> list[tuple[date, Money]]:
    """The open principal by the day it bears interest from, when a claim has more than one such day."""
    tranches = [t for t in claim.tranches if t[1]] if claim.status == "open" else []
    return tranches if len(tranches) > 1 else []


def _item_label(row: dict[str, Any]) -> tuple[str, Any, Any]:
    """A payment, expense or claim in a few words for the tasks at the top of the grant page: (kind, day,
    amount); the template words it in the page's language."""
    data = row.get("data")
    if isinstance(data, dict) and "requested_on" in data:
        return "payment", data["requested_on"], data["amount"]
    if isinstance(data, dict) and "paid_on" in data:
        return "expense", data["paid_on"], data["euro"]
    return "claim", None, None


async def grant_detail(request: Request) -> Response:
    viewer = require(request, *EVERYONE)
    grant_id = uuid_or_404(request.path_params["grant_id"])
    return await run_in_threadpool(_render_grant, request, viewer, grant_id)


async def grant_action(request: Request) -> Response:
    """One submitted form: checked token, role and relation first; a refusal comes back on the same form."""
    viewer = require(request, *EVERYONE)
    form = await request.form()
    check_csrf(request, form)
    refuse_member_dates(viewer, form, today(request))
    grant_id = uuid_or_404(request.path_params["grant_id"])
    action = ACTIONS.get(request.path_params["action"])
    if action is None:
        raise HTTPException(status_code=404, detail=N_("Diese Aktion gibt es nicht."))
    if viewer.role not in action.roles:
        raise HTTPException(
            status_code=403,
            detail=message(
                "»{action}« dürfen Sie in Ihrer Rolle ({role}) nicht.",
                action=marked(action.title),
                role=marked(viewer.role_german),
            ),
        )
    item_key = request.path_params.get("item", "")
    uploads = uploads_of(form) if action.slug in ATTACHING_FORMS else []
    try:
        return await run_in_threadpool(_act, request, viewer, grant_id, action, item_key, FormReader(form), uploads)
    finally:
        await form.close()  # uploaded files are spooled to temporary files


def _act(
    request: Request,
    viewer: Viewer,
    grant_id: UUID,
    action: Action,
    item_key: str,
    reader: FormReader,
    uploads: list[Any] | None = None,
) -> Response:
    ctx, _ = _grant_context(request, viewer, grant_id)
    item_id: UUID | None = None
    if action.scope != "grant":
        if ctx.item(action.scope, item_key) is None:
            raise HTTPException(status_code=404, detail=N_("Diesen Eintrag gibt es zu dieser Zuwendung nicht."))
        item_id = UUID(item_key)
    office = services(request).office
    remarks = {f.name: reader.text(f.name) for f in remark_fields(action.slug, viewer.role)}
    try:
        if reader.values.get(PREVIEW_FIELD) and action.slug in LETTER_FORMS:
            preview = rehearse_letter(
                request, viewer, action.slug, lambda: action.run(office, ctx, item_id, viewer.actor, reader)
            )
            if preview is not None:
                return preview
            notice = None
        else:
            documents = store_files(request, uploads or [])
            with office.enclosing(
                viewer.actor,
                note=remarks.get(NOTE_FIELD, ""),
                message=remarks.get(MESSAGE_FIELD, ""),
                documents=documents or None,
            ) as enclosure:
                notice = action.run(office, ctx, item_id, viewer.actor, reader)
            if notice is not None:
                letter = issue_after(request, viewer, action.slug, enclosure)
                if letter:
                    notice = message("{notice} {letter}", notice=marked(notice), letter=marked(letter))
    except DomainError as error:
        target = action.field_map.get(error.field or "", error.field or "")
        failure = Failure(
            action.slug,
            item_key,
            reader.values,
            {target: error.message} if target else {},
            None if target else error.message,
        )
        return _render_grant(request, viewer, grant_id, failure, status_for(error))
    if notice is None:
        failure = Failure(action.slug, item_key, reader.values, reader.errors)
        return _render_grant(request, viewer, grant_id, failure, 400)
    give_notice(request, notice)
    return RedirectResponse(f"/zuwendungen/{grant_id}#verlauf", status_code=303)
