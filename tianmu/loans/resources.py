"""The loans app's resources: loan products, credit lines and loans (共富贷) with their
balances as of today, tranches, schedule, repayments and status history."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Schema

from tianmu.core.api import money
from tianmu.core.periods import query_period
from tianmu.core.resources import Batch, Many, Resource, Shape, Val, ref, village_ref
from tianmu.loans import services
from tianmu.loans.filtersets import CreditLineFilterSet, LoanFilterSet, LoanProductFilterSet
from tianmu.loans.forms import CreditLineForm, LoanForm, LoanProductForm
from tianmu.loans.models import (
    CreditLine,
    Disbursement,
    Instalment,
    Loan,
    LoanProduct,
    LoanStatusChange,
    Repayment,
)
from tianmu.loans.selectors import positions, with_disbursed
from tianmu.loans.tables import CreditLineTable, LoanProductTable, LoanTable

#: A rate is a fraction with six places ("0.036000"), not money.
RATE = Val(type=str, convert=str)

# --- Products and credit lines ----------------------------------------------------------------


class LoanProductIn(Schema):
    bank: int | None = None
    name: str | None = None
    annual_rate: Decimal | None = None
    term_months: int | None = None
    repayment_method: str | None = None
    max_amount_yuan: Decimal | None = None
    is_active: bool | None = None


LOAN_PRODUCTS = Resource(
    model=LoanProduct,
    path="loan-products",
    shape=Shape(
        "LoanProductOut",
        LoanProduct,
        {
            "id": None,
            "bank": ref(LoanProduct, "bank"),
            "name": None,
            "annual_rate": RATE,
            "term_months": None,
            "repayment_method": None,
            "max_amount_yuan": None,
            "is_active": None,
        },
    ),
    filterset=LoanProductFilterSet,
    form=LoanProductForm,
    input_schema=LoanProductIn,
    table=LoanProductTable,
    natural_key=("bank__credit_code", "name"),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: LoanProduct.objects.select_related("bank"),
    save=lambda user, form: services.product_save(user=user, product=form.instance),
    labels={
        "list": "List loan products",
        "detail": "Get a loan product",
        "create": "Create a loan product",
        "update": "Change a loan product",
    },
    page_prefix="products",
)


class CreditLineIn(Schema):
    product: int | None = None
    village: int | None = None
    limit_yuan: Decimal | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


CREDIT_LINES = Resource(
    model=CreditLine,
    path="credit-lines",
    shape=Shape(
        "CreditLineOut",
        CreditLine,
        {
            "id": None,
            "product": ref(CreditLine, "product"),
            "village": village_ref(CreditLine, "village"),
            "limit_yuan": None,
            "start": None,
            "end": None,
        },
    ),
    filterset=CreditLineFilterSet,
    form=CreditLineForm,
    input_schema=CreditLineIn,
    table=CreditLineTable,
    natural_key=("product__name", "village__area__code", "start"),
    operations=("list", "create"),
    base_queryset=lambda user: CreditLine.objects.select_related("product", "village__area"),
    save=lambda user, form: services.credit_line_save(user=user, credit_line=form.instance),
    labels={"list": "List credit lines", "create": "Open a credit line"},
    page_prefix="credit-lines",
)


# --- Loans ------------------------------------------------------------------------------------


def _balances(pks, user) -> dict:
    """Each loan's position today (`tianmu.loans.schedule.position`: repayments allocated to
    the instalments in due order), for the whole page in three queries."""
    return {
        pk: {
            "disbursed_yuan": money(p.principal_total),
            "outstanding_principal_yuan": money(p.outstanding_principal),
            "arrears_yuan": money(p.arrears),
            "days_past_due": p.days_past_due,
        }
        for pk, p in positions(Loan.objects.filter(pk__in=pks), timezone.localdate()).items()
    }


LOAN = Shape(
    "LoanOut",
    Loan,
    {
        "id": None,
        "village": village_ref(Loan, "village"),
        "product": ref(Loan, "product"),
        "bank": ref(Loan, "product__bank"),
        "credit_line": Val("credit_line_id"),
        "project": Val("project_id"),
        "purpose": None,
        "amount_requested_yuan": None,
        "amount_approved_yuan": None,
        "annual_rate": RATE,
        "term_months": None,
        "repayment_method": None,
        "status": None,
        "applied_on": None,
        "decided_on": None,
        "closed_on": None,
        **{
            key: Batch(_balances, str, pick=key)
            for key in ("disbursed_yuan", "outstanding_principal_yuan", "arrears_yuan")
        },
        "days_past_due": Batch(_balances, int, pick="days_past_due"),
    },
)

TRANCHE = Shape("TrancheOut", Disbursement, {"id": None, "date": None, "amount_yuan": None})
INSTALMENT = Shape(
    "InstalmentOut",
    Instalment,
    {
        "tranche": Val("disbursement_id"),
        "number": None,
        "due_date": None,
        "principal_yuan": None,
        "interest_yuan": None,
    },
)
REPAYMENT = Shape(
    "RepaymentOut",
    Repayment,
    {"id": None, "date": None, "amount_yuan": None, "is_prepayment": None, "note": None},
)
STATUS_CHANGE = Shape(
    "StatusChangeOut",
    LoanStatusChange,
    {
        "from_status": None,
        "to_status": None,
        "changed_by": Val("changed_by_name"),
        "changed_at": None,
        "date": None,
        "reason": None,
    },
)


class LoanIn(Schema):
    village: int | None = None
    product: int | None = None
    credit_line: int | None = None
    project: int | None = None
    purpose: str | None = None
    amount_requested_yuan: Decimal | None = None
    applied_on: datetime.date | None = None


def _save(user, form) -> Loan:
    if form.instance.pk is None:
        return services.loan_apply(user=user, loan=form.instance)
    return services.loan_update(user=user, loan=form.instance)


LOANS = Resource(
    model=Loan,
    path="loans",
    shape=LOAN,
    detail_shape=Shape(
        "LoanDetailOut",
        Loan,
        {
            "tranches": Many("disbursements", TRANCHE, order_by=("date", "id")),
            "schedule": Many(
                "instalments", INSTALMENT, order_by=("due_date", "disbursement_id", "number")
            ),
            "repayments": Many("repayments", REPAYMENT, order_by=("date", "id")),
            "status_history": Many("status_changes", STATUS_CHANGE, order_by=("changed_at", "id")),
        },
        extends=LOAN,
    ),
    filterset=LoanFilterSet,
    form=LoanForm,
    input_schema=LoanIn,
    table=LoanTable,
    natural_key=("village__area__code", "applied_on", "purpose"),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: Loan.objects.select_related(
        "product__bank", "village__area", "credit_line", "project"
    ),
    # The disbursed column is the period's, like the figure `loans_disbursed_yuan`.
    annotate=lambda qs, user, params: with_disbursed(
        qs, start=query_period(params)[0], end=query_period(params)[1]
    ),
    save=_save,
    labels={
        "list": "List loans (共富贷) with balances as of today",
        "detail": "Get a loan with its tranches, schedule, repayments and status history",
        "create": "Apply for a loan",
        "update": "Change an application",
    },
)
