"""Child process: select and decode the whole log of FOERDERBUCH_DATABASE_URL, nothing else; prints JSON.

The baseline of a rebuild: what reading the log costs before any read model does anything with it.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    started = time.perf_counter()
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office
    from tests.bench.bare import read_and_decode

    office = create_office(Settings.from_environ())
    try:
        ready = time.perf_counter()
        count = read_and_decode(office)
        done = time.perf_counter()
    finally:
        office.close()
    print(json.dumps({"events": count, "seconds": done - ready, "startup_seconds": ready - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
