"""Payment runs and bank statements on finance's page (``/kaemmerei/zahlungslauf``).

* The certified payments with payee, IBAN and BIC, amount, due date, purpose line, posting
  coordinates and who certified them; finance ticks several and releases them together. Each
  release is the grant's own decision (four eyes: a payment the releaser certified or requested is
  refused on its own, with the reason, while the others go ahead). The released ones become one
  payment run with its SEPA credit-transfer file (pain.001, ``exports.sepa``), recorded as an event
  with the file and its SHA-256; the file is downloaded from ``/kaemmerei/zahlungslaeufe/{id}/datei``.
* A bank statement (camt.053) is uploaded by the cash office (role ``cashier``, Stadtkasse) at
  ``/kaemmerei/kontoauszug``: every outgoing transfer
  whose end-to-end id belongs to a released payment is booked with the statement's value date;
  returned transfers (with their reason code), incoming money naming the file number of a grant with
  an open claim (a proposed repayment), and lines nobody can match are listed for a person to decide.
  The statement is recorded once (by its SHA-256): importing it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.errors import DomainError
from domain.messages import N_, message
from domain.payment_run import end_to_end_id
from exports.sepa import DebtorError, StatementError, Transfer
from projections.payment_runs import PayablePayment, PaymentRuns
from web.auth import Viewer, check_csrf, require, services
from web.grant_actions import status_for
from web.pages import give_notice, reading, take_notice, today
from web.payment_desk import (
    DECISIONS,
    decide_line,
    import_statement,
    payment_run,
    posting_coordinates,
    release_together,
)
from web.templating import templates

READERS = (Role.FINANCE, Role.CASHIER, Role.AUDITOR, Role.ADMIN, Role.APPROVER)
RELEASERS = (Role.FINANCE, Role.APPROVER)
MAX_STATEMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class PaymentView:
    payment: PayablePayment
    end_to_end_id: str
    bic: str
    coordinates: str
    blocked: str  # why this person may not release it, or ""


def next_business_day(day: date) -> date:
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


def _views(cursor: Any, viewer: Viewer, payments: list[PayablePayment]) -> list[PaymentView]:
    coordinates = posting_coordinates(cursor)
    views = []
    for p in payments:
        blocked = ""
        if p.certified_by == viewer.user_id.hex:
            blocked = "von Ihnen festgestellt"
        elif p.requested_by == viewer.user_id.hex:
            blocked = "von Ihnen abgerufen"
        transfer = Transfer(end_to_end_id(p.payment_id), p.organisation_name, p.iban, p.amount, p.purpose_line)
        views.append(
            PaymentView(
                payment=p,
                end_to_end_id=transfer.end_to_end_id,
                bic=transfer.bic or "",
                coordinates=coordinates.get((p.programme_id, p.fiscal_year), ""),
                blocked=blocked,
            )
        )
    return views


def _page(request: Request, viewer: Viewer, result: dict[str, Any] | None = None, status: int = 200) -> Response:
    with reading(request) as cursor:
        certified = _views(cursor, viewer, PaymentRuns.payments(cursor, "certified"))
        released = _views(cursor, viewer, [p for p in PaymentRuns.payments(cursor, "released") if p.run_id is None])
        runs = PaymentRuns.runs(cursor)
        lines = PaymentRuns.open_lines(cursor)
    day = today(request)
    return templates.TemplateResponse(
        request,
        "payment_runs.html",
        {
            "certified": certified,
            "released": released,
            "runs": runs,
            "lines": lines,
            "execution_date": next_business_day(day),
            "may_release": viewer.role in RELEASERS,
            "may_book": viewer.role is Role.CASHIER,
            "payer_missing": request.app.state.config.sepa_debtor is None,
            "result": result,
            "notice": take_notice(request),
        },
        status_code=status,
    )


async def payment_run_page(request: Request) -> Response:
    viewer = require(request, *READERS)
    return await run_in_threadpool(_page, request, viewer)


def _selected(form: Any) -> list[UUID]:
    chosen = []
    for value in form.getlist("zahlung"):
        try:
            chosen.append(UUID(str(value)))
        except ValueError:
            raise HTTPException(status_code=400, detail=N_("Unbekannte Zahlung.")) from None
    return chosen


def _release_and_run(request: Request, viewer: Viewer, chosen: list[UUID], execution_date: date) -> str:
    the = services(request)
    payer = request.app.state.config.sepa_debtor
    result = release_together(the.office, lambda: reading(request), viewer.actor, chosen, execution_date, payer)
    return result.notice()


async def payment_run_action(request: Request) -> Response:
    viewer = require(request, *RELEASERS)
    form = await request.form()
    check_csrf(request, form)
    chosen = _selected(form)
    day_text = str(form.get("ausfuehrung", "")).strip()
    try:
        execution_date = date.fromisoformat(day_text) if day_text else next_business_day(today(request))
    except ValueError:
        return await run_in_threadpool(
            _page, request, viewer, {"error": f"»{day_text}« ist kein Datum (JJJJ-MM-TT)."}, 400
        )
    if not chosen:
        return await run_in_threadpool(_page, request, viewer, {"error": "Bitte mindestens eine Zahlung wählen."}, 400)
    try:
        notice = await run_in_threadpool(_release_and_run, request, viewer, chosen, execution_date)
    except DomainError as error:
        return await run_in_threadpool(_page, request, viewer, {"error": error.message}, 409)
    except DebtorError as error:  # the city's account is not set up: nothing was released
        return await run_in_threadpool(_page, request, viewer, {"error": str(error)}, 409)
    give_notice(request, notice)
    return RedirectResponse("/kaemmerei/zahlungslauf", status_code=303)


async def payment_run_file(request: Request) -> Response:
    require(request, *READERS)
    try:
        run_id = UUID(request.path_params["run_id"])
    except ValueError:
        raise HTTPException(status_code=404, detail=N_("Diesen Zahlungslauf gibt es nicht.")) from None

    run = await run_in_threadpool(payment_run, services(request).office, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail=N_("Diesen Zahlungslauf gibt es nicht."))
    return Response(
        run.file_text.encode("utf-8"),
        media_type="application/xml",
        headers={"content-disposition": f'attachment; filename="{run.file_name}"'},
    )


async def statement_action(request: Request) -> Response:
    viewer = require(request, Role.CASHIER)  # the Stadtkasse books (§ 31 (3) KomHVO NRW)
    form = await request.form(max_part_size=MAX_STATEMENT_BYTES)
    try:
        check_csrf(request, form)
        upload = form.get("auszug")
        if upload is None or isinstance(upload, str):
            return await run_in_threadpool(_page, request, viewer, {"error": "Bitte eine camt.053-Datei wählen."}, 400)
        content = await upload.read()
        name = upload.filename or ""
    finally:
        await form.close()  # uploaded files are spooled to temporary files
    if not content or len(content) > MAX_STATEMENT_BYTES:
        return await run_in_threadpool(
            _page, request, viewer, {"error": "Die Datei ist leer oder größer als 5 MB."}, 400
        )
    try:
        the = services(request)
        result = await run_in_threadpool(
            import_statement, the.office, lambda: reading(request), viewer.actor, content, name
        )
    except StatementError as error:
        return await run_in_threadpool(_page, request, viewer, {"error": str(error)}, 400)
    return await run_in_threadpool(_page, request, viewer, {"statement": result})


async def statement_line_action(request: Request) -> Response:
    """The cash office decides an open statement line: book the return, book the repayment, or set it aside."""
    viewer = require(request, Role.CASHIER)
    form = await request.form()
    check_csrf(request, form)
    try:
        statement_id = UUID(request.path_params["statement_id"])
        index = int(request.path_params["index"])
    except ValueError:
        raise HTTPException(status_code=404, detail=N_("Diesen Posten gibt es nicht.")) from None
    decision = str(form.get("entscheidung", ""))
    if decision not in DECISIONS:
        return await run_in_threadpool(_page, request, viewer, {"error": "Bitte eine Entscheidung wählen."}, 400)
    reason = str(form.get("begruendung", ""))
    try:
        the = services(request)
        await run_in_threadpool(decide_line, the.office, viewer.actor, statement_id, index, decision, reason)
    except DomainError as error:
        return await run_in_threadpool(_page, request, viewer, {"error": error.message}, status_for(error))
    done = {
        "return": N_("Rücklauf gebucht"),
        "repayment": N_("Rückzahlung gebucht"),
        "set_aside": N_("Als erledigt vermerkt"),
    }
    give_notice(request, message("{done} (Posten {index}).", done=message(done[decision]), index=str(index)))
    return RedirectResponse("/kaemmerei/zahlungslauf#offene-posten", status_code=303)
