"""Loans on top of the shared test world (see `book`)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tianmu.core.context import acting_as
from tianmu.core.tests.api_client import ApiClient
from tianmu.loans import services
from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory

D = datetime.date


@pytest.fixture
def api(world):
    return ApiClient(world)


@pytest.fixture
def book(world):
    """Products: 共富贷A (world.bank, 12 months, equal principal, 3.6 %), 富阳贷 (bank_b).

    Loans (as of the dates below):
    - good: 望湖村 v1a, 1,200,000 approved, paid out 1,200,000 on 2024-01-15, repaid the five
      instalments due 15 Feb – 15 Jun 2024 on 2024-06-15: 5 × 100,000 principal + interest
      3,600 + 3,300 + 3,000 + 2,700 + 2,400 = 515,000.
    - late: 示例二村 v2a, 600,000 paid out on 2024-01-15, nothing repaid.
    - applied: v1a, an application only.
    - fuyang: 示例富阳村 vb (county B) with bank_b, 300,000 paid out on 2024-03-01.
    """
    w = world
    bank = w.users["bank"]
    bank_b = w.outsiders["bank"]
    b = SimpleNamespace()
    with acting_as(username="test-setup"):
        b.product = LoanProductFactory(bank=w.bank, name="共富贷A")
        b.product_b = LoanProductFactory(bank=w.bank_b, name="富阳贷")
        b.good = LoanFactory(product=b.product, village=w.v1a, amount_requested_yuan=1_200_000)
        b.late = LoanFactory(product=b.product, village=w.v2a, amount_requested_yuan=600_000)
        b.applied = LoanFactory(product=b.product, village=w.v1a, purpose="申请中")
        b.fuyang = LoanFactory(product=b.product_b, village=w.vb, amount_requested_yuan=300_000)
    for loan, user, amount, day in (
        (b.good, bank, Decimal(1_200_000), D(2024, 1, 15)),
        (b.late, bank, Decimal(600_000), D(2024, 1, 15)),
        (b.fuyang, bank_b, Decimal(300_000), D(2024, 3, 1)),
    ):
        services.loan_approve(user=user, loan=loan, amount_yuan=amount, date=D(2024, 1, 12))
        services.loan_disburse(user=user, loan=loan, amount_yuan=amount, date=day)
    services.repayment_record(
        user=bank, loan=b.good, amount_yuan=Decimal(515_000), date=D(2024, 6, 15)
    )
    for loan in (b.good, b.late, b.applied, b.fuyang):
        loan.refresh_from_db()
    return b
