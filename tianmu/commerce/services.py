"""Writes for the catalogue, agreements and 共富购 orders.

Every write runs in one transaction, checks the user's scope (`object_save`, 404 outside it),
validates with `full_clean()`, refuses dates in a locked month, and is change-logged.
Deliveries and payments are reported by one side and confirmed by the other through the
shared mechanism in `tianmu.core.workflow`; a confirmed record is corrected by a new record
linked through `corrects`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tianmu.accounts.choices import Role
from tianmu.commerce.choices import AgreementStatus, OrderStatus
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
from tianmu.core.money import to_money
from tianmu.core.scoping import scope_for
from tianmu.core.services import NotFound, ensure_editable, object_delete, object_save, service
from tianmu.core.workflow import (
    ConfirmationStatus,
    confirmed_q,
    ensure_period_open,
    ensure_record_writable,
    record_confirm,
    record_dispute,
)

# --- catalogue ------------------------------------------------------------------------------


@service
def product_save(*, user, product: Product) -> Product:
    return object_save(user=user, instance=product)


@service
def product_delete(*, user, product: Product) -> None:
    object_delete(user=user, instance=product)


# --- agreements -----------------------------------------------------------------------------


def _lock_agreement(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update().select_related("village__area").get(pk=agreement.pk)
    )


@service
def agreement_save(*, user, agreement: Agreement) -> Agreement:
    """Create or edit an agreement. Only a draft can be edited; signing, closing and the
    lines go through their own functions."""
    if agreement.pk:
        stored = _lock_agreement(agreement)
        ensure_editable(user, stored)
        if stored.status != AgreementStatus.DRAFT:
            raise ValidationError(
                _("A “%(status)s” agreement cannot be edited.")
                % {"status": stored.get_status_display()}
            )
        agreement.status = stored.status
        agreement.signed_on = stored.signed_on
    else:
        agreement.status = AgreementStatus.DRAFT
        agreement.signed_on = None
    if agreement.project_id and not agreement.village_id:
        agreement.village_id = agreement.project.village_id
    return object_save(user=user, instance=agreement)


def _ensure_draft(agreement: Agreement) -> None:
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError(
            _("The lines of a “%(status)s” agreement cannot be changed.")
            % {"status": agreement.get_status_display()}
        )


@service
def agreement_line_save(*, user, line: AgreementLine) -> AgreementLine:
    agreement = _lock_agreement(line.agreement)
    ensure_editable(user, agreement)
    _ensure_draft(agreement)
    if line.product_id and not line.product_name:
        line.product_name = line.product.name
        line.unit = line.unit or line.product.unit
    return object_save(user=user, instance=line)


@service
def agreement_line_delete(*, user, line: AgreementLine) -> None:
    agreement = _lock_agreement(line.agreement)
    ensure_editable(user, agreement)
    _ensure_draft(agreement)
    object_delete(user=user, instance=line)


@service
def agreement_sign(*, user, agreement: Agreement, signed_on: datetime.date) -> Agreement:
    """draft → signed, on `signed_on`; an agreement needs at least one line to be signed."""
    agreement = _lock_agreement(agreement)
    ensure_editable(user, agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be signed; this agreement is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )
    if not agreement.lines.exists():
        raise ValidationError(_("Add at least one line before signing."))
    ensure_period_open(date=signed_on, area=agreement.village.area)
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_on = signed_on
    agreement.full_clean()
    agreement.save(update_fields=["status", "signed_on", "last_updated"])
    return agreement


@service
def agreement_close(*, user, agreement: Agreement, expired: bool = False) -> Agreement:
    """signed → closed (ended by the parties) or → expired (its term ran out)."""
    agreement = _lock_agreement(agreement)
    ensure_editable(user, agreement)
    if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.EXPIRED):
        raise ValidationError(
            _("Only a signed agreement can be closed; this one is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )
    agreement.status = AgreementStatus.EXPIRED if expired else AgreementStatus.CLOSED
    agreement.save(update_fields=["status", "last_updated"])
    return agreement


def _is_admin(user) -> bool:
    scope = scope_for(user)
    return scope.is_all or scope.role == Role.ADMIN


def _ensure_open_for(
    *, user, agreement: Agreement, date: datetime.date, override_reason: str = ""
) -> None:
    """A delivery or call-off needs a signed agreement within its term. After expiry only a
    programme admin may record one, and only with a reason."""
    if agreement.status == AgreementStatus.DRAFT:
        raise ValidationError(
            _("This agreement is still a draft; deliveries are recorded only once it is signed.")
        )
    if agreement.status == AgreementStatus.CLOSED:
        raise ValidationError(_("This agreement is closed; nothing more can be recorded."))
    if date < agreement.start:
        raise ValidationError(
            {
                "date": _("The agreement starts on %(start)s; this date is before it.")
                % {"start": agreement.start}
            }
        )
    expired = agreement.status == AgreementStatus.EXPIRED or date > agreement.end
    if expired:
        if not _is_admin(user):
            raise ValidationError(
                _(
                    "The agreement expired on %(end)s; only a programme admin can record "
                    "anything after that, with a reason."
                )
                % {"end": agreement.end}
            )
        if not (override_reason or "").strip():
            raise ValidationError(
                {
                    "override_reason": _(
                        "The agreement expired on %(end)s; give a reason to record this anyway."
                    )
                    % {"end": agreement.end}
                }
            )


def _line_of(agreement: Agreement, line: AgreementLine | int) -> AgreementLine:
    line_id = line if isinstance(line, int) else line.pk
    found = agreement.lines.filter(pk=line_id).first()
    if found is None:
        raise ValidationError({"line": _("Choose a line of this agreement.")})
    return found


@service
def call_off_create(
    *,
    user,
    agreement: Agreement,
    line: AgreementLine | int,
    date: datetime.date,
    quantity: Decimal,
    note: str = "",
    override_reason: str = "",
) -> CallOff:
    """An enterprise calls off part of a line. Call-offs are bounded by the line's agreed
    quantity as deliveries are: past it (or past the term) only a programme admin may record
    one, with a reason, which is kept on the call-off. The agreement row is locked first, so
    two concurrent call-offs cannot both fit under the bound."""
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        ensure_editable(user, agreement)
        line = _line_of(agreement, line)
        call_off = CallOff(
            agreement=agreement,
            line=line,
            date=date,
            quantity=quantity,
            note=note,
            override_reason=override_reason,
        )
        call_off.full_clean()
        _ensure_open_for(user=user, agreement=agreement, date=date, override_reason=override_reason)
        ensure_period_open(date=date, area=agreement.village.area)
        ordered = to_money(line.call_offs.aggregate(s=Sum("quantity"))["s"])
        after = ordered + to_money(call_off.quantity)
        if after > line.quantity:
            params = {
                "product": line.product_name,
                "after": after,
                "agreed": line.quantity,
                "unit": line.unit,
            }
            if not _is_admin(user):
                raise ValidationError(
                    {
                        "quantity": ValidationError(
                            _(
                                "This call-off brings %(product)s to %(after)s %(unit)s called "
                                "off, over the agreed %(agreed)s %(unit)s; only a programme "
                                "admin can record it, with a reason."
                            )
                            % params,
                            code="exceeds_agreed",
                        )
                    }
                )
            if not override_reason:
                raise ValidationError(
                    {
                        "override_reason": _(
                            "This call-off brings %(product)s to %(after)s %(unit)s called off, "
                            "over the agreed %(agreed)s %(unit)s; give a reason to record it "
                            "anyway."
                        )
                        % params
                    }
                )
        return object_save(user=user, instance=call_off)


@dataclass
class ExcessWarning:
    """What a delivery would bring a line to, beyond its agreed quantity."""

    agreed: Decimal
    delivered: Decimal
    after: Decimal


def delivery_excess(
    *, line: AgreementLine, quantity: Decimal, replacing: Delivery | None = None
) -> ExcessWarning | None:
    """Whether delivering `quantity` more would pass the line's agreed quantity.

    Counts what is delivered and not disputed (confirmed and awaiting confirmation alike:
    the warning is about goods on their way, not about figures).
    """
    live = line.deliveries.exclude(confirmation=ConfirmationStatus.DISPUTED).exclude(
        corrections__confirmation=ConfirmationStatus.CONFIRMED
    )
    if replacing is not None:
        live = live.exclude(pk=replacing.pk)
    delivered = to_money(live.aggregate(s=Sum("quantity"))["s"])
    after = delivered + to_money(quantity)
    if after > line.quantity:
        return ExcessWarning(agreed=line.quantity, delivered=delivered, after=after)
    return None


def _reporting_side(user, obj) -> str:
    side = obj.reporting_side_of(user)
    if side is None:
        raise NotFound()
    return side


def _correction_target(model, corrects, **parent) -> object | None:
    if corrects is None:
        return None
    corrects_id = corrects if isinstance(corrects, int) else corrects.pk
    target = model.objects.filter(pk=corrects_id, **parent).first()
    if target is None:
        raise ValidationError({"corrects": _("The record to correct does not belong here.")})
    if target.confirmation != ConfirmationStatus.CONFIRMED:
        raise ValidationError(
            {"corrects": _("Only a confirmed record is corrected; edit or dispute this one.")}
        )
    return target


@service
def delivery_report(
    *,
    user,
    agreement: Agreement,
    line: AgreementLine | int,
    date: datetime.date,
    quantity: Decimal,
    call_off: CallOff | int | None = None,
    accept_excess: bool = False,
    override_reason: str = "",
    corrects: Delivery | int | None = None,
    note: str = "",
) -> Delivery:
    """One side reports a delivery against an agreement line; the other side confirms it.

    Refused against a draft, closed or expired agreement (an admin may override expiry with
    a reason); a delivery that takes the line past its agreed quantity needs `accept_excess`.
    """
    agreement = _lock_agreement(agreement)
    ensure_editable(user, agreement)
    line = _line_of(agreement, line)
    delivery = Delivery(
        agreement=agreement,
        line=line,
        date=date,
        quantity=quantity,
        note=note,
        override_reason=(override_reason or "").strip(),
    )
    if call_off is not None:
        call_off_id = call_off if isinstance(call_off, int) else call_off.pk
        delivery.call_off = line.call_offs.filter(pk=call_off_id).first()
        if delivery.call_off is None:
            raise ValidationError({"call_off": _("Choose a call-off order of this line.")})
    delivery.corrects = _correction_target(Delivery, corrects, agreement=agreement)
    delivery.reported_side = _reporting_side(user, delivery)
    delivery.reported_by = user
    delivery.full_clean(exclude=["reported_by"])
    _ensure_open_for(user=user, agreement=agreement, date=date, override_reason=override_reason)
    ensure_period_open(date=date, area=agreement.village.area)
    excess = delivery_excess(line=line, quantity=delivery.quantity, replacing=delivery.corrects)
    if excess is not None and not accept_excess:
        raise ValidationError(
            {
                "quantity": ValidationError(
                    _(
                        "This delivery brings %(product)s to %(after)s %(unit)s, over the "
                        "agreed %(agreed)s %(unit)s; confirm that you mean it to record it."
                    )
                    % {
                        "product": line.product_name,
                        "after": excess.after,
                        "agreed": excess.agreed,
                        "unit": line.unit,
                    },
                    code="exceeds_agreed",
                )
            }
        )
    return object_save(user=user, instance=delivery, exclude=["reported_by"])


@service
def delivery_confirm(*, user, delivery: Delivery) -> Delivery:
    return record_confirm(user=user, obj=delivery)


@service
def delivery_dispute(*, user, delivery: Delivery, reason: str) -> Delivery:
    return record_dispute(user=user, obj=delivery, reason=reason)


# --- purchase orders ------------------------------------------------------------------------


@dataclass
class LineInput:
    """One line as a form or the API gives it: a catalogue product or a free product name."""

    quantity: Decimal
    product: Product | None = None
    product_name: str = ""
    unit: str = ""
    unit_price: Decimal | None = None


@service
def order_place(*, user, order: PurchaseOrder, lines: list[LineInput]) -> PurchaseOrder:
    """Place a purchase order with its lines (at least one), all or nothing."""
    if not lines:
        raise ValidationError(_("An order needs at least one line."))
    order.status = OrderStatus.PLACED
    if order.agreement_id and not order.village_id:
        order.village_id = order.agreement.village_id
    order.full_clean()
    ensure_period_open(date=order.placed_on, area=order.village.area)
    order = object_save(user=user, instance=order)
    errors = {}
    for i, data in enumerate(lines, start=1):
        line = PurchaseOrderLine(
            order=order,
            product=data.product,
            product_name=data.product_name or (data.product.name if data.product else ""),
            unit=data.unit or (data.product.unit if data.product else ""),
            quantity=data.quantity,
            unit_price=(
                data.unit_price
                if data.unit_price is not None
                else (data.product.price if data.product else None)
            ),
        )
        try:
            line.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    key = f"lines[{i}].{field}" if field != "__all__" else f"lines[{i}]"
                    errors.setdefault(key, []).append(message)
            continue
        line.save()
    if errors:
        raise ValidationError(errors)
    return order


def _lock_order(order: PurchaseOrder) -> PurchaseOrder:
    return (
        PurchaseOrder.objects.select_for_update().select_related("village__area").get(pk=order.pk)
    )


def order_total(order: PurchaseOrder) -> Decimal:
    return to_money(order.lines.aggregate(s=Sum("amount_yuan"))["s"])


@service
def order_delivery_report(
    *,
    user,
    order: PurchaseOrder,
    date: datetime.date,
    note: str = "",
    corrects: OrderDelivery | int | None = None,
) -> OrderDelivery:
    """One side reports that the whole order was delivered; the other confirms it."""
    order = _lock_order(order)
    ensure_editable(user, order)
    delivery = OrderDelivery(order=order, date=date, note=note)
    delivery.corrects = _correction_target(OrderDelivery, corrects, order=order)
    if delivery.corrects is None:
        live = order.deliveries.exclude(confirmation=ConfirmationStatus.DISPUTED)
        if live.exists():
            raise ValidationError(
                _("The delivery of this order is already recorded; correct it instead.")
            )
    if date < order.placed_on:
        raise ValidationError({"date": _("The delivery cannot be before the order.")})
    delivery.reported_side = _reporting_side(user, delivery)
    delivery.reported_by = user
    delivery.full_clean(exclude=["reported_by"])
    ensure_period_open(date=date, area=order.village.area)
    return object_save(user=user, instance=delivery, exclude=["reported_by"])


@service
def payment_report(
    *,
    user,
    order: PurchaseOrder,
    date: datetime.date,
    amount_yuan: Decimal,
    note: str = "",
    corrects: Payment | int | None = None,
) -> Payment:
    """One side reports a payment; it counts as village income once the other confirms it.

    Payments not disputed may not add up to more than the order's total.
    """
    order = _lock_order(order)
    ensure_editable(user, order)
    payment = Payment(order=order, date=date, amount_yuan=amount_yuan, note=note)
    payment.corrects = _correction_target(Payment, corrects, order=order)
    payment.reported_side = _reporting_side(user, payment)
    payment.reported_by = user
    payment.full_clean(exclude=["reported_by"])
    live = order.payments.exclude(confirmation=ConfirmationStatus.DISPUTED).exclude(
        corrections__confirmation=ConfirmationStatus.CONFIRMED
    )
    if payment.corrects is not None:
        live = live.exclude(pk=payment.corrects.pk)
    paid = to_money(live.aggregate(s=Sum("amount_yuan"))["s"])
    total = order_total(order)
    if paid + payment.amount_yuan > total:
        raise ValidationError(
            {
                "amount_yuan": _(
                    "Payments would come to %(paid)s yuan, more than the order's %(total)s yuan."
                )
                % {"paid": paid + payment.amount_yuan, "total": total}
            }
        )
    ensure_period_open(date=date, area=order.village.area)
    return object_save(user=user, instance=payment, exclude=["reported_by"])


@service
def order_refresh_status(*, user, order: PurchaseOrder) -> PurchaseOrder:
    """placed → delivered → paid, from the confirmed records (never set by hand); `user` is
    whose confirmation moved it."""
    paid = to_money(order.payments.filter(confirmed_q()).aggregate(s=Sum("amount_yuan"))["s"])
    total = order_total(order)
    if total > 0 and paid >= total:
        status = OrderStatus.PAID
    elif order.deliveries.filter(confirmed_q()).exists():
        status = OrderStatus.DELIVERED
    else:
        status = OrderStatus.PLACED
    if status != order.status:
        order.status = status
        order.save(update_fields=["status", "last_updated"])
    return order


@service
def order_delivery_confirm(*, user, delivery: OrderDelivery) -> OrderDelivery:
    delivery = record_confirm(user=user, obj=delivery)
    order_refresh_status(user=user, order=delivery.order)
    return delivery


@service
def order_delivery_dispute(*, user, delivery: OrderDelivery, reason: str) -> OrderDelivery:
    return record_dispute(user=user, obj=delivery, reason=reason)


@service
def payment_confirm(*, user, payment: Payment) -> Payment:
    payment = record_confirm(user=user, obj=payment)
    order_refresh_status(user=user, order=payment.order)
    return payment


@service
def payment_dispute(*, user, payment: Payment, reason: str) -> Payment:
    return record_dispute(user=user, obj=payment, reason=reason)


@service
def order_update(*, user, order: PurchaseOrder) -> PurchaseOrder:
    """Edit an order's note, purpose or links while nothing about it is confirmed."""
    stored = _lock_order(order)
    ensure_editable(user, stored)
    ensure_record_writable(stored)
    if (
        stored.deliveries.filter(confirmation=ConfirmationStatus.CONFIRMED).exists()
        or stored.payments.filter(confirmation=ConfirmationStatus.CONFIRMED).exists()
    ):
        raise ValidationError(_("This order has confirmed records and is locked."))
    order.status = stored.status
    ensure_record_writable(order)
    return object_save(user=user, instance=order)
