"""Items bought with the grant (issue 11 rule 13): from the value limit (a setting, 800 € by default) they
are listed with their earmarking period (Zweckbindungsfrist, years from the notice); a disposal within it
is a reason to revoke.

Worked example: a projector for 1.250,00 €, bought on 15.04.2026 under a notice with five years'
earmarking, is bound until 15.04.2031; sold on 01.10.2028 that is within the period: the grant page,
the API and the finance workbook show 1.250,00 € disposed of early. A camera of 600 € is below the limit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

import pytest

from domain.errors import InvalidInputError, InvalidStateError, NotPermittedError, RuleViolationError
from domain.money import Money

from .after_award_builders import Office, build_office, refused, terms


@pytest.fixture
def office() -> Office:
    return build_office()


def projector(office: Office, grant_id: UUID, value: str = "1250.00", on: date = date(2026, 4, 20)) -> UUID:
    with office.clock.at_least(on):
        return office.app.record_item(
            grant_id,
            "Beamer Epson EB-W51",
            date(2026, 4, 15),
            Money(value),
            office.member,
            on=on,
        )


def test_worked_example_a_projector_sold_within_its_earmarking_period(office: Office) -> None:
    grant_id = office.approved("share")
    item_id = projector(office, grant_id)
    item = office.app.grant(grant_id).item(item_id)
    assert item is not None and item["earmarked_until"] == date(2031, 4, 15)

    with office.clock.at_least(date(2028, 10, 5)):
        within = office.app.record_disposal(
            grant_id, item_id, date(2028, 10, 1), "an ein Mitglied verkauft", office.member, on=date(2028, 10, 5)
        )
    assert within is True
    item = office.app.grant(grant_id).item(item_id)
    assert item is not None and item["within_earmark"] and item["disposed_on"] == date(2028, 10, 1)


def test_after_the_earmarking_period_a_disposal_is_no_reason_to_revoke(office: Office) -> None:
    grant_id = office.approved("share", earmark_years=1)
    item_id = projector(office, grant_id)
    item = office.app.grant(grant_id).item(item_id)
    assert item is not None and item["earmarked_until"] == date(2027, 4, 15)
    with office.clock.at_least(date(2027, 5, 2)):
        within = office.app.record_disposal(grant_id, item_id, date(2027, 5, 1), "verschrottet", office.officer)
    assert within is False


def test_below_the_value_limit_or_outside_the_period_is_refused_and_nothing_changes(office: Office) -> None:
    grant_id = office.approved("share")
    with refused(office.app, RuleViolationError, "rule_violation", "unter der Wertgrenze von 800,00 €", grant_id):
        projector(office, grant_id, "600.00")
    office.app.item_value_limit = Money("410.00")  # the setting FOERDERBUCH_ITEM_VALUE_LIMIT
    projector(office, grant_id, "600.00")
    with refused(office.app, RuleViolationError, "rule_violation", "außerhalb des Bewilligungszeitraums", grant_id):
        office.app.record_item(grant_id, "Laptop", date(2026, 2, 1), Money("900.00"), office.member)
    with refused(office.app, InvalidInputError, "invalid_input", "in der Zukunft", grant_id):
        office.app.record_item(grant_id, "Laptop", date(2026, 9, 1), Money("900.00"), office.member)


def test_a_disposal_twice_before_acquisition_or_by_others_is_refused(office: Office) -> None:
    grant_id = office.approved("share")
    item_id = projector(office, grant_id)
    app, day = office.app, date(2026, 4, 20)
    with office.clock.at_least(day):
        with refused(app, NotPermittedError, "not_permitted", "Verbleib", grant_id):
            app.record_disposal(grant_id, item_id, day, "verkauft", office.approver)
        with refused(app, InvalidInputError, "invalid_input", "vor seiner Anschaffung", grant_id):
            app.record_disposal(grant_id, item_id, date(2026, 4, 1), "verkauft", office.member)
        app.record_disposal(grant_id, item_id, day, "gestohlen, Anzeige erstattet", office.member)
        with refused(app, InvalidStateError, "invalid_state", "bereits erfasst", grant_id):
            app.record_disposal(grant_id, item_id, day, "verkauft", office.member)


def test_the_notice_s_earmarking_period_is_a_number_of_years() -> None:
    with pytest.raises(InvalidInputError, match="zwischen 0 und 50 Jahren"):
        replace(terms("share"), earmark_years=60)
