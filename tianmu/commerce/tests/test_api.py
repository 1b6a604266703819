"""The commerce API: every role against every endpoint, bad input, the two-sided flow."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianmu.commerce.models import Delivery, Payment, PurchaseOrder
from tianmu.commerce.tests.factories import (
    AgreementFactory,
    AgreementLineFactory,
    DeliveryFactory,
    PaymentFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
)
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import EVERYONE, ApiClient, user_for
from tianmu.core.workflow import PeriodLock

pytestmark = pytest.mark.django_db


def db_state() -> dict[str, int]:
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ("commerce", "projects")
    }
    counts["changes"] = ObjectChange.objects.count()
    counts["confirmed"] = (
        Delivery.objects.filter(confirmation="confirmed").count()
        + Payment.objects.filter(confirmation="confirmed").count()
    )
    return counts


A_SIDE = ["admin", "leader", "town", "village", "enterprise"]
B_SIDE = ["o_admin", "o_leader", "o_enterprise"]


def expected(who, a, b, *, bank=()):
    if who == "superuser":
        return sorted(a + b)
    if who in A_SIDE:
        return sorted(a)
    if who in B_SIDE:
        return sorted(b)
    return sorted(bank)


@pytest.mark.parametrize("who", EVERYONE)
def test_lists_by_role(world, trade, who):
    api = ApiClient(world)
    t = trade

    def ids(path):
        response = api(who, "get", path)
        assert response.status_code == 200, response.content
        return sorted(item["id"] for item in response.json()["items"])

    assert ids("/agreements") == expected(who, [t.agreement.pk], [t.agreement_b.pk])
    assert ids("/orders") == expected(who, [t.o1.pk, t.o2.pk], [t.ob.pk])
    assert ids("/deliveries") == expected(who, [t.d1.pk, t.d2.pk], [])
    assert ids("/payments") == expected(who, [t.pay1.pk, t.pay2.pk], [t.pay_b.pk])
    # The catalogue: area staff, and the members of alliances paired with the village.
    catalogue = {
        "bank": [t.product.pk],
        "o_bank": [t.product_b.pk],
    }
    want = catalogue.get(who, expected(who, [t.product.pk], [t.product_b.pk]))
    assert ids("/products") == sorted(want)


@pytest.mark.parametrize("who", ["bank", "o_admin", "o_leader", "o_town", "o_village",
                                 "o_enterprise", "o_bank"])  # fmt: skip
def test_outside_scope_is_404_and_changes_nothing(world, trade, who):
    api = ApiClient(world)
    t = trade
    before = db_state()
    for method, path, body in [
        ("get", f"/agreements/{t.agreement.pk}", None),
        ("get", f"/orders/{t.o1.pk}", None),
        ("patch", f"/agreements/{t.agreement.pk}", {"title": "x"}),
        ("post", f"/agreements/{t.agreement.pk}/deliveries",
         {"line": t.line.pk, "date": "2024-05-01", "quantity": "1"}),
        ("post", f"/deliveries/{t.d2.pk}/confirm", None),
        ("post", f"/deliveries/{t.d2.pk}/dispute", {"reason": "no"}),
        ("post", f"/payments/{t.pay2.pk}/confirm", None),
        ("post", f"/orders/{t.o2.pk}/payments", {"date": "2024-07-02", "amount_yuan": "1"}),
        ("post", f"/orders/{t.o2.pk}/deliveries", {"date": "2024-07-02"}),
    ]:  # fmt: skip
        response = api(who, method, path, body)
        assert response.status_code == 404, (who, method, path, response.content)
    assert db_state() == before


def test_only_the_counter_party_confirms(world, trade):
    api = ApiClient(world)
    t = trade
    before = db_state()
    # d2 was reported by the enterprise: neither it, the leader, nor programme staff confirm.
    for who in ("enterprise", "leader", "admin", "town", "superuser"):
        response = api(who, "post", f"/deliveries/{t.d2.pk}/confirm")
        assert response.status_code in (400, 404), who
        if response.status_code == 400:
            assert "Only the other side" in response.json()["errors"]["__all__"][0]
    assert db_state() == before
    response = api("village", "post", f"/deliveries/{t.d2.pk}/confirm")
    assert response.status_code == 200
    assert response.json()["confirmation"] == "confirmed"
    # Confirmed records are locked: no second confirmation, no dispute.
    confirmed = db_state()
    again = api("village", "post", f"/deliveries/{t.d2.pk}/confirm", lang="zh-hans")
    assert again.status_code == 400 and db_state() == confirmed
    assert api("village", "post", f"/deliveries/{t.d2.pk}/confirm").json()["errors"]["__all__"]
    response = api("village", "post", f"/deliveries/{t.d2.pk}/dispute", {"reason": "late"})
    assert response.status_code == 400
    assert "locked" in response.json()["errors"]["__all__"][0]


def test_dispute_needs_a_reason(world, trade):
    api = ApiClient(world)
    before = db_state()
    response = api("village", "post", f"/payments/{trade.pay2.pk}/dispute", {"reason": " "})
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["Say why you dispute this record."]
    assert db_state() == before
    response = api("village", "post", f"/payments/{trade.pay2.pk}/dispute", {"reason": "未到账"})
    assert response.status_code == 200
    assert response.json()["confirmation"] == "disputed"
    assert response.json()["dispute_reason"] == "未到账"


def post_delivery(api, who, agreement, **body):
    return api(who, "post", f"/agreements/{agreement.pk}/deliveries", body)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"quantity": "-5"}, "quantity", "Must be greater than zero."),
        ({"quantity": "0"}, "quantity", "Must be greater than zero."),
        ({"quantity": "1.234"}, "quantity", "Ensure that there are no more than 2 decimal places."),
        ({"date": "2023-06-01"}, "date", "The agreement starts on 2024-01-01"),
    ],
)
def test_bad_delivery_input(world, trade, body, field, message):
    api = ApiClient(world)
    before = db_state()
    data = {"line": trade.line.pk, "date": "2024-05-01", "quantity": "5", **body}
    response = post_delivery(api, "enterprise", trade.agreement, **data)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field][0].startswith(message)
    assert db_state() == before


def test_bad_price_and_quantity_on_orders_and_products(world, trade):
    api = ApiClient(world)
    before = db_state()
    response = api("village", "post", "/products", {
        "village": world.v1a.pk, "name": "大米", "category": "rice", "unit": "斤",
        "price": "5.555",
    })  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["price"] == [
        "Ensure that there are no more than 2 decimal places."
    ]
    response = api("enterprise", "post", "/orders", {
        "enterprise": world.e1.pk, "village": world.v1a.pk, "placed_on": "2024-08-01",
        "lines": [{"product": trade.product.pk, "quantity": "-1"},
                  {"product_name": "笋干", "unit": "斤", "quantity": "2", "unit_price": "1.001"}],
    })  # fmt: skip
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["lines[1].quantity"] == ["Must be greater than zero."]
    assert errors["lines[2].unit_price"] == ["Ensure that there are no more than 2 decimal places."]
    response = api("enterprise", "post", "/orders", {
        "enterprise": world.e1.pk, "village": world.v1a.pk, "placed_on": "2024-08-01",
        "lines": [],
    })  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == ["An order needs at least one line."]
    response = api("enterprise", "post", f"/orders/{trade.o2.pk}/payments",
                   {"date": "2024-08-01", "amount_yuan": "0"})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["amount_yuan"] == ["Must be greater than zero."]
    assert db_state() == before


def test_delivery_against_draft_or_expired_agreement(world, trade):
    api = ApiClient(world)
    draft = AgreementFactory(enterprise=world.e1, village=world.v1a, status="draft",
                             signed_on=None)  # fmt: skip
    draft_line = AgreementLineFactory(agreement=draft)
    expired = AgreementFactory(enterprise=world.e1, village=world.v1a,
                               end=datetime.date(2024, 6, 30))  # fmt: skip
    expired_line = AgreementLineFactory(agreement=expired)
    before = db_state()
    response = post_delivery(api, "enterprise", draft, line=draft_line.pk, date="2024-05-01",
                             quantity="5")  # fmt: skip
    assert response.status_code == 400
    assert "still a draft" in response.json()["errors"]["__all__"][0]
    response = post_delivery(api, "village", expired, line=expired_line.pk, date="2024-07-01",
                             quantity="5")  # fmt: skip
    assert response.status_code == 400
    assert "expired on 2024-06-30" in response.json()["errors"]["__all__"][0]
    assert "only a programme admin" in response.json()["errors"]["__all__"][0]
    response = post_delivery(api, "admin", expired, line=expired_line.pk, date="2024-07-01",
                             quantity="5")  # fmt: skip
    assert response.status_code == 400
    assert "give a reason" in response.json()["errors"]["override_reason"][0]
    assert db_state() == before
    response = post_delivery(api, "admin", expired, line=expired_line.pk, date="2024-07-01",
                             quantity="5", override_reason="补录:6月底已交货")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["reported_side"] == "admin"
    assert response.json()["override_reason"] == "补录:6月底已交货"


def test_delivery_in_chinese(world, trade):
    api = ApiClient(world)
    draft = AgreementFactory(enterprise=world.e1, village=world.v1a, status="draft",
                             signed_on=None)  # fmt: skip
    line = AgreementLineFactory(agreement=draft)
    response = api(
        "enterprise",
        "post",
        f"/agreements/{draft.pk}/deliveries",
        {"line": line.pk, "date": "2024-05-01", "quantity": "5"},
        lang="zh-hans",
    )
    assert response.status_code == 400
    assert "草稿" in response.json()["errors"]["__all__"][0]


def test_excess_is_warned_then_accepted(world, trade):
    api = ApiClient(world)
    # Agreed 1000; 100 confirmed + 50 awaiting = 150 on their way; 900 more passes 1000.
    before = db_state()
    response = post_delivery(api, "enterprise", trade.agreement, line=trade.line.pk,
                             date="2024-05-01", quantity="900")  # fmt: skip
    assert response.status_code == 400
    message = response.json()["errors"]["quantity"][0]
    assert "1050.00 kg, over the agreed 1000.00 kg" in message
    assert db_state() == before
    response = post_delivery(api, "enterprise", trade.agreement, line=trade.line.pk,
                             date="2024-05-01", quantity="850")  # fmt: skip
    assert response.status_code == 201
    response = post_delivery(api, "enterprise", trade.agreement, line=trade.line.pk,
                             date="2024-05-02", quantity="10", accept_excess=True)  # fmt: skip
    assert response.status_code == 201
    assert response.json()["amount_yuan"] == "85.00"


def test_agreement_detail_progress(world, trade):
    api = ApiClient(world)
    response = api("village", "get", f"/agreements/{trade.agreement.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["value_yuan"] == "850.00"
    assert data["value_reported_yuan"] == "425.00"
    assert data["agreed_value_yuan"] == "8500.00"
    (line,) = data["lines"]
    assert line["agreed"] == "1000.00"
    assert line["delivered"] == "100.00"
    assert line["delivered_reported"] == "50.00"
    assert line["remaining"] == "900.00"
    assert line["ordered"] == "0.00"
    response = api(
        "enterprise",
        "post",
        f"/agreements/{trade.agreement.pk}/call-offs",
        {"line": trade.line.pk, "date": "2024-05-01", "quantity": "200"},
    )
    assert response.status_code == 201, response.content
    response = api("village", "get", f"/agreements/{trade.agreement.pk}")
    assert response.json()["lines"][0]["ordered"] == "200.00"


def test_locked_month_refuses_writes(world, trade):
    api = ApiClient(world)
    PeriodLock.objects.create(area=world.county, month=datetime.date(2024, 7, 1))
    before = db_state()
    response = api("village", "post", f"/payments/{trade.pay2.pk}/confirm")
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [
        "2024-07 is locked for 临安区; its records are read-only."
    ]
    response = post_delivery(api, "enterprise", trade.agreement, line=trade.line.pk,
                             date="2024-07-15", quantity="1")  # fmt: skip
    assert response.status_code == 400
    assert "2024-07 is locked" in response.json()["errors"]["__all__"][0]
    response = api("enterprise", "post", f"/orders/{trade.o2.pk}/payments",
                   {"date": "2024-07-20", "amount_yuan": "10"})  # fmt: skip
    assert response.status_code == 400
    assert db_state() == before


def test_order_end_to_end_through_the_api(world, trade):
    """The enterprise liaison places an order and reports the delivery and the payment; the
    village cadre confirms both; the order reaches “paid” and the income figure moves."""
    api = ApiClient(world)
    income = api("admin", "get", "/kpis").json()["purchase_income_yuan"]
    assert income == "1210.00"
    response = api("enterprise", "post", "/orders", {
        "enterprise": world.e1.pk, "village": world.v1a.pk, "purpose": "festival_gift",
        "placed_on": "2024-09-01",
        "lines": [{"product": trade.product.pk, "quantity": "100"},
                  {"product_name": "月饼", "unit": "盒", "quantity": "40", "unit_price": "88.80"}],
    })  # fmt: skip
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "placed"
    assert order["total_yuan"] == "6552.00"  # 100 × 30.00 + 40 × 88.80
    oid = order["id"]
    response = api("enterprise", "post", f"/orders/{oid}/deliveries", {"date": "2024-09-05"})
    assert response.status_code == 201
    delivery = response.json()
    assert delivery["reported_side"] == "enterprise"
    assert delivery["confirmation"] == "reported"
    response = api("village", "post", f"/order-deliveries/{delivery['id']}/confirm")
    assert response.status_code == 200
    assert api("village", "get", f"/orders/{oid}").json()["status"] == "delivered"
    response = api("enterprise", "post", f"/orders/{oid}/payments",
                   {"date": "2024-09-10", "amount_yuan": "6552.00"})  # fmt: skip
    assert response.status_code == 201
    payment = response.json()
    figures = api("admin", "get", "/kpis").json()
    assert figures["purchase_income_yuan"] == "1210.00"  # not yet confirmed …
    assert figures["purchase_income_reported_yuan"] == "6752.00"  # … but shown beside it
    response = api("village", "post", f"/payments/{payment['id']}/confirm")
    assert response.status_code == 200
    order = api("enterprise", "get", f"/orders/{oid}").json()
    assert order["status"] == "paid"
    assert order["paid_yuan"] == "6552.00"
    figures = api("admin", "get", "/kpis").json()
    assert figures["purchase_income_yuan"] == "7762.00"
    assert figures["purchase_income_reported_yuan"] == "200.00"
    # A confirmed payment is locked: a correction is a new, linked record.
    response = api(
        "enterprise",
        "post",
        f"/orders/{oid}/payments",
        {"date": "2024-09-11", "amount_yuan": "6500.00", "corrects": payment["id"]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["corrects"] == payment["id"]
    changes = ObjectChange.objects.filter(object_id=str(oid), content_type__model="purchaseorder")
    assert changes.filter(user_name=user_for(world, "enterprise").username).exists()


def test_payments_cannot_exceed_the_order(world, trade):
    api = ApiClient(world)
    before = db_state()
    response = api("enterprise", "post", f"/orders/{trade.o2.pk}/payments",
                   {"date": "2024-08-01", "amount_yuan": "300.01"})  # fmt: skip
    assert response.status_code == 400
    assert "more than the order's 500.00 yuan" in response.json()["errors"]["amount_yuan"][0]
    assert db_state() == before


@pytest.mark.parametrize("path", ["/agreements", "/orders", "/deliveries", "/payments",
                                  "/products", "/order-deliveries"])  # fmt: skip
def test_list_query_count_is_constant(world, trade, path):
    api = ApiClient(world)
    api.key("admin")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = api("admin", "get", path)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    def more():
        for _ in range(3):
            agreement = AgreementFactory(enterprise=world.e1, village=world.v1a)
            line = AgreementLineFactory(agreement=agreement)
            DeliveryFactory(line=line, quantity=Decimal("1"))
            order = PurchaseOrderFactory(enterprise=world.e1, village=world.v1a)
            PurchaseOrderLineFactory(order=order)
            PaymentFactory(order=order, amount_yuan=Decimal("300.00"))
            from tianmu.commerce.tests.factories import OrderDeliveryFactory, ProductFactory

            OrderDeliveryFactory(order=order)
            ProductFactory(village=world.v1a)

    first, n1 = count()
    more()
    second, n2 = count()
    assert n2 > n1
    assert first == second


def test_order_status_is_not_set_by_hand(world, trade):
    api = ApiClient(world)
    response = api("enterprise", "patch", f"/orders/{trade.o2.pk}", {"note": "中秋礼品"})
    assert response.status_code == 200
    assert response.json()["note"] == "中秋礼品"
    assert PurchaseOrder.objects.get(pk=trade.o2.pk).status == "placed"
    response = api("enterprise", "patch", f"/orders/{trade.o1.pk}", {"note": "x"})
    assert response.status_code == 400
    assert "locked" in response.json()["errors"]["__all__"][0]
