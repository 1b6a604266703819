"""Every domain model has a scope rule, and every role sees exactly its part of the world."""

import pytest
from django.apps import apps

from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.core.models import ChangeLoggedModel
from tianmu.core.scoping import can_create, editable_by, registered_models, visible_to
from tianmu.registry.models import Area, Organization, Village

pytestmark = pytest.mark.django_db


def test_every_domain_model_has_a_scope_rule():
    domain = {
        m for m in apps.get_models() if issubclass(m, ChangeLoggedModel) and not m._meta.abstract
    }
    assert domain - set(registered_models()) == set()


def names(qs):
    return sorted(str(o) for o in qs)


def test_villages_by_role(world):
    u, o = world.users, world.outsiders
    assert names(visible_to(u["superuser"], Village)) == sorted(
        ["望湖村", "示例一村", "示例二村", "示例富阳村"]
    )
    assert names(visible_to(u["admin"], Village)) == sorted(["望湖村", "示例一村", "示例二村"])
    assert names(visible_to(u["leader"], Village)) == sorted(["望湖村", "示例一村", "示例二村"])
    assert names(visible_to(u["town"], Village)) == sorted(["望湖村", "示例一村"])
    assert names(visible_to(u["village"], Village)) == ["望湖村"]
    assert names(visible_to(u["enterprise"], Village)) == ["望湖村"]
    assert names(visible_to(u["bank"], Village)) == ["望湖村"]
    assert names(visible_to(o["admin"], Village)) == ["示例富阳村"]
    assert names(visible_to(o["town"], Village)) == ["示例二村"]
    assert names(visible_to(o["village"], Village)) == ["示例一村"]
    assert names(visible_to(o["enterprise"], Village)) == ["示例富阳村"]


def test_edit_rights_by_role(world):
    u = world.users
    assert names(editable_by(u["leader"], Village)) == []
    assert names(editable_by(u["village"], Village)) == ["望湖村"]
    assert names(editable_by(u["enterprise"], Village)) == []
    assert names(editable_by(u["enterprise"], Organization)) == [world.e1.name]
    assert names(editable_by(u["town"], Alliance)) == []
    assert names(editable_by(u["admin"], Alliance)) == sorted(
        ["望湖村共富联盟", "示例二村共富联盟"]
    )
    assert not can_create(u["leader"], Village)
    assert not can_create(u["town"], Program)
    assert can_create(u["admin"], Program)


def test_alliances_and_pairings_by_role(world):
    u, o = world.users, world.outsiders
    both = sorted(["望湖村共富联盟", "示例二村共富联盟"])
    assert names(visible_to(u["admin"], Alliance)) == both
    assert names(visible_to(u["town"], Alliance)) == ["望湖村共富联盟"]
    assert names(visible_to(u["village"], Alliance)) == ["望湖村共富联盟"]
    assert names(visible_to(u["enterprise"], Alliance)) == ["望湖村共富联盟"]
    assert names(visible_to(o["enterprise"], Alliance)) == ["富阳共富联盟"]
    assert names(visible_to(o["village"], Alliance)) == []
    assert visible_to(u["bank"], Pairing).get() == world.p1
    assert visible_to(o["town"], Pairing).get() == world.p2
    assert visible_to(u["admin"], AllianceMember).count() == 7 + 2
    assert names(visible_to(u["enterprise"], Program)) == ["天目共富联盟 测试"]
    assert names(visible_to(u["village"], Program)) == ["天目共富联盟 测试"]


def test_areas_by_role(world):
    u = world.users
    town_view = names(visible_to(u["town"], Area))
    assert town_view == sorted(["浙江省", "杭州市", "临安区", "龙岗镇", "望湖村", "示例一村"])
    assert "昌化镇" not in names(visible_to(u["village"], Area))
    assert "望湖村" in names(visible_to(u["enterprise"], Area))
    assert "富阳区" not in names(visible_to(u["enterprise"], Area))


def test_organizations_by_role(world):
    u = world.users
    village_view = set(names(visible_to(u["village"], Organization)))
    assert village_view == {e.name for e in world.enterprises} | {"龙岗镇商会", "示例农商银行"}
    assert world.e_b.name not in names(visible_to(u["admin"], Organization))
    assert world.e_other.name in names(visible_to(u["admin"], Organization))
    assert world.e_other.name not in names(visible_to(u["town"], Organization))


def test_anonymous_and_scopeless_users_see_nothing(world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    broken = django_user_model.objects.create(username="noscope", role="town")
    for user in (AnonymousUser(), broken):
        for model in registered_models():
            assert visible_to(user, model).count() == 0
