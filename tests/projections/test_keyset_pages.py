"""The grant list pages by key: walking forward (``after``) or back (``before``) page by page gives
every matching grant exactly once, in the list's order (newest application first, then by file number),
for every filter — and a grant recorded while someone pages neither repeats a row nor hides one.
The same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from ledger_story import SUMMER, TODAY, World, plan

from projections.grant_overview import GrantOverview
from projections.web_queries import GrantFilter, GrantKey, count_grants, grant_list_page

DAYS = [date(2026, 2, 1), date(2026, 2, 14), date(2026, 3, 1), date(2026, 3, 9), date(2026, 4, 2)]


@pytest.fixture(scope="module")
def listed(world: World) -> World:
    """37 more applications over five days (many on the same day), alternating between two
    organisations; every third one approved."""
    story, app = world.story, world.app
    for n in range(37):
        organisation = story.dfg if n % 2 else story.auslandsgesellschaft
        grant = app.apply_for_grant(
            story.vereinsarbeit,
            organisation,
            f"Seitenweise {n}",
            "Austausch",
            "Leeds" if n % 5 == 0 else "Amiens",
            SUMMER,
            "fixed",
            plan("500.00"),
            story.petra,
            on=DAYS[(n * 7) % len(DAYS)],
            file_number=f"IB-2026-K{(n * 13) % 97:03d}",
        )
        if n % 3 == 0:
            app.review_application(grant, True, True, "ok", story.petra, on=date(2026, 4, 3))
    world.projector.catch_up()
    return world


def _everything(world: World, filters: GrantFilter) -> list[str]:
    """The expected list: every matching grant, sorted in Python."""
    with world.projector.db.transaction() as cursor:
        rows = GrantOverview.grants(cursor, TODAY, limit=10_000)
    wanted = [
        r
        for r in rows
        if (filters.organisation_id is None or r.organisation_id == filters.organisation_id)
        and (filters.status is None or r.status == filters.status)
        and (filters.partner_city is None or r.partner_city == filters.partner_city)
        and (filters.programme_id is None or r.programme_id == filters.programme_id)
        and filters.organisation_name.lower() in r.organisation_name.lower()
    ]
    by_number = sorted(wanted, key=lambda r: r.file_number)
    return [r.file_number for r in sorted(by_number, key=lambda r: r.applied_on, reverse=True)]


def _forward(world: World, filters: GrantFilter, size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    after: GrantKey | None = None
    with world.projector.db.transaction() as cursor:
        while True:
            page = grant_list_page(cursor, TODAY, filters, size, after=after)
            assert page.has_previous == bool(pages)
            pages.append([r.file_number for r in page.rows])
            if not page.has_next:
                return pages
            after = page.last
            assert len(pages) < 100


def _filters(world: World) -> list[GrantFilter]:
    story = world.story
    return [
        GrantFilter(),
        GrantFilter(organisation_id=story.dfg),
        GrantFilter(status="reviewed"),
        GrantFilter(partner_city="Leeds"),
        GrantFilter(programme_id=story.vereinsarbeit, status="applied"),
        GrantFilter(organisation_name="deutsch-franz"),
    ]


@pytest.mark.parametrize("size", [1, 7, 25])
def test_walking_forward_gives_every_grant_once_in_order(listed: World, size: int) -> None:
    for filters in _filters(listed):
        expected = _everything(listed, filters)
        pages = _forward(listed, filters, size)
        assert [n for page in pages for n in page] == expected, filters
        assert all(len(page) == size for page in pages[:-1])
        with listed.projector.db.transaction() as cursor:
            assert count_grants(cursor, TODAY, filters) == (len(expected), False)


def test_walking_back_gives_the_same_pages(listed: World) -> None:
    filters = GrantFilter(organisation_id=listed.story.dfg)
    pages = _forward(listed, filters, 4)
    assert len(pages) > 3
    with listed.projector.db.transaction() as cursor:
        first_of_last = GrantKey.parse(_key(cursor, pages[-1][0]))
        back: list[list[str]] = []
        before = first_of_last
        while True:
            page = grant_list_page(cursor, TODAY, filters, 4, before=before)
            assert page.has_next
            back.insert(0, [r.file_number for r in page.rows])
            if not page.has_previous:
                break
            before = page.first
    assert back == pages[:-1]


def _key(cursor, file_number: str) -> str:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT applied_on, file_number FROM go_grants WHERE file_number = ?", (file_number,))
    row = cursor.fetchone()
    return f"{row['applied_on']}_{row['file_number']}"


def test_a_grant_recorded_while_paging_repeats_nothing_and_hides_nothing(listed: World) -> None:
    filters = GrantFilter(organisation_id=listed.story.auslandsgesellschaft)
    before = _everything(listed, filters)
    with listed.projector.db.transaction() as cursor:
        first = grant_list_page(cursor, TODAY, filters, 5)
    story = listed.story
    listed.app.apply_for_grant(
        story.vereinsarbeit,
        story.auslandsgesellschaft,
        "Neu während des Blätterns",
        "Austausch",
        "Amiens",
        SUMMER,
        "fixed",
        plan("500.00"),
        story.petra,
        on=date(2026, 10, 30),
        file_number="IB-2026-NEU",
    )
    listed.projector.catch_up()
    seen = [r.file_number for r in first.rows]
    after = first.last
    with listed.projector.db.transaction() as cursor:
        while after is not None:
            page = grant_list_page(cursor, TODAY, filters, 5, after=after)
            seen += [r.file_number for r in page.rows]
            after = page.last if page.has_next else None
    assert seen == before  # the new one is on page 1 now, not pushed into the pages that follow


def test_counts_stop_at_the_cap(listed: World) -> None:
    with listed.projector.db.transaction() as cursor:
        assert count_grants(cursor, TODAY, GrantFilter(), cap=5) == (5, True)
        total, more = count_grants(cursor, TODAY, GrantFilter())
    assert not more and total == len(_everything(listed, GrantFilter()))


@pytest.mark.parametrize("token", ["", "nix", "2026-13-01_IB", "2026-03-01", "2026-03-01_", "x" * 300])
def test_a_key_that_is_not_one_means_the_first_page(token: str) -> None:
    assert GrantKey.parse(token) is None


def test_a_key_survives_its_token() -> None:
    key = GrantKey("2026-03-01", "IB-2026_0001")
    assert GrantKey.parse(key.token()) == key
    assert isinstance(UUID(int=1), UUID)
