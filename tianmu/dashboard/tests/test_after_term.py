"""`alliances_active_after_term`, by hand (docs/figures.md#after-the-term).

On the test world (a1, a2 paired since 2020 and not ended), in five new villages of 龙岗镇:
- 延续联盟 (a3): pairing 2021-01-01 – 2022-06-30; events of the alliance on 2022-09-01 and
  2023-05-01 → active after its term;
- 采购联盟 (a6): pairing 2021-01-01 – 2023-03-31; its member's confirmed 共富购 payment to the
  village on 2024-06-01 → active after its term;
- 停止联盟 (a5): pairing ended 2022-06-30, its only event on 2022-05-01 (during the term);
- 待确认联盟 (a7): pairing ended 2022-06-30, a payment after it only reported (unconfirmed);
- a draft with a pairing ended 2022-06-30 and an event after it: a draft never counts.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from tianmu.alliances.tests.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    PairingFactory,
)
from tianmu.commerce.tests.factories import PaymentFactory, PurchaseOrderFactory
from tianmu.core.context import acting_as
from tianmu.dashboard.selectors import Period, kpi_url, kpis
from tianmu.events.tests.factories import EventFactory
from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory, VillageFactory

pytestmark = pytest.mark.django_db

D = datetime.date
KEY = "alliances_active_after_term"


@pytest.fixture
def terms(world):
    w = world
    made = {}
    with acting_as(username="test-setup"):
        for i, (name, end, status) in enumerate(
            (
                ("延续联盟", D(2022, 6, 30), "ended"),
                ("采购联盟", D(2023, 3, 31), "ended"),
                ("停止联盟", D(2022, 6, 30), "ended"),
                ("待确认联盟", D(2022, 6, 30), "ended"),
                ("草稿联盟", D(2022, 6, 30), "draft"),
            )
        ):
            area = AreaFactory(
                name=f"期满{i}村", level="village", code=f"330112107{230 + i}", parent=w.t1
            )
            village = VillageFactory(area=area)
            alliance = AllianceFactory(program=w.program, name=name, status=status)
            member = OrganizationFactory(home_town=w.t1)
            AllianceMemberFactory(
                alliance=alliance, organization=member, role="core", start=D(2021, 1, 1), end=end
            )
            PairingFactory(alliance=alliance, village=village, start=D(2021, 1, 1), end=end)
            made[name] = (alliance, village, member)
        a3, v3, _m = made["延续联盟"]
        EventFactory(alliance=a3, village=v3, date=D(2022, 9, 1))
        EventFactory(alliance=a3, village=v3, date=D(2023, 5, 1))
        a6, v6, m6 = made["采购联盟"]
        order = PurchaseOrderFactory(enterprise=m6, village=v6, placed_on=D(2024, 5, 1))
        PaymentFactory(order=order, amount_yuan=Decimal("88.00"), date=D(2024, 6, 1))
        a5, v5, _m = made["停止联盟"]
        EventFactory(alliance=a5, village=v5, date=D(2022, 5, 1))
        a7, v7, m7 = made["待确认联盟"]
        order = PurchaseOrderFactory(enterprise=m7, village=v7, placed_on=D(2023, 1, 5))
        PaymentFactory(
            order=order, amount_yuan=Decimal("50.00"), date=D(2023, 1, 9), confirmation="reported"
        )
        draft, vd, _m = made["草稿联盟"]
        EventFactory(alliance=draft, village=vd, date=D(2023, 5, 1))
    return {name: a for name, (a, _v, _m) in made.items()}


def _listed(user, url) -> set[str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200, url
    return {a.name for a in page.context["filterset"].qs}


@pytest.mark.parametrize(
    "period, expected",
    [
        (Period(None, None), {"延续联盟", "采购联盟"}),
        (Period(D(2022, 1, 1), D(2022, 12, 31)), {"延续联盟"}),  # its event of 2022-09-01
        (Period(D(2023, 1, 1), D(2023, 12, 31)), set()),  # 采购联盟's payment is in 2024
        (Period(D(2023, 1, 1), None), {"采购联盟"}),
        (Period(None, D(2022, 8, 31)), set()),  # ended by then, but nothing after yet
    ],
)
def test_the_figure_by_hand_equals_its_list(world, terms, period, expected):
    admin = world.users["admin"]
    assert kpis(user=admin, period=period)[KEY] == len(expected)
    url = kpi_url(KEY, start=period.start, end=period.end)
    assert "after_term=true" in url
    assert _listed(admin, url) == expected


def test_the_area_is_the_ended_pairings_village(world, terms):
    admin = world.users["admin"]
    assert kpis(user=admin, area=world.t1)[KEY] == 2
    assert kpis(user=admin, area=world.t2)[KEY] == 0
    town_b = world.outsiders["admin"]  # another county sees none of them
    assert kpis(user=town_b)[KEY] == 0


def test_after_term_false_lists_the_others(world, terms):
    admin = world.users["admin"]
    names = _listed(admin, "/alliances/?after_term=false")
    assert "延续联盟" not in names and "停止联盟" in names and "望湖村共富联盟" in names
