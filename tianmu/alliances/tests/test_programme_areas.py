"""Programmes above the county (山海协作): a city's programme pairs enterprises of one county
with villages of another; a pairing whose village lies outside the programme's area is refused
and writes nothing; who sees and edits a city's programme."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.alliances.rules import alliance_rule_check
from tianmu.alliances.services import pairing_create
from tianmu.alliances.tests.factories import AllianceFactory, AllianceMemberFactory
from tianmu.core.context import acting_as
from tianmu.core.scoping import editable_by, visible_to
from tianmu.core.tests.api_client import ApiClient, db_state
from tianmu.registry.tests.factories import AreaFactory, VillageFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def city(world):
    """A city admin and leader for 杭州市 (both counties of the test world), in the world's
    users so that the API client signs in as them."""
    with acting_as(username="test-setup"):
        world.users["city_admin"] = UserFactory(
            username="admin_city", role="admin", scope_area=world.city
        )
        world.users["city_leader"] = UserFactory(
            username="leader_city", role="leader", scope_area=world.city
        )
    return world


def _program(api, who, area, name="山海协作 测试"):
    r = api(who, "post", "/programs", {"name": name, "area": area.pk, "start": "2024-01-01",
                                       "core_count": 1, "partners_min": 0})  # fmt: skip
    return r


def test_a_city_admin_creates_a_city_programme_and_pairs_villages_of_both_counties(city):
    w, api = city, ApiClient(city)
    r = _program(api, "city_admin", w.city)
    assert r.status_code == 201, r.content
    body = r.json()
    # `area` is the programme's area; `county`, the key clients know, says the same.
    assert body["area"]["code"] == "330100000000" and body["county"] == body["area"]
    program = Program.objects.get(pk=body["id"])
    assert program.area == w.city and program.county == w.city

    # 山海协作: an enterprise of county A with a village of county B, and the reverse.
    pairs = {"to_b": (w.e1, w.vb), "to_a": (w.e_b, w.v1b)}
    made = {}
    for name, (enterprise, village) in pairs.items():
        r = api("city_admin", "post", "/alliances", {"program": program.pk, "name": name})
        assert r.status_code == 201, r.content
        aid = r.json()["id"]
        r = api("city_admin", "post", f"/alliances/{aid}/members",
                {"organization": enterprise.pk, "role": "core", "start": "2024-01-01"})  # fmt: skip
        assert r.status_code == 201, r.content
        r = api("city_admin", "post", "/pairings",
                {"alliance": aid, "village": village.pk, "start": "2024-01-01"})  # fmt: skip
        assert r.status_code == 201, r.content
        made[name] = Alliance.objects.get(pk=aid)
    assert set(
        Pairing.objects.filter(alliance__program=program).values_list("village", flat=True)
    ) == {
        w.vb.pk,
        w.v1b.pk,
    }

    # Each county's admin sees the alliance paired in their county, and edits neither.
    admin_a, admin_b = w.users["admin"], w.outsiders["admin"]
    assert set(visible_to(admin_a, Alliance).filter(program=program)) == {made["to_a"]}
    assert set(visible_to(admin_b, Alliance).filter(program=program)) == {made["to_b"]}
    assert not editable_by(admin_a, Alliance).filter(program=program).exists()
    assert not editable_by(admin_b, Program).filter(pk=program.pk).exists()
    # Both see the programme (it reaches into their county) and the city's leader all of it.
    assert visible_to(admin_a, Program).filter(pk=program.pk).exists()
    assert visible_to(admin_b, Program).filter(pk=program.pk).exists()
    leader = w.users["city_leader"]
    assert set(visible_to(leader, Alliance).filter(program=program)) == set(made.values())
    assert set(visible_to(leader, Program)) == {w.program, w.program_b, program}


def test_the_local_chamber_rule_holds_per_village_town_in_a_city_programme(city):
    """In a city programme, the chamber must still be local to the paired village's town."""
    w = city
    with acting_as(username="test-setup"):
        program = Program.objects.create(name="山海协作", area=w.city, start=D(2024, 1, 1),
                                         core_count=1, partners_min=0)  # fmt: skip
        alliance = AllianceFactory(program=program, name="跨县联盟")
        AllianceMemberFactory(alliance=alliance, organization=w.e_b, role="core")  # county B
        AllianceMemberFactory(alliance=alliance, organization=w.c1, role="chamber")  # 龙岗镇
    # v1a lies in 龙岗镇: the chamber is local there.
    pairing_create(
        user=w.users["city_admin"],
        pairing=Pairing(alliance=alliance, village=w.v1a, start=D(2024, 1, 1)),
    )
    assert alliance_rule_check(alliance=alliance).ok
    # The same chamber is not local to county B's 富春街道.
    other = AllianceFactory(program=program, name="跨县联盟二")
    AllianceMember.objects.create(alliance=other, organization=w.c1, role="chamber",
                                  start=D(2024, 1, 1))  # fmt: skip
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        pairing_create(
            user=w.users["city_admin"],
            pairing=Pairing(alliance=other, village=w.vb, start=D(2024, 1, 1)),
        )
    assert "is not local to 富春街道" in " ".join(exc.value.message_dict["village"])
    assert db_state() == before


def test_a_pairing_outside_the_programme_area_is_refused_and_writes_nothing(city):
    w, api = city, ApiClient(city)
    with acting_as(username="test-setup"):
        # A second city of the province, with one village: outside 杭州市.
        other_city = AreaFactory(
            name="湖州市", level="city", code="330500000000", parent=w.province
        )
        other_county = AreaFactory(name="安吉县", level="county", code="330523000000",
                                   parent=other_city)  # fmt: skip
        other_town = AreaFactory(name="天荒坪镇", level="town", code="330523100000",
                                 parent=other_county)  # fmt: skip
        far = VillageFactory(area=AreaFactory(name="余村", level="village", code="330523100201",
                                              parent=other_town))  # fmt: skip
    program = Program.objects.get(pk=_program(api, "city_admin", w.city).json()["id"])
    alliance = Alliance.objects.get(
        pk=api("city_admin", "post", "/alliances", {"program": program.pk, "name": "联盟"}).json()[
            "id"
        ]
    )
    before = db_state()
    r = api("superuser", "post", "/pairings",
            {"alliance": alliance.pk, "village": far.pk, "start": "2024-01-01"})  # fmt: skip
    assert r.status_code == 400
    assert r.json()["errors"]["village"] == [
        "“余村” lies outside 杭州市, the programme's area: a programme pairs only villages "
        "inside its area."
    ]
    assert db_state() == before

    # A county's programme still pairs only its own county's villages, in both languages.
    r = api("superuser", "post", "/pairings",
            {"alliance": w.a2.pk, "village": w.vb.pk, "start": "2030-01-01"},
            lang="zh-hans")  # fmt: skip
    assert r.status_code == 400
    assert "临安区" in r.json()["errors"]["village"][0]
    assert "区域" in r.json()["errors"]["village"][0]
    assert db_state() == before


def test_a_county_admin_cannot_create_a_programme_for_the_city(city):
    api = ApiClient(city)
    before = Program.objects.count()
    r = _program(api, "admin", city.city)
    assert r.status_code in (400, 404)
    assert Program.objects.count() == before
    # A town is no programme area.
    r = _program(api, "city_admin", city.t1)
    assert r.status_code == 400 and "area" in r.json()["errors"]
    assert Program.objects.count() == before


def test_a_client_that_sends_county_still_sets_the_area(city):
    api = ApiClient(city)
    r = api("city_admin", "post", "/programs",
            {"name": "旧客户端", "county": city.county_b.pk, "start": "2024-01-01"})  # fmt: skip
    assert r.status_code == 201, r.content
    assert Program.objects.get(pk=r.json()["id"]).area == city.county_b
    r = api("city_admin", "get", "/programs", {"area": "3301"})
    assert {p["name"] for p in r.json()["items"]} >= {"旧客户端", "天目共富联盟 测试"}


def test_narrowing_a_programme_area_below_its_villages_is_refused(city):
    """A city programme with a pairing in county B cannot become county A's."""
    w, api = city, ApiClient(city)
    program = Program.objects.get(pk=_program(api, "city_admin", w.city).json()["id"])
    aid = api("city_admin", "post", "/alliances", {"program": program.pk, "name": "联盟"}).json()[
        "id"
    ]
    r = api("city_admin", "post", "/pairings",
            {"alliance": aid, "village": w.vb.pk, "start": "2024-01-01"})  # fmt: skip
    assert r.status_code == 201, r.content
    before = db_state()
    r = api("city_admin", "patch", f"/programs/{program.pk}", {"area": w.county.pk})
    assert r.status_code == 400
    assert r.json()["errors"]["area"] == [
        "“示例富阳村”, paired in this programme, lies outside 临安区: a programme's villages "
        "must lie inside its area."
    ]
    assert db_state() == before
    program.refresh_from_db()
    assert program.area == w.city
    # County B holds the pairing: narrowing to it is fine.
    r = api("city_admin", "patch", f"/programs/{program.pk}", {"area": w.county_b.pk})
    assert r.status_code == 200 and r.json()["area"]["code"] == "330111000000"


def test_an_alliance_cannot_move_to_a_programme_outside_its_villages(city):
    """AB (paired with county B's village) cannot move into county A's programme."""
    w, api = city, ApiClient(city)
    before = db_state()
    r = api("superuser", "patch", f"/alliances/{w.ab.pk}", {"program": w.program.pk})
    assert r.status_code == 400
    assert r.json()["errors"]["program"] == [
        "“示例富阳村”, paired with this alliance, lies outside 临安区, the programme's area."
    ]
    assert db_state() == before
    # Into the city's programme it may go.
    program = Program.objects.get(pk=_program(api, "city_admin", w.city).json()["id"])
    r = api("superuser", "patch", f"/alliances/{w.ab.pk}", {"program": program.pk})
    assert r.status_code == 200, r.content
