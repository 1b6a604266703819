"""Loan services called outside any request name their user in the change log."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from tianmu.core.context import acting_as
from tianmu.loans import services
from tianmu.loans.models import Loan
from tianmu.loans.tests.factories import LoanProductFactory
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_loan_outside_a_request_names_each_user(world):
    village, bank = world.users["village"], world.users["bank"]
    with acting_as(username="test-setup"):
        product = LoanProductFactory(bank=world.bank, term_months=3)

    with logged_changes() as rows:
        loan = services.loan_apply(
            user=village,
            loan=Loan(
                product=product, village=world.v1a, purpose="茶园",
                amount_requested_yuan=Decimal("300000"), applied_on=D(2024, 1, 10),
            ),
        )  # fmt: skip
    assert changed_models(rows) == [("loan", "create"), ("loanstatuschange", "create")]
    assert change_authors(rows) == {(village.pk, "village_v1a")}

    with logged_changes() as rows:
        services.loan_approve(
            user=bank, loan=loan, amount_yuan=Decimal("300000"), date=D(2024, 1, 12)
        )
    assert Counter(changed_models(rows)) == {
        ("loan", "update"): 2,
        ("loanstatuschange", "create"): 1,
    }
    assert change_authors(rows) == {(bank.pk, "bank_p1")}

    # The tranche and its schedule (three instalments, bulk-inserted) were "system" before.
    with logged_changes() as rows:
        services.loan_disburse(
            user=bank, loan=loan, amount_yuan=Decimal("300000"), date=D(2024, 1, 15)
        )
    assert Counter(changed_models(rows)) == {
        ("disbursement", "create"): 1,
        ("instalment", "create"): 3,
        ("loanstatuschange", "create"): 1,
        ("loan", "update"): 1,
    }
    assert change_authors(rows) == {(bank.pk, "bank_p1")}

    with logged_changes() as rows:
        services.repayment_record(
            user=bank, loan=loan, amount_yuan=Decimal("100900"), date=D(2024, 2, 15)
        )
    assert ("repayment", "create") in changed_models(rows)
    assert change_authors(rows) == {(bank.pk, "bank_p1")}


def test_a_status_change_without_a_user_keeps_the_scripts_actor(world):
    """The demo records history with user=None: the row names the command, not "system"."""
    with acting_as(username="test-setup"):
        product = LoanProductFactory(bank=world.bank)
        loan = Loan.objects.create(
            product=product, village=world.v1a, purpose="旧账", annual_rate=product.annual_rate,
            term_months=12, repayment_method=product.repayment_method,
            amount_requested_yuan=Decimal("1000"), applied_on=D(2024, 1, 1),
        )  # fmt: skip
    with acting_as(username="loaddemo"), logged_changes() as rows:
        change = services.record_status_change(
            user=None, loan=loan, from_status="", to="applied", date=D(2024, 1, 1), reason="导入"
        )
    assert change.changed_by_name == "loaddemo"
    assert change_authors(rows) == {(None, "loaddemo")}
