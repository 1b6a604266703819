"""Loans through the API: the lifecycle with its status history, every refusal the brief
lists (nothing written), scopes for every role, constant query counts, and the figures."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import EVERYONE
from tianmu.dashboard.selectors import Period, kpis
from tianmu.loans.models import Instalment, Loan, LoanStatusChange
from tianmu.loans.tests.factories import LoanFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def state() -> dict[str, int]:
    counts = {
        m._meta.label: m._default_manager.count() for m in apps.get_app_config("loans").get_models()
    }
    counts["changes"] = ObjectChange.objects.count()
    return counts


LOANS_BY_ROLE = {
    "superuser": {"good", "late", "applied", "fuyang"},
    "admin": {"good", "late", "applied"},
    "leader": {"good", "late", "applied"},
    "town": {"good", "applied"},
    "village": {"good", "applied"},
    "enterprise": set(),
    "bank": {"good", "late", "applied"},
    "o_admin": {"fuyang"},
    "o_leader": {"fuyang"},
    "o_town": {"late"},
    "o_village": set(),
    "o_enterprise": set(),
    "o_bank": {"fuyang"},
}


@pytest.mark.parametrize("who", EVERYONE)
def test_loans_by_role(api, book, who):
    r = api(who, "get", "/loans")
    assert r.status_code == 200
    ids = {item["id"] for item in r.json()["items"]}
    assert ids == {getattr(book, name).pk for name in LOANS_BY_ROLE[who]}
    assert r.json()["count"] == len(ids)


@pytest.mark.parametrize("who", ["o_admin", "o_town", "o_village", "o_bank", "enterprise"])
def test_outside_scope_is_404_and_changes_nothing(api, book, who):
    before = state()
    pk = book.good.pk
    assert api(who, "get", f"/loans/{pk}").status_code == 404
    for action, body in (
        ("disburse", {"amount_yuan": "1.00", "date": "2024-07-01"}),
        ("repayments", {"amount_yuan": "1.00", "date": "2024-07-15"}),
        ("write-off", {"reason": "x", "date": "2024-07-01"}),
    ):
        assert api(who, "post", f"/loans/{pk}/{action}", body).status_code == 404
    assert api(who, "patch", f"/loans/{book.applied.pk}", {"purpose": "x"}).status_code == 404
    assert state() == before


def test_detail_shows_schedule_history_and_balances(api, book):
    body = api("admin", "get", f"/loans/{book.good.pk}").json()
    assert body["status"] == "repaying"
    assert body["disbursed_yuan"] == "1200000.00"
    assert len(body["schedule"]) == 12
    assert body["schedule"][0] == {
        "tranche": body["tranches"][0]["id"],
        "number": 1,
        "due_date": "2024-02-15",
        "principal_yuan": "100000.00",
        "interest_yuan": "3600.00",
    }
    assert [(h["from_status"], h["to_status"]) for h in body["status_history"]] == [
        ("applied", "approved"),
        ("approved", "disbursed"),
        ("disbursed", "repaying"),
    ]
    assert body["status_history"][0]["changed_by"] == "bank_p1"
    assert body["repayments"][0]["amount_yuan"] == "515000.00"


def test_lifecycle_apply_approve_tranches_repay_close(api, book, world):
    r = api(
        "village",
        "post",
        "/loans",
        {
            "village": world.v1a.pk,
            "product": book.product.pk,
            "purpose": "共富菜园大棚",
            "amount_requested_yuan": "100000.00",
            "applied_on": "2025-01-05",
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert (r.json()["status"], r.json()["annual_rate"]) == ("applied", "0.036000")
    # The village cannot approve its own loan.
    r = api("village", "post", f"/loans/{pk}/approve", {"amount_yuan": "1", "date": "2025-01-06"})
    assert r.status_code == 400
    assert "lending bank" in str(r.json())
    r = api("bank", "post", f"/loans/{pk}/approve", {"amount_yuan": "100000", "date": "2025-01-08"})
    assert r.json()["status"] == "approved"
    r = api("bank", "post", f"/loans/{pk}/disburse", {"amount_yuan": "60000", "date": "2025-01-10"})
    assert r.json()["status"] == "disbursed"
    r = api("bank", "post", f"/loans/{pk}/disburse", {"amount_yuan": "40000", "date": "2025-02-10"})
    assert r.status_code == 200
    assert len(r.json()["schedule"]) == 24  # two tranches, 12 instalments each
    total = sum(
        Decimal(i["principal_yuan"]) + Decimal(i["interest_yuan"]) for i in r.json()["schedule"]
    )
    r = api(
        "bank",
        "post",
        f"/loans/{pk}/repayments",
        {"amount_yuan": str(total), "date": "2025-03-01", "is_prepayment": True},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed"
    assert r.json()["outstanding_principal_yuan"] == "0.00"
    history = list(
        LoanStatusChange.objects.filter(loan_id=pk).values_list("to_status", "changed_by_name")
    )
    assert history == [
        ("applied", "village_v1a"),
        ("approved", "bank_p1"),
        ("disbursed", "bank_p1"),
        ("repaying", "bank_p1"),
        ("closed", "bank_p1"),
    ]


def test_disbursement_beyond_approval_is_refused(api, book):
    before = state()
    r = api(
        "bank",
        "post",
        f"/loans/{book.good.pk}/disburse",
        {"amount_yuan": "0.01", "date": "2024-07-01"},
    )
    assert r.status_code == 400
    assert "beyond the 1200000.00 yuan approved" in r.json()["errors"]["amount_yuan"][0]
    assert state() == before


def test_disbursing_a_rejected_loan_is_refused(api, book):
    r = api(
        "bank", "post", f"/loans/{book.applied.pk}/reject", {"reason": "", "date": "2024-02-01"}
    )
    assert r.status_code == 400  # a rejection needs a reason
    r = api(
        "bank",
        "post",
        f"/loans/{book.applied.pk}/reject",
        {"reason": "材料不全", "date": "2024-02-01"},
    )
    assert r.json()["status"] == "rejected"
    before = state()
    r = api(
        "bank",
        "post",
        f"/loans/{book.applied.pk}/disburse",
        {"amount_yuan": "1", "date": "2024-02-02"},
    )
    assert r.status_code == 400
    assert "A loan that is “Rejected” cannot be disbursed." in str(r.json())
    r = api(
        "bank",
        "post",
        f"/loans/{book.applied.pk}/approve",
        {"amount_yuan": "1", "date": "2024-02-02"},
    )
    assert r.status_code == 400
    assert "cannot become “Approved”" in str(r.json())
    assert state() == before


def test_status_change_out_of_order_is_refused(api, book):
    before = state()
    # An application cannot be written off or closed; a disbursed loan cannot be approved.
    r = api(
        "bank", "post", f"/loans/{book.applied.pk}/write-off", {"reason": "x", "date": "2024-03-01"}
    )
    assert r.status_code == 400
    assert "“Applied” cannot become “Written off”" in str(r.json())
    r = api(
        "bank", "post", f"/loans/{book.late.pk}/approve", {"amount_yuan": "1", "date": "2024-03-01"}
    )
    assert r.status_code == 400
    r = api("bank", "post", f"/loans/{book.late.pk}/close", {"reason": "", "date": "2024-03-01"})
    assert r.status_code == 400
    assert "still owes" in str(r.json())
    assert state() == before


def test_repayment_larger_than_owed_needs_prepayment(api, book):
    before = state()
    # On 2024-03-20 the late loan owes two instalments: 2 × 50,000 + 1,800 + 1,650 = 103,450.
    body = {"amount_yuan": "103450.01", "date": "2024-03-20"}
    r = api("bank", "post", f"/loans/{book.late.pk}/repayments", body)
    assert r.status_code == 400
    msg = r.json()["errors"]["amount_yuan"][0]
    assert "more than the 103450.00 yuan owed" in msg and "prepayment" in msg
    # More than everything the loan will ever owe is refused even as a prepayment.
    body = {"amount_yuan": "700000", "date": "2024-03-20", "is_prepayment": True}
    r = api("bank", "post", f"/loans/{book.late.pk}/repayments", body)
    assert r.status_code == 400
    assert "still owed" in r.json()["errors"]["amount_yuan"][0]
    assert state() == before
    body = {"amount_yuan": "103450.00", "date": "2024-03-20"}
    assert api("bank", "post", f"/loans/{book.late.pk}/repayments", body).status_code == 200
    body = {"amount_yuan": "10", "date": "2024-03-19"}  # before the last repayment
    r = api("bank", "post", f"/loans/{book.late.pk}/repayments", body)
    assert r.status_code == 400
    assert "date order" in str(r.json())


def test_write_off_takes_the_loan_off_the_book(api, book, world):
    r = api(
        "bank", "post", f"/loans/{book.late.pk}/write-off", {"reason": "", "date": "2024-07-01"}
    )
    assert r.status_code == 400
    r = api(
        "bank",
        "post",
        f"/loans/{book.late.pk}/write-off",
        {"reason": "无法收回", "date": "2024-07-01"},
    )
    assert r.json()["status"] == "written_off"
    admin = world.users["admin"]
    assert kpis(user=admin, period=Period(None, D(2024, 6, 30)))["loans_outstanding_yuan"] == (
        Decimal("1300000.00")
    )
    after = kpis(user=admin, period=Period(None, D(2024, 7, 2)))
    assert after["loans_outstanding_yuan"] == Decimal("700000.00")


def test_arrears_and_days_past_due(book):
    from tianmu.loans.selectors import loan_position

    p = loan_position(loan=book.late, on=D(2024, 6, 30))
    # Five instalments overdue: 5 × 50,000 principal; interest 1,800 + 1,650 + 1,500 + 1,350
    # + 1,200 = 7,500; the oldest (15 Feb) is 136 days late on 30 Jun 2024.
    assert (p.arrears_principal, p.arrears_interest) == (Decimal("250000.00"), Decimal("7500.00"))
    assert p.days_past_due == 136
    p = loan_position(loan=book.good, on=D(2024, 6, 30))
    assert (p.days_past_due, p.outstanding_principal) == (0, Decimal("700000.00"))


# --- Figures by hand --------------------------------------------------------------------------

JUNE = Period(None, D(2024, 6, 30))


def test_kpis_by_hand(book, world):
    u, o = world.users, world.outsiders
    k = kpis(user=u["superuser"], period=JUNE)
    # Disbursed by 30 Jun 2024: 1,200,000 + 600,000 + 300,000.
    assert k["loans_disbursed_yuan"] == Decimal("2100000.00")
    # Outstanding: good 700,000 (5 paid) + late 600,000 + fuyang 300,000.
    assert k["loans_outstanding_yuan"] == Decimal("1600000.00")
    # More than 30 days late: late (136 days) and fuyang (due 1 Apr, 90 days): 900,000/1.6M.
    assert k["par30"] == "0.5625"
    k = kpis(user=u["admin"], period=JUNE)
    assert (k["loans_disbursed_yuan"], k["loans_outstanding_yuan"], k["par30"]) == (
        Decimal("1800000.00"),
        Decimal("1300000.00"),
        "0.4615",  # 600,000 / 1,300,000 = 0.461538…
    )
    k = kpis(user=u["town"], period=JUNE)
    assert (k["loans_outstanding_yuan"], k["par30"]) == (Decimal("700000.00"), "0.0000")
    k = kpis(user=o["bank"], period=JUNE)
    assert (k["loans_outstanding_yuan"], k["par30"]) == (Decimal("300000.00"), "1.0000")
    k = kpis(user=u["enterprise"], period=JUNE)
    assert (k["loans_disbursed_yuan"], k["loans_outstanding_yuan"], k["par30"]) == (
        Decimal("0.00"),
        Decimal("0.00"),
        "0.0000",
    )
    # Flow with a start date: only the fuyang tranche (1 Mar 2024) is on or after 1 Feb.
    k = kpis(user=u["superuser"], period=Period(D(2024, 2, 1), None))
    assert k["loans_disbursed_yuan"] == Decimal("300000.00")
    # Before anything was paid out.
    k = kpis(user=u["superuser"], period=Period(None, D(2024, 1, 14)))
    assert (k["loans_outstanding_yuan"], k["par30"]) == (Decimal("0.00"), "0.0000")


def test_kpis_api_strings_and_area(api, book):
    r = api("superuser", "get", "/kpis", {"to": "2024-06-30", "area": "330112107"})
    assert r.status_code == 200
    body = r.json()
    assert body["loans_disbursed_yuan"] == "1200000.00"
    assert body["loans_outstanding_yuan"] == "700000.00"
    assert body["par30"] == "0.0000"


def test_loan_list_filters(api, book):
    r = api("superuser", "get", "/loans", {"status": "applied"})
    assert [i["id"] for i in r.json()["items"]] == [book.applied.pk]
    r = api("superuser", "get", "/loans", {"from": "2024-02-01"})
    assert [i["id"] for i in r.json()["items"]] == [book.fuyang.pk]
    r = api("superuser", "get", "/loans", {"area": "330111"})
    assert [i["id"] for i in r.json()["items"]] == [book.fuyang.pk]


def test_list_query_count_does_not_grow(api, book, world):
    from tianmu.loans import services

    def count():
        api("admin", "get", "/loans")
        with CaptureQueriesContext(connection) as ctx:
            assert api("admin", "get", "/loans").status_code == 200
        return len(ctx.captured_queries)

    first = count()
    for _ in range(4):
        loan = LoanFactory(product=book.product, village=world.v2a)
        services.loan_approve(
            user=world.users["bank"], loan=loan, amount_yuan=1000, date=D(2024, 2, 1)
        )
        services.loan_disburse(
            user=world.users["bank"], loan=loan, amount_yuan=1000, date=D(2024, 2, 2)
        )
    assert count() == first
    assert Instalment.objects.filter(loan__village=world.v2a).count() == 12 * 5
    assert Loan.objects.count() == 8


def test_the_loan_book_is_read_once_for_both_loan_figures(book, world, monkeypatch):
    """Counted live (the fact table off, or a bank's own scope), loans outstanding and PAR30
    share one SQL read of the book per evaluation; from the fact table, none."""
    from django.test import override_settings

    from tianmu.core.kpis import Period, kpis
    from tianmu.loans import kpis as loan_kpis

    calls = []
    real = loan_kpis.book_totals

    def counting(loans, on):
        calls.append(on)
        return real(loans, on)

    monkeypatch.setattr(loan_kpis, "book_totals", counting)
    kept = kpis(user=world.users["admin"], period=Period(None, D(2024, 7, 1)))
    assert calls == []  # the balances came from the fact table
    with override_settings(TIANMU_FIGURE_FACTS=False, TIANMU_KPI_CACHE_SECONDS=0):
        values = kpis(user=world.users["admin"], period=Period(None, D(2024, 7, 1)))
    assert calls == [D(2024, 7, 1)]
    assert values == kept
    assert values["par30"] == loan_kpis.par30(
        loan_kpis.KpiContext(
            user=world.users["admin"], period=Period(None, D(2024, 7, 1)), area=None
        )
    )
    assert len(calls) == 2  # outside an evaluation, each call reads the book afresh
    with override_settings(TIANMU_KPI_CACHE_SECONDS=0):
        kpis(user=world.users["bank"], period=Period(None, D(2024, 7, 1)))
    assert len(calls) == 3  # a bank's own loans: counted live, once
