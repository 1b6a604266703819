"""Common-prosperity loans (共富贷): banks' loan products, credit lines per village, loans with
their tranches, repayment schedule, repayments and status history.

Lifecycle (choices.TRANSITIONS): applied → approved or rejected → disbursed (one or more
tranches) → repaying → closed, or written off. Every status change is a LoanStatusChange row
(who, when, why); the services are the only writers of `Loan.status`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ChangeLoggedModel
from tianmu.loans.choices import LoanStatus, RepaymentMethod
from tianmu.registry.choices import OrganizationKind, PartnerKind

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 6}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


def _is_bank(org) -> bool:
    return org.kind == OrganizationKind.PARTNER and org.partner_kind == PartnerKind.FINANCIAL


class LoanProduct(ChangeLoggedModel):
    """A loan product a bank (a financial cooperating unit) offers villages."""

    bank = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("bank"),
        on_delete=models.PROTECT,
        related_name="loan_products",
        limit_choices_to={
            "kind": OrganizationKind.PARTNER,
            "partner_kind": PartnerKind.FINANCIAL,
        },
    )
    name = models.CharField(_("name"), max_length=200)
    annual_rate = models.DecimalField(
        _("annual interest rate"),
        **RATE,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("A fraction: 0.0385 for 3.85 % a year."),
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    repayment_method = models.CharField(
        _("repayment method"), max_length=20, choices=RepaymentMethod.choices
    )
    max_amount_yuan = models.DecimalField(
        _("maximum amount (yuan)"), **MONEY, null=True, blank=True, validators=POSITIVE
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["bank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "name"], name="loan_product_name_per_bank")
        ]
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.bank_id and not _is_bank(self.bank):
            raise ValidationError(
                {"bank": _("Loan products are offered by a bank (a financial cooperating unit).")}
            )


class CreditLine(ChangeLoggedModel):
    """A bank's credit line (授信) for one village under a product."""

    product = models.ForeignKey(
        LoanProduct,
        verbose_name=_("loan product"),
        on_delete=models.PROTECT,
        related_name="credit_lines",
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="credit_lines",
    )
    limit_yuan = models.DecimalField(_("limit (yuan)"), **MONEY, validators=POSITIVE)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["village", "-start"]
        verbose_name = _("credit line")
        verbose_name_plural = _("credit lines")

    def __str__(self) -> str:
        return f"{self.village} · {self.product}"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date cannot be before the start date.")})


class Loan(ChangeLoggedModel):
    """A loan to a village collective: what was asked, approved, disbursed and repaid.

    Rate, term and method are copied from the product at application, so a later change of
    the product does not rewrite running loans.
    """

    product = models.ForeignKey(
        LoanProduct, verbose_name=_("loan product"), on_delete=models.PROTECT, related_name="loans"
    )
    credit_line = models.ForeignKey(
        CreditLine,
        verbose_name=_("credit line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("borrower (village collective)"),
        on_delete=models.PROTECT,
        related_name="loans",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        help_text=_("The collective industry project the loan finances, if any."),
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    amount_requested_yuan = models.DecimalField(
        _("amount requested (yuan)"), **MONEY, validators=POSITIVE
    )
    amount_approved_yuan = models.DecimalField(
        _("amount approved (yuan)"), **MONEY, null=True, blank=True, validators=POSITIVE
    )
    annual_rate = models.DecimalField(
        _("annual interest rate"), **RATE, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    repayment_method = models.CharField(
        _("repayment method"), max_length=20, choices=RepaymentMethod.choices
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=LoanStatus.choices,
        default=LoanStatus.APPLIED,
        db_index=True,
    )
    applied_on = models.DateField(_("applied on"))
    decided_on = models.DateField(_("approved or rejected on"), null=True, blank=True)
    closed_on = models.DateField(
        _("closed or written off on"),
        null=True,
        blank=True,
        help_text=_("From this day the loan is off the book."),
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [
            models.Index(fields=["-applied_on", "-id"], name="loans_loan_list_idx"),
            # The list's other sortable columns.
            models.Index(fields=["amount_requested_yuan", "id"], name="loans_loan_requested_idx"),
            models.Index(fields=["amount_approved_yuan", "id"], name="loans_loan_approved_idx"),
        ]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return f"{self.village} · {self.purpose}"[:200]

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.credit_line_id
            and self.village_id
            and self.credit_line.village_id != self.village_id
        ):
            errors["credit_line"] = _("The credit line belongs to another village.")
        if (
            self.credit_line_id
            and self.product_id
            and self.credit_line.product_id != self.product_id
        ):
            errors["credit_line"] = _("The credit line is for another loan product.")
        if self.project_id and self.village_id and self.project.village_id != self.village_id:
            errors["project"] = _("The project belongs to another village.")
        if (
            self.product_id
            and self.product.max_amount_yuan is not None
            and self.amount_requested_yuan is not None
            and self.amount_requested_yuan > self.product.max_amount_yuan
        ):
            errors["amount_requested_yuan"] = _("The product lends at most %(max)s yuan.") % {
                "max": self.product.max_amount_yuan
            }
        if errors:
            raise ValidationError(errors)

    def workflow_date(self) -> datetime.date | None:
        return self.applied_on

    def workflow_area(self):
        return self.village.area if self.village_id else None


class Disbursement(ChangeLoggedModel):
    """One tranche paid out to the village; its own part of the schedule starts here."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="disbursements"
    )
    date = models.DateField(_("date"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), **MONEY, validators=POSITIVE)

    class Meta:
        ordering = ["loan", "date", "id"]
        indexes = [models.Index(fields=["loan", "date", "id"], name="loans_disbursement_loan_idx")]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")

    def __str__(self) -> str:
        return f"{self.loan.village} {self.date} {self.amount_yuan}"

    def workflow_date(self) -> datetime.date | None:
        return self.date

    def workflow_area(self):
        return self.loan.village.area if self.loan_id else None


class Instalment(ChangeLoggedModel):
    """One scheduled payment of a tranche (generated by the platform, never typed in)."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="instalments"
    )
    disbursement = models.ForeignKey(
        Disbursement,
        verbose_name=_("disbursement"),
        on_delete=models.PROTECT,
        related_name="instalments",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"), db_index=True)
    principal_yuan = models.DecimalField(_("principal (yuan)"), **MONEY)
    interest_yuan = models.DecimalField(_("interest (yuan)"), **MONEY)

    class Meta:
        ordering = ["loan", "due_date", "disbursement", "number"]
        # A loan's schedule in its order, read off the index (loan pages, PAR30).
        indexes = [models.Index(fields=["loan", "due_date"], name="loans_instalment_loan_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["disbursement", "number"], name="instalment_number_per_tranche"
            )
        ]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return f"#{self.number} {self.due_date}"

    @property
    def total_yuan(self) -> Decimal:
        return self.principal_yuan + self.interest_yuan


class Repayment(ChangeLoggedModel):
    """Money the village paid back on a date; allocated to instalments in due order."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="repayments"
    )
    date = models.DateField(_("date"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), **MONEY, validators=POSITIVE)
    is_prepayment = models.BooleanField(
        _("prepayment"),
        default=False,
        help_text=_("Pays instalments that are not due yet."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["loan", "date", "id"]
        indexes = [models.Index(fields=["loan", "date", "id"], name="loans_repayment_loan_idx")]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")

    def __str__(self) -> str:
        return f"{self.loan.village} {self.date} {self.amount_yuan}"

    def workflow_date(self) -> datetime.date | None:
        return self.date

    def workflow_area(self):
        return self.loan.village.area if self.loan_id else None


class LoanStatusChange(ChangeLoggedModel):
    """One step of a loan's lifecycle: from, to, who, when and why."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=LoanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=LoanStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_by_name = models.CharField(_("by (name)"), max_length=150)
    changed_at = models.DateTimeField(_("at"))
    date = models.DateField(_("effective date"))
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["loan", "changed_at", "id"]
        indexes = [
            models.Index(fields=["loan", "changed_at", "id"], name="loans_statuschange_loan_idx")
        ]
        verbose_name = _("loan status change")
        verbose_name_plural = _("loan status changes")

    def __str__(self) -> str:
        before = self.get_from_status_display() if self.from_status else "∅"
        return f"{before} → {self.get_to_status_display()}"
