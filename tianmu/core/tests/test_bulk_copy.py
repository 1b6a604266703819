"""Large bulk writes on PostgreSQL go in by COPY and log exactly what INSERTs would."""

from __future__ import annotations

import pytest
from django.db import connection

from tianmu.core import bulk
from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange, snapshot
from tianmu.registry.models import Organization


@pytest.mark.django_db
@pytest.mark.parametrize("copy_from", [1, 10**9], ids=["copy", "insert"])
def test_bulk_writes_log_every_row_whichever_way_they_go_in(world, monkeypatch, copy_from):
    if copy_from == 1 and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    before = ObjectChange.objects.count()
    objs = [
        Organization(kind="enterprise", name=f"批量企业{i}", home_town=world.t1, capabilities=["x"])
        for i in range(30)
    ]
    with acting_as(username="bulk-test"):
        created = bulk.bulk_create_logged(Organization, objs)
        assert all(o.pk for o in created)
        stored = {o.pk: o for o in Organization.objects.filter(pk__in=[o.pk for o in created])}
        assert len(stored) == 30 and stored[created[3].pk].name == "批量企业3"
        assert stored[created[3].pk].capabilities == ["x"]
        logs = ObjectChange.objects.filter(pk__gt=0).order_by("pk")[before:]
        assert len(logs) == 30
        assert {c.object_id for c in logs} == {str(o.pk) for o in created}
        assert all(c.user_name == "bulk-test" and c.action == "create" for c in logs)
        log = next(c for c in logs if c.object_id == str(created[3].pk))
        assert log.after == snapshot(stored[created[3].pk])

        befores = {o.pk: snapshot(o) for o in created}
        for o in created:
            o.employees = 7
        bulk.bulk_update_logged(Organization, created, ["employees"], befores)
    assert Organization.objects.filter(pk__in=[o.pk for o in created], employees=7).count() == 30
    updates = ObjectChange.objects.filter(action="update", user_name="bulk-test")
    assert updates.count() == 30
    one = updates.get(object_id=str(created[0].pk))
    assert one.before["employees"] != 7 and one.after["employees"] == 7
