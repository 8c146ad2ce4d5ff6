"""Benchmark: the finance export on a large ledger. A script that prints figures, not a test.

    .venv/bin/python tests/bench/exports.py                 # 20,000 grants in a temporary SQLite file
    .venv/bin/python tests/bench/exports.py --grants 5000 --db /tmp/bench.sqlite   # keep it, reuse it next time

It records the grants the way the office would — application, review, approval (bound in the
programme's budget), and for every second grant a payment requested, certified, released and booked —
by calling the aggregates' own commands in memory and saving them through the office in batches of a
few hundred (one transaction each), which is far faster than one command at a time and records the
same events. The read models the exports read are then caught up, and the finance workbook (write-only
mode), the CSV files and the 360Giving package are written, each timed; the workbook a second time under
``tracemalloc`` for its peak memory.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from domain.actors import Actor, Role  # noqa: E402
from domain.dates import FiscalYear, FundingPeriod  # noqa: E402
from domain.grant import Grant  # noqa: E402
from domain.money import Money  # noqa: E402
from domain.organisation import Organisation, address  # noqa: E402
from domain.plan import BudgetLine, FinancingPlan, FinancingType  # noqa: E402
from domain.posting import PostingCoordinates  # noqa: E402
from domain.programme import Programme  # noqa: E402
from domain.rules import RuleSet  # noqa: E402
from exports.csv_tables import write_csv_tables  # noqa: E402
from exports.finance_report import FinanceFilter, FinanceReport  # noqa: E402
from exports.finance_workbook import write_finance_workbook  # noqa: E402
from exports.giving360 import GivingReport, write_360giving_json  # noqa: E402
from foerderbuch.iban import validate_iban  # noqa: E402
from foerderbuch.settings import Settings  # noqa: E402
from foerderbuch.wiring import create_office, create_read_database  # noqa: E402
from projections.engine import Projector  # noqa: E402
from projections.grant_files import GrantFiles  # noqa: E402
from projections.journal import Journal  # noqa: E402
from projections.project_spending import ProjectSpending  # noqa: E402
from projections.register import Register  # noqa: E402
from projections.seal import Seal  # noqa: E402

GRANTS_PER_PROGRAMME = 400
GRANTS_PER_ORGANISATION = 40
BATCH = 200
IBAN = "DE89370400440532013000"


def build(settings: Settings, grants: int) -> None:
    office = create_office(settings)
    system = Actor.system()
    people = {}
    for key, role in (
        ("officer", Role.OFFICER),
        ("clerk", Role.OFFICER),
        ("approver", Role.APPROVER),
        ("finance", Role.FINANCE),
    ):
        user_id = office.register_user(f"{key}@bench.example", key.title(), role, system)
        people[key] = Actor(user_id, role)
    officer, clerk, approver, finance = people["officer"], people["clerk"], people["approver"], people["finance"]
    coordinates = PostingCoordinates("01.11.02", "531800", "1011000")
    rules = RuleSet.nrw_municipal("Bench-1")
    organisations: list[Organisation] = []
    programme: Programme | None = None
    pending: list[object] = []
    started = time.perf_counter()
    for number in range(grants):
        if number % GRANTS_PER_PROGRAMME == 0:
            if programme is not None:
                office.save(programme, *pending)
                pending = []
            programme = Programme.open(
                f"BENCH-{number // GRANTS_PER_PROGRAMME:03d}",
                f"Benchmark-Programm {number // GRANTS_PER_PROGRAMME}",
                "city",
                rules,
                {FiscalYear(2026): (Money(GRANTS_PER_PROGRAMME * 5000), coordinates)},
                system,
            )
        if number % GRANTS_PER_ORGANISATION == 0:
            organisation = Organisation.register(
                f"Benchmark-Verein {number // GRANTS_PER_ORGANISATION} e.V.",
                "e.V.",
                f"VR {number}",
                address("Hansastraße 1", "44137", "Dortmund"),
                IBAN,
                validate_iban,
                officer,
                uuid5(NAMESPACE_URL, f"/bench/organisations/{number}"),
            )
            organisations.append(organisation)
            pending.append(organisation)
        assert programme is not None
        grant = grant_story(number, programme, organisations[-1], officer, clerk, approver, finance, office)
        pending.append(grant)
        if len(pending) >= BATCH:
            office.save(programme, *pending)
            pending = []
        if number and number % 2000 == 0:
            print(f"  {number} Zuwendungen erfasst ({time.perf_counter() - started:.0f} s)", flush=True)
    if programme is not None:
        office.save(programme, *pending)
    print(
        f"  {grants} Zuwendungen erfasst, {office.recorder.max_notification_id()} Ereignisse "
        f"({time.perf_counter() - started:.1f} s)"
    )
    office.close()


def grant_story(
    number: int,
    programme: Programme,
    organisation: Organisation,
    officer: Actor,
    clerk: Actor,
    approver: Actor,
    finance: Actor,
    office: object,
) -> Grant:
    plan = FinancingPlan(
        (BudgetLine("travel", "Reisekosten", Money("3000.00")), BudgetLine("stay", "Unterkunft", Money("1000.00"))),
        own_funds=Money("1000.00"),
        third_party_funds=Money("0"),
        income=Money("0"),
        grant=Money("3000.00"),
    )
    grant = Grant.apply(
        f"BENCH-2026-{number:06d}",
        programme.id,
        programme.rule_set,
        organisation.id,
        None,
        f"Begegnung Nr. {number}",
        "Austausch mit der Partnerstadt",
        "Leeds",
        FundingPeriod(date(2026, 3, 1), date(2026, 10, 31)),
        FinancingType.DEFICIT,
        plan,
        None,
        date(2026, 1, 10),
        officer,
    )
    grant.review(True, True, "In Ordnung.", date(2026, 1, 20), clerk)
    terms = office.terms_for(grant, programme.rule_set, Money("3000.00"))  # type: ignore[attr-defined]
    grant.approve(terms, date(2026, 2, 1), approver)
    programme.commit(grant.id, terms.split(), approver)
    if number % 2 == 0:
        need = [{"due": date(2026, 3, 20), "amount": Money("1500.00"), "description": "Anzahlung"}]
        payment = grant.request_payment(need, "Erste Rate", date(2026, 3, 2), officer)
        grant.certify_payment(payment, date(2026, 3, 3), clerk)
        grant.release_payment(payment, date(2026, 3, 4), finance)
        grant.book_payment(payment, date(2026, 3, 6), finance)
    return grant


def catch_up(settings: Settings) -> Projector:
    office = create_office(settings)
    models = [Register(), Journal(), GrantFiles(), ProjectSpending(), Seal()]
    projector = Projector(office, create_read_database(settings), models, batch_size=2000)
    started = time.perf_counter()
    projector.catch_up()
    print(
        f"  Lesemodelle (Register, Journal, Förderakte, Projekte, Siegel) nachgezogen: "
        f"{time.perf_counter() - started:.1f} s"
    )
    return projector


def timed_export(
    projector: Projector, target: Path, with_tracemalloc: bool, wanted: FinanceFilter | None = None
) -> tuple[float, int]:
    if with_tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    with projector.db.transaction() as cursor:
        report = FinanceReport(cursor, wanted or FinanceFilter(), datetime.now(), "Benchmark")
        write_finance_workbook(report, target)
    seconds = time.perf_counter() - started
    peak = 0
    if with_tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grants", type=int, default=20000)
    parser.add_argument("--db", type=Path, help="SQLite file to build (or reuse, if it holds the ledger already)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="foerderbuch-bench-"))
    path = args.db or folder / "bench.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}")
    print(f"Förderbuch-Benchmark: Export, {args.grants} Zuwendungen, Datenbank {path}")
    if not path.exists():
        build(settings, args.grants)
    else:
        print("  vorhandene Datenbank wird wiederverwendet")
    projector = catch_up(settings)
    with projector.db.transaction() as cursor:
        report = FinanceReport(cursor, FinanceFilter(), datetime.now(), "Benchmark")
        rows, movements = report.grant_count(), report.movement_count()
    print(f"  Zeilen: {rows} Zuwendungen, {movements} Buchungen im Journal")

    target = folder / "finanz.xlsx"
    seconds, _ = timed_export(projector, target, with_tracemalloc=False)
    print(
        f"Finanzbericht (write-only): {seconds:.1f} s, {target.stat().st_size / 1e6:.1f} MB, "
        f"{(rows + movements) / seconds:,.0f} Zeilen/s"
    )
    one = FinanceFilter(programme_code="BENCH-000")
    _, small_peak = timed_export(projector, folder / "finanz-1.xlsx", with_tracemalloc=True, wanted=one)
    print(
        f"Finanzbericht unter tracemalloc, ein Programm ({GRANTS_PER_PROGRAMME} Zuwendungen): "
        f"Spitze {small_peak / 1e6:.1f} MB Python-Speicher"
    )
    seconds_traced, peak = timed_export(projector, folder / "finanz-2.xlsx", with_tracemalloc=True)
    print(
        f"Finanzbericht unter tracemalloc, alles: {seconds_traced:.1f} s (tracemalloc bremst), "
        f"Spitze {peak / 1e6:.1f} MB Python-Speicher"
    )

    started = time.perf_counter()
    with projector.db.transaction() as cursor:
        write_csv_tables(FinanceReport(cursor, FinanceFilter(), datetime.now(), "Benchmark"), folder / "csv")
    print(f"CSV-Tabellen: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    buffer = io.StringIO()
    with projector.db.transaction() as cursor:
        count = write_360giving_json(GivingReport.open(cursor, datetime.now().astimezone()), buffer)
    print(
        f"360Giving-Paket: {count} Zuwendungen, {len(buffer.getvalue()) / 1e6:.1f} MB, "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(
        "Höchster Speicher des Prozesses (ru_maxrss):"
        f" {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(f"Dateien: {folder}")
    projector.db.close()
    projector.app.close()


if __name__ == "__main__":
    main()
