"""The journal: every money movement as double-entry lines, each pointing at the event that caused it.

Each money event posts lines to the accounts of ``accounts.CHART``; the lines of one event sum to
zero, so every fiscal year does too (the trial balance). A line keeps the log position and the id of
its event (aggregate id and version), its business date and fiscal year, and the programme and the
grant or project it concerns. Every balance is a sum of lines, so any balance can be asked for as of
a business date ("on 31 December") or as of a log position ("before event 1234") without replaying
a single aggregate.

Commitments are posted from the programme's own events (``FundsCommitted``, ``CommitmentAdjusted``),
the authority on what is bound. Those events carry no business date, but the application saves them
together with the grant's or project's event that caused them (approval, amendment, closure, budget
draw), which follows them in the log; that event's date becomes the commitment's business date. Until
it arrives, the lines carry the day they were recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.claim import Claim
from domain.grant import Grant
from domain.messages import N_, message
from domain.money import Money
from domain.programme import Programme
from domain.project import Project
from projections.accounts import (
    APPROPRIATION,
    BUDGET_AVAILABLE,
    CHART,
    COMMITTED,
    INTEREST_INCOME,
    INTEREST_RECEIVED,
    NOT_PURSUED,
    PAID,
    PAYABLE,
    RECEIVABLE,
    RECOGNISED,
    REPAID,
    REQUESTED,
    WRITTEN_OFF,
    budget_date,
    business_date,
    measures,
    recorded_on,
)
from projections.db import Cursor, cents, money
from projections.draws import DrawBook
from projections.engine import ReadModel, handles
from projections.recall import Recall
from projections.texts import decoded, encoded, term

GRANT, PROJECT = "grant", "project"


@dataclass(frozen=True)
class Posting:
    """One movement: ``cents`` from ``credit`` to ``debit`` in a fiscal year, for a programme."""

    on: date
    fiscal_year: int
    debit: str
    credit: str
    cents: int
    programme_id: str | None


@dataclass(frozen=True)
class JournalEntry:
    position: int
    line: int
    originator_id: UUID
    originator_version: int
    event: str
    business_date: date
    fiscal_year: int
    account: str
    amount: Money
    programme_id: UUID | None
    holder_id: UUID | None
    holder_kind: str | None
    item_id: UUID | None
    memo: str

    @property
    def account_name(self) -> str:
        return CHART[self.account]


@dataclass(frozen=True)
class Balance:
    """Balances as sums of journal lines (see ``accounts.measures``)."""

    budget: Money
    available: Money
    committed: Money
    open_commitment: Money
    requested: Money
    payable: Money
    paid: Money
    recognised: Money
    claimed: Money
    open_claims: Money
    repaid: Money
    written_off: Money
    not_pursued: Money
    interest: Money

    @classmethod
    def from_sums(cls, sums: dict[str, int]) -> Balance:
        return cls(**{name: money(value) for name, value in measures(sums).items()})


@dataclass(frozen=True)
class TrialBalanceLine:
    account: str
    name: str
    balance: Money


@dataclass(frozen=True)
class TrialBalance:
    fiscal_year: int
    lines: tuple[TrialBalanceLine, ...]
    total: Money


class Journal(ReadModel):
    name = "journal"
    draw_book = DrawBook("jr")
    refold_when_changed = True  # its texts are kept as messages since the English catalogue: old rows refold
    tables = (
        "jr_entries",
        "jr_programmes",
        "jr_grants",
        "jr_undated",
        "jr_projects",
        "jr_payments",
        "jr_claims",
        *draw_book.tables,
    )

    def __init__(self) -> None:
        self._grants: Recall[str, dict[str, Any]] = Recall()  # grant → programme and file number

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS jr_entries (position BIGINT NOT NULL, line INTEGER NOT NULL,"
            " originator_id TEXT NOT NULL, originator_version BIGINT NOT NULL, event TEXT NOT NULL,"
            " business_date TEXT NOT NULL, fiscal_year INTEGER NOT NULL, account TEXT NOT NULL,"
            " cents BIGINT NOT NULL, programme_id TEXT, holder_id TEXT, holder_kind TEXT, item_id TEXT,"
            " memo TEXT NOT NULL, memo_message TEXT NOT NULL DEFAULT '', PRIMARY KEY (position, line))"
        )
        # Covers the balances' sums per programme, year and account: they are read from the index alone.
        cursor.execute("DROP INDEX IF EXISTS jr_entries_programme")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS jr_entries_programme_sums"
            " ON jr_entries (programme_id, fiscal_year, account, cents)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS jr_entries_holder ON jr_entries (holder_id)")
        cursor.execute("CREATE INDEX IF NOT EXISTS jr_entries_date ON jr_entries (business_date)")
        cursor.execute("CREATE TABLE IF NOT EXISTS jr_programmes (programme_id TEXT PRIMARY KEY, code TEXT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS jr_grants (grant_id TEXT PRIMARY KEY, programme_id TEXT NOT NULL,"
            " file_number TEXT NOT NULL)"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS jr_undated (position BIGINT PRIMARY KEY, holder_id TEXT NOT NULL)")
        cursor.execute("CREATE TABLE IF NOT EXISTS jr_projects (project_id TEXT PRIMARY KEY, code TEXT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS jr_payments (payment_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " fiscal_year INTEGER NOT NULL, cents BIGINT NOT NULL, stage TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS jr_claims (claim_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " programme_id TEXT NOT NULL, open_cents BIGINT NOT NULL, last_date TEXT NOT NULL)"
        )
        self.draw_book.create_tables(cursor)

    # Writing lines -----------------------------------------------------------------------------

    @staticmethod
    def _book(
        cursor: Cursor,
        e: Any,
        position: int,
        postings: list[Posting],
        memo: str,
        holder_id: str | None = None,
        holder_kind: str | None = None,
        item_id: str | None = None,
    ) -> None:
        line = 0
        for p in postings:
            if p.cents == 0:
                continue
            debit, credit, amount = (p.debit, p.credit, p.cents) if p.cents > 0 else (p.credit, p.debit, -p.cents)
            for account, signed in ((debit, amount), (credit, -amount)):
                line += 1
                cursor.execute(
                    "INSERT INTO jr_entries (position, line, originator_id, originator_version, event, business_date,"
                    " fiscal_year, account, cents, programme_id, holder_id, holder_kind, item_id, memo, memo_message)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        position,
                        line,
                        e.originator_id.hex,
                        e.originator_version,
                        type(e).__qualname__,
                        p.on.isoformat(),
                        p.fiscal_year,
                        account,
                        signed,
                        p.programme_id,
                        holder_id,
                        holder_kind,
                        item_id,
                        memo,
                        encoded(memo),
                    ),
                )

    @staticmethod
    def _one(cursor: Cursor, sql: str, *params: Any) -> dict[str, Any] | None:
        cursor.execute(sql, params)
        return cursor.fetchone()

    def _grant(self, cursor: Cursor, grant_id: UUID) -> dict[str, Any]:
        row = self._grants.get(
            grant_id.hex,
            lambda: self._one(
                cursor, "SELECT programme_id, file_number FROM jr_grants WHERE grant_id = ?", grant_id.hex
            ),
        )
        return row or {"programme_id": None, "file_number": grant_id.hex}

    def _code(self, cursor: Cursor, programme_id: UUID) -> str:
        row = self._one(cursor, "SELECT code FROM jr_programmes WHERE programme_id = ?", programme_id.hex)
        return str(row["code"]) if row else programme_id.hex

    # Programmes: budgets, and the commitments of projects --------------------------------------

    @handles(Programme.Opened)
    def _opened(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO jr_programmes (programme_id, code) VALUES (?, ?)", (e.originator_id.hex, e.code))
        postings = [
            Posting(
                budget_date(e, b["fiscal_year"]),
                b["fiscal_year"],
                BUDGET_AVAILABLE,
                APPROPRIATION,
                cents(b["amount"]),
                e.originator_id.hex,
            )
            for b in e.budgets
        ]
        self._book(cursor, e, position, postings, message("Haushaltsansatz {code}", code=e.code))

    @handles(Programme.BudgetAllocated)
    def _allocated(self, cursor: Cursor, e: Any, position: int) -> None:
        posting = Posting(
            budget_date(e, e.fiscal_year),
            e.fiscal_year,
            BUDGET_AVAILABLE,
            APPROPRIATION,
            cents(e.amount),
            e.originator_id.hex,
        )
        self._book(
            cursor,
            e,
            position,
            [posting],
            message("Haushaltsansatz {year} {code}", year=str(e.fiscal_year), code=self._code(cursor, e.originator_id)),
        )

    @handles(Programme.BudgetAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        posting = Posting(
            recorded_on(e),
            e.fiscal_year,
            BUDGET_AVAILABLE,
            APPROPRIATION,
            cents(e.amount) - cents(e.previous),
            e.originator_id.hex,
        )
        self._book(
            cursor,
            e,
            position,
            [posting],
            message("Budget {year} {code} geändert", year=str(e.fiscal_year), code=self._code(cursor, e.originator_id)),
        )

    def _holder(self, cursor: Cursor, holder_id: UUID) -> tuple[str | None, str]:
        """Whether a commitment's holder is a grant or a project, and its file number or code."""
        row = self._one(cursor, "SELECT file_number FROM jr_grants WHERE grant_id = ?", holder_id.hex)
        if row:
            return GRANT, str(row["file_number"])
        row = self._one(cursor, "SELECT code FROM jr_projects WHERE project_id = ?", holder_id.hex)
        if row:
            return PROJECT, str(row["code"])
        return None, holder_id.hex

    @handles(Programme.FundsCommitted, Programme.CommitmentAdjusted)
    def _committed(self, cursor: Cursor, e: Any, position: int) -> None:
        kind, name = self._holder(cursor, e.holder_id)
        adjusted = isinstance(e, Programme.CommitmentAdjusted)
        delta = cents(e.amount) - (cents(e.previous) if adjusted else 0)
        posting = Posting(recorded_on(e), e.fiscal_year, COMMITTED, BUDGET_AVAILABLE, delta, e.originator_id.hex)
        memo = (
            f"{e.reason} ({self._code(cursor, e.originator_id)} {e.fiscal_year})"
            if adjusted
            else message(
                "Mittelbindung {name} ({code} {year})",
                name=name,
                code=self._code(cursor, e.originator_id),
                year=str(e.fiscal_year),
            )
        )
        self._book(cursor, e, position, [posting], memo, holder_id=e.holder_id.hex, holder_kind=kind)
        cursor.execute("INSERT INTO jr_undated (position, holder_id) VALUES (?, ?)", (position, e.holder_id.hex))

    @staticmethod
    def _date_commitments(cursor: Cursor, e: Any) -> None:
        """Gives the commitments saved together with this event the event's business date."""
        cursor.execute(
            "UPDATE jr_entries SET business_date = ? WHERE position IN"
            " (SELECT position FROM jr_undated WHERE holder_id = ?)",
            (business_date(e).isoformat(), e.originator_id.hex),
        )
        cursor.execute("DELETE FROM jr_undated WHERE holder_id = ?", (e.originator_id.hex,))

    # Grants ------------------------------------------------------------------------------------

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO jr_grants (grant_id, programme_id, file_number) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.programme_id.hex, e.file_number),
        )
        self._grants.put(e.originator_id.hex, {"programme_id": e.programme_id.hex, "file_number": e.file_number})

    @handles(Grant.GrantApproved, Grant.GrantAmended, Grant.GrantClosed)
    def _decided(self, cursor: Cursor, e: Any, position: int) -> None:
        self._date_commitments(cursor, e)

    # Grants: payments --------------------------------------------------------------------------

    def _payment(self, cursor: Cursor, payment_id: UUID) -> dict[str, Any]:
        row = self._one(
            cursor, "SELECT fiscal_year, cents, stage FROM jr_payments WHERE payment_id = ?", payment_id.hex
        )
        if row is None:
            raise LookupError(f"Zahlung {payment_id} ist dem Journal nicht bekannt")
        return row

    def _stage(self, cursor: Cursor, payment_id: UUID, stage: str) -> None:
        cursor.execute("UPDATE jr_payments SET stage = ? WHERE payment_id = ?", (stage, payment_id.hex))

    def _pay(self, cursor: Cursor, e: Any, position: int, postings: list[Posting], what: str) -> None:
        grant = self._grant(cursor, e.originator_id)
        self._book(
            cursor,
            e,
            position,
            postings,
            message("{what} {file_number}", what=term(what), file_number=grant["file_number"]),
            e.originator_id.hex,
            GRANT,
            e.payment_id.hex,
        )

    @handles(Grant.PaymentRequested)
    def _requested(self, cursor: Cursor, e: Any, position: int) -> None:
        programme_id = self._grant(cursor, e.originator_id)["programme_id"]
        cursor.execute(
            "INSERT INTO jr_payments (payment_id, grant_id, fiscal_year, cents, stage) VALUES (?, ?, ?, ?, ?)",
            (e.payment_id.hex, e.originator_id.hex, e.on.year, cents(e.amount), REQUESTED),
        )
        self._pay(
            cursor,
            e,
            position,
            [Posting(e.on, e.on.year, REQUESTED, COMMITTED, cents(e.amount), programme_id)],
            N_("Mittelabruf"),
        )

    @handles(Grant.PaymentReleased)
    def _released(self, cursor: Cursor, e: Any, position: int) -> None:
        payment = self._payment(cursor, e.payment_id)
        programme_id = self._grant(cursor, e.originator_id)["programme_id"]
        self._stage(cursor, e.payment_id, PAYABLE)
        posting = Posting(e.on, int(payment["fiscal_year"]), PAYABLE, REQUESTED, int(payment["cents"]), programme_id)
        self._pay(cursor, e, position, [posting], N_("Auszahlungsanordnung"))

    @handles(Grant.PaymentBooked)
    def _booked(self, cursor: Cursor, e: Any, position: int) -> None:
        payment = self._payment(cursor, e.payment_id)
        programme_id = self._grant(cursor, e.originator_id)["programme_id"]
        self._stage(cursor, e.payment_id, PAID)
        year, value_year, amount = int(payment["fiscal_year"]), e.value_date.year, cents(e.amount)
        if year == value_year:
            postings = [Posting(e.value_date, year, PAID, PAYABLE, amount, programme_id)]
        else:  # paid in another year than requested: charged to the commitment of the year it is paid in
            postings = [
                Posting(e.value_date, year, COMMITTED, PAYABLE, amount, programme_id),
                Posting(e.value_date, value_year, PAID, COMMITTED, amount, programme_id),
            ]
        self._pay(cursor, e, position, postings, N_("Auszahlung"))

    @handles(Grant.PaymentCancelled)
    def _cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        payment = self._payment(cursor, e.payment_id)
        programme_id = self._grant(cursor, e.originator_id)["programme_id"]
        self._stage(cursor, e.payment_id, "cancelled")
        source = PAYABLE if payment["stage"] == PAYABLE else REQUESTED
        posting = Posting(e.on, int(payment["fiscal_year"]), COMMITTED, source, cents(e.amount), programme_id)
        self._pay(cursor, e, position, [posting], N_("Storno Mittelabruf"))

    @handles(Grant.PaymentReturned)
    def _returned(self, cursor: Cursor, e: Any, position: int) -> None:
        programme_id = self._grant(cursor, e.originator_id)["programme_id"]
        posting = Posting(e.value_date, e.value_date.year, COMMITTED, PAID, cents(e.amount), programme_id)
        self._pay(cursor, e, position, [posting], N_("Rückfluss"))

    # Final amount and claims --------------------------------------------------------------------

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        grant = self._grant(cursor, e.originator_id)
        recognised = cents(e.paid) - cents(e.claim_amount) - cents(e.not_pursued)
        postings = [
            Posting(e.on, e.on.year, RECOGNISED, PAID, recognised, grant["programme_id"]),
            Posting(e.on, e.on.year, NOT_PURSUED, PAID, cents(e.not_pursued), grant["programme_id"]),
        ]
        what = message("Schlussfestsetzung {file_number}", file_number=grant["file_number"])
        if getattr(e, "unit_shortfall", None):  # a fixed amount per unit with fewer units delivered
            what = message(
                "Schlussfestsetzung {file_number} ({units} Einheiten anerkannt, {shortfall} weniger)",
                file_number=grant["file_number"],
                units=e.units,
                shortfall=e.unit_shortfall,
            )
        self._book(cursor, e, position, postings, what, e.originator_id.hex, GRANT)

    def _claim(self, cursor: Cursor, claim_id: UUID) -> dict[str, Any]:
        row = self._one(
            cursor,
            "SELECT c.*, g.file_number FROM jr_claims c LEFT JOIN jr_grants g ON g.grant_id = c.grant_id"
            " WHERE c.claim_id = ?",
            claim_id.hex,
        )
        if row is None:
            raise LookupError(f"Rückforderung {claim_id} ist dem Journal nicht bekannt")
        return row

    def _settle(self, cursor: Cursor, e: Any, position: int, on: date, postings: list[Posting], what: str) -> None:
        claim = self._claim(cursor, e.originator_id)
        principal = sum(p.cents for p in postings if p.credit == RECEIVABLE)
        cursor.execute(
            "UPDATE jr_claims SET open_cents = open_cents - ?, last_date = ? WHERE claim_id = ?",
            (principal, on.isoformat(), e.originator_id.hex),
        )
        self._book(
            cursor,
            e,
            position,
            postings,
            message("{what} {file_number}", what=term(what), file_number=claim["file_number"]),
            claim["grant_id"],
            GRANT,
            e.originator_id.hex,
        )

    @handles(Claim.ClaimSet)
    def _claim_set(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO jr_claims (claim_id, grant_id, programme_id, open_cents, last_date) VALUES (?, ?, ?, ?, ?)",
            (e.originator_id.hex, e.grant_id.hex, e.programme_id.hex, cents(e.principal), e.arose_on.isoformat()),
        )
        grant = self._grant(cursor, e.grant_id)
        posting = Posting(e.arose_on, e.arose_on.year, RECEIVABLE, PAID, cents(e.principal), e.programme_id.hex)
        self._book(
            cursor,
            e,
            position,
            [posting],
            message("Rückforderung {file_number}", file_number=grant["file_number"]),
            e.grant_id.hex,
            GRANT,
            e.originator_id.hex,
        )

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        programme_id = self._claim(cursor, e.originator_id)["programme_id"]
        year = e.value_date.year
        postings = [
            Posting(e.value_date, year, REPAID, RECEIVABLE, cents(e.to_principal), programme_id),
            Posting(e.value_date, year, INTEREST_RECEIVED, INTEREST_INCOME, cents(e.to_interest), programme_id),
        ]
        self._settle(cursor, e, position, e.value_date, postings, N_("Rückzahlung"))

    @handles(Claim.ClaimRelieved)
    def _relieved(self, cursor: Cursor, e: Any, position: int) -> None:
        programme_id = self._claim(cursor, e.originator_id)["programme_id"]
        posting = Posting(e.on, e.on.year, WRITTEN_OFF, RECEIVABLE, cents(e.principal), programme_id)
        self._settle(
            cursor, e, position, e.on, [posting], N_("Erlass") if e.kind == "waiver" else N_("Niederschlagung")
        )

    @handles(Claim.ClaimPartlyWaived)
    def _partly_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        """Erlass of a part: the principal part leaves *Rückforderung offen* (interest was never booked)."""
        programme_id = self._claim(cursor, e.originator_id)["programme_id"]
        posting = Posting(e.on, e.on.year, WRITTEN_OFF, RECEIVABLE, cents(e.to_principal), programme_id)
        self._settle(cursor, e, position, e.on, [posting], N_("Teilerlass"))

    @handles(Claim.InterestWaived)
    def _interest_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        """Zinsverzicht: what was received as interest counts as repaid principal (§ 49a (3) sentence 2)."""
        programme_id, moved = self._claim(cursor, e.originator_id)["programme_id"], cents(e.reclassified)
        postings = [
            Posting(e.on, e.on.year, REPAID, RECEIVABLE, moved, programme_id),
            Posting(e.on, e.on.year, INTEREST_INCOME, INTEREST_RECEIVED, moved, programme_id),
        ]
        self._settle(cursor, e, position, e.on, postings, N_("Zinsverzicht"))

    @handles(Claim.InterestNotPursued)
    def _not_pursued(self, cursor: Cursor, e: Any, position: int) -> None:
        """A small rest left after the repayments: the principal still open is not pursued."""
        claim = self._claim(cursor, e.originator_id)
        on = date.fromisoformat(claim["last_date"])  # saved with the repayment that left the rest
        posting = Posting(on, on.year, WRITTEN_OFF, RECEIVABLE, int(claim["open_cents"]), claim["programme_id"])
        self._settle(cursor, e, position, on, [posting], N_("Rest nicht verfolgt"))

    # Projects ----------------------------------------------------------------------------------

    @handles(Project.Started)
    def _project(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO jr_projects (project_id, code) VALUES (?, ?)", (e.originator_id.hex, e.code))

    @handles(Project.BudgetDrawn)
    def _drawn(self, cursor: Cursor, e: Any, position: int) -> None:
        self.draw_book.draw(cursor, e.originator_id, e.programme_id, e.fiscal_year, cents(e.amount), position)
        self._date_commitments(cursor, e)

    def _project_code(self, cursor: Cursor, project_id: UUID) -> str:
        row = self._one(cursor, "SELECT code FROM jr_projects WHERE project_id = ?", project_id.hex)
        return str(row["code"]) if row else project_id.hex

    @handles(Project.ExpenditureRecorded)
    def _spent(self, cursor: Cursor, e: Any, position: int) -> None:
        year, amount = e.paid_on.year, cents(e.euro)
        charges: list[tuple[str | None, int]] = [
            *self.draw_book.charge(cursor, e.expenditure_id, e.originator_id, year, amount)
        ] or [(None, amount)]
        postings = [Posting(e.paid_on, year, PAID, COMMITTED, c, programme_id) for programme_id, c in charges]
        self._book(
            cursor,
            e,
            position,
            postings,
            message("Projektausgabe {code}", code=self._project_code(cursor, e.originator_id)),
            e.originator_id.hex,
            PROJECT,
            e.expenditure_id.hex,
        )

    @handles(Project.ExpenditureReversed)
    def _reversed(self, cursor: Cursor, e: Any, position: int) -> None:
        charges = self.draw_book.reverse(cursor, e.expenditure_id, e.originator_id)
        if charges:
            postings = [Posting(recorded_on(e), year, COMMITTED, PAID, c, p) for p, year, c in charges]
        else:
            cursor.execute(
                "SELECT fiscal_year, -SUM(cents) AS c FROM jr_entries WHERE item_id = ? AND account = ?"
                " GROUP BY fiscal_year",
                (e.expenditure_id.hex, PAID),
            )
            postings = [
                Posting(recorded_on(e), int(r["fiscal_year"]), PAID, COMMITTED, int(r["c"]), None)
                for r in cursor.fetchall()
            ]
        self._book(
            cursor,
            e,
            position,
            postings,
            message("Storno Projektausgabe {code}", code=self._project_code(cursor, e.originator_id)),
            e.originator_id.hex,
            PROJECT,
            e.expenditure_id.hex,
        )

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def _filter(
        programme_id: UUID | None = None,
        fiscal_year: int | None = None,
        holder_id: UUID | None = None,
        as_of_date: date | None = None,
        as_of_position: int | None = None,
    ) -> tuple[str, list[Any]]:
        clauses, params = ["1 = 1"], []
        for clause, value in (
            ("programme_id = ?", programme_id.hex if programme_id else None),
            ("fiscal_year = ?", fiscal_year),
            ("holder_id = ?", holder_id.hex if holder_id else None),
            ("business_date <= ?", as_of_date.isoformat() if as_of_date else None),
            ("position <= ?", as_of_position),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        return " AND ".join(clauses), params

    @classmethod
    def account_sums(cls, cursor: Cursor, **filters: Any) -> dict[str, int]:
        """Cents per account, for the lines matching the filters (see ``_filter``)."""
        where, params = cls._filter(**filters)
        cursor.execute(f"SELECT account, SUM(cents) AS total FROM jr_entries WHERE {where} GROUP BY account", params)
        return {str(r["account"]): int(r["total"]) for r in cursor.fetchall()}

    @classmethod
    def balance(cls, cursor: Cursor, **filters: Any) -> Balance:
        """Balances for the lines matching the filters.

        Filters: programme_id, fiscal_year, holder_id, as_of_date, as_of_position.
        """
        return Balance.from_sums(cls.account_sums(cursor, **filters))

    @classmethod
    def programme_balance(
        cls,
        cursor: Cursor,
        programme_id: UUID,
        fiscal_year: int,
        as_of_date: date | None = None,
        as_of_position: int | None = None,
    ) -> Balance:
        return cls.balance(
            cursor,
            programme_id=programme_id,
            fiscal_year=fiscal_year,
            as_of_date=as_of_date,
            as_of_position=as_of_position,
        )

    @classmethod
    def grant_balance(
        cls, cursor: Cursor, grant_id: UUID, as_of_date: date | None = None, as_of_position: int | None = None
    ) -> Balance:
        """A grant's balances over all years: committed is what was approved, paid what went out."""
        return cls.balance(cursor, holder_id=grant_id, as_of_date=as_of_date, as_of_position=as_of_position)

    @classmethod
    def trial_balance(
        cls, cursor: Cursor, fiscal_year: int, as_of_date: date | None = None, as_of_position: int | None = None
    ) -> TrialBalance:
        sums = cls.account_sums(cursor, fiscal_year=fiscal_year, as_of_date=as_of_date, as_of_position=as_of_position)
        lines = tuple(
            TrialBalanceLine(account, german, money(sums.get(account, 0))) for account, german in CHART.items()
        )
        return TrialBalance(fiscal_year, lines, money(sum(sums.values())))

    @staticmethod
    def fiscal_years(cursor: Cursor) -> list[int]:
        cursor.execute("SELECT DISTINCT fiscal_year FROM jr_entries ORDER BY fiscal_year")
        return [int(r["fiscal_year"]) for r in cursor.fetchall()]

    @staticmethod
    def programme_years(cursor: Cursor) -> list[tuple[UUID, int]]:
        """Every (programme, fiscal year) the journal has lines for."""
        cursor.execute(
            "SELECT DISTINCT programme_id, fiscal_year FROM jr_entries WHERE programme_id IS NOT NULL"
            " ORDER BY programme_id, fiscal_year"
        )
        return [(UUID(r["programme_id"]), int(r["fiscal_year"])) for r in cursor.fetchall()]

    @staticmethod
    def unbalanced(cursor: Cursor) -> list[tuple[int, int, Money]]:
        """(position, fiscal year, sum) of every event whose lines in a year do not sum to zero."""
        cursor.execute(
            "SELECT position, fiscal_year, SUM(cents) AS total FROM jr_entries GROUP BY position, fiscal_year"
            " HAVING SUM(cents) <> 0 ORDER BY position, fiscal_year"
        )
        return [(int(r["position"]), int(r["fiscal_year"]), money(r["total"])) for r in cursor.fetchall()]

    @staticmethod
    def entries(
        cursor: Cursor, holder_id: UUID | None = None, position: int | None = None, limit: int = 1000
    ) -> list[JournalEntry]:
        where, params = Journal._filter(holder_id=holder_id)
        if position is not None:
            where += " AND position = ?"
            params.append(position)
        cursor.execute(f"SELECT * FROM jr_entries WHERE {where} ORDER BY position, line LIMIT ?", [*params, limit])
        return [
            JournalEntry(
                position=int(r["position"]),
                line=int(r["line"]),
                originator_id=UUID(r["originator_id"]),
                originator_version=int(r["originator_version"]),
                event=r["event"],
                business_date=date.fromisoformat(r["business_date"]),
                fiscal_year=int(r["fiscal_year"]),
                account=r["account"],
                amount=money(r["cents"]),
                programme_id=UUID(r["programme_id"]) if r["programme_id"] else None,
                holder_id=UUID(r["holder_id"]) if r["holder_id"] else None,
                holder_kind=r["holder_kind"],
                item_id=UUID(r["item_id"]) if r["item_id"] else None,
                memo=decoded(r["memo"], r["memo_message"]),
            )
            for r in cursor.fetchall()
        ]
