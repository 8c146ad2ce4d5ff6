"""The rule for choosing a password. The hashes themselves live outside the event log (credentials)."""

from __future__ import annotations

from domain.errors import InvalidInputError
from domain.messages import message

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only stops absurd input


def check_password_policy(password: str) -> str:
    """Refuses passwords that are too short (or absurdly long) with a German message."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            message(
                "Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.",
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            ),
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            message(
                "Das Passwort darf höchstens {MAX_PASSWORD_LENGTH} Zeichen lang sein.",
                MAX_PASSWORD_LENGTH=MAX_PASSWORD_LENGTH,
            ),
            field="password",
        )
    if not password.strip():
        raise InvalidInputError(message("Das Passwort darf nicht nur aus Leerzeichen bestehen."), field="password")
    return password
