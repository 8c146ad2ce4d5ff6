"""The IATI 2.03 export of the city's development cooperation, validated offline against the IATI
activity schema in ../shared/schemas/iati with lxml, its codes checked against the codelists there,
and its transactions reconciled with the journal: a foreign-currency project (cedi), a grant with a
repayment and a revoked grant are in the data."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from export_support import cents

from domain.programme import Programme
from exports.finance_report import ExportError
from exports.iati import REPORTING_ORG, IatiReport, write_iati
from projections.export_queries import LedgerFilter, movements
from projections.journal import Journal
from projections.project_spending import ProjectSpending

lxml_etree = pytest.importorskip("lxml.etree")

IATI = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "iati"  # ../shared beside the repository
GENERATED = datetime(2026, 3, 31, 12, 0)


def codes(name: str) -> set[str]:
    tree = lxml_etree.parse(str(IATI / f"{name}.xml"))
    return {element.text for element in tree.iterfind(".//codelist-item/code")}


@pytest.fixture(scope="module")
def schema() -> Any:
    path = IATI / "iati-activities-schema.xsd"
    if not path.is_file():
        import os

        message = f"the IATI schema is not at {path} (CI clones main with shared/ beside it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return lxml_etree.XMLSchema(lxml_etree.parse(str(path)))


def export(store: Any, programmes: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with store.projector.db.transaction() as cursor:
        write_iati(IatiReport.open(cursor, GENERATED, programmes), buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def document(demo: Any) -> Any:
    return lxml_etree.fromstring(export(demo))


def activity(document: Any, identifier: str) -> Any:
    return next(a for a in document.iterfind("iati-activity") if a.findtext("iati-identifier") == identifier)


def test_the_file_is_valid_against_the_iati_2_03_activity_schema(document, schema):
    assert schema.validate(document), [f"{e.line}: {e.message}" for e in schema.error_log]
    assert document.get("version") == "2.03"


def test_the_schema_does_see_an_invalid_file(document, schema):
    broken = lxml_etree.fromstring(lxml_etree.tostring(document))
    first = broken.find("iati-activity")
    first.remove(first.find("iati-identifier"))

    assert not schema.validate(broken)


def test_the_development_programme_its_projects_and_grants_are_activities(document):
    identifiers = [a.findtext("iati-identifier") for a in document.iterfind("iati-activity")]

    assert identifiers[0] == f"{REPORTING_ORG}-KEPOL-KUMASI"
    assert set(identifiers) >= {
        f"{REPORTING_ORG}-FAIRE-SCHOKOLADE",
        f"{REPORTING_ORG}-SHE-FOR-DEMOCRACY",
        f"{REPORTING_ORG}-KEPOL-2025-001",
    }
    assert not any(i.startswith(f"{REPORTING_ORG}-IB-") for i in identifiers)  # town twinning is not development aid
    chocolate = activity(document, f"{REPORTING_ORG}-FAIRE-SCHOKOLADE")
    assert chocolate.get("hierarchy") == "2"
    assert chocolate.find("related-activity").get("ref") == f"{REPORTING_ORG}-KEPOL-KUMASI"
    assert chocolate.find("recipient-country").get("code") == "GH"
    assert {t.get("code") for t in chocolate.iterfind("tag[@vocabulary='2']")} == {"12", "17"}
    roles = {p.get("role") for p in chocolate.iterfind("participating-org")}
    assert roles == {"1", "2", "4"}


def test_every_code_comes_from_the_codelists(document):
    transaction_types, statuses = codes("TransactionType"), codes("ActivityStatus")

    for element in document.iterfind(".//transaction-type"):
        assert element.get("code") in transaction_types
    for element in document.iterfind(".//activity-status"):
        assert element.get("code") in statuses
    used = {e.get("code") for e in document.iterfind(".//transaction-type")}
    assert used >= {"1", "2", "3", "4"}  # incoming funds, commitments, disbursements, expenditure


def test_the_transactions_add_up_to_the_journal(document, demo):
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for a in document.iterfind("iati-activity"):
        for t in a.iterfind("transaction"):
            sums[(a.findtext("iati-identifier"), t.find("transaction-type").get("code"))] += Decimal(
                t.findtext("value")
            )
    programme = Programme.create_id("KEPOL-KUMASI")
    with demo.projector.db.transaction() as cursor:
        projects = {p.code: p for p in ProjectSpending.projects(cursor)}
        budgets = Journal.balance(cursor, programme_id=programme)
        grant = Journal.grant_balance(
            cursor,
            next(
                m.holder_id
                for m in movements(cursor, LedgerFilter(programme_id=programme))
                if m.reference == "KEPOL-2025-001"
            ),
        )

    assert sums[(f"{REPORTING_ORG}-KEPOL-KUMASI", "1")] == cents(budgets.budget)  # federal money coming in
    chocolate = projects["FAIRE-SCHOKOLADE"]
    assert sums[(f"{REPORTING_ORG}-FAIRE-SCHOKOLADE", "4")] == cents(chocolate.spent)  # cedi spending in euro
    assert sums[(f"{REPORTING_ORG}-KEPOL-2025-001", "3")] == cents(grant.paid) - cents(grant.repaid)
    assert sums[(f"{REPORTING_ORG}-KEPOL-2025-001", "2")] == cents(grant.committed)


def test_a_programme_can_be_chosen_and_an_unknown_one_is_refused(demo):
    document = lxml_etree.fromstring(export(demo, ("kepol-kumasi",)))

    assert document.find("iati-activity").findtext("iati-identifier") == f"{REPORTING_ORG}-KEPOL-KUMASI"
    with demo.projector.db.transaction() as cursor, pytest.raises(ExportError, match="»NIX« gibt es nicht"):
        IatiReport.open(cursor, GENERATED, ("NIX",))


def test_the_command_writes_the_file(demo_copy, tmp_path):
    from foerderbuch.cli import main

    target = tmp_path / "iati.xml"
    code = main(["export", "iati", "-o", str(target)], settings=demo_copy)

    assert code == 0
    assert lxml_etree.parse(str(target)).getroot().tag == "iati-activities"
