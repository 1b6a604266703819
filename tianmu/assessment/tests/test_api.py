"""The indicators and assessment API: shapes, bad input, scopes (docs/results.md)."""

import pytest

from tianmu.assessment.models import Assessment, AssessmentScheme, IndicatorThreshold
from tianmu.assessment.tests.conftest import INDICATORS
from tianmu.core.kpis import kpi_keys
from tianmu.core.tests.api_client import ApiClient, db_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    return ApiClient(world)


def test_indicators_list_every_figure_of_kpis_with_thresholds(world, api):
    r = api("admin", "post", "/indicators/par30/thresholds",
            {"program": world.program.pk, "alert": "0.05", "excellence": "0.01",
             "higher_is_better": False})  # fmt: skip
    assert r.status_code == 200, r.json()
    assert r.json() == {"indicator": "par30", "program": world.program.pk, "alert": "0.0500",
                        "excellence": "0.0100", "higher_is_better": False}  # fmt: skip
    body = api("town", "get", "/indicators").json()
    assert [i["key"] for i in body["items"]] == list(api("town", "get", "/kpis").json())
    assert [i["key"] for i in body["items"]] == kpi_keys()
    par30 = next(i for i in body["items"] if i["key"] == "par30")
    assert set(par30) >= {"key", "name", "definition", "unit", "kind", "owner", "frequency",
                          "thresholds"}  # fmt: skip
    assert (par30["unit"], par30["kind"], par30["frequency"]) == ("ratio", "stock", "daily")
    assert par30["thresholds"] == [{"program": world.program.pk, "alert": "0.0500",
                                    "excellence": "0.0100", "higher_is_better": False}]  # fmt: skip
    # Another county's leader sees the figure, not programme P's thresholds.
    other = api("o_leader", "get", "/indicators").json()
    assert next(i for i in other["items"] if i["key"] == "par30")["thresholds"] == []
    zh = api("town", "get", "/indicators", lang="zh-hans").json()
    assert next(i for i in zh["items"] if i["key"] == "events")["name"] == "村企互动活动"


def test_bad_thresholds_write_nothing(world, api):
    before = db_state()
    r = api("admin", "post", "/indicators/par30/thresholds",
            {"program": world.program.pk, "alert": "5", "excellence": "0.01"})  # fmt: skip
    assert r.status_code == 400 and "alert" in r.json()["errors"]
    r = api("admin", "post", "/indicators/nope/thresholds",
            {"program": world.program.pk, "alert": "1", "excellence": "2"})  # fmt: skip
    assert r.status_code == 404
    r = api("leader", "post", "/indicators/events/thresholds",
            {"program": world.program.pk, "alert": "1", "excellence": "2"})  # fmt: skip
    assert r.status_code == 404  # read-only
    r = api("o_admin", "post", "/indicators/events/thresholds",
            {"program": world.program.pk, "alert": "1", "excellence": "2"})  # fmt: skip
    assert r.status_code == 400 and "program" in r.json()["errors"]
    assert db_state() == before and IndicatorThreshold.objects.count() == 0


def test_schemes_are_created_listed_and_refused_when_wrong(world, api):
    body = {"program": world.program.pk, "name": "年度考核", "indicators": INDICATORS}
    r = api("admin", "post", "/assessment-schemes", body)
    assert r.status_code == 201, r.json()
    created = r.json()
    assert created["grades"] == [
        {"grade": "优秀", "min_score": 90}, {"grade": "良好", "min_score": 75},
        {"grade": "合格", "min_score": 60}, {"grade": "不合格", "min_score": 0},
    ]  # fmt: skip
    assert api("town", "get", "/assessment-schemes").json()["count"] == 1
    empty = {"count": 0, "count_exact": True, "items": []}
    assert api("o_leader", "get", "/assessment-schemes").json() == empty
    assert api("town", "get", f"/assessment-schemes/{created['id']}").json()["name"] == "年度考核"
    before = db_state()
    bad = {
        **body,
        "name": "坏的",
        "indicators": [{"indicator": "events", "weight": 90, "target": 4}],
    }
    r = api("admin", "post", "/assessment-schemes", bad, lang="zh-hans")
    assert r.status_code == 400
    assert "100" in r.json()["errors"]["indicators"][0]
    assert api("leader", "post", "/assessment-schemes", {**body, "name": "x"}).status_code == 404
    assert db_state() == before and AssessmentScheme.objects.count() == 1


def test_an_assessment_through_the_api(scored, api):
    w = scored
    r = api("admin", "post", "/assessments", {"scheme": w.scheme.pk, "year": 2024})
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    # Drafts are the admin's and the leader's; others see it once published.
    assert api("town", "get", f"/assessments/{pk}").status_code == 404
    assert api("leader", "get", f"/assessments/{pk}").status_code == 200
    assert api("leader", "post", f"/assessments/{pk}/publish").status_code == 404
    assert api("admin", "post", f"/assessments/{pk}/publish").json()["status"] == "published"
    body = api("town", "get", f"/assessments/{pk}").json()
    assert {k: body[k] for k in ("scheme", "year", "status")} == {
        "scheme": w.scheme.pk, "year": 2024, "status": "published"}  # fmt: skip
    item = body["items"][0]
    assert item["subject"] == {"type": "alliance", "id": w.a1.pk, "name": "望湖村共富联盟"}
    assert (item["score"], item["grade"], item["rank"]) == ("85.00", "良好", 1)
    assert [set(p) >= {"indicator", "value", "target", "weight", "points", "link"}
            for p in item["parts"]] == [True, True]  # fmt: skip
    assert api("o_admin", "get", f"/assessments/{pk}").status_code == 404
    r = api("admin", "post", "/assessments", {"scheme": w.scheme.pk, "year": 2019})
    assert r.status_code == 400 and "year" in r.json()["errors"]
    assert Assessment.objects.count() == 1
