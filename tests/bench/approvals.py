"""Approvals: their latency against the commitments a programme holds, and approvals under concurrency.

Latency: a programme holding 1 (then 10,000) commitments in one fiscal year; then approvals of further
reviewed applications, one at a time through ``FundingOffice.approve_grant``, timed each; and the size
of the programme's newest snapshot and of all its snapshots.

Concurrency (reported, not asserted): a programme whose 2026 budget covers a fixed number of 1.000,00 €
approvals, more reviewed applications than fit, and a real ``foerderbuch serve`` (1 or 2 workers) on a
fresh SQLite file. Either one client process sends all approvals at once (one thread each), or several
client processes each send theirs one after the other, all starting together. Afterwards the store is
read: every answer below 300 must have exactly one approval and one commitment, nothing may be committed
beyond the budget, and an answer of 500 or more whose command was recorded anyway is counted apart.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from tests.bench.batching import BatchedSaves
from tests.bench.common import child_env, module, run_child, sqlite_url
from tests.bench.generator import History, Scale, organisation_id, staff_emails
from tests.bench.stores import remove_store

YEAR = 2026
AMOUNT = "1000.00"


def _office(path: Path) -> Any:
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office

    return create_office(Settings(database_url=sqlite_url(path)), today=lambda: date(YEAR, 6, 1))


def _plan() -> Any:
    from domain.money import Money
    from domain.plan import BudgetLine, FinancingPlan

    return FinancingPlan(
        (BudgetLine("travel", "Reisekosten", Money("1500.00")),),
        own_funds=Money("500.00"),
        third_party_funds=Money("0"),
        income=Money("0"),
        grant=Money(AMOUNT),
    )


def _setting(office: Any, code: str, budget: str) -> tuple[History, dict[str, Any]]:
    from domain.dates import FiscalYear
    from domain.money import Money

    history = History(office, Scale(10_000), 7)
    history.staff()
    history.register_organisations(1, YEAR)
    programme = history.open_programme(code, (YEAR,))
    current = office.programme(programme["id"])
    if current.budget(FiscalYear(YEAR)) != Money(budget):
        history.do(
            "amend_budget", programme["id"], FiscalYear(YEAR), Money(budget), "Für die Messung.", history.actor("admin")
        )
    return history, programme


def _applications(history: History, programme: dict[str, Any], count: int, prefix: str) -> list[UUID]:
    from domain.dates import FundingPeriod

    ids = []
    for number in range(count):
        grant_id = history.do(
            "apply_for_grant",
            programme["id"],
            organisation_id(0),
            f"Begegnung {number}",
            "Austausch mit der Partnerstadt.",
            "Leeds",
            FundingPeriod(date(YEAR, 7, 1), date(YEAR, 9, 30)),
            "fixed",
            _plan(),
            history.actor("officer1"),
            on=date(YEAR, 3, 1),
            file_number=f"{prefix}-{number:06d}",
        )
        history.do(
            "review_application", grant_id, True, True, "In Ordnung.", history.actor("officer2"), on=date(YEAR, 3, 5)
        )
        ids.append(grant_id)
    return ids


def approval_latency(folder: Path, commitments: int, measured: int = 30) -> dict[str, Any]:
    """Median and p90 of single approvals in a programme already holding ``commitments`` commitments."""
    from domain.money import Money

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"latency-{commitments}.sqlite"
    remove_store(path)
    office = _office(path)
    try:
        batches = BatchedSaves(office, 1000)
        history, programme = _setting(office, "LANGLAEUFER", "50000000.00")
        held = _applications(history, programme, commitments, "L")
        approver = history.actor("approver1")
        for grant_id in held:
            history.do("approve_grant", grant_id, Money(AMOUNT), approver, on=date(YEAR, 3, 10))
        waiting = _applications(history, programme, measured, "M")
        batches.close()
        seconds, cpu = [], time.process_time()
        for grant_id in waiting:
            started = time.perf_counter()
            office.approve_grant(grant_id, Money(AMOUNT), approver, on=date(YEAR, 3, 12))
            seconds.append(time.perf_counter() - started)
        cpu = time.process_time() - cpu
        snapshots = office.snapshots.recorder.select_events(programme["id"]) if office.snapshots else []
        newest = max(snapshots, key=lambda s: s.originator_version) if snapshots else None
    finally:
        office.close()
    remove_store(path)
    ordered = sorted(seconds)
    return {
        "commitments": commitments,
        "approvals": len(seconds),
        "median_ms": statistics.median(seconds) * 1000,
        "p90_ms": ordered[int(len(ordered) * 0.9) - 1] * 1000,
        "cpu_ms": cpu * 1000 / len(seconds),
        "newest_snapshot_kb": len(newest.state) / 1024 if newest else 0,
        "snapshots": len(snapshots),
        "snapshots_mb": sum(len(s.state) for s in snapshots) / 1024 / 1024,
    }


def concurrent_approvals(folder: Path, workers: int, fitting: int, applications: int, processes: int) -> dict[str, Any]:
    """``applications`` approvals against a budget for ``fitting``: one process with a thread per approval
    (``processes == 1``), or ``processes`` processes sending theirs one after the other."""
    from tests.bench.http_pages import api_token, serve

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"concurrency-{workers}-{processes}.sqlite"
    remove_store(path)
    office = _office(path)
    try:
        batches = BatchedSaves(office, 1000)  # the setting is not measured: recorded in one transaction
        history, programme = _setting(office, "KNAPP", f"{fitting * 1000}.00")
        grant_ids = [str(g) for g in _applications(history, programme, applications, "K")]
        batches.close()
    finally:
        office.close()
    token = api_token(path, staff_emails()["approver1"][0], "approver")
    answers: list[dict[str, Any]] = []
    started = time.perf_counter()
    with serve(path, workers=workers) as server:
        env = child_env("memory://")
        if processes == 1:
            result = run_child(module("approve_client", server.base, token, *grant_ids, "--threads"), env, timeout=900)
            answers = json.loads(result.check("approve_client").stdout.strip().splitlines()[-1])
        else:
            import subprocess

            start_at = time.time() + 2.0
            shares = [grant_ids[i::processes] for i in range(processes)]
            children = [
                subprocess.Popen(
                    module("approve_client", server.base, token, *share, "--start-at", str(start_at)),
                    env=env,
                    cwd=str(Path(__file__).resolve().parents[2]),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for share in shares
            ]
            for child in children:
                out, _ = child.communicate(timeout=900)
                answers += json.loads(out.strip().splitlines()[-1])
    seconds = time.perf_counter() - started
    report = _check(path, programme["id"], answers, fitting)
    remove_store(path)
    report.update(workers=workers, processes=processes, applications=applications, fitting=fitting, seconds=seconds)
    return report


def _check(path: Path, programme_id: UUID, answers: list[dict[str, Any]], fitting: int) -> dict[str, Any]:
    """Reads the store: budget held, each acknowledged approval recorded exactly once."""
    from domain.dates import FiscalYear
    from domain.money import Money

    office = _office(path)
    try:
        programme = office.programme(programme_id)
        commitments: dict[str, int] = {}
        for event in office.events.get(programme_id):
            if type(event).__name__ == "FundsCommitted":
                commitments[event.holder_id.hex] = commitments.get(event.holder_id.hex, 0) + 1
        recorded = {}
        for answer in answers:
            grant_id = UUID(answer["grant"])
            topics = [e.topic for e in office.events.recorder.select_events(grant_id)]
            recorded[answer["grant"]] = (
                sum(1 for t in topics if t.endswith("GrantApproved")),
                commitments.get(grant_id.hex, 0),
            )
        committed = programme.committed(FiscalYear(YEAR))
        budget = programme.budget(FiscalYear(YEAR))
    finally:
        office.close()
    statuses: dict[str, int] = {}
    for answer in answers:
        statuses[str(answer["status"])] = statuses.get(str(answer["status"]), 0) + 1
    acknowledged = [a for a in answers if 200 <= a["status"] < 300]
    failed = [a for a in answers if a["status"] >= 500 or a["status"] == 0]
    return {
        "statuses": statuses,
        "answers_500_or_more": len(failed),
        "approved": sum(1 for a in answers if recorded[a["grant"]][0] >= 1),
        "acknowledged": len(acknowledged),
        "acknowledged_exactly_once": all(recorded[a["grant"]] == (1, 1) for a in acknowledged),
        "recorded_twice": sum(1 for v in recorded.values() if v[0] > 1 or v[1] > 1),
        "failed_but_recorded": sum(1 for a in failed if recorded[a["grant"]][0] >= 1),
        "budget_held": committed <= budget and committed <= Money(fitting * 1000),
        "committed": str(committed.amount),
        "budget": str(budget.amount),
        "max_seconds": max((a["seconds"] for a in answers), default=0),
        "sample_failure": failed[0]["body"] if failed else "",
    }
