import datetime
from decimal import Decimal

import factory

from tianmu.loans.models import CreditLine, Loan, LoanProduct


class LoanProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoanProduct

    name = factory.Sequence(lambda n: f"共富贷{n}号")
    annual_rate = Decimal("0.0360")
    term_months = 12
    repayment_method = "equal_principal"


class CreditLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditLine

    limit_yuan = Decimal("5000000.00")
    start = datetime.date(2024, 1, 1)


class LoanFactory(factory.django.DjangoModelFactory):
    """An application; drive it further with the services (they write the status history)."""

    class Meta:
        model = Loan

    purpose = factory.Sequence(lambda n: f"村集体产业项目{n}")
    amount_requested_yuan = Decimal("1000000.00")
    annual_rate = factory.LazyAttribute(lambda o: o.product.annual_rate)
    term_months = factory.LazyAttribute(lambda o: o.product.term_months)
    repayment_method = factory.LazyAttribute(lambda o: o.product.repayment_method)
    applied_on = datetime.date(2024, 1, 10)
