"""The public sees a county's aggregate figures without signing in, and nothing else."""

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.core.models import ObjectChange

pytestmark = pytest.mark.django_db


def test_public_page_shows_aggregates_of_a_county(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(reverse("dashboard:public"), {"area": "330112"})
    assert response.status_code == 200
    figures = {f["key"]: f["value"] for f in response.context["figures"]}
    # County A of the test world: two paired alliances with 6 distinct core enterprises.
    assert figures["alliances"] == 2
    assert figures["core_enterprises"] == 6
    assert figures["villages_paired"] == 2
    html = response.content.decode()
    # Aggregates only: no village, organisation or person is named, and nothing links to records.
    for name in ("望湖村", "示例二村", world.e1.name, "龙岗镇商会"):
        assert name not in html
    assert "/registry/" not in html and "/alliances/" not in html


def test_public_page_defaults_to_the_first_county_and_rejects_unknown_codes(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(reverse("dashboard:public"))
    assert response.context["county"].code == "330111000000"  # lowest code with a programme
    assert client.get(reverse("dashboard:public"), {"area": "999999"}).status_code == 404


def test_public_api_needs_no_token_and_writes_nothing(world):
    before = ObjectChange.objects.count()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/public/kpis", {"area": "330111"})
    assert response.status_code == 200
    body = response.json()
    assert (body["alliances"], body["core_enterprises"], body["villages_paired"]) == (1, 1, 1)
    bad = client.get("/api/v1/public/kpis", {"area": "330112107"})  # a town, not a county
    assert bad.status_code == 400
    assert "area" in bad.json()["errors"]
    assert ObjectChange.objects.count() == before
    # The authenticated /kpis endpoint still needs a token.
    assert client.get("/api/v1/kpis").status_code == 401


def test_the_public_figures_are_rate_limited_per_client(world, settings):
    """An anonymous caller cannot keep a worker busy: past the limit it gets 429, in its
    language; another client is still answered."""
    from django.test import Client

    settings.TIANMU_PUBLIC_RATE_LIMIT = 2
    one = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert one.get("/api/v1/public/kpis").status_code == 200
    assert one.get("/public/").status_code == 200
    refused = one.get("/api/v1/public/kpis")
    assert refused.status_code == 429 and "请求过多" in refused.json()["detail"]
    assert one.get("/public/").status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.get("/api/v1/public/kpis").status_code == 200
    settings.TIANMU_PUBLIC_RATE_LIMIT = 0  # off
    assert one.get("/api/v1/public/kpis").status_code == 200
