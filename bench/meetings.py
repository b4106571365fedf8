"""Committee administration: creating agenda items through the API, listing a long
agenda, and the meeting pack of a large meeting.

    .venv/bin/python bench/meetings.py [--items 300] [--pack-items 40] [--pages 10]
    .venv/bin/python bench/meetings.py --http [--items 300]

1. **Create**: an officer's API key POSTs `--items` items to
   /api/v1/meetings/{id}/items (Django's test client in-process: routing, token check,
   JSON, the action with its permission checks, the case timeline and the audit event),
   after a few untimed ones. p50/p95 per item, beside the baseline: the same rows as
   one plain INSERT each (kansli.rows), with no checks, no timeline and no audit.
2. **List**: GET of that agenda (`--items` items) through the API, p50/p95 of 20 runs,
   beside the same call on an empty agenda (middleware, token check, the meeting, JSON).
3. **Pack**: `--pack-items` items each with a registered report of `--pages` A4 pages
   (PDF, made with WeasyPrint first and not timed), then `do_dispatch_meeting`: the
   notice rendered from its template, every report read from the store and merged
   with bookmarks and page numbers, both stored; beside plain pypdf concatenation of
   the same notice and reports (bench/pack.py's `concatenate`).

With `--http` only the creation runs, in process and then over real HTTP: `kansli serve`
(gunicorn) with one worker on 127.0.0.1, on the same database, and the same POSTs one
after another, each on a new TCP connection as gunicorn's sync workers answer (the
server keeps its database connection, CONN_MAX_AGE). Beside them on the same server:
a static file through WhiteNoise (HTTP and the WSGI call, no Django view: the raw
baseline) and a GET of an empty agenda (the API's token check and middleware, no
write).

Targets (issue 5): p50 under 10 ms per item, the list under 20 ms, a 400-page pack
under 10 s; issue 18: creating an item under 10 ms p50 over HTTP too.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import time
import urllib.request
from pathlib import Path
from typing import Any

from common import percentile, row, setup
from pack import concatenate
from public import serve

from kansli.meetings.pack import Part

WARM_UP = 5


def world() -> tuple[Any, Any, dict[str, str]]:
    from kansli.meetings.testing import make_body, make_meeting
    from kansli.org.actions import do_create_api_token
    from kansli.org.models import Role
    from kansli.org.testing import make_authority, make_user

    authority = make_authority("KS", "Kommunstyrelsen")
    body = make_body(authority)
    officer = make_user("handlaggare", roles=[(Role.OFFICER, authority)])
    _token, key = do_create_api_token(officer, "Planering", actor=None)
    return body, make_meeting(body), {"Authorization": f"Bearer {key}"}


def empty_meeting(body: Any) -> Any:
    from kansli.meetings.testing import make_meeting

    return make_meeting(body, days_ahead=90)


def cases(meeting: Any) -> list[int]:
    from kansli.registry.testing import make_case

    return [make_case(f"Ärende {n}", authority=meeting.body.authority).pk for n in range(50)]


def create(meeting: Any, headers: dict[str, str], cases: list[int], count: int) -> list[float]:
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    url = f"/api/v1/meetings/{meeting.pk}/items"
    times = []
    for n in range(-WARM_UP, count):  # the first few untimed: imports, caches, connection
        payload = {
            "case_id": cases[n % len(cases)],
            "title": f"Ärende nummer {n}",
            "proposal": "Nämnden beslutar enligt förslaget.",
        }
        started = time.perf_counter()
        answer = client.post(url, payload, content_type="application/json", headers=headers)
        if n >= 0:
            times.append(time.perf_counter() - started)
        assert answer.status_code == 201, answer.content
    return times


def over_http(
    data_dir: Path, meeting: Any, headers: dict[str, str], cases: list[int], count: int
) -> dict[str, list[float]]:
    """The same POSTs over HTTP to `kansli serve` with one worker, and the baselines on
    that server: a static file, and an empty agenda through the API."""
    empty = empty_meeting(meeting.body)
    server, url = serve(data_dir, workers=1, cache=0)

    def timed(path: str, payload: dict[str, Any] | None = None, api: bool = True) -> float:
        body = json.dumps(payload).encode() if payload is not None else None
        sent = (headers if api else {}) | ({"Content-Type": "application/json"} if body else {})
        asked = urllib.request.Request(f"{url}{path}", data=body, headers=sent)  # noqa: S310
        started = time.perf_counter()
        with urllib.request.urlopen(asked, timeout=30) as answer:  # noqa: S310 - our server
            answer.read()
            assert answer.status in (200, 201), answer.status
        return time.perf_counter() - started

    times: dict[str, list[float]] = {"create": [], "static": [], "empty": []}
    try:
        for n in range(-WARM_UP, count):
            payload = {
                "case_id": cases[n % len(cases)],
                "title": f"Ärende över HTTP {n}",
                "proposal": "Nämnden beslutar enligt förslaget.",
            }
            spent = {
                "create": timed(f"/api/v1/meetings/{meeting.pk}/items", payload),
                "static": timed(f"/static/kansli/kansli.css?{n}", api=False),
                "empty": timed(f"/api/v1/meetings/{empty.pk}/items"),
            }
            if n >= 0:  # the first few untimed: the worker's imports and caches
                for name, seconds in spent.items():
                    times[name].append(seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return times


def raw_create(meeting: Any, count: int) -> list[float]:
    """The same rows with nothing else: one plain INSERT (kansli.rows) per transaction."""
    from django.db import transaction
    from django.utils import timezone

    from kansli.meetings.models import AgendaItem
    from kansli.rows import insert

    case_id = meeting.items.first().case_id
    times = []
    for n in range(count):
        started = time.perf_counter()
        with transaction.atomic():
            insert(
                AgendaItem(
                    meeting=meeting,
                    case_id=case_id,
                    position=10_000 + n,
                    title=f"Rått {n}",
                    preregistered_at=timezone.now(),
                )
            )
        times.append(time.perf_counter() - started)
    AgendaItem.objects.filter(meeting=meeting, position__gte=10_000).delete()
    return times


def listing(url: str, headers: dict[str, str], runs: int) -> list[float]:
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    times = []
    for n in range(-WARM_UP, runs):
        started = time.perf_counter()
        answer = client.get(url, headers=headers)
        if n >= 0:
            times.append(time.perf_counter() - started)
        assert answer.status_code == 200
    return times


def pack(body: Any, items: int, pages: int) -> tuple[float, int, float]:
    """(seconds to make the inputs, pages in the pack, seconds to dispatch, seconds for
    plain pypdf concatenation of the same notice and reports)."""
    from django.utils import timezone
    from pypdf import PdfReader
    from weasyprint import HTML

    from kansli.files.store import store_bytes
    from kansli.meetings import actions
    from kansli.meetings.testing import make_meeting
    from kansli.registry import actions as registry
    from kansli.registry.testing import make_case

    started = time.perf_counter()
    text = (
        "<p>" + "Förvaltningen har utrett ärendet och bedömer att förslaget är väl " * 28 + "</p>"
    )
    html = (
        "<h1>Tjänsteskrivelse</h1>"
        + "".join(f"<h2>Avsnitt {n}</h2>{text}" for n in range(pages))
        + "<style>h2 { break-before: page; }</style>"
    )
    report_pdf = bytes(HTML(string=html).write_pdf())
    made = time.perf_counter() - started
    meeting = make_meeting(body, days_ahead=60)
    for n in range(items):
        case = make_case(f"Ärende för paketet {n}", authority=body.authority)
        document = registry.do_register_document(
            case,
            "upprattad",
            timezone.localdate(),
            f"Tjänsteskrivelse {n}",
            actor=None,
        )
        data = report_pdf + f"%{n}\n".encode()  # a file of its own per item
        registry.do_attach_file(document, store_bytes(data, "ts.pdf"), "ts.pdf", actor=None)
        actions.do_preregister_item(
            meeting, case, title=f"Ärende {n}", proposal="Bifalls.", report=document, actor=None
        )
    started = time.perf_counter()
    actions.do_dispatch_meeting(meeting, actor=None)
    seconds = time.perf_counter() - started
    meeting.refresh_from_db()
    with meeting.pack.open() as handle:
        count = len(PdfReader(handle).pages)
    with meeting.notice.open() as handle:
        parts = [Part("", handle.read())] + [Part("", report_pdf)] * items
    started = time.perf_counter()
    concatenate(parts)
    return made, count, seconds, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="Committee administration benchmarks.")
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--pack-items", type=int, default=40)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--http", action="store_true", help="only creation, also over HTTP")
    options = parser.parse_args()
    where = setup()
    pack_items = "" if options.http else f"; a pack of {options.pack_items} items"
    print(f"Meetings: {options.items} agenda items{pack_items}")
    print(f"  {where.database}")
    body, meeting, headers = world()
    made = cases(meeting)
    created = create(meeting, headers, made, options.items)
    if options.http:
        http(where.data_dir, meeting, headers, made, created, options.items)
        return
    raw = raw_create(meeting, options.items)
    ms = 1000
    row(
        "create an item via the API, p50 / p95 ms",
        f"{statistics.median(created) * ms:.1f} / {percentile(created, 0.95) * ms:.1f}",
    )
    row(
        "plain INSERT of the same rows, p50 / p95 ms",
        f"{statistics.median(raw) * ms:.2f} / {percentile(raw, 0.95) * ms:.2f}",
    )
    row("API / plain INSERT, p50", f"{statistics.median(created) / statistics.median(raw):.0f}×")
    listed = listing(f"/api/v1/meetings/{meeting.pk}/items", headers, 20)
    row(
        f"list the {options.items}-item agenda, p50 / p95 ms",
        f"{statistics.median(listed) * ms:.1f} / {percentile(listed, 0.95) * ms:.1f}",
    )
    empty = listing(f"/api/v1/meetings/{empty_meeting(body).pk}/items", headers, 50)
    row("the same call on an empty agenda, p50 ms", f"{statistics.median(empty) * ms:.1f}")
    row("list / empty agenda, p50", f"{statistics.median(listed) / statistics.median(empty):.1f}×")
    made, pages, seconds, plain = pack(body, options.pack_items, options.pages)
    row("inputs made with WeasyPrint (not timed), s", f"{made:.1f}")
    row(f"meeting pack: {options.pack_items} items, {pages} pages, s", f"{seconds:.2f}")
    row("plain pypdf concatenation of the same PDFs, s", f"{plain:.2f}")
    row("pack / concatenation", f"{seconds / plain:.1f}×")
    print("  targets: create p50 < 10 ms, list < 20 ms, 400-page pack < 10 s")


def http(
    data_dir: Path, meeting: Any, headers: dict[str, str], cases: list[int],
    created: list[float], count: int,
) -> None:  # fmt: skip
    times = over_http(data_dir, meeting, headers, cases, count)
    ms = 1000
    for label, values in [
        ("create an item, in process", created),
        ("create an item over HTTP", times["create"]),
        ("an empty agenda over HTTP", times["empty"]),
        ("a static file over HTTP (baseline)", times["static"]),
    ]:
        figures = f"{statistics.median(values) * ms:.1f} / {percentile(values, 0.95) * ms:.1f}"
        row(f"{label}, p50 / p95 ms", figures)
    create, static = statistics.median(times["create"]), statistics.median(times["static"])
    row("create over HTTP / in process, p50", f"{create / statistics.median(created):.1f}×")
    row("create over HTTP / static file, p50", f"{create / static:.1f}×")
    print(f"  one gunicorn worker, one request at a time (load average {os.getloadavg()[0]:.2f}); "
          "target: create p50 < 10 ms over HTTP")  # fmt: skip


if __name__ == "__main__":
    main()
