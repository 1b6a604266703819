"""Reporting rounds on the test world, by hand: who is asked, how the status follows the
records, overdue after the deadline, the automatic close, the inbox, the cockpit panel, the
monthly brief's "not reported", refusals that write nothing, and who sees what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tianmu.commerce.tests.factories import PurchaseOrderFactory
from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient
from tianmu.core.tests.pages import client_for
from tianmu.employment.tests.factories import (
    MonthlyEarningFactory,
    PersonFactory,
    PlacementFactory,
    PositionFactory,
    WorkshopFactory,
    make_id_number,
)
from tianmu.inbox.selectors import inbox_count, inbox_for
from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory
from tianmu.projects.tests.factories import ProjectFactory, ProjectUpdateFactory
from tianmu.registry.models import VillageIncome
from tianmu.reports.definitions import monthly, parse_period
from tianmu.rounds.kinds import KINDS
from tianmu.rounds.kinds import parse_period as round_period
from tianmu.rounds.models import RoundReporter
from tianmu.rounds.selectors import overdue_summary, reporters_of
from tianmu.rounds.services import round_open

pytestmark = pytest.mark.django_db
D = datetime.date
PAST = D(2025, 1, 31)  # the deadline of the 2024 rounds: long past
FUTURE = timezone.localdate() + datetime.timedelta(days=30)


def _open(w, kind, period, deadline, **kw):
    return round_open(
        user=w.users["admin"], program=w.program, kind=kind, period=round_period(period),
        deadline=deadline, **kw,
    )  # fmt: skip


def _statuses(user, round_):
    return {str(r): r.status for r in reporters_of(user, round_)}


def _income(village, year=2024):
    with acting_as(username="test-setup"):
        return VillageIncome.objects.create(
            village=village, year=year, amount_yuan=Decimal("100000")
        )


def test_reporters_are_generated_from_the_kind_and_the_county(world):
    w = world
    with acting_as(username="test-setup"):
        ProjectFactory(village=w.v1a)
        ProjectFactory(village=w.v2a, status="closed")  # a closed project asks for nothing
        ProjectFactory(village=w.vb)  # county B
        WorkshopFactory(enterprise=w.e1, town=w.t1)
        WorkshopFactory(enterprise=w.e_b, town=w.tb)  # county B
        LoanFactory(product=LoanProductFactory(bank=w.bank), village=w.v1a)
        LoanFactory(product=LoanProductFactory(bank=w.bank_b), village=w.vb)
        PurchaseOrderFactory(enterprise=w.e_other, village=w.v2a)
    names = {
        kind: sorted(str(o) for o in spec.candidates(w.program)) for kind, spec in KINDS.items()
    }
    assert names == {
        "yearly_income": sorted(["望湖村", "示例一村", "示例二村"]),
        "quarterly_projects": ["望湖村"],
        "monthly_employment": [w.e1.name],
        "monthly_loans": ["示例农商银行"],
        "monthly_payments": [w.e_other.name],
    }
    r = _open(w, "yearly_income", "2024", FUTURE)
    assert (r.period, r.period_start, r.period_end) == ("2024", D(2024, 1, 1), D(2024, 12, 31))
    assert RoundReporter.objects.filter(round=r).count() == 3
    logged = ObjectChange.objects.filter(content_type__model="roundreporter", action="create")
    assert logged.count() == 3 and logged.first().user_name == "admin_a"


def test_the_status_follows_the_records(world):
    w = world
    r = _open(w, "yearly_income", "2024", FUTURE)
    admin = w.users["admin"]
    assert set(_statuses(admin, r).values()) == {"pending"}
    _income(w.v1b, 2023)  # another year does not count
    _income(w.v1a)
    assert _statuses(admin, r) == {
        "望湖村": "reported",
        "示例一村": "pending",
        "示例二村": "pending",
    }
    row = reporters_of(admin, r).get(village=w.v1a)
    assert row.first_record_at == VillageIncome.objects.get(village=w.v1a, year=2024).created


def test_other_kinds_count_their_records(world):
    w = world
    with acting_as(username="test-setup"):
        project = ProjectFactory(village=w.v1a)
        workshop = WorkshopFactory(enterprise=w.e1, town=w.t1)
    quarterly = _open(w, "quarterly_projects", "2024Q2", FUTURE)
    employment = _open(w, "monthly_employment", "2024-05", FUTURE)
    admin = w.users["admin"]
    with acting_as(username="test-setup"):
        ProjectUpdateFactory(project=project, date=D(2024, 5, 1), review_status="draft")
    assert _statuses(admin, quarterly) == {"望湖村": "pending"}  # a draft is not reported
    with acting_as(username="test-setup"):
        ProjectUpdateFactory(project=project, date=D(2024, 5, 2), review_status="submitted")
        person = PersonFactory(village=w.v1a, id_number=make_id_number(5))
        placement = PlacementFactory(person=person, position=PositionFactory(workshop=workshop))
        MonthlyEarningFactory(placement=placement, month=D(2024, 4, 1))
    assert _statuses(admin, quarterly) == {"望湖村": "reported"}
    assert _statuses(admin, employment) == {w.e1.name: "pending"}
    with acting_as(username="test-setup"):
        MonthlyEarningFactory(placement=placement, month=D(2024, 5, 1))
    assert _statuses(admin, employment) == {w.e1.name: "reported"}


def test_after_the_deadline_the_missing_are_overdue_in_red(world):
    w = world
    r = _open(w, "yearly_income", "2024", PAST)
    _income(w.v1a)
    assert _statuses(w.users["admin"], r) == {
        "望湖村": "reported", "示例一村": "overdue", "示例二村": "overdue",
    }  # fmt: skip
    page = client_for(w.users["admin"]).get(reverse("rounds:round_detail", args=[r.pk]))
    html = page.content.decode()
    assert html.count('data-status="overdue" class="table-danger"') == 2
    assert html.count('data-status="reported"') == 1


def test_the_round_closes_by_itself_when_everyone_has_reported(world):
    w = world
    r = _open(w, "yearly_income", "2024", PAST)
    _income(w.v1a)
    _income(w.v1b)
    api = ApiClient(w)
    assert api("admin", "get", f"/reporting-rounds/{r.pk}").json()["status"] == "open"
    # 示例一村 (the world's "outsider" village cadre) has reported: it cannot declare too.
    answer = api("o_village", "post", f"/reporting-rounds/{r.pk}/declare", {})
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"__all__": ["示例一村 has already reported for this round."]}
    _income(w.v2a)  # the last village: the round closes with no one closing it
    body = api("admin", "get", f"/reporting-rounds/{r.pk}").json()
    assert (body["status"], body["closed_by"]) == ("closed", None)
    assert body["closed_at"] is not None
    assert body["counts"] == {"total": 3, "reported": 3, "declared": 0, "pending": 0, "overdue": 0}
    closing = ObjectChange.objects.filter(content_type__model="round", action="update").get()
    assert (closing.user_id, closing.user_name) == (None, "rounds:all-reported")


def test_a_declaration_counts_and_closes_the_last_one(world):
    w = world
    r = _open(w, "yearly_income", "2024", FUTURE)
    _income(w.v1b)
    _income(w.v2a)
    api = ApiClient(w)
    answer = api("village", "post", f"/reporting-rounds/{r.pk}/declare", {"note": "尚未结账"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    mine = next(x for x in body["reporters"] if x["name"] == "望湖村")
    assert (mine["status"], mine["note"], mine["declared_by"]) == (
        "declared", "尚未结账", "village_v1a",
    )  # fmt: skip
    assert mine["reported_at"] == mine["declared_at"]
    assert body["status"] == "closed" and body["closed_by"] is None
    again = api("village", "post", f"/reporting-rounds/{r.pk}/declare", {})
    assert again.status_code == 400


def test_the_inbox_shows_the_pending_round_until_the_village_reports(world):
    w = world
    cadre = w.users["village"]
    r = _open(w, "yearly_income", "2024", FUTURE)
    items = [i for i in inbox_for(cadre) if i.kind == "round"]
    assert [(i.title, i.url, i.due) for i in items] == [
        ("Report Yearly collective income for 2024",
         reverse("rounds:round_detail", args=[r.pk]), FUTURE),
    ]  # fmt: skip
    assert inbox_count(cadre) == 1
    served = ApiClient(w)("village", "get", "/inbox").json()
    assert served["items"][0]["kind"] == "round" and served["items"][0]["due"] == str(FUTURE)
    _income(w.v1a)
    cadre = type(cadre).objects.get(pk=cadre.pk)  # a new request: no cached count
    assert [i for i in inbox_for(cadre) if i.kind == "round"] == []
    assert inbox_count(cadre) == 0
    # The admin who opened it is not asked to report.
    assert [i for i in inbox_for(w.users["admin"]) if i.kind == "round"] == []


def test_the_cockpit_counts_the_overdue(world):
    w = world
    r = _open(w, "yearly_income", "2024", PAST)
    _open(w, "yearly_income", "2023", FUTURE)  # not past its deadline: not in the panel
    _income(w.v2a)
    summary = overdue_summary(w.users["admin"], None)
    assert [(s["round"], s["overdue"], s["total"]) for s in summary] == [(r, 2, 3)]
    assert summary[0]["url"] == reverse("rounds:round_detail", args=[r.pk]) + "?status=overdue"
    town = overdue_summary(w.users["town"], None)  # 龙岗镇: 望湖村 and 示例一村
    assert [(s["overdue"], s["total"]) for s in town] == [(2, 2)]
    assert [(s["overdue"], s["total"]) for s in overdue_summary(w.users["admin"], w.t2)] == []
    assert overdue_summary(w.outsiders["admin"], None) == []
    page = client_for(w.users["admin"]).get(reverse("dashboard:cockpit"))
    assert 'id="cockpit-rounds"' in page.content.decode()
    assert '<span class="badge text-bg-danger" data-overdue>2 / 3</span>' in page.content.decode()


def test_the_monthly_brief_lists_who_has_not_reported(world):
    w = world
    with acting_as(username="test-setup"):
        WorkshopFactory(enterprise=w.e1, town=w.t1)
        WorkshopFactory(enterprise=w.e_other, town=w.t2)
    r = _open(w, "monthly_employment", "2024-10", D(2024, 11, 10))
    _open(w, "yearly_income", "2024", PAST)  # a year is not the brief's month
    rep = RoundReporter.objects.get(round=r, organization=w.e_other)
    rep.declared_at = timezone.now()
    rep.save()
    report = monthly(w.users["admin"], area=None, period=parse_period("2024-10"))
    section = next(s for s in report.sections if s.key == "not_reported")
    rows = [(x["reporter"], x["round"], x["deadline"], x["overdue"]) for x in section.rows]
    assert rows == [(w.e1.name, str(r), D(2024, 11, 10), "yes")]
    assert [s.key for s in report.sections] == [
        "figures", "top_alliances", "bottom_alliances", "events", "disputes", "not_reported",
    ]  # fmt: skip
    assert report.notes == []


def test_scoping_town_officers_see_their_town_and_outsiders_nothing(world):
    w = world
    r = _open(w, "yearly_income", "2024", PAST)
    api = ApiClient(w)
    town = api("town", "get", f"/reporting-rounds/{r.pk}").json()
    assert sorted(x["name"] for x in town["reporters"]) == ["望湖村", "示例一村"]
    assert town["counts"]["total"] == 2
    village = api("village", "get", f"/reporting-rounds/{r.pk}").json()
    assert [x["name"] for x in village["reporters"]] == ["望湖村"]
    page = client_for(w.users["town"]).get(reverse("rounds:round_detail", args=[r.pk]))
    assert "示例二村" not in page.content.decode() and "示例一村" in page.content.decode()
    other_town = api("o_town", "get", f"/reporting-rounds/{r.pk}").json()  # 昌化镇
    assert [x["name"] for x in other_town["reporters"]] == ["示例二村"]
    for who in ("o_admin", "o_leader", "enterprise", "bank"):
        assert api(who, "get", f"/reporting-rounds/{r.pk}").status_code == 404, who
        assert api(who, "get", "/reporting-rounds").json()["count"] == 0, who
    assert api("o_village", "get", f"/reporting-rounds/{r.pk}").status_code == 200  # 示例一村
    outsider = client_for(w.outsiders["admin"])
    assert outsider.get(reverse("rounds:round_detail", args=[r.pk])).status_code == 404


def test_the_list_counts_what_the_user_may_see(world):
    w = world
    r = _open(w, "yearly_income", "2024", PAST)
    _income(w.v1a)
    town = client_for(w.users["town"]).get(reverse("rounds:round_list")).content.decode()
    assert f'<tr data-round="{r.pk}" class="table-danger">' in town
    assert "1 / 2" in town  # 龙岗镇: 望湖村 reported, 示例一村 overdue
    admin = client_for(w.users["admin"]).get(reverse("rounds:round_list")).content.decode()
    assert "1 / 3" in admin
    listed = ApiClient(w)("town", "get", "/reporting-rounds", {"kind": "yearly_income"}).json()
    assert listed["items"][0]["counts"] == {
        "total": 2, "reported": 1, "declared": 0, "pending": 0, "overdue": 1,
    }  # fmt: skip
