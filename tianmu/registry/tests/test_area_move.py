"""Moving an area carries its subtree along in one UPDATE, whatever the subtree's size, and
the change log records the move once, on the moved area."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.core.models import ObjectChange
from tianmu.core.scoping import visible_to
from tianmu.core.services import object_save
from tianmu.registry.models import Area, Village
from tianmu.registry.tests.factories import AreaFactory, VillageFactory
from tianmu.testing.world import acting_as

pytestmark = pytest.mark.django_db


def _move(user, area: Area, parent: Area) -> list[dict]:
    """Move `area` under `parent` through the service; the queries it ran."""
    area = Area.objects.get(pk=area.pk)
    area.parent = parent
    with CaptureQueriesContext(connection) as ctx:
        object_save(user=user, instance=area)
    return ctx.captured_queries


def _area_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "registry_area"')]


def _paths_follow_parents() -> None:
    for area in Area.objects.select_related("parent"):
        expected = area.parent.path + f"{area.parent_id}/" if area.parent_id else "/"
        assert area.path == expected, area


def test_a_move_updates_the_subtree_in_one_statement(world):
    root = world.users["superuser"]
    # A second town with more villages than the first: the statements must be the same.
    with acting_as(username="test-setup"):
        big = AreaFactory(name="大镇", level="town", code="330112108000", parent=world.county)
        for i in range(6):  # village areas with their profiles, like the first town's
            VillageFactory(
                area=AreaFactory(
                    name=f"大镇{i}村", level="village", code=f"330112108{201 + i}", parent=big
                )
            )
    small_queries = _move(root, world.t1, world.county_b)
    big_queries = _move(root, big, world.county_b)
    # The area itself, then its whole subtree: two UPDATEs of the area table, however many
    # descendants (2 villages, then 6).
    assert len(_area_updates(small_queries)) == 2
    assert len(_area_updates(big_queries)) == 2
    assert len(big_queries) == len(small_queries)
    _paths_follow_parents()
    prefix = world.county_b.subtree_prefix()
    moved = Area.objects.filter(parent__in=[world.t1, big])
    assert moved.count() == 8 and all(a.path.startswith(prefix) for a in moved)


def test_a_move_is_recorded_once_and_changes_who_sees_the_subtree(world):
    before = ObjectChange.objects.count()
    _move(world.users["superuser"], world.t1, world.county_b)
    changes = ObjectChange.objects.order_by("pk")[before:]
    area_type = ContentType.objects.get_for_model(Area)
    assert [(c.content_type_id, c.object_id) for c in changes] == [(area_type.id, str(world.t1.pk))]
    change = changes[0]
    assert change.before["parent_id"] == world.county.pk
    assert change.after["parent_id"] == world.county_b.pk
    # The scope follows the paths: county B's admin now sees the town's villages, A's not.
    assert visible_to(world.outsiders["admin"], Village).filter(pk=world.v1a.pk).exists()
    assert not visible_to(world.users["admin"], Village).filter(pk=world.v1a.pk).exists()


def test_a_save_that_does_not_move_touches_no_descendant(world):
    area = Area.objects.get(pk=world.t1.pk)
    area.name = "龙岗镇（新）"
    with CaptureQueriesContext(connection) as ctx:
        object_save(user=world.users["superuser"], instance=area)
    assert len(_area_updates(ctx.captured_queries)) == 1
    _paths_follow_parents()
