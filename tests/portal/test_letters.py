"""Letters from the log: every kind printed to PDF/A and read back with ``pdftotext`` (Debian's
poppler-utils), German amounts and dates, the file number and the footer that names the source event;
and the check that refuses a letter changed by one byte, a letter made from another event, and a letter
whose source event was changed in the log."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from portal_support import TODAY, World, a_grant, build_world

from domain.money import Money
from exports.letters import Source, verification_code
from exports.letters.service import Letters
from foerderbuch.settings import Settings
from projections.case_file import CaseFile
from web.services import Services

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    PDFTOTEXT is None and os.environ.get("CI") != "true",
    reason="pdftotext (Debian's poppler-utils) is not installed",
)


@pytest.fixture
def services(services: Services) -> Services:
    """The letters are made without the web app: its tables are set up here."""
    services.projector.set_up()
    return services


@pytest.fixture
def world(services: Services) -> World:
    return build_world(services)


@pytest.fixture
def letters(services: Services) -> Letters:
    return Letters(services.office, services.projector, services.documents)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    assert PDFTOTEXT is not None, "pdftotext is needed (apt-get install poppler-utils)"
    path = tmp_path / f"{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    return subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True, text=True).stdout


def issue(world: World, services: Services, letters: Letters, grant: UUID, command, *event_names: str) -> bytes:
    """Runs the decision, makes the letter from the event it recorded, and returns the stored PDF."""
    office = services.office
    with office.enclosing(world.actor("approver")) as enclosure:
        command()
    (notification,) = enclosure.recorded(*event_names)
    letters.issue(notification, world.actor("approver"))
    services.projector.catch_up()
    with services.projector.db.transaction() as cursor:
        letter = CaseFile.letters(cursor, grant)[-1]
    content = services.documents.read(letter.sha256)
    assert content is not None and content.startswith(b"%PDF-")
    assert letter.source_position == notification.id
    return content


def footer_of(text: str) -> str:
    return " ".join(text.split())


class TestEveryKindOfLetter:
    def test_the_approval_notice_states_the_terms_in_german_formats(
        self, world: World, services: Services, letters: Letters, tmp_path: Path
    ) -> None:
        office, officer = services.office, world.actor("officer")
        grant = a_grant(world, "applied")
        office.review_application(grant, True, True, "förderfähig", officer, on=date(2026, 5, 11))
        pdf = issue(
            world,
            services,
            letters,
            grant,
            lambda: office.approve_grant(
                grant,
                Money("3500.00"),
                world.actor("approver"),
                on=date(2026, 5, 18),
                financing_type="deficit",
                conditions="Teilnehmendenliste und Fotos mit dem Sachbericht",
                proof_due=date(2026, 12, 15),
            ),
            "GrantApproved",
        )
        text = text_of(pdf, tmp_path)
        flat = footer_of(text)

        assert "Zuwendungsbescheid" in text and "IB-2026-0001" in text
        assert "3.500,00 €" in text and "Fehlbedarfsfinanzierung" in text
        assert "01.06.2026 bis 30.09.2026" in flat and "Haushaltsjahr 2026" in text
        assert "15.12.2026" in text and "Teilnehmendenliste und Fotos" in flat
        assert "Reisekosten" in text and "3.000,00 €" in text and "5.000,00 €" in text
        assert "Verwaltungsgericht Gelsenkirchen" in flat and "innerhalb eines Monats" in flat
        assert "Deutsch-Französische Gesellschaft Dortmund e.V." in flat and "44137 Dortmund" in text
        assert "15.06.2026" in text  # the letter's date
        assert "Seite 1 von" in flat
        with services.projector.db.transaction() as cursor:
            letter = CaseFile.letters(cursor, grant)[0]
        assert f"Protokollposition {letter.source_position}" in flat
        assert letter.source_sha256 in flat.replace(" ", "") and letter.code in flat

    def test_the_rejection_gives_its_reasons(
        self, world: World, services: Services, letters: Letters, tmp_path: Path
    ) -> None:
        grant = a_grant(world, "applied", number="IB-2026-0042")
        reason = "Das Vorhaben hat keinen Bezug zu einer Partnerstadt Dortmunds."
        pdf = issue(
            world,
            services,
            letters,
            grant,
            lambda: services.office.reject_application(grant, reason, world.actor("approver"), on=date(2026, 6, 1)),
            "ApplicationRejected",
        )
        text = footer_of(text_of(pdf, tmp_path))

        assert "Ablehnungsbescheid" in text and "IB-2026-0042" in text and reason in text
        assert "kein Rechtsanspruch" in text and "Verwaltungsgericht Gelsenkirchen" in text

    def test_the_amending_notice_states_the_new_amount_and_why(
        self, world: World, services: Services, letters: Letters, tmp_path: Path
    ) -> None:
        office = services.office
        grant = a_grant(world, "approved")
        office.propose_amendment(
            grant, Money("3950.50"), "Teurere Busreise nach Streik", world.actor("officer"), on=date(2026, 6, 2)
        )
        pdf = issue(
            world,
            services,
            letters,
            grant,
            lambda: office.approve_amendment(grant, world.actor("approver"), on=date(2026, 6, 3)),
            "GrantAmended",
        )
        text = footer_of(text_of(pdf, tmp_path))

        assert "Änderungsbescheid" in text and "3.950,50 €" in text and "Teurere Busreise nach Streik" in text
        assert "IB-2026-0001" in text

    def test_the_revocation_states_the_refund_interest_rule_interest_so_far_due_date_and_account(
        self, world: World, services: Services, letters: Letters, tmp_path: Path
    ) -> None:
        office = services.office
        grant = a_grant(world, "booked")  # 1.500,00 € paid on 12.06.2026
        office.propose_revocation(
            grant,
            Money("500.00"),
            date(2026, 3, 1),
            date(2026, 6, 13),
            date(2026, 6, 14),
            "Die Begegnung hat nicht stattgefunden.",
            world.actor("officer"),
            on=date(2026, 6, 14),
        )
        pdf = issue(
            world,
            services,
            letters,
            grant,
            lambda: office.decide_revocation(grant, True, "Angehört.", world.actor("approver"), on=date(2026, 6, 14)),
            "GrantRevoked",
        )
        text = footer_of(text_of(pdf, tmp_path))

        assert "Widerrufs- und Rückforderungsbescheid" in text and "IB-2026-0001" in text
        assert "1.000,00 €" in text and "1.500,00 €" in text and "500,00 €" in text
        assert "01.03.2026" in text and "Prozentpunkten über dem jeweiligen Basiszinssatz" in text
        # effective 01.03., but the 1.000,00 € left on 12.06.2026: interest from then (the later day) to
        # 15.06.2026, 3 days at 1,27 % base rate + 3 points (VwVfG NRW): 1.000 × 4,27 × 3 / 36.500 = 0,35 €
        assert "vom 12.06.2026 an mit 3 Prozentpunkten" in text and "Zinsen von 0,35 € aufgelaufen" in text
        assert "§ 49a Abs. 3 VwVfG NRW" in text
        assert "Zinsen bis 15.06.2026" in text and "bis zum 15.07.2026" in text
        assert "IBAN DE80 4405 0199" in text and "Die Begegnung hat nicht stattgefunden." in text

    def test_the_reminder_names_the_overdue_proof_and_its_date(
        self, world: World, services: Services, letters: Letters, tmp_path: Path
    ) -> None:
        office = services.office
        grant = a_grant(world, "approved")
        pdf = issue(
            world,
            services,
            letters,
            grant,
            lambda: office.send_reminder(grant, "final", world.actor("officer"), on=date(2026, 6, 15)),
            "ReminderSent",
        )
        text = footer_of(text_of(pdf, tmp_path))

        assert "Erinnerung" in text and "IB-2026-0001" in text and "30.03.2027" in text
        assert "Verwendungsnachweis" in text


class TestTheCheck:
    @pytest.fixture
    def approved(self, world: World, services: Services, letters: Letters) -> tuple[UUID, bytes]:
        office, officer = services.office, world.actor("officer")
        grant = a_grant(world, "applied")
        office.review_application(grant, True, True, "ok", officer, on=date(2026, 5, 11))
        pdf = issue(
            world,
            services,
            letters,
            grant,
            lambda: office.approve_grant(grant, Money("4000.00"), world.actor("approver"), on=date(2026, 5, 18)),
            "GrantApproved",
        )
        return grant, pdf

    def test_a_letter_as_issued_matches_the_log(self, approved: tuple[UUID, bytes], letters: Letters) -> None:
        grant, pdf = approved

        verdict = letters.verify(pdf)

        assert verdict.ok and "Echt: Zuwendungsbescheid zum Aktenzeichen IB-2026-0001" in verdict.message
        assert verdict.letter is not None and verdict.letter.grant_id == grant

    @pytest.mark.parametrize("where", [0.1, 0.5, 0.97])
    def test_a_letter_changed_by_one_byte_is_refused(
        self, approved: tuple[UUID, bytes], letters: Letters, where: float
    ) -> None:
        _, pdf = approved
        index = int(len(pdf) * where)
        changed = pdf[:index] + bytes([pdf[index] ^ 0x01]) + pdf[index + 1 :]

        verdict = letters.verify(changed)

        assert not verdict.ok and "verändert" in verdict.message

    def test_a_letter_made_from_another_event_is_refused(
        self, approved: tuple[UUID, bytes], world: World, services: Services, letters: Letters
    ) -> None:
        grant, _ = approved
        office = services.office
        # the same builder, the same decision — but the footer names another event of the log
        with services.projector.db.transaction() as cursor:
            issued = CaseFile.letters(cursor, grant)[0]
        other = issued.source_position - 1
        notification, event = letters.source_event(issued.source_position)
        forged_source = Source(other, issued.source_sha256, verification_code(grant, issued.kind, other, "0" * 64))
        forged = letters.render(letters.facts(issued.kind, office.grant(grant), event, forged_source, TODAY))

        verdict = letters.verify(forged)

        assert not verdict.ok and "keinem Schreiben im Protokoll" in verdict.message
        assert notification.id == issued.source_position

    def test_a_letter_whose_source_event_was_changed_in_the_log_is_refused(
        self, approved: tuple[UUID, bytes], letters: Letters, tmp_path: Path
    ) -> None:
        grant, pdf = approved
        with letters.projector.db.transaction() as cursor:
            issued = CaseFile.letters(cursor, grant)[0]
        with closing(sqlite3.connect(tmp_path / "portal.sqlite")) as db, db:  # closed too (Python 3.13 warns)
            (state,) = db.execute(
                "SELECT state FROM stored_events WHERE rowid = ?", (issued.source_position,)
            ).fetchone()
            db.execute(
                "UPDATE stored_events SET state = ? WHERE rowid = ?",
                (bytes(state).replace(b"4000.00", b"9000.00"), issued.source_position),
            )

        verdict = letters.verify(pdf)

        assert not verdict.ok and "Protokoll wurde verändert" in verdict.message


def test_the_command_line_says_whether_a_letter_matches_the_log(
    world: World, services: Services, letters: Letters, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from foerderbuch.cli import main

    grant = a_grant(world, "applied")
    pdf = issue(
        world,
        services,
        letters,
        grant,
        lambda: services.office.reject_application(grant, "Kein Bezug", world.actor("approver"), on=TODAY),
        "ApplicationRejected",
    )
    genuine, changed = tmp_path / "bescheid.pdf", tmp_path / "geaendert.pdf"
    genuine.write_bytes(pdf)
    middle = len(pdf) // 2
    changed.write_bytes(pdf[:middle] + bytes([pdf[middle] ^ 0x20]) + pdf[middle + 1 :])
    settings = Settings(database_url=f"sqlite:///{tmp_path}/portal.sqlite")

    assert main(["letters", "verify", str(genuine)], settings=settings) == 0
    assert "Echt: Ablehnungsbescheid zum Aktenzeichen IB-2026-0001" in capsys.readouterr().out
    assert main(["letters", "verify", str(changed)], settings=settings) == 1
    assert "keinem Schreiben im Protokoll" in capsys.readouterr().out
    assert main(["letters", "verify", str(tmp_path / "fehlt.pdf")], settings=settings) == 2


def test_the_office_edits_a_template_in_its_own_folder_without_touching_code(
    world: World, services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    (folder / "rechtsbehelf.html").write_text(
        '<section class="rechtsbehelf"><h2>Rechtsbehelfsbelehrung</h2>'
        "<p>Neue Fassung vom 1. Juli 2026: Klage beim Verwaltungsgericht Gelsenkirchen.</p></section>",
        encoding="utf-8",
    )
    own = Letters(services.office, services.projector, services.documents, folder)
    grant = a_grant(world, "applied", number="IB-2026-0077")

    pdf = issue(
        world,
        services,
        own,
        grant,
        lambda: services.office.reject_application(grant, "Kein Bezug", world.actor("approver"), on=TODAY),
        "ApplicationRejected",
    )
    text = footer_of(text_of(pdf, tmp_path))

    assert "Neue Fassung vom 1. Juli 2026" in text and "Ablehnungsbescheid" in text
    assert "Ein Vorverfahren (Widerspruch)" not in text  # the shipped default is replaced, not added to


def test_the_revocation_quotes_the_associations_sachbericht_it_rests_on(
    world: World, services: Services, letters: Letters, tmp_path: Path
) -> None:
    office = services.office
    grant = a_grant(world, "booked")
    plan = office.grant(grant).plan
    office.submit_proof_of_use(
        grant,
        "Die Begegnung fiel wegen eines Unwetters aus; die Anzahlung für den Bus ist verloren.",
        plan.own_funds,
        plan.third_party_funds,
        plan.income,
        world.actor("dfg"),
        on=date(2026, 6, 13),
    )
    services.projector.catch_up()
    office.propose_revocation(
        grant,
        Money("0.00"),
        date(2026, 6, 13),
        date(2026, 6, 13),
        date(2026, 6, 14),
        "Der Zweck wurde nicht erreicht.",
        world.actor("officer"),
    )

    pdf = issue(
        world,
        services,
        letters,
        grant,
        lambda: office.decide_revocation(grant, True, "Angehört.", world.actor("approver")),
        "GrantRevoked",
    )
    text = footer_of(text_of(pdf, tmp_path))
    assert "Der Zweck wurde nicht erreicht." in text and "Sie wurden am 14.06.2026 angehört (§ 28 VwVfG NRW)." in text

    assert "Ihren Sachbericht vom 13.06.2026" in text
    assert "Die Begegnung fiel wegen eines Unwetters aus" in text and "1.500,00 €" in text
