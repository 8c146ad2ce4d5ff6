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
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.deadlines import label
from projections.engine import ReadModel, handles
from projections.recall import Recall


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


def _day(value: date) -> str:
    return f"{value:%d.%m.%Y}"


class Notifications(ReadModel):
    name = "notifications"
    tables = ("nt_rows", "nt_grants", "nt_payments", "nt_claims")

    def __init__(self) -> None:
        self._organisations: Recall[str, str] = Recall()  # grant → association

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS nt_rows (position BIGINT PRIMARY KEY, organisation_id TEXT NOT NULL,"
            " grant_id TEXT NOT NULL, business_date TEXT NOT NULL, text TEXT NOT NULL)"
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
            "INSERT INTO nt_rows (position, organisation_id, grant_id, business_date, text) VALUES (?, ?, ?, ?, ?)",
            (position, organisation_id, grant_id.hex, business_date(e).isoformat(), text),
        )

    @staticmethod
    def _payment(cursor: Cursor, payment_id: UUID) -> str:
        cursor.execute("SELECT cents FROM nt_payments WHERE payment_id = ?", (payment_id.hex,))
        row = cursor.fetchone()
        return money(row["cents"]).de() if row else "?"

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO nt_grants (grant_id, organisation_id, file_number, title) VALUES (?, ?, ?, ?)",
            (e.originator_id.hex, e.organisation_id.hex, e.file_number, e.title),
        )
        self._row(cursor, e.originator_id, e, position, f"Ihr Antrag »{e.title}« ist eingegangen.")

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            f"Bitte reichen Sie bis zum {_day(e.due)} diese Unterlagen nach: {e.items}",
        )

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor, e.originator_id, e, position, "Ihr Antrag ist geprüft. Jetzt wird über die Förderung entschieden."
        )

    @handles(Grant.GrantApproved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            f"Gute Nachricht: Ihre Förderung ist bewilligt, {e.terms.amount.de()}. Sie können jetzt Geld abrufen.",
        )

    @handles(Grant.GrantAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            f"Ihre Bewilligung wurde geändert: neuer Betrag {e.terms.amount.de()}.",
        )

    @handles(Grant.ApplicationRejected)
    def _rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(cursor, e.originator_id, e, position, f"Ihr Antrag wurde leider abgelehnt. Begründung: {e.reason}")

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
            f"Ihr Abruf über {self._payment(cursor, e.payment_id)} ist zur Überweisung freigegeben.",
        )

    @handles(Grant.PaymentBooked)
    def _payment_booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor, e.originator_id, e, position, f"Überwiesen: {e.amount.de()} mit Wertstellung {_day(e.value_date)}."
        )

    @handles(Grant.PaymentCancelled)
    def _payment_cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(cursor, e.originator_id, e, position, f"Der Abruf über {e.amount.de()} wurde storniert.")

    @handles(Grant.DeadlineExtended)
    def _deadline_extended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(
            cursor,
            e.originator_id,
            e,
            position,
            f"Die Frist für den {label(e.key)} ist verlängert bis zum {_day(e.new_due)}.",
        )

    @handles(Grant.ReminderSent)
    def _reminder(self, cursor: Cursor, e: Any, position: int) -> None:
        stage = getattr(e, "stage", "manual")
        if stage == "before":
            text = f"Erinnerung: Der {label(e.key)} ist fällig am {_day(e.due)}. Bitte denken Sie rechtzeitig daran."
        elif stage == "due":
            text = f"Erinnerung: Der {label(e.key)} ist heute fällig ({_day(e.due)})."
        elif stage == "overdue":
            text = (
                f"Mahnung: Der {label(e.key)} war am {_day(e.due)} fällig und ist noch nicht eingegangen. Bitte "
                "reichen Sie ihn umgehend ein oder melden Sie sich bei uns."
            )
        else:
            text = f"Erinnerung: Der {label(e.key)} ist fällig am {_day(e.due)}."
        self._row(cursor, e.originator_id, e, position, text)

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(cursor, e.originator_id, e, position, "Ihr Verwendungsnachweis ist geprüft.")

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        text = f"Der endgültige Förderbetrag steht fest: {e.final_amount.de()}."
        if e.claim_amount:
            text += f" Bitte zahlen Sie {e.claim_amount.de()} zurück."
        self._row(cursor, e.originator_id, e, position, text)

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(cursor, e.originator_id, e, position, f"Der Bescheid wurde widerrufen. Begründung: {e.reason}")

    @handles(Grant.GrantClosed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._row(cursor, e.originator_id, e, position, "Ihre Förderung ist abgeschlossen.")

    # The case file: messages and letters for the association (never an internal note) ----------

    @handles(Grant.TextsRecorded)
    def _texts(self, cursor: Cursor, e: Any, position: int) -> None:
        if e.message:
            self._row(
                cursor, e.originator_id, e, position, f"Nachricht des Büros für Internationale Beziehungen: {e.message}"
            )

    @handles(Grant.MessagePosted)
    def _message(self, cursor: Cursor, e: Any, position: int) -> None:
        if e.from_office:
            self._row(cursor, e.originator_id, e, position, f"Neue Nachricht des Büros: {e.text}")

    @handles(Grant.LetterIssued)
    def _letter(self, cursor: Cursor, e: Any, position: int) -> None:
        kind = LETTER_KINDS.get(e.kind, e.kind)
        self._row(cursor, e.originator_id, e, position, f"Ein Schreiben liegt für Sie im Förderportal bereit: {kind}.")

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
            f"Es wird ein Betrag von {e.principal.de()} zurückgefordert. Begründung: {e.reason}",
        )

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("SELECT grant_id FROM nt_claims WHERE claim_id = ?", (e.originator_id.hex,))
        row = cursor.fetchone()
        if row is not None:
            self._row(
                cursor, UUID(row["grant_id"]), e, position, f"Ihre Rückzahlung über {e.amount.de()} ist eingegangen."
            )

    # Queries -----------------------------------------------------------------------------------

    _SELECT = (
        "SELECT r.position, r.organisation_id, r.grant_id, r.business_date, r.text, g.file_number, g.title,"
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
            row["text"],
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
