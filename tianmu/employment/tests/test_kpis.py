"""rural_jobs and low_income_jobs by hand on the `emp` fixture (see conftest.py)."""

import datetime

import pytest

from tianmu.dashboard.selectors import Period, kpis
from tianmu.employment.tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def jobs(user, period=None):
    k = kpis(user=user, period=period)
    return k["rural_jobs"], k["low_income_jobs"]


def test_today(emp, world):
    u, o = world.users, world.outsiders
    # Active today and confirmed: 阿花 in P1 (open) and 阿富 in PB; 阿明 is only reported,
    # 阿青's placement ended in 2023. 阿花 and 阿富 are low-income.
    assert jobs(u["superuser"]) == (2, 2)
    assert jobs(u["admin"]) == (1, 1)
    assert jobs(u["town"]) == (1, 1)
    assert jobs(u["enterprise"]) == (1, 1)
    assert jobs(u["bank"]) == (0, 0)
    assert jobs(o["admin"]) == (1, 1)
    assert jobs(o["town"]) == (0, 0)


def test_periods_and_people_counted_once(emp, world):
    su = world.users["superuser"]
    # 2024: 阿花 (two placements, counted once) and 阿富.
    assert jobs(su, Period(D(2024, 1, 1), D(2024, 12, 31))) == (2, 2)
    # 2023: only 阿青.
    assert jobs(su, Period(D(2023, 1, 1), D(2023, 12, 31))) == (1, 1)
    # A third placement of 阿花 does not change the count.
    PlacementFactory(person=emp.ahua, position=emp.pb, start=D(2024, 5, 1))
    assert jobs(su, Period(D(2024, 1, 1), D(2024, 12, 31))) == (2, 2)


def test_area_filter_and_api(emp, world, api):
    su = world.users["superuser"]
    t1 = world.t1
    assert kpis(user=su, area=t1)["rural_jobs"] == 1
    r = api("superuser", "get", "/kpis", {"area": "330112106", "from": "2023-01-01"})
    assert (r.json()["rural_jobs"], r.json()["low_income_jobs"]) == (1, 1)  # 阿青 in 昌化镇


def test_person_list_link_shows_the_same_people(emp, api):
    r = api("superuser", "get", "/people", {"employed": "true"})
    assert sorted(i["name"] for i in r.json()["items"]) == ["阿富", "阿花"]
    r = api(
        "superuser",
        "get",
        "/people",
        {"employed": "true", "from": "2023-01-01", "to": "2023-12-31"},
    )
    assert [i["name"] for i in r.json()["items"]] == ["阿青"]


def test_corrected_placements_do_not_count(emp, world):
    su = world.users["superuser"]
    # 阿富's confirmed placement is corrected by a confirmed one that ended in 2024.
    PlacementFactory(
        person=emp.afu, position=emp.pb, start=D(2024, 1, 1), end=D(2024, 6, 30),
        corrects=emp.afu_pb,
    )  # fmt: skip
    assert jobs(su) == (1, 1)
