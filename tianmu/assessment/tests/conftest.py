"""A tiny scored world: the test world's two alliances of programme P with events of 2024.

A1 (paired with 望湖村 in 龙岗镇) held 3 events in 2024, A2 (示例二村, 昌化镇) held 1; each
alliance has one paired village. The scheme weighs events 60 (target 4) and paired villages
40 (target 1), so by hand:
  A1: min(3/4, 1) × 60 = 45, + 1/1 × 40 = 40 → 85 (良好, rank 1)
  A2: min(1/4, 1) × 60 = 15, + 40 → 55 (不合格, rank 2)
and the same for the towns 龙岗镇 (85) and 昌化镇 (55).
"""

import datetime

import pytest

from tianmu.assessment.models import AssessmentScheme
from tianmu.assessment.services import scheme_save
from tianmu.core.context import acting_as
from tianmu.events.tests.factories import EventFactory

D = datetime.date
INDICATORS = [
    {"indicator": "events", "weight": 60, "target": 4},
    {"indicator": "villages_paired", "weight": 40, "target": 1},
]


@pytest.fixture
def scored(world):
    with acting_as(username="test-setup"):
        for day in (D(2024, 3, 1), D(2024, 6, 1), D(2024, 9, 1)):
            EventFactory(village=world.v1a, alliance=world.a1, date=day, organizations=[world.e1])
        EventFactory(village=world.v2a, alliance=world.a2, date=D(2024, 5, 1))
        EventFactory(village=world.v1a, alliance=world.a1, date=D(2023, 5, 1))  # another year
        EventFactory(village=world.vb, alliance=world.ab, date=D(2024, 5, 1))  # county B
    scheme = scheme_save(
        user=world.users["admin"],
        scheme=AssessmentScheme(program=world.program, name="2024 考核", indicators=INDICATORS),
    )
    world.scheme = scheme
    return world
