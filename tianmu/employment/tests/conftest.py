"""A small employment world on top of the shared test world (see `emp` below)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tianmu.core.context import acting_as
from tianmu.core.tests.api_client import ApiClient
from tianmu.employment.tests.factories import (
    MonthlyEarningFactory,
    PersonFactory,
    PlacementFactory,
    PositionFactory,
    WorkshopFactory,
    make_id_number,
)

D = datetime.date


@pytest.fixture
def api(world):
    return ApiClient(world)


@pytest.fixture
def emp(world):
    """Workshops: W1 (e1, linked to 望湖村 v1a), W2 (e_other, 示例二村 v2a), WB (county B).

    People: 阿花 (v1a, low-income, with an ID number), 阿明 (v1a), 阿青 (v2a, low-income),
    阿富 (vb, county B). Placements: 阿花 in P1 from 2024 (open, confirmed) and in P2 for
    Mar–Dec 2024 (confirmed); 阿明 in P1 reported only; 阿青 in P2 for 2023 (confirmed,
    ended); 阿富 in PB from 2024 (confirmed). Earnings: 阿花 2,500 a month in P1 during 2024
    plus 1,000 in P2 (March 2024) = 31,000 for 2024, and 2,600 in January 2025; 阿明 1,000
    (unconfirmed placement, not counted).
    """
    w = world
    e = SimpleNamespace()
    with acting_as(username="test-setup"):
        e.w1 = WorkshopFactory(
            name="天目共富岗", enterprise=w.e1, town=w.t1, alliance=w.a1, villages=[w.v1a]
        )
        e.w2 = WorkshopFactory(name="昌化工坊", enterprise=w.e_other, town=w.t2, villages=[w.v2a])
        e.wb = WorkshopFactory(name="富阳工坊", enterprise=w.e_b, town=w.tb, villages=[w.vb])
        e.p1 = PositionFactory(workshop=e.w1, title="装配工")
        e.p2 = PositionFactory(workshop=e.w2, title="包装工", pay_basis="hour")
        e.pb = PositionFactory(workshop=e.wb, title="富阳岗")
        e.ahua = PersonFactory(
            name="阿花",
            village=w.v1a,
            low_income=True,
            gender="f",
            birth_year=1980,
            id_number=make_id_number(2, born="19800101"),
            phone="13812345678",
        )
        e.aming = PersonFactory(name="阿明", village=w.v1a)
        e.aqing = PersonFactory(name="阿青", village=w.v2a, low_income=True)
        e.afu = PersonFactory(name="阿富", village=w.vb, low_income=True)
        e.ahua_p1 = PlacementFactory(person=e.ahua, position=e.p1, start=D(2024, 1, 1))
        e.ahua_p2 = PlacementFactory(
            person=e.ahua, position=e.p2, start=D(2024, 3, 1), end=D(2024, 12, 31)
        )
        e.aming_p1 = PlacementFactory(
            person=e.aming, position=e.p1, start=D(2024, 6, 1), confirmation="reported"
        )
        e.aqing_p2 = PlacementFactory(
            person=e.aqing, position=e.p2, start=D(2023, 1, 1), end=D(2023, 12, 31)
        )
        e.afu_pb = PlacementFactory(person=e.afu, position=e.pb, start=D(2024, 1, 1))
        for month in range(1, 13):
            MonthlyEarningFactory(
                placement=e.ahua_p1, month=D(2024, month, 1), amount_yuan=Decimal("2500")
            )
        MonthlyEarningFactory(placement=e.ahua_p2, month=D(2024, 3, 1), amount_yuan=1000)
        MonthlyEarningFactory(placement=e.ahua_p1, month=D(2025, 1, 1), amount_yuan=2600)
        MonthlyEarningFactory(placement=e.aming_p1, month=D(2024, 6, 1), amount_yuan=1000)
    return e
