"""The test world made ready for matching: coordinates, and five enterprises still free.

In the plain world every enterprise of county A is already core in A1 or A2, so the one
unpaired village (示例一村, in 龙岗镇 with its chamber) gets these five, 龙岗镇商会 and the bank.
"""

import pytest

from tianmu.core.context import acting_as
from tianmu.registry.tests.factories import OrganizationFactory


@pytest.fixture
def mworld(world):
    with acting_as(username="test-setup"):
        coords = [
            (world.county, 30.233, 119.725),
            (world.t1, 30.215, 119.030),
            (world.t2, 30.162, 119.228),
            (world.county_b, 30.05, 119.95),
            (world.tb, 30.05, 119.95),
        ]
        for area, lat, lon in coords:
            area.lat, area.lon = lat, lon
            area.save()
        world.free = [
            OrganizationFactory(
                home_town=world.t1 if i < 3 else world.t2,
                capabilities=["农产品收购", "就业岗位"] if i % 2 else ["技术指导"],
                industry=["电子", "食品", "机械"][i % 3],
                employees=100 * (i + 1),
            )
            for i in range(5)
        ]
        world.v1b.development_needs = ["农产品收购", "技术指导"]
        world.v1b.main_products = ["蔬菜"]
        world.v1b.save()
    return world
