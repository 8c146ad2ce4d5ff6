"""Sending mail: the associations' outbox (``foerderbuch notify``), invitation, password and account links.

SMTP is configured by the settings: ``FOERDERBUCH_SMTP_HOST`` (without it nothing is sent),
``FOERDERBUCH_SMTP_PORT`` (25; 465 means implicit TLS), ``FOERDERBUCH_SMTP_USER`` and
``FOERDERBUCH_SMTP_PASSWORD``, ``FOERDERBUCH_SMTP_FROM`` (the sender address) and
``FOERDERBUCH_SMTP_CA_FILE`` (a CA bundle to trust besides the system's, for a city-internal CA).

The server's certificate is always verified (host name and chain), for implicit TLS and for STARTTLS.
A server that offers STARTTLS is always asked for it. Without TLS — the server does not offer
STARTTLS, or an attacker stripped it from the answer — Förderbuch never logs in: with a user name set
the connection is refused (``SmtpRefused``) and the password never leaves the machine. Without a user
name (a relay on the local network) mail goes out without TLS only if the server offers none.

The unsent rows of the ``notifications`` read model go out as one e-mail per organisation and language,
to its contact persons (or, when it has none, to its portal members), leaving out every address whose
owner turned e-mails off in the portal; an address whose owner has an account and chose a language
(``foerderbuch.languages``) reads it in that language, every other one in German. The rows are then
stamped sent.
An organisation nobody can be written to keeps its rows unsent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from uuid import UUID

from domain.application import FundingOffice
from domain.errors import DomainError
from domain.messages import message
from domain.personal_data import is_erased
from foerderbuch.languages import PreferredLanguages
from foerderbuch.settings import Settings
from projections.case_file import CaseFile
from projections.engine import Projector
from projections.notifications import Notification, Notifications
from web.formatting import german_date
from web.i18n import SOURCE_LANGUAGE, gettext, in_language

TIMEOUT_SECONDS = 15
log = logging.getLogger("foerderbuch.mail")


class SmtpRefused(smtplib.SMTPException):
    """The connection is not safe enough to log in over (no TLS); nothing was sent, no password went out."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    sender: str
    ca_file: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSettings | None:
        host = settings.smtp_host.strip()
        if not host:
            return None
        return cls(
            host=host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            sender=settings.smtp_from.strip() or "foerderbuch@localhost",
            ca_file=settings.smtp_ca_file.strip(),
        )

    def tls_context(self) -> ssl.SSLContext:
        """Verifies the server: the system's CAs (and the configured bundle), the host name, TLS 1.2 or newer."""
        context = ssl.create_default_context(cafile=self.ca_file or None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def connect(self) -> smtplib.SMTP:
        context = self.tls_context()
        if self.port == 465:
            server: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS, context=context)
            encrypted = True
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            encrypted = False
            try:
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls(context=context)  # raises ssl.SSLError for a certificate we do not trust
                    server.ehlo()
                    encrypted = True
            except BaseException:
                server.close()
                raise
        if self.user:
            if not encrypted:
                server.close()
                raise SmtpRefused(
                    f"Der SMTP-Server {self.host}:{self.port} bietet keine Verschlüsselung (STARTTLS) an; ohne sie "
                    "meldet sich Förderbuch nicht an, das Passwort wurde nicht gesendet."
                )
            server.login(self.user, self.password)
        return server


def _message(smtp: SmtpSettings, to: list[str], subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, ", ".join(to), subject
    message.set_content(body)
    return message


class SmtpMailer:
    """The mailer the web app uses (``web.services.Mailer``): one message per call, False when it failed."""

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp

    def send(self, to: str, subject: str, body: str) -> bool:
        try:
            with self.smtp.connect() as server:
                server.send_message(_message(self.smtp, [to], subject, body))
        except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
            log.warning("Mail an %s nicht versandt: %s", to.split("@")[-1], error)
            return False
        return True


def mailer_for(settings: Settings) -> SmtpMailer | None:
    smtp = SmtpSettings.from_settings(settings)
    return SmtpMailer(smtp) if smtp is not None else None


def recipients(office: FundingOffice, organisation_id: UUID) -> list[str]:
    """The organisation's contact persons' addresses, or its portal members' when it names no contact.

    Erased addresses (``gelöscht``) are never written to."""
    organisation = office.organisation(organisation_id)
    found = sorted(
        {p["email"] for p in organisation.contact_persons.values() if p.get("email") and not is_erased(p["email"])}
    )
    if found:
        return found
    emails = set()
    for user_id in organisation.members:
        try:
            user = office.user(user_id)
        except DomainError:  # pragma: no cover - members are users
            continue
        if not is_erased(user.email):
            emails.add(user.email)
    return sorted(emails)


@dataclass(frozen=True)
class SendReport:
    sent: int
    emails: int
    skipped: int  # rows of organisations nobody can be written to


def news_mail(name: str, notes: list[Notification], language: str = SOURCE_LANGUAGE) -> tuple[str, str]:
    """The subject and body of one organisation's e-mail with its news, in ``language`` (German unless the
    recipients are known to read English): the texts come from the catalogue like the pages'."""
    with in_language(language):
        lines = [f"- {german_date(n.business_date)} ({n.file_number}, {n.title}): {gettext(n.text)}" for n in notes]
        body = (
            gettext(message("Guten Tag,"))
            + "\n\n"
            + gettext(message("bei den Förderungen von {name} hat sich etwas getan:", name=name))
            + "\n\n"
            + "\n".join(lines)
            + "\n\n"
            + gettext(message("Details finden Sie im Förderportal unter »Neuigkeiten«."))
            + "\n"
        )
        subject = gettext(message("Neuigkeiten zu Ihren Förderungen ({count})", count=len(notes)))
    return subject, body


def recipient_languages(
    office: FundingOffice, addresses: list[str], languages: PreferredLanguages | None, default: str
) -> dict[str, list[str]]:
    """The addresses grouped by the language their owner chose (a user with that address who switched the
    pages' language, or set it on the password page); ``default`` for everyone else."""
    owners: dict[str, UUID] = {}
    if languages is not None:
        for address in addresses:
            try:
                owners[address] = office.user_by_email(address).id
            except DomainError:  # a contact person without an account
                continue
    chosen = languages.of_many(owners.values()) if languages is not None else {}
    grouped: dict[str, list[str]] = {}
    for address in addresses:
        owner = owners.get(address)
        grouped.setdefault(chosen.get(owner, default) if owner is not None else default, []).append(address)
    return grouped


def send_notifications(
    office: FundingOffice,
    projector: Projector,
    smtp: SmtpSettings,
    language: str = SOURCE_LANGUAGE,
    languages: PreferredLanguages | None = None,
) -> SendReport:
    """Sends every unsent row, one e-mail per organisation and language, and stamps what went out: each
    recipient reads the news in the language they chose (``languages``), the others in ``language``
    (German unless the caller says otherwise)."""
    projector.catch_up(["notifications"])
    with projector.db.transaction() as cursor:
        rows = Notifications.unsent(cursor)
    by_organisation: dict[UUID, list[Notification]] = {}
    for row in rows:
        by_organisation.setdefault(row.organisation_id, []).append(row)
    sent = emails = skipped = 0
    if not by_organisation:
        return SendReport(0, 0, 0)
    with projector.db.transaction() as cursor:
        turned_off = CaseFile.mail_off(cursor)
    with smtp.connect() as server:
        for organisation_id, notes in by_organisation.items():
            to = [address for address in recipients(office, organisation_id) if address not in turned_off]
            if not to:
                skipped += len(notes)
                continue
            name = office.organisation(organisation_id).name
            for reader_language, addresses in sorted(recipient_languages(office, to, languages, language).items()):
                subject, body = news_mail(name, notes, reader_language)
                server.send_message(_message(smtp, addresses, subject, body))
                emails += 1
            with projector.db.transaction() as cursor:
                Notifications.mark_sent(cursor, [n.position for n in notes])
            sent += len(notes)
    return SendReport(sent, emails, skipped)
