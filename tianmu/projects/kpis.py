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

from django.db.models import F, Sum

from tianmu.core.kpis import register_list_kpi
from tianmu.core.money import ZERO, to_money
from tianmu.projects.resources import PROJECT_VILLAGES, PROJECTS
from tianmu.projects.selectors import sales_sources

# The project list's rows carry their sales within the list's `from`/`to` (PROJECTS.annotate).
register_list_kpi(
    "projects",
    link="projects:project_list",
    resource=PROJECTS,
    stock=True,
    date="start",
    village="village",
    alliance="alliance",
)


def _sales_of_listed(ctx, listed):
    """The Sum of the listed projects' sales column as two aggregates over the sales records
    (deliveries and order lines in the period, as the user may see them, of listed projects),
    not one subquery per project: `test_kpis.py` holds it to the column's Sum."""
    src = sales_sources(user=ctx.user, start=ctx.period.start, end=ctx.period.end)
    ids = listed.order_by().values("pk")
    parts = (
        src["deliveries"].filter(agreement__project__in=ids),
        src["order_lines"].filter(order__project__in=ids),
    )
    return sum((to_money(qs.aggregate(s=Sum("amount_yuan"))["s"]) for qs in parts), ZERO)


register_list_kpi(
    "project_sales_yuan",
    link="projects:project_list",
    resource=PROJECTS,
    amount=F("_sales_d") + F("_sales_o"),
    total=_sales_of_listed,
    date="start",
    village="village",
    alliance="alliance",
)
register_list_kpi(
    "villages_driven",
    link="projects:projectvillage_list",
    resource=PROJECT_VILLAGES,
    params={"driven": "true"},
    stock=True,
    date="joined",
    village="village",
    alliance="project__alliance",
)
