"""Entering an application: an officer types in one that came by post, an association member its own.

The cost plan has up to six lines (a label and an amount each; the line's short code is made from its
position); the funding side lists own funds, third-party funds, income and the grant requested, and
must balance to the cent — the domain says by how much it does not.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.application import FundingOffice
from domain.dates import FundingPeriod
from domain.errors import DomainError
from domain.messages import N_, message
from domain.partner_cities import PARTNER_CITIES
from domain.plan import FinancingPlan, FinancingType
from projections.web_queries import organisation_choices, organisation_name, programme_choices
from web.auth import Viewer, check_csrf, refuse_member_dates, require, services
from web.forms import FormReader
from web.grant_actions import Field, publish_purpose_field, status_for
from web.pages import field_views, give_notice, reading, stray_error, today
from web.templating import city_label, templates

ENTERING = (Role.OFFICER, Role.ASSOCIATION)
LINES = 6


def _fields(request: Request, viewer: Viewer, day: date, chosen: str = "") -> list[Field]:
    """The form's fields. The recipient is offered from a short list: the member's own organisation, or for
    staff the organisations whose name contains ``?verein=`` (the search above the form), the first
    fifty by name without one, and the one already chosen (``?organisation=`` or the form sent)."""
    with reading(request) as cursor:
        programmes = [(str(p.programme_id), f"{p.code} – {p.title}") for p in programme_choices(cursor) if not p.closed]
        if viewer.role is Role.ASSOCIATION:
            wanted: list[UUID | None] = [viewer.organisation_id]
            found: list[tuple[UUID, str]] = []
        else:
            wanted = [_uuid(chosen or request.query_params.get("organisation", ""))]
            found = organisation_choices(cursor, request.query_params.get("verein", "")[:100])
        named = [(i, organisation_name(cursor, i)) for i in wanted if i is not None and i not in dict(found)]
        organisations = [(str(i), name) for i, name in named if name is not None] + [
            (str(i), name) for i, name in found
        ]
    cities = tuple((c.name, city_label(c)) for c in PARTNER_CITIES if c.active)
    project, costs, funding = "Vorhaben", "Kostenplan|pairs", "Finanzierung"
    fields = [
        Field(
            "programme_id",
            N_("Förderprogramm"),
            "select",
            options=tuple(programmes),
            group=project,
            placeholder=N_("– bitte wählen –"),
        ),
        Field(
            "organisation_id",
            "Zuwendungsempfänger",
            "select",
            options=tuple(organisations),
            group=project,
            placeholder="" if viewer.role is Role.ASSOCIATION else N_("– bitte wählen –"),
        ),
        Field("title", N_("Titel des Vorhabens"), group=project),
        Field(
            "partner_city", "Partnerstadt", "select", options=cities, group=project, placeholder=N_("– bitte wählen –")
        ),
        Field("purpose", N_("Zweck und Ablauf"), "textarea", group=project),
        publish_purpose_field(project),
        Field("period_start", N_("Beginn"), "date", group=project),
        Field("period_end", N_("Ende"), "date", group=project),
        Field(
            "financing_type",
            "Finanzierungsart",
            "select",
            options=tuple((t.value, t.german) for t in FinancingType),
            default="share",
            group=project,
        ),
    ]
    for n in range(1, LINES + 1):
        fields.append(
            Field(
                f"line_{n}_label",
                message("Kostenposition {n}: Bezeichnung", n=n),
                required=n == 1,
                hint=N_("z. B. Reisekosten") if n == 1 else "",
                group=costs,
            )
        )
        fields.append(
            Field(
                f"line_{n}_amount",
                message("Kostenposition {n}: Betrag in Euro", n=n),
                "amount",
                required=n == 1,
                group=costs,
            )
        )
    fields += [
        Field("own_funds", N_("Eigenmittel in Euro"), "amount", default="0,00", group=funding),
        Field("third_party_funds", N_("Drittmittel in Euro"), "amount", default="0,00", group=funding),
        Field("income", N_("Einnahmen in Euro"), "amount", default="0,00", group=funding),
        Field("grant", N_("Beantragte Zuwendung in Euro"), "amount", group=funding),
        Field("on", N_("Eingangsdatum"), "date", default=day.isoformat(), group=funding),
    ]
    return fields


def _read(r: FormReader, viewer: Viewer) -> dict[str, Any] | None:
    values: dict[str, Any] = {name: r.text(name, True) for name in ("title", "purpose", "partner_city")}
    for name in ("programme_id", "organisation_id"):
        try:
            values[name] = UUID(r.text(name))
        except ValueError:
            r.errors.setdefault(name, "Bitte eine der angebotenen Möglichkeiten wählen.")
    values["financing_type"] = r.choice("financing_type", {t.value for t in FinancingType})
    start, end, on = r.day("period_start"), r.day("period_end"), r.day("on")
    lines, funding, grant = r.financing_plan_parts(LINES, N_("Bitte die Kostenposition benennen."))
    if not r.ok:
        return None
    try:
        values["period"] = FundingPeriod(start, end)  # type: ignore[arg-type]
        values["plan"] = FinancingPlan(tuple(lines), grant=grant, **funding)  # type: ignore[arg-type]
    except DomainError as error:
        r.errors.setdefault(
            {"period_end": "period_end", "period": "period_start", "cost_lines": "line_1_label"}.get(
                error.field or "", error.field or "grant"
            ),
            error.message,
        )
        return None
    values["on"] = on
    values["publish_purpose"] = r.values.get("publish_purpose", "") == "ja"
    return values


def _apply(office: FundingOffice, viewer: Viewer, r: FormReader) -> UUID | None:
    values = _read(r, viewer)
    if values is None:
        return None
    return office.apply_for_grant(
        values["programme_id"],
        values["organisation_id"],
        values["title"],
        values["purpose"],
        values["partner_city"],
        values["period"],
        values["financing_type"],
        values["plan"],
        viewer.actor,
        on=values["on"],
        publish_purpose=values["publish_purpose"],
    )


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


async def application_new(request: Request) -> Response:
    viewer = require(request, *ENTERING)
    if request.method == "GET":
        specs = await run_in_threadpool(_fields, request, viewer, today(request))
        return templates.TemplateResponse(
            request,
            "grants/new.html",
            {
                "fields": field_views(specs, "antrag"),
                "general": None,
                "search": request.query_params.get("verein", "")[:100] if viewer.role is not Role.ASSOCIATION else None,
            },
        )
    form = await request.form()
    specs = await run_in_threadpool(_fields, request, viewer, today(request), str(form.get("organisation_id", "")))
    check_csrf(request, form)
    refuse_member_dates(viewer, form, today(request))
    reader = FormReader(form)
    try:
        grant_id = await run_in_threadpool(_apply, services(request).office, viewer, reader)
    except DomainError as error:
        target = {"grant": "grant", "own_funds": "own_funds", "period_end": "period_end"}.get(
            error.field or "", error.field
        )
        errors = {target: error.message} if target else {}
        return templates.TemplateResponse(
            request,
            "grants/new.html",
            {
                "fields": field_views(specs, "antrag", reader.values, errors),
                "general": stray_error(specs, errors, None if target else error.message),
            },
            status_code=status_for(error),
        )
    if grant_id is None:
        return templates.TemplateResponse(
            request,
            "grants/new.html",
            {
                "fields": field_views(specs, "antrag", reader.values, reader.errors),
                "general": stray_error(specs, reader.errors),
            },
            status_code=400,
        )
    give_notice(request, N_("Der Antrag ist eingegangen; er liegt jetzt zur Prüfung bei der Sachbearbeitung."))
    return RedirectResponse(f"/zuwendungen/{grant_id}", status_code=303)
