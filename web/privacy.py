"""``/datenschutz/auskunft`` (administrators): the answer to an access request (Art. 15, 20 GDPR).

An administrator names the person (e-mail address, user id or contact-person id) and sees what
Förderbuch holds about them, with the answer as JSON and as PDF to download. The person is sent in a
form (POST, with the form token), never in the address, so no name or address lands in a server log.
The report itself is gathered by the composition root (``foerderbuch.privacy.access``) and handed to
the web app as ``Services.access_report``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from domain.errors import DomainError
from exports import access_report
from web.auth import check_csrf, require, services
from web.letters import keep_form_usable
from web.templating import templates

LEAD = (
    "Alles, was das Förderbuch über eine Person speichert: Angaben im Protokoll, Benutzerkonto mit Verlauf, "
    "was die Person getan hat, Schreiben, die sie nennen, und die Zugangsdaten außerhalb des Protokolls."
)


async def access_page(request: Request) -> Response:
    """GET: the form; POST: the report on the page, or as ``format=json`` / ``format=pdf`` download."""
    require(request, Role.ADMIN)
    if request.method == "GET":
        return templates.TemplateResponse(request, "privacy/access.html", {"report": None, "person": "", "error": ""})
    form = await request.form()
    check_csrf(request, form)
    keep_form_usable(request)  # reading records nothing: the same form may download JSON, then PDF
    person = str(form.get("person") or "").strip()
    kind = str(form.get("format") or "page")
    gather = services(request).access_report
    if gather is None:  # pragma: no cover - the wiring always provides it
        raise HTTPException(status_code=404)
    try:
        report: dict[str, Any] = await run_in_threadpool(gather, person)
    except DomainError as error:
        context: dict[str, Any] = {"report": None, "person": person, "error": error.message}
        return templates.TemplateResponse(request, "privacy/access.html", context, status_code=400)
    stem = f"auskunft-{date.today():%Y-%m-%d}"
    headers = {"cache-control": "no-store"}
    if kind == "json":
        body = json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")
        headers["content-disposition"] = f'attachment; filename="{stem}.json"'
        return Response(body, media_type="application/json", headers=headers)
    if kind == "pdf":
        body = await run_in_threadpool(access_report.pdf, report)
        headers["content-disposition"] = f'attachment; filename="{stem}.pdf"'
        return Response(body, media_type="application/pdf", headers=headers)
    context = {"report": report, "person": person, "error": ""}
    return templates.TemplateResponse(request, "privacy/access.html", context, headers=headers)
