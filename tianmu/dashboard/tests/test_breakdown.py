"""Breakdowns and trends are the figure itself, split: every child area's part is that area's
figure, a flow's parts (children, alliances, enterprises, months) add up to the whole, and the
API answers bad input with a message naming the field."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tianmu.core.kpis import breakdown, periods_between, splits_by, trend
from tianmu.core.tests.api_client import ApiClient
from tianmu.dashboard.selectors import Period, kpi_keys, kpi_spec, kpis
from tianmu.dashboard.tests.test_figures_equal_lists import figure_world
from tianmu.registry.models import Area

pytestmark = pytest.mark.django_db

D = datetime.date
PERIODS = [Period(None, None), Period(D(2021, 1, 1), D(2022, 12, 31)), Period(D(2024, 1, 1), None)]
#: Balances, computed from the loan book: split by area only.
BY_AREA_ONLY = {"loans_outstanding_yuan", "par30"}


def _summable(key):
    spec = kpi_spec(key)
    return spec.fn is None and spec.kind == "flow"


@pytest.mark.parametrize("role", ["admin", "town"])
def test_each_child_is_its_own_figure_and_a_flows_parts_add_up(world, role):
    figure_world(world)
    user = world.users[role]
    for period in PERIODS:
        home = world.county if role == "admin" else world.t1
        # The figures of the user's own area (a town officer also sees the records beyond
        # the town that its records lead to, e.g. other villages joining its projects).
        whole = kpis(user=user, period=period, area=home)
        for key in kpi_keys():
            result = breakdown(key, user=user, by="child", period=period)
            # The user's own area: the county for its admin, the town for its officer.
            assert result.area == home
            assert result.total == whole[key], (key, period)
            for item in result.items:
                if item.code is None:
                    continue
                child = Area.objects.get(code=item.code)
                assert child.parent == result.area
                assert item.value == kpis(user=user, period=period, area=child)[key], key
            if _summable(key):
                assert sum(i.value for i in result.items) == result.total, (key, period)
            for by in ("alliance", "enterprise"):
                try:
                    parts = breakdown(key, user=user, by=by, period=period)
                except ValueError:
                    assert key in BY_AREA_ONLY or by == "enterprise", (key, by)
                    assert not splits_by(key, by), (key, by)  # the rule says so beforehand
                    continue
                assert splits_by(key, by), (key, by)
                if _summable(key):
                    assert sum(i.value for i in parts.items) == parts.total, (key, by)


def test_a_breakdown_by_hand(world):
    """Payments of e1 at v1a (paired with a1 since 2020): 1,210.00 now and 321.45 in 2021;
    the county's towns: 龙岗镇 has v1a and v1b, 昌化镇 v2a."""
    f = figure_world(world)
    admin = world.users["admin"]
    by_alliance = breakdown("purchase_income_yuan", user=admin, by="alliance")
    assert [(i.id, i.value) for i in by_alliance.items] == [(world.a1.pk, Decimal("1531.45"))]
    assert by_alliance.items[0].url == f"/alliances/{world.a1.pk}/"
    by_enterprise = breakdown("purchase_income_yuan", user=admin, by="enterprise")
    assert [(i.id, i.name) for i in by_enterprise.items] == [(world.e1.pk, world.e1.name)]

    towns = breakdown("purchase_income_yuan", user=admin, by="child")
    assert [(i.name, i.value) for i in towns.items] == [
        ("龙岗镇", Decimal("1531.45")),
        ("昌化镇", Decimal("0.00")),
    ]
    assert towns.items[0].url.startswith("/commerce/payments/income/?")
    assert "area=330112107000" in towns.items[0].url

    # Events: 2021 at v1a (a1's), 2024 at v2a (a2's), 2099 at v1b (a4's from 2099), none with
    # an alliance of its own: each is its village's alliance's on the day.
    events = breakdown("events", user=admin, by="alliance")
    assert sorted((i.id, i.value) for i in events.items) == sorted(
        [(world.a1.pk, 1), (world.a2.pk, 1), (f.a4.pk, 1)]
    )
    # Loans are credited to the lending bank.
    loans = breakdown("loans_disbursed_yuan", user=admin, by="enterprise")
    assert [(i.id, i.value) for i in loans.items] == [(world.bank.pk, Decimal("1300000.00"))]
    # People to their workshop's enterprise: one in a confirmed job today, of e1's workshop.
    jobs = breakdown("rural_jobs", user=admin, by="enterprise")
    assert [(i.id, i.value) for i in jobs.items] == [(world.e1.pk, 1)]


def test_what_no_alliance_is_credited_with_is_one_item(world):
    """The 2021 event at v1b, paired with nobody then, is 'not attributed'."""
    from tianmu.core.context import acting_as
    from tianmu.events.tests.factories import EventFactory

    with acting_as(username="test-setup"):
        EventFactory(village=world.v1b, date=D(2021, 6, 1))
    result = breakdown("events", user=world.users["admin"], by="alliance")
    assert result.total == 1
    assert [(i.id, i.code, i.value) for i in result.items] == [(None, None, 1)]


def test_a_trend_is_the_figure_for_each_period_and_a_flow_adds_up(world):
    figure_world(world)
    admin = world.users["admin"]
    period = Period(D(2021, 2, 15), D(2024, 12, 31))
    for interval in ("month", "quarter", "year"):
        for key in kpi_keys():
            items = trend(key, user=admin, interval=interval, period=period)
            assert items[0].start == period.start and items[-1].end == period.end
            if _summable(key):
                whole = kpis(user=admin, period=period)[key]
                assert sum(i.value for i in items) == whole, (key, interval)
    years = trend("purchase_income_yuan", user=admin, interval="year", period=period)
    assert [i.period for i in years] == ["2021", "2022", "2023", "2024"]
    assert years[0].value == Decimal("321.45")
    assert years[0].url.endswith("from=2021-02-15&to=2021-12-31")


def test_periods_are_labelled_and_clipped():
    parts = list(periods_between("quarter", D(2025, 2, 10), D(2025, 7, 1)))
    assert parts == [
        ("2025Q1", D(2025, 2, 10), D(2025, 3, 31)),
        ("2025Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("2025Q3", D(2025, 7, 1), D(2025, 7, 1)),
    ]
    months = list(periods_between("month", D(2024, 12, 1), D(2025, 1, 31)))
    assert [m[0] for m in months] == ["2024-12", "2025-01"]


def test_the_api_shapes_and_its_refusals(world):
    figure_world(world)
    api = ApiClient(world)
    r = api("admin", "get", "/kpis/breakdown", {"key": "purchase_income_yuan", "by": "child"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["key"] == "purchase_income_yuan" and body["by"] == "child"
    assert body["total"] == "1531.45" and body["area"] == "330112000000"
    assert body["items"][0] == {
        "code": "330112107000",
        "name": "龙岗镇",
        "value": "1531.45",
        "url": body["items"][0]["url"],
    }
    r = api("admin", "get", "/kpis/breakdown", {"key": "events", "by": "alliance"})
    assert {"id", "name", "value", "url"} == set(r.json()["items"][0])

    r = api(
        "admin",
        "get",
        "/kpis/trend",
        {"key": "events", "interval": "year", "from": "2021-01-01", "to": "2024-12-31"},
    )
    assert r.status_code == 200
    assert [(i["period"], i["value"]) for i in r.json()["items"]] == [
        ("2021", 1),
        ("2022", 0),
        ("2023", 0),
        ("2024", 1),
    ]
    default = api("admin", "get", "/kpis/trend", {"key": "events"}).json()
    assert default["interval"] == "month" and len(default["items"]) == 12

    refusals = [
        ("/kpis/breakdown", {"key": "nope", "by": "child"}, "key"),
        ("/kpis/breakdown", {"key": "events", "by": "street"}, "by"),
        ("/kpis/breakdown", {"key": "par30", "by": "alliance"}, "by"),
        ("/kpis/breakdown", {"key": "events", "by": "child", "area": "330111"}, "area"),
        ("/kpis/trend", {"key": "nope"}, "key"),
        ("/kpis/trend", {"key": "events", "interval": "week"}, "interval"),
        ("/kpis/trend", {"key": "events", "from": "2099-01-01"}, "to"),
        ("/kpis/trend", {"key": "events", "from": "1900-01-01", "to": "2024-01-01"}, "from"),
    ]
    for path, params, field in refusals:
        for lang in ("en", "zh-hans"):
            r = api("admin", "get", path, params, lang=lang)
            assert r.status_code == 400, (path, params)
            assert list(r.json()["errors"]) == [field], (path, params, r.json())
    r = api("admin", "get", "/kpis/breakdown", {"key": "par30", "by": "alliance"}, lang="zh-hans")
    assert "par30" in r.json()["errors"]["by"][0]


def test_the_catalogue_and_the_registry_agree_on_stock_and_flow():
    """What the cockpit and the breakdown add up (flows) is what the 口径表 calls a flow."""
    from tianmu.core.indicators import indicator

    assert {k: indicator(k).kind for k in kpi_keys()} == {k: kpi_spec(k).kind for k in kpi_keys()}
