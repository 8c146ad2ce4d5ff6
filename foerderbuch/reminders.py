"""Reminders that send themselves: before, on and after the proof-of-use and interim deadlines.

``send_due_reminders`` looks at every open proof deadline (interim and final) that is due within
``FOERDERBUCH_REMINDER_DAYS_BEFORE`` days or already past, and asks the domain for the one reminder that
applies today: ``before`` (from that many days before the deadline), ``due`` (on the day) or ``overdue``
(after it). The grant records each stage once per deadline date (``Grant.remind_automatically``), so the
run is idempotent: run it twice, from two servers at once, or after a day it missed, and nothing is sent
twice (a missed stage is not sent late: only the stage of today is). A reminder is a message to the
association (its news and e-mail, through ``foerderbuch notify``); an overdue one also makes the letter
(Erinnerung) from its event and puts the proof into the officers' work queue "Überfällige Nachweise".

Who runs it: ``foerderbuch reminders`` (for a timer, e.g. daily), and ``foerderbuch serve`` by itself every
``FOERDERBUCH_REMINDER_INTERVAL_MINUTES`` minutes (0 turns that off), followed by the e-mail outbox when a
mail server is set.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.actors import Actor
from domain.application import FundingOffice
from domain.errors import DomainError
from exports.letters.service import LetterError, Letters
from projections.engine import Projector
from projections.grant_overview import GrantOverview

log = logging.getLogger(__name__)


@dataclass
class ReminderReport:
    sent: dict[str, int] = field(default_factory=lambda: {"before": 0, "due": 0, "overdue": 0})
    letters: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def stage_for(today: date, due: date, days_before: int) -> str | None:
    if today > due:
        return "overdue"
    if today == due:
        return "due"
    if days_before > 0 and today >= due - timedelta(days=days_before):
        return "before"
    return None


def open_deadlines(projector: Projector, until: date) -> list[tuple[Any, str]]:
    """(grant id, deadline key) of every interim or final proof not yet in whose deadline is on or before ``until``."""
    table = GrantOverview.deadline_book.table
    with projector.db.transaction() as cursor:
        cursor.execute(
            f"SELECT grant_id, key FROM {table} WHERE done = 0 AND kind IN ('interim', 'final')"
            " AND COALESCE(extended, due) <= ? ORDER BY COALESCE(extended, due), grant_id",
            (until.isoformat(),),
        )
        rows = cursor.fetchall()
    from uuid import UUID

    return [(UUID(r["grant_id"]), r["key"]) for r in rows]


def send_due_reminders(
    office: FundingOffice,
    projector: Projector,
    letters: Letters | None,
    days_before: int,
    today: date | None = None,
) -> ReminderReport:
    """Sends today's reminders (see the module docstring); returns what was sent."""
    day = today or office.today()
    projector.catch_up(["grant_overview"])
    report = ReminderReport()
    for grant_id, key in open_deadlines(projector, day + timedelta(days=max(days_before, 0))):
        try:
            grant = office.grant(grant_id)
            deadline = next((d for d in grant.deadlines(day) if d["key"] == key), None)
            if deadline is None or deadline["done_on"] is not None:
                continue
            stage = stage_for(day, deadline["due"], days_before)
            if stage is None:
                continue
            with office.enclosing(Actor.system()) as enclosure:
                sent = office.remind_automatically(grant_id, key, stage, on=day)
            if not sent:
                continue
            report.sent[stage] += 1
            if stage == "overdue" and letters is not None:
                (notification,) = enclosure.recorded("ReminderSent")
                letters.issue(notification, Actor.system(), on=day)
                report.letters += 1
        except (DomainError, LetterError, OSError, ImportError) as error:
            report.problems.append(f"{grant_id} {key}: {getattr(error, 'message', error)}")
            log.exception("reminder for %s %s not sent", grant_id, key)
    return report


class ReminderClock:
    """Runs the reminders (and then the e-mail outbox) every ``interval`` seconds in a background thread."""

    def __init__(self, run: Any, interval: float) -> None:
        self._run = run
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="foerderbuch-reminders", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._run()
            except Exception:  # a failed run is logged; the clock keeps going
                log.exception("reminder run failed")
            self._stop.wait(self._interval)
