"""Sending the associations' outbox by e-mail (``foerderbuch notify``), and invitation links.

SMTP is configured by the environment: ``FOERDERBUCH_SMTP_HOST`` (without it nothing is sent),
``FOERDERBUCH_SMTP_PORT`` (25; 465 means implicit TLS), ``FOERDERBUCH_SMTP_USER`` and
``FOERDERBUCH_SMTP_PASSWORD`` (log in, after STARTTLS when the server offers it) and
``FOERDERBUCH_SMTP_FROM`` (the sender address). The unsent rows of the ``notifications`` read model
go out as one plain-German e-mail per organisation, to its contact persons (or, when it has none,
to its portal members), leaving out every address whose owner turned e-mails off in the portal; the
rows of that e-mail are then stamped sent. An organisation nobody can be written to keeps its rows
unsent.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from uuid import UUID

from domain.application import FundingOffice
from domain.errors import DomainError
from projections.case_file import CaseFile
from projections.engine import Projector
from projections.notifications import Notification, Notifications

TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str

    @classmethod
    def from_environ(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        env = os.environ if env is None else env
        host = (env.get("FOERDERBUCH_SMTP_HOST") or "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("FOERDERBUCH_SMTP_PORT") or 25),
            user=env.get("FOERDERBUCH_SMTP_USER") or "",
            password=env.get("FOERDERBUCH_SMTP_PASSWORD") or "",
            sender=(env.get("FOERDERBUCH_SMTP_FROM") or "foerderbuch@localhost").strip(),
        )

    def connect(self) -> smtplib.SMTP:
        if self.port == 465:
            server: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls()
                server.ehlo()
        if self.user:
            server.login(self.user, self.password)
        return server


def _message(smtp: SmtpSettings, to: list[str], subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, ", ".join(to), subject
    message.set_content(body)
    return message


def send_invitation(
    email: str, organisation: str, inviter: str, link: str, env: Mapping[str, str] | None = None
) -> bool:
    """Sends the invitation link when SMTP is configured; False when it is not (the page shows the link)."""
    smtp = SmtpSettings.from_environ(env)
    if smtp is None:
        return False
    body = (
        f"Guten Tag,\n\n{inviter} lädt Sie in das Förderportal von {organisation} ein.\n"
        f"Mit diesem Link legen Sie Ihr Passwort fest (gültig sieben Tage, nur einmal):\n\n{link}\n"
    )
    try:
        with smtp.connect() as server:
            server.send_message(_message(smtp, [email], f"Einladung: {organisation}", body))
    except (OSError, smtplib.SMTPException):
        return False
    return True


def recipients(office: FundingOffice, organisation_id: UUID) -> list[str]:
    """The organisation's contact persons' addresses, or its portal members' when it names no contact."""
    organisation = office.organisation(organisation_id)
    found = sorted({p["email"] for p in organisation.contact_persons.values() if p.get("email")})
    if found:
        return found
    emails = set()
    for user_id in organisation.members:
        try:
            emails.add(office.user(user_id).email)
        except DomainError:  # pragma: no cover - members are users
            continue
    return sorted(emails)


@dataclass(frozen=True)
class SendReport:
    sent: int
    emails: int
    skipped: int  # rows of organisations nobody can be written to


def send_notifications(office: FundingOffice, projector: Projector, smtp: SmtpSettings) -> SendReport:
    """Sends every unsent row, one e-mail per organisation, and stamps what went out."""
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
            lines = [f"- {n.business_date:%d.%m.%Y} ({n.file_number}, {n.title}): {n.text}" for n in notes]
            body = (
                f"Guten Tag,\n\nbei den Förderungen von {name} hat sich etwas getan:\n\n"
                + "\n".join(lines)
                + "\n\nDetails finden Sie im Förderportal unter »Neuigkeiten«.\n"
            )
            server.send_message(_message(smtp, to, f"Neuigkeiten zu Ihren Förderungen ({len(notes)})", body))
            with projector.db.transaction() as cursor:
                Notifications.mark_sent(cursor, [n.position for n in notes])
            sent, emails = sent + len(notes), emails + 1
    return SendReport(sent, emails, skipped)
