"""Benchmark of the REST API against bare `.values()` + `JsonResponse` views, in one run.

    .venv/bin/python bench/api.py [--db sqlite|postgres|both] [--seconds 3] [--rounds 3]

For each database it builds a data set — the Lin'an demo (`tianmu loaddemo`) plus
`--placements` generated placements through `bulk_create`, so the placements list pages
through a large table — starts ONE gunicorn sync worker on 127.0.0.1 serving the project with
bench/api_settings.py (the product's settings and URLs plus the bare views of
bench/api_bare.py), checks that each bare view answers exactly the API's JSON, and then
measures requests per second for each pair:

- villages list      `GET /api/v1/villages?limit=50`      vs `GET /bare/villages?limit=50`
- placements list    `GET /api/v1/placements?limit=50`    vs `GET /bare/placements?limit=50`
- village detail     `GET /api/v1/villages/{id}`          vs `GET /bare/villages/{id}`

Rounds alternate (A B, then B A, …) so that whatever else the machine does hits both sides.
The load is `--threads` Python clients (http.client, a new connection per request, as the
sync worker closes each one) on the loopback only, bounded by `--seconds` per round and side
and by `--max-requests`. Both sides authenticate as the demo's programme admin with a bearer
token and read through the same scoping (`visible_to`), so the ratio API/bare is what the API
layer costs on top of the same queries. PostgreSQL: 127.0.0.1:5432, user postgres (trust);
the benchmark creates and drops its own database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PG_URL = "postgres://postgres@127.0.0.1:5432/"
PG_DB = "tianmu_bench_api"
USER = "bench-admin"
COUNTY = "330112"


# --- The data set (runs in a child process, under the chosen DATABASE_URL) -------------------


def seed(placements: int, seed_value: int = 7) -> dict:
    """Generate placements, create the bench user and a token; answer what the bench needs.

    Placements go in with `bulk_create` (no change log, no per-row validation): they only have
    to be rows for the list to page through, between the demo's people and positions.
    """
    import datetime
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from tianmu.accounts.models import ApiToken, User
    from tianmu.employment.models import Person, Placement, Position
    from tianmu.registry.models import Village

    rng = random.Random(seed_value)
    people = list(Person.objects.values_list("pk", flat=True))
    positions = list(Position.objects.values_list("pk", flat=True))
    day0 = datetime.date(2022, 1, 1)
    rows = []
    for _ in range(placements):
        start = day0 + datetime.timedelta(days=rng.randrange(1200))
        rows.append(
            Placement(
                person_id=rng.choice(people),
                position_id=rng.choice(positions),
                start=start,
                end=start + datetime.timedelta(days=rng.randrange(30, 400))
                if rng.random() < 0.4
                else None,
                reported_side="enterprise",
                confirmation=rng.choice(["confirmed", "confirmed", "reported"]),
            )
        )
    Placement.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "postgresql":
        # What autovacuum would have done by now: without statistics for the new rows the
        # planner takes the placements for a small table and nests loops over all of them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    call_command("adduser", USER, role="admin", scope=COUNTY, if_missing=True, verbosity=0)
    _token, key = ApiToken.issue(User.objects.get(username=USER))
    village = Village.objects.annotate(n=Count("incomes")).order_by("-n", "area__code").first().pk
    return {
        "key": key,
        "village": village,
        "villages": Village.objects.count(),
        "placements": Placement.objects.count(),
        "sql": sql_profile([p for pair in pairs(village) for p in pair[1:]], key),
    }


def sql_profile(paths: list[str], key: str, tries: int = 3) -> dict[str, tuple[int, float]]:
    """Queries and milliseconds spent in SQL per request, in-process (the best of `tries`):
    how much of a request the database takes, which no serialiser can save."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    out = {}
    for path in paths:
        best = None
        for _ in range(tries):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200, path
            ms = 1000 * sum(float(q["time"]) for q in ctx.captured_queries)
            best = ms if best is None else min(best, ms)
        out[path] = (len(ctx.captured_queries), best)
    return out


def pairs(village: int) -> list[tuple[str, str, str]]:
    """(label, API path, bare path) of each measured pair."""
    return [
        ("villages list, limit=50", "/api/v1/villages?limit=50", "/bare/villages?limit=50"),
        ("placements list, limit=50", "/api/v1/placements?limit=50", "/bare/placements?limit=50"),
        ("village detail", f"/api/v1/villages/{village}", f"/bare/villages/{village}"),
    ]


# --- Databases, server and load ---------------------------------------------------------------


def _env(db: str, var_dir: str) -> dict:
    import base64

    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    os.makedirs(os.path.join(var_dir, "static"), exist_ok=True)  # WhiteNoise looks for it
    env.update(
        PYTHONPATH=str(ROOT),
        TIANMU_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="tianmu.settings",
        LOG_LEVEL="WARNING",
        # Production settings (DEBUG=0) refuse to start without their own keys: throwaway ones.
        DEBUG="0",
        SECRET_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        TIANMU_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        TIANMU_LOOKUP_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        # Jobs in-process (no broker to start) and no access log: the figures stay comparable.
        TIANMU_JOBS_IN_PROCESS="1",
        TIANMU_ACCESS_LOG="0",
    )
    if db == "postgres":
        env["DATABASE_URL"] = PG_URL + PG_DB
    return env


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(sql)


def prepare(db: str, var_dir: str, placements: int) -> tuple[dict, dict]:
    if db == "postgres":
        _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        _pg(f"CREATE DATABASE {PG_DB}")
    env = _env(db, var_dir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "loaddemo"], env=env, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(
        [sys.executable, __file__, "--seed-only", "--placements", str(placements)],
        env={**env, "DJANGO_SETTINGS_MODULE": "api_settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return env, json.loads(out.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, key: str) -> subprocess.Popen:
    env = {**env, "DJANGO_SETTINGS_MODULE": "api_settings", "DEBUG": "0"}
    cmd = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--pythonpath", f"{BENCH},{ROOT}", "--log-level", "warning", "--timeout", "120"]
    proc = subprocess.Popen([*cmd, "tianmu.wsgi:application"], env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            status, body = get(port, "/bare/villages?limit=1", key)
            if status == 200:
                return proc
            raise SystemExit(f"the server answered {status}: {body[:300]!r}")
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def get(port: int, path: str, key: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {key}"} if key else {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def load(port: int, path: str, key: str, seconds: float, threads: int, max_requests: int):
    """Requests per second over `seconds` (or until `max_requests`), `threads` clients."""
    done = [0] * threads
    errors: list[str] = []
    lock = threading.Lock()
    budget = [max_requests]
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        while time.monotonic() < stop and not errors:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            status, body = get(port, path, key)
            if status != 200:
                errors.append(f"{path}: HTTP {status} {body[:200]!r}")
                return
            done[i] += 1

    t0 = time.monotonic()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise SystemExit(errors[0])
    return sum(done) / (time.monotonic() - t0)


def first_difference(a, b, where="$") -> str | None:
    if type(a) is not type(b):
        return f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{where}.{k}: only in {'API' if k in a else 'bare'}"
            diff = first_difference(a[k], b[k], f"{where}.{k}")
            if diff:
                return diff
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            diff = first_difference(x, y, f"{where}[{i}]")
            if diff:
                return diff
        return None
    return None if a == b else f"{where}: {a!r} != {b!r}"


def run_database(db: str, args) -> list[dict]:
    var_dir = tempfile.mkdtemp(prefix="tianmu-bench-api-")
    proc = None
    try:
        t = time.perf_counter()
        env, data = prepare(db, var_dir, args.placements)
        print(
            f"\n## {db}: {data['villages']} villages, {data['placements']:,} placements "
            f"(data set built in {time.perf_counter() - t:.0f} s)"
        )
        port = _free_port()
        proc = start_server(env, port, data["key"])
        results = []
        for label, api_path, bare_path in pairs(data["village"]):
            answers = []
            for p in (api_path, bare_path):
                status, body = get(port, p, data["key"])
                if status != 200:
                    raise SystemExit(f"{p}: HTTP {status} {body[:300]!r}")
                answers.append((json.loads(body), len(body)))
            diff = first_difference(answers[0][0], answers[1][0])
            if diff:
                raise SystemExit(f"{label}: the bare view's JSON differs from the API's: {diff}")
            items = answers[0][0].get("items")
            n = f"{len(items)} items, " if items is not None else ""
            print(f"  {label}: same JSON from both ({n}{answers[0][1]:,} bytes from the API)")
            for p in (api_path, bare_path):  # warm up: imports, first queries, caches
                load(port, p, data["key"], 0.5, args.threads, 20)
            results.append({"label": label, "paths": (api_path, bare_path), "api": [], "bare": []})
        for r in range(args.rounds):
            for res in results:
                order = ("api", "bare") if r % 2 == 0 else ("bare", "api")
                for side in order:
                    path = res["paths"][0 if side == "api" else 1]
                    res[side].append(
                        load(port, path, data["key"], args.seconds, args.threads, args.max_requests)
                    )
        print(
            f"  {'pair':28s} {'API req/s':>10s} {'bare req/s':>11s} {'API/bare':>9s}"
            f"  {'SQL ms/req API, bare':>22s}   (median of rounds; range)"
        )
        for res in results:
            a, b = statistics.median(res["api"]), statistics.median(res["bare"])
            res["ratio"] = a / b
            print(
                f"  {res['label']:28s} {a:10.1f} {b:11.1f} {100 * a / b:8.0f} %"
                f"  {_sql(data, res['paths'][0]):>10s}, {_sql(data, res['paths'][1]):>10s}"
                f"   API {min(res['api']):.1f}–{max(res['api']):.1f},"
                f" bare {min(res['bare']):.1f}–{max(res['bare']):.1f}"
            )
        print(f"  (load average at the end: {os.getloadavg()[0]:.1f})")
        return results
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
        if db == "postgres":
            _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def _sql(data: dict, path: str) -> str:
    queries, ms = data["sql"][path]
    return f"{ms:.1f} ({queries} q)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--seconds", type=float, default=3.0, help="per round and side")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="concurrent clients")
    ap.add_argument("--max-requests", type=int, default=20_000, help="cap per round and side")
    ap.add_argument("--placements", type=int, default=20_000, help="generated on top of the demo")
    ap.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.seed_only:
        print(json.dumps(seed(args.placements)))
        return 0
    print(
        f"# bench/api.py  {time.strftime('%Y-%m-%d %H:%M')}  cpus={os.cpu_count()}  "
        f"1 gunicorn sync worker, {args.threads} client threads on 127.0.0.1, "
        f"{args.rounds} rounds x {args.seconds:g} s a side, alternating, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        run_database(db, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
