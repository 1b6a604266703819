"""Demo: 共富贷 to the 13 paired villages, “自去年起累计发放1.35亿元” (docs/demo.md).

The article gives the total (¥135M since last year) and that the financial cooperating units
lend to the 13 villages; the products, the split between villages, the dates and the
repayments are invented. Tranches total ¥135,200,000, all paid out from 1 January last year.
Every loan repays on schedule except three: two stopped paying about four months ago (more
than 30 days past due, so they show in PAR30) and one missed only its latest instalment.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from tianmu.core.bulk import bulk_create_logged
from tianmu.core.demo import DemoContext, register_demo_step
from tianmu.loans import schedule
from tianmu.loans.choices import LoanStatus, RepaymentMethod
from tianmu.loans.models import CreditLine, Disbursement, Instalment, Loan, LoanProduct, Repayment
from tianmu.loans.services import record_status_change
from tianmu.registry.choices import PartnerKind

PURPOSE = "村集体产业项目建设"
#: Millions of yuan per paired village, in the alliances' town order: 135.2 in all.
AMOUNTS_M = ["18.0", "15.0", "12.5", "12.0", "11.0", "10.5", "10.0", "9.5", "9.0", "8.5",
             "7.7", "6.5", "5.0"]  # fmt: skip
STOPPED = {4, 10}  # stopped paying ~4 months ago: more than 30 days past due
LATE_ONCE = {8}  # missed only the latest instalment
PRODUCTS = [
    ("共富贷·产业项目贷", Decimal("0.0345"), 36, RepaymentMethod.EQUAL_PRINCIPAL),
    ("共富贷·强村贷", Decimal("0.0365"), 24, RepaymentMethod.INTEREST_ONLY),
    ("共富贷·乡村振兴贷", Decimal("0.0385"), 60, RepaymentMethod.EQUAL_INSTALMENT),
]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@register_demo_step(340, "loans.loans")
def build_loans(ctx: DemoContext) -> None:
    banks = ctx.refs["partners"][PartnerKind.FINANCIAL]
    products = []
    for bank, (name, rate, months, method) in zip(banks, PRODUCTS, strict=False):
        product, _ = ctx.ensure(
            LoanProduct,
            {"bank": bank, "name": name},
            annual_rate=rate,
            term_months=months,
            repayment_method=method,
            max_amount_yuan=Decimal(20_000_000),
        )
        products.append(product)
    start = datetime.date(ctx.today.year - 1, 1, 1)
    garden = ctx.refs.get("garden")
    for i, town in enumerate(ctx.refs["alliances"]):
        village = ctx.refs["paired_villages"][town]
        if Loan.objects.filter(village=village, purpose=PURPOSE).exists():
            continue
        product = products[i % len(products)]
        amount = Decimal(AMOUNTS_M[i]) * 1_000_000
        first = start + datetime.timedelta(days=9 + 23 * i)
        line, _ = ctx.ensure(
            CreditLine,
            {"product": product, "village": village},
            limit_yuan=amount * Decimal("1.5"),
            start=start,
        )
        project = garden if garden is not None and garden.village_id == village.pk else None
        _loan(ctx, i, product, line, village, project, amount, first)


def _loan(ctx, i, product, line, village, project, amount, first) -> None:
    applied = first - datetime.timedelta(days=21)
    decided = first - datetime.timedelta(days=7)
    loan, _ = ctx.ensure(
        Loan,
        {"village": village, "purpose": PURPOSE},
        product=product,
        credit_line=line,
        project=project,
        amount_requested_yuan=amount,
        amount_approved_yuan=amount,
        annual_rate=product.annual_rate,
        term_months=product.term_months,
        repayment_method=product.repayment_method,
        status=LoanStatus.APPROVED,
        applied_on=applied,
        decided_on=decided,
    )
    history = [
        ("", LoanStatus.APPLIED, applied, "村集体申请"),
        (LoanStatus.APPLIED, LoanStatus.APPROVED, decided, "审批通过"),
    ]
    # Every third loan is paid out in two tranches, 60 % then 40 % four months later.
    tranches = [(first, amount)]
    if i % 3 == 0:
        second = schedule.add_months(first, 4)
        tranches = [(first, amount * Decimal("0.6")), (second, amount * Decimal("0.4"))]
    rows: list[Instalment] = []
    for day, part in tranches:
        tranche = Disbursement(loan=loan, date=day, amount_yuan=part)
        tranche.full_clean()
        tranche.save()
        ctx.created["loans.Disbursement"] += 1
        for row in schedule.build_schedule(
            principal=part,
            annual_rate=loan.annual_rate,
            months=loan.term_months,
            method=loan.repayment_method,
            start=day,
        ):
            rows.append(
                Instalment(
                    loan=loan, disbursement=tranche, number=row.number, due_date=row.due_date,
                    principal_yuan=row.principal, interest_yuan=row.interest,
                )
            )  # fmt: skip
    bulk_create_logged(Instalment, rows)
    history.append((LoanStatus.APPROVED, LoanStatus.DISBURSED, first, "首笔放款"))

    # Repay what falls due, on its due date, unless this is one of the loans in arrears.
    due: dict[datetime.date, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.due_date <= ctx.today:
            due[row.due_date] += row.principal_yuan + row.interest_yuan
    dates = sorted(due)
    if i in STOPPED:
        dates = [d for d in dates if d <= ctx.today - datetime.timedelta(days=120)]
    elif i in LATE_ONCE and dates:
        dates = dates[:-1]
    repayments = [Repayment(loan=loan, date=d, amount_yuan=due[d]) for d in dates]
    bulk_create_logged(Repayment, repayments)
    status = LoanStatus.DISBURSED
    if repayments:
        history.append((LoanStatus.DISBURSED, LoanStatus.REPAYING, dates[0], "首次还款"))
        status = LoanStatus.REPAYING
    for before, after, day, reason in history:
        record_status_change(
            user=None, loan=loan, from_status=before, to=after, date=day, reason=reason,
            at=_at(day),
        )  # fmt: skip
        ctx.created["loans.LoanStatusChange"] += 1
    loan.status = status
    loan.save(update_fields=["status", "last_updated"])
    ctx.created["loans.Instalment"] += len(rows)
    ctx.created["loans.Repayment"] += len(repayments)
