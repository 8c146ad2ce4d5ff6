"""The city's SDG report as a page (``/sdg-bericht``): funding and spending per SDG, partner city,
programme and fiscal year, with bars drawn on the server (inline SVG, no script).

The figures come from ``exports.sdg_report`` (the journal up to the chain head); the finance workbook
has the same tables on its sheet ``SDG``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from domain.messages import N_
from exports.sdg_report import SdgReport, by_partner_city, by_programme, by_sdg, by_year, total
from projections.web_queries import fiscal_years_in_use
from web.auth import require
from web.charts import budget_bar
from web.i18n import gettext
from web.pages import in_thread, reading
from web.templating import templates

READERS = (Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.CASHIER, Role.AUDITOR, Role.ADMIN)


@in_thread
def sdg_page(request: Request) -> Response:
    require(request, *READERS)
    year_text = request.query_params.get("jahr", "").strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    with reading(request) as cursor:
        report = SdgReport.open(cursor, year, year)
        lines = report.lines() if report is not None else []
        years = fiscal_years_in_use(cursor)
    sections = []
    for title, sums in (
        (N_("Nach SDG"), by_sdg(lines)),
        ("Nach Partnerstadt", by_partner_city(lines)),
        (N_("Nach Programm"), by_programme(lines)),
        (N_("Nach Haushaltsjahr"), by_year(lines)),
    ):
        widest = max((s.committed for s in sums), key=lambda m: m.amount, default=None)
        rows = [(s, budget_bar(widest, s.committed, s.paid, gettext(s.key)) if widest else "") for s in sums]
        sections.append((title, rows))
    return templates.TemplateResponse(
        request,
        "sdg.html",
        {
            "sections": sections,
            "lines": lines,
            "total": total(lines),
            "years": years,
            "year": year,
            "head": report.head if report else None,
        },
    )
