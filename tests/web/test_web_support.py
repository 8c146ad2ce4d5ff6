"""The test helpers themselves: ``a_grant`` makes a grant of the organisation it is asked for."""

from __future__ import annotations

import pytest
from web_support import World, a_grant


@pytest.mark.parametrize("organisation", ["dfg", "leeds"])
def test_a_grant_belongs_to_the_organisation_named_and_its_member_acts_for_it(world: World, organisation: str):
    grant_id = a_grant(world, "determined", organisation=organisation, number=f"IB-2026-00{len(organisation)}")
    grant = world.office.grant(grant_id)

    assert grant.organisation_id == getattr(world, organisation)
    (payment,) = grant.payments.values()
    assert payment["requested_by"] == world.users[organisation]
    assert grant.status == "final_amount_determined"


def test_an_unknown_organisation_is_an_error_not_a_dfg_grant(world: World):
    with pytest.raises(ValueError, match="neither"):
        a_grant(world, organisation="Leeds")
