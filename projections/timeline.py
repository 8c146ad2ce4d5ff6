"""The timeline of each grant in plain German: who did what, when, and why.

One entry per event of the grant (and per commitment the programme recorded for it, and per event
of the claims raised against it), with the
business date and the moment it was recorded, the person (display name from the user register) and
the role they acted in, what happened in a sentence, and the reason or note they gave. This is what
an association sees under "Verlauf" and what an auditor reads first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.actors import ROLE_NAMES, SYSTEM_USER_ID, Role
from domain.claim import RELIEF_KINDS, Claim
from domain.grant import LETTER_KINDS, REMINDER_STAGES, Grant
from domain.personal_data import ERASED
from domain.plan import FinancingType
from domain.privacy import Erasure
from domain.programme import Programme
from domain.user import User
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.deadlines import label
from projections.engine import ReadModel, handles
from projections.users import previous_hex, with_previous_ids


@dataclass(frozen=True)
class TimelineEntry:
    position: int
    business_date: date
    recorded_at: datetime
    who: str
    role: str
    what: str
    why: str

    @property
    def role_german(self) -> str:
        return ROLE_NAMES[Role(self.role)]


def _day(value: date) -> str:
    return f"{value:%d.%m.%Y}"


class Timeline(ReadModel):
    name = "timeline"
    tables = ("tl_entries", "tl_users", "tl_grants", "tl_payments", "tl_claims")

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS tl_entries (grant_id TEXT NOT NULL, position BIGINT NOT NULL,"
            " business_date TEXT NOT NULL, recorded_at TEXT NOT NULL, actor_id TEXT NOT NULL, actor_role TEXT NOT NULL,"
            " what TEXT NOT NULL, why TEXT NOT NULL, undated INTEGER NOT NULL DEFAULT 0,"
            " PRIMARY KEY (grant_id, position))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS tl_users "
            "(user_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, previous_id TEXT)"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS tl_grants (grant_id TEXT PRIMARY KEY, file_number TEXT NOT NULL)")
        cursor.execute("CREATE TABLE IF NOT EXISTS tl_payments (payment_id TEXT PRIMARY KEY, cents BIGINT NOT NULL)")
        cursor.execute("CREATE TABLE IF NOT EXISTS tl_claims (claim_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL)")

    @staticmethod
    def _entry(
        cursor: Cursor, grant_id: UUID, e: Any, position: int, what: str, why: str = "", undated: bool = False
    ) -> None:
        cursor.execute(
            "INSERT INTO tl_entries (grant_id, position, business_date, recorded_at, actor_id, actor_role, what, why,"
            " undated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                grant_id.hex,
                position,
                business_date(e).isoformat(),
                e.timestamp.isoformat(),
                e.actor_id.hex,
                e.actor_role,
                what,
                why or "",
                int(undated),
            ),
        )

    @staticmethod
    def _date_commitments(cursor: Cursor, e: Any) -> None:
        """Commitments carry no date of their own: they take the date of the decision saved with them."""
        cursor.execute(
            "UPDATE tl_entries SET business_date = ?, undated = 0 WHERE grant_id = ? AND undated = 1",
            (business_date(e).isoformat(), e.originator_id.hex),
        )

    @staticmethod
    def _payment_amount(cursor: Cursor, payment_id: UUID) -> str:
        cursor.execute("SELECT cents FROM tl_payments WHERE payment_id = ?", (payment_id.hex,))
        row = cursor.fetchone()
        return money(row["cents"]).de() if row else "?"

    @handles(User.Registered, User.Migrated)
    def _user(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO tl_users (user_id, display_name, previous_id) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.display_name, previous_hex(e)),
        )

    @handles(Erasure.Recorded)
    def _erased(self, cursor: Cursor, e: Any, position: int) -> None:
        """An erased person's name leaves the history; what they did stays, by ``gelöscht``. The erasure of
        a grant's documents and conversation is itself an entry of the grant's history (what, why, rule)."""
        for user_id in with_previous_ids(cursor, "tl_users", e.subjects):
            cursor.execute(
                "UPDATE tl_users SET display_name = ?, previous_id = NULL WHERE user_id = ?", (ERASED, user_id)
            )
        if e.grant_id is not None:
            self._entry(cursor, e.grant_id, e, position, f"Gelöscht: {e.what}", f"{e.reason} (Regel: {e.rule})")

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO tl_grants (grant_id, file_number) VALUES (?, ?)", (e.originator_id.hex, e.file_number)
        )
        what = (
            f"Antrag eingegangen: »{e.title}«, beantragt {e.plan.grant.de()} "
            f"({FinancingType(e.financing_type).german}) für {_day(e.period.start)}–{_day(e.period.end)}"
        )
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, f"Unterlagen angefordert bis {_day(e.due)}: {e.items}")

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, "Unterlagen eingereicht", e.note)

    @handles(Grant.ApplicationWithdrawn)
    def _withdrawn(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, "Antrag zurückgezogen", e.reason)

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        formal = "formal in Ordnung" if e.formal_ok else "formal nicht in Ordnung"
        substantive = "inhaltlich förderfähig" if e.substantive_ok else "inhaltlich nicht förderfähig"
        self._entry(cursor, e.originator_id, e, position, f"Antrag geprüft: {formal}, {substantive}", e.notes)

    @handles(Grant.GrantApproved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        terms = e.terms
        what = f"Bewilligt: {terms.amount.de()} als {FinancingType(terms.financing_type).german}"
        self._date_commitments(cursor, e)
        self._entry(cursor, e.originator_id, e, position, what, terms.conditions)

    @handles(Grant.ApplicationRejected)
    def _rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, "Antrag abgelehnt", e.reason)

    @handles(Grant.AmendmentProposed)
    def _amendment_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Änderung vorgeschlagen: neuer Betrag {e.terms.amount.de()}"
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.GrantAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._date_commitments(cursor, e)
        self._entry(
            cursor, e.originator_id, e, position, f"Änderung bewilligt: neuer Betrag {e.terms.amount.de()}", e.reason
        )

    @handles(Grant.AmendmentRejected)
    def _amendment_rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, "Änderung abgelehnt", e.reason)

    @handles(Grant.PaymentRequested)
    def _payment_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO tl_payments (payment_id, cents) VALUES (?, ?)", (e.payment_id.hex, cents(e.amount)))
        self._entry(cursor, e.originator_id, e, position, f"Mittel abgerufen: {e.amount.de()}", e.purpose)

    @handles(Grant.PaymentCertified)
    def _payment_certified(self, cursor: Cursor, e: Any, position: int) -> None:
        amount = self._payment_amount(cursor, e.payment_id)
        self._entry(
            cursor, e.originator_id, e, position, f"Abruf über {amount} sachlich und rechnerisch richtig festgestellt"
        )

    @handles(Grant.PaymentReleased)
    def _payment_released(self, cursor: Cursor, e: Any, position: int) -> None:
        amount = self._payment_amount(cursor, e.payment_id)
        self._entry(cursor, e.originator_id, e, position, f"Auszahlung über {amount} freigegeben")

    @handles(Grant.PaymentBooked)
    def _payment_booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor, e.originator_id, e, position, f"Ausgezahlt: {e.amount.de()}, Wertstellung {_day(e.value_date)}"
        )

    @handles(Grant.PaymentCancelled)
    def _payment_cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, f"Abruf über {e.amount.de()} storniert", e.reason)

    @handles(Grant.PaymentReturned)
    def _payment_returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor,
            e.originator_id,
            e,
            position,
            f"Rückfluss: {e.amount.de()} zurückerhalten, Wertstellung {_day(e.value_date)}",
            e.reason,
        )

    # After the award ---------------------------------------------------------------------------

    @handles(Grant.ExpenseReported)
    def _expense(self, cursor: Cursor, e: Any, position: int) -> None:
        foreign = f" ({e.foreign.original} {e.foreign.currency} zum Kurs {e.foreign.rate})" if e.foreign else ""
        what = (
            f"Ausgabe gemeldet: {e.euro.de()}{foreign} an {e.payee}, Kostenposition »{e.budget_line}«, "
            f"Beleg {e.receipt_reference}"
        )
        self._entry(cursor, e.originator_id, e, position, what, e.purpose)

    @handles(Grant.ExpenseReversed)
    def _expense_reversed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, f"Ausgabe über {e.euro.de()} storniert", e.reason)

    @handles(Grant.DeadlineExtended)
    def _deadline_extended(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Frist für den {label(e.key)} verlängert: {_day(e.previous)} → {_day(e.new_due)}"
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.TransferAbroadRecorded)
    def _transfer_abroad(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Überweisung an den Partner ({e.recipient}): {e.euro.de()}, eingegangen {e.received} {e.currency}, "
            f"Wertstellung {_day(e.value_date)}"
        )
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ItemRecorded)
    def _item_recorded(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Gegenstand erfasst: {e.description}, {e.value.de()}, zweckgebunden bis {_day(e.earmarked_until)}"
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ItemDisposed)
    def _item_disposed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Abgang eines Gegenstands ({e.value.de()}) am {_day(e.disposed_on)}"
        if e.within_earmark:
            what += ": innerhalb der Zweckbindungsfrist – ein Grund zum Widerruf"
        self._entry(cursor, e.originator_id, e, position, what, e.how)

    @handles(Grant.EarlyStartApproved)
    def _early_start(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Vorzeitiger Maßnahmebeginn ab {_day(e.start_on)} zugelassen: Ausgaben zählen ab diesem Tag"
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.PurposeFulfilled)
    def _purpose_fulfilled(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Zweck erfüllt am {_day(e.fulfilled_on)}: Verwendungsnachweis fällig {_day(e.proof_due)}"
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ReminderSent)
    def _reminder(self, cursor: Cursor, e: Any, position: int) -> None:
        stage = getattr(e, "stage", "manual")
        what = f"{REMINDER_STAGES.get(stage, 'Erinnerung')} an den {label(e.key)}, fällig {_day(e.due)}"
        if stage != "manual":
            what += " (automatisch)"
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.InterimProofSubmitted)
    def _interim_proof(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Zwischennachweis {e.fiscal_year} eingereicht: ausgegeben {e.spent.de()}, erhalten {e.received.de()}"
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        costs = money(sum(cents(amount) for amount in e.actual_costs.values()))
        receipts = f"{e.receipt_count} Beleg" if e.receipt_count == 1 else f"{e.receipt_count} Belege"
        if getattr(e, "simple", False):
            receipts = "einfacher Nachweis ohne Belege"
        what = f"Verwendungsnachweis eingereicht: Kosten {costs.de()}, {receipts}"
        if getattr(e, "before_start", None):
            what += f"; {e.before_start.de()} vor dem Maßnahmebeginn nicht zuwendungsfähig"
        if getattr(e, "units_delivered", None) is not None:
            what += f", {e.units_delivered} Einheiten erbracht"
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        recognised = money(sum(cents(amount) for amount in e.recognised_costs.values()))
        cuts = "; ".join(f"{line}: {reason}" for line, reason in sorted(e.cut_reasons.items()))
        why = f"{e.notes} ({cuts})" if cuts else e.notes
        self._entry(
            cursor, e.originator_id, e, position, f"Verwendungsnachweis geprüft: anerkannt {recognised.de()}", why
        )

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Zuwendung endgültig festgesetzt auf {e.final_amount.de()}, ausgezahlt {e.paid.de()}"
        if e.claim_amount:
            what += f"; {e.claim_amount.de()} werden zurückgefordert"
        if e.not_pursued:
            what += f"; {e.not_pursued.de()} werden als Bagatelle nicht zurückgefordert"
        self._entry(cursor, e.originator_id, e, position, what, e.explanation)

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Bescheid widerrufen mit Wirkung vom {_day(e.effective_on)}: es verbleiben "
            f"{e.remaining_amount.de()} statt {e.previous_amount.de()}"
        )
        if e.claim_amount:
            what += f"; {e.claim_amount.de()} werden zurückgefordert"
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.RevocationProposed)
    def _revocation_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Widerruf vorbereitet (es verblieben {e.remaining_amount.de()}, wirksam ab {_day(e.effective_on)}): "
            f"Tatsachen bekannt seit {_day(e.facts_known_on)}, angehört am {_day(e.heard_on)}, "
            f"Jahresfrist bis {_day(e.limit_ends_on)}"
        )
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.RevocationDeclined)
    def _revocation_declined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, "Der vorbereitete Widerruf wurde nicht erlassen", e.reason)

    @handles(Grant.IdleInterestDecided)
    def _idle_interest(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Zinsen für nicht alsbald verwendete Mittel (§ 49a Abs. 4 VwVfG NRW): berechnet {e.proposed.de()}, "
            f"gefordert {e.charged.de()}"
        )
        if e.not_pursued:
            what += " (unter der Bagatellgrenze, nicht verfolgt)"
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.GrantClosed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Zuwendung abgeschlossen: endgültig {e.final_amount.de()}, ausgezahlt {e.paid.de()}, "
            f"{e.released.de()} Mittelbindung freigegeben"
        )
        self._date_commitments(cursor, e)
        self._entry(cursor, e.originator_id, e, position, what)

    # The case file: the conversation and letters -----------------------------------------------

    @handles(Grant.MessagePosted)
    def _message(self, cursor: Cursor, e: Any, position: int) -> None:
        what = "Nachricht des Amts an den Verein" if e.from_office else "Nachricht des Vereins an das Amt"
        self._entry(cursor, e.originator_id, e, position, what, e.text)

    @handles(Grant.LetterIssued)
    def _letter(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"{LETTER_KINDS.get(e.kind, e.kind)} erstellt (aus Ereignis {e.source_position}, Prüfcode {e.code})"
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.NoticeDelivered)
    def _delivered(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Bekanntgabe am {_day(e.delivered_on)} vermerkt; bestandskräftig ab {_day(e.final_on)}"
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.RemediesWaived)
    def _waived(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Verzicht auf Rechtsbehelfe vom {_day(e.waived_on)}; bestandskräftig ab {_day(e.final_on)}"
        self._entry(cursor, e.originator_id, e, position, what)

    # Claims --------------------------------------------------------------------------------------

    def _claim_grant(self, cursor: Cursor, claim_id: UUID) -> UUID:
        cursor.execute("SELECT grant_id FROM tl_claims WHERE claim_id = ?", (claim_id.hex,))
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Rückforderung {claim_id} ist dem Verlauf nicht bekannt")
        return UUID(row["grant_id"])

    @handles(Claim.ClaimSet)
    def _claim_set(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO tl_claims (claim_id, grant_id) VALUES (?, ?)", (e.originator_id.hex, e.grant_id.hex)
        )
        charged = getattr(e, "interest_charged", None)
        if charged:
            what = f"Zinsforderung über {charged.de()} festgesetzt (ohne weitere Zinsen)"
        else:
            what = f"Rückforderung über {e.principal.de()} festgesetzt, zu verzinsen ab {_day(e.arose_on)}"
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Rückzahlung eingegangen: {e.amount.de()}, davon Zinsen {e.to_interest.de()}, "
            f"Wertstellung {_day(e.value_date)}"
        )
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what)

    @handles(Claim.InterestNotPursued)
    def _rest_dropped(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Restbetrag von {e.amount.de()} wird als Bagatelle nicht weiter verfolgt"
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what)

    @handles(Claim.ReliefProposed)
    def _relief_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        until = f" bis {_day(e.until)}" if e.until else ""
        part = getattr(e, "amount", None)
        what = f"{RELIEF_KINDS[e.kind]}{f' von {part.de()}' if part else ''}{until} vorgeschlagen"
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what, e.reason)

    @handles(Claim.ReliefDeclined)
    def _relief_declined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, "Vorschlag abgelehnt", e.reason)

    @handles(Claim.ClaimDeferred)
    def _deferred(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Rückforderung gestundet bis {_day(e.until)}"
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what, e.reason)

    @handles(Claim.ClaimWrittenOff)
    def _written_off(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Niederschlagung: {e.principal.de()} und Zinsen von {e.interest.de()} werden vorerst nicht verfolgt; "
            "die Forderung bleibt offen"
        )
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.ClaimPartlyWaived)
    def _partly_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        what = f"Teilerlass: {e.amount.de()} erlassen (davon Zinsen {e.to_interest.de()})"
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.InterestWaived)
    def _interest_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"Zinsverzicht nach § 49a Abs. 3 Satz 2 VwVfG NRW (Hauptforderung bis {_day(e.deadline)} beglichen): "
            f"{e.reclassified.de()} gezahlte Zinsen gelten als Tilgung, {e.interest.de()} Zinsen entfallen"
        )
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.ClaimRelieved)
    def _relieved(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            f"{RELIEF_KINDS[e.kind]}: {e.principal.de()} und Zinsen von {e.interest.de()} werden nicht mehr gefordert"
        )
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what, e.reason)

    def _is_grant(self, cursor: Cursor, holder_id: UUID) -> bool:
        cursor.execute("SELECT 1 AS x FROM tl_grants WHERE grant_id = ?", (holder_id.hex,))
        return cursor.fetchone() is not None

    @handles(Programme.FundsCommitted)
    def _committed(self, cursor: Cursor, e: Any, position: int) -> None:
        if self._is_grant(cursor, e.holder_id):
            self._entry(
                cursor,
                e.holder_id,
                e,
                position,
                f"Mittel gebunden: {e.amount.de()} im Haushaltsjahr {e.fiscal_year}",
                undated=True,
            )

    @handles(Programme.CommitmentAdjusted)
    def _adjusted(self, cursor: Cursor, e: Any, position: int) -> None:
        if self._is_grant(cursor, e.holder_id):
            what = f"Mittelbindung {e.fiscal_year} angepasst: {e.previous.de()} → {e.amount.de()}"
            self._entry(cursor, e.holder_id, e, position, what, e.reason, undated=True)

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def of(cursor: Cursor, grant_id: UUID) -> list[TimelineEntry]:
        """The grant's history in log order."""
        cursor.execute(
            "SELECT t.*, u.display_name FROM tl_entries t LEFT JOIN tl_users u ON u.user_id = t.actor_id"
            " WHERE t.grant_id = ? ORDER BY t.position",
            (grant_id.hex,),
        )
        return [
            TimelineEntry(
                position=int(r["position"]),
                business_date=date.fromisoformat(r["business_date"]),
                recorded_at=datetime.fromisoformat(r["recorded_at"]),
                who=r["display_name"] or ("System" if r["actor_id"] == SYSTEM_USER_ID.hex else "Unbekannt"),
                role=r["actor_role"],
                what=r["what"],
                why=r["why"],
            )
            for r in cursor.fetchall()
        ]
