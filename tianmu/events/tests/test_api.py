"""Events through the API: scopes for every role, the figure by hand, photos, query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import EVERYONE, ApiClient
from tianmu.dashboard.selectors import Period, kpis
from tianmu.events.models import Event, EventPhoto
from tianmu.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def api(world):
    return ApiClient(world)


@pytest.fixture
def events(world):
    """打麻糍 in 望湖村 (A1, e1 and the bank took part) on 2024-02-01; 重阳节 in 示例二村 on
    2024-10-11; 义诊 in 示例富阳村 (county B) on 2024-09-17; 专家授课 in 望湖村 on 2025-03-01."""
    with acting_as(username="test-setup"):
        return {
            "mochi": EventFactory(
                title="打麻糍", village=world.v1a, alliance=world.a1, date=D(2024, 2, 1),
                organizations=[world.e1, world.bank],
            ),
            "chongyang": EventFactory(
                title="重阳节", kind="festival", village=world.v2a, date=D(2024, 10, 11)
            ),
            "clinic": EventFactory(
                title="义诊", kind="free_clinic", village=world.vb, date=D(2024, 9, 17),
                organizations=[world.e_b],
            ),
            "lecture": EventFactory(
                title="专家授课", kind="lecture", village=world.v1a, date=D(2025, 3, 1)
            ),
        }  # fmt: skip


def state():
    return (Event.objects.count(), EventPhoto.objects.count(), ObjectChange.objects.count())


EVENTS_BY_ROLE = {
    "superuser": ["专家授课", "义诊", "重阳节", "打麻糍"],
    "admin": ["专家授课", "重阳节", "打麻糍"],
    "leader": ["专家授课", "重阳节", "打麻糍"],
    "town": ["专家授课", "打麻糍"],
    "village": ["专家授课", "打麻糍"],
    "enterprise": ["打麻糍"],
    "bank": ["打麻糍"],
    "o_admin": ["义诊"],
    "o_leader": ["义诊"],
    "o_town": ["重阳节"],
    "o_village": [],
    "o_enterprise": ["义诊"],
    "o_bank": [],
}


@pytest.mark.parametrize("who", EVERYONE)
def test_events_by_role(api, events, who):
    r = api(who, "get", "/events")
    assert r.status_code == 200
    assert sorted(i["title"] for i in r.json()["items"]) == sorted(EVENTS_BY_ROLE[who])


@pytest.mark.parametrize("who", ["o_admin", "o_town", "o_village", "o_enterprise", "leader"])
def test_outside_scope_cannot_change(api, events, who):
    before = state()
    pk = events["mochi"].pk
    expected = 200 if who == "leader" else 404
    assert api(who, "get", f"/events/{pk}").status_code == expected
    assert api(who, "patch", f"/events/{pk}", {"title": "x"}).status_code == 404
    assert api(who, "delete", f"/events/{pk}").status_code == 404
    assert state() == before


def test_create_and_validate(api, events, world):
    body = {
        "kind": "festival",
        "title": "中秋节联欢",
        "date": "2024-09-17",
        "village": world.v1a.pk,
        "alliance": world.a1.pk,
        "organizations": [world.e1.pk],
        "villagers_served": 120,
    }
    r = api("village", "post", "/events", body)
    assert r.status_code == 201, r.content
    assert r.json()["organizations"] == [{"id": world.e1.pk, "name": world.e1.name}]
    before = state()
    r = api("village", "post", "/events", body | {"alliance": world.a2.pk})
    assert r.status_code == 400  # A2 is not visible to this cadre
    r = api("admin", "post", "/events", body | {"alliance": world.a2.pk})
    assert r.status_code == 400
    assert "never been paired" in r.json()["errors"]["alliance"][0]
    r = api("village", "post", "/events", body | {"kind": "party"})
    assert r.status_code == 400
    r = api("village", "post", "/events", body | {"villagers_served": -1})
    assert r.status_code == 400
    assert state() == before


def test_enterprise_records_only_events_it_took_part_in(api, events, world):
    body = {"kind": "lecture", "title": "电商培训", "date": "2024-05-01", "village": world.v1a.pk}
    before = state()
    r = api("enterprise", "post", "/events", body)
    assert r.status_code == 400
    assert "your own organisation" in r.json()["errors"]["organizations"][0]
    assert state() == before
    r = api("enterprise", "post", "/events", body | {"organizations": [world.e1.pk]})
    assert r.status_code == 201, r.content


def test_photo_upload(api, events, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pk = events["mochi"].pk
    photo = SimpleUploadedFile("mochi.jpg", b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg")
    r = api.client.post(
        f"/api/v1/events/{pk}/photos",
        {"image": photo, "caption": "打麻糍现场"},
        HTTP_AUTHORIZATION=f"Bearer {api.key('village')}",
    )
    assert r.status_code == 201, r.content
    assert r.json()["photos"][0]["caption"] == "打麻糍现场"
    bad = SimpleUploadedFile("notes.exe", b"MZ", content_type="application/octet-stream")
    r = api.client.post(
        f"/api/v1/events/{pk}/photos",
        {"image": bad},
        HTTP_AUTHORIZATION=f"Bearer {api.key('village')}",
    )
    assert r.status_code == 400
    assert EventPhoto.objects.count() == 1


def test_events_figure_by_hand(api, events, world):
    u = world.users
    assert kpis(user=u["superuser"])["events"] == 4  # a flow: all time without dates
    assert kpis(user=u["admin"])["events"] == 3
    assert kpis(user=u["town"])["events"] == 2
    assert kpis(user=u["enterprise"])["events"] == 1
    year = Period(D(2024, 1, 1), D(2024, 12, 31))
    assert kpis(user=u["superuser"], period=year)["events"] == 3
    assert kpis(user=u["admin"], period=year)["events"] == 2
    r = api(
        "admin", "get", "/kpis", {"from": "2024-01-01", "to": "2024-12-31", "area": "330112107"}
    )
    assert r.json()["events"] == 1
    r = api(
        "admin", "get", "/events", {"from": "2024-01-01", "to": "2024-12-31", "area": "330112107"}
    )
    assert [i["title"] for i in r.json()["items"]] == ["打麻糍"]


def test_list_query_count_does_not_grow(api, events, world):
    def count():
        api("admin", "get", "/events")
        with CaptureQueriesContext(connection) as ctx:
            assert api("admin", "get", "/events").status_code == 200
        return len(ctx.captured_queries)

    first = count()
    for _ in range(5):
        EventFactory(village=world.v1a, organizations=[world.e1, world.c1])
    assert count() == first
