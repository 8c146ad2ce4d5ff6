"""The association's outbox: what changed on its grants, in plain German, one row per event.

Each row belongs to one organisation (by the grant's organisation), so the portal's page
``/portal/neuigkeiten`` and the sender (``foerderbuch notify``) only ever read the rows of one
organisation at a time. Rows are keyed by the event's log position, which never changes, so a
rebuild gives the same rows.

Whether a row was sent by e-mail is not a fact of the log: the sender stamps it in ``nt_sent``,
which is deliberately *not* among ``tables`` — a rebuild of the read model keeps the stamps and
sends nothing twice. The queries return it as the row's ``sent_at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from domain.claim import Claim
from domain.grant import LETTER_KINDS, Grant
from domain.messages import message
from domain.money import Money
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles
from projections.recall import Recall
from projections.texts import deadline, decoded, encoded, term


@dataclass(frozen=True)
class Notification:
    position: int
    organisation_id: UUID
    grant_id: UUID
    file_number: str
    title: str
    business_date: date
    text: str
    sent_at: str | None


class Notifications(ReadModel):
    name = "notifications"
    refold_when_changed = True  # its texts are kept as messages since the English catalogue: old rows refold
    tables = ("nt_rows", "nt_grants", "nt_payments", "nt_claims")

    def __init__(self) -> None:
        self._organisations: Recall[str, str] = Recall()  # grant → association

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS nt_rows (position BIGINT PRIMARY KEY, organisation_id TEXT NOT NULL,"
            " grant_id TEXT NOT NULL, business_date TEXT NOT NULL, text TEXT NOT NULL,"
            " text_message TEXT NOT NULL DEFAULT '')"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS nt_rows_organisation ON nt_rows (organisation_id)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS nt_grants (grant_id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL,"
            " file_number TEXT NOT NULL, title TEXT NOT NULL)"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS nt_payments (payment_id TEXT PRIMARY KEY, cents BIGINT NOT NULL)")
        cursor.execute("CREATE TABLE IF NOT EXISTS nt_claims (claim_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL)")
        # kept across rebuilds on purpose (not in ``tables``): what was sent stays sent
        cursor.execute("CREATE TABLE IF NOT EXISTS nt_sent (position BIGINT PRIMARY KEY, sent_at TEXT NOT NULL)")

    def _row(self, cursor: Cursor, grant_id: UUID, e: Any, position: int, text: str) -> None:
        def look_up() -> str | None:
            cursor.execute("SELECT organisation_id FROM nt_grants WHERE grant_id = ?", (grant_id.hex,))
            found = cursor.fetchone()
            return str(found["organisation_id"]) if found else None

        organisation_id = self._organisations.get(grant_id.hex, look_up)
        if organisation_id is None:  # pragma: no cover - every grant starts with its application
            return
        cursor.execute(
            "INSERT INTO nt_rows (position, organisation_id, grant_id, business_date, text, text_message)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (position, organisation_id, grant_id.hex, business_date(e).isoformat(), text, encoded(text)),
        )

    @staticmethod
    def _payment(cursor: Cursor, payment_id: UUID) -> Money | str:
        cursor.execute("SELECT cents FROM nt_payments WHERE payment_id = ?", (payment_id.hex,))
        row = cursor.fetchone()
        return money(row["cents"]) if row else "?"

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO nt_grants (grant_id, organisation_id, file_number, title) VALUES (?, ?, ?, ?)",
            (e.originator_id.hex, e.organisation_id.hex, e.file_number, e.title),
        )
        self._row(cursor, e.originator_id, e, position, message("Ihr Antrag »{title}« ist eingegangen.", title=e.title))

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message("Bitte reichen Sie bis zum {due} diese Unterlagen nach: {items}", due=e.due, items=e.items),
        )

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message("Ihr Antrag ist geprüft. Jetzt wird über die Förderung entschieden."),
        )

    @handles(Grant.GrantApproved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message(
                "Gute Nachricht: Ihre Förderung ist bewilligt, {amount}. Sie können jetzt Geld abrufen.",
                amount=e.terms.amount,
            ),
        )

    @handles(Grant.GrantAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message("Ihre Bewilligung wurde geändert: neuer Betrag {amount}.", amount=e.terms.amount),
        )

    @handles(Grant.ApplicationRejected)
    def _rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message("Ihr Antrag wurde leider abgelehnt. Begründung: {reason}", reason=e.reason),
        )

    @handles(Grant.PaymentRequested)
    def _payment_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO nt_payments (payment_id, cents) VALUES (?, ?)", (e.payment_id.hex, cents(e.amount)))

    @handles(Grant.PaymentReleased)
    def _payment_released(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message(
                "Ihr Abruf über {amount} ist zur Überweisung freigegeben.", amount=self._payment(cursor, e.payment_id)
            ),
        )

    @handles(Grant.PaymentBooked)
    def _payment_booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message("Überwiesen: {amount} mit Wertstellung {value_date}.", amount=e.amount, value_date=e.value_date),
        )

    @handles(Grant.PaymentCancelled)
    def _payment_cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor, e.originator_id, e, position, message("Der Abruf über {amount} wurde storniert.", amount=e.amount)
        )

    @handles(Grant.DeadlineExtended)
    def _deadline_extended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message(
                "Die Frist für den {deadline} ist verlängert bis zum {due}.", deadline=deadline(e.key), due=e.new_due
            ),
        )

    @handles(Grant.ReminderSent)
    def _reminder(self, cursor: Cursor, e: Any, position: int) -> None:
        stage = getattr(e, "stage", "manual")
        params = {"deadline": deadline(e.key), "due": e.due}
        if stage == "before":
            text = message(
                "Erinnerung: Der {deadline} ist fällig am {due}. Bitte denken Sie rechtzeitig daran.", **params
            )
        elif stage == "due":
            text = message("Erinnerung: Der {deadline} ist heute fällig ({due}).", **params)
        elif stage == "overdue":
            text = message(
                "Mahnung: Der {deadline} war am {due} fällig und ist noch nicht eingegangen. Bitte "
                "reichen Sie ihn umgehend ein oder melden Sie sich bei uns.",
                **params,
            )
        else:
            text = message("Erinnerung: Der {deadline} ist fällig am {due}.", **params)
        self._row(cursor, e.originator_id, e, position, text)

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(cursor, e.originator_id, e, position, message("Ihr Verwendungsnachweis ist geprüft."))

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        text = message("Der endgültige Förderbetrag steht fest: {amount}.", amount=e.final_amount)
        if e.claim_amount:
            text = message(
                "Der endgültige Förderbetrag steht fest: {amount}. Bitte zahlen Sie {claim} zurück.",
                amount=e.final_amount,
                claim=e.claim_amount,
            )
        self._row(cursor, e.originator_id, e, position, text)

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            message("Der Bescheid wurde widerrufen. Begründung: {reason}", reason=e.reason),
        )

    @handles(Grant.GrantClosed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(cursor, e.originator_id, e, position, message("Ihre Förderung ist abgeschlossen."))

    # The case file: messages and letters for the association (never an internal note) ----------

    @handles(Grant.TextsRecorded)
    def _texts(self, cursor: Cursor, e: Any, position: int) -> None:
        if e.message:
            self._row(
                cursor,
                e.originator_id,
                e,
                position,
                message("Nachricht des Büros für Internationale Beziehungen: {text}", text=e.message),
            )

    @handles(Grant.MessagePosted)
    def _message(self, cursor: Cursor, e: Any, position: int) -> None:
        if e.from_office:
            self._row(cursor, e.originator_id, e, position, message("Neue Nachricht des Büros: {text}", text=e.text))

    @handles(Grant.LetterIssued)
    def _letter(self, cursor: Cursor, e: Any, position: int) -> None:
        kind = term(LETTER_KINDS.get(e.kind, e.kind))
        text = message("Ein Schreiben liegt für Sie im Förderportal bereit: {letter}.", letter=kind)
        self._row(cursor, e.originator_id, e, position, text)

    @handles(Claim.ClaimSet)
    def _claim_set(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO nt_claims (claim_id, grant_id) VALUES (?, ?)", (e.originator_id.hex, e.grant_id.hex)
        )
        self._row(
            cursor,
            e.grant_id,
            e,
            position,
            message(
                "Es wird ein Betrag von {amount} zurückgefordert. Begründung: {reason}",
                amount=e.principal,
                reason=e.reason,
            ),
        )

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("SELECT grant_id FROM nt_claims WHERE claim_id = ?", (e.originator_id.hex,))
        row = cursor.fetchone()
        if row is not None:
            self._row(
                cursor,
                UUID(row["grant_id"]),
                e,
                position,
                message("Ihre Rückzahlung über {amount} ist eingegangen.", amount=e.amount),
            )

    # Queries -----------------------------------------------------------------------------------

    _SELECT = (
        "SELECT r.position, r.organisation_id, r.grant_id, r.business_date, r.text, r.text_message, g.file_number,"
        " g.title,"
        " s.sent_at FROM nt_rows r JOIN nt_grants g ON g.grant_id = r.grant_id"
        " LEFT JOIN nt_sent s ON s.position = r.position"
    )

    @staticmethod
    def _note(row: dict[str, Any]) -> Notification:
        return Notification(
            int(row["position"]),
            UUID(row["organisation_id"]),
            UUID(row["grant_id"]),
            row["file_number"],
            row["title"],
            date.fromisoformat(row["business_date"]),
            decoded(row["text"], row["text_message"]),
            row["sent_at"],
        )

    @classmethod
    def of(cls, cursor: Cursor, organisation_id: UUID, limit: int = 100) -> list[Notification]:
        """The organisation's notifications, newest business date first (log order within a day)."""
        cursor.execute(
            f"{cls._SELECT} WHERE r.organisation_id = ? ORDER BY r.business_date DESC, r.position DESC LIMIT ?",
            (organisation_id.hex, limit),
        )
        return [cls._note(row) for row in cursor.fetchall()]

    @classmethod
    def unsent(cls, cursor: Cursor) -> list[Notification]:
        """Every notification not yet sent, oldest first."""
        cursor.execute(f"{cls._SELECT} WHERE s.sent_at IS NULL ORDER BY r.position")
        return [cls._note(row) for row in cursor.fetchall()]

    @staticmethod
    def mark_sent(cursor: Cursor, positions: list[int], at: datetime | None = None) -> None:
        stamp = (at or datetime.now(UTC)).isoformat(timespec="seconds")
        for position in positions:
            cursor.execute(
                "INSERT INTO nt_sent (position, sent_at) VALUES (?, ?) ON CONFLICT (position) DO NOTHING",
                (position, stamp),
            )
