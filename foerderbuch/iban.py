"""IBAN validation for the domain, backed by schwifty (checksum, country length, bank code)."""

from __future__ import annotations

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from domain.errors import InvalidInputError


def validate_iban(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInputError("Die IBAN fehlt.", field="iban")
    try:
        iban = IBAN(text)
    except SchwiftyException as error:
        raise InvalidInputError(f"»{text}« ist keine gültige IBAN: {_german(error)}", field="iban") from None
    return str(iban.compact)


def _german(error: Exception) -> str:
    name = type(error).__name__
    return {
        "InvalidChecksumDigits": "die Prüfziffer stimmt nicht.",
        "InvalidLength": "die Länge passt nicht zum Land.",
        "InvalidCountryCode": "unbekannter Ländercode.",
        "InvalidBankCode": "unbekannte Bankleitzahl.",
        "InvalidStructure": "der Aufbau passt nicht zum Land.",
        "InvalidAccountCode": "die Kontonummer ist ungültig.",
    }.get(name, "ungültiges Format.")
