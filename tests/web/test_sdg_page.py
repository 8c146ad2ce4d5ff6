"""The SDG report page (``/sdg-bericht``): staff read it, associations do not; bars are inline SVG."""

from __future__ import annotations

from web_support import a_grant


def test_staff_see_the_report_with_bars_and_the_grant_without_an_sdg(desk, world):
    a_grant(world, "booked")

    page = desk.sign_in("finance").get("/sdg-bericht")

    assert page.status_code == 200
    assert "ohne SDG-Zuordnung" in page.text and "<svg" in page.text and "<script" not in page.text
    assert "IB-2026-0001" in page.text and "1.500,00" in page.text


def test_a_year_narrows_the_report_and_associations_may_not_read_it(desk, world):
    a_grant(world, "booked")

    assert "IB-2026-0001" not in desk.sign_in("auditor").get("/sdg-bericht?jahr=2025").text
    assert desk.sign_in("dfg").get("/sdg-bericht").status_code in (403, 404)
