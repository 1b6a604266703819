"""The indicator table, thresholds, scheme and result pages, in both languages and roles."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.assessment.models import Assessment, AssessmentScheme, IndicatorThreshold
from tianmu.assessment.services import assessment_run
from tianmu.core.models import ObjectChange

pytestmark = pytest.mark.django_db


def _client(user, lang="en"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_the_indicator_table_in_both_languages(world):
    r = _client(world.users["town"]).get(reverse("assessment:indicator_list"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "table-cards" in html and "Set thresholds" not in html  # only admins set them
    assert "Distinct villages in the area with a pairing active" in html
    zh = _client(world.users["leader"], "zh-hans").get(reverse("assessment:indicator_list"))
    text = zh.content.decode()
    assert "口径" in text and "区工商联" in text and "设置阈值" not in text


def test_an_admin_sets_a_threshold_on_the_page_and_bad_ones_change_nothing(world):
    c = _client(world.users["admin"])
    url = reverse("assessment:threshold_set")
    body = {"program": world.program.pk, "indicator": "par30", "alert": "0.05",
            "excellence": "0.01", "higher_is_better": ""}  # fmt: skip
    bad = c.post(url, {**body, "alert": "5"})
    assert bad.status_code == 400 and "between 0 and 1" in bad.content.decode()
    assert IndicatorThreshold.objects.count() == 0
    assert c.post(url, body).status_code == 302
    t = IndicatorThreshold.objects.get()
    assert (str(t.alert), t.higher_is_better) == ("0.0500", False)
    assert "0.05" in c.get(reverse("assessment:indicator_list")).content.decode()
    # A leader reads, never writes.
    leader = _client(world.users["leader"])
    assert leader.post(url, body).status_code in (400, 404)
    delete = reverse("assessment:threshold_delete", args=[t.pk])
    assert leader.post(delete).status_code == 404
    assert c.post(delete).status_code == 302 and IndicatorThreshold.objects.count() == 0


def test_an_admin_creates_a_scheme_on_the_page(world):
    c = _client(world.users["admin"])
    assert c.get(reverse("assessment:scheme_add")).status_code == 200
    body = {"program": world.program.pk, "name": "年度考核", "description": "",
            "grades": "优秀 90\n良好 75\n合格 60\n不合格 0",
            "indicator_0": "events", "weight_0": "60", "target_0": "4", "rule_0": "proportional",
            "indicator_1": "villages_paired", "weight_1": "40", "rule_1": "bands",
            "bands_1": "0:0, 1:40"}  # fmt: skip
    for i in range(2, 8):
        body[f"rule_{i}"] = "proportional"
    before = ObjectChange.objects.count()
    bad = c.post(reverse("assessment:scheme_add"), {**body, "weight_0": "50"})
    assert bad.status_code == 400 and "add up to 90, not 100" in bad.content.decode()
    gap = c.post(reverse("assessment:scheme_add"), {**body, "grades": "优秀 90\n合格 60"})
    assert gap.status_code == 400 and "must start at 0" in gap.content.decode()
    assert ObjectChange.objects.count() == before and AssessmentScheme.objects.count() == 0
    r = c.post(reverse("assessment:scheme_add"), body)
    assert r.status_code == 302, r.content.decode()[:3000]
    scheme = AssessmentScheme.objects.get()
    bands = [{"min": 0, "points": 0}, {"min": 1, "points": 40}]
    assert scheme.indicators[1] == {
        "indicator": "villages_paired", "weight": 40, "target": None, "rule": "bands",
        "bands": bands,
    }  # fmt: skip
    page = c.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "Assess a year" in page
    leader = _client(world.users["leader"], "zh-hans")
    assert leader.get(reverse("assessment:scheme_add")).status_code == 404
    text = leader.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "年度考核" in text and "考核一个年度" not in text
    assert (
        _client(world.outsiders["admin"])
        .get(reverse("assessment:scheme_detail", args=[scheme.pk]))
        .status_code
        == 404
    )
    assert "年度考核" in leader.get(reverse("assessment:scheme_list")).content.decode()


def test_the_result_page_publish_and_export(scored):
    from openpyxl import load_workbook

    w = scored
    admin = _client(w.users["admin"])
    bad = admin.post(reverse("assessment:scheme_detail", args=[w.scheme.pk]), {"year": "2019"})
    assert bad.status_code == 400 and Assessment.objects.count() == 0
    r = admin.post(reverse("assessment:scheme_detail", args=[w.scheme.pk]), {"year": "2024"})
    assert r.status_code == 302
    a = Assessment.objects.get()
    url = reverse("assessment:assessment_detail", args=[a.pk])
    assert _client(w.users["town"]).get(url).status_code == 404  # a draft
    page = admin.get(url).content.decode()
    assert "望湖村共富联盟" in page and "85.00" in page and "table-cards" in page
    assert admin.post(reverse("assessment:assessment_publish", args=[a.pk])).status_code == 302
    a.refresh_from_db()
    assert a.is_published
    zh = _client(w.users["town"], "zh-hans").get(url).content.decode()
    assert "已发布" in zh and "排名" in zh and "发布</button>" not in zh
    xlsx = _client(w.users["leader"]).get(reverse("assessment:assessment_export", args=[a.pk]))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book["Alliance"].values)
    assert rows[1][:4] == (1, "望湖村共富联盟", 85.0, "良好")
    assert rows[2][:4] == (2, "示例二村共富联盟", 55.0, "不合格")
    again = assessment_run(user=w.users["admin"], scheme=w.scheme, year=2024)
    assert again.version == 2
