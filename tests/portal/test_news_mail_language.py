"""The news e-mail comes from the catalogue: German by default, exactly as before; English when asked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from domain.messages import message
from domain.money import Money
from foerderbuch.notify import news_mail
from projections.notifications import Notification


def notes() -> list[Notification]:
    text = message(
        "Überwiesen: {amount} mit Wertstellung {value_date}.",
        amount=Money(Decimal("4000")),
        value_date=date(2026, 6, 24),
    )
    return [Notification(7, uuid4(), uuid4(), "IB-2026-004", "Jugendbegegnung Leeds", date(2026, 6, 24), text, None)]


def test_the_german_mail_reads_as_it_always_did() -> None:
    subject, body = news_mail("Freundeskreis Leeds e.V.", notes())
    assert subject == "Neuigkeiten zu Ihren Förderungen (1)"
    assert body == (
        "Guten Tag,\n\nbei den Förderungen von Freundeskreis Leeds e.V. hat sich etwas getan:\n\n"
        "- 24.06.2026 (IB-2026-004, Jugendbegegnung Leeds): Überwiesen: 4.000,00 € mit Wertstellung 24.06.2026.\n\n"
        "Details finden Sie im Förderportal unter »Neuigkeiten«.\n"
    )


def test_the_english_mail_has_no_german_but_the_names() -> None:
    subject, body = news_mail("Freundeskreis Leeds e.V.", notes(), language="en")
    assert subject == "News about your grants (1)"
    assert body == (
        "Hello,\n\nthere is news about the grants of Freundeskreis Leeds e.V.:\n\n"
        "- 24 Jun 2026 (IB-2026-004, Jugendbegegnung Leeds): Transferred: €4,000.00 with value date 24 Jun 2026.\n\n"
        "You find the details in the grants portal under “News”.\n"
    )
