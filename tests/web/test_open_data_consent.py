"""What 360Giving publishes is decided on the forms: the register entry of an organisation (court and
number, so open data can name it by its register) and the applicant's consent to publish the purpose."""

from __future__ import annotations

from uuid import UUID

import test_web_pages
from web_support import Desk

# The officer's application form of the page tests, with a purpose worth publishing (or not).
APPLICATION = {**test_web_pages.TestEnteringAnApplication.FORM, "purpose": "Zwei Konzerte mit dem Partnerchor"}


class TestTheRegisterEntry:
    def test_an_organisation_is_registered_with_its_register_court(self, desk: Desk) -> None:
        desk.sign_in("officer")
        assert "Registergericht" in desk.get("/organisationen/neu").text

        answer = desk.post(
            "/organisationen/neu",
            {
                "name": "Städtepartnerschaft Novi Sad e.V.",
                "legal_form": "e.V.",
                "register_number": "VR 7001",
                "register_court": "Amtsgericht Dortmund",
                "street": "Südwall 2",
                "postcode": "44137",
                "city": "Dortmund",
                "country": "DE",
                "iban": "DE02 1203 0000 0000 2020 51",
            },
        )

        assert answer.status_code == 303
        page = desk.get(answer.headers["location"]).text
        assert "Amtsgericht Dortmund" in page and "VR 7001" in page

    def test_the_office_records_the_register_entry_of_an_organisation(self, desk: Desk) -> None:
        desk.sign_in("officer")
        w = desk.world

        answer = desk.post(
            f"/organisationen/{w.dfg}/registereintrag",
            {"register_court": "Amtsgericht Dortmund", "register_number": "VR 1234"},
        )

        assert answer.status_code == 303
        organisation = w.office.organisation(w.dfg)
        assert (organisation.register_court, organisation.register_number) == ("Amtsgericht Dortmund", "VR 1234")

    def test_a_number_that_is_no_register_number_is_refused_and_nothing_recorded(self, desk: Desk) -> None:
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(
            f"/organisationen/{desk.world.dfg}/registereintrag",
            {"register_court": "Amtsgericht Dortmund", "register_number": "irgendwas"},
        )

        assert answer.status_code == 400 and "keine Registernummer" in answer.text
        assert desk.head() == before

    def test_an_association_member_cannot_record_it(self, desk: Desk) -> None:
        desk.sign_in("dfg")
        before = desk.head()

        answer = desk.post(
            f"/organisationen/{desk.world.dfg}/registereintrag",
            {"register_court": "Amtsgericht Dortmund", "register_number": "VR 1234"},
        )

        assert answer.status_code in (403, 404) and desk.head() == before


class TestConsentToPublishThePurpose:
    def test_the_application_form_asks_and_the_answer_is_recorded(self, desk: Desk) -> None:
        desk.sign_in("officer")
        form = {**APPLICATION, "programme_id": str(desk.world.programme), "organisation_id": str(desk.world.leeds)}
        assert "Darf die Stadt den Zweck so veröffentlichen?" in desk.get("/zuwendungen/neu").text

        agreed = desk.post("/zuwendungen/neu", {**form, "publish_purpose": "ja"})
        silent = desk.post("/zuwendungen/neu", {**form, "title": "Zweite Fahrt"})

        assert agreed.status_code == silent.status_code == 303
        agreed_id = agreed.headers["location"].rstrip("/").split("/")[-1]
        silent_id = silent.headers["location"].rstrip("/").split("/")[-1]
        assert desk.office.grant(_uuid(agreed_id)).purpose_may_be_published is True
        assert desk.office.grant(_uuid(silent_id)).purpose_may_be_published is False


def _uuid(text: str):
    return UUID(text.split("?")[0].split("#")[0])
