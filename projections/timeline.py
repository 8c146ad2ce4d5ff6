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
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.actors import ROLE_NAMES, SYSTEM_USER_ID, Role
from domain.claim import RELIEF_KINDS, Claim
from domain.grant import LETTER_KINDS, REMINDER_STAGES, Grant
from domain.messages import message
from domain.money import Money
from domain.personal_data import ERASED
from domain.plan import FinancingType
from domain.privacy import Erasure
from domain.programme import Programme
from domain.user import User
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles
from projections.texts import deadline, decoded, encoded, term
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


class Timeline(ReadModel):
    name = "timeline"
    refold_when_changed = True  # its texts are kept as messages since the English catalogue: old rows refold
    tables = ("tl_entries", "tl_users", "tl_grants", "tl_payments", "tl_claims")

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS tl_entries (grant_id TEXT NOT NULL, position BIGINT NOT NULL,"
            " business_date TEXT NOT NULL, recorded_at TEXT NOT NULL, actor_id TEXT NOT NULL, actor_role TEXT NOT NULL,"
            " what TEXT NOT NULL, why TEXT NOT NULL, undated INTEGER NOT NULL DEFAULT 0,"
            " what_message TEXT NOT NULL DEFAULT '', why_message TEXT NOT NULL DEFAULT '',"
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
            " undated, what_message, why_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                encoded(what),
                encoded(why or ""),
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
    def _payment_amount(cursor: Cursor, payment_id: UUID) -> Money | str:
        cursor.execute("SELECT cents FROM tl_payments WHERE payment_id = ?", (payment_id.hex,))
        row = cursor.fetchone()
        return money(row["cents"]) if row else "?"

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
            self._entry(
                cursor,
                e.grant_id,
                e,
                position,
                message("Gelöscht: {what}", what=e.what),
                message("{reason} (Regel: {rule})", reason=e.reason, rule=e.rule),
            )

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO tl_grants (grant_id, file_number) VALUES (?, ?)", (e.originator_id.hex, e.file_number)
        )
        what = message(
            "Antrag eingegangen: »{title}«, beantragt {amount} ({financing}) für {start}–{end}",
            title=e.title,
            amount=e.plan.grant,
            financing=term(FinancingType(e.financing_type).german),
            start=e.period.start,
            end=e.period.end,
        )
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor,
            e.originator_id,
            e,
            position,
            message("Unterlagen angefordert bis {due}: {items}", due=e.due, items=e.items),
        )

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, message("Unterlagen eingereicht"), e.note)

    @handles(Grant.ApplicationWithdrawn)
    def _withdrawn(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, message("Antrag zurückgezogen"), e.reason)

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        formal = message("formal in Ordnung") if e.formal_ok else message("formal nicht in Ordnung")
        substantive = message("inhaltlich förderfähig") if e.substantive_ok else message("inhaltlich nicht förderfähig")
        what = message("Antrag geprüft: {formal}, {substantive}", formal=formal, substantive=substantive)
        self._entry(cursor, e.originator_id, e, position, what, e.notes)

    @handles(Grant.GrantApproved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        terms = e.terms
        what = message(
            "Bewilligt: {amount} als {financing}",
            amount=terms.amount,
            financing=term(FinancingType(terms.financing_type).german),
        )
        self._date_commitments(cursor, e)
        self._entry(cursor, e.originator_id, e, position, what, terms.conditions)

    @handles(Grant.ApplicationRejected)
    def _rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, message("Antrag abgelehnt"), e.reason)

    @handles(Grant.AmendmentProposed)
    def _amendment_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message("Änderung vorgeschlagen: neuer Betrag {amount}", amount=e.terms.amount)
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.GrantAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._date_commitments(cursor, e)
        what = message("Änderung bewilligt: neuer Betrag {amount}", amount=e.terms.amount)
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.AmendmentRejected)
    def _amendment_rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(cursor, e.originator_id, e, position, message("Änderung abgelehnt"), e.reason)

    @handles(Grant.PaymentRequested)
    def _payment_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO tl_payments (payment_id, cents) VALUES (?, ?)", (e.payment_id.hex, cents(e.amount)))
        what = message("Mittel abgerufen: {amount}", amount=e.amount)
        self._entry(cursor, e.originator_id, e, position, what, e.purpose)

    @handles(Grant.PaymentCertified)
    def _payment_certified(self, cursor: Cursor, e: Any, position: int) -> None:
        amount = self._payment_amount(cursor, e.payment_id)
        what = message("Abruf über {amount} sachlich und rechnerisch richtig festgestellt", amount=amount)
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.PaymentReleased)
    def _payment_released(self, cursor: Cursor, e: Any, position: int) -> None:
        amount = self._payment_amount(cursor, e.payment_id)
        self._entry(
            cursor, e.originator_id, e, position, message("Auszahlung über {amount} freigegeben", amount=amount)
        )

    @handles(Grant.PaymentBooked)
    def _payment_booked(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message("Ausgezahlt: {amount}, Wertstellung {value_date}", amount=e.amount, value_date=e.value_date)
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.PaymentCancelled)
    def _payment_cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor, e.originator_id, e, position, message("Abruf über {amount} storniert", amount=e.amount), e.reason
        )

    @handles(Grant.PaymentReturned)
    def _payment_returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor,
            e.originator_id,
            e,
            position,
            message(
                "Rückfluss: {amount} zurückerhalten, Wertstellung {value_date}",
                amount=e.amount,
                value_date=e.value_date,
            ),
            e.reason,
        )

    # After the award ---------------------------------------------------------------------------

    @handles(Grant.ExpenseReported)
    def _expense(self, cursor: Cursor, e: Any, position: int) -> None:
        params = {"amount": e.euro, "payee": e.payee, "line": e.budget_line, "receipt": e.receipt_reference}
        if e.foreign:
            what = message(
                "Ausgabe gemeldet: {amount} ({original} {currency} zum Kurs {rate}) an {payee}, "
                "Kostenposition »{line}«, Beleg {receipt}",
                original=Decimal(str(e.foreign.original)),
                currency=e.foreign.currency,
                rate=Decimal(str(e.foreign.rate)),
                **params,
            )
        else:
            what = message("Ausgabe gemeldet: {amount} an {payee}, Kostenposition »{line}«, Beleg {receipt}", **params)
        self._entry(cursor, e.originator_id, e, position, what, e.purpose)

    @handles(Grant.ExpenseReversed)
    def _expense_reversed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor, e.originator_id, e, position, message("Ausgabe über {amount} storniert", amount=e.euro), e.reason
        )

    @handles(Grant.DeadlineExtended)
    def _deadline_extended(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Frist für den {deadline} verlängert: {previous} → {due}",
            deadline=deadline(e.key),
            previous=e.previous,
            due=e.new_due,
        )
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.TransferAbroadRecorded)
    def _transfer_abroad(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Überweisung an den Partner ({recipient}): {amount}, eingegangen {received} {currency}, "
            "Wertstellung {value_date}",
            recipient=e.recipient,
            amount=e.euro,
            received=Decimal(str(e.received)),
            currency=e.currency,
            value_date=e.value_date,
        )
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ItemRecorded)
    def _item_recorded(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Gegenstand erfasst: {description}, {value}, zweckgebunden bis {until}",
            description=e.description,
            value=e.value,
            until=e.earmarked_until,
        )
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ItemDisposed)
    def _item_disposed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message("Abgang eines Gegenstands ({value}) am {on}", value=e.value, on=e.disposed_on)
        if e.within_earmark:
            what = message(
                "Abgang eines Gegenstands ({value}) am {on}: innerhalb der Zweckbindungsfrist – ein Grund zum Widerruf",
                value=e.value,
                on=e.disposed_on,
            )
        self._entry(cursor, e.originator_id, e, position, what, e.how)

    @handles(Grant.EarlyStartApproved)
    def _early_start(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Vorzeitiger Maßnahmebeginn ab {start} zugelassen: Ausgaben zählen ab diesem Tag", start=e.start_on
        )
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.PurposeFulfilled)
    def _purpose_fulfilled(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message("Zweck erfüllt am {on}: Verwendungsnachweis fällig {due}", on=e.fulfilled_on, due=e.proof_due)
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ReminderSent)
    def _reminder(self, cursor: Cursor, e: Any, position: int) -> None:
        stage = getattr(e, "stage", "manual")
        params = {"reminder": term(REMINDER_STAGES.get(stage, "Erinnerung")), "deadline": deadline(e.key), "due": e.due}
        if stage != "manual":
            what = message("{reminder} an den {deadline}, fällig {due} (automatisch)", **params)
        else:
            what = message("{reminder} an den {deadline}, fällig {due}", **params)
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.InterimProofSubmitted)
    def _interim_proof(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Zwischennachweis {year} eingereicht: ausgegeben {spent}, erhalten {received}",
            year=e.fiscal_year,
            spent=e.spent,
            received=e.received,
        )
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        costs = money(sum(cents(amount) for amount in e.actual_costs.values()))
        if getattr(e, "simple", False):
            receipts = message("einfacher Nachweis ohne Belege")
        elif e.receipt_count == 1:
            receipts = message("{count} Beleg", count=e.receipt_count)
        else:
            receipts = message("{count} Belege", count=e.receipt_count)
        what = message("Verwendungsnachweis eingereicht: Kosten {costs}, {receipts}", costs=costs, receipts=receipts)
        if getattr(e, "before_start", None):
            what = message(
                "{what}; {amount} vor dem Maßnahmebeginn nicht zuwendungsfähig", what=what, amount=e.before_start
            )
        if getattr(e, "units_delivered", None) is not None:
            what = message("{what}, {units} Einheiten erbracht", what=what, units=e.units_delivered)
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        recognised = money(sum(cents(amount) for amount in e.recognised_costs.values()))
        cuts = "; ".join(f"{line}: {reason}" for line, reason in sorted(e.cut_reasons.items()))
        why = f"{e.notes} ({cuts})" if cuts else e.notes
        what = message("Verwendungsnachweis geprüft: anerkannt {amount}", amount=recognised)
        self._entry(cursor, e.originator_id, e, position, what, why)

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Zuwendung endgültig festgesetzt auf {amount}, ausgezahlt {paid}", amount=e.final_amount, paid=e.paid
        )
        if e.claim_amount:
            what = message("{what}; {amount} werden zurückgefordert", what=what, amount=e.claim_amount)
        if e.not_pursued:
            what = message(
                "{what}; {amount} werden als Bagatelle nicht zurückgefordert", what=what, amount=e.not_pursued
            )
        self._entry(cursor, e.originator_id, e, position, what, e.explanation)

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Bescheid widerrufen mit Wirkung vom {on}: es verbleiben {remaining} statt {previous}",
            on=e.effective_on,
            remaining=e.remaining_amount,
            previous=e.previous_amount,
        )
        if e.claim_amount:
            what = message("{what}; {amount} werden zurückgefordert", what=what, amount=e.claim_amount)
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.RevocationProposed)
    def _revocation_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Widerruf vorbereitet (es verblieben {remaining}, wirksam ab {on}): Tatsachen bekannt seit {known}, "
            "angehört am {heard}, Jahresfrist bis {limit}",
            remaining=e.remaining_amount,
            on=e.effective_on,
            known=e.facts_known_on,
            heard=e.heard_on,
            limit=e.limit_ends_on,
        )
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.RevocationDeclined)
    def _revocation_declined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor, e.originator_id, e, position, message("Der vorbereitete Widerruf wurde nicht erlassen"), e.reason
        )

    @handles(Grant.IdleInterestDecided)
    def _idle_interest(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Zinsen für nicht alsbald verwendete Mittel (§ 49a Abs. 4 VwVfG NRW): berechnet {proposed}, "
            "gefordert {charged}",
            proposed=e.proposed,
            charged=e.charged,
        )
        if e.not_pursued:
            what = message("{what} (unter der Bagatellgrenze, nicht verfolgt)", what=what)
        self._entry(cursor, e.originator_id, e, position, what, e.reason)

    @handles(Grant.GrantClosed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Zuwendung abgeschlossen: endgültig {amount}, ausgezahlt {paid}, {released} Mittelbindung freigegeben",
            amount=e.final_amount,
            paid=e.paid,
            released=e.released,
        )
        self._date_commitments(cursor, e)
        self._entry(cursor, e.originator_id, e, position, what)

    # The case file: the conversation and letters -----------------------------------------------

    @handles(Grant.MessagePosted)
    def _message(self, cursor: Cursor, e: Any, position: int) -> None:
        what = (
            message("Nachricht des Amts an den Verein")
            if e.from_office
            else message("Nachricht des Vereins an das Amt")
        )
        self._entry(cursor, e.originator_id, e, position, what, e.text)

    @handles(Grant.LetterIssued)
    def _letter(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "{letter} erstellt (aus Ereignis {position}, Prüfcode {code})",
            letter=term(LETTER_KINDS.get(e.kind, e.kind)),
            position=e.source_position,
            code=e.code,
        )
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.NoticeDelivered)
    def _delivered(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message("Bekanntgabe am {on} vermerkt; bestandskräftig ab {final}", on=e.delivered_on, final=e.final_on)
        self._entry(cursor, e.originator_id, e, position, what)

    @handles(Grant.RemediesWaived)
    def _waived(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Verzicht auf Rechtsbehelfe vom {on}; bestandskräftig ab {final}", on=e.waived_on, final=e.final_on
        )
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
            what = message("Zinsforderung über {amount} festgesetzt (ohne weitere Zinsen)", amount=charged)
        else:
            what = message(
                "Rückforderung über {amount} festgesetzt, zu verzinsen ab {on}", amount=e.principal, on=e.arose_on
            )
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Rückzahlung eingegangen: {amount}, davon Zinsen {interest}, Wertstellung {value_date}",
            amount=e.amount,
            interest=e.to_interest,
            value_date=e.value_date,
        )
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what)

    @handles(Claim.InterestNotPursued)
    def _rest_dropped(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message("Restbetrag von {amount} wird als Bagatelle nicht weiter verfolgt", amount=e.amount)
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what)

    @handles(Claim.ReliefProposed)
    def _relief_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        part = getattr(e, "amount", None)
        relief = term(RELIEF_KINDS[e.kind])
        if part and e.until:
            what = message("{relief} von {amount} bis {until} vorgeschlagen", relief=relief, amount=part, until=e.until)
        elif part:
            what = message("{relief} von {amount} vorgeschlagen", relief=relief, amount=part)
        elif e.until:
            what = message("{relief} bis {until} vorgeschlagen", relief=relief, until=e.until)
        else:
            what = message("{relief} vorgeschlagen", relief=relief)
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what, e.reason)

    @handles(Claim.ReliefDeclined)
    def _relief_declined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._entry(
            cursor, self._claim_grant(cursor, e.originator_id), e, position, message("Vorschlag abgelehnt"), e.reason
        )

    @handles(Claim.ClaimDeferred)
    def _deferred(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message("Rückforderung gestundet bis {until}", until=e.until)
        self._entry(cursor, self._claim_grant(cursor, e.originator_id), e, position, what, e.reason)

    @handles(Claim.ClaimWrittenOff)
    def _written_off(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Niederschlagung: {principal} und Zinsen von {interest} werden vorerst nicht verfolgt; "
            "die Forderung bleibt offen",
            principal=e.principal,
            interest=e.interest,
        )
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.ClaimPartlyWaived)
    def _partly_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Teilerlass: {amount} erlassen (davon Zinsen {interest})", amount=e.amount, interest=e.to_interest
        )
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.InterestWaived)
    def _interest_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "Zinsverzicht nach § 49a Abs. 3 Satz 2 VwVfG NRW (Hauptforderung bis {deadline} beglichen): "
            "{reclassified} gezahlte Zinsen gelten als Tilgung, {interest} Zinsen entfallen",
            deadline=e.deadline,
            reclassified=e.reclassified,
            interest=e.interest,
        )
        self._entry(cursor, e.grant_id, e, position, what, e.reason)

    @handles(Claim.ClaimRelieved)
    def _relieved(self, cursor: Cursor, e: Any, position: int) -> None:
        what = message(
            "{relief}: {principal} und Zinsen von {interest} werden nicht mehr gefordert",
            relief=term(RELIEF_KINDS[e.kind]),
            principal=e.principal,
            interest=e.interest,
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
                message("Mittel gebunden: {amount} im Haushaltsjahr {year}", amount=e.amount, year=e.fiscal_year),
                undated=True,
            )

    @handles(Programme.CommitmentAdjusted)
    def _adjusted(self, cursor: Cursor, e: Any, position: int) -> None:
        if self._is_grant(cursor, e.holder_id):
            what = message(
                "Mittelbindung {year} angepasst: {previous} → {amount}",
                year=e.fiscal_year,
                previous=e.previous,
                amount=e.amount,
            )
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
                what=decoded(r["what"], r["what_message"]),
                why=decoded(r["why"], r["why_message"]),
            )
            for r in cursor.fetchall()
        ]
