"""The change log: who, when, request id, before/after; nothing can edit it."""

import pytest
from django.core.exceptions import ValidationError

from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.services import NotFound, object_save
from tianmu.registry.models import Area, Organization

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded(world):
    admin = world.users["admin"]
    with acting_as(admin, request_id="req-1"):
        area = object_save(
            user=admin,
            instance=Area(name="新村", level="village", code="330112107209", parent=world.t1),
        )
        area.name = "新新村"
        object_save(user=admin, instance=area)
        area.delete()
    rows = list(ObjectChange.objects.filter(object_id=str(area.pk or 0)) or [])
    rows = list(ObjectChange.objects.filter(request_id="req-1").order_by("id"))
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert all(r.user_id == admin.pk and r.user_name == "admin_a" for r in rows)
    assert rows[0].before is None and rows[0].after["name"] == "新村"
    assert rows[1].before["name"] == "新村" and rows[1].after["name"] == "新新村"
    assert rows[1].diff() == [("name", "新村", "新新村")]
    assert rows[2].after is None


def test_a_save_that_changes_nothing_is_not_logged(world):
    before = ObjectChange.objects.count()
    world.e1.save()
    assert ObjectChange.objects.count() == before


def test_many_to_many_changes_are_logged(world):
    with acting_as(world.users["admin"]):
        world.bank.service_area.set([world.t1, world.t2])
    row = ObjectChange.objects.filter(object_id=str(world.bank.pk)).latest("id")
    assert row.before == {"service_area": []}
    assert row.after == {"service_area": sorted([world.t1.pk, world.t2.pk])}


def test_the_log_cannot_be_edited(world):
    row = ObjectChange.objects.first()
    row.user_name = "someone else"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        ObjectChange.objects.all().update(user_name="x")
    with pytest.raises(PermissionError):
        ObjectChange.objects.all().delete()


def test_invalid_credit_code_is_refused_and_nothing_written(world):
    admin = world.users["admin"]
    before = (Organization.objects.count(), ObjectChange.objects.count())
    org = Organization(
        kind="enterprise", name="坏代码公司", credit_code="91330112MA2BAD000X", home_town=world.t1
    )
    with pytest.raises(ValidationError) as exc:
        object_save(user=admin, instance=org)
    assert "not a valid unified social credit code" in exc.value.message_dict["credit_code"][0]
    assert (Organization.objects.count(), ObjectChange.objects.count()) == before


def test_village_code_must_have_12_digits(world):
    admin = world.users["admin"]
    before = Area.objects.count()
    with pytest.raises(ValidationError) as exc:
        object_save(
            user=admin,
            instance=Area(name="短码村", level="village", code="33011210720", parent=world.t1),
        )
    assert "exactly 12 digits" in exc.value.message_dict["code"][0]
    assert Area.objects.count() == before


def test_placement_outside_scope_is_rolled_back(world):
    """A town officer cannot create an area, nor move an organisation to another town."""
    town = world.users["town"]
    e = Organization.objects.get(pk=world.e1.pk)
    e.home_town = world.t2
    before = ObjectChange.objects.count()
    with pytest.raises(NotFound):
        object_save(user=town, instance=e)
    assert Organization.objects.get(pk=e.pk).home_town_id == world.t1.pk
    assert ObjectChange.objects.count() == before


def test_area_paths_follow_moves(world):
    admin = world.users["superuser"]
    t1 = Area.objects.get(pk=world.t1.pk)
    t1.parent = world.county_b
    object_save(user=admin, instance=t1)
    v = Area.objects.get(pk=world.v1a.area.pk)
    assert v.ancestor_ids() == [world.province.pk, world.city.pk, world.county_b.pk, t1.pk]
