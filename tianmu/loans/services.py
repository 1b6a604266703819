"""Writes for loans: apply, approve or reject, disburse tranches (with their schedule), record
repayments, close and write off. Every status change writes a LoanStatusChange (who, when,
why). Each function runs in one transaction and locks the loan row first, so concurrent
tranches or repayments cannot both pass the limit checks; a refused write changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianmu.accounts.choices import Role
from tianmu.core.bulk import bulk_create_logged
from tianmu.core.context import current_actor
from tianmu.core.money import to_money
from tianmu.core.scoping import can_create, scope_for
from tianmu.core.services import NotFound, ensure_editable, object_save, service
from tianmu.core.workflow import ensure_period_open
from tianmu.loans import schedule
from tianmu.loans.choices import ON_BOOK, TRANSITIONS, LoanStatus
from tianmu.loans.models import (
    CreditLine,
    Disbursement,
    Instalment,
    Loan,
    LoanProduct,
    LoanStatusChange,
    Repayment,
)
from tianmu.loans.selectors import loan_position


def _status_label(status: str) -> str:
    return str(LoanStatus(status).label)


def _lock(user, loan: Loan) -> Loan:
    ensure_editable(user, loan)
    return (
        Loan.objects.select_for_update().select_related("product", "village__area").get(pk=loan.pk)
    )


def _ensure_lender(user, loan: Loan) -> None:
    """Approving, disbursing, repayments and write-offs are the lending bank's acts."""
    scope = scope_for(user)
    if scope.is_all:
        return
    if scope.role == Role.BANK and scope.organization.pk == loan.product.bank_id:
        return
    raise ValidationError(_("Only the lending bank can do this."))


def _transition(*, user, loan: Loan, to: str, date: datetime.date, reason: str) -> None:
    """Move the (locked) loan to `to` and record the change; refuse a step out of order."""
    if to not in TRANSITIONS[loan.status]:
        raise ValidationError(
            _("A loan that is “%(from)s” cannot become “%(to)s”.")
            % {"from": _status_label(loan.status), "to": _status_label(to)}
        )
    record_status_change(user=user, loan=loan, from_status=loan.status, to=to, date=date,
                         reason=reason)  # fmt: skip
    loan.status = to
    fields = ["status", "last_updated"]
    if to in (LoanStatus.APPROVED, LoanStatus.REJECTED):
        loan.decided_on = date
        fields.append("decided_on")
    if to in (LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF):
        loan.closed_on = date
        fields.append("closed_on")
    loan.save(update_fields=fields)


@service
def record_status_change(
    *,
    user,
    loan: Loan,
    from_status: str,
    to: str,
    date: datetime.date,
    reason: str,
    at: datetime.datetime | None = None,
) -> LoanStatusChange:
    """One row of the loan's status history; without a user (a script), the current actor."""
    known = getattr(user, "pk", None) is not None
    change = LoanStatusChange(
        loan=loan,
        from_status=from_status,
        to_status=to,
        changed_by=user if known else None,
        changed_by_name=user.get_username() if known else current_actor().username,
        changed_at=at or timezone.now(),
        date=date,
        reason=reason[:300],
    )
    change.full_clean()
    change.save()
    return change


@service
def product_save(*, user, product: LoanProduct) -> LoanProduct:
    return object_save(user=user, instance=product)


@service
def credit_line_save(*, user, credit_line: CreditLine) -> CreditLine:
    ensure_editable(user, credit_line.product)
    return object_save(user=user, instance=credit_line)


@service
def loan_apply(*, user, loan: Loan, reason: str = "") -> Loan:
    """A village collective (or its town or the programme office) applies for a loan."""
    if not can_create(user, Loan):
        raise NotFound()
    product = loan.product
    if not product.is_active:
        raise ValidationError({"product": _("This loan product is no longer offered.")})
    loan.annual_rate = product.annual_rate
    loan.term_months = product.term_months
    loan.repayment_method = product.repayment_method
    loan.status = LoanStatus.APPLIED
    ensure_period_open(date=loan.applied_on, area=loan.workflow_area())
    object_save(user=user, instance=loan)
    record_status_change(user=user, loan=loan, from_status="", to=LoanStatus.APPLIED,
                         date=loan.applied_on,
                         reason=reason or gettext_noop("Application"))  # fmt: skip
    return loan


@service
def loan_update(*, user, loan: Loan) -> Loan:
    """Change an application; once decided, a loan's terms are the bank's record."""
    stored = _lock(user, loan)
    if stored.status != LoanStatus.APPLIED:
        raise ValidationError(
            _("Only an application can be changed; this loan is “%(status)s”.")
            % {"status": stored.get_status_display()}
        )
    return object_save(user=user, instance=loan)


@service
def loan_approve(
    *, user, loan: Loan, amount_yuan: Decimal, date: datetime.date, reason: str = ""
) -> Loan:
    loan = _lock(user, loan)
    _ensure_lender(user, loan)
    amount = to_money(amount_yuan)
    if amount <= 0:
        raise ValidationError({"amount_yuan": _("The approved amount must be positive.")})
    if amount > loan.amount_requested_yuan:
        raise ValidationError(
            {
                "amount_yuan": _(
                    "The approved amount cannot exceed the %(requested)s yuan requested."
                )
                % {"requested": loan.amount_requested_yuan}
            }
        )
    if date < loan.applied_on:
        raise ValidationError({"date": _("A loan cannot be decided before it was applied for.")})
    if loan.credit_line_id:
        line = CreditLine.objects.select_for_update().get(pk=loan.credit_line_id)
        used = (
            Loan.objects.filter(credit_line=line)
            .exclude(pk=loan.pk)
            .exclude(status__in=[LoanStatus.APPLIED, LoanStatus.REJECTED])
            .aggregate(s=Sum("amount_approved_yuan"))["s"]
        ) or Decimal(0)
        if used + amount > line.limit_yuan:
            raise ValidationError(
                {
                    "amount_yuan": _(
                        "The credit line has %(left)s yuan left of its %(limit)s yuan limit."
                    )
                    % {"left": to_money(line.limit_yuan - used), "limit": line.limit_yuan}
                }
            )
    ensure_period_open(date=date, area=loan.village.area)
    loan.amount_approved_yuan = amount
    loan.save(update_fields=["amount_approved_yuan", "last_updated"])
    _transition(user=user, loan=loan, to=LoanStatus.APPROVED, date=date,
                reason=reason or gettext_noop("Approved"))  # fmt: skip
    return loan


@service
def loan_reject(*, user, loan: Loan, date: datetime.date, reason: str) -> Loan:
    reason = (reason or "").strip()
    loan = _lock(user, loan)
    _ensure_lender(user, loan)
    if not reason:
        raise ValidationError({"reason": _("Say why the application is rejected.")})
    _transition(user=user, loan=loan, to=LoanStatus.REJECTED, date=date, reason=reason)
    return loan


@service
def loan_disburse(
    *, user, loan: Loan, amount_yuan: Decimal, date: datetime.date, reason: str = ""
) -> Disbursement:
    """Pay out a tranche and generate its part of the repayment schedule."""
    loan = _lock(user, loan)
    _ensure_lender(user, loan)
    if loan.status not in (LoanStatus.APPROVED, *ON_BOOK):
        raise ValidationError(
            _("A loan that is “%(status)s” cannot be disbursed.")
            % {"status": loan.get_status_display()}
        )
    amount = to_money(amount_yuan)
    if amount <= 0:
        raise ValidationError({"amount_yuan": _("A tranche must be a positive amount.")})
    paid_out = loan.disbursements.aggregate(s=Sum("amount_yuan"))["s"] or Decimal(0)
    if paid_out + amount > loan.amount_approved_yuan:
        raise ValidationError(
            {
                "amount_yuan": _(
                    "This tranche would bring disbursements to %(total)s yuan, beyond the "
                    "%(approved)s yuan approved."
                )
                % {"total": to_money(paid_out + amount), "approved": loan.amount_approved_yuan}
            }
        )
    if loan.decided_on and date < loan.decided_on:
        raise ValidationError({"date": _("A tranche cannot be paid before the approval.")})
    ensure_period_open(date=date, area=loan.village.area)
    tranche = Disbursement(loan=loan, date=date, amount_yuan=amount)
    tranche.full_clean()
    tranche.save()
    rows = schedule.build_schedule(
        principal=amount,
        annual_rate=loan.annual_rate,
        months=loan.term_months,
        method=loan.repayment_method,
        start=date,
    )
    bulk_create_logged(
        Instalment,
        [
            Instalment(
                loan=loan,
                disbursement=tranche,
                number=row.number,
                due_date=row.due_date,
                principal_yuan=row.principal,
                interest_yuan=row.interest,
            )
            for row in rows
        ],
    )
    if loan.status == LoanStatus.APPROVED:
        _transition(user=user, loan=loan, to=LoanStatus.DISBURSED, date=date,
                    reason=reason or gettext_noop("First tranche paid out"))  # fmt: skip
    return tranche


@service
def repayment_record(
    *,
    user,
    loan: Loan,
    amount_yuan: Decimal,
    date: datetime.date,
    is_prepayment: bool = False,
    note: str = "",
) -> Repayment:
    """Record a repayment. More than what is due on the date needs `is_prepayment`; more than
    everything still owed is refused. The first repayment moves the loan to repaying, the one
    that clears the schedule closes it."""
    loan = _lock(user, loan)
    _ensure_lender(user, loan)
    if loan.status not in ON_BOOK:
        raise ValidationError(
            _("A loan that is “%(status)s” takes no repayments.")
            % {"status": loan.get_status_display()}
        )
    amount = to_money(amount_yuan)
    if amount <= 0:
        raise ValidationError({"amount_yuan": _("A repayment must be a positive amount.")})
    last = loan.repayments.order_by("-date").values_list("date", flat=True).first()
    if last is not None and date < last:
        raise ValidationError(
            {
                "date": _("Repayments are recorded in date order; the last one is dated %(date)s.")
                % {"date": last}
            }
        )
    first_tranche = loan.disbursements.order_by("date").values_list("date", flat=True).first()
    if first_tranche is None or date < first_tranche:
        raise ValidationError({"date": _("Nothing had been paid out by that date.")})
    ensure_period_open(date=date, area=loan.village.area)
    pos = loan_position(loan=loan, on=date, all_tranches=True)
    if amount > pos.remaining_total:
        raise ValidationError(
            {
                "amount_yuan": _(
                    "A repayment of %(amount)s yuan is more than the %(left)s yuan still owed "
                    "on this loan."
                )
                % {"amount": amount, "left": pos.remaining_total}
            }
        )
    if amount > pos.due_unpaid and not is_prepayment:
        raise ValidationError(
            {
                "amount_yuan": _(
                    "A repayment of %(amount)s yuan is more than the %(owed)s yuan owed on "
                    "%(date)s; mark it as a prepayment to pay instalments early."
                )
                % {"amount": amount, "owed": pos.due_unpaid, "date": date}
            }
        )
    repayment = Repayment(
        loan=loan, date=date, amount_yuan=amount, is_prepayment=is_prepayment, note=note
    )
    repayment.full_clean()
    repayment.save()
    if loan.status == LoanStatus.DISBURSED:
        _transition(user=user, loan=loan, to=LoanStatus.REPAYING, date=date,
                    reason=gettext_noop("First repayment"))  # fmt: skip
    fully_paid_out = (
        loan.disbursements.aggregate(s=Sum("amount_yuan"))["s"] == loan.amount_approved_yuan
    )
    if amount == pos.remaining_total and fully_paid_out:
        _transition(user=user, loan=loan, to=LoanStatus.CLOSED, date=date,
                    reason=gettext_noop("Repaid in full"))  # fmt: skip
    return repayment


@service
def loan_close(*, user, loan: Loan, date: datetime.date, reason: str) -> Loan:
    """Close a loan that owes nothing (e.g. when the rest of the approval will not be drawn)."""
    loan = _lock(user, loan)
    _ensure_lender(user, loan)
    if loan.status in ON_BOOK:
        left = loan_position(loan=loan, on=date, all_tranches=True).remaining_total
        if left > 0:
            raise ValidationError(
                _("The loan still owes %(left)s yuan; it can be written off, not closed.")
                % {"left": left}
            )
    _transition(user=user, loan=loan, to=LoanStatus.CLOSED, date=date,
                reason=(reason or "").strip() or gettext_noop("Closed"))  # fmt: skip
    return loan


@service
def loan_write_off(*, user, loan: Loan, date: datetime.date, reason: str) -> Loan:
    reason = (reason or "").strip()
    loan = _lock(user, loan)
    _ensure_lender(user, loan)
    if not reason:
        raise ValidationError({"reason": _("Say why the loan is written off.")})
    _transition(user=user, loan=loan, to=LoanStatus.WRITTEN_OFF, date=date, reason=reason)
    return loan
