"""The API's plumbing: operations with their models, bearer-token callers, and one way to run a request.

Every endpoint is declared once, with ``@operation(method, path, …)``, naming its query model, its
request-body model, its response model and who may call it. That one declaration makes the starlette
route *and* the OpenAPI entry (``web.api.openapi``), so the document cannot drift from the code.

Handlers are plain synchronous functions (the office and the read models are synchronous libraries):
the async shell reads the request body on the event loop, then runs authentication, validation and
the handler in the thread pool. Everything that goes wrong becomes a problem document
(``web.api.problems``), never an HTML page.

Who is calling: ``Authorization: Bearer fbk_<id>_<secret>``, a personal API token made with
``foerderbuch tokens create`` (or, later, in the web app). The token names a user and the role they
act in; every request re-reads the user from the log, so a disabled user, a revoked role or a revoked
token is refused at once (401). No cookie is read, so no cross-site request can ride on a session,
and the API needs no CSRF token.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import OperationalError as StoreOperationalError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Mount, Route

from domain.actors import ROLE_NAMES, Actor, Role
from domain.application import FundingOffice, recorded_positions
from domain.errors import DomainError
from domain.messages import N_, marked, message
from projections.db import Cursor
from web import replays
from web.api.problems import ApiProblem, from_domain, problem_response, store_busy
from web.consistency import await_position
from web.i18n import gettext
from web.services import Services

log = logging.getLogger("foerderbuch.api")

# Errors of a store that is locked or out of connections (nothing recorded): 503 with Retry-After, not 500
STORE_BUSY = (StoreOperationalError, sqlite3.OperationalError, psycopg.OperationalError)

STAFF = (Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.CASHIER, Role.AUDITOR, Role.ADMIN)
ANYONE = (*STAFF, Role.ASSOCIATION)
MAX_BODY = 1_000_000
REALM = 'Bearer realm="foerderbuch-api"'


@dataclass(frozen=True)
class Caller:
    """The user a token acts for, in the token's role."""

    user_id: UUID
    name: str
    email: str
    role: Role
    organisation_id: UUID | None
    token_id: str
    previous_id: UUID | None = None  # the derived id of a user of release 0.1 who moved to a random one

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.role, self.organisation_id, self.previous_id)

    @property
    def is_member(self) -> bool:
        return self.role is Role.ASSOCIATION

    @property
    def role_german(self) -> str:
        return ROLE_NAMES[self.role]

    def sees_organisation(self, organisation_id: UUID) -> bool:
        """Staff see every organisation; an association member only their own."""
        return not self.is_member or organisation_id == self.organisation_id


@dataclass
class Call:
    """One request as a handler sees it: who calls, the checked path, query and body."""

    request: Request
    services: Services
    caller: Caller
    path: dict[str, Any]
    query: Any
    body: Any
    location: str | None = None

    @property
    def office(self) -> FundingOffice:
        return self.services.office

    def today(self) -> date:
        return self.office.today()

    @contextlib.contextmanager
    def read(self) -> Iterator[Cursor]:
        """A read-only transaction on the read models, after they have seen this worker's writes (bounded)."""
        await_position(self.services, self.services.office.last_position)
        with self.services.projector.db.transaction() as cursor:
            yield cursor

    def business_date(self, on: date | None) -> date | None:
        """Back-dating is the office's business; association members act on today's date."""
        if on is not None and self.caller.is_member:
            raise ApiProblem(
                403, "not_permitted", N_("Vereinsmitglieder können kein abweichendes Datum angeben."), field="on"
            )
        return on


Handler = Callable[[Any], Any]
"""An operation's function: it takes the ``Call``, or the bare ``Request`` where the operation has no roles."""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    roles: tuple[Role, ...] | None  # None: no token needed (the OpenAPI document)
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    media_type: str = "application/json"
    description: str = ""
    path_params: dict[str, str] = field(default_factory=dict)  # name -> "uuid" | "token_id" | "int"

    @property
    def operation_id(self) -> str:
        return self.handler.__name__.lstrip("_")

    @property
    def is_command(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")


OPERATIONS: list[Operation] = []
PATH_KINDS = {"token_id": "token_id", "line": "int"}  # path parameters that are no UUIDs


def operation(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    roles: tuple[Role, ...] | None = ANYONE,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    media_type: str = "application/json",
) -> Callable[[Handler], Handler]:
    """Declares an endpoint: its route and its OpenAPI entry come from this one declaration."""

    def register(handler: Handler) -> Handler:
        params = {name: PATH_KINDS.get(name, "uuid") for name in _path_names(path)}
        OPERATIONS.append(
            Operation(
                method,
                path,
                handler,
                summary,
                tag,
                roles,
                query,
                body,
                response,
                status,
                media_type,
                (handler.__doc__ or "").strip(),
                params,
            )
        )
        return handler

    return register


def _path_names(path: str) -> list[str]:
    names, rest = [], path
    while "{" in rest:
        start = rest.index("{")
        end = rest.index("}", start)
        names.append(rest[start + 1 : end])
        rest = rest[end + 1 :]
    return names


# Running a request -------------------------------------------------------------------------------


def _services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def authenticate(request: Request, services: Services) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(
            401,
            "token_missing",
            N_("Bitte ein API-Token mitsenden: Authorization: Bearer <Token>."),
            headers={"www-authenticate": REALM},
        )
    invalid = ApiProblem(
        401,
        "token_invalid",
        N_("Das API-Token ist ungültig, abgelaufen oder widerrufen."),
        headers={"www-authenticate": REALM + ', error="invalid_token"'},
    )
    stored = services.credentials.resolve_token(token.strip())
    if stored is None:
        raise invalid
    try:
        actor = services.office.actor_for(stored.user_id, stored.role)
        user = services.office.user(stored.user_id)
    except DomainError:  # the user is gone, disabled, or no longer holds the token's role
        raise invalid from None
    return Caller(
        user.id, user.display_name, user.email, actor.role, actor.organisation_id, stored.token_id, actor.previous_id
    )


def _path_values(op: Operation, request: Request) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, kind in op.path_params.items():
        raw = str(request.path_params.get(name, ""))
        if kind == "uuid":
            try:
                values[name] = UUID(raw)
            except ValueError:
                raise ApiProblem(404, "not_found", N_("Diese Adresse gibt es nicht."), field=name) from None
        elif kind == "int":
            if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
                raise ApiProblem(404, "not_found", N_("Diese Adresse gibt es nicht."), field=name)
            values[name] = int(raw)
        else:
            values[name] = raw
    return values


def _validation_problem(error: ValidationError, where: str) -> ApiProblem:
    errors = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or where
        errors.append({"field": location, "message": item["msg"]})
    first = errors[0] if errors else {"field": where, "message": "ungültig"}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return ApiProblem(422, "invalid_input", detail, field=first["field"] or None, errors=errors)


def _query(op: Operation, request: Request) -> Any:
    if op.query is None:
        if request.query_params:
            name = next(iter(request.query_params.keys()))
            raise ApiProblem(
                422, "invalid_input", message("Unbekannter Parameter »{name}«.", name=name[:40]), field=name[:40]
            )
        return None
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in values:
            raise ApiProblem(
                422,
                "invalid_input",
                message("Der Parameter »{name}« kommt mehrfach vor.", name=name[:40]),
                field=name[:40],
            )
        values[name] = value
    try:
        return op.query.model_validate(values)
    except ValidationError as error:
        raise _validation_problem(error, "query") from None


def _body(op: Operation, request: Request, raw: bytes) -> Any:
    if op.body is None:
        return None
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not raw.strip():
        raw = b"{}"  # a command whose fields are all optional may be sent without a body
    elif media != "application/json":
        raise ApiProblem(415, "unsupported_media_type", N_("Bitte den Inhalt als application/json senden."))
    try:
        json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, "malformed_json", N_("Der Inhalt ist kein gültiges JSON.")) from None
    try:
        return op.body.model_validate_json(raw)
    except ValidationError as error:
        raise _validation_problem(error, "body") from None


def _respond(op: Operation, call: Call, result: Any) -> Response:
    headers = {"cache-control": "no-store"}
    if call.location:
        headers["location"] = call.location
    if op.status == 204:
        return Response(status_code=204, headers=headers)
    if isinstance(result, Response):
        result.headers.update(headers)
        return result
    assert op.response is not None and isinstance(result, op.response), f"{op.operation_id} returned {type(result)}"
    return Response(result.model_dump_json(), status_code=op.status, media_type="application/json", headers=headers)


def _run(op: Operation, request: Request, raw: bytes) -> Response:
    """Authenticates, runs the handler and answers; a command with an ``Idempotency-Key`` runs only once."""
    services = _services(request)
    if op.roles is None:
        anonymous = Call(request, services, None, {}, None, None)  # type: ignore[arg-type]  # no caller: no roles
        return _guarded(request, lambda: _respond(op, anonymous, op.handler(request)))
    try:
        caller = authenticate(request, services)
    except ApiProblem as refusal:
        return problem_response(refusal, request.url.path)
    key = request.headers.get("idempotency-key")
    if key is None or not op.is_command:
        return _guarded(request, lambda: _execute(op, request, raw, services, caller))
    if not replays.KEY_PATTERN.match(key):
        problem = ApiProblem(
            400,
            "invalid_idempotency_key",
            "Idempotency-Key: 1 bis 200 sichtbare ASCII-Zeichen.",
            field="Idempotency-Key",
        )
        return problem_response(problem, request.url.path)
    return _guarded(request, lambda: _execute_once(op, request, raw, services, caller, key))


def _execute(op: Operation, request: Request, raw: bytes, services: Services, caller: Caller) -> Response:
    if caller.role not in op.roles:  # type: ignore[operator]
        raise ApiProblem(
            403,
            "not_permitted",
            message(
                "Als {role} können Sie das nicht (nur {roles}).",
                role=marked(caller.role_german),
                roles=", ".join(gettext(r.german) for r in op.roles or ()),
            ),
        )
    path = _path_values(op, request)
    query = _query(op, request)
    body = _body(op, request, raw)
    call = Call(request, services, caller, path, query, body)
    result = op.handler(call)
    positions = recorded_positions.get()
    if positions:  # the caller's next read sees this command (bounded wait, never an error)
        await_position(services, max(positions))
    return _respond(op, call, result)


def _execute_once(
    op: Operation, request: Request, raw: bytes, services: Services, caller: Caller, key: str
) -> Response:
    """Runs a command at most once per caller and key; a retry gets the first answer (see web.replays)."""
    db = services.projector.db
    scope = f"api:{caller.user_id}"
    fingerprint = hashlib.sha256(f"{op.method} {request.url.path}\n".encode() + raw).hexdigest()
    claim = replays.claim(db, scope, key, fingerprint)
    if claim.kind == "pending":
        claim = replays.wait_for_answer(db, scope, key, fingerprint)
    if claim.kind == "mismatch":
        raise ApiProblem(
            422,
            "idempotency_key_reused",
            N_("Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet."),
            field="Idempotency-Key",
        )
    if claim.kind == "pending":
        raise ApiProblem(
            409,
            "request_in_progress",
            N_("Eine Anfrage mit diesem Idempotency-Key wird noch bearbeitet; bitte gleich noch einmal versuchen."),
            headers={"retry-after": "1"},
        )
    if claim.kind == "done" and claim.answer is not None:
        return _replayed(claim.answer)
    response = _guarded(request, lambda: _execute(op, request, raw, services, caller))
    body = bytes(response.body).decode("utf-8", errors="replace")
    answer = replays.Answer(
        response.status_code, response.headers.get("location"), response.headers.get("content-type"), body
    )
    replays.finish(db, scope, key, answer)
    return response


def _replayed(answer: replays.Answer) -> Response:
    headers = {"cache-control": "no-store", "idempotent-replayed": "true"}
    if answer.location:
        headers["location"] = answer.location
    if answer.status == 204:
        return Response(status_code=204, headers=headers)
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type, headers=headers)


def _guarded(request: Request, work: Callable[[], Response]) -> Response:
    """Every failure becomes a problem document: refusals with their status, a busy store 503, the rest 500."""
    try:
        return work()
    except ApiProblem as problem:
        return problem_response(problem, request.url.path)
    except DomainError as error:
        return problem_response(from_domain(error), request.url.path)
    except STORE_BUSY:
        log.warning("API: %s %s: Datenspeicher ausgelastet", request.method, request.url.path, exc_info=True)
        return problem_response(store_busy(), request.url.path)
    except Exception:
        log.exception("API: %s %s failed", request.method, request.url.path)
        failure = ApiProblem(500, "internal_error", N_("Das hat nicht geklappt; der Fehler wurde protokolliert."))
        return problem_response(failure, request.url.path)


def endpoint(op: Operation) -> Callable[[Request], Any]:
    async def run(request: Request) -> Response:
        raw = b""
        if op.body is not None:
            size = 0
            chunks = []
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY:
                    problem = ApiProblem(
                        413, "too_large", message("Der Inhalt ist größer als {MAX_BODY} Bytes.", MAX_BODY=MAX_BODY)
                    )
                    return problem_response(problem, request.url.path)
                chunks.append(chunk)
            raw = b"".join(chunks)
        return await run_in_threadpool(_run, op, request, raw)

    run.__name__ = op.operation_id
    return run


# Routes ------------------------------------------------------------------------------------------


def build_routes(operations: list[Operation]) -> list[Route]:
    routes = [Route(op.path, endpoint(op), methods=[op.method], name=f"api_{op.operation_id}") for op in operations]

    async def not_found(request: Request) -> Response:
        """Unknown API paths and methods answer with problem documents too (404, or 405 with Allow)."""
        allowed: set[str] = set()
        for route in routes:
            match, _ = route.matches(request.scope)
            if match is Match.PARTIAL and route.methods:
                allowed |= route.methods
        if allowed:
            problem = ApiProblem(
                405,
                "method_not_allowed",
                message("{method} ist hier nicht möglich.", method=request.method),
                headers={"allow": ", ".join(sorted(allowed))},
            )
        else:
            problem = ApiProblem(404, "not_found", N_("Diese Adresse gibt es in der API nicht."))
        return problem_response(problem, request.url.path)

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    catch_all = Route("/{rest:path}", not_found, methods=methods, include_in_schema=False)
    catch_all.path_regex = re.compile(catch_all.path_regex.pattern, re.DOTALL)
    return [*routes, catch_all]


class ApiMount(Mount):
    """The mount of the API: like starlette's, but its pattern also takes paths with a line break in them.

    A request path may carry a percent-encoded line break (``%0A``); starlette's ``{path:path}`` pattern
    (``.*``) stops at it, so such a request would miss the mount and get the web's HTML error page.
    With ``re.DOTALL`` every request under ``/api/v1/`` reaches the API and gets a problem document.
    """

    def __init__(self, path: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(path, *args, **kwargs)
        self.path_regex = re.compile(self.path_regex.pattern, re.DOTALL)
