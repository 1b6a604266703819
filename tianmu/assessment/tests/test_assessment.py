"""Running a scheme on the tiny scored world (see conftest.py for the numbers by hand)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tianmu.assessment.models import Assessment
from tianmu.assessment.services import assessment_publish, assessment_run
from tianmu.core.models import ObjectChange
from tianmu.core.services import NotFound

pytestmark = pytest.mark.django_db


def _rows(assessment, kind):
    return [
        (i["subject"]["name"], i["score"], i["grade"], i["rank"])
        for i in assessment.results["items"]
        if i["subject"]["type"] == kind
    ]


def test_alliances_and_towns_are_scored_by_hand(scored):
    w = scored
    a = assessment_run(user=w.users["admin"], scheme=w.scheme, year=2024)
    assert (a.version, a.status, a.made_by) == (1, "draft", w.users["admin"])
    assert _rows(a, "alliance") == [
        ("望湖村共富联盟", "85.00", "良好", 1),
        ("示例二村共富联盟", "55.00", "不合格", 2),
    ]
    towns = {name: (score, grade) for name, score, grade, _r in _rows(a, "town")}
    assert towns == {"龙岗镇": ("85.00", "良好"), "昌化镇": ("55.00", "不合格")}
    first = a.results["items"][0]
    assert first["parts"][0] == {
        "indicator": "events",
        "value": 3,
        "target": 4,
        "weight": "60.00",
        "points": "45.00",
        "applicable": True,
        "link": first["parts"][0]["link"],
    }
    assert first["parts"][0]["link"]  # the records it counts
    for item in a.results["items"]:
        points = sum(float(p["points"]) for p in item["parts"] if p["points"] is not None)
        assert f"{points:.2f}" == item["score"]
    assert a.results["scheme"]["indicators"] == w.scheme.indicators  # the inputs, frozen


def test_publishing_freezes_and_running_again_makes_a_new_version(scored):
    w = scored
    admin = w.users["admin"]
    first = assessment_run(user=admin, scheme=w.scheme, year=2024)
    assessment_publish(user=admin, assessment=first)
    first.refresh_from_db()
    assert first.status == "published" and first.published_at is not None
    frozen = first.results
    with pytest.raises(ValidationError):
        first.results = {"items": []}
        from tianmu.core.services import object_save

        object_save(user=admin, instance=first)
    with pytest.raises(ValidationError):
        assessment_publish(user=admin, assessment=Assessment.objects.get(pk=first.pk))
    second = assessment_run(user=admin, scheme=w.scheme, year=2024)
    assert second.version == 2 and second.status == "draft"
    assert Assessment.objects.get(pk=first.pk).results == frozen


def test_a_year_without_data_is_refused_and_nothing_is_written(scored):
    w = scored
    before = ObjectChange.objects.count()
    for year in (2021, 2019, 2999):
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            assessment_run(user=w.users["admin"], scheme=w.scheme, year=year)
        assert "year" in exc.value.message_dict
    assert Assessment.objects.count() == 0 and ObjectChange.objects.count() == before


def test_only_the_programmes_admin_runs_it(scored):
    w = scored
    for user in (w.users["leader"], w.users["town"], w.outsiders["admin"]):
        with pytest.raises(NotFound):
            assessment_run(user=user, scheme=w.scheme, year=2024)
    assert Assessment.objects.count() == 0
