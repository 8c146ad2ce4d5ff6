"""Work queues: what is waiting for whom.

Applications to review; reviewed applications and proposed amendments to decide; payment requests to
certify (sachlich und rechnerisch richtig), to release and to book; proofs of use to review; final
amounts to determine; proposed reliefs of claims to decide; and the open claims. The four-eyes rules
decide who may *not* see an item: an application is never offered for approval to the person who
reviewed or entered it, an amendment never to the person who proposed it, a payment never for
certification to the person who requested it, never for release to the person who certified or
requested it, and never for booking to anybody who requested, certified or released it (§ 31 (3)
KomHVO NRW); a proof never for review to the person who submitted it, a final amount never to the
person who submitted or reviewed the proof, a relief never to the person who proposed it, a prepared
revocation never to the person who prepared it (its detail names the last day of the one-year limit). Proof
deadlines due and overdue are a question of the day you ask: see ``GrantOverview.proofs_due``.
Items keep the business date since when they wait. Which roles may work a queue at all is the web's
concern; these queries only apply the per-person exclusions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from domain.claim import RELIEF_KINDS, Claim
from domain.grant import Grant
from domain.messages import N_, message
from domain.money import Money
from domain.organisation import Organisation
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles
from projections.texts import deadline, decoded, encoded, term

REVIEW, APPROVE, AMENDMENT, CERTIFY, RELEASE, BOOK = "review", "approve", "amendment", "certify", "release", "book"
PROOF, DETERMINE, RELIEF, CLAIM = "proof", "determine", "relief", "claim"
REVOCATION = "revocation"
OVERDUE = "overdue"
QUEUE_GERMAN = {
    REVIEW: "Antrag prüfen",
    APPROVE: "Über Antrag entscheiden",
    AMENDMENT: "Änderung bewilligen",
    CERTIFY: "Zahlung feststellen",
    RELEASE: "Zahlung freigeben",
    BOOK: "Zahlung buchen",
    PROOF: "Verwendungsnachweis prüfen",
    DETERMINE: "Schlussfestsetzung",
    RELIEF: "Über Stundung, Erlass oder Niederschlagung entscheiden",
    REVOCATION: N_("Über den Widerruf entscheiden"),
    CLAIM: "Offene Rückforderung",
    OVERDUE: N_("Nachweis überfällig"),
}
GRANT_QUEUES = (REVIEW, APPROVE, AMENDMENT, CERTIFY, RELEASE, BOOK, PROOF, DETERMINE, REVOCATION, OVERDUE)


def deadline_item(grant_id: UUID, key: str) -> UUID:
    """The work item of one proof deadline of one grant."""
    return uuid5(grant_id, f"frist/{key}")


@dataclass(frozen=True)
class WorkItem:
    queue: str
    item_id: UUID
    grant_id: UUID
    file_number: str
    title: str
    organisation_name: str
    amount: Money
    since: date
    review_passed: bool | None
    detail: str

    @property
    def queue_german(self) -> str:
        return QUEUE_GERMAN[self.queue]


class WorkQueues(ReadModel):
    name = "work_queues"
    refold_when_changed = True  # its texts are kept as messages since the English catalogue: old rows refold
    tables = ("wq_items", "wq_excluded", "wq_grants", "wq_organisations", "wq_payments", "wq_claims")

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS wq_items (queue TEXT NOT NULL, item_id TEXT NOT NULL, grant_id TEXT NOT NULL,"
            " amount_cents BIGINT NOT NULL, since TEXT NOT NULL, review_passed INTEGER,"
            " detail TEXT NOT NULL DEFAULT '',"
            " position BIGINT NOT NULL, detail_message TEXT NOT NULL DEFAULT '', PRIMARY KEY (queue, item_id))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS wq_excluded (queue TEXT NOT NULL, item_id TEXT NOT NULL, user_id TEXT NOT NULL,"
            " PRIMARY KEY (queue, item_id, user_id))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS wq_grants (grant_id TEXT PRIMARY KEY, file_number TEXT NOT NULL,"
            " title TEXT NOT NULL, organisation_id TEXT NOT NULL, applicant_id TEXT NOT NULL,"
            " requested_cents BIGINT NOT NULL, open_requests INTEGER NOT NULL DEFAULT 0, proof_by TEXT)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS wq_claims (claim_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " open_cents BIGINT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS wq_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS wq_payments (payment_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " cents BIGINT NOT NULL, requested_by TEXT NOT NULL, certified_by TEXT)"
        )

    # Writing items -----------------------------------------------------------------------------

    @staticmethod
    def _add(
        cursor: Cursor,
        queue: str,
        item_id: UUID,
        grant_id: UUID,
        amount: int,
        since: date,
        position: int,
        excluded: tuple[str | None, ...] = (),
        review_passed: bool | None = None,
        detail: str = "",
    ) -> None:
        cursor.execute(
            "INSERT INTO wq_items (queue, item_id, grant_id, amount_cents, since, review_passed, detail, position,"
            " detail_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                queue,
                item_id.hex,
                grant_id.hex,
                amount,
                since.isoformat(),
                None if review_passed is None else int(review_passed),
                detail,
                position,
                encoded(detail),
            ),
        )
        for user_id in sorted({u for u in excluded if u}):
            cursor.execute(
                "INSERT INTO wq_excluded (queue, item_id, user_id) VALUES (?, ?, ?)", (queue, item_id.hex, user_id)
            )

    @staticmethod
    def _remove(cursor: Cursor, item_id: UUID, *queues: str) -> None:
        marks = ", ".join("?" * len(queues))
        for table in ("wq_items", "wq_excluded"):
            cursor.execute(f"DELETE FROM {table} WHERE item_id = ? AND queue IN ({marks})", (item_id.hex, *queues))

    @staticmethod
    def _grant(cursor: Cursor, grant_id: UUID) -> dict[str, Any]:
        cursor.execute("SELECT * FROM wq_grants WHERE grant_id = ?", (grant_id.hex,))
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Zuwendung {grant_id} ist den Arbeitskörben nicht bekannt")
        return row

    # Applications ------------------------------------------------------------------------------

    @handles(Organisation.Registered)
    def _organisation(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO wq_organisations (organisation_id, name) VALUES (?, ?)", (e.originator_id.hex, e.name)
        )

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO wq_grants (grant_id, file_number, title, organisation_id, applicant_id, requested_cents)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (e.originator_id.hex, e.file_number, e.title, e.organisation_id.hex, e.actor_id.hex, cents(e.plan.grant)),
        )
        self._add(cursor, REVIEW, e.originator_id, e.originator_id, cents(e.plan.grant), e.on, position)

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE wq_grants SET open_requests = open_requests + 1 WHERE grant_id = ?", (e.originator_id.hex,)
        )
        self._remove(cursor, e.originator_id, REVIEW, APPROVE)

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE wq_grants SET open_requests = open_requests - 1 WHERE grant_id = ?", (e.originator_id.hex,)
        )
        grant = self._grant(cursor, e.originator_id)
        if int(grant["open_requests"]) == 0:
            self._add(cursor, REVIEW, e.originator_id, e.originator_id, int(grant["requested_cents"]), e.on, position)

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        grant = self._grant(cursor, e.originator_id)
        self._remove(cursor, e.originator_id, REVIEW)
        self._add(
            cursor,
            APPROVE,
            e.originator_id,
            e.originator_id,
            int(grant["requested_cents"]),
            e.on,
            position,
            excluded=(e.actor_id.hex, grant["applicant_id"]),
            review_passed=e.formal_ok and e.substantive_ok,
        )

    @handles(Grant.GrantApproved, Grant.ApplicationRejected, Grant.ApplicationWithdrawn)
    def _decided(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, e.originator_id, REVIEW, APPROVE)

    @handles(Grant.AmendmentProposed)
    def _amendment_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(
            cursor,
            AMENDMENT,
            e.originator_id,
            e.originator_id,
            cents(e.terms.amount),
            e.on,
            position,
            excluded=(e.actor_id.hex,),
        )

    @handles(Grant.GrantAmended, Grant.AmendmentRejected)
    def _amendment_decided(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, e.originator_id, AMENDMENT)

    # Payments ----------------------------------------------------------------------------------

    @handles(Grant.PaymentRequested)
    def _payment_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO wq_payments (payment_id, grant_id, cents, requested_by) VALUES (?, ?, ?, ?)",
            (e.payment_id.hex, e.originator_id.hex, cents(e.amount), e.actor_id.hex),
        )
        self._add(
            cursor, CERTIFY, e.payment_id, e.originator_id, cents(e.amount), e.on, position, excluded=(e.actor_id.hex,)
        )

    def _payment(self, cursor: Cursor, payment_id: UUID) -> dict[str, Any]:
        cursor.execute("SELECT * FROM wq_payments WHERE payment_id = ?", (payment_id.hex,))
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Zahlung {payment_id} ist den Arbeitskörben nicht bekannt")
        return row

    @handles(Grant.PaymentCertified)
    def _payment_certified(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE wq_payments SET certified_by = ? WHERE payment_id = ?", (e.actor_id.hex, e.payment_id.hex)
        )
        payment = self._payment(cursor, e.payment_id)
        self._remove(cursor, e.payment_id, CERTIFY)
        self._add(
            cursor,
            RELEASE,
            e.payment_id,
            e.originator_id,
            int(payment["cents"]),
            e.on,
            position,
            excluded=(e.actor_id.hex, payment["requested_by"]),
        )

    @handles(Grant.PaymentReleased)
    def _payment_released(self, cursor: Cursor, e: Any, position: int) -> None:
        payment = self._payment(cursor, e.payment_id)
        self._remove(cursor, e.payment_id, RELEASE)
        # § 31 (3) KomHVO NRW: the cash office books, never whoever ordered the payment
        ordered_by = (e.actor_id.hex, payment["requested_by"], payment["certified_by"])
        self._add(
            cursor,
            BOOK,
            e.payment_id,
            e.originator_id,
            int(payment["cents"]),
            e.on,
            position,
            excluded=tuple(user for user in ordered_by if user),
        )

    @handles(Grant.PaymentBooked, Grant.PaymentCancelled)
    def _payment_done(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, e.payment_id, CERTIFY, RELEASE, BOOK)

    # Proofs and final amounts ------------------------------------------------------------------

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, deadline_item(e.originator_id, "final"), OVERDUE)
        cursor.execute("UPDATE wq_grants SET proof_by = ? WHERE grant_id = ?", (e.actor_id.hex, e.originator_id.hex))
        costs = sum(cents(amount) for amount in e.actual_costs.values())
        self._add(
            cursor,
            PROOF,
            e.originator_id,
            e.originator_id,
            costs,
            e.on,
            position,
            excluded=(e.actor_id.hex,),
            detail=message("{count} Beleg", count=e.receipt_count)
            if e.receipt_count == 1
            else message("{count} Belege", count=e.receipt_count),
        )

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        grant = self._grant(cursor, e.originator_id)
        self._remove(cursor, e.originator_id, PROOF)
        recognised = sum(cents(amount) for amount in e.recognised_costs.values())
        self._add(
            cursor,
            DETERMINE,
            e.originator_id,
            e.originator_id,
            recognised,
            e.on,
            position,
            excluded=(e.actor_id.hex, grant["proof_by"]),
        )

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, e.originator_id, DETERMINE)

    @handles(Grant.GrantRevoked, Grant.GrantClosed)
    def _ended(self, cursor: Cursor, e: Any, position: int) -> None:
        marks = ", ".join("?" * len(GRANT_QUEUES))
        for table in ("wq_excluded", "wq_items"):
            cursor.execute(
                f"DELETE FROM {table} WHERE queue IN ({marks}) AND item_id IN"
                " (SELECT item_id FROM wq_items WHERE grant_id = ?)",
                (*GRANT_QUEUES, e.originator_id.hex),
            )

    # Revocations: prepared by one person, decided by another within the one-year limit -------------

    @handles(Grant.RevocationProposed)
    def _revocation_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(
            cursor,
            REVOCATION,
            e.originator_id,
            e.originator_id,
            cents(e.remaining_amount),
            e.on,
            position,
            excluded=(e.actor_id.hex,),
            detail=f"verbleibend {e.remaining_amount.de()}, Jahresfrist bis {e.limit_ends_on:%d.%m.%Y}",
        )

    @handles(Grant.RevocationDeclined)
    def _revocation_declined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, e.originator_id, REVOCATION)

    # Overdue proofs: the automatic reminder for an overdue proof puts it in the officers' queue ----

    @handles(Grant.ReminderSent)
    def _reminded(self, cursor: Cursor, e: Any, position: int) -> None:
        if getattr(e, "stage", "manual") != "overdue":
            return
        item = deadline_item(e.originator_id, e.key)
        self._remove(cursor, item, OVERDUE)
        self._add(
            cursor,
            OVERDUE,
            item,
            e.originator_id,
            0,
            e.due,
            position,
            detail=message("{deadline}, fällig {due}", deadline=deadline(e.key), due=e.due),
        )

    @handles(Grant.DeadlineExtended)
    def _extended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, deadline_item(e.originator_id, e.key), OVERDUE)

    @handles(Grant.InterimProofSubmitted)
    def _interim_in(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, deadline_item(e.originator_id, f"interim-{e.fiscal_year}"), OVERDUE)

    # Claims ------------------------------------------------------------------------------------

    @handles(Claim.ClaimSet)
    def _claim_set(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO wq_claims (claim_id, grant_id, open_cents) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.grant_id.hex, cents(e.principal)),
        )
        charged = getattr(e, "interest_charged", None)  # a claim for interest alone (idle money)
        amount = cents(e.principal) + (cents(charged) if charged else 0)
        self._add(cursor, CLAIM, e.originator_id, e.grant_id, amount, e.arose_on, position, detail=e.reason)

    def _claim(self, cursor: Cursor, claim_id: UUID) -> dict[str, Any]:
        cursor.execute("SELECT * FROM wq_claims WHERE claim_id = ?", (claim_id.hex,))
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Rückforderung {claim_id} ist den Arbeitskörben nicht bekannt")
        return row

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE wq_claims SET open_cents = open_cents - ? WHERE claim_id = ?",
            (cents(e.to_principal), e.originator_id.hex),
        )
        open_cents = int(self._claim(cursor, e.originator_id)["open_cents"])
        if open_cents == 0 and e.interest_accrued == e.to_interest:
            self._remove(cursor, e.originator_id, CLAIM, RELIEF)
        else:
            cursor.execute(
                "UPDATE wq_items SET amount_cents = ? WHERE queue = ? AND item_id = ?",
                (open_cents, CLAIM, e.originator_id.hex),
            )

    @handles(Claim.ReliefProposed)
    def _relief_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        claim = self._claim(cursor, e.originator_id)
        since = business_date(e)
        self._add(
            cursor,
            RELIEF,
            e.originator_id,
            UUID(claim["grant_id"]),
            int(claim["open_cents"]),
            since,
            position,
            excluded=(e.actor_id.hex,),
            detail=message("{relief}: {reason}", relief=term(RELIEF_KINDS[e.kind]), reason=e.reason),
        )

    @handles(Claim.ReliefDeclined, Claim.ClaimDeferred, Claim.ClaimWrittenOff)
    def _relief_decided(self, cursor: Cursor, e: Any, position: int) -> None:
        """Decided; a written-off claim stays open (payments are still taken) and stays in the claim queue."""
        self._remove(cursor, e.originator_id, RELIEF)

    @handles(Claim.ClaimPartlyWaived)
    def _partly_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, e.originator_id, RELIEF)
        cursor.execute(
            "UPDATE wq_claims SET open_cents = open_cents - ? WHERE claim_id = ?",
            (cents(e.to_principal), e.originator_id.hex),
        )
        open_cents = int(self._claim(cursor, e.originator_id)["open_cents"])
        cursor.execute(
            "UPDATE wq_items SET amount_cents = ? WHERE queue = ? AND item_id = ?",
            (open_cents, CLAIM, e.originator_id.hex),
        )

    @handles(Claim.ClaimRelieved, Claim.InterestNotPursued, Claim.InterestWaived)
    def _claim_settled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._remove(cursor, e.originator_id, CLAIM, RELIEF)

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def items(cursor: Cursor, user_id: UUID, *queues: str) -> list[WorkItem]:
        """The items of these queues that ``user_id`` may work on, oldest first."""
        marks = ", ".join("?" * len(queues))
        cursor.execute(
            "SELECT i.*, g.file_number, g.title, COALESCE(o.name, '') AS organisation_name FROM wq_items i"
            " JOIN wq_grants g ON g.grant_id = i.grant_id"
            " LEFT JOIN wq_organisations o ON o.organisation_id = g.organisation_id"
            f" WHERE i.queue IN ({marks}) AND NOT EXISTS (SELECT 1 FROM wq_excluded x"
            " WHERE x.queue = i.queue AND x.item_id = i.item_id AND x.user_id = ?)"
            " ORDER BY i.since, i.position",
            (*queues, user_id.hex),
        )
        return [
            WorkItem(
                queue=r["queue"],
                item_id=UUID(r["item_id"]),
                grant_id=UUID(r["grant_id"]),
                file_number=r["file_number"],
                title=r["title"],
                organisation_name=r["organisation_name"],
                amount=money(r["amount_cents"]),
                since=date.fromisoformat(r["since"]),
                review_passed=None if r["review_passed"] is None else bool(r["review_passed"]),
                detail=decoded(r["detail"], r["detail_message"]),
            )
            for r in cursor.fetchall()
        ]

    @classmethod
    def to_review(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        return cls.items(cursor, user_id, REVIEW)

    @classmethod
    def to_approve(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        """Reviewed applications and proposed amendments, never shown to whoever reviewed, entered or proposed them."""
        return cls.items(cursor, user_id, APPROVE, AMENDMENT)

    @classmethod
    def to_certify(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        return cls.items(cursor, user_id, CERTIFY)

    @classmethod
    def to_release(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        """Certified payments, never shown to whoever certified or requested them."""
        return cls.items(cursor, user_id, RELEASE)

    @classmethod
    def to_book(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        return cls.items(cursor, user_id, BOOK)

    @classmethod
    def proofs_to_review(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        """Submitted proofs of use, never shown to whoever submitted them."""
        return cls.items(cursor, user_id, PROOF)

    @classmethod
    def to_determine(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        """Reviewed proofs waiting for the final amount, never shown to whoever submitted or reviewed them."""
        return cls.items(cursor, user_id, DETERMINE)

    @classmethod
    def reliefs_to_decide(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        """Proposed deferrals, waivers and write-offs, never shown to whoever proposed them."""
        return cls.items(cursor, user_id, RELIEF)

    @classmethod
    def revocations_to_decide(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        """Prepared revocations, never shown to whoever prepared them."""
        return cls.items(cursor, user_id, REVOCATION)

    @classmethod
    def open_claims(cls, cursor: Cursor, user_id: UUID) -> list[WorkItem]:
        """Claims not yet settled, with the principal still open."""
        return cls.items(cursor, user_id, CLAIM)

    @staticmethod
    def counts(cursor: Cursor, user_id: UUID) -> dict[str, int]:
        cursor.execute(
            "SELECT i.queue, COUNT(*) AS n FROM wq_items i WHERE NOT EXISTS (SELECT 1 FROM wq_excluded x"
            " WHERE x.queue = i.queue AND x.item_id = i.item_id AND x.user_id = ?) GROUP BY i.queue",
            (user_id.hex,),
        )
        found = {str(r["queue"]): int(r["n"]) for r in cursor.fetchall()}
        return {queue: found.get(queue, 0) for queue in QUEUE_GERMAN}
