"""User administration in the browser: add people with several roles, grant, revoke, disable, links, sessions.

Every change is an event with who and why, and every change that takes access away ends the person's
sessions at once: a cookie copied before is refused afterwards."""

from __future__ import annotations

from accounts_support import BASE_URL, PASSWORD, Browser, Outbox, World, copy_session, csrf_of, refused_replay

from domain.actors import USER_ROLES, Role
from web.services import Services


def test_an_admin_adds_a_person_with_two_roles_who_sets_a_password_by_the_mailed_link(
    browser: Browser, world: World, outbox: Outbox, other: Browser
) -> None:
    browser.sign_in("admin")
    form = browser.get("/benutzer/neu").text
    for role in USER_ROLES:  # the roles come from the domain, not from the template
        assert f'value="{role.value}"' in form
    answer = browser.post(
        "/benutzer/neu",
        {"email": "nina@dortmund.example", "name": "Nina Neu", "roles": ["officer", "approver"]},  # type: ignore[dict-item]
        headers={"host": "evil.example"},
    )
    assert answer.status_code == 303, answer.text
    user = world.office.user_by_email("nina@dortmund.example")
    assert user.has_role(Role.OFFICER) and user.has_role(Role.APPROVER)
    link = outbox.link("nina@dortmund.example", "/passwort-neu/")
    assert link.startswith(BASE_URL + "/passwort-neu/")  # from FOERDERBUCH_BASE_URL, whatever Host said
    path = link.removeprefix(BASE_URL)
    page = other.client.get(path)
    set_it = other.client.post(
        path, data={"password": "ninas-passwort-1", "again": "ninas-passwort-1", "csrf_token": csrf_of(page.text)}
    )
    assert set_it.status_code == 200 and "Ihr Passwort ist gesetzt" in set_it.text
    assert other.client.get(path).status_code == 410  # once only
    listing = browser.get("/benutzer?suche=NINA").text
    assert "Nina Neu" in listing and "Sven Sachbearbeiter" not in listing


def test_granting_and_revoking_a_role_is_recorded_and_revoking_ends_the_sessions(
    browser: Browser, world: World, other: Browser
) -> None:
    officer = other
    officer.sign_in("officer")
    copied = copy_session(officer)

    browser.sign_in("admin")
    user_id = world.users["officer"]
    assert browser.post(f"/benutzer/{user_id}/rolle-vergeben", {"role": "approver"}).status_code == 303
    assert world.office.user(user_id).has_role(Role.APPROVER)
    refused = browser.post(f"/benutzer/{user_id}/rolle-entziehen", {"role": "officer", "reason": ""})
    assert refused.status_code == 400 and world.office.user(user_id).has_role(Role.OFFICER)
    assert (
        browser.post(
            f"/benutzer/{user_id}/rolle-entziehen", {"role": "officer", "reason": "Wechsel in die Leitung"}
        ).status_code
        == 303
    )
    page = browser.get(f"/benutzer/{user_id}").text
    assert "Rolle entzogen" in page and "Wechsel in die Leitung" in page and "Ada Admin" in page
    refused_replay(officer, copied, world)


def test_disabling_ends_the_sessions_and_enabling_opens_the_door_again(
    browser: Browser, world: World, other: Browser
) -> None:
    member = other
    member.sign_in("finance")
    copied = copy_session(member)
    browser.sign_in("admin")
    user_id = world.users["finance"]
    assert browser.post(f"/benutzer/{user_id}/sperren", {"reason": "Elternzeit"}).status_code == 303
    assert world.office.user(user_id).disabled
    refused_replay(member, copied, world)
    member.sign_in("finance", expect=403)
    browser.sign_in("admin")
    assert browser.post(f"/benutzer/{user_id}/entsperren", {"reason": "Zurück im Dienst"}).status_code == 303
    member.sign_in("finance")


def test_an_admin_sees_a_persons_sessions_and_ends_them(
    browser: Browser, world: World, other: Browser, services: Services
) -> None:
    officer = other
    officer.sign_in("officer")
    copied = copy_session(officer)
    browser.sign_in("admin")
    user_id = world.users["officer"]
    page = browser.get(f"/benutzer/{user_id}").text
    assert "Sitzung beenden" in page and "testclient" in page
    assert browser.post(f"/benutzer/{user_id}/sitzungen-beenden", {"reason": "Gerät verloren"}).status_code == 303
    assert services.credentials.sessions.of_user(user_id) == []
    refused_replay(officer, copied, world)
    assert "Sitzungen beendet" in browser.get(f"/benutzer/{user_id}").text


def test_an_admin_sends_a_reset_link_that_uses_the_base_url(browser: Browser, world: World, outbox: Outbox) -> None:
    browser.sign_in("admin")
    user_id = world.users["officer"]
    answer = browser.post(f"/benutzer/{user_id}/passwort-link", {"reason": "Passwort vergessen, Anruf"})
    assert answer.status_code == 303
    link = outbox.link("sven@dortmund.example", "/passwort-neu/")
    assert link.startswith(BASE_URL)


def test_a_removed_member_loses_the_session_at_once(browser: Browser, world: World, other: Browser) -> None:
    from domain.actors import Actor

    paul_id = world.office.register_user(
        "paul@dfg.example", "Paul Partner", Role.ASSOCIATION, Actor.system(), world.dfg
    )
    world.office.add_portal_member(world.dfg, paul_id, Actor.system())
    world.services.credentials.set_password(paul_id, PASSWORD)
    page = other.client.get("/anmelden")
    other.client.post(
        "/anmelden", data={"email": "paul@dfg.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    )
    copied = copy_session(other)
    browser.sign_in("member")
    assert browser.post(f"/portal/mitglieder/{paul_id}/entfernen", {"reason": "Ausgetreten"}).status_code == 303
    assert world.services.credentials.sessions.of_user(paul_id) == []
    refused_replay(other, copied, world)
