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
from contextvars import ContextVar
from dataclasses import dataclass, replace
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, CharField, Expression, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from tianmu.core import facts
from tianmu.core.money import to_money
from tianmu.core.periods import Period
from tianmu.core.scoping import visible_to
from tianmu.core.tables import resolve

__all__ = [
    "Breakdown",
    "BreakdownItem",
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
    "TrendItem",
    "breakdown",
    "trend",
    "variant",
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

#: Who a record of a figure is credited to, for `breakdown`: a path from the record to the
#: alliance or organisation ("" for the record itself), or a function of the context giving
#: (id expression, name expression) to annotate each record with.
Attribution = str | Callable[[KpiContext], tuple[Expression, Expression]] | None


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
    village: str | None = None
    enterprise: Attribution = None
    alliance: Attribution = None
    kind: str = "flow"  # "stock" (what is active in a period) or "flow" (what happened in it)
    # The Sum of `amount` over the listed rows computed another way, `total(ctx, rows)`, where
    # the amount is itself a sum of other records (a project's sales): one aggregate over those
    # records instead of a subquery per row. It must equal the Sum (its app's tests say so).
    total: Callable[[KpiContext, QuerySet], object] | None = None

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
        if self.total is not None:
            return to_money(self.total(ctx, qs))
        if self.is_amount:
            return to_money(qs.aggregate(s=Sum(self.amount_expression()))["s"])
        return count_rows(qs)


_KPIS: dict[str, KpiSpec] = {}


def count_rows(qs: QuerySet) -> int:
    """How many rows a list has, without computing its columns: a DISTINCT list (a scope
    across a many-valued relation) would otherwise evaluate every annotation (a project's
    sales subqueries) of every row just to count them. Annotations the filters use stay."""
    if qs.query.distinct and not qs.query.distinct_fields:
        return qs.order_by().values("pk").distinct().count()
    return qs.count()


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
    village: str | None = None,
    enterprise: Attribution = None,
    alliance: Attribution = None,
    kind: str | None = None,
    total: Callable[[KpiContext, QuerySet], object] | None = None,
) -> KpiSpec:
    """Add a figure that is its list: the count of the list's rows, or the Sum of `amount`.

    `link` names the list URL; `resource` is the list's declaration (tianmu.core.resources:
    its FilterSet and its queryset, scoped and annotated), or `filterset` the FilterSet that
    list uses and `queryset` its base queryset (a function of the context; default: all rows
    of the FilterSet's model) for a list that is not a resource yet;
    `params` are fixed filters of that list that select exactly the records counted; `stock`
    marks a figure of what is active (see the module docstring); `area_param` is the list's
    name for the area filter; `date` the path to a record's date. For `breakdown`:
    `village` is the path to the record's village (its alliance is then the one paired with
    that village on the record's date), `alliance` and `enterprise` say who else a record is
    credited to (see `Attribution`). `kind` is "stock" or "flow" (default: "stock" when
    `stock`), for a stock whose list has no `active` filter. `total` computes the Sum of
    `amount` another way (see `KpiSpec.total`).
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
        village=village,
        enterprise=enterprise,
        alliance=alliance,
        kind=kind or ("stock" if stock else "flow"),
        total=total,
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
    kind: str = "stock",
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
                kind=kind,
            ),
        )
        return fn

    return decorator


def variant(key: str, **params: str) -> KpiSpec:
    """Figure `key` narrowed by more filters of its list (`variant("projects", kind="public")`):
    an unregistered figure that is still its list, for reports that split a figure."""
    spec = _KPIS[key]
    return replace(spec, params=tuple(sorted({**dict(spec.params), **params}.items())))


def kpi_keys() -> list[str]:
    return list(_KPIS)


def kpi_spec(key: str) -> KpiSpec | None:
    return _KPIS.get(key)


def kpi_link(key: str) -> str:
    return _KPIS[key].link


def kpi_url(key: str, **filters) -> str | None:
    """The list of the records figure `key` counts (see `KpiSpec.url`)."""
    return _KPIS[key].url(**filters)


_memo: ContextVar[dict | None] = ContextVar("kpi_memo", default=None)


def memo(key: tuple, fn: Callable[[], object]):
    """`fn()` once per evaluation of the figures (`kpis`): figures that share an expensive
    read (the loan book's positions, for loans outstanding and PAR30) compute it once."""
    store = _memo.get()
    if store is None:
        return fn()
    if key not in store:
        store[key] = fn()
    return store[key]


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
    token = _memo.set({})
    try:
        _catch_up(user)
        values = {key: _value(key, spec, ctx) for key, spec in _KPIS.items()}
    finally:
        _memo.reset(token)
    if key is not None:
        cache.set(key, values, settings.TIANMU_KPI_CACHE_SECONDS)
    return values


def all_seeing_user():
    """An unsaved superuser: who the fact table counts for (everything, in every area)."""
    from django.contrib.auth import get_user_model

    return get_user_model()(username="figures", is_superuser=True, is_active=True)


def _fact_defaults(key: str) -> dict | None:
    """How the fact table reads figure `key` by default: its own list, as the superuser sees
    it, all time (`tianmu.core.facts.register_fact`)."""
    spec = _KPIS.get(key)
    if spec is None:
        return None

    def rows():
        ctx = KpiContext(user=all_seeing_user(), period=Period(None, None), area=None)
        return spec.filtered_records(ctx)

    return {"queryset": rows, "village": spec.village, "date": spec.date, "amount": spec.amount}


facts.register_defaults(_fact_defaults)


def _catch_up(user) -> None:
    """Bring the fact table up to date first when it will answer for `user`."""
    from tianmu.core.scoping import scope_for

    scope = scope_for(user)
    if facts.enabled() and (scope.is_all or scope.is_area):
        facts.catch_up()


def _value(key: str, spec: KpiSpec, ctx: KpiContext):
    """A figure from the fact table where it is kept (`tianmu.core.facts`), else live."""
    from tianmu.core.scoping import scope_for

    if facts.enabled():
        kept = facts.value(key, scope=scope_for(ctx.user), area=ctx.area, period=ctx.period)
        if kept is not None:
            return kept
    return spec.value(ctx)


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


# --- Breakdowns and trends ---------------------------------------------------------------------
#
# A breakdown is the figure split by who or where its records belong to; a trend is the figure
# for each month, quarter or year of a range. Both evaluate the very figure (its list), so a
# flow's parts add up to the whole: each record is in one child area, one period, and one
# alliance or enterprise, or in the "not attributed" item. docs/figures.md#breakdowns.

LEVELS = ("child", "alliance", "enterprise")
INTERVALS = ("month", "quarter", "year")
#: At most this many periods in one trend (ten years of months).
MAX_PERIODS = 120

_hooks: dict[str, Callable] = {}


def register_breakdown_hook(name: str, fn: Callable) -> None:
    """Apps above core hand it what it may not import: registry the child areas of an area
    (`children`: (user, area) -> (parent, [areas])), alliances the pairing that credits a
    village's record to an alliance (`pairing`: (village path, date path, period) ->
    (id expression, name expression))."""
    _hooks[name] = fn


@dataclass(frozen=True)
class BreakdownItem:
    """One part of a breakdown: an area (`code`), an alliance or an organisation (`id`), or
    the records credited to none of them (`id` and `code` None)."""

    id: int | None
    code: str | None
    name: str
    value: object
    url: str | None = None


@dataclass(frozen=True)
class Breakdown:
    key: str
    by: str
    area: object | None  # the area broken down (the user's own when none was asked)
    total: object
    items: list[BreakdownItem]


def _summable(spec: KpiSpec) -> bool:
    """A flow summed or counted from its list: its parts add up to the whole."""
    return spec.fn is None and spec.kind == "flow"


def _self_or_path(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def _group_expressions(key: str, spec: KpiSpec, ctx: KpiContext, by: str):
    from django.utils.translation import gettext as _

    attribution = spec.enterprise if by == "enterprise" else spec.alliance
    paired = by == "alliance" and spec.village is not None and "pairing" in _hooks
    if callable(attribution):
        return attribution(ctx)
    if isinstance(attribution, str):
        direct = F(_self_or_path(attribution, "pk")), F(_self_or_path(attribution, "name"))
        if not paired:
            return direct
        # A record with no alliance of its own is its village's alliance's.
        pairing = _hooks["pairing"](spec.village, spec.date, ctx.period)
        return (
            Coalesce(direct[0], pairing[0], output_field=BigIntegerField()),
            Coalesce(direct[1], pairing[1], output_field=CharField()),
        )
    if paired:
        return _hooks["pairing"](spec.village, spec.date, ctx.period)
    level = _("alliance") if by == "alliance" else _("enterprise")
    raise ValueError(
        _("The figure “%(key)s” has no breakdown by %(level)s.") % {"key": key, "level": level}
    )


def _grouped(spec: KpiSpec, ctx: KpiContext, id_expr, name_expr) -> dict[object, list]:
    """{group id: [name, amount, count]} over the figure's records, each record once."""
    qs = spec.filtered_records(ctx).annotate(_by_id=id_expr, _by_name=name_expr)
    fields = ["pk", "_by_id", "_by_name"]
    if spec.is_amount:
        qs = qs.annotate(_kpi_amount=spec.amount_expression())
        fields.append("_kpi_amount")
    groups: dict[object, list] = {}
    seen = set()
    # One row per record (a distinct list may repeat none, but a join could): pk decides.
    for row in qs.order_by().values_list(*fields):
        if row[0] in seen:
            continue
        seen.add(row[0])
        group = groups.setdefault(row[1], [row[2], Decimal(0), 0])
        group[2] += 1
        if spec.is_amount:
            group[1] += row[3] or 0
    return groups


def splits_by(key: str, by: str) -> bool:
    """Whether `breakdown(key, by=by)` can split figure `key`: every figure by child area; a
    list figure by alliance when it names its records' alliance or village, by enterprise when
    it names their enterprise; a computed balance by area only."""
    spec = _KPIS[key]
    if by == "child":
        return True
    if spec.fn is not None:
        return False
    if by == "enterprise":
        return spec.enterprise is not None
    return spec.alliance is not None or (spec.village is not None and "pairing" in _hooks)


def splits_by_village(key: str) -> bool:
    """Whether figure `key` can be split by village: a list figure that names its records'
    village (the balances cannot)."""
    spec = _KPIS[key]
    return spec.fn is None and spec.village is not None


def by_village(key: str, *, user, period: Period | None = None, area=None) -> dict[int, object]:
    """{village id: the figure's part credited to it} for a figure that names its records'
    village (`village=`); {} for one that does not (the balances). One query."""
    if not splits_by_village(key):
        return {}
    spec = _KPIS[key]
    ctx = KpiContext(user=user, period=period or Period(None, None), area=area)
    village = spec.village
    groups = _grouped(
        spec, ctx, F(_self_or_path("" if village == "pk" else village, "pk")), F("pk")
    )
    return {
        gid: to_money(amount) if spec.is_amount else count
        for gid, (_name, amount, count) in groups.items()
        if gid is not None
    }


def _by_group(key: str, spec: KpiSpec, ctx: KpiContext, by: str) -> list[BreakdownItem]:
    """The figure's records grouped by the alliance or enterprise they are credited to."""
    from django.utils.translation import gettext as _

    if spec.fn is not None:
        raise ValueError(
            _("The figure “%(key)s” is computed from balances; it is broken down by area only.")
            % {"key": key}
        )
    id_expr, name_expr = _group_expressions(key, spec, ctx, by)
    groups = _grouped(spec, ctx, id_expr, name_expr)
    items = []
    for gid, (name, amount, count) in groups.items():
        if gid is None:
            continue
        url = _object_page(by, gid)
        value = to_money(amount) if spec.is_amount else count
        items.append(BreakdownItem(id=gid, code=None, name=name or "", value=value, url=url))
    return items


def _object_page(by: str, pk) -> str | None:
    name = "alliances:alliance_detail" if by == "alliance" else "registry:organization_detail"
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _figure(key: str, spec: KpiSpec, ctx: KpiContext):
    """Figure `key` (from the fact table where it is kept), or its `variant` `spec` (live)."""
    return _value(key, spec, ctx) if spec is _KPIS.get(key) else spec.value(ctx)


def _by_child(key: str, spec: KpiSpec, ctx: KpiContext, children) -> list[BreakdownItem]:
    items = []
    for child in children:
        value = _figure(key, spec, KpiContext(user=ctx.user, period=ctx.period, area=child))
        url = spec.url(area_code=child.code, start=ctx.period.start, end=ctx.period.end)
        items.append(BreakdownItem(id=None, code=child.code, name=child.name, value=value, url=url))
    return items


def breakdown(
    key: str, *, user, by: str, period: Period | None = None, area=None, spec: KpiSpec | None = None
) -> Breakdown:
    """Figure `key` split by the next level of areas below `area`, by alliance or by
    enterprise; ranked by value, largest first. ValueError (a message for the user) for an
    unknown level or a figure that cannot be split that way; LookupError for an unknown key.

    `area` None is the user's own area (registry's `children` hook: the one area that holds
    all the user sees). For a flow the items add up to `total`: what no child, alliance or
    enterprise is credited with is one more item (`id` and `code` None).
    """
    from django.utils.translation import gettext as _

    spec = spec or _KPIS.get(key)  # `spec`: a `variant` of figure `key`
    if spec is None:
        raise LookupError(key)
    if by not in LEVELS:
        raise ValueError(
            _("Unknown breakdown “%(by)s”: use %(levels)s.")
            % {"by": by, "levels": ", ".join(LEVELS)}
        )
    period = period or Period(None, None)
    parent, children = _hooks["children"](user, area)
    ctx = KpiContext(user=user, period=period, area=parent)
    _catch_up(user)
    total = _figure(key, spec, ctx)
    by_child = by == "child"
    items = _by_child(key, spec, ctx, children) if by_child else _by_group(key, spec, ctx, by)
    items.sort(key=lambda item: (-_number(item.value), item.name))
    if _summable(spec):
        rest = total - sum((item.value for item in items), type(total)(0))
        if rest:
            name = _("Not in a child area") if by == "child" else _("Not attributed")
            items.append(BreakdownItem(id=None, code=None, name=str(name), value=rest))
    return Breakdown(key=key, by=by, area=parent, total=total, items=items)


def _number(value) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)


@dataclass(frozen=True)
class TrendItem:
    period: str  # "2025-03", "2025Q1" or "2025"
    start: datetime.date
    end: datetime.date
    value: object
    url: str | None = None


def periods_between(interval: str, start: datetime.date, end: datetime.date):
    """The months, quarters or years that meet [start, end], each clipped to it."""
    step = {"month": 1, "quarter": 3, "year": 12}[interval]
    month = (start.month - 1) // step * step + 1
    first = datetime.date(start.year, month, 1)
    while first <= end:
        index = first.year * 12 + first.month - 1 + step
        following = datetime.date(index // 12, index % 12 + 1, 1)
        last = following - datetime.timedelta(days=1)
        if interval == "month":
            label = f"{first.year}-{first.month:02d}"
        elif interval == "quarter":
            label = f"{first.year}Q{(first.month - 1) // 3 + 1}"
        else:
            label = str(first.year)
        yield label, max(first, start), min(last, end)
        first = following


def default_range(interval: str, today: datetime.date | None = None):
    """Twelve months, eight quarters or five years, up to today."""
    from django.utils import timezone

    today = today or timezone.localdate()
    back = {"month": 11, "quarter": 21, "year": 48}[interval]
    index = today.year * 12 + today.month - 1 - back
    start = datetime.date(index // 12, index % 12 + 1, 1)
    if interval == "quarter":
        start = start.replace(month=(start.month - 1) // 3 * 3 + 1)
    if interval == "year":
        start = start.replace(month=1)
    return start, today


def trend(key: str, *, user, interval: str, period: Period, area=None) -> list[TrendItem]:
    """Figure `key` for each month, quarter or year of `period` (both ends needed), each
    clipped to the period, so a flow's items add up to the figure over the whole period."""
    from django.utils.translation import gettext as _

    spec = _KPIS.get(key)
    if spec is None:
        raise LookupError(key)
    if interval not in INTERVALS:
        raise ValueError(
            _("Unknown interval “%(interval)s”: use %(intervals)s.")
            % {"interval": interval, "intervals": ", ".join(INTERVALS)}
        )
    parts = list(periods_between(interval, period.start, period.end))
    if len(parts) > MAX_PERIODS:
        raise ValueError(_("At most %(max)s periods in one trend.") % {"max": MAX_PERIODS})
    items = []
    code = getattr(area, "code", None)
    _catch_up(user)
    for label, start, end in parts:
        ctx = KpiContext(user=user, period=Period(start, end), area=area)
        items.append(
            TrendItem(
                period=label,
                start=start,
                end=end,
                value=_figure(key, spec, ctx),
                url=spec.url(area_code=code, start=start, end=end),
            )
        )
    return items
