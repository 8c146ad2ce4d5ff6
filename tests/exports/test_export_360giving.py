"""The 360Giving data package and spreadsheet, validated against the schema in ../shared/schemas
(resolved locally, no network)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from export_support import cents
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from domain.grant import Grant
from exports.finance_report import ExportError
from exports.giving360 import (
    SPREADSHEET_COLUMNS,
    GivingReport,
    description,
    recipient_id,
    write_360giving_json,
    write_360giving_workbook,
)
from projections.directory import OrganisationEntry
from projections.grant_files import GrantFiles
from projections.grant_overview import GrantOverview

GENERATED = datetime(2026, 3, 31, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def registry(schema_dir: Path) -> tuple[dict[str, Any], Registry]:
    """The package schema, and a registry that answers every $ref to the grant schema from the local file
    (the package refers to 1.4.2, the file says it is 1.4.3: both resolve to it)."""
    package = json.loads((schema_dir / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant = json.loads((schema_dir / "360-giving-schema.json").read_text(encoding="utf-8"))
    resource = DRAFT202012.create_resource(grant)  # its "$schema" is the http:// spelling of draft 2020-12
    refs = {package["properties"]["grants"]["items"]["$ref"], grant["$id"]}
    return package, Registry().with_resources((uri, resource) for uri in refs)


def validator(schema_dir: Path, schema: dict[str, Any] | None = None) -> Draft202012Validator:
    package, known = registry(schema_dir)
    return Draft202012Validator(schema or package, registry=known, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def package_text(demo: Any) -> str:
    buffer = io.StringIO()
    with demo.projector.db.transaction() as cursor:
        write_360giving_json(GivingReport.open(cursor, GENERATED), buffer)
    return buffer.getvalue()


def test_the_package_is_valid_against_the_360giving_schema(package_text, schema_dir):
    package = json.loads(package_text, parse_float=Decimal)

    errors = sorted(validator(schema_dir).iter_errors(package), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_the_validator_does_see_an_invalid_package(package_text, schema_dir):
    package = json.loads(package_text, parse_float=Decimal)
    del package["grants"][0]["awardDate"]
    package["grants"][1]["currency"] = "EURO"

    assert len(list(validator(schema_dir).iter_errors(package))) >= 2


def test_every_awarded_grant_is_published_with_its_amounts(package_text, demo):
    grants = {g["id"]: g for g in json.loads(package_text, parse_float=Decimal)["grants"]}
    with demo.projector.db.transaction() as cursor:
        rows = GrantFiles.page(cursor, limit=1000, awarded_only=True)
        overview = {g.file_number: g for g in GrantOverview.grants(cursor, GENERATED.date(), limit=1000)}

    assert set(grants) == {f"360G-stadtdortmund-{row.file_number}" for row in rows if row.file_number != "IB-2025-008"}
    assert "360G-stadtdortmund-IB-2026-001" not in grants  # an application is not a grant
    assert "360G-stadtdortmund-IB-2025-008" not in grants  # revoked in full: never published as awarded
    first = grants["360G-stadtdortmund-IB-2025-001"]
    assert first["amountAwarded"] == Decimal("6300.00")  # the final amount, not the 7.000 € first approved
    assert first["amountDisbursed"] == Decimal("6300.00")  # 7.000 € paid, 700 € repaid
    assert first["amountDisbursed"] == cents(overview["IB-2025-001"].paid) - Decimal("700.00")
    assert first["awardDate"] == "2025-03-05"
    assert first["beneficiaryLocation"] == [{"name": "Amiens", "countryCode": "FR"}]
    assert first["recipientOrganization"][0]["name"] == "Deutsch-Französische Gesellschaft Dortmund e.V."
    assert first["fundingOrganization"][0]["name"] == "Stadt Dortmund"


def test_amounts_are_exact_decimal_numbers_in_the_json_text(package_text):
    assert '"amountAwarded": 6300.00' in package_text
    assert "e+" not in package_text and "E+" not in package_text


def test_the_package_names_the_chain_head(package_text, demo):
    from projections.seal import Seal

    with demo.projector.db.transaction() as cursor:
        head = Seal.head(cursor)
    package = json.loads(package_text)

    assert head is not None and head.hash in package["description"]
    assert package["identifier"].endswith(f"-{head.position}")
    assert package["license"].startswith("https://")


def test_the_spreadsheet_holds_the_same_grants_and_unflattens_to_valid_grants(demo, package_text, schema_dir, tmp_path):
    path = tmp_path / "360giving.xlsx"
    with demo.projector.db.transaction() as cursor:
        write_360giving_workbook(GivingReport.open(cursor, GENERATED), path)
    ws = openpyxl.load_workbook(path)["grants"]
    rows = list(ws.iter_rows(values_only=True))
    grants = {g["id"]: g for g in json.loads(package_text, parse_float=Decimal)["grants"]}
    package_schema, known = registry(schema_dir)
    grant_schema = Draft202012Validator(
        {"$ref": package_schema["properties"]["grants"]["items"]["$ref"]},
        registry=known,
        format_checker=FormatChecker(),
    )

    assert list(rows[0]) == [title for title, _ in SPREADSHEET_COLUMNS]
    assert len(rows) - 1 == len(grants)
    for values in rows[1:]:
        grant: dict[str, Any] = {}
        for (_, path_), value in zip(SPREADSHEET_COLUMNS, values, strict=True):
            if value is None:
                continue
            if isinstance(value, datetime):
                value = value.date().isoformat()
            elif isinstance(value, (int, float)):
                value = Decimal(repr(value)).quantize(Decimal("0.01"))
            target: Any = grant
            for index, step in enumerate(path_[:-1]):
                if isinstance(step, int):
                    continue
                target = (
                    target.setdefault(step, [{}])[0]
                    if isinstance(path_[index + 1], int)
                    else target.setdefault(step, {})
                )
            target[path_[-1]] = value
        assert list(grant_schema.iter_errors(grant)) == []
        original = grants[grant["id"]]
        for key in ("title", "amountAwarded", "amountDisbursed", "awardDate", "plannedDates", "recipientOrganization"):
            assert grant[key] == original[key], key


def test_without_an_awarded_grant_there_is_no_package(fresh, open_store):
    from domain.actors import Actor
    from domain.dates import FiscalYear
    from domain.money import Money
    from domain.posting import PostingCoordinates
    from domain.rules import RuleSet

    office_store = open_store(fresh)
    office_store.office.open_programme(
        "LEER",
        "Leeres Programm",
        "city",
        RuleSet.nrw_municipal("L-1"),
        {FiscalYear(2026): (Money("100.00"), PostingCoordinates("1", "2", "3"))},
        Actor.system(),
    )
    office_store.projector.catch_up()

    with office_store.projector.db.transaction() as cursor, pytest.raises(ExportError, match="keine bewilligte"):
        GivingReport.open(cursor, GENERATED)


def test_grant_ids_are_the_file_numbers(package_text):
    for grant in json.loads(package_text)["grants"]:
        number = grant["id"].removeprefix("360G-stadtdortmund-")
        assert Grant.create_id(number)


def grants_of(package_text: str) -> list[dict[str, Any]]:
    return json.loads(package_text, parse_float=Decimal)["grants"]  # type: ignore[no-any-return]


class TestRecipientsAndConsent:
    def test_recipients_are_identified_by_register_court_and_number(self, package_text):
        ids = {
            g["recipientOrganization"][0]["name"]: g["recipientOrganization"][0]["id"] for g in grants_of(package_text)
        }

        assert ids  # every demo association is in the Vereinsregister at the Amtsgericht Dortmund
        for name, identifier in ids.items():
            assert re.fullmatch(r"DE-VR-Dortmund-\d+", identifier), (name, identifier)
        assert len(set(ids.values())) == len(ids)

    def test_without_a_register_entry_the_360giving_rule_names_the_recipient(self):
        entry = OrganisationEntry(UUID(int=7), "Initiative", "nicht eingetragener Verein", 1)
        court_only = OrganisationEntry(UUID(int=8), "Verein", "e.V.", 2, "Amtsgericht Dortmund", "")

        assert recipient_id(UUID(int=7), entry) == f"360G-stadtdortmund-org-{UUID(int=7)}"
        assert recipient_id(UUID(int=8), court_only).startswith("360G-stadtdortmund-org-")
        gmbh = OrganisationEntry(UUID(int=9), "Partner gGmbH", "gGmbH", 3, "Amtsgericht Bochum", "HRB 1234")
        assert recipient_id(UUID(int=9), gmbh) == "DE-CR-Bochum-HRB1234"

    def test_the_purpose_is_published_only_with_the_applicants_consent(self, package_text, demo):
        with demo.projector.db.transaction() as cursor:
            rows = {r.file_number: r for r in GrantFiles.page(cursor, after="", limit=1000, awarded_only=True)}
        published = {g["id"].removeprefix("360G-stadtdortmund-"): g["description"] for g in grants_of(package_text)}

        consented = [n for n in published if rows[n].purpose_public]
        withheld = [n for n in published if not rows[n].purpose_public]
        assert consented and withheld  # the demo has both
        for number in consented:
            assert published[number] == rows[number].purpose
        for number in withheld:
            assert published[number] != rows[number].purpose
            assert published[number].startswith("Zuwendung im Programm ")


class TestOfflineDataQuality:
    """The checks of 360Giving's data quality guidance that need no register lookup."""

    def test_amounts_are_positive_and_disbursed_never_negative(self, package_text):
        for grant in grants_of(package_text):
            assert grant["amountAwarded"] > 0, grant["id"]
            assert grant["amountAppliedFor"] > 0, grant["id"]
            assert grant["amountDisbursed"] >= 0, grant["id"]

    def test_dates_are_consistent(self, package_text):
        for grant in grants_of(package_text):
            (planned,) = grant["plannedDates"]
            assert planned["startDate"] <= planned["endDate"], grant["id"]
            assert grant["awardDate"] <= GENERATED.date().isoformat(), grant["id"]  # no award in the future
            assert grant["dateModified"][:10] >= grant["awardDate"], grant["id"]

    def test_identifiers_are_real_and_unique(self, package_text):
        grants = grants_of(package_text)
        placeholder = re.compile(r"(?i)(unknown|placeholder|n/?a$|none|test|-0+$|x{3,})")
        assert len({g["id"] for g in grants}) == len(grants)
        for grant in grants:
            for identifier in (
                grant["id"],
                grant["recipientOrganization"][0]["id"],
                grant["fundingOrganization"][0]["id"],
            ):
                assert not placeholder.search(identifier), identifier
                assert " " not in identifier and "/" not in identifier, identifier
            assert grant["recipientOrganization"][0]["id"] != grant["fundingOrganization"][0]["id"]

    def test_currency_is_iso_4217_euro(self, package_text):
        assert {g["currency"] for g in grants_of(package_text)} == {"EUR"}

    def test_titles_are_short_and_never_the_description(self, package_text):
        for grant in grants_of(package_text):
            assert grant["title"].strip() and grant["description"].strip(), grant["id"]
            assert grant["title"].strip() != grant["description"].strip(), grant["id"]
            assert len(grant["title"]) <= 140, grant["id"]

    def test_a_description_equal_to_the_title_is_replaced_by_the_neutral_one(self, demo):
        with demo.projector.db.transaction() as cursor:
            row = GrantFiles.page(cursor, after="", limit=1, awarded_only=True)[0]
        same = dataclasses.replace(row, purpose=row.title, purpose_public=True)

        assert description(same) != row.title and description(same).startswith("Zuwendung im Programm ")
