"""The case file (Förderakte) of each grant: documents, reports, notes and messages, the conversation, letters.

* **Documents**: every file that came in or went out with a grant — with the application, on a
  request for documents, with a payment request, as a receipt scan with an expense, with the interim
  and the final proof of use, in the conversation, and every letter made from the log — with name,
  type, size, who and when, and the SHA-256 under which the bytes are kept outside the log. Each
  document belongs to the history entry (log position) it came with. Files the office encloses with
  its own decisions are for staff only; everything the association sent, every message and every
  letter is also the association's.
* **Reports**: the Sachbericht of each interim and final proof of use.
* **The applicant's history**: one row per event the association may see, in its own words, with the
  text meant for it — never an internal note (Vermerk), a review note (Prüfvermerk) or an internal
  bookkeeping step (commitments, certification and release between offices).
* **Notes and messages**: the internal note and the message to the association recorded with a
  decision, attached to the decision's history entry.
* **The conversation**: the messages between the office and the association.
* **Letters**: each letter with its kind, the log position and SHA-256 of the event it was made from,
  its verification code, and its Bekanntgabe and finality.

Besides the folded rows, the model keeps the SHA-256 of every grant event as stored (``cf_digests``),
which is what a letter's footer prints. Who read which message is not a fact of the log: it lives in
``cf_seen``, which is deliberately not among ``tables`` (a rebuild keeps it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.claim import RELIEF_KINDS, Claim
from domain.grant import LETTER_KINDS, REMINDER_STAGES, Grant
from domain.messages import N_, message
from domain.money import Money
from domain.plan import FinancingType
from domain.text import german_decimal
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.engine import ReadModel
from projections.texts import deadline, decoded, encoded, term

# Upload kinds: where a document came from, in the words of the case file.
APPLICATION, REQUESTED, PAYMENT, RECEIPT, INTERIM, FINAL, MESSAGE, LETTER, DECISION = (
    "antrag",
    "unterlagen",
    "abruf",
    "beleg",
    "zwischennachweis",
    "verwendungsnachweis",
    "nachricht",
    "bescheid",
    "entscheidung",
)
KIND_GERMAN = {
    APPLICATION: N_("Zum Antrag"),
    REQUESTED: N_("Angeforderte Unterlagen"),
    PAYMENT: N_("Zum Mittelabruf"),
    RECEIPT: N_("Beleg zu einer Ausgabe"),
    INTERIM: N_("Zum Zwischennachweis"),
    FINAL: N_("Zum Verwendungsnachweis"),
    MESSAGE: N_("Aus einer Nachricht"),
    LETTER: N_("Schreiben des Amts"),
    DECISION: N_("Zu einer Entscheidung (intern)"),
}
UPLOAD_KINDS = {
    "ApplicationReceived": APPLICATION,
    "DocumentsReceived": REQUESTED,
    "PaymentRequested": PAYMENT,
    "ExpenseReported": RECEIPT,
    "InterimProofSubmitted": INTERIM,
    "ProofOfUseSubmitted": FINAL,
}


def event_digest(notification: Notification) -> str:
    """The SHA-256 of one stored event: its position, identity, topic and the bytes exactly as stored."""
    digest = hashlib.sha256()
    originator = notification.originator_id
    identity = originator.hex if isinstance(originator, UUID) else str(originator)
    digest.update(f"{notification.id}|{notification.topic}|{identity}|{notification.originator_version}|".encode())
    digest.update(bytes(notification.state))
    return digest.hexdigest()


@dataclass(frozen=True)
class CaseDocument:
    grant_id: UUID
    position: int  # the event that brought it
    entry_position: int  # the history entry it belongs to
    sha256: str
    name: str
    content_type: str
    size: int
    kind: str
    item: str
    public: bool
    actor_id: UUID
    actor_role: str
    recorded_at: datetime

    @property
    def kind_german(self) -> str:
        return KIND_GERMAN.get(self.kind, self.kind)

    @property
    def safe_name(self) -> str:
        """The name for display: control and bidirectional-override characters removed."""
        return "".join(c for c in self.name if c.isprintable() and c not in "\u202a\u202b\u202c\u202d\u202e")

    @property
    def size_german(self) -> str:
        if self.size < 1024:
            return f"{self.size} Byte"
        if self.size < 1024 * 1024:
            return f"{german_decimal(Decimal(self.size) / 1024, 1)} KB"
        return f"{german_decimal(Decimal(self.size) / 1024 / 1024, 1)} MB"


@dataclass(frozen=True)
class Report:
    grant_id: UUID
    position: int
    kind: str  # interim or final
    fiscal_year: int | None
    text: str
    submitted_on: date
    actor_id: UUID

    @property
    def title(self) -> str:
        if self.kind == INTERIM:
            return message("Sachbericht zum Zwischennachweis {year}", year=self.fiscal_year)
        return message("Sachbericht")


@dataclass(frozen=True)
class ApplicantEntry:
    """One event of the grant as the association sees it."""

    position: int
    business_date: date
    what: str
    why: str
    message: str


@dataclass(frozen=True)
class Remarks:
    """The internal note and the message recorded with a decision (its history entry)."""

    note: str
    message: str


@dataclass(frozen=True)
class ConversationMessage:
    grant_id: UUID
    position: int
    message_id: UUID
    from_office: bool
    actor_id: UUID
    text: str
    sent_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class UnreadMessages:
    grant_id: UUID
    file_number: str
    title: str
    count: int


@dataclass(frozen=True)
class Letter:
    grant_id: UUID
    position: int
    letter_id: UUID
    kind: str
    source_position: int
    source_sha256: str
    code: str
    sha256: str
    issued_on: date
    delivered_on: date | None
    final_on: date | None
    waived_on: date | None

    @property
    def kind_german(self) -> str:
        return LETTER_KINDS.get(self.kind, self.kind)


OFFICE_MESSAGE = message("Nachricht des Amts")


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


# The events the association sees, with the sentence it reads and whether the event's own text is for it.
def _applicant_sentence(cursor: Cursor, e: Any) -> tuple[str, str] | None:
    """(what, why) for the association, or None for an event the association does not see."""
    if isinstance(e, Grant.Event):
        if isinstance(e, Grant.ApplicationReceived):
            return message("Antrag eingegangen: »{title}«, beantragt {amount}", title=e.title, amount=e.plan.grant), ""
        if isinstance(e, Grant.DocumentsRequested):
            return message("Unterlagen angefordert bis {due}: {items}", due=e.due, items=e.items), ""
        if isinstance(e, Grant.DocumentsReceived):
            return message("Unterlagen eingereicht"), e.note
        if isinstance(e, Grant.ApplicationWithdrawn):
            return message("Antrag zurückgezogen"), e.reason
        if isinstance(e, Grant.GrantApproved):
            kind = term(FinancingType(e.terms.financing_type).german)
            return message(
                "Bewilligt: {amount} als {financing}", amount=e.terms.amount, financing=kind
            ), e.terms.conditions
        if isinstance(e, Grant.ApplicationRejected):
            return message("Antrag abgelehnt"), e.reason
        if isinstance(e, Grant.GrantAmended):
            return message("Änderungsbescheid: neuer Betrag {amount}", amount=e.terms.amount), e.reason
        if isinstance(e, Grant.AmendmentRejected):
            return message("Die beantragte Änderung wurde nicht bewilligt"), ""
        if isinstance(e, Grant.PaymentRequested):
            return message("Mittel abgerufen: {amount}", amount=e.amount), e.purpose
        if isinstance(e, Grant.PaymentBooked):
            return message(
                "Überwiesen: {amount}, Wertstellung {value_date}", amount=e.amount, value_date=e.value_date
            ), ""
        if isinstance(e, Grant.PaymentCancelled):
            return message("Abruf über {amount} storniert", amount=e.amount), e.reason
        if isinstance(e, Grant.PaymentReturned):
            what = message(
                "Rückfluss: {amount} zurückerhalten, Wertstellung {value_date}",
                amount=e.amount,
                value_date=e.value_date,
            )
            return what, ""
        if isinstance(e, Grant.ExpenseReported):
            params = {"amount": e.euro, "payee": e.payee, "receipt": e.receipt_reference}
            if e.foreign:
                what = message(
                    "Ausgabe gemeldet: {amount} ({original} {currency}) an {payee}, Beleg {receipt}",
                    original=Decimal(e.foreign.original),
                    currency=e.foreign.currency,
                    **params,
                )
            else:
                what = message("Ausgabe gemeldet: {amount} an {payee}, Beleg {receipt}", **params)
            return what, e.purpose
        if isinstance(e, Grant.ExpenseReversed):
            return message("Ausgabe über {amount} storniert", amount=e.euro), e.reason
        if isinstance(e, Grant.DeadlineExtended):
            what = message("Frist für den {deadline} verlängert bis {due}", deadline=deadline(e.key), due=e.new_due)
            return what, e.reason
        if isinstance(e, Grant.ReminderSent):
            stage = term(REMINDER_STAGES.get(getattr(e, "stage", "manual"), "Erinnerung"))
            return message(
                "{reminder} an den {deadline}, fällig {due}", reminder=stage, deadline=deadline(e.key), due=e.due
            ), ""
        if isinstance(e, Grant.TransferAbroadRecorded):
            what = message(
                "Überweisung an den Partner: {amount}, eingegangen {received} {currency}",
                amount=e.euro,
                received=Decimal(str(e.received)),
                currency=e.currency,
            )
            return what, ""
        if isinstance(e, Grant.ItemRecorded):
            what = message(
                "Gegenstand erfasst: {description}, {value}, zweckgebunden bis {until}",
                description=e.description,
                value=e.value,
                until=e.earmarked_until,
            )
            return what, ""
        if isinstance(e, Grant.ItemDisposed):
            if e.within_earmark:
                return message(
                    "Abgang eines Gegenstands am {on} – innerhalb der Zweckbindungsfrist", on=e.disposed_on
                ), e.how
            return message("Abgang eines Gegenstands am {on}", on=e.disposed_on), e.how
        if isinstance(e, Grant.EarlyStartApproved):
            return message("Vorzeitiger Maßnahmebeginn ab {start} zugelassen", start=e.start_on), e.reason
        if isinstance(e, Grant.PurposeFulfilled):
            what = message(
                "Zweck erfüllt am {on}: Verwendungsnachweis fällig {due}", on=e.fulfilled_on, due=e.proof_due
            )
            return what, ""
        if isinstance(e, Grant.InterimProofSubmitted):
            return message("Zwischennachweis {year} eingereicht", year=e.fiscal_year), ""
        if isinstance(e, Grant.ProofOfUseSubmitted):
            return message("Verwendungsnachweis eingereicht"), ""
        if isinstance(e, Grant.ProofOfUseReviewed):
            amounts: list[Money] = list(e.recognised_costs.values())
            recognised = money(sum(cents(amount) for amount in amounts))
            cuts = "; ".join(f"{line}: {reason}" for line, reason in sorted(e.cut_reasons.items()))
            what = message("Verwendungsnachweis geprüft: anerkannt {amount}", amount=recognised)
            return what, (message("Kürzungen: {cuts}", cuts=cuts) if cuts else "")
        if isinstance(e, Grant.FinalAmountDetermined):
            what = message("Förderbetrag endgültig festgesetzt auf {amount}", amount=e.final_amount)
            if e.claim_amount:
                what = message("{what}; {amount} werden zurückgefordert", what=what, amount=e.claim_amount)
            return what, e.explanation
        if isinstance(e, Grant.GrantRevoked):
            what = message(
                "Bescheid widerrufen mit Wirkung vom {on}: es verbleiben {remaining}",
                on=e.effective_on,
                remaining=e.remaining_amount,
            )
            return what, e.reason
        if isinstance(e, Grant.IdleInterestDecided) and e.charged:
            return message(
                "Zinsen für nicht alsbald verwendete Mittel festgesetzt: {amount}", amount=e.charged
            ), e.reason
        if isinstance(e, Grant.GrantClosed):
            what = message(
                "Förderung abgeschlossen: endgültig {amount}, ausgezahlt {paid}", amount=e.final_amount, paid=e.paid
            )
            return what, ""
        if isinstance(e, Grant.LetterIssued):
            return message("{letter} erstellt", letter=term(LETTER_KINDS.get(e.kind, e.kind))), ""
        if isinstance(e, Grant.NoticeDelivered):
            return message("Bekanntgabe am {on}; bestandskräftig ab {final}", on=e.delivered_on, final=e.final_on), ""
        if isinstance(e, Grant.RemediesWaived):
            what = message(
                "Verzicht auf Rechtsbehelfe am {on}; bestandskräftig ab {final}", on=e.waived_on, final=e.final_on
            )
            return what, ""
        return None
    if isinstance(e, Claim.Event):
        if isinstance(e, Claim.ClaimSet) and e.interest_charged:
            return message("Zinsforderung über {amount} festgesetzt", amount=e.interest_charged), e.reason
        if isinstance(e, Claim.ClaimSet):
            what = message(
                "Rückforderung über {amount} festgesetzt, zu verzinsen ab {on}", amount=e.principal, on=e.arose_on
            )
            return what, e.reason
        if isinstance(e, Claim.RepaymentReceived):
            what = message(
                "Rückzahlung eingegangen: {amount}, Wertstellung {value_date}", amount=e.amount, value_date=e.value_date
            )
            return what, ""
        if isinstance(e, Claim.InterestNotPursued):
            return message("Restbetrag von {amount} wird nicht weiter verfolgt", amount=e.amount), ""
        if isinstance(e, Claim.ClaimDeferred):
            return message("Rückforderung gestundet bis {until}", until=e.until), e.reason
        if isinstance(e, Claim.ClaimRelieved):
            what = message(
                "{relief}: {amount} werden nicht mehr gefordert", relief=term(RELIEF_KINDS[e.kind]), amount=e.principal
            )
            return what, e.reason
        if isinstance(e, Claim.ClaimPartlyWaived):
            return message("Teilerlass: {amount} werden nicht mehr gefordert", amount=e.amount), e.reason
        if isinstance(e, Claim.InterestWaived):
            what = message(
                "Auf die Zinsen wird verzichtet (Hauptforderung bis {deadline} beglichen)", deadline=e.deadline
            )
            return what, e.reason
    return None


def _grant_events() -> tuple[type, ...]:
    return tuple(v for v in vars(Grant).values() if isinstance(v, type) and issubclass(v, Grant.Event))


def _claim_events() -> tuple[type, ...]:
    return tuple(v for v in vars(Claim).values() if isinstance(v, type) and issubclass(v, Claim.Event))


class CaseFile(ReadModel):
    name = "case_file"
    refold_when_changed = True  # its texts are kept as messages since the English catalogue: old rows refold
    tables = (
        "cf_grants",
        "cf_claims",
        "cf_digests",
        "cf_entries",
        "cf_documents",
        "cf_reports",
        "cf_messages",
        "cf_letters",
    )

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_grants (grant_id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL,"
            " file_number TEXT NOT NULL, title TEXT NOT NULL)"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS cf_claims (claim_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_digests (position BIGINT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " topic TEXT NOT NULL, sha256 TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_entries (grant_id TEXT NOT NULL, position BIGINT NOT NULL,"
            " kind TEXT NOT NULL, public INTEGER NOT NULL, business_date TEXT NOT NULL, what TEXT NOT NULL,"
            " why TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '',"
            " what_message TEXT NOT NULL DEFAULT '', why_message TEXT NOT NULL DEFAULT '',"
            " PRIMARY KEY (grant_id, position))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_documents (grant_id TEXT NOT NULL, position BIGINT NOT NULL,"
            " seq INTEGER NOT NULL, entry_position BIGINT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL,"
            " content_type TEXT NOT NULL, size BIGINT NOT NULL, kind TEXT NOT NULL, item TEXT NOT NULL,"
            " public INTEGER NOT NULL, actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, recorded_at TEXT NOT NULL,"
            " PRIMARY KEY (grant_id, position, seq))"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS cf_documents_sha ON cf_documents (grant_id, sha256)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_reports (grant_id TEXT NOT NULL, position BIGINT NOT NULL,"
            " kind TEXT NOT NULL, fiscal_year INTEGER, text TEXT NOT NULL, submitted_on TEXT NOT NULL,"
            " actor_id TEXT NOT NULL, PRIMARY KEY (grant_id, position))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_messages (grant_id TEXT NOT NULL, position BIGINT NOT NULL,"
            " message_id TEXT NOT NULL, from_office INTEGER NOT NULL, actor_id TEXT NOT NULL, text TEXT NOT NULL,"
            " sent_on TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (grant_id, position))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_letters (letter_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " position BIGINT NOT NULL, kind TEXT NOT NULL, source_position BIGINT NOT NULL,"
            " source_sha256 TEXT NOT NULL, code TEXT NOT NULL, sha256 TEXT NOT NULL, issued_on TEXT NOT NULL,"
            " delivered_on TEXT, final_on TEXT, waived_on TEXT)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS cf_letters_sha ON cf_letters (sha256)")
        # kept across rebuilds on purpose (not in ``tables``): who has read the conversation up to where
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS cf_seen (grant_id TEXT NOT NULL, user_id TEXT NOT NULL,"
            " position BIGINT NOT NULL, PRIMARY KEY (grant_id, user_id))"
        )
        # a person's own choice, kept across rebuilds too: no e-mails to this address
        cursor.execute("CREATE TABLE IF NOT EXISTS cf_mail_off (email TEXT PRIMARY KEY, since TEXT NOT NULL)")

    @property
    def topics(self) -> list[str]:
        from eventsourcing.utils import get_topic

        return [get_topic(cls) for cls in (*_grant_events(), *_claim_events())]

    def receive(self, cursor: Cursor, notification: Notification, event: Any) -> None:
        """Folds the event and keeps the SHA-256 of its stored bytes (what a letter's footer prints)."""
        if event is None:  # pragma: no cover - the engine decodes every event of a kind this model handles
            return
        grant_id = self._grant_of(cursor, event)
        if grant_id is None:
            return
        cursor.execute(
            "INSERT INTO cf_digests (position, grant_id, topic, sha256) VALUES (?, ?, ?, ?)",
            (notification.id, grant_id.hex, notification.topic, event_digest(notification)),
        )
        self.fold(cursor, event, notification.id, grant_id)

    def fold_event(self, cursor: Cursor, event: Any, position: int) -> None:
        """The fold step for a reader that hands decoded events (``apply``); no digest without the stored bytes."""
        grant_id = self._grant_of(cursor, event)
        if grant_id is not None:
            self.fold(cursor, event, position, grant_id)

    def _grant_of(self, cursor: Cursor, e: Any) -> UUID | None:
        if isinstance(e, Grant.Event):
            return e.originator_id
        if isinstance(e, Claim.ClaimSet):
            cursor.execute(
                "INSERT INTO cf_claims (claim_id, grant_id) VALUES (?, ?)", (e.originator_id.hex, e.grant_id.hex)
            )
            grant_id: UUID = e.grant_id
            return grant_id
        if isinstance(e, Claim.Event):
            cursor.execute("SELECT grant_id FROM cf_claims WHERE claim_id = ?", (e.originator_id.hex,))
            row = cursor.fetchone()
            return UUID(row["grant_id"]) if row else None
        return None

    def fold(self, cursor: Cursor, e: Any, position: int, grant_id: UUID) -> None:
        name = type(e).__name__
        if name == "ApplicationReceived":
            cursor.execute(
                "INSERT INTO cf_grants (grant_id, organisation_id, file_number, title) VALUES (?, ?, ?, ?)",
                (grant_id.hex, e.organisation_id.hex, e.file_number, e.title),
            )
        if name == "TextsRecorded":
            self._texts(cursor, e, position, grant_id)
            return
        if name == "DocumentsAttached":
            entry = self._previous_entry(cursor, grant_id, position)
            kind = UPLOAD_KINDS.get(e.regarding, DECISION)
            public = e.actor_role == "association" or kind != DECISION
            self._documents(cursor, grant_id, position, entry, e.documents, kind, e.item, public, e)
            return
        sentence = _applicant_sentence(cursor, e)
        what, why = sentence if sentence is not None else (name, "")
        cursor.execute(
            "INSERT INTO cf_entries (grant_id, position, kind, public, business_date, what, why, what_message,"
            " why_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                grant_id.hex,
                position,
                name,
                int(sentence is not None),
                business_date(e).isoformat(),
                what,
                why or "",
                encoded(what),
                encoded(why or ""),
            ),
        )
        if name == "DocumentsReceived" and getattr(e, "documents", None):
            self._documents(cursor, grant_id, position, position, e.documents, REQUESTED, e.request_id.hex, True, e)
        elif name == "InterimProofSubmitted":
            self._report(cursor, grant_id, position, INTERIM, e.fiscal_year, e.report, e)
        elif name == "ProofOfUseSubmitted":
            self._report(cursor, grant_id, position, FINAL, None, e.report, e)
        elif name == "MessagePosted":
            cursor.execute(
                "INSERT INTO cf_messages (grant_id, position, message_id, from_office, actor_id, text, sent_on,"
                " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    grant_id.hex,
                    position,
                    e.message_id.hex,
                    int(e.from_office),
                    e.actor_id.hex,
                    e.text,
                    e.on.isoformat(),
                    e.timestamp.isoformat(),
                ),
            )
            if e.documents:
                self._documents(cursor, grant_id, position, position, e.documents, MESSAGE, e.message_id.hex, True, e)
        elif name == "LetterIssued":
            cursor.execute(
                "INSERT INTO cf_letters (letter_id, grant_id, position, kind, source_position, source_sha256, code,"
                " sha256, issued_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    e.letter_id.hex,
                    grant_id.hex,
                    position,
                    e.kind,
                    e.source_position,
                    e.source_sha256,
                    e.code,
                    e.document["sha256"],
                    e.on.isoformat(),
                ),
            )
            self._documents(cursor, grant_id, position, position, [e.document], LETTER, e.letter_id.hex, True, e)
        elif name == "NoticeDelivered":
            cursor.execute(
                "UPDATE cf_letters SET delivered_on = ?, final_on = ? WHERE letter_id = ?",
                (e.delivered_on.isoformat(), e.final_on.isoformat(), e.letter_id.hex),
            )
        elif name == "RemediesWaived":
            cursor.execute(
                "UPDATE cf_letters SET waived_on = ?, final_on = ? WHERE letter_id = ?",
                (e.waived_on.isoformat(), e.final_on.isoformat(), e.letter_id.hex),
            )

    @staticmethod
    def _previous_entry(cursor: Cursor, grant_id: UUID, position: int) -> int:
        cursor.execute(
            "SELECT MAX(position) AS p FROM cf_entries WHERE grant_id = ? AND position < ?", (grant_id.hex, position)
        )
        row = cursor.fetchone()
        return int(row["p"]) if row and row["p"] is not None else position

    def _texts(self, cursor: Cursor, e: Any, position: int, grant_id: UUID) -> None:
        entry = self._previous_entry(cursor, grant_id, position)
        cursor.execute("SELECT public FROM cf_entries WHERE grant_id = ? AND position = ?", (grant_id.hex, entry))
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(
                "UPDATE cf_entries SET note = ?, message = ? WHERE grant_id = ? AND position = ?",
                (e.note, e.message, grant_id.hex, entry),
            )
        if e.message and (row is None or not row["public"]):
            # A message about a step the association does not see reaches it as an entry of its own.
            cursor.execute(
                "INSERT INTO cf_entries (grant_id, position, kind, public, business_date, what, why, message,"
                " what_message) VALUES (?, ?, ?, 1, ?, ?, '', ?, ?)",
                (
                    grant_id.hex,
                    position,
                    "TextsRecorded",
                    e.on.isoformat(),
                    OFFICE_MESSAGE,
                    e.message,
                    encoded(OFFICE_MESSAGE),
                ),
            )

    @staticmethod
    def _documents(
        cursor: Cursor,
        grant_id: UUID,
        position: int,
        entry: int,
        documents: Any,
        kind: str,
        item: str,
        public: bool,
        e: Any,
    ) -> None:
        for seq, d in enumerate(documents or ()):
            cursor.execute(
                "INSERT INTO cf_documents (grant_id, position, seq, entry_position, sha256, name, content_type, size,"
                " kind, item, public, actor_id, actor_role, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    grant_id.hex,
                    position,
                    seq,
                    entry,
                    d["sha256"],
                    d["name"],
                    d["content_type"],
                    int(d["size"]),
                    kind,
                    item or "",
                    int(public),
                    e.actor_id.hex,
                    e.actor_role,
                    e.timestamp.isoformat(),
                ),
            )

    @staticmethod
    def _report(
        cursor: Cursor, grant_id: UUID, position: int, kind: str, fiscal_year: int | None, text: str, e: Any
    ) -> None:
        cursor.execute(
            "INSERT INTO cf_reports (grant_id, position, kind, fiscal_year, text, submitted_on, actor_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (grant_id.hex, position, kind, fiscal_year, text, e.on.isoformat(), e.actor_id.hex),
        )

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def _document(r: dict[str, Any]) -> CaseDocument:
        return CaseDocument(
            grant_id=UUID(r["grant_id"]),
            position=int(r["position"]),
            entry_position=int(r["entry_position"]),
            sha256=r["sha256"],
            name=r["name"],
            content_type=r["content_type"],
            size=int(r["size"]),
            kind=r["kind"],
            item=r["item"],
            public=bool(r["public"]),
            actor_id=UUID(r["actor_id"]),
            actor_role=r["actor_role"],
            recorded_at=datetime.fromisoformat(r["recorded_at"]),
        )

    @classmethod
    def documents(cls, cursor: Cursor, grant_id: UUID, for_association: bool = False) -> list[CaseDocument]:
        """The grant's documents in log order; an association sees only its own uploads, messages and letters."""
        only = " AND public = 1" if for_association else ""
        cursor.execute(f"SELECT * FROM cf_documents WHERE grant_id = ?{only} ORDER BY position, seq", (grant_id.hex,))
        return [cls._document(r) for r in cursor.fetchall()]

    @classmethod
    def document(
        cls, cursor: Cursor, grant_id: UUID, sha256: str, for_association: bool = False
    ) -> CaseDocument | None:
        """The document of this grant with this SHA-256 (the first time it came), if the reader may see it."""
        only = " AND public = 1" if for_association else ""
        cursor.execute(
            f"SELECT * FROM cf_documents WHERE grant_id = ? AND sha256 = ?{only} ORDER BY position, seq LIMIT 1",
            (grant_id.hex, sha256),
        )
        row = cursor.fetchone()
        return cls._document(row) if row else None

    @staticmethod
    def reports(cursor: Cursor, grant_id: UUID) -> list[Report]:
        cursor.execute("SELECT * FROM cf_reports WHERE grant_id = ? ORDER BY position", (grant_id.hex,))
        return [
            Report(
                grant_id=UUID(r["grant_id"]),
                position=int(r["position"]),
                kind=r["kind"],
                fiscal_year=r["fiscal_year"],
                text=r["text"],
                submitted_on=date.fromisoformat(r["submitted_on"]),
                actor_id=UUID(r["actor_id"]),
            )
            for r in cursor.fetchall()
        ]

    @staticmethod
    def applicant_history(cursor: Cursor, grant_id: UUID) -> list[ApplicantEntry]:
        """What the association may read of its grant's history, in log order: never an internal note."""
        cursor.execute(
            "SELECT position, business_date, what, why, message, what_message, why_message FROM cf_entries"
            " WHERE grant_id = ? AND public = 1"
            " ORDER BY position",
            (grant_id.hex,),
        )
        return [
            ApplicantEntry(
                int(r["position"]),
                date.fromisoformat(r["business_date"]),
                decoded(r["what"], r["what_message"]),
                decoded(r["why"], r["why_message"]),
                r["message"],
            )
            for r in cursor.fetchall()
        ]

    @staticmethod
    def remarks(cursor: Cursor, grant_id: UUID) -> dict[int, Remarks]:
        """The note and message recorded with each decision, by the history entry's position (staff only)."""
        cursor.execute(
            "SELECT position, note, message FROM cf_entries WHERE grant_id = ? AND kind <> 'TextsRecorded'"
            " AND (note <> '' OR message <> '')",
            (grant_id.hex,),
        )
        return {int(r["position"]): Remarks(r["note"], r["message"]) for r in cursor.fetchall()}

    @staticmethod
    def digest(cursor: Cursor, position: int) -> tuple[UUID, str, str] | None:
        """(grant, topic, SHA-256) of the grant event stored at this log position."""
        cursor.execute("SELECT grant_id, topic, sha256 FROM cf_digests WHERE position = ?", (position,))
        row = cursor.fetchone()
        return (UUID(row["grant_id"]), row["topic"], row["sha256"]) if row else None

    @staticmethod
    def _message(r: dict[str, Any]) -> ConversationMessage:
        return ConversationMessage(
            grant_id=UUID(r["grant_id"]),
            position=int(r["position"]),
            message_id=UUID(r["message_id"]),
            from_office=bool(r["from_office"]),
            actor_id=UUID(r["actor_id"]),
            text=r["text"],
            sent_on=date.fromisoformat(r["sent_on"]),
            recorded_at=datetime.fromisoformat(r["recorded_at"]),
        )

    @classmethod
    def conversation(cls, cursor: Cursor, grant_id: UUID) -> list[ConversationMessage]:
        cursor.execute("SELECT * FROM cf_messages WHERE grant_id = ? ORDER BY position", (grant_id.hex,))
        return [cls._message(r) for r in cursor.fetchall()]

    @staticmethod
    def seen(cursor: Cursor, grant_id: UUID, user_id: UUID) -> int:
        cursor.execute("SELECT position FROM cf_seen WHERE grant_id = ? AND user_id = ?", (grant_id.hex, user_id.hex))
        row = cursor.fetchone()
        return int(row["position"]) if row else 0

    @staticmethod
    def mark_seen(cursor: Cursor, grant_id: UUID, user_id: UUID, position: int) -> None:
        cursor.execute(
            "INSERT INTO cf_seen (grant_id, user_id, position) VALUES (?, ?, ?) ON CONFLICT (grant_id, user_id)"
            " DO UPDATE SET position = CASE WHEN excluded.position > cf_seen.position THEN excluded.position"
            " ELSE cf_seen.position END",
            (grant_id.hex, user_id.hex, position),
        )

    @staticmethod
    def unread(
        cursor: Cursor, user_id: UUID, from_office: bool, organisation_id: UUID | None = None
    ) -> list[UnreadMessages]:
        """Grants with messages this person has not read: staff count the associations' messages (on every
        grant), members the office's (on their organisation's grants)."""
        params: list[Any] = [user_id.hex, int(from_office)]
        where = ""
        if organisation_id is not None:
            where = " AND g.organisation_id = ?"
            params.append(organisation_id.hex)
        cursor.execute(
            "SELECT m.grant_id, g.file_number, g.title, COUNT(*) AS n, MAX(m.position) AS last"
            " FROM cf_messages m JOIN cf_grants g ON g.grant_id = m.grant_id"
            " LEFT JOIN cf_seen s ON s.grant_id = m.grant_id AND s.user_id = ?"
            f" WHERE m.from_office = ? AND m.position > COALESCE(s.position, 0){where}"
            " GROUP BY m.grant_id, g.file_number, g.title ORDER BY MAX(m.position) DESC",
            tuple(params),
        )
        return [
            UnreadMessages(UUID(r["grant_id"]), r["file_number"], r["title"], int(r["n"])) for r in cursor.fetchall()
        ]

    @staticmethod
    def mail_off(cursor: Cursor) -> set[str]:
        """The addresses whose owners turned e-mail notifications off."""
        cursor.execute("SELECT email FROM cf_mail_off")
        return {r["email"] for r in cursor.fetchall()}

    @staticmethod
    def set_mail(cursor: Cursor, email: str, wanted: bool, at: datetime) -> None:
        if wanted:
            cursor.execute("DELETE FROM cf_mail_off WHERE email = ?", (email,))
        else:
            cursor.execute(
                "INSERT INTO cf_mail_off (email, since) VALUES (?, ?) ON CONFLICT (email) DO NOTHING",
                (email, at.isoformat(timespec="seconds")),
            )

    @staticmethod
    def _letter(r: dict[str, Any]) -> Letter:
        return Letter(
            grant_id=UUID(r["grant_id"]),
            position=int(r["position"]),
            letter_id=UUID(r["letter_id"]),
            kind=r["kind"],
            source_position=int(r["source_position"]),
            source_sha256=r["source_sha256"],
            code=r["code"],
            sha256=r["sha256"],
            issued_on=date.fromisoformat(r["issued_on"]),
            delivered_on=_d(r["delivered_on"]),
            final_on=_d(r["final_on"]),
            waived_on=_d(r["waived_on"]),
        )

    @classmethod
    def letters(cls, cursor: Cursor, grant_id: UUID) -> list[Letter]:
        cursor.execute("SELECT * FROM cf_letters WHERE grant_id = ? ORDER BY position", (grant_id.hex,))
        return [cls._letter(r) for r in cursor.fetchall()]

    @classmethod
    def letter_by_sha256(cls, cursor: Cursor, sha256: str) -> Letter | None:
        cursor.execute("SELECT * FROM cf_letters WHERE sha256 = ?", (sha256,))
        row = cursor.fetchone()
        return cls._letter(row) if row else None

    @staticmethod
    def grant_organisation(cursor: Cursor, grant_id: UUID) -> UUID | None:
        cursor.execute("SELECT organisation_id FROM cf_grants WHERE grant_id = ?", (grant_id.hex,))
        row = cursor.fetchone()
        return UUID(row["organisation_id"]) if row else None


# Every grant and claim event is folded (the class attribute the engine reads, besides ``topics``).
CaseFile.handlers = dict.fromkeys((*_grant_events(), *_claim_events()), CaseFile.fold_event)
