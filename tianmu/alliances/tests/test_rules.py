"""Alliance invariants (bad input gets a message and writes nothing) and the rule check."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tianmu.alliances.models import Alliance, AllianceMember, Pairing
from tianmu.alliances.selectors import alliance_rule_check
from tianmu.alliances.services import member_add, member_end, pairing_create, pairing_end
from tianmu.core.models import ObjectChange
from tianmu.core.services import NotFound, object_save
from tianmu.registry.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def counts():
    return (
        AllianceMember.objects.count(),
        Pairing.objects.count(),
        Alliance.objects.count(),
        ObjectChange.objects.count(),
    )


def refused(fn, field, text):
    """Run fn, expect a ValidationError on `field` containing `text`, and no write at all."""
    before = counts()
    with pytest.raises(ValidationError) as exc:
        fn()
    messages = " ".join(exc.value.message_dict.get(field, []))
    assert text in messages, exc.value.message_dict
    assert counts() == before


def test_world_alliance_meets_the_rules(world):
    check = alliance_rule_check(alliance=world.a1)
    assert check.ok, check.problems
    assert check.counts["core"] == 5
    assert check.pairing == world.p1


def test_rule_check_says_exactly_what_is_missing(world):
    check = alliance_rule_check(alliance=world.a2)
    assert not check.ok
    assert "Needs 4 more core enterprises (has 1 of 5)." in check.problems
    assert "Needs 1 more cooperating unit." in check.problems
    assert len(check.problems) == 2


def test_rule_check_reports_non_local_chamber_and_non_fic_core(world):
    a = world.a1
    world.program.partners_max = 0
    world.program.save()
    world.enterprises[1].fic_executive = False
    world.enterprises[1].fic_position = ""
    world.enterprises[1].save()
    # The chamber's town changes after it joined: the check (not the invariant) catches it.
    world.c1.home_town = world.t2
    world.c1.save()
    problems = alliance_rule_check(alliance=a).problems
    assert "Chamber “龙岗镇商会” is not local to 龙岗镇." in problems
    assert any("is not an FIC executive-committee member" in p for p in problems)
    assert "Has 1 cooperating units; the programme allows at most 0." in problems


def test_member_added_twice_is_refused(world):
    admin = world.users["admin"]
    dup = AllianceMember(alliance=world.a1, organization=world.e1, role="core", start=D(2024, 1, 1))
    refused(lambda: member_add(user=admin, member=dup), "organization", "already a member")


def test_core_enterprise_in_two_alliances_of_a_programme_is_refused(world):
    admin = world.users["admin"]
    m = AllianceMember(alliance=world.a2, organization=world.e1, role="core", start=D(2024, 1, 1))
    refused(lambda: member_add(user=admin, member=m), "organization", "already a core enterprise")


def test_end_before_start_is_refused(world):
    admin = world.users["admin"]
    e = OrganizationFactory(home_town=world.t2)
    m = AllianceMember(
        alliance=world.a2, organization=e, role="core", start=D(2024, 5, 1), end=D(2024, 4, 1)
    )
    refused(lambda: member_add(user=admin, member=m), "end", "cannot be before the start")


def test_chamber_from_another_town_is_refused_when_rules_forbid(world):
    admin = world.users["admin"]
    m = AllianceMember(
        alliance=world.a2, organization=world.c1, role="chamber", start=D(2024, 1, 1)
    )
    refused(lambda: member_add(user=admin, member=m), "organization", "is not local to 昌化镇")
    world.program.chamber_must_be_local = False
    world.program.save()
    member_add(user=admin, member=m)  # allowed once the programme's rules allow it
    assert m.pk is not None


def test_wrong_kind_for_role_is_refused(world):
    admin = world.users["admin"]
    m = AllianceMember(alliance=world.a2, organization=world.bank, role="core", start=D(2024, 1, 1))
    refused(lambda: member_add(user=admin, member=m), "organization", "needs a Enterprise")


def test_overlapping_pairing_is_refused(world):
    admin = world.users["admin"]
    other = Alliance.objects.create(program=world.program, name="第三联盟")
    p = Pairing(alliance=other, village=world.v1a, start=D(2025, 1, 1))
    refused(lambda: pairing_create(user=admin, pairing=p), "village", "already paired")
    # After the first pairing ends, the village can be paired again.
    pairing_end(user=admin, pairing=world.p1, end=D(2024, 12, 31))
    pairing_create(user=admin, pairing=p)
    assert Pairing.objects.filter(village=world.v1a).count() == 2  # history kept


def test_pairing_outside_the_programme_county_is_refused(world):
    admin = world.users["superuser"]
    other = Alliance.objects.create(program=world.program, name="第三联盟")
    p = Pairing(alliance=other, village=world.vb, start=D(2025, 1, 1))
    refused(lambda: pairing_create(user=admin, pairing=p), "village", "lies outside 临安区")


def test_pairing_with_a_non_local_chamber_is_refused(world):
    admin = world.users["admin"]
    pairing_end(user=admin, pairing=world.p2, end=D(2024, 12, 31))
    p = Pairing(alliance=world.a2, village=world.v1b, start=D(2025, 1, 1))
    refused(lambda: pairing_create(user=admin, pairing=p), "village", "not local to 龙岗镇")


def test_ending_keeps_history_and_is_logged(world):
    admin = world.users["admin"]
    m = world.a1.members.get(organization=world.e1)
    member_end(user=admin, member=m, end=D(2025, 6, 30))
    m.refresh_from_db()
    assert m.end == D(2025, 6, 30)
    change = ObjectChange.objects.filter(object_id=str(m.pk), action="update").get()
    assert change.user_name == "admin_a"
    assert change.before["end"] is None
    assert change.after["end"] == "2025-06-30"
    assert ("end", None, "2025-06-30") in change.diff()
    # Now the alliance is short of one core enterprise, and says so.
    assert (
        "Needs 1 more core enterprise (has 4 of 5)."
        in alliance_rule_check(alliance=world.a1).problems
    )


def test_roles_without_rights_change_nothing(world):
    for role in ("leader", "town", "village", "enterprise", "bank"):
        user = world.users[role]
        e = OrganizationFactory(home_town=world.t2)
        m = AllianceMember(alliance=world.a2, organization=e, role="core", start=D(2024, 1, 1))
        before = counts()
        with pytest.raises(NotFound):
            member_add(user=user, member=m)
        assert counts() == before
    outsider = world.outsiders["admin"]
    before = counts()
    with pytest.raises(NotFound):
        pairing_end(user=outsider, pairing=world.p1, end=D(2025, 1, 1))
    assert counts() == before


def test_activation_requires_the_rules(world):
    admin = world.users["admin"]
    # The world's alliances are active; the check runs when a draft is activated.
    Alliance.objects.filter(pk__in=[world.a1.pk, world.a2.pk]).update(status="draft")
    a2 = Alliance.objects.get(pk=world.a2.pk)
    a2.status = "active"
    before = counts()
    with pytest.raises(ValidationError) as exc:
        object_save(user=admin, instance=a2)
    assert "Needs 4 more core enterprises (has 1 of 5)." in exc.value.message_dict["status"]
    assert counts() == before
    a1 = Alliance.objects.get(pk=world.a1.pk)
    a1.status = "active"
    object_save(user=admin, instance=a1)
    assert Alliance.objects.get(pk=world.a1.pk).status == "active"


def test_the_database_keeps_one_open_term_per_alliance(world):
    """Partial unique indexes, on SQLite and PostgreSQL alike: a write that skips clean()
    still cannot open a second open-ended pairing or membership."""
    from django.db import IntegrityError, transaction

    from tianmu.core.context import acting_as

    with acting_as(username="test-setup"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Pairing.objects.create(alliance=world.a1, village=world.v1b, start=D(2030, 1, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            AllianceMember.objects.create(
                alliance=world.a1, organization=world.bank, role="partner", start=D(2030, 1, 1)
            )
    assert world.a1.pairings.count() == 1
    assert world.a1.members.filter(organization=world.bank).count() == 1


def test_membership_filters_extend_the_organisation_filterset_in_place():
    """alliances adds them from above (registry may not import alliances); the page form and
    the API keep the names and the order they had when registry declared them."""
    from tianmu.registry.filtersets import OrganizationFilterSet

    assert list(OrganizationFilterSet.base_filters) == [
        "kind", "partner_kind", "fic_executive", "fic_position", "is_example", "q", "area",
        "industry", "alliance_role", "in_alliance", "paired_area", "active", "ordering",
        "from", "to",
    ]  # fmt: skip
