"""Running a scheme on the tiny scored world (see conftest.py for the numbers by hand)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tianmu.assessment.models import Assessment, AssessmentScheme
from tianmu.assessment.services import assessment_publish, assessment_run, scheme_save
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
    # Neither events nor paired villages are credited to enterprises: no enterprise items.
    assert _rows(a, "enterprise") == []
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
    admin = w.users["admin"]
    events_only = scheme_save(
        user=admin,
        scheme=AssessmentScheme(
            program=w.program,
            name="活动考核",
            indicators=[{"indicator": "events", "weight": 100, "target": 4}],
        ),
    )
    before = ObjectChange.objects.count()
    # 2021: no event anywhere; 2019: before the programme; 2999: not yet.
    for scheme, year, message in (
        (events_only, 2021, "No records for this scheme's figures in 2021."),
        (w.scheme, 2019, "Choose a year from 2020"),
        (w.scheme, 2999, "Choose a year from 2020"),
    ):
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            assessment_run(user=admin, scheme=scheme, year=year)
        assert exc.value.message_dict["year"][0].startswith(message)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        assessment_run(user=admin, scheme=events_only, year=2021)
    assert exc.value.message_dict["year"] == ["2021 年没有该考核方案各指标的记录。"]
    assert Assessment.objects.count() == 0 and ObjectChange.objects.count() == before


def test_only_the_programmes_admin_runs_it(scored):
    w = scored
    for user in (w.users["leader"], w.users["town"], w.outsiders["admin"]):
        with pytest.raises(NotFound):
            assessment_run(user=user, scheme=w.scheme, year=2024)
    assert Assessment.objects.count() == 0


def test_core_enterprises_are_scored_on_the_purchases_credited_to_them(world):
    """build_trade: one confirmed 共富购 payment of 1,210.00 in 2024, e1 ← 望湖村 (A1's).
    Weight 100, target 2,000: 1,210 / 2,000 × 100 = 60.50 (合格) for A1, 龙岗镇 and e1; the
    other subjects 0 (不合格)."""
    from tianmu.commerce.tests.factories import build_trade

    build_trade(world)
    admin = world.users["admin"]
    scheme = scheme_save(
        user=admin,
        scheme=AssessmentScheme(
            program=world.program,
            name="共富购考核",
            indicators=[{"indicator": "purchase_income_yuan", "weight": 100, "target": 2000}],
        ),
    )
    a = assessment_run(user=admin, scheme=scheme, year=2024)
    assert _rows(a, "alliance") == [
        ("望湖村共富联盟", "60.50", "合格", 1),
        ("示例二村共富联盟", "0.00", "不合格", 2),
    ]
    assert [r[1:] for r in _rows(a, "town")] == [("60.50", "合格", 1), ("0.00", "不合格", 2)]
    enterprises = _rows(a, "enterprise")
    assert enterprises[0] == (world.e1.name, "60.50", "合格", 1)
    assert len(enterprises) == 6  # A1's five core enterprises and A2's one
    assert {r[1:] for r in enterprises[1:]} == {("0.00", "不合格", 2)}
    e1 = next(i for i in a.results["items"] if i["subject"]["type"] == "enterprise")
    assert e1["parts"][0]["value"] == "1210.00" and e1["parts"][0]["target"] == "2000.00"
    assert e1["parts"][0]["link"] == f"/registry/organizations/{world.e1.pk}/"
