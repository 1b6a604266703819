"""The solver instance built from the registry (docs/matching-platform.md, "How the instance is
built")."""

import datetime
from decimal import Decimal

import pytest

from tianmu.core.context import acting_as
from tianmu.matching.choices import EnterprisePool
from tianmu.matching.selectors import (
    ROLES,
    InstanceBuildError,
    assign_functions,
    instance_build,
    unpaired_villages,
)
from tianmu.registry.models import VillageIncome
from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def build(w, villages, **kw):
    return instance_build(program=w.program, village_ids=[v.pk for v in villages], **kw)


def test_unpaired_villages_are_the_countys_without_a_pairing(mworld):
    w = mworld
    assert list(unpaired_villages(program=w.program)) == [w.v1b]
    assert list(unpaired_villages(program=w.program, town=w.t2)) == []


def test_rules_come_from_the_programme(mworld):
    w = mworld
    w.program.partners_max = None
    instance, _notes = build(w, [w.v1b])
    assert instance["rules"] == {
        "core": 5,
        "chamber": 1,
        "partners": [1, 3],  # no maximum: DEFAULT_PARTNERS_MAX
        "core_roles": {"think_tank": 1, "resource": 1, "innovation": 1},
        "max_same_industry": None,
    }


def test_villages_carry_town_coordinates_priority_needs_and_labour(mworld):
    w = mworld
    with acting_as(username="test"):
        VillageIncome.objects.create(village=w.v1a, year=2023, amount_yuan=Decimal("900000"))
        VillageIncome.objects.create(village=w.v1b, year=2022, amount_yuan=Decimal("900000"))
        VillageIncome.objects.create(village=w.v1b, year=2023, amount_yuan=Decimal("100000"))
        VillageIncome.objects.create(village=w.v2a, year=2023, amount_yuan=Decimal("500000"))
        VillageIncome.objects.create(village=w.vb, year=2023, amount_yuan=Decimal("1"))
    instance, notes = build(w, [w.v1b, w.v2a, w.v1a])
    rows = {r["id"]: r for r in instance["villages"]}
    v1b = rows[str(w.v1b.pk)]
    # The village area has no coordinates: its town's are used.
    assert v1b == {
        "id": str(w.v1b.pk),
        "town": str(w.t1.pk),
        "lat": 30.215,
        "lon": 119.030,
        "priority": 1.0,  # the county's lowest latest-year income (county B's does not count)
        "needs": ["农产品收购", "技术指导"],
        "products": ["蔬菜"],
        "surplus_labour": 30,  # 20 low-income households × 1.5
    }
    assert rows[str(w.v1a.pk)]["priority"] == 0.0
    assert rows[str(w.v2a.pk)]["priority"] == 0.5
    assert notes == []


def test_a_village_without_any_coordinates_cannot_be_built(world):
    with pytest.raises(InstanceBuildError, match="示例一村"):
        build(world, [world.v1b])


def test_enterprises_busy_elsewhere_in_the_programme_are_left_out(mworld):
    w = mworld
    instance, notes = build(w, [w.v1b])
    ids = [e["id"] for e in instance["enterprises"]]
    assert ids == [str(e.pk) for e in w.free]  # the six in A1 and A2 are busy; e_b is county B
    assert any("6 enterprises are left out" in n for n in notes)
    e = instance["enterprises"][1]
    assert e == {
        "id": str(w.free[1].pk),
        "town": str(w.t1.pk),
        "lat": 30.215,
        "lon": 119.030,
        "core_eligible": True,
        "roles": list(ROLES),
        "industry": "食品",
        "capabilities": ["农产品收购", "就业岗位"],
        "employees": 200,
        "openings": 0,
        "capacity": 1,
    }


def test_paired_villages_in_the_run_free_their_cores_and_give_continuity(mworld):
    w = mworld
    instance, _notes = build(w, [w.v1a, w.v1b])
    ids = {e["id"] for e in instance["enterprises"]}
    assert {str(e.pk) for e in w.enterprises} <= ids
    assert str(w.e_other.pk) not in ids  # A2's village is not in the run
    current = {tuple(p) for p in instance["current"]}
    v1a = str(w.v1a.pk)
    expected = {(str(e.pk), v1a) for e in w.enterprises}
    expected |= {(str(w.c1.pk), v1a), (str(w.bank.pk), v1a)}
    assert current == expected


def test_enterprise_pool_and_fic_rule(mworld):
    w = mworld
    with acting_as(username="test"):
        plain = OrganizationFactory(
            home_town=w.t1, fic_executive=False, fic_position="", industry="农业"
        )
    instance, _ = build(w, [w.v1b], pool=EnterprisePool.ALL)
    row = next(e for e in instance["enterprises"] if e["id"] == str(plain.pk))
    assert row["core_eligible"] is False  # the programme requires FIC executives
    w.program.core_must_be_fic = False
    instance, _ = build(w, [w.v1b], pool=EnterprisePool.ALL)
    row = next(e for e in instance["enterprises"] if e["id"] == str(plain.pk))
    assert row["core_eligible"] is True
    instance, _ = build(w, [w.v1b], pool=EnterprisePool.FIC)
    assert str(plain.pk) not in {e["id"] for e in instance["enterprises"]}


def test_roles_come_from_capability_tags(mworld):
    w = mworld
    with acting_as(username="test"):
        tt = OrganizationFactory(home_town=w.t1, capabilities=["智囊团", "技术指导"])
    instance, _ = build(w, [w.v1b])
    row = next(e for e in instance["enterprises"] if e["id"] == str(tt.pk))
    assert row["roles"] == ["think_tank"]


def test_chambers_and_partners(mworld):
    w = mworld
    with acting_as(username="test"):
        local_coop = OrganizationFactory(
            kind="partner", partner_kind="academic", credit_code=None, fic_executive=False,
            fic_position="", industry="", home_town=None,
        )  # fmt: skip
        local_coop.service_area.set([w.t2])
        village_area = AreaFactory(name="某村", level="village", parent=w.t1, code=None)
        village_coop = OrganizationFactory(
            kind="partner", partner_kind="social", credit_code=None, fic_executive=False,
            fic_position="", industry="", home_town=None,
        )  # fmt: skip
        village_coop.service_area.set([village_area])
    instance, _ = build(w, [w.v1b, w.v2a])
    assert instance["chambers"] == [
        {"id": str(w.c1.pk), "town": str(w.t1.pk), "capacity": 2},
        {"id": str(w.c2.pk), "town": str(w.t2.pk), "capacity": 2},
    ]
    partners = {p["id"]: p for p in instance["partners"]}
    # bank_b has no service area but is based in county B: not this county's.
    assert set(partners) == {str(w.bank.pk), str(local_coop.pk), str(village_coop.pk)}
    assert partners[str(w.bank.pk)] == {
        "id": str(w.bank.pk),
        "kind": "金融服务",
        "towns": None,
        "capacity": 2,
    }
    assert partners[str(local_coop.pk)]["towns"] == [str(w.t2.pk)]
    assert partners[str(village_coop.pk)]["towns"] == [str(w.t1.pk)]
    only, _ = build(w, [w.v1b], chamber_ids=[w.c1.pk], partner_ids=[w.bank.pk])
    assert [c["id"] for c in only["chambers"]] == [str(w.c1.pk)]
    assert [p["id"] for p in only["partners"]] == [str(w.bank.pk)]


def test_the_same_registry_gives_the_same_instance(mworld):
    w = mworld
    first, _ = build(w, [w.v1b, w.v1a], weights={"need": 0.5})
    again, _ = build(w, [w.v1a, w.v1b], weights={"need": 0.5})
    assert first == again
    assert first["weights"] == {"need": 0.5}


def test_functions_go_to_distinct_enterprises_best_first():
    roles = {"a": list(ROLES), "b": ["think_tank"], "c": ["think_tank", "resource"], "d": []}
    # a could take think_tank, but then nobody takes innovation: the matching moves it.
    got = assign_functions(["a", "b", "c", "d"], roles)
    assert got == {"a": "innovation", "b": "think_tank", "c": "resource"}
    assert assign_functions(["x", "y", "z"], dict.fromkeys("xyz", list(ROLES))) == {
        "x": "think_tank",
        "y": "resource",
        "z": "innovation",
    }


def test_proposal_term_starts_today_within_the_programme(mworld):
    from tianmu.matching.selectors import proposal_term

    w = mworld
    today = datetime.date(2024, 5, 1)
    assert proposal_term(w.program, today) == (today, w.program.end)
