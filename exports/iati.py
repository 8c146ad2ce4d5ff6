"""The city's development cooperation as IATI 2.03 activities (``foerderbuch export iati``).

One activity per development-cooperation programme (hierarchy 1: a programme funded by the federal
government, such as KEPOL-KUMASI from the SKEW Kleinprojektefonds, or one the city's own projects draw
their budget from), and one per city project and per awarded grant under it (hierarchy 2, with the
programme as their parent in ``related-activity``). Each names the city as reporting and accountable
organisation, the federal co-funder as funder, the association or the city as implementer and the
partner city as partner; the recipient country of the partner city; a DAC sector (15112,
decentralisation and support to subnational government: municipal development cooperation); the SDGs
of the project as tags (vocabulary 2); budgets per fiscal year; and transactions from the journal:

* ``1`` Incoming Funds — the federal programme's budget of a fiscal year, from the co-funder,
* ``2`` Outgoing Commitment — approvals and project budget draws (a release of a commitment negative),
* ``3`` Disbursement — payments booked to an association (a return or a repayment negative),
* ``4`` Expenditure — the city's own project spending (in euro, the journal's amount of a payment in
  cedi or any other currency).

Activity status (``ActivityStatus`` codelist): a grant's status maps to pipeline, implementation,
finalisation, closed or cancelled; programmes and projects are in implementation. Identifiers use
``REPORTING_ORG`` as the prefix, a stand-in until the city registers its IATI publisher identifier (as
``giving360.PREFIX`` does for 360Giving); only these constants change then.

Figures are pinned to the chain head like every export: transactions up to its log position.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from uuid import UUID
from xml.etree import ElementTree as ET

from domain.partner_cities import PARTNER_CITIES
from domain.programme import programme_code
from exports.finance_report import ExportError
from exports.giving360 import COUNTRY_CODES
from projections.db import Cursor
from projections.export_queries import LedgerFilter, Movement, chain_link_at, movements
from projections.grant_files import GrantFileRow, GrantFiles
from projections.project_spending import ProjectSpending
from projections.register import Register
from projections.seal import ChainHead

IATI_VERSION = "2.03"
REPORTING_ORG = "DE-DORTMUND-BIB"
CITY = "Stadt Dortmund – Büro für Internationale Beziehungen"
LOCAL_GOVERNMENT, GOVERNMENT, NATIONAL_NGO = "11", "10", "22"
FUNDING, ACCOUNTABLE, IMPLEMENTING = "1", "2", "4"
INCOMING_FUNDS, COMMITMENT, DISBURSEMENT, EXPENDITURE = "1", "2", "3", "4"
PIPELINE, IMPLEMENTATION, FINALISATION, CLOSED, CANCELLED = "1", "2", "3", "4", "5"
SECTOR_VOCABULARY, SECTOR = "1", "15112"  # OECD DAC CRS: decentralisation and subnational government
SDG_VOCABULARY = "2"  # UN Sustainable Development Goals
FUNDERS = {
    "federal": "Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung (Engagement Global / SKEW)",
    "land": "Land Nordrhein-Westfalen",
    "eu": "Europäische Union",
}
GRANT_STATUS = {
    "applied": PIPELINE,
    "documents_requested": PIPELINE,
    "reviewed": PIPELINE,
    "approved": IMPLEMENTATION,
    "proof_submitted": FINALISATION,
    "proof_reviewed": FINALISATION,
    "final_amount_determined": FINALISATION,
    "closed": CLOSED,
    "revoked": CANCELLED,
    "rejected": CANCELLED,
    "withdrawn": CANCELLED,
}
_COUNTRY_OF_CITY = {city.name: COUNTRY_CODES.get(city.country) for city in PARTNER_CITIES}


def _activity_id(*parts: str) -> str:
    return "-".join((REPORTING_ORG, *parts))


@dataclass
class Activity:
    """What one IATI activity says, gathered before it is written."""

    identifier: str
    title: str
    description: str
    status: str
    start: date | None
    end: date | None
    partner_city: str
    funder: str
    implementer: tuple[str, str]  # name and organisation type
    hierarchy: int
    parent: str | None = None
    sdgs: tuple[int, ...] = ()
    budgets: dict[int, Decimal] = field(default_factory=dict)
    transactions: list[tuple[str, date, Decimal, str]] = field(default_factory=list)  # type, date, euro, text


@dataclass
class IatiReport:
    """The development-cooperation programmes with their projects and grants, up to one chain head."""

    cursor: Cursor
    generated_at: datetime
    head: ChainHead
    programme_ids: list[UUID]

    @classmethod
    def open(cls, cursor: Cursor, generated_at: datetime, programmes: Iterable[str] = ()) -> IatiReport:
        head = chain_link_at(cursor)
        if head is None:
            raise ExportError("Das Log ist leer: Es gibt noch nichts zu veröffentlichen.")
        codes = GrantFiles.programme_codes(cursor)
        by_code = {code: programme_id for programme_id, code in codes.items()}
        wanted = [programme_code(code) for code in programmes]
        for code in wanted:
            if code not in by_code:
                raise ExportError(f"Ein Förderprogramm mit dem Kürzel »{code}« gibt es nicht.")
        if wanted:
            chosen = [by_code[code] for code in wanted]
        else:
            sources = {row.programme_id: row.funding_source for row in Register.programme_years(cursor)}
            drawn = _programmes_with_projects(cursor, head)
            chosen = [pid for pid in codes if sources.get(pid) == "federal" or pid in drawn]
        if not chosen:
            raise ExportError("Kein Förderprogramm der Entwicklungszusammenarbeit (Bundesmittel oder Projekte).")
        return cls(cursor, generated_at, head, sorted(chosen, key=lambda pid: codes[pid]))

    def activities(self) -> list[Activity]:
        cursor = self.cursor
        years = Register.programme_years(cursor)
        projects = {row.project_id: row for row in ProjectSpending.projects(cursor)}
        result: list[Activity] = []
        for programme_id in self.programme_ids:
            mine = [row for row in years if row.programme_id == programme_id]
            if not mine:
                continue
            code, title, source = mine[0].code, mine[0].title, mine[0].funding_source
            funder = FUNDERS.get(source, CITY)
            parent = _activity_id(code)
            programme = Activity(
                identifier=parent,
                title=title,
                description=f"Förderprogramm {code} der Stadt Dortmund ({mine[0].funding_source_german}).",
                status=IMPLEMENTATION,
                start=date(min(row.fiscal_year for row in mine), 1, 1),
                end=date(max(row.fiscal_year for row in mine), 12, 31),
                partner_city="",
                funder=funder,
                implementer=(CITY, LOCAL_GOVERNMENT),
                hierarchy=1,
                budgets={row.fiscal_year: row.budget.amount for row in mine},
            )
            children: dict[UUID, Activity] = {}
            grants = {g.grant_id: g for g in _grants(cursor, programme_id)}
            ledger = LedgerFilter(programme_id=programme_id, as_of_position=self.head.position)
            for movement in movements(cursor, ledger):
                kind = _transaction(movement)
                if kind is None:
                    continue
                type_code, sign = kind
                value = sign * movement.amount.amount
                if type_code == INCOMING_FUNDS:
                    if source not in FUNDERS:
                        continue  # the city's own budget is not funding coming in
                    programme.transactions.append((type_code, movement.business_date, value, movement.memo))
                    continue
                holder = movement.holder_id
                if holder is None:
                    continue
                child = children.get(holder)
                if child is None:
                    child = self._child(holder, grants.get(holder), projects.get(holder), parent, funder)
                    if child is None:
                        continue
                    children[holder] = child
                child.transactions.append((type_code, movement.business_date, value, movement.memo))
                if type_code == COMMITMENT:
                    year = movement.fiscal_year
                    child.budgets[year] = child.budgets.get(year, Decimal(0)) + value
            result.append(programme)
            result.extend(sorted(children.values(), key=lambda a: a.identifier))
        return result

    @staticmethod
    def _child(
        holder: UUID, grant: GrantFileRow | None, project: object | None, parent: str, funder: str
    ) -> Activity | None:
        if grant is not None:
            return Activity(
                identifier=_activity_id(grant.file_number),
                title=grant.title,
                description=f"Zuwendung {grant.file_number} an {grant.organisation_name}.",
                status=GRANT_STATUS.get(grant.status, IMPLEMENTATION),
                start=grant.period_start,
                end=grant.period_end,
                partner_city=grant.partner_city,
                funder=funder,
                implementer=(grant.organisation_name, NATIONAL_NGO),
                hierarchy=2,
                parent=parent,
            )
        if project is not None:
            return Activity(
                identifier=_activity_id(getattr(project, "code", holder.hex)),
                title=str(getattr(project, "title", "")),
                description=f"Projekt der Stadt Dortmund mit {getattr(project, 'partner_city', '')}.",
                status=IMPLEMENTATION,
                start=None,
                end=None,
                partner_city=str(getattr(project, "partner_city", "")),
                funder=funder,
                implementer=(CITY, LOCAL_GOVERNMENT),
                hierarchy=2,
                parent=parent,
                sdgs=tuple(getattr(project, "sdgs", ())),
            )
        return None


def _programmes_with_projects(cursor: Cursor, head: ChainHead) -> set[UUID]:
    found: set[UUID] = set()
    for movement in movements(cursor, LedgerFilter(as_of_position=head.position)):
        if movement.holder_kind == "project" and movement.programme_id is not None:
            found.add(movement.programme_id)
    return found


def _grants(cursor: Cursor, programme_id: UUID) -> list[GrantFileRow]:
    rows: list[GrantFileRow] = []
    after = ""
    while True:
        page = GrantFiles.page(cursor, after=after, limit=500, programme_id=programme_id, awarded_only=True)
        if not page:
            return rows
        rows.extend(page)
        after = page[-1].file_number


def _transaction(m: Movement) -> tuple[str, int] | None:
    """The IATI transaction type of a journal movement and its sign, or None if it is none."""
    debit, credit = m.debit, m.credit
    pairs = {
        ("budget_available", "appropriation"): (INCOMING_FUNDS, 1),
        ("appropriation", "budget_available"): (INCOMING_FUNDS, -1),
        ("committed", "budget_available"): (COMMITMENT, 1),
        ("budget_available", "committed"): (COMMITMENT, -1),
    }
    if (debit, credit) in pairs:
        type_code, sign = pairs[(debit, credit)]
        if type_code == INCOMING_FUNDS and m.holder_id is not None:
            return None
        return type_code, sign
    outgoing = DISBURSEMENT if m.holder_kind == "grant" else EXPENDITURE
    if debit == "paid" and credit in ("payable", "committed", "requested"):
        return outgoing, 1
    if credit == "paid" and debit in ("payable", "committed", "requested", "budget_available"):
        return outgoing, -1
    if debit == "repaid" and credit == "receivable":
        return DISBURSEMENT, -1
    return None


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, "narrative").text = text
    return element


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def write_iati(report: IatiReport, stream: IO[bytes]) -> int:
    """Writes the activities as one ``iati-activities`` document; returns how many."""
    moment = report.generated_at.replace(microsecond=0).isoformat()
    root = ET.Element(
        "iati-activities", {"version": IATI_VERSION, "generated-datetime": moment, "linked-data-default": ""}
    )
    del root.attrib["linked-data-default"]
    activities = report.activities()
    for activity in activities:
        _activity(root, activity, moment)
    ET.indent(root)
    stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    ET.ElementTree(root).write(stream, encoding="utf-8", xml_declaration=False)
    return len(activities)


def _activity(root: ET.Element, a: Activity, moment: str) -> None:
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    element = ET.SubElement(
        root,
        "iati-activity",
        {"last-updated-datetime": moment, xml_lang: "de", "default-currency": "EUR", "hierarchy": str(a.hierarchy)},
    )
    ET.SubElement(element, "iati-identifier").text = a.identifier
    _text(element, "reporting-org", CITY, ref=REPORTING_ORG, type=LOCAL_GOVERNMENT)
    _text(element, "title", a.title)
    _text(element, "description", a.description, type="1")
    _text(element, "participating-org", a.funder, role=FUNDING, type=GOVERNMENT)
    _text(element, "participating-org", CITY, role=ACCOUNTABLE, type=LOCAL_GOVERNMENT, ref=REPORTING_ORG)
    _text(element, "participating-org", a.implementer[0], role=IMPLEMENTING, type=a.implementer[1])
    if a.partner_city:
        _text(element, "participating-org", f"Partnerstadt {a.partner_city}", role=IMPLEMENTING, type=LOCAL_GOVERNMENT)
    ET.SubElement(element, "activity-status", code=a.status)
    start = a.start or min((t[1] for t in a.transactions), default=None)
    end = a.end
    if start is not None:
        ET.SubElement(element, "activity-date", {"iso-date": start.isoformat(), "type": "1"})
    if end is not None:
        ET.SubElement(element, "activity-date", {"iso-date": end.isoformat(), "type": "3"})
    if start is None and end is None:
        ET.SubElement(element, "activity-date", {"iso-date": moment[:10], "type": "1"})
    country = _COUNTRY_OF_CITY.get(a.partner_city)
    if country:
        ET.SubElement(element, "recipient-country", code=country, percentage="100")
    ET.SubElement(element, "sector", vocabulary=SECTOR_VOCABULARY, code=SECTOR, percentage="100")
    for sdg in a.sdgs:
        ET.SubElement(element, "tag", vocabulary=SDG_VOCABULARY, code=str(sdg))
    for year, value in sorted(a.budgets.items()):
        budget = ET.SubElement(element, "budget", type="1", status="2")
        ET.SubElement(budget, "period-start", {"iso-date": f"{year}-01-01"})
        ET.SubElement(budget, "period-end", {"iso-date": f"{year}-12-31"})
        ET.SubElement(budget, "value", {"currency": "EUR", "value-date": f"{year}-01-01"}).text = _amount(value)
    for type_code, day, value, memo in sorted(a.transactions, key=lambda t: (t[1], t[0])):
        transaction = ET.SubElement(element, "transaction")
        ET.SubElement(transaction, "transaction-type", code=type_code)
        ET.SubElement(transaction, "transaction-date", {"iso-date": day.isoformat()})
        ET.SubElement(transaction, "value", {"currency": "EUR", "value-date": day.isoformat()}).text = _amount(value)
        if memo:
            _text(transaction, "description", memo)
        if type_code == INCOMING_FUNDS:
            _text(transaction, "provider-org", a.funder, type=GOVERNMENT)
        elif type_code == DISBURSEMENT:
            _text(transaction, "receiver-org", a.implementer[0], type=a.implementer[1])
    if a.parent:
        ET.SubElement(element, "related-activity", ref=a.parent, type="1")
