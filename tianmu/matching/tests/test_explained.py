"""The optimiser explained to an official: reasons per member in words, the score's parts as a
bar, and an infeasible run told in one sentence per cause with what to do."""

import pytest
from django.urls import reverse

from tianmu.core.context import acting_as
from tianmu.core.tests.pages import client_for
from tianmu.matching.explain import member_reasons, score_parts
from tianmu.matching.models import MatchingRun
from tianmu.matching.solver.scoring import DEFAULT_WEIGHTS

pytestmark = pytest.mark.django_db


def test_reasons_and_parts_of_a_core_member_in_both_languages():
    from django.utils import translation

    ex = {"need": 0.5, "market": 0.2, "labour": 0.8, "distance": 0.3, "multiplier": 1.25,
          "km": 12.4, "continuity": 0.0, "score": 0.61}  # fmt: skip
    village = {"needs": ["技术指导", "电商"], "products": ["茶叶"], "surplus_labour": 55}
    member = {"capabilities": ["技术指导"], "industry": "电子制造", "openings": 40,
              "employees": 300}  # fmt: skip
    with translation.override("zh-hans"):
        reasons = member_reasons("core", ex, village, member)
    assert reasons[:3] == [
        "需求匹配：技术指导 ↔ 电子制造",
        "距离 12 公里",
        "用工：岗位 40 / 富余劳力 55",
    ]
    assert "优先帮扶村（得分 × 1.25）" in reasons
    with translation.override("en"):
        assert member_reasons("core", ex, village, member)[1] == "12 km away"
    parts = score_parts("core", ex, DEFAULT_WEIGHTS)
    assert [p["key"] for p in parts] == ["need", "market", "labour", "distance"]
    assert round(sum(p["pct"] for p in parts)) == 100
    w = DEFAULT_WEIGHTS
    assert parts[0]["value"] == round(1.25 * w["need"] * 0.5, 3)


def test_the_run_page_says_why_each_member_was_chosen(mworld):
    client = client_for(mworld.users["admin"], "zh-hans")
    url = reverse("matching:matchingrun_add") + f"?program={mworld.program.pk}"
    response = client.post(url, {"program": mworld.program.pk, "selection": "county"})
    run = MatchingRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert run.solver_status in ("optimal", "feasible")
    assert page.count("data-why") >= 7  # five core enterprises, the chamber, the bank
    assert "公里" in page and "progress-stacked" in page
    assert "结对村所在镇的属地商会" in page
    assert "think_tank" not in page and "multiplier" not in page


def test_an_infeasible_run_names_each_cause_and_what_to_do(world):
    with acting_as(username="test-setup"):
        run = MatchingRun.objects.create(
            program=world.program,
            status="done",
            solver_status="infeasible",
            result={
                "diagnosis": {
                    "messages": [
                        f"town '{world.t2.pk}': 1 village(s) need 1 chamber slot(s), its "
                        "chambers offer 0",
                        "partners: 3 partner slot(s) needed but cooperating units offer 1",
                    ],
                    "towns_lacking_chambers": [
                        {"town": str(world.t2.pk), "villages": 1, "needed": 1, "available": 0}
                    ],
                    "core": {"eligible": 3, "eligible_capacity": 3, "needed": 10, "short": 7},
                    "roles_short": [],
                    "shortfalls": [],
                }
            },
        )
    page = client_for(world.users["admin"], "zh-hans").get(
        reverse("matching:matchingrun_detail", args=[run.pk])
    )
    html = page.content.decode()
    assert (
        "昌化镇缺少属地商会：1 个村需要 1 个商会名额，现有商会只能提供 0 个。"
        "请先为该镇登记商会，或放宽计划规则。" in html
    )
    assert "核心企业不足：需要 10 个核心企业名额，符合条件的 3 家企业只能提供 3 个。" in html
    assert "协作单位不足：需要 3 个名额" in html
    assert html.count("data-cause") == 3
    # The solver's own words are there, folded away.
    assert "<details" in html and "求解器详细信息" in html and "昌化镇" in html.split("<details")[1]
