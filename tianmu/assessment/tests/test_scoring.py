"""The scoring rules on numbers worked out by hand (tianmu/assessment/scoring.py)."""

from decimal import Decimal as D

from tianmu.assessment.scoring import (
    DEFAULT_GRADES,
    Part,
    grade_of,
    grades_from,
    ranks,
    score_all,
    score_subject,
)

EVENTS = Part.from_dict({"indicator": "events", "weight": 40, "target": 10})
SALES = Part.from_dict({"indicator": "purchase_income_yuan", "weight": 60, "target": "100000"})
PAR30 = Part.from_dict(
    {
        "indicator": "par30",
        "weight": 20,
        "rule": "bands",
        "bands": [
            {"min": "0.1", "points": 0},
            {"min": 0, "points": 20},
            {"min": "0.05", "points": 10},
        ],
    }
)
GRADES = grades_from(DEFAULT_GRADES)


def test_proportional_is_capped_at_the_weight():
    assert EVENTS.points(5) == D("20.00")  # 5 / 10 × 40
    assert EVENTS.points(12) == D("40.00")  # capped at 1 × 40
    assert SALES.points(D("30000.00")) == D("18.00")  # 0.3 × 60
    assert EVENTS.points(-3) == D("0.00")  # a fall scores nothing, never below
    capped = Part.from_dict({"indicator": "events", "weight": 40, "target": 10, "cap": "1.5"})
    assert capped.points(20) == D("60.00")  # 1.5 × 40


def test_bands_give_the_points_of_the_highest_band_reached():
    assert PAR30.points(D("0.03")) == D("20.00")
    assert PAR30.points(D("0.05")) == D("10.00")
    assert PAR30.points(D("0.07")) == D("10.00")
    assert PAR30.points(D("0.2")) == D("0.00")
    assert PAR30.points(D("-1")) == D("0.00")  # below every band


def test_score_is_the_sum_of_points_and_grades_follow_the_bands():
    score, parts = score_subject(
        {"events": 5, "purchase_income_yuan": D("150000")}, [EVENTS, SALES]
    )
    assert score == D("80.00")  # 20 + 60
    assert [p["points"] for p in parts] == [D("20.00"), D("60.00")]
    assert grade_of(score, GRADES) == "良好"
    assert grade_of(D("90"), GRADES) == "优秀"
    assert grade_of(D("59.99"), GRADES) == "不合格"
    assert grade_of(D("60"), GRADES) == "合格"


def test_a_part_without_a_value_is_not_applicable_and_the_weights_are_rescaled():
    score, parts = score_subject({"events": 5}, [EVENTS, SALES])
    # Only events applies: its weight becomes 100, 5 / 10 × 100 = 50.
    assert score == D("50.00")
    assert parts[0]["weight"] == D("100.00") and parts[0]["points"] == D("50.00")
    assert parts[1] == {
        "indicator": "purchase_income_yuan",
        "value": None,
        "target": D("100000"),
        "weight": D(0),
        "points": None,
        "applicable": False,
    }


def test_ranks_are_per_type_and_ties_share_a_rank():
    assert ranks([D(80), D(58), D(80)]) == [1, 3, 1]
    subjects = [
        ("alliance", 1, "甲"),
        ("alliance", 2, "乙"),
        ("alliance", 3, "丙"),
        ("town", 9, "镇"),
    ]
    values = {
        ("alliance", 1): {"events": 5, "purchase_income_yuan": 150000},  # 80
        ("alliance", 2): {"events": 12, "purchase_income_yuan": 30000},  # 58
        ("alliance", 3): {"events": 10, "purchase_income_yuan": 40000},  # 40 + 24 = 64
        ("town", 9): {"events": 1, "purchase_income_yuan": 0},  # 4
    }
    items = score_all(subjects, values, [EVENTS, SALES], GRADES)
    got = [
        (i["subject"]["type"], i["subject"]["name"], i["score"], i["grade"], i["rank"])
        for i in items
    ]
    assert got == [
        ("alliance", "甲", D("80.00"), "良好", 1),
        ("alliance", "丙", D("64.00"), "合格", 2),
        ("alliance", "乙", D("58.00"), "不合格", 3),
        ("town", "镇", D("4.00"), "不合格", 1),
    ]
