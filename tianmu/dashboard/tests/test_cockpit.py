"""The cockpit: its cards are the figures of the area and period beside the previous period's,
its breakdown and trend are the figure's, and its map shows the user's villages."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client

from tianmu.dashboard.cockpit import change_of, period_of
from tianmu.dashboard.selectors import Period, kpi_keys, kpi_url, kpis
from tianmu.dashboard.tests.test_figures_equal_lists import figure_world

pytestmark = pytest.mark.django_db

D = datetime.date


def page(user, query=None, lang="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client.get("/cockpit/", query or {})


def test_periods_and_the_period_before():
    year = period_of("2025")
    assert year.current == Period(D(2025, 1, 1), D(2025, 12, 31))
    assert year.previous == Period(D(2024, 1, 1), D(2024, 12, 31))
    q1 = period_of("2025Q1")
    assert q1.current == Period(D(2025, 1, 1), D(2025, 3, 31))
    assert q1.previous == Period(D(2024, 10, 1), D(2024, 12, 31))
    march = period_of("2024-03")
    assert march.current == Period(D(2024, 3, 1), D(2024, 3, 31))
    assert march.previous == Period(D(2024, 2, 1), D(2024, 2, 29))
    custom = period_of("custom", D(2025, 1, 11), D(2025, 1, 20))
    assert custom.previous == Period(D(2025, 1, 1), D(2025, 1, 10))
    for bad in ("2025-13", "2025-3", "25", "2025Q5", "soon"):
        with pytest.raises(ValueError):
            period_of(bad)
    with pytest.raises(ValueError):
        period_of("custom", D(2025, 2, 1), D(2025, 1, 1))
    assert change_of(Decimal("150"), Decimal("100"))["percent"] == Decimal("50.0")
    assert change_of(3, 0)["percent"] is None and change_of(3, 0)["up"]


def test_the_cards_are_the_figures_of_the_period_and_the_one_before(world):
    figure_world(world)
    admin = world.users["admin"]
    r = page(admin, {"period": "2021"})
    assert r.status_code == 200
    cards = {c["key"]: c for c in r.context["cards"]}
    assert list(cards) == kpi_keys()
    now = kpis(user=admin, period=Period(D(2021, 1, 1), D(2021, 12, 31)), area=world.county)
    before = kpis(user=admin, period=Period(D(2020, 1, 1), D(2020, 12, 31)), area=world.county)
    for key, card in cards.items():
        assert card["value"] == now[key] and card["previous"] == before[key], key
        assert card["url"] == kpi_url(
            key, area_code=world.county.code, start=D(2021, 1, 1), end=D(2021, 12, 31)
        )
    assert cards["purchase_income_yuan"]["value"] == Decimal("321.45")
    html = r.content.decode()
    assert 'data-kpi="purchase_income_yuan"' in html and "echarts.min.js" in html


def test_the_breakdown_drills_down_and_the_map_shows_the_villages(world):
    figure_world(world)
    for village, (lat, lon) in ((world.v1a, (30.2, 119.5)), (world.v2a, (30.3, 119.1))):
        village.area.lat, village.area.lon = lat, lon
        village.area.save()
    admin = world.users["admin"]
    ever = {"period": "custom", "from": "2020-01-01", "to": "2026-12-31"}
    r = page(admin, {**ever, "figure": "purchase_income_yuan", "by": "child"})
    rows = r.context["rows"]
    assert rows[0]["name"] == "龙岗镇" and rows[0]["shown"] == "¥1,531.45"
    assert rows[0]["drill"].startswith("/cockpit/?") and "area=330112107000" in rows[0]["drill"]
    bar = json.loads(json.dumps(r.context["bar"]))  # as the page hands it to the chart
    assert bar["labels"][:1] == ["龙岗镇"] and bar["values"][0] == 1531.45

    town = page(admin, {**ever, "area": "330112107000", "figure": "purchase_income_yuan"})
    assert [a.name for a in town.context["chain"]] == ["临安区", "龙岗镇"]
    assert [r["name"] for r in town.context["rows"]][:1] == ["望湖村"]

    points = {p["name"]: p for p in r.context["map"]["points"]}
    assert set(points) == {"望湖村", "示例二村"}
    assert points["望湖村"]["value"] == 1 and points["望湖村"]["lon"] == 119.5
    coloured = page(admin, {**ever, "colour": "purchase_income_yuan"}).context["map"]["points"]
    assert {p["name"]: p["value"] for p in coloured} == {"望湖村": 1531.45, "示例二村": 0.0}

    by_alliance = page(admin, {**ever, "figure": "purchase_income_yuan", "by": "alliance"})
    assert [r["name"] for r in by_alliance.context["rows"]] == [world.a1.name]
    balance = page(admin, {"figure": "par30", "by": "alliance"})
    assert balance.context["level_error"] and "par30" in balance.context["level_error"]

    line = r.context["line"]
    assert len(line["labels"]) == 12 and len(line["series"]) == 2


def test_bad_input_is_said_and_the_page_still_shows(world):
    admin = world.users["admin"]
    r = page(admin, {"area": "330111", "period": "2025Q9"}, lang="zh-hans")
    assert r.status_code == 200
    shown = [str(m) for m in r.context["messages"]]
    assert any("330111" in m for m in shown) and any("2025Q9" in m for m in shown)
    assert r.context["area"] == world.county  # the admin's own county, not county B


def test_staff_start_on_the_cockpit_and_the_others_at_home(world):
    for role, target in (
        ("admin", "/cockpit/"),
        ("leader", "/cockpit/"),
        ("town", "/"),
        ("village", "/inbox/"),
        ("enterprise", "/inbox/"),
        ("bank", "/inbox/"),
    ):
        client = Client()
        client.force_login(world.users[role])
        assert client.get("/start/")["Location"] == target, role
    town = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    town.force_login(world.users["town"])
    r = town.get("/cockpit/")
    assert r.status_code == 200 and r.context["area"] == world.t1
    assert "驾驶舱" in r.content.decode()
