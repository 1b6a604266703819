"""List pages and list endpoints of the big tables, timed for a county admin and a town officer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tianmu_p10 \\
        .venv/bin/python bench/lists.py [--repeat 5] [--explain] [--only orders,payments]

It reads an existing database and writes nothing: the connection is made read-only first
(`SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`), and the users are unsaved `User`
objects (a programme admin of the county with the most villages, a town officer of its
largest town), so no session, token or last-login row is written. Each list is called the way
the page and the API call it (`ObjectListView` with a request, `Resource.list_rows` with
`limit=50`), once to warm up and then `--repeat` times; it prints the median and the worst
wall time in milliseconds and the number of queries, and with `--explain` the
`EXPLAIN (ANALYZE, BUFFERS)` of the slowest query of each list.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianmu.settings_test")

#: (label, Resource module, Resource name): the big tables' lists.
LISTS = [
    ("orders", "tianmu.commerce.resources", "ORDERS"),
    ("payments", "tianmu.commerce.resources", "PAYMENTS"),
    ("order-deliveries", "tianmu.commerce.resources", "ORDER_DELIVERIES"),
    ("placements", "tianmu.employment.resources", "PLACEMENTS"),
    ("people", "tianmu.employment.resources", "PEOPLE"),
    ("loans", "tianmu.loans.resources", "LOANS"),
    ("events", "tianmu.events.resources", "EVENTS"),
    ("villages", "tianmu.registry.resources", "VILLAGES"),
]


def users():
    from django.db.models import Count

    from tianmu.accounts.models import User
    from tianmu.core.roles import Role
    from tianmu.registry.models import Area

    def biggest(level, within=None):
        qs = Area.objects.filter(level=level)
        if within is not None:
            qs = qs.filter(path__startswith=within.subtree_prefix())
        # The area whose subtree holds the most villages.
        best, most = None, -1
        for area in qs:
            n = Area.objects.filter(
                path__startswith=area.subtree_prefix(), level="village"
            ).aggregate(n=Count("pk"))["n"]
            if n > most:
                best, most = area, n
        return best, most

    county, n_county = biggest("county")
    town, n_town = biggest("town", county)
    admin = User(username="bench-admin", role=Role.ADMIN, scope_area=county, is_active=True)
    officer = User(username="bench-town", role=Role.TOWN, scope_area=town, is_active=True)
    admin.pk = officer.pk = 0  # never saved: no row is written
    return [
        (f"admin {county.name} ({n_county} villages)", admin),
        (f"town {town.name} ({n_town} villages)", officer),
    ]


def resources(only):
    import importlib

    out = []
    for label, module, name in LISTS:
        if only and label not in only:
            continue
        res = getattr(importlib.import_module(module), name, None)
        if res is not None:
            out.append((label, res))
    return out


def timed(fn, repeat):
    from django.db import connection, reset_queries

    fn()  # warm up
    times, queries = [], []
    for _ in range(repeat):
        reset_queries()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        queries.append(list(connection.queries))
    return times, queries[-1]


def explain(sql):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--kinds", default="page,api")
    args = parser.parse_args()

    import django
    from django.conf import settings

    settings.DEBUG = True  # connection.queries
    django.setup()
    from django.db import connection
    from django.test import RequestFactory

    from tianmu.core.api import PageParams

    with connection.cursor() as cur:
        cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    kinds = args.kinds.split(",")
    only = set(filter(None, args.only.split(",")))
    rf = RequestFactory()
    print(f"database {connection.settings_dict['NAME']}, repeat {args.repeat}")
    for who, user in users():
        print(f"\n== {who}")
        for label, res in resources(only):
            calls = []
            if "page" in kinds and res.table is not None:
                view = res.urls()[0].callback

                def page(view=view, user=user):
                    request = rf.get("/")
                    request.user = user
                    request.session = {}
                    response = view(request)
                    assert response.status_code == 200, response.status_code
                    response.render() if hasattr(response, "render") else None

                calls.append(("page", page))
            if "api" in kinds and "list" in res.operations:

                def api(res=res, user=user):
                    request = rf.get("/", {"limit": 50})
                    request.auth = request.user = user
                    res.list_rows(request, PageParams(limit=50, offset=0))

                calls.append(("api", api))
            for kind, fn in calls:
                times, queries = timed(fn, args.repeat)
                plain = [q for q in queries if not q["sql"].startswith("EXPLAIN")]
                slow = max(plain, key=lambda q: float(q["time"]), default=None)
                print(
                    f"{label:18} {kind:4} median {statistics.median(times):8.1f} ms"
                    f"  max {max(times):8.1f} ms  {len(queries):3} queries"
                    + (f"  slowest {float(slow['time']) * 1000:.1f} ms" if slow else "")
                )
                if args.explain and slow:
                    for q in queries:
                        print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
                    print(explain(slow["sql"]))


if __name__ == "__main__":
    main()
