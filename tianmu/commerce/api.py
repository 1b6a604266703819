"""API for 共富购 and subscription agreements: the catalogue, agreements with lines, call-offs
and deliveries, purchase orders with deliveries and payments, and the two-sided
confirm/dispute actions (docs/commerce.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema, Status

from tianmu.alliances.api import VillageRef
from tianmu.commerce.filtersets import (
    AgreementFilterSet,
    DeliveryFilterSet,
    OrderDeliveryFilterSet,
    PaymentFilterSet,
    ProductFilterSet,
    PurchaseOrderFilterSet,
)
from tianmu.commerce.forms import (
    AgreementForm,
    AgreementLineForm,
    CallOffForm,
    DeliveryForm,
    OrderDeliveryForm,
    OrderLineForm,
    PaymentForm,
    ProductForm,
    PurchaseOrderForm,
)
from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    CallOff,
    Delivery,
    OrderDelivery,
    Payment,
    Product,
    PurchaseOrder,
)
from tianmu.commerce.selectors import agreement_progress, orders_annotated, visible_agreements
from tianmu.commerce.services import (
    LineInput,
    agreement_close,
    agreement_line_delete,
    agreement_line_save,
    agreement_save,
    agreement_sign,
    call_off_create,
    delivery_confirm,
    delivery_dispute,
    delivery_report,
    order_delivery_confirm,
    order_delivery_dispute,
    order_delivery_report,
    order_place,
    order_update,
    payment_confirm,
    payment_dispute,
    payment_report,
    product_delete,
    product_save,
)
from tianmu.core.api import (
    InvalidInput,
    Money,
    Page,
    PageParams,
    add_confirmation_routes,
    bind_form,
    ensure_can_create,
    filter_parameters,
    filtered,
    get_editable_or_404,
    get_visible_or_404,
    money,
    paginate,
    payload_of,
    user_of,
)
from tianmu.core.scoping import visible_to
from tianmu.registry.api import OrganizationRef

router = Router(tags=["commerce"])


def _strs(data: dict, *names: str) -> dict:
    """Decimals go to the forms as text, so “1.234” fails as “at most 2 decimal places”."""
    for name in names:
        if data.get(name) is not None:
            data[name] = str(data[name])
    return data


def _form(form_class, payload: dict, **kwargs):
    form = form_class(data=payload, **kwargs)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form


# --- Schemas ----------------------------------------------------------------------------------


class ProductOut(Schema):
    id: int
    village: VillageRef
    name: str
    category: str
    unit: str
    price: Money
    season: str
    photo: str | None
    description: str
    available: bool

    @staticmethod
    def resolve_photo(obj) -> str | None:
        return obj.photo.url if obj.photo else None


class ProductIn(Schema):
    village: int | None = None
    name: str | None = None
    category: str | None = None
    unit: str | None = None
    price: Decimal | None = None
    season: str | None = None
    description: str | None = None
    available: bool | None = None


class ConfirmableOut(Schema):
    reported_side: str
    confirmation: str
    confirmed_at: datetime.datetime | None
    dispute_reason: str
    corrects: int | None = Field(alias="corrects_id")


class LineOut(Schema):
    id: int
    product: int | None = Field(alias="product_id")
    product_name: str
    unit: str
    quantity: Money
    unit_price: Money
    amount_yuan: Money


class LineIn(Schema):
    product: int | None = None
    product_name: str | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


class LineProgressOut(Schema):
    line: LineOut
    agreed: Money
    ordered: Money
    delivered: Money
    delivered_reported: Money
    remaining: Money
    value_yuan: Money
    value_reported_yuan: Money


class AgreementOut(Schema):
    id: int
    title: str
    enterprise: OrganizationRef
    village: VillageRef
    project: int | None = Field(alias="project_id")
    start: datetime.date
    end: datetime.date
    status: str
    signed_on: datetime.date | None
    note: str
    value_yuan: Money
    value_reported_yuan: Money

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.effective_status


class AgreementDetailOut(AgreementOut):
    lines: list[LineProgressOut]
    agreed_value_yuan: str

    @staticmethod
    def resolve_lines(obj):
        return obj.progress.lines

    @staticmethod
    def resolve_agreed_value_yuan(obj) -> str:
        return money(obj.progress.agreed_value_yuan)


class AgreementIn(Schema):
    title: str | None = None
    enterprise: int | None = None
    village: int | None = None
    project: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    note: str | None = None


class SignIn(Schema):
    signed_on: datetime.date


class CloseIn(Schema):
    expired: bool = False


class CallOffOut(Schema):
    id: int
    line: int = Field(alias="line_id")
    date: datetime.date
    quantity: Money
    note: str
    override_reason: str


class CallOffIn(Schema):
    line: int | None = None
    date: datetime.date | None = None
    quantity: Decimal | None = None
    note: str | None = None
    override_reason: str | None = None


class DeliveryOut(ConfirmableOut):
    id: int
    agreement: int = Field(alias="agreement_id")
    line: int = Field(alias="line_id")
    product_name: str
    unit: str
    call_off: int | None = Field(alias="call_off_id")
    date: datetime.date
    quantity: Money
    amount_yuan: Money
    override_reason: str
    note: str

    @staticmethod
    def resolve_product_name(obj) -> str:
        return obj.line.product_name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.line.unit


class DeliveryIn(Schema):
    line: int | None = None
    call_off: int | None = None
    date: datetime.date | None = None
    quantity: Decimal | None = None
    note: str | None = None
    accept_excess: bool = False
    override_reason: str | None = None
    corrects: int | None = None


class OrderOut(Schema):
    id: int
    enterprise: OrganizationRef
    village: VillageRef
    agreement: int | None = Field(alias="agreement_id")
    project: int | None = Field(alias="project_id")
    purpose: str
    placed_on: datetime.date
    status: str
    note: str
    total_yuan: Money
    paid_yuan: Money
    paid_reported_yuan: Money
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())  # prefetched


class OrderIn(Schema):
    enterprise: int | None = None
    village: int | None = None
    agreement: int | None = None
    project: int | None = None
    purpose: str | None = None
    placed_on: datetime.date | None = None
    note: str | None = None
    lines: list[LineIn] | None = None


class OrderDeliveryOut(ConfirmableOut):
    id: int
    order: int = Field(alias="order_id")
    date: datetime.date
    note: str


class OrderDeliveryIn(Schema):
    date: datetime.date | None = None
    note: str | None = None
    corrects: int | None = None


class PaymentOut(ConfirmableOut):
    id: int
    order: int = Field(alias="order_id")
    date: datetime.date
    amount_yuan: Money
    note: str


class PaymentIn(Schema):
    date: datetime.date | None = None
    amount_yuan: Decimal | None = None
    note: str | None = None
    corrects: int | None = None


# --- Products ---------------------------------------------------------------------------------


def _products(user):
    return visible_to(user, Product).select_related("village__area")


@router.get(
    "/products",
    response=Page[ProductOut],
    openapi_extra=filter_parameters(ProductFilterSet),
    summary="List village products (the 共富购 catalogue)",
)
def product_list(request, page: Query[PageParams]):
    return paginate(filtered(request, ProductFilterSet, _products(user_of(request))), page)


@router.get("/products/{int:product_id}", response=ProductOut, summary="Get a product")
def product_detail(request, product_id: int):
    return get_visible_or_404(user_of(request), _products(user_of(request)), product_id)


@router.post("/products", response={201: ProductOut}, summary="Add a product to a catalogue")
def product_create(request, payload: ProductIn):
    user = user_of(request)
    ensure_can_create(user, Product)
    form = bind_form(ProductForm, _strs(payload_of(payload), "price"), user=user)
    product = product_save(user=user, product=form.instance)
    return Status(201, _products(user).get(pk=product.pk))


@router.patch("/products/{int:product_id}", response=ProductOut, summary="Change a product")
def product_update(request, product_id: int, payload: ProductIn):
    user = user_of(request)
    product = get_editable_or_404(user, Product, product_id)
    data = _strs(payload_of(payload), "price")
    form = bind_form(ProductForm, data, user=user, instance=product, partial=True)
    product_save(user=user, product=form.instance)
    return _products(user).get(pk=product.pk)


@router.delete("/products/{int:product_id}", response={204: None}, summary="Delete a product")
def product_remove(request, product_id: int):
    user = user_of(request)
    product_delete(user=user, product=get_editable_or_404(user, Product, product_id))
    return Status(204, None)


# --- Agreements -------------------------------------------------------------------------------


def _agreement_detail(user, pk: int) -> Agreement:
    agreement = get_visible_or_404(user, visible_agreements(user=user), pk)
    agreement.progress = agreement_progress(agreement=agreement)
    return agreement


@router.get(
    "/agreements",
    response=Page[AgreementOut],
    openapi_extra=filter_parameters(AgreementFilterSet),
    summary="List subscription agreements with their value to date",
)
def agreement_list(request, page: Query[PageParams]):
    user = user_of(request)
    return paginate(filtered(request, AgreementFilterSet, visible_agreements(user=user)), page)


@router.get(
    "/agreements/{int:agreement_id}",
    response=AgreementDetailOut,
    summary="Get an agreement: per line agreed, ordered, delivered, remaining and value",
)
def agreement_detail(request, agreement_id: int):
    return _agreement_detail(user_of(request), agreement_id)


@router.post("/agreements", response={201: AgreementDetailOut}, summary="Draft an agreement")
def agreement_create(request, payload: AgreementIn):
    user = user_of(request)
    ensure_can_create(user, Agreement)
    form = bind_form(AgreementForm, payload_of(payload), user=user)
    agreement = agreement_save(user=user, agreement=form.instance)
    return Status(201, _agreement_detail(user, agreement.pk))


@router.patch(
    "/agreements/{int:agreement_id}",
    response=AgreementDetailOut,
    summary="Change a draft agreement",
)
def agreement_update(request, agreement_id: int, payload: AgreementIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    form = bind_form(
        AgreementForm, payload_of(payload), user=user, instance=agreement, partial=True
    )
    agreement_save(user=user, agreement=form.instance)
    return _agreement_detail(user, agreement.pk)


@router.post(
    "/agreements/{int:agreement_id}/lines",
    response={201: LineOut},
    summary="Add a line to a draft agreement",
)
def agreement_line_create(request, agreement_id: int, payload: LineIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    data = _strs(payload_of(payload), "quantity", "unit_price")
    form = bind_form(AgreementLineForm, data, user=user, agreement=agreement)
    return Status(201, agreement_line_save(user=user, line=form.instance))


@router.delete(
    "/agreements/{int:agreement_id}/lines/{int:line_id}",
    response={204: None},
    summary="Remove a line from a draft agreement",
)
def agreement_line_remove(request, agreement_id: int, line_id: int):
    user = user_of(request)
    line = get_editable_or_404(
        user, AgreementLine.objects.filter(agreement_id=agreement_id), line_id
    )
    agreement_line_delete(user=user, line=line)
    return Status(204, None)


@router.post(
    "/agreements/{int:agreement_id}/sign",
    response=AgreementDetailOut,
    summary="Sign a draft agreement",
)
def agreement_sign_view(request, agreement_id: int, payload: SignIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    agreement_sign(user=user, agreement=agreement, signed_on=payload.signed_on)
    return _agreement_detail(user, agreement.pk)


@router.post(
    "/agreements/{int:agreement_id}/close",
    response=AgreementDetailOut,
    summary="Close a signed agreement (or mark it expired)",
)
def agreement_close_view(request, agreement_id: int, payload: CloseIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    agreement_close(user=user, agreement=agreement, expired=payload.expired)
    return _agreement_detail(user, agreement.pk)


@router.get(
    "/agreements/{int:agreement_id}/call-offs",
    response=list[CallOffOut],
    summary="List an agreement's call-off orders",
)
def call_off_list(request, agreement_id: int):
    user = user_of(request)
    agreement = get_visible_or_404(user, Agreement, agreement_id)
    return list(visible_to(user, CallOff).filter(agreement=agreement))


@router.post(
    "/agreements/{int:agreement_id}/call-offs",
    response={201: CallOffOut},
    summary="Record a call-off order against an agreement",
)
def call_off_add(request, agreement_id: int, payload: CallOffIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    data = _strs(payload_of(payload), "quantity")
    form = _form(CallOffForm, data, agreement=agreement)
    return Status(201, call_off_create(user=user, agreement=agreement, **form.cleaned_data))


# --- Agreement deliveries ---------------------------------------------------------------------


def _deliveries(user):
    return visible_to(user, Delivery).select_related("line")


@router.get(
    "/deliveries",
    response=Page[DeliveryOut],
    openapi_extra=filter_parameters(DeliveryFilterSet),
    summary="List agreement deliveries (confirmed and awaiting confirmation)",
)
def delivery_list(request, page: Query[PageParams]):
    return paginate(filtered(request, DeliveryFilterSet, _deliveries(user_of(request))), page)


@router.get(
    "/agreements/{int:agreement_id}/deliveries",
    response=list[DeliveryOut],
    summary="List an agreement's deliveries",
)
def agreement_delivery_list(request, agreement_id: int):
    user = user_of(request)
    agreement = get_visible_or_404(user, Agreement, agreement_id)
    return list(_deliveries(user).filter(agreement=agreement))


@router.post(
    "/agreements/{int:agreement_id}/deliveries",
    response={201: DeliveryOut},
    summary="Report a delivery against an agreement (the other side confirms it)",
)
def delivery_add(request, agreement_id: int, payload: DeliveryIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    data = _strs(payload_of(payload), "quantity")
    form = _form(DeliveryForm, data, agreement=agreement)
    cd = form.cleaned_data
    delivery = delivery_report(
        user=user,
        agreement=agreement,
        line=cd["line"],
        date=cd["date"],
        quantity=cd["quantity"],
        note=cd["note"],
        accept_excess=cd["accept_excess"],
        override_reason=cd["override_reason"],
        call_off=data.get("call_off"),
        corrects=data.get("corrects"),
    )
    return Status(201, _deliveries(user).get(pk=delivery.pk))


@router.get("/deliveries/{int:delivery_id}", response=DeliveryOut, summary="Get a delivery")
def delivery_detail(request, delivery_id: int):
    return get_visible_or_404(user_of(request), _deliveries(user_of(request)), delivery_id)


add_confirmation_routes(
    router,
    path="/deliveries",
    model=Delivery,
    response=DeliveryOut,
    label="a delivery",
    confirm=lambda user, obj: delivery_confirm(user=user, delivery=obj),
    dispute=lambda user, obj, reason: delivery_dispute(user=user, delivery=obj, reason=reason),
    reload=_deliveries,
)


# --- Purchase orders --------------------------------------------------------------------------


def _orders(user):
    return orders_annotated(visible_to(user, PurchaseOrder)).prefetch_related(Prefetch("lines"))


@router.get(
    "/orders",
    response=Page[OrderOut],
    openapi_extra=filter_parameters(PurchaseOrderFilterSet),
    summary="List 共富购 purchase orders",
)
def order_list(request, page: Query[PageParams]):
    return paginate(filtered(request, PurchaseOrderFilterSet, _orders(user_of(request))), page)


@router.get("/orders/{int:order_id}", response=OrderOut, summary="Get a purchase order")
def order_detail(request, order_id: int):
    return get_visible_or_404(user_of(request), _orders(user_of(request)), order_id)


@router.post("/orders", response={201: OrderOut}, summary="Place a purchase order with lines")
def order_create(request, payload: OrderIn):
    user = user_of(request)
    ensure_can_create(user, PurchaseOrder)
    data = payload_of(payload)
    raw_lines = data.pop("lines", None) or []
    form = bind_form(PurchaseOrderForm, data, user=user)
    lines, errors = [], {}
    for i, raw in enumerate(raw_lines, start=1):
        line_form = OrderLineForm(data=_strs(raw, "quantity", "unit_price"), user=user)
        if not line_form.is_valid():
            for field, messages in line_form.errors.items():
                errors[f"lines[{i}].{field}"] = [str(m) for m in messages]
            continue
        lines.append(LineInput(**line_form.cleaned_data))
    if errors:
        raise InvalidInput(errors)
    order = order_place(user=user, order=form.instance, lines=lines)
    return Status(201, _orders(user).get(pk=order.pk))


@router.patch("/orders/{int:order_id}", response=OrderOut, summary="Change an order")
def order_change(request, order_id: int, payload: OrderIn):
    user = user_of(request)
    order = get_editable_or_404(user, PurchaseOrder, order_id)
    data = payload_of(payload)
    data.pop("lines", None)
    form = bind_form(PurchaseOrderForm, data, user=user, instance=order, partial=True)
    order_update(user=user, order=form.instance)
    return _orders(user).get(pk=order.pk)


def _order_deliveries(user):
    return visible_to(user, OrderDelivery)


@router.get(
    "/order-deliveries",
    response=Page[OrderDeliveryOut],
    openapi_extra=filter_parameters(OrderDeliveryFilterSet),
    summary="List purchase-order deliveries",
)
def order_delivery_list(request, page: Query[PageParams]):
    qs = filtered(request, OrderDeliveryFilterSet, _order_deliveries(user_of(request)))
    return paginate(qs, page)


@router.get(
    "/orders/{int:order_id}/deliveries",
    response=list[OrderDeliveryOut],
    summary="List an order's deliveries",
)
def order_delivery_of(request, order_id: int):
    user = user_of(request)
    order = get_visible_or_404(user, PurchaseOrder, order_id)
    return list(_order_deliveries(user).filter(order=order))


@router.post(
    "/orders/{int:order_id}/deliveries",
    response={201: OrderDeliveryOut},
    summary="Report that an order was delivered (the other side confirms it)",
)
def order_delivery_add(request, order_id: int, payload: OrderDeliveryIn):
    user = user_of(request)
    order = get_editable_or_404(user, PurchaseOrder, order_id)
    data = payload_of(payload)
    form = _form(OrderDeliveryForm, data)
    delivery = order_delivery_report(
        user=user, order=order, corrects=data.get("corrects"), **form.cleaned_data
    )
    return Status(201, delivery)


add_confirmation_routes(
    router,
    path="/order-deliveries",
    model=OrderDelivery,
    response=OrderDeliveryOut,
    label="an order delivery",
    confirm=lambda user, obj: order_delivery_confirm(user=user, delivery=obj),
    dispute=lambda user, obj, reason: order_delivery_dispute(
        user=user, delivery=obj, reason=reason
    ),
)


# --- Payments ---------------------------------------------------------------------------------


@router.get(
    "/payments",
    response=Page[PaymentOut],
    openapi_extra=filter_parameters(PaymentFilterSet),
    summary="List 共富购 payments (counted=true: what purchase_income_yuan sums)",
)
def payment_list(request, page: Query[PageParams]):
    qs = filtered(request, PaymentFilterSet, visible_to(user_of(request), Payment))
    return paginate(qs, page)


@router.get(
    "/orders/{int:order_id}/payments",
    response=list[PaymentOut],
    summary="List an order's payments",
)
def order_payment_list(request, order_id: int):
    user = user_of(request)
    order = get_visible_or_404(user, PurchaseOrder, order_id)
    return list(visible_to(user, Payment).filter(order=order))


@router.post(
    "/orders/{int:order_id}/payments",
    response={201: PaymentOut},
    summary="Report a payment for an order (the other side confirms it)",
)
def payment_add(request, order_id: int, payload: PaymentIn):
    user = user_of(request)
    order = get_editable_or_404(user, PurchaseOrder, order_id)
    data = _strs(payload_of(payload), "amount_yuan")
    corrects = data.pop("corrects", None)
    form = _form(PaymentForm, data)
    payment = payment_report(user=user, order=order, corrects=corrects, **form.cleaned_data)
    return Status(201, payment)


add_confirmation_routes(
    router,
    path="/payments",
    model=Payment,
    response=PaymentOut,
    label="a payment",
    confirm=lambda user, obj: payment_confirm(user=user, payment=obj),
    dispute=lambda user, obj, reason: payment_dispute(user=user, payment=obj, reason=reason),
)
