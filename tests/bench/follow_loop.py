"""Child process: a follower for an engine without ``foerderbuch follow`` — catches every read model up, again
and again, until it is stopped (SIGTERM)."""

from __future__ import annotations

import signal
import sys
import time


def main() -> int:
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office, create_projector

    stop = False

    def halt(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, halt)
    settings = Settings.from_environ()
    office = create_office(settings)
    projector = create_projector(settings, office)
    try:
        while not stop:
            if not projector.catch_up():
                time.sleep(0.05)
    finally:
        projector.db.close()
        office.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
