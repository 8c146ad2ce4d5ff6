"""Budget bars drawn on the server as inline SVG: paid, committed but not yet paid, still available.

No script and no inline style: the shapes carry classes the stylesheet colours, and the figures are
in the SVG's title and in the table beside it, so the bar is decoration for the eye and the numbers
are there for everyone else.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from domain.money import Money
from web.formatting import euro
from web.i18n import gettext as _

WIDTH = 300
HEIGHT = 18


def _share(part: Money, whole: Money) -> float:
    if whole.amount <= 0:
        return 0.0
    return max(0.0, min(1.0, float(part.amount / whole.amount)))


def budget_bar(budget: Money, committed: Money, paid: Money, label: str = "") -> Markup:
    """A bar of the budget's width: paid (dark), committed but unpaid (middle), available (light)."""
    paid_width = round(WIDTH * _share(paid, budget), 1)
    committed_width = round(max(0.0, WIDTH * _share(committed, budget) - paid_width), 1)
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
