"""The city's own projects: spending by project, partner city and SDG, and a project's page by budget line."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from projections.project_spending import ProjectSpending
from web.auth import require, services
from web.pages import STAFF, in_thread, reading, uuid_or_404
from web.templating import templates


def _year(request: Request) -> int | None:
    raw = request.query_params.get("jahr", "").strip()
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


@in_thread
def project_list(request: Request) -> Response:
    require(request, *STAFF)
    year = _year(request)
    with reading(request) as cursor:
        projects = ProjectSpending.projects(cursor, year)
        cities = ProjectSpending.by_partner_city(cursor, year)
        sdgs = ProjectSpending.by_sdg(cursor, year)
    return templates.TemplateResponse(
        request, "projects/list.html", {"projects": projects, "cities": cities, "sdgs": sdgs, "year": year}
    )


async def project_detail(request: Request) -> Response:
    require(request, *STAFF)
    project_id = uuid_or_404(request.path_params["project_id"])
    year = _year(request)

    def load() -> Response:
        project = services(request).office.project(project_id)
        with reading(request) as cursor:
            row = next((p for p in ProjectSpending.projects(cursor, year) if p.project_id == project_id), None)
            lines = ProjectSpending.by_budget_line(cursor, project_id, year)
        expenditures = sorted(project.expenditures.items(), key=lambda kv: kv[1]["paid_on"])
        return templates.TemplateResponse(
            request,
            "projects/detail.html",
            {"project": project, "row": row, "lines": lines, "year": year, "expenditures": expenditures},
        )

    return await run_in_threadpool(load)
