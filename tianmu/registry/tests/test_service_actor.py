"""Registry services called outside any request name their user in the change log."""

import pytest

from tianmu.registry import services
from tianmu.registry.models import Area, Village
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db


def test_a_village_outside_a_request_names_its_user(world):
    admin, town = world.users["admin"], world.users["town"]
    with logged_changes() as rows:
        village = services.village_save(
            user=admin,
            village=Village(population=800),
            area=Area(name="新建村", code="330112107209", parent=world.t1),
        )
    assert changed_models(rows) == [("area", "create"), ("village", "create")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}

    village = Village.objects.get(pk=village.pk)
    village.population = 820
    with logged_changes() as rows:
        services.village_save(user=town, village=village, area=village.area)
    assert changed_models(rows) == [("village", "update")]
    assert change_authors(rows) == {(town.pk, "town_t1")}

    with logged_changes() as rows:
        services.village_delete(user=admin, village=village)
    assert changed_models(rows) == [("village", "delete"), ("area", "delete")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}
