"""BITV 2.0 / WCAG 2.1 AA in the browser: axe-core checks every page people work in (22 pages), at 1366×768 and
390×844, and finds nothing serious or critical.

axe-core comes from npm (``tests/browser/axe``: package.json with its lock file; ``.ci/run`` runs
``npm ci`` there). Without it the test is skipped with the reason — under ``CI=true`` it fails. The
page's CSP allows only the site's own scripts, so the checking browser context bypasses the CSP to
inject axe; the pages themselves are served unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from browser_support import PASSWORD, STAFF, Office
from test_screen_sizes import MEMBER, SIZES, _approved_with_receipts

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}}); " + (
    "return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
    "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
)
STAFF_PAGES = [
    "/",
    "/zuwendungen",
    "/zuwendungen/{grant}",
    "/zuwendungen/neu",
    "/programme",
    "/organisationen",
    "/projekte",
    "/pruefung",
    "/barrierefreiheit/rueckmeldungen",
]
ADMIN_PAGES = ["/programme/{programme}", "/benutzer", "/kaemmerei", "/basiszinssaetze"]
PORTAL_PAGES = [
    "/portal/",
    "/portal/antrag",
    "/portal/zuwendungen/{grant}",
    "/portal/neuigkeiten",
    "/portal/mitglieder",
]
PUBLIC_PAGES = ["/anmelden", "/zugang-beantragen", "/passwort-vergessen", "/barrierefreiheit"]


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        reason = f"{AXE} is missing: run `npm ci` in tests/browser/axe to check accessibility"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the accessibility check must run)", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def _signed_in(browser: Any, live: Office, email: str, size: str) -> Any:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE", bypass_csp=True)
    page = context.new_page()
    if email:
        page.goto(f"{live.base_url}/anmelden")
        page.get_by_label("E-Mail-Adresse").fill(email)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state()
    return page


def _findings(page: Any, url: str, axe_source: str) -> list[str]:
    page.goto(url)
    page.evaluate(axe_source)
    found = page.evaluate(RUN, TAGS)
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes']}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", SIZES)
def test_no_page_has_a_serious_or_critical_accessibility_finding(
    live: Office, browser: Any, axe_source: str, size: str
) -> None:
    _approved_with_receipts(live)
    programme = live.services.office.grant(live.grant).programme_id
    values = {"grant": live.grant, "programme": programme}
    findings: list[str] = []
    checked = 0
    for who, pages in (("", PUBLIC_PAGES), ("officer", STAFF_PAGES), ("admin", ADMIN_PAGES), ("member", PORTAL_PAGES)):
        email = MEMBER if who == "member" else (STAFF[who][0] if who else "")
        page = _signed_in(browser, live, email, size)
        for path in pages:
            findings += _findings(page, live.base_url + path.format(**values), axe_source)
            checked += 1
        page.context.close()

    assert checked == len(PUBLIC_PAGES + STAFF_PAGES + ADMIN_PAGES + PORTAL_PAGES)
    assert findings == []
