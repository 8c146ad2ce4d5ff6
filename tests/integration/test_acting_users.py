"""Who acts is checked on every command, against the store as it is now — also when the acting
user is kept between commands (``FundingOffice._acting_aggregate``) and another process changes them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.actors import Role
from domain.application import FundingOffice
from domain.errors import NotPermittedError
from foerderbuch.settings import Settings

from .integration_support import register_association, register_staff


def test_a_user_disabled_by_another_process_is_refused_at_the_next_command(
    backend: Settings, open_office: Callable[..., FundingOffice]
) -> None:
    web, admin_host = open_office(backend), open_office(backend)
    staff = register_staff(web)
    officer = staff.actor(web, "officer")
    register_association(web, staff, "Deutsch-Französische Gesellschaft")  # the officer is now kept by `web`

    admin_host.disable_user(staff.officer, "Wechsel in ein anderes Amt", staff.actor(admin_host, "admin"))

    with pytest.raises(NotPermittedError, match="Dieser Zugang ist gesperrt"):
        web.verify_actor(officer)
    admin_host.enable_user(staff.officer, "Zurück im Amt", staff.actor(admin_host, "admin"))
    assert web.verify_actor(officer) == officer


def test_a_role_revoked_by_another_process_is_refused_at_the_next_command(
    backend: Settings, open_office: Callable[..., FundingOffice]
) -> None:
    web, admin_host = open_office(backend), open_office(backend)
    staff = register_staff(web)
    approver = staff.actor(web, "approver")
    web.verify_actor(approver)

    admin_host.grant_role(staff.approver, Role.OFFICER, staff.actor(admin_host, "admin"))
    admin_host.revoke_role(staff.approver, Role.APPROVER, "Neue Aufgabe", staff.actor(admin_host, "admin"))

    with pytest.raises(NotPermittedError, match="Rolle"):
        web.verify_actor(approver)
    assert web.verify_actor(staff.actor(web, "approver", "officer")).role is Role.OFFICER


def test_the_acting_cache_stays_bounded(sqlite_settings: Settings, open_office: Callable[..., FundingOffice]) -> None:
    office = open_office(sqlite_settings)
    staff = register_staff(office)
    office._acting_size = 2
    actors = [staff.actor(office, who) for who in ("admin", "officer", "officer2", "approver", "finance")]
    for actor in actors:
        assert office.verify_actor(actor) == actor
    assert list(office._acting) == [staff.approver, staff.finance]  # the two used last
