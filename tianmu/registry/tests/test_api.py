"""The registry API: every role against every endpoint, validation, incomes, chamber members."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import EVERYONE, ApiClient, db_state
from tianmu.registry.models import ChamberMembership, Organization, Village, VillageIncome
from tianmu.registry.tests.factories import make_uscc

pytestmark = pytest.mark.django_db

A1_MEMBERS = ["ent0", "ent1", "ent2", "ent3", "ent4", "c1", "bank"]
CHAIN_A = ["province", "city", "county"]
CHAIN_B = ["province", "city", "county_b"]

AREAS = ["province", "city", "county", "county_b", "t1", "t2", "tb"]
UNIVERSE = {  # name in the tables below -> attribute path in the world
    "areas": {
        **{n: n for n in AREAS},
        **{f"{v}_area": f"{v}.area" for v in ["v1a", "v1b", "v2a", "vb"]},
    },
    "villages": {n: n for n in ["v1a", "v1b", "v2a", "vb"]},
    "organizations": {
        **{f"ent{i}": f"enterprises.{i}" for i in range(5)},
        **{n: n for n in ["e_other", "e_b", "c1", "c2", "bank", "bank_b"]},
    },
}


def _get(world, path: str):
    obj = world
    for part in path.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


AREA_A = [*CHAIN_A, "t1", "t2", "v1a_area", "v1b_area", "v2a_area"]
AREA_B = [*CHAIN_B, "tb", "vb_area"]
ORG_A = [*A1_MEMBERS, "e_other", "c2"]

VISIBLE = {
    "areas": {
        "superuser": list(UNIVERSE["areas"]),
        "admin": AREA_A,
        "leader": AREA_A,
        "town": [*CHAIN_A, "t1", "v1a_area", "v1b_area"],
        "village": [*CHAIN_A, "t1", "v1a_area"],
        "enterprise": [*CHAIN_A, "t1", "v1a_area"],
        "bank": [*CHAIN_A, "t1", "v1a_area"],
        "o_admin": AREA_B,
        "o_leader": AREA_B,
        "o_town": [*CHAIN_A, "t2", "v2a_area"],
        "o_village": [*CHAIN_A, "t1", "v1b_area"],
        "o_enterprise": AREA_B,
        "o_bank": AREA_B,
    },
    "villages": {
        "superuser": ["v1a", "v1b", "v2a", "vb"],
        "admin": ["v1a", "v1b", "v2a"],
        "leader": ["v1a", "v1b", "v2a"],
        "town": ["v1a", "v1b"],
        "village": ["v1a"],
        "enterprise": ["v1a"],
        "bank": ["v1a"],
        "o_admin": ["vb"],
        "o_leader": ["vb"],
        "o_town": ["v2a"],
        "o_village": ["v1b"],
        "o_enterprise": ["vb"],
        "o_bank": ["vb"],
    },
    "organizations": {
        "superuser": list(UNIVERSE["organizations"]),
        "admin": ORG_A,
        "leader": ORG_A,
        "town": A1_MEMBERS,
        "village": A1_MEMBERS,
        "enterprise": A1_MEMBERS,
        "bank": A1_MEMBERS,
        "o_admin": ["e_b", "bank_b"],  # bank has no town but county A registered it
        "o_leader": ["e_b", "bank_b"],
        "o_town": ["e_other", "c2"],
        "o_village": [],
        "o_enterprise": ["e_b", "bank_b"],
        "o_bank": ["e_b", "bank_b"],
    },
}


@pytest.mark.parametrize("resource", list(VISIBLE))
def test_every_role_reads_exactly_its_scope(world, resource):
    api = ApiClient(world)
    objects = {name: _get(world, path) for name, path in UNIVERSE[resource].items()}
    for who in EVERYONE:
        expected = set(VISIBLE[resource][who])
        r = api(who, "get", f"/{resource}", {"limit": 1000})
        assert r.status_code == 200, (who, r.content)
        body = r.json()
        ids = {item["id"] for item in body["items"]}
        assert body["count"] == len(expected), (who, body["count"])
        assert ids == {objects[n].pk for n in expected}, who
        for name, obj in objects.items():
            r = api(who, "get", f"/{resource}/{obj.pk}")
            assert r.status_code == (200 if name in expected else 404), (who, name)
            if r.status_code == 404:
                assert r.json() == {"detail": "Not found."}


def test_village_fields(world):
    VillageIncome.objects.create(village=world.v1a, year=2023, amount_yuan="123456")
    VillageIncome.objects.create(village=world.v1a, year=2024, amount_yuan="7.5")
    world.v1a.main_products = ["杨梅", "山核桃"]
    world.v1a.idle_farmland_mu = "12.5"
    world.v1a.save()
    body = ApiClient(world)("admin", "get", f"/villages/{world.v1a.pk}").json()
    assert body == {
        "id": world.v1a.pk,
        "name": "望湖村",
        "code": "330112107201",
        "town": {"id": world.t1.pk, "name": "龙岗镇", "code": "330112107000"},
        "lat": None,
        "lon": None,
        "population": 1200,
        "households": 400,
        "low_income_households": 20,
        "idle_farmland_mu": "12.50",
        "main_products": ["杨梅", "山核桃"],
        "development_needs": [],
        "is_example": False,
        "incomes": [
            {"year": 2024, "amount_yuan": "7.50", "operating_yuan": None},
            {"year": 2023, "amount_yuan": "123456.00", "operating_yuan": None},
        ],
    }


def test_filters_and_search(world):
    api = ApiClient(world)

    def names(path, **params):
        r = api("superuser", "get", path, params)
        assert r.status_code == 200, r.content
        return sorted(i["name"] for i in r.json()["items"])

    assert names("/villages", area="330112107") == ["望湖村", "示例一村"]
    assert names("/villages", q="望湖") == ["望湖村"]
    assert names("/villages", active="true") == ["望湖村", "示例二村", "示例富阳村"]
    assert names("/villages", area="999999") == []  # unknown code: nothing, not everything
    assert names("/areas", level="county") == ["临安区", "富阳区"]
    assert names("/organizations", kind="chamber") == ["昌化镇商会", "龙岗镇商会"]
    assert names("/organizations", kind="partner", q="富阳") == ["示例富阳银行"]
    r = api("superuser", "get", "/organizations", {"kind": "bogus"})
    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["kind"]
    r = api("superuser", "get", "/villages", {"town": "abc"}, lang="zh-hans")
    assert r.status_code == 400
    assert r.json()["errors"] == {"town": ["输入一个数字。"]}
    # Paging: count is the total, items the page.
    r = api("superuser", "get", "/areas", {"limit": 2, "offset": 3}).json()
    assert r["count"] == 11 and len(r["items"]) == 2
    assert api("superuser", "get", "/areas", {"limit": 1001}).status_code == 422
    assert api("superuser", "get", "/areas", {"limit": 0}).status_code == 422


# --- Writes -----------------------------------------------------------------------------------


def _write_cases(w):
    """(method, path, body, roles that may get past the scope check) — everyone else gets 404."""
    income_roles = {"superuser", "admin", "town", "village"}
    chamber_roles = {"superuser", "admin", "town"}
    new_village = {"name": "新村", "code": "330112107299", "town": w.t1.pk}
    new_org = {"kind": "enterprise", "name": "新企业", "home_town": w.t1.pk}
    return [
        ("post", "/areas", {"name": "新镇", "level": "town", "parent": w.county.pk},
         {"superuser", "admin", "o_admin"}),
        ("patch", f"/areas/{w.t1.pk}", {"name": "改名"}, {"superuser", "admin"}),
        ("delete", f"/areas/{w.v1b.area.pk}", None, {"superuser", "admin"}),
        ("post", "/villages", new_village, {"superuser", "admin", "o_admin"}),
        ("patch", f"/villages/{w.v1a.pk}", {"population": 1}, income_roles),
        ("delete", f"/villages/{w.v1b.pk}", None, {"superuser", "admin"}),
        ("put", f"/villages/{w.v1a.pk}/incomes/2023", {"amount_yuan": "1.00"}, income_roles),
        ("delete", f"/villages/{w.v1a.pk}/incomes/2020", None, income_roles),
        ("post", "/organizations", new_org,
         {"superuser", "admin", "town", "o_admin", "o_town"}),
        ("patch", f"/organizations/{w.e1.pk}", {"employees": 1},
         {"superuser", "admin", "town", "enterprise"}),
        ("delete", f"/organizations/{w.e_other.pk}", None, {"superuser", "admin", "o_town"}),
        ("post", f"/organizations/{w.c1.pk}/chamber-members", {"enterprise": w.e1.pk},
         chamber_roles),
        ("delete", f"/organizations/{w.c1.pk}/chamber-members/{w.membership.pk}", None,
         chamber_roles),
    ]  # fmt: skip


@pytest.fixture
def wworld(world):
    """The world plus one income and one chamber membership, so they can be removed."""
    VillageIncome.objects.create(village=world.v1a, year=2020, amount_yuan="100")
    world.membership = ChamberMembership.objects.create(chamber=world.c1, enterprise=world.e1)
    return world


def test_writes_outside_the_scope_are_404_and_change_nothing(wworld):
    api = ApiClient(wworld)
    before = db_state()
    for method, path, body, allowed in _write_cases(wworld):
        for who in [w for w in EVERYONE if w not in allowed]:
            r = api(who, method, path, body)
            assert r.status_code == 404, (who, method, path, r.status_code, r.content)
            assert r.json() == {"detail": "Not found."}
    assert db_state() == before


def test_writes_within_the_scope(wworld):
    w = wworld
    api = ApiClient(w)
    r = api("admin", "post", "/areas", {"name": "新镇", "level": "town", "parent": w.county.pk,
                                         "code": "330112120000"})  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["code"] == "330112120000"
    r = api("admin", "patch", f"/areas/{r.json()['id']}", {"name": "新镇二"})
    assert r.status_code == 200 and r.json()["name"] == "新镇二" and r.json()["level"] == "town"

    r = api("admin", "post", "/villages",
            {"name": "新村", "code": "330112107299", "town": w.t1.pk, "population": 10,
             "main_products": ["大米", "药材"], "idle_farmland_mu": "3.5"})  # fmt: skip
    assert r.status_code == 201, r.content
    new = r.json()
    assert (new["name"], new["code"], new["town"]["id"]) == ("新村", "330112107299", w.t1.pk)
    assert new["main_products"] == ["大米", "药材"] and new["idle_farmland_mu"] == "3.50"

    # A village cadre keeps their own village's profile; PATCH leaves other fields alone.
    r = api("village", "patch", f"/villages/{w.v1a.pk}", {"households": 450})
    assert r.status_code == 200, r.content
    changed = r.json()
    assert (changed["households"], changed["population"], changed["name"]) == (450, 1200, "望湖村")
    r = api("town", "put", f"/villages/{w.v1a.pk}/incomes/2023", {"amount_yuan": "88000.5"})
    want = {"year": 2023, "amount_yuan": "88000.50", "operating_yuan": None}
    assert r.status_code == 200 and r.json() == want
    r = api("town", "put", f"/villages/{w.v1a.pk}/incomes/2023",
            {"amount_yuan": "88000.5", "operating_yuan": "30000"})  # fmt: skip
    assert r.json()["operating_yuan"] == "30000.00", r.content
    r = api("town", "put", f"/villages/{w.v1a.pk}/incomes/2023", {"amount_yuan": 90000})
    # PUT sets the year's figures: the operating income not given is cleared.
    assert r.json() == {"year": 2023, "amount_yuan": "90000.00", "operating_yuan": None}
    assert VillageIncome.objects.filter(village=w.v1a, year=2023).count() == 1
    assert api("town", "delete", f"/villages/{w.v1a.pk}/incomes/2020").status_code == 204
    assert api("town", "delete", f"/villages/{w.v1a.pk}/incomes/2020").status_code == 404

    # Deleting: an unpaired village goes with its area; a paired one is history (400).
    assert api("admin", "delete", f"/villages/{new['id']}").status_code == 204
    assert not Village.objects.filter(pk=new["id"]).exists()
    r = api("admin", "delete", f"/villages/{w.v1a.pk}")
    assert r.status_code == 400 and "__all__" in r.json()["errors"]

    r = api("town", "post", "/organizations",
            {"kind": "enterprise", "name": "新企业", "home_town": w.t1.pk,
             "credit_code": make_uscc(9999).lower(), "capabilities": ["电商", "冷链"]})  # fmt: skip
    assert r.status_code == 201, r.content
    org = r.json()
    assert org["credit_code"] == make_uscc(9999) and org["capabilities"] == ["电商", "冷链"]
    r = api("enterprise", "patch", f"/organizations/{w.e1.pk}", {"employees": 321})
    assert r.status_code == 200 and r.json()["employees"] == 321
    assert r.json()["chambers"] == [
        {"id": w.membership.pk, "chamber": {"id": w.c1.pk, "name": "龙岗镇商会", "kind": "chamber"},
         "enterprise": {"id": w.e1.pk, "name": w.e1.name, "kind": "enterprise"}}
    ]  # fmt: skip
    r = api("admin", "patch", f"/organizations/{w.bank.pk}", {"service_area": [w.t1.pk, w.t2.pk]})
    assert r.status_code == 200 and r.json()["service_area"] == sorted([w.t1.pk, w.t2.pk])
    assert r.json()["partner_kind"] == "financial"  # untouched by the PATCH

    r = api("town", "post", f"/organizations/{w.c1.pk}/chamber-members", {"enterprise": org["id"]})
    assert r.status_code == 201, r.content
    members = api("town", "get", f"/organizations/{w.c1.pk}/chamber-members").json()
    assert sorted(m["enterprise"]["id"] for m in members) == sorted([w.e1.pk, org["id"]])
    path = f"/organizations/{w.c1.pk}/chamber-members/{w.membership.pk}"
    assert api("town", "delete", path).status_code == 204
    assert api("admin", "delete", f"/organizations/{org['id']}").status_code == 400  # member
    r = api("admin", "delete", f"/organizations/{w.e_other.pk}")
    assert r.status_code == 400  # an alliance member: protected
    assert Organization.objects.filter(pk=w.e_other.pk).exists()


# --- Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        ("/organizations", {"kind": "enterprise", "name": "X", "credit_code": "91330112000000001X"},
         "credit_code", "is not a valid unified social credit code"),
        ("/villages", {"name": "新村", "code": "33011210729", "town": "T1"},
         "code", "exactly 12 digits"),
        ("/villages", {"name": "新村", "code": "330112107201", "town": "T1"},
         "code", "already exists"),
        ("/organizations", {"kind": "chamber", "name": "商会"},
         "home_town", "belongs to a town"),
        ("/organizations", {"kind": "enterprise", "name": "X", "home_town": "T2"},
         "home_town", "Select a valid choice"),  # the town officer's choices stop at T1
    ],
)  # fmt: skip
def test_invalid_input_is_400_with_field_messages(world, path, body, field, message):
    api = ApiClient(world)
    body = {k: world.t1.pk if v == "T1" else world.t2.pk if v == "T2" else v
            for k, v in body.items()}  # fmt: skip
    who = "town" if body.get("home_town") == world.t2.pk else "admin"
    before = db_state()
    r = api(who, "post", path, body)
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == "The input is not valid."
    assert any(message in m for m in r.json()["errors"][field]), r.json()
    assert db_state() == before


def test_messages_follow_the_users_language(world):
    api = ApiClient(world)
    r = api("admin", "post", "/organizations", {"kind": "enterprise"}, lang="zh-hans")
    assert r.status_code == 400
    assert r.json()["errors"]["name"] == ["这个字段是必填项。"]
    r = api("admin", "post", "/organizations", {"kind": "enterprise"}, lang="en")
    assert r.json()["errors"]["name"] == ["This field is required."]
    r = api("admin", "post", "/villages", {"name": "新村", "town": 999999}, lang="zh-hans")
    assert r.json()["errors"]["town"][0].startswith("选择一个有效的选项")


def test_patch_is_change_logged_as_the_token_user(world):
    api = ApiClient(world)
    r = api("town", "patch", f"/villages/{world.v1a.pk}", {"population": 999})
    assert r.status_code == 200, r.content
    change = ObjectChange.objects.filter(object_id=str(world.v1a.pk)).first()
    user = world.users["town"]
    assert (change.user_id, change.user_name, change.action) == (user.pk, "town_t1", "update")
    assert change.request_id == r["X-Request-ID"]
    assert change.before["population"] == 1200 and change.after["population"] == 999
    r = api("town", "patch", f"/villages/{world.v1a.pk}", {"name": "望湖新村"})
    area_change = ObjectChange.objects.filter(object_id=str(world.v1a.area_id)).first()
    assert (area_change.before["name"], area_change.after["name"]) == ("望湖村", "望湖新村")
    assert area_change.user_name == "town_t1"


@pytest.mark.parametrize("resource", ["areas", "villages", "organizations"])
def test_lists_run_a_constant_number_of_queries(world, resource):
    for v in (world.v1a, world.v1b, world.v2a):
        VillageIncome.objects.create(village=v, year=2023, amount_yuan="1")
    world.bank.service_area.set([world.t1, world.t2])
    world.e1.service_area.set([world.t1])
    api = ApiClient(world)
    api.key("superuser")
    counts = []
    for limit in (1, 1000):
        with CaptureQueriesContext(connection) as ctx:
            r = api("superuser", "get", f"/{resource}", {"limit": limit})
        assert r.status_code == 200
        counts.append((len(r.json()["items"]), len(ctx.captured_queries)))
    (few, q_few), (many, q_many) = counts
    assert few == 1 and many >= 4
    assert q_few == q_many


@pytest.mark.django_db
def test_a_draft_alliances_pairing_does_not_make_a_village_paired_now(world):
    """The village list's "paired now" follows the figures: a draft's pairing is not one yet."""
    from tianmu.alliances.tests.factories import AllianceFactory, PairingFactory
    from tianmu.registry.resources import villages_with_pairing_state

    draft = AllianceFactory(program=world.program, name="草案联盟", status="draft")
    PairingFactory(alliance=draft, village=world.v1b, start=world.p1.start)
    paired = dict(villages_with_pairing_state().values_list("pk", "is_paired"))
    assert paired[world.v1a.pk] is True  # an active alliance's pairing
    assert paired[world.v1b.pk] is False  # only a draft's


def test_a_villages_coordinates_are_its_areas(world):
    """`lat`/`lon` on the village are its area's: shown, changed and checked there."""
    api = ApiClient(world)
    r = api("town", "patch", f"/villages/{world.v1a.pk}", {"lat": 30.215, "lon": 119.03})
    assert r.status_code == 200, r.content
    assert (r.json()["lat"], r.json()["lon"]) == (30.215, 119.03)
    world.v1a.area.refresh_from_db()
    assert (world.v1a.area.lat, world.v1a.area.lon) == (30.215, 119.03)
    listed = api("town", "get", "/villages?q=望湖村").json()["items"][0]
    assert (listed["lat"], listed["lon"]) == (30.215, 119.03)
    # Another field alone leaves them as they are; a latitude beyond 90 is refused.
    r = api("town", "patch", f"/villages/{world.v1a.pk}", {"population": 5})
    assert (r.json()["lat"], r.json()["lon"]) == (30.215, 119.03)
    before = db_state()
    r = api("town", "patch", f"/villages/{world.v1a.pk}", {"lat": 91}, lang="zh-hans")
    assert r.status_code == 400 and list(r.json()["errors"]) == ["lat"]
    assert db_state() == before
