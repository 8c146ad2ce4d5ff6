"""Pages and API lists over HTTP: a real ``foerderbuch serve`` against the bare Starlette + Jinja2 route.

Both servers run at once, each as its own process under uvicorn with the same settings, on loopback;
the load comes from a third process (``load.py``). For every page the bare route renders a table of
the same size in bytes (API lists: a JSON list of the same size), measured right after ours with the
same number of clients, so a busy machine slows both alike. People sign in through the real sign-in
form; the API is called with a personal token from ``foerderbuch tokens create``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.bench.common import (
    ROOT,
    BenchError,
    child_env,
    cpu_seconds,
    foerderbuch,
    free_port,
    high_water_mb,
    module,
    percentile,
    run_child,
    sqlite_url,
)
from tests.bench.generator import Manifest

SESSION_COOKIE = "foerderbuch_sitzung"  # the server-side session's id, once signed in
FORM_COOKIE = "foerderbuch_formular"  # the visitor's signed cookie with the form token, before


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def peak_mb(self) -> float | None:
        return high_water_mb(self.process.pid)


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str], port: int, log: Path, ready_path: str) -> Iterator[Server]:
    """Starts a server and waits until it answers ``ready_path``; stops it (SIGINT, then kill) at the end."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        server = Server(process, port, log)
        try:
            deadline = time.monotonic() + 600
            while True:
                if process.poll() is not None:
                    raise BenchError(f"The server ended (status {process.returncode}):\n{log.read_text()[-3000:]}")
                with contextlib.suppress(OSError):
                    if _get(port, ready_path).status < 500:
                        break
                if time.monotonic() > deadline:
                    raise BenchError(f"The server does not answer {ready_path}:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
            yield server
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def serve(store: Path, workers: int = 1) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    command = foerderbuch("serve", "--no-demo", "--port", str(port), "--workers", str(workers))
    return running(command, child_env(sqlite_url(store)), port, store.with_name(f"serve-{port}.log"), "/anmelden")


def serve_bare(folder: Path, workers: int = 1) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    command = module("bare_web", "--port", str(port), "--workers", str(workers))
    return running(command, child_env("memory://"), port, folder / f"bare-{port}.log", "/tabelle?bytes=100")


def sign_in(port: int, email: str, password: str) -> str:
    """Signs in through the sign-in form; returns the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/anmelden")
    page = conn.getresponse()
    html = page.read().decode()
    cookie = _session(page.getheader("set-cookie") or "", FORM_COOKIE)  # the visitor's signed cookie
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not cookie or not match:
        raise BenchError("The sign-in page gives no visitor cookie or no form token.")
    form = urlencode({"email": email, "password": password, "csrf_token": match.group(1), "next": "/"})
    conn.request(
        "POST",
        "/anmelden",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"{FORM_COOKIE}={cookie}"},
    )
    answer = conn.getresponse()
    answer.read()
    conn.close()
    signed_in = _session(answer.getheader("set-cookie") or "")
    if answer.status != 303 or not signed_in:
        raise BenchError(f"Signing in as {email} failed (status {answer.status}).")
    return f"{SESSION_COOKIE}={signed_in}"


def _session(header: str, name: str = SESSION_COOKIE) -> str:
    match = re.search(rf"{name}=([^;]+)", header)
    return match.group(1) if match else ""


def api_token(store: Path, email: str, role: str) -> str:
    result = run_child(
        foerderbuch("tokens", "create", email, "--role", role, "--label", "Benchmark"), child_env(sqlite_url(store))
    ).check("foerderbuch tokens create")
    return result.stdout.strip().splitlines()[0].strip()


NEXT_PAGE = re.compile(r'<a href="(\?[^"]*)" rel="next">')


def page_by_key(port: int, cookie: str, page: int) -> tuple[str, int]:
    """The grant list's path for a page far back, reached as a person gets there: by following the
    "next page" link (a key after the last row seen), not by a page number. A smaller store's list may
    end sooner: then its last page, and which page that is."""
    path, reached = "/zuwendungen", 1
    while reached < page:
        found = NEXT_PAGE.search(_get_text(port, path, {"Cookie": cookie}))
        if found is None:
            break
        path, reached = "/zuwendungen" + found.group(1).replace("&amp;", "&"), reached + 1
    return path, reached


def _get_text(port: int, path: str, headers: dict[str, str]) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    if response.status != 200:
        raise BenchError(f"{path} answers {response.status}")
    return body


def endpoints(
    manifest: Manifest, officer: str, member: str, token: str, far_page: tuple[str, int]
) -> list[dict[str, Any]]:
    """What is measured: (name, path, headers, kind of bare baseline)."""
    bearer = {"Authorization": f"Bearer {token}"}
    grant_filter = urlencode({"programm": manifest.filter_programme, "jahr": str(manifest.filter_year)})
    return [
        {"name": "Übersicht /", "path": "/", "headers": {"Cookie": officer}, "bare": "html"},
        {
            "name": "Zuwendungen gefiltert",
            "path": f"/zuwendungen?{grant_filter}",
            "headers": {"Cookie": officer},
            "bare": "html",
        },
        {
            "name": f"Zuwendungen Seite {far_page[1]}",
            "path": far_page[0],
            "headers": {"Cookie": officer},
            "bare": "html",
        },
        {
            "name": "Zuwendung (Seite)",
            "path": f"/zuwendungen/{manifest.sample_grant}",
            "headers": {"Cookie": officer},
            "bare": "html",
        },
        {"name": "Portal /portal/", "path": "/portal/", "headers": {"Cookie": member}, "bare": "html"},
        {"name": "API grants", "path": "/api/v1/grants", "headers": bearer, "bare": "json"},
        {"name": "API organisations", "path": "/api/v1/organisations", "headers": bearer, "bare": "json"},
        {"name": "API programmes", "path": "/api/v1/programmes", "headers": bearer, "bare": "json"},
        {"name": "API balances", "path": "/api/v1/balances", "headers": bearer, "bare": "json"},
    ]


WARMUP = 2


def load(
    server: Server, path: str, headers: dict[str, str], concurrency: int, requests: int, seconds: float
) -> dict[str, Any]:
    """Load from a separate process; also the server's CPU time per request (warm-up included)."""
    args = [f"{server.base}{path}", "--concurrency", str(concurrency), "--requests", str(requests)]
    args += ["--seconds", str(seconds), "--warmup", str(WARMUP)]
    for key, value in headers.items():
        args += ["--header", f"{key}: {value}"]
    cpu_before = cpu_seconds(server.process.pid)
    result = run_child(module("load", *args), child_env("memory://"), timeout=seconds * 20 + 600).check("load")
    cpu_after = cpu_seconds(server.process.pid)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    latencies = figures.pop("latencies")
    count = len(latencies)
    figures.update(
        requests=count,
        p50_ms=percentile(latencies, 0.50) * 1000 if count else None,
        p99_ms=percentile(latencies, 0.99) * 1000 if count else None,
        per_second=count / figures["seconds"] if figures["seconds"] else None,
        cpu_ms=(cpu_after - cpu_before) * 1000 / (count + WARMUP) if cpu_before is not None and cpu_after else None,
    )
    return figures


def measure_pages(
    store: Path,
    manifest: Manifest,
    concurrencies: tuple[int, ...],
    requests: int,
    seconds: float,
    advance: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Every endpoint at every concurrency, ours and bare; a failing page (not 200) is an error."""
    token = api_token(store, manifest.officer_email, "officer")
    results = []
    with serve(store) as ours, serve_bare(store.parent) as bare:
        officer = sign_in(ours.port, manifest.officer_email, manifest.password)
        member = sign_in(ours.port, manifest.member_email, manifest.password)
        far_page = page_by_key(ours.port, officer, 50)
        for endpoint in endpoints(manifest, officer, member, token, far_page):
            first = _get(ours.port, endpoint["path"], endpoint["headers"])
            if first.status != 200:
                raise BenchError(f"{endpoint['name']} ({endpoint['path']}) answers {first.status}")
            for concurrency in concurrencies:
                if advance is not None:
                    advance(f"{endpoint['name']} ×{concurrency}")
                measured = load(ours, endpoint["path"], endpoint["headers"], concurrency, requests, seconds)
                bad = {k: v for k, v in measured["statuses"].items() if k != "200"}
                if bad or measured["error_count"]:
                    raise BenchError(
                        f"{endpoint['name']} ×{concurrency}: answers {measured['statuses']}, "
                        f"errors {measured['errors'][:3]}"
                    )
                bare_path = f"/{'tabelle' if endpoint['bare'] == 'html' else 'json'}?bytes={measured['bytes']}"
                baseline = load(bare, bare_path, {}, concurrency, requests, seconds)
                results.append(
                    {"name": endpoint["name"], "concurrency": concurrency, "ours": measured, "bare": baseline}
                )
        results.append({"name": "server", "peak_mb": ours.peak_mb(), "bare_peak_mb": bare.peak_mb()})
    return results
