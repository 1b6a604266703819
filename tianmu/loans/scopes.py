"""Scope rules for loans.

Area roles see the loans of villages in their area; the village side (village cadre, town
officer, programme admin) may apply and change applications. A bank officer sees and acts on
the loans under its own products. Enterprises see the banks' products, nothing else.
The services add the finer rule: approving, disbursing and repayments are the bank's acts.
"""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.loans.models import (
    CreditLine,
    Disbursement,
    Instalment,
    Loan,
    LoanProduct,
    LoanStatusChange,
    Repayment,
)
from tianmu.registry.models import Organization
from tianmu.registry.scopes import organization_visible

BANKS = {Role.BANK}


def _is_bank(scope: Scope) -> bool:
    return scope.is_org and scope.role == Role.BANK


def product_visible(scope: Scope) -> Q:
    if _is_bank(scope):
        return Q(bank=scope.organization)
    return Q(bank__in=Organization.objects.filter(organization_visible(scope)))


def product_editable(scope: Scope) -> Q:
    return Q(bank=scope.organization) if _is_bank(scope) else NOTHING


def _lender(scope: Scope) -> Q:
    """Loans (or rows of loans) under the bank's own products."""
    return Q(product__bank=scope.organization) if _is_bank(scope) else NOTHING


def village_side(scope: Scope, prefix: str) -> Q:
    return scope.area_q(prefix) if scope.is_area else NOTHING


def credit_line_visible(scope: Scope) -> Q:
    if _is_bank(scope):
        return Q(product__bank=scope.organization)
    return village_side(scope, "village__area")


def loan_visible(scope: Scope) -> Q:
    if _is_bank(scope):
        return Q(product__bank=scope.organization)
    return village_side(scope, "village__area")


def loan_editable(scope: Scope) -> Q:
    if _is_bank(scope):
        return Q(product__bank=scope.organization)
    if scope.role in (Role.ADMIN, Role.TOWN, Role.VILLAGE):
        return scope.area_q("village__area")
    return NOTHING


def _of_loans(rule):
    return lambda s: Q(loan__in=Loan.objects.filter(rule(s)))


register(LoanProduct, visible=product_visible, editable=product_editable, creators=BANKS)
register(CreditLine, visible=credit_line_visible, editable=_lender, creators=BANKS)
register(
    Loan,
    visible=loan_visible,
    editable=loan_editable,
    creators={Role.ADMIN, Role.TOWN, Role.VILLAGE},
)
# Tranches, schedule rows, repayments and status changes follow their loan; only the bank
# (through the services) writes them.
for _model in (Disbursement, Instalment, Repayment, LoanStatusChange):
    register(_model, visible=_of_loans(loan_visible), editable=_of_loans(_lender), creators=BANKS)
