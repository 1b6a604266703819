"""Loan figures for the home page and /api/v1/kpis.

- `loans_disbursed_yuan` is a *flow*: tranches paid out in [from, to] (all time when no date
  is given), as a money string ("135000000.00").
- `loans_outstanding_yuan` and `par30` are balances *as of* the end of the period (`to`, or
  today): principal outstanding on loans on the book that day, and the share of it in loans
  more than 30 days past due, as a four-decimal ratio string ("0.0312" = 3.12 %; "0.0000"
  when nothing is outstanding). See docs/loans.md.
The `area` filter selects by the borrowing village.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from tianmu.core.kpis import KpiContext, register_kpi
from tianmu.core.scoping import visible_to
from tianmu.loans.models import Disbursement, Loan
from tianmu.loans.selectors import portfolio


def _loans(ctx: KpiContext):
    return visible_to(ctx.user, Loan).filter(ctx.area_q("village__area"))


def _as_of(ctx: KpiContext):
    return ctx.period.end or timezone.localdate()


@register_kpi("loans_disbursed_yuan", link="loans:loan_list")
def loans_disbursed(ctx: KpiContext) -> Decimal:
    total = (
        Disbursement.objects.filter(loan__in=_loans(ctx))
        .filter(ctx.period.within_q("date"))
        .aggregate(s=Sum("amount_yuan"))["s"]
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


@register_kpi("loans_outstanding_yuan", link="loans:loan_list")
def loans_outstanding(ctx: KpiContext) -> Decimal:
    return portfolio(_loans(ctx), _as_of(ctx))["outstanding"]


@register_kpi("par30", link="loans:loan_list")
def par30(ctx: KpiContext) -> str:
    """A ratio, not money: a string with four decimals so the API does not round it to 2."""
    return str(portfolio(_loans(ctx), _as_of(ctx))["par30"])
