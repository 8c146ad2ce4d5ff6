"""Verification: the log is intact, and every balance the read models show follows from it.

``verify`` reads the whole notification log and

* recomputes each link of the seal's keyed hash chain from the stored bytes: an event that was changed,
  deleted, inserted or moved is reported at its position, and so is every event the seal has not
  covered yet (``verify`` never seals anything itself);
* checks the MAC of every stored snapshot (``domain.snapshots``): an altered one is reported with its
  aggregate and version;
* recomputes every programme-year balance (budget, committed, requested, paid, recognised, claimed,
  repaid, interest) and every grant's balance (approved, bound, requested, paid, claimed, repaid)
  straight from the decoded events, with a fold of its own that shares no code with the read models,
  and compares with the programme balances, the register, the grant overview and the journal;
* checks the journal: each event's lines sum to zero in every fiscal year, and so does each year's
  trial balance;
* checks that every read model has applied the whole log (run it after a catch-up; events written
  while it runs may show up as a read model not yet up to date).

``foerderbuch verify`` also compares every read model with a rebuild (``projections.rebuild_check``),
and ``check_anchor`` proves the log still holds what an anchor file names.

Every problem found is reported, not just the first (``Problem`` with the log position where there
is one). An empty list means the log and the read models agree.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from domain.claim import Claim
from domain.grant import Grant
from domain.money import Money
from domain.programme import Programme
from domain.project import Project
from domain.snapshots import SealedSnapshots, unseal
from projections.db import Cursor
from projections.engine import Projector
from projections.grant_overview import GrantOverview
from projections.journal import Journal
from projections.programme_balances import ProgrammeBalances
from projections.register import Register
from projections.seal import GENESIS, Seal, SealLink, key_id, notification_hash

BATCH = 500
MEASURES = ("budget", "committed", "requested", "paid", "recognised", "claimed", "repaid", "interest")
GRANT_MEASURES = ("approved", "requested", "paid", "claimed", "repaid")
_FAR_PAST = date(2000, 1, 1)  # grant rows are read for their amounts; overdue flags do not matter here
MEASURE_GERMAN = {
    "budget": "Budget",
    "committed": "gebunden",
    "requested": "abgerufen, nicht ausgezahlt",
    "paid": "ausgezahlt",
    "approved": "bewilligt",
    "recognised": "anerkannt",
    "claimed": "zurückgefordert",
    "repaid": "zurückgezahlt",
    "interest": "Zinsen",
}


@dataclass(frozen=True)
class Problem:
    """Something that does not hold, with the log position it concerns (None for a whole balance)."""

    position: int | None
    message: str

    def __str__(self) -> str:
        return f"Position {self.position}: {self.message}" if self.position is not None else self.message


# The independent recomputation -----------------------------------------------------------------


@dataclass
class _Grant:
    programme_id: UUID
    file_number: str
    approved: int = 0
    split: dict[int, int] = field(default_factory=dict)
    requested: int = 0
    paid: int = 0
    claimed: int = 0
    repaid: int = 0
    position: int = 0


class Recount:
    """Balances folded straight from the events: plain dicts of cents, no SQL, no read-model code."""

    def __init__(self) -> None:
        self.codes: dict[UUID, str] = {}
        self.years: dict[tuple[UUID, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
        self.touched: dict[tuple[UUID, int], int] = {}
        self.grants: dict[UUID, _Grant] = {}
        self.commitments: dict[tuple[UUID, UUID, int], int] = defaultdict(int)
        self.payments: dict[UUID, tuple[UUID, int, int]] = {}
        self.open_payments: set[UUID] = set()
        self.draws: dict[tuple[UUID, int], list[list[Any]]] = defaultdict(list)
        self.charges: dict[UUID, list[tuple[UUID, int, int]]] = {}
        self.claims: dict[UUID, UUID] = {}  # claim -> grant

    @staticmethod
    def _c(amount: Money) -> int:
        return int(amount.amount.scaleb(2))

    def _year(self, programme_id: UUID, year: int, position: int) -> dict[str, int]:
        self.touched[(programme_id, year)] = position
        return self.years[(programme_id, year)]

    def apply(self, e: Any, p: int) -> None:
        kind = type(e)
        if kind is Programme.Opened:
            self.codes[e.originator_id] = e.code
            for budget in e.budgets:
                self._year(e.originator_id, budget["fiscal_year"], p)["budget"] = self._c(budget["amount"])
        elif kind in (Programme.BudgetAllocated, Programme.BudgetAmended):
            self._year(e.originator_id, e.fiscal_year, p)["budget"] = self._c(e.amount)
        elif kind is Programme.FundsCommitted:
            self._year(e.originator_id, e.fiscal_year, p)["committed"] += self._c(e.amount)
            self.commitments[(e.originator_id, e.holder_id, e.fiscal_year)] += self._c(e.amount)
        elif kind is Programme.CommitmentAdjusted:
            self._year(e.originator_id, e.fiscal_year, p)["committed"] += self._c(e.amount) - self._c(e.previous)
            self.commitments[(e.originator_id, e.holder_id, e.fiscal_year)] = self._c(e.amount)
        elif kind is Grant.ApplicationReceived:
            self.grants[e.originator_id] = _Grant(e.programme_id, e.file_number, position=p)
        elif kind in (Grant.GrantApproved, Grant.GrantAmended):
            grant = self.grants[e.originator_id]
            grant.approved = self._c(e.terms.amount)
            grant.split = {int(year): self._c(amount) for year, amount in e.terms.year_split.items()}
            grant.position = p
        elif kind is Grant.PaymentRequested:
            grant = self.grants[e.originator_id]
            self.payments[e.payment_id] = (e.originator_id, e.on.year, self._c(e.amount))
            self.open_payments.add(e.payment_id)
            grant.requested += self._c(e.amount)
            grant.position = p
            self._year(grant.programme_id, e.on.year, p)["requested"] += self._c(e.amount)
        elif kind in (Grant.PaymentBooked, Grant.PaymentCancelled):
            grant = self.grants[e.originator_id]
            _, year, amount = self.payments[e.payment_id]
            if e.payment_id in self.open_payments:
                self.open_payments.discard(e.payment_id)
                grant.requested -= amount
                self._year(grant.programme_id, year, p)["requested"] -= amount
            if kind is Grant.PaymentBooked:
                grant.paid += self._c(e.amount)
                self._year(grant.programme_id, e.value_date.year, p)["paid"] += self._c(e.amount)
            grant.position = p
        elif kind is Grant.PaymentReturned:
            grant = self.grants[e.originator_id]
            grant.paid -= self._c(e.amount)
            grant.position = p
            self._year(grant.programme_id, e.value_date.year, p)["paid"] -= self._c(e.amount)
        elif kind is Grant.FinalAmountDetermined:
            grant = self.grants[e.originator_id]
            grant.position = p
            recognised = self._c(e.paid) - self._c(e.claim_amount) - self._c(e.not_pursued)
            self._year(grant.programme_id, e.on.year, p)["recognised"] += recognised
        elif kind is Claim.ClaimSet:
            self.claims[e.originator_id] = e.grant_id
            grant = self.grants[e.grant_id]
            grant.claimed += self._c(e.principal)
            grant.position = p
            self._year(e.programme_id, e.arose_on.year, p)["claimed"] += self._c(e.principal)
        elif kind is Claim.RepaymentReceived:
            grant = self.grants[self.claims[e.originator_id]]
            grant.repaid += self._c(e.to_principal)
            grant.position = p
            sums = self._year(grant.programme_id, e.value_date.year, p)
            sums["repaid"] += self._c(e.to_principal)
            sums["interest"] += self._c(e.to_interest)
        elif kind is Claim.InterestWaived:
            grant = self.grants[self.claims[e.originator_id]]
            grant.repaid += self._c(e.reclassified)
            grant.position = p
            sums = self._year(grant.programme_id, e.on.year, p)
            sums["repaid"] += self._c(e.reclassified)
            sums["interest"] -= self._c(e.reclassified)
        elif kind is Project.BudgetDrawn:
            draws = self.draws[(e.originator_id, e.fiscal_year)]
            for draw in draws:
                if draw[0] == e.programme_id:
                    draw[1] += self._c(e.amount)
                    break
            else:
                draws.append([e.programme_id, self._c(e.amount), 0])
        elif kind is Project.ExpenditureRecorded:
            year, rest = e.paid_on.year, self._c(e.euro)
            charged: list[tuple[UUID, int, int]] = []
            draws = self.draws[(e.originator_id, year)]
            for index, draw in enumerate(draws):
                last = index == len(draws) - 1
                take = rest if last else min(rest, max(draw[1] - draw[2], 0))
                if take:
                    draw[2] += take
                    rest -= take
                    charged.append((draw[0], year, take))
                    self._year(draw[0], year, p)["paid"] += take
            self.charges[e.expenditure_id] = charged
        elif kind is Project.ExpenditureReversed:
            for programme_id, year, amount in self.charges.pop(e.expenditure_id, []):
                for draw in self.draws[(e.originator_id, year)]:
                    if draw[0] == programme_id:
                        draw[2] -= amount
                self._year(programme_id, year, p)["paid"] -= amount


# Reading the log -----------------------------------------------------------------------------


def _notifications(projector: Projector) -> Iterator[Notification]:
    last: int | None = 0
    while True:
        batch = projector.app.recorder.select_notifications(start=last, limit=BATCH, inclusive_of_start=False)
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def _all_links(cursor: Cursor) -> list[SealLink]:
    links: list[SealLink] = []
    while True:
        batch = Seal.links(cursor, after=links[-1].position if links else 0, limit=5000)
        links.extend(batch)
        if len(batch) < 5000:
            return links


class _ChainCheck:
    """Compares each stored event with its link in the seal (recomputed under the seal key)."""

    def __init__(self, links: list[SealLink], key: bytes) -> None:
        self.key = key
        self.links = {link.position: link for link in links}
        self.previous: dict[int, str] = {}
        before = GENESIS
        for link in links:
            self.previous[link.position] = before
            before = link.hash
        self.head = links[-1].position if links else 0
        self.problems: list[Problem] = []
        self.upto: int | None = None  # events after this position were written while the check ran
        self.unsealed: list[int] = []

    def check(self, n: Notification) -> None:
        link = self.links.pop(n.id, None)
        if link is None:
            if n.id <= self.head:
                self.problems.append(Problem(n.id, "Ereignis ohne Siegel: nach dem Versiegeln eingefügt."))
            elif self.upto is None or n.id <= self.upto:
                self.unsealed.append(n.id)
            return
        originator = n.originator_id.hex if isinstance(n.originator_id, UUID) else str(n.originator_id)
        if (originator, n.originator_version, n.topic) != (link.originator_id, link.originator_version, link.topic):
            self.problems.append(
                Problem(
                    n.id,
                    f"An dieser Position steht ein anderes Ereignis als versiegelt ({_short(n.topic)} "
                    f"{originator} v{n.originator_version} statt {_short(link.topic)} {link.originator_id} "
                    f"v{link.originator_version}): verschoben oder ersetzt.",
                )
            )
        elif notification_hash(self.key, self.previous[n.id], n) != link.hash:
            self.problems.append(Problem(n.id, f"Ereignis {_short(n.topic)} wurde nach dem Versiegeln verändert."))

    def finish(self) -> list[Problem]:
        if self.unsealed:
            first, last = self.unsealed[0], self.unsealed[-1]
            where = f"Position {first}" if first == last else f"den Positionen {first} bis {last}"
            self.problems.append(
                Problem(
                    first,
                    f"{len(self.unsealed)} Ereignis(se) an {where} sind nicht versiegelt: Kein Follower hat sie "
                    "gesehen (läuft »foerderbuch serve« oder »foerderbuch follow«?) – oder sie wurden am Programm "
                    "vorbei in die Datenbank geschrieben. »verify« versiegelt nichts selbst.",
                )
            )
        for position, link in sorted(self.links.items()):
            self.problems.append(
                Problem(
                    position,
                    f"Versiegeltes Ereignis fehlt im Log ({_short(link.topic)} {link.originator_id} "
                    f"v{link.originator_version}): gelöscht oder verschoben.",
                )
            )
        return sorted(self.problems, key=lambda p: (p.position or 0, p.message))


def _short(topic: str) -> str:
    return topic.rpartition(":")[2]


# Comparing -----------------------------------------------------------------------------------


def _cents(value: Money) -> int:
    return int(value.amount.scaleb(2))


def _compare(
    problems: list[Problem], position: int | None, what: str, source: str, shown: int, recomputed: int
) -> None:
    if shown != recomputed:
        problems.append(
            Problem(
                position,
                f"{what}: {source} zeigt {_de(shown)}, aus den Ereignissen folgen {_de(recomputed)}.",
            )
        )


def _de(value: int) -> str:
    return Money(Decimal(value) / 100).de()


def _check_programmes(cursor: Cursor, recount: Recount, problems: list[Problem]) -> None:
    def label(programme_id: UUID, year: int) -> str:
        return f"Programm {recount.codes.get(programme_id, programme_id.hex)} {year}"

    rows = {(r.programme_id, r.fiscal_year): r for r in ProgrammeBalances.years(cursor)}
    register = {(r.programme_id, r.fiscal_year): r for r in Register.programme_years(cursor)}
    journal_keys = set(Journal.programme_years(cursor))
    keys = sorted(set(recount.years) | set(rows) | journal_keys, key=lambda k: (k[0].hex, k[1]))
    for key in keys:
        expected = recount.years.get(key, dict.fromkeys(MEASURES, 0))
        position = recount.touched.get(key)
        row = rows.get(key)
        if row is None:
            if any(expected.values()):
                problems.append(Problem(position, f"{label(*key)}: fehlt in den Programmsalden."))
        else:
            for measure in MEASURES:
                _compare(
                    problems,
                    position,
                    f"{label(*key)} {MEASURE_GERMAN[measure]}",
                    "Programmsalden",
                    _cents(getattr(row, measure)),
                    expected[measure],
                )
        balance = Journal.programme_balance(cursor, key[0], key[1])
        for measure in MEASURES:
            _compare(
                problems,
                position,
                f"{label(*key)} {MEASURE_GERMAN[measure]}",
                "das Journal",
                _cents(getattr(balance, measure)),
                expected[measure],
            )
        registered = register.get(key)
        if registered is not None:
            _compare(
                problems,
                position,
                f"{label(*key)} Budget",
                "das Register",
                _cents(registered.budget),
                expected["budget"],
            )
            _compare(
                problems,
                position,
                f"{label(*key)} gebunden",
                "das Register",
                _cents(registered.committed),
                expected["committed"],
            )


def _check_grants(cursor: Cursor, recount: Recount, problems: list[Problem]) -> None:
    overview_ids = {row.grant_id for row in GrantOverview.grants(cursor, _FAR_PAST, limit=10**9)}
    for grant_id in sorted(set(recount.grants) | overview_ids, key=lambda g: g.hex):
        grant = recount.grants.get(grant_id)
        if grant is None:
            problems.append(Problem(None, f"Zuwendung {grant_id}: in der Übersicht, aber nicht im Log."))
            continue
        label = f"Zuwendung {grant.file_number}"
        expected = {
            "approved": grant.approved,
            "requested": grant.requested,
            "paid": grant.paid,
            "claimed": grant.claimed,
            "repaid": grant.repaid,
        }
        row = GrantOverview.grant(cursor, grant_id, today=_FAR_PAST)
        if row is None:
            problems.append(Problem(grant.position, f"{label}: fehlt in der Übersicht."))
        else:
            for measure in GRANT_MEASURES:
                _compare(
                    problems,
                    grant.position,
                    f"{label} {MEASURE_GERMAN[measure]}",
                    "die Übersicht",
                    _cents(getattr(row, measure)),
                    expected[measure],
                )
        balance = Journal.grant_balance(cursor, grant_id)
        bound = sum(c for (_, holder, _), c in recount.commitments.items() if holder == grant_id)
        _compare(problems, grant.position, f"{label} gebunden", "das Journal", _cents(balance.committed), bound)
        _compare(
            problems,
            grant.position,
            f"{label} {MEASURE_GERMAN['requested']}",
            "das Journal",
            _cents(balance.requested),
            grant.requested,
        )
        for measure in ("paid", "claimed", "repaid"):
            _compare(
                problems,
                grant.position,
                f"{label} {MEASURE_GERMAN[measure]}",
                "das Journal",
                _cents(getattr(balance, measure)),
                expected[measure],
            )
    for registered in Register.grants(cursor, limit=10**9):
        grant = recount.grants.get(registered.grant_id)
        if grant is not None:
            label = f"Zuwendung {grant.file_number}"
            _compare(
                problems, grant.position, f"{label} ausgezahlt", "das Register", _cents(registered.paid), grant.paid
            )
            _compare(
                problems,
                grant.position,
                f"{label} bewilligt",
                "das Register",
                _cents(registered.approved),
                grant.approved,
            )


def _check_journal(cursor: Cursor, problems: list[Problem]) -> None:
    for position, year, total in Journal.unbalanced(cursor):
        problems.append(
            Problem(
                position, f"Die Buchungen dieses Ereignisses im Haushaltsjahr {year} ergeben {total.de()} statt 0,00 €."
            )
        )
    for year in Journal.fiscal_years(cursor):
        total = Journal.trial_balance(cursor, year).total
        if total:
            problems.append(Problem(None, f"Die Summenbilanz {year} ergibt {total.de()} statt 0,00 €."))


def verify(projector: Projector, upto: int | None = None) -> list[Problem]:
    """Checks the log and every read model against it; returns every problem found.

    Events the seal has not seen yet are a finding (``verify`` never seals): those up to ``upto``, the
    log's head when the check began (None: all), since later ones may simply be new."""
    problems: list[Problem] = []
    for name in projector.models:
        if name == Seal.name:
            continue
        pending = projector.pending(name)
        if pending:
            problems.append(Problem(None, f"Lesemodell {name} ist nicht auf Stand: {pending} Ereignisse offen."))
    seal = projector.models[Seal.name]
    assert isinstance(seal, Seal)
    key = seal.key()
    with projector.db.transaction() as cursor:
        recorded_ids = Seal.key_ids(cursor)
        chain = _ChainCheck(_all_links(cursor), key)
    if recorded_ids and recorded_ids != [key_id(key)]:
        problems.append(
            Problem(
                None,
                f"Der Siegelschlüssel (Kennung {key_id(key)}) ist nicht der, mit dem dieser Log versiegelt ist "
                f"(Kennung {', '.join(recorded_ids)}): Die Siegelkette lässt sich so nicht prüfen.",
            )
        )
        chain = _ChainCheck([], key)  # every link would differ: one finding says it
        chain.head = 10**18
    chain.upto = upto
    recount = Recount()
    for notification in _notifications(projector):
        chain.check(notification)
        try:
            event = projector.app.mapper.to_domain_event(notification)
        except Exception as error:  # a damaged stored event must be reported, not stop the check
            problems.append(Problem(notification.id, f"Ereignis nicht lesbar: {type(error).__name__}: {error}"))
            continue
        try:
            recount.apply(event, notification.id)
        except (KeyError, AttributeError, TypeError) as error:
            problems.append(Problem(notification.id, f"Ereignis passt nicht zum Log davor: {error!r}"))
    problems.extend(chain.finish())
    problems.extend(check_snapshots(projector))
    with projector.db.transaction() as cursor:
        _check_programmes(cursor, recount, problems)
        _check_grants(cursor, recount, problems)
        _check_journal(cursor, problems)
    return problems


def _bad_snapshots(projector: Projector) -> tuple[str | None, list[tuple[Any, StoredEvent]]]:
    """The snapshot table and every stored snapshot whose MAC does not hold under the seal key."""
    store = getattr(projector.app, "snapshots", None)
    if not isinstance(store, SealedSnapshots) or projector.db.kind not in ("sqlite", "postgres"):
        return None, []
    table = getattr(store.recorder, "events_table_name", None)
    if not table or not str(table).replace("_", "").isalnum():
        return None, []
    key = store.key()
    with projector.db.transaction() as cursor:
        if not projector.db.table_exists(cursor, table):
            return None, []
        cursor.execute(f"SELECT originator_id, originator_version, topic, state FROM {table}")
        rows = cursor.fetchall()
    bad = []
    for row in rows:
        originator = row["originator_id"]
        stored = StoredEvent(
            originator_id=originator if isinstance(originator, UUID) else UUID(str(originator)),
            originator_version=int(row["originator_version"]),
            topic=str(row["topic"]),
            state=bytes(row["state"]),
        )
        if unseal(key, stored) is None:
            bad.append((originator, stored))
    return table, bad


def drop_unsealed_snapshots(projector: Projector) -> int:
    """Removes the snapshots whose MAC does not hold (a cache: the events rebuild the state)."""
    table, bad = _bad_snapshots(projector)
    if table is None or not bad:
        return 0
    with projector.db.transaction(exclusive=True) as cursor:
        for originator, stored in bad:
            cursor.execute(
                f"DELETE FROM {table} WHERE originator_id = ? AND originator_version = ?",
                (originator, stored.originator_version),
            )
    return len(bad)


def check_snapshots(projector: Projector) -> list[Problem]:
    """Every stored snapshot must carry a valid MAC; one that does not is never used, and reported here
    with its aggregate and version."""
    problems: list[Problem] = []
    for _, stored in _bad_snapshots(projector)[1]:
        problems.append(
            Problem(
                None,
                f"Schnappschuss {_short(stored.topic)} von {stored.originator_id} Version "
                f"{stored.originator_version}: Siegel fehlt oder stimmt nicht (verändert?). Er wird nicht "
                "verwendet; das Aggregat wird aus seinen Ereignissen geladen.",
            )
        )
    return sorted(problems, key=lambda p: p.message)


def check_anchor(projector: Projector, position: int, mac: str, anchored_at: str = "") -> list[Problem]:
    """Proves that the log up to ``position`` is still what was anchored: the chain is recomputed from the
    first event under the seal key, independent of the seal's stored links, and must end in ``mac``."""
    seal = projector.models[Seal.name]
    assert isinstance(seal, Seal)
    key = seal.key()
    previous, last = GENESIS, 0
    for notification in _notifications(projector):
        if notification.id > position:
            break
        previous, last = notification_hash(key, previous, notification), notification.id
    when = f" vom {anchored_at}" if anchored_at else ""
    if last < position:
        return [Problem(position, f"Der Anker{when} nennt Position {position}, der Log reicht nur bis {last}.")]
    if not hmac.compare_digest(previous, mac):
        return [
            Problem(
                position,
                f"Der Log bis Position {position} ist nicht mehr der verankerte{when}: Die Prüfsumme ergibt "
                f"{previous[:16]} statt {mac[:16]} (verändert, gelöscht, eingefügt – oder ein anderer Schlüssel).",
            )
        ]
    return []
