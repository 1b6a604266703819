"""Benchmark of a payroll import (issue "Exchange"): 100,000 rows against PostgreSQL COPY.

    .venv/bin/python bench/imports.py [--rows 100000] [--people 5000] [--format csv|xlsx|both]

Builds its own PostgreSQL database `tianmu_bench_imports` on 127.0.0.1:5432 (user postgres,
trust; dropped and created by the run): one county, town and village, one enterprise with a
workshop and a position, `--people` people with resident ID numbers (encrypted, with their
keyed hash) and a placement each from 2019. The payroll sheet has one row per person and month
(`--rows` in all), as a workshop writes it: 身份证号, 共富工坊, 月份, 实发工资 (with thousands
separators).

Measured, each in a forked child so memory figures do not bleed into each other:

- **import**: `tianmu.exchange.services.import_create` on the file, as `tianmu import
  earnings FILE` and the API run it — read, check every row (the person by ID number, their
  placement in that workshop that month, the amount, the period lock), write, and log each
  new record in the change log — one transaction. Peak memory is the rise of the child's
  `ru_maxrss` over the run.
- **COPY** (the baseline, same run): PostgreSQL `COPY` of the same rows, already resolved to
  placement ids, into the same table — the fastest anything can put them there.

Targets: at most 20 s, at least a quarter of COPY's rows per second, at most 500 MB.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import io
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = "postgres://postgres@127.0.0.1:5432/"
PG_DB = "tianmu_bench_imports"
HEADER = ["身份证号", "共富工坊", "月份", "实发工资"]


def _env() -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        DJANGO_SETTINGS_MODULE="tianmu.settings",
        DATABASE_URL=PG_URL + PG_DB,
        DEBUG="0",
        LOG_LEVEL="WARNING",
        SECRET_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        TIANMU_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        TIANMU_LOOKUP_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        TIANMU_VAR_DIR=tempfile.mkdtemp(prefix="tianmu-bench-imports-"),
        CELERY_BROKER_URL="",
        # Jobs in-process (no broker to start) and no access log: the figures stay comparable.
        TIANMU_JOBS_IN_PROCESS="1",
        TIANMU_ACCESS_LOG="0",
    )
    os.makedirs(os.path.join(os.environ["TIANMU_VAR_DIR"], "static"), exist_ok=True)


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(sql)


def id_number(n: int) -> str:
    from stdnum.cn import ric

    body = f"330124{19700101 + (n % 28) + 100 * (n // 28 % 12) + 10000 * (n // 336 % 30)}"
    body += f"{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def build(people: int) -> dict:
    """The data set; answers the workshop's name and the people's ID numbers."""
    import django

    django.setup()
    from django.core.management import call_command

    from tianmu.accounts.models import User
    from tianmu.core.crypto import keyed_hash
    from tianmu.employment.models import Person, Placement, Position, Workshop
    from tianmu.registry.models import Area, Organization, Village

    call_command("migrate", "--noinput", verbosity=0)
    county = Area.objects.create(name="临安区", level="county", code="330112000000")
    town = Area.objects.create(name="龙岗镇", level="town", code="330112107000", parent=county)
    varea = Area.objects.create(name="望湖村", level="village", code="330112107201", parent=town)
    village = Village.objects.create(area=varea)
    ent = Organization.objects.create(kind="enterprise", name="示例企业", home_town=town)
    workshop = Workshop.objects.create(name="望湖共富工坊", enterprise=ent, town=town)
    position = Position.objects.create(workshop=workshop, title="包装工", headcount=people)
    numbers = [id_number(i) for i in range(people)]
    persons = Person.objects.bulk_create(
        [
            Person(name=f"工人{i}", village=village, id_number=n, id_number_hash=keyed_hash(n))
            for i, n in enumerate(numbers)
        ],
        batch_size=2000,
    )
    Placement.objects.bulk_create(
        [
            Placement(
                person=p,
                position=position,
                start=datetime.date(2019, 1, 1),
                reported_side="enterprise",
                confirmation="confirmed",
            )
            for p in persons
        ],
        batch_size=2000,
    )
    call_command("adduser", "bench-admin", role="admin", scope="330112000000", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"workshop": workshop.name, "numbers": numbers, "admin": User.objects.get().pk}


def payroll(numbers: list[str], workshop: str, rows: int) -> list[list]:
    out = []
    months = -(-rows // len(numbers))
    for m in range(months):
        month = f"{2019 + m // 12}年{m % 12 + 1}月"
        for i, n in enumerate(numbers):
            if len(out) == rows:
                return out
            out.append([n, workshop, month, f"{3000 + (i * 37 + m * 11) % 2000:,}.50"])
    return out


def write_file(rows: list[list], fmt: str, folder: str) -> Path:
    path = Path(folder) / f"payroll.{fmt}"
    if fmt == "csv":
        import csv

        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            w.writerows(rows)
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("工资表")
        ws.append(HEADER)
        for r in rows:
            ws.append(r)
        wb.save(path)
    return path


def _import_child(path: str, admin_id: int, queue) -> None:
    import django

    django.setup()
    from tianmu.accounts.models import User
    from tianmu.exchange.services import import_create

    user = User.objects.get(pk=admin_id)
    content = Path(path).read_bytes()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    profile = None
    if os.environ.get("BENCH_PROFILE"):  # where the time goes: the top functions, to stderr
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    t0 = time.perf_counter()
    job = import_create(user=user, resource="earnings", filename=Path(path).name,
                        content=content, dry_run=False)  # fmt: skip
    seconds = time.perf_counter() - t0
    if profile is not None:
        import pstats

        profile.disable()
        order = os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        pstats.Stats(profile, stream=sys.stderr).sort_stats(order).print_stats(40)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put(
        {
            "seconds": seconds,
            "created": job.created,
            "errors": job.errors[:3],
            "rss_mb": (rss1 - rss0) / 1024,
            "peak_mb": rss1 / 1024,
        }
    )


def _copy_child(queue) -> None:
    """COPY the rows the import wrote, resolved to placement ids, back into the same table."""
    import django

    django.setup()
    from django.db import connection

    from tianmu.employment.models import MonthlyEarning

    rows = list(MonthlyEarning.objects.values_list("placement_id", "month", "amount_yuan"))
    MonthlyEarning.objects.all()._raw_delete(connection.alias)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    buf = io.StringIO()
    for p, m, a in rows:
        buf.write(f"{p}\t{m.isoformat()}\t{a}\t{now}\t{now}\n")
    data = buf.getvalue()
    connection.ensure_connection()
    raw = connection.connection
    t0 = time.perf_counter()
    with raw.cursor() as cur:
        cols = "placement_id, month, amount_yuan, created, last_updated"
        with cur.copy(f"COPY employment_monthlyearning ({cols}) FROM STDIN") as copy:
            copy.write(data)
    raw.commit()
    queue.put({"seconds": time.perf_counter() - t0, "rows": len(rows)})
    MonthlyEarning.objects.all()._raw_delete(connection.alias)
    raw.commit()


def _run(target, *args):
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--format", choices=["csv", "xlsx", "both"], default="both")
    args = parser.parse_args()
    _env()
    _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    _pg(f"CREATE DATABASE {PG_DB}")
    try:
        setup = _run(lambda q: q.put(build(args.people)))
        rows = payroll(setup["numbers"], setup["workshop"], args.rows)
        folder = tempfile.mkdtemp(prefix="tianmu-payroll-")
        formats = ["csv", "xlsx"] if args.format == "both" else [args.format]
        print(f"payroll import: {len(rows):,} rows, {args.people:,} people, PostgreSQL")
        print(f"{'file':<6} {'import s':>9} {'rows/s':>9} {'COPY s':>7} {'rows/s':>10} "
              f"{'ratio':>6} {'memory MB':>10}")  # fmt: skip
        for fmt in formats:
            path = write_file(rows, fmt, folder)
            imp = _run(_import_child, str(path), setup["admin"])
            if imp["errors"] or imp["created"] != len(rows):
                sys.exit(f"the import did not write every row: {imp}")
            copy = _run(_copy_child)
            imp_rate = len(rows) / imp["seconds"]
            copy_rate = copy["rows"] / copy["seconds"]
            ratio = imp_rate / copy_rate
            print(f"{fmt:<6} {imp['seconds']:>9.2f} {imp_rate:>9,.0f} {copy['seconds']:>7.2f} "
                  f"{copy_rate:>10,.0f} {ratio:>6.2f} {imp['rss_mb']:>10.0f}")  # fmt: skip
        print("targets: import ≤ 20 s, ratio ≥ 0.25 of COPY's rows/s, memory ≤ 500 MB")
    finally:
        _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
