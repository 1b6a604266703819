"""Bad input to schemes and thresholds: a clear message, nothing written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tianmu.assessment.models import AssessmentScheme, IndicatorThreshold, default_grades
from tianmu.assessment.services import scheme_save, threshold_set
from tianmu.core.models import ObjectChange
from tianmu.core.services import NotFound

pytestmark = pytest.mark.django_db

GOOD = [
    {"indicator": "events", "weight": 40, "target": 10},
    {"indicator": "purchase_income_yuan", "weight": 60, "target": "100000"},
]


def _scheme(w, indicators=GOOD, grades=None, name="年度考核"):
    return AssessmentScheme(
        program=w.program, name=name, indicators=indicators, grades=grades or default_grades()
    )


def test_a_good_scheme_is_saved_normalised_and_logged(world):
    admin = world.users["admin"]
    scheme = scheme_save(user=admin, scheme=_scheme(world))
    scheme.refresh_from_db()
    assert scheme.indicators == [
        {"indicator": "events", "weight": 40, "target": 10, "rule": "proportional"},
        {
            "indicator": "purchase_income_yuan",
            "weight": 60,
            "target": 100000,
            "rule": "proportional",
        },
    ]
    assert [g["grade"] for g in scheme.grades] == ["优秀", "良好", "合格", "不合格"]
    change = ObjectChange.objects.filter(object_id=scheme.pk, object_repr=scheme.name).get()
    assert change.user == admin and change.action == "create"


BAD = {
    "negative weight": (
        [
            {"indicator": "events", "weight": -10, "target": 10},
            {"indicator": "rural_jobs", "weight": 110, "target": 5},
        ],
        None,
        "indicators",
        "the weight must be 0 or more",
    ),
    "weights not 100": (
        [
            {"indicator": "events", "weight": 40, "target": 10},
            {"indicator": "rural_jobs", "weight": 50, "target": 5},
        ],
        None,
        "indicators",
        "add up to 90, not 100",
    ),
    "unknown indicator": (
        [{"indicator": "happiness", "weight": 100, "target": 1}],
        None,
        "indicators",
        "no figure “happiness”",
    ),
    "listed twice": (
        [
            {"indicator": "events", "weight": 50, "target": 10},
            {"indicator": "events", "weight": 50, "target": 5},
        ],
        None,
        "indicators",
        "listed twice",
    ),
    "no target": (
        [{"indicator": "events", "weight": 100}],
        None,
        "indicators",
        "needs a target above 0",
    ),
    "count target not whole": (
        [{"indicator": "events", "weight": 100, "target": "2.5"}],
        None,
        "indicators",
        "whole number",
    ),
    "band above the weight": (
        [
            {
                "indicator": "events",
                "weight": 100,
                "rule": "bands",
                "bands": [{"min": 0, "points": 120}],
            }
        ],
        None,
        "indicators",
        "between 0 and the weight",
    ),
    "grades overlap": (
        GOOD,
        [
            {"grade": "优秀", "min_score": 90},
            {"grade": "良好", "min_score": 90},
            {"grade": "不合格", "min_score": 0},
        ],
        "grades",
        "overlap",
    ),
    "grades leave a gap": (
        GOOD,
        [{"grade": "优秀", "min_score": 90}, {"grade": "合格", "min_score": 60}],
        "grades",
        "must start at 0",
    ),
    "grade above 100": (
        GOOD,
        [{"grade": "优秀", "min_score": 120}, {"grade": "合格", "min_score": 0}],
        "grades",
        "between 0 and 100",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_schemes_are_refused_and_nothing_is_written(world, case):
    indicators, grades, field, message = BAD[case]
    before = ObjectChange.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        scheme_save(user=world.users["admin"], scheme=_scheme(world, indicators, grades))
    assert any(message in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert AssessmentScheme.objects.count() == 0
    assert ObjectChange.objects.count() == before


def test_messages_are_in_the_users_language(world):
    bad = [{"indicator": "events", "weight": 40, "target": 10}]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        scheme_save(user=world.users["admin"], scheme=_scheme(world, bad))
    assert "100" in exc.value.message_dict["indicators"][0]
    assert "weights" not in exc.value.message_dict["indicators"][0]


def test_a_leader_and_another_county_cannot_write_schemes(world):
    for user in (world.users["leader"], world.users["town"], world.outsiders["admin"]):
        with pytest.raises(NotFound):
            scheme_save(user=user, scheme=_scheme(world))
    assert AssessmentScheme.objects.count() == 0


@pytest.mark.parametrize(
    ("key", "alert", "excellence", "field", "message"),
    [
        ("par30", "5", "0.01", "alert", "between 0 and 1"),
        ("events", "2.5", "10", "alert", "whole number"),
        ("purchase_income_yuan", "-1", "100", "alert", "0 or more"),
        ("purchase_income_yuan", "10.005", "100", "alert", "two decimals"),
        ("events", "10", "5", "excellence", "better than the alert"),
        ("nothing_such", "1", "2", "indicator", "No figure"),
    ],
)
def test_thresholds_in_the_wrong_unit_are_refused(world, key, alert, excellence, field, message):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        threshold_set(
            user=world.users["admin"],
            program=world.program,
            indicator=key,
            alert=Decimal(alert),
            excellence=Decimal(excellence),
        )
    assert any(message in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert IndicatorThreshold.objects.count() == 0


def test_a_threshold_is_set_then_changed_not_duplicated(world):
    admin = world.users["admin"]
    common = {"user": admin, "program": world.program, "indicator": "par30"}
    t = threshold_set(
        **common, alert=Decimal("0.05"), excellence=Decimal("0.01"), higher_is_better=False
    )
    again = threshold_set(
        **common, alert=Decimal("0.06"), excellence=Decimal("0.02"), higher_is_better=False
    )
    assert again.pk == t.pk and IndicatorThreshold.objects.get().alert == Decimal("0.0600")
    assert ObjectChange.objects.filter(object_id=t.pk, action="update").count() == 1
