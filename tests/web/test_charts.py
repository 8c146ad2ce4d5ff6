"""Charts where people would rather look than read: server-drawn SVG with a text alternative and the
numbers in a table beside it — payments per month (Kämmerei), proofs due per month (overview)."""

from __future__ import annotations

import re

from web_support import Desk, a_grant

from web.charts import COLUMN_HEIGHT, column_chart


def test_columns_are_scaled_to_the_largest_value_and_name_every_figure() -> None:
    svg = str(column_chart([("Jan", 50), ("Feb", 200), ("Mär", 0)], "Ausgezahlt", ["0,50 €", "2,00 €", "0,00 €"]))

    heights = [float(h) for h in re.findall(r'<rect class="column"[^>]* height="([0-9.]+)"', svg)]
    assert heights == [COLUMN_HEIGHT / 4, COLUMN_HEIGHT, 0.0]
    assert 'role="img"' in svg and "<title>Ausgezahlt: Jan: 0,50 €; Feb: 2,00 €; Mär: 0,00 €</title>" in svg


def test_the_finance_page_charts_the_payments_of_the_year_with_the_numbers_beside(desk: Desk) -> None:
    a_grant(desk.world, "booked")  # 1.500,00 € booked with value date 12.06.2026
    desk.sign_in("finance")

    page = desk.get("/kaemmerei").text
    section = page.split('id="auszahlungen-monate"')[1].split("</section>")[0]

    assert '<svg class="columns-chart"' in section
    assert re.search(r'<th scope="row">Jun</th><td class="num">1\.500,00\xa0€</td>', section)
    assert re.search(r'<th scope="row">Mai</th><td class="num">0,00\xa0€</td>', section)


def test_the_overview_charts_the_proofs_due_per_month(desk: Desk) -> None:
    a_grant(desk.world, "approved")  # period ends 30.09.2026: the proof of use is due on 31.03.2027
    desk.sign_in("officer")

    section = desk.get("/").text.split('id="nachweise-monate"')[1].split("</section>")[0]

    assert '<svg class="columns-chart"' in section
    assert re.search(r'<th scope="row">Mär 27</th><td class="num">1</td>', section)
    assert re.search(r'<th scope="row">Jun 26</th><td class="num">0</td>', section)
