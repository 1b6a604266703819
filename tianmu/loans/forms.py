"""Forms for loans, used by the pages and (for validation) by the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.core.forms import ScopedModelForm
from tianmu.loans.models import CreditLine, Loan, LoanProduct
from tianmu.registry.choices import OrganizationKind, PartnerKind


class LoanProductForm(ScopedModelForm):
    scoped_fields = {"bank": "editable"}

    class Meta:
        model = LoanProduct
        fields = [
            "bank",
            "name",
            "annual_rate",
            "term_months",
            "repayment_method",
            "max_amount_yuan",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = self.fields["bank"].queryset.filter(
            kind=OrganizationKind.PARTNER, partner_kind=PartnerKind.FINANCIAL
        )


class CreditLineForm(ScopedModelForm):
    scoped_fields = {"product": "editable", "village": "visible"}

    class Meta:
        model = CreditLine
        fields = ["product", "village", "limit_yuan", "start", "end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = self.fields["village"].queryset.select_related("area")


class LoanForm(ScopedModelForm):
    """An application: rate, term and method come from the product."""

    scoped_fields = {
        "product": "visible",
        "credit_line": "visible",
        "village": "editable",
        "project": "visible",
    }

    class Meta:
        model = Loan
        fields = [
            "village",
            "product",
            "credit_line",
            "project",
            "purpose",
            "amount_requested_yuan",
            "applied_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = self.fields["village"].queryset.select_related("area")
        self.fields["product"].queryset = self.fields["product"].queryset.filter(is_active=True)
        self.instance.annual_rate = self.instance.annual_rate or 0
        if not self.instance.term_months:
            self.instance.term_months = 1
        if not self.instance.repayment_method:
            self.instance.repayment_method = "bullet"

    def _post_clean(self):
        product = self.cleaned_data.get("product")
        if product is not None:  # validate with the terms the service will copy
            self.instance.annual_rate = product.annual_rate
            self.instance.term_months = product.term_months
            self.instance.repayment_method = product.repayment_method
        super()._post_clean()


class DecisionForm(forms.Form):
    """Approve (with an amount), reject, close or write off: a date and a reason."""

    date = forms.DateField(label=_("date"))
    amount_yuan = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=14, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class DisbursementForm(forms.Form):
    date = forms.DateField(label=_("date"))
    amount_yuan = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2)


class RepaymentForm(forms.Form):
    date = forms.DateField(label=_("date"))
    amount_yuan = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2)
    is_prepayment = forms.BooleanField(label=_("prepayment"), required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
