"""Load test: concurrent clients over reads and writes on gunicorn + PostgreSQL, with a worker
killed midway (issue “Trust”, hole 10).

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--workers 4]
                                   [--kill-at 0.5] [--baseline-seconds 5] [--keep] [--reuse]

Needs gunicorn (`pip install -e '.[prod]'`). `--keep` leaves the database for a later
`--reuse` run, which skips the set-up (migrate and demo take minutes on a busy machine).

What it does, on the loopback only and bounded in time:

1. creates its own PostgreSQL database (`tianmu_load`, 127.0.0.1:5432, user postgres, trust),
   migrates it, loads the Lin'an demo and makes two API users (the demo county's programme
   admin and a town officer) with bearer tokens;
2. starts gunicorn (`--workers` sync workers) with the production settings (`DEBUG=0`);
3. baseline: ONE client runs the same mix for `--baseline-seconds`, so the figures below can
   be read against what a request costs on an idle server in the same run;
4. `--clients` clients (threads, a new connection per request — the sync worker closes each)
   run the mix for `--seconds`: lists of villages, organisations, alliances, pairings and
   events, the key figures, one village's page of data, and — one request in five — a new
   event (`POST /api/v1/events`) whose title is a unique marker;
5. at `--kill-at` of the run it SIGKILLs one worker (gunicorn's master starts a new one);
6. prints requests, errors (those in flight on the killed worker apart), p50/p95/p99 overall and
   per endpoint, and checks in the database that every acknowledged write (201) is there
   exactly once, and that every event written has its change-log row.

Target on the 2-core machine of the issue: 0 errors apart from the request in flight at the
kill, p95 ≤ 500 ms, nothing lost or doubled. The exit status is 0 when the writes check out
(lost or doubled writes are a failure); the latency target is reported, not enforced.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/"
PG_DB = "tianmu_load"
COUNTY = "330112"  # the demo's county (临安区)
TIMEOUT = 30  # seconds per request: a request slower than this counts as an error


# --- Set-up (the seeding step runs in a child process under the load database) ---------------


def seed() -> dict:
    """Create the two API users and their tokens; answer ids the mix needs (JSON on stdout)."""
    import django

    django.setup()
    from django.core.management import call_command

    from tianmu.accounts.models import ApiToken, User
    from tianmu.registry.models import Area, Village

    call_command("adduser", "load-admin", role="admin", scope=COUNTY, if_missing=True, verbosity=0)
    town = Area.objects.filter(level="town", code__startswith=COUNTY).order_by("code").first()
    call_command("adduser", "load-town", role="town", scope=town.code, if_missing=True, verbosity=0)
    keys = {}
    for name in ("load-admin", "load-town"):
        _token, keys[name] = ApiToken.issue(User.objects.get(username=name))
    villages = list(
        Village.objects.filter(area__path__startswith=town.subtree_prefix())
        .order_by("area__code")
        .values_list("pk", flat=True)
    )
    return {"keys": keys, "villages": villages}


def profile(setup: dict, rounds: int = 15) -> dict:
    """In-process cost of each endpoint of the mix, one request at a time (no HTTP, no
    concurrency): median milliseconds and SQL queries. Where the load's p95 is high, this says
    whether an endpoint is slow by itself or only waits behind the others."""
    import statistics

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rng = random.Random(1)
    out = {}
    for name, _weight, make in mix(setup):
        times, queries = [], []
        for i in range(rounds):
            method, path, role, body = make(rng, f"profile-{i}-{uuid.uuid4().hex[:6]}")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {setup['keys'][role]}"}
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                if method == "GET":
                    r = client.get(path, **headers)
                else:
                    r = client.post(path, json.dumps(body), "application/json", **headers)
                times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code in (200, 201), (path, r.status_code, r.content[:200])
            queries.append(len(ctx.captured_queries))
        out[name] = {"ms": statistics.median(times), "queries": max(queries)}
    return out


def _pg(sql: str, db: str = "postgres") -> list:
    import psycopg

    with psycopg.connect(PG_URL + db, autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def _env(var_dir: str) -> dict:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    os.makedirs(os.path.join(var_dir, "static"), exist_ok=True)  # WhiteNoise looks for it
    key = Fernet.generate_key().decode()
    env.update(
        PYTHONPATH=str(ROOT),
        TIANMU_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="tianmu.settings",
        DATABASE_URL=PG_URL + PG_DB,
        DEBUG="0",
        LOG_LEVEL="WARNING",
        SECRET_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        # Production refuses to start without its keys; both spellings, old and new.
        FIELD_ENCRYPTION_KEY=key,
        TIANMU_ENCRYPTION_KEYS=key,
        TIANMU_LOOKUP_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        # Jobs in-process (no broker to start) and no access log: the figures stay comparable.
        TIANMU_JOBS_IN_PROCESS="1",
        TIANMU_ACCESS_LOG="0",
    )
    return env


def prepare(var_dir: str, *, reuse: bool = False) -> tuple[dict, dict]:
    env = _env(var_dir)
    exists = _pg(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DB}'")  # noqa: S608
    if reuse and exists:
        return env, _seed(env)  # a database kept by an earlier `--keep` run
    _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    _pg(f"CREATE DATABASE {PG_DB}")
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Fixed programs and arguments (no shell, nothing from outside): S603 does not apply.
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
    subprocess.run([*manage, "loaddemo"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return env, _seed(env)


def _seed(env: dict) -> dict:
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--seed-only"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- Server ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workers: int, key: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    cmd += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"]
    cmd += ["--backlog", "2048"]
    proc = subprocess.Popen([*cmd, "tianmu.wsgi:application"], env=env, cwd=ROOT)  # noqa: S603
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            status, body = request(port, "GET", "/api/v1/villages?limit=1", key)
        except OSError:
            time.sleep(0.3)
            continue
        if status != 200:
            raise SystemExit(f"the server answered {status}: {body[:300]!r}")
        if len(worker_pids(proc.pid)) == workers:
            return proc
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start its workers within 90 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # graceful: workers finish what they are serving
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def worker_pids(master: int) -> list[int]:
    """The master's child processes (its workers), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            pids.append(int(entry.name))
    return sorted(pids)


def request(port: int, method: str, path: str, key: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# --- The mix -----------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    started: float
    ended: float
    status: int | None  # None: no answer (connection reset, timeout)
    marker: str | None = None
    error: str = ""

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


def mix(setup: dict) -> list[tuple[str, int, callable]]:
    """(name, weight, make) where make(rng, marker) → (method, path, role, body)."""
    villages = setup["villages"]

    def get(path, role="load-admin"):
        return lambda rng, marker: ("GET", path, role, None)

    def village_detail(rng, marker):
        return ("GET", f"/api/v1/villages/{rng.choice(villages)}", "load-town", None)

    def event_create(rng, marker):
        body = {
            "kind": "other",
            "title": marker,
            "date": time.strftime("%Y-%m-%d"),
            "village": rng.choice(villages),
            "villagers_served": rng.randrange(1, 50),
        }
        return ("POST", "/api/v1/events", "load-admin", body)

    return [
        ("villages list", 15, get("/api/v1/villages?limit=25")),
        ("organisations list", 10, get("/api/v1/organizations?limit=25")),
        ("alliances list", 10, get("/api/v1/alliances?limit=25")),
        ("pairings list", 10, get("/api/v1/pairings?limit=25", "load-town")),
        ("events list", 10, get("/api/v1/events?limit=25")),
        ("key figures", 10, get("/api/v1/kpis")),
        ("village detail", 15, village_detail),
        ("event create", 20, event_create),
    ]


def run_load(port, setup, *, clients, seconds, run_id, seed_value, on_tick=None):
    entries = mix(setup)
    names = [e[0] for e in entries]
    weights = [e[1] for e in entries]
    makers = {e[0]: e[2] for e in entries}
    results: list[Result] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        rng = random.Random(seed_value * 1000 + i)
        seq = 0
        mine = []
        while time.monotonic() < stop:
            name = rng.choices(names, weights)[0]
            seq += 1
            marker = f"load-{run_id}-{i}-{seq}" if name == "event create" else None
            method, path, role, body = makers[name](rng, marker)
            t0 = time.monotonic()
            try:
                status, payload = request(port, method, path, setup["keys"][role], body)
                error = "" if status < 400 else payload[:200].decode(errors="replace")
            except (OSError, http.client.HTTPException) as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            mine.append(Result(name, t0, time.monotonic(), status, marker, error))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    if on_tick is not None:
        on_tick(began)
    for t in threads:
        t.join(seconds + TIMEOUT + 30)
    return results, time.monotonic() - began


# --- Figures -----------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def describe(results: list[Result]) -> dict:
    ms = [r.ms for r in results]
    return {
        "n": len(results),
        "p50": pct(ms, 50),
        "p95": pct(ms, 95),
        "p99": pct(ms, 99),
        "max": max(ms) if ms else 0.0,
    }


def check_writes(results: list[Result], run_id: str) -> dict:
    """Every acknowledged event exactly once; unacknowledged ones counted as in doubt."""
    rows = _pg(
        f"SELECT title, COUNT(*) FROM events_event WHERE title LIKE 'load-{run_id}-%' "  # noqa: S608
        "GROUP BY title",
        PG_DB,
    )
    stored = dict(rows)
    acked = {r.marker for r in results if r.marker and r.status == 201}
    failed = {r.marker for r in results if r.marker and r.status != 201}
    # run_id is our own hex string: nothing from outside reaches the SQL.
    sql = (
        "SELECT COUNT(DISTINCT c.object_id) FROM core_objectchange c "  # noqa: S608
        "JOIN django_content_type t ON t.id = c.content_type_id "
        "JOIN events_event e ON c.object_id = e.id::text "
        "WHERE t.app_label = 'events' AND t.model = 'event' AND c.action = 'create' "
        f"AND e.title LIKE 'load-{run_id}-%'"
    )
    logged = _pg(sql, PG_DB)[0][0]
    return {
        "acknowledged": len(acked),
        "acknowledged_missing": sorted(m for m in acked if stored.get(m, 0) == 0),
        "doubled": sorted(m for m, n in stored.items() if n > 1),
        "unknown": sorted(m for m in stored if m not in acked and m not in failed),
        "failed": len(failed),
        "failed_but_stored": sorted(m for m in failed if stored.get(m, 0) >= 1),
        "stored": sum(stored.values()),
        "change_logged": logged,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of the run; 0: none")
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left (no set-up)"
    )
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-only", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the in-process cost of each endpoint"
    )
    args = parser.parse_args()
    if args.seed_only:
        print(json.dumps(seed()))
        return 0
    if args.profile_only:
        print(json.dumps(profile(json.loads(args.profile_only))))
        return 0

    print(f"load: {args.clients} clients × {args.seconds:.0f} s, {args.workers} gunicorn workers")
    with tempfile.TemporaryDirectory(prefix="tianmu-load-") as var_dir:
        t0 = time.monotonic()
        env, setup = prepare(var_dir, reuse=args.reuse)
        print(f"set-up (migrate, demo, users): {time.monotonic() - t0:.1f} s")
        port = _free_port()
        server = start_server(env, port, args.workers, setup["keys"]["load-admin"])
        run_id = uuid.uuid4().hex[:8]
        kill = {}
        try:
            base, _ = run_load(
                port, setup, clients=1, seconds=args.baseline_seconds,
                run_id=run_id + "b", seed_value=args.seed,
            )  # fmt: skip

            def killer(began: float) -> None:
                if args.kill_at <= 0:
                    return
                time.sleep(args.seconds * args.kill_at)
                victim = worker_pids(server.pid)[0]
                kill["at"] = time.monotonic()
                kill["pid"] = victim
                os.kill(victim, signal.SIGKILL)

            tick = threading.Thread(target=killer, args=(0.0,), daemon=True)
            results, elapsed = run_load(
                port, setup, clients=args.clients, seconds=args.seconds, run_id=run_id,
                seed_value=args.seed + 1, on_tick=lambda began: tick.start(),
            )  # fmt: skip
            workers_after = len(worker_pids(server.pid))
            # Stop the server gracefully first: a request the client gave up on may still be
            # finishing, and the writes check must see what it finally did.
            stop_server(server)
            writes = check_writes(results, run_id)
            costs = {}
            if not args.no_profile:
                out = subprocess.run(  # noqa: S603
                    [sys.executable, __file__, "--profile-only", json.dumps(setup)],
                    env=env, check=True, capture_output=True, text=True,
                ).stdout  # fmt: skip
                costs = json.loads(out.strip().splitlines()[-1])
        finally:
            stop_server(server)
            if not args.keep:
                _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")

    errors = [r for r in results if r.status is None or r.status >= 400]
    at_kill = []
    if "at" in kill:
        # In flight on the killed worker: begun before the kill, failed without an answer
        # within a moment of it. A sync worker serves one request at a time.
        at_kill = [
            r for r in errors
            if r.status is None and r.started <= kill["at"] <= r.ended + 0.05
            and r.ended - kill["at"] < 5
        ]  # fmt: skip
    other = [r for r in errors if r not in at_kill]
    b = describe(base)
    print(
        f"baseline (1 client, {args.baseline_seconds:.0f} s): {b['n']} requests, "
        f"p50 {b['p50']:.0f} ms, p95 {b['p95']:.0f} ms"
    )
    d = describe(results)
    print(
        f"requests: {d['n']} in {elapsed:.1f} s ({d['n'] / elapsed:.0f}/s); "
        f"p50 {d['p50']:.0f} ms, p95 {d['p95']:.0f} ms, p99 {d['p99']:.0f} ms, "
        f"max {d['max']:.0f} ms"
    )
    if "at" in kill:
        print(
            f"killed worker {kill['pid']} (SIGKILL) at {args.kill_at:.0%} of the run; "
            f"workers afterwards: {workers_after}"
        )
    print(f"errors: {len(errors)} — in flight at the kill: {len(at_kill)}, other: {len(other)}")
    kinds = defaultdict(int)
    for r in other:
        kinds[(r.name, r.status, r.error[:80])] += 1
    for (name, status, error), n in sorted(kinds.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {n} × {name}: {status or 'no answer'} {error}")
    print("per endpoint (under load; then one request at a time, in-process: ms, SQL queries):")
    by_name = defaultdict(list)
    for r in results:
        by_name[r.name].append(r)
    for name, rs in sorted(by_name.items(), key=lambda kv: -describe(kv[1])["p95"]):
        e = describe(rs)
        alone = costs.get(name)
        alone = f"  alone {alone['ms']:5.0f} ms {alone['queries']:3d} q" if alone else ""
        print(
            f"  {name:20s} {e['n']:6d}  p50 {e['p50']:6.0f} ms  p95 {e['p95']:6.0f} ms  "
            f"p99 {e['p99']:6.0f} ms{alone}"
        )
    ok_writes = (
        not writes["acknowledged_missing"] and not writes["doubled"] and not writes["unknown"]
    )
    ok_log = writes["change_logged"] == writes["stored"]
    print(
        f"writes: {writes['acknowledged']} acknowledged, {writes['stored']} stored, "
        f"{len(writes['acknowledged_missing'])} acknowledged but missing, "
        f"{len(writes['doubled'])} doubled; {writes['failed']} unacknowledged "
        f"({len(writes['failed_but_stored'])} of them stored: the server finished them after "
        f"the client gave up or lost the answer); change-logged: {writes['change_logged']}"
    )
    print(f"every acknowledged write exactly once: {'yes' if ok_writes else 'NO'}")
    target = not other and len(at_kill) <= 1 and d["p95"] <= 500
    print(
        f"target (0 errors besides the one in flight at the kill, p95 ≤ 500 ms, nothing lost "
        f"or doubled): {'met' if target and ok_writes else 'NOT met'}"
    )
    return 0 if ok_writes and ok_log else 1


if __name__ == "__main__":
    sys.exit(main())
