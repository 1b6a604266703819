"""`tianmu gendata`: a synthetic province (or one county, or a pilot) for benchmarks and tests.

Everything is invented and marked so: villages, organisations and people carry
`is_example=True` and names such as “示例村00001”. The generator writes rows as tuples straight
into the tables (COPY on PostgreSQL through `tianmu.core.bulk.copy_rows`, batched
`executemany` on SQLite), in one transaction: a failure leaves nothing behind. Ids are
assigned here (the database is empty), so child rows name their parents without a round
trip, and the sequences are moved past them at the end.

The change log gets one entry per table filled (not one per row; docs/gendata.md): its
`object_repr` names the table and its `after` holds the row count, the id range, the scale
and the seed.

The same seed on the same day gives the same rows: every section draws from its own
`random.Random` seeded with the seed and the section's name. Only what is random by design
differs: the Fernet tokens of encrypted personal data (their IV) and the creation times.
"""

from __future__ import annotations

import datetime
import json
import math
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.commerce.models import OrderDelivery, Payment, Product, PurchaseOrder
from tianmu.commerce.models import PurchaseOrderLine as OrderLine
from tianmu.core import facts
from tianmu.core.bulk import copy_rows
from tianmu.core.context import acting_as, current_actor
from tianmu.core.crypto import encrypt, keyed_hash
from tianmu.core.demo import domain_records_exist
from tianmu.core.models import ChangeLoggedModel, ObjectChange
from tianmu.employment.models import MonthlyEarning, Person, Placement, Position, Workshop
from tianmu.events.models import Event
from tianmu.loans import schedule
from tianmu.loans.models import (
    Disbursement,
    Instalment,
    Loan,
    LoanProduct,
    LoanStatusChange,
    Repayment,
)
from tianmu.projects.models import Project
from tianmu.registry.models import Area, ChamberMembership, Organization, Village, VillageIncome

ACTOR = "gendata"


@dataclass(frozen=True)
class Scale:
    """How much a scale makes: the area tree, the organisations, and the yearly volumes."""

    cities: int
    counties: int
    towns: int
    villages: int
    enterprises: int
    # Per year, for each of the three years:
    order_lines: int
    placements: int
    earnings: int
    loans: int
    events: int

    def times(self, fraction: float) -> Scale:
        """This scale times `fraction` (at least one of each level, each level at least as
        many as the one above it)."""
        if fraction == 1:
            return self

        def f(n: int) -> int:
            return max(1, round(n * fraction))

        cities = f(self.cities)
        counties = max(cities, f(self.counties))
        towns = max(counties, f(self.towns))
        villages = max(towns, f(self.villages))
        return Scale(
            cities=cities,
            counties=counties,
            towns=towns,
            villages=villages,
            enterprises=max(5 * villages, f(self.enterprises)),
            order_lines=f(self.order_lines),
            placements=f(self.placements),
            earnings=f(self.earnings),
            loans=f(self.loans),
            events=f(self.events),
        )


PROVINCE = Scale(
    cities=11,
    counties=90,
    towns=1_300,
    villages=20_000,
    enterprises=100_000,
    order_lines=2_000_000,
    placements=1_000_000,
    earnings=5_000_000,
    loans=100_000,
    events=20_000,
)

#: The scales `--scale` names: a province; one county of its density (1/90 of its volumes);
#: and a pilot small enough for the tests.
SCALES: dict[str, Scale] = {
    "province": PROVINCE,
    "county": Scale(
        cities=1,
        counties=1,
        towns=15,
        villages=220,
        enterprises=1_100,
        order_lines=22_000,
        placements=11_000,
        earnings=55_000,
        loans=1_100,
        events=220,
    ),
    "pilot": Scale(
        cities=1,
        counties=1,
        towns=3,
        villages=24,
        enterprises=120,
        order_lines=480,
        placements=240,
        earnings=1_200,
        loans=24,
        events=48,
    ),
}

#: Share of villages paired with an alliance (one alliance per paired village).
PAIRED_SHARE = 0.6
BANKS_PER_COUNTY = 4
PRODUCTS_PER_BANK = 3
YEARS = 3

# Domain vocabulary of the synthetic data (data, not interface text: stored as typed).
PRODUCTS = [  # name, category, unit, price range in fen
    ("杨梅", "bayberry", "斤", (1500, 4000)),
    ("月饼", "mooncake", "盒", (5000, 20000)),
    ("山核桃", "hickory", "斤", (4000, 9000)),
    ("大米", "rice", "kg", (600, 1500)),
    ("铁皮石斛", "herbs", "克", (80, 300)),
    ("天目青顶", "tea", "两", (5000, 30000)),
    ("高山蔬菜", "vegetables", "kg", (400, 1200)),
    ("天目笋干", "bamboo", "斤", (3000, 8000)),
]
INDUSTRIES = ["制造业", "农产品加工", "电子商务", "文旅", "建筑业", "物流", "食品", "纺织"]
CAPABILITIES = ["procurement", "processing", "ecommerce", "tourism", "finance", "training"]
NEEDS = ["产业导入", "销售渠道", "就业岗位", "基础设施", "人才培训"]
EVENT_TITLES = {
    "folk_custom": "打麻糍",
    "festival": "重阳敬老",
    "free_clinic": "义诊进村",
    "lecture": "专家授课",
    "training": "技能培训",
    "other": "村企联谊",
}
POSITION_TITLES = ["包装工", "分拣员", "主播助理", "采摘工", "加工员"]
PAY = [("month", 280000, 450000), ("piece", 2, 9), ("hour", 1800, 3000)]  # fen
# (rate, term months, method) of each bank's three products.
LOAN_PRODUCTS = [
    ("0.034500", 12, schedule.EQUAL_INSTALMENT),
    ("0.038500", 24, schedule.EQUAL_PRINCIPAL),
    ("0.042000", 36, schedule.INTEREST_ONLY),
    ("0.036000", 12, schedule.BULLET),
]


class GendataError(Exception):
    """Bad input or a database that is not empty; nothing was written."""


# --- writing --------------------------------------------------------------------------------


@dataclass(eq=False)  # hashable by identity: a key of the row buffers
class Table:
    """A table being filled: its columns and what was written (for progress and the log)."""

    model: type[models.Model]
    db_table: str
    columns: list[str]
    const: tuple  # values appended to every row (the timestamps)
    log_model: type[models.Model]
    label: str
    rows: int = 0
    seconds: float = 0.0
    first_id: int | None = None
    last_id: int | None = None
    has_id: bool = True


class Writer:
    """Writes rows (tuples of database-ready values) into tables, by COPY on PostgreSQL and
    batched INSERTs on SQLite, and keeps the counts for progress and the change log."""

    def __init__(self, *, now: datetime.datetime):
        self.pg = connection.vendor == "postgresql"
        self.now = now
        self.tables: dict[str, Table] = {}

    def dt(self, day: datetime.date, hour: int = 10) -> datetime.datetime | str:
        """A timestamp on `day` as the database takes it."""
        value = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)
        return value if self.pg else connection.ops.adapt_datetimefield_value(value)

    def table(self, model: type[models.Model], fields: Sequence[str]) -> Table:
        """The table of `model` filled with `fields` (attnames, id first), plus the timestamps
        `created`/`last_updated` when it has them. Refuses a list that misses a column the
        model requires, so a new NOT NULL field shows up here rather than as a failed COPY."""
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        stamps = [n for n in ("created", "last_updated") if n in by_name and n not in fields]
        missing = [
            f.attname
            for f in meta.concrete_fields
            if f.attname not in fields and f.attname not in stamps and not f.null
        ]
        if missing:
            raise RuntimeError(f"gendata does not fill {meta.db_table}.{missing}")
        now = self.now if self.pg else connection.ops.adapt_datetimefield_value(self.now)
        log_model = model
        if meta.auto_created:  # a many-to-many table: logged under the model that owns it
            log_model = next(f.related_model for f in meta.fields if f.related_model is not None)
        t = Table(
            model=model,
            db_table=meta.db_table,
            columns=[by_name[n].column for n in fields] + [by_name[n].column for n in stamps],
            const=tuple(now for _ in stamps),
            log_model=log_model,
            label=meta.db_table,
            has_id=fields[0] == "id",
        )
        self.tables[t.db_table] = t
        return t

    def write(self, t: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        began = time.monotonic()
        const = t.const
        # A copy in any case: the caller reuses its list while the COPY thread reads this one.
        rows = [r + const for r in rows] if const else list(rows)
        if self.copier is not None:
            self.copier.put(t, rows)
        elif self.pg:
            copy_rows(t.db_table, t.columns, rows)
        else:
            quote = connection.ops.quote_name
            names = ", ".join(quote(c) for c in t.columns)
            marks = ", ".join(["%s"] * len(t.columns))
            # Django's own table and column names, no user input:
            sql = f"INSERT INTO {quote(t.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
            with connection.cursor() as cursor:
                for i in range(0, len(rows), 5000):
                    cursor.executemany(sql, rows[i : i + 5000])
        t.rows += len(rows)
        if t.has_id:
            ids = (rows[0][0], rows[-1][0])
            t.first_id = ids[0] if t.first_id is None else min(t.first_id, ids[0])
            t.last_id = ids[1] if t.last_id is None else max(t.last_id, ids[1])
        t.seconds += time.monotonic() - began

    def start(self) -> None:
        """On PostgreSQL as a superuser, write without the per-row foreign-key triggers
        (`session_replication_role = replica`, for this transaction only): they queue one
        check per row and run them all at COMMIT, a third of the time of a large run.
        `finish` checks every foreign key of the tables written instead, one anti-join each.
        Without the privilege the triggers run as usual (slower, the same result)."""
        if not self.pg:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            self.trusted = bool(cursor.fetchone()[0])
            if self.trusted:
                cursor.execute("SET LOCAL session_replication_role = replica")
        self.copier = CopyThread(connection.connection)

    trusted = False
    copier: CopyThread | None = None

    def sync(self) -> None:
        """Wait for the COPYs handed over so far (for the per-table progress lines)."""
        if self.copier is not None:
            self.copier.wait()

    def stop(self, *, abort: bool = False) -> None:
        """Wait for the COPY thread to send what it holds (or, on `abort`, to drop it)."""
        if self.copier is not None:
            copier, self.copier = self.copier, None
            copier.close(abort=abort)

    def check_foreign_keys(self) -> None:
        """Every foreign key of every table written points at an existing row, or the run
        fails (and rolls back). PostgreSQL: one anti-join per key; SQLite: its own
        `PRAGMA foreign_key_check` (its keys are checked only at COMMIT otherwise)."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for t in self.tables.values():
                if not t.rows:
                    continue
                if not self.pg:
                    cursor.execute(f"PRAGMA foreign_key_check({quote(t.db_table)})")
                    bad = cursor.fetchall()
                    if bad:
                        raise RuntimeError(f"gendata wrote dangling keys: {bad[:3]}")
                    continue
                for f in t.model._meta.concrete_fields:
                    if not f.is_relation:
                        continue
                    parent = f.related_model._meta
                    target = parent.get_field(f.target_field.name).column
                    cursor.execute(
                        f"SELECT count(*) FROM {quote(t.db_table)} c "  # noqa: S608 (names)
                        f"WHERE c.{quote(f.column)} IS NOT NULL AND NOT EXISTS "
                        f"(SELECT 1 FROM {quote(parent.db_table)} p "
                        f"WHERE p.{quote(target)} = c.{quote(f.column)})"
                    )
                    if cursor.fetchone()[0]:
                        raise RuntimeError(f"gendata wrote dangling keys: {t.db_table}.{f.column}")
            if self.trusted:
                cursor.execute("SET LOCAL session_replication_role = origin")

    def finish(self) -> None:
        """Check the keys; move each sequence past the ids written (PostgreSQL; SQLite's
        follow by themselves)."""
        self.stop()
        began = time.monotonic()
        self.check_foreign_keys()
        self.key_check_seconds = time.monotonic() - began
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for t in self.tables.values():
                if t.rows:
                    # What autovacuum would do later: the first queries on the new rows get
                    # plans for their real sizes (ANALYZE counts this transaction's rows).
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(t.db_table)}")
                if t.has_id and t.last_id:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                        [t.db_table, t.last_id],
                    )


class CopyThread:
    """Sends the COPYs from a second thread on the transaction's own connection, so that the
    generator makes the next batch while PostgreSQL stores the last one (one core each)."""

    def __init__(self, raw):
        self.raw = raw  # the psycopg connection under Django's (thread-local) one
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.abort = False
        self.thread = threading.Thread(target=self._run, name="gendata-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None and not self.abort:
                    t, rows = item
                    began = time.monotonic()
                    from psycopg import sql

                    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(t.db_table),
                        sql.SQL(", ").join(map(sql.Identifier, t.columns)),
                    )
                    with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(row)
                    t.seconds += time.monotonic() - began
            except BaseException as exc:  # noqa: BLE001 (handed to the generating thread)
                self.error = exc
            finally:
                self.queue.task_done()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, t: Table, rows: list) -> None:
        self._raise()
        self.queue.put((t, rows))

    def wait(self) -> None:
        """Until every COPY handed over so far is done."""
        self.queue.join()
        self._raise()

    def close(self, *, abort: bool = False) -> None:
        self.abort = abort
        self.queue.put(None)
        self.thread.join()
        if not abort:
            self._raise()


class Ids:
    """A running id counter per table (the database is empty: ids start at 1)."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, key: str) -> int:
        n = self.last.get(key, 0) + 1
        self.last[key] = n
        return n


# --- helpers --------------------------------------------------------------------------------


def rng_for(seed: int, section: str) -> random.Random:
    return random.Random(f"gendata:{seed}:{section}")


def yuan(fen: int) -> str:
    """An amount in fen as the database's decimal text ("1234.50")."""
    return f"{fen // 100}.{fen % 100:02d}"


def spread(total: int, weights: Sequence[float], rng: random.Random) -> list[int]:
    """`total` split over `weights` in proportion; the remainder goes to random parts."""
    if not weights:
        return []
    w = sum(weights)
    counts = [int(total * x / w) for x in weights]
    left = total - sum(counts)
    for i in rng.choices(range(len(weights)), weights=weights, k=left):
        counts[i] += 1
    return counts


def example_credit_code(prefix: str, county_code: str, n: int) -> str:
    """A unified social credit code passing the GB 32100 check: registration prefix, the
    county's six digits, “7” and the running number as organisation code (recognisably
    invented, unique per running number)."""
    body = f"{prefix}{county_code[:6]}7{n:08d}"
    return body + uscc.calc_check_digit(body)


@lru_cache(maxsize=1)
def _county_codes() -> tuple[str, ...]:
    """The Zhejiang county codes stdnum's table knows at all (whatever the year)."""
    from stdnum import numdb

    table = numdb.get("cn/loc")
    found = []
    for code in range(330100, 331200):
        if any("county" in props for _, props in table.info(str(code))):
            found.append(str(code))
    return tuple(found)


@lru_cache(maxsize=128)
def birthplace_codes(year: int) -> tuple[str, ...]:
    """Six-digit Zhejiang area codes the resident-ID check accepts for a birth in `year`
    (stdnum's table of real codes, which knows when each county existed)."""
    codes = []
    for code in _county_codes():
        body = f"{code}{year}0101001"
        try:
            ric.validate(body + ric.calc_check_digit(body + "0"))
        except Exception:  # noqa: BLE001, S112 (any refusal means: not this code)
            continue
        codes.append(str(code))
    return tuple(codes)


BIRTH_BASE = datetime.date(1955, 1, 1)
BIRTH_DAYS = 18_000  # about 49 years of birth dates


def id_number(i: int) -> tuple[str, int, str]:
    """A unique resident ID number for person `i`: (number, birth year, gender "m"/"f").

    Unique because (birth day, sequence) is a bijection of `i` below 18 million: the day is
    `i·7919 mod 18000` (7919 is prime to 18000), the sequence `i // 18000`; the area code is
    one that existed in the birth year."""
    day = BIRTH_BASE + datetime.timedelta(days=(i * 7919) % BIRTH_DAYS)
    seq = (i // BIRTH_DAYS) % 1000
    codes = birthplace_codes(day.year)
    body = f"{codes[i % len(codes)]}{day:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    return number, day.year, "m" if seq % 2 else "f"


def last_day(year: int, month: int) -> datetime.date:
    nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


@dataclass
class Plan:
    """What later sections need from earlier ones (ids and who belongs where)."""

    years: list[int]
    province: int = 0
    counties: list[dict] = field(default_factory=list)  # id, code, towns, villages, ...
    towns: list[dict] = field(default_factory=list)  # id, code, county index
    villages: list[dict] = field(default_factory=list)  # id (village), area, town, county
    enterprises_by_county: list[list[int]] = field(default_factory=list)
    banks_by_county: list[list[int]] = field(default_factory=list)
    products_by_bank: dict[int, list[tuple]] = field(default_factory=dict)
    chamber_by_town: dict[int, int] = field(default_factory=dict)
    alliances: list[dict] = field(default_factory=list)  # id, village, cores, chamber, banks
    catalogue: dict[int, list[tuple]] = field(default_factory=dict)  # village → products
    workshops_by_county: list[list[int]] = field(default_factory=list)
    positions_by_workshop: dict[int, list[tuple]] = field(default_factory=dict)
    project_by_village: dict[int, int] = field(default_factory=dict)


# --- the generator --------------------------------------------------------------------------


@dataclass
class Result:
    tables: list[Table]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def parse_fraction(value) -> float:
    try:
        fraction = float(value)
    except (TypeError, ValueError):
        fraction = math.nan
    if not (0 < fraction <= 1):  # also refuses nan
        raise GendataError("fraction")
    return fraction


def generate(
    *,
    scale: str,
    seed: int = 1,
    fraction: float = 1.0,
    force: bool = False,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Result:
    """Fill the (empty) database with a synthetic `scale` × `fraction`; see the module
    docstring. `force` empties the domain tables first. Raises GendataError on bad input or
    a database that is not empty, with nothing written."""
    if scale not in SCALES:
        raise GendataError("scale")
    fraction = parse_fraction(fraction)
    shape = SCALES[scale].times(fraction)
    today = today or timezone.localdate()
    began = time.monotonic()
    say = progress or (lambda line: None)
    with transaction.atomic(), acting_as(username=ACTOR):
        if domain_records_exist():
            if not force:
                raise GendataError("not_empty")
            emptied = empty_domain_tables()
            say(f"emptied {len(emptied)} domain tables")
        else:
            emptied = []
        writer = Writer(now=timezone.now())
        gen = Generator(
            writer=writer, shape=shape, seed=seed, today=today, say=say, years=years_for(today)
        )
        writer.start()
        try:
            gen.run()
        except BaseException:
            writer.stop(abort=True)  # before the rollback, which needs the connection
            raise
        writer.finish()
        say(f"foreign keys checked: {writer.key_check_seconds:.1f} s")
        write_log(writer, emptied, scale=scale, seed=seed, fraction=fraction)
        # The rows went in past the change log, so the fact table the figures are read from
        # is built from them here (tianmu.core.facts), in the same transaction.
        began_facts = time.monotonic()
        facts.rebuild()
        say(f"fact table built: {time.monotonic() - began_facts:.1f} s")
    return Result(tables=list(writer.tables.values()), seconds=time.monotonic() - began)


def years_for(today: datetime.date) -> list[int]:
    """The three full years before `today`'s year (2023–2025 in 2026)."""
    return [today.year - YEARS + k for k in range(YEARS)]


class Generator:
    def __init__(self, *, writer, shape: Scale, seed: int, today, say, years):
        self.w = writer
        self.shape = shape
        self.seed = seed
        self.today = today
        self.until = today - datetime.timedelta(days=1)  # nothing dated today or later
        self.say = say
        self.ids = Ids()
        self.plan = Plan(years=years)
        self.program_start = datetime.date(years[0], 1, 1)
        self.program_end = datetime.date(years[-1] + 3, 12, 31)

    def run(self) -> None:
        for step in (
            self.areas,
            self.villages,
            self.organisations,
            self.alliances,
            self.projects,
            self.catalogue,
            self.orders,
            self.workshops,
            self.placements,
            self.loans,
            self.events,
        ):
            began = time.monotonic()
            tables = step()
            self.w.sync()
            for t in tables:
                self.say(f"  {t.label}: {t.rows} rows ({t.seconds:.1f} s writing)")
            self.say(f"{step.__name__}: {time.monotonic() - began:.1f} s")

    def flush(self, buffers: dict[Table, list], at: int = 50_000) -> None:
        for t, rows in buffers.items():
            if len(rows) >= at:
                self.w.write(t, rows)
                rows.clear()

    # -- the area tree ----------------------------------------------------------------------

    def areas(self) -> list[Table]:
        s = self.shape
        rng = rng_for(self.seed, "areas")
        t = self.w.table(Area, ["id", "name", "level", "code", "parent_id", "path", "lat", "lon"])
        rows = []

        def add(name, level, code, parent_id, parent_path):
            pk = self.ids.next("area")
            path = f"{parent_path}{parent_id}/" if parent_id else "/"
            lat = round(28.0 + rng.random() * 3, 5)
            lon = round(118.0 + rng.random() * 4, 5)
            rows.append((pk, name, level, code, parent_id, path, lat, lon))
            return pk, path

        province, ppath = add("示例省", "province", "330000000000", None, "")
        self.plan.province = province
        county_no = 0
        town_no = 0
        village_no = 0
        counties_per_city = spread(s.counties, [1] * s.cities, rng)
        towns_per_county = spread(s.towns, [1] * s.counties, rng)
        towns_flat = []
        for c in range(s.cities):
            city_code = f"33{c + 1:02d}00000000"
            city, cpath = add(f"示例市{c + 1:02d}", "city", city_code, province, ppath)
            for k in range(counties_per_city[c]):
                county_code = f"{city_code[:4]}{k + 1:02d}000000"
                county, kpath = add(
                    f"示例县{county_no + 1:02d}", "county", county_code, city, cpath
                )
                info = {"id": county, "code": county_code, "towns": [], "villages": []}
                self.plan.counties.append(info)
                for j in range(towns_per_county[county_no]):
                    town_code = f"{county_code[:6]}{j + 1:03d}000"
                    town, tpath = add(f"示例镇{town_no + 1:04d}", "town", town_code, county, kpath)
                    town_info = {"id": town, "code": town_code, "county": county_no,
                                 "path": tpath}  # fmt: skip
                    towns_flat.append(town_info)
                    info["towns"].append(town_no)
                    town_no += 1
                county_no += 1
        self.plan.towns = towns_flat
        villages_per_town = spread(s.villages, [1] * s.towns, rng)
        for j, town_info in enumerate(towns_flat):
            for v in range(villages_per_town[j]):
                code = f"{town_info['code'][:9]}{v + 1:03d}"
                area, _ = add(
                    f"示例村{village_no + 1:05d}", "village", code, town_info["id"],
                    town_info["path"],
                )  # fmt: skip
                self.plan.villages.append(
                    {"area": area, "town": j, "county": town_info["county"],
                     "name": f"示例村{village_no + 1:05d}"}
                )  # fmt: skip
                self.plan.counties[town_info["county"]]["villages"].append(village_no)
                village_no += 1
        self.w.write(t, rows)
        return [t]

    def villages(self) -> list[Table]:
        rng = rng_for(self.seed, "villages")
        t = self.w.table(
            Village,
            ["id", "area_id", "population", "households", "low_income_households",
             "idle_farmland_mu", "main_products", "development_needs", "is_example"],
        )  # fmt: skip
        ti = self.w.table(VillageIncome, ["id", "village_id", "year", "amount_yuan",
                                          "operating_yuan"])  # fmt: skip
        rows, incomes = [], []
        paired = set(
            rng.sample(
                range(len(self.plan.villages)), round(len(self.plan.villages) * PAIRED_SHARE)
            )
        )
        # At least one paired village per county, so every county has an alliance.
        for c in self.plan.counties:
            if c["villages"] and not paired.intersection(c["villages"]):
                paired.add(c["villages"][0])
        for n, v in enumerate(self.plan.villages):
            pk = self.ids.next("village")
            v["id"] = pk
            v["paired"] = n in paired
            population = rng.randint(800, 4500)
            households = population // 3
            low = households * rng.randint(2, 7) // 100
            products = rng.sample(PRODUCTS, 2)
            rows.append(
                (pk, v["area"], population, households, low,
                 yuan(rng.randint(0, 20000) * 10),
                 json.dumps([p[0] for p in products], ensure_ascii=False),
                 json.dumps(rng.sample(NEEDS, 2), ensure_ascii=False), True)
            )  # fmt: skip
            operating = rng.randint(15, 200) * 1_000_000  # fen: 150 000 – 2 000 000 yuan
            for year in self.plan.years:
                transfers = rng.randint(20, 80) * 1_000_000
                incomes.append(
                    (self.ids.next("income"), pk, year, yuan(operating + transfers),
                     yuan(operating))
                )  # fmt: skip
                operating = operating * rng.randint(97, 118) // 100
        self.w.write(t, rows)
        self.w.write(ti, incomes)
        return [t, ti]

    # -- organisations ----------------------------------------------------------------------

    def organisations(self) -> list[Table]:
        s = self.shape
        rng = rng_for(self.seed, "organisations")
        p = self.plan
        t = self.w.table(
            Organization,
            ["id", "kind", "name", "credit_code", "industry", "employees", "home_town_id",
             "capabilities", "fic_executive", "fic_position", "partner_kind", "is_example",
             "registered_area_id"],
        )  # fmt: skip
        through = Organization.service_area.through
        ts = self.w.table(through, ["id", "organization_id", "area_id"])
        tm = self.w.table(ChamberMembership, ["id", "chamber_id", "enterprise_id"])
        tp = self.w.table(
            LoanProduct,
            ["id", "bank_id", "name", "annual_rate", "term_months", "repayment_method",
             "max_amount_yuan", "is_active"],
        )  # fmt: skip
        rows, service, members, products = [], [], [], []
        n_code = 0

        def org(kind, name, county, town_id, *, industry="", employees=None, caps="[]",
                partner_kind="", prefix="91"):  # fmt: skip
            nonlocal n_code
            n_code += 1
            pk = self.ids.next("org")
            code = example_credit_code(prefix, county["code"], n_code)
            rows.append(
                [pk, kind, name, code, industry, employees, town_id, caps, False, "",
                 partner_kind, True, county["id"]]
            )  # fmt: skip
            return pk

        # A chamber of commerce in every town.
        for j, town in enumerate(p.towns):
            county = p.counties[town["county"]]
            p.chamber_by_town[j] = org(
                "chamber", f"示例镇{j + 1:04d}商会", county, town["id"], prefix="51"
            )
        # Banks: a few per county, with their loan products; they serve the county.
        bank_no = 0
        for county in p.counties:
            banks = []
            seat = p.towns[county["towns"][0]]["id"]
            for _ in range(BANKS_PER_COUNTY):
                bank_no += 1
                pk = org("partner", f"示例银行{bank_no:04d}", county, seat,
                         partner_kind="financial")  # fmt: skip
                banks.append(pk)
                service.append((self.ids.next("service_area"), pk, county["id"]))
                offered = rng.sample(LOAN_PRODUCTS, PRODUCTS_PER_BANK)
                p.products_by_bank[pk] = []
                for k, (rate, months, method) in enumerate(offered):
                    ppk = self.ids.next("loan_product")
                    products.append(
                        (ppk, pk, f"示例共富贷{bank_no:04d}-{k + 1}", rate, months, method,
                         "3000000.00", True)
                    )  # fmt: skip
                    p.products_by_bank[pk].append((ppk, rate, months, method))
            p.banks_by_county.append(banks)
        # Enterprises, spread over the counties by their villages; each in a town.
        per_county = spread(s.enterprises, [len(c["villages"]) or 1 for c in p.counties], rng)
        self._org_rows = {}
        n_ent = 0
        for c, county in enumerate(p.counties):
            ents = []
            for _ in range(per_county[c]):
                n_ent += 1
                j = rng.choice(county["towns"])
                caps = json.dumps(rng.sample(CAPABILITIES, 2))
                pk = org("enterprise", f"示例企业{n_ent:06d}", county, p.towns[j]["id"],
                         industry=rng.choice(INDUSTRIES), employees=rng.randint(10, 2000),
                         caps=caps)  # fmt: skip
                self._org_rows[pk] = rows[-1]
                ents.append(pk)
                if rng.random() < 0.7:
                    members.append((self.ids.next("membership"), p.chamber_by_town[j], pk))
            p.enterprises_by_county.append(ents)
        # Written with the alliances, which decide the cores' FIC flags.
        self._orgs = (t, rows)
        self._pending = [(ts, service), (tm, members), (tp, products)]
        return []

    def alliances(self) -> list[Table]:
        """Programmes (one per county), one 5+1+X alliance per paired village, its members
        and its pairing; then the organisations (whose FIC flags the cores decide)."""
        rng = rng_for(self.seed, "alliances")
        p = self.plan
        tp = self.w.table(
            Program,
            ["id", "name", "area_id", "start", "end", "core_count", "chamber_count",
             "chamber_must_be_local", "partners_min", "partners_max", "core_must_be_fic",
             "description"],
        )  # fmt: skip
        ta = self.w.table(Alliance, ["id", "program_id", "name", "status", "positioning"])
        tm = self.w.table(
            AllianceMember,
            ["id", "alliance_id", "organization_id", "role", "function", "start", "end"],
        )
        tr = self.w.table(Pairing, ["id", "alliance_id", "village_id", "note", "start", "end"])
        programs, alliances, members, pairings = [], [], [], []
        functions = ["think_tank", "resource", "innovation", "", ""]
        for c, county in enumerate(p.counties):
            program = self.ids.next("program")
            programs.append(
                (program, f"示例共富联盟 {county['code'][:6]} {p.years[0]}–{self.program_end.year}",
                 county["id"], self.program_start, self.program_end, 5, 1, True, 1, None, True,
                 "")
            )  # fmt: skip
            free = list(p.enterprises_by_county[c])
            rng.shuffle(free)
            for n in county["villages"]:
                v = p.villages[n]
                if not v["paired"] or len(free) < 5:
                    v["paired"] = False
                    continue
                pk = self.ids.next("alliance")
                alliances.append((pk, program, f"{p.villages[n]['name']}共富联盟", "active",
                                  "示例：产业导入与消费帮扶"))  # fmt: skip
                start = self.program_start + datetime.timedelta(days=rng.randint(0, 150))
                cores = [free.pop() for _ in range(5)]
                for i, org_id in enumerate(cores):
                    row = self._org_rows[org_id]
                    row[8] = True  # fic_executive
                    row[9] = rng.choice(["executive", "executive", "standing", "vice_chair"])
                    members.append((self.ids.next("member"), pk, org_id, "core", functions[i],
                                    start, None))  # fmt: skip
                chamber = p.chamber_by_town[v["town"]]
                members.append((self.ids.next("member"), pk, chamber, "chamber", "", start, None))
                banks = rng.sample(p.banks_by_county[c], rng.choice([1, 1, 2]))
                for b in banks:
                    members.append((self.ids.next("member"), pk, b, "partner", "", start, None))
                pairings.append((self.ids.next("pairing"), pk, v["id"], "", start,
                                 self.program_end))  # fmt: skip
                v["alliance"] = pk
                v["cores"] = cores
                v["paired_on"] = start
                p.alliances.append({"id": pk, "village": n, "cores": cores, "chamber": chamber,
                                    "banks": banks, "start": start})  # fmt: skip
        # A few other enterprises sit on the FIC executive committee too.
        for row in self._org_rows.values():
            if not row[8] and rng.random() < 0.05:
                row[8], row[9] = True, "executive"
        t_org, org_rows = self._orgs
        self.w.write(t_org, [tuple(r) for r in org_rows])
        written = [t_org]
        for t, rows in self._pending:
            self.w.write(t, rows)
            written.append(t)
        self.w.write(tp, programs)
        self.w.write(ta, alliances)
        self.w.write(tm, members)
        self.w.write(tr, pairings)
        del self._org_rows, self._orgs, self._pending
        return [*written, tp, ta, tm, tr]

    def projects(self) -> list[Table]:
        rng = rng_for(self.seed, "projects")
        t = self.w.table(
            Project,
            ["id", "name", "brand", "kind", "category", "alliance_id", "village_id", "status",
             "start", "end", "description", "investment_enterprise_yuan",
             "investment_village_yuan", "investment_loan_yuan", "investment_government_yuan",
             "idle_farmland_mu", "standard"],
        )  # fmt: skip
        rows = []
        categories = ["planting", "processing", "tourism", "ecommerce"]
        for a in self.plan.alliances:
            v = self.plan.villages[a["village"]]
            pk = self.ids.next("project")
            start = a["start"] + datetime.timedelta(days=rng.randint(20, 120))
            rows.append(
                (pk, f"示例共富项目{pk:05d}", "", "business", rng.choice(categories), a["id"],
                 v["id"], "operating", start, None, "",
                 yuan(rng.randint(50, 500) * 1_000_000), yuan(rng.randint(5, 50) * 1_000_000),
                 None, None, yuan(rng.randint(0, 2000) * 100), "")
            )  # fmt: skip
            self.plan.project_by_village[a["village"]] = pk
        self.w.write(t, rows)
        return [t]

    # -- commerce ---------------------------------------------------------------------------

    def catalogue(self) -> list[Table]:
        rng = rng_for(self.seed, "catalogue")
        t = self.w.table(
            Product,
            ["id", "village_id", "name", "category", "unit", "price", "season", "photo",
             "description", "available"],
        )  # fmt: skip
        rows = []
        for n, v in enumerate(self.plan.villages):
            items = []
            for name, category, unit, (lo, hi) in rng.sample(PRODUCTS, 3):
                pk = self.ids.next("product")
                price = rng.randint(lo, hi)
                rows.append((pk, v["id"], name, category, unit, yuan(price), "", "", "", True))
                items.append((pk, name, unit, price))
            self.plan.catalogue[n] = items
        self.w.write(t, rows)
        return [t]

    def weights(self) -> list[float]:
        """Activity weight per village: paired villages trade, hire and borrow more."""
        return [3.0 if v["paired"] else 1.0 for v in self.plan.villages]

    def confirmation(self, rng, day: datetime.date):
        """(reported side, confirmation, confirmed_at, dispute reason): 85 % confirmed,
        11 % reported and awaiting, 4 % disputed."""
        side = "enterprise" if rng.random() < 0.7 else "village"
        r = rng.random()
        if r < 0.85:
            return side, "confirmed", self.w.dt(min(day + datetime.timedelta(days=3),
                                                    self.until)), ""  # fmt: skip
        if r < 0.96:
            return side, "reported", None, ""
        return side, "disputed", self.w.dt(min(day + datetime.timedelta(days=5),
                                               self.until)), "示例：数量或金额不符"  # fmt: skip

    def orders(self) -> list[Table]:
        p = self.plan
        to = self.w.table(
            PurchaseOrder,
            ["id", "enterprise_id", "village_id", "agreement_id", "project_id", "purpose",
             "placed_on", "status", "note"],
        )  # fmt: skip
        tl = self.w.table(
            OrderLine,
            ["id", "order_id", "product_id", "product_name", "unit", "unit_price", "quantity",
             "amount_yuan"],
        )  # fmt: skip
        confirm = ["reported_side", "reported_by_id", "confirmation", "confirmed_by_id",
                   "confirmed_at", "dispute_reason", "corrects_id"]  # fmt: skip
        td = self.w.table(OrderDelivery, ["id", "order_id", "date", "note", *confirm])
        tpay = self.w.table(Payment, ["id", "order_id", "date", "amount_yuan", "note", *confirm])
        purposes = ["canteen", "festival_gift", "welfare", "resale", "other"]
        buf = {to: [], tl: [], td: [], tpay: []}
        weights = self.weights()
        for year in p.years:
            rng = rng_for(self.seed, f"orders:{year}")
            per_village = spread(self.shape.order_lines // 2, weights, rng)
            start = datetime.date(year, 1, 1)
            days = (datetime.date(year, 12, 31) - start).days
            for n, count in enumerate(per_village):
                v = p.villages[n]
                county_ents = p.enterprises_by_county[v["county"]]
                items = p.catalogue[n]
                project = p.project_by_village.get(n)
                for _ in range(count):
                    oid = self.ids.next("order")
                    if v["paired"] and rng.random() < 0.8:
                        ent = rng.choice(v["cores"])
                    else:
                        ent = rng.choice(county_ents)
                    placed = start + datetime.timedelta(days=rng.randint(0, days))
                    total = 0
                    for _ in range(rng.choice((1, 2, 2, 3))):
                        ppk, name, unit, price = rng.choice(items)
                        qty = rng.randint(5, 300)
                        amount = qty * price
                        total += amount
                        buf[tl].append((self.ids.next("order_line"), oid, ppk, name, unit,
                                        yuan(price), f"{qty}.00", yuan(amount)))  # fmt: skip
                    r = rng.random()
                    status = "placed" if r < 0.06 else "delivered" if r < 0.16 else "paid"
                    delivered = min(placed + datetime.timedelta(days=rng.randint(1, 20)),
                                    self.until)  # fmt: skip
                    if status != "placed":
                        buf[td].append((self.ids.next("order_delivery"), oid, delivered, "",
                                        *self._confirm(rng, delivered)))  # fmt: skip
                    if status == "paid":
                        paid = min(delivered + datetime.timedelta(days=rng.randint(0, 30)),
                                   self.until)  # fmt: skip
                        parts = [total] if rng.random() < 0.85 or total < 2 else [
                            total // 2, total - total // 2]  # fmt: skip
                        for part in parts:
                            buf[tpay].append((self.ids.next("payment"), oid, paid, yuan(part), "",
                                              *self._confirm(rng, paid)))  # fmt: skip
                    buf[to].append((oid, ent, v["id"], None,
                                    project if project and rng.random() < 0.3 else None,
                                    rng.choice(purposes), placed, status, ""))  # fmt: skip
                if len(buf[tl]) >= 100_000:
                    self.flush(buf, at=1)
        self.flush(buf, at=1)
        return [to, tl, td, tpay]

    def _confirm(self, rng, day) -> tuple:
        side, status, at, reason = self.confirmation(rng, day)
        return side, None, status, None, at, reason, None

    # -- employment -------------------------------------------------------------------------

    def workshops(self) -> list[Table]:
        rng = rng_for(self.seed, "workshops")
        p = self.plan
        tw = self.w.table(
            Workshop,
            ["id", "name", "kind", "enterprise_id", "alliance_id", "town_id", "location",
             "status", "opened_on", "description"],
        )  # fmt: skip
        tv = self.w.table(Workshop.villages.through, ["id", "workshop_id", "village_id"])
        tp = self.w.table(
            Position,
            ["id", "workshop_id", "title", "headcount", "pay_basis", "pay_rate_yuan",
             "employment_type", "is_open"],
        )  # fmt: skip
        kinds = ["outsourced", "hiring", "livestream", "agritourism", "brand", "enablement"]
        workshops, links, positions = [], [], []
        p.workshops_by_county = [[] for _ in p.counties]
        for a in p.alliances:
            v = p.villages[a["village"]]
            pk = self.ids.next("workshop")
            workshops.append(
                (pk, f"示例共富工坊{pk:05d}", rng.choice(kinds), a["cores"][0], a["id"],
                 p.towns[v["town"]]["id"], "", "active", a["start"], "")
            )  # fmt: skip
            links.append((self.ids.next("workshop_village"), pk, v["id"]))
            p.workshops_by_county[v["county"]].append(pk)
            v["workshop"] = pk
            jobs = []
            for title in rng.sample(POSITION_TITLES, 4):
                basis, lo, hi = rng.choice(PAY)
                qpk = self.ids.next("position")
                etype = "fixed" if rng.random() < 0.6 else "temporary"
                rate = rng.randint(lo, hi)
                pay = yuan(rate * 100 if basis == "piece" else rate)
                positions.append((qpk, pk, title, rng.randint(10, 40), basis, pay, etype, True))
                jobs.append((qpk, etype))
            p.positions_by_workshop[pk] = jobs
        self.w.write(tw, workshops)
        self.w.write(tv, links)
        self.w.write(tp, positions)
        return [tw, tv, tp]

    def placements(self) -> list[Table]:
        """People (personal data encrypted and hashed as the models store them), one
        placement per person and year at most, and their monthly earnings."""
        p = self.plan
        rng = rng_for(self.seed, "people")
        tpe = self.w.table(
            Person,
            ["id", "name", "village_id", "household", "low_income", "gender", "birth_year",
             "id_number", "id_number_hash", "phone", "is_example"],
        )  # fmt: skip
        confirm = ["reported_side", "reported_by_id", "confirmation", "confirmed_by_id",
                   "confirmed_at", "dispute_reason", "corrects_id"]  # fmt: skip
        tpl = self.w.table(
            Placement,
            ["id", "person_id", "position_id", "start", "end", "employment_type", "note",
             *confirm],
        )  # fmt: skip
        te = self.w.table(MonthlyEarning, ["id", "placement_id", "month", "amount_yuan"])
        weights = self.weights()
        # Placements per village and year first: each village registers enough people for
        # its busiest year, and a person holds at most one placement a year.
        counts = {
            year: spread(self.shape.placements, weights, rng_for(self.seed, f"jobs:{year}"))
            for year in p.years
        }
        people = []
        first_person = {}
        n_person = 0
        for n, v in enumerate(p.villages):
            need = max(counts[year][n] for year in p.years)
            k = need + need // 5 + 1
            first_person[n] = (self.ids.last.get("person", 0) + 1, k)
            for _ in range(k):
                pk = self.ids.next("person")
                number, born, gender = id_number(n_person)
                n_person += 1
                has_id = rng.random() < 0.5
                phone = f"1{rng.choice('35789')}{rng.randint(0, 999_999_999):09d}"
                has_phone = rng.random() < 0.7
                people.append(
                    (pk, f"示例村民{pk:07d}", v["id"], f"{rng.randint(1, 400):03d}户",
                     rng.random() < 0.15, gender if has_id or rng.random() < 0.5 else "",
                     born, encrypt(number) if has_id else "",
                     keyed_hash(number) if has_id else "",
                     encrypt(phone) if has_phone else "", True)
                )  # fmt: skip
            if len(people) >= 50_000:
                self.w.write(tpe, people)
                people.clear()
        self.w.write(tpe, people)
        people.clear()
        # Earnings per placement average 5 months (1–9), to give ~5 earnings per placement.
        months_mean = self.shape.earnings / max(1, self.shape.placements)
        span = max(1, min(12, round(2 * months_mean - 1)))
        buf = {tpl: [], te: []}
        for year in p.years:
            rng = rng_for(self.seed, f"placements:{year}")
            last_year = year == p.years[-1]
            for n, v in enumerate(p.villages):
                count = counts[year][n]
                if not count:
                    continue
                workshop = v.get("workshop") or rng.choice(
                    p.workshops_by_county[v["county"]] or [None]
                )
                if workshop is None:
                    continue
                jobs = p.positions_by_workshop[workshop]
                first, k = first_person[n]
                for offset in rng.sample(range(k), count):
                    person = first + offset
                    position, etype = rng.choice(jobs)
                    months = rng.randint(1, span)
                    sm = rng.randint(1, 13 - months)
                    em = sm + months - 1
                    start = datetime.date(year, sm, rng.randint(1, 28))
                    open_ended = last_year and em == 12 or (last_year and rng.random() < 0.3)
                    if open_ended:
                        em = 12
                    end = None if open_ended else last_day(year, em)
                    side, status, at, reason = self.confirmation(rng, start)
                    pk = self.ids.next("placement")
                    buf[tpl].append((pk, person, position, start, end, etype, "", side, None,
                                     status, None, at, reason, None))  # fmt: skip
                    if status == "disputed":
                        continue
                    for m in range(sm, em + 1):
                        buf[te].append((self.ids.next("earning"), pk, datetime.date(year, m, 1),
                                        yuan(rng.randint(800, 4500) * 100)))  # fmt: skip
                if len(buf[te]) >= 100_000:
                    self.flush(buf, at=1)
        self.flush(buf, at=1)
        return [tpe, tpl, te]

    # -- loans ------------------------------------------------------------------------------

    def loans(self) -> list[Table]:
        """Loans through their lifecycle: applied, approved or rejected, disbursed in one or
        two tranches, each tranche with its schedule (`tianmu.loans.schedule.build_schedule`,
        the code `loan_disburse` runs), repayments of what fell due (a few loans fall behind
        and some of those are written off), and the status history."""
        p = self.plan
        tl = self.w.table(
            Loan,
            ["id", "product_id", "credit_line_id", "village_id", "project_id", "purpose",
             "amount_requested_yuan", "amount_approved_yuan", "annual_rate", "term_months",
             "repayment_method", "status", "applied_on", "decided_on", "closed_on"],
        )  # fmt: skip
        ts = self.w.table(
            LoanStatusChange,
            ["id", "loan_id", "from_status", "to_status", "changed_by_id", "changed_by_name",
             "changed_at", "date", "reason"],
        )  # fmt: skip
        td = self.w.table(Disbursement, ["id", "loan_id", "date", "amount_yuan"])
        ti = self.w.table(
            Instalment,
            ["id", "loan_id", "disbursement_id", "number", "due_date", "principal_yuan",
             "interest_yuan"],
        )  # fmt: skip
        tr = self.w.table(
            Repayment, ["id", "loan_id", "date", "amount_yuan", "is_prepayment", "note"]
        )
        buf = {tl: [], ts: [], td: [], ti: [], tr: []}
        weights = self.weights()
        purposes = ["示例：共富项目建设", "示例：农产品收购", "示例：民宿改造", "示例：冷链仓储"]
        until = self.until
        for year in p.years:
            rng = rng_for(self.seed, f"loans:{year}")
            per_village = spread(self.shape.loans, weights, rng)
            for n, count in enumerate(per_village):
                v = p.villages[n]
                for _ in range(count):
                    bank = rng.choice(p.banks_by_county[v["county"]])
                    product, rate, months, method = rng.choice(p.products_by_bank[bank])
                    pk = self.ids.next("loan")
                    applied = datetime.date(year, 1, 1) + datetime.timedelta(
                        days=rng.randint(0, 364)
                    )
                    requested = rng.randint(10, 300) * 1_000_000  # fen
                    changes = [("", "applied", applied, "Application")]
                    approved = decided = closed = None
                    r = rng.random()
                    decided = applied + datetime.timedelta(days=rng.randint(5, 25))
                    if r < 0.02 or decided > until:
                        status, decided = "applied", None
                    elif r < 0.07:
                        status = "rejected"
                        changes.append(("applied", "rejected", decided, "示例：材料不全"))
                    else:
                        approved = requested * rng.randint(8, 10) // 10
                        changes.append(("applied", "approved", decided, "Approved"))
                        status = "approved"
                    if status == "approved" and r >= 0.09:
                        status = self._disburse(rng, buf, pk, changes, approved, decided, rate,
                                                months, method)  # fmt: skip
                        if status in ("closed", "written_off"):
                            closed = changes[-1][2]
                    buf[tl].append(
                        (pk, product, None, v["id"], None, rng.choice(purposes),
                         yuan(requested), yuan(approved) if approved else None, rate, months,
                         method, status, applied, decided, closed)
                    )  # fmt: skip
                    for frm, to, day, reason in changes:
                        buf[ts].append((self.ids.next("loan_status"), pk, frm, to, None, ACTOR,
                                        self.w.dt(day), day, reason))  # fmt: skip
                if len(buf[ti]) >= 100_000:
                    self.flush(buf, at=1)
        self.flush(buf, at=1)
        return [tl, ts, td, ti, tr]

    def _disburse(self, rng, buf, loan, changes, approved, decided, rate, months, method):
        """Tranches, their instalments and the repayments of what fell due; the status."""
        td, ti, tr = (self.w.tables[m._meta.db_table] for m in (Disbursement, Instalment,
                                                                 Repayment))  # fmt: skip
        until = self.until
        first = decided + datetime.timedelta(days=rng.randint(3, 20))
        if first > until:
            return "approved"
        tranches = [(first, approved)]
        second = first + datetime.timedelta(days=rng.randint(30, 90))
        if rng.random() < 0.2 and second <= until and approved >= 200:
            part = approved * 6 // 10
            tranches = [(first, part), (second, approved - part)]
        due: dict[datetime.date, int] = {}
        for day, amount in tranches:
            dpk = self.ids.next("disbursement")
            buf[td].append((dpk, loan, day, yuan(amount)))
            for number, due_date, principal, interest in schedule_rows(amount, rate, months,
                                                                       method, day):  # fmt: skip
                buf[ti].append((self.ids.next("instalment"), loan, dpk, number, due_date,
                                yuan(principal), yuan(interest)))  # fmt: skip
                due[due_date] = due.get(due_date, 0) + principal + interest
        changes.append(("approved", "disbursed", first, "First tranche paid out"))
        # 6 % of loans stop paying at some instalment; the rest pay each one on its due date.
        dates = sorted(due)
        stop = rng.randint(0, len(dates) - 1) if rng.random() < 0.06 else len(dates)
        paid = [d for d in dates[:stop] if d <= until]
        for d in paid:
            buf[tr].append((self.ids.next("repayment"), loan, d, yuan(due[d]), False, ""))
        status = "disbursed"
        if paid:
            changes.append(("disbursed", "repaying", paid[0], "First repayment"))
            status = "repaying"
        if len(paid) == len(dates):
            changes.append((status, "closed", paid[-1], "Repaid in full"))
            return "closed"
        if stop < len(dates):
            behind = dates[stop] + datetime.timedelta(days=270)
            if behind <= until and rng.random() < 0.4:
                changes.append((status, "written_off", behind, "示例：逾期核销"))
                return "written_off"
        return status

    # -- events -----------------------------------------------------------------------------

    def events(self) -> list[Table]:
        p = self.plan
        te = self.w.table(
            Event,
            ["id", "kind", "title", "date", "village_id", "alliance_id", "villagers_served",
             "description"],
        )  # fmt: skip
        to = self.w.table(Event.organizations.through, ["id", "event_id", "organization_id"])
        events, orgs = [], []
        weights = self.weights()
        kinds = list(EVENT_TITLES)
        for year in p.years:
            rng = rng_for(self.seed, f"events:{year}")
            per_village = spread(self.shape.events, weights, rng)
            for n, count in enumerate(per_village):
                v = p.villages[n]
                for _ in range(count):
                    pk = self.ids.next("event")
                    kind = rng.choice(kinds)
                    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
                    alliance = None
                    if v["paired"] and day >= v["paired_on"]:
                        alliance = v["alliance"]
                        who = rng.sample(v["cores"], 2)
                    else:
                        who = [rng.choice(p.enterprises_by_county[v["county"]])]
                    events.append((pk, kind, f"示例活动：{EVENT_TITLES[kind]}", day, v["id"],
                                   alliance, rng.randint(20, 300), ""))  # fmt: skip
                    for org in who:
                        orgs.append((self.ids.next("event_org"), pk, org))
        self.w.write(te, events)
        self.w.write(to, orgs)
        return [te, to]


@lru_cache(maxsize=100_000)
def _amounts(amount: int, rate: str, months: int, method: str) -> tuple:
    """(principal, interest) in fen of each instalment, from the domain's schedule code; the
    amounts do not depend on the start date, so they are computed once per loan shape."""
    from decimal import Decimal

    rows = schedule.build_schedule(
        principal=Decimal(amount) / 100,
        annual_rate=Decimal(rate),
        months=months,
        method=method,
        start=datetime.date(2000, 1, 31),
    )
    return tuple((int(r.principal * 100), int(r.interest * 100)) for r in rows)


@lru_cache(maxsize=20_000)
def _due_dates(start: datetime.date, months: int, bullet: bool) -> tuple:
    if bullet:
        return (schedule.add_months(start, months),)
    return tuple(schedule.add_months(start, k) for k in range(1, months + 1))


def schedule_rows(amount: int, rate: str, months: int, method: str, start: datetime.date):
    """(number, due date, principal fen, interest fen) of a tranche of `amount` fen: the rows
    `build_schedule` gives for it (amounts cached per shape, dates per start)."""
    amounts = _amounts(amount, rate, months, method)
    dates = _due_dates(start, months, method == schedule.BULLET)
    return [(k + 1, d, p, i) for k, (d, (p, i)) in enumerate(zip(dates, amounts, strict=True))]


# --- emptying and the log -------------------------------------------------------------------


def domain_models() -> list[type[models.Model]]:
    """The models `--force` empties: the change-logged domain models, their many-to-many
    tables, and every other Tianmu model that points into them (jobs, runs, access logs).
    Users and the change log stay."""
    from django.apps import apps

    chosen: list[type[models.Model]] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.auto_created:
            if _owner_is_domain(model):
                chosen.append(model)
        elif (
            model.__module__.startswith("tianmu.")
            and model is not ObjectChange
            and meta.app_label != "accounts"
        ):
            chosen.append(model)
    return chosen


def _owner_is_domain(through) -> bool:
    return any(
        f.related_model is not None and issubclass(f.related_model, ChangeLoggedModel)
        and f.related_model._meta.app_label != "accounts"
        for f in through._meta.fields
    )  # fmt: skip


def empty_domain_tables() -> list[tuple[type[models.Model], int]]:
    """Empty the domain tables (TRUNCATE on PostgreSQL, DELETE on SQLite) and clear users'
    scopes that pointed into them; returns (model, rows) of each table that had rows."""
    from django.apps import apps

    chosen = domain_models()
    tables = {m._meta.db_table for m in chosen}
    counts = []
    with connection.cursor() as cursor:
        for m in chosen:
            n = m._default_manager.count()
            if n:
                counts.append((m, n))
        # Rows outside the domain that point into it lose the pointer (a user's scope).
        held = []  # tables that something outside the domain references
        for model in apps.get_models(include_auto_created=True):
            if model._meta.db_table in tables:
                continue
            for f in model._meta.concrete_fields:
                target = getattr(f, "related_model", None)
                if target is not None and target._meta.db_table in tables:
                    if f.null:
                        model._default_manager.filter(**{f"{f.name}__isnull": False}).update(
                            **{f.name: None}
                        )
                    held.append(target._meta.db_table)
        quote = connection.ops.quote_name
        if connection.vendor == "postgresql":
            free = sorted(tables - set(held))
            # TRUNCATE refuses tables with foreign-key checks still queued in this
            # transaction (rows written before, in a test or a caller's transaction): run
            # them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in free)} RESTART IDENTITY")
            for t in sorted(set(held)):
                cursor.execute(f"DELETE FROM {quote(t)}")  # noqa: S608 (Django table names)
        else:
            for m in chosen:
                cursor.execute(f"DELETE FROM {quote(m._meta.db_table)}")  # noqa: S608
    return counts


def write_log(writer: Writer, emptied, *, scale: str, seed: int, fraction: float) -> None:
    """One change-log entry per table emptied and per table filled (not one per row)."""
    actor = current_actor()
    entries = []
    for model, n in emptied:
        entries.append(
            ObjectChange(
                user_id=None, user_name=ACTOR, request_id=actor.request_id,
                action=ObjectChange.Action.DELETE,
                content_type=_content_type(model), object_id="*",
                object_repr=f"gendata --force: {n} rows of {model._meta.db_table} deleted",
                before={"table": model._meta.db_table, "rows": n}, after=None,
            )
        )  # fmt: skip
    for t in writer.tables.values():
        if not t.rows:
            continue
        ids = f"{t.first_id}-{t.last_id}" if t.has_id else "*"
        entries.append(
            ObjectChange(
                user_id=None, user_name=ACTOR, request_id=actor.request_id,
                action=ObjectChange.Action.CREATE,
                content_type=_content_type(t.log_model), object_id=ids[:64],
                object_repr=f"gendata: {t.rows} rows of {t.db_table}"[:200], before=None,
                after={"table": t.db_table, "rows": t.rows, "first_id": t.first_id,
                       "last_id": t.last_id, "scale": scale, "fraction": fraction,
                       "seed": seed, "generated": True},
            )
        )  # fmt: skip
    ObjectChange.objects.bulk_create(entries)


def _content_type(model) -> ContentType:
    if model._meta.auto_created:
        model = next(f.related_model for f in model._meta.fields if f.related_model is not None)
    return ContentType.objects.get_for_model(model, for_concrete_model=False)
