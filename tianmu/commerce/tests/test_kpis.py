"""The figures, checked by hand against `build_trade` (see its docstring for the records)."""

import pytest

from tianmu.core.tests.api_client import ApiClient

pytestmark = pytest.mark.django_db

KEYS = ("projects", "project_sales_yuan", "villages_driven", "purchase_income_yuan",
        "purchase_income_reported_yuan")  # fmt: skip


def figures(api, who, **params):
    response = api(who, "get", "/kpis", params)
    assert response.status_code == 200, response.content
    data = response.json()
    return {k: data[k] for k in KEYS}


def test_kpis_by_hand(world, trade):
    api = ApiClient(world)
    # Confirmed delivery 100 kg × 8.50 = 850.00; the 50 kg awaiting confirmation is not in it.
    # Income: order O1 paid 1,210.00 (10 × 30.00 + 20 × 45.50), confirmed; O2's 200.00 awaits.
    # Villages driven: v1b and v2a take part in the 望湖村 project.
    county_a = {
        "projects": 1,
        "project_sales_yuan": "850.00",
        "villages_driven": 2,
        "purchase_income_yuan": "1210.00",
        "purchase_income_reported_yuan": "200.00",
    }
    assert figures(api, "admin") == county_a
    assert figures(api, "leader") == county_a
    assert figures(api, "enterprise") == county_a  # all these records are e1's
    assert figures(api, "superuser") == {**county_a, "purchase_income_yuan": "2209.00"}
    assert figures(api, "o_admin") == {
        "projects": 0,
        "project_sales_yuan": "0.00",
        "villages_driven": 0,
        "purchase_income_yuan": "999.00",
        "purchase_income_reported_yuan": "0.00",
    }
    # Whoever sees a project sees all its participating villages.
    assert figures(api, "town")["villages_driven"] == 2
    assert figures(api, "town")["purchase_income_yuan"] == "1210.00"
    # Town T2's officer sees the project (v2a takes part) but not v1a's sales or income.
    assert figures(api, "o_town") == {
        "projects": 1,
        "project_sales_yuan": "0.00",
        "villages_driven": 2,
        "purchase_income_yuan": "0.00",
        "purchase_income_reported_yuan": "0.00",
    }
    assert figures(api, "bank")["purchase_income_yuan"] == "0.00"


def test_kpis_period_and_area(world, trade):
    api = ApiClient(world)
    spring = figures(api, "admin", **{"from": "2024-01-01", "to": "2024-05-31"})
    assert spring["project_sales_yuan"] == "850.00"  # delivered 2024-03-01
    assert spring["purchase_income_yuan"] == "0.00"  # paid 2024-06-01
    assert spring["projects"] == 1
    summer = figures(api, "admin", **{"from": "2024-06-01", "to": "2024-07-31"})
    assert summer["project_sales_yuan"] == "0.00"
    assert summer["purchase_income_yuan"] == "1210.00"
    assert summer["purchase_income_reported_yuan"] == "200.00"
    before = figures(api, "admin", **{"from": "2023-01-01", "to": "2023-12-31"})
    assert before["projects"] == 0 and before["villages_driven"] == 0
    t2 = figures(api, "admin", area="330112106")  # 昌化镇: only v2a, which takes part
    assert t2 == {
        "projects": 0,
        "project_sales_yuan": "0.00",
        "villages_driven": 1,
        "purchase_income_yuan": "0.00",
        "purchase_income_reported_yuan": "0.00",
    }
    t1 = figures(api, "admin", area="330112107")
    assert t1["purchase_income_yuan"] == "1210.00" and t1["villages_driven"] == 1


def test_confirmed_correction_replaces_the_record_it_corrects(world, trade):
    from decimal import Decimal

    from tianmu.commerce.tests.factories import PaymentFactory

    api = ApiClient(world)
    fix = PaymentFactory(order=trade.o1, amount_yuan=Decimal("1200.00"), corrects=trade.pay1,
                         confirmation="reported")  # fmt: skip
    assert figures(api, "admin")["purchase_income_yuan"] == "1210.00"
    assert figures(api, "admin")["purchase_income_reported_yuan"] == "1400.00"
    fix.confirmation = "confirmed"
    fix.save()
    assert figures(api, "admin")["purchase_income_yuan"] == "1200.00"
