"""Mail goes out only to a server whose certificate we trust, and a password never travels without TLS."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from foerderbuch.notify import SmtpMailer, SmtpRefused, SmtpSettings

PASSWORD = "mail-geheim-2026"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(envelope.content)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
        assert isinstance(data, LoginPassword)
        self.logins.append(data.login.decode())
        return AuthResult(success=data.password.decode() == PASSWORD)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server offering STARTTLS with a certificate from a CA nobody trusts by default."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=context,
        authenticator=inbox.authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def test_a_server_with_an_untrusted_self_made_certificate_is_refused(tls_server: tuple[Inbox, int]) -> None:
    inbox, port = tls_server
    smtp = SmtpSettings("127.0.0.1", port, "foerderbuch", PASSWORD, "fb@dortmund.example")
    with pytest.raises(ssl.SSLCertVerificationError):
        smtp.connect()
    assert SmtpMailer(smtp).send("a@b.example", "Betreff", "Text") is False
    assert inbox.messages == [] and inbox.logins == []


def test_the_same_server_is_used_once_its_ca_is_configured(
    tls_server: tuple[Inbox, int], ca: trustme.CA, tmp_path: Path
) -> None:
    inbox, port = tls_server
    bundle = tmp_path / "stadt-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    smtp = SmtpSettings("127.0.0.1", port, "foerderbuch", PASSWORD, "fb@dortmund.example", ca_file=str(bundle))
    assert SmtpMailer(smtp).send("claire@dfg.example", "Neuigkeiten", "Guten Tag") is True
    assert inbox.logins == ["foerderbuch"]
    assert len(inbox.messages) == 1 and b"Guten Tag" in inbox.messages[0]


class PlainServer:
    """A server that offers AUTH but no STARTTLS (or whose STARTTLS an attacker stripped); it keeps every byte."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self._session(connection)

    def _session(self, connection: socket.socket) -> None:
        with connection, connection.makefile("rb") as reader:
            connection.sendall(b"220 plain ESMTP\r\n")
            while line := reader.readline():
                self.received += line
                verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
                if verb == "EHLO":
                    connection.sendall(b"250-plain\r\n250 AUTH PLAIN LOGIN\r\n")
                elif verb == "QUIT":
                    connection.sendall(b"221 bye\r\n")
                    return
                else:
                    connection.sendall(b"250 OK\r\n")

    def close(self) -> None:
        self.server.close()


def test_without_starttls_no_login_is_tried_and_no_password_is_sent() -> None:
    plain = PlainServer()
    try:
        smtp = SmtpSettings("127.0.0.1", plain.port, "foerderbuch", PASSWORD, "fb@dortmund.example")
        with pytest.raises(SmtpRefused, match="Passwort wurde nicht gesendet"):
            smtp.connect()
        assert SmtpMailer(smtp).send("a@b.example", "Betreff", "Text") is False
    finally:
        plain.close()
    assert b"AUTH" not in plain.received.upper()
    assert PASSWORD.encode() not in plain.received
    assert b"DATA" not in plain.received


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
