"""Child process: HTTP load on loopback from its own process; prints one JSON line with the figures.

    python -m tests.bench.load http://127.0.0.1:8000/zuwendungen --concurrency 4 --requests 200 \\
        --seconds 20 --warmup 3 [--header 'Cookie: session=…']

``concurrency`` clients (threads, one kept-alive connection each) send GET requests one after another,
together at most ``requests`` or for at most ``seconds``, after ``warmup`` requests that are not
counted. Latency is from sending the request to having read the whole body. Only the standard library
is used, so the client costs little next to the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    parts = urlsplit(args.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = dict(h.split(": ", 1) for h in args.header)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    errors: list[str] = []
    budget = [args.requests]
    barrier = threading.Barrier(args.concurrency)
    deadline = [0.0]

    def connection() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=args.timeout)

    def one(conn: http.client.HTTPConnection) -> tuple[float, int, int]:
        started = time.perf_counter()
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return time.perf_counter() - started, response.status, len(body)

    def client() -> None:
        conn = connection()
        try:
            barrier.wait()
            while True:
                with lock:
                    if budget[0] <= 0 or time.perf_counter() > deadline[0]:
                        return
                    budget[0] -= 1
                try:
                    seconds, status, size = one(conn)
                except (OSError, http.client.HTTPException) as error:
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    conn.close()
                    conn = connection()
                    continue
                with lock:
                    latencies.append(seconds)
                    statuses[status] = statuses.get(status, 0) + 1
                    sizes.append(size)
        finally:
            conn.close()

    warm = connection()
    for _ in range(args.warmup):
        one(warm)
    warm.close()
    threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
    started = time.perf_counter()
    deadline[0] = started + args.seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "latencies": latencies,
                "seconds": elapsed,
                "statuses": {str(k): v for k, v in statuses.items()},
                "bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
                "errors": errors[:10],
                "error_count": len(errors),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
