"""Alliance services called outside any request name their user in the change log."""

import datetime

import pytest

from tianmu.alliances import services
from tianmu.alliances.models import AllianceMember
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db

D = datetime.date


def test_members_and_pairings_outside_a_request_name_their_user(world):
    admin = world.users["admin"]
    with logged_changes() as rows:
        member = services.member_add(
            user=admin,
            member=AllianceMember(
                alliance=world.a2, organization=world.bank, role="partner", start=D(2024, 1, 1)
            ),
        )
    assert changed_models(rows) == [("alliancemember", "create")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}

    # Ending saves the row directly (not through object_save).
    with logged_changes() as rows:
        services.member_end(user=admin, member=member, end=D(2024, 12, 31))
        services.pairing_end(user=admin, pairing=world.p2, end=D(2024, 12, 31))
    assert changed_models(rows) == [("alliancemember", "update"), ("pairing", "update")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}
