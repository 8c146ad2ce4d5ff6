"""A separate process that catches the read models up, for the exactly-once tests.

    python catch_up_worker.py DATABASE_URL SCHEMA|- BATCH_SIZE MODE PAUSE [GO_FILE]

MODE ``between`` pauses after each committed batch, ``inside`` after each event inside the batch's
open transaction, ``none`` not at all. Each line on stdout is JSON: {"ready": true} once set up,
{"batch": name, "position": p} for every read model after each committed batch (one batch moves them
all), {"applying": name, "position": p} inside a batch, and at the end {"applied": {name: count}}.
With GO_FILE the worker waits for that file to
exist before it starts, so two workers can start together.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from eventsourcing.persistence import Notification

from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.db import Cursor
from projections.engine import BatchReport


def say(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def main() -> None:
    url, schema, batch_size, mode, pause = sys.argv[1:6]
    go_file = sys.argv[6] if len(sys.argv) > 6 else None
    settings = Settings(database_url=url, extra_env={"POSTGRES_SCHEMA": schema} if schema != "-" else {})
    office = create_office(settings)
    projector = create_projector(settings, office)
    projector.batch_size = int(batch_size)
    projector.set_up()
    seconds = float(pause)
    if mode == "inside":
        for model in projector.models.values():

            def slow(
                cursor: Cursor,
                notification: Notification,
                event: Any,
                _receive: Any = model.receive,
                _name: str = model.name,
            ) -> None:
                _receive(cursor, notification, event)
                say(applying=_name, position=notification.id)
                time.sleep(seconds)

            model.receive = slow  # type: ignore[method-assign]
    applied: dict[str, int] = {}

    def progress(report: BatchReport) -> None:
        for name, done in report.applied.items():
            applied[name] = applied.get(name, 0) + done
        for name in projector.models:
            say(batch=name, position=report.position)
        if mode == "between":
            time.sleep(seconds)

    say(ready=True)
    while go_file and not os.path.exists(go_file):
        time.sleep(0.005)
    try:
        projector.catch_up(progress=progress)
        say(applied=applied)
    finally:
        projector.db.close()
        office.close()


if __name__ == "__main__":
    main()
