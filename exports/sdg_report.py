"""The city's SDG report (Voluntary Local Review): funding and spending per SDG, partner city,
programme and fiscal year, for grants and the city's own projects.

Each line is one grant or project in one programme and fiscal year, with what was bound (*gebunden*:
approved grants, project budget drawn) and what went out (*ausgezahlt*: payouts to associations net of
returns, the city's own project spending), straight from the journal (up to one chain head). A city
project serves the SDGs recorded on it; a grant serves the SDGs of the city project it names, and a
grant without a project is listed under *ohne SDG-Zuordnung*. As in every SDG report, a line counts in
full under each of its SDGs, so the SDG totals add up to more than the journal when a project serves
several goals; the report's grand total counts every line once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.messages import N_, message
from domain.money import Money
from projections.db import Cursor, cents, money
from projections.export_queries import LedgerFilter, chain_link_at
from projections.grant_files import GrantFileRow, GrantFiles
from projections.journal import Balance
from projections.project_spending import ProjectSpending
from projections.seal import ChainHead

NO_SDG = 0  # the key of lines without an SDG
SDG_GERMAN = {
    1: N_("Keine Armut"),
    2: N_("Kein Hunger"),
    3: N_("Gesundheit und Wohlergehen"),
    4: N_("Hochwertige Bildung"),
    5: N_("Geschlechtergleichheit"),
    6: N_("Sauberes Wasser und Sanitäreinrichtungen"),
    7: N_("Bezahlbare und saubere Energie"),
    8: N_("Menschenwürdige Arbeit und Wirtschaftswachstum"),
    9: N_("Industrie, Innovation und Infrastruktur"),
    10: N_("Weniger Ungleichheiten"),
    11: N_("Nachhaltige Städte und Gemeinden"),
    12: N_("Nachhaltige/r Konsum und Produktion"),
    13: N_("Maßnahmen zum Klimaschutz"),
    14: N_("Leben unter Wasser"),
    15: N_("Leben an Land"),
    16: N_("Frieden, Gerechtigkeit und starke Institutionen"),
    17: N_("Partnerschaften zur Erreichung der Ziele"),
}


def sdg_label(sdg: int) -> str:
    """The goal by number and name, translatable on a page (its ``str`` is the German)."""
    if not sdg:
        return message("ohne SDG-Zuordnung")
    name = message(SDG_GERMAN[sdg]) if sdg in SDG_GERMAN else ""
    return message("SDG {number} – {name}", number=str(sdg), name=name)


@dataclass(frozen=True)
class SdgLine:
    """One grant or city project in one programme and fiscal year, with the SDGs it serves."""

    kind: str  # "Zuwendung" or "Projekt"
    reference: str  # file number or project code
    title: str
    partner_city: str
    programme_code: str
    fiscal_year: int
    sdgs: tuple[int, ...]
    committed: Money
    paid: Money


@dataclass(frozen=True)
class SdgSum:
    key: str
    committed: Money
    paid: Money


@dataclass
class SdgReport:
    """The SDG lines up to one chain head, optionally for some fiscal years."""

    cursor: Cursor
    head: ChainHead
    first_year: int | None = None
    last_year: int | None = None

    @classmethod
    def open(cls, cursor: Cursor, first_year: int | None = None, last_year: int | None = None) -> SdgReport | None:
        head = chain_link_at(cursor)
        return None if head is None else cls(cursor, head, first_year, last_year)

    def lines(self) -> list[SdgLine]:
        ledger = LedgerFilter(first_year=self.first_year, last_year=self.last_year, as_of_position=self.head.position)
        where, params = ledger.where()
        self.cursor.execute(
            f"SELECT holder_id, holder_kind, programme_id, fiscal_year, account, SUM(cents) AS total FROM jr_entries"
            f" WHERE {where} AND holder_id IS NOT NULL AND programme_id IS NOT NULL"
            " GROUP BY holder_id, holder_kind, programme_id, fiscal_year, account",
            params,
        )
        sums: dict[tuple[str, str, str, int], dict[str, int]] = {}
        for r in self.cursor.fetchall():
            key = (r["holder_id"], r["holder_kind"], r["programme_id"], int(r["fiscal_year"]))
            sums.setdefault(key, {})[r["account"]] = int(r["total"])
        projects = {row.project_id.hex: row for row in ProjectSpending.projects(self.cursor)}
        codes = {pid.hex: code for pid, code in GrantFiles.programme_codes(self.cursor).items()}
        wanted = {holder_id for holder_id, kind, _, _ in sums if kind == "grant"}
        grants: dict[str, GrantFileRow] = {}
        after = ""
        while wanted:  # the grant files page by page (one query per 500 grants, not one per grant)
            page = GrantFiles.page(self.cursor, after=after, limit=500, awarded_only=True)
            if not page:
                break
            grants.update((row.grant_id.hex, row) for row in page if row.grant_id.hex in wanted)
            after = page[-1].file_number
        lines = []
        for (holder_id, kind, programme_id, year), account_sums in sums.items():
            balance = Balance.from_sums(account_sums)
            if kind == "project" and holder_id in projects:
                project = projects[holder_id]
                lines.append(
                    SdgLine(
                        "Projekt",
                        project.code,
                        project.title,
                        project.partner_city,
                        codes.get(programme_id, ""),
                        year,
                        project.sdgs,
                        balance.committed,
                        balance.paid,
                    )
                )
            elif kind == "grant" and holder_id in grants:
                grant = grants[holder_id]
                served = projects.get(grant.project_id.hex) if grant.project_id else None
                lines.append(
                    SdgLine(
                        "Zuwendung",
                        grant.file_number,
                        grant.title,
                        grant.partner_city,
                        codes.get(programme_id, grant.programme_code),
                        year,
                        served.sdgs if served else (),
                        balance.committed,
                        balance.paid,
                    )
                )
        return sorted(lines, key=lambda line: (line.fiscal_year, line.programme_code, line.kind, line.reference))


def _sums(lines: Iterable[SdgLine], keys: Callable[[SdgLine], list[str]]) -> list[SdgSum]:
    totals: dict[str, list[int]] = {}
    for line in lines:
        for key in keys(line):
            entry = totals.setdefault(key, [0, 0])
            entry[0] += cents(line.committed)
            entry[1] += cents(line.paid)
    return [SdgSum(key, money(a), money(b)) for key, (a, b) in totals.items()]


def by_sdg(lines: list[SdgLine]) -> list[SdgSum]:
    """Per SDG (a line counts in full under each of its SDGs), in the order of the goals."""
    found = _sums(lines, lambda line: [str(sdg) for sdg in line.sdgs] or [str(NO_SDG)])
    return [SdgSum(sdg_label(int(s.key)), s.committed, s.paid) for s in sorted(found, key=lambda s: int(s.key) or 99)]


def by_partner_city(lines: list[SdgLine]) -> list[SdgSum]:
    return sorted(_sums(lines, lambda line: [line.partner_city or "–"]), key=lambda s: s.key)


def by_programme(lines: list[SdgLine]) -> list[SdgSum]:
    return sorted(_sums(lines, lambda line: [line.programme_code]), key=lambda s: s.key)


def by_year(lines: list[SdgLine]) -> list[SdgSum]:
    return sorted(_sums(lines, lambda line: [str(line.fiscal_year)]), key=lambda s: s.key)


def total(lines: list[SdgLine]) -> SdgSum:
    """Every line once (not per SDG)."""
    return SdgSum(
        "Summe",
        money(sum(cents(line.committed) for line in lines)),
        money(sum(cents(line.paid) for line in lines)),
    )
