"""Child process: a steady stream of FundingOffice commands (grant stories) at a fixed rate; prints JSON.

    python -m tests.bench.stream MANIFEST.json --rate 20 --seconds 15

The store is FOERDERBUCH_DATABASE_URL; the manifest is the generated store's (for its people and
associations). Each command saves on its own; the stream sleeps between commands to hold the rate.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--rate", type=float, default=20.0, help="commands per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()

    from pathlib import Path

    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office
    from tests.bench.generator import History, Manifest, Scale
    from tests.bench.write_path import WRITE_NOW, WRITE_YEAR

    manifest = Manifest.read(Path(args.manifest))
    office = create_office(Settings.from_environ(), today=lambda: WRITE_NOW)
    history = History(office, Scale(manifest.target_events), manifest.seed + 2, now=WRITE_NOW)
    history.attach(manifest.organisations, "S")
    programme = history.open_programme("NACHLAUF", (WRITE_YEAR, WRITE_YEAR + 1))
    head = int(office.recorder.max_notification_id() or 0)
    interval = 1.0 / args.rate
    started = time.perf_counter()
    deadline = started + args.seconds
    sent = 0
    plain_do = history.do

    class Done(Exception):
        pass

    def paced(command: str, *a: Any, **k: Any) -> Any:
        nonlocal sent
        now = time.perf_counter()
        if now >= deadline:
            raise Done
        due = started + sent * interval
        if due > now:
            time.sleep(due - now)
        result = plain_do(command, *a, **k)
        sent += 1
        return result

    history.do = paced  # type: ignore[method-assign]
    try:
        while True:
            history.grant_story(WRITE_YEAR, programme)
    except Done:
        pass
    seconds = time.perf_counter() - started
    events = int(office.recorder.max_notification_id() or 0) - head
    office.close()
    print(json.dumps({"commands": sent, "events": events, "seconds": seconds, "first_position": head + 1}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
