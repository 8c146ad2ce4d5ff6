"""The double-entry journal and balances as of a date or a log position, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from ledger_story import FY2026, FY2027, World

from domain.money import Money
from projections.accounts import CHART
from projections.journal import Journal


def _lines(world: World, **filters: object) -> list[tuple[str, str, int, Money]]:
    with world.projector.db.transaction() as cursor:
        entries = Journal.entries(cursor, **filters)  # type: ignore[arg-type]
    return [(e.event, e.account, e.fiscal_year, e.amount) for e in entries]


def test_every_event_posts_lines_that_sum_to_zero_and_every_year_balances(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        unbalanced = Journal.unbalanced(cursor)
        years = Journal.fiscal_years(cursor)
        trial = [Journal.trial_balance(cursor, year) for year in years]

    assert unbalanced == []
    assert years == [2026, 2027]
    assert [t.total for t in trial] == [Money.zero(), Money.zero()]
    assert [line.name for line in trial[0].lines] == list(CHART.values())
    assert {line.account: line.balance for line in trial[1].lines}["paid"] == Money("2000.00")


def test_each_line_points_at_the_event_that_caused_it(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        entries = Journal.entries(cursor, limit=100000)
    log = {n.id: n for n in world.app.recorder.select_notifications(1, 100000)}

    assert entries
    for entry in entries:
        stored = log[entry.position]
        assert (entry.originator_id, entry.originator_version) == (stored.originator_id, stored.originator_version)
        assert stored.topic.endswith(entry.event)


def test_a_payment_moves_through_requested_payable_and_paid(world: World) -> None:
    story = world.story

    lines = _lines(world, holder_id=story.amiens)

    euro = Money
    assert lines == [
        ("Programme.FundsCommitted", "committed", 2026, euro("7000.00")),
        ("Programme.FundsCommitted", "budget_available", 2026, euro("-7000.00")),
        ("Grant.PaymentRequested", "requested", 2026, euro("3000.10")),
        ("Grant.PaymentRequested", "committed", 2026, euro("-3000.10")),
        ("Grant.PaymentReleased", "payable", 2026, euro("3000.10")),
        ("Grant.PaymentReleased", "requested", 2026, euro("-3000.10")),
        ("Grant.PaymentBooked", "paid", 2026, euro("3000.10")),
        ("Grant.PaymentBooked", "payable", 2026, euro("-3000.10")),
        ("Grant.PaymentRequested", "requested", 2026, euro("1000.00")),
        ("Grant.PaymentRequested", "committed", 2026, euro("-1000.00")),
        ("Grant.PaymentReleased", "payable", 2026, euro("1000.00")),
        ("Grant.PaymentReleased", "requested", 2026, euro("-1000.00")),
        ("Grant.PaymentCancelled", "committed", 2026, euro("1000.00")),  # back from payable, where it was
        ("Grant.PaymentCancelled", "payable", 2026, euro("-1000.00")),
        ("Grant.PaymentRequested", "requested", 2026, euro("2000.00")),
        ("Grant.PaymentRequested", "committed", 2026, euro("-2000.00")),
        ("Grant.PaymentReleased", "payable", 2026, euro("2000.00")),
        ("Grant.PaymentReleased", "requested", 2026, euro("-2000.00")),
        # Paid in January: the request leaves 2026 and is charged to 2027.
        ("Grant.PaymentBooked", "committed", 2026, euro("2000.00")),
        ("Grant.PaymentBooked", "payable", 2026, euro("-2000.00")),
        ("Grant.PaymentBooked", "paid", 2027, euro("2000.00")),
        ("Grant.PaymentBooked", "committed", 2027, euro("-2000.00")),
        ("Grant.PaymentReturned", "committed", 2026, euro("200.00")),
        ("Grant.PaymentReturned", "paid", 2026, euro("-200.00")),
    ]


def test_an_amendment_posts_only_the_change_per_year(world: World) -> None:
    lines = _lines(world, holder_id=world.story.leeds)

    assert [line for line in lines if line[0] == "Programme.CommitmentAdjusted"] == [
        ("Programme.CommitmentAdjusted", "budget_available", 2027, Money("500.00")),
        ("Programme.CommitmentAdjusted", "committed", 2027, Money("-500.00")),
    ]


def test_a_commitment_carries_the_business_date_of_the_decision_saved_with_it(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        leeds = [
            (e.event, e.business_date, e.fiscal_year, e.memo)
            for e in Journal.entries(cursor, holder_id=story.leeds)
            if e.account == "committed" and e.event.startswith("Programme.")
        ]
        project = {
            e.business_date for e in Journal.entries(cursor, holder_id=story.schoko) if e.event.startswith("Programme.")
        }

    assert leeds == [
        ("Programme.FundsCommitted", date(2026, 8, 15), 2026, "Mittelbindung IB-2026-0002 (IB-VEREINE 2026)"),
        ("Programme.FundsCommitted", date(2026, 8, 15), 2027, "Mittelbindung IB-2026-0002 (IB-VEREINE 2027)"),
        ("Programme.CommitmentAdjusted", date(2026, 9, 10), 2027, "Änderungsbescheid IB-2026-0002 (IB-VEREINE 2027)"),
    ]
    assert len(project) == 1  # a budget draw has no business date: the day it was recorded


def test_a_project_expenditure_is_charged_to_the_oldest_draw_first(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        entries = Journal.entries(cursor, holder_id=story.schoko)
    paid = [(e.programme_id, e.amount) for e in entries if e.account == "paid" and e.event.endswith("Recorded")]

    assert paid == [
        (story.vereinsarbeit, Money("1500.00")),
        (story.vereinsarbeit, Money("500.00")),  # the rest of the city's 2,000 €
        (story.skew, Money("310.37")),  # the rest of the cedi receipt
        (story.skew, Money("100.00")),  # the flyer, later reversed: the city's draw was used up
    ]


def test_balances_as_of_a_business_date(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        before_return = Journal.programme_balance(cursor, story.vereinsarbeit, 2026, as_of_date=date(2026, 6, 29))
        after_return = Journal.programme_balance(cursor, story.vereinsarbeit, 2026, as_of_date=date(2026, 6, 30))
        year_end = Journal.grant_balance(cursor, story.amiens, as_of_date=date(2026, 12, 31))
        january = Journal.grant_balance(cursor, story.amiens, as_of_date=date(2027, 1, 4))

    # Amiens' first payment, Schytomyr's 3,000 and the project's spending to April (1,500 + 500) before the
    # 200 € came back.
    assert before_return.paid == Money("8000.10")
    assert after_return.paid == Money("7800.10")
    assert (year_end.committed, year_end.requested, year_end.payable, year_end.paid) == (
        Money("7000.00"),
        Money("2000.00"),
        Money("2000.00"),
        Money("2800.10"),
    )
    assert (january.requested, january.paid) == (Money.zero(), Money("4800.10"))


def test_final_amount_claim_repayment_and_write_off_move_the_money_on(world: World) -> None:
    story = world.story

    lines = [line for line in _lines(world, holder_id=story.schytomyr) if not line[0].startswith("Grant.Payment")]
    with world.projector.db.transaction() as cursor:
        balance = Journal.grant_balance(cursor, story.schytomyr)
        before_write_off = Journal.grant_balance(cursor, story.schytomyr, as_of_date=date(2027, 1, 14))

    assert lines == [
        ("Programme.FundsCommitted", "committed", 2026, Money("3000.00")),
        ("Programme.FundsCommitted", "budget_available", 2026, Money("-3000.00")),
        ("Grant.FinalAmountDetermined", "recognised", 2026, Money("2200.00")),
        ("Grant.FinalAmountDetermined", "paid", 2026, Money("-2200.00")),
        ("Claim.ClaimSet", "receivable", 2026, Money("800.00")),
        ("Claim.ClaimSet", "paid", 2026, Money("-800.00")),
        ("Claim.RepaymentReceived", "repaid", 2026, Money("497.19")),
        ("Claim.RepaymentReceived", "receivable", 2026, Money("-497.19")),
        ("Claim.RepaymentReceived", "interest_received", 2026, Money("2.81")),
        ("Claim.RepaymentReceived", "interest_income", 2026, Money("-2.81")),
        ("Claim.ClaimRelieved", "written_off", 2027, Money("302.81")),
        ("Claim.ClaimRelieved", "receivable", 2027, Money("-302.81")),
        # Closing releases what the grant did not cost back to the 2026 budget.
        ("Programme.CommitmentAdjusted", "budget_available", 2026, Money("800.00")),
        ("Programme.CommitmentAdjusted", "committed", 2026, Money("-800.00")),
    ]
    assert (
        balance.committed,
        balance.paid,
        balance.recognised,
        balance.claimed,
        balance.open_claims,
        balance.repaid,
        balance.written_off,
        balance.interest,
    ) == (
        Money("2200.00"),
        Money("3000.00"),
        Money("2200.00"),
        Money("800.00"),
        Money.zero(),
        Money("497.19"),
        Money("302.81"),
        Money("2.81"),
    )
    assert (before_write_off.open_claims, before_write_off.committed) == (Money("302.81"), Money("3000.00"))


def test_balances_as_of_a_log_position(world: World) -> None:
    story = world.story
    with world.projector.db.transaction() as cursor:
        booking = max(e.position for e in Journal.entries(cursor, holder_id=story.amiens) if e.fiscal_year == 2027)

        before = Journal.grant_balance(cursor, story.amiens, as_of_position=booking - 1)
        at = Journal.grant_balance(cursor, story.amiens, as_of_position=booking)

    assert (before.paid, before.payable) == (Money("3000.10"), Money("2000.00"))
    assert (at.paid, at.payable) == (Money("5000.10"), Money.zero())


def test_journal_balances_agree_with_the_aggregates(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        years = {
            (programme_id, year.year): Journal.programme_balance(cursor, programme_id, year.year)
            for programme_id in (story.vereinsarbeit, story.skew)
            for year in (FY2026, FY2027)
        }
        grants = {g: Journal.grant_balance(cursor, g) for g in (story.amiens, story.leeds, story.kumasi, story.buffalo)}

    for (programme_id, year), balance in years.items():
        programme = world.app.programme(programme_id)
        fiscal_year = FY2026 if year == 2026 else FY2027
        assert (balance.budget, balance.committed, balance.available) == (
            programme.budget(fiscal_year),
            programme.committed(fiscal_year),
            programme.available(fiscal_year),
        )
    for grant_id, balance in grants.items():
        grant = world.app.grant(grant_id)
        assert (balance.committed, balance.paid) == (grant.approved_amount, grant.paid)
        assert balance.requested == grant.committed_payments - grant.paid
