"""Who may act: users, roles and organisations, checked on every command."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from domain.actors import Actor, Role
from domain.errors import (
    AlreadyExistsError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
)
from domain.money import Money
from domain.organisation import address
from foerderbuch.iban import validate_iban

from .dortmund import IBAN_AUSLANDSGESELLSCHAFT, IBAN_DEUTSCH_FRANZOESISCH, Dortmund

STEINSTRASSE = {"street": "Steinstraße 48", "postcode": "44147", "city": "Dortmund", "country": "DE"}


class TestDisabledUsers:
    def test_a_disabled_officer_can_no_longer_act(self, dortmund: Dortmund):
        app = dortmund.app
        app.disable_user(dortmund.officer.user_id, "Wechsel in ein anderes Amt", dortmund.admin)

        with (
            dortmund.nothing_recorded(dortmund.vereinsarbeit),
            pytest.raises(NotPermittedError, match="Dieser Zugang ist gesperrt") as refusal,
        ):
            dortmund.apply()

        assert refusal.value.code == "not_permitted"

    def test_a_disabled_user_gets_no_actor(self, dortmund: Dortmund):
        app = dortmund.app
        app.disable_user(dortmund.approver.user_id, "Elternzeit", dortmund.admin)

        with pytest.raises(NotPermittedError, match="Dieser Zugang ist gesperrt"):
            app.actor_for(dortmund.approver.user_id, Role.APPROVER)

    def test_a_disabled_approver_cannot_approve_and_nothing_is_committed(self, dortmund: Dortmund):
        app = dortmund.app
        grant_id = dortmund.reviewed()
        app.disable_user(dortmund.approver.user_id, "Elternzeit", dortmund.admin)

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(NotPermittedError, match="Dieser Zugang ist gesperrt"),
        ):
            app.approve_grant(grant_id, Money("7000.00"), dortmund.approver, rate=Decimal("0.7"))

    def test_an_enabled_user_can_act_again(self, dortmund: Dortmund):
        app = dortmund.app
        app.disable_user(dortmund.officer.user_id, "Versehen", dortmund.admin)

        app.enable_user(dortmund.officer.user_id, "Irrtümlich gesperrt", dortmund.admin)

        assert dortmund.apply()

    def test_disabling_twice_is_refused(self, dortmund: Dortmund):
        app = dortmund.app
        app.disable_user(dortmund.officer.user_id, "Wechsel", dortmund.admin)

        with (
            dortmund.nothing_recorded(dortmund.officer.user_id),
            pytest.raises(InvalidStateError, match="Petra Schmitz ist bereits gesperrt"),
        ):
            app.disable_user(dortmund.officer.user_id, "Wechsel", dortmund.admin)

    def test_an_admin_cannot_lock_themselves_out(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.admin.user_id),
            pytest.raises(InvalidStateError, match="Sie können sich nicht selbst sperren"),
        ):
            dortmund.app.disable_user(dortmund.admin.user_id, "Test", dortmund.admin)

    def test_disabling_needs_a_reason(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.officer.user_id),
            pytest.raises(InvalidInputError, match="Die Begründung fehlt"),
        ):
            dortmund.app.disable_user(dortmund.officer.user_id, "", dortmund.admin)

    def test_an_officer_cannot_disable_users(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.second_officer.user_id),
            pytest.raises(NotPermittedError, match="Benutzer sperren: nur Administration"),
        ):
            dortmund.app.disable_user(dortmund.second_officer.user_id, "Streit", dortmund.officer)


class TestActingInARole:
    def test_acting_in_a_role_not_held_is_refused(self, dortmund: Dortmund):
        officer_posing_as_approver = Actor(dortmund.officer.user_id, Role.APPROVER)
        grant_id = dortmund.reviewed()

        with (
            dortmund.nothing_recorded(grant_id, dortmund.vereinsarbeit),
            pytest.raises(NotPermittedError, match="Sie haben die Rolle Zeichnungsbefugte nicht") as refusal,
        ):
            dortmund.app.reject_application(grant_id, "Keine Mittel", officer_posing_as_approver)

        assert refusal.value.code == "not_permitted"

    def test_actor_for_a_role_not_held_is_refused(self, dortmund: Dortmund):
        with pytest.raises(NotPermittedError, match="Sie haben die Rolle Kämmerei nicht"):
            dortmund.app.actor_for(dortmund.officer.user_id, "finance")

    def test_an_association_member_claiming_another_organisation_is_refused(self, dortmund: Dortmund):
        impostor = Actor(dortmund.member.user_id, Role.ASSOCIATION, dortmund.deutsch_franzoesisch)

        with (
            dortmund.nothing_recorded(),
            pytest.raises(NotPermittedError, match="Die Organisation passt nicht zu Ihrer Rolle"),
        ):
            dortmund.apply(actor=impostor, organisation_id=dortmund.deutsch_franzoesisch)

    def test_an_association_member_without_organisation_is_refused(self, dortmund: Dortmund):
        without = Actor(dortmund.member.user_id, Role.ASSOCIATION)

        with dortmund.nothing_recorded(), pytest.raises(NotPermittedError, match="Die Organisation passt nicht"):
            dortmund.apply(actor=without)

    def test_an_officer_claiming_an_organisation_is_refused(self, dortmund: Dortmund):
        officer_with_org = Actor(dortmund.officer.user_id, Role.OFFICER, dortmund.auslandsgesellschaft)

        with dortmund.nothing_recorded(), pytest.raises(NotPermittedError, match="Die Organisation passt nicht"):
            dortmund.apply(actor=officer_with_org)

    def test_an_unknown_user_is_refused(self, dortmund: Dortmund):
        stranger = Actor(uuid4(), Role.OFFICER)

        with dortmund.nothing_recorded(), pytest.raises(NotPermittedError, match="Unbekannter Benutzer"):
            dortmund.apply(actor=stranger)

    def test_an_organisation_cannot_pose_as_a_user(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(NotPermittedError, match="Dieser Zugang ist gesperrt") as refusal,
        ):
            dortmund.apply(actor=Actor(dortmund.auslandsgesellschaft, Role.OFFICER))

        assert refusal.value.code == "not_permitted"

    def test_a_revoked_role_can_no_longer_be_used(self, dortmund: Dortmund):
        app = dortmund.app
        app.revoke_role(dortmund.finance.user_id, Role.FINANCE, "Wechsel ins Personalamt", dortmund.admin)

        with pytest.raises(NotPermittedError, match="Sie haben die Rolle Kämmerei nicht"):
            app.verify_actor(dortmund.finance)

    def test_an_auditor_reads_but_cannot_review(self, dortmund: Dortmund):
        grant_id = dortmund.apply()

        with (
            dortmund.nothing_recorded(grant_id),
            pytest.raises(NotPermittedError, match="Antrag prüfen: nur Sachbearbeitung"),
        ):
            dortmund.app.review_application(grant_id, True, True, "passt", dortmund.auditor)

    def test_an_unknown_role_name_is_refused(self, dortmund: Dortmund):
        with pytest.raises(InvalidInputError, match="Unbekannte Rolle »kasse«") as refusal:
            dortmund.app.actor_for(dortmund.finance.user_id, "kasse")

        assert refusal.value.field == "role"


class TestRegisteringUsers:
    def test_a_user_is_found_by_e_mail_in_any_case(self, dortmund: Dortmund):
        user = dortmund.app.user_by_email(" Petra.Schmitz@StadtDO.de ")

        assert user.id == dortmund.officer.user_id
        assert user.display_name == "Petra Schmitz"

    def test_an_e_mail_address_already_registered_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.officer.user_id),
            pytest.raises(
                AlreadyExistsError, match=r"Die E-Mail-Adresse petra\.schmitz@stadtdo\.de ist bereits registriert"
            ) as refusal,
        ):
            dortmund.app.register_user("Petra.Schmitz@stadtdo.de", "Petra Schmitz-Neu", Role.APPROVER, dortmund.admin)

        assert refusal.value.code == "already_exists"
        assert dortmund.app.user(dortmund.officer.user_id).display_name == "Petra Schmitz"

    @pytest.mark.parametrize("email", ["petra", "petra@stadtdo", "pe tra@stadtdo.de", ""])
    def test_an_invalid_e_mail_address_is_refused(self, dortmund: Dortmund, email: str):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(InvalidInputError, match="keine gültige E-Mail-Adresse") as refusal,
        ):
            dortmund.app.register_user(email, "Petra", Role.OFFICER, dortmund.admin)

        assert refusal.value.field == "email"

    def test_only_an_admin_registers_users(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(NotPermittedError, match="Benutzer anlegen: nur Administration"),
        ):
            dortmund.app.register_user("neu@stadtdo.de", "Neu", Role.OFFICER, dortmund.officer)

    def test_an_association_member_needs_an_organisation(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(InvalidInputError, match="Vereinsmitglieder brauchen eine Organisation") as refusal,
        ):
            dortmund.app.register_user("verein@example.org", "Verein", Role.ASSOCIATION, dortmund.admin)

        assert refusal.value.field == "organisation_id"

    def test_staff_do_not_belong_to_an_organisation(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(InvalidInputError, match="Nur Vereinsmitglieder gehören zu einer Organisation"),
        ):
            dortmund.app.register_user(
                "neu@stadtdo.de", "Neu", Role.OFFICER, dortmund.admin, organisation_id=dortmund.auslandsgesellschaft
            )

    def test_a_member_of_an_unknown_organisation_is_refused(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(NotFoundError, match="Diese Organisation gibt es nicht"):
            dortmund.app.register_user(
                "neu@example.org", "Neu", Role.ASSOCIATION, dortmund.admin, organisation_id=uuid4()
            )

    def test_the_system_role_cannot_be_given(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(InvalidInputError, match="Die Rolle System ist nicht vergebbar"),
        ):
            dortmund.app.register_user("neu@stadtdo.de", "Neu", Role.SYSTEM, dortmund.admin)

    def test_a_role_is_not_granted_twice(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.officer.user_id),
            pytest.raises(InvalidStateError, match="Petra Schmitz hat die Rolle Sachbearbeitung bereits"),
        ):
            dortmund.app.grant_role(dortmund.officer.user_id, Role.OFFICER, dortmund.admin)

    def test_revoking_a_role_not_held_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(dortmund.officer.user_id),
            pytest.raises(InvalidStateError, match="Petra Schmitz hat die Rolle Kämmerei nicht"),
        ):
            dortmund.app.revoke_role(dortmund.officer.user_id, Role.FINANCE, "Aufräumen", dortmund.admin)


class TestRegisteringOrganisations:
    def test_the_iban_is_kept_in_compact_upper_case(self, dortmund: Dortmund):
        organisation_id = dortmund.app.register_organisation(
            "Freundeskreis Netanya e.V.",
            "e.V.",
            "VR 4711",
            STEINSTRASSE,
            "de89 3704 0044 0532 0130 00",
            dortmund.officer,
        )

        assert dortmund.app.organisation(organisation_id).iban == IBAN_AUSLANDSGESELLSCHAFT

    @pytest.mark.parametrize(
        ("iban", "reason"),
        [
            ("DE89370400440532013001", "die Prüfziffer stimmt nicht"),
            ("DE8937040044053201300", "die Länge passt nicht zum Land"),
            ("XX89370400440532013000", "unbekannter Ländercode"),
            ("", "Die IBAN fehlt"),
        ],
    )
    def test_an_invalid_iban_is_refused_on_the_iban_field(self, dortmund: Dortmund, iban: str, reason: str):
        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match=reason) as refusal:
            dortmund.app.register_organisation(
                "Freundeskreis Netanya e.V.", "e.V.", "VR 4711", STEINSTRASSE, iban, dortmund.officer
            )

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "iban"

    def test_a_registered_association_needs_its_register_number(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match="Vereinsregisternummer") as refusal:
            dortmund.app.register_organisation(
                "Freundeskreis Netanya e.V.", "e.V.", "", STEINSTRASSE, IBAN_AUSLANDSGESELLSCHAFT, dortmund.officer
            )

        assert refusal.value.field == "register_number"

    def test_an_unknown_legal_form_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(InvalidInputError, match=r"Unbekannte Rechtsform »GmbH & Co\. KG«"),
        ):
            dortmund.app.register_organisation(
                "Reisebüro", "GmbH & Co. KG", "HRA 1", STEINSTRASSE, IBAN_AUSLANDSGESELLSCHAFT, dortmund.officer
            )

    def test_an_association_member_cannot_register_organisations(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(NotPermittedError, match="Organisation registrieren"):
            dortmund.app.register_organisation(
                "Freundeskreis Netanya e.V.",
                "e.V.",
                "VR 4711",
                STEINSTRASSE,
                IBAN_AUSLANDSGESELLSCHAFT,
                dortmund.member,
            )

    def test_the_address_helper_refuses_a_bad_postcode_and_country(self):
        assert address("Steinstraße 48", "44147", "Dortmund")["country"] == "DE"
        with pytest.raises(InvalidInputError, match="keine Postleitzahl"):
            address("Steinstraße 48", "4!", "Dortmund")
        with pytest.raises(InvalidInputError, match="zweistelliger ISO-Code"):
            address("Steinstraße 48", "44147", "Dortmund", "DEU")


class TestChangingAnOrganisation:
    def test_a_new_bank_account_is_validated_and_recorded_with_a_reason(self, dortmund: Dortmund):
        app = dortmund.app
        organisation = dortmund.auslandsgesellschaft

        app.change_bank_account(organisation, IBAN_DEUTSCH_FRANZOESISCH, "Bankwechsel zur Sparkasse", dortmund.officer)

        assert app.organisation(organisation).iban == IBAN_DEUTSCH_FRANZOESISCH

    def test_an_invalid_new_iban_is_refused_and_the_old_one_stays(self, dortmund: Dortmund):
        organisation = dortmund.auslandsgesellschaft

        with dortmund.nothing_recorded(organisation), pytest.raises(InvalidInputError, match="Prüfziffer") as refusal:
            dortmund.app.change_bank_account(organisation, "DE89370400440532013001", "Bankwechsel", dortmund.officer)

        assert refusal.value.field == "iban"
        assert dortmund.app.organisation(organisation).iban == IBAN_AUSLANDSGESELLSCHAFT

    def test_the_same_iban_again_is_refused(self, dortmund: Dortmund):
        organisation = dortmund.auslandsgesellschaft

        with (
            dortmund.nothing_recorded(organisation),
            pytest.raises(InvalidInputError, match="bereits die hinterlegte IBAN"),
        ):
            dortmund.app.change_bank_account(organisation, IBAN_AUSLANDSGESELLSCHAFT, "Bankwechsel", dortmund.officer)

    def test_an_association_member_cannot_change_the_bank_account(self, dortmund: Dortmund):
        organisation = dortmund.auslandsgesellschaft

        with dortmund.nothing_recorded(organisation), pytest.raises(NotPermittedError, match="Bankverbindung ändern"):
            dortmund.app.change_bank_account(organisation, IBAN_DEUTSCH_FRANZOESISCH, "Bankwechsel", dortmund.member)

    def test_a_member_cannot_change_another_associations_address(self, dortmund: Dortmund):
        organisation = dortmund.deutsch_franzoesisch

        with (
            dortmund.nothing_recorded(organisation),
            pytest.raises(NotPermittedError, match="Anschrift ändern: Sie können nur für Ihren eigenen Verein handeln"),
        ):
            dortmund.app.change_address(organisation, STEINSTRASSE, dortmund.member)

    def test_a_member_changes_their_own_associations_address(self, dortmund: Dortmund):
        new = {"street": "Königswall 1", "postcode": "44137", "city": "Dortmund", "country": "DE"}

        dortmund.app.change_address(dortmund.auslandsgesellschaft, new, dortmund.member)

        assert dortmund.app.organisation(dortmund.auslandsgesellschaft).address == new

    def test_a_portal_member_must_be_registered_for_that_organisation(self, dortmund: Dortmund):
        organisation = dortmund.deutsch_franzoesisch

        with (
            dortmund.nothing_recorded(organisation),
            pytest.raises(InvalidStateError, match="nicht als Mitglied dieser Organisation registriert"),
        ):
            dortmund.app.add_portal_member(organisation, dortmund.member.user_id, dortmund.officer)

    def test_a_portal_member_is_added_once(self, dortmund: Dortmund):
        app = dortmund.app
        organisation = dortmund.auslandsgesellschaft
        app.add_portal_member(organisation, dortmund.member.user_id, dortmund.officer)

        with dortmund.nothing_recorded(organisation), pytest.raises(InvalidStateError, match="bereits Zugang"):
            app.add_portal_member(organisation, dortmund.member.user_id, dortmund.officer)

        assert app.organisation(organisation).members == [dortmund.member.user_id]

    def test_a_bad_phone_number_for_a_contact_person_is_refused(self, dortmund: Dortmund):
        organisation = dortmund.auslandsgesellschaft

        with (
            dortmund.nothing_recorded(organisation),
            pytest.raises(InvalidInputError, match="keine Telefonnummer") as refusal,
        ):
            dortmund.app.add_contact_person(
                organisation, "Marie Laurent", "Vorstand", "marie@example.org", "ruf an", dortmund.member
            )

        assert refusal.value.field == "phone"


def test_the_iban_validator_is_what_the_office_is_wired_with(dortmund: Dortmund):
    assert dortmund.app.validate_iban is validate_iban
