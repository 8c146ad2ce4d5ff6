"""Deadlines as grant law has them (issue 11 rule 8).

The proof of use is due six months after the purpose was fulfilled, at the latest six months after the
funding period ends (or on the date the notice sets); a deadline on a Saturday, Sunday or NRW public
holiday ends on the next working day (§ 31 (3) VwVfG NRW; holidays from the ``holidays`` library).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from domain.dates import FundingPeriod
from domain.errors import InvalidInputError, InvalidStateError, NotPermittedError
from domain.working_days import is_working_day, next_working_day, public_holiday, why_moved

from .after_award_builders import Office, build_office, refused

CHRISTMAS_PERIOD = FundingPeriod(date(2026, 3, 1), date(2026, 6, 25))  # six months later: Christmas Day 2026


@pytest.fixture
def office() -> Iterator[Office]:
    world = build_office(today=date(2026, 3, 1))
    yield world
    world.app.close()


def final_due(office: Office, grant_id, as_of: date = date(2026, 7, 1)) -> date:
    return next(d["due"] for d in office.app.grant(grant_id).deadlines(as_of) if d["key"] == "final")


class TestWorkingDays:
    def test_the_nrw_public_holidays_come_from_the_library(self) -> None:
        assert public_holiday(date(2026, 6, 4)) == "Fronleichnam"  # a holiday in NRW, not in Berlin
        assert public_holiday(date(2026, 11, 1)) == "Allerheiligen"
        assert public_holiday(date(2026, 12, 25)) == "Erster Weihnachtstag"
        assert public_holiday(date(2026, 10, 31)) is None  # Reformationstag is no holiday in NRW
        assert public_holiday(date(2026, 6, 5)) is None

    def test_a_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day(self) -> None:
        assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Fri holiday, Sat holiday, Sunday
        assert next_working_day(date(2027, 10, 31)) == date(2027, 11, 2)  # Sunday, then Allerheiligen (Monday)
        assert next_working_day(date(2026, 12, 29)) == date(2026, 12, 29)  # a Tuesday stays
        assert not is_working_day(date(2026, 12, 26)) and why_moved(date(2026, 12, 26)) == "Zweiter Weihnachtstag"
        assert why_moved(date(2026, 12, 27)) == "Sonntag" and why_moved(date(2026, 12, 29)) == ""


class TestTheProofOfUseDeadline:
    def test_worked_example_a_deadline_falling_on_christmas(self, office: Office) -> None:
        """Period ends 25.06.2026; six months later is Christmas Day (Friday), then a holiday Saturday and a
        Sunday: the proof of use is due on Monday, 28.12.2026."""
        grant_id = office.approved(period=CHRISTMAS_PERIOD)

        assert office.app.grant(grant_id).terms.final_proof_due == date(2026, 12, 28)  # type: ignore[union-attr]
        assert final_due(office, grant_id) == date(2026, 12, 28)
        assert not [d for d in office.app.grant(grant_id).deadlines(date(2026, 12, 28)) if d["overdue"]]
        assert [d["key"] for d in office.app.grant(grant_id).deadlines(date(2026, 12, 29)) if d["overdue"]] == ["final"]

    def test_the_purpose_fulfilled_brings_the_deadline_forward(self, office: Office) -> None:
        """Fulfilled on 15.05.2026: due six months later, 15.11.2026 — a Sunday, so Monday 16.11.2026."""
        grant_id = office.approved(period=CHRISTMAS_PERIOD)

        due = office.app.record_purpose_fulfilled(grant_id, date(2026, 5, 15), office.member, on=date(2026, 5, 20))

        assert due == date(2026, 11, 16)
        assert final_due(office, grant_id) == date(2026, 11, 16)
        assert office.app.grant(grant_id).purpose_fulfilled_on == date(2026, 5, 15)

    def test_the_end_of_the_period_stays_the_latest_deadline(self, office: Office) -> None:
        """Fulfilled on the last day of the period: six months after it is the period rule again (28.12.2026)."""
        grant_id = office.approved(period=CHRISTMAS_PERIOD)

        due = office.app.record_purpose_fulfilled(grant_id, date(2026, 6, 25), office.officer, on=date(2026, 7, 1))

        assert due == date(2026, 12, 28)

    def test_the_notice_s_own_date_binds_and_moves_off_a_sunday(self, office: Office) -> None:
        grant_id = office.approved(period=CHRISTMAS_PERIOD, proof_due=date(2026, 11, 1))  # Sunday and Allerheiligen

        assert final_due(office, grant_id) == date(2026, 11, 2)

    def test_an_extension_to_a_holiday_ends_on_the_next_working_day(self, office: Office) -> None:
        grant_id = office.approved(period=CHRISTMAS_PERIOD)
        office.app.extend_deadline(
            grant_id, "final", date(2027, 3, 29), "Kassenprüfung im Verein", office.officer, on=date(2026, 12, 1)
        )

        assert final_due(office, grant_id, date(2027, 1, 1)) == date(2027, 3, 30)  # 29.03.2027 is Ostermontag


class TestRecordingThePurposeFulfilled:
    def test_a_day_in_the_future_is_refused_and_nothing_changes(self, office: Office) -> None:
        grant_id = office.approved(period=CHRISTMAS_PERIOD)

        with refused(office.app, InvalidInputError, "invalid_input", r"liegt in der Zukunft", grant_id):
            office.app.record_purpose_fulfilled(grant_id, date(2026, 5, 21), office.member, on=date(2026, 5, 20))
        assert office.app.grant(grant_id).purpose_fulfilled_on is None
        assert final_due(office, grant_id) == date(2026, 12, 28)

    def test_a_day_before_the_period_is_refused(self, office: Office) -> None:
        grant_id = office.approved(period=CHRISTMAS_PERIOD)

        with refused(office.app, InvalidInputError, "invalid_input", r"vor dem Beginn", grant_id):
            office.app.record_purpose_fulfilled(grant_id, date(2026, 2, 28), office.member, on=date(2026, 5, 20))

    def test_the_same_day_twice_is_refused(self, office: Office) -> None:
        grant_id = office.approved(period=CHRISTMAS_PERIOD)
        office.app.record_purpose_fulfilled(grant_id, date(2026, 5, 15), office.member, on=date(2026, 5, 20))

        with refused(office.app, InvalidStateError, "invalid_state", r"bereits vermerkt", grant_id):
            office.app.record_purpose_fulfilled(grant_id, date(2026, 5, 15), office.member, on=date(2026, 5, 21))

    def test_only_the_association_or_an_officer_records_it(self, office: Office) -> None:
        grant_id = office.approved(period=CHRISTMAS_PERIOD)

        with refused(office.app, NotPermittedError, "not_permitted", r"Zweckerfüllung vermerken: nur", grant_id):
            office.app.record_purpose_fulfilled(grant_id, date(2026, 5, 15), office.approver, on=date(2026, 5, 20))

    def test_not_after_the_proof_of_use_was_submitted(self, office: Office) -> None:
        grant_id = office.approved(period=CHRISTMAS_PERIOD)
        office.submit(grant_id, on=date(2026, 7, 1))

        with refused(
            office.app, InvalidStateError, "invalid_state", r"Zweckerfüllung vermerken ist im Stand", grant_id
        ):
            office.app.record_purpose_fulfilled(grant_id, date(2026, 5, 15), office.member, on=date(2026, 7, 2))
