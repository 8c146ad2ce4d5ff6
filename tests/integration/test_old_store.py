"""A store written by release 0.1.0 still loads: every aggregate replays, and stored events keep their meaning.

``tests/fixtures/store-0.1.0-demo.jsonl`` holds the stored events of that release's demo (JSON lines of
``stored_events`` rows). They are written into a fresh store as they are, then every aggregate is
replayed with today's code. What the events said stays what they mean: rule sets recorded with a fixed
``interest_margin`` of 5 points count as the city's notices under the VwVfG NRW (the margin now follows
the legal basis), while claims already set keep the fixed margin they were set with; relief, repayments
and payment returns keep their amounts. The read models fold the old log too, and ``verify`` finds the
balances they show in the events.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.application import FundingOffice
from domain.claim import Claim
from domain.grant import Grant
from domain.interest import VWVFG_NRW
from domain.money import Money
from domain.programme import Programme
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.verify import verify

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store-0.1.0-demo.jsonl"


def stored_rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_old_store(office: FundingOffice) -> list[UUID]:
    """Writes the fixture's rows into the office's store, in their order; returns the aggregate ids."""
    rows = sorted(stored_rows(), key=lambda row: int(row["rowid"]))  # type: ignore[arg-type]
    for row in rows:
        office.recorder.insert_events(
            [
                StoredEvent(
                    originator_id=UUID(str(row["originator_id"])),
                    originator_version=int(row["originator_version"]),  # type: ignore[arg-type]
                    topic=str(row["topic"]),
                    state=str(row["state"]).encode("utf-8"),
                )
            ]
        )
    return list(dict.fromkeys(UUID(str(row["originator_id"])) for row in rows))


@pytest.fixture
def old_office(sqlite_settings: Settings) -> FundingOffice:
    office = create_office(sqlite_settings, today=lambda: date(2026, 12, 5))
    load_old_store(office)
    yield office  # type: ignore[misc]
    office.close()


def test_every_aggregate_of_the_old_demo_replays(old_office: FundingOffice) -> None:
    rows = stored_rows()
    ids = list(dict.fromkeys(UUID(str(r["originator_id"])) for r in rows))
    versions = Counter(UUID(str(r["originator_id"])) for r in rows)
    kinds: Counter[str] = Counter()
    for aggregate_id in ids:
        aggregate = old_office.repository.get(aggregate_id)
        assert aggregate.version == versions[aggregate_id]
        kinds[type(aggregate).__name__] += 1
    assert kinds == {"User": 13, "Programme": 4, "Organisation": 12, "Project": 2, "Grant": 22, "Claim": 3}


def test_old_rule_sets_are_the_citys_notices_and_old_claims_keep_their_margin(old_office: FundingOffice) -> None:
    programmes = [
        old_office.repository.get(UUID(str(r["originator_id"])))
        for r in stored_rows()
        if r["topic"] == "domain.programme:Programme.Opened"
    ]
    assert all(isinstance(p, Programme) and p.rule_set.legal_basis == VWVFG_NRW for p in programmes)
    claims = [
        old_office.repository.get(UUID(str(r["originator_id"])))
        for r in stored_rows()
        if r["topic"] == "domain.claim:Claim.ClaimSet"
    ]
    assert len(claims) == 3
    for claim in claims:
        assert isinstance(claim, Claim)
        assert (claim.legal_basis, claim.interest_margin) == (None, Decimal("5"))
        # the interest of an old claim still runs at the margin it was set with
        assert claim.margin(old_office.interest_table()) == Decimal("5")
    open_claims = [c for c in claims if c.status == "open"]
    assert open_claims, "the old demo has an open (deferred) claim"
    for claim in open_claims:
        assert claim.amount_due(date(2026, 12, 5), old_office.interest_table()) >= claim.outstanding


def test_old_grants_keep_their_payments_and_final_amounts(old_office: FundingOffice) -> None:
    grants = [
        old_office.repository.get(UUID(str(r["originator_id"])))
        for r in stored_rows()
        if r["topic"] == "domain.grant:Grant.ApplicationReceived"
    ]
    assert all(isinstance(g, Grant) for g in grants)
    returned = Money.sum(p["returned"] for g in grants for p in g.payments.values())
    assert returned == Money("5350.00")  # the three payment returns of the old demo, as recorded
    determined = [g for g in grants if g.final_amount is not None]
    assert len(determined) == 4  # three final amounts and one revocation


def test_the_read_models_fold_the_old_log_and_verify_finds_nothing(
    sqlite_settings: Settings, old_office: FundingOffice
) -> None:
    projector = create_projector(sqlite_settings, old_office)
    try:
        projector.catch_up()
        assert verify(projector) == []
    finally:
        projector.db.close()
