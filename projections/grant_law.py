"""Grant law facts per grant: the amounts and dates the rules of grant law add to a grant's figures.

One fact per grant and name, each with an amount in cents, a day or a text (whichever it has), and the
log position it was last set at. The facts are what the grant page, the API and the finance workbook
show beside the journal's money: the costs above the plan's total that were not eligible (the plan
binds as a total), and — as the rules of grant law add them — units of a fixed amount per unit, the day
the purpose was fulfilled and the proof-of-use deadline that follows, an approved early start,
idle-money interest proposed and decided, when the facts of a revocation became known, items bought
with the grant and their earmarking period.

Facts are kept as rows (grant, name), not columns, so a new rule adds facts without changing a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.claim import Claim
from domain.grant import Grant
from domain.messages import N_
from domain.money import Money
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles

OVER_PLAN_TOTAL = "over_plan_total"
CONDITION_OCCURRED = "condition_occurred_on"
REVOCATION_FACTS_KNOWN = "revocation_facts_known_on"
REVOCATION_HEARD = "revocation_heard_on"
REVOCATION_LIMIT = "revocation_limit_ends_on"
REVOCATION_EFFECTIVE = "revocation_effective_on"
IDLE_INTEREST_PROPOSED = "idle_interest_proposed"
IDLE_INTEREST_CHARGED = "idle_interest_charged"
CLAIMS_WRITTEN_OFF = "claims_written_off"
CLAIMS_WAIVED = "claims_waived"
INTEREST_WAIVED = "interest_waived"

UNIT_SHORTFALL = "unit_shortfall"
EARLY_START = "early_start"
BEFORE_START = "before_start"
ITEMS = "items"
DISPOSED_EARLY = "disposed_early"
TRANSFERS_ABROAD = "transfers_abroad"

FACT_GERMAN = {
    OVER_PLAN_TOTAL: "Über der Plansumme, nicht zuwendungsfähig",
    CONDITION_OCCURRED: N_("Auflösende Bedingung eingetreten am"),
    REVOCATION_FACTS_KNOWN: N_("Widerruf: Tatsachen bekannt seit"),
    REVOCATION_HEARD: N_("Widerruf: Verein angehört am"),
    REVOCATION_LIMIT: N_("Widerruf: Jahresfrist bis"),
    REVOCATION_EFFECTIVE: N_("Widerruf wirksam ab"),
    IDLE_INTEREST_PROPOSED: N_("Zinsen auf nicht alsbald verwendete Mittel, berechnet"),
    IDLE_INTEREST_CHARGED: N_("Zinsen auf nicht alsbald verwendete Mittel, festgesetzt"),
    CLAIMS_WRITTEN_OFF: N_("Niedergeschlagen (bleibt offen)"),
    CLAIMS_WAIVED: N_("Erlassen"),
    INTEREST_WAIVED: "Zinsverzicht (§ 49a Abs. 3 Satz 2 VwVfG NRW)",
    UNIT_SHORTFALL: "Festbetrag je Einheit: nicht erbrachte Einheiten",
    EARLY_START: "Vorzeitiger Maßnahmebeginn zugelassen ab",
    BEFORE_START: "Vor dem Maßnahmebeginn, nicht zuwendungsfähig",
    ITEMS: "Gegenstände über der Wertgrenze",
    DISPOSED_EARLY: "Vor Ablauf der Zweckbindung abgegangen (Widerrufsgrund)",
    TRANSFERS_ABROAD: "An den Partner im Ausland überwiesen",
}


@dataclass(frozen=True)
class Fact:
    name: str
    amount: Money | None
    day: date | None
    text: str
    position: int

    @property
    def german(self) -> str:
        return FACT_GERMAN.get(self.name, self.name)


class GrantLaw(ReadModel):
    name = "grant_law"
    tables = ("gl_facts",)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS gl_facts (grant_id TEXT NOT NULL, name TEXT NOT NULL, cents BIGINT,"
            " day TEXT, text TEXT NOT NULL DEFAULT '', position BIGINT NOT NULL, PRIMARY KEY (grant_id, name))"
        )

    @staticmethod
    def _fact(
        cursor: Cursor,
        grant_id: UUID,
        name: str,
        position: int,
        amount: Money | None = None,
        day: date | None = None,
        text: str = "",
    ) -> None:
        cursor.execute("DELETE FROM gl_facts WHERE grant_id = ? AND name = ?", (grant_id.hex, name))
        cursor.execute(
            "INSERT INTO gl_facts (grant_id, name, cents, day, text, position) VALUES (?, ?, ?, ?, ?, ?)",
            (
                grant_id.hex,
                name,
                cents(amount) if amount is not None else None,
                day.isoformat() if day is not None else None,
                text,
                position,
            ),
        )

    @classmethod
    def _add(cls, cursor: Cursor, grant_id: UUID, name: str, position: int, amount: Money) -> None:
        """Adds ``amount`` to a fact that sums several events (zero when it was not set yet)."""
        cursor.execute("SELECT cents FROM gl_facts WHERE grant_id = ? AND name = ?", (grant_id.hex, name))
        row = cursor.fetchone()
        before = money(row["cents"]) if row is not None and row["cents"] is not None else Money.zero()
        cls._fact(cursor, grant_id, name, position, amount=before + amount)

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        over = getattr(e, "over_plan_total", None)
        self._fact(cursor, e.originator_id, OVER_PLAN_TOTAL, position, amount=over or Money.zero())
        shortfall = getattr(e, "unit_shortfall", None)
        if shortfall is not None:  # a fixed amount per unit: the rate times the units not delivered
            self._fact(cursor, e.originator_id, UNIT_SHORTFALL, position, amount=shortfall, text=e.explanation)

    @handles(Grant.EarlyStartApproved)
    def _early_start(self, cursor: Cursor, e: Any, position: int) -> None:
        self._fact(cursor, e.originator_id, EARLY_START, position, day=e.start_on, text=e.reason)

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        before = getattr(e, "before_start", None)
        if before:  # receipts from before the project could begin, left out of the costs
            self._fact(cursor, e.originator_id, BEFORE_START, position, amount=before)

    @handles(Grant.TransferAbroadRecorded)
    def _transfer_abroad(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.originator_id, TRANSFERS_ABROAD, position, e.euro)

    @handles(Grant.ItemRecorded)
    def _item_recorded(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.originator_id, ITEMS, position, e.value)

    @handles(Grant.ItemDisposed)
    def _item_disposed(self, cursor: Cursor, e: Any, position: int) -> None:
        if e.within_earmark:
            self._add(cursor, e.originator_id, DISPOSED_EARLY, position, e.value)

    @handles(Grant.ProofOfUseReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        day = getattr(e, "condition_occurred_on", None)
        if day is not None:
            self._fact(cursor, e.originator_id, CONDITION_OCCURRED, position, day=day)

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._fact(cursor, e.originator_id, REVOCATION_EFFECTIVE, position, day=e.effective_on)
        for name, attribute in (
            (REVOCATION_FACTS_KNOWN, "facts_known_on"),
            (REVOCATION_HEARD, "heard_on"),
            (REVOCATION_LIMIT, "limit_ends_on"),
        ):
            day = getattr(e, attribute, None)  # recorded since revocations are decided by two people
            if day is not None:
                self._fact(cursor, e.originator_id, name, position, day=day)

    @handles(Grant.IdleInterestDecided)
    def _idle_interest(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.originator_id, IDLE_INTEREST_PROPOSED, position, e.proposed)
        self._add(cursor, e.originator_id, IDLE_INTEREST_CHARGED, position, e.charged)

    @handles(Claim.ClaimWrittenOff)
    def _written_off(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.grant_id, CLAIMS_WRITTEN_OFF, position, e.principal + e.interest)

    @handles(Claim.ClaimPartlyWaived)
    def _partly_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.grant_id, CLAIMS_WAIVED, position, e.amount)

    @handles(Claim.ClaimRelieved)
    def _relieved(self, cursor: Cursor, e: Any, position: int) -> None:
        grant_id = getattr(e, "grant_id", None)
        if e.kind == "waiver" and grant_id is not None:
            self._add(cursor, grant_id, CLAIMS_WAIVED, position, e.principal + e.interest)

    @handles(Claim.InterestWaived)
    def _interest_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.grant_id, INTEREST_WAIVED, position, e.reclassified + e.interest)

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def facts(cursor: Cursor, grant_ids: list[UUID]) -> dict[UUID, dict[str, Fact]]:
        """The facts of the grants asked for, by grant and name (grants without facts are left out)."""
        found: dict[UUID, dict[str, Fact]] = {}
        for start in range(0, len(grant_ids), 500):
            chunk = [g.hex for g in grant_ids[start : start + 500]]
            marks = ", ".join("?" for _ in chunk)
            cursor.execute(f"SELECT * FROM gl_facts WHERE grant_id IN ({marks}) ORDER BY grant_id, name", chunk)
            for r in cursor.fetchall():
                fact = Fact(
                    name=r["name"],
                    amount=money(r["cents"]) if r["cents"] is not None else None,
                    day=date.fromisoformat(r["day"]) if r["day"] else None,
                    text=r["text"],
                    position=int(r["position"]),
                )
                found.setdefault(UUID(r["grant_id"]), {})[fact.name] = fact
        return found

    @classmethod
    def of(cls, cursor: Cursor, grant_id: UUID) -> dict[str, Fact]:
        return cls.facts(cursor, [grant_id]).get(grant_id, {})
