"""Workshops, positions, people and placements through the API: scopes for every role, bad
input refused with a message and nothing written, personal data masked and reveals logged."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import EVERYONE
from tianmu.employment.models import MonthlyEarning, Person, PersonalDataAccess, Placement
from tianmu.employment.tests.factories import (
    PersonFactory,
    PlacementFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db


def state() -> dict[str, int]:
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("employment").get_models()
    }
    counts["changes"] = ObjectChange.objects.count()
    return counts


def names(response, key="name"):
    assert response.status_code == 200, response.content
    return sorted(item[key] for item in response.json()["items"])


# --- Reading: who sees what -------------------------------------------------------------------

PEOPLE_BY_ROLE = {
    "superuser": ["阿富", "阿明", "阿花", "阿青"],
    "admin": ["阿明", "阿花", "阿青"],
    "leader": ["阿明", "阿花", "阿青"],
    "town": ["阿明", "阿花"],
    "village": ["阿明", "阿花"],
    "enterprise": ["阿明", "阿花"],  # villagers of its workshop's linked village
    "bank": [],
    "o_admin": ["阿富"],
    "o_leader": ["阿富"],
    "o_town": ["阿青"],
    "o_village": [],
    "o_enterprise": ["阿富"],
    "o_bank": [],
}


@pytest.mark.parametrize("who", EVERYONE)
def test_people_list_by_role(api, emp, who):
    assert names(api(who, "get", "/people")) == PEOPLE_BY_ROLE[who]


WORKSHOPS_BY_ROLE = {
    "superuser": ["天目共富岗", "富阳工坊", "昌化工坊"],
    "admin": ["天目共富岗", "昌化工坊"],
    "leader": ["天目共富岗", "昌化工坊"],
    "town": ["天目共富岗"],
    "village": ["天目共富岗"],
    "enterprise": ["天目共富岗"],
    "bank": [],
    "o_admin": ["富阳工坊"],
    "o_leader": ["富阳工坊"],
    "o_town": ["昌化工坊"],
    "o_village": [],
    "o_enterprise": ["富阳工坊"],
    "o_bank": [],
}


@pytest.mark.parametrize("who", EVERYONE)
def test_workshops_positions_placements_by_role(api, emp, who):
    assert names(api(who, "get", "/workshops")) == WORKSHOPS_BY_ROLE[who]
    positions = api(who, "get", "/positions").json()["items"]
    assert sorted({p["workshop"]["name"] for p in positions}) == WORKSHOPS_BY_ROLE[who]
    placements = api(who, "get", "/placements").json()["items"]
    visible_people = set(PEOPLE_BY_ROLE[who])
    if who == "enterprise":
        visible_people = {"阿花", "阿明"}  # placements in its own workshop only
    assert {p["person"]["name"] for p in placements} <= visible_people


@pytest.mark.parametrize("who", ["o_admin", "o_town", "o_village", "o_enterprise", "bank"])
def test_outside_scope_is_404_and_changes_nothing(api, emp, who):
    before = state()
    pk = emp.ahua.pk
    assert api(who, "get", f"/people/{pk}").status_code == 404
    assert api(who, "patch", f"/people/{pk}", {"name": "改名"}).status_code == 404
    assert api(who, "post", f"/people/{pk}/reveal", {"field": "id_number"}).status_code == 404
    assert api(who, "get", f"/workshops/{emp.w1.pk}").status_code == 404
    assert api(who, "patch", f"/workshops/{emp.w1.pk}", {"name": "x"}).status_code == 404
    assert api(who, "get", f"/placements/{emp.ahua_p1.pk}").status_code == 404
    assert api(who, "post", f"/placements/{emp.aming_p1.pk}/confirm").status_code == 404
    earning = {"month": "2024-07-01", "amount_yuan": "10.00"}
    assert api(who, "post", f"/placements/{emp.aming_p1.pk}/earnings", earning).status_code == 404
    assert state() == before


def test_leader_reads_but_cannot_write(api, emp):
    before = state()
    assert api("leader", "get", f"/people/{emp.ahua.pk}").status_code == 200
    assert api("leader", "patch", f"/people/{emp.ahua.pk}", {"name": "x"}).status_code == 404
    body = {"name": "新人", "village": emp.ahua.village_id}
    assert api("leader", "post", "/people", body).status_code == 404
    assert state() == before


# --- People: personal data --------------------------------------------------------------------


def test_person_detail_masks_and_sums_earnings_by_year(api, emp):
    r = api("admin", "get", "/people", {"q": "阿花"})
    assert r.json()["count"] == 1
    pk = r.json()["items"][0]["id"]
    body = api("admin", "get", f"/people/{pk}").json()
    assert body["id_number"] == "330124********0024"
    assert body["phone"] == "138****5678"
    # 12 × 2,500 in P1 + 1,000 in P2 for 2024; 阿明's unconfirmed placement is not counted.
    assert body["earnings_by_year"] == {"2024": "31000.00", "2025": "2600.00"}
    assert "13812345678" not in str(api("admin", "get", "/people").content)


@pytest.mark.parametrize("who", ["superuser", "admin", "village"])
def test_reveal_allowed_and_logged(api, emp, who, world):
    r = api(who, "post", f"/people/{emp.ahua.pk}/reveal", {"field": "id_number"})
    assert r.status_code == 200
    assert r.json() == {"field": "id_number", "value": "330124198001010024"}
    log = PersonalDataAccess.objects.get()
    assert (log.person, log.field, log.user_name) == (
        emp.ahua,
        "id_number",
        world.users[who].username,
    )
    assert api(who, "post", f"/people/{emp.ahua.pk}/reveal", {"field": "phone"}).json() == {
        "field": "phone",
        "value": "13812345678",
    }
    assert PersonalDataAccess.objects.count() == 2


@pytest.mark.parametrize("who", ["leader", "town", "enterprise"])
def test_reveal_refused_for_roles_that_do_not_need_it(api, emp, who):
    r = api(who, "post", f"/people/{emp.ahua.pk}/reveal", {"field": "id_number"})
    assert r.status_code == 403
    assert "village cadre" in r.json()["detail"]
    assert PersonalDataAccess.objects.count() == 0


def test_change_log_never_stores_personal_data(api, emp, world):
    body = {
        "name": "新村民",
        "village": world.v1a.pk,
        "id_number": make_id_number(5, born="19900215"),
        "phone": "13900001111",
    }
    r = api("village", "post", "/people", body)
    assert r.status_code == 201, r.content
    assert r.json()["id_number"] == "330124********" + body["id_number"][-4:]
    assert r.json()["birth_year"] == 1990  # taken from the ID number
    change = ObjectChange.objects.filter(object_id=str(r.json()["id"])).latest("id")
    assert change.after["id_number"] == "***"
    assert change.after["phone"] == "***"
    assert change.after["id_number_hash"] == "***"
    assert body["id_number"] not in str(change.after)
    # At rest the column holds a Fernet token, not the number.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id_number, phone FROM employment_person WHERE id = %s", [r.json()["id"]]
        )
        stored_id, stored_phone = cur.fetchone()
    assert stored_id.startswith("fernet:") and body["id_number"] not in stored_id
    assert stored_phone.startswith("fernet:")


def test_patch_without_id_number_keeps_it(api, emp):
    r = api("admin", "patch", f"/people/{emp.ahua.pk}", {"household": "户99"})
    assert r.status_code == 200, r.content
    emp.ahua.refresh_from_db()
    assert emp.ahua.id_number == "330124198001010024"
    assert emp.ahua.household == "户99"
    r = api("admin", "patch", f"/people/{emp.ahua.pk}", {"clear_phone": True})
    emp.ahua.refresh_from_db()
    assert emp.ahua.phone == ""


def test_bad_check_digit_is_refused(api, emp, world):
    before = state()
    good = make_id_number(7)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    r = api(
        "village", "post", "/people", {"name": "错号", "village": world.v1a.pk, "id_number": bad}
    )
    assert r.status_code == 400
    assert "check digit does not match" in r.json()["errors"]["id_number"][0]
    assert state() == before


def test_same_id_number_twice_is_refused(api, emp, world):
    before = state()
    body = {"name": "重号", "village": world.v1a.pk, "id_number": "330124198001010024"}
    r = api("village", "post", "/people", body)
    assert r.status_code == 400
    assert "already registered" in str(r.json()["errors"])
    assert state() == before


def test_village_cadre_cannot_register_in_another_village(api, emp, world):
    before = state()
    r = api("village", "post", "/people", {"name": "外村", "village": world.v1b.pk})
    assert r.status_code == 400  # not a choice the cadre has
    assert state() == before


# --- Placements -------------------------------------------------------------------------------


def test_enterprise_reports_and_village_confirms(api, emp, world):
    newbie = PersonFactory(name="新工", village=world.v1a)
    body = {"person": newbie.pk, "position": emp.p1.pk, "start": "2025-02-01"}
    r = api("enterprise", "post", "/placements", body)
    assert r.status_code == 201, r.content
    assert (r.json()["confirmation"], r.json()["reported_side"]) == ("reported", "enterprise")
    pk = r.json()["id"]
    # The reporting side cannot confirm its own report.
    r = api("enterprise", "post", f"/placements/{pk}/confirm")
    assert r.status_code == 400
    assert "other side" in str(r.json())
    r = api("village", "post", f"/placements/{pk}/confirm")
    assert r.status_code == 200
    assert r.json()["confirmation"] == "confirmed"
    # Confirmed records are locked.
    r = api("enterprise", "patch", f"/placements/{pk}", {"note": "改"})
    assert r.status_code == 400
    assert "locked" in str(r.json())


def test_village_disputes_with_a_reason(api, emp):
    r = api("village", "post", f"/placements/{emp.aming_p1.pk}/dispute", {"reason": ""})
    assert r.status_code == 400
    r = api("village", "post", f"/placements/{emp.aming_p1.pk}/dispute", {"reason": "没来上班"})
    assert r.json()["confirmation"] == "disputed"


def test_placement_ending_before_it_starts_is_refused(api, emp, world):
    before = state()
    body = {"person": emp.aming.pk, "position": emp.p1.pk, "start": "2025-03-01"}
    body |= {"end": "2025-02-01"}
    r = api("village", "post", "/placements", body)
    assert r.status_code == 400
    assert r.json()["errors"]["end"] == ["A placement cannot end before it starts."]
    assert state() == before


def test_second_active_placement_in_same_position_is_refused(api, emp):
    before = state()
    body = {"person": emp.ahua.pk, "position": emp.p1.pk, "start": "2025-05-01"}
    r = api("enterprise", "post", "/placements", body)
    assert r.status_code == 400
    assert "already holds this position" in r.json()["errors"]["position"][0]
    assert state() == before
    # After an ended placement, a new one in the same position is fine.
    body = {"person": emp.ahua.pk, "position": emp.p2.pk, "start": "2025-01-01"}
    assert api("admin", "post", "/placements", body).status_code == 201


def test_earnings_outside_the_placement_are_refused(api, emp):
    before = state()
    r = api(
        "enterprise",
        "post",
        f"/placements/{emp.aming_p1.pk}/earnings",
        {"month": "2024-01-01", "amount_yuan": "100.00"},
    )
    assert r.status_code == 400
    assert "months of the placement" in r.json()["errors"]["month"][0]
    r = api(
        "enterprise",
        "post",
        f"/placements/{emp.aming_p1.pk}/earnings",
        {"month": "2024-07-01", "amount_yuan": "-1"},
    )
    assert r.status_code == 400
    assert state() == before
    r = api(
        "enterprise",
        "post",
        f"/placements/{emp.aming_p1.pk}/earnings",
        {"month": "2024-07-15", "amount_yuan": "1800.50"},
    )
    assert r.status_code == 201
    assert r.json() == {"month": "2024-07-01", "amount_yuan": "1800.50"}
    assert MonthlyEarning.objects.filter(placement=emp.aming_p1).count() == 2


def test_period_lock_blocks_placements_and_earnings(api, emp, world):
    from tianmu.core.workflow import period_lock

    period_lock(
        user=world.users["admin"],
        area=world.county,
        month=datetime.date(2024, 7, 1),
    )
    before = state()
    r = api(
        "enterprise",
        "post",
        f"/placements/{emp.aming_p1.pk}/earnings",
        {"month": "2024-07-01", "amount_yuan": "100.00"},
    )
    assert r.status_code == 400
    assert "locked" in str(r.json())
    assert state() == before


def test_messages_in_chinese(api, emp):
    body = {"person": emp.aming.pk, "position": emp.p1.pk, "start": "2025-03-01"}
    body |= {"end": "2025-02-01"}
    r = api("village", "post", "/placements", body, lang="zh-hans")
    assert r.status_code == 400
    assert r.json()["errors"]["end"] == ["就业结束日期不能早于开始日期。"]


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/people", "/workshops", "/positions", "/placements"])
def test_list_query_count_does_not_grow(api, emp, world, path):
    def count():
        api("admin", "get", path)  # warm up the token lookup
        with CaptureQueriesContext(connection) as ctx:
            assert api("admin", "get", path).status_code == 200
        return len(ctx.captured_queries)

    first = count()
    from tianmu.employment.tests.factories import PositionFactory, WorkshopFactory

    for i in range(5):
        ws = WorkshopFactory(enterprise=world.e1, villages=[world.v1a, world.v2a])
        pos = PositionFactory(workshop=ws)
        person = PersonFactory(village=world.v1a, id_number=make_id_number(100 + i))
        PlacementFactory(person=person, position=pos)
    assert count() == first


def test_people_are_not_listed_for_anonymous(api, emp):
    assert api(None, "get", "/people").status_code == 401
    assert Person.objects.count() == 4
    assert Placement.objects.count() == 5
