"""`/api/v1/reporting-rounds` and the round pages: the contract, and bad input refused with a
message in the user's language and nothing written."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient
from tianmu.core.tests.pages import client_for, snapshot
from tianmu.rounds.models import Round, RoundReporter

pytestmark = pytest.mark.django_db
FUTURE = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def _body(w, **changes):
    return {"program": w.program.pk, "kind": "yearly_income", "period": "2024",
            "deadline": FUTURE} | changes  # fmt: skip


def _nothing_written():
    return snapshot(Round, RoundReporter)


def test_open_list_and_read_a_round(world):
    w = world
    api = ApiClient(w)
    r = api("admin", "post", "/reporting-rounds", _body(w))
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {
        "id", "program", "kind", "kind_label", "period", "period_start", "period_end",
        "deadline", "status", "opened_by", "opened_at", "closed_at", "closed_by", "counts",
        "reporters",
    }  # fmt: skip
    assert (body["period_start"], body["period_end"], body["opened_by"]) == (
        "2024-01-01", "2024-12-31", "admin_a",
    )  # fmt: skip
    assert [(x["name"], x["village"]["code"], x["status"]) for x in body["reporters"]] == [
        ("望湖村", "330112107201", "pending"),
        ("示例一村", "330112107202", "pending"),
        ("示例二村", "330112106201", "pending"),
    ]
    listed = api("admin", "get", "/reporting-rounds").json()
    assert listed["count"] == 1 and listed["items"][0]["counts"]["pending"] == 3
    assert "reporters" not in listed["items"][0]
    assert api("admin", "get", "/reporting-rounds", {"status": "closed"}).json()["count"] == 0
    # An explicit list: by division code or id.
    r = api("admin", "post", "/reporting-rounds",
            _body(w, period="2023", reporters=["330112107201", w.v2a.pk]))  # fmt: skip
    assert r.status_code == 201, r.content
    assert [x["name"] for x in r.json()["reporters"]] == ["望湖村", "示例二村"]
    closed = api("admin", "post", f"/reporting-rounds/{r.json()['id']}/close")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closed_by"]) == ("closed", "admin_a")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": "2024-12-30"}, "deadline",
         "The deadline cannot be before the period ends (2024-12-31): a period is reported "
         "once it is over."),
        ({"period": "2024-10"}, "period",
         "Yearly collective income is reported for a year (e.g. 2025)."),
        ({"period": "2024Q5"}, "period",
         "Give a month (2025-10), a quarter (2025Q3) or a year (2025)."),
        ({"kind": "quarterly_projects", "period": "2024Q3"}, "reporters",
         "Nobody would report in this round: Quarterly project updates has no reporters in "
         "临安区."),
        ({"reporters": []}, "reporters",
         "Nobody would report in this round: Yearly collective income has no reporters in "
         "临安区."),
        ({"reporters": ["330111001201"]}, "reporters",
         "Not among those who report Yearly collective income in 临安区: 示例富阳村."),
        ({"reporters": ["330112999999"]}, "reporters",
         "No village or organisation is named “330112999999”."),
        ({"program": None}, "program", "This field is required."),
    ],
)  # fmt: skip
def test_bad_rounds_are_refused_naming_the_field(world, changes, field, message):
    api = ApiClient(world)
    before = _nothing_written()
    r = api("admin", "post", "/reporting-rounds", _body(world, **changes))
    assert r.status_code == 400, r.content
    assert r.json()["errors"] == {field: [message]}
    assert _nothing_written() == before


def test_refusals_are_in_chinese_too(world):
    api = ApiClient(world)
    r = api(
        "admin", "post", "/reporting-rounds", _body(world, deadline="2024-06-30"), lang="zh-hans"
    )
    assert r.json()["errors"]["deadline"] == [
        "截止日期不能早于报送期结束（2024-12-31）：一个报送期结束后才报送。"
    ]


def test_only_programme_admins_open_and_close(world):
    w = world
    api = ApiClient(w)
    before = _nothing_written()
    for who in ("leader", "town", "village", "enterprise", "bank"):
        assert api(who, "post", "/reporting-rounds", _body(w)).status_code == 404, who
    r = api("o_admin", "post", "/reporting-rounds", _body(w))  # county B's admin
    assert r.status_code == 400 and r.json()["errors"]["program"]
    assert _nothing_written() == before
    rid = api("admin", "post", "/reporting-rounds", _body(w)).json()["id"]
    before = _nothing_written()
    for who in ("leader", "town", "village"):
        r = api(who, "post", f"/reporting-rounds/{rid}/close")
        assert r.status_code == 400, who
        assert r.json()["errors"] == {
            "__all__": ["Only a programme admin of 临安区 may close this round."]
        }
    for who in ("o_admin", "enterprise", "bank"):
        assert api(who, "post", f"/reporting-rounds/{rid}/close").status_code == 404, who
    assert _nothing_written() == before
    assert api("admin", "post", f"/reporting-rounds/{rid}/close").status_code == 200
    again = api("admin", "post", f"/reporting-rounds/{rid}/close")
    assert again.json()["errors"] == {"__all__": ["This round is already closed."]}
    late = api("village", "post", f"/reporting-rounds/{rid}/declare", {})
    assert late.json()["errors"] == {"__all__": ["This round is closed."]}


def test_only_the_reporter_declares(world):
    w = world
    api = ApiClient(w)
    rid = api("admin", "post", "/reporting-rounds", _body(w)).json()["id"]
    before = _nothing_written()
    for who in ("admin", "leader", "town", "superuser"):
        r = api(who, "post", f"/reporting-rounds/{rid}/declare", {})
        assert r.status_code == 400, who
        assert r.json()["errors"] == {
            "__all__": ["Only a reporter of this round may declare that it has nothing to report."]
        }
    for who in ("o_admin", "enterprise", "bank"):
        assert api(who, "post", f"/reporting-rounds/{rid}/declare", {}).status_code == 404
    assert api("village", "post", f"/reporting-rounds/{rid}/declare",
               {"note": "x" * 301}).status_code == 400  # fmt: skip
    assert _nothing_written() == before
    changes = ObjectChange.objects.count()
    assert api("village", "post", f"/reporting-rounds/{rid}/declare", {}).status_code == 200
    assert ObjectChange.objects.count() == changes + 1  # the reporter's row, logged


def test_the_pages(world):
    w = world
    admin = client_for(w.users["admin"])
    assert admin.get(reverse("rounds:round_add")).status_code == 200
    r = admin.post(reverse("rounds:round_add"),
                   {"program": w.program.pk, "kind": "yearly_income", "period": "2024",
                    "deadline": "2024-12-01"})  # fmt: skip
    assert r.status_code == 400
    assert "The deadline cannot be before the period ends (2024-12-31)" in r.content.decode()
    r = admin.post(reverse("rounds:round_add"),
                   {"program": w.program.pk, "kind": "yearly_income", "period": "2024",
                    "deadline": FUTURE})  # fmt: skip
    round_ = Round.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "rounds:round_detail", args=[round_.pk]
    )
    listing = admin.get(reverse("rounds:round_list")).content.decode()
    assert f'data-round="{round_.pk}"' in listing and "0 / 3" in listing
    for who in ("town", "village"):
        assert client_for(w.users[who]).get(reverse("rounds:round_add")).status_code == 404
    cadre = client_for(w.users["village"], "zh-hans")
    page = cadre.get(reverse("rounds:round_detail", args=[round_.pk])).content.decode()
    assert 'id="declare-form"' in page and "无需报送" in page
    r = cadre.post(reverse("rounds:round_declare", args=[round_.pk]), {"note": "未结账"})
    assert r.status_code == 302
    assert RoundReporter.objects.get(village=w.v1a).note == "未结账"
    town = client_for(w.users["town"])
    r = town.post(reverse("rounds:round_close", args=[round_.pk]))
    assert r.status_code == 400 and "Only a programme admin of 临安区" in r.content.decode()
    assert admin.post(reverse("rounds:round_close", args=[round_.pk])).status_code == 302
    assert Round.objects.get().status == "closed"
