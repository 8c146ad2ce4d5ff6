"""The start page: the signed-in person's work queues, budget bars, overdue proofs and open claims.

An association member sees their own organisation's applications and grants and what is due next.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.messages import N_
from projections.case_file import CaseFile
from projections.figures import proofs_due_per_month
from projections.grant_overview import GrantOverview
from projections.programme_balances import ProgrammeBalances
from projections.web_queries import closed_programmes, open_claims, open_proof_deadlines, queue_page
from web.auth import require, services
from web.pages import EVERYONE, in_thread, reading, take_notice, today
from web.templating import count_chart, templates

# queue -> (the form on the grant page that works the item, whether the item is a payment or claim)
QUEUE_FORMS = {
    "review": ("pruefen", False),
    "approve": ("bewilligen", False),
    "amendment": ("aenderung-bewilligen", False),
    "certify": ("feststellen", True),
    "release": ("freigeben", True),
    "book": ("buchen", True),
    "proof": ("nachweis-pruefen", False),
    "determine": ("schlussfestsetzung", False),
    "relief": ("erleichterung-entscheiden", True),
    "revocation": ("widerrufen", False),
    "claim": ("rueckzahlung", True),
    "overdue": ("frist-verlaengern", False),
}
QUEUES_BY_ROLE: dict[Role, tuple[tuple[str, tuple[str, ...]], ...]] = {
    Role.OFFICER: (
        (N_("Anträge zu prüfen"), ("review",)),
        (N_("Zahlungen sachlich und rechnerisch festzustellen"), ("certify",)),
        (N_("Verwendungsnachweise zu prüfen"), ("proof",)),
        (N_("Überfällige Nachweise nachfassen"), ("overdue",)),
    ),
    Role.APPROVER: (
        (N_("Anträge und Änderungen zu bewilligen"), ("approve", "amendment")),
        (N_("Schlussbeträge festzusetzen"), ("determine",)),
        (N_("Widerrufe zu entscheiden"), ("revocation",)),
        (N_("Zahlungen freizugeben"), ("release",)),
        (N_("Stundung, Erlass, Niederschlagung zu entscheiden"), ("relief",)),
    ),
    Role.FINANCE: (
        (N_("Zahlungen freizugeben"), ("release",)),
        (N_("Stundung, Erlass, Niederschlagung zu entscheiden"), ("relief",)),
    ),
    Role.CASHIER: (
        (N_("Auszahlungen zu buchen"), ("book",)),
        (N_("Offene Rückforderungen (Rückzahlungen buchen)"), ("claim",)),
    ),
}


def item_link(item: Any) -> str:
    slug, per_item = QUEUE_FORMS.get(item.queue, ("", False))
    anchor = f"form-{slug}" + (f"-{item.item_id.hex[:8]}" if per_item else "")
    # the grant page opens the task's form (and leaves its own first form closed); the anchor scrolls to it
    return f"/zuwendungen/{item.grant_id}?aufgabe={anchor}#{anchor}" if slug else f"/zuwendungen/{item.grant_id}"


@in_thread
def dashboard(request: Request) -> Response:
    viewer = require(request, *EVERYONE)
    day = today(request)
    if viewer.role is Role.ASSOCIATION:  # an association member's start page is the portal
        return RedirectResponse("/portal/", status_code=303)
    with reading(request) as cursor:
        queues = [
            (title, *queue_page(cursor, viewer.user_id, names, limit=8))
            for title, names in QUEUES_BY_ROLE.get(viewer.role, ())
        ]
        # last year's (still being settled), this year's and any later budgets; older ones on /programme
        balances = ProgrammeBalances.years(cursor, from_year=day.year - 1)
        closed = closed_programmes(cursor, {y.programme_id for y in balances})
        overdue = open_proof_deadlines(cursor, day, only_overdue=True)
        claims = open_claims(cursor)
        recent = GrantOverview.grants(cursor, day, limit=10)
        unread = CaseFile.unread(cursor, viewer.user_id, from_office=False)
        proofs = proofs_due_per_month(cursor, day)
    missing_rate = (
        services(request).office.missing_base_rate(day)
        if viewer.role in (Role.FINANCE, Role.CASHIER, Role.ADMIN)
        else None
    )
    return templates.TemplateResponse(
        request,
        "dashboard.html",
        {
            "queues": queues,
            "balances": balances,
            "closed": closed,
            "overdue": overdue,
            "claims": claims,
            "recent": recent,
            "unread_messages": unread,
            "item_link": item_link,
            "proofs_chart": count_chart(proofs, N_("Fällige Verwendungs- und Zwischennachweise je Monat")),
            "notice": take_notice(request),
            "today": day,
            "missing_rate": missing_rate,
        },
    )
