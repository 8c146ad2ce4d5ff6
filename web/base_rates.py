"""The base-rate page: the table of base rates (§ 247 BGB) with their sources, and the forms to keep it current.

Staff read the table and the margins each legal basis charges; admins and finance record the rate of a
new half year (with its source) or correct a wrongly recorded one (with a reason); admins record a
margin a legislature changed. When the current half year has no rate yet the page says so, as do the
dashboards of finance and admin users (``missing_rate_notice``) and ``foerderbuch verify``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.application import FundingOffice
from domain.errors import DomainError
from domain.interest import LEGAL_BASES, LEGAL_BASIS_GERMAN, next_half_year
from domain.messages import N_, marked, message
from web.auth import Viewer, check_csrf, require, services
from web.forms import FieldError, FormReader
from web.grant_actions import Field, status_for
from web.pages import STAFF, field_views, give_notice, stray_error, take_notice, today
from web.templating import templates


def parse_signed_percent(text: str | None, field: str) -> Decimal:
    """A rate in percent as people write it, possibly negative: ``1,27``, ``-0,88``, ``1,27 %``."""
    raw = (text or "").replace("%", "").replace(" ", "").replace("−", "-").strip()
    if not raw:
        raise FieldError(field, "Bitte einen Zinssatz angeben.")
    negative = raw.startswith("-")
    digits = raw[1:] if negative else raw
    whole, _, fraction = digits.partition(",")
    if not whole.isdigit() or len(whole) > 2 or (fraction and (not fraction.isdigit() or len(fraction) > 4)):
        raise FieldError(field, f"»{text}« ist kein Zinssatz in Prozent (z. B. 1,27 oder -0,88).")
    value = Decimal(whole + ("." + fraction if fraction else ""))
    return -value if negative else value


def _read_percent(r: FormReader, name: str) -> Decimal | None:
    try:
        return parse_signed_percent(r.values.get(name), name)
    except FieldError as error:
        r.errors.setdefault(error.field, error.message)
        return None


def _publish(office: FundingOffice, actor: Any, r: FormReader) -> str | None:
    valid_from, rate, source = r.day("valid_from"), _read_percent(r, "rate"), r.text("source")
    if not r.ok:
        return None
    assert valid_from is not None and rate is not None
    office.publish_base_rate(valid_from, rate, source, actor)
    return f"Der Basiszinssatz ab {valid_from:%d.%m.%Y} ist erfasst."


def _correct(office: FundingOffice, actor: Any, r: FormReader) -> str | None:
    valid_from, rate = r.day("valid_from"), _read_percent(r, "rate")
    source, reason = r.text("source"), r.text("reason")
    if not r.ok:
        return None
    assert valid_from is not None and rate is not None
    office.correct_base_rate(valid_from, rate, source, reason, actor)
    return f"Der Basiszinssatz ab {valid_from:%d.%m.%Y} ist berichtigt."


def _margin(office: FundingOffice, actor: Any, r: FormReader) -> str | None:
    basis = r.choice("legal_basis", LEGAL_BASES)
    valid_from, points, source = r.day("valid_from"), _read_percent(r, "points"), r.text("source")
    if not r.ok:
        return None
    assert valid_from is not None and points is not None
    office.record_interest_margin(basis, valid_from, points, source, actor)
    return f"Der Zinsaufschlag nach {basis} ab {valid_from:%d.%m.%Y} ist erfasst."


@dataclass(frozen=True)
class RateForm:
    slug: str
    title: str
    button: str
    roles: tuple[Role, ...]
    fields: Callable[[date, date], list[Field]]  # (today, next half year without a rate)
    run: Callable[[FundingOffice, Any, FormReader], str | None]


FORMS = {
    form.slug: form
    for form in (
        RateForm(
            "erfassen",
            N_("Neuen Basiszinssatz erfassen"),
            N_("Basiszinssatz erfassen"),
            (Role.ADMIN, Role.FINANCE),
            lambda day, due: [
                Field(
                    "valid_from", N_("Gültig ab"), "date", default=due.isoformat(), hint=N_("1. Januar oder 1. Juli.")
                ),
                Field("rate", N_("Basiszinssatz in Prozent"), "decimal", hint=N_("z. B. 1,27 oder -0,88")),
                Field("source", N_("Quelle"), hint=N_("z. B. Deutsche Bundesbank, Pressenotiz vom 27.06.2026")),
            ],
            _publish,
        ),
        RateForm(
            "berichtigen",
            N_("Basiszinssatz berichtigen"),
            N_("Berichtigen"),
            (Role.ADMIN, Role.FINANCE),
            lambda day, due: [
                Field("valid_from", N_("Gültig ab"), "date"),
                Field("rate", N_("Richtiger Basiszinssatz in Prozent"), "decimal"),
                Field("source", N_("Quelle")),
                Field("reason", N_("Begründung"), "textarea"),
            ],
            _correct,
        ),
        RateForm(
            "zinsaufschlag",
            N_("Geänderten Zinsaufschlag erfassen"),
            N_("Zinsaufschlag erfassen"),
            (Role.ADMIN,),
            lambda day, due: [
                Field("legal_basis", N_("Rechtsgrundlage"), "select", options=tuple((b, b) for b in LEGAL_BASES)),
                Field("valid_from", N_("Gültig ab"), "date"),
                Field("points", N_("Prozentpunkte über dem Basiszinssatz"), "decimal"),
                Field("source", N_("Quelle"), hint=N_("Fundstelle im Gesetzblatt")),
            ],
            _margin,
        ),
    )
}


def missing_rate_notice(office: FundingOffice, day: date) -> date | None:
    """The start of the current half year when it has no base rate yet (for dashboards), else None."""
    return office.missing_base_rate(day)


def _render(
    request: Request,
    viewer: Viewer,
    failed: tuple[str, dict[str, str], dict[str, str], str | None] | None = None,
    status: int = 200,
) -> Response:
    office, day = services(request).office, today(request)
    table = office.interest_table()
    entries = office.base_rate_entries()
    due = next_half_year(entries[-1][0]) if entries else day
    forms = []
    for form in FORMS.values():
        if viewer.role not in form.roles:
            continue
        specs = form.fields(day, due)
        mine = failed is not None and failed[0] == form.slug
        values, errors, general = (failed[1], failed[2], failed[3]) if failed and mine else (None, {}, None)
        forms.append(
            {
                "form": form,
                "anchor": f"form-{form.slug}",
                "fields": field_views(specs, f"form-{form.slug}", values, errors),
                "general": stray_error(specs, errors, general) if mine else None,
                "open": mine,
            }
        )
    margins = [
        (basis, LEGAL_BASIS_GERMAN.get(basis, basis), table.margin_schedule(basis)) for basis in sorted(LEGAL_BASES)
    ]
    return templates.TemplateResponse(
        request,
        "base_rates.html",
        {
            "entries": entries,
            "margins": margins,
            "missing": office.missing_base_rate(day),
            "forms": forms,
            "notice": take_notice(request),
            "today": day,
        },
        status_code=status,
    )


async def base_rates_page(request: Request) -> Response:
    viewer = require(request, *STAFF)
    return await run_in_threadpool(_render, request, viewer)


async def base_rates_action(request: Request) -> Response:
    viewer = require(request, *STAFF)
    form = await request.form()
    check_csrf(request, form)
    rate_form = FORMS.get(request.path_params["action"])
    if rate_form is None:
        raise HTTPException(status_code=404, detail=N_("Diese Aktion gibt es nicht."))
    if viewer.role not in rate_form.roles:
        raise HTTPException(
            status_code=403,
            detail=message("»{action}« dürfen Sie in Ihrer Rolle nicht.", action=marked(rate_form.title)),
        )
    reader = FormReader(form)
    try:
        notice = await run_in_threadpool(rate_form.run, services(request).office, viewer.actor, reader)
    except DomainError as error:
        errors = {error.field: error.message} if error.field else {}
        failure = (rate_form.slug, reader.values, errors, None if error.field else error.message)
        return await run_in_threadpool(_render, request, viewer, failure, status_for(error))
    if notice is None:
        failure = (rate_form.slug, reader.values, reader.errors, None)
        return await run_in_threadpool(_render, request, viewer, failure, 400)
    give_notice(request, notice)
    return RedirectResponse("/basiszinssaetze", status_code=303)
