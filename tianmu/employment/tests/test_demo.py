"""The demo's jobs, loans and events figures come out of its records (the `demo` fixture)."""

import datetime
from decimal import Decimal

import pytest

from tianmu.accounts.tests.factories import UserFactory
from tianmu.core.demo import load_demo
from tianmu.core.models import ObjectChange
from tianmu.dashboard.selectors import kpis
from tianmu.employment.models import Person, Placement, Workshop
from tianmu.employment.selectors import person_earnings_by_year
from tianmu.events.models import Event
from tianmu.loans.models import Disbursement, Loan
from tianmu.registry.models import Area

pytestmark = pytest.mark.django_db


def test_demo_figures(demo):
    ctx = demo
    county = Area.objects.get(code="330112000000")
    admin = UserFactory(username="demo_admin", role="admin", scope_area=county)
    root = UserFactory(username="demo_root", role="superuser", is_superuser=True)
    for user in (root, admin):
        k = kpis(user=user)
        assert 5500 < k["rural_jobs"] < 5600  # “5500余人”
        assert 0 < k["low_income_jobs"] < k["rural_jobs"]
        assert k["events"] == 32
        assert Decimal("135000000") <= k["loans_disbursed_yuan"] < Decimal("136000000")
        assert Decimal(0) < k["loans_outstanding_yuan"] < k["loans_disbursed_yuan"]
        assert Decimal("0") < Decimal(k["par30"]) < Decimal("0.5")
    # Disbursed since the start of last year.
    first = Disbursement.objects.order_by("date").values_list("date", flat=True).first()
    assert first >= datetime.date(ctx.today.year - 1, 1, 1)
    assert Loan.objects.values("village").distinct().count() == 13
    # 张红梅 earned “3万多元” in the last full year, in the 天目共富岗 workshop of 奥星.
    zhang = Person.objects.get(name="张红梅")
    earned = Decimal(person_earnings_by_year(person=zhang)[str(ctx.today.year - 1)])
    assert Decimal(30000) < earned < Decimal(40000)
    workshop = Workshop.objects.get(name="天目共富岗")
    assert workshop.enterprise.name == "临安奥星电子股份有限公司"
    assert Placement.objects.filter(person=zhang, position__workshop=workshop).exists()
    # Synthetic people carry no ID number or phone at all.
    assert not Person.objects.exclude(id_number_hash="").exists()
    assert not Person.objects.filter(is_example=False).exists()
    # Bulk-created rows are in the change log, one row each, as “loaddemo”.
    logged = ObjectChange.objects.filter(content_type__model="person", user_name="loaddemo")
    assert logged.count() == Person.objects.count()
    assert Event.objects.count() == 32
    # Loading again adds nothing.
    before = (Person.objects.count(), Placement.objects.count(), Loan.objects.count())
    again = load_demo()
    assert not any(label.split(".")[0] in ("employment", "loans", "events")
                   for label in again.created)  # fmt: skip
    assert (Person.objects.count(), Placement.objects.count(), Loan.objects.count()) == before
