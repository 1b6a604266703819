"""API for 共富购 and subscription agreements: the catalogue, agreements with lines, call-offs
and deliveries, purchase orders with deliveries and payments, and the two-sided
confirm/dispute actions (docs/commerce.md). The CRUD routes come from the resources in
`resources.py`; this module adds the workflow, answered in the same shapes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Router, Schema, Status

from tianmu.commerce.forms import (
    AgreementLineForm,
    CallOffForm,
    DeliveryForm,
    OrderDeliveryForm,
    OrderLineForm,
    PaymentForm,
)
from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    CallOff,
    Delivery,
    OrderDelivery,
    Payment,
    PurchaseOrder,
)
from tianmu.commerce.resources import (
    AGREEMENT_LINE,
    AGREEMENTS,
    CALL_OFF,
    DELIVERIES,
    ORDER_DELIVERIES,
    ORDERS,
    PAYMENTS,
    PRODUCTS,
    LineIn,
    OrderIn,
)
from tianmu.commerce.services import (
    LineInput,
    agreement_close,
    agreement_line_delete,
    agreement_line_save,
    agreement_sign,
    call_off_create,
    delivery_confirm,
    delivery_dispute,
    delivery_report,
    order_delivery_confirm,
    order_delivery_dispute,
    order_delivery_report,
    order_place,
    payment_confirm,
    payment_dispute,
    payment_report,
)
from tianmu.core.api import (
    InvalidInput,
    add_confirmation_routes,
    bind_form,
    ensure_can_create,
    get_editable_or_404,
    get_visible_or_404,
    payload_of,
    user_of,
)
from tianmu.core.resources import add_routes, one_of, read_back
from tianmu.core.scoping import visible_to

router = Router(tags=["commerce"])

for resource in (PRODUCTS, AGREEMENTS, DELIVERIES, ORDERS, ORDER_DELIVERIES, PAYMENTS):
    add_routes(router, resource)

AGREEMENT_DETAIL = AGREEMENTS.detail_shape.schema
DELIVERY, ORDER_DELIVERY, PAYMENT = DELIVERIES.shape, ORDER_DELIVERIES.shape, PAYMENTS.shape


def _text(data: dict) -> dict:
    """Decimals go to the forms as text, so “1.234” fails as “at most 2 decimal places”."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in data.items()}


def _form(form_class, payload: dict, **kwargs):
    form = form_class(data=payload, **kwargs)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form


class SignIn(Schema):
    signed_on: datetime.date


class CloseIn(Schema):
    expired: bool = False


class CallOffIn(Schema):
    line: int | None = None
    date: datetime.date | None = None
    quantity: Decimal | None = None
    note: str | None = None
    override_reason: str | None = None


class DeliveryIn(Schema):
    line: int | None = None
    call_off: int | None = None
    date: datetime.date | None = None
    quantity: Decimal | None = None
    note: str | None = None
    accept_excess: bool = False
    override_reason: str | None = None
    corrects: int | None = None


class OrderDeliveryIn(Schema):
    date: datetime.date | None = None
    note: str | None = None
    corrects: int | None = None


class PaymentIn(Schema):
    date: datetime.date | None = None
    amount_yuan: Decimal | None = None
    note: str | None = None
    corrects: int | None = None


# --- Agreements: lines, signing, closing, call-offs -------------------------------------------


@router.post(
    "/agreements/{int:agreement_id}/lines",
    response={201: AGREEMENT_LINE.schema},
    summary="Add a line to a draft agreement",
)
def agreement_line_create(request, agreement_id: int, payload: LineIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    data = _text(payload_of(payload))
    form = bind_form(AgreementLineForm, data, user=user, agreement=agreement)
    line = agreement_line_save(user=user, line=form.instance)
    return Status(201, one_of(AGREEMENT_LINE, AgreementLine.objects.all(), line.pk))


@router.delete(
    "/agreements/{int:agreement_id}/lines/{int:line_id}",
    response={204: None},
    summary="Remove a line from a draft agreement",
)
def agreement_line_remove(request, agreement_id: int, line_id: int):
    user = user_of(request)
    line = get_editable_or_404(
        user,
        AgreementLine.objects.filter(agreement_id=agreement_id),
        line_id,
    )
    agreement_line_delete(user=user, line=line)
    return Status(204, None)


@router.post(
    "/agreements/{int:agreement_id}/sign",
    response=AGREEMENT_DETAIL,
    summary="Sign a draft agreement",
)
def agreement_sign_view(request, agreement_id: int, payload: SignIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    agreement_sign(user=user, agreement=agreement, signed_on=payload.signed_on)
    return AGREEMENTS.one(user, agreement.pk)


@router.post(
    "/agreements/{int:agreement_id}/close",
    response=AGREEMENT_DETAIL,
    summary="Close a signed agreement (or mark it expired)",
)
def agreement_close_view(request, agreement_id: int, payload: CloseIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    agreement_close(user=user, agreement=agreement, expired=payload.expired)
    return AGREEMENTS.one(user, agreement.pk)


@router.get(
    "/agreements/{int:agreement_id}/call-offs",
    response=list[CALL_OFF.schema],
    summary="List an agreement's call-off orders",
)
def call_off_list(request, agreement_id: int):
    user = user_of(request)
    agreement = get_visible_or_404(user, Agreement, agreement_id)
    return CALL_OFF.rows(visible_to(user, CallOff).filter(agreement=agreement))


@router.post(
    "/agreements/{int:agreement_id}/call-offs",
    response={201: CALL_OFF.schema},
    summary="Record a call-off order against an agreement",
)
def call_off_add(request, agreement_id: int, payload: CallOffIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    form = _form(CallOffForm, _text(payload_of(payload)), agreement=agreement)
    call_off = call_off_create(user=user, agreement=agreement, **form.cleaned_data)
    return Status(201, one_of(CALL_OFF, CallOff.objects.all(), call_off.pk))


# --- Agreement deliveries ---------------------------------------------------------------------


@router.get(
    "/agreements/{int:agreement_id}/deliveries",
    response=list[DELIVERY.schema],
    summary="List an agreement's deliveries",
)
def agreement_delivery_list(request, agreement_id: int):
    user = user_of(request)
    agreement = get_visible_or_404(user, Agreement, agreement_id)
    return DELIVERY.rows(DELIVERIES.queryset(user).filter(agreement=agreement))


@router.post(
    "/agreements/{int:agreement_id}/deliveries",
    response={201: DELIVERY.schema},
    summary="Report a delivery against an agreement (the other side confirms it)",
)
def delivery_add(request, agreement_id: int, payload: DeliveryIn):
    user = user_of(request)
    agreement = get_editable_or_404(user, Agreement, agreement_id)
    data = _text(payload_of(payload))
    cd = _form(DeliveryForm, data, agreement=agreement).cleaned_data
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
    return Status(201, DELIVERIES.one(user, delivery.pk))


add_confirmation_routes(
    router,
    path="/deliveries",
    model=Delivery,
    response=DELIVERY.schema,
    label="a delivery",
    confirm=lambda user, obj: delivery_confirm(user=user, delivery=obj),
    dispute=lambda user, obj, reason: delivery_dispute(user=user, delivery=obj, reason=reason),
    reload=read_back(DELIVERY, DELIVERIES.queryset),
)


# --- Purchase orders: placing, deliveries, payments -------------------------------------------


@router.post(
    "/orders", response={201: ORDERS.shape.schema}, summary="Place a purchase order with lines"
)
def order_create(request, payload: OrderIn):
    user = user_of(request)
    ensure_can_create(user, PurchaseOrder)
    data = ORDERS.payload(request, payload)
    raw_lines = data.pop("lines", None) or []
    form = bind_form(ORDERS.form, data, user=user)
    lines, errors = [], {}
    for i, raw in enumerate(raw_lines, start=1):
        line_form = OrderLineForm(data=_text(raw), user=user)
        if not line_form.is_valid():
            for field, messages in line_form.errors.items():
                errors[f"lines[{i}].{field}"] = [str(m) for m in messages]
            continue
        lines.append(LineInput(**line_form.cleaned_data))
    if errors:
        raise InvalidInput(errors)
    order = order_place(user=user, order=form.instance, lines=lines)
    return Status(201, ORDERS.one(user, order.pk))


@router.get(
    "/orders/{int:order_id}/deliveries",
    response=list[ORDER_DELIVERY.schema],
    summary="List an order's deliveries",
)
def order_delivery_of(request, order_id: int):
    user = user_of(request)
    order = get_visible_or_404(user, PurchaseOrder, order_id)
    return ORDER_DELIVERY.rows(ORDER_DELIVERIES.queryset(user).filter(order=order))


@router.post(
    "/orders/{int:order_id}/deliveries",
    response={201: ORDER_DELIVERY.schema},
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
    return Status(201, one_of(ORDER_DELIVERY, OrderDelivery.objects.all(), delivery.pk))


add_confirmation_routes(
    router,
    path="/order-deliveries",
    model=OrderDelivery,
    response=ORDER_DELIVERY.schema,
    label="an order delivery",
    confirm=lambda user, obj: order_delivery_confirm(user=user, delivery=obj),
    dispute=lambda user, obj, reason: order_delivery_dispute(
        user=user, delivery=obj, reason=reason
    ),
    reload=read_back(ORDER_DELIVERY),
)


@router.get(
    "/orders/{int:order_id}/payments",
    response=list[PAYMENT.schema],
    summary="List an order's payments",
)
def order_payment_list(request, order_id: int):
    user = user_of(request)
    order = get_visible_or_404(user, PurchaseOrder, order_id)
    return PAYMENT.rows(PAYMENTS.queryset(user).filter(order=order))


@router.post(
    "/orders/{int:order_id}/payments",
    response={201: PAYMENT.schema},
    summary="Report a payment for an order (the other side confirms it)",
)
def payment_add(request, order_id: int, payload: PaymentIn):
    user = user_of(request)
    order = get_editable_or_404(user, PurchaseOrder, order_id)
    data = _text(payload_of(payload))
    corrects = data.pop("corrects", None)
    form = _form(PaymentForm, data)
    payment = payment_report(user=user, order=order, corrects=corrects, **form.cleaned_data)
    return Status(201, one_of(PAYMENT, Payment.objects.all(), payment.pk))


add_confirmation_routes(
    router,
    path="/payments",
    model=Payment,
    response=PAYMENT.schema,
    label="a payment",
    confirm=lambda user, obj: payment_confirm(user=user, payment=obj),
    dispute=lambda user, obj, reason: payment_dispute(user=user, payment=obj, reason=reason),
    reload=read_back(PAYMENT),
)
