"""Search in grant and organisation lists ignores case the way PostgreSQL's LOWER does, umlauts included.

SQLite's own LOWER and LIKE fold ASCII letters only, so "FRANZÖSISCHE" missed "Französische" there;
the read-model connections replace LOWER with Python's Unicode ``str.lower``. The same assertions run
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from ledger_story import ADDRESS, SUMMER, TODAY, World, plan

from projections.web_queries import GrantFilter, grant_page, organisation_page

DFG = "Deutsch-Französische Gesellschaft Dortmund e.V."
SHOUTING = "ÖKUMENISCHER ÜBERGABEKREIS ÄGIDIEN e.V."
HANDOVER = "ÜBERGABE der Hilfsgüter in Schytomyr"


@pytest.fixture(scope="module")
def shouted(world: World) -> World:
    """The story plus an association and an application written in capitals, umlauts included."""
    story, app = world.story, world.app
    organisation = app.register_organisation(
        SHOUTING, "e.V.", "VR 9999", ADDRESS, "DE89370400440532013000", story.petra
    )
    app.apply_for_grant(
        story.vereinsarbeit,
        organisation,
        HANDOVER,
        "Hilfslieferung",
        "Schytomyr",
        SUMMER,
        "share",
        plan("500.00"),
        story.petra,
        on=date(2026, 3, 1),
        file_number="IB-2026-0999",
    )
    world.projector.catch_up()
    return world


@pytest.mark.parametrize("typed", ["Übergabe", "übergabe", "ÜBERGABE", "üBERGABe", "Hilfsgüter", "HILFSGÜTER"])
def test_a_title_in_capitals_is_found_in_any_case(shouted: World, typed: str) -> None:
    with shouted.projector.db.transaction() as cursor:
        rows, total = grant_page(cursor, TODAY, GrantFilter(search=typed), limit=100)

    assert [row.title for row in rows] == [HANDOVER] and total == 1


@pytest.mark.parametrize("typed", ["ökumenischer", "Ökumenischer Übergabekreis", "ägidien", "ÄGIDIEN"])
def test_an_organisation_in_capitals_is_found_in_any_case(shouted: World, typed: str) -> None:
    with shouted.projector.db.transaction() as cursor:
        organisations, _ = organisation_page(cursor, typed)
        grants, _ = grant_page(cursor, TODAY, GrantFilter(search=typed), limit=100)

    assert [row.name for row in organisations] == [SHOUTING]
    assert [row.title for row in grants] == [HANDOVER]


@pytest.mark.parametrize("typed", ["Französische", "französische", "FRANZÖSISCHE", "fRANZöSISCHE", "ÖSISCH"])
def test_grants_are_found_by_their_organisation_in_any_case(world: World, typed: str) -> None:
    with world.projector.db.transaction() as cursor:
        rows, total = grant_page(cursor, TODAY, GrantFilter(search=typed), limit=100)
        everything, _ = grant_page(cursor, TODAY, GrantFilter(), limit=100)

    expected = {row.grant_id for row in everything if row.organisation_name == DFG}
    assert expected and {row.grant_id for row in rows} == expected
    assert total == len(expected)


@pytest.mark.parametrize("typed", ["deutsch-französische", "DEUTSCH-FRANZÖSISCHE", "Französische Gesellschaft"])
def test_organisations_are_found_in_any_case(world: World, typed: str) -> None:
    with world.projector.db.transaction() as cursor:
        rows, total = organisation_page(cursor, typed)

    assert [row.name for row in rows] == [DFG] and total == 1


def test_a_search_that_matches_nothing_finds_nothing(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        rows, total = grant_page(cursor, TODAY, GrantFilter(search="ÜBERGABEN"), limit=100)

    assert rows == [] and total == 0


def test_like_wildcards_typed_by_a_person_are_taken_literally(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        rows, total = organisation_page(cursor, "%")

    assert rows == [] and total == 0
