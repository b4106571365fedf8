"""CPU time per request on PostgreSQL: the web process's and the database server's,
for each request class on bench/scale.py's generated registry.

    KANSLI_DATABASE_URL=postgresql://kansli:kansli@127.0.0.1/kansli_scale \\
        .venv/bin/python bench/cost.py --documents 200000 [--requests 100]

The registry is scale.py's (the same --documents, --authorities, --seed: it is generated
first if the database is empty). Each request class (scale.py's staff searches, split by
the filter they use; the public e-diary's page and JSON API; the case page) runs its
URLs one after another through Django's test client in this process, page cache off,
after a warm-up. Measured per request: the wall time, this process's CPU time
(time.process_time) and the CPU time of the PostgreSQL backend serving this process's
connection (utime + stime from /proc/<pid>/stat, so the server must run on this
machine; counted in clock ticks of 10 ms, so only the mean over many requests is
printed). CPU time does not grow while a process waits for a core, so these figures
hold on a loaded machine where the wall time does not: cores needed = requests per
second × CPU ms per request / 1000.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import urllib.parse
from pathlib import Path

import public as public_bench
import scale
from common import describe

TICK = 1000 / os.sysconf("SC_CLK_TCK")  # ms


def backend_cpu(pid: int) -> float:
    """The backend's user + system CPU time so far, in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK


def kind(path: str) -> str:
    """The request class of a staff search: the filter it uses, or its words alone."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
    filters = sorted(set(query) - {"q"})
    return "/sok/ " + (", ".join(filters) if filters else "words only")


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU time per request class.")
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--authorities", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", metavar="PATH", help="data directory to keep")
    parser.add_argument("--requests", type=int, default=100, help="URLs of each mix")
    options = parser.parse_args()
    org, boards = scale.build(options)
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    rng = random.Random(options.seed)
    staff = org.users["staff"]
    cookie = scale.session_cookie(staff).split("=", 1)[1]
    staff_paths = scale.staff_paths(org, staff, rng, [])
    classes: dict[str, list[str]] = {}
    for path in staff_paths[: options.requests]:
        classes.setdefault(kind(path), []).append(path)
    classes["/sok/ (the whole mix)"] = staff_paths[: options.requests]
    classes["/diarium/ (page)"] = public_bench.paths(org, rng, api=False)[: options.requests]
    classes["/api/v1/public/diary"] = public_bench.paths(org, rng, api=True)[: options.requests]
    classes["/arenden/<id>/"] = scale.case_paths(boards, staff)[: options.requests]
    print(f"Cost: CPU per request, {options.documents:,} documents; {describe()}")
    print(f"  load average before: {os.getloadavg()[0]:.1f}")
    print(f"    {'class':<40}{'n':>5}{'wall p50':>10}{'wall mean':>10}"
          f"{'web CPU':>9}{'DB CPU':>8}{'CPU':>8}  (ms)")  # fmt: skip
    with override_settings(PUBLIC_CACHE_SECONDS=0, PUBLIC_REQUESTS_PER_MINUTE=0):
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        for path in staff_paths[:3] + classes["/diarium/ (page)"][:3]:  # warm-up
            client.get(path)
        for name, paths in classes.items():
            walls, web, database, counted = [], 0.0, 0.0, 0
            for path in paths:
                connection.ensure_connection()
                pid = connection.connection.info.backend_pid
                db_before, cpu_before = backend_cpu(pid), time.process_time()
                started = time.perf_counter()
                answer = client.get(path)
                walls.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: {answer.status_code}")
                web += (time.process_time() - cpu_before) * 1000
                if connection.connection is not None and (
                    connection.connection.info.backend_pid == pid
                ):
                    database += backend_cpu(pid) - db_before
                    counted += 1
            n = len(paths)
            db_mean = database / max(counted, 1)
            print(f"    {name:<40}{n:>5}{sorted(walls)[n // 2]:>10.1f}{sum(walls) / n:>10.1f}"
                  f"{web / n:>9.1f}{db_mean:>8.1f}{web / n + db_mean:>8.1f}")  # fmt: skip
    print(f"  load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
