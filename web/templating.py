"""The one Jinja2 environment: German formats, the translation catalogue, the viewer and the form token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from web.auth import CSRF_FIELD, csrf_token, viewer
from web.formatting import euro, german_date, percent
from web.i18n import current_language, gettext

HERE = Path(__file__).parent


def _context(request: Request) -> dict[str, Any]:
    def csrf_input() -> Markup:
        return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(request))}">')

    return {"viewer": viewer(request), "csrf_input": csrf_input, "language": current_language.get()}


templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[_context])
templates.env.filters.update(euro=euro, german_date=german_date, percent=percent)
templates.env.globals.update(_=gettext)
