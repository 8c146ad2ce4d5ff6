"""Work queues take you to the task: the queue's link opens the grant with that task's form open (and
the grant's own first form closed); the page lists every task of the role, payments included, and says
what happens next and who takes it."""

from __future__ import annotations

import re

from web_support import PASSWORD, PEOPLE, Desk, a_grant, csrf_of


def _details(page: str) -> list[tuple[str, bool]]:
    return [
        (m.group(1), m.group(2) is not None) for m in re.finditer(r'<details class="action" id="([^"]+)"( open)?', page)
    ]


def test_the_certify_link_opens_the_certify_form_and_nothing_else(desk: Desk) -> None:
    a_grant(desk.world, "requested")
    desk.sign_in("officer")

    queue = desk.get("/").text.split("festzustellen")[1].split("</section>")[0]
    link = re.search(
        r'href="(/zuwendungen/[^"]+\?aufgabe=(form-feststellen-[0-9a-f]{8})#form-feststellen-[0-9a-f]{8})"', queue
    )
    assert link is not None
    page = desk.get(link.group(1).replace("&amp;", "&")).text

    opened = [anchor for anchor, is_open in _details(page) if is_open]
    assert opened == [link.group(2)]


def test_after_releasing_the_page_lists_the_booking_and_says_who_books(desk: Desk) -> None:
    grant = a_grant(desk.world, "released")
    desk.sign_in("cashier")

    page = desk.get(f"/zuwendungen/{grant}").text
    tasks = page.split('id="aufgaben"')[1].split("</section>")[0]

    assert "In Ihrer Rolle ist an dieser Zuwendung gerade nichts zu tun." not in tasks
    assert re.search(
        r'<a href="\?aufgabe=form-buchen-[0-9a-f]{8}#form-buchen-[0-9a-f]{8}">Auszahlung buchen</a>', tasks
    )
    assert "Als Nächstes" in tasks and "Auszahlung buchen – Stadtkasse" in tasks


def test_an_auditor_reads_what_happens_next(desk: Desk) -> None:
    grant = a_grant(desk.world, "reviewed")
    desk.sign_in("auditor")

    tasks = desk.get(f"/zuwendungen/{grant}").text.split('id="aufgaben"')[1].split("</section>")[0]

    assert "In Ihrer Rolle ist an dieser Zuwendung gerade nichts zu tun." in tasks
    assert "Über den Antrag entscheiden – Zeichnungsbefugte" in tasks


def _signs_in(desk: Desk, key: str, next_url: str = "/") -> str:
    desk.client.cookies.clear()
    form = desk.client.get("/anmelden").text
    answer = desk.client.post(
        "/anmelden",
        data={"email": PEOPLE[key][0], "password": PASSWORD, "csrf_token": csrf_of(form), "next": next_url},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def test_each_role_lands_on_its_own_start_page(desk: Desk) -> None:
    assert _signs_in(desk, "finance") == "/kaemmerei"
    assert _signs_in(desk, "officer") == "/"
    assert _signs_in(desk, "finance", "/programme") == "/programme"  # the page asked for wins
