"""A workshop's payroll sheet: one row per person and month, checked and written at once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tianmu.accounts.tests.factories import UserFactory
from tianmu.core.models import ObjectChange
from tianmu.employment.models import MonthlyEarning, Placement
from tianmu.employment.tests.factories import make_id_number
from tianmu.exchange.services import import_create
from tianmu.exchange.tests.test_imports import xlsx
from tianmu.registry.models import Area

HEADER = ["身份证号", "共富工坊", "月份", "实发工资"]


@pytest.fixture
def admin(demo):
    return UserFactory(
        username="payroll_admin", role="admin", scope_area=Area.objects.get(code="330112000000")
    )


def _open_placements(n):
    """`n` placements open in 2026-11 (one per person), with what a payroll row needs."""
    month = datetime.date(2026, 11, 1)
    found, people = [], set()
    qs = Placement.objects.select_related("person", "position__workshop").order_by("pk")
    for p in qs:
        open_then = p.start <= month and (p.end is None or p.end >= month)
        if open_then and p.person_id not in people:
            # The demo keeps no ID numbers (minimised data): give these people one.
            p.person.id_number = make_id_number(len(found) + 1)
            p.person.save()
            found.append(p)
            people.add(p.person_id)
        if len(found) == n:
            return found
    pytest.skip("the demo has too few open placements")


@pytest.mark.django_db
def test_payroll_written_once_and_matched_the_second_time(admin):
    placements = _open_placements(5)
    rows = [[p.person.id_number, p.position.workshop.name, "2026年11月", f"{3000 + i:,}.50"]
            for i, p in enumerate(placements)]  # fmt: skip
    sheet = xlsx([HEADER, *rows])
    MonthlyEarning.objects.filter(month=datetime.date(2026, 11, 1)).delete()
    changes = ObjectChange.objects.count()

    dry = import_create(user=admin, resource="earnings", filename="p.xlsx", content=sheet,
                        dry_run=True)  # fmt: skip
    assert (dry.errors, dry.created) == ([], 5), dry.errors
    assert not MonthlyEarning.objects.filter(month=datetime.date(2026, 11, 1)).exists()

    job = import_create(user=admin, resource="earnings", filename="p.xlsx", content=sheet,
                        dry_run=False)  # fmt: skip
    assert (job.errors, job.created) == ([], 5), job.errors
    e = MonthlyEarning.objects.get(placement=placements[2], month=datetime.date(2026, 11, 1))
    assert e.amount_yuan == Decimal("3002.50")
    logged = ObjectChange.objects.filter(pk__gt=0).count() - changes
    assert logged == 5  # every new earning is in the change log, attributed to the importer
    assert ObjectChange.objects.order_by("-pk").first().user_name == "payroll_admin"

    again = import_create(user=admin, resource="earnings", filename="p.xlsx", content=sheet,
                          dry_run=False)  # fmt: skip
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)

    rows[0][3] = 9999
    fixed = import_create(user=admin, resource="earnings", filename="p.xlsx",
                          content=xlsx([HEADER, *rows]), dry_run=False)  # fmt: skip
    assert (fixed.created, fixed.updated, fixed.unchanged) == (0, 1, 4)
    before = ObjectChange.objects.order_by("-pk").first()
    assert before.action == "update" and before.before["amount_yuan"] != before.after["amount_yuan"]


@pytest.mark.django_db
def test_a_bad_payroll_line_writes_nothing_and_names_row_and_column(admin):
    placements = _open_placements(2)
    good = [placements[0].person.id_number, placements[0].position.workshop.name, "2026-11", 100]
    wrong_check = placements[1].person.id_number[:-1] + (
        "0" if placements[1].person.id_number[-1] != "0" else "1"
    )
    number, workshop = placements[1].person.id_number, placements[1].position.workshop.name
    rows = [good, [wrong_check, workshop, "2026-11", 100], [number, workshop, "2026-11", -1],
            [number, workshop, "十一月", 1]]  # fmt: skip
    MonthlyEarning.objects.filter(month=datetime.date(2026, 11, 1)).delete()
    job = import_create(user=admin, resource="earnings", filename="p.xlsx",
                        content=xlsx([HEADER, *rows]), dry_run=False)  # fmt: skip
    where = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "身份证号"), (4, "实发工资"), (5, "月份")} <= where, job.errors
    assert not MonthlyEarning.objects.filter(month=datetime.date(2026, 11, 1)).exists()
