"""Province-scale figures, lists and memory, each beside its baseline measured in the same run.

    .venv/bin/python bench/province.py DB [DB ...] [--reps 15] [--live-reps 3]
                                       [--no-rebuild] [--pg-defaults]

Each DB is a PostgreSQL database on 127.0.0.1:5432 (user postgres) filled by
`tianmu gendata --scale province --fraction F` (docs/gendata.md) and migrated to this
checkout. The bench writes to it: bench users and their sessions, and the fact table, which
it rebuilds first (`tianmu figures --rebuild`, timed). Use a copy
(`createdb -T tianmu_p10 bench_p10`). For each database, in a child process with production
settings (DEBUG off), through Django's test client (no network, one process, like one
worker), it prints:

- rows: the big tables' row counts, and the fact table's;
- `GET /api/v1/kpis` for the superuser (the whole province) and for a county's programme
  admin, for 2025 and for all time, p50/p95 over `--reps` requests with the figures' cache
  off. Baselines: the same requests with the fact table off (`TIANMU_FIGURE_FACTS=0`, every
  figure counted live, over `--live-reps`), and one hand-written SQL statement computing the
  kept figures (purchase income confirmed and reported, loans paid out, events) and the loan
  book's two balances from the raw tables;
- `/api/v1/kpis/breakdown` (by child area) and `/api/v1/kpis/trend` (by month) of purchase
  income, and the county admin's lists (orders, payments, placements, loans, events; 50 rows);
- memory: the process's peak resident set after the fact-table requests and after the live
  ones, and the largest Python allocation peak of one request (tracemalloc).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/"

TABLES = [
    "registry_village",
    "registry_organization",
    "alliances_pairing",
    "commerce_purchaseorderline",
    "commerce_payment",
    "employment_placement",
    "employment_monthlyearning",
    "loans_loan",
    "loans_instalment",
    "events_event",
    "core_figurecell",
    "core_figurerollup",
]


# --- child: one database ---------------------------------------------------------------------


def _ms(samples: list[float]) -> dict:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"p50": round(statistics.median(samples) * 1000, 1), "p95": round(p95 * 1000, 1)}


#: docs/deploy.md, "PostgreSQL settings": what a deployment sets for the application's role.
RECOMMENDED = {
    "jit": "off",
    "parallel_setup_cost": "10000",
    "work_mem": "32MB",
    "random_page_cost": "1.1",
}


def child(reps: int, live_reps: int, rebuild: bool) -> dict:  # noqa: C901 (one straight script)
    import resource
    import time
    import tracemalloc

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    from tianmu.accounts.models import ApiToken, User
    from tianmu.core import facts
    from tianmu.registry.models import Area

    settings.DEBUG = False  # keys as the generator made them, but no query log
    out: dict = {"rows": {}}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names above)
            out["rows"][table] = cursor.fetchone()[0]
    started = time.perf_counter()
    facts.rebuild() if rebuild else facts.catch_up()
    out["rebuild_s"] = round(time.perf_counter() - started, 1) if rebuild else None
    with connection.cursor() as cursor:
        out["settings"] = {}
        for name in RECOMMENDED:
            cursor.execute(f"SHOW {name}")
            out["settings"][name] = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        for table in ("core_figurecell", "core_figurerollup"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            out["rows"][table] = cursor.fetchone()[0]
        cursor.execute("ANALYZE core_figurecell; ANALYZE core_figurerollup")

    county = Area.objects.filter(level="county").order_by("pk").first()
    province = Area.objects.filter(level="province").order_by("pk").first()
    root, _ = User.objects.get_or_create(
        username="bench-root", defaults={"role": "superuser", "is_superuser": True}
    )
    admin, _ = User.objects.get_or_create(
        username="bench-county", defaults={"role": "admin", "scope_area": county}
    )
    clients = {}
    for name, user in (("province", root), ("county", admin)):
        _token, key = ApiToken.issue(user)  # the API's own sign-in (no session, no 2FA step)
        clients[name] = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    peak_alloc = 0

    def timed(client, url, n):
        nonlocal peak_alloc
        samples = []
        for _ in range(n):
            tracemalloc.start()
            t = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - t)
            peak_alloc = max(peak_alloc, tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return samples

    year = "from=2025-01-01&to=2025-12-31"
    results = {}
    with override_settings(TIANMU_KPI_CACHE_SECONDS=0):
        for who, c in clients.items():
            for label, q in (("2025", year), ("all time", "")):
                url = f"/api/v1/kpis?{q}"
                timed(c, url, 1)  # warm
                results[f"kpis {who} {label}"] = _ms(timed(c, url, reps))
        for who, c in clients.items():
            for label, url in (
                ("breakdown", f"/api/v1/kpis/breakdown?key=purchase_income_yuan&by=child&{year}"),
                ("trend", f"/api/v1/kpis/trend?key=purchase_income_yuan&interval=month&{year}"),
            ):
                timed(c, url, 1)
                results[f"{label} {who}"] = _ms(timed(c, url, reps))
        for name in ("orders", "payments", "placements", "loans", "events"):
            url = f"/api/v1/{name}?limit=50"
            timed(clients["county"], url, 1)
            results[f"list {name} county"] = _ms(timed(clients["county"], url, reps))
        out["rss_after_facts_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        out["peak_alloc_facts_mb"] = round(peak_alloc / 2**20, 1)
        peak_alloc = 0
        live = {}
        with override_settings(TIANMU_FIGURE_FACTS=False):
            for who, c in clients.items():
                url = f"/api/v1/kpis?{year}"
                live[f"kpis {who} 2025"] = _ms(timed(c, url, live_reps))
        out["rss_after_live_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        out["peak_alloc_live_mb"] = round(peak_alloc / 2**20, 1)
    sql = {}
    for who, area in (("province", province), ("county", county)):
        samples = []
        for _ in range(max(3, live_reps)):
            t = time.perf_counter()
            _hand_written(connection, area)
            samples.append(time.perf_counter() - t)
        sql[f"kpis {who} 2025"] = _ms(samples)
    out["results"], out["live"], out["sql"] = results, live, sql
    return out


def _hand_written(connection, area) -> tuple:
    """The kept figures and the loan book's balances for `area` in 2025, from the raw tables,
    in one statement: the baseline the issue names."""
    prefix = area.subtree_prefix() + "%"
    sql = """
    WITH places AS (
        SELECT v.id FROM registry_village v JOIN registry_area a ON a.id = v.area_id
        WHERE a.path LIKE %(prefix)s
    ), book AS (
        SELECT l.id FROM loans_loan l
        WHERE l.village_id IN (SELECT id FROM places)
          AND (l.closed_on IS NULL OR l.closed_on > %(end)s)
          AND EXISTS (SELECT 1 FROM loans_disbursement d WHERE d.loan_id = l.id
                      AND d.date <= %(end)s)
    ), running AS (
        SELECT i.loan_id, i.due_date, i.principal_yuan AS p, i.interest_yuan AS i,
               SUM(i.principal_yuan + i.interest_yuan) OVER (
                   PARTITION BY i.loan_id ORDER BY i.due_date, i.number, i.disbursement_id
               ) AS cum,
               COALESCE(r.s, 0) AS r
        FROM loans_instalment i
        JOIN loans_disbursement d ON d.id = i.disbursement_id AND d.date <= %(end)s
        LEFT JOIN (SELECT loan_id, SUM(amount_yuan) AS s FROM loans_repayment
                   WHERE date <= %(end)s GROUP BY loan_id) r ON r.loan_id = i.loan_id
        WHERE i.loan_id IN (SELECT id FROM book)
    ), per_loan AS (
        SELECT loan_id,
               SUM(p - LEAST(GREATEST(r - (cum - p - i) - i, 0), p)) AS outst,
               MIN(CASE WHEN due_date < %(end)s AND r < cum THEN due_date END) AS earliest
        FROM running GROUP BY loan_id
    )
    SELECT
      (SELECT SUM(p.amount_yuan) FROM commerce_payment p
         JOIN commerce_purchaseorder o ON o.id = p.order_id
        WHERE o.village_id IN (SELECT id FROM places) AND p.confirmation = 'confirmed'
          AND p.date BETWEEN %(start)s AND %(end)s
          AND NOT EXISTS (SELECT 1 FROM commerce_payment c
                          WHERE c.corrects_id = p.id AND c.confirmation = 'confirmed')),
      (SELECT SUM(p.amount_yuan) FROM commerce_payment p
         JOIN commerce_purchaseorder o ON o.id = p.order_id
        WHERE o.village_id IN (SELECT id FROM places) AND p.confirmation = 'reported'
          AND p.date BETWEEN %(start)s AND %(end)s),
      (SELECT SUM(d.amount_yuan) FROM loans_disbursement d JOIN loans_loan l ON l.id = d.loan_id
        WHERE l.village_id IN (SELECT id FROM places) AND d.date BETWEEN %(start)s AND %(end)s),
      (SELECT COUNT(*) FROM events_event e
        WHERE e.village_id IN (SELECT id FROM places) AND e.date BETWEEN %(start)s AND %(end)s),
      (SELECT SUM(outst) FROM per_loan),
      (SELECT SUM(outst) FROM per_loan WHERE earliest < DATE %(end)s - 30)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"prefix": prefix, "start": "2025-01-01", "end": "2025-12-31"})
        return cursor.fetchone()


# --- parent ----------------------------------------------------------------------------------


def _database_settings(db: str, defaults: bool) -> None:
    import psycopg

    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        for name, value in RECOMMENDED.items():
            if defaults:
                conn.execute(f'ALTER DATABASE "{db}" RESET {name}')
            else:
                conn.execute(f"ALTER DATABASE \"{db}\" SET {name} = '{value}'")


def run(db: str, reps: int, live_reps: int, rebuild: bool, defaults: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=PG_URL + db,
        DEBUG="1",  # the development keys gendata wrote with; DEBUG itself is switched off
        DJANGO_SETTINGS_MODULE="tianmu.settings",
        LOG_LEVEL="WARNING",
        TIANMU_ACCESS_LOG="0",
        TIANMU_PUBLIC_RATE_LIMIT="0",
    )
    _database_settings(db, defaults)
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    proc = subprocess.run(  # noqa: S603 (this file, run again as the child)
        [sys.executable, __file__, "--child", str(reps), str(live_reps), str(int(rebuild))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{db}: the child failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(db: str, r: dict) -> None:
    print(f"\n=== {db}")
    rows = ", ".join(f"{t.split('_', 1)[1]} {n:,}" for t, n in r["rows"].items())
    print(f"rows: {rows}")
    if r["rebuild_s"] is not None:
        print(f"fact table rebuilt in {r['rebuild_s']} s")
    print("PostgreSQL: " + ", ".join(f"{k} {v}" for k, v in r["settings"].items()))
    print(f"{'request':38} {'p50 ms':>9} {'p95 ms':>9}   baseline (same run)")
    for name, v in r["results"].items():
        base = ""
        if name in ("kpis province 2025", "kpis county 2025"):
            lv, sq = r["live"][name], r["sql"][name]
            base = (
                f"live p50 {lv['p50']} / p95 {lv['p95']} ms; one SQL statement p50 {sq['p50']} ms;"
                f" ratio to SQL {v['p50'] / max(sq['p50'], 0.1):.2f}"
            )
        print(f"{name:38} {v['p50']:>9} {v['p95']:>9}   {base}")
    print(
        f"memory: peak RSS {r['rss_after_facts_mb']} MB after the fact-table requests, "
        f"{r['rss_after_live_mb']} MB after the live ones; largest Python peak of one request "
        f"{r['peak_alloc_facts_mb']} MB (facts), {r['peak_alloc_live_mb']} MB (live)"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", nargs="+", help="PostgreSQL databases filled by tianmu gendata")
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--live-reps", type=int, default=3)
    parser.add_argument(
        "--no-rebuild", action="store_true", help="Keep the fact table (catch up only)."
    )
    parser.add_argument(
        "--pg-defaults", action="store_true", help="The server's settings, not deploy.md's."
    )
    args = parser.parse_args()
    for db in args.db:
        report(db, run(db, args.reps, args.live_reps, not args.no_rebuild, args.pg_defaults))


if __name__ == "__main__":
    main()
