"""The KPI registry: every app registers its figures here; the dashboard serves them.

In core (the ground floor) so that each app's `kpis.py` can register without importing the
dashboard, which sits above the apps (docs/overview.md#layers). The conventions every figure
follows are in tianmu/dashboard/selectors.py and docs/figures.md.

A figure *is* its list: `register_list_kpi` declares it as (the list's FilterSet, fixed
filters, the list's base queryset, count or Sum of an amount column). The figure runs that
FilterSet with the very query string its link carries, over the records the user may see, and
counts or sums the result; the list page runs the same FilterSet on the same query string. So
they cannot disagree. The period rules are `tianmu.core.periods`. Only balances that are not a
sum of stored amounts (loans outstanding, PAR30) are computed by a function (`register_kpi`),
and they say which records they are computed from (`records=`).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Expression, F, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse

from tianmu.core.money import to_money
from tianmu.core.periods import Period
from tianmu.core.scoping import visible_to
from tianmu.core.tables import resolve

__all__ = [
    "KpiContext",
    "KpiFn",
    "KpiRecords",
    "KpiSpec",
    "Period",
    "Record",
    "kpi_keys",
    "kpi_link",
    "kpi_records",
    "kpi_spec",
    "kpi_url",
    "kpis",
    "register_area_lookup",
    "register_kpi",
    "register_list_kpi",
]


@dataclass(frozen=True)
class KpiContext:
    user: object
    period: Period
    area: object | None  # a registry Area, or None for no area filter

    def area_q(self, prefix: str) -> Q:
        """Rows located in the requested area's subtree (no filter when no area was asked)."""
        if self.area is None:
            return Q()
        return Q(**{prefix: self.area.pk}) | Q(
            **{f"{prefix}__path__startswith": self.area.subtree_prefix()}
        )

    @property
    def area_code(self) -> str | None:
        return self.area.code if self.area is not None else None


KpiFn = Callable[[KpiContext], object]


@dataclass(frozen=True)
class Record:
    """One record a figure counts: the object, its amount (amount figures) and its date."""

    obj: object
    amount: Decimal | None = None
    date: datetime.date | None = None


@dataclass(frozen=True)
class KpiSpec:
    """A registered figure: how it is computed and which list shows the records it counts.

    A *list figure* names the list's `filterset` (and `queryset`, the list's base queryset,
    a function of the context, when the list page annotates or narrows its rows); its value
    is the count of the filtered rows, or the Sum of `amount` over them. A *computed figure*
    has `fn` (and `records`, a function giving the `Record`s it is computed from).
    `date` is the path to each record's date, shown by the records endpoint.
    """

    fn: KpiFn | None = None
    link: str = ""
    params: tuple[tuple[str, str], ...] = ()
    stock: bool = False
    area_param: str = "area"
    filterset: type | None = None
    queryset: Callable[[KpiContext], QuerySet] | None = None
    amount: str | Expression | None = None
    resource: object | None = None
    date: str | None = None
    records: Callable[[KpiContext], list[Record]] | None = None
    query_fn: Callable[[KpiContext], dict[str, str]] | None = None

    # --- the link -----------------------------------------------------------------------

    def query(
        self,
        *,
        area_code: str | None = None,
        start: datetime.date | None = None,
        end: datetime.date | None = None,
    ) -> dict[str, str]:
        """The list's query string for this figure: the fixed filters, the area, the period.

        A stock without dates counts what is active today, so its list gets `active=true`.
        The figure runs its FilterSet on exactly this (see `filtered_records`).
        """
        if self.query_fn is not None:
            return self.query_fn(
                KpiContext(user=None, period=Period(start, end), area=area_from(area_code))
            )
        query = dict(self.params)
        if area_code:
            query[self.area_param] = area_code
        if start:
            query["from"] = start.isoformat()
        if end:
            query["to"] = end.isoformat()
        if self.stock and not (start or end):
            query["active"] = "true"
        return query

    def url(
        self,
        *,
        area_code: str | None = None,
        start: datetime.date | None = None,
        end: datetime.date | None = None,
    ) -> str | None:
        """The list of the records this figure counts, filtered like the figure.

        None when the list's app is not installed.
        """
        try:
            base = reverse(self.link)
        except NoReverseMatch:
            return None
        query = self.query(area_code=area_code, start=start, end=end)
        return base + (f"?{urlencode(query)}" if query else "")

    # --- the value ----------------------------------------------------------------------

    @property
    def is_amount(self) -> bool:
        return self.amount is not None

    def amount_expression(self):
        return F(self.amount) if isinstance(self.amount, str) else self.amount

    def filtered_records(self, ctx: KpiContext) -> QuerySet:
        """The rows of the linked list: its FilterSet on its query string, in the user's scope.

        With a `resource` (tianmu.core.resources), the very queryset its list page and API list
        start from — scoped and annotated for the same query string — and its FilterSet.
        """
        data = self.query(area_code=ctx.area_code, start=ctx.period.start, end=ctx.period.end)
        if self.resource is not None:
            rows = self.resource.queryset(ctx.user, data)
        else:
            model = self.filterset._meta.model
            base = self.queryset(ctx) if self.queryset is not None else model.objects.all()
            rows = visible_to(ctx.user, base)
        # The FilterSet sees the user as on the list page (request.user), for filters that
        # look at related records in the user's scope.
        fs = self.filterset(data, queryset=rows, request=SimpleNamespace(user=ctx.user))
        if not fs.is_valid():  # the callers validate the period and area first
            raise ValueError(dict(fs.errors))
        return fs.qs

    def value(self, ctx: KpiContext):
        if self.fn is not None:
            return self.fn(ctx)
        qs = self.filtered_records(ctx)
        if self.is_amount:
            return to_money(qs.aggregate(s=Sum(self.amount_expression()))["s"])
        return qs.count()


_KPIS: dict[str, KpiSpec] = {}


_area_lookup: Callable[[str], object] | None = None


def register_area_lookup(fn: Callable[[str], object]) -> None:
    """Registry hands core its area look-up by code (core may not import registry)."""
    global _area_lookup
    _area_lookup = fn


def area_from(code: str | None):
    """The area with division code `code` (None for no code), through registry's look-up."""
    if not code:
        return None
    if _area_lookup is None:
        raise RuntimeError("no area look-up registered (tianmu.registry is not installed)")
    return _area_lookup(code)


def _add(key: str, spec: KpiSpec) -> None:
    if key in _KPIS:
        raise RuntimeError(f"KPI {key} registered twice")
    _KPIS[key] = spec


def register_list_kpi(
    key: str,
    *,
    link: str,
    filterset: type | None = None,
    resource=None,
    params: dict[str, str] | None = None,
    queryset: Callable[[KpiContext], QuerySet] | None = None,
    amount: str | Expression | None = None,
    stock: bool = False,
    area_param: str = "area",
    date: str | None = None,
) -> KpiSpec:
    """Add a figure that is its list: the count of the list's rows, or the Sum of `amount`.

    `link` names the list URL; `resource` is the list's declaration (tianmu.core.resources:
    its FilterSet and its queryset, scoped and annotated), or `filterset` the FilterSet that
    list uses and `queryset` its base queryset (a function of the context; default: all rows
    of the FilterSet's model) for a list that is not a resource yet;
    `params` are fixed filters of that list that select exactly the records counted; `stock`
    marks a figure of what is active (see the module docstring); `area_param` is the list's
    name for the area filter; `date` the path to a record's date.
    """
    spec = KpiSpec(
        link=link,
        params=tuple(sorted((params or {}).items())),
        stock=stock,
        area_param=area_param,
        filterset=filterset if filterset is not None else resource.filterset,
        queryset=queryset,
        amount=amount,
        date=date,
        resource=resource,
    )
    _add(key, spec)
    return spec


def register_kpi(
    key: str,
    *,
    link: str,
    params: dict[str, str] | None = None,
    stock: bool = False,
    area_param: str = "area",
    amount: bool = False,
    records: Callable[[KpiContext], list[Record]] | None = None,
    query: Callable[[KpiContext], dict[str, str]] | None = None,
):
    """Add a computed figure (a balance or a ratio that is not a Sum of stored amounts).

    Prefer `register_list_kpi`. `records` gives the records the figure is computed from
    (with their amounts when `amount`), for /api/v1/kpis/{key}/records; `query` builds the
    linked list's query string when it is not the usual `from`/`to`/`area`.
    """

    def decorator(fn: KpiFn) -> KpiFn:
        _add(
            key,
            KpiSpec(
                fn=fn,
                link=link,
                params=tuple(sorted((params or {}).items())),
                stock=stock,
                area_param=area_param,
                amount="amount" if amount else None,
                records=records,
                query_fn=query,
            ),
        )
        return fn

    return decorator


def kpi_keys() -> list[str]:
    return list(_KPIS)


def kpi_spec(key: str) -> KpiSpec | None:
    return _KPIS.get(key)


def kpi_link(key: str) -> str:
    return _KPIS[key].link


def kpi_url(key: str, **filters) -> str | None:
    """The list of the records figure `key` counts (see `KpiSpec.url`)."""
    return _KPIS[key].url(**filters)


def kpis(*, user, period: Period | None = None, area=None) -> dict[str, object]:
    """All registered figures for the user's scope, in registration order.

    Cached per scope, period, area and day, under the id of the newest change-log row: every
    change to domain data writes one (the audit's rule), so a new record, an edit or a delete
    anywhere makes the next request count afresh. Change ids are taken before commit, so two
    transactions committing out of order could leave a figure one change behind; the entry's
    lifetime (`TIANMU_KPI_CACHE_SECONDS`, 30 s; 0 turns caching off) bounds that.
    """
    period = period or Period(None, None)
    key = _cache_key(user, period, area)
    if key is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    ctx = KpiContext(user=user, period=period, area=area)
    values = {key: spec.value(ctx) for key, spec in _KPIS.items()}
    if key is not None:
        cache.set(key, values, settings.TIANMU_KPI_CACHE_SECONDS)
    return values


def _cache_key(user, period: Period, area) -> str | None:
    from django.utils import timezone

    from tianmu.core.models import ObjectChange
    from tianmu.core.scoping import scope_for

    seconds = getattr(settings, "TIANMU_KPI_CACHE_SECONDS", 0)
    if not seconds:
        return None
    scope = scope_for(user)
    last = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    parts = [
        "kpis",
        scope.role,
        scope.is_all,
        getattr(scope.area, "pk", None),
        getattr(scope.organization, "pk", None),
        period.start,
        period.end,
        getattr(area, "pk", None),
        timezone.localdate(),
        last,
        ",".join(_KPIS),
    ]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


@dataclass(frozen=True)
class KpiRecords:
    """A figure with the records it counts: `count` rows, `total` their amounts (amount
    figures), `records` the requested page of them."""

    value: object
    count: int
    total: Decimal | None
    records: list[Record]


def kpi_records(
    key: str,
    *,
    user,
    period: Period | None = None,
    area=None,
    limit: int = 50,
    offset: int = 0,
) -> KpiRecords:
    """Figure `key` and the records it is counted from (one page of them)."""
    spec = _KPIS[key]
    ctx = KpiContext(user=user, period=period or Period(None, None), area=area)
    if spec.records is not None:
        rows = spec.records(ctx)
        total = to_money(sum((r.amount for r in rows), Decimal(0))) if spec.is_amount else None
        return KpiRecords(
            value=spec.value(ctx),
            count=len(rows),
            total=total,
            records=rows[offset : offset + limit],
        )
    if spec.filterset is None:
        raise LookupError(key)
    qs = spec.filtered_records(ctx)
    count = qs.count()
    total = None
    if spec.is_amount:
        qs = qs.annotate(_kpi_amount=spec.amount_expression())
        total = to_money(qs.aggregate(s=Sum("_kpi_amount"))["s"])
    page = list(qs.order_by("pk")[offset : offset + limit])
    records = [
        Record(
            obj=obj,
            amount=to_money(obj._kpi_amount) if spec.is_amount else None,
            date=resolve(obj, spec.date) if spec.date else None,
        )
        for obj in page
    ]
    # The value through the same path as /api/v1/kpis, so the endpoint shows they agree.
    return KpiRecords(value=spec.value(ctx), count=count, total=total, records=records)
