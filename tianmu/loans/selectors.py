"""Reads for loans: where a loan stands on a date, and the same for many loans at once.

Balances are derived, never stored: the schedule rows (Instalment) and the repayments are the
records; `tianmu.loans.schedule.position` turns them into outstanding principal, arrears and
days past due on any date, so a figure “as of 31 Dec” is right even after later repayments.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections import defaultdict
from decimal import Decimal
from itertools import accumulate

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from tianmu.core.money import ZERO
from tianmu.core.periods import dated_q
from tianmu.loans import schedule
from tianmu.loans.models import Disbursement, Instalment, Loan, Repayment

MONEY = DecimalField(max_digits=16, decimal_places=2)


def with_disbursed(
    loans: QuerySet, *, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet:
    """Annotate `disbursed_yuan`: the loan's tranches paid out in [start, end] (all time
    without dates) — the loan list's amount column, which `loans_disbursed_yuan` sums."""
    paid = (
        Disbursement.objects.filter(dated_q("date", start, end), loan=OuterRef("pk"))
        .order_by()
        .values("loan")
        .annotate(s=Sum("amount_yuan"))
        .values("s")
    )
    return loans.annotate(
        disbursed_yuan=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY)
    )


def _rows(instalments) -> list[schedule.Instalment]:
    return [
        schedule.Instalment(i.number, i.due_date, i.principal_yuan, i.interest_yuan)
        for i in instalments
    ]


def loan_position(
    *, loan: Loan, on: datetime.date, all_tranches: bool = False
) -> schedule.Position:
    """The loan on `on`: tranches paid out by then (all of them with `all_tranches`, for a
    repayment check) and repayments made by then."""
    instalments = Instalment.objects.filter(loan=loan)
    if not all_tranches:
        instalments = instalments.filter(disbursement__date__lte=on)
    repaid = Repayment.objects.filter(loan=loan, date__lte=on).aggregate(s=Sum("amount_yuan"))
    return schedule.position(_rows(instalments), repaid=repaid["s"] or Decimal(0), on=on)


def on_book(loans: QuerySet, on: datetime.date) -> QuerySet:
    """Loans with money out on `on`: a tranche paid by then, not closed or written off yet."""
    return (
        loans.filter(disbursements__date__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .distinct()
    )


def positions(loans: QuerySet, on: datetime.date) -> dict[int, schedule.Position]:
    """Each loan's position on `on`, in three queries whatever the number of loans."""
    ids = list(loans.values_list("pk", flat=True))
    by_loan: dict[int, list] = defaultdict(list)
    for row in Instalment.objects.filter(loan_id__in=ids, disbursement__date__lte=on).only(
        "loan_id", "number", "due_date", "principal_yuan", "interest_yuan"
    ):
        by_loan[row.loan_id].append(row)
    repaid = dict(
        Repayment.objects.filter(loan_id__in=ids, date__lte=on)
        .values("loan_id")
        .annotate(s=Sum("amount_yuan"))
        .values_list("loan_id", "s")
    )
    return {
        pk: schedule.position(_rows(by_loan[pk]), repaid=repaid.get(pk) or Decimal(0), on=on)
        for pk in ids
    }


def book_totals(loans: QuerySet, on: datetime.date, *, days: int = 30) -> tuple[Decimal, Decimal]:
    """(Outstanding principal, the part of it in loans more than `days` days past due) of
    `loans` on `on`, in one SQL statement: what `positions` gives summed, without reading a
    schedule row into Python (docs/loans.md#figures-in-sql).

    The same allocation as `schedule.position`: repayments made up to `on` pay the instalments
    of tranches paid out by then in due order (due date, number, tranche), interest first
    within each. With C the running total of instalment amounts in that order and R the sum
    repaid, an instalment's principal is paid by clamp(R - (C - its amount) - its interest,
    0, its principal), and it is unpaid while R < C; a loan is past due from its earliest
    unpaid instalment due before `on`. `tests/test_book_totals.py` holds it to `positions`.
    """
    try:
        ids_sql, ids_params = loans.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a scope that sees no loan
        return ZERO, ZERO
    inst = Instalment._meta.db_table
    disb = Disbursement._meta.db_table
    rep = Repayment._meta.db_table
    risk_day = on - datetime.timedelta(days=days)
    # Table names from the models and the ORM-compiled id subquery; values are parameters.
    sql = f"""
        SELECT COALESCE(SUM(outst), 0), COALESCE(SUM(CASE WHEN earliest < %s THEN outst END), 0)
        FROM (
            SELECT loan_id,
                   SUM(p - CASE WHEN x <= 0 THEN 0 WHEN x >= p THEN p ELSE x END) AS outst,
                   MIN(CASE WHEN due_date < %s AND r < cum AND p + i > 0 THEN due_date END)
                       AS earliest
            FROM (
                SELECT loan_id, due_date, p, i, cum, r, r - (cum - p - i) - i AS x
                FROM (
                    SELECT ins.loan_id, ins.due_date, ins.principal_yuan AS p,
                           ins.interest_yuan AS i,
                           SUM(ins.principal_yuan + ins.interest_yuan) OVER (
                               PARTITION BY ins.loan_id
                               ORDER BY ins.due_date, ins.number, ins.disbursement_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                           ) AS cum,
                           COALESCE(paid.r, 0) AS r
                    FROM {inst} ins
                    JOIN {disb} d ON d.id = ins.disbursement_id
                    LEFT JOIN (
                        SELECT loan_id, ROUND(SUM(amount_yuan), 2) AS r
                        FROM {rep}
                        WHERE date <= %s AND loan_id IN ({ids_sql})
                        GROUP BY loan_id
                    ) paid ON paid.loan_id = ins.loan_id
                    WHERE d.date <= %s AND ins.loan_id IN ({ids_sql})
                ) running
            ) allocated
            GROUP BY loan_id
        ) per_loan
    """  # noqa: S608
    params = [risk_day, on, on, *ids_params, on, *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        outstanding, at_risk = cursor.fetchone()
    return _money(outstanding), _money(at_risk)


def book_cells(village_ids) -> list[tuple]:
    """The loan book's balances as changes by day, for the fact table (`tianmu.core.facts`):
    per village and day, how much outstanding principal of loans on the book
    (`loans_outstanding_yuan`) and of those more than 30 days past due (`loans_at_risk_yuan`)
    changed that day. The running sum up to a day D is then what `book_totals` gives on D.

    A loan's position can change only on a day a tranche is paid out or a repayment made, on
    the day it closes, and on the 31st day after an instalment falls due (when an unpaid one
    tips it past 30 days); `_loan_balances` gives the position on each such day and the
    differences are the cells."""
    loans = list(
        Loan.objects.filter(village_id__in=village_ids)
        .filter(disbursements__isnull=False)
        .distinct()
        .values_list("pk", "village_id", "closed_on")
    )
    ids = [pk for pk, _, _ in loans]
    paid_out: dict[int, list] = defaultdict(list)
    for loan_id, disbursement_id, day in Disbursement.objects.filter(loan_id__in=ids).values_list(
        "loan_id", "pk", "date"
    ):
        paid_out[loan_id].append((disbursement_id, day))
    rows: dict[int, list] = defaultdict(list)
    for row in (
        Instalment.objects.filter(loan_id__in=ids)
        .order_by("loan", "due_date", "disbursement", "number")
        .values_list(
            "loan_id", "disbursement_id", "number", "due_date", "principal_yuan", "interest_yuan"
        )
    ):
        rows[row[0]].append(row[1:])
    repaid: dict[int, list] = defaultdict(list)
    for loan_id, day, amount in Repayment.objects.filter(loan_id__in=ids).values_list(
        "loan_id", "date", "amount_yuan"
    ):
        repaid[loan_id].append((day, amount))
    changes: dict[tuple, list] = defaultdict(lambda: [ZERO, ZERO])
    for pk, village, closed_on in loans:
        before = (ZERO, ZERO)
        for day, now in _loan_balances(paid_out[pk], rows[pk], repaid[pk], closed_on):
            if now != before:
                cell = changes[(village, day)]
                cell[0] += now[0] - before[0]
                cell[1] += now[1] - before[1]
                before = now
    cells = []
    for (village, day), (outstanding, at_risk) in changes.items():
        if outstanding:
            cells.append(("loans_outstanding_yuan", village, day, 0, outstanding))
        if at_risk:
            cells.append(("loans_at_risk_yuan", village, day, 0, at_risk))
    return cells


def _loan_balances(tranches, rows, repayments, closed_on, *, days: int = 30):
    """(day, (outstanding principal, the same if more than `days` past due else 0)) on every
    day one loan's position can change, in order: what `schedule.position` gives on that day
    (and zero once closed), computed by bisection over running sums instead of a pass over
    the schedule per day. `rows`: (tranche, number, due, principal, interest) in the
    instalments' default order; `tranches`: (id, day paid out)."""
    tranche_day = dict(tranches)
    epochs = sorted({day for _, day in tranches})
    pays = sorted(repayments)
    pay_days = [d for d, _ in pays]
    paid_by = list(accumulate((a for _, a in pays), initial=Decimal(0)))
    candidates = set(epochs) | set(pay_days)
    candidates |= {due + datetime.timedelta(days=days + 1) for _, _, due, _, _ in rows}
    if closed_on:
        candidates.add(closed_on)
    tables = {}
    for epoch in epochs:  # the schedule as it stands from each tranche's day
        live = sorted((r for r in rows if tranche_day[r[0]] <= epoch), key=lambda r: (r[2], r[1]))
        due = [r[2] for r in live]
        principal = [schedule.fen(r[3]) for r in live]
        interest = [schedule.fen(r[4]) for r in live]
        cum = list(accumulate(p + i for p, i in zip(principal, interest, strict=True)))
        before_principal = list(accumulate(principal, initial=ZERO))
        tables[epoch] = (due, principal, interest, cum, before_principal)
    for day in sorted(d for d in candidates if d >= epochs[0]):
        if closed_on is not None and closed_on <= day:
            yield day, (ZERO, ZERO)
            continue
        due, principal, interest, cum, before_principal = tables[
            epochs[bisect_right(epochs, day) - 1]
        ]
        r = schedule.fen(paid_by[bisect_right(pay_days, day)])
        k = bisect_right(cum, r)  # the first instalment not fully paid
        covered = before_principal[k]
        if k < len(cum):
            left = r - (cum[k - 1] if k else ZERO) - interest[k]
            covered += min(max(left, ZERO), principal[k])
        outstanding = before_principal[-1] - covered
        late = k < len(cum) and (day - due[k]).days > days
        yield day, (outstanding, outstanding if late else ZERO)


def _money(value) -> Decimal:
    """A database sum as money (SQLite answers a float)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def portfolio(loans: QuerySet, on: datetime.date) -> dict[str, Decimal]:
    """Outstanding principal, arrears and PAR30 of the loans on the book on `on`."""
    pos = positions(on_book(loans, on), on)
    outstanding = sum((p.outstanding_principal for p in pos.values()), Decimal("0.00"))
    arrears = sum((p.arrears for p in pos.values()), Decimal("0.00"))
    par30 = schedule.par_ratio((p.outstanding_principal, p.days_past_due) for p in pos.values())
    return {"outstanding": outstanding, "arrears": arrears, "par30": par30}
