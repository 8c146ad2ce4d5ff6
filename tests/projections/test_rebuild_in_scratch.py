"""Rebuilding folds the log into a scratch file while the old tables keep serving, then swaps them in;
a fresh database folds a long log the same way. Either gives exactly what folding event by event gives."""

from __future__ import annotations

from collections.abc import Callable

from ledger_story import dump_read_models, many_grants, tell

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from projections.engine import BatchReport, Projector
from projections.verify import verify

Services = Callable[..., tuple[FundingOffice, Projector]]


def test_the_old_tables_serve_until_the_rebuilt_ones_are_swapped_in(
    fresh_settings: Settings, services: Services
) -> None:
    office, projector = services(fresh_settings)
    tell(office)
    many_grants(office, 12)
    projector.catch_up()
    before = dump_read_models(projector)
    names = [name for name in projector.models if name != "seal"]
    seen_during: list[dict[str, list[tuple[str, ...]]]] = []

    def look(report: BatchReport) -> None:  # called between batches of the scratch fold
        seen_during.append(dump_read_models(projector, ["grant_overview", "journal"]))

    projector.rebuild(names, progress=look)

    assert seen_during, "the rebuild reported no batch"
    for seen in seen_during:  # the live tables were complete the whole time
        assert seen and seen == {table: before[table] for table in seen}
    assert dump_read_models(projector) == before
    assert all(position == projector.log_head() for position in projector.positions().values())
    assert verify(projector) == []


def test_a_fresh_database_folds_a_long_log_in_bulk_to_the_same_result(
    fresh_settings: Settings, services: Services
) -> None:
    office, one_by_one = services(fresh_settings)
    tell(office)
    many_grants(office, 8)
    one_by_one.bulk_threshold = 0
    one_by_one.catch_up()
    expected = dump_read_models(one_by_one)
    for name in one_by_one.models:  # forget everything, as a new database would
        with one_by_one.db.transaction(exclusive=True) as cursor:
            for table in one_by_one.models[name].tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("UPDATE projection_tracking SET position = 0 WHERE projection = ?", (name,))

    _, in_bulk = services(fresh_settings)
    in_bulk.bulk_threshold = 10
    batches: list[BatchReport] = []
    in_bulk.catch_up(progress=batches.append)

    assert batches and batches[-1].position == in_bulk.log_head()
    assert dump_read_models(in_bulk) == expected
    assert verify(in_bulk) == []
