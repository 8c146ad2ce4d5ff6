"""Retention periods on the dated demo: ``privacy due`` lists exactly the records past their period, and
``privacy erase documents`` deletes a grant's files and conversation only once they are due.

The demo's dates are fixed (applications and closures in 2025 and 2026). The test adds a message with a
file to the withdrawn application IB-2025-006 and disables Jan Hoffmann's account, then asks for several
days. The expectation is worked out here from the events and the rules as the README states them: books
10 years, receipts, documents and messages 6 years from 1 January after the annual accounts (adopted
the year after), applications not granted 3 years and accounts 10 years from 1 January after.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from demo_support import DemoStore, copy_sqlite_store

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.grant import Grant
from foerderbuch.cli import main
from foerderbuch.documents import DocumentFiles
from foerderbuch.privacy.erasure import erase_grant_records, grant_records_due, key_store
from foerderbuch.privacy.retention import due
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def store(demo_store: DemoStore, tmp_path: Path) -> Settings:
    return copy_sqlite_store(demo_store.path, tmp_path / "foerderbuch.sqlite")


@pytest.fixture
def office(store: Settings) -> Any:
    office = create_office(store)
    yield office
    office.close()


def ended(office: FundingOffice, file_number: str) -> tuple[str, date]:
    """How and when a demo grant ended, read from its own events."""
    found = [
        (type(e).__name__, e.on)
        for e in office.events.get(Grant.create_id(file_number))
        if type(e).__name__ in ("ApplicationRejected", "ApplicationWithdrawn", "GrantClosed")
    ]
    assert len(found) == 1
    return found[0]


def listed(office: FundingOffice, settings: Settings, on: date) -> set[tuple[str, str]]:
    return {(r.category, r.what.split(" (")[0]) for r in due(office, key_store(office), settings, on)}


def test_due_lists_exactly_the_records_past_their_period(store: Settings, office: FundingOffice) -> None:
    officer = office.actor_for(office.user_by_email("s.krueger@dortmund.example").id, Role.OFFICER)
    upload = DocumentFiles.for_settings(store).save("Absage.pdf", io.BytesIO(PDF))
    office.post_message(Grant.create_id("IB-2025-006"), "Unterlagen zurück", officer, documents=[upload])
    hoffmann = office.user_by_email("j.hoffmann@dortmund.example").id
    office.disable_user(hoffmann, "Ruhestand", Actor.system())
    disabled_in = date.today().year

    closed_kind, closed_on = ended(office, "IB-2025-001")
    withdrawn_kind, withdrawn_on = ended(office, "IB-2025-006")
    assert (closed_kind, withdrawn_kind) == ("GrantClosed", "ApplicationWithdrawn")
    messages_due = date(closed_on.year + 1 + 1 + 6, 1, 1)  # after the annual accounts, adopted a year later
    application_due = date(withdrawn_on.year + 1 + 3, 1, 1)
    account_due = date(disabled_in + 1 + 10, 1, 1)
    assert application_due < messages_due < account_due

    def day_before(day: date) -> date:
        return date.fromordinal(day.toordinal() - 1)

    assert listed(office, store, day_before(application_due)) == set()
    assert listed(office, store, application_due) == {("applications", "Zuwendung IB-2025-006")}
    assert listed(office, store, day_before(messages_due)) == {("applications", "Zuwendung IB-2025-006")}
    assert listed(office, store, messages_due) == {
        ("applications", "Zuwendung IB-2025-006"),
        ("messages", "Zuwendung IB-2025-001"),
    }
    assert ("accounts", f"Benutzerkonto {hoffmann}") in listed(office, store, account_due)
    assert ("accounts", f"Benutzerkonto {hoffmann}") not in listed(office, store, day_before(account_due))
    record = next(r for r in due(office, key_store(office), store, application_due) if r.category == "applications")
    assert record.runs_from == date(withdrawn_on.year + 1, 1, 1) and record.due_on == application_due
    assert record.command == f"foerderbuch privacy erase documents {Grant.create_id('IB-2025-006')}"

    # The command line prints the same, with the rule and the dates.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["privacy", "due", "--on", f"{application_due:%d.%m.%Y}"], settings=store) == 0
    text = " ".join(out.getvalue().split())
    assert "IB-2025-006" in text and "IB-2025-001" not in text and f"{application_due:%d.%m.%Y}" in text


def test_erasing_a_grants_documents_waits_for_the_period_then_keeps_the_hashes(
    store: Settings, office: FundingOffice
) -> None:
    grant = Grant.create_id("IB-2025-006")
    officer = office.actor_for(office.user_by_email("s.krueger@dortmund.example").id, Role.OFFICER)
    files = DocumentFiles.for_settings(store)
    upload = files.save("Teilnehmerliste Quastenberg.pdf", io.BytesIO(PDF))
    office.post_message(grant, "Liste von Frau Quastenberg anbei", officer, documents=[upload])
    admin = office.actor_for(office.user_by_email("admin@dortmund.example").id, Role.ADMIN)

    # Today the period runs: the command refuses and says until when.
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        command = ["privacy", "erase", "documents", "IB-2025-006", "--reason", "Frist"]
        code = main([*command, "--by", "admin@dortmund.example", "--yes"], settings=store)
    assert code == 3 and "löschbar ab 01.01.20" in err.getvalue()
    assert files.read(upload["sha256"]) == PDF

    _, withdrawn_on = ended(office, "IB-2025-006")
    records = grant_records_due(office, store, grant, date(withdrawn_on.year + 1 + 3, 1, 1))
    assert records.documents == [upload["sha256"]] and records.conversation
    erase_grant_records(office, records, "Aufbewahrungsfrist abgelaufen", admin, files)

    assert files.read(upload["sha256"]) is None
    texts = [e for e in office.events.get(grant) if type(e).__name__ == "MessagePosted"]
    assert [e.text for e in texts] == ["gelöscht"]
    assert texts[0].documents[0]["sha256"] == upload["sha256"]  # the hash stays in the log
    assert not any("IB-2025-006" in what for _, what in listed(office, store, date(2100, 1, 1)))
    # The grant's history says what was erased, why, on which rule and who decided.
    projector = create_projector(store, office)
    try:
        projector.set_up()
        projector.catch_up()
        with projector.db.transaction() as cursor:
            cursor.execute("SELECT * FROM tl_entries WHERE grant_id = ? ORDER BY position DESC", (grant.hex,))
            last = cursor.fetchone()
    finally:
        projector.db.close()
    assert last is not None and last["what"].startswith("Gelöscht: 1 Dateien und Vermerke und Nachrichten")
    assert "Aufbewahrungsfrist abgelaufen" in last["why"] and "Anträge ohne Bewilligung" in last["why"]
    assert last["actor_id"] == admin.user_id.hex
    assert main(["verify"], settings=store) == 0
