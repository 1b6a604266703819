"""API authentication (bearer token and browser session), the error format and the schema."""

from __future__ import annotations

import json

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tianmu.accounts.models import ApiToken
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient, db_state

pytestmark = pytest.mark.django_db


def test_bearer_token_and_its_failures(world):
    user = world.users["town"]
    _token, key = ApiToken.issue(user)
    client = Client()
    ok = client.get("/api/v1/villages", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200 and ok.json()["count"] == 2
    for header in (None, "Bearer", "Bearer wrong-key", f"Token {key}", f"Basic {key}"):
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        r = client.get("/api/v1/villages", **extra)
        assert r.status_code == 401, header
        assert r.json() == {"detail": "Unauthorized"}
    user.is_active = False
    user.save()
    assert client.get("/api/v1/villages", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_session_users_need_csrf_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    assert client.get("/api/v1/villages").json()["count"] == 3
    path = f"/api/v1/villages/{world.v1a.pk}"
    body = json.dumps({"population": 7})
    before = db_state()
    r = client.patch(path, data=body, content_type="application/json")
    assert r.status_code == 403
    assert db_state() == before
    token = _get_new_csrf_string()  # what the pages' CSRF cookie holds
    client.cookies["csrftoken"] = token
    r = client.patch(path, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200, r.content
    assert r.json()["population"] == 7
    change = ObjectChange.objects.filter(object_id=str(world.v1a.pk)).first()
    assert change.user_name == "admin_a"


def test_token_writes_are_logged_as_the_token_user(world):
    api = ApiClient(world)
    r = api("admin", "patch", f"/alliances/{world.a1.pk}", {"positioning": "高山蔬菜"})
    assert r.status_code == 200, r.content
    change = ObjectChange.objects.filter(object_id=str(world.a1.pk)).first()
    assert (change.user_id, change.user_name) == (world.users["admin"].pk, "admin_a")
    assert change.request_id == r["X-Request-ID"]
    assert change.before["positioning"] == "" and change.after["positioning"] == "高山蔬菜"


def test_openapi_document_and_docs(world):
    # In production (the tests' DEBUG=0) the document is for signed-in users (test_csp.py).
    client = Client()
    client.force_login(world.users["village"])
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/areas",
        "/api/v1/areas/{area_id}",
        "/api/v1/villages",
        "/api/v1/villages/{village_id}",
        "/api/v1/villages/{village_id}/incomes/{year}",
        "/api/v1/organizations",
        "/api/v1/organizations/{org_id}",
        "/api/v1/organizations/{org_id}/chamber-members",
        "/api/v1/programs",
        "/api/v1/programs/{program_id}",
        "/api/v1/alliances",
        "/api/v1/alliances/{alliance_id}",
        "/api/v1/alliances/{alliance_id}/members",
        "/api/v1/alliances/{alliance_id}/members/{member_id}/end",
        "/api/v1/pairings",
        "/api/v1/pairings/{pairing_id}",
        "/api/v1/pairings/{pairing_id}/end",
        "/api/v1/kpis",
    } <= paths
    params = {p["name"] for p in schema["paths"]["/api/v1/villages"]["get"]["parameters"]}
    assert {"limit", "offset", "q", "area", "town", "active", "is_example"} <= params
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert client.get("/api/v1/docs").status_code == 200
