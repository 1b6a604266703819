"""The projects' key figures, registered in tianmu.core.kpis (docs/projects.md#figures).

Each is its list, through the list's FilterSet:
- `projects` (stock): projects under way at any time in the period — started on or before
  its end and not ended before its start (today when no dates are given); a project without
  a start date has not started. `area` narrows by the project's village.
- `project_sales_yuan` (flow): the Sum of the project list's "sales" column — confirmed
  project sales dated in the period, of the projects listed for the period (under way in it;
  all projects when no dates are given). `area` narrows by the project's village.
- `villages_driven` (stock): distinct villages taking part (带动村) in projects of other
  villages under way in the period, counted once however many projects they join (the
  participation list `?driven=true` shows one row per village); `area` narrows by the
  participating village.
"""

from __future__ import annotations

from django.db.models import F

from tianmu.core.kpis import register_list_kpi
from tianmu.projects.filtersets import ProjectFilterSet, ProjectVillageFilterSet
from tianmu.projects.models import Project
from tianmu.projects.selectors import projects_with_sales


def project_rows(ctx):
    """The project list's rows (`ProjectListView`): projects with their sales in the period."""
    return projects_with_sales(
        Project.objects.all(), user=ctx.user, start=ctx.period.start, end=ctx.period.end
    )


register_list_kpi(
    "projects",
    link="projects:project_list",
    filterset=ProjectFilterSet,
    stock=True,
    date="start",
)
register_list_kpi(
    "project_sales_yuan",
    link="projects:project_list",
    filterset=ProjectFilterSet,
    queryset=project_rows,
    amount=F("_sales_d") + F("_sales_o"),
    date="start",
)
register_list_kpi(
    "villages_driven",
    link="projects:projectvillage_list",
    filterset=ProjectVillageFilterSet,
    params={"driven": "true"},
    stock=True,
    date="joined",
)
