"""Domain errors: every refusal has a stable code (for the API) and a German message (for people).

A command that raises one of these has written nothing: aggregates decide before they record, and
the application saves all aggregates of one command in a single transaction.
"""

from __future__ import annotations


class DomainError(Exception):
    """Raised when a command breaks a rule of the domain; carries a stable code and a German message."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInputError(DomainError):
    """Raised when a value is malformed: a negative amount, a float, an unknown currency, a bad IBAN."""

    code = "invalid_input"


class NotFoundError(DomainError):
    """Raised when a programme, organisation, grant, project or user does not exist."""

    code = "not_found"


class AlreadyExistsError(DomainError):
    """Raised when something with the same identity (code, e-mail, file number) is already recorded."""

    code = "already_exists"


class InvalidStateError(DomainError):
    """Raised when a command does not fit the current state, e.g. paying out a rejected grant."""

    code = "invalid_state"


class NotPermittedError(DomainError):
    """Raised when the acting user lacks the role, is disabled, or acts for another organisation."""

    code = "not_permitted"


class FourEyesError(NotPermittedError):
    """Raised when the same person would both prepare and sign off a decision (four-eyes principle)."""

    code = "four_eyes"


class OverBudgetError(DomainError):
    """Raised when a commitment would take a programme's fiscal-year budget below zero."""

    code = "over_budget"


class PlanNotBalancedError(InvalidInputError):
    """Raised when a financing plan's costs differ from its funding sources."""

    code = "plan_not_balanced"


class RuleViolationError(DomainError):
    """Raised when a programme's rule set forbids the command (amounts, shares, horizons, periods)."""

    code = "rule_violation"


class PaymentRefusedError(RuleViolationError):
    """Raised when a payment request or payout breaks the payment rules."""

    code = "payment_refused"


class ConcurrencyError(DomainError):
    """Raised when concurrent writers kept conflicting after the bounded number of retries."""

    code = "concurrent_modification"


class StoreBusyError(DomainError):
    """Raised when the event store stayed busy (locked, or no connection free) through the retries.

    Nothing was recorded: the command can safely be sent again a little later.
    """

    code = "store_busy"
