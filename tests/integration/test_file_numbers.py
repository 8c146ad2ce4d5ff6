"""File numbers by programme and year with a running number, without gaps or duplicates even when
applications arrive at the same moment through several offices on one store (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from domain.application import FundingOffice
from foerderbuch.settings import Settings

from .integration_support import PERIOD, fixed_plan, open_programme, register_association, register_staff, today

OFFICES = 4
EACH = 3


def _apply(app: FundingOffice, staff: Any, programme: Any, organisation: Any, **kwargs: Any) -> str:
    grant_id = app.apply_for_grant(
        programme,
        organisation,
        "Jugendbegegnung",
        "Austausch",
        "Amiens",
        PERIOD,
        "fixed",
        fixed_plan(),
        staff.actor(app, "officer"),
        **kwargs,
    )
    return app.grant(grant_id).file_number


def test_concurrent_applications_get_consecutive_numbers(
    backend: Settings, open_office: Callable[..., FundingOffice]
) -> None:
    first = open_office(backend, today=today)
    staff = register_staff(first)
    programme = open_programme(first, staff)
    kepol = open_programme(first, staff, code="KEPOL-KUMASI")
    organisation = register_association(first, staff)
    offices = [first] + [open_office(backend, today=today) for _ in range(OFFICES - 1)]
    barrier = threading.Barrier(OFFICES)
    numbers: list[str] = []
    failures: list[BaseException] = []

    def writer(app: FundingOffice) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(EACH):
                numbers.append(_apply(app, staff, programme, organisation))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(app,)) for app in offices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures, failures
    assert sorted(numbers) == [f"IB-2026-{n:03d}" for n in range(1, OFFICES * EACH + 1)]
    assert _apply(first, staff, kepol, organisation) == "KEPOL-2026-001"


def test_numbers_given_by_hand_or_imported_are_kept_and_stepped_over(
    sqlite_settings: Settings, open_office: Callable[..., FundingOffice]
) -> None:
    app = open_office(sqlite_settings, today=today)
    staff = register_staff(app)
    programme = open_programme(app, staff)
    organisation = register_association(app, staff)

    first = _apply(app, staff, programme, organisation)
    imported = _apply(app, staff, programme, organisation, file_number="IB-2026-002")
    old = _apply(app, staff, programme, organisation, file_number="IB-2025-FF5101")
    after = _apply(app, staff, programme, organisation)

    assert (first, imported, old, after) == ("IB-2026-001", "IB-2026-002", "IB-2025-FF5101", "IB-2026-003")
