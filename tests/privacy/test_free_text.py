"""Free text about a person is sealed under that person's key and reads "gelöscht" once they are erased:
the reasons given when they were disabled, lost a role or were removed from a list of contacts, and a
report of a barrier with its sender's address and the office's answer. The read model of the reports
redacts on the erasure exactly as a rebuild from the log folds it."""

from __future__ import annotations

from typing import Any

from domain.actors import Actor, Role
from domain.organisation import address
from foerderbuch.privacy.erasure import erase, find_person
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_projector
from projections.accessibility import AccessibilityCases
from tests.privacy.test_shredding import an_admin, stored_bytes

EMAIL = "b.beispiel@verein.example"
DISABLED = "Ausgeschieden nach langer Krankheit"
REVOKED = "Wechsel in die Kämmerei wegen Elternzeit der Kollegin"
REMOVED = "Frau Beispiel ist verzogen"
REPORT = "Mein Screenreader liest die Tabelle nicht vor, ich bin blind."
ANSWER = "Danke, Frau Beispiel, wir beheben das bis Ende Januar."


def test_reasons_and_reports_about_a_person_are_sealed_and_read_geloescht_after_the_erasure(
    open_office: Any, sqlite_settings: Settings
) -> None:
    office = open_office(sqlite_settings)
    admin = an_admin(office)
    user = office.register_user(EMAIL, "Berta Beispiel", Role.OFFICER, Actor.system(), more_roles=(Role.AUDITOR,))
    office.revoke_role(user, Role.AUDITOR, REVOKED, admin)
    office.disable_user(user, DISABLED, admin)
    organisation = office.register_organisation(
        "Verein e.V.", "e.V.", "VR 1", address("Markt 1", "44135", "Dortmund"), "DE89370400440532013000", Actor.system()
    )
    person = office.add_contact_person(organisation, "Berta Beispiel", "Kassenwartin", EMAIL, "0231 1", Actor.system())
    office.remove_contact_person(organisation, person, REMOVED, admin)
    feedback = office.receive_accessibility_feedback(REPORT, "/zuwendungen", EMAIL, Actor.system())
    office.answer_accessibility_feedback(feedback, ANSWER, admin)
    projector = create_projector(sqlite_settings, office)
    try:
        projector.set_up()
        projector.catch_up()
        raw = stored_bytes(sqlite_settings)
        for text in (DISABLED, REVOKED, REMOVED, REPORT, ANSWER, EMAIL):
            assert text.encode() not in raw, text  # never stored in clear
        reasons = {type(e).__name__: e.reason for e in office.events.get(user) if hasattr(e, "reason")}
        assert reasons == {"RoleRevoked": REVOKED, "Disabled": DISABLED}  # read back through her key

        findings = find_person(office, EMAIL)
        assert {r.event for r in findings.records} >= {
            "User.Disabled",
            "Organisation.ContactPersonRemoved",
            "AccessibilityFeedback.Received",
            "AccessibilityFeedback.Answered",
        }
        erase(office, None, findings, "Antrag der Person", "Art. 17 DSGVO", admin)
        projector.catch_up()

        again = open_office(sqlite_settings)  # another process
        assert {e.reason for e in again.events.get(user) if hasattr(e, "reason")} == {"gelöscht"}
        removed = [e for e in again.events.get(organisation) if type(e).__name__ == "ContactPersonRemoved"]
        assert [e.reason for e in removed] == ["gelöscht"]
        with projector.db.transaction() as cursor:
            (case,) = AccessibilityCases.cases(cursor)
            live = (case.text, case.email, case.answer)
        assert live == ("gelöscht", "gelöscht", "gelöscht")
        projector.rebuild(["accessibility_feedback"])
        with projector.db.transaction() as cursor:
            (case,) = AccessibilityCases.cases(cursor)
            assert (case.text, case.email, case.answer) == live
    finally:
        projector.db.close()
