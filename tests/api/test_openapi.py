"""The OpenAPI document: valid OpenAPI 3.1, made from the route table and the models, so it cannot drift."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from starlette.routing import Route

from web.api import api_routes
from web.api.framework import OPERATIONS
from web.api.openapi import REF, openapi_document

from .conftest import World


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


def test_the_document_validates_as_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_a_broken_document_would_be_caught() -> None:
    """The validator is not a formality: a response without a description fails it."""
    broken = json.loads(json.dumps(openapi_document()))
    del broken["paths"]["/me"]["get"]["responses"]["200"]["description"]

    with pytest.raises(Exception, match="description"):
        validate(broken, cls=OpenAPIV31SpecValidator)


def _api_routes() -> set[tuple[str, str]]:
    found = set()
    for route in api_routes:
        assert isinstance(route, Route)
        if route.path == "/{rest:path}":
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


def test_every_api_route_is_in_the_document_and_nothing_else(document: dict[str, Any]) -> None:
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}

    assert documented == _api_routes()
    assert len(documented) == len(OPERATIONS) >= 40


def test_the_served_document_is_the_generated_one(world: World, document: dict[str, Any]) -> None:
    assert world.client.get("/api/v1/openapi.json").json() == json.loads(json.dumps(document))


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    references = set(re.findall(r'"\$ref": "([^"]+)"', text))
    schemas = document["components"]["schemas"]

    assert references
    for reference in references:
        assert reference.startswith(REF.format(model=""))
        assert reference.rsplit("/", 1)[1] in schemas, reference


def test_every_path_parameter_is_declared(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        names = set(re.findall(r"\{(\w+)\}", path))
        for operation in item.values():
            declared = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "path"}
            assert declared == names, (path, declared)


def test_money_is_a_string_in_both_directions(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    amount_in = schemas["CostLineIn"]["properties"]["amount"]
    amount_out = schemas["AmountsOut"]["properties"]["paid"]
    assert amount_in["type"] == "string" and amount_in["pattern"] == r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
    assert amount_out["type"] == "string" and "number" not in json.dumps(amount_out)
    assert '"type": "number"' not in json.dumps(schemas)


def test_errors_are_documented_as_problem_details(document: dict[str, Any]) -> None:
    apply = document["paths"]["/grants"]["post"]["responses"]

    assert set(apply) >= {"201", "400", "401", "403", "404", "409", "415", "422"}
    assert apply["409"]["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert document["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "code",
        "field",
    ]


def test_security_is_a_bearer_token_except_for_the_document(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert document["paths"]["/openapi.json"]["get"]["security"] == []
    assert document["paths"]["/grants"]["get"]["security"] == [{"bearerToken": []}]


def test_a_real_answer_validates_against_its_documented_schema(world: World, document: dict[str, Any]) -> None:
    """The grant detail, with payments, expenses, claims and timeline, checked against the document."""
    response_schema = document["paths"]["/grants/{grant_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    schema = {**response_schema["schema"], "components": document["components"]}  # so the $refs resolve

    answer = world.get("member_b", f"/grants/{world.grant_b}").json()

    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(answer)
    broken = dict(answer, amounts={**answer["amounts"], "paid": 0.0})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)
