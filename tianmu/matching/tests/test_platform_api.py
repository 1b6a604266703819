"""Matching runs end to end through the API, with Celery eager (no broker, as in tests)."""

import copy

import pytest
from django.apps import apps

from tianmu.alliances.models import Alliance, AllianceMember, Pairing
from tianmu.alliances.selectors import alliance_rule_check
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient
from tianmu.matching.models import MatchingRun, Proposal
from tianmu.matching.solver import solve

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(mworld):
    return ApiClient(mworld)


def state() -> dict[str, int]:
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ("registry", "alliances", "matching")
    }
    counts["changes"] = ObjectChange.objects.count()
    return counts


def start(api, body=None, who="admin"):
    body = {"program": api.world.program.pk, **(body or {})}
    return api(who, "post", "/matching/runs", body)


def test_a_run_goes_end_to_end_and_respects_the_rules(api, mworld):
    w = mworld
    r = start(api)
    assert r.status_code == 201, r.content
    run = r.json()
    assert run["status"] == "done"
    assert run["progress"] == 100
    assert run["requested_by"] == "admin_a"
    assert run["options"]["villages"] == [w.v1b.pk]  # default: the unpaired villages
    assert run["solver_status"] == "optimal"
    assert run["objective"] == run["bound"] == run["result"]["objective"]
    assert run["gap"] == 0.0
    assert run["seconds"] >= 0
    assert run["error"] == ""
    [alliance] = run["result"]["alliances"]
    assert alliance["village"] == str(w.v1b.pk)
    free = {str(e.pk) for e in w.free}
    assert set(alliance["core"]) == free  # the only five enterprises not busy elsewhere
    assert alliance["chamber"] == [str(w.c1.pk)]  # local to 龙岗镇
    assert alliance["partners"] == [str(w.bank.pk)]
    [proposal] = run["proposals"]
    assert proposal["village"]["id"] == w.v1b.pk
    assert proposal["current_alliance"] is None
    assert proposal["accepted"] is False
    core = [m for m in proposal["members"] if m["role"] == "core"]
    assert sorted(m["function"] for m in core) == ["", "", "innovation", "resource", "think_tank"]
    assert {"need", "market", "labour", "distance", "km", "multiplier"} <= set(
        core[0]["explanation"]
    )
    assert core[0]["name"]
    # GET answers the same run.
    again = api("admin", "get", f"/matching/runs/{run['id']}").json()
    assert again["result"] == run["result"]


def test_a_saved_run_is_reproducible(api, mworld):
    r = start(api, {"weights": {"need": 0.6, "continuity": 0.1}})
    run = MatchingRun.objects.get(pk=r.json()["id"])
    assert run.weights == {"need": 0.6, "continuity": 0.1}
    assert run.instance["weights"] == {"need": 0.6, "continuity": 0.1}
    saved = copy.deepcopy(run.instance)
    result = solve(copy.deepcopy(run.instance), time_limit=run.time_limit)
    assert run.instance == saved  # solving did not touch the saved instance
    strip = lambda res: {k: v for k, v in res.items() if k != "seconds"}  # noqa: E731
    assert strip(result) == strip(run.result)
    # The rerun endpoint solves the saved instance (not the registry) again.
    r = api("admin", "post", f"/matching/runs/{run.pk}/rerun")
    assert r.status_code == 201
    rerun = r.json()
    assert rerun["source_run"] == run.pk
    assert strip(rerun["result"]) == strip(run.result)


def test_accept_creates_draft_alliances_through_the_services(api, mworld):
    w = mworld
    run_id = start(api).json()["id"]
    last = ObjectChange.objects.order_by("-id").values_list("id", flat=True).first()
    r = api("admin", "post", f"/matching/runs/{run_id}/accept", {})
    assert r.status_code == 201, r.content
    body = r.json()
    [alliance_id] = body["alliances"]
    assert body["created"] == [alliance_id]
    alliance = Alliance.objects.get(pk=alliance_id)
    assert alliance.status == "draft"
    assert alliance.program == w.program
    assert alliance.name == "龙岗镇示例一村共富联盟"
    members = list(alliance.members.all())
    assert sorted(m.role for m in members) == ["chamber"] + ["core"] * 5 + ["partner"]
    assert {m.organization for m in members if m.role == "core"} == set(w.free)
    functions = sorted(m.function for m in members if m.role == "core")
    assert functions == ["", "", "innovation", "resource", "think_tank"]
    pairing = alliance.pairings.get()
    assert pairing.village == w.v1b
    assert pairing.end == w.program.end
    check = alliance_rule_check(alliance=alliance)
    assert check.ok, check.problems
    # Audit trail: every row written, by the accepting user, in one request.
    new = list(ObjectChange.objects.filter(id__gt=last).select_related("content_type"))
    assert {c.user_id for c in new} == {w.users["admin"].pk}
    assert len({c.request_id for c in new}) == 1
    models = sorted(c.content_type.model for c in new)
    assert models == sorted(["alliance"] + ["alliancemember"] * 7 + ["pairing", "proposal"])
    proposal = Proposal.objects.get(run_id=run_id)
    assert proposal.alliance == alliance
    assert proposal.accepted_by == w.users["admin"]


def test_accepting_twice_does_not_duplicate(api):
    run_id = start(api).json()["id"]
    first = api("admin", "post", f"/matching/runs/{run_id}/accept", {}).json()
    snapshot = state()
    r = api("admin", "post", f"/matching/runs/{run_id}/accept", {"villages": [api.world.v1b.pk]})
    assert r.status_code == 200
    assert r.json()["alliances"] == first["alliances"]
    assert r.json()["created"] == []
    assert state() == snapshot


def test_a_village_with_an_active_pairing_is_refused(api, mworld):
    w = mworld
    r = start(api, {"villages": [w.v1a.pk]})
    run = r.json()
    assert run["solver_status"] == "optimal"
    [proposal] = run["proposals"]
    assert proposal["current_alliance"]["id"] == w.a1.pk  # shown side by side
    snapshot = state()
    r = api("admin", "post", f"/matching/runs/{run['id']}/accept", {"villages": [w.v1a.pk]})
    assert r.status_code == 400
    [message] = r.json()["errors"]["villages"]
    assert "already paired with “望湖村共富联盟”" in message
    assert state() == snapshot


def test_a_stale_proposal_is_refused_whole(api, mworld):
    """Two runs propose the same free enterprises; once one is accepted the other cannot be."""
    w = mworld
    first = start(api).json()["id"]
    second = start(api).json()["id"]
    api("admin", "post", f"/matching/runs/{first}/accept", {})
    snapshot = state()
    r = api("admin", "post", f"/matching/runs/{second}/accept", {})
    assert r.status_code == 400
    messages = r.json()["errors"]["villages"]
    assert any("already paired" in m for m in messages)
    assert any(f"“{w.free[0].name}” is already a core enterprise" in m for m in messages)
    assert state() == snapshot


def test_an_infeasible_run_has_a_diagnosis_and_nothing_to_accept(api, mworld):
    w = mworld
    r = start(api, {"villages": [w.v1b.pk, w.v2a.pk]})  # ten core slots, five enterprises
    run = r.json()
    assert run["status"] == "done"
    assert run["solver_status"] == "infeasible"
    assert run["result"]["diagnosis"]["messages"]
    # The readable diagnosis names the places instead of their ids.
    assert any("village 示例二村" in m for m in run["diagnosis"])
    assert run["proposals"] == []
    r = api("admin", "post", f"/matching/runs/{run['id']}/accept", {})
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weights": {"need": -1}}, "weights"),
        ({"weights": {"nonsense": 1}}, "weights"),
        ({"villages": []}, "villages"),
        ({"time_limit": -5}, "time_limit"),
        ({"enterprise_pool": "everyone"}, "enterprise_pool"),
    ],
)
def test_bad_input_is_400_with_field_messages(api, body, field):
    snapshot = state()
    r = start(api, body)
    assert r.status_code == 400, r.content
    assert field in r.json()["errors"]
    assert state() == snapshot


def test_villages_outside_the_scope_or_county(api, mworld):
    w = mworld
    snapshot = state()
    r = start(api, {"villages": [w.vb.pk]})  # county B: not visible to county A's admin
    assert r.status_code == 400
    assert "villages" in r.json()["errors"]
    r = start(api, {"villages": [w.vb.pk]}, who="superuser")  # visible, but not the county
    assert r.status_code == 400
    assert r.json()["errors"]["villages"] == ["Not in 临安区, the programme's area: 示例富阳村."]
    assert state() == snapshot


def test_negative_weight_message_names_the_weight(api):
    r = start(api, {"weights": {"need": -1}})
    assert r.json()["errors"]["weights"] == [
        "need: Ensure this value is greater than or equal to 0."
    ]


def test_unknown_programme_is_404(api):
    snapshot = state()
    assert start(api, {"program": 999999}).status_code == 404
    assert start(api, {"program": api.world.program_b.pk}).status_code == 404
    assert state() == snapshot


@pytest.mark.parametrize(
    "who", ["leader", "town", "village", "enterprise", "bank", "o_admin", "o_leader", None]
)
def test_only_the_programmes_admins_start_runs(api, who):
    snapshot = state()
    r = start(api, who=who)
    assert r.status_code == (401 if who is None else 404)
    assert state() == snapshot


@pytest.mark.parametrize("who", ["leader", "town", "village", "enterprise", "bank", "o_admin"])
def test_only_the_programmes_admins_accept(api, who):
    run_id = start(api).json()["id"]
    snapshot = state()
    r = api(who, "post", f"/matching/runs/{run_id}/accept", {})
    assert r.status_code == 404
    assert state() == snapshot
    assert api(who, "post", f"/matching/runs/{run_id}/rerun").status_code == 404
    assert state() == snapshot


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("superuser", True),
        ("admin", True),
        ("leader", True),
        ("town", False),
        ("village", False),
        ("enterprise", False),
        ("bank", False),
        ("o_admin", False),
        ("o_leader", False),
    ],
)
def test_who_sees_runs(api, who, visible):
    run_id = start(api).json()["id"]
    r = api(who, "get", f"/matching/runs/{run_id}")
    assert r.status_code == (200 if visible else 404)
    listing = api(who, "get", "/matching/runs").json()
    assert listing["count"] == (1 if visible else 0)
    assert api(who, "get", f"/matching/runs/{run_id}/instance").status_code == (
        200 if visible else 404
    )


def test_run_list_filters_and_query_count(api, mworld, django_assert_max_num_queries):
    for _ in range(3):
        start(api)
    api.key("admin")
    with django_assert_max_num_queries(8):
        r = api("admin", "get", "/matching/runs", {"status": "done", "solver_status": "optimal"})
    assert r.json()["count"] == 3
    r = api("admin", "get", "/matching/runs", {"status": "failed"})
    assert r.json() == {"count": 0, "count_exact": True, "items": []}


def test_a_run_that_cannot_be_built_fails_with_a_message(api, mworld):
    w = mworld
    w.county.lat = w.county.lon = w.t1.lat = w.t1.lon = None
    w.county.save()
    w.t1.save()
    r = start(api)
    assert r.status_code == 201
    run = r.json()
    assert run["status"] == "failed"
    assert "示例一村" in run["error"]
    assert run["result"] is None


def test_membership_rows_written_match_the_proposal(api, mworld):
    """The members and the pairing are ordinary rows: the alliance page and API show them."""
    run_id = start(api).json()["id"]
    alliance_id = api("admin", "post", f"/matching/runs/{run_id}/accept", {}).json()["alliances"][0]
    detail = api("admin", "get", f"/alliances/{alliance_id}").json()
    assert detail["status"] == "draft"
    assert detail["rule_check"]["ok"] is True
    assert AllianceMember.objects.filter(alliance_id=alliance_id).count() == 7
    assert Pairing.objects.filter(alliance_id=alliance_id).count() == 1
