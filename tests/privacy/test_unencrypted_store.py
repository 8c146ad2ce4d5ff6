"""A store written before personal data was encrypted keeps loading, and its people can still be erased.

``tests/fixtures/store-main-99fdf80-demo.jsonl.gz`` holds the stored events of the demo as main wrote it
at commit 99fdf80 (names and addresses in clear). They are written into a fresh store as they are; the
office built with the key store reads them unchanged, the read models fold them and ``verify`` is
green. Erasing a person there cannot change the old bytes (the seal protects them), so their fields
read as "gelöscht" through the list of erased subjects, and the command says how many stay in clear.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.application import FundingOffice
from domain.organisation import Organisation
from domain.user import User
from foerderbuch.cli import main
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.verify import verify

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store-main-99fdf80-demo.jsonl.gz"
EMAIL = "vorstand@dfg-dortmund.example"
ERASE_CLAIRE = ["privacy", "erase", "person", EMAIL, "--reason", "Antrag vom 01.12.2026"]
ERASE_CLAIRE += ["--by", "admin@dortmund.example", "--yes"]


def stored_rows() -> list[dict[str, object]]:
    text = gzip.decompress(FIXTURE.read_bytes()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load(office: FundingOffice) -> None:
    for row in sorted(stored_rows(), key=lambda r: int(r["rowid"])):  # type: ignore[arg-type]
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


@pytest.fixture
def old_store(sqlite_settings: Settings) -> Settings:
    office = create_office(sqlite_settings, today=lambda: date(2026, 12, 5))
    try:
        load(office)
    finally:
        office.close()
    return sqlite_settings


def test_the_unencrypted_demo_replays_folds_and_verifies(old_store: Settings) -> None:
    office = create_office(old_store, today=lambda: date(2026, 12, 5))
    projector = create_projector(old_store, office)
    try:
        rows = stored_rows()
        versions = Counter(UUID(str(r["originator_id"])) for r in rows)
        kinds: Counter[str] = Counter()
        for aggregate_id, version in versions.items():
            aggregate = office.repository.get(aggregate_id)
            assert aggregate.version == version
            kinds[type(aggregate).__name__] += 1
        assert kinds["User"] == 13 and kinds["Organisation"] == 12 and kinds["Grant"] == 22
        assert office.user_by_email(EMAIL).display_name == "Claire Dubois-Becker"
        projector.set_up()
        projector.catch_up()
        assert verify(projector) == []
    finally:
        projector.db.close()
        office.close()


def test_a_person_of_the_unencrypted_store_is_erased_by_the_list_of_erased_subjects(old_store: Settings) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(ERASE_CLAIRE, settings=old_store)
    assert code == 0, out.getvalue()
    assert "Klartext" in out.getvalue()  # the command says that old bytes stay in the log
    office = create_office(old_store, today=lambda: date(2026, 12, 5))
    try:
        users = [
            office.repository.get(UUID(str(r["originator_id"])))
            for r in stored_rows()
            if str(r["topic"]).endswith("User.Registered")
        ]
        erased = [u for u in users if isinstance(u, User) and u.email == "gelöscht"]
        assert len(erased) == 1 and erased[0].display_name == "gelöscht" and erased[0].disabled
        organisations = [
            office.repository.get(UUID(str(r["originator_id"])))
            for r in stored_rows()
            if str(r["topic"]).endswith("Organisation.Registered")
        ]
        names = [p["name"] for o in organisations if isinstance(o, Organisation) for p in o.contact_persons.values()]
        assert "Claire Dubois-Becker" not in names and names.count("gelöscht") == 1
    finally:
        office.close()
    assert main(["verify"], settings=old_store) == 0
