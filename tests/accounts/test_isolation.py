"""Who may reach the new pages: user administration for admins only, account requests for the office's
officers and admins, sessions and second factors for their own person; refused attempts write nothing."""

from __future__ import annotations

import pytest
from accounts_support import Browser, World

from domain.actors import Actor

ROLES = ["admin", "officer", "doris", "finance", "auditor", "member"]


def _a_request(world: World) -> str:
    request = world.office.submit_account_request(
        {
            "association": "Freundeskreis Zwickau e.V.",
            "legal_form": "e.V.",
            "register_court": "Amtsgericht Dortmund",
            "register_number": "VR 4455",
            "street": "Markt 1",
            "postcode": "44137",
            "city": "Dortmund",
            "iban": "DE89370400440532013000",
            "contact_name": "Uwe Zwick",
            "email": "uwe@zwickau-verein.example",
        },
        Actor.system(),
    )
    return str(request)


@pytest.mark.parametrize("who", [*ROLES, None])
def test_user_administration_is_for_admins_only(browser: Browser, world: World, who: str | None) -> None:
    target = world.users["officer"]
    if who is not None:
        browser.sign_in(who)
    expected = 200 if who == "admin" else 403 if who else 303
    for path in ("/benutzer", "/benutzer/neu", f"/benutzer/{target}"):
        assert browser.get(path).status_code == expected, (who, path)
    before = world.head()
    token = browser.token("/passwort") if who else "kein-token"
    for action in ("sperren", "sitzungen-beenden", "passwort-link", "rolle-entziehen"):
        answer = browser.post(f"/benutzer/{target}/{action}", {"reason": "Versuch", "role": "officer"}, token=token)
        if who == "admin":
            continue
        assert answer.status_code in ((403,) if who else (303, 403)), (who, action, answer.status_code)
    if who != "admin":
        assert world.head() == before
        assert not world.office.user(target).disabled


@pytest.mark.parametrize("who", [*ROLES, None])
def test_account_requests_are_for_officers_and_admins(browser: Browser, world: World, who: str | None) -> None:
    request_id = _a_request(world)
    if who is not None:
        browser.sign_in(who)
    allowed = who in ("admin", "officer", "doris")
    expected = 200 if allowed else 403 if who else 303
    assert browser.get("/zugangsantraege").status_code == expected
    assert browser.get(f"/zugangsantraege/{request_id}").status_code == expected
    if not allowed:
        before = world.head()
        token = browser.token("/passwort") if who else "kein-token"
        answer = browser.post(f"/zugangsantraege/{request_id}/annehmen", {"organisation_id": ""}, token=token)
        assert answer.status_code in (303, 403)
        assert world.head() == before


@pytest.mark.parametrize("who", [*ROLES, None])
def test_own_pages_and_public_pages(browser: Browser, who: str | None) -> None:
    if who is not None:
        browser.sign_in(who)
        assert browser.get("/zweiter-faktor").status_code == 200
    else:
        assert browser.get("/zweiter-faktor").status_code == 303
    assert browser.get("/anmelden/code").status_code == 303  # no password given in this session
    for public in ("/passwort-vergessen", "/zugang-beantragen"):
        assert browser.get(public).status_code == 200
    assert browser.get("/passwort-neu/" + "A" * 43).status_code == 410
    assert browser.get("/zugang-beantragen/bestaetigen/" + "A" * 43).status_code == 404
