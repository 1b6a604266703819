"""GET /api/v1/kpis: the registered figures for each role, narrowed by area and period.

Worked out by hand from tianmu/testing/world.py: A1 (5 core enterprises, paired with V1a in T1)
and A2 (1 core enterprise, paired with V2a in T2) in county A; AB (1 core enterprise, paired
with VB) in county B; all pairings open-ended from 2020-01-01.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tianmu.core.tests.api_client import EVERYONE, ApiClient
from tianmu.dashboard import selectors

pytestmark = pytest.mark.django_db

KEYS = ["alliances", "core_enterprises", "enterprises", "villages_paired"]


def figures(alliances, core, enterprises, villages):
    return dict(zip(KEYS, [alliances, core, enterprises, villages], strict=True))


NONE = figures(0, 0, 0, 0)
A1 = figures(1, 5, 5, 1)
A2_OR_AB = figures(1, 1, 1, 1)
BY_ROLE = {
    "superuser": figures(3, 7, 7, 3),
    "admin": figures(2, 6, 6, 2),
    "leader": figures(2, 6, 6, 2),
    "town": A1,
    "village": A1,
    "enterprise": A1,
    "bank": A1,
    "o_admin": A2_OR_AB,
    "o_leader": A2_OR_AB,
    "o_town": A2_OR_AB,
    "o_village": NONE,
    "o_enterprise": A2_OR_AB,
    "o_bank": A2_OR_AB,
}


def test_kpis_by_role(world):
    api = ApiClient(world)
    for who in EVERYONE:
        r = api(who, "get", "/kpis")
        assert r.status_code == 200, (who, r.content)
        assert {k: r.json()[k] for k in KEYS} == BY_ROLE[who], who


@pytest.mark.parametrize(
    ("who", "params", "expected"),
    [
        ("admin", {"area": "330112107"}, A1),  # town T1, short form
        ("admin", {"area": "330112107000"}, A1),
        ("admin", {"area": "330112"}, figures(2, 6, 6, 2)),
        ("superuser", {"area": "330111"}, A2_OR_AB),
        ("admin", {"to": "2019-12-31"}, NONE),  # before every pairing
        ("admin", {"from": "2021-01-01", "to": "2021-12-31"}, figures(2, 6, 6, 2)),
        ("admin", {"from": "2030-01-01"}, figures(2, 6, 6, 2)),  # open-ended: still active
        ("town", {"area": "330112107201", "from": "2020-01-01"}, A1),
    ],
)
def test_kpis_by_area_and_period(world, who, params, expected):
    r = ApiClient(world)(who, "get", "/kpis", params)
    assert r.status_code == 200, r.content
    assert {k: r.json()[k] for k in KEYS} == expected


def test_a_pairing_that_ended_is_a_stock_of_its_period_only(world):
    world.p2.end = datetime.date(2022, 12, 31)
    world.p2.save()
    api = ApiClient(world)
    assert api("admin", "get", "/kpis").json()["alliances"] == 1  # today
    r = api("admin", "get", "/kpis", {"from": "2022-06-01", "to": "2023-06-01"})
    assert r.json()["alliances"] == 2


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"area": "999999"}, 400, "area"),  # no such area
        ({"area": "330111"}, 400, "area"),  # county B: not the admin's to see
        ({"from": "2024-13-01"}, 422, "from"),
        ({"to": "yesterday"}, 422, "to"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, 400, "to"),
    ],
)
def test_bad_parameters(world, params, status, field):
    r = ApiClient(world)("admin", "get", "/kpis", params)
    assert r.status_code == status, r.content
    if status == 400:
        assert list(r.json()["errors"]) == [field]
        if field == "area":
            assert params["area"] in r.json()["errors"]["area"][0]
    else:
        assert r.json()["detail"][0]["loc"][-1] == field


def test_every_registered_kpi_is_served(world, monkeypatch):
    """A module that registers a figure appears in the API without touching it."""
    monkeypatch.setitem(
        selectors._KPIS,
        "test_sales_yuan",
        selectors.KpiSpec(fn=lambda ctx: Decimal("300000.5"), link="dashboard:home"),
    )
    body = ApiClient(world)("admin", "get", "/kpis").json()
    assert list(body) == selectors.kpi_keys()
    assert body["test_sales_yuan"] == "300000.50"
