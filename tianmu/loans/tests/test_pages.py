"""The loan pages: list, detail with schedule and actions, refusals as messages."""

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.loans.models import Disbursement

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_pages_render(book, world):
    c = client_for(world.users["bank"])
    assert c.get(reverse("loans:loan_list")).status_code == 200
    assert c.get(reverse("loans:loanproduct_list")).status_code == 200
    assert c.get(reverse("loans:creditline_list")).status_code == 200
    page = c.get(reverse("loans:loan_detail", args=[book.good.pk])).content.decode()
    assert "2024-02-15" in page  # the first instalment
    assert "Record a repayment" in page
    # The village sees the loan, not the bank's actions.
    page = (
        client_for(world.users["village"])
        .get(reverse("loans:loan_detail", args=[book.good.pk]))
        .content.decode()
    )
    assert "Record a repayment" not in page


def test_disbursement_beyond_approval_shows_a_message(book, world):
    before = Disbursement.objects.count()
    c = client_for(world.users["bank"])
    url = reverse("loans:loan_action", args=[book.good.pk, "disburse"])
    r = c.post(url, {"date": "2024-07-01", "amount_yuan": "5"}, follow=True)
    assert "beyond the 1200000.00 yuan approved" in r.content.decode()
    assert Disbursement.objects.count() == before


def test_outsider_gets_404(book, world):
    c = client_for(world.outsiders["bank"])
    assert c.get(reverse("loans:loan_detail", args=[book.good.pk])).status_code == 404
    url = reverse("loans:loan_action", args=[book.good.pk, "disburse"])
    assert c.post(url, {"date": "2024-07-01", "amount_yuan": "5"}).status_code == 404


def test_status_history_reads_in_the_ui_language(book, world):
    """Reasons the platform wrote itself are kept in the source language and shown in the
    reader's: the same loan's history in English and in Chinese."""
    from tianmu.core.tests.pages import client_for as client_in

    assert [c.reason for c in book.good.status_changes.order_by("id")][:2] == [
        "Approved",
        "First tranche paid out",
    ]
    url = reverse("loans:loan_detail", args=[book.good.pk])
    english = client_in(world.users["bank"], "en").get(url).content.decode()
    chinese = client_in(world.users["bank"], "zh-hans").get(url).content.decode()
    assert "First tranche paid out" in english
    assert "首笔放款" in chinese
    assert "First tranche paid out" not in chinese


def test_loan_list_shows_outstanding_and_days_overdue_on_the_figures_day(book, world):
    """PAR30 and the loan balance link to this list (`?outstanding_on=`): each loan's principal
    outstanding that day and how late its oldest unpaid instalment is."""
    import datetime

    from tianmu.core.tests.pages import client_for as client_in

    on = datetime.date(2024, 6, 30)
    page = (
        client_in(world.users["bank"], "en")
        .get(reverse("loans:loan_list"), {"outstanding_on": on.isoformat()})
        .content.decode()
    )
    assert "Outstanding principal (yuan)" in page and "Days overdue" in page
    late = (on - datetime.date(2024, 2, 15)).days  # the first instalment, never paid
    assert f'<span class="badge text-bg-danger">{late}</span>' in page
    assert '<span class="text-nowrap">600,000.00</span>' in page
    # 1,200,000 out, five instalments of 100,000 principal repaid.
    assert '<span class="text-nowrap">700,000.00</span>' in page


def test_rates_read_as_percentages(book, world):
    from tianmu.core.tests.pages import client_for as client_in

    client = client_in(world.users["bank"], "en")
    rate = f"{book.product.annual_rate * 100:.2f} %"
    assert rate in client.get(reverse("loans:loanproduct_list")).content.decode()
    detail = client.get(reverse("loans:loanproduct_detail", args=[book.product.pk]))
    assert rate in detail.content.decode()
    assert str(book.product.annual_rate) not in detail.content.decode()


def test_history_shows_rates_in_percent_and_amounts_with_their_unit(book, world):
    from tianmu.core.tests.pages import client_for as client_in

    page = (
        client_in(world.users["bank"], "en")
        .get(reverse("loans:loan_history", args=[book.good.pk]))
        .content.decode()
    )
    assert f"{book.good.annual_rate * 100:.2f} %" in page
    assert "¥1,200,000.00" in page
