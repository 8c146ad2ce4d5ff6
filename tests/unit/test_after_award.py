"""After the award: spending, deadlines, proofs of use, the final amount, claims, revocation, closure.

Each test runs the real office in memory. The grant is the reference example: 10.000 € costs, a
7.000 € grant (share financing at 70 % unless said otherwise), funding period 01.03.–31.10.2026, in
the programme "Internationale Vereinsarbeit" with 20.000 € for 2026. Every refusal checks the error
(class, code, message) and that nothing was recorded: neither anywhere in the store nor on the
aggregates involved.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.actors import Role
from domain.dates import FundingPeriod
from domain.errors import (
    FourEyesError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    PaymentRefusedError,
    RuleViolationError,
)
from domain.foreign import ForeignAmount
from domain.money import Money

from .after_award_builders import (
    AS_PLANNED,
    TODAY,
    Office,
    build_office,
    euros,
    event_names,
    last_event,
    reference_plan,
    refused,
)

SCENARIO_A = {"travel": "3600.00", "stay": "2700.00", "fees": "1800.00", "pr": "900.00"}
CROSSING = FundingPeriod(date(2026, 9, 1), date(2027, 3, 31))


@pytest.fixture
def office() -> Iterator[Office]:
    world = build_office()
    yield world
    world.app.close()


# Spending ----------------------------------------------------------------------------------------


def test_expenses_in_euro_and_foreign_currency_add_up_per_line(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.spend(grant_id, {"travel": "3600.00", "pr": "800.00"})
    flyer = ForeignAmount.convert("GHS", "100", "16.5", date(2026, 6, 1))  # 6,0606… → 6,06 €
    with office.clock.at_least(date(2026, 6, 2)):
        app.report_expense(
            grant_id, "pr", date(2026, 6, 2), "Printing Press Kumasi", "Flyer", flyer, "B-GH-1", office.member
        )

    assert app.grant(grant_id).spent_per_line() == euros(travel="3600.00", stay="0.00", fees="0.00", pr="806.06")
    reported = last_event(app, grant_id, "ExpenseReported")
    assert reported.euro == Money("6.06")
    assert (reported.foreign.currency, reported.foreign.original, reported.foreign.rate) == (
        "GHS",
        Decimal("100"),
        Decimal("16.5"),
    )
    assert reported.foreign.rate_date == date(2026, 6, 1)


def test_a_line_may_reach_its_plan_plus_twenty_percent(office: Office) -> None:
    grant_id = office.approved()
    office.spend(grant_id, {"pr": "1000.00"})
    office.spend(grant_id, {"pr": "200.00"})  # 1.200 = 1.000 × 1,2: exactly at the tolerance
    assert office.app.grant(grant_id).spent_per_line()["pr"] == Money("1200.00")


def test_a_line_over_the_tolerance_is_refused_naming_the_line_and_the_amounts(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.spend(grant_id, {"pr": "900.00"})
    with refused(
        app,
        RuleViolationError,
        "rule_violation",
        r"Kostenposition »Druck und Dokumentation«: mit dieser Ausgabe wären 1\.300,00 € ausgegeben, "
        r"geplant sind 1\.000,00 €; zulässig sind höchstens 1\.200,00 € \(\+20 %\)\. "
        r"Darüber hinaus braucht es einen Änderungsbescheid\.",
        grant_id,
    ):
        office.spend(grant_id, {"pr": "400.00"})
    with refused(app, RuleViolationError, "rule_violation", r"wären 1\.200,01 € ausgegeben", grant_id):
        office.spend(grant_id, {"pr": "300.01"})


def test_a_foreign_receipt_over_the_tolerance_is_refused_with_its_euro_amount(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.spend(grant_id, {"pr": "1150.00"})
    receipt = ForeignAmount.convert("GHS", "1000", "16.5", date(2026, 6, 1))  # 60,61 €
    with (
        refused(
            app,
            RuleViolationError,
            "rule_violation",
            r"»Druck und Dokumentation«: mit dieser Ausgabe wären "
            r"1\.210,61 € ausgegeben",
            grant_id,
        ),
        office.clock.at_least(date(2026, 6, 2)),
    ):
        app.report_expense(
            grant_id, "pr", date(2026, 6, 2), "Printing Press", "Flyer", receipt, "B-GH-2", office.officer
        )


def test_a_reversal_with_a_reason_frees_the_line(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    [wrong] = office.spend(grant_id, {"pr": "1200.00"})
    with refused(app, InvalidInputError, "invalid_input", r"Die Begründung fehlt\.", grant_id):
        app.reverse_expense(grant_id, wrong, "  ", office.officer)
    app.reverse_expense(grant_id, wrong, "Rechnung doppelt erfasst", office.officer)
    assert app.grant(grant_id).spent_per_line()["pr"] == Money.zero()
    assert last_event(app, grant_id, "ExpenseReversed").euro == Money("1200.00")
    office.spend(grant_id, {"pr": "1100.00"})
    with refused(app, InvalidStateError, "invalid_state", r"Diese Ausgabe ist bereits storniert\.", grant_id):
        app.reverse_expense(grant_id, wrong, "noch einmal", office.officer)


@pytest.mark.parametrize(
    ("paid_on", "shown"),
    [
        pytest.param(date(2026, 2, 28), "28.02.2026", id="day-before-the-period"),
        pytest.param(date(2026, 11, 1), "01.11.2026", id="day-after-the-period"),
    ],
)
def test_an_expense_outside_the_funding_period_is_refused(office: Office, paid_on: date, shown: str) -> None:
    grant_id = office.approved()
    with refused(
        office.app,
        RuleViolationError,
        "rule_violation",
        rf"Ausgaben vom {shown} liegen außerhalb des Förderzeitraums und sind nicht zuwendungsfähig\.",
        grant_id,
    ):
        office.spend(grant_id, {"travel": "100.00"}, paid_on=paid_on)


@pytest.mark.parametrize("paid_on", [date(2026, 3, 1), date(2026, 10, 31)], ids=["first-day", "last-day"])
def test_expenses_on_the_first_and_last_day_of_the_period_count(office: Office, paid_on: date) -> None:
    grant_id = office.approved()
    office.spend(grant_id, {"travel": "100.00"}, paid_on=paid_on)
    assert office.app.grant(grant_id).spent_per_line()["travel"] == Money("100.00")


def test_no_expense_is_reported_or_reversed_after_the_proof_of_use(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    [expense] = office.spend(grant_id, {"travel": "3600.00"})
    office.submit(grant_id)
    with refused(
        app,
        InvalidStateError,
        "invalid_state",
        r"Ausgaben können nur zu einer bewilligten Zuwendung vor dem Verwendungsnachweis gemeldet werden "
        r"\(Stand »Verwendungsnachweis eingereicht«\)\.",
        grant_id,
    ):
        office.spend(grant_id, {"stay": "100.00"})
    with refused(
        app,
        InvalidStateError,
        "invalid_state",
        r"Nach dem Verwendungsnachweis werden Ausgaben nicht mehr geändert\.",
        grant_id,
    ):
        app.reverse_expense(grant_id, expense, "falsch gebucht", office.officer)


def test_an_amendment_that_moved_money_between_lines_lets_a_line_exceed_its_old_plan(office: Office) -> None:
    """Printing 1.000 → 1.500, travel 4.000 → 3.500: printing may now reach 1.800 (old ceiling 1.200),
    travel only 4.200 (old ceiling 4.800). The grant stays 7.000 €."""
    app = office.app
    grant_id = office.approved()
    with refused(
        app, RuleViolationError, "rule_violation", r"wären 1\.300,00 € ausgegeben, geplant sind 1\.000,00 €", grant_id
    ):
        office.spend(grant_id, {"pr": "1300.00"})

    app.propose_amendment(
        grant_id,
        Money("7000.00"),
        "Mehr Dokumentation, kürzere Anreise",
        office.officer,
        plan=reference_plan(travel="3500.00", pr="1500.00"),
    )
    app.approve_amendment(grant_id, office.approver)

    office.spend(grant_id, {"pr": "1300.00"})
    office.spend(grant_id, {"pr": "500.00"})  # 1.800 = 1.500 × 1,2
    assert app.grant(grant_id).spent_per_line()["pr"] == Money("1800.00")
    with refused(
        app,
        RuleViolationError,
        "rule_violation",
        r"»Druck und Dokumentation«: mit dieser Ausgabe wären 1\.800,01 € ausgegeben, geplant sind "
        r"1\.500,00 €; zulässig sind höchstens 1\.800,00 €",
        grant_id,
    ):
        office.spend(grant_id, {"pr": "0.01"})
    with refused(
        app,
        RuleViolationError,
        "rule_violation",
        r"»Busreise Dortmund–Amiens«: mit dieser Ausgabe wären 4\.300,00 € ausgegeben, geplant sind "
        r"3\.500,00 €; zulässig sind höchstens 4\.200,00 €",
        grant_id,
    ):
        office.spend(grant_id, {"travel": "4300.00"})


def test_the_final_amount_uses_the_amended_plan(office: Office) -> None:
    """After the amendment printing 1.800 is within its line: 3.500 + 3.000 + 2.000 + 1.800 = 10.300 €, but
    the amended plan binds as a total of 10.000 €: 0,7 × 10.000 = 7.000."""
    app = office.app
    grant_id = office.approved()
    app.propose_amendment(
        grant_id,
        Money("7000.00"),
        "Mehr Dokumentation",
        office.officer,
        plan=reference_plan(travel="3500.00", pr="1500.00"),
    )
    app.approve_amendment(grant_id, office.approver)
    office.pay(grant_id, "7000.00")
    office.spend(grant_id, {"travel": "3500.00", "stay": "3000.00", "fees": "2000.00", "pr": "1800.00"})
    office.submit(grant_id)
    office.review(grant_id)
    assert office.determine(grant_id) is None
    determined = last_event(app, grant_id, "FinalAmountDetermined")
    assert (determined.eligible_costs, determined.final_amount, determined.capped_lines) == (
        Money("10000.00"),
        Money("7000.00"),
        {},
    )
    assert determined.over_plan_total == Money("300.00")


# Deadlines, reminders, interim proofs ------------------------------------------------------------


def test_a_grant_within_one_year_has_only_the_final_deadline(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    grant = app.grant(grant_id)
    # final proof: six months after 31.10.2026 → 30.04.2027
    assert [(d["key"], d["due"], d["overdue"]) for d in grant.deadlines(date(2027, 4, 30))] == [
        ("final", date(2027, 4, 30), False),
    ]
    assert grant.deadlines(date(2027, 5, 1))[0]["overdue"] is True
    with refused(
        app, NotFoundError, "not_found", r"Die Frist »interim-2026« gibt es bei dieser Zuwendung nicht\.", grant_id
    ):
        app.submit_interim_proof(grant_id, 2026, "Zwischenbericht", office.officer, on=date(2027, 2, 1))


def test_a_grant_crossing_the_year_end_has_an_interim_deadline_that_becomes_overdue(office: Office) -> None:
    grant_id = office.approved(period=CROSSING)
    grant = office.app.grant(grant_id)
    # interim: four months after 31.12.2026 → 30.04.2027; final: six months after 31.03.2027 → 30.09.2027
    due = [(d["key"], d["kind"], d["fiscal_year"], d["due"]) for d in grant.deadlines(date(2027, 1, 1))]
    assert due == [("interim-2026", "interim", 2026, date(2027, 4, 30)), ("final", "final", None, date(2027, 9, 30))]
    overdue = {d["key"]: d["overdue"] for d in grant.deadlines(date(2027, 4, 30))}
    assert overdue == {"interim-2026": False, "final": False}
    overdue = {d["key"]: d["overdue"] for d in grant.deadlines(date(2027, 5, 1))}
    assert overdue == {"interim-2026": True, "final": False}
    overdue = {d["key"]: d["overdue"] for d in grant.deadlines(date(2027, 10, 1))}
    assert overdue == {"interim-2026": True, "final": True}


def test_a_grant_over_three_fiscal_years_has_two_interim_deadlines(office: Office) -> None:
    period = FundingPeriod(date(2026, 9, 1), date(2028, 2, 29))
    grant = office.app.grant(office.approved(period=period))
    assert [(d["key"], d["due"]) for d in grant.deadlines(date(2027, 1, 1))] == [
        ("interim-2026", date(2027, 4, 30)),
        ("interim-2027", date(2028, 5, 2)),  # 30.04.2028 is a Sunday, 01.05. a holiday: § 31 (3) VwVfG NRW
        ("final", date(2028, 8, 29)),
    ]


def test_the_interim_proof_records_the_years_spending_and_receipts(office: Office) -> None:
    app = office.app
    grant_id = office.approved(period=CROSSING, on=date(2026, 9, 1))
    office.pay(grant_id, "3000.00", on=date(2026, 9, 2))
    office.spend(grant_id, {"travel": "2000.00"}, paid_on=date(2026, 10, 1))
    office.spend(grant_id, {"stay": "1000.00"}, paid_on=date(2027, 1, 15))

    with refused(
        app, InvalidInputError, "invalid_input", r"Der Zwischennachweis 2026 folgt erst nach dem Jahresende\.", grant_id
    ):
        app.submit_interim_proof(grant_id, 2026, "Zwischenbericht", office.member, on=date(2026, 12, 31))
    app.submit_interim_proof(grant_id, 2026, "Die erste Begegnung fand statt.", office.member, on=date(2027, 2, 1))

    submitted = last_event(app, grant_id, "InterimProofSubmitted")
    assert (submitted.fiscal_year, submitted.spent, submitted.received) == (2026, Money("2000.00"), Money("3000.00"))
    interim = app.grant(grant_id).deadlines(date(2027, 6, 1))[0]
    assert (interim["done_on"], interim["overdue"]) == (date(2027, 2, 1), False)
    with refused(
        app, InvalidStateError, "invalid_state", r"Der Zwischennachweis 2026 ist bereits eingegangen\.", grant_id
    ):
        app.submit_interim_proof(grant_id, 2026, "noch einmal", office.member, on=date(2027, 2, 2))
    with refused(app, InvalidStateError, "invalid_state", r"Der Nachweis ist bereits eingegangen\.", grant_id):
        app.send_reminder(grant_id, "interim-2026", office.officer, on=date(2027, 5, 2))


def test_a_deadline_is_extended_only_to_a_later_date_and_with_a_reason(office: Office) -> None:
    app = office.app
    grant_id = office.approved(period=CROSSING)
    with refused(
        app, InvalidInputError, "invalid_input", r"Die neue Frist muss nach dem 30\.04\.2027 liegen\.", grant_id
    ):
        app.extend_deadline(grant_id, "interim-2026", date(2027, 4, 30), "Kassenwart erkrankt", office.officer)
    with refused(app, InvalidInputError, "invalid_input", r"Bitte eine Begründung angeben\.", grant_id):
        app.extend_deadline(grant_id, "interim-2026", date(2027, 6, 30), "ok", office.officer)
    with refused(app, InvalidInputError, "invalid_input", r"Die Begründung fehlt\.", grant_id):
        app.extend_deadline(grant_id, "interim-2026", date(2027, 6, 30), "", office.officer)
    with refused(app, NotFoundError, "not_found", r"Die Frist »interim-2027« gibt es", grant_id):
        app.extend_deadline(grant_id, "interim-2027", date(2028, 6, 30), "Kassenwart erkrankt", office.officer)

    app.extend_deadline(
        grant_id, "interim-2026", date(2027, 6, 30), "Kassenwart erkrankt", office.officer, on=date(2027, 4, 20)
    )

    extended = last_event(app, grant_id, "DeadlineExtended")
    assert (extended.key, extended.previous, extended.new_due, extended.reason) == (
        "interim-2026",
        date(2027, 4, 30),
        date(2027, 6, 30),
        "Kassenwart erkrankt",
    )
    interim = app.grant(grant_id).deadlines(date(2027, 6, 30))[0]
    assert (interim["due"], interim["overdue"]) == (date(2027, 6, 30), False)
    assert app.grant(grant_id).deadlines(date(2027, 7, 1))[0]["overdue"] is True


def test_an_extended_final_deadline_moves_the_overdue_day(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    app.extend_deadline(grant_id, "final", date(2027, 6, 30), "Abrechnung des Partners fehlt", office.officer)
    final = app.grant(grant_id).deadlines(date(2027, 6, 1))[0]
    assert (final["due"], final["overdue"]) == (date(2027, 6, 30), False)


def test_no_extension_once_the_proof_is_in(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.submit(grant_id)
    with refused(app, InvalidStateError, "invalid_state", r"Der Nachweis ist bereits eingegangen\.", grant_id):
        app.extend_deadline(grant_id, "final", date(2027, 6, 30), "zu spät", office.officer)


def test_reminders_are_recorded(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    app.send_reminder(grant_id, "final", office.officer, on=date(2027, 5, 3))
    app.send_reminder(grant_id, "final", office.second_officer, on=date(2027, 6, 1))
    reminders = [e for e in app.events.get(grant_id) if type(e).__qualname__.endswith(".ReminderSent")]
    assert [(r.key, r.due, r.on, r.actor_id) for r in reminders] == [
        ("final", date(2027, 4, 30), date(2027, 5, 3), office.officer.user_id),
        ("final", date(2027, 4, 30), date(2027, 6, 1), office.second_officer.user_id),
    ]
    with refused(app, NotPermittedError, "not_permitted", r"Erinnern: nur Sachbearbeitung", grant_id):
        app.send_reminder(grant_id, "final", office.member, on=date(2027, 6, 2))
    office.submit(grant_id, on=date(2027, 6, 10))
    with refused(app, InvalidStateError, "invalid_state", r"Der Nachweis ist bereits eingegangen\.", grant_id):
        app.send_reminder(grant_id, "final", office.officer, on=date(2027, 6, 11))
    final = app.grant(grant_id).deadlines(date(2027, 7, 1))[0]
    assert (final["done_on"], final["overdue"]) == (date(2027, 6, 10), False)


# Proof of use and review -------------------------------------------------------------------------


def test_the_proof_carries_the_actual_costs_and_the_review_what_is_recognised(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.spend(grant_id, SCENARIO_A)
    office.submit(grant_id, own="800.00", third_party="1500.00", income="450.00", actor=office.member)
    submitted = last_event(app, grant_id, "ProofOfUseSubmitted")
    assert submitted.actual_costs == euros(**SCENARIO_A)
    assert (submitted.own_funds, submitted.income, submitted.receipt_count) == (Money("800.00"), Money("450.00"), 4)

    app.review_proof_of_use(
        grant_id,
        euros(pr="600.00"),
        {"pr": "Zwei Rechnungen ohne Projektbezug"},
        "Vertieft geprüft.",
        office.officer,
        on=date(2026, 11, 20),
        income=Money("500.00"),
    )
    reviewed = last_event(app, grant_id, "ProofOfUseReviewed")
    assert reviewed.recognised_costs == euros(**{**SCENARIO_A, "pr": "600.00"})
    assert reviewed.cut_reasons == {"pr": "Zwei Rechnungen ohne Projektbezug"}
    assert (reviewed.own_funds, reviewed.income) == (Money("800.00"), Money("500.00"))


def test_the_proof_is_not_reviewed_by_the_person_who_submitted_it(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.submit(grant_id, actor=office.officer)
    with refused(
        app,
        FourEyesError,
        "four_eyes",
        r"Wer den Nachweis eingereicht hat, darf ihn nicht prüfen \(Vier-Augen-Prinzip\)\.",
        grant_id,
    ):
        office.review(grant_id, actor=office.officer)


@pytest.mark.parametrize(
    ("recognised", "reasons", "error", "code", "match"),
    [
        pytest.param(
            {"pr": "800.00"}, {}, InvalidInputError, "invalid_input", r"Die Begründung fehlt\.", id="cut-without-reason"
        ),
        pytest.param(
            {"pr": "900.01"},
            {},
            RuleViolationError,
            "rule_violation",
            r"Kostenposition »pr«: anerkannt werden können höchstens die nachgewiesenen 900,00 €\.",
            id="more-than-spent",
        ),
        pytest.param(
            {"catering": "10.00"},
            {},
            InvalidInputError,
            "invalid_input",
            r"Unbekannte Kostenposition »catering«\.",
            id="unknown-line",
        ),
    ],
)
def test_a_review_that_breaks_the_rules_is_refused(
    office: Office, recognised: dict[str, str], reasons: dict[str, str], error: type, code: str, match: str
) -> None:
    app = office.app
    grant_id = office.approved()
    office.spend(grant_id, SCENARIO_A)
    office.submit(grant_id)
    with refused(app, error, code, match, grant_id):
        app.review_proof_of_use(grant_id, euros(**recognised), reasons, "geprüft", office.second_officer)


# The final amount through the office ---------------------------------------------------------------


def test_the_final_amount_is_recorded_with_its_inputs_and_raises_the_claim(office: Office) -> None:
    """Reference scenario A under share financing, 7.000 € paid: 0,7 × 9.000 = 6.300; claim 700 €."""
    app = office.app
    grant_id, claim_id = office.determined("share", costs=SCENARIO_A)
    determined = last_event(app, grant_id, "FinalAmountDetermined")
    assert determined.final_amount == Money("6300.00")
    assert determined.recognised_costs == euros(**SCENARIO_A)
    assert (determined.own_funds, determined.third_party_funds, determined.income) == (
        Money("1000.00"),
        Money("1500.00"),
        Money("500.00"),
    )
    assert (determined.eligible_costs, determined.paid, determined.claim_amount, determined.not_pursued) == (
        Money("9000.00"),
        Money("7000.00"),
        Money("700.00"),
        Money.zero(),
    )
    assert determined.explanation == (
        "Anteilfinanzierung: 70.0% von (9.000,00 € − Mehreinnahmen 0,00 €); höchstens 7.000,00 € → 6.300,00 €"
    )
    assert claim_id is not None and determined.claim_id == claim_id
    claim = app.claim(claim_id)
    assert (claim.principal, claim.arose_on, claim.cause, claim.grant_id) == (
        Money("700.00"),
        date(2026, 12, 1),
        "final_amount",
        grant_id,
    )
    grant = app.grant(grant_id)
    assert (grant.status, grant.final_amount, grant.claim_ids) == (
        "final_amount_determined",
        Money("6300.00"),
        [claim_id],
    )


@pytest.mark.parametrize(
    ("financing_type", "final", "claim"),
    [
        pytest.param("share", "6300.00", "700.00", id="share-6300"),
        pytest.param("deficit", "6000.00", "1000.00", id="deficit-6000"),
        pytest.param("fixed", "7000.00", None, id="fixed-7000"),
    ],
)
def test_reference_scenario_a_through_the_office(
    office: Office, financing_type: str, final: str, claim: str | None
) -> None:
    app = office.app
    grant_id, claim_id = office.determined(financing_type, costs=SCENARIO_A)
    assert app.grant(grant_id).final_amount == Money(final)
    assert (app.claim(claim_id).principal if claim_id else None) == (Money(claim) if claim else None)


def test_an_overpayment_below_the_small_amount_limit_is_left(office: Office) -> None:
    """Travel 14,27 € under plan: 0,7 × 9.985,73 = 6.990,011 → 6.990,01; 9,99 € overpaid, below the 10 € of
    § 23 (2) KomHVO NRW (the setting's default), so it is left."""
    app = office.app
    grant_id, claim_id = office.determined("share", costs={**AS_PLANNED, "travel": "3985.73"})
    determined = last_event(app, grant_id, "FinalAmountDetermined")
    assert claim_id is None
    assert (determined.final_amount, determined.claim_amount, determined.not_pursued, determined.claim_id) == (
        Money("6990.01"),
        Money.zero(),
        Money("9.99"),
        None,
    )
    app.close_grant(grant_id, office.officer)
    assert app.grant(grant_id).status == "closed"


def test_an_overpayment_at_or_above_the_limit_is_claimed_even_below_the_rule_sets_threshold(office: Office) -> None:
    """Travel 28,58 € under plan: 0,7 × 9.971,42 = 6.979,994 → 6.979,99; 20,01 € overpaid. The rule set
    still names 50 €, but nothing at or above the city's 10 € is dropped without a decision."""
    app = office.app
    grant_id, claim_id = office.determined("share", costs={**AS_PLANNED, "travel": "3971.42"})
    determined = last_event(app, grant_id, "FinalAmountDetermined")
    assert claim_id is not None
    assert (determined.claim_amount, determined.not_pursued) == (Money("20.01"), Money.zero())
    assert app.claim(claim_id).principal == Money("20.01")


def test_what_is_still_to_be_paid_can_be_drawn_after_the_final_amount(office: Office) -> None:
    """5.000 € paid, final 6.300 €: 1.300 € may still be drawn, and not a cent more."""
    app = office.app
    grant_id, claim_id = office.determined("share", paid="5000.00", costs=SCENARIO_A)
    assert claim_id is None
    with refused(
        app,
        PaymentRefusedError,
        "payment_refused",
        r"Abgerufen werden sollen 1\.300,01 €, offen sind nur noch 1\.300,00 € von 6\.300,00 €\.",
        grant_id,
    ):
        office.requested(grant_id, "1300.01", on=date(2026, 12, 2))
    office.pay(grant_id, "1300.00", on=date(2026, 12, 2))
    assert app.grant(grant_id).paid == Money("6300.00")


def test_the_final_amount_is_not_determined_by_the_reviewer_or_the_submitter(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.spend(grant_id, SCENARIO_A)
    office.submit(grant_id, actor=office.officer)
    office.review(grant_id, actor=office.second_officer)
    for person in (office.second_officer, office.officer):
        as_approver = office.also_as(person, Role.APPROVER)
        with refused(
            app,
            FourEyesError,
            "four_eyes",
            r"Wer den Nachweis eingereicht oder geprüft hat, setzt nicht selbst fest \(Vier-Augen-Prinzip\)\.",
            grant_id,
        ):
            office.determine(grant_id, actor=as_approver)


def test_the_final_amount_waits_for_payments_in_flight(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.pay(grant_id, "3000.00")
    office.requested(grant_id, "1000.00", on=date(2026, 6, 1))
    office.spend(grant_id, SCENARIO_A)
    office.submit(grant_id)
    office.review(grant_id)
    with refused(
        app,
        InvalidStateError,
        "invalid_state",
        r"Zuerst müssen laufende Abrufe ausgezahlt oder storniert werden\.",
        grant_id,
    ):
        office.determine(grant_id)


# Claims: relief with four eyes ---------------------------------------------------------------------


@pytest.fixture
def claim(office: Office) -> UUID:
    """The 700 € claim of reference scenario A (share), arising 01.12.2026."""
    _, claim_id = office.determined("share", costs=SCENARIO_A)
    assert claim_id is not None
    return claim_id


@pytest.mark.parametrize(
    ("kind", "until"),
    [
        pytest.param("waiver", None, id="waiver"),
        pytest.param("write_off", None, id="write-off"),
        pytest.param("deferral", date(2027, 6, 30), id="deferral"),
    ],
)
def test_relief_is_not_decided_by_the_person_who_proposed_it(
    office: Office, claim: UUID, kind: str, until: date | None
) -> None:
    app = office.app
    # finance may both propose and decide, but never on its own proposal
    app.propose_claim_relief(claim, kind, "Verein aufgelöst, kein Vermögen", office.finance, until=until)
    with refused(
        app,
        FourEyesError,
        "four_eyes",
        r"Über den eigenen Vorschlag darf niemand selbst entscheiden \(Vier-Augen-Prinzip\)\.",
        claim,
    ):
        app.decide_claim_relief(claim, True, "einverstanden", office.finance, on=date(2027, 1, 10))
    app.decide_claim_relief(claim, False, "erst Vollstreckung versuchen", office.second_finance)
    # nor may an officer who proposed it decide it in a second role as approver
    app.propose_claim_relief(claim, kind, "Verein aufgelöst, kein Vermögen", office.officer, until=until)
    as_approver = office.also_as(office.officer, Role.APPROVER)
    with refused(app, FourEyesError, "four_eyes", r"Über den eigenen Vorschlag", claim):
        app.decide_claim_relief(claim, True, "einverstanden", as_approver, on=date(2027, 1, 10))
    assert app.claim(claim).status == "open"


@pytest.mark.parametrize("kind", ["waiver"])
def test_a_waiver_by_two_people_settles_principal_and_interest(office: Office, claim: UUID, kind: str) -> None:
    """700 € from 01.12.2026 to 10.01.2027: 31 days in 2026 and 9 in 2027, all at 1,27 + 3 = 4,27 %
    (VwVfG NRW): 700 × 4,27 × 40 / 36.500 = 3,275616… → 3,28 € interest relieved with the principal."""
    app = office.app
    app.propose_claim_relief(claim, kind, "Verein aufgelöst, kein Vermögen", office.officer)
    app.decide_claim_relief(claim, True, "Beitreibung aussichtslos", office.approver, on=date(2027, 1, 10))
    relieved = last_event(app, claim, "ClaimRelieved")
    assert (relieved.kind, relieved.principal, relieved.interest, relieved.on) == (
        kind,
        Money("700.00"),
        Money("3.28"),
        date(2027, 1, 10),
    )
    assert relieved.actor_id == office.approver.user_id
    settled = app.claim(claim)
    assert (settled.status, settled.outstanding, settled.amount_due(date(2027, 6, 1), app.base_rates())) == (
        "settled",
        Money.zero(),
        Money.zero(),
    )


def test_a_deferral_records_its_date_and_keeps_the_claim_open(office: Office, claim: UUID) -> None:
    app = office.app
    with refused(app, InvalidInputError, "invalid_input", r"Eine Stundung braucht ein Datum in der Zukunft\.", claim):
        app.propose_claim_relief(claim, "deferral", "Liquiditätsengpass", office.officer, until=date(2026, 12, 1))
    app.propose_claim_relief(
        claim, "deferral", "Liquiditätsengpass bis zur Förderung 2027", office.officer, until=date(2027, 6, 30)
    )
    with refused(app, InvalidStateError, "invalid_state", r"Es liegt bereits ein offener Vorschlag vor\.", claim):
        app.propose_claim_relief(claim, "waiver", "doch lieber erlassen", office.finance)
    app.decide_claim_relief(claim, True, "Ratenplan liegt vor", office.approver)
    deferred = app.claim(claim)
    assert (deferred.status, deferred.deferred_until, deferred.pending_relief) == ("open", date(2027, 6, 30), None)
    assert event_names(app, claim)[-2:] == ["ReliefProposed", "ClaimDeferred"]


def test_no_relief_on_a_settled_claim(office: Office, claim: UUID) -> None:
    app = office.app
    app.propose_claim_relief(claim, "waiver", "Verein aufgelöst", office.officer)
    office.repay(claim, Money("700.00"), date(2026, 12, 1))  # paid the same day
    assert app.claim(claim).status == "settled"
    with refused(app, InvalidStateError, "invalid_state", r"Die Rückforderung ist bereits erledigt\.", claim):
        app.decide_claim_relief(claim, True, "einverstanden", office.approver)
    with refused(app, InvalidStateError, "invalid_state", r"Die Rückforderung ist bereits erledigt\.", claim):
        app.propose_claim_relief(claim, "write_off", "uneinbringlich", office.finance)


def test_a_refused_relief_decision_records_nothing_even_on_a_fresh_office(office: Office, claim: UUID) -> None:
    """Nothing in this office has read the base rates yet: the refusal must not record the table."""
    app = office.app
    app.propose_claim_relief(claim, "waiver", "Verein aufgelöst", office.finance)
    with refused(app, FourEyesError, "four_eyes", r"Über den eigenen Vorschlag", claim):
        app.decide_claim_relief(claim, True, "einverstanden", office.finance)
    with refused(app, PaymentRefusedError, "payment_refused", r"Am 01\.12\.2026 sind nur 700,00 € offen", claim):
        office.repay(claim, Money("700.01"), date(2026, 12, 1))


# Revocation --------------------------------------------------------------------------------------


def test_revoking_a_partly_paid_grant_raises_a_claim_from_the_effective_date(office: Office) -> None:
    """7.000 € granted, 3.000 € paid; reduced to 1.000 € from 15.05.2026: 2.000 € come back with
    interest from that day. To 14.06.2026, 30 days at 1,27 + 3 = 4,27 %:
    2.000 × 4,27 × 30 / 36.500 = 7,019178… → 7,02 €."""
    app = office.app
    grant_id = office.approved()
    office.pay(grant_id, "3000.00")
    claim_id = office.revoke(
        grant_id, "1000.00", date(2026, 5, 15), "Zweck nur teilweise erreicht", on=date(2026, 6, 1)
    )
    assert claim_id is not None
    claim = app.claim(claim_id)
    assert (claim.principal, claim.arose_on, claim.cause) == (Money("2000.00"), date(2026, 5, 15), "revocation")
    assert claim.interest_due(date(2026, 6, 14), app.base_rates()) == Money("7.02")
    revoked = last_event(app, grant_id, "GrantRevoked")
    assert (revoked.previous_amount, revoked.remaining_amount, revoked.paid, revoked.claim_amount) == (
        Money("7000.00"),
        Money("1000.00"),
        Money("3000.00"),
        Money("2000.00"),
    )
    grant = app.grant(grant_id)
    assert (grant.status, grant.final_amount, grant.claim_ids) == ("revoked", Money("1000.00"), [claim_id])


def test_revoking_an_unpaid_grant_raises_no_claim(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    assert office.revoke(grant_id, Money.zero(), date(2026, 5, 15), "Verein aufgelöst") is None
    assert app.grant(grant_id).claim_ids == []


def test_revoking_after_the_final_amount_claims_only_what_was_not_claimed_yet(office: Office) -> None:
    """Final 6.300 € with 700 € already claimed; revoked to 0 from 01.02.2027: another 6.300 € claim."""
    app = office.app
    grant_id, first = office.determined("share", costs=SCENARIO_A)
    second = office.revoke(
        grant_id, Money.zero(), date(2027, 2, 1), "Zweckverfehlung festgestellt", on=date(2027, 2, 10)
    )
    assert second is not None and first is not None
    assert app.claim(second).principal == Money("6300.00")
    assert app.grant(grant_id).claim_ids == [first, second]


@pytest.mark.parametrize(
    ("remaining", "shown"),
    [pytest.param("7000.00", "7.000,00 €", id="same-amount"), pytest.param("7500.00", "7.000,00 €", id="more")],
)
def test_a_revocation_that_does_not_reduce_is_refused(office: Office, remaining: str, shown: str) -> None:
    app = office.app
    grant_id = office.approved()
    office.pay(grant_id, "3000.00")
    with refused(
        app, InvalidInputError, "invalid_input", rf"Ein Widerruf muss den Betrag von {shown} mindern\.", grant_id
    ):
        office.revoke(grant_id, remaining, date(2026, 5, 15))


def test_a_revocation_that_does_not_reduce_the_final_amount_is_refused(office: Office) -> None:
    app = office.app
    grant_id, _ = office.determined("share", costs=SCENARIO_A)
    with refused(
        app, InvalidInputError, "invalid_input", r"Ein Widerruf muss den Betrag von 6\.300,00 € mindern\.", grant_id
    ):
        office.revoke(grant_id, "6300.00", date(2027, 1, 5))


@pytest.mark.parametrize("stage", ["requested", "certified", "released"])
def test_a_revocation_with_payments_in_flight_is_refused(office: Office, stage: str) -> None:
    app = office.app
    grant_id = office.approved()
    office.pay(grant_id, "3000.00")
    payment = office.requested(grant_id, "1000.00", on=date(2026, 6, 1))
    if stage in ("certified", "released"):
        app.certify_payment(grant_id, payment, office.officer)
    if stage == "released":
        app.release_payment(grant_id, payment, office.finance)
    with refused(
        app,
        InvalidStateError,
        "invalid_state",
        r"Zuerst müssen laufende Abrufe ausgezahlt oder storniert werden\.",
        grant_id,
    ):
        office.revoke(grant_id, "1000.00", date(2026, 5, 15))


def test_a_revocation_needs_a_reason_and_an_approver(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    with refused(app, InvalidInputError, "invalid_input", r"Die Begründung fehlt\.", grant_id):
        office.revoke(grant_id, Money.zero(), date(2026, 5, 15), " ")
    app.propose_revocation(grant_id, Money.zero(), date(2026, 5, 15), TODAY, TODAY, "Zweck verfehlt", office.officer)
    with refused(
        app, NotPermittedError, "not_permitted", r"Über den Widerruf entscheiden: nur Zeichnungsbefugte", grant_id
    ):
        app.decide_revocation(grant_id, True, "Zweck verfehlt", office.second_officer)


# Closure -----------------------------------------------------------------------------------------


def test_closure_returns_the_unspent_commitment_to_the_programme(office: Office) -> None:
    app = office.app
    assert (office.committed(), office.available()) == (Money.zero(), Money("20000.00"))
    grant_id, claim_id = office.determined("share", costs=SCENARIO_A)
    assert claim_id is not None
    assert (office.committed(), office.available()) == (Money("7000.00"), Money("13000.00"))

    office.repay(claim_id, Money("700.00"), date(2026, 12, 1))
    app.close_grant(grant_id, office.officer, on=date(2026, 12, 10))

    assert (office.committed(), office.available()) == (Money("6300.00"), Money("13700.00"))
    closed = last_event(app, grant_id, "GrantClosed")
    assert (closed.final_amount, closed.paid, closed.released) == (Money("6300.00"), Money("7000.00"), Money("700.00"))
    assert app.grant(grant_id).status == "closed"


def test_closure_after_full_payment_of_the_final_amount_keeps_it_committed(office: Office) -> None:
    app = office.app
    grant_id, _ = office.determined("share", paid="5000.00", costs=SCENARIO_A)
    office.pay(grant_id, "1300.00", on=date(2026, 12, 2))
    app.close_grant(grant_id, office.officer, on=date(2026, 12, 10))
    assert (office.committed(), office.available()) == (Money("6300.00"), Money("13700.00"))


def test_closure_of_a_revoked_unpaid_grant_releases_everything(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    office.revoke(grant_id, Money.zero(), date(2026, 5, 15), "Begegnung abgesagt")
    app.close_grant(grant_id, office.approver)
    assert (office.committed(), office.available()) == (Money.zero(), Money("20000.00"))


def test_closing_with_an_open_claim_is_refused_until_it_is_repaid(office: Office) -> None:
    """The 700 € claim from 01.12.2026 repaid on 15.01.2027: 45 days at 1,27 + 3 = 4,27 %:
    700 × 4,27 × 45 / 36.500 = 3,685068… → 3,69 €; 703,69 € settle it."""
    app = office.app
    grant_id, claim_id = office.determined("share", costs=SCENARIO_A)
    assert claim_id is not None
    with refused(
        app,
        InvalidStateError,
        "invalid_state",
        r"Die Zuwendung hat noch offene Rückforderungen\.",
        grant_id,
        office.programme_id,
        claim_id,
    ):
        app.close_grant(grant_id, office.officer)
    office.repay(claim_id, Money("703.69"), date(2027, 1, 15))
    app.close_grant(grant_id, office.officer, on=date(2027, 1, 20))
    assert app.grant(grant_id).status == "closed"


def test_closing_with_a_payment_in_flight_is_refused(office: Office) -> None:
    app = office.app
    grant_id, _ = office.determined("share", paid="5000.00", costs=SCENARIO_A)
    office.requested(grant_id, "1300.00", on=date(2026, 12, 2))
    with refused(app, InvalidStateError, "invalid_state", r"Es laufen noch Abrufe\.", grant_id, office.programme_id):
        app.close_grant(grant_id, office.officer)


def test_closing_before_the_final_amount_is_refused(office: Office) -> None:
    app = office.app
    grant_id = office.approved()
    with refused(
        app,
        InvalidStateError,
        "invalid_state",
        r"Abschließen ist im Stand »Bewilligt« nicht möglich\.",
        grant_id,
        office.programme_id,
    ):
        app.close_grant(grant_id, office.officer)


def test_no_payment_request_after_closure(office: Office) -> None:
    app = office.app
    grant_id, _ = office.determined("share", paid="5000.00", costs=SCENARIO_A)
    app.close_grant(grant_id, office.officer, on=date(2026, 12, 10))
    with refused(
        app,
        PaymentRefusedError,
        "payment_refused",
        r"Die Zuwendung ist abgeschlossen; es wird nichts mehr ausgezahlt\.",
        grant_id,
        office.programme_id,
    ):
        office.requested(grant_id, "100.00", on=date(2026, 12, 11))


def test_a_grant_followed_from_application_to_closure(office: Office) -> None:
    """The whole path with a foreign receipt, a cut in review, a claim with interest and closure.

    Spent: travel 3.600, stay 2.700, fees 1.800, printing 900 + 100 GHS at 16,5 (6,06 €) = 906,06.
    The reviewer recognises printing at 900 (the cedi receipt is not proven): 9.000 € → 0,7 × 9.000 =
    6.300 €; 700 € claimed from 01.12.2026 and repaid with 5,41 € interest on 15.01.2027."""
    app = office.app
    grant_id = office.approved()
    office.pay(grant_id, "4000.00", on=date(2026, 3, 2))
    office.pay(grant_id, "3000.00", on=date(2026, 5, 2))
    office.spend(grant_id, SCENARIO_A)
    with office.clock.at_least(date(2026, 6, 2)):
        app.report_expense(
            grant_id,
            "pr",
            date(2026, 6, 2),
            "Druckerei Kumasi",
            "Flyer",
            ForeignAmount.convert("GHS", "100", "16.5", date(2026, 6, 1)),
            "B-GH",
            office.member,
        )
    office.submit(grant_id, actor=office.member)
    app.review_proof_of_use(
        grant_id,
        euros(pr="900.00"),
        {"pr": "Beleg in Cedi nicht nachgewiesen"},
        "geprüft",
        office.officer,
        on=date(2026, 11, 20),
    )
    claim_id = office.determine(grant_id)
    assert claim_id is not None
    assert app.grant(grant_id).final_amount == Money("6300.00")
    due = app.claim(claim_id).amount_due(date(2027, 1, 15), app.base_rates())
    assert due == Money("703.69")
    office.repay(claim_id, due, date(2027, 1, 15))
    app.close_grant(grant_id, office.officer, on=date(2027, 1, 20))
    grant = app.grant(grant_id)
    assert (grant.status, grant.paid, grant.final_amount) == ("closed", Money("7000.00"), Money("6300.00"))
    assert office.committed() == Money("6300.00")
    assert event_names(app, grant_id)[-4:] == [
        "ProofOfUseSubmitted",
        "ProofOfUseReviewed",
        "FinalAmountDetermined",
        "GrantClosed",
    ]
