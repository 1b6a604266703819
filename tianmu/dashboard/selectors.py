"""Key figures (KPIs): every number is counted from records, within the user's scope.

Conventions every module follows when it adds a figure (docs/figures.md):
- A *stock* (alliances, enterprises, paired villages…) counts what was active at any time in
  the period [from, to]; with neither date given, what is active today.
- A *flow* (sales, purchases, disbursements…) sums records dated within [from, to]; with
  neither given, all time.
- `area` (a division code) narrows to records located in that area's subtree.
- Each figure has a `link`: the list page of the records it counts, with the same filters.

The registry is `tianmu.core.kpis` (each app's `kpis.py` registers there; the alliance figures
are in tianmu/alliances/kpis.py); this module serves them, and the public view.

A figure *is* its list: `register_list_kpi` declares it as (the list's FilterSet, fixed
filters, the list's base queryset, count or Sum of an amount column). The figure runs that
FilterSet with the very query string its link carries, over the records the user may see, and
counts or sums the result; the list page runs the same FilterSet on the same query string. So
they cannot disagree. The period rules are `tianmu.core.periods`. Only balances that are not a
sum of stored amounts (loans outstanding, PAR30) are computed by a function (`register_kpi`),
and they say which records they are computed from (`records=`).
"""

from __future__ import annotations

# The registry itself is in core (each app's kpis.py registers there); the names stay here too.
from django.db.models import Q

from tianmu.core.kpis import (  # noqa: F401
    _KPIS,
    KpiContext,
    KpiFn,
    KpiRecords,
    KpiSpec,
    Period,
    Record,
    area_from,
    kpi_keys,
    kpi_link,
    kpi_records,
    kpi_spec,
    kpi_url,
    kpis,
    register_kpi,
    register_list_kpi,
)
from tianmu.registry.models import Area

# --- The public view -------------------------------------------------------------------------


def public_counties():
    """Counties in a programme's area (a county's own programme, or one of its city or the
    province): the public may see their aggregate figures."""
    inside = Q(pk__in=[])
    for area in Area.objects.filter(programs__isnull=False).distinct().only("pk", "path"):
        inside |= Q(pk=area.pk) | Q(path__startswith=area.subtree_prefix())
    return Area.objects.filter(inside, level="county").order_by("code")


def public_viewer(county: Area):
    """An unsaved, read-only user who sees exactly one county, like a leader would.

    The public gets aggregates only: the same figures, computed through the same scoping,
    and never a list of records or a name (the public page and endpoint show figures only).
    """
    from tianmu.accounts.choices import Role
    from tianmu.accounts.models import User

    return User(username="public", role=Role.LEADER, scope_area=county)


def public_kpis(*, county: Area, period: Period | None = None) -> dict[str, object]:
    return kpis(user=public_viewer(county), period=period)
