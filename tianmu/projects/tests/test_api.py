"""The projects API: scope by role, detail with sales and participants, review, period lock."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.commerce.tests.factories import (
    OrderDeliveryFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
)
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import EVERYONE, ApiClient
from tianmu.core.workflow import PeriodLock
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage
from tianmu.projects.tests.factories import ProjectFactory, ProjectVillageFactory

pytestmark = pytest.mark.django_db


def db_state():
    return {
        "projects": Project.objects.count(),
        "participants": ProjectVillage.objects.count(),
        "updates": list(ProjectUpdate.objects.values_list("review_status", "title")),
        "changes": ObjectChange.objects.count(),
    }


# Who sees the 望湖村 project: area staff over 望湖村 or over a participating village (v1b in
# T1, v2a in T2), the alliance's members (e1, the bank), and the enterprise with agreements.
SEES_PROJECT = {"superuser", "admin", "leader", "town", "village", "enterprise", "bank",
                "o_town", "o_village"}  # fmt: skip


@pytest.mark.parametrize("who", EVERYONE)
def test_project_list_by_role(world, trade, who):
    api = ApiClient(world)
    response = api(who, "get", "/projects")
    assert response.status_code == 200
    ids = [p["id"] for p in response.json()["items"]]
    assert ids == ([trade.project.pk] if who in SEES_PROJECT else [])
    detail = api(who, "get", f"/projects/{trade.project.pk}")
    assert detail.status_code == (200 if who in SEES_PROJECT else 404)


def test_project_detail(world, trade):
    api = ApiClient(world)
    response = api("admin", "get", f"/projects/{trade.project.pk}")
    data = response.json()
    assert data["brand"] == "浙西天路·共富菜园"
    assert data["sales_yuan"] == "850.00"
    assert data["sales_reported_yuan"] == "425.00"
    assert [v["village"]["name"] for v in data["participating_villages"]] == [
        "示例一村",
        "示例二村",
    ]
    assert [a["id"] for a in data["agreements"]] == [trade.agreement.pk]
    assert data["agreements"][0]["value_yuan"] == "850.00"
    # Nothing disclosed: null, never 0.00.
    assert data["investment"] == dict.fromkeys(
        ("enterprise", "village", "loan", "government", "total")
    )
    # An order linked to the project counts once its delivery is confirmed.
    with_order = PurchaseOrderFactory(enterprise=world.e1, village=world.v1a, project=trade.project)
    PurchaseOrderLineFactory(order=with_order, quantity=4, unit_price="25.00")
    OrderDeliveryFactory(order=with_order, confirmation="reported")
    data = api("admin", "get", f"/projects/{trade.project.pk}").json()
    assert (data["sales_yuan"], data["sales_reported_yuan"]) == ("850.00", "525.00")
    with_order.deliveries.update(confirmation="confirmed")
    data = api("admin", "get", f"/projects/{trade.project.pk}").json()
    assert (data["sales_yuan"], data["sales_reported_yuan"]) == ("950.00", "425.00")
    assert api("admin", "get", "/kpis").json()["project_sales_yuan"] == "950.00"


def test_project_search_and_query_count(world, trade):
    api = ApiClient(world)
    api.key("admin")
    response = api("admin", "get", "/projects", {"q": "共富菜园"})
    assert response.json()["count"] == 1
    assert api("admin", "get", "/projects", {"q": "没有"}).json()["count"] == 0

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert api("admin", "get", "/projects").status_code == 200
        return len(ctx.captured_queries)

    first = queries()
    for i in range(3):
        p = ProjectFactory(village=world.v1b, name=f"项目{i}")
        ProjectVillageFactory(project=p, village=world.v1a)
    assert queries() == first


def test_create_project_and_bad_input(world):
    api = ApiClient(world)
    body = {"name": "共富菜园", "kind": "business", "category": "planting",
            "village": world.v1a.pk, "alliance": world.a1.pk, "start": "2024-01-01",
            "investment_enterprise_yuan": "300000.00", "investment_village_yuan": "50000",
            "idle_farmland_mu": "120.5"}  # fmt: skip
    response = api("village", "post", "/projects", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["investment"]["total"] == "350000.00"
    before = db_state()
    bad = {**body, "name": "另一个", "investment_loan_yuan": "-1", "category": "money"}
    response = api("village", "post", "/projects", bad)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["investment_loan_yuan"] == ["Cannot be negative."]
    bad = {**body, "name": "另一个", "investment_loan_yuan": "1.005"}
    response = api("village", "post", "/projects", bad)
    assert response.json()["errors"]["investment_loan_yuan"] == [
        "Ensure that there are no more than 2 decimal places."
    ]
    response = api("village", "post", "/projects", {**body, "name": "公益", "category": "money"})
    assert "is not a category of" in response.json()["errors"]["category"][0]
    # Outside the scope: the village field rejects another village; enterprises create none.
    response = api("o_village", "post", "/projects", body)
    assert response.status_code == 400 and "village" in response.json()["errors"]
    assert api("enterprise", "post", "/projects", body).status_code == 404
    assert api("leader", "post", "/projects", body).status_code == 404
    assert db_state() == before
    pid = data["id"]
    assert api("village", "patch", f"/projects/{pid}", {"status": "closed"}).status_code == 200
    response = api("village", "patch", f"/projects/{pid}", {"status": "building"})
    assert response.status_code == 400
    assert "only moves forward" in response.json()["errors"]["status"][0]


def test_participants(world, trade):
    api = ApiClient(world)
    body = {"village": world.v1a.pk, "supplies": "土豆"}
    response = api("admin", "post", f"/projects/{trade.project.pk}/villages", body)
    assert response.status_code == 400
    assert "own village" in response.json()["errors"]["village"][0]
    response = api("admin", "post", f"/projects/{trade.project.pk}/villages",
                   {"village": world.v1b.pk})  # fmt: skip
    assert response.status_code == 400  # already taking part
    response = api("admin", "get", "/project-villages")
    assert response.json()["count"] == 2
    assert api("o_admin", "get", "/project-villages").json()["count"] == 0
    before = db_state()
    path = f"/projects/{trade.project.pk}/villages/{trade.pv1.pk}"
    for who in ("o_village", "o_town", "enterprise", "leader", "o_admin"):
        assert api(who, "delete", path).status_code == 404
    assert db_state() == before
    assert api("town", "delete", path).status_code == 204


def test_update_review_flow(world, trade):
    api = ApiClient(world)
    pid = trade.project.pk
    response = api(
        "village",
        "post",
        f"/projects/{pid}/updates",
        {"date": "2024-05-01", "title": "第一批蔬菜上市", "text": "..."},
    )
    assert response.status_code == 201, response.content
    uid = response.json()["id"]
    assert response.json()["review_status"] == "draft"
    assert api("village", "post", f"/project-updates/{uid}/submit").json()["review_status"] == (
        "submitted"
    )
    # A village cadre does not review; an outsider does not even see the update.
    response = api("village", "post", f"/project-updates/{uid}/approve")
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == ["Only programme staff review records."]
    assert api("o_admin", "post", f"/project-updates/{uid}/approve").status_code == 404
    response = api("admin", "post", f"/project-updates/{uid}/return", {"reason": ""})
    assert response.status_code == 400
    response = api("admin", "post", f"/project-updates/{uid}/return", {"reason": "缺照片"})
    assert response.json()["review_status"] == "returned"
    assert response.json()["review_note"] == "缺照片"
    response = api("village", "patch", f"/project-updates/{uid}", {"text": "补充说明"})
    assert response.status_code == 200
    api("village", "post", f"/project-updates/{uid}/submit")
    response = api("admin", "post", f"/project-updates/{uid}/approve")
    assert response.json()["review_status"] == "approved"
    response = api("village", "patch", f"/project-updates/{uid}", {"text": "改"})
    assert response.status_code == 400
    assert "cannot be edited" in response.json()["errors"]["__all__"][0]


def test_updates_in_a_locked_month(world, trade):
    api = ApiClient(world)
    pid = trade.project.pk
    uid = api("village", "post", f"/projects/{pid}/updates",
              {"date": "2024-05-01", "title": "五月"}).json()["id"]  # fmt: skip
    PeriodLock.objects.create(area=world.county, month=datetime.date(2024, 5, 1))
    before = db_state()
    response = api("village", "post", f"/projects/{pid}/updates",
                   {"date": "2024-05-20", "title": "锁定月"})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [
        "2024-05 is locked for 临安区; its records are read-only."
    ]
    assert api("village", "patch", f"/project-updates/{uid}", {"title": "x"}).status_code == 400
    assert api("village", "post", f"/project-updates/{uid}/submit").status_code == 400
    # Moving it out of the locked month is an edit of a locked record too.
    response = api("village", "patch", f"/project-updates/{uid}", {"date": "2024-06-01"})
    assert response.status_code == 400
    assert db_state() == before


def test_undisclosed_investment_reads_not_disclosed(world, trade):
    from django.urls import reverse

    from tianmu.core.tests.pages import client_for

    url = reverse("projects:project_detail", args=[trade.project.pk])
    english = client_for(world.users["admin"], "en").get(url).content.decode()
    chinese = client_for(world.users["admin"], "zh-hans").get(url).content.decode()
    assert english.count("Not disclosed") >= 5 and "¥0.00" not in english
    assert chinese.count("未披露") >= 5
