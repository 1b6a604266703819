"""Repayment schedules and a loan's position on a date: pure arithmetic, no Django.

Money is `Decimal` yuan, rounded to the fen (0.01) half-up at each instalment. The monthly
rate is the annual rate / 12, kept unrounded. Formulas (docs/loans.md has them with examples):

- **equal instalments** (等额本息): payment A = P·r·(1+r)^n / ((1+r)^n − 1), rounded to the fen;
  each month interest = balance·r (rounded), principal = A − interest; the last instalment
  repays the remaining balance (it absorbs the rounding, so it may differ from A by fen).
- **equal principal** (等额本金): principal = P/n rounded, the last one takes the remainder;
  interest = balance·r on the balance before the payment.
- **interest-only** (按月付息、到期还本): interest P·r every month; the whole principal with
  the last instalment.
- **bullet** (到期一次还本付息): one instalment after n months, principal P and simple interest
  P·r·n.

A loan's position on a date (`position`) allocates the repayments made so far to the
instalments in due order, interest before principal within each instalment; what is due
before the date and not covered is in arrears, and days past due count from the earliest
such instalment.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

EQUAL_INSTALMENT = "equal_instalment"
EQUAL_PRINCIPAL = "equal_principal"
INTEREST_ONLY = "interest_only"
BULLET = "bullet"
METHODS = (EQUAL_INSTALMENT, EQUAL_PRINCIPAL, INTEREST_ONLY, BULLET)


def fen(value: Decimal) -> Decimal:
    """Round to the fen, half up (how a bank statement rounds)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: datetime.date
    principal: Decimal
    interest: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


def build_schedule(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    months: int,
    method: str,
    start: datetime.date,
) -> list[Instalment]:
    """The instalments of `principal` lent on `start` for `months` months at `annual_rate`
    (a fraction: 0.0435 for 4.35 %)."""
    principal = Decimal(principal)
    annual_rate = Decimal(annual_rate)
    if principal <= 0:
        raise ValueError("principal must be positive")
    if months < 1:
        raise ValueError("the term is at least one month")
    if annual_rate < 0:
        raise ValueError("the rate cannot be negative")
    if method not in METHODS:
        raise ValueError(f"unknown repayment method {method!r}")
    principal = fen(principal)
    with localcontext() as ctx:
        ctx.prec = 40
        r = annual_rate / 12
        if method == BULLET:
            return [
                Instalment(1, add_months(start, months), principal, fen(principal * r * months))
            ]
        rows = []
        balance = principal
        if method == EQUAL_INSTALMENT:
            if r == 0:
                payment = fen(principal / months)
            else:
                growth = (1 + r) ** months
                payment = fen(principal * r * growth / (growth - 1))
        for k in range(1, months + 1):
            interest = fen(balance * r)
            last = k == months
            if last:
                part = balance
            elif method == EQUAL_INSTALMENT:
                part = min(payment - interest, balance)
            elif method == EQUAL_PRINCIPAL:
                part = min(fen(principal / months), balance)
            else:  # interest-only
                part = ZERO
            rows.append(Instalment(k, add_months(start, k), part, interest))
            balance -= part
        return rows


@dataclass(frozen=True)
class Position:
    """Where a loan stands on a date (see `position`)."""

    principal_total: Decimal  # all principal scheduled (= disbursed)
    principal_paid: Decimal
    interest_paid: Decimal
    arrears_principal: Decimal
    arrears_interest: Decimal
    days_past_due: int
    remaining_total: Decimal  # everything still to pay under the schedule, due or not
    due_unpaid: Decimal  # what is due on or before the date and not yet paid

    @property
    def outstanding_principal(self) -> Decimal:
        return self.principal_total - self.principal_paid

    @property
    def arrears(self) -> Decimal:
        return self.arrears_principal + self.arrears_interest


def position(instalments: Iterable[Instalment], *, repaid: Decimal, on: datetime.date) -> Position:
    """Allocate `repaid` (all repayments made up to `on`) to the instalments in due order,
    interest first within each, and measure what is overdue on `on`.

    An instalment is overdue from the day after its due date; `days_past_due` is the age of
    the earliest instalment that is overdue and not fully paid (0 if none).
    """
    rows = sorted(instalments, key=lambda i: (i.due_date, i.number))
    left = fen(Decimal(repaid))  # database sums may carry float noise
    principal_total = principal_paid = interest_paid = ZERO
    arrears_p = arrears_i = due_unpaid = ZERO
    remaining = ZERO
    dpd = 0
    for row in rows:
        row = Instalment(row.number, row.due_date, fen(row.principal), fen(row.interest))
        principal_total += row.principal
        pay_i = min(left, row.interest)
        left -= pay_i
        pay_p = min(left, row.principal)
        left -= pay_p
        interest_paid += pay_i
        principal_paid += pay_p
        unpaid_i = row.interest - pay_i
        unpaid_p = row.principal - pay_p
        remaining += unpaid_i + unpaid_p
        if row.due_date <= on:
            due_unpaid += unpaid_i + unpaid_p
        if row.due_date < on and (unpaid_i or unpaid_p):
            arrears_i += unpaid_i
            arrears_p += unpaid_p
            dpd = max(dpd, (on - row.due_date).days)
    return Position(
        principal_total=principal_total,
        principal_paid=principal_paid,
        interest_paid=interest_paid,
        arrears_principal=arrears_p,
        arrears_interest=arrears_i,
        days_past_due=dpd,
        remaining_total=remaining,
        due_unpaid=due_unpaid,
    )


def par_ratio(loans: Iterable[tuple[Decimal, int]], *, days: int = 30, places: int = 4) -> Decimal:
    """Portfolio at risk: the share of outstanding principal in loans more than `days` days
    past due. `loans` gives (outstanding principal, days past due) per loan; 0 when nothing is
    outstanding. Rounded half-up to `places` decimals (PAR30 "0.0312" = 3.12 %)."""
    total = at_risk = ZERO
    for outstanding, dpd in loans:
        total += outstanding
        if dpd > days:
            at_risk += outstanding
    return ratio(at_risk, total, places=places)


def ratio(at_risk: Decimal, total: Decimal, *, places: int = 4) -> Decimal:
    """`at_risk / total` rounded half-up to `places` decimals; 0 when `total` is not positive."""
    quantum = Decimal(1).scaleb(-places)
    if total <= 0:
        return ZERO.quantize(quantum)
    return (at_risk / total).quantize(quantum, rounding=ROUND_HALF_UP)
