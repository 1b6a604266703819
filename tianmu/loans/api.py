"""API for loans (共富贷): products, credit lines, loans and their lifecycle (docs/loans.md).

The CRUD routes come from the resources in `resources.py`; this module adds the bank's
actions, each answered with the loan as its detail route shows it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from ninja import Router, Schema

from tianmu.core.api import InvalidInput, get_editable_or_404, payload_of, user_of
from tianmu.core.resources import add_routes
from tianmu.loans import services
from tianmu.loans.forms import DecisionForm, DisbursementForm, RepaymentForm
from tianmu.loans.models import Loan
from tianmu.loans.resources import CREDIT_LINES, LOAN_PRODUCTS, LOANS

router = Router(tags=["loans"])

for resource in (LOAN_PRODUCTS, CREDIT_LINES, LOANS):
    add_routes(router, resource)

LoanDetailOut = LOANS.detail_shape.schema


class DecisionIn(Schema):
    date: datetime.date | None = None
    amount_yuan: Decimal | None = None
    reason: str = ""


class DisbursementIn(Schema):
    date: datetime.date | None = None
    amount_yuan: Decimal


class RepaymentIn(Schema):
    date: datetime.date | None = None
    amount_yuan: Decimal
    is_prepayment: bool = False
    note: str = ""


def _plain_form(form_class, payload: Schema) -> dict:
    data = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in payload_of(payload).items()}
    data.setdefault("date", timezone.localdate())
    form: forms.Form = form_class(data=data)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data


def _act(request, pk: int, action, form_class, payload, **extra_names):
    user = user_of(request)
    loan = get_editable_or_404(user, Loan, pk)
    data = _plain_form(form_class, payload)
    kwargs = {name: data.get(source) for name, source in extra_names.items()}
    action(user=user, loan=loan, date=data["date"], **kwargs)
    return LOANS.one(user, pk)


@router.post("/loans/{int:pk}/approve", response=LoanDetailOut, summary="Approve (the bank)")
def loan_approve(request, pk: int, payload: DecisionIn):
    user = user_of(request)
    loan = get_editable_or_404(user, Loan, pk)
    data = _plain_form(DecisionForm, payload)
    if data.get("amount_yuan") is None:
        raise InvalidInput({"amount_yuan": [str(forms.Field.default_error_messages["required"])]})
    services.loan_approve(
        user=user, loan=loan, amount_yuan=data["amount_yuan"], date=data["date"],
        reason=data.get("reason") or "",
    )  # fmt: skip
    return LOANS.one(user, pk)


@router.post("/loans/{int:pk}/reject", response=LoanDetailOut, summary="Reject (the bank)")
def loan_reject(request, pk: int, payload: DecisionIn):
    return _act(request, pk, services.loan_reject, DecisionForm, payload, reason="reason")


@router.post(
    "/loans/{int:pk}/disburse", response=LoanDetailOut, summary="Pay out a tranche (the bank)"
)
def loan_disburse(request, pk: int, payload: DisbursementIn):
    return _act(
        request, pk, services.loan_disburse, DisbursementForm, payload, amount_yuan="amount_yuan"
    )


@router.post(
    "/loans/{int:pk}/repayments", response=LoanDetailOut, summary="Record a repayment (the bank)"
)
def loan_repay(request, pk: int, payload: RepaymentIn):
    user = user_of(request)
    loan = get_editable_or_404(user, Loan, pk)
    data = _plain_form(RepaymentForm, payload)
    services.repayment_record(
        user=user,
        loan=loan,
        amount_yuan=data["amount_yuan"],
        date=data["date"],
        is_prepayment=data["is_prepayment"],
        note=data.get("note") or "",
    )
    return LOANS.one(user, pk)


@router.post("/loans/{int:pk}/close", response=LoanDetailOut, summary="Close (the bank)")
def loan_close(request, pk: int, payload: DecisionIn):
    return _act(request, pk, services.loan_close, DecisionForm, payload, reason="reason")


@router.post("/loans/{int:pk}/write-off", response=LoanDetailOut, summary="Write off (the bank)")
def loan_write_off(request, pk: int, payload: DecisionIn):
    return _act(request, pk, services.loan_write_off, DecisionForm, payload, reason="reason")
