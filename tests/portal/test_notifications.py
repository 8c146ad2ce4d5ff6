"""The associations' outbox: rows per organisation in plain German, the news page, and the SMTP sender."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from portal_support import Member, a_grant

from foerderbuch.notify import SmtpSettings, send_notifications
from projections.notifications import Notifications
from web.services import Services


class FakeSmtp:
    """A tiny SMTP server on 127.0.0.1 that accepts every message and keeps it (loopback only)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.messages: list[tuple[list[str], str]] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as reader:
                self._session(connection, reader)

    def _session(self, connection: socket.socket, reader) -> None:
        send = lambda text: connection.sendall(text.encode() + b"\r\n")  # noqa: E731
        send("220 fake ESMTP")
        recipients: list[str] = []
        while line := reader.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                send("250 fake")
            elif verb == "MAIL":
                recipients = []
                send("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                send("250 OK")
            elif verb == "DATA":
                send("354 go on")
                body = []
                while (data := reader.readline()) not in (b".\r\n", b""):
                    body.append(data.decode())
                self.messages.append((recipients, "".join(body)))
                send("250 queued")
            elif verb == "QUIT":
                send("221 bye")
                return
            else:
                send("250 OK")

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp()
    yield server
    server.close()


def rows(services: Services, organisation) -> list:
    services.projector.catch_up(["notifications"])
    with services.projector.db.transaction() as cursor:
        return Notifications.of(cursor, organisation)


class TestOutbox:
    def test_an_approval_and_a_booked_payment_make_rows_for_their_organisation_only(
        self, member: Member, services: Services
    ) -> None:
        a_grant(member.world, "booked")
        a_grant(member.world, "approved", organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")

        dfg = [n.text for n in rows(services, member.world.dfg)]
        leeds = rows(services, member.world.leeds)

        assert any("bewilligt, 4.000,00 €" in text for text in dfg)
        assert any(text.startswith("Überwiesen: 1.500,00 €") for text in dfg)
        assert all(n.file_number == "IB-2026-0002" for n in leeds)
        assert not any(text.startswith("Überwiesen") for text in (n.text for n in leeds))
        assert all(n.sent_at is None for n in leeds)

    def test_the_news_page_shows_only_the_members_organisation(self, member: Member) -> None:
        a_grant(member.world, "booked", title="Amiens-Reise")
        a_grant(member.world, "approved", organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        member.sign_in("dfg")

        page = member.get("/portal/neuigkeiten")

        assert page.status_code == 200
        assert "Überwiesen: 1.500,00" in page.text and "Amiens-Reise" in page.text
        assert "Leeds-Reise" not in page.text and "IB-2026-0002" not in page.text

    def test_staff_get_no_news_page(self, member: Member) -> None:
        member.sign_in("officer")
        assert member.get("/portal/neuigkeiten").status_code == 403

    def test_the_rows_survive_a_rebuild_with_their_sent_marks(
        self, member: Member, services: Services, smtp: FakeSmtp
    ) -> None:
        a_grant(member.world, "approved")
        send_notifications(
            member.office, services.projector, SmtpSettings("127.0.0.1", smtp.port, "", "", "fb@x.example")
        )
        services.projector.rebuild("notifications")
        assert all(n.sent_at for n in rows(services, member.world.dfg))


class TestSender:
    def test_the_sender_marks_rows_sent_and_a_second_run_sends_nothing(
        self, member: Member, services: Services, smtp: FakeSmtp
    ) -> None:
        a_grant(member.world, "booked")
        a_grant(member.world, "approved", organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        settings = SmtpSettings("127.0.0.1", smtp.port, "", "", "foerderbuch@dortmund.example")

        first = send_notifications(member.office, services.projector, settings)
        second = send_notifications(member.office, services.projector, settings)

        assert first.emails == 2 and first.sent == len(rows(services, member.world.dfg)) + len(
            rows(services, member.world.leeds)
        )
        assert second.sent == 0 and second.emails == 0
        assert len(smtp.messages) == 2
        to_dfg = next(body for to, body in smtp.messages if "claire@dfg.example" in to)
        to_leeds = next(body for to, body in smtp.messages if to == ["tom@leeds.example"])
        assert "IB-2026-0001" in to_dfg and "IB-2026-0002" not in to_dfg
        assert "IB-2026-0002" in to_leeds and "IB-2026-0001" not in to_leeds
        assert all(n.sent_at for n in rows(services, member.world.dfg))

    def test_contact_persons_are_preferred(self, member: Member, services: Services, smtp: FakeSmtp) -> None:
        a_grant(member.world, "approved")
        member.office.add_contact_person(
            member.world.dfg, "Ines Kasse", "Kassenwartin", "kasse@dfg.example", "", member.world.actor("officer")
        )
        send_notifications(
            member.office, services.projector, SmtpSettings("127.0.0.1", smtp.port, "", "", "a@b.example")
        )
        assert [to for to, _ in smtp.messages] == [["kasse@dfg.example"]]

    def test_the_command_without_smtp_says_so_and_marks_nothing(
        self, member: Member, services: Services, monkeypatch, capsys, tmp_path
    ) -> None:
        from foerderbuch.cli import main
        from foerderbuch.settings import Settings

        a_grant(member.world, "approved")
        monkeypatch.delenv("FOERDERBUCH_SMTP_HOST", raising=False)

        code = main(["notify"], settings=Settings(database_url=f"sqlite:///{tmp_path}/portal.sqlite"))

        assert code == 0 and "Kein SMTP-Server" in capsys.readouterr().out
        assert all(n.sent_at is None for n in rows(services, member.world.dfg))

    def test_the_command_sends_through_the_configured_server(
        self, member: Member, services: Services, monkeypatch, capsys, tmp_path, smtp: FakeSmtp
    ) -> None:
        from foerderbuch.cli import main
        from foerderbuch.settings import Settings

        a_grant(member.world, "approved")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path}/portal.sqlite", smtp_host="127.0.0.1", smtp_port=smtp.port
        )

        assert main(["notify"], settings=settings) == 0
        assert main(["notify"], settings=settings) == 0

        out = capsys.readouterr().out
        assert "in 1 E-Mails versandt" in out and "0 Neuigkeiten in 0 E-Mails" in out
        assert len(smtp.messages) == 1
        assert all(n.sent_at for n in rows(services, member.world.dfg))
