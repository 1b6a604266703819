"""Roles above the county: a province leader sees both counties of the test world, their
figures add up to the province's, and the cockpit opens at the province with its cities as
its children; the public figures stay per county, also under a city's programme."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.models import Program
from tianmu.core.context import acting_as
from tianmu.dashboard.selectors import Period, kpis, public_counties
from tianmu.dashboard.tests.test_figures_equal_lists import figure_world
from tianmu.registry.models import Village
from tianmu.registry.selectors import home_area

pytestmark = pytest.mark.django_db

D = datetime.date
EVER = Period(D(2020, 1, 1), D(2026, 12, 31))


@pytest.fixture
def province_leader(world):
    with acting_as(username="test-setup"):
        return UserFactory(username="leader_zj", role="leader", scope_area=world.province)


def _numbers(values: dict) -> dict:
    return {k: v for k, v in values.items() if isinstance(v, int | Decimal)}


def test_a_province_leader_sees_both_counties_and_their_figures_sum(world, province_leader):
    figure_world(world)
    from tianmu.core.scoping import visible_to

    assert set(visible_to(province_leader, Village)) == {world.v1a, world.v1b, world.v2a, world.vb}
    assert set(visible_to(province_leader, Program)) == {world.program, world.program_b}
    province = _numbers(kpis(user=province_leader, period=EVER))
    county_a = _numbers(kpis(user=world.users["leader"], period=EVER))
    county_b = _numbers(kpis(user=world.outsiders["leader"], period=EVER))
    assert province, "no countable figures"
    # Counts and sums over villages, alliances, people and money add up: a1, a2 and the ended
    # a3 in county A (the draft and the future a4 do not count) and ab in county B are four.
    summed = {k: county_a[k] + county_b[k] for k in province}
    assert province == summed
    assert (province["alliances"], county_a["alliances"], county_b["alliances"]) == (4, 3, 1)
    # The same figures for the province as an area of the province leader's view.
    assert _numbers(kpis(user=province_leader, period=EVER, area=world.county)) == county_a


def test_the_province_leaders_cockpit_opens_at_the_province_with_its_cities(world, province_leader):
    assert home_area(province_leader) == world.province
    assert home_area(world.users["leader"]) == world.county  # a county's leader as before
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(province_leader)
    r = client.get("/cockpit/", {"figure": "alliances", "by": "child"})
    assert r.status_code == 200
    assert r.context["area"] == world.province
    assert [row["name"] for row in r.context["rows"]] == ["杭州市"]
    # One level down: the city, with both counties.
    r = client.get("/cockpit/", {"area": "3301", "figure": "alliances", "by": "child"})
    assert r.status_code == 200 and r.context["area"] == world.city
    rows = {row["name"]: row["value"] for row in r.context["rows"]}
    assert rows == {"临安区": 2, "富阳区": 1}


def test_public_figures_stay_per_county_also_under_a_city_programme(world):
    from tianmu.registry.tests.factories import AreaFactory

    with acting_as(username="test-setup"):
        huzhou = AreaFactory(
            name="湖州市", level="city", code="330500000000", parent=world.province
        )
        anji = AreaFactory(name="安吉县", level="county", code="330523000000", parent=huzhou)
        assert list(public_counties()) == [world.county_b, world.county]
        # A city's programme makes each of its counties public, each on its own.
        Program.objects.create(name="山海协作", area=huzhou, start=D(2024, 1, 1))
    assert list(public_counties()) == [world.county_b, world.county, anji]
    r = Client().get("/api/v1/public/kpis", {"area": "330523"})
    assert r.status_code == 200, r.content
    assert r.json()["alliances"] == 0 and r.json()["villages_paired"] == 0
    # The city itself is no county: the public figures stay per county.
    assert Client().get("/api/v1/public/kpis", {"area": "3305"}).status_code == 400
