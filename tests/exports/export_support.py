"""Helpers for the export tests: reading cells back as exact amounts, LibreOffice, and a store whose
associations have names that look like formulas."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money
from domain.organisation import address
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet

EVIL_NAME = '=HYPERLINK("http://x","y")'
EVIL_SUM = "+1+1"
EVIL_TITLES = ("-Minus am Anfang", "@Erwähnung am Anfang", "\tTabulator am Anfang", "\rWagenrücklauf am Anfang")
IBAN = "DE89370400440532013000"
CENT = Decimal("0.01")

RECALC_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def amount(value: Any) -> Decimal:
    """A number read back from a workbook as an exact cent amount (openpyxl reads numbers as float/int)."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"not a number: {value!r}"
    return Decimal(repr(value)).quantize(CENT)


def cents(money: Money) -> Decimal:
    return money.amount.quantize(CENT)


def as_date(value: Any) -> date:
    assert isinstance(value, datetime), f"not a date cell: {value!r}"
    return value.date()


def recalculate(soffice: str, files: list[Path], workdir: Path) -> dict[str, Path]:
    """Opens the workbooks in headless LibreOffice, recalculates every formula and saves them as xlsx.

    A private user profile makes LibreOffice always recalculate on load (instead of trusting cached
    values) and keeps parallel runs apart. Returns the recalculated file for each input file name.
    """
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_CONFIG, encoding="utf-8")
    out = workdir / "recalculated"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    results = {f.name: out / f.name for f in files}
    for name, path in results.items():
        assert path.is_file(), f"LibreOffice did not convert {name}"
    return results


def tell_evil_story(office: FundingOffice) -> None:
    """Two associations whose names look like formulas, each with an approved and paid grant."""
    system = Actor.system()
    office.register_user("officer@example.org", "Olga Officer", Role.OFFICER, system)
    office.register_user("approver@example.org", "Arne Approver", Role.APPROVER, system)
    officer = office.actor_for(office.user_by_email("officer@example.org").id, Role.OFFICER)
    approver = office.actor_for(office.user_by_email("approver@example.org").id, Role.APPROVER)
    coordinates = PostingCoordinates("01.11.02", "531800", "1011000")
    programme = office.open_programme(
        "TEST-PROG",
        "=Programm mit Gleichheitszeichen",
        "city",
        RuleSet.nrw_municipal("T-1"),
        {FiscalYear(2026): (Money("50000.00"), coordinates)},
        system,
    )
    for index, (name, title) in enumerate(((EVIL_NAME, EVIL_TITLES[0]), (EVIL_SUM, EVIL_TITLES[1]))):
        organisation = office.register_organisation(
            name, "e.V.", f"VR {100 + index}", address("Teststraße 1", "44137", "Dortmund"), IBAN, officer
        )
        plan = FinancingPlan(
            (
                BudgetLine("travel", EVIL_TITLES[2], Money("3000.00")),
                BudgetLine("stay", EVIL_TITLES[3], Money("1000.00")),
            ),
            own_funds=Money("1000.00"),
            third_party_funds=Money("0"),
            income=Money("0"),
            grant=Money("3000.00"),
        )
        grant = office.apply_for_grant(
            programme,
            organisation,
            title,
            "=SUMME(A1:A9) als Zweck",
            "Amiens",
            FundingPeriod(date(2026, 3, 1), date(2026, 9, 30)),
            "deficit",
            plan,
            officer,
            on=date(2026, 2, 1),
            file_number=f"=AZ-{index}",
        )
        office.review_application(grant, True, True, "In Ordnung.", officer, on=date(2026, 2, 10))
        office.approve_grant(grant, Money("3000.00"), approver, on=date(2026, 2, 20))
        office.report_expense(
            grant, "travel", date(2026, 3, 20), "=Reisebüro", "+Busreise", Money("500.00"), "-B-1", officer
        )
        twice = office.report_expense(
            grant, "stay", date(2026, 3, 21), "Hostel", "Übernachtung", Money("300.00"), "B-2", officer
        )
        office.reverse_expense(grant, twice, "=Doppelt erfasst", officer)
