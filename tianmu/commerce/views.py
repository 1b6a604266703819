"""Pages of the catalogue, agreements and 共富购 orders.

The agreement and order pages are where the two sides work: one reports a delivery or a
payment, the other confirms or disputes it (buttons shown to the side that may). Errors from
the services (draft or expired agreement, excess, locked month …) come back as messages and
nothing is written.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from tianmu.commerce import services
from tianmu.commerce.forms import (
    AgreementLineForm,
    CallOffForm,
    DeliveryForm,
    DisputeForm,
    OrderDeliveryForm,
    OrderLineForm,
    PaymentForm,
    PurchaseOrderForm,
)
from tianmu.commerce.models import Agreement, Delivery, OrderDelivery, Payment, PurchaseOrder
from tianmu.commerce.resources import PAYMENTS
from tianmu.commerce.selectors import agreement_progress
from tianmu.core.htmx import errors_to_messages, form_errors_to_messages, redirect_to
from tianmu.core.scoping import can_create, editable_by, visible_to
from tianmu.core.services import NotFound
from tianmu.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    add_scope_errors,
    add_service_errors,
    can_edit_object,
)
from tianmu.core.workflow import ConfirmationStatus, confirmed_q

# --- Products ---------------------------------------------------------------------------------


class ProductDetailView(ObjectDetailView):
    detail_fields = ("village", "name", "category", "unit", "price", "season", "description",
                     "available")  # fmt: skip


class ProductEditView(ObjectEditView):
    """The product form takes the photo upload too."""

    def form_kwargs(self, obj) -> dict:
        return {**super().form_kwargs(obj), "files": self.request.FILES or None}


# --- Agreements -------------------------------------------------------------------------------


def _sides(user, records):
    """Mark each record with whether `user` may confirm or dispute it."""
    for r in records:
        side = r.side_of(user)
        r.can_confirm = (
            side is not None
            and side != r.reported_side
            and r.confirmation != ConfirmationStatus.CONFIRMED
        )
    return records


class AgreementDetailView(ObjectDetailView):
    detail_fields = ("enterprise", "village", "project", "start", "end", "signed_on", "note")

    def extra_context(self, obj):
        user = self.request.user
        can_edit = can_edit_object(user, obj)
        deliveries = list(
            visible_to(user, Delivery)
            .filter(agreement=obj)
            .select_related("line", "agreement__village__area")
        )
        progress = agreement_progress(agreement=obj)
        draft = obj.status == "draft"
        return {
            "progress": progress,
            "deliveries": _sides(user, deliveries),
            "call_offs": obj.call_offs.select_related("line"),
            "line_form": AgreementLineForm(user=user, agreement=obj)
            if can_edit and draft
            else None,
            "delivery_form": DeliveryForm(agreement=obj) if can_edit and not draft else None,
            "call_off_form": CallOffForm(agreement=obj) if can_edit and not draft else None,
            "can_sign": can_edit and draft,
            "today": timezone.localdate(),
        }


class AgreementHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        from tianmu.commerce.models import AgreementLine, CallOff

        return [
            (AgreementLine, obj.lines.all()),
            (CallOff, obj.call_offs.all()),
            (Delivery, obj.deliveries.all()),
        ]


class AgreementActionView(LoginRequiredMixin, View):
    """Forms posted from the agreement page: add a line, sign, call off, report a delivery."""

    def post(self, request, pk, action):
        agreement = get_object_or_404(editable_by(request.user, Agreement), pk=pk)
        user = request.user
        try:
            if action == "line":
                form = AgreementLineForm(request.POST, user=user, agreement=agreement)
                if form.is_valid():
                    services.agreement_line_save(user=user, line=form.instance)
            elif action == "sign":
                form = forms.Form(request.POST)
                form.is_valid()
                services.agreement_sign(
                    user=user, agreement=agreement, signed_on=timezone.localdate()
                )
            elif action == "calloff":
                form = CallOffForm(request.POST, agreement=agreement)
                if form.is_valid():
                    services.call_off_create(user=user, agreement=agreement, **form.cleaned_data)
            elif action == "delivery":
                form = DeliveryForm(request.POST, agreement=agreement)
                if form.is_valid():
                    cd = form.cleaned_data
                    services.delivery_report(
                        user=user, agreement=agreement, line=cd["line"], date=cd["date"],
                        quantity=cd["quantity"], note=cd["note"],
                        accept_excess=cd["accept_excess"], override_reason=cd["override_reason"],
                    )  # fmt: skip
            else:
                raise Http404
            if form.is_valid():
                messages.success(request, _("Saved."))
            else:
                form_errors_to_messages(request, form)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        except NotFound as exc:
            raise Http404 from exc
        return redirect_to(request, reverse("commerce:agreement_detail", args=[pk]))


# --- Confirm / dispute (any two-sided record) -------------------------------------------------

CONFIRMABLE = {
    "delivery": (Delivery, services.delivery_confirm, services.delivery_dispute, "agreement"),
    "orderdelivery": (
        OrderDelivery,
        services.order_delivery_confirm,
        services.order_delivery_dispute,
        "order",
    ),
    "payment": (Payment, services.payment_confirm, services.payment_dispute, "order"),
}


class RecordDecisionView(LoginRequiredMixin, View):
    """The counter-party confirms, or disputes with a reason, a reported record."""

    def post(self, request, kind, pk, decision):
        if kind not in CONFIRMABLE or decision not in ("confirm", "dispute"):
            raise Http404
        model, confirm, dispute, parent = CONFIRMABLE[kind]
        record = get_object_or_404(visible_to(request.user, model), pk=pk)
        try:
            if decision == "confirm":
                confirm(user=request.user, **{_arg(kind): record})
                messages.success(request, _("Confirmed: %(record)s.") % {"record": record})
            else:
                form = DisputeForm(request.POST)
                if form.is_valid():
                    dispute(user=request.user, reason=form.cleaned_data["reason"],
                            **{_arg(kind): record})  # fmt: skip
                    messages.success(
                        request,
                        _("Disputed: %(record)s — %(reason)s")
                        % {"record": record, "reason": form.cleaned_data["reason"]},
                    )
                else:
                    form_errors_to_messages(request, form)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        except NotFound as exc:
            raise Http404 from exc
        target = (
            "commerce:agreement_detail"
            if parent == "agreement"
            else "commerce:purchaseorder_detail"
        )
        return redirect_to(request, reverse(target, args=[getattr(record, f"{parent}_id")]))


def _arg(kind: str) -> str:
    return {"delivery": "delivery", "orderdelivery": "delivery", "payment": "payment"}[kind]


# --- Purchase orders --------------------------------------------------------------------------


class OrderDetailView(ObjectDetailView):
    detail_fields = ("enterprise", "village", "agreement", "project", "purpose", "placed_on",
                     "status", "note")  # fmt: skip

    def extra_context(self, obj):
        user = self.request.user
        can_edit = can_edit_object(user, obj)
        deliveries = list(visible_to(user, OrderDelivery).filter(order=obj))
        payments = list(visible_to(user, Payment).filter(order=obj))
        has_delivery = obj.deliveries.exclude(confirmation=ConfirmationStatus.DISPUTED).exists()
        return {
            "lines": obj.lines.all(),
            "deliveries": _sides(user, deliveries),
            "payments": _sides(user, payments),
            "delivery_form": (
                OrderDeliveryForm(initial={"date": timezone.localdate()})
                if can_edit and not has_delivery
                else None
            ),
            "payment_form": PaymentForm(initial={"date": timezone.localdate()})
            if can_edit and not obj.payments.filter(confirmed_q()).exists()
            else None,
            "edit_url": None,
        }


class OrderLineFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.form_kwargs["user"]}


def _line_formset(user, data=None):
    formset_class = forms.formset_factory(OrderLineForm, extra=3, max_num=20)
    formset = formset_class(data, prefix="lines", form_kwargs={"user": user})
    for form in formset:
        form.empty_permitted = True
        form.use_required_attribute = False
    return formset


class OrderPlaceView(LoginRequiredMixin, View):
    """Place an order: its header and up to 20 lines, all saved together or none."""

    template_name = "commerce/purchaseorder_place.html"

    def get(self, request):
        if not can_create(request.user, PurchaseOrder):
            raise Http404
        initial = {"placed_on": timezone.localdate()}
        initial.update({k: v for k, v in request.GET.items() if k in PurchaseOrderForm.base_fields})
        form = PurchaseOrderForm(user=request.user, initial=initial)
        return self.render(request, form, _line_formset(request.user))

    def post(self, request):
        if not can_create(request.user, PurchaseOrder):
            raise Http404
        form = PurchaseOrderForm(request.POST, user=request.user)
        formset = _line_formset(request.user, request.POST)
        if form.is_valid() and formset.is_valid():
            lines = [
                services.LineInput(**f.cleaned_data)
                for f in formset
                if f.cleaned_data and f.cleaned_data.get("quantity") is not None
            ]
            try:
                order = services.order_place(user=request.user, order=form.instance, lines=lines)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound:
                add_scope_errors(form, request.user)
            else:
                messages.success(request, _("Order placed."))
                return redirect_to(
                    request, reverse("commerce:purchaseorder_detail", args=[order.pk])
                )
        return self.render(request, form, formset)

    def render(self, request, form, formset):
        return render(
            request,
            self.template_name,
            {"form": form, "formset": formset, "list_url": reverse("commerce:purchaseorder_list")},
        )


class OrderActionView(LoginRequiredMixin, View):
    """Report the delivery of an order, or a payment for it."""

    def post(self, request, pk, action):
        order = get_object_or_404(editable_by(request.user, PurchaseOrder), pk=pk)
        try:
            if action == "delivery":
                form = OrderDeliveryForm(request.POST)
                if form.is_valid():
                    services.order_delivery_report(user=request.user, order=order,
                                                   **form.cleaned_data)  # fmt: skip
            elif action == "payment":
                form = PaymentForm(request.POST)
                if form.is_valid():
                    services.payment_report(user=request.user, order=order, **form.cleaned_data)
            else:
                raise Http404
            if form.is_valid():
                messages.success(request, _("Reported; the other side will confirm it."))
            else:
                form_errors_to_messages(request, form)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        except NotFound as exc:
            raise Http404 from exc
        return redirect_to(request, reverse("commerce:purchaseorder_detail", args=[pk]))


class OrderHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        from tianmu.commerce.models import PurchaseOrderLine

        return [
            (PurchaseOrderLine, obj.lines.all()),
            (OrderDelivery, obj.deliveries.all()),
            (Payment, obj.payments.all()),
        ]


# --- Payments (what purchase_income_yuan sums) ------------------------------------------------


class PaymentListView(ObjectListView):
    """All payments; `income/` keeps what `purchase_income_yuan` counts and `awaiting/` what
    `purchase_income_reported_yuan` counts, so each figure links to exactly its records."""

    model = Payment
    resource = PAYMENTS
    only = None

    def base_queryset(self):
        qs = super().base_queryset()
        if self.only == "income":
            return qs.filter(confirmed_q())
        if self.only == "awaiting":
            return qs.filter(confirmation=ConfirmationStatus.REPORTED)
        return qs
