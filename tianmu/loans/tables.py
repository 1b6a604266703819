"""Columns of the loan list pages."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from tianmu.core.tables import Column, Table
from tianmu.loans.models import CreditLine, Loan, LoanProduct


class LoanProductTable(Table):
    model = LoanProduct
    columns = (
        Column("name", order="name", link=True),
        Column("bank"),
        Column("annual_rate", order="annual_rate"),
        Column("term_months", order="term_months"),
        Column("repayment_method"),
        Column("is_active"),
    )


class CreditLineTable(Table):
    model = CreditLine
    columns = (
        Column("__str__", _("credit line"), link=True),
        Column("limit_yuan", _("limit"), order="limit_yuan", kind="money"),
        Column("start", order="start"),
        Column("end"),
    )


def _position(loan):
    return getattr(loan, "position", None)


def _days_overdue(loan):
    """Days the oldest unpaid instalment is late, marked when past 30 (it counts in PAR30)."""
    from django.utils.html import format_html

    position = _position(loan)
    if position is None or not position.days_past_due:
        return 0 if position is not None else None
    badge = "text-bg-danger" if position.days_past_due > 30 else "text-bg-warning"
    return format_html('<span class="badge {}">{}</span>', badge, position.days_past_due)


class LoanTable(Table):
    """Loans with where each stands on the list's day (`outstanding_on`, today without it):
    principal outstanding and days overdue, the two things PAR30 is made of."""

    model = Loan

    def __init__(self, objects, *, request=None, orderable=()):
        from tianmu.loans.selectors import positions

        super().__init__(objects, request=request, orderable=orderable)
        raw = request.GET.get("outstanding_on", "") if request is not None else ""
        try:
            on = parse_date(raw) if raw else None
        except ValueError:
            on = None
        self.on: datetime.date = on or timezone.localdate()
        self.objects = list(objects)
        ids = [loan.pk for loan in self.objects]
        found = positions(Loan.objects.filter(pk__in=ids), self.on) if ids else {}
        for loan in self.objects:
            loan.position = found.get(loan.pk)

    columns = (
        Column("village", _("borrower (village collective)")),
        Column("purpose", link=True),
        Column("product.bank", _("bank")),
        Column(
            lambda loan: loan.amount_approved_yuan or loan.amount_requested_yuan,
            _("amount"),
            order="amount_approved_yuan",
            kind="money",
        ),
        Column(
            "disbursed_yuan", _("disbursed in the period"), total="disbursed_yuan", kind="money"
        ),
        Column(
            lambda loan: _position(loan) and _position(loan).outstanding_principal,
            _("outstanding principal"),
            kind="money",
        ),
        Column(_days_overdue, _("days overdue"), kind="number"),
        Column("status", order="status"),
        Column("applied_on", order="applied_on"),
    )
