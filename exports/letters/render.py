"""Letters as HTML from Jinja2 templates, printed to PDF/A with WeasyPrint.

The templates come from the office's own folder first (the setting ``FOERDERBUCH_LETTER_TEMPLATES``), then
from the defaults shipped beside this module: the office copies a default (e.g. ``rechtsbehelf.html``, the
information on legal remedies, or ``briefkopf.html``, the letterhead and bank details) into its folder and
edits it there, without touching code. Everything a template prints is escaped (autoescape), amounts
and dates are German. The PDF is PDF/A-3b, its metadata dated with the letter, so the same facts and the
same templates always give the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.money import Money
from exports.letters.facts import LetterFacts

DEFAULTS = Path(__file__).resolve().parent / "templates"
BERLIN = ZoneInfo("Europe/Berlin")
PDF_VARIANT = "pdf/a-3b"


def euro(value: Money | None) -> str:
    return "–" if value is None else format_currency(value.amount, "EUR", locale="de_DE")


def german_date(value: date | None) -> str:
    return "–" if value is None else format_date(value, "dd.MM.yyyy", locale="de_DE")


def long_date(value: date | None) -> str:
    return "–" if value is None else format_date(value, "d. MMMM yyyy", locale="de_DE")


def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    shown = (value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return format_decimal(shown, "#,##0.##", locale="de_DE") + " %"


def points(value: Decimal) -> str:
    return format_decimal(value, "#,##0.##", locale="de_DE")


class LetterRenderer:
    """Renders letters from the office's templates (``folder``) over the shipped defaults."""

    def __init__(self, folder: Path | None = None) -> None:
        loaders = [FileSystemLoader(str(folder))] if folder is not None else []
        self.folder = folder
        self.env = Environment(
            loader=ChoiceLoader([*loaders, FileSystemLoader(str(DEFAULTS))]),
            autoescape=select_autoescape(["html"], default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(euro=euro, date=german_date, long_date=long_date, percent=percent, points=points)

    def html(self, facts: LetterFacts) -> str:
        return self.env.get_template(f"{facts.kind}.html").render(letter=facts, created=self.created(facts))

    def pdf(self, facts: LetterFacts) -> bytes:
        """The letter as PDF/A; imported here so that the rest of the application runs without WeasyPrint."""
        from weasyprint import HTML

        pdf: bytes = HTML(string=self.html(facts), base_url=str(DEFAULTS)).write_pdf(pdf_variant=PDF_VARIANT)
        return pdf

    @staticmethod
    def created(facts: LetterFacts) -> str:
        """The moment written into the PDF's metadata: noon of the letter's date in Dortmund."""
        return datetime.combine(facts.letter_date, time(12), BERLIN).isoformat()
