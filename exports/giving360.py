"""The awarded grants as open data: a 360Giving data package (JSON) and the matching spreadsheet.

Every grant that was approved becomes one 360Giving grant, telling what it finally is: a grant revoked
in full is not published; a partly revoked one with the amount that remains; a grant whose final
amount was determined with that amount as ``amountAwarded`` (otherwise the approved amount after
amendments), and ``amountDisbursed`` is net of repayments (what went out and did not come back, up to
the chain head). Its identifier is the publisher prefix and the file number; title and purpose; the
amount applied for; the award date and
the funding period; the recipient association; the city as funder with the office as department;
the programme; and the partner city as beneficiary location with its country code.

Identifiers: the city has no registered 360Giving prefix yet, so ``PREFIX`` (``360G-stadtdortmund``)
stands in for it; once the office registers a prefix, only these constants change. Recipients are
identified by their register where it is on file, following the org-id conventions for German
registers: the list code of the register (``DE-VR`` Vereinsregister, ``DE-CR`` the common register
portal for HRA/HRB, ``DE-GNR`` Genossenschaftsregister, ``DE-PR`` Partnerschaftsregister), the register
court and the number, e.g. ``DE-VR-Dortmund-2143``. An organisation without a register entry (court and
number) gets an identifier under the 360Giving rule for organisations without one:
``360G-stadtdortmund-org-<id>``.

The purpose text is the applicant's own: it is published only where the applicant agreed on the
application form (``PurposePublicationConsented``); otherwise the description is a neutral sentence
made of the programme, the partner city and the funding period.

The licence is the Datenlizenz Deutschland – Namensnennung 2.0, the usual licence of German municipal
open data.

Amounts are written as exact decimals, never floats. The JSON is written grant by grant, so a large
package never sits in memory as a whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from uuid import UUID

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.workbook import Workbook

from domain.money import Money
from domain.partner_cities import PARTNER_CITIES
from exports.cells import TEXT, Column, TableSheet, text_cell
from exports.finance_report import ExportError
from projections.db import Cursor
from projections.directory import Directory, OrganisationEntry
from projections.export_queries import LedgerFilter, chain_link_at, holder_year_sums
from projections.grant_files import GrantFileRow, GrantFiles
from projections.journal import Balance
from projections.seal import ChainHead

PREFIX = "360G-stadtdortmund"
FUNDER = {
    "id": PREFIX,
    "name": "Stadt Dortmund",
    "department": "Büro für Internationale Beziehungen",
}
LICENSE = "https://www.govdata.de/dl-de/by-2-0"
SCHEMA_VERSION = "1.4"
PAGE = 500

COUNTRY_CODES = {
    "Frankreich": "FR",
    "Großbritannien": "GB",
    "Russland": "RU",
    "USA": "US",
    "Israel": "IL",
    "Serbien": "RS",
    "Deutschland": "DE",
    "China": "CN",
    "Türkei": "TR",
    "Ghana": "GH",
    "Ukraine": "UA",
    "Rumänien": "RO",
    "Palästina": "PS",
    "Guinea": "GN",
    "Kenia": "KE",
}
_COUNTRY_OF_CITY = {city.name: COUNTRY_CODES.get(city.country) for city in PARTNER_CITIES}

# The spreadsheet's columns: 360Giving's column titles and the path of each in a grant.
SPREADSHEET_COLUMNS: tuple[tuple[str, tuple[str | int, ...]], ...] = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Applied For", ("amountAppliedFor",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Amount Disbursed", ("amountDisbursed",)),
    ("Award Date", ("awardDate",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Funding Org:Department", ("fundingOrganization", 0, "department")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    ("Last Modified", ("dateModified",)),
)
_AMOUNTS = {"amountAppliedFor", "amountAwarded", "amountDisbursed"}
_DATES = {"awardDate", "startDate", "endDate"}


@dataclass
class GivingReport:
    """The awarded grants up to one chain head, read page by page."""

    cursor: Cursor
    generated_at: datetime
    head: ChainHead
    recipients: dict[UUID, OrganisationEntry] = field(default_factory=dict)  # of the page being written

    @classmethod
    def open(cls, cursor: Cursor, generated_at: datetime) -> GivingReport:
        head = chain_link_at(cursor)
        if head is None:
            raise ExportError("Das Log ist leer: Es gibt noch nichts zu veröffentlichen.")
        if not GrantFiles.count(cursor, awarded_only=True):
            raise ExportError("Es gibt noch keine bewilligte Zuwendung; ein 360Giving-Paket braucht mindestens eine.")
        return cls(cursor, generated_at, head)

    def count(self) -> int:
        return GrantFiles.count(self.cursor, awarded_only=True)

    def grants(self) -> Iterator[dict[str, Any]]:
        ledger = LedgerFilter(as_of_position=self.head.position)
        after = ""
        while True:
            page = GrantFiles.page(self.cursor, after=after, limit=PAGE, awarded_only=True)
            if not page:
                return
            sums = holder_year_sums(self.cursor, (g.grant_id for g in page), ledger)
            self.recipients = Directory.of(self.cursor, list({g.organisation_id for g in page}))
            paid: dict[Any, list[dict[str, int]]] = {}
            for (grant_id, _year), account_sums in sums.items():
                paid.setdefault(grant_id, []).append(account_sums)
            for row in page:
                balances = [Balance.from_sums(s) for s in paid.get(row.grant_id, [])]
                # Disbursed net of repayments: what went out and did not come back.
                disbursed = Money.sum(b.paid for b in balances) - Money.sum(b.repaid for b in balances)
                awarded = self.awarded(row)
                if awarded is None:
                    continue  # revoked in full: never published as awarded
                yield self.grant(row, disbursed, awarded)
            after = page[-1].file_number

    def awarded(self, row: GrantFileRow) -> Money | None:
        """The amount the grant stands at: the final amount once determined, what remains after a
        revocation (None when nothing remains), else the approved amount after amendments."""
        if row.revoked_on is not None:
            file = GrantFiles.grant(self.cursor, row.grant_id)
            remaining = file.revocation.remaining_amount if file and file.revocation else None
            if remaining is None or not remaining.amount:
                return None
            return remaining if row.final_amount is None else min(remaining, row.final_amount, key=lambda m: m.amount)
        if row.final_amount is not None:
            return row.final_amount
        return row.approved

    def grant(self, row: GrantFileRow, disbursed: Money, awarded: Money | None = None) -> dict[str, Any]:
        if row.approved is None or row.decided_on is None:
            raise ExportError(f"Die Zuwendung {row.file_number} ist nicht bewilligt und gehört nicht ins Paket.")
        location: dict[str, Any] = {"name": row.partner_city}
        country = _COUNTRY_OF_CITY.get(row.partner_city)
        if country:
            location["countryCode"] = country
        return {
            "id": f"{PREFIX}-{row.file_number}",
            "title": row.title,
            "description": description(row),
            "currency": "EUR",
            "amountAppliedFor": row.applied.amount,
            "amountAwarded": (awarded or row.approved).amount,
            "amountDisbursed": disbursed.amount,
            "awardDate": row.decided_on.isoformat(),
            "plannedDates": [{"startDate": row.period_start.isoformat(), "endDate": row.period_end.isoformat()}],
            "recipientOrganization": [
                {
                    "id": recipient_id(row.organisation_id, self.recipients.get(row.organisation_id)),
                    "name": row.organisation_name,
                }
            ],
            "fundingOrganization": [dict(FUNDER)],
            "grantProgramme": [{"code": row.programme_code, "title": row.programme_title}],
            "beneficiaryLocation": [location],
            "dateModified": self.modified,
        }

    @property
    def modified(self) -> str:
        return self.generated_at.replace(microsecond=0).isoformat()

    def metadata(self) -> dict[str, Any]:
        return {
            "version": SCHEMA_VERSION,
            "title": "Zuwendungen des Büros für Internationale Beziehungen der Stadt Dortmund",
            "description": (
                "Bewilligte Zuwendungen an Vereine aus dem Förderbuch der Stadt Dortmund. "
                f"{self.head.stand} (SHA-256 {self.head.hash})."
            ),
            "identifier": f"{PREFIX}-foerderbuch-{self.head.position}",
            "issued": self.generated_at.date().isoformat(),
            "modified": self.modified,
            "publisher": {"identifier": FUNDER["id"], "name": f"{FUNDER['name']} – {FUNDER['department']}"},
            "license": LICENSE,
        }


REGISTER_LISTS = {"VR": "DE-VR", "HRA": "DE-CR", "HRB": "DE-CR", "GnR": "DE-GNR", "PR": "DE-PR"}
_REGISTER = re.compile(r"^(VR|HRA|HRB|GnR|PR)\s?([0-9]{1,7})(\s?[A-Z]{1,2})?$")
_COURT_WORDS = ("Amtsgericht", "AG")


def recipient_id(organisation_id: UUID, entry: OrganisationEntry | None) -> str:
    """The org-id of a recipient from its register entry, else the 360Giving rule's ``360G-…-org-<id>``."""
    if entry is not None and entry.register_court and entry.register_number:
        found = _REGISTER.match(entry.register_number.strip())
        court = _court_code(entry.register_court)
        if found and court:
            kind, number, suffix = found.group(1), found.group(2), (found.group(3) or "").strip()
            if REGISTER_LISTS[kind] == "DE-VR":
                return f"DE-VR-{court}-{number}{suffix}"
            return f"{REGISTER_LISTS[kind]}-{court}-{kind}{number}{suffix}"
    return f"{PREFIX}-org-{organisation_id}"


def _court_code(court: str) -> str:
    """»Amtsgericht Dortmund« → ``Dortmund``; letters and digits only (an identifier has no spaces)."""
    words = [w for w in re.split(r"[\s,]+", court.strip()) if w and w not in _COURT_WORDS]
    text = "".join(w[:1].upper() + w[1:] for w in words)
    return "".join(c for c in text if c.isalnum() and c.isascii()) or ""


def description(row: GrantFileRow) -> str:
    """The purpose as the applicant wrote it where they agreed to its publication, else a neutral sentence."""
    if row.purpose_public and row.purpose.strip() and row.purpose.strip() != row.title.strip():
        return row.purpose
    return (
        f"Zuwendung im Programm {row.programme_title} für ein Vorhaben mit {row.partner_city}, "
        f"{row.period_start:%d.%m.%Y} bis {row.period_end:%d.%m.%Y}."
    )


def to_json(value: Any) -> str:
    """JSON text with decimals written exactly as numbers (``7000.00``), never through a float."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("Gleitkommazahlen werden nicht in 360Giving-Daten geschrieben")
    return json.dumps(value, ensure_ascii=False)


def write_360giving_json(report: GivingReport, stream: IO[str]) -> int:
    """Writes the package; returns the number of grants."""
    metadata = to_json(report.metadata())
    stream.write(metadata[:-1] + ', "grants": [\n')
    count = 0
    for grant in report.grants():
        stream.write(("" if count == 0 else ",\n") + to_json(grant))
        count += 1
    stream.write("\n]}\n")
    return count


def _flat(grant: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    value: Any = grant
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError):
            return None
    return value


def write_360giving_workbook(report: GivingReport, target: str | IO[bytes]) -> int:
    """The same grants as 360Giving's spreadsheet (one sheet ``grants``, its column titles)."""
    workbook = Workbook(write_only=True)
    props = workbook.properties
    props.title = "360Giving: Zuwendungen der Stadt Dortmund"
    props.creator = "Förderbuch"
    props.description = f"{report.head.stand} ({report.head.hash})"
    columns = [Column(title, TEXT, 18) for title, _ in SPREADSHEET_COLUMNS]
    sheet = TableSheet(workbook, "grants", columns, freeze="B2", print_footer=report.head.stand)
    ws = sheet.ws
    count = 0
    for grant in report.grants():
        cells: list[Cell | None] = []
        for _title, path in SPREADSHEET_COLUMNS:
            value = _flat(grant, path)
            key = str(path[-1])
            if value is None:
                cells.append(None)
            elif key in _AMOUNTS:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "#,##0.00"
                cells.append(cell)
            elif key in _DATES:
                cell = WriteOnlyCell(ws, value=date.fromisoformat(value))  # type: ignore[arg-type]  # stubs: datetime only
                cell.number_format = "YYYY-MM-DD"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append_cells([text_cell(ws, c) if isinstance(c, str) else c for c in cells])
        count += 1
    sheet.finish()
    workbook.save(target)
    return count
