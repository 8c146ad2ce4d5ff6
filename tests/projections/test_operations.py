"""``projections status`` and ``projections rebuild``: where each read model stands, and rebuilding
from zero reproduces every read model exactly."""

from __future__ import annotations

import io
from collections.abc import Callable

from ledger_story import dump_read_models, tell
from rich.console import Console

from domain.application import FundingOffice
from foerderbuch import operations
from foerderbuch.settings import Settings
from projections.engine import Projector

Services = Callable[..., tuple[FundingOffice, Projector]]


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200, color_system=None), out


def test_status_shows_each_read_models_position_and_what_it_still_has_to_apply(
    fresh_settings: Settings, services: Services
) -> None:
    app, projector = services(fresh_settings)
    tell(app)
    head = app.recorder.max_notification_id()
    screen, out = console()

    before = operations.projections_status(fresh_settings, screen)
    projector.catch_up(["seal", "journal"])
    after = {row.name: row for row in operations.projections_status(fresh_settings, screen)}

    assert [row.name for row in before] == list(projector.models)
    assert all(row.position == 0 and row.log_head == head for row in before)
    # every read model has something to apply in this story, but the associations' account requests and
    # the accessibility feedback (nobody reported a barrier)
    quiet = ("account_requests", "accessibility_feedback")
    assert all(row.pending > 0 for row in before if row.name not in quiet)
    assert before[-1].pending == head  # the seal reads every event
    assert (after["seal"].position, after["seal"].behind, after["seal"].pending) == (head, 0, 0)
    assert after["journal"].pending == 0 and after["journal"].position <= head
    assert after["register"].pending == before[0].pending
    assert "Lesemodelle (Log bis Ereignis" in out.getvalue() and "work_queues" in out.getvalue()


def test_a_rebuild_from_zero_reproduces_every_read_model_exactly(fresh_settings: Settings, services: Services) -> None:
    app, projector = services(fresh_settings)
    tell(app)
    projector.catch_up()
    before = dump_read_models(projector)
    screen, out = console()

    code = operations.projections_rebuild(fresh_settings, console=screen)

    assert code == 0
    assert dump_read_models(projector) == before
    assert "Neu aufgebaut: register, programme_balances" in out.getvalue()
    assert "seal" not in out.getvalue()  # the seal is kept unless named


def test_one_read_model_can_be_rebuilt_by_name_even_the_seal_with_a_warning(
    fresh_settings: Settings, services: Services
) -> None:
    app, projector = services(fresh_settings)
    tell(app)
    projector.catch_up()
    before = dump_read_models(projector)
    with projector.db.transaction() as cursor:
        cursor.execute("DELETE FROM jr_entries")
    screen, out = console()

    assert operations.projections_rebuild(fresh_settings, "journal", screen) == 0
    assert dump_read_models(projector) == before
    seal_before = dump_read_models(projector, ["seal"])

    assert operations.projections_rebuild(fresh_settings, "seal", screen) == 2  # not without a reason
    assert dump_read_models(projector, ["seal"]) == seal_before
    assert operations.projections_rebuild(fresh_settings, "seal", screen, reason="Probe") == 0

    others = [name for name in projector.models if name != "seal"]
    assert dump_read_models(projector, others) == {k: v for k, v in before.items() if not k.startswith("seal_")}
    links = dump_read_models(projector, ["seal"])["seal_links"]
    assert set(seal_before["seal_links"]) <= set(links)  # the same chain, renewed
    assert len(links) == len(seal_before["seal_links"]) + 2  # and the record of the renewal sealed with it
    assert "Achtung: Das Siegel wird neu berechnet" in out.getvalue()


def test_rebuilding_an_unknown_read_model_is_refused(fresh_settings: Settings) -> None:
    screen, out = console()

    assert operations.projections_rebuild(fresh_settings, "bilanz", screen) == 2
    assert "Unbekanntes Lesemodell »bilanz«" in out.getvalue()
