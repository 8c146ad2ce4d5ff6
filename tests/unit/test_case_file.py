"""The case file in the domain: notes, messages and files enclosed with a decision in the same save,
the conversation, and letters with their Bekanntgabe, finality and the payment hold until then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.actors import Role
from domain.errors import InvalidInputError, InvalidStateError, NotPermittedError, PaymentRefusedError
from domain.money import Money
from domain.rules import RuleSet

from .after_award_builders import (
    ALL_TYPES_RULES,
    PERIOD,
    Office,
    build_office,
    event_names,
    last_event,
    reference_plan,
    refused,
)

PDF = {"name": "Satzung.pdf", "content_type": "application/pdf", "size": 1234, "sha256": "a" * 64}
LETTER = {"name": "Zuwendungsbescheid.pdf", "content_type": "application/pdf", "size": 4321, "sha256": "b" * 64}


@pytest.fixture
def office() -> Iterator[Office]:
    world = build_office()
    yield world
    world.app.close()


def applied(office: Office) -> UUID:
    return office.app.apply_for_grant(
        office.programme_id,
        office.organisation_id,
        "Jugendbegegnung",
        "Austausch",
        "Amiens",
        PERIOD,
        "share",
        reference_plan(),
        office.member,
        file_number="IB-2026-A01",
    )


class TestEnclosures:
    def test_note_message_and_files_are_saved_right_after_the_decision(self, office: Office) -> None:
        grant = applied(office)

        with office.app.enclosing(office.officer, note="Förderfähig nach Nr. 2.1", message="Wir prüfen zügig."):
            office.app.review_application(grant, True, True, "Vollständig.", office.officer)

        assert event_names(office.app, grant)[-2:] == ["ApplicationReviewed", "TextsRecorded"]
        texts = last_event(office.app, grant, "TextsRecorded")
        assert (texts.note, texts.message, texts.regarding) == (
            "Förderfähig nach Nr. 2.1",
            "Wir prüfen zügig.",
            "ApplicationReviewed",
        )

    def test_files_sent_with_a_payment_request_belong_to_that_payment(self, office: Office) -> None:
        grant = office.approved()

        with office.app.enclosing(office.member, documents=[PDF]):
            payment = office.requested(grant, "500.00")

        attached = last_event(office.app, grant, "DocumentsAttached")
        assert attached.documents == [PDF] and attached.regarding == "PaymentRequested"
        assert attached.item == payment.hex

    def test_a_refused_decision_records_neither_the_decision_nor_what_came_with_it(self, office: Office) -> None:
        grant = applied(office)

        with (
            refused(office.app, InvalidStateError, "invalid_state", "nicht möglich", grant),
            office.app.enclosing(office.approver, note="intern", message="Bewilligt!", documents=[PDF]),
        ):
            office.app.approve_grant(grant, Money("7000.00"), office.approver)

    def test_an_association_writes_messages_but_no_internal_notes(self, office: Office) -> None:
        grant = office.approved()

        with (
            refused(office.app, InvalidInputError, "invalid_input", "Interne Vermerke", grant),
            office.app.enclosing(office.member, note="nur intern"),
        ):
            office.requested(grant, "500.00")

    def test_a_broken_file_record_is_refused_with_the_command(self, office: Office) -> None:
        grant = office.approved()

        with (
            refused(office.app, InvalidInputError, "invalid_input", "Prüfsumme", grant),
            office.app.enclosing(office.member, documents=[{**PDF, "sha256": "not-a-hash"}]),
        ):
            office.requested(grant, "500.00")

    def test_a_decision_on_a_claim_encloses_its_texts_in_the_claims_grant(self, office: Office) -> None:
        grant, claim = office.determined(paid="7000.00", costs={"travel": "3000.00"})
        assert claim is not None

        with office.app.enclosing(office.cashier, note="Kontoauszug 12/2026", message="Danke für die Zahlung."):
            office.repay(claim, Money("100.00"), date(2026, 12, 10))

        texts = last_event(office.app, grant, "TextsRecorded")
        assert texts.regarding == "RepaymentReceived" and texts.message == "Danke für die Zahlung."


class TestConversation:
    def test_office_and_association_write_to_each_other_with_files(self, office: Office) -> None:
        grant = office.approved()

        office.app.post_message(grant, "Wann kommt der Bus?", office.member, documents=[PDF])
        office.app.post_message(grant, "Am Montag.", office.officer)

        first, second = [e for e in office.app.events.get(grant) if type(e).__name__ == "MessagePosted"]
        assert (first.from_office, first.documents, second.from_office) == (False, [PDF], True)

    def test_another_associations_member_cannot_write_into_the_conversation(self, office: Office) -> None:
        grant = office.approved()
        other = office.app.register_organisation(
            "Freundeskreis Leeds e.V.",
            "e.V.",
            "VR 9",
            {"street": "Hansastr. 5", "postcode": "44137", "city": "Dortmund", "country": "DE"},
            "DE02370502990000684712",
            office.officer,
        )
        stranger = office.person("tom@leeds.example", Role.ASSOCIATION, other)

        with refused(office.app, NotPermittedError, "not_permitted", ".", grant):
            office.app.post_message(grant, "Hallo", stranger)


class TestLettersAndFinality:
    def issued(self, office: Office, grant: UUID) -> UUID:
        source = office.app.recorder.max_notification_id()
        return office.app.issue_letter(
            grant, "zuwendungsbescheid", source, "c" * 64, "ABCD-EFGH", LETTER, office.approver
        )

    def test_a_letter_is_recorded_once_per_decision(self, office: Office) -> None:
        grant = office.approved()
        letter = self.issued(office, grant)
        issued = last_event(office.app, grant, "LetterIssued")

        assert issued.letter_id == letter and issued.document == LETTER and issued.code == "ABCD-EFGH"
        with refused(office.app, InvalidStateError, "invalid_state", "bereits erstellt", grant):
            office.app.issue_letter(
                grant, "zuwendungsbescheid", issued.source_position, "c" * 64, "X", LETTER, office.approver
            )

    def test_the_notice_is_final_the_day_after_one_month_from_its_bekanntgabe(self, office: Office) -> None:
        grant = office.approved()
        letter = self.issued(office, grant)

        office.app.record_delivery(grant, letter, date(2026, 3, 4), office.officer, on=date(2026, 3, 5))

        assert office.app.grant(grant).notice_final_on == date(2026, 4, 5)

    def test_a_waiver_of_legal_remedies_makes_it_final_at_once(self, office: Office) -> None:
        grant = office.approved()
        letter = self.issued(office, grant)
        office.app.record_delivery(grant, letter, date(2026, 3, 4), office.officer, on=date(2026, 3, 5))

        office.app.waive_remedies(grant, letter, date(2026, 3, 6), office.officer, on=date(2026, 3, 6))

        assert office.app.grant(grant).notice_final_on == date(2026, 3, 6)

    def test_with_the_switch_on_payments_wait_for_the_notice_to_become_final(self) -> None:
        office = build_office(
            rule_set=RuleSet.nrw_municipal(
                allowed_financing_types=ALL_TYPES_RULES.allowed_financing_types, payments_after_final_notice=True
            )
        )
        try:
            grant = office.approved()
            with refused(office.app, PaymentRefusedError, "payment_refused", "Bekanntgabe", grant):
                office.requested(grant, "500.00", on=date(2026, 3, 10))
            letter = self.issued(office, grant)
            office.app.record_delivery(grant, letter, date(2026, 3, 4), office.officer, on=date(2026, 3, 5))
            with refused(office.app, PaymentRefusedError, "payment_refused", r"ab 05\.04\.2026", grant):
                office.requested(grant, "500.00", on=date(2026, 3, 10))

            payment = office.requested(grant, "500.00", on=date(2026, 4, 5))

            assert payment.hex in office.app.grant(grant).payments
        finally:
            office.app.close()

    def test_without_the_switch_payments_do_not_wait(self, office: Office) -> None:
        grant = office.approved()

        assert office.requested(grant, "500.00").hex in office.app.grant(grant).payments
