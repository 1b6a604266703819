"""The commerce and projects pages: scope, the order flow as the two sides would, messages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.commerce.models import Delivery, PurchaseOrder
from tianmu.commerce.tests.factories import AgreementFactory, AgreementLineFactory
from tianmu.core.tests.api_client import user_for

pytestmark = pytest.mark.django_db


def client_for(world, who):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user_for(world, who))
    return client


def page_urls(t):
    return [
        reverse("commerce:agreement_detail", args=[t.agreement.pk]),
        reverse("commerce:purchaseorder_detail", args=[t.o1.pk]),
        reverse("projects:project_detail", args=[t.project.pk]),
    ]


LISTS = ["commerce:agreement_list", "commerce:purchaseorder_list", "commerce:product_list",
         "commerce:delivery_list", "commerce:payment_list", "commerce:payment_income",
         "commerce:payment_awaiting", "projects:project_list", "projects:projectvillage_list",
         "projects:projectupdate_list"]  # fmt: skip


@pytest.mark.parametrize("who", ["superuser", "admin", "village", "enterprise", "leader"])
def test_pages_render_for_insiders(world, trade, who):
    client = client_for(world, who)
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 200, name
    for url in page_urls(trade):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("who", ["o_admin", "o_enterprise", "o_village", "bank"])
def test_pages_outside_scope_are_404(world, trade, who):
    client = client_for(world, who)
    urls = page_urls(trade)[:2]
    for url in urls:
        assert client.get(url).status_code == 404
    response = client.post(reverse("commerce:record_decision", args=["delivery", trade.d2.pk,
                                                                     "confirm"]))  # fmt: skip
    assert response.status_code == 404
    assert Delivery.objects.get(pk=trade.d2.pk).confirmation == "reported"


def test_income_page_lists_what_the_figure_sums(world, trade):
    client = client_for(world, "admin")
    response = client.get(reverse("commerce:payment_income"))
    assert list(response.context["page_obj"].object_list) == [trade.pay1]
    response = client.get(reverse("commerce:payment_awaiting"))
    assert list(response.context["page_obj"].object_list) == [trade.pay2]
    home = client.get(reverse("dashboard:home"))
    links = {f["key"]: f["url"] for f in home.context["figures"]}
    # The links carry the filters the figures run (docs/figures.md): a stock is what is
    # active today, the income what is counted.
    assert links["purchase_income_yuan"] == reverse("commerce:payment_income") + "?counted=true"
    assert links["projects"] == reverse("projects:project_list") + "?active=true"


def test_project_page_shows_money_in_wan(world, trade):
    client = client_for(world, "admin")
    response = client.get(reverse("projects:project_detail", args=[trade.project.pk]))
    assert "¥850.00" in response.content.decode()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user_for(world, "admin"))
    response = client.get(reverse("commerce:purchaseorder_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    # A list column has one unit, named in its header; its cells are numbers never broken.
    page = response.content.decode()
    assert "合计（元）" in page
    assert '<span class="text-nowrap">1,210.00</span>' in page


def test_order_from_placed_to_confirmed_through_the_pages(world, trade):
    ent = client_for(world, "enterprise")
    vil = client_for(world, "village")
    response = ent.post(reverse("commerce:purchaseorder_add"), {
        "enterprise": world.e1.pk, "village": world.v1a.pk, "purpose": "canteen",
        "placed_on": "2024-10-01",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
        "lines-0-product": trade.product.pk, "lines-0-quantity": "200",
        "lines-1-product_name": "大米", "lines-1-unit": "kg", "lines-1-quantity": "500",
        "lines-1-unit_price": "7.80",
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    order = PurchaseOrder.objects.latest("id")
    assert response["Location"] == reverse("commerce:purchaseorder_detail", args=[order.pk])
    assert order.lines.count() == 2
    url = reverse("commerce:purchaseorder_action", args=[order.pk, "delivery"])
    assert ent.post(url, {"date": "2024-10-03"}).status_code == 302
    delivery = order.deliveries.get()
    assert delivery.reported_side == "enterprise"
    # The enterprise sees no confirm button on its own report; the village cadre does.
    page = ent.get(reverse("commerce:purchaseorder_detail", args=[order.pk])).content.decode()
    assert 'data-action="confirm"' not in page
    page = vil.get(reverse("commerce:purchaseorder_detail", args=[order.pk])).content.decode()
    assert 'data-action="confirm"' in page
    vil.post(reverse("commerce:record_decision", args=["orderdelivery", delivery.pk, "confirm"]))
    order.refresh_from_db()
    assert order.status == "delivered"
    url = reverse("commerce:purchaseorder_action", args=[order.pk, "payment"])
    ent.post(url, {"date": "2024-10-05", "amount_yuan": "9900.00"})  # 200 × 30 + 500 × 7.80
    payment = order.payments.get()
    url = reverse("commerce:record_decision", args=["payment", payment.pk, "confirm"])
    response = vil.post(url, follow=True)
    # The message says what was confirmed, not only "Confirmed."
    assert f"Confirmed: {payment}." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "paid"


def test_bad_delivery_on_the_page_shows_a_message_and_writes_nothing(world, trade):
    draft = AgreementFactory(enterprise=world.e1, village=world.v1a, status="draft",
                             signed_on=None)  # fmt: skip
    line = AgreementLineFactory(agreement=draft)
    ent = client_for(world, "enterprise")
    before = Delivery.objects.count()
    # A draft shows no delivery form; posting anyway is refused with the service's message.
    response = ent.post(
        reverse("commerce:agreement_action", args=[draft.pk, "delivery"]),
        {"line": line.pk, "date": "2024-05-01", "quantity": "5"},
        follow=True,
    )
    assert "still a draft" in response.content.decode()
    response = ent.post(
        reverse("commerce:agreement_action", args=[trade.agreement.pk, "delivery"]),
        {"line": trade.line.pk, "date": "2024-05-01", "quantity": "-1"}, follow=True,
    )  # fmt: skip
    assert "Must be greater than zero." in response.content.decode()
    assert Delivery.objects.count() == before


def test_project_update_review_through_the_pages(world, trade):
    vil = client_for(world, "village")
    adm = client_for(world, "admin")
    vil.post(reverse("projects:update_add", args=[trade.project.pk]),
             {"date": "2024-06-01", "title": "六月进展"})  # fmt: skip
    update = trade.project.updates.get()
    vil.post(reverse("projects:update_review", args=[update.pk, "submit"]))
    response = adm.post(reverse("projects:update_review", args=[update.pk, "return"]),
                        {"reason": "请补充照片"}, follow=True)  # fmt: skip
    update.refresh_from_db()
    assert (update.review_status, update.review_note) == ("returned", "请补充照片")
    assert "请补充照片" in response.content.decode()
