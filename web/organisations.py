"""Organisations (Zuwendungsempfänger): the list, a page each with its grants, and the forms to register
one, change its bank account (the IBAN is checked by the domain) and its address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.application import FundingOffice
from domain.errors import DomainError
from domain.messages import N_, marked, message
from domain.organisation import LegalForm, Organisation, address
from projections.web_queries import GrantFilter, grant_page, organisation_page
from web.auth import Viewer, check_csrf, require, services
from web.forms import FormReader
from web.grant_actions import Field, status_for
from web.pages import (
    EVERYONE,
    PAGE_SIZE,
    STAFF,
    field_views,
    give_notice,
    in_thread,
    page_number,
    pages,
    reading,
    stray_error,
    take_notice,
    today,
    uuid_or_404,
)
from web.templating import templates

EDITORS = (Role.OFFICER, Role.ADMIN)


def _address_fields(current: dict[str, str] | None = None) -> list[Field]:
    current = current or {}
    return [
        Field("street", N_("Straße und Hausnummer"), default=current.get("street", "")),
        Field("postcode", N_("Postleitzahl"), default=current.get("postcode", "")),
        Field("city", "Ort", default=current.get("city", "Dortmund")),
        Field("country", N_("Land (ISO-Code)"), default=current.get("country", "DE")),
    ]


def _register_fields() -> list[Field]:
    return [
        Field("name", "Name"),
        Field(
            "legal_form", "Rechtsform", "select", options=tuple((f.value, f.value) for f in LegalForm), default="e.V."
        ),
        Field(
            "register_number",
            "Registernummer",
            required=False,
            hint=N_("Beim e. V. die Vereinsregisternummer, z. B. VR 1234."),
        ),
        Field("register_court", N_("Registergericht"), required=False, hint=N_("z. B. Amtsgericht Dortmund")),
        *_address_fields(),
        Field("iban", "IBAN"),
    ]


def _read_address(r: FormReader) -> dict[str, str] | None:
    try:
        return address(r.text("street"), r.text("postcode"), r.text("city"), r.text("country"))
    except DomainError as error:
        r.errors.setdefault(error.field or "street", error.message)
        return None


def _register(office: FundingOffice, organisation: Organisation | None, actor: Any, r: FormReader) -> UUID | None:
    name, form, number, iban = (
        r.text("name"),
        r.choice("legal_form", {f.value for f in LegalForm}),
        r.text("register_number"),
        r.text("iban"),
    )
    court = r.text("register_court")
    where = _read_address(r)
    if not r.ok:
        return None
    assert where is not None
    return office.register_organisation(name, form, number, where, iban, actor, register_court=court)


def _change_bank(office: FundingOffice, organisation: Organisation | None, actor: Any, r: FormReader) -> UUID | None:
    assert organisation is not None
    iban, reason = r.text("iban"), r.text("reason")
    office.change_bank_account(organisation.id, iban, reason, actor)
    return organisation.id


def _register_entry(office: FundingOffice, organisation: Organisation | None, actor: Any, r: FormReader) -> UUID | None:
    assert organisation is not None
    office.record_register_entry(organisation.id, r.text("register_court"), r.text("register_number"), actor)
    return organisation.id


def _change_address(office: FundingOffice, organisation: Organisation | None, actor: Any, r: FormReader) -> UUID | None:
    assert organisation is not None
    where = _read_address(r)
    if not r.ok:
        return None
    assert where is not None
    office.change_address(organisation.id, where, actor)
    return organisation.id


EDIT_FORMS: dict[str, tuple[str, str, Callable[[Organisation], list[Field]], Any, str]] = {
    "bankverbindung": (
        N_("Bankverbindung ändern"),
        N_("IBAN ändern"),
        lambda o: [Field("iban", N_("Neue IBAN")), Field("reason", "Begründung", "textarea")],
        _change_bank,
        N_("Die Bankverbindung ist geändert."),
    ),
    "registereintrag": (
        N_("Registereintrag"),
        N_("Registereintrag erfassen"),
        lambda o: [
            Field(
                "register_court", N_("Registergericht"), default=o.register_court, hint=N_("z. B. Amtsgericht Dortmund")
            ),
            Field("register_number", N_("Registernummer"), default=o.register_number, hint=N_("z. B. VR 1234")),
        ],
        _register_entry,
        N_("Der Registereintrag ist erfasst."),
    ),
    "anschrift": (
        N_("Anschrift ändern"),
        N_("Anschrift ändern"),
        lambda o: _address_fields(o.address),
        _change_address,
        N_("Die Anschrift ist geändert."),
    ),
}


@in_thread
def organisation_list(request: Request) -> Response:
    viewer = require(request, *STAFF)
    search = request.query_params.get("suche", "").strip()[:100]
    page = page_number(request)
    with reading(request) as cursor:
        rows, total = organisation_page(cursor, search, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return templates.TemplateResponse(
        request,
        "organisations/list.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages(total),
            "search": search,
            "may_register": viewer.role in EDITORS,
            "notice": take_notice(request),
        },
    )


async def organisation_new(request: Request) -> Response:
    viewer = require(request, *EDITORS)
    specs = _register_fields()
    if request.method == "GET":
        return templates.TemplateResponse(
            request, "organisations/new.html", {"fields": field_views(specs, "neu"), "general": None}
        )
    form = await request.form()
    check_csrf(request, form)
    reader = FormReader(form)
    try:
        organisation_id = await run_in_threadpool(_register, services(request).office, None, viewer.actor, reader)
    except DomainError as error:
        errors = {error.field: error.message} if error.field else {}
        return templates.TemplateResponse(
            request,
            "organisations/new.html",
            {
                "fields": field_views(specs, "neu", reader.values, errors),
                "general": stray_error(specs, errors, None if error.field else error.message),
            },
            status_code=status_for(error),
        )
    if organisation_id is None:
        return templates.TemplateResponse(
            request,
            "organisations/new.html",
            {
                "fields": field_views(specs, "neu", reader.values, reader.errors),
                "general": stray_error(specs, reader.errors),
            },
            status_code=400,
        )
    give_notice(request, N_("Die Organisation ist registriert."))
    return RedirectResponse(f"/organisationen/{organisation_id}", status_code=303)


def _render(
    request: Request, viewer: Viewer, organisation_id: UUID, failed: dict[str, Any] | None = None, status: int = 200
) -> Response:
    if viewer.role is Role.ASSOCIATION and viewer.organisation_id != organisation_id:
        raise HTTPException(status_code=403, detail=N_("Das ist nicht Ihr Verein."))
    office = services(request).office
    organisation = office.organisation(organisation_id)
    with reading(request) as cursor:
        grants, total = grant_page(cursor, today(request), GrantFilter(organisation_id=organisation_id), 50, 0)
    forms = []
    for slug, (title, button, fields, _, _) in EDIT_FORMS.items():
        mine = failed is not None and failed["slug"] == slug
        if viewer.role not in EDITORS and not mine:
            continue
        specs = fields(organisation)
        forms.append(
            {
                "slug": slug,
                "title": title,
                "button": button,
                "anchor": f"form-{slug}",
                "fields": field_views(
                    specs,
                    f"form-{slug}",
                    failed["values"] if mine and failed else None,
                    failed["errors"] if mine and failed else None,
                ),
                "general": stray_error(specs, failed["errors"], failed.get("general")) if mine and failed else None,
            }
        )
    return templates.TemplateResponse(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "grants": grants,
            "grant_total": total,
            "forms": forms,
            "notice": take_notice(request) if failed is None else None,
        },
        status_code=status,
    )


async def organisation_detail(request: Request) -> Response:
    viewer = require(request, *EVERYONE)
    organisation_id = uuid_or_404(request.path_params["organisation_id"])
    return await run_in_threadpool(_render, request, viewer, organisation_id)


async def organisation_action(request: Request) -> Response:
    viewer = require(request, *EVERYONE)
    form = await request.form()
    check_csrf(request, form)
    organisation_id = uuid_or_404(request.path_params["organisation_id"])
    entry = EDIT_FORMS.get(request.path_params["action"])
    if entry is None:
        raise HTTPException(status_code=404, detail=N_("Diese Aktion gibt es nicht."))
    title, _, _, run, notice = entry
    if viewer.role not in EDITORS:
        raise HTTPException(
            status_code=403,
            detail=message(
                "»{action}« dürfen Sie in Ihrer Rolle ({role}) nicht.",
                action=marked(title),
                role=marked(viewer.role_german),
            ),
        )
    reader = FormReader(form)
    slug = request.path_params["action"]

    def act() -> Response:
        office = services(request).office
        organisation = office.organisation(organisation_id)
        try:
            done = run(office, organisation, viewer.actor, reader)
        except DomainError as error:
            failed = {
                "slug": slug,
                "values": reader.values,
                "errors": {error.field: error.message} if error.field else {},
                "general": None if error.field else error.message,
            }
            return _render(request, viewer, organisation_id, failed, status_for(error))
        if done is None:
            return _render(
                request,
                viewer,
                organisation_id,
                {"slug": slug, "values": reader.values, "errors": reader.errors, "general": None},
                400,
            )
        give_notice(request, notice)
        return RedirectResponse(f"/organisationen/{organisation_id}", status_code=303)

    return await run_in_threadpool(act)
