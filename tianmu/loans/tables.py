"""Columns of the loan list pages."""

from django.utils.translation import gettext_lazy as _

from tianmu.core.money import format_yuan
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
        Column(lambda c: format_yuan(c.limit_yuan), _("limit"), order="limit_yuan"),
        Column("start", order="start"),
        Column("end"),
    )


class LoanTable(Table):
    model = Loan
    columns = (
        Column("village", _("borrower (village collective)")),
        Column("purpose", link=True),
        Column("product.bank", _("bank")),
        Column(
            lambda loan: format_yuan(loan.amount_approved_yuan or loan.amount_requested_yuan),
            _("amount"),
            order="amount_approved_yuan",
        ),
        Column(
            lambda loan: format_yuan(loan.disbursed_yuan),
            _("disbursed in the period"),
            total="disbursed_yuan",
        ),
        Column("status", order="status"),
        Column("applied_on", order="applied_on"),
    )
