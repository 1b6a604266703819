"""A small two-county world for tests: an owner, a member and an outsider for every scope.

County A (330112, “临安区”) has towns T1 and T2; T1 has villages V1a and V1b, T2 has V2a.
County B (330111) has town TB with village VB. Programme P (county A) has alliance A1, fully
5+1+1 and paired with V1a, and alliance A2 paired with V2a. Programme PB (county B) has alliance
AB paired with VB. Users: one per role inside the world, and an outsider per role.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from types import SimpleNamespace

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.tests.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    PairingFactory,
    ProgramFactory,
)
from tianmu.core.context import acting_as
from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory, VillageFactory

START = datetime.date(2020, 1, 1)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    with acting_as(username="test-setup"):
        w.province = AreaFactory(name="浙江省", level="province", code="330000000000")
        w.city = AreaFactory(name="杭州市", level="city", code="330100000000", parent=w.province)
        w.county = AreaFactory(name="临安区", level="county", code="330112000000", parent=w.city)
        w.county_b = AreaFactory(name="富阳区", level="county", code="330111000000", parent=w.city)
        w.t1 = AreaFactory(name="龙岗镇", level="town", code="330112107000", parent=w.county)
        w.t2 = AreaFactory(name="昌化镇", level="town", code="330112106000", parent=w.county)
        w.tb = AreaFactory(name="富春街道", level="town", code="330111001000", parent=w.county_b)

        def village(name, code, town):
            area = AreaFactory(name=name, level="village", code=code, parent=town)
            return VillageFactory(area=area)

        w.v1a = village("望湖村", "330112107201", w.t1)
        w.v1b = village("示例一村", "330112107202", w.t1)
        w.v2a = village("示例二村", "330112106201", w.t2)
        w.vb = village("示例富阳村", "330111001201", w.tb)

        w.enterprises = [OrganizationFactory(home_town=w.t1) for _ in range(5)]
        w.e1 = w.enterprises[0]
        w.e_other = OrganizationFactory(home_town=w.t2)  # core member of A2
        w.e_b = OrganizationFactory(home_town=w.tb)  # county B
        w.c1 = OrganizationFactory(
            kind="chamber",
            name="龙岗镇商会",
            home_town=w.t1,
            credit_code=None,
            fic_executive=False,
            fic_position="",
            industry="",
            employees=None,
        )
        w.c2 = OrganizationFactory(
            kind="chamber",
            name="昌化镇商会",
            home_town=w.t2,
            credit_code=None,
            fic_executive=False,
            fic_position="",
            industry="",
            employees=None,
        )
        w.bank = OrganizationFactory(
            kind="partner",
            partner_kind="financial",
            name="示例农商银行",
            home_town=None,
            registered_area=w.county,  # no town: county A registered it
            credit_code=None,
            fic_executive=False,
            fic_position="",
            industry="",
            employees=None,
        )
        w.bank_b = OrganizationFactory(
            kind="partner",
            partner_kind="financial",
            name="示例富阳银行",
            home_town=w.tb,
            credit_code=None,
            fic_executive=False,
            fic_position="",
            industry="",
            employees=None,
        )

        w.program = ProgramFactory(area=w.county, name="天目共富联盟 测试", start=START)
        w.program_b = ProgramFactory(area=w.county_b, name="富阳共富联盟 测试", start=START)

        w.a1 = AllianceFactory(program=w.program, name="望湖村共富联盟", status="active")
        for i, e in enumerate(w.enterprises):
            fn = ["think_tank", "resource", "innovation", "", ""][i]
            AllianceMemberFactory(alliance=w.a1, organization=e, role="core", function=fn)
        AllianceMemberFactory(alliance=w.a1, organization=w.c1, role="chamber")
        AllianceMemberFactory(alliance=w.a1, organization=w.bank, role="partner")
        w.p1 = PairingFactory(alliance=w.a1, village=w.v1a, start=START)

        w.a2 = AllianceFactory(program=w.program, name="示例二村共富联盟", status="active")
        AllianceMemberFactory(alliance=w.a2, organization=w.e_other, role="core")
        AllianceMemberFactory(alliance=w.a2, organization=w.c2, role="chamber")
        w.p2 = PairingFactory(alliance=w.a2, village=w.v2a, start=START)

        w.ab = AllianceFactory(program=w.program_b, name="富阳共富联盟", status="active")
        AllianceMemberFactory(alliance=w.ab, organization=w.e_b, role="core")
        AllianceMemberFactory(alliance=w.ab, organization=w.bank_b, role="partner")
        w.pb = PairingFactory(alliance=w.ab, village=w.vb, start=START)

        mk = UserFactory
        w.users = {
            "superuser": mk(username="root", role="superuser", is_superuser=True, is_staff=True),
            "admin": mk(username="admin_a", role="admin", scope_area=w.county),
            "leader": mk(username="leader_a", role="leader", scope_area=w.county),
            "town": mk(username="town_t1", role="town", scope_area=w.t1),
            "village": mk(username="village_v1a", role="village", scope_area=w.v1a.area),
            "enterprise": mk(username="ent_e1", role="enterprise", scope_organization=w.e1),
            "bank": mk(username="bank_p1", role="bank", scope_organization=w.bank),
        }
        # Outsiders: the same roles, scoped somewhere else.
        w.outsiders = {
            "admin": mk(username="admin_b", role="admin", scope_area=w.county_b),
            "leader": mk(username="leader_b", role="leader", scope_area=w.county_b),
            "town": mk(username="town_t2", role="town", scope_area=w.t2),
            "village": mk(username="village_v1b", role="village", scope_area=w.v1b.area),
            "enterprise": mk(username="ent_b", role="enterprise", scope_organization=w.e_b),
            "bank": mk(username="bank_b", role="bank", scope_organization=w.bank_b),
        }
    return w


@contextlib.contextmanager
def logged_changes() -> Iterator[list]:
    """Collect the ObjectChange rows written inside the block (the list is filled on exit).

    For asserting who a service's changes are attributed to: tests call services outside any
    request, where only the service itself can name the user.
    """
    from django.db.models import Max

    from tianmu.core.models import ObjectChange

    last = ObjectChange.objects.aggregate(m=Max("id"))["m"] or 0
    rows: list = []
    yield rows
    rows.extend(ObjectChange.objects.filter(id__gt=last).select_related("content_type"))


def change_authors(rows) -> set[tuple[int | None, str]]:
    """The (user id, user name) pairs the change-log rows name."""
    return {(r.user_id, r.user_name) for r in rows}


def changed_models(rows) -> list[tuple[str, str]]:
    """(model, action) of each change-log row, in the order written."""
    return [(r.content_type.model, r.action) for r in sorted(rows, key=lambda r: r.id)]
