"""Factories for commerce, and `build_trade`: a small, hand-countable set of agreements,
orders, deliveries and payments on top of the test world (tianmu/testing/world.py)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import factory

from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    Delivery,
    OrderDelivery,
    Payment,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
)
from tianmu.core.context import acting_as
from tianmu.projects.tests.factories import ProjectFactory, ProjectVillageFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"山核桃{n}")
    category = "hickory"
    unit = "斤"
    price = Decimal("60.00")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"认购协议{n}")
    start = datetime.date(2024, 1, 1)
    end = datetime.date(2099, 12, 31)
    status = "signed"
    signed_on = datetime.date(2024, 1, 1)


class AgreementLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementLine

    product_name = "蔬菜"
    unit = "kg"
    quantity = Decimal("1000.00")
    unit_price = Decimal("8.50")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    agreement = factory.LazyAttribute(lambda o: o.line.agreement)
    date = datetime.date(2024, 3, 1)
    reported_side = "enterprise"
    confirmation = "confirmed"


class PurchaseOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrder

    purpose = "canteen"
    placed_on = datetime.date(2024, 5, 1)


class PurchaseOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrderLine

    product_name = "杨梅"
    unit = "斤"
    quantity = Decimal("10.00")
    unit_price = Decimal("30.00")


class OrderDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderDelivery

    date = datetime.date(2024, 5, 10)
    reported_side = "enterprise"
    confirmation = "confirmed"


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    date = datetime.date(2024, 6, 1)
    reported_side = "enterprise"
    confirmation = "confirmed"


def build_trade(w) -> SimpleNamespace:
    """On the world: project P1 at 望湖村 (v1a) with v1b and v2a taking part; agreement AG1
    (enterprise e1 ↔ v1a, for P1): 100 kg confirmed (850.00), 50 kg awaiting (425.00);
    order O1 (e1 ← v1a) 1,210.00 delivered and paid, confirmed; order O2 (e1 ← v1a) 500.00
    with 200.00 reported, unconfirmed; in county B, order OB (e_b ← vb) paid 999.00."""
    t = SimpleNamespace()
    with acting_as(username="test-setup"):
        t.project = ProjectFactory(
            name="共富菜园", brand="浙西天路·共富菜园", village=w.v1a, alliance=w.a1
        )
        t.pv1 = ProjectVillageFactory(project=t.project, village=w.v1b)
        t.pv2 = ProjectVillageFactory(project=t.project, village=w.v2a)
        t.product = ProductFactory(village=w.v1a, name="杨梅", category="bayberry", price="30.00")
        t.product_b = ProductFactory(village=w.vb, name="富阳大米", category="rice")
        t.agreement = AgreementFactory(enterprise=w.e1, village=w.v1a, project=t.project)
        t.line = AgreementLineFactory(agreement=t.agreement)
        t.d1 = DeliveryFactory(line=t.line, quantity=Decimal("100.00"))
        t.d2 = DeliveryFactory(
            line=t.line, quantity=Decimal("50.00"), date=datetime.date(2024, 4, 1),
            confirmation="reported",
        )  # fmt: skip
        t.o1 = PurchaseOrderFactory(enterprise=w.e1, village=w.v1a)
        PurchaseOrderLineFactory(order=t.o1, product=t.product)
        PurchaseOrderLineFactory(
            order=t.o1, product_name="月饼", unit="盒", quantity=20, unit_price="45.50"
        )
        t.od1 = OrderDeliveryFactory(order=t.o1)
        t.pay1 = PaymentFactory(order=t.o1, amount_yuan=Decimal("1210.00"))
        t.o1.status = "paid"
        t.o1.save()
        t.o2 = PurchaseOrderFactory(enterprise=w.e1, village=w.v1a, purpose="festival_gift")
        PurchaseOrderLineFactory(order=t.o2, quantity=50, unit_price="10.00")
        t.pay2 = PaymentFactory(
            order=t.o2, amount_yuan=Decimal("200.00"), date=datetime.date(2024, 7, 1),
            confirmation="reported",
        )  # fmt: skip
        t.agreement_b = AgreementFactory(enterprise=w.e_b, village=w.vb)
        t.line_b = AgreementLineFactory(agreement=t.agreement_b)
        t.ob = PurchaseOrderFactory(enterprise=w.e_b, village=w.vb)
        PurchaseOrderLineFactory(order=t.ob, quantity=1, unit_price="999.00")
        t.pay_b = PaymentFactory(order=t.ob, amount_yuan=Decimal("999.00"))
    return t
