"""Figures for the home page and /api/v1/kpis: people in jobs.

Both are *stocks*: distinct people with a counted (confirmed, not superseded) placement active
at any time in [from, to] — today when no date is given — in the requested area (the person's
village). A person counts once however many placements they hold: the figure is the length of
the people list `?employed=true` (`&low_income=true`), through the person FilterSet.

In a breakdown a person is credited to the workshop of their latest counted placement in the
period: to its enterprise, and to the alliance the workshop belongs to (docs/figures.md#breakdowns).
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from tianmu.core.kpis import KpiContext, register_list_kpi
from tianmu.employment.resources import PEOPLE
from tianmu.employment.selectors import counted_placements


def _through_workshop(field: str):
    def attribution(ctx: KpiContext):
        placements = (
            counted_placements()
            .filter(ctx.period.overlap_q(), person=OuterRef("pk"))
            .order_by("-start", "-pk")
        )
        workshop = "position__workshop__"
        return (
            Subquery(placements.values(f"{workshop}{field}_id")[:1]),
            Subquery(placements.values(f"{workshop}{field}__name")[:1]),
        )

    return attribution


for key, params in (
    ("rural_jobs", {"employed": "true"}),
    ("low_income_jobs", {"employed": "true", "low_income": "true"}),
):
    register_list_kpi(
        key,
        link="employment:person_list",
        resource=PEOPLE,
        params=params,
        kind="stock",
        village="village",
        enterprise=_through_workshop("enterprise"),
        alliance=_through_workshop("alliance"),
    )
