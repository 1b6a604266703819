"""Key figures are cached, and any change to domain data makes them count afresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.core.kpis import kpis
from tianmu.events.tests.factories import EventFactory


@pytest.mark.django_db
def test_a_cached_figure_moves_with_the_next_change(world, settings):
    settings.TIANMU_KPI_CACHE_SECONDS = 30
    admin, other = world.users["admin"], world.outsiders["admin"]
    first, theirs = kpis(user=admin), kpis(user=other)
    with CaptureQueriesContext(connection) as ctx:
        assert kpis(user=admin) == first
    assert len(ctx.captured_queries) <= 3  # the scope and the newest change id, no counting
    EventFactory(village=world.v1a, alliance=world.a1)
    assert kpis(user=admin)["events"] == first["events"] + 1
    # Each scope has its own entry: county B's admin does not see county A's event.
    assert kpis(user=other)["events"] == theirs["events"]


@pytest.mark.django_db
def test_no_cache_when_turned_off(world, settings):
    settings.TIANMU_KPI_CACHE_SECONDS = 0
    admin = world.users["admin"]
    kpis(user=admin)
    with CaptureQueriesContext(connection) as ctx:
        kpis(user=admin)
    assert len(ctx.captured_queries) > 5
