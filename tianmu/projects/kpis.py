"""The projects' key figures, registered in tianmu.core.kpis (docs/projects.md#figures).

- `projects` (stock): projects under way at any time in the period — started on or before
  its end and not ended before its start (today when no dates are given); a project without
  a start date has not started. `area` narrows by the project's village.
- `project_sales_yuan` (flow): confirmed project sales dated in the period (see
  `tianmu.projects.selectors`); `area` narrows by the project's village.
- `villages_driven` (stock): distinct villages taking part (带动村) in projects of other
  villages under way in the period, counted once however many projects they join; `area`
  narrows by the participating village.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from tianmu.core.kpis import KpiContext, register_kpi
from tianmu.core.money import money_str
from tianmu.core.scoping import visible_to
from tianmu.projects.models import Project, ProjectVillage
from tianmu.projects.selectors import sales_total


@register_kpi("projects", link="projects:project_list")
def projects_count(ctx: KpiContext) -> int:
    return (
        visible_to(ctx.user, Project)
        .filter(ctx.period.overlap_q(), ctx.area_q("village__area"))
        .count()
    )


@register_kpi("project_sales_yuan", link="projects:project_list")
def project_sales_yuan(ctx: KpiContext) -> str:
    area_q = ctx.area_q("village__area") if ctx.area is not None else None
    return money_str(
        sales_total(
            user=ctx.user, start=ctx.period.start, end=ctx.period.end, project_area_q=area_q
        )
    )


@register_kpi("villages_driven", link="projects:projectvillage_list")
def villages_driven(ctx: KpiContext) -> int:
    end = ctx.period.end if ctx.period.explicit else timezone.localdate()
    joined = Q(joined__isnull=True) | Q(joined__lte=end) if end is not None else Q()
    return (
        visible_to(ctx.user, ProjectVillage)
        .filter(ctx.period.overlap_q("project__"), joined, ctx.area_q("village__area"))
        .exclude(village=F("project__village"))
        .values("village_id")
        .distinct()
        .count()
    )
