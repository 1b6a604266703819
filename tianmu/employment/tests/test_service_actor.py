"""Employment services called outside any request name their user in the change log."""

import datetime
from decimal import Decimal

import pytest

from tianmu.core.workflow import record_confirm
from tianmu.employment import services
from tianmu.employment.models import Person, Placement, Position, Workshop
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_workshop_and_a_placement_outside_a_request_name_each_user(world):
    admin, ent, village = world.users["admin"], world.users["enterprise"], world.users["village"]
    with logged_changes() as rows:
        workshop = services.workshop_save(
            user=admin,
            workshop=Workshop(
                name="望湖工坊", kind="outsourced", enterprise=world.e1, town=world.t1
            ),
            villages=[world.v1a],
        )
        position = services.position_save(
            user=admin,
            position=Position(
                workshop=workshop, title="包装工", headcount=5, pay_basis="piece",
                employment_type="fixed",
            ),
        )  # fmt: skip
        person = services.person_save(
            user=admin, person=Person(name="阿兰", household="户1", village=world.v1a)
        )
    assert changed_models(rows) == [
        ("workshop", "create"),
        ("workshop", "update"),  # its villages
        ("position", "create"),
        ("person", "create"),
    ]
    assert change_authors(rows) == {(admin.pk, "admin_a")}

    with logged_changes() as rows:
        placement = services.placement_report(
            user=ent, placement=Placement(person=person, position=position, start=D(2024, 2, 1))
        )
    assert changed_models(rows) == [("placement", "create")]
    assert change_authors(rows) == {(ent.pk, "ent_e1")}
    assert placement.reported_side == "enterprise"

    with logged_changes() as rows:
        record_confirm(user=village, obj=placement)
    assert changed_models(rows) == [("placement", "update")]
    assert change_authors(rows) == {(village.pk, "village_v1a")}

    with logged_changes() as rows:
        services.earning_record(
            user=ent, placement=placement, month=D(2024, 2, 9), amount_yuan=Decimal("2800")
        )
    assert changed_models(rows) == [("monthlyearning", "create")]
    assert change_authors(rows) == {(ent.pk, "ent_e1")}
