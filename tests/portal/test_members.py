"""Inviting and removing association members: a link that expires, is used once, and stays in its own Verein."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from portal_support import Member, a_grant, csrf_of

from domain.actors import Role
from domain.organisation import Organisation

NEW_PASSWORD = "ein-neues-passwort-2026"


def invite(member: Member, name: str = "Luc Petit", email: str = "luc@dfg.example", **extra: str):
    return member.post("/portal/mitglieder/einladen", {"name": name, "email": email, **extra})


def link_of(page: str) -> str:
    found = re.search(r'<code class="invitation-link">[^<]*(/portal/einladung/[A-Za-z0-9_-]+)</code>', page)
    assert found, "the page shows no invitation link"
    return found.group(1)


def accept(member: Member, link: str, password: str = NEW_PASSWORD):
    member.client.cookies.clear()
    page = member.get(link)
    token = csrf_of(page.text) if page.status_code == 200 else csrf_of(member.get("/anmelden").text)
    return member.client.post(
        link, data={"password": password, "again": password, "csrf_token": token}, follow_redirects=False
    )


class TestInviting:
    def test_invite_accept_and_the_new_member_sees_only_their_organisation(self, member: Member) -> None:
        a_grant(member.world, "approved", title="Amiens-Reise")
        a_grant(member.world, organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        member.sign_in("dfg")

        answer = invite(member)

        assert answer.status_code == 200 and "nur jetzt sichtbar" in answer.text
        link = link_of(answer.text)
        accepted = accept(member, link)
        assert accepted.status_code == 303 and accepted.headers["location"] == "/portal/"
        start = member.get("/portal/").text
        assert "Luc Petit" in start and "Amiens-Reise" in start and "Leeds-Reise" not in start
        user = member.office.user_by_email("luc@dfg.example")
        assert user.organisation_for(Role.ASSOCIATION) == member.world.dfg
        assert user.id in member.office.organisation(member.world.dfg).members

    def test_the_log_records_who_invited(self, member: Member, services) -> None:
        member.sign_in("dfg")
        invite(member)
        invited = [e for e in services.office.events.get(member.world.dfg) if isinstance(e, Organisation.MemberInvited)]
        assert invited[-1].email == "luc@dfg.example" and invited[-1].actor_id == member.world.users["dfg"]

    def test_the_new_member_can_sign_in_with_the_chosen_password(self, member: Member) -> None:
        member.sign_in("dfg")
        accept(member, link_of(invite(member).text))
        member.client.cookies.clear()
        page = member.get("/anmelden")
        answer = member.client.post(
            "/anmelden",
            data={"email": "luc@dfg.example", "password": NEW_PASSWORD, "csrf_token": csrf_of(page.text), "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert "Deutsch-Französische Gesellschaft" in member.get("/portal/").text

    def test_an_expired_link_answers_410_and_records_nothing(self, member: Member, services) -> None:
        issued = services.credentials.create_invitation(
            member.world.dfg,
            "alt@dfg.example",
            "Alt",
            member.world.users["dfg"],
            now=datetime.now(UTC) - timedelta(days=8),
        )
        before = member.head()
        link = f"/portal/einladung/{issued.token}"

        assert member.get(link).status_code == 410
        answer = accept(member, link)

        assert answer.status_code == 410 and "abgelaufen" in answer.text
        assert member.head() == before
        assert services.credentials.invitation(issued.token).used_at is None

    def test_a_used_link_is_refused_the_second_time(self, member: Member) -> None:
        member.sign_in("dfg")
        link = link_of(invite(member).text)
        assert accept(member, link).status_code == 303
        before = member.head()

        again = accept(member, link, "noch-ein-passwort-99")

        assert again.status_code == 410 and "schon benutzt" in again.text
        assert member.head() == before

    def test_an_unknown_link_is_404(self, member: Member) -> None:
        assert member.get("/portal/einladung/" + "x" * 43).status_code == 404

    def test_a_member_cannot_invite_into_another_organisation_by_form_field(self, member: Member, services) -> None:
        member.sign_in("dfg")
        before = member.head()

        answer = invite(member, organisation_id=str(member.world.leeds))

        assert answer.status_code == 404
        assert member.head() == before
        assert services.credentials.list_invitations(member.world.leeds) == []
        assert services.credentials.list_invitations(member.world.dfg) == []

    def test_a_missing_form_token_is_403_and_records_nothing(self, member: Member) -> None:
        member.sign_in("dfg")
        before = member.head()

        assert (
            member.post("/portal/mitglieder/einladen", {"name": "X", "email": "x@dfg.example"}, token=None).status_code
            == 403
        )
        target = member.world.users["dfg2"]
        assert member.post(f"/portal/mitglieder/{target}/entfernen", {"reason": "weg"}, token=None).status_code == 403
        assert member.head() == before

    def test_staff_get_no_members_page(self, member: Member) -> None:
        member.sign_in("officer")
        assert member.get("/portal/mitglieder").status_code == 403


class TestRemoving:
    def test_a_member_removes_another_who_can_no_longer_act(self, member: Member) -> None:
        member.sign_in("dfg")
        marc = member.world.users["dfg2"]
        assert "Marc Martin" in member.get("/portal/mitglieder").text

        answer = member.post(f"/portal/mitglieder/{marc}/entfernen", {"reason": "Aus dem Vorstand ausgeschieden"})

        assert answer.status_code == 303
        assert marc not in member.office.organisation(member.world.dfg).members
        assert "Marc Martin" not in member.get("/portal/mitglieder").text
        # Marc's password still matches, but the portal no longer lets him in
        member.client.cookies.clear()
        page = member.get("/anmelden")
        member.client.post(
            "/anmelden",
            data={
                "email": "marc@dfg.example",
                "password": "richtig-geheim-2026",
                "csrf_token": csrf_of(page.text),
                "next": "/",
            },
            follow_redirects=False,
        )
        refused = member.get("/portal/", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/anmelden")

    def test_a_member_cannot_remove_members_of_another_organisation(self, member: Member) -> None:
        member.sign_in("dfg")
        before = member.head()
        tom = member.world.users["leeds"]

        by_url = member.post(f"/portal/mitglieder/{tom}/entfernen", {"reason": "Versuch"})
        by_field = member.post(
            f"/portal/mitglieder/{tom}/entfernen", {"reason": "Versuch", "organisation_id": str(member.world.leeds)}
        )

        assert by_url.status_code == 404 and by_field.status_code == 404
        assert member.head() == before
        assert tom in member.office.organisation(member.world.leeds).members

    def test_nobody_removes_themselves(self, member: Member) -> None:
        member.sign_in("dfg")
        me = member.world.users["dfg"]
        assert member.post(f"/portal/mitglieder/{me}/entfernen", {"reason": "x"}).status_code == 400
