"""What the account tests share: a small office, people with one or more roles, and a browser stand-in.

The store is a fresh SQLite file on Monday 15 June 2026 with an administrator (Ada), an officer who
is also an approver (Doris), an officer (Sven), finance (Kai), the audit office (Rita) and a member
of the Deutsch-Französische Gesellschaft (Claire). Everyone's password is ``PASSWORD``.

``Browser`` wraps one TestClient: it signs in through the real form, posts forms with the session's
form token, and can hand out and put back its cookies, which is how the tests replay a copied cookie.
The app's links start with ``BASE_URL``, whatever ``Host`` a request names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.organisation import address
from web.services import Services

TODAY = date(2026, 6, 15)
SECRET = "accounts-test-secret-" + "a" * 40
PASSWORD = "richtig-geheim-2026"
BASE_URL = "https://foerderung.dortmund.example"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

PEOPLE: dict[str, tuple[str, str, tuple[Role, ...]]] = {
    "admin": ("ada@dortmund.example", "Ada Admin", (Role.ADMIN,)),
    "doris": ("doris@dortmund.example", "Doris Doppelrolle", (Role.OFFICER, Role.APPROVER)),
    "officer": ("sven@dortmund.example", "Sven Sachbearbeiter", (Role.OFFICER,)),
    "finance": ("kai@dortmund.example", "Kai Kämmerer", (Role.FINANCE,)),
    "auditor": ("rita@dortmund.example", "Rita Revision", (Role.AUDITOR,)),
    "member": ("claire@dfg.example", "Claire Dubois", (Role.ASSOCIATION,)),
}


class Outbox:
    """A mailer that keeps what it was asked to send (``web.services.Mailer``)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> bool:
        self.sent.append((to, subject, body))
        return True

    def link(self, to: str, path: str) -> str:
        """The last link to ``path`` mailed to ``to``."""
        for recipient, _, body in reversed(self.sent):
            if recipient == to:
                found = re.search(r"(https?://\S+" + re.escape(path) + r"\S*)", body)
                if found:
                    return found.group(1)
        raise AssertionError(f"no mail to {to} with a link to {path}")


@dataclass
class World:
    services: Services
    users: dict[str, UUID]
    dfg: UUID

    @property
    def office(self) -> FundingOffice:
        return self.services.office

    def actor(self, key: str, role: Role | None = None) -> Actor:
        return self.office.actor_for(self.users[key], role or PEOPLE[key][2][0])

    def head(self) -> int:
        return int(self.office.recorder.max_notification_id() or 0)


def build_world(services: Services) -> World:
    office, system = services.office, Actor.system()
    users: dict[str, UUID] = {}
    for key, (email, name, roles) in PEOPLE.items():
        if roles[0] is Role.ASSOCIATION:
            continue
        users[key] = office.register_user(email, name, roles[0], system)
        for extra in roles[1:]:
            office.grant_role(users[key], extra, system)
    officer = office.actor_for(users["officer"], Role.OFFICER)
    dfg = office.register_organisation(
        "Deutsch-Französische Gesellschaft Dortmund e.V.",
        "e.V.",
        "VR 1234",
        address("Kampstr. 1", "44137", "Dortmund"),
        "DE89370400440532013000",
        officer,
    )
    email, name, _ = PEOPLE["member"]
    users["member"] = office.register_user(email, name, Role.ASSOCIATION, system, dfg)
    office.add_portal_member(dfg, users["member"], system)
    for user_id in users.values():
        services.credentials.set_password(user_id, PASSWORD)
    return World(services, users, dfg)


@dataclass
class Browser:
    client: TestClient
    world: World
    signed_in_as: str | None = field(default=None)

    def sign_in(self, key: str, password: str = PASSWORD, expect: int = 303) -> Any:
        self.client.cookies.clear()
        page = self.client.get("/anmelden")
        answer = self.client.post(
            "/anmelden",
            data={"email": PEOPLE[key][0], "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == expect, answer.text
        self.signed_in_as = key if expect == 303 else None
        return answer

    def token(self, path: str = "/passwort") -> str:
        return csrf_of(self.client.get(path).text)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, follow_redirects=False, **kwargs)

    def post(self, path: str, data: dict[str, str] | None = None, token: str | None = "session", **kw: Any) -> Any:
        form = dict(data or {})
        if token == "session":
            form["csrf_token"] = self.token()
        elif token is not None:
            form["csrf_token"] = token
        return self.client.post(path, data=form, follow_redirects=False, **kw)

    def cookies(self) -> dict[str, str]:
        return dict(self.client.cookies.items())

    def put_back(self, cookies: dict[str, str]) -> None:
        self.client.cookies.clear()
        for name, value in cookies.items():
            self.client.cookies.set(name, value)


def csrf_of(page_text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found, "the page has no form token"
    return found.group(1)


def refused_replay(browser: Browser, copied: dict[str, str], world: World) -> None:
    """A copied cookie, put back after its session ended, opens nothing and writes nothing."""
    stale_token = copied.get("_csrf", "")
    browser.put_back({k: v for k, v in copied.items() if not k.startswith("_")})
    page = browser.get("/")
    assert page.status_code == 303 and page.headers["location"].startswith("/anmelden"), page.status_code
    browser.put_back({k: v for k, v in copied.items() if not k.startswith("_")})
    before = world.head()
    answer = browser.post(
        "/organisationen/neu",
        {"name": "Nachgemachter Verein e.V.", "legal_form": "e.V.", "register_number": "VR 9"},
        token=stale_token,
    )
    assert answer.status_code in (303, 403), answer.status_code
    if answer.status_code == 303:
        assert answer.headers["location"].startswith("/anmelden")
    assert world.head() == before


def copy_session(browser: Browser) -> dict[str, str]:
    """The browser's cookies as an attacker would copy them, with the form token of its pages."""
    copied = browser.cookies()
    copied["_csrf"] = browser.token()
    return copied
