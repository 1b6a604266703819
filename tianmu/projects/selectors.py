"""Reads for projects: sales to date and the participating villages.

**Project sales** (`sales_yuan`) — exact definition, also in docs/projects.md:

    Σ value of the project's agreement deliveries that are confirmed (quantity × the agreement
      line's unit price; a confirmed correction replaces the record it corrects)
  + Σ amount of the purchase orders linked to the project whose delivery is confirmed
      (the order's lines: quantity × unit price)

dated by the delivery date. Reported-but-unconfirmed deliveries make `sales_reported_yuan`,
shown beside it and never added to it. Both count only the records the user may see, so a
figure and the list it links to always agree.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum

from tianmu.commerce.models import Delivery, OrderDelivery, PurchaseOrderLine
from tianmu.commerce.selectors import sum_subquery
from tianmu.core.money import to_money
from tianmu.core.periods import dated_q
from tianmu.core.scoping import visible_to
from tianmu.core.workflow import awaiting_q, confirmed_q
from tianmu.projects.models import Project, ProjectVillage


def sales_sources(
    *, user, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[str, QuerySet]:
    """The records project sales sum, as querysets of what `user` may see:
    confirmed and awaiting agreement deliveries, and lines of orders delivered (confirmed)
    or awaiting confirmation of their delivery."""
    deliveries = visible_to(user, Delivery).filter(
        dated_q("date", start, end), agreement__project__isnull=False
    )
    order_deliveries = OrderDelivery.objects.filter(
        dated_q("date", start, end), order__project__isnull=False
    )
    confirmed_orders = order_deliveries.filter(confirmed_q()).values("order_id")
    awaiting_orders = order_deliveries.filter(awaiting_q()).values("order_id")
    lines = visible_to(user, PurchaseOrderLine).filter(order__project__isnull=False)
    return {
        "deliveries": deliveries.filter(confirmed_q()),
        "deliveries_reported": deliveries.filter(awaiting_q()),
        "order_lines": lines.filter(order_id__in=confirmed_orders),
        "order_lines_reported": lines.filter(order_id__in=awaiting_orders).exclude(
            order_id__in=OrderDelivery.objects.filter(confirmed_q()).values("order_id")
        ),
    }


def projects_with_sales(
    qs: QuerySet, *, user, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet:
    """Annotate projects with `sales_yuan` and `sales_reported_yuan` (see the module doc)."""
    src = sales_sources(user=user, start=start, end=end)
    return qs.annotate(
        _sales_d=sum_subquery(src["deliveries"], "amount_yuan", "agreement__project"),
        _sales_o=sum_subquery(src["order_lines"], "amount_yuan", "order__project"),
        _rep_d=sum_subquery(src["deliveries_reported"], "amount_yuan", "agreement__project"),
        _rep_o=sum_subquery(src["order_lines_reported"], "amount_yuan", "order__project"),
    )


def project_sales(*, user, project: Project) -> tuple[Decimal, Decimal]:
    """(sales_yuan, sales_reported_yuan) of one project, as `user` may see them."""
    row = projects_with_sales(Project.objects.filter(pk=project.pk), user=user).values(
        "_sales_d", "_sales_o", "_rep_d", "_rep_o"
    )[0]
    return (
        to_money(row["_sales_d"] + row["_sales_o"]),
        to_money(row["_rep_d"] + row["_rep_o"]),
    )


def sales_total(
    *, user, start=None, end=None, project_area_q=None, which: str = "confirmed"
) -> Decimal:
    """All project sales `user` may see (for the KPI); `project_area_q` narrows by area."""
    src = sales_sources(user=user, start=start, end=end)
    suffix = "" if which == "confirmed" else "_reported"
    total = Decimal("0")
    for key, prefix in (
        ("deliveries", "agreement__project__"),
        ("order_lines", "order__project__"),
    ):
        qs = src[key + suffix]
        if project_area_q is not None:
            qs = qs.filter(**{f"{prefix}in": Project.objects.filter(project_area_q).values("pk")})
        total += to_money(qs.aggregate(s=Sum("amount_yuan"))["s"])
    return to_money(total)


def project_participants(*, project: Project) -> list[ProjectVillage]:
    return list(project.participants.select_related("village__area__parent").order_by("id"))


def investment_totals(qs: QuerySet) -> dict[str, Decimal]:
    agg = qs.aggregate(
        enterprise=Sum("investment_enterprise_yuan"),
        village=Sum("investment_village_yuan"),
        loan=Sum("investment_loan_yuan"),
        government=Sum("investment_government_yuan"),
    )
    return {k: to_money(v) for k, v in agg.items()}
