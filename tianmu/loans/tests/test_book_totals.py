"""`book_totals` (one SQL statement) and the running sums of `book_cells` (the fact table's
changes by day) give what `positions` (the schedule arithmetic in Python) gives, summed:
outstanding principal and the part more than 30 days past due, on many days, for books of
random loans — several repayment methods, tranches and part repayments."""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError

from tianmu.core.context import acting_as
from tianmu.loans import services
from tianmu.loans.models import Loan
from tianmu.loans.selectors import book_cells, book_totals, on_book, positions
from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory

D = datetime.date
METHODS = ("equal_principal", "equal_instalment", "interest_only", "bullet")


def _python_totals(loans, on):
    pos = positions(on_book(loans, on), on)
    outstanding = sum((p.outstanding_principal for p in pos.values()), Decimal("0.00"))
    at_risk = sum(
        (p.outstanding_principal for p in pos.values() if p.days_past_due > 30), Decimal("0.00")
    )
    return outstanding, at_risk


def test_book_totals_equal_the_schedule_arithmetic(world):
    rng = random.Random(14)
    bank = world.users["bank"]
    with acting_as(username="test-setup"):
        products = [
            LoanProductFactory(
                bank=world.bank, repayment_method=m, term_months=rng.choice((3, 6, 12))
            )
            for m in METHODS
        ]
    for n in range(16):
        with acting_as(username="test-setup"):
            loan = LoanFactory(
                product=rng.choice(products),
                village=rng.choice((world.v1a, world.v2a)),
                amount_requested_yuan=900_000,
                applied_on=D(2023, 12, 1),
            )
        start = D(2024, 1, 1) + datetime.timedelta(days=rng.randrange(200))
        services.loan_approve(user=bank, loan=loan, amount_yuan=Decimal(900_000), date=start)
        first = Decimal(rng.randrange(100, 600) * 1000)
        services.loan_disburse(user=bank, loan=loan, amount_yuan=first, date=start)
        if n % 3 == 0:  # a second tranche
            later = start + datetime.timedelta(days=rng.randrange(20, 90))
            services.loan_disburse(user=bank, loan=loan, amount_yuan=Decimal(200_000), date=later)
        for _ in range(rng.randrange(0, 4)):  # part repayments of odd amounts
            day = start + datetime.timedelta(days=rng.randrange(25, 300))
            amount = Decimal(rng.randrange(1_000, 150_000)) + Decimal("0.37")
            try:
                services.repayment_record(user=bank, loan=loan, amount_yuan=amount, date=day)
            except ValidationError:  # more than is owed that day: refused, as it should be
                continue
    loans = Loan.objects.all()
    cells = book_cells(list(Loan.objects.values_list("village_id", flat=True).distinct()))
    compared = at_risk_seen = 0
    for on in [D(2024, 1, 1) + datetime.timedelta(days=d) for d in range(0, 700, 23)]:
        expected = _python_totals(loans, on)
        assert book_totals(on_book(loans, on), on) == expected, on
        # the fact table's cells: the running sums of the changes up to `on`
        running = tuple(
            sum((c[4] for c in cells if c[0] == key and c[2] <= on), Decimal("0.00"))
            for key in ("loans_outstanding_yuan", "loans_at_risk_yuan")
        )
        assert running == expected, on
        compared += expected[0] > 0
        at_risk_seen += expected[1] > 0
    assert compared > 10 and at_risk_seen > 3  # the comparison covered real books


def test_book_totals_of_no_loans_are_zero(world):
    assert book_totals(Loan.objects.none(), D(2024, 6, 1)) == (Decimal("0.00"), Decimal("0.00"))
