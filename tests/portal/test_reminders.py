"""Reminders that send themselves: before the deadline, on the day and after it — each once, whoever runs
them how often — with the overdue proof in the officers' work queue and a reminder letter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from portal_support import Member, World, a_grant
from starlette.testclient import TestClient

from exports.letters.service import Letters
from foerderbuch.reminders import send_due_reminders
from foerderbuch.settings import Settings
from projections.case_file import CaseFile
from projections.notifications import Notifications
from web.services import Services

DUE = date(2027, 3, 30)  # the final proof of a grant ending 30.09.2026, six months after


def run(services: Services, day: date, days_before: int = 14) -> dict[str, int]:
    letters = Letters(services.office, services.projector, services.documents)
    report = send_due_reminders(services.office, services.projector, letters, days_before, today=day)
    assert report.problems == []
    return {stage: n for stage, n in report.sent.items() if n}


def news(services: Services, organisation) -> list[str]:
    services.projector.catch_up()
    with services.projector.db.transaction() as cursor:
        return [n.text for n in Notifications.of(cursor, organisation)]


def test_each_stage_is_sent_once_on_its_day(client: TestClient, world: World, services: Services) -> None:
    grant = a_grant(world, "approved")

    assert run(services, date(2027, 3, 1)) == {}  # 29 days ahead: nothing yet
    assert run(services, date(2027, 3, 16)) == {"before": 1}  # 14 days before
    assert run(services, date(2027, 3, 16)) == {}  # the same day again
    assert run(services, date(2027, 3, 20)) == {}  # still before: already reminded
    assert run(services, DUE) == {"due": 1}
    assert run(services, date(2027, 3, 31)) == {"overdue": 1}
    assert run(services, date(2027, 4, 30)) == {}  # overdue stays one reminder

    texts = news(services, world.dfg)
    assert any("ist fällig am 30.03.2027. Bitte denken Sie rechtzeitig daran." in t for t in texts)
    assert any("ist heute fällig (30.03.2027)" in t for t in texts)
    assert any(t.startswith("Mahnung: Der Verwendungsnachweis war am 30.03.2027 fällig") for t in texts)
    with services.projector.db.transaction() as cursor:
        letters = CaseFile.letters(cursor, grant)
    assert [letter.kind for letter in letters] == ["erinnerung"]


def test_an_overdue_proof_lands_in_the_officers_queue_until_it_comes_in(
    client: TestClient, world: World, services: Services
) -> None:
    grant = a_grant(world, "approved")
    member = Member(client, world)
    run(services, date(2027, 4, 2))
    services.projector.catch_up()

    member.sign_in("officer")
    dashboard = member.get("/").text
    queue = dashboard.split("Überfällige Nachweise nachfassen")[1]
    assert "Jugendbegegnung Amiens 2026" in queue.split("</section>")[0]
    page = member.get(f"/zuwendungen/{grant}").text
    assert "Mahnung: Frist überschritten an den Verwendungsnachweis" in page and "(automatisch)" in page

    office = services.office
    plan = office.grant(grant).plan
    office.submit_proof_of_use(
        grant, "Bericht", plan.own_funds, plan.third_party_funds, plan.income, world.actor("dfg"), on=date(2027, 4, 3)
    )
    services.projector.catch_up()
    dashboard = member.get("/").text
    assert (
        "Jugendbegegnung Amiens 2026"
        not in dashboard.split("Überfällige Nachweise nachfassen")[1].split("</section>")[0]
    )
    assert run(services, date(2027, 4, 4)) == {}  # the proof is in: no more reminders


def test_an_extension_starts_the_reminders_afresh(client: TestClient, world: World, services: Services) -> None:
    grant = a_grant(world, "approved")
    assert run(services, DUE) == {"due": 1}
    services.office.extend_deadline(
        grant, "final", date(2027, 5, 31), "Krankheit im Vorstand", world.actor("officer"), on=DUE
    )

    assert run(services, date(2027, 3, 31)) == {}  # no longer overdue
    assert run(services, date(2027, 5, 20)) == {"before": 1}
    assert run(services, date(2027, 5, 31)) == {"due": 1}


def test_the_command_runs_the_reminders_of_the_day(
    client: TestClient, world: World, services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from foerderbuch.cli import main

    a_grant(world, "approved")
    settings = Settings(database_url=f"sqlite:///{tmp_path}/portal.sqlite", reminder_days_before=7)

    assert main(["reminders", "--on", "2027-03-25"], settings=settings) == 0
    assert "1 Erinnerungen versandt: 1 vor der Frist" in capsys.readouterr().out
    assert main(["reminders", "--on", "2027-03-25"], settings=settings) == 0
    assert "0 Erinnerungen versandt" in capsys.readouterr().out
    assert main(["reminders", "--on", "25.03.2027"], settings=settings) == 2
