"""Figures for the home page and /api/v1/kpis: people in jobs.

Both are *stocks*: distinct people with a counted (confirmed, not superseded) placement active
at any time in [from, to] — today when no date is given — in the requested area (the person's
village). A person counts once however many placements they hold.
"""

from __future__ import annotations

from tianmu.core.kpis import KpiContext, register_kpi
from tianmu.core.scoping import visible_to
from tianmu.employment.models import Placement
from tianmu.employment.selectors import counted_placements


def _placements(ctx: KpiContext):
    qs = visible_to(ctx.user, Placement).filter(
        ctx.period.overlap_q(), ctx.area_q("person__village__area")
    )
    return counted_placements(qs)


@register_kpi("rural_jobs", link="employment:person_list", params={"employed": "true"})
def rural_jobs(ctx: KpiContext) -> int:
    """Distinct villagers with a confirmed placement in the period."""
    return _placements(ctx).values("person_id").distinct().count()


@register_kpi(
    "low_income_jobs",
    link="employment:person_list",
    params={"employed": "true", "low_income": "true"},
)
def low_income_jobs(ctx: KpiContext) -> int:
    """Of those, the people from low-income households (低收入农户)."""
    return _placements(ctx).filter(person__low_income=True).values("person_id").distinct().count()
