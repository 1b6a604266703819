"""The alliances API: programmes, alliances and their members, pairings — every role, the rules
as 400s with field messages, ending instead of deleting."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.alliances.models import AllianceMember, Pairing
from tianmu.alliances.tests.factories import AllianceFactory
from tianmu.core.tests.api_client import EVERYONE, ApiClient, db_state

pytestmark = pytest.mark.django_db

UNIVERSE = {
    "programs": ["program", "program_b"],
    "alliances": ["a1", "a2", "ab"],
    "pairings": ["p1", "p2", "pb"],
}


def _by_role(su, a_staff, a_local, b_staff, o_town, o_village, b_org):
    return {
        "superuser": su, "admin": a_staff, "leader": a_staff, "town": a_local,
        "village": a_local, "enterprise": a_local, "bank": a_local, "o_admin": b_staff,
        "o_leader": b_staff, "o_town": o_town, "o_village": o_village,
        "o_enterprise": b_org, "o_bank": b_org,
    }  # fmt: skip


VISIBLE = {
    "programs": _by_role(
        ["program", "program_b"],
        ["program"],
        ["program"],
        ["program_b"],
        ["program"],
        ["program"],
        ["program_b"],
    ),  # fmt: skip
    "alliances": _by_role(["a1", "a2", "ab"], ["a1", "a2"], ["a1"], ["ab"], ["a2"], [], ["ab"]),
    "pairings": _by_role(["p1", "p2", "pb"], ["p1", "p2"], ["p1"], ["pb"], ["p2"], [], ["pb"]),
}


@pytest.mark.parametrize("resource", list(VISIBLE))
def test_every_role_reads_exactly_its_scope(world, resource):
    api = ApiClient(world)
    objects = {name: getattr(world, name) for name in UNIVERSE[resource]}
    for who in EVERYONE:
        expected = set(VISIBLE[resource][who])
        body = api(who, "get", f"/{resource}").json()
        assert body["count"] == len(expected), who
        assert {i["id"] for i in body["items"]} == {objects[n].pk for n in expected}, who
        for name, obj in objects.items():
            status = 200 if name in expected else 404
            assert api(who, "get", f"/{resource}/{obj.pk}").status_code == status, (who, name)
            if resource == "alliances":
                r = api(who, "get", f"/alliances/{obj.pk}/members")
                assert r.status_code == status, (who, name)


def test_alliance_detail(world):
    api = ApiClient(world)
    body = api("village", "get", f"/alliances/{world.a1.pk}").json()
    assert body["rule_check"]["ok"] is True and body["rule_check"]["problems"] == []
    assert body["rule_check"]["counts"]["core"] == 5
    assert body["program"] == {"id": world.program.pk, "name": "天目共富联盟 测试"}
    assert body["current_pairing"] == {
        "id": world.p1.pk,
        "village": {"id": world.v1a.pk, "name": "望湖村", "code": "330112107201"},
        "start": "2020-01-01",
        "end": None,
        "note": "",
    }
    assert len(body["members"]) == 7 and all(m["active"] for m in body["members"])
    assert body["members"][0]["organization"] == {
        "id": world.c1.pk, "name": "龙岗镇商会", "kind": "chamber"
    }  # fmt: skip
    a2 = api("admin", "get", f"/alliances/{world.a2.pk}").json()
    assert a2["rule_check"]["ok"] is False
    assert "Needs 4 more core enterprises (has 1 of 5)." in a2["rule_check"]["problems"]
    members = api("admin", "get", f"/alliances/{world.a1.pk}/members", {"role": "core"}).json()
    assert members["count"] == 5


def _write_cases(w):
    member = w.a1.members.filter(role="core").first()
    return [
        ("post", "/programs", {"name": "新计划", "county": w.county.pk, "start": "2024-01-01"},
         {"superuser", "admin", "o_admin"}),
        ("patch", f"/programs/{w.program.pk}", {"description": "x"}, {"superuser", "admin"}),
        ("delete", f"/programs/{w.program.pk}", None, {"superuser", "admin"}),
        ("post", "/alliances", {"program": w.program.pk, "name": "新联盟"},
         {"superuser", "admin", "o_admin"}),
        ("patch", f"/alliances/{w.a1.pk}", {"positioning": "x"}, {"superuser", "admin"}),
        ("delete", f"/alliances/{w.a1.pk}", None, {"superuser", "admin"}),
        ("post", f"/alliances/{w.a2.pk}/members",
         {"organization": w.bank.pk, "role": "partner", "start": "2024-01-01"},
         {"superuser", "admin"}),
        ("post", f"/alliances/{w.a1.pk}/members/{member.pk}/end", {"end": "2024-01-01"},
         {"superuser", "admin"}),
        ("post", "/pairings", {"alliance": w.a1.pk, "village": w.v1b.pk, "start": "2024-01-01"},
         {"superuser", "admin", "o_admin"}),
        ("post", f"/pairings/{w.p1.pk}/end", {"end": "2024-01-01"}, {"superuser", "admin"}),
    ]  # fmt: skip


def test_writes_outside_the_scope_are_404_and_change_nothing(world):
    api = ApiClient(world)
    before = db_state()
    for method, path, body, allowed in _write_cases(world):
        for who in [w for w in EVERYONE if w not in allowed]:
            r = api(who, method, path, body)
            assert r.status_code == 404, (who, method, path, r.status_code, r.content)
    # An admin of county B may create, but not with county A's programme or villages: those
    # ids are invalid choices for them, exactly like ids that do not exist.
    r = api("o_admin", "post", "/alliances", {"program": world.program.pk, "name": "越界"})
    assert r.status_code == 400 and "program" in r.json()["errors"]
    assert db_state() == before


def test_an_alliance_from_draft_to_pairing_to_end(world):
    api = ApiClient(world)
    r = api("admin", "post", "/alliances", {"program": world.program.pk, "name": "示例一村联盟"})
    assert r.status_code == 201, r.content
    alliance = r.json()
    assert alliance["status"] == "draft" and alliance["current_pairing"] is None
    assert "Not paired with a village." in alliance["rule_check"]["problems"]
    aid = alliance["id"]

    pair = {"alliance": aid, "village": world.v1b.pk, "start": "2024-01-01", "note": "试点"}
    r = api("admin", "post", "/pairings", pair)
    assert r.status_code == 201, r.content
    pairing = r.json()
    assert pairing["village"]["name"] == "示例一村" and pairing["active"] is True

    r = api("admin", "post", f"/alliances/{aid}/members",
            {"organization": world.c1.pk, "role": "chamber", "start": "2024-01-01"})  # fmt: skip
    assert r.status_code == 201, r.content
    member = r.json()
    assert member["organization"]["id"] == world.c1.pk and member["end"] is None

    # Not 5+1+X yet: activating it is refused with the problems as the field's messages.
    r = api("admin", "patch", f"/alliances/{aid}", {"status": "active"})
    assert r.status_code == 400
    assert any("core enterprise" in m for m in r.json()["errors"]["status"])
    r = api("admin", "patch", f"/alliances/{world.a1.pk}", {"status": "active"})
    assert r.status_code == 200 and r.json()["status"] == "active"

    r = api("admin", "post", f"/alliances/{aid}/members/{member['id']}/end", {"end": "2024-06-30"})
    assert r.status_code == 200 and r.json()["end"] == "2024-06-30" and not r.json()["active"]
    r = api("admin", "post", f"/pairings/{pairing['id']}/end", {"end": "2024-12-31"})
    assert r.status_code == 200 and r.json()["end"] == "2024-12-31" and not r.json()["active"]
    assert AllianceMember.objects.filter(pk=member["id"]).exists()  # ended, not deleted
    assert Pairing.objects.get(pk=pairing["id"]).end == datetime.date(2024, 12, 31)
    # Ended records are history, not deletable; the alliance with history is protected too.
    assert api("admin", "delete", f"/alliances/{aid}").status_code == 400

    r = api("admin", "post", "/programs",
            {"name": "新计划", "county": world.county.pk, "start": "2024-01-01",
             "core_count": 3, "partners_min": 0})  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["formula"] == "3+1+X" and r.json()["county"]["code"] == "330112000000"
    pid = r.json()["id"]
    r = api("admin", "patch", f"/programs/{pid}", {"description": "三加一"})
    assert r.json()["description"] == "三加一" and r.json()["core_count"] == 3
    assert api("admin", "delete", f"/programs/{pid}").status_code == 204


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("pairing_overlap", "village", "is already paired with"),
        ("member_twice", "organization", "is already a member of this alliance"),
        ("chamber_elsewhere", "organization", "is not local to 龙岗镇"),
        ("pairing_end_before_start", "end", "cannot be before the start date"),
        ("member_end_before_start", "end", "cannot be before the start date"),
        ("pairing_reversed", "end", "cannot be before the start date"),
        ("partners_range", "partners_max", "cannot be below the minimum"),
        ("end_not_a_date", "end", "Enter a valid date."),
    ],
)
def test_rules_are_400_with_field_messages(world, case, field, message):
    free = AllianceFactory(program=world.program, name="未结对联盟")
    member = world.a1.members.filter(role="core").first()
    w = world
    path, body = {
        "pairing_overlap": (
            "/pairings", {"alliance": free.pk, "village": w.v1a.pk, "start": "2024-01-01"}),
        "member_twice": (
            f"/alliances/{w.a1.pk}/members",
            {"organization": w.e1.pk, "role": "core", "start": "2024-01-01"}),
        "chamber_elsewhere": (
            f"/alliances/{w.a1.pk}/members",
            {"organization": w.c2.pk, "role": "chamber", "start": "2024-01-01"}),
        "pairing_end_before_start": (f"/pairings/{w.p1.pk}/end", {"end": "2019-12-31"}),
        "member_end_before_start": (
            f"/alliances/{w.a1.pk}/members/{member.pk}/end", {"end": "2019-12-31"}),
        "pairing_reversed": (
            "/pairings",
            {"alliance": free.pk, "village": w.v1b.pk, "start": "2024-01-01", "end": "2023-01-01"}),
        "partners_range": (
            "/programs",
            {"name": "P", "county": w.county.pk, "start": "2024-01-01", "partners_min": 2,
             "partners_max": 1}),
        "end_not_a_date": (f"/pairings/{w.p1.pk}/end", {"end": "2024-02-30"}),
    }[case]  # fmt: skip
    api = ApiClient(world)
    before = db_state()
    r = api("admin", "post", path, body)
    if case == "end_not_a_date":  # the JSON schema already refuses it: 422, still per field
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"][-1] == "end"
        return
    assert r.status_code == 400, r.content
    assert any(message in m for m in r.json()["errors"][field]), r.json()
    assert db_state() == before


@pytest.mark.parametrize("path", ["/programs", "/alliances", "/pairings", "/alliances/A1/members"])
def test_lists_run_a_constant_number_of_queries(world, path):
    path = path.replace("A1", str(world.a1.pk))
    api = ApiClient(world)
    api.key("superuser")
    counts = []
    for limit in (1, 1000):
        with CaptureQueriesContext(connection) as ctx:
            r = api("superuser", "get", path, {"limit": limit})
        assert r.status_code == 200
        counts.append((len(r.json()["items"]), len(ctx.captured_queries)))
    (few, q_few), (many, q_many) = counts
    assert few == 1 and many >= 2
    assert q_few == q_many
