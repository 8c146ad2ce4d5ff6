"""Associations ask for an account: nothing is recorded before the e-mail address is confirmed; the office
approves (a new organisation and its first member, or a link to one already registered) or declines."""

from __future__ import annotations

from accounts_support import BASE_URL, Browser, Outbox, World, csrf_of

from domain.account_request import AccountRequest
from domain.actors import Role

FORM = {
    "association": "Städtepartnerschaftsverein Dortmund–Netanya e.V.",
    "legal_form": "e.V.",
    "register_court": "Amtsgericht Dortmund",
    "register_number": "VR 7788",
    "street": "Friedensplatz 1",
    "postcode": "44135",
    "city": "Dortmund",
    "iban": "DE02370502990000684712",
    "contact_name": "Miriam Levi",
    "email": "miriam@netanya-verein.example",
}


def _apply(browser: Browser, data: dict[str, str], host: str = "testserver") -> object:
    page = browser.client.get("/zugang-beantragen")
    return browser.client.post(
        "/zugang-beantragen", data={**data, "csrf_token": csrf_of(page.text)}, headers={"host": host}
    )


def _confirm(browser: Browser, outbox: Outbox, world: World, association: str = FORM["association"]) -> None:
    link = outbox.link(FORM["email"], "/zugang-beantragen/bestaetigen/")
    assert link.startswith(BASE_URL)
    path = link.removeprefix(BASE_URL)
    page = browser.client.get(path)
    assert association in page.text
    done = browser.client.post(path, data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "Ihre Adresse ist bestätigt" in done.text
    assert browser.client.post(path, data={"csrf_token": csrf_of(page.text)}).status_code == 404  # once only


def _requests(world: World) -> list[AccountRequest]:
    found = []
    for notification in world.office.recorder.select_notifications(start=1, limit=10_000):
        if notification.topic.startswith("domain.account_request:AccountRequest.Submitted"):
            found.append(world.office.account_request(notification.originator_id))
    return found


def test_a_request_is_recorded_only_after_the_address_is_confirmed_and_an_officer_approves_it(
    browser: Browser, other: Browser, outbox: Outbox, world: World
) -> None:
    before = world.head()
    answer = _apply(browser, FORM, host="boese.example")
    assert answer.status_code == 200 and "E-Mail geschickt" in answer.text
    assert world.head() == before  # nothing in the log yet
    assert "boese.example" not in outbox.sent[-1][2]
    _confirm(browser, outbox, world)
    [request] = _requests(world)
    assert request.status == "submitted"

    other.sign_in("officer")
    listing = other.get("/zugangsantraege").text
    assert FORM["association"] in listing
    detail = other.get(f"/zugangsantraege/{request.id}").text
    assert "VR 7788" in detail and "Amtsgericht Dortmund" in detail
    assert other.post(f"/zugangsantraege/{request.id}/annehmen", {"organisation_id": ""}).status_code == 303

    member = world.office.user_by_email(FORM["email"])
    organisation = world.office.organisation(member.organisation_for(Role.ASSOCIATION))
    assert organisation.name == FORM["association"] and member.id in organisation.members
    assert world.office.account_request(request.id).status == "approved"
    welcome = outbox.link(FORM["email"], "/passwort-neu/")
    assert welcome.startswith(BASE_URL)


def test_approval_can_link_to_an_organisation_already_registered(
    browser: Browser, other: Browser, outbox: Outbox, world: World
) -> None:
    _apply(browser, {**FORM, "association": "Deutsch-Französische Gesellschaft Dortmund e.V."})
    _confirm(browser, outbox, world, "Deutsch-Französische Gesellschaft Dortmund e.V.")
    [request] = _requests(world)
    other.sign_in("officer")
    assert other.post(f"/zugangsantraege/{request.id}/annehmen", {"organisation_id": str(world.dfg)}).status_code == 303
    member = world.office.user_by_email(FORM["email"])
    assert member.id in world.office.organisation(world.dfg).members


def test_a_declined_request_says_why(browser: Browser, other: Browser, outbox: Outbox, world: World) -> None:
    _apply(browser, FORM)
    _confirm(browser, outbox, world)
    [request] = _requests(world)
    other.sign_in("officer")
    assert other.post(f"/zugangsantraege/{request.id}/ablehnen", {"reason": ""}).status_code == 400
    answer = other.post(f"/zugangsantraege/{request.id}/ablehnen", {"reason": "Nicht im Vereinsregister gefunden"})
    assert answer.status_code == 303
    assert world.office.account_request(request.id).status == "declined"
    assert "Nicht im Vereinsregister gefunden" in outbox.sent[-1][2]
    assert not world.office.email_registered(FORM["email"])


def test_bad_input_is_shown_again_and_requests_are_limited(browser: Browser, outbox: Outbox, world: World) -> None:
    bad = _apply(browser, {**FORM, "iban": "DE00 1234"})
    assert bad.status_code == 400 and FORM["association"] in bad.text
    statuses = [_apply(browser, FORM).status_code for _ in range(5)]
    assert statuses[:3] == [200] * 3 and statuses[-1] == 429
