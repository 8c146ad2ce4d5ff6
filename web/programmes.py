"""Programmes: the list with budget bars, a programme's page (balances per fiscal year, as of any date,
posting coordinates, rule set), and the forms to open one, provide or amend a year's budget, and close it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.application import FundingOffice
from domain.dates import FiscalYear
from domain.errors import DomainError
from domain.messages import N_, marked, message
from domain.plan import FinancingType
from domain.posting import PostingCoordinates
from domain.programme import FundingSource, Programme
from domain.rules import RuleSet
from projections.journal import Journal
from projections.programme_balances import ProgrammeBalances
from projections.register import Register
from projections.web_queries import GrantFilter, grant_page
from web.auth import Viewer, check_csrf, require, services
from web.forms import FieldError, FormReader, format_amount, parse_date
from web.grant_actions import Field, status_for
from web.pages import (
    STAFF,
    field_views,
    give_notice,
    in_thread,
    reading,
    stray_error,
    take_notice,
    today,
    uuid_or_404,
)
from web.templating import templates

RULE_SETS: dict[str, tuple[str, Callable[[], RuleSet]]] = {
    "nrw": (N_("Kommunale Regeln NRW (ANBest-P NRW sinngemäß)"), RuleSet.nrw_municipal),
    "bund": (N_("Bundesmittel (ANBest-P, Abruf binnen 6 Wochen)"), RuleSet.federal),
}


def _open_fields(day: date) -> list[Field]:
    return [
        Field("code", N_("Kürzel"), hint=N_("Großbuchstaben, Ziffern und Bindestrich, z. B. IB-VEREINE.")),
        Field("title", N_("Titel")),
        Field("funding_source", "Mittelherkunft", "select", options=tuple((s.value, s.german) for s in FundingSource)),
        Field("rule_set", "Regelwerk", "select", options=tuple((k, v[0]) for k, v in RULE_SETS.items())),
        Field("fiscal_year", "Haushaltsjahr", default=str(day.year)),
        Field("amount", N_("Budget in Euro"), "amount"),
        Field("product", N_("Produkt"), hint=N_("z. B. 01.11.02")),
        Field("account", N_("Sachkonto"), hint=N_("z. B. 531800")),
        Field("cost_centre", N_("Kostenstelle"), hint=N_("z. B. 1011000")),
    ]


def _read_budget(r: FormReader) -> tuple[int | None, Any, PostingCoordinates | None]:
    year, amount = r.year("fiscal_year"), r.amount("amount", allow_zero=True)
    posting = None
    product, account, centre = r.text("product", True), r.text("account", True), r.text("cost_centre", True)
    if product and account and centre:
        try:
            posting = PostingCoordinates(product, account, centre)
        except DomainError as error:
            r.errors.setdefault(error.field or "product", error.message)
    return year, amount, posting


def _open(office: FundingOffice, programme: Programme | None, actor: Any, r: FormReader) -> UUID | None:
    code, title = r.text("code", True), r.text("title", True)
    source = r.choice("funding_source", {s.value for s in FundingSource})
    rules = r.choice("rule_set", RULE_SETS)
    year, amount, posting = _read_budget(r)
    if not r.ok:
        return None
    assert year is not None and amount is not None and posting is not None
    return office.open_programme(
        code, title, source, RULE_SETS[rules][1](), {FiscalYear(year): (amount, posting)}, actor
    )


def _amend(office: FundingOffice, programme: Programme | None, actor: Any, r: FormReader) -> UUID | None:
    assert programme is not None
    year = r.choice("fiscal_year", programme.budgets)
    amount, reason = r.amount("amount", allow_zero=True), r.text("reason")
    if not r.ok:
        return None
    assert amount is not None
    office.amend_budget(programme.id, FiscalYear(int(year)), amount, reason, actor)
    return programme.id


def _allocate(office: FundingOffice, programme: Programme | None, actor: Any, r: FormReader) -> UUID | None:
    assert programme is not None
    year, amount, posting = _read_budget(r)
    reason = r.text("reason")
    if not r.ok:
        return None
    assert year is not None and amount is not None and posting is not None
    office.allocate_budget(programme.id, FiscalYear(year), amount, posting, reason, actor)
    return programme.id


def _close(office: FundingOffice, programme: Programme | None, actor: Any, r: FormReader) -> UUID | None:
    assert programme is not None
    reason = r.text("reason")
    if not r.ok:
        return None
    office.close_programme(programme.id, reason, actor)
    return programme.id


@dataclass(frozen=True)
class ProgrammeForm:
    slug: str
    title: str
    button: str
    roles: tuple[Role, ...]
    fields: Callable[[Programme, date], list[Field]]
    run: Callable[[FundingOffice, Programme | None, Any, FormReader], UUID | None]
    notice: str


def _latest_year(programme: Programme) -> str:
    return max(programme.budgets) if programme.budgets else ""


FORMS = {
    form.slug: form
    for form in (
        ProgrammeForm(
            "budget-aendern",
            N_("Budget ändern"),
            N_("Budget ändern"),
            (Role.ADMIN, Role.FINANCE),
            lambda p, day: [
                Field(
                    "fiscal_year",
                    "Haushaltsjahr",
                    "select",
                    options=tuple((y, y) for y in sorted(p.budgets)),
                    default=_latest_year(p),
                ),
                Field(
                    "amount",
                    N_("Neues Budget in Euro"),
                    "amount",
                    default=format_amount(p.budgets[_latest_year(p)]["amount"]) if p.budgets else "",
                ),
                Field("reason", "Begründung", "textarea"),
            ],
            _amend,
            N_("Das Budget ist geändert."),
        ),
        ProgrammeForm(
            "budget-bereitstellen",
            N_("Budget für ein weiteres Haushaltsjahr"),
            N_("Budget bereitstellen"),
            (Role.ADMIN, Role.FINANCE),
            lambda p, day: [
                Field("fiscal_year", "Haushaltsjahr", default=str(int(_latest_year(p) or day.year) + 1)),
                Field("amount", N_("Budget in Euro"), "amount"),
                *[
                    Field(
                        name,
                        label,
                        default=str(getattr(p.budgets[_latest_year(p)]["posting"], name)) if p.budgets else "",
                    )
                    for name, label in (
                        ("product", N_("Produkt")),
                        ("account", N_("Sachkonto")),
                        ("cost_centre", N_("Kostenstelle")),
                    )
                ],
                Field("reason", "Begründung", "textarea"),
            ],
            _allocate,
            N_("Das Budget ist bereitgestellt."),
        ),
        ProgrammeForm(
            "schliessen",
            N_("Programm schließen"),
            N_("Programm schließen"),
            (Role.ADMIN,),
            lambda p, day: [Field("reason", "Begründung", "textarea")],
            _close,
            N_("Das Programm ist geschlossen; es nimmt keine Anträge mehr an."),
        ),
    )
}


@in_thread
def programme_list(request: Request) -> Response:
    require(request, *STAFF)
    with reading(request) as cursor:
        balances = ProgrammeBalances.years(cursor)
        register = {(y.programme_id, y.fiscal_year): y for y in Register.programme_years(cursor)}
    return templates.TemplateResponse(
        request,
        "programmes/list.html",
        {"balances": balances, "register": register, "notice": take_notice(request)},
    )


async def programme_new(request: Request) -> Response:
    viewer = require(request, Role.ADMIN)
    specs = _open_fields(today(request))
    if request.method == "GET":
        return templates.TemplateResponse(
            request, "programmes/new.html", {"fields": field_views(specs, "neu"), "general": None}
        )
    form = await request.form()
    check_csrf(request, form)
    reader = FormReader(form)
    try:
        programme_id = await run_in_threadpool(_open, services(request).office, None, viewer.actor, reader)
    except DomainError as error:
        errors = {error.field: error.message} if error.field else {}
        return templates.TemplateResponse(
            request,
            "programmes/new.html",
            {
                "fields": field_views(specs, "neu", reader.values, errors),
                "general": stray_error(specs, errors, None if error.field else error.message),
            },
            status_code=status_for(error),
        )
    if programme_id is None:
        return templates.TemplateResponse(
            request,
            "programmes/new.html",
            {
                "fields": field_views(specs, "neu", reader.values, reader.errors),
                "general": stray_error(specs, reader.errors),
            },
            status_code=400,
        )
    give_notice(request, N_("Das Förderprogramm ist angelegt."))
    return RedirectResponse(f"/programme/{programme_id}", status_code=303)


def _as_of(request: Request) -> tuple[date | None, str | None, str]:
    raw = request.query_params.get("stichtag", "").strip()
    if not raw:
        return None, None, ""
    try:
        return parse_date(raw, "stichtag"), None, raw
    except FieldError as error:
        return None, error.message, raw


def _render(
    request: Request, viewer: Viewer, programme_id: UUID, failed: dict[str, Any] | None = None, status: int = 200
) -> Response:
    office, day = services(request).office, today(request)
    programme = office.programme(programme_id)
    as_of, as_of_error, as_of_raw = _as_of(request)
    with reading(request) as cursor:
        balances = ProgrammeBalances.years(cursor, programme_id)
        as_of_balances = (
            [
                (year, Journal.programme_balance(cursor, programme_id, int(year), as_of_date=as_of))
                for year in sorted(programme.budgets)
            ]
            if as_of
            else []
        )
        grants, total = grant_page(cursor, day, GrantFilter(programme_id=programme_id), 10, 0)
    forms = []
    for form in FORMS.values():
        mine = failed is not None and failed["slug"] == form.slug
        mine_failed = failed if mine else None
        if viewer.role not in form.roles and not mine:
            continue
        if programme.closed and not mine:
            continue
        specs = form.fields(programme, day)
        forms.append(
            {
                "form": form,
                "anchor": f"form-{form.slug}",
                "fields": field_views(
                    specs,
                    f"form-{form.slug}",
                    mine_failed["values"] if mine_failed else None,
                    mine_failed["errors"] if mine_failed else None,
                ),
                "general": stray_error(specs, failed["errors"], failed.get("general")) if mine and failed else None,
            }
        )
    return templates.TemplateResponse(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "balances": balances,
            "as_of": as_of,
            "as_of_error": as_of_error,
            "as_of_raw": as_of_raw,
            "as_of_balances": as_of_balances,
            "grants": grants,
            "grant_total": total,
            "forms": forms,
            "notice": take_notice(request) if failed is None else None,
            "source_german": FundingSource(programme.funding_source).german,
            "financing_german": {t.value: t.german for t in FinancingType},
        },
        status_code=status,
    )


async def programme_detail(request: Request) -> Response:
    viewer = require(request, *STAFF)
    programme_id = uuid_or_404(request.path_params["programme_id"])
    return await run_in_threadpool(_render, request, viewer, programme_id)


async def programme_action(request: Request) -> Response:
    viewer = require(request, *STAFF)
    form_data = await request.form()
    check_csrf(request, form_data)
    programme_id = uuid_or_404(request.path_params["programme_id"])
    form = FORMS.get(request.path_params["action"])
    if form is None:
        raise HTTPException(status_code=404, detail=N_("Diese Aktion gibt es nicht."))
    if viewer.role not in form.roles:
        raise HTTPException(
            status_code=403,
            detail=message(
                "»{action}« dürfen Sie in Ihrer Rolle ({role}) nicht.",
                action=marked(form.title),
                role=marked(viewer.role_german),
            ),
        )
    reader = FormReader(form_data)

    def act() -> Response:
        office = services(request).office
        programme = office.programme(programme_id)
        try:
            done = form.run(office, programme, viewer.actor, reader)
        except DomainError as error:
            failed = {
                "slug": form.slug,
                "values": reader.values,
                "errors": {error.field: error.message} if error.field else {},
                "general": None if error.field else error.message,
            }
            return _render(request, viewer, programme_id, failed, status_for(error))
        if done is None:
            failed = {"slug": form.slug, "values": reader.values, "errors": reader.errors, "general": None}
            return _render(request, viewer, programme_id, failed, 400)
        give_notice(request, form.notice)
        return RedirectResponse(f"/programme/{programme_id}", status_code=303)

    return await run_in_threadpool(act)
