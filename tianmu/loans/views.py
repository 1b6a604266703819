"""Pages for loan products, credit lines and loans; the loan page shows its schedule,
tranches, repayments, position today and status history, with the bank's actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tianmu.core.htmx import redirect_to
from tianmu.core.money import format_yuan_exact
from tianmu.core.scoping import editable_by, scope_for
from tianmu.core.services import NotFound
from tianmu.core.views import ObjectDetailView, ObjectHistoryView
from tianmu.loans import services
from tianmu.loans.choices import ON_BOOK, TRANSITIONS, LoanStatus
from tianmu.loans.forms import DecisionForm, DisbursementForm, RepaymentForm
from tianmu.loans.models import Disbursement, Instalment, Loan, LoanStatusChange, Repayment
from tianmu.loans.selectors import loan_position


class LoanProductDetailView(ObjectDetailView):
    detail_fields = (
        "bank",
        "annual_rate",
        "term_months",
        "repayment_method",
        "max_amount_yuan",
        "is_active",
    )


class CreditLineDetailView(ObjectDetailView):
    detail_fields = ("product", "village", "limit_yuan", "start", "end")


class LoanDetailView(ObjectDetailView):
    detail_fields = (
        "village",
        "product",
        "credit_line",
        "project",
        "amount_requested_yuan",
        "amount_approved_yuan",
        "annual_rate",
        "term_months",
        "repayment_method",
        "applied_on",
        "decided_on",
        "closed_on",
    )

    def extra_context(self, obj):
        user = self.request.user
        scope = scope_for(user)
        is_lender = scope.is_all or (
            scope.role == "bank" and scope.organization.pk == obj.product.bank_id
        )
        allowed = TRANSITIONS[obj.status]
        today = timezone.localdate()
        return {
            "position": loan_position(loan=obj, on=today),
            "today": today,
            "tranches": obj.disbursements.order_by("date", "id"),
            "instalments": obj.instalments.order_by("due_date", "disbursement_id", "number"),
            "repayments": obj.repayments.order_by("date", "id"),
            "history": obj.status_changes.order_by("changed_at", "id"),
            "is_lender": is_lender and editable_by(user, Loan).filter(pk=obj.pk).exists(),
            "can_decide": LoanStatus.APPROVED in allowed,
            "can_disburse": obj.status in (LoanStatus.APPROVED, *ON_BOOK),
            "can_repay": obj.status in ON_BOOK,
            "can_close": LoanStatus.CLOSED in allowed,
            "can_write_off": LoanStatus.WRITTEN_OFF in allowed,
            "decision_form": DecisionForm(initial={"date": today}),
            "disbursement_form": DisbursementForm(initial={"date": today}),
            "repayment_form": RepaymentForm(initial={"date": today}),
        }


class LoanHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        return [
            (Disbursement, obj.disbursements.all()),
            (Repayment, obj.repayments.all()),
            (LoanStatusChange, obj.status_changes.all()),
            (Instalment, obj.instalments.none()),  # generated rows: see the schedule instead
        ]


ACTIONS = {
    "approve": (
        DecisionForm,
        services.loan_approve,
        {"amount_yuan": "amount_yuan", "reason": "reason"},
    ),
    "reject": (DecisionForm, services.loan_reject, {"reason": "reason"}),
    "disburse": (DisbursementForm, services.loan_disburse, {"amount_yuan": "amount_yuan"}),
    "repay": (
        RepaymentForm,
        services.repayment_record,
        {"amount_yuan": "amount_yuan", "is_prepayment": "is_prepayment", "note": "note"},
    ),
    "close": (DecisionForm, services.loan_close, {"reason": "reason"}),
    "write-off": (DecisionForm, services.loan_write_off, {"reason": "reason"}),
}


class LoanActionView(LoginRequiredMixin, View):
    """The bank's actions from the loan page; refusals come back as messages."""

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        loan = get_object_or_404(editable_by(request.user, Loan), pk=pk)
        form_class, fn, names = ACTIONS[action]
        form = form_class(request.POST)
        back = reverse("loans:loan_detail", args=[pk])
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return redirect_to(request, back)
        data = form.cleaned_data
        kwargs = {name: data.get(source) for name, source in names.items()}
        if "amount_yuan" in kwargs and kwargs["amount_yuan"] is None:
            messages.error(request, _("Enter an amount."))
            return redirect_to(request, back)
        if "reason" in kwargs:
            kwargs["reason"] = kwargs["reason"] or ""
        try:
            fn(user=request.user, loan=loan, date=data["date"], **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, _done(action, loan, kwargs))
        return redirect_to(request, back)


#: What each action says when it is done (the loan's village and the amount in words).
DONE = {
    "approve": gettext_lazy("Approved the loan to %(village)s: %(amount)s."),
    "reject": gettext_lazy("Rejected the loan application of %(village)s."),
    "disburse": gettext_lazy("Paid out %(amount)s to %(village)s."),
    "repay": gettext_lazy("Recorded a repayment of %(amount)s from %(village)s."),
    "close": gettext_lazy("Closed the loan to %(village)s."),
    "write-off": gettext_lazy("Wrote off the loan to %(village)s."),
}


def _done(action: str, loan, kwargs: dict) -> str:
    amount = kwargs.get("amount_yuan")
    return DONE[action] % {
        "village": loan.village,
        "amount": format_yuan_exact(amount) if amount is not None else "",
    }
