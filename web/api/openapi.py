"""The OpenAPI 3.1 document of ``/api/v1``, made from the operation table and the pydantic models.

Nothing here is written by hand per endpoint: paths, methods, parameters, request bodies and
responses come from the ``@operation`` declarations that also make the routes, and every schema from
the models' own JSON Schema (``pydantic.json_schema.models_json_schema`` with the components
``ref_template``), so the document cannot drift from what the code accepts and answers.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from web.api.framework import OPERATIONS, Operation
from web.api.problems import PROBLEM_JSON, TITLES
from web.api.schemas import TOKEN_ID_PATTERN, Problem

REF = "#/components/schemas/{model}"
VERSION = "1.0.0"

DESCRIPTION = """\
Die JSON-Schnittstelle des Förderbuchs (Büro für Internationale Beziehungen der Stadt Dortmund).

**Anmeldung:** jede Anfrage außer diesem Dokument braucht `Authorization: Bearer <Token>`, ein
persönliches API-Token (`foerderbuch tokens create E-MAIL --role ROLLE`). Das Token handelt für eine
Person in einer Rolle, mit denselben Rechten wie in der Weboberfläche. Cookies werden nicht gelesen.

**Sichtbarkeit:** Vereinsmitglieder sehen nur ihren eigenen Verein; alles eines anderen Vereins
antwortet mit 404, als gäbe es es nicht – ob in der Adresse, in einem Filter oder im Inhalt genannt.

**Geld** ist eine Zeichenkette mit Punkt und höchstens zwei Nachkommastellen (`"1234.56"`), nie eine
JSON-Zahl. **Daten** sind ISO 8601 (`"2026-03-01"`).

**Fehler** sind Problem Details (RFC 9457, `application/problem+json`) mit `code` (stabiler Fehlercode
der Fachlogik, z. B. `over_budget`, `four_eyes`) und `field` (das betroffene Eingabefeld).
"""

TAGS = [
    {"name": "programmes", "description": "Förderprogramme, Regelwerke und Salden"},
    {"name": "balances", "description": "Salden je Programm und Haushaltsjahr, auch zu einem Stichtag"},
    {"name": "organisations", "description": "Zuwendungsempfänger"},
    {"name": "grants", "description": "Anträge und Zuwendungen: Stand, Beträge, Fristen, Verlauf, Entscheidungen"},
    {"name": "payments", "description": "Mittelabrufe: abrufen, feststellen, freigeben, buchen"},
    {"name": "expenses", "description": "Gemeldete Ausgaben (Belege), auch in Fremdwährung; Belegliste"},
    {"name": "proofs", "description": "Zwischen- und Verwendungsnachweis, Schlussfestsetzung, Widerruf, Abschluss"},
    {"name": "claims", "description": "Rückforderungen mit Zinsen, Rückzahlungen"},
    {
        "name": "payment-runs",
        "description": "Zahlungsläufe mit SEPA-Datei (pain.001), Kontoauszüge (camt.053) und ihre offenen Posten",
    },
    {"name": "tokens", "description": "Die eigene Anmeldung und die eigenen API-Tokens"},
    {"name": "meta", "description": "Dieses Dokument"},
]


JsonMode = Literal["validation", "serialization"]


def _models() -> list[tuple[type[BaseModel], JsonMode]]:
    found: dict[tuple[type[BaseModel], JsonMode], None] = {(Problem, "serialization"): None}
    for op in OPERATIONS:
        if op.body is not None:
            found[(op.body, "validation")] = None
        if op.response is not None:
            found[(op.response, "serialization")] = None
    return list(found)


def _parameters(op: Operation) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name, kind in op.path_params.items():
        kinds: dict[str, dict[str, Any]] = {
            "uuid": {"type": "string", "format": "uuid"},
            "int": {"type": "integer", "minimum": 0, "maximum": 999999999},
        }
        schema = kinds.get(kind, {"type": "string", "pattern": TOKEN_ID_PATTERN})
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF)
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            prop = _without_null(dict(prop))
            description = prop.pop("description", None)
            prop.pop("title", None)
            parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description:
                parameter["description"] = description
            parameters.append(parameter)
    return parameters


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or a string, never JSON null: ``X | None = None`` becomes optional ``X``."""
    options = schema.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        schema = {
            **{k: v for k, v in schema.items() if k != "anyOf"},
            **(rest[0] if len(rest) == 1 else {"anyOf": rest}),
        }
        if schema.get("default", "") is None:
            del schema["default"]
    return schema


def _error_statuses(op: Operation) -> list[int]:
    if op.roles is None:
        return []
    statuses = {401, 403}
    if op.path_params or op.body is not None or op.query is not None:
        statuses.add(404)
    if op.query is not None or op.body is not None or op.path_params:
        statuses.add(422)
    if op.body is not None:
        statuses |= {400, 413, 415}
    if op.is_command:
        statuses.add(409)
    return sorted(statuses)


def _problem(status: int) -> dict[str, Any]:
    return {
        "description": TITLES.get(status, "Fehler"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="Problem")}}},
    }


@functools.cache
def openapi_document() -> dict[str, Any]:
    refs, definitions = models_json_schema(_models(), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        entry: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
        }
        if op.description:
            entry["description"] = op.description
        parameters = _parameters(op)
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {
                "required": not _all_optional(op.body),
                "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
            }
        responses: dict[str, Any] = {}
        if op.status == 204:
            responses["204"] = {"description": "Erledigt"}
        elif op.response is not None:
            responses[str(op.status)] = {
                "description": "Erledigt" if op.is_command else "Gefunden",
                "content": {op.media_type: {"schema": refs[(op.response, "serialization")]}},
            }
        else:
            responses[str(op.status)] = {
                "description": "Gefunden",
                "content": {
                    op.media_type: {
                        "schema": {"type": "object"} if op.media_type == "application/json" else {"type": "string"}
                    }
                },
            }
        for status in _error_statuses(op):
            responses[str(status)] = _problem(status)
        entry["responses"] = responses
        entry["security"] = [] if op.roles is None else [{"bearerToken": []}]
        if op.roles is not None:
            entry["x-roles"] = [role.value for role in op.roles]
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Förderbuch API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "fbk_<16 Hex-Zeichen>_<Geheimnis>",
                    "description": "Persönliches API-Token (foerderbuch tokens create)",
                }
            },
        },
        "security": [{"bearerToken": []}],
    }


def _all_optional(model: type[BaseModel]) -> bool:
    return all(not f.is_required() for f in model.model_fields.values())
