"""The demo reproduces the article's figures for projects and 共富购 from its records."""

import datetime
from decimal import Decimal

import pytest

from tianmu.commerce.models import Agreement, Payment
from tianmu.core.demo import load_demo
from tianmu.dashboard.selectors import Period, kpis
from tianmu.projects.models import Project

pytestmark = pytest.mark.django_db


def test_demo_figures(demo, django_user_model):
    ctx = demo
    root = django_user_model.objects.create(username="demo-root", role="superuser",
                                            is_superuser=True)  # fmt: skip
    year = ctx.today.year
    this_year = Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    garden = Project.objects.get(brand="浙西天路·共富菜园")
    assert garden.village.name == "望湖村"
    assert Agreement.objects.filter(project=garden, enterprise__name="杭州西子电梯集团有限公司",
                                    status="signed").exists()  # fmt: skip
    figures = kpis(user=root, period=this_year)
    assert Decimal("300000") < Decimal(figures["project_sales_yuan"]) < Decimal("400000")
    all_time = kpis(user=root)
    assert all_time["villages_driven"] == 8
    assert all_time["projects"] == 1
    assert Decimal("8000000") < Decimal(all_time["purchase_income_yuan"]) < Decimal("9000000")
    assert Decimal(all_time["purchase_income_reported_yuan"]) > 0
    villages = Payment.objects.filter(confirmation="confirmed").values("order__village").distinct()
    assert villages.count() == 13
    # Idempotent: a second run creates nothing.
    assert not load_demo().created
