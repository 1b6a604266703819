"""The commerce app's resources: the catalogue, agreements (with their lines' progress),
agreement deliveries, purchase orders (with lines), order deliveries and payments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Schema

from tianmu.commerce.filtersets import (
    AgreementFilterSet,
    DeliveryFilterSet,
    OrderDeliveryFilterSet,
    PaymentFilterSet,
    ProductFilterSet,
    PurchaseOrderFilterSet,
)
from tianmu.commerce.forms import AgreementForm, ProductForm, PurchaseOrderForm
from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    CallOff,
    Delivery,
    OrderDelivery,
    Payment,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
)
from tianmu.commerce.selectors import agreements_annotated, agreements_progress, orders_annotated
from tianmu.commerce.services import agreement_save, order_update, product_delete, product_save
from tianmu.commerce.tables import (
    AgreementTable,
    DeliveryTable,
    PaymentTable,
    ProductTable,
    PurchaseOrderTable,
)
from tianmu.core.api import Money, money
from tianmu.core.money import line_amount
from tianmu.core.resources import Batch, Calc, Many, Nest, Resource, Shape, Val, village_ref
from tianmu.registry.resources import ORGANIZATION_REF

#: What every two-sided record shows of its confirmation (tianmu.core.workflow.Confirmable).
CONFIRMABLE = {
    "reported_side": None,
    "confirmation": None,
    "confirmed_at": None,
    "dispute_reason": None,
    "corrects": Val("corrects_id"),
}

# --- Products ---------------------------------------------------------------------------------


def _photo_url(row) -> str | None:
    return Product._meta.get_field("photo").storage.url(row["photo"]) if row["photo"] else None


class ProductIn(Schema):
    village: int | None = None
    name: str | None = None
    category: str | None = None
    unit: str | None = None
    price: Decimal | None = None
    season: str | None = None
    description: str | None = None
    available: bool | None = None


PRODUCTS = Resource(
    model=Product,
    path="products",
    pk_name="product_id",
    shape=Shape(
        "ProductOut",
        Product,
        {
            "id": None,
            "village": village_ref(Product, "village"),
            "name": None,
            "category": None,
            "unit": None,
            "price": None,
            "season": None,
            "photo": Calc(_photo_url, needs=("photo",), type=str | None),
            "description": None,
            "available": None,
        },
    ),
    filterset=ProductFilterSet,
    form=ProductForm,
    input_schema=ProductIn,
    table=ProductTable,
    natural_key=("village__area__code", "name"),
    base_queryset=lambda user: Product.objects.select_related("village__area"),
    save=lambda user, form: product_save(user=user, product=form.instance),
    delete=lambda user, obj: product_delete(user=user, product=obj),
    labels={
        "list": "List village products (the 共富购 catalogue)",
        "detail": "Get a product",
        "create": "Add a product to a catalogue",
        "update": "Change a product",
        "delete": "Delete a product",
    },
    page_prefix="products",
)


# --- Agreements -------------------------------------------------------------------------------


def _line_amount(row) -> str:
    return money(line_amount(row["quantity"], row["unit_price"]))


AGREEMENT_LINE = Shape(
    "LineOut",
    AgreementLine,
    {
        "id": None,
        "product": Val("product_id"),
        "product_name": None,
        "unit": None,
        "quantity": None,
        "unit_price": None,
        "amount_yuan": Calc(_line_amount, needs=("quantity", "unit_price"), type=Money),
    },
)
#: Order lines store their amount; both kinds of line document one `LineOut`.
ORDER_LINE = Shape(
    "LineOut",
    PurchaseOrderLine,
    {"amount_yuan": None},
    extends=AGREEMENT_LINE,
    schema=AGREEMENT_LINE.schema,
)
LineOut = AGREEMENT_LINE.schema


class LineProgressOut(Schema):
    line: LineOut
    agreed: Money
    ordered: Money
    delivered: Money
    delivered_reported: Money
    remaining: Money
    value_yuan: Money
    value_reported_yuan: Money


def _progress(pks, user) -> dict:
    """Each agreement's lines with what was agreed, ordered, delivered and is left (the
    selector's figures), and its agreed value."""
    lines = AGREEMENT_LINE.rows(AgreementLine.objects.filter(agreement_id__in=pks))
    line_of = {row["id"]: row for row in lines}
    figures = [name for name in LineProgressOut.model_fields if name != "line"]
    return {
        pk: {
            "lines": [
                {"line": line_of[lp.line.pk], **{n: money(getattr(lp, n)) for n in figures}}
                for lp in progress.lines
            ],
            "agreed_value_yuan": money(progress.agreed_value_yuan),
        }
        for pk, progress in agreements_progress(agreement_ids=pks).items()
    }


def _effective_status(row) -> str:
    # The model's rule: a signed agreement past its end reads as expired.
    return Agreement(status=row["status"], end=row["end"]).effective_status


AGREEMENT = Shape(
    "AgreementOut",
    Agreement,
    {
        "id": None,
        "title": None,
        "enterprise": Nest(ORGANIZATION_REF, "enterprise"),
        "village": village_ref(Agreement, "village"),
        "project": Val("project_id"),
        "start": None,
        "end": None,
        "status": Calc(_effective_status, needs=("status", "end"), type=str),
        "signed_on": None,
        "note": None,
        "value_yuan": Val(type=Money),
        "value_reported_yuan": Val(type=Money),
    },
)


class AgreementIn(Schema):
    title: str | None = None
    enterprise: int | None = None
    village: int | None = None
    project: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    note: str | None = None


AGREEMENTS = Resource(
    model=Agreement,
    path="agreements",
    pk_name="agreement_id",
    shape=AGREEMENT,
    detail_shape=Shape(
        "AgreementDetailOut",
        Agreement,
        {
            "lines": Batch(_progress, list[LineProgressOut], pick="lines"),
            "agreed_value_yuan": Batch(_progress, str, pick="agreed_value_yuan"),
        },
        extends=AGREEMENT,
    ),
    filterset=AgreementFilterSet,
    form=AgreementForm,
    input_schema=AgreementIn,
    table=AgreementTable,
    natural_key=("title", "enterprise__credit_code", "village__area__code"),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: agreements_annotated(Agreement.objects.all()),
    save=lambda user, form: agreement_save(user=user, agreement=form.instance),
    labels={
        "list": "List subscription agreements with their value to date",
        "detail": "Get an agreement: per line agreed, ordered, delivered, remaining and value",
        "create": "Draft an agreement",
        "update": "Change a draft agreement",
    },
    page_prefix="agreements",
)

CALL_OFF = Shape(
    "CallOffOut",
    CallOff,
    {
        "id": None,
        "line": Val("line_id"),
        "date": None,
        "quantity": None,
        "note": None,
        "override_reason": None,
    },
)


# --- Agreement deliveries ---------------------------------------------------------------------

DELIVERIES = Resource(
    model=Delivery,
    path="deliveries",
    pk_name="delivery_id",
    shape=Shape(
        "DeliveryOut",
        Delivery,
        {
            **CONFIRMABLE,
            "id": None,
            "agreement": Val("agreement_id"),
            "line": Val("line_id"),
            "product_name": Val("line__product_name"),
            "unit": Val("line__unit"),
            "call_off": Val("call_off_id"),
            "date": None,
            "quantity": None,
            "amount_yuan": None,
            "override_reason": None,
            "note": None,
        },
    ),
    filterset=DeliveryFilterSet,
    table=DeliveryTable,
    natural_key=("agreement__title", "line__product_name", "date"),
    operations=("list", "detail"),
    base_queryset=lambda user: Delivery.objects.select_related("agreement", "line"),
    labels={
        "list": "List agreement deliveries (confirmed and awaiting confirmation)",
        "detail": "Get a delivery",
    },
    page_prefix="deliveries",
)


# --- Purchase orders --------------------------------------------------------------------------


class LineIn(Schema):
    product: int | None = None
    product_name: str | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


class OrderIn(Schema):
    enterprise: int | None = None
    village: int | None = None
    agreement: int | None = None
    project: int | None = None
    purpose: str | None = None
    placed_on: datetime.date | None = None
    note: str | None = None
    lines: list[LineIn] | None = None


ORDERS = Resource(
    model=PurchaseOrder,
    path="orders",
    pk_name="order_id",
    shape=Shape(
        "OrderOut",
        PurchaseOrder,
        {
            "id": None,
            "enterprise": Nest(ORGANIZATION_REF, "enterprise"),
            "village": village_ref(PurchaseOrder, "village"),
            "agreement": Val("agreement_id"),
            "project": Val("project_id"),
            "purpose": None,
            "placed_on": None,
            "status": None,
            "note": None,
            "total_yuan": Val(type=Money),
            "paid_yuan": Val(type=Money),
            "paid_reported_yuan": Val(type=Money),
            "lines": Many("lines", ORDER_LINE, order_by=("id",)),
        },
    ),
    filterset=PurchaseOrderFilterSet,
    form=PurchaseOrderForm,
    input_schema=OrderIn,
    table=PurchaseOrderTable,
    natural_key=("pk",),
    # An order is placed with its lines (api.order_create, views.OrderPlaceView).
    operations=("list", "detail", "update"),
    base_queryset=lambda user: orders_annotated(PurchaseOrder.objects.all()),
    save=lambda user, form: order_update(user=user, order=form.instance),
    labels={
        "list": "List 共富购 purchase orders",
        "detail": "Get a purchase order",
        "update": "Change an order",
    },
    page_prefix="orders",
)

ORDER_DELIVERIES = Resource(
    model=OrderDelivery,
    path="order-deliveries",
    shape=Shape(
        "OrderDeliveryOut",
        OrderDelivery,
        {**CONFIRMABLE, "id": None, "order": Val("order_id"), "date": None, "note": None},
    ),
    filterset=OrderDeliveryFilterSet,
    natural_key=("order", "date"),
    operations=("list",),
    labels={"list": "List purchase-order deliveries"},
)

PAYMENTS = Resource(
    model=Payment,
    path="payments",
    shape=Shape(
        "PaymentOut",
        Payment,
        {
            **CONFIRMABLE,
            "id": None,
            "order": Val("order_id"),
            "date": None,
            "amount_yuan": None,
            "note": None,
        },
    ),
    filterset=PaymentFilterSet,
    table=PaymentTable,
    natural_key=("order", "date", "amount_yuan"),
    operations=("list",),
    base_queryset=lambda user: Payment.objects.select_related(
        "order__enterprise", "order__village__area"
    ),
    labels={"list": "List 共富购 payments (counted=true: what purchase_income_yuan sums)"},
    page_prefix="payments",
)
