"""Signing in: one answer for every wrong combination, and a clear word for people who were locked out."""

from __future__ import annotations

from accounts_support import PASSWORD, Browser, World, csrf_of

from domain.actors import Actor, Role
from web.sessions import SESSION_COOKIE


def test_unknown_address_and_wrong_password_get_the_same_answer(browser: Browser) -> None:
    unknown = browser.sign_in("officer", "ganz-falsches-passwort", expect=400)
    assert "E-Mail-Adresse oder Passwort sind falsch." in unknown.text
    page = browser.client.get("/anmelden")
    nobody = browser.client.post(
        "/anmelden",
        data={"email": "niemand@dortmund.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert nobody.status_code == 400 and "E-Mail-Adresse oder Passwort sind falsch." in nobody.text
    assert SESSION_COOKIE not in browser.cookies()


def test_a_disabled_person_with_the_right_password_is_told_so(browser: Browser, world: World) -> None:
    world.office.disable_user(world.users["officer"], "Ausgeschieden zum 30.06.2026", Actor.system())
    wrong = browser.sign_in("officer", "ganz-falsches-passwort", expect=400)
    assert "gesperrt" not in wrong.text  # a stranger learns nothing about the account
    told = browser.sign_in("officer", expect=403)
    assert "Ihr Zugang ist gesperrt" in told.text
    assert SESSION_COOKIE not in browser.cookies()


def test_a_removed_member_is_told_which_portal_access_was_removed(browser: Browser, world: World) -> None:
    world.office.remove_portal_member(world.dfg, world.users["member"], "Hat den Verein verlassen", Actor.system())
    told = browser.sign_in("member", expect=403)
    assert "Ihr Zugang zum Portal von Deutsch-Französische Gesellschaft Dortmund e.V. wurde entfernt" in told.text


def test_a_person_with_two_roles_signs_in_with_the_first_and_may_switch(browser: Browser, world: World) -> None:
    browser.sign_in("doris")
    page = browser.get("/")
    assert "Sachbearbeitung" in page.text and 'name="role"' in page.text
    assert browser.post("/rolle", {"role": Role.APPROVER.value}).status_code == 303
    assert "(Zeichnungsbefugte)" in browser.get("/").text
