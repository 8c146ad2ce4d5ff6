"""The finance page: payments waiting for release and for booking, open claims, and the spreadsheets."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from domain.messages import message
from projections.figures import payments_per_month
from projections.web_queries import fiscal_years_in_use, open_claims, programme_choices, queue_page
from web.auth import require
from web.dashboard import item_link
from web.downloads import DOWNLOADS
from web.pages import in_thread, reading, take_notice, today
from web.templating import money_chart, templates

FINANCE_READERS = (Role.FINANCE, Role.CASHIER, Role.AUDITOR, Role.ADMIN, Role.APPROVER)


@in_thread
def finance_page(request: Request) -> Response:
    viewer = require(request, *FINANCE_READERS)
    with reading(request) as cursor:
        release, release_total = queue_page(cursor, viewer.user_id, ("release",), limit=100)
        book, book_total = queue_page(cursor, viewer.user_id, ("book",), limit=100)
        claims = open_claims(cursor, limit=50)
        programmes = programme_choices(cursor)
        years = fiscal_years_in_use(cursor)
        paid = payments_per_month(cursor, today(request).year)
    return templates.TemplateResponse(
        request,
        "finance.html",
        {
            "release": release,
            "book": book,
            "release_total": release_total,
            "book_total": book_total,
            "claims": claims,
            "item_link": item_link,
            "downloads": DOWNLOADS,
            "programmes": programmes,
            "years": years,
            "today": today(request),
            "paid_chart": money_chart(paid, message("Ausgezahlt je Monat {year}", year=str(today(request).year))),
            "notice": take_notice(request),
        },
    )
