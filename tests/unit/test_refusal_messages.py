"""Refusals are messages: the German sentence as a string, and a message id with raw parameters for the
translation (the web layer fills them in the reader's language)."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.actors import Actor, Role
from domain.dates import duration_german
from domain.errors import InvalidInputError, NotPermittedError
from domain.messages import Message
from domain.money import Money
from domain.text import german_percent


def test_a_refusal_carries_its_message_id_and_raw_parameters() -> None:
    with pytest.raises(InvalidInputError) as refusal:
        Money("-5.00").require_positive("amount", "Der Zuschuss")

    text = refusal.value.message
    assert str(refusal.value) == "Der Zuschuss muss größer als 0,00 € sein."
    assert isinstance(text, Message) and isinstance(refusal.value.args[0], Message)
    assert text.msgid == "{what} muss größer als 0,00 € sein."
    assert isinstance(text.params["what"], Message) and text.params["what"].msgid == "Der Zuschuss"


def test_amounts_and_dates_stay_values_until_they_are_shown() -> None:
    actor = Actor(uuid4(), Role.OFFICER)

    with pytest.raises(NotPermittedError) as refusal:
        actor.require(Role.APPROVER, Role.FINANCE, doing="Bewilligen")

    text = refusal.value.message
    assert str(text) == "Bewilligen: nur Zeichnungsbefugte oder Kämmerei darf das (Sie handeln als Sachbearbeitung)."
    assert text.msgid == "{doing}: nur {allowed} darf das (Sie handeln als {role})."
    assert text.params["allowed"].msgid == "{roles} oder {role}"  # a list of roles, itself translatable
    assert pickle.loads(pickle.dumps(text)) == text


def test_a_duration_in_words_is_a_message() -> None:
    words = duration_german("P1M2W")

    assert words == "1 Monat, 2 Wochen"
    assert isinstance(words, Message) and words.msgid == "{words}, {part}"
    assert duration_german("P6W") == "6 Wochen" and duration_german("P") == "P"


def test_a_message_parameter_keeps_its_type() -> None:
    from domain.foreign import ForeignAmount

    amount = ForeignAmount.convert("GHS", "1000.00", "10.0", date(2026, 1, 2))
    warning = amount.rate_warning(date(2026, 3, 1), 14)

    assert (
        warning
        == "Kursdatum 02.01.2026 liegt 58 Tage vom Zahltag 01.03.2026 entfernt (mehr als 14); bitte den Kurs prüfen."
    )
    assert isinstance(warning, Message) and warning.params["rate_date"] == date(2026, 1, 2)


def test_a_percentage_is_a_number_in_a_message() -> None:
    share = german_percent(Decimal("0.0999"))

    assert share == "9,99 %" and german_percent(Decimal("0.2"), 0) == "20 %"
    assert isinstance(share, Message) and share.params["number"] == Decimal("9.99")
