"""`project_sales_yuan` is summed from the sales records (two aggregates), not from one
subquery per project; it must equal the Sum of the project list's sales column, for every
role and period, on the demo."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from tianmu.commerce.models import Agreement
from tianmu.core.kpis import KpiContext, Period, kpi_spec
from tianmu.core.money import to_money
from tianmu.registry.models import Area

D = datetime.date


@pytest.mark.django_db
def test_project_sales_equal_the_sum_of_the_list_column(demo):
    spec = kpi_spec("project_sales_yuan")
    User = get_user_model()
    county = Area.objects.filter(level="county").order_by("pk").first()
    town = (
        Area.objects.filter(level="town", children__village__agreements__project__isnull=False)
        .order_by("pk")
        .first()
    )
    assert county and town
    seller = Agreement.objects.filter(project__isnull=False).order_by("pk").first().enterprise
    users = [
        User(username="su", role="superuser", is_superuser=True),
        User(username="admin", role="admin", scope_area=county),
        User(username="town", role="town", scope_area=town),
        User(username="ent", role="enterprise", scope_organization=seller),
    ]
    compared = nonzero = 0
    for user in users:
        for period in (
            Period(None, None),
            Period(D(2024, 1, 1), D(2024, 12, 31)),
            Period(D(2025, 3, 1), D(2025, 9, 15)),
        ):
            ctx = KpiContext(user=user, period=period, area=None)
            listed = spec.filtered_records(ctx)
            column = to_money(listed.aggregate(s=Sum(spec.amount_expression()))["s"])
            assert spec.value(ctx) == column, (user.username, period)
            compared += 1
            nonzero += column > 0
    assert compared >= 12 and nonzero >= 3
