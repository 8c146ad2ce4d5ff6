"""The one Jinja2 environment: German formats, the translation catalogue, the viewer and the form token."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from domain.dates import duration_german
from domain.messages import N_, Message, message
from projections.db import money
from web.auth import CSRF_FIELD, csrf_token, viewer
from web.charts import budget_bar, column_chart
from web.formatting import euro, german_date, german_datetime, german_number, percent, percent_of
from web.i18n import current_language, gettext, ngettext
from web.replays import TOKEN_FIELD

HERE = Path(__file__).parent


def _context(request: Request) -> dict[str, Any]:
    def csrf_input() -> Markup:
        """The form's CSRF token, and a fresh one-time token so that sending it twice records once."""
        return Markup(
            f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(request))}">'
            f'<input type="hidden" name="{TOKEN_FIELD}" value="{secrets.token_urlsafe(18)}">'
        )

    return {
        "viewer": viewer(request),
        "csrf_input": csrf_input,
        "language": current_language.get(),
        "lag": getattr(request.state, "lag", None),
    }


def groupby_in_order(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive fields of one group, for fieldsets; a group named "… (Paare)" lays out label/amount pairs."""
    groups: list[dict[str, Any]] = []
    for f in fields:
        name = getattr(f["spec"], "group", "")
        if not groups or groups[-1]["name"] != name:
            legend, _, kind = name.partition("|")
            groups.append({"name": name, "legend": legend, "pairs": kind == "pairs", "fields": []})
        groups[-1]["fields"].append(f)
    return groups


def _template_gettext(text: str) -> Markup:
    """``_()`` in templates: the translation, escaped; Jinja's newstyle gettext fills in ``%(name)s`` from the
    call's keywords (escaping them too). A text without placeholders — a domain message, a name someone typed —
    may hold a literal ``%``, which must not be read as a placeholder."""
    translated = escape(gettext(text))
    if isinstance(text, str) and "%(" in text and not isinstance(text, Message):
        return translated
    return Markup(translated.replace("%", "%%"))


def shown(text: Any) -> Any:
    """A read model's text: a message (a history line, a piece of news) in the reader's language, anything
    else — a note somebody typed — as it was written (escaped by the template)."""
    return gettext(text) if isinstance(text, Message) else text


def _template_ngettext(singular: str, plural: str, n: int) -> Markup:
    return escape(ngettext(singular, plural, n))


templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[_context])
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
    gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True
)
templates.env.filters.update(
    euro=euro,
    german_date=german_date,
    german_datetime=german_datetime,
    percent=percent,
    german_number=german_number,
    duration_german=lambda duration: shown(duration_german(duration)),
    percent_of=percent_of,
    groupby_in_order=groupby_in_order,
    shown=shown,
)
# The read models by the names the office uses (the audit page shows both).
READ_MODEL_NAMES = {
    "case_file": N_("Akte (Verlauf, Unterlagen, Nachrichten)"),
    "grant_files": N_("Verwendungsnachweise und Belege"),
    "grant_law": N_("Zuwendungsrecht (Zinsen, Bindung)"),
    "grant_overview": N_("Liste der Zuwendungen"),
    "journal": N_("Buchungsjournal"),
    "notifications": N_("Neuigkeiten für Vereine"),
    "portfolio": N_("Vereinsportal"),
    "programme_balances": N_("Haushaltsmittel je Programm"),
    "project_spending": N_("Ausgaben je Projekt"),
    "register": N_("Stammdaten (Programme, Organisationen, Projekte)"),
    "seal": N_("Siegelkette"),
    "timeline": N_("Zeitleiste"),
    "users": "Benutzerkonten",
    "account_requests": "Zugangsanträge",
    "work_queues": N_("Arbeitskörbe"),
}
# Fixed texts the domain defines (a rate's source, a legal basis, a legal form) and pages show through _():
# marked here for the catalogue.
DOMAIN_TERMS = (
    N_("Gewichteter Kurs der Überweisungen an den Partner"),
    N_("Deutsche Bundesbank, Basiszinssatz nach § 247 BGB (mit Förderbuch ausgeliefert)"),
    N_("§ 49a Abs. 3 VwVfG NRW (Bescheide der Stadt)"),
    N_("§ 49a Abs. 3 VwVfG des Bundes (Bescheide von Bundesbehörden)"),
    N_("VwVfG (Bund)"),
    N_("Körperschaft des öffentlichen Rechts"),
    N_("nicht eingetragener Verein"),
    # the partner cities' countries (domain/partner_cities.py)
    N_("China"),
    N_("Deutschland"),
    N_("Frankreich"),
    N_("Ghana"),
    N_("Großbritannien"),
    N_("Guinea"),
    N_("Israel"),
    N_("Kenia"),
    N_("Palästina"),
    N_("Rumänien"),
    N_("Russland"),
    N_("Serbien"),
    N_("Türkei"),
    N_("USA"),
    N_("Ukraine"),
)


def city_label(city: Any) -> str:
    """A partner city with its country, for a form's choice: "Leeds (Großbritannien)", the country translated."""
    return message("{city} ({country})", city=city.name, country=message(city.country))


templates.env.globals.update(N_=N_, budget_bar=budget_bar, read_model_names=READ_MODEL_NAMES)


def money_chart(rows: list[tuple[str, int]], title: str) -> dict[str, Any]:
    """A column chart of amounts in cents with its table rows (label, amount as German euros)."""
    shown = [euro(money(cents)) for _, cents in rows]
    return {
        "svg": column_chart(rows, title, shown),
        "rows": [(label, text) for (label, _), text in zip(rows, shown, strict=True)],
    }


def count_chart(rows: list[tuple[str, int]], title: str) -> dict[str, Any]:
    """A column chart of counts with its table rows."""
    shown = [str(count) for _, count in rows]
    return {
        "svg": column_chart(rows, title, shown),
        "rows": [(label, text) for (label, _), text in zip(rows, shown, strict=True)],
    }
