"""Figures kept as their records change: a fact table of village × day × figure.

A flow figure that counts or sums dated records of villages (purchase income, loans paid out,
events) is, for any area and period, the sum of its *cells*: one row per (figure, village,
day) with the count and the amount of that day's records (`FigureCell`), and per (figure,
county, month) their sums (`FigureRollup`). Reading a province's year is then a sum over a few
thousand rollup rows instead of a pass over millions of records (docs/figures.md#facts).

How the cells stay equal to the records:

1. *Marks.* Every change to domain data passes the change log (`tianmu.core.changelog` and the
   bulk paths of `tianmu.core.bulk`). For a model a maintained figure depends on — its source
   model or one on the path from it to the village — the change log calls `mark`, which finds
   the villages the change touches (before and after: a payment moved to another order marks
   both orders' villages) and inserts a `FigureDirty` row for each, *in the same transaction*
   as the change. A change that commits has its mark; one that rolls back has none.
2. *Refresh.* `catch_up` takes the marks (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, a
   village at a time under an advisory lock), recomputes the cells of the marked villages from
   their records with the figure's own query (the list's FilterSet on the list's queryset, as
   the live figure runs it), replaces them, and moves each rollup by the difference.
3. *Read.* `kpis()` runs `catch_up` first and then reads the cells — for the superuser and the
   area roles (admin, leader, town, village, the public), whose scope *is* the villages of an
   area. Enterprise and bank users, whose scope is their own records, are counted live.

`tianmu/core/tests/test_facts.py` makes random creates, edits, confirmations, disputes, moves
and deletes and compares every maintained figure both ways, for every area role, in every kind
of period; `tianmu figures --check` does the same on a live database.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from tianmu.core.copying import copy_rows
from tianmu.core.money import ZERO, to_money

__all__ = [
    "FactSource",
    "catch_up",
    "enabled",
    "maintained_keys",
    "mark",
    "mark_villages",
    "rebuild",
    "register_fact",
    "register_place_hooks",
    "value",
]

#: Area levels a cell names directly, nearest first (a cell's `place_id` is its village's area).
LEVEL_COLUMNS = {
    "village": "place_id",
    "town": "town_id",
    "county": "county_id",
    "city": "city_id",
    "province": "province_id",
}
#: Levels whose figures are read from the county × month rollup (edge days from the cells).
ROLLUP_LEVELS = ("county", "city", "province")
#: How many marked villages one refresh takes at a time.
BATCH = 500


@dataclass(frozen=True)
class FactSource:
    """What a maintained figure counts: the rows (all of them, as the superuser's list shows
    them, all time), the path from a row to its village, the path to its date and the amount
    summed (None: the figure counts rows)."""

    key: str
    queryset: Callable[[], models.QuerySet]
    village: str
    date: str
    amount: str | models.Expression | None


@dataclass(frozen=True)
class CellSource:
    """Cells computed by a function rather than counted by a query: `cells(village_ids)` gives
    `(key, village_id, day, count, amount)` rows for every kept day of those villages;
    `depends` maps each model whose changes move them to its path to the village."""

    name: str
    keys: tuple[str, ...]
    cells: Callable[[list[int]], Iterable[tuple]]
    depends: dict


_declared: dict[str, dict] = {}
_cell_sources: dict[str, CellSource] = {}
#: Balances: a figure as of a day, from the running sum of its cells' amounts up to that day
#: (each cell the change of that day); `fn(total)` turns the sums into the figure.
_balances: dict[str, Callable] = {}
_sources: dict[str, FactSource] | None = None
_deps: dict[type[models.Model], list[tuple[str, ...]]] | None = None
_places: dict[str, Callable] = {}


def register_fact(
    key: str,
    *,
    queryset: Callable[[], models.QuerySet] | None = None,
    village: str | None = None,
    date: str | None = None,
    amount: str | models.Expression | None = None,
) -> None:
    """Keep figure `key` (a registered flow figure) in the fact table. By default its rows are
    the figure's own list (its FilterSet with its fixed filters, for the superuser, all time)
    and its `village`, `date` and `amount` are the figure's; name them where the dated rows are
    not the list's rows (loans paid out: the tranches, dated when paid out)."""
    _declared[key] = {"queryset": queryset, "village": village, "date": date, "amount": amount}
    global _sources, _deps
    _sources = _deps = None


def register_cells(
    name: str, *, keys: Sequence[str], cells: Callable[[list[int]], Iterable[tuple]], depends: dict
) -> None:
    """Keep cells that a function computes (a balance's changes, day by day), for `keys`."""
    _cell_sources[name] = CellSource(name=name, keys=tuple(keys), cells=cells, depends=depends)
    global _deps
    _deps = None


def register_balance(key: str, fn: Callable[[Callable[[str], Decimal]], object]) -> None:
    """Serve figure `key` as of the end of the period (today without one) from the running
    sums of cells: `fn(total)`, where `total(cell_key)` is the sum of that key's cell amounts
    up to the day, in the area."""
    _balances[key] = fn


def register_place_hooks(*, places: Callable, villages_under: Callable) -> None:
    """The registry (above core) tells where villages lie: `places(village_ids)` →
    `{village_id: {"place": area id, "town": id, "county": id, "city": id, "province": id}}`;
    `villages_under(area)` → the ids of the villages in an area's subtree (every village for
    None). When an area moves, the registry marks the villages beneath (`mark_villages`)."""
    _places.update(places=places, villages_under=villages_under)


def enabled() -> bool:
    return bool(getattr(settings, "TIANMU_FIGURE_FACTS", True)) and bool(_declared or _cell_sources)


def maintained_keys() -> list[str]:
    """The figures read from the cells: counted flows, then balances."""
    return [*_sources_by_key(), *_balances]


def register_defaults(fn: Callable[[str], dict | None]) -> None:
    """The figures' registry (`tianmu.core.kpis`, which imports this module) hands over how a
    figure's own list is read: `fn(key)` → `{"queryset", "village", "date", "amount"}`."""
    _places["defaults"] = fn


def _sources_by_key() -> dict[str, FactSource]:
    global _sources
    if _sources is None:
        built = {}
        for key, d in _declared.items():
            default = _places["defaults"](key)
            if default is None:
                continue
            own = d["queryset"] is not None
            built[key] = FactSource(
                key=key,
                queryset=d["queryset"] if own else default["queryset"],
                village=d["village"] or default["village"],
                date=d["date"] or default["date"],
                amount=d["amount"] if own else default["amount"],
            )
        _sources = built
    return _sources


def _dependencies() -> dict[type[models.Model], list[tuple[str, ...]]]:
    """For each model on a source's path to its village, the rest of the path from it: a
    change to a payment (`order__village`) or to its order (`village`) moves the cells."""
    global _deps
    if _deps is None:
        deps: dict = defaultdict(list)
        for cell_source in _cell_sources.values():
            for model, path in cell_source.depends.items():
                parts = tuple(path.split("__"))
                if parts not in deps[model]:
                    deps[model].append(parts)
        for source in _sources_by_key().values():
            model = source.queryset().model
            parts = tuple(source.village.split("__"))
            for i, name in enumerate(parts):
                if parts[i:] not in deps[model]:
                    deps[model].append(parts[i:])
                model = model._meta.get_field(name).related_model
        _deps = dict(deps)
    return _deps


# --- marks -------------------------------------------------------------------------------


def mark(model: type[models.Model], objs: Sequence[models.Model], before: dict) -> None:
    """Mark the villages that a change to `objs` (of `model`; `before`: `{pk: snapshot}` of
    updated and deleted rows) touches. Called by the change log, inside the change's
    transaction."""
    if not enabled():
        return
    villages: set[int] = set()
    for rest in _dependencies().get(model, ()):
        villages.update(_villages_of(model, rest, objs, before))
    villages.discard(None)
    mark_villages(villages)


def mark_villages(villages: Iterable[int]) -> None:
    """Mark villages whose cells must be recomputed: the registry calls it when an area moves
    (its villages now lie in another town, county or city)."""
    if not enabled():
        return
    from tianmu.core.models import FigureDirty

    ids = sorted(set(villages))
    if ids:
        FigureDirty.objects.bulk_create([FigureDirty(village_id=v) for v in ids], batch_size=5000)


def _villages_of(model, rest: tuple[str, ...], objs, before: dict) -> set:
    field = model._meta.get_field(rest[0])
    ids = set()
    for obj in objs:
        ids.add(getattr(obj, field.attname, None))
        old = before.get(obj.pk)
        if old:
            ids.add(old.get(field.attname))
    ids.discard(None)
    if len(rest) == 1 or not ids:
        return ids
    target = field.related_model
    return set(target._base_manager.filter(pk__in=ids).values_list("__".join(rest[1:]), flat=True))


# --- refresh -----------------------------------------------------------------------------


def catch_up() -> int:
    """Refresh the cells of every marked village; the number of villages refreshed."""
    if not enabled():
        return 0
    from tianmu.core.models import FigureDirty
    from tianmu.core.routers import replica_in_use

    if replica_in_use():  # a replica is read-only and lags: its cells are as of its lag
        return 0
    done = 0
    while True:
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            marks = list(
                FigureDirty.objects.using(DEFAULT_DB_ALIAS)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", "village_id")[: BATCH * 4]
            )
            if not marks:
                return done
            if any(v == EVERY_VILLAGE for _, v in marks):
                _expand(marks)
                continue
            villages = sorted({v for _, v in marks})[:BATCH]
            chosen = set(villages)
            taken = [pk for pk, v in marks if v in chosen]
            _lock(villages)
            _refresh(villages)
            FigureDirty.objects.using(DEFAULT_DB_ALIAS).filter(pk__in=taken).delete()
            done += len(villages)


#: A mark for this village id stands for every village (written by the migration that made the
#: tables, and by `rebuild`): the refresh replaces it by a mark for each village.
EVERY_VILLAGE = 0


def _expand(marks) -> None:
    from tianmu.core.models import FigureCell, FigureDirty, FigureRollup

    FigureRollup.objects.all().delete()
    FigureCell.objects.all().delete()
    FigureDirty.objects.filter(pk__in=[pk for pk, _ in marks]).delete()
    ids = _places["villages_under"](None)
    FigureDirty.objects.bulk_create([FigureDirty(village_id=v) for v in ids], batch_size=5000)


def rebuild() -> int:
    """Build every cell afresh from the records (after a restore or `tianmu gendata`, which
    write rows past the change log): empty the tables, mark every village, catch up."""
    from tianmu.core.models import FigureDirty

    if not enabled():
        return 0
    with transaction.atomic():
        FigureDirty.objects.all().delete()
        FigureDirty.objects.create(village_id=EVERY_VILLAGE)
    return catch_up()


def _lock(villages: Iterable[int]) -> None:
    """Serialise refreshes of the same village (the rollup moves by a difference)."""
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers anyway
    with connection.cursor() as cursor:
        for v in villages:  # sorted: two refreshes never wait on each other in a cycle
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7914, v])


def _refresh(villages: list[int]) -> None:
    from tianmu.core.models import FigureCell

    places = _places["places"](villages)
    old = FigureCell.objects.filter(village_id__in=villages)
    delta: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    for row in old.values(
        "key", "county_id", "city_id", "province_id", m=TruncMonth("day")
    ).annotate(n=Sum("count"), a=Sum("amount")):
        d = delta[(row["key"], row["m"], row["county_id"], row["city_id"], row["province_id"])]
        d[0] -= row["n"]
        d[1] -= Decimal(row["a"] or 0)
    old.delete()
    cells = []

    def add(key: str, village: int, day: datetime.date, n: int, a) -> None:
        place = places.get(village)
        if place is None or day is None:
            return
        amount = to_money(a or 0)
        county = place["county"] or 0
        cells.append(
            FigureCell(
                key=key,
                village_id=village,
                day=day,
                count=n,
                amount=amount,
                place_id=place["place"],
                town_id=place["town"],
                county_id=county,
                city_id=place["city"],
                province_id=place["province"],
            )
        )
        d = delta[(key, day.replace(day=1), county, place["city"], place["province"])]
        d[0] += n
        d[1] += amount

    for source in _sources_by_key().values():
        rows = (
            source.queryset()
            .filter(**{f"{source.village}__in": villages})
            .order_by()
            .values(v=F(source.village), d=F(source.date))
            .annotate(
                n=Count("pk"),
                a=Sum(_amount(source)) if source.amount is not None else Value(ZERO),
            )
        )
        for row in rows:
            add(source.key, row["v"], row["d"], row["n"], row["a"])
    for cell_source in _cell_sources.values():
        for key, village, day, n, a in cell_source.cells(villages):
            add(key, village, day, n, a)
    _insert_cells(cells)
    _move_rollups({k: v for k, v in delta.items() if v[0] or v[1]})


CELL_COLUMNS = ["key", "village_id", "day", "count", "amount", "place_id", "town_id",
                "county_id", "city_id", "province_id"]  # fmt: skip


def _insert_cells(cells: list) -> None:
    """The new cells in: by COPY on PostgreSQL (a rebuild writes millions), else in batches."""
    from tianmu.core.models import FigureCell

    if connection.vendor != "postgresql" or len(cells) < 1000:
        FigureCell.objects.bulk_create(cells, batch_size=2000)
        return
    copy_rows(
        FigureCell._meta.db_table,
        CELL_COLUMNS,
        ([getattr(c, name) for name in CELL_COLUMNS] for c in cells),
    )


def _amount(source: FactSource):
    return F(source.amount) if isinstance(source.amount, str) else source.amount


def _move_rollups(delta: dict[tuple, list]) -> None:
    """Add each difference to its rollup row (created at zero when missing), one statement a
    batch: INSERT … ON CONFLICT DO UPDATE, the same on SQLite and PostgreSQL."""
    from tianmu.core.models import FigureRollup

    if not delta:
        return
    table = connection.ops.quote_name(FigureRollup._meta.db_table)
    rows = [
        (key, month, county, city, province, n, str(to_money(a)))
        for (key, month, county, city, province), (n, a) in sorted(
            delta.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])
        )
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [v for row in chunk for v in row]
            cursor.execute(
                f"INSERT INTO {table} (key, month, county_id, city_id, province_id, count, amount) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (key, month, county_id) DO UPDATE SET "
                f"count = {table}.count + excluded.count, "
                f"amount = {table}.amount + excluded.amount",
                params,
            )


# --- read --------------------------------------------------------------------------------


def value(key: str, *, scope, area, period):
    """Figure `key` for a scope (`tianmu.core.scoping.Scope`) narrowed to `area`, in `period`,
    from the cells; None when the cells cannot answer (not maintained, or a scope that is not
    an area's villages)."""
    if not (scope.is_all or scope.is_area):
        return None
    if key in _balances:
        return _balance(key, scope, area, period)
    source = _sources_by_key().get(key)
    if source is None:
        return None
    where = _area_filter(scope.area if scope.is_area else None, area)
    if where is None:
        return _result(source, 0, ZERO)
    n, a = _sum(key, where, period.start, period.end)
    return _result(source, n, a)


def _balance(key: str, scope, area, period):
    from django.utils import timezone

    where = _area_filter(scope.area if scope.is_area else None, area)
    day = period.end or timezone.localdate()

    def total(cell_key: str) -> Decimal:
        if where is None:
            return ZERO
        return to_money(_sum(cell_key, where, None, day)[1])

    return _balances[key](total)


def _result(source: FactSource, n, a):
    return to_money(a) if source.amount is not None else int(n)


def _within(inner, outer) -> bool:
    return inner.pk == outer.pk or inner.path.startswith(outer.subtree_prefix())


def _area_filter(scope_area, area):
    """`(level, area id)` of the narrower of the scope's area and the asked area, `("all",
    None)` for no area, None when they do not overlap (nothing to count)."""
    if scope_area is not None and area is not None:
        if _within(area, scope_area):
            chosen = area
        elif _within(scope_area, area):
            chosen = scope_area
        else:
            return None
    else:
        chosen = area if area is not None else scope_area
    if chosen is None:
        return ("all", None)
    return (chosen.level, chosen.pk)


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _sum(key: str, where: tuple, start, end) -> tuple[int, Decimal]:
    from tianmu.core.models import FigureCell, FigureRollup

    level, pk = where
    cells = FigureCell.objects.filter(key=key)
    if level != "all":
        cells = cells.filter(**{LEVEL_COLUMNS[level]: pk})
    if level not in ("all", *ROLLUP_LEVELS):
        return _total(cells.filter(_days(start, end)))
    rollups = FigureRollup.objects.filter(key=key)
    if level != "all":
        rollups = rollups.filter(**{LEVEL_COLUMNS[level]: pk})
    # Whole months from the rollup, the days before and after them from the cells: the whole
    # months are those m with first <= m < last.
    first = None if start is None else (start if start.day == 1 else _next_month(start))
    last = None
    if end is not None:
        following = end + datetime.timedelta(days=1)
        last = following if following.day == 1 else _month_start(end)
    if first is not None and last is not None and first >= last:
        return _total(cells.filter(_days(start, end)))
    months = Q()
    if first is not None:
        months &= Q(month__gte=first)
    if last is not None:
        months &= Q(month__lt=last)
    n, a = _total(rollups.filter(months))
    edges = []
    if start is not None and start < first:
        edges.append(Q(day__gte=start, day__lt=first))
    if end is not None and last <= end:
        edges.append(Q(day__gte=last, day__lte=end))
    for edge in edges:
        en, ea = _total(cells.filter(edge))
        n, a = n + en, a + ea
    return n, a


def _days(start, end) -> Q:
    q = Q()
    if start is not None:
        q &= Q(day__gte=start)
    if end is not None:
        q &= Q(day__lte=end)
    return q


def _total(qs) -> tuple[int, Decimal]:
    row = qs.aggregate(n=Coalesce(Sum("count"), 0), a=Sum("amount"))
    return int(row["n"] or 0), Decimal(row["a"] or 0)
