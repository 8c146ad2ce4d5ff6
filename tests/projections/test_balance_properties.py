"""Property: for any sequence of commands, the read models' balances are what the events say.

Hypothesis draws sequences of office actions (applications, reviews, approvals over one or two fiscal
years, amendments, payment requests, certification, release, booking across the year end, cancellation,
returns, budget changes, project draws, expenditures and reversals) with arbitrary amounts and
actors. The domain refuses what is not allowed; whatever it records must leave every read model in
agreement with the independent recomputation of ``verify``, with the aggregates themselves, and with
a rebuild from zero, and every fiscal year's trial balance at zero.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from business_clock import booking_day
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_story import ADDRESS, FY2026, FY2027, SHARE, SKEW_POSTING, VEREINSARBEIT_POSTING, dump_read_models, plan

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.errors import DomainError
from domain.grant import APPROVED, DETERMINED, PROOF_REVIEWED, PROOF_SUBMITTED, REVOKED
from domain.money import Money
from domain.rules import RuleSet
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.engine import Projector
from projections.grant_overview import GrantOverview
from projections.journal import Journal
from projections.programme_balances import ProgrammeBalances
from projections.verify import verify
from tests.commitments import commitment_of
from tests.revocations import revoke
from tests.revocations import revoke as revoke_by_two

ACTIONS = (  # "advance" first: Hypothesis leans towards the first choice
    "advance",
    "advance",
    "advance",
    "advance",
    "advance",
    "advance",
    "apply",
    "apply",
    "reject",
    "withdraw",
    "documents",
    "documents_in",
    "request",
    "cancel",
    "return",
    "propose",
    "amend",
    "budget",
    "draw",
    "spend",
    "spend",
    "reverse",
    "expense",
    "expense",
    "after",
    "after",
    "after",
    "repay",
    "relief",
    "revoke",
)
NEXT = {"applied": "review", "reviewed": "approve", "requested": "certify", "certified": "release", "released": "book"}
AFTER = {
    APPROVED: "proof",
    PROOF_SUBMITTED: "review_proof",
    PROOF_REVIEWED: "determine",
    DETERMINED: "close",
    REVOKED: "close",
}
PERIODS = (FundingPeriod(date(2026, 3, 1), date(2026, 10, 31)), FundingPeriod(date(2026, 9, 1), date(2027, 6, 30)))

step = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 50), st.integers(1, 600000), st.integers(0, 120))


class Office:
    """A small office on which drawn steps are played; refusals by the domain are simply skipped."""

    def __init__(self, app: FundingOffice) -> None:
        self.app = app
        system = Actor.system()
        admin_id = app.register_user("admin@x.de", "Admin", Role.ADMIN, system)
        self.admin = app.actor_for(admin_id, Role.ADMIN)

        def person(name: str, role: Role) -> Actor:
            return app.actor_for(app.register_user(f"{name}@x.de", name, role, self.admin), role)

        self.officers = [person("anna", Role.OFFICER), person("ben", Role.OFFICER)]
        self.approver = person("clara", Role.APPROVER)
        self.finance = person("dieter", Role.FINANCE)
        self.cashier = person("erika", Role.CASHIER)
        self.programmes = [
            app.open_programme(
                "IB",
                "Vereine",
                "city",
                RuleSet.nrw_municipal(),
                {FY2026: (Money("30000.00"), VEREINSARBEIT_POSTING), FY2027: (Money("8000.00"), VEREINSARBEIT_POSTING)},
                self.admin,
            ),
            app.open_programme(
                "SKEW",
                "SKEW",
                "federal",
                RuleSet.federal(),
                {FY2026: (Money("15000.00"), SKEW_POSTING), FY2027: (Money("3000.00"), SKEW_POSTING)},
                self.admin,
            ),
        ]
        self.organisation = app.register_organisation(
            "Verein e.V.", "e.V.", "VR 1", ADDRESS, "DE89370400440532013000", self.officers[0]
        )
        self.project = app.start_project(
            "P",
            "Projekt",
            "",
            "Kumasi",
            [4, 12],
            FundingPeriod(date(2026, 1, 1), date(2027, 12, 31)),
            ["a", "b"],
            self.officers[0],
        )
        self.grants: list[UUID] = []
        self.requests: list[tuple[UUID, UUID]] = []
        self.expenditures: list[UUID] = []

    @staticmethod
    def pick(items: list[Any], index: int) -> Any:
        return items[index % len(items)] if items else None

    def grants_in(self, *states: str) -> list[UUID]:
        return [g for g in self.grants if self.app.grant(g).status in states]

    def payments_in(self, *states: str) -> list[tuple[UUID, UUID, dict[str, Any]]]:
        found = []
        for grant_id in self.grants_in("approved"):
            for payment_id, payment in self.app.grant(grant_id).payments.items():
                if payment["status"] in states:
                    found.append((grant_id, UUID(payment_id), payment))
        return found

    def advance(self, i: int) -> str:
        """The next step of some payment's or grant's life: certify, release, book; review, approve, request."""
        open_payments = self.payments_in("requested", "certified", "released")
        if open_payments and i % 4:
            return NEXT[open_payments[i % len(open_payments)][2]["status"]]
        if self.grants_in(PROOF_SUBMITTED, PROOF_REVIEWED, DETERMINED) or (self.payments_in("booked") and i % 3 == 0):
            return "after"
        grant = self.pick(self.grants_in("applied", "reviewed", "approved"), i)
        if grant is None:
            return "apply"
        g = self.app.grant(grant)
        if g.status == "reviewed" and not g.review_passed:
            return "reject"
        return "request" if g.status == "approved" else NEXT[g.status]

    def after(self, i: int) -> tuple[str, UUID | None]:
        """The next step after the award: proof, its review, the final amount, closure."""
        grant = self.pick([g for g in self.grants if self.app.grant(g).status in AFTER], i)
        if grant is None:
            return "apply", None
        g = self.app.grant(grant)
        if g.status == APPROVED and not g.paid and i % 5:
            return "request", None  # mostly, something is paid before the proof
        return AFTER[g.status], grant

    def claims_open(self) -> list[UUID]:
        return [c for g in self.grants for c in self.app.grant(g).claim_ids if self.app.claim(c).status == "open"]

    def play(self, action: str, i: int, cents: int, days: int) -> None:
        """Plays one step on a grant or payment in a state where the action makes sense."""
        if action in ("advance", "advance_after"):
            action = self.advance(i)
        target = None
        if action == "after":
            action, target = self.after(i)
        if target is not None:
            self.after_award(action, target, i, cents)
            return
        if action in ("repay", "relief") and (claim := self.pick(self.claims_open(), i)):
            self.settle(action, claim, i, cents, days)
            return
        if action in ("expense", "revoke") and (grant := self.pick(self.grants_in("approved"), i)):
            terms = self.app.grant(grant).terms
            assert terms is not None
            if action == "expense":
                paid_on = terms.period.start + timedelta(days=days)
                with booking_day(self.app, paid_on):  # reported once it is paid
                    self.app.report_expense(
                        grant,
                        "travel",
                        paid_on,
                        "Lieferant",
                        "Kosten",
                        Money(f"{cents % 400000 // 100 + 1}.{cents % 100:02d}"),
                        f"R-{cents}",
                        self.officers[i % 2],
                    )
            else:
                remaining = Money.rounded(terms.amount.amount * (i % 4) / 4)
                revoke(
                    self.app,
                    grant,
                    remaining,
                    terms.period.start + timedelta(days=days),
                    "Widerruf",
                    self.officers[0],
                    self.approver,
                    on=terms.period.start + timedelta(days=days),
                )
            return
        app, officer = self.app, self.officers[i % 2]
        on = date(2026, 3, 1) + timedelta(days=days)
        if action == "apply" and len(self.grants) < 6:  # a few grants, followed through their whole life
            programme = self.programmes[i % 2]
            kind = "share" if programme == self.programmes[1] or i % 3 == 0 else "fixed"
            grant = Money(250) + Money(f"{cents % 900000 // 100}.{cents % 100:02d}")
            self.grants.append(
                app.apply_for_grant(
                    programme,
                    self.organisation,
                    "Begegnung",
                    "Austausch",
                    "Amiens",
                    PERIODS[i % 2],
                    kind,
                    plan(str(grant.amount)),
                    officer,
                    on=date(2026, 2, 1),
                    file_number=f"G-{len(self.grants)}",
                )
            )
        elif action == "review" and (grant := self.pick(self.grants_in("applied"), i)):
            app.review_application(grant, True, i % 7 != 0, "geprüft", officer, on=date(2026, 2, 10))
        elif action == "approve" and (
            grant := self.pick([g for g in self.grants_in("reviewed") if app.grant(g).review_passed], i)
        ):
            g = app.grant(grant)
            amount = max(g.plan.grant - Money(f"{cents % 20000 // 100}.00"), Money(250)) if i % 2 else g.plan.grant
            split = None
            if g.period.crosses_year_end:
                first = Money.rounded(amount.amount * (i % 10) / 10)
                split = {FY2026: first, FY2027: amount - first}
            app.approve_grant(
                grant,
                amount,
                self.approver,
                on=date(2026, 2, 20),
                rate=SHARE if g.financing_type == "share" else None,
                year_split=split,
            )
        elif action in ("reject", "withdraw") and (
            grant := self.pick(self.grants_in("applied", "documents_requested", "reviewed"), i)
        ):
            if action == "reject":
                app.reject_application(grant, "abgelehnt", self.approver, on=date(2026, 2, 21))
            else:
                app.withdraw_application(grant, "zurückgezogen", officer, on=date(2026, 2, 21))
        elif action == "documents" and (grant := self.pick(self.grants_in("applied", "reviewed"), i)):
            self.requests.append(
                (grant, app.request_documents(grant, "Belege", date(2026, 3, 1), officer, on=date(2026, 2, 5)))
            )
        elif action == "documents_in" and self.requests:
            grant_id, request = self.requests.pop(i % len(self.requests))
            app.receive_documents(grant_id, request, "da", officer, on=date(2026, 2, 8))
        elif action == "request" and (grant := self.pick(self.grants_in("approved"), i)):
            terms = app.grant(grant).terms
            assert terms is not None
            on = terms.period.start + timedelta(days=days)
            need = [
                {
                    "due": on + timedelta(days=10),
                    "amount": Money(f"{cents % 300000 // 100 + 1}.{cents % 100:02d}"),
                    "description": "Bedarf",
                }
            ]
            app.request_payment(grant, need, "Abruf", officer, on=on)
        elif action == "certify" and (found := self.pick(self.payments_in("requested"), i)):
            grant_id, payment_id, payment = found
            checker = next(o for o in self.officers if o.user_id != payment["requested_by"])
            app.certify_payment(grant_id, payment_id, checker, on=payment["requested_on"])
        elif action == "release" and (found := self.pick(self.payments_in("certified"), i)):
            grant_id, payment_id, payment = found
            app.release_payment(
                grant_id, payment_id, self.finance if i % 2 else self.approver, on=payment["requested_on"]
            )
        elif action == "book" and (found := self.pick(self.payments_in("released"), i)):
            grant_id, payment_id, payment = found
            value_date = payment["requested_on"] + timedelta(days=days * 2)
            with booking_day(app, value_date):
                app.book_payment(grant_id, payment_id, value_date, self.cashier)
        elif action == "cancel" and (found := self.pick(self.payments_in("requested", "certified", "released"), i)):
            grant_id, payment_id, payment = found
            app.cancel_payment(grant_id, payment_id, "storniert", officer, on=payment["requested_on"])
        elif action == "return" and (found := self.pick(self.payments_in("booked"), i)):
            grant_id, payment_id, payment = found
            share = Money.rounded((payment["amount"] - payment["returned"]).amount * (i % 4 + 1) / 4)
            value_date = payment["value_date"] + timedelta(days=days)
            with booking_day(app, value_date):
                app.return_payment(grant_id, payment_id, share, value_date, "zurück", self.cashier)
        elif action == "propose" and (grant := self.pick(self.grants_in("approved"), i)):
            terms = app.grant(grant).terms
            assert terms is not None
            new = Money(f"{max(terms.amount.amount - (cents % 5000), 250):.2f}")
            split = None
            if terms.period.crosses_year_end:
                half = Money.rounded(new.amount / 2)
                split = {FY2026: half, FY2027: new - half}
            app.propose_amendment(grant, new, "Änderung", officer, on=date(2026, 9, 1), year_split=split)
        elif action == "amend" and (
            grant := self.pick([g for g in self.grants_in("approved") if app.grant(g).pending_amendment], i)
        ):
            app.approve_amendment(grant, self.approver, on=date(2026, 9, 2))
        elif action == "budget":
            year = FY2026 if i % 3 else FY2027
            app.amend_budget(
                self.pick(self.programmes, i), year, Money(f"{cents // 10 + 5000}.00"), "Nachtrag", self.admin
            )
        elif action == "draw":
            year = FY2026 if i % 4 else FY2027
            app.draw_project_budget(
                self.project,
                self.pick(self.programmes, i),
                year,
                Money(f"{cents % 200000 // 100 + 500}.00"),
                "Projektmittel",
                self.admin,
            )
        elif action == "spend":
            self.expenditures.append(
                app.record_project_expenditure(
                    self.project,
                    on,
                    "Lieferant",
                    "Material",
                    "a" if i % 2 else "b",
                    Money(f"{cents % 30000 // 100 + 1}.{cents % 100:02d}"),
                    f"B-{len(self.expenditures)}",
                    officer,
                )
            )
        elif action == "reverse" and self.expenditures:
            app.reverse_project_expenditure(self.project, self.pick(self.expenditures, i), "Storno", self.finance)

    def after_award(self, action: str, grant: UUID, i: int, cents: int) -> None:
        app, g = self.app, self.app.grant(grant)
        assert g.terms is not None
        end = g.terms.period.end
        if action == "proof":
            app.submit_proof_of_use(
                grant,
                "Bericht",
                Money(f"{cents % 2000 // 100}.00"),
                Money.zero(),
                Money.zero(),
                self.officers[i % 2],
                on=end,
            )
        elif action == "review_proof":
            submitted_by = g.proof["submitted_by"] if g.proof else None
            reviewer = next(o for o in self.officers if o.user_id != submitted_by)
            spent = g.proof["actual_costs"]["travel"] if g.proof else Money.zero()
            cut = Money.rounded(spent.amount * (i % 3) / 10)
            app.review_proof_of_use(
                grant,
                {"travel": spent - cut},
                {"travel": "gekürzt"} if cut else {},
                "geprüft",
                reviewer,
                on=end + timedelta(days=10),
            )
        elif action == "determine":
            app.determine_final_amount(grant, self.approver, on=end + timedelta(days=20 + i))
        elif action == "close":
            app.close_grant(grant, self.officers[i % 2], on=end + timedelta(days=200))

    def settle(self, action: str, claim_id: UUID, i: int, cents: int, days: int) -> None:
        app, claim = self.app, self.app.claim(claim_id)
        on = claim.interest_from + timedelta(days=days)
        if action == "repay":
            due = claim.amount_due(on, app.base_rates())
            amount = due if i % 3 == 0 else min(due, Money(f"{cents % 100000 // 100 + 1}.00"))
            with booking_day(app, on):
                app.receive_repayment(claim_id, amount, on, self.cashier)
        elif claim.pending_relief is None:
            kind = ("deferral", "waiver", "write_off")[i % 3]
            app.propose_claim_relief(
                claim_id,
                kind,
                "Vorschlag",
                self.officers[i % 2],
                until=on + timedelta(days=90) if kind == "deferral" else None,
            )
        else:
            app.decide_claim_relief(claim_id, i % 4 != 0, "Entscheidung", self.approver, on=on)


def check(app: FundingOffice, projector: Projector) -> None:
    projector.catch_up()
    assert verify(projector) == []
    with projector.db.transaction() as cursor:
        for row in ProgrammeBalances.years(cursor):
            programme = app.programme(row.programme_id)
            year = FiscalYear(row.fiscal_year)
            journal = Journal.programme_balance(cursor, row.programme_id, row.fiscal_year)
            assert (row.budget, row.committed) == (programme.budget(year), programme.committed(year))
            assert (journal.budget, journal.committed, journal.available) == (
                programme.budget(year),
                programme.committed(year),
                programme.available(year),
            )
        for row in GrantOverview.grants(cursor, date(2026, 1, 1), limit=1000):
            grant = app.grant(row.grant_id)
            journal = Journal.grant_balance(cursor, row.grant_id)
            open_claims = Money.sum(app.claim(c).outstanding for c in grant.claim_ids)
            assert (row.status, row.approved, row.paid, row.requested, row.open_claims) == (
                grant.status,
                grant.approved_amount,
                grant.paid,
                grant.committed_payments - grant.paid,
                open_claims,
            )
            assert row.final_amount == getattr(grant, "final_amount", None)
            assert (journal.paid, journal.open_claims) == (grant.paid, open_claims)
            bound = Money.sum(commitment_of(app, grant.programme_id, grant.id, year) for year in (FY2026, FY2027))
            assert journal.committed == bound
        for year in Journal.fiscal_years(cursor):
            assert Journal.trial_balance(cursor, year).total == Money.zero()
    before = dump_read_models(projector)
    for name in projector.models:
        projector.rebuild(name)
    assert dump_read_models(projector) == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=20, max_size=120))
def test_read_model_balances_follow_from_the_events_for_any_command_sequence(
    steps: list[tuple[str, int, int, int]],
) -> None:
    app = create_office(Settings(database_url="memory://"), today=lambda: date(2026, 3, 1))
    projector = create_projector(Settings(database_url="memory://"), app)
    try:
        office = Office(app)
        for action, i, cents, days in steps:
            with contextlib.suppress(DomainError):
                office.play(action, i, cents, days)
        check(app, projector)
    finally:
        projector.db.close()
        app.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    paid=st.integers(50000, 500000),
    spent=st.integers(10000, 600000),
    cut=st.integers(0, 5),
    revoke=st.sampled_from([None, 0, 1, 2, 3]),
    repayments=st.lists(st.tuples(st.integers(1, 400), st.integers(1, 10)), max_size=4),
    relief=st.sampled_from([None, "deferral", "waiver", "write_off"]),
    approve_relief=st.booleans(),
)
def test_balances_after_the_award_follow_from_the_events(
    paid: int,
    spent: int,
    cut: int,
    revoke: int | None,
    repayments: list[tuple[int, int]],
    relief: str | None,
    approve_relief: bool,
) -> None:
    """One grant paid, spent, finally determined or revoked, its claim repaid in parts, relieved, closed."""
    app = create_office(Settings(database_url="memory://"), today=lambda: date(2026, 3, 1))
    projector = create_projector(Settings(database_url="memory://"), app)
    try:
        office = Office(app)
        officer, checker, approver, finance = office.officers[0], office.officers[1], office.approver, office.finance
        cashier = office.cashier
        grant = app.apply_for_grant(
            office.programmes[0],
            office.organisation,
            "Begegnung",
            "Austausch",
            "Amiens",
            PERIODS[0],
            "fixed",
            plan("5000.00"),
            officer,
            on=date(2026, 2, 1),
        )
        app.review_application(grant, True, True, "ok", checker, on=date(2026, 2, 2))
        app.approve_grant(grant, Money("5000.00"), approver, on=date(2026, 2, 3))
        need = [
            {"due": date(2026, 3, 20), "amount": Money(f"{paid // 100}.{paid % 100:02d}"), "description": "Abschlag"}
        ]
        payment = app.request_payment(grant, need, "Abschlag", officer, on=date(2026, 3, 1))
        app.certify_payment(grant, payment, checker, on=date(2026, 3, 2))
        app.release_payment(grant, payment, finance, on=date(2026, 3, 3))
        with booking_day(app, date(2026, 3, 4)):
            app.book_payment(grant, payment, date(2026, 3, 4), cashier)

        def report_on_the_day(grant_id: UUID, line: str, paid_on: date, *rest: Any) -> UUID:
            with booking_day(app, paid_on):
                return app.report_expense(grant_id, line, paid_on, *rest)

        steps: list[Callable[[], Any]] = [
            lambda: report_on_the_day(
                grant,
                "travel",
                date(2026, 5, 1),
                "Bahn",
                "Fahrten",
                Money(f"{spent // 100}.{spent % 100:02d}"),
                "R-1",
                officer,
            ),
        ]
        if revoke is not None:
            steps.append(
                lambda: revoke_by_two(
                    app,
                    grant,
                    Money(f"{revoke * 1000}.00"),
                    date(2026, 6, 1),
                    "Widerruf",
                    officer,
                    approver,
                    on=date(2026, 6, 15),
                )
            )
        else:
            steps += [
                lambda: app.submit_proof_of_use(
                    grant, "Bericht", Money("1000.00"), Money.zero(), Money.zero(), officer, on=date(2026, 11, 1)
                ),
                lambda: app.review_proof_of_use(
                    grant,
                    {
                        "travel": Money.rounded(
                            app.grant(grant).proof["actual_costs"]["travel"].amount  # type: ignore[index]
                            * (10 - cut)
                            / 10
                        )
                    },
                    {"travel": "gekürzt"} if cut else {},
                    "geprüft",
                    checker,
                    on=date(2026, 11, 10),
                ),
                lambda: app.determine_final_amount(grant, approver, on=date(2026, 11, 20)),
            ]
        for step_ in steps:
            with contextlib.suppress(DomainError):
                step_()
        for claim_id in app.grant(grant).claim_ids:
            for days, tenths in repayments:
                claim = app.claim(claim_id)
                if claim.status != "open":
                    break
                on = claim.interest_from + timedelta(days=days)
                due = claim.amount_due(on, app.base_rates())
                with contextlib.suppress(DomainError), booking_day(app, on):
                    app.receive_repayment(
                        claim_id, max(Money("0.01"), Money.rounded(due.amount * tenths / 10)), on, cashier
                    )
            if relief and app.claim(claim_id).status == "open":
                until = app.claim(claim_id).interest_from + timedelta(days=60)
                app.propose_claim_relief(
                    claim_id, relief, "Vorschlag", officer, until=until if relief == "deferral" else None
                )
                app.decide_claim_relief(claim_id, approve_relief, "Entscheidung", approver, on=date(2027, 2, 1))
        with contextlib.suppress(DomainError):
            app.close_grant(grant, officer, on=date(2027, 3, 1))
        check(app, projector)
    finally:
        projector.db.close()
        app.close()
