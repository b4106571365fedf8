"""The public e-diary under load, and what the access gate costs staff search.

    .venv/bin/python bench/public.py                        # 1,000,000 registrations
    .venv/bin/python bench/public.py --documents 100000 --seconds 10
    .venv/bin/python bench/public.py --keep /tmp/kansli-search-1m   # reuse search.py's

The registry is search.py's generated one (the same --documents, --seed and --keep), so
one kept directory serves both. Then:

1. **The access gate**: search.py's query mix through `search(staff, ...)` with the
   gate as it is, and again with `kansli.access.rules.visible_documents` and
   `visible_cases` replaced by "everything" — the same query without the gate. Printed
   as p50/p95 each and their ratio.
2. **Load**: the production server (`kansli serve`: gunicorn, --workers processes,
   bound to 127.0.0.1) on that data with the rate limit off, and `wrk` (apt) from a
   second process on loopback, --connections connections for --seconds seconds, on two
   URL mixes: the search page (/diarium/?q=…, a mix of common and rare words, case
   numbers and filters) and the JSON API (/api/v1/public/diary?q=…). Printed: requests
   per second and p50/p95/p99 latency (wrk's own histogram), and the raw baseline: the
   same server answering a static file through WhiteNoise (the cost of HTTP and Django
   with no query at all). Each mix runs twice: with the server's page cache off
   (KANSLI_PUBLIC_CACHE_SECONDS=0: every request searches) and on (60 s: the mix's 200
   URLs repeat, as popular searches do; a 5-second warm-up first fills each worker's
   cache, so the figures are the steady state of a cache that holds the mix; with the
   cache off a 2-second warm-up keeps the workers' first requests out). While
   the load runs, a third process registers a document every --register-every seconds
   (1; 0: none) through `do_register_document`, as issue 18 measures it. A registration
   is a pure addition (kansli/public/changes.py): with the cache on, the mixes run
   twice, with KANSLI_PUBLIC_NEW_SECONDS=0 (every registration passes every kept answer
   over: the page cache before its second generation) and with --new-seconds (10: a
   kept answer may leave a new registration out for that long). The load average is
   printed before each run (the machine may be shared). --ports FIRST-LAST makes the
   servers listen on the first free port of that range.
3. **One at a time**: the same two mixes through Django's test client in this process,
   the page cache off, each URL five times after a warm-up: the latency of one request
   without the load's queueing, steadier than wrk's on two shared cores (the figure to
   compare between commits).

With `--http N` only this runs instead (no wrk needed): `kansli serve` with one worker
and the page cache off, and N requests one after another over real HTTP to the e-diary's
first page (/diarium/: the latest registrations), each on a new TCP connection as
gunicorn's sync workers answer. Printed: requests per second and p50/p95 latency, the
cost of a request's database connection included (opened and closed on every request
without CONN_MAX_AGE, kept with it).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import search as registry_bench

LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%.3f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.duration / 1e6))
end
"""

# With --redis: KANSLI_REDIS_URL of the servers and the writer.
SHARED: dict[str, str] = {}

PUBLIC_WORDS = ["ansökan", "beslut", "bygglov", "förskola", "vargödalen", "kanotbrygga",
                "ansökan bygglov", '"ekonomiskt bistånd"', "byg", "skolskjuts", ""]  # fmt: skip


def paths(org: Any, rng: random.Random, api: bool) -> list[str]:
    """A mix of searches as the public makes them."""
    from kansli.registry.models import Case

    found: list[str] = []
    cases = list(Case.objects.order_by("?").select_related("authority")[:20])
    for n in range(200):
        query: dict[str, str] = {}
        pick = n % 4
        if pick == 3:
            case = cases[n % len(cases)]
            query["q"] = f"{case.authority.code} {case.year}/{case.number}"
        else:
            query["q"] = rng.choice(PUBLIC_WORDS)
        if pick == 1:
            code = rng.choice(list(org.authorities))
            query["authority" if api else "myndighet"] = code
        if pick == 2:
            query["direction" if api else "riktning"] = rng.choice(["inkommen", "utgaende"])
        base = "/api/v1/public/diary?" if api else "/diarium/?"
        found.append(base + urllib.parse.urlencode(query))
    return found


def gate_cost(org: Any, runs: int) -> None:
    """search.py's query mix with and without the read gate."""
    from kansli.access import rules

    queries = [q for q in registry_bench.query_mix(org, random.Random(1)) if q.user == "staff"]

    def mix() -> list[float]:
        times: list[float] = []
        for query in queries:
            seconds, _hits = registry_bench.timings(registry_bench.through_search(query, org), runs)
            times.extend(seconds)
        return times

    gated = mix()
    real_documents, real_cases = rules.visible_documents, rules.visible_cases
    rules.visible_documents = lambda documents, user, prefix="": documents  # type: ignore[assignment]
    rules.visible_cases = lambda cases, user: cases  # type: ignore[assignment]
    try:
        open_ = mix()
    finally:
        rules.visible_documents, rules.visible_cases = real_documents, real_cases
    p = registry_bench.p
    print(f"  staff search, {len(queries)} queries × {runs} runs (milliseconds)")
    print(f"    {'':<26}{'p50':>8}{'p95':>8}")
    print(f"    {'with the access gate':<26}{p(gated, 0.5):8.1f}{p(gated, 0.95):8.1f}")
    print(f"    {'without it':<26}{p(open_, 0.5):8.1f}{p(open_, 0.95):8.1f}")
    ratio = p(gated, 0.95) / max(p(open_, 0.95), 0.01)
    print(f"    gate / no gate, p95: {ratio:.2f}")


def free_port(ports: range | None = None) -> int:
    """The first free port of `ports`, or one the system picks."""
    for port in ports or [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise SystemExit(f"no free port in {ports}")


def port_range(text: str) -> range:
    first, _dash, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def serve(
    data_dir: Path, workers: int, cache: int, new: int = 0, ports: range | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port(ports)
    env = {
        **os.environ,
        **SHARED,
        "KANSLI_DATA_DIR": str(data_dir),
        "KANSLI_PUBLIC_REQUESTS_PER_MINUTE": "0",
        "KANSLI_PUBLIC_CACHE_SECONDS": str(cache),
        "KANSLI_PUBLIC_NEW_SECONDS": str(new),
        "KANSLI_LOG_LEVEL": "WARNING",
    }
    kansli = Path(sys.executable).parent / "kansli"
    server = subprocess.Popen(
        [str(kansli), "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=(data_dir / "bench-server.log").open("wb"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(120):
        try:
            with urllib.request.urlopen(f"{url}/diarium/", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not start")


# Registers a document in a KS case every %(every)s seconds until stopped (`kansli shell`).
WRITER = """
import datetime, time
from kansli.registry.actions import do_register_document
from kansli.registry.models import Case, Direction
case = Case.objects.filter(authority__code="KS").order_by("-pk").first()
number = 0
while True:
    do_register_document(case, Direction.INCOMING, datetime.date.today(),
                         f"Synpunkt på detaljplanen nummer {number}",
                         counterpart="Föreningen Gröna Gårdar", actor=None)
    if number == 0:
        print("ready", flush=True)
    number += 1
    time.sleep(%(every)s)
"""


def registering(data_dir: Path, every: float) -> subprocess.Popen[bytes] | None:
    """The writer beside the load, or None when --register-every is 0. Returned once it
    has made its first registration: its start (Django and every app, about 2 s of
    CPU) is not to fall in a measured run."""
    if every <= 0:
        return None
    env = os.environ | SHARED | {"KANSLI_DATA_DIR": str(data_dir), "KANSLI_LOG_LEVEL": "WARNING"}
    kansli = Path(sys.executable).parent / "kansli"
    writer = subprocess.Popen([str(kansli), "shell", "-c", WRITER % {"every": every}], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    assert writer.stdout is not None
    writer.stdout.readline()
    return writer


def one_at_a_time(mixes: list[tuple[str, list[str]]]) -> None:
    from django.test import Client, override_settings

    print("  one request at a time, in process, server cache off (ms)")
    print(f"    {'':<40}{'p50':>8}{'p95':>8}")
    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(PUBLIC_CACHE_SECONDS=0, PUBLIC_REQUESTS_PER_MINUTE=0):
        for name, mix in mixes:
            for path in mix:  # warm-up
                client.get(path)
            times = []
            for _run in range(5):
                for path in mix:
                    started = time.perf_counter()
                    client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
            print(f"    {name:<40}{p50:8.1f}{p95:8.1f}")


def one_after_another(data_dir: Path, requests: int, ports: range | None) -> None:
    """`requests` GETs of /diarium/ in a row over HTTP, one worker, the page cache off."""
    server, url = serve(data_dir, workers=1, cache=0, ports=ports)
    try:
        for _warm_up in range(20):
            urllib.request.urlopen(f"{url}/diarium/", timeout=30).read()  # noqa: S310
        times = []
        for _request in range(requests):
            started = time.perf_counter()
            with urllib.request.urlopen(f"{url}/diarium/", timeout=30) as answer:  # noqa: S310
                answer.read()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    rate, busy = requests / (sum(times) / 1000), os.getloadavg()[0]
    print(f"  {requests} requests to /diarium/ one after another over HTTP, one gunicorn "
          f"worker, server cache off: {rate:.0f} requests/s, p50 {p50:.2f} ms, "
          f"p95 {p95:.2f} ms (load average {busy:.2f})")  # fmt: skip


def load(url: str, mix: list[str], connections: int, seconds: int) -> tuple[float, ...]:
    """wrk on the mix; returns (requests/s, errors, p50, p95, p99 in ms)."""
    folder = Path(tempfile.mkdtemp(prefix="kansli-wrk-"))
    try:
        (folder / "paths").write_text("\n".join(mix) + "\n")
        (folder / "mix.lua").write_text(LUA % {"paths": folder / "paths"})
        threads = str(min(2, connections))
        result = subprocess.run(
            ["wrk", "-t", threads, "-c", str(connections), "-d", f"{seconds}s",
             "-s", str(folder / "mix.lua"), url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    requests, errors, p50, p95, p99, duration = (float(v) for v in line.split()[1:])
    return requests / duration, errors, p50, p95, p99


def main() -> None:
    parser = argparse.ArgumentParser(description="The public e-diary under load.")
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", metavar="PATH", help="data directory to keep and reuse")
    parser.add_argument("--no-optimize", action="store_true")
    parser.add_argument("--runs", type=int, default=10, help="runs per query, gate cost")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn workers (kansli serve's default: 2)")  # fmt: skip
    parser.add_argument("--http", type=int, metavar="N", help="only N requests in a row")
    parser.add_argument(
        "--register-every",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="a registration every SECONDS during the load (0: none)",
    )
    parser.add_argument(
        "--new-seconds",
        type=int,
        default=10,
        metavar="SECONDS",
        help="KANSLI_PUBLIC_NEW_SECONDS of the second cached run",
    )
    parser.add_argument("--ports", type=port_range, metavar="FIRST-LAST",
                        help="the servers' ports (default: any free one)")  # fmt: skip
    parser.add_argument("--redis", action="store_true",
                        help="the load's caches in one Redis, as in production")  # fmt: skip
    options = parser.parse_args()
    if shutil.which("wrk") is None and not options.http:
        raise SystemExit("needs wrk: apt-get install wrk")
    org = registry_bench.build(options)
    data_dir = Path(os.environ["KANSLI_DATA_DIR"])
    print(f"Public e-diary: {options.documents:,} registrations")
    print(f"  {registry_bench.describe()}")
    if options.http:
        from django.db import connections

        connections.close_all()
        one_after_another(data_dir, options.http, options.ports)
        return
    gate_cost(org, options.runs)
    from django.db import connections

    connections.close_all()
    rng = random.Random(options.seed)
    mixes = [("search page /diarium/", paths(org, rng, api=False)),
             ("JSON /api/v1/public/diary", paths(org, rng, api=True))]  # fmt: skip
    one_at_a_time(mixes)
    connections.close_all()
    if not options.redis:
        under_load(options, mixes)
        return
    with redis_server(options.ports) as url:
        SHARED["KANSLI_REDIS_URL"] = url
        under_load(options, mixes)


@contextmanager
def redis_server(ports: range | None) -> Iterator[str]:
    """redis-server on a free port (of --ports), as the tests start it; its URL."""
    from kansli.web.testing_redis import RedisServer

    folder = Path(tempfile.mkdtemp(prefix="kansli-bench-redis-"))
    server = RedisServer(free_port(ports), folder)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def under_load(options: argparse.Namespace, mixes: list[tuple[str, list[str]]]) -> None:
    data_dir = Path(os.environ["KANSLI_DATA_DIR"])
    every = options.register_every
    beside = f", a registration every {every:g} s" if every > 0 else ""
    caches = "one Redis" if SHARED else "a cache in each"
    print(f"  load: wrk, {options.connections} connections, {options.seconds} s, gunicorn "
          f"with {options.workers} workers ({caches}){beside} (requests/s, ms)")  # fmt: skip
    print(f"    {'':<56}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}{'load':>7}")
    static = ("baseline: a static file", [f"/static/kansli/kansli.css?{n}" for n in range(10)])
    new = options.new_seconds
    runs = [
        (0, 0, "cache off"),
        (60, 0, "cache 60 s, new 0 s"),
        (60, new, f"cache 60 s, new {new} s"),
    ]
    for cache, new_seconds, label in runs:
        server, url = serve(data_dir, options.workers, cache, new_seconds, options.ports)
        writer = registering(data_dir, every)
        try:
            for name, mix in [*mixes, static] if label == runs[-1][2] else mixes:
                # A warm-up first: it fills the cache (each worker's own, without
                # --redis); with the cache off it keeps each worker's first requests
                # (templates compiled, the database connection opened) out of the
                # steady state measured.
                load(url, mix, options.connections, 5 if cache else 2)
                busy = os.getloadavg()[0]
                rate, errors, p50, p95, p99 = load(url, mix, options.connections, options.seconds)
                row = f"{name}, {label}" if mix is not static[1] else name
                print(f"    {row:<56}{rate:8.0f}{p50:8.1f}{p95:8.1f}{p99:8.1f}{errors:8.0f}"
                      f"{busy:7.2f}")  # fmt: skip
        finally:
            if writer is not None:
                writer.terminate()
                writer.wait(timeout=30)
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    if every > 0:
        from kansli.registry.models import Document

        made = Document.objects.filter(description__startswith="Synpunkt på detaljplanen").count()
        print(f"    registrations made beside the load (all runs of this data): {made}")


if __name__ == "__main__":
    main()
