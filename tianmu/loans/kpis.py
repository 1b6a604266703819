"""Loan figures for the home page and /api/v1/kpis.

- `loans_disbursed_yuan` is a *flow*: the Sum of the loan list's "disbursed in the period"
  column — tranches paid out in [from, to] (all time when no date is given) — through the
  loan FilterSet, as a money string ("135000000.00").
- `loans_outstanding_yuan` and `par30` are balances *as of* the end of the period (`to`, or
  today): principal outstanding on the loans on the book that day (the loan list
  `?outstanding_on=`), and the share of it in loans more than 30 days past due, as a
  four-decimal ratio string ("0.0312" = 3.12 %; "0.0000" when nothing is outstanding). They
  are derived from schedules and repayments, not stored: one SQL statement allocates the
  repayments of the listed loans over their schedules (`selectors.book_totals`), once for both
  figures. See docs/loans.md.
The `area` filter selects by the borrowing village.
"""

from __future__ import annotations

from django.utils import timezone

from tianmu.core.facts import register_balance, register_cells, register_fact
from tianmu.core.kpis import KpiContext, Record, memo, register_kpi, register_list_kpi
from tianmu.core.money import to_money
from tianmu.core.scoping import visible_to
from tianmu.loans.filtersets import LoanFilterSet
from tianmu.loans.models import Disbursement, Instalment, Loan, Repayment
from tianmu.loans.schedule import ratio
from tianmu.loans.selectors import book_cells, book_totals, positions, with_disbursed


def _loan_rows(ctx: KpiContext):
    """The loan list's rows (`LoanListView`): loans with their tranches paid in the period."""
    loans = Loan.objects.select_related("product__bank", "village__area")
    return with_disbursed(loans, start=ctx.period.start, end=ctx.period.end)


register_list_kpi(
    "loans_disbursed_yuan",
    link="loans:loan_list",
    filterset=LoanFilterSet,
    queryset=_loan_rows,
    amount="disbursed_yuan",
    date="applied_on",
    village="village",
    enterprise="product__bank",
)

# Kept in the fact table (tianmu.core.facts) as the tranches of each village and day: the
# amount of the loan list's "disbursed in the period" column is its tranches paid out then.
register_fact(
    "loans_disbursed_yuan",
    queryset=lambda: Disbursement.objects.all(),
    village="loan__village",
    date="date",
    amount="amount_yuan",
)

# The two balances are kept as their changes by day (selectors.book_cells); as of a day they
# are the running sums, so the book's instalments are not read at all on a request.
register_cells(
    "loan_book",
    keys=("loans_outstanding_yuan", "loans_at_risk_yuan"),
    cells=book_cells,
    depends={
        Loan: "village",
        Disbursement: "loan__village",
        Instalment: "loan__village",
        Repayment: "loan__village",
    },
)
register_balance("loans_outstanding_yuan", lambda total: total("loans_outstanding_yuan"))
register_balance(
    "par30",
    lambda total: str(ratio(total("loans_at_risk_yuan"), total("loans_outstanding_yuan"))),
)


def _as_of(ctx: KpiContext):
    return ctx.period.end or timezone.localdate()


def _book_query(ctx: KpiContext) -> dict[str, str]:
    """The loan list of the loans on the book on the figure's day."""
    query = {"outstanding_on": _as_of(ctx).isoformat()}
    if ctx.area is not None:
        query["area"] = ctx.area.code
    return query


def _listed(ctx: KpiContext):
    """The listed loans: the loan FilterSet on `_book_query`, in the user's scope."""
    return LoanFilterSet(_book_query(ctx), queryset=visible_to(ctx.user, Loan)).qs


def _totals(ctx: KpiContext):
    """(Outstanding, at risk) of the listed loans, one statement for both loan figures of one
    evaluation (`memo`)."""
    who = (getattr(ctx.user, "pk", None), id(ctx.user))
    key = ("loan_book", who, ctx.period, getattr(ctx.area, "pk", None))
    return memo(key, lambda: book_totals(_listed(ctx), _as_of(ctx)))


def _book_records(ctx: KpiContext) -> list[Record]:
    """The loans the two figures are computed from, each with its outstanding principal."""
    loans = _listed(ctx).order_by("pk")
    on = _as_of(ctx)
    pos = positions(loans, on)
    return [Record(obj=loan, amount=pos[loan.pk].outstanding_principal, date=on) for loan in loans]


@register_kpi(
    "loans_outstanding_yuan",
    link="loans:loan_list",
    amount=True,
    records=_book_records,
    query=_book_query,
)
def loans_outstanding(ctx: KpiContext):
    return to_money(_totals(ctx)[0])


@register_kpi(
    "par30",
    link="loans:loan_list",
    amount=True,
    records=_book_records,
    query=_book_query,
)
def par30(ctx: KpiContext) -> str:
    """A ratio, not money: a string with four decimals so the API does not round it to 2."""
    outstanding, at_risk = _totals(ctx)
    return str(ratio(at_risk, outstanding))
