"""API for loans (共富贷): products, credit lines, loans and their lifecycle (docs/loans.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from tianmu.core.api import (
    InvalidInput,
    Money,
    Page,
    PageParams,
    Ref,
    VillageRef,
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
from tianmu.loans import services
from tianmu.loans.filtersets import CreditLineFilterSet, LoanFilterSet, LoanProductFilterSet
from tianmu.loans.forms import (
    CreditLineForm,
    DecisionForm,
    DisbursementForm,
    LoanForm,
    LoanProductForm,
    RepaymentForm,
)
from tianmu.loans.models import CreditLine, Loan, LoanProduct
from tianmu.loans.selectors import loan_position, positions

router = Router(tags=["loans"])


# --- Schemas ----------------------------------------------------------------------------------


class LoanProductOut(Schema):
    # Not "ProductOut": OpenAPI names components after the class, and commerce's catalogue
    # product has that name; two classes of one name showed /products with this schema.
    id: int
    bank: Ref
    name: str
    annual_rate: str
    term_months: int
    repayment_method: str
    max_amount_yuan: Money | None
    is_active: bool

    @staticmethod
    def resolve_annual_rate(obj) -> str:
        return str(obj.annual_rate)


class ProductIn(Schema):
    bank: int | None = None
    name: str | None = None
    annual_rate: Decimal | None = None
    term_months: int | None = None
    repayment_method: str | None = None
    max_amount_yuan: Decimal | None = None
    is_active: bool | None = None


class CreditLineOut(Schema):
    id: int
    product: Ref
    village: VillageRef
    limit_yuan: Money
    start: datetime.date
    end: datetime.date | None


class CreditLineIn(Schema):
    product: int | None = None
    village: int | None = None
    limit_yuan: Decimal | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


class LoanOut(Schema):
    id: int
    village: VillageRef
    product: Ref
    bank: Ref
    credit_line: int | None = Field(alias="credit_line_id")
    project: int | None = Field(alias="project_id")
    purpose: str
    amount_requested_yuan: Money
    amount_approved_yuan: Money | None
    annual_rate: str
    term_months: int
    repayment_method: str
    status: str
    applied_on: datetime.date
    decided_on: datetime.date | None
    closed_on: datetime.date | None
    disbursed_yuan: str
    outstanding_principal_yuan: str
    arrears_yuan: str
    days_past_due: int

    @staticmethod
    def resolve_bank(obj):
        return obj.product.bank

    @staticmethod
    def resolve_annual_rate(obj) -> str:
        return str(obj.annual_rate)

    @staticmethod
    def resolve_disbursed_yuan(obj) -> str:
        return money(obj.api_position.principal_total)

    @staticmethod
    def resolve_outstanding_principal_yuan(obj) -> str:
        return money(obj.api_position.outstanding_principal)

    @staticmethod
    def resolve_arrears_yuan(obj) -> str:
        return money(obj.api_position.arrears)

    @staticmethod
    def resolve_days_past_due(obj) -> int:
        return obj.api_position.days_past_due


class TrancheOut(Schema):
    id: int
    date: datetime.date
    amount_yuan: Money


class InstalmentOut(Schema):
    tranche: int = Field(alias="disbursement_id")
    number: int
    due_date: datetime.date
    principal_yuan: Money
    interest_yuan: Money


class RepaymentOut(Schema):
    id: int
    date: datetime.date
    amount_yuan: Money
    is_prepayment: bool
    note: str


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    changed_by: str
    changed_at: datetime.datetime
    date: datetime.date
    reason: str

    @staticmethod
    def resolve_changed_by(obj) -> str:
        return obj.changed_by_name


class LoanDetailOut(LoanOut):
    tranches: list[TrancheOut]
    schedule: list[InstalmentOut]
    repayments: list[RepaymentOut]
    status_history: list[StatusChangeOut]

    @staticmethod
    def resolve_tranches(obj):
        return list(obj.disbursements.order_by("date", "id"))

    @staticmethod
    def resolve_schedule(obj):
        return list(obj.instalments.order_by("due_date", "disbursement_id", "number"))

    @staticmethod
    def resolve_repayments(obj):
        return list(obj.repayments.order_by("date", "id"))

    @staticmethod
    def resolve_status_history(obj):
        return list(obj.status_changes.order_by("changed_at", "id"))


class LoanIn(Schema):
    village: int | None = None
    product: int | None = None
    credit_line: int | None = None
    project: int | None = None
    purpose: str | None = None
    amount_requested_yuan: Decimal | None = None
    applied_on: datetime.date | None = None


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


def _strings(data: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


def _plain_form(form_class, payload: Schema) -> dict:
    data = _strings(payload_of(payload))
    data.setdefault("date", timezone.localdate())
    form: forms.Form = form_class(data=data)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data


# --- Products and credit lines ----------------------------------------------------------------


def _products(user):
    return visible_to(user, LoanProduct).select_related("bank")


@router.get(
    "/loan-products",
    response=Page[LoanProductOut],
    openapi_extra=filter_parameters(LoanProductFilterSet),
    summary="List loan products",
)
def product_list(request, page: Query[PageParams]):
    return paginate(filtered(request, LoanProductFilterSet, _products(user_of(request))), page)


@router.get("/loan-products/{int:pk}", response=LoanProductOut, summary="Get a loan product")
def product_detail(request, pk: int):
    return get_visible_or_404(user_of(request), _products(user_of(request)), pk)


@router.post("/loan-products", response={201: LoanProductOut}, summary="Create a loan product")
def product_create(request, payload: ProductIn):
    user = user_of(request)
    ensure_can_create(user, LoanProduct)
    form = bind_form(LoanProductForm, _strings(payload_of(payload)), user=user)
    product = services.product_save(user=user, product=form.instance)
    return Status(201, _products(user).get(pk=product.pk))


@router.patch("/loan-products/{int:pk}", response=LoanProductOut, summary="Change a loan product")
def product_update(request, pk: int, payload: ProductIn):
    user = user_of(request)
    product = get_editable_or_404(user, LoanProduct, pk)
    form = bind_form(
        LoanProductForm, _strings(payload_of(payload)), user=user, instance=product, partial=True
    )
    services.product_save(user=user, product=form.instance)
    return _products(user).get(pk=pk)


def _credit_lines(user):
    return visible_to(user, CreditLine).select_related("product", "village__area")


@router.get(
    "/credit-lines",
    response=Page[CreditLineOut],
    openapi_extra=filter_parameters(CreditLineFilterSet),
    summary="List credit lines",
)
def credit_line_list(request, page: Query[PageParams]):
    qs = filtered(request, CreditLineFilterSet, _credit_lines(user_of(request)))
    return paginate(qs, page)


@router.post("/credit-lines", response={201: CreditLineOut}, summary="Open a credit line")
def credit_line_create(request, payload: CreditLineIn):
    user = user_of(request)
    ensure_can_create(user, CreditLine)
    form = bind_form(CreditLineForm, _strings(payload_of(payload)), user=user)
    line = services.credit_line_save(user=user, credit_line=form.instance)
    return Status(201, _credit_lines(user).get(pk=line.pk))


# --- Loans ------------------------------------------------------------------------------------


def _loans(user):
    return visible_to(user, Loan).select_related("product__bank", "village__area")


def _with_positions(loans: list[Loan]) -> list[Loan]:
    today = timezone.localdate()
    pos = positions(Loan.objects.filter(pk__in=[loan.pk for loan in loans]), today)
    for loan in loans:
        loan.api_position = pos[loan.pk]
    return loans


def _loan_detail(user, pk: int) -> Loan:
    loan = get_visible_or_404(user, _loans(user), pk)
    loan.api_position = loan_position(loan=loan, on=timezone.localdate())
    return loan


@router.get(
    "/loans",
    response=Page[LoanOut],
    openapi_extra=filter_parameters(LoanFilterSet),
    summary="List loans (共富贷) with balances as of today",
)
def loan_list(request, page: Query[PageParams]):
    result = paginate(filtered(request, LoanFilterSet, _loans(user_of(request))), page)
    result["items"] = _with_positions(result["items"])
    return result


@router.get(
    "/loans/{int:pk}",
    response=LoanDetailOut,
    summary="Get a loan with its tranches, schedule, repayments and status history",
)
def loan_detail(request, pk: int):
    return _loan_detail(user_of(request), pk)


@router.post("/loans", response={201: LoanDetailOut}, summary="Apply for a loan")
def loan_create(request, payload: LoanIn):
    user = user_of(request)
    ensure_can_create(user, Loan)
    form = bind_form(LoanForm, _strings(payload_of(payload)), user=user)
    loan = services.loan_apply(user=user, loan=form.instance)
    return Status(201, _loan_detail(user, loan.pk))


@router.patch("/loans/{int:pk}", response=LoanDetailOut, summary="Change an application")
def loan_update(request, pk: int, payload: LoanIn):
    user = user_of(request)
    loan = get_editable_or_404(user, Loan, pk)
    form = bind_form(
        LoanForm, _strings(payload_of(payload)), user=user, instance=loan, partial=True
    )
    services.loan_update(user=user, loan=form.instance)
    return _loan_detail(user, pk)


def _act(request, pk: int, action, form_class, payload, **extra_names):
    user = user_of(request)
    loan = get_editable_or_404(user, Loan, pk)
    data = _plain_form(form_class, payload)
    kwargs = {name: data.get(source) for name, source in extra_names.items()}
    action(user=user, loan=loan, date=data["date"], **kwargs)
    return _loan_detail(user, pk)


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
    return _loan_detail(user, pk)


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
    return _loan_detail(user, pk)


@router.post("/loans/{int:pk}/close", response=LoanDetailOut, summary="Close (the bank)")
def loan_close(request, pk: int, payload: DecisionIn):
    return _act(request, pk, services.loan_close, DecisionForm, payload, reason="reason")


@router.post("/loans/{int:pk}/write-off", response=LoanDetailOut, summary="Write off (the bank)")
def loan_write_off(request, pk: int, payload: DecisionIn):
    return _act(request, pk, services.loan_write_off, DecisionForm, payload, reason="reason")
