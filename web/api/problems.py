"""Errors of the JSON API as problem details (RFC 9457, ``application/problem+json``).

Every refusal answers with a JSON object of ``type``, ``title``, ``status``, ``detail`` and ``instance``,
and two members of our own: ``code``, the stable code of the domain error (``over_budget``,
``four_eyes`` …, see ``domain.errors``), and ``field``, the input it concerns (or null). Validation
errors add ``errors``, one entry per offending field. ``type`` is ``urn:foerderbuch:problem:<code>``:
a stable name, not a page to fetch.

``title`` and ``detail`` are German unless the request asks for English (``Accept-Language: en``, or the
language chosen on the pages): a domain refusal is a :class:`~domain.messages.Message` and is translated
by its message id; ``Content-Language`` names the language of the answer. ``code`` never changes.

How domain errors map to HTTP statuses:

=================================================  ======
invalid input, plan not balanced, rule violations   422
not permitted, four-eyes                            403
not found                                           404
already exists, invalid state, over budget,         409
payment refused, concurrent modification
store busy (nothing recorded; ``Retry-After``)      503
=================================================  ======

A payment refusal is a conflict with the grant's current state (not yet approved, outside the funding
period, more than is left of the approved amount), so it answers 409 like over-budget; other rule
violations (the programme's minimum, the own share, line tolerance) are about what was sent: 422.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from domain.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    DomainError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    OverBudgetError,
    PaymentRefusedError,
    RuleViolationError,
    StoreBusyError,
)
from domain.messages import N_
from web.i18n import current_language, gettext

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:foerderbuch:problem:"

TITLES = {
    400: N_("Ungültige Anfrage"),
    401: N_("Anmeldung erforderlich"),
    403: N_("Keine Berechtigung"),
    404: N_("Nicht gefunden"),
    405: N_("Methode nicht erlaubt"),
    406: N_("Format nicht lieferbar"),
    409: N_("Konflikt mit dem aktuellen Stand"),
    413: N_("Anfrage zu groß"),
    415: N_("Format nicht unterstützt"),
    422: N_("Ungültige Eingabe"),
    500: N_("Interner Fehler"),
    503: N_("Vorübergehend nicht verfügbar"),
}
RETRY_AFTER_SECONDS = 2


class ApiProblem(Exception):
    """Raised inside the API to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        field: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field
        self.errors = errors
        self.headers = headers or {}


def status_of(error: DomainError) -> int:
    """The HTTP status for a domain error (see the table in the module docstring)."""
    if isinstance(error, StoreBusyError):
        return 503
    if isinstance(error, NotPermittedError):  # includes four-eyes
        return 403
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(
        error, (AlreadyExistsError, InvalidStateError, OverBudgetError, PaymentRefusedError, ConcurrencyError)
    ):
        return 409
    if isinstance(error, (InvalidInputError, RuleViolationError)):
        return 422
    return 422


def from_domain(error: DomainError) -> ApiProblem:
    status = status_of(error)
    headers = {"retry-after": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return ApiProblem(status, error.code, error.message, field=error.field, headers=headers)


def store_busy() -> ApiProblem:
    """The store could not be written or read in time (nothing was recorded): try again shortly."""
    return ApiProblem(
        503,
        "store_busy",
        N_(
            "Der Datenspeicher ist gerade ausgelastet; es wurde nichts gespeichert. Bitte gleich noch einmal versuchen."
        ),
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )


def problem_body(problem: ApiProblem, instance: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + problem.code,
        "title": gettext(TITLES.get(problem.status, N_("Fehler"))),
        "status": problem.status,
        "detail": gettext(problem.detail),
        "instance": instance,
        "code": problem.code,
        "field": problem.field,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    return body


def problem_response(problem: ApiProblem, instance: str) -> Response:
    headers = {"cache-control": "no-store", "content-language": current_language.get(), **problem.headers}
    return Response(
        json.dumps(problem_body(problem, instance), ensure_ascii=False),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )
