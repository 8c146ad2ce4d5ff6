"""Refusals: every one is a clear page or a message next to the field, and none writes anything to the log."""

from __future__ import annotations

from uuid import uuid4

import pytest
from web_support import Desk, a_grant, field_error, field_value, payment_of

from domain.actors import Role

REQUEST = {
    "amount": "1.000,00",
    "due": "2026-06-20",
    "description": "Busreise",
    "purpose": "IB-2026-0001",
    "on": "2026-06-15",
}


def url(grant, slug: str, item: str = "") -> str:
    return f"/zuwendungen/{grant}/{slug}" + (f"/{item}" if item else "")


class TestTheFormToken:
    @pytest.mark.parametrize("token", [None, "", "gefälscht-aber-lang-genug-0123456789"])
    def test_a_form_without_the_sessions_token_is_refused(self, desk: Desk, token: str | None) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(
            url(grant, "pruefen"),
            {"formal_ok": "ja", "substantive_ok": "ja", "notes": "ok", "on": "2026-06-15"},
            token=token,
        )

        assert answer.status_code == 403
        assert "Das Formular ist abgelaufen oder ungültig" in answer.text
        assert desk.head() == before
        assert desk.office.grant(grant).status == "applied"

    def test_the_token_of_another_session_does_not_count(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("officer2")
        foreign = desk.token()
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(
            url(grant, "pruefen"),
            {"formal_ok": "ja", "substantive_ok": "ja", "notes": "ok", "on": "2026-06-15"},
            token=foreign,
        )

        assert answer.status_code == 403
        assert desk.head() == before


class TestRolesAndRelations:
    def test_nobody_signed_in_is_sent_to_the_sign_in_page(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        before = desk.head()

        page = desk.get(f"/zuwendungen/{grant}", follow_redirects=False)
        posted = desk.client.post(url(grant, "pruefen"), data={"notes": "x"}, follow_redirects=False)

        assert page.status_code == 303 and page.headers["location"].startswith("/anmelden?weiter=/zuwendungen/")
        assert posted.status_code == 303
        assert desk.head() == before

    @pytest.mark.parametrize(
        ("who", "slug", "stage", "data"),
        [
            (
                "finance",
                "pruefen",
                "applied",
                {"formal_ok": "ja", "substantive_ok": "ja", "notes": "ok", "on": "2026-06-15"},
            ),
            (
                "officer",
                "bewilligen",
                "reviewed",
                {"amount": "4.000,00", "financing_type": "deficit", "on": "2026-06-15"},
            ),
            ("auditor", "ablehnen", "applied", {"reason": "Prüfer lehnen ab", "on": "2026-06-15"}),
            (
                "dfg",
                "pruefen",
                "applied",
                {"formal_ok": "ja", "substantive_ok": "ja", "notes": "selbst", "on": "2026-06-15"},
            ),
            (
                "admin",
                "widerrufen",
                "approved",
                {"remaining_amount": "0,00", "effective_on": "2026-06-15", "reason": "x y z", "on": "2026-06-15"},
            ),
        ],
    )
    def test_a_command_outside_ones_role_is_refused_with_a_clear_page(self, desk: Desk, who, slug, stage, data) -> None:
        grant = a_grant(desk.world, stage)
        desk.sign_in(who)
        before = desk.head()

        answer = desk.post(url(grant, slug), data)

        assert answer.status_code == 403
        assert "<h1>Zugriff verweigert</h1>" in answer.text
        assert "dürfen Sie in Ihrer Rolle" in answer.text
        assert "Traceback" not in answer.text
        assert desk.head() == before

    def test_an_association_cannot_open_another_organisations_grant_by_url(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved", organisation="dfg")
        desk.sign_in("leeds")

        page = desk.get(f"/zuwendungen/{grant}")
        missing = desk.get("/zuwendungen/00000000-0000-4000-8000-000000000000")

        assert page.status_code == missing.status_code == 404  # the same answer: no file numbers revealed
        assert "Diese Zuwendung gibt es nicht." in page.text
        assert "Jugendbegegnung Amiens 2026" not in page.text

    def test_an_association_cannot_act_on_another_organisations_grant(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved", organisation="dfg")
        desk.sign_in("leeds")
        before = desk.head()

        answer = desk.post(url(grant, "mittel-abrufen"), REQUEST)

        assert answer.status_code == 404
        assert desk.head() == before

    def test_an_associations_list_shows_only_its_own_grants_whatever_the_filter(self, desk: Desk) -> None:
        a_grant(desk.world, organisation="dfg", number="IB-2026-0001", title="Amiens-Reise")
        a_grant(desk.world, organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        desk.sign_in("leeds")

        page = desk.get(f"/zuwendungen?organisation={desk.world.dfg}")

        assert "Leeds-Reise" in page.text and "Amiens-Reise" not in page.text

    def test_an_association_cannot_see_another_organisations_page(self, desk: Desk) -> None:
        desk.sign_in("leeds")

        assert desk.get(f"/organisationen/{desk.world.dfg}").status_code == 403
        assert desk.get(f"/organisationen/{desk.world.leeds}").status_code == 200

    @pytest.mark.parametrize(
        "path", ["/programme", "/organisationen", "/projekte", "/kaemmerei", "/pruefung", "/programme/neu"]
    )
    def test_staff_pages_are_refused_to_association_members(self, desk: Desk, path: str) -> None:
        desk.sign_in("dfg")

        assert desk.get(path).status_code == 403

    def test_unknown_grants_payments_and_actions_are_not_found(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        before = desk.head()

        assert desk.get(f"/zuwendungen/{uuid4()}").status_code == 404
        assert desk.get("/zuwendungen/kein-aktenzeichen").status_code == 404
        assert desk.post(url(grant, "zaubern"), {}).status_code == 404
        assert desk.post(url(grant, "feststellen", uuid4().hex), {"on": "2026-06-15"}).status_code == 404
        assert desk.head() == before


class TestFourEyes:
    def test_whoever_reviewed_an_application_cannot_approve_it(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("both")
        desk.post(url(grant, "pruefen"), {"formal_ok": "ja", "substantive_ok": "ja", "notes": "ok", "on": "2026-06-15"})
        desk.post("/rolle", {"role": "approver"})
        before = desk.head()

        answer = desk.post(url(grant, "bewilligen"), APPROVAL)

        assert answer.status_code == 409
        assert "Wer den Antrag geprüft hat, darf ihn nicht bewilligen (Vier-Augen-Prinzip)." in answer.text
        assert 'id="form-bewilligen"' in answer.text  # shown on the form that was sent
        assert desk.head() == before
        assert desk.office.grant(grant).status == "reviewed"

    def test_whoever_certified_a_payment_cannot_release_it(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "requested")
        payment = payment_of(desk.world, grant)
        desk.sign_in("both")
        desk.post(url(grant, "feststellen", payment), {"on": "2026-06-15"})
        desk.post("/rolle", {"role": "approver"})
        before = desk.head()

        answer = desk.post(url(grant, "freigeben", payment), {"on": "2026-06-15"})

        assert answer.status_code == 409
        assert "Wer die Zahlung festgestellt hat, darf sie nicht freigeben (Vier-Augen-Prinzip)." in answer.text
        assert desk.head() == before
        assert desk.office.grant(grant).payments[payment]["status"] == "certified"

    def test_whoever_requested_a_payment_cannot_certify_it(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        desk.post(url(grant, "mittel-abrufen"), REQUEST)
        payment = payment_of(desk.world, grant)
        before = desk.head()

        answer = desk.post(url(grant, "feststellen", payment), {"on": "2026-06-15"})

        assert answer.status_code == 409
        assert "Den eigenen Abruf darf niemand selbst feststellen (Vier-Augen-Prinzip)." in answer.text
        assert desk.head() == before

    def test_nobody_approves_their_own_amendment(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("both")
        desk.post(
            url(grant, "aenderung-vorbereiten"),
            {"amount": "3.000,00", "rate": "", "reason": "Weniger Teilnehmende", "on": "2026-06-15"},
        )
        desk.post("/rolle", {"role": "approver"})
        before = desk.head()

        answer = desk.post(url(grant, "aenderung-bewilligen"), {"on": "2026-06-15"})

        assert answer.status_code == 409
        assert "Die eigene Änderung darf niemand selbst bewilligen" in answer.text
        assert desk.head() == before

    def test_whoever_submitted_the_proof_cannot_review_it(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.sign_in("officer")
        desk.post(
            url(grant, "nachweis-einreichen"),
            {
                "report": "Bericht",
                "own_funds": "800,00",
                "third_party_funds": "0,00",
                "income": "200,00",
                "on": "2026-06-15",
            },
        )
        before = desk.head()

        answer = desk.post(
            url(grant, "nachweis-pruefen"),
            {"recognised_travel": "0,00", "recognised_stay": "0,00", "notes": "selbst geprüft", "on": "2026-06-15"},
        )

        assert answer.status_code == 409
        assert "Wer den Nachweis eingereicht hat, darf ihn nicht prüfen" in answer.text
        assert desk.head() == before


class TestBadInput:
    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("1.000,5x", "ist kein Betrag"),
            ("-100,00", "negative Beträge sind nicht zulässig"),
            ("100,001", "höchstens zwei Nachkommastellen"),
            ("", "Bitte einen Betrag angeben."),
        ],
    )
    def test_a_bad_amount_is_shown_next_to_its_field_with_the_input_kept(
        self, desk: Desk, typed: str, message: str
    ) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(
            url(grant, "mittel-abrufen"), {**REQUEST, "amount": typed, "description": "Bus & Bahn <Hin>"}
        )

        assert answer.status_code == 400
        assert message in field_error(answer.text, "form-mittel-abrufen-amount")
        assert field_value(answer.text, "form-mittel-abrufen-amount").replace("&#34;", '"') == typed.replace(
            "&", "&amp;"
        )
        assert "Bus &amp; Bahn &lt;Hin&gt;" in answer.text  # the other fields keep what was typed, escaped
        assert 'aria-invalid="true"' in answer.text
        assert desk.head() == before

    def test_a_bad_date_is_shown_next_to_its_field(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(url(grant, "mittel-abrufen"), {**REQUEST, "due": "31.02.2026"})

        assert answer.status_code == 400
        assert "kein gültiges Datum" in field_error(answer.text, "form-mittel-abrufen-due")
        assert desk.head() == before

    def test_a_domain_refusal_names_its_field(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(url(grant, "mittel-abrufen"), {**REQUEST, "due": "2026-12-31"})

        assert answer.status_code == 400
        assert "abgerufen werden darf nur, was innerhalb von 2 Monaten gebraucht wird" in field_error(
            answer.text, "form-mittel-abrufen-due"
        )
        assert field_value(answer.text, "form-mittel-abrufen-amount") == "1.000,00"
        assert desk.head() == before

    def test_more_than_approved_is_refused_on_the_amount(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(url(grant, "mittel-abrufen"), {**REQUEST, "amount": "4.000,01"})

        assert answer.status_code == 400
        assert "offen sind nur noch 4.000,00 €" in field_error(answer.text, "form-mittel-abrufen-amount")
        assert desk.head() == before

    def test_an_approval_beyond_the_deficit_is_refused_on_the_amount(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")
        before = desk.head()

        answer = desk.post(
            url(grant, "bewilligen"),
            {
                "amount": "4.500,00",
                "financing_type": "deficit",
                "rate": "",
                "maximum": "",
                "conditions": "",
                "on": "2026-06-15",
            },
        )

        assert answer.status_code == 400
        assert "Der Fehlbedarf laut Plan ist 4.000,00 €" in field_error(answer.text, "form-bewilligen-amount")
        assert desk.head() == before

    def test_a_command_that_does_not_fit_the_state_comes_back_on_its_form(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "applied")
        desk.sign_in("approver")
        before = desk.head()

        answer = desk.post(url(grant, "bewilligen"), APPROVAL)

        assert answer.status_code == 409
        assert "Bewilligen ist im Stand »Antrag eingegangen« nicht möglich." in answer.text
        assert desk.head() == before

    def test_a_missing_reason_is_shown_next_to_the_reason(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(url(grant, "ablehnen"), {"reason": "  ", "on": "2026-06-15"})

        assert answer.status_code == 400
        assert "Die Begründung fehlt." in field_error(answer.text, "form-ablehnen-reason")
        assert desk.head() == before

    def test_a_choice_that_was_not_offered_is_refused(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(
            url(grant, "pruefen"),
            {"formal_ok": "vielleicht", "substantive_ok": "ja", "notes": "ok", "on": "2026-06-15"},
        )

        assert answer.status_code == 400
        assert "Bitte eine der angebotenen Möglichkeiten wählen." in field_error(answer.text, "form-pruefen-formal_ok")
        assert desk.head() == before


def test_a_signed_in_user_whose_access_was_disabled_is_signed_out(desk: Desk) -> None:
    desk.sign_in("officer")
    desk.office.disable_user(desk.world.users["officer"], "ausgeschieden", desk.world.actor("admin", Role.ADMIN))

    page = desk.get("/", follow_redirects=False)

    assert page.status_code == 303 and page.headers["location"].startswith("/anmelden")


class TestBusinessDatesAreForStaff:
    """Back-dating a receipt or a withdrawal is the office's business: members are refused on the web too."""

    def test_a_member_cannot_back_date_a_withdrawal(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "applied", organisation="dfg")
        desk.sign_in("dfg")
        before = desk.head()

        answer = desk.post(url(grant, "zurueckziehen"), {"reason": "Reise abgesagt", "on": "2026-01-02"})

        assert answer.status_code == 403
        assert "kein abweichendes Datum" in answer.text
        assert desk.head() == before

    def test_a_member_cannot_back_date_an_application(self, desk: Desk) -> None:
        desk.sign_in("dfg")
        before = desk.head()

        answer = desk.post("/zuwendungen/neu", {"title": "Rückdatiert", "on": "2025-12-01"})

        assert answer.status_code == 403
        assert desk.head() == before

    def test_staff_may_record_the_date_of_receipt(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "applied", organisation="dfg")
        desk.sign_in("officer")

        answer = desk.post(url(grant, "zurueckziehen"), {"reason": "Telefonisch zurückgezogen", "on": "2026-06-01"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).status == "withdrawn"


APPROVAL = {
    "amount": "4.000,00",
    "financing_type": "deficit",
    "rate": "",
    "maximum": "",
    "conditions": "",
    "on": "2026-06-15",
}


class TestRefusalsInTheChosenLanguage:
    """A domain refusal is a message id with parameters: the page shows it in the language chosen."""

    def test_a_refusal_next_to_a_field_is_english_in_english_and_german_otherwise(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        too_much = {**REQUEST, "amount": "4.000,01"}

        german = field_error(desk.post(url(grant, "mittel-abrufen"), too_much).text, "form-mittel-abrufen-amount")
        desk.post("/sprache", {"language": "en", "next": f"/zuwendungen/{grant}"})
        english = field_error(desk.post(url(grant, "mittel-abrufen"), too_much).text, "form-mittel-abrufen-amount")

        assert german.startswith("Abgerufen werden sollen ") and "offen sind nur noch 4.000,00 €" in german
        assert "is requested, but only " in english and " is left." in english
        assert "4.000,01" in english or "4,000.01" in english  # the parameter is filled in, in either notation
        assert "Abgerufen" not in english and "offen" not in english

    def test_a_refusal_with_a_status_and_an_action_translates_them_too(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "applied")
        desk.sign_in("approver")
        desk.post("/sprache", {"language": "en", "next": f"/zuwendungen/{grant}"})
        before = desk.head()

        answer = desk.post(url(grant, "bewilligen"), APPROVAL)

        assert answer.status_code == 409
        assert "Approve is not possible in the status »Application received«." in answer.text
        assert "Bewilligen ist im Stand" not in answer.text
        assert desk.head() == before

    def test_a_refusal_on_its_own_page_is_english_in_english(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("finance")
        desk.post("/sprache", {"language": "en", "next": "/"})

        answer = desk.post(
            url(grant, "pruefen"), {"formal_ok": "ja", "substantive_ok": "ja", "notes": "ok", "on": "2026-06-15"}
        )

        assert answer.status_code == 403
        assert '<html lang="en">' in answer.text
        assert "« is not allowed in your role (Finance).</p>" in answer.text
        assert "dürfen Sie in Ihrer Rolle" not in answer.text and "Traceback" not in answer.text

    def test_a_number_that_cannot_be_read_is_explained_in_english(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        desk.post("/sprache", {"language": "en", "next": f"/zuwendungen/{grant}"})

        answer = desk.post(url(grant, "mittel-abrufen"), {**REQUEST, "amount": "1.2345,6"})

        error = field_error(answer.text, "form-mittel-abrufen-amount")
        assert error.startswith("»1.2345,6« is not an amount: in German notation the full stop separates thousands")
        assert error.endswith("Did you mean 12.345,6 or 1,23456?")
