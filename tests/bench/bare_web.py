"""Child process: the bare web baseline — Starlette and Jinja2 rendering a table, served like ``foerderbuch serve``.

    python -m tests.bench.bare_web --port 8123 [--workers 1]

``GET /tabelle?bytes=N`` renders an HTML table (eight columns: file number with a link, title,
organisation, partner city, status, amount, date, a progress figure) with as many rows as make the
response about N bytes, through a Jinja2 template with autoescaping, every time anew. ``GET /json?bytes=N``
does the same as a JSON list. It runs under uvicorn with the same settings as ``foerderbuch serve``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta

from jinja2 import Environment, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

TEMPLATE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Tabelle</title></head>
<body><main><h1>Zuwendungen</h1>
<table><thead><tr><th>Aktenzeichen</th><th>Titel</th><th>Verein</th><th>Partnerstadt</th><th>Stand</th>
<th>Betrag</th><th>Datum</th><th>Abruf</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/zuwendungen/{{ row.id }}">{{ row.number }}</a></td><td>{{ row.title }}</td>
<td>{{ row.organisation }}</td><td>{{ row.city }}</td><td>{{ row.status }}</td><td class="num">{{ row.amount }}</td>
<td>{{ row.day }}</td><td class="num">{{ row.share }} %</td></tr>
{% endfor %}</tbody></table></main></body></html>"""

CITIES = ("Amiens", "Leeds", "Buffalo", "Netanya", "Novi Sad", "Zwickau", "Xi'an", "Trabzon", "Kumasi", "Schytomyr")
STATUSES = ("Beantragt", "Geprüft", "Bewilligt", "Nachweis eingereicht", "Abgeschlossen")

environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
template = environment.from_string(TEMPLATE)


def _row(number: int) -> dict[str, str]:
    day = date(2017, 1, 1) + timedelta(days=number % 3650)
    cents = 50_000 + (number * 7919) % 1_500_000
    return {
        "id": f"{number:08x}-0000-4000-8000-{number:012x}",
        "number": f"B-{day.year}-{number:06d}",
        "title": f"Begegnung & Austausch mit {CITIES[number % 10]} {day.year}",
        "organisation": f"Verein Dortmund–{CITIES[(number * 3) % 10]} Nr. {number % 5000} e.V.",
        "city": CITIES[number % 10],
        "status": STATUSES[number % 5],
        "amount": f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d} €",
        "day": f"{day:%d.%m.%Y}",
        "share": str(number % 101),
    }


ROWS = [_row(n) for n in range(20_000)]
_per_row = (len(template.render(rows=ROWS[:200])) - len(template.render(rows=[]))) / 200
_per_json_row = len(json.dumps(ROWS[:200])) / 200


def _wanted(request: Request, per_row: float) -> list[dict[str, str]]:
    try:
        size = max(0, min(50_000_000, int(request.query_params.get("bytes", "10000"))))
    except ValueError:
        size = 10_000
    count = max(1, round(size / per_row))
    return [ROWS[n % len(ROWS)] for n in range(count)]


def table(request: Request) -> HTMLResponse:
    return HTMLResponse(template.render(rows=_wanted(request, _per_row)))


def listing(request: Request) -> JSONResponse:
    return JSONResponse({"items": _wanted(request, _per_json_row)})


def create() -> Starlette:
    return Starlette(routes=[Route("/tabelle", table), Route("/json", listing)])


app = create()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    import uvicorn

    if args.workers > 1:
        uvicorn.run("tests.bench.bare_web:create", factory=True, workers=args.workers, host=args.host, port=args.port)
    else:
        uvicorn.run(create(), host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
