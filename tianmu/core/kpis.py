"""The KPI registry: every app registers its figures here; the dashboard serves them.

In core (the ground floor) so that each app's `kpis.py` can register without importing the
dashboard, which sits above the apps (docs/overview.md#layers). The conventions every figure
follows are in tianmu/dashboard/selectors.py and docs/figures.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """The [start, end] of a KPI query; `explicit` is False when no date was given."""

    start: datetime.date | None
    end: datetime.date | None

    @property
    def explicit(self) -> bool:
        return self.start is not None or self.end is not None

    def overlap_q(self, prefix: str = "") -> Q:
        """Rows with [start, end] ranges that meet this period (today when not explicit)."""
        start = self.start
        end = self.end
        if not self.explicit:
            start = end = timezone.localdate()
        q = Q()
        if start is not None:
            q &= Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": start})
        if end is not None:
            q &= Q(**{f"{prefix}start__lte": end})
        return q

    def within_q(self, field: str) -> Q:
        """Rows whose `field` (a date) falls in the period (all time when not explicit)."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__lte": self.end})
        return q


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


KpiFn = Callable[[KpiContext], object]


@dataclass(frozen=True)
class KpiSpec:
    """A registered figure: how to compute it and which list shows the records it counts."""

    fn: KpiFn
    link: str
    params: tuple[tuple[str, str], ...] = ()
    stock: bool = False
    area_param: str = "area"

    def url(
        self,
        *,
        area_code: str | None = None,
        start: datetime.date | None = None,
        end: datetime.date | None = None,
    ) -> str | None:
        """The list of the records this figure counts, filtered like the figure.

        A stock without dates counts what is active today, so its list gets `active=true`.
        None when the list's app is not installed.
        """
        try:
            base = reverse(self.link)
        except NoReverseMatch:
            return None
        query = dict(self.params)
        if area_code:
            query[self.area_param] = area_code
        if start:
            query["from"] = start.isoformat()
        if end:
            query["to"] = end.isoformat()
        if self.stock and not (start or end):
            query["active"] = "true"
        return base + (f"?{urlencode(query)}" if query else "")


_KPIS: dict[str, KpiSpec] = {}


def register_kpi(
    key: str,
    *,
    link: str,
    params: dict[str, str] | None = None,
    stock: bool = False,
    area_param: str = "area",
):
    """Add a figure to /api/v1/kpis and the home page.

    `link` names the list URL of the records it counts; `params` are fixed filters of that list
    that select exactly those records; `stock` marks a figure of what is active (see the module
    docstring); `area_param` is the list's name for the area filter.
    """

    def decorator(fn: KpiFn) -> KpiFn:
        if key in _KPIS:
            raise RuntimeError(f"KPI {key} registered twice")
        _KPIS[key] = KpiSpec(
            fn=fn,
            link=link,
            params=tuple(sorted((params or {}).items())),
            stock=stock,
            area_param=area_param,
        )
        return fn

    return decorator


def kpi_keys() -> list[str]:
    return list(_KPIS)


def kpi_link(key: str) -> str:
    return _KPIS[key].link


def kpi_url(key: str, **filters) -> str | None:
    """The list of the records figure `key` counts (see `KpiSpec.url`)."""
    return _KPIS[key].url(**filters)


def kpis(*, user, period: Period | None = None, area=None) -> dict[str, object]:
    """All registered figures for the user's scope, in registration order."""
    ctx = KpiContext(user=user, period=period or Period(None, None), area=area)
    return {key: spec.fn(ctx) for key, spec in _KPIS.items()}
