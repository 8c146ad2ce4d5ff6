"""Budget bars drawn on the server as inline SVG: paid, committed but not yet paid, still available.

No script and no inline style: the shapes carry classes the stylesheet colours, and the figures are
in the SVG's title and in the table beside it, so the bar is decoration for the eye and the numbers
are there for everyone else.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from domain.money import Money
from web.formatting import euro
from web.i18n import gettext as _

WIDTH = 300
HEIGHT = 18


TENTH = Decimal("0.1")


def _width(part: Money, whole: Money) -> Decimal:
    """The part's share of the bar in SVG units, to a tenth, between 0 and the full width."""
    if whole.amount <= 0:
        return Decimal(0).quantize(TENTH)
    share = max(Decimal(0), min(Decimal(1), part.amount / whole.amount))
    return (share * WIDTH).quantize(TENTH)


def budget_bar(budget: Money, committed: Money, paid: Money, label: str = "") -> Markup:
    """A bar of the budget's width: paid (dark), committed but unpaid (middle), available (light)."""
    paid_width = _width(paid, budget)
    committed_width = max(Decimal(0), _width(committed, budget) - paid_width)
    over = committed > budget
    title = _("{label}: Budget {budget}, gebunden {committed}, davon ausgezahlt {paid}, verfügbar {available}").format(
        label=label, budget=euro(budget), committed=euro(committed), paid=euro(paid), available=euro(budget - committed)
    )
    parts = [
        f'<svg class="budget-bar" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img"'
        f' preserveAspectRatio="none" focusable="false"><title>{escape(title)}</title>',
        f'<rect class="bar-available" x="0" y="0" width="{WIDTH}" height="{HEIGHT}"/>',
        f'<rect class="bar-committed" x="{paid_width}" y="0" width="{committed_width}" height="{HEIGHT}"/>',
        f'<rect class="bar-paid" x="0" y="0" width="{paid_width}" height="{HEIGHT}"/>',
    ]
    if over:
        parts.append(f'<rect class="bar-over" x="{WIDTH - 4}" y="0" width="4" height="{HEIGHT}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


COLUMN_HEIGHT = 120
COLUMN_WIDTH = 28
GAP = 8


def column_chart(rows: list[tuple[str, int]], title: str, shown: list[str]) -> Markup:
    """Columns, one per row (label, value in whole units such as cents or a count), scaled to the
    largest; ``shown`` is each value as people read it (1.500,00 €, 3), used in the text alternative.
    The numbers are in the table the page puts beside the chart; the SVG repeats them in its title."""
    peak = max((value for _, value in rows), default=0)
    width = max(1, len(rows)) * (COLUMN_WIDTH + GAP)
    rows = [(_(label), value) for label, value in rows]  # month names and titles in the reader's language
    title = _(title)
    summary = "; ".join(f"{label}: {text}" for (label, _value), text in zip(rows, shown, strict=True))
    parts = [
        f'<svg class="columns-chart" viewBox="0 0 {width} {COLUMN_HEIGHT + 16}" role="img" focusable="false"'
        f' preserveAspectRatio="xMinYMin meet"><title>{escape(title)}: {escape(summary)}</title>'
    ]
    for n, (label, value) in enumerate(rows):
        height = (Decimal(value) / peak * COLUMN_HEIGHT).quantize(TENTH) if peak > 0 else Decimal(0)
        x = n * (COLUMN_WIDTH + GAP)
        parts.append(
            f'<rect class="column" x="{x}" y="{Decimal(COLUMN_HEIGHT) - height}" width="{COLUMN_WIDTH}"'
            f' height="{height}"/>'
            f'<text class="column-label" x="{x + COLUMN_WIDTH // 2}" y="{COLUMN_HEIGHT + 12}"'
            f' text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
