"""Alert / normal / excellent by a programme's thresholds (what cards and the map colour by)."""

from decimal import Decimal as D

import pytest

from tianmu.assessment.selectors import figure_statuses, status_of
from tianmu.assessment.services import threshold_set

EVENTS = {"indicator": "events", "alert": 10, "excellence": 30, "higher_is_better": True}
PAR30 = {"indicator": "par30", "alert": "0.05", "excellence": "0.01", "higher_is_better": False}


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("events", 9, "alert"),
        ("events", 10, "normal"),
        ("events", 29, "normal"),
        ("events", 30, "excellent"),
        ("par30", "0.0600", "alert"),
        ("par30", "0.0500", "normal"),
        ("par30", "0.0200", "normal"),
        ("par30", "0.0100", "excellent"),
        ("rural_jobs", 5, None),  # no threshold for it
        ("events", None, None),
    ],
)
def test_status_by_hand(key, value, status):
    assert status_of(key, value, [EVENTS, PAR30]) == status


@pytest.mark.django_db
def test_figure_statuses_use_the_users_programmes(world):
    threshold_set(user=world.users["admin"], program=world.program, indicator="events",
                  alert=D(10), excellence=D(30))  # fmt: skip
    values = {"events": 31, "par30": "0.0200"}
    assert figure_statuses(world.users["town"], values) == {"events": "excellent", "par30": None}
    assert figure_statuses(world.outsiders["leader"], values) == {"events": None, "par30": None}
