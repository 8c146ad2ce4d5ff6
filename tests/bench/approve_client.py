"""Child process: API approvals sent at once; prints one JSON line with each answer.

    python -m tests.bench.approve_client http://127.0.0.1:8000 TOKEN GRANT_ID... [--start-at EPOCH] [--threads]

Without ``--threads`` the grants are approved one after the other (one client process); with it, one
thread per grant sends all at once. ``--start-at`` makes several such processes start together. Each
request carries its own ``Idempotency-Key``; nothing is retried.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit


def approve(base: str, token: str, grant_id: str, amount: str) -> dict:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=180)
    started = time.perf_counter()
    try:
        conn.request(
            "POST",
            f"/api/v1/grants/{grant_id}/approval",
            body=json.dumps({"amount": amount}),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        status, body = 0, f"{type(error).__name__}: {error}"
    finally:
        conn.close()
    return {"grant": grant_id, "status": status, "seconds": time.perf_counter() - started, "body": body[:300]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("grants", nargs="+")
    parser.add_argument("--amount", default="1000.00")
    parser.add_argument("--start-at", type=float, default=0.0)
    parser.add_argument("--threads", action="store_true")
    args = parser.parse_args()
    if args.start_at:
        time.sleep(max(0.0, args.start_at - time.time()))
    answers: list[dict] = []
    if args.threads:
        barrier = threading.Barrier(len(args.grants))
        lock = threading.Lock()

        def one(grant_id: str) -> None:
            barrier.wait()
            answer = approve(args.base, args.token, grant_id, args.amount)
            with lock:
                answers.append(answer)

        threads = [threading.Thread(target=one, args=(g,)) for g in args.grants]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        answers = [approve(args.base, args.token, g, args.amount) for g in args.grants]
    print(json.dumps(answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
