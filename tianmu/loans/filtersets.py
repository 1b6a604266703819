"""One FilterSet per model, for the list pages and the API alike."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tianmu.core.filtersets import SearchFilterSet
from tianmu.core.period_filters import add_period_filters, period_of
from tianmu.core.periods import dated_q
from tianmu.loans.choices import LoanStatus, RepaymentMethod
from tianmu.loans.models import CreditLine, Disbursement, Loan, LoanProduct
from tianmu.registry.filtersets import AreaCodeFilter


class LoanProductFilterSet(SearchFilterSet):
    search_fields = ("name", "bank__name")
    bank = django_filters.NumberFilter(field_name="bank_id", label=_("Bank"))
    repayment_method = django_filters.ChoiceFilter(
        choices=RepaymentMethod.choices, label=_("Repayment method")
    )
    is_active = django_filters.BooleanFilter(label=_("Offered"))
    ordering = django_filters.OrderingFilter(fields=("name", "annual_rate", "term_months"))

    class Meta:
        model = LoanProduct
        fields = ["repayment_method", "is_active"]


class CreditLineFilterSet(SearchFilterSet):
    search_fields = ("village__area__name", "product__name")
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    product = django_filters.NumberFilter(field_name="product_id", label=_("Loan product"))
    area = AreaCodeFilter(field_name="village__area", label=_("Within area (code)"))
    ordering = django_filters.OrderingFilter(fields=("start", "limit_yuan"))

    class Meta:
        model = CreditLine
        fields = []


class LoanFilterSet(SearchFilterSet):
    """`from`/`to`: loans with a tranche paid out in the period (what `loans_disbursed_yuan`
    sums); `outstanding_on`: loans on the book that day (what `loans_outstanding_yuan` and
    `par30` are computed from)."""

    search_fields = ("purpose", "village__area__name", "product__name")
    status = django_filters.MultipleChoiceFilter(choices=LoanStatus.choices, label=_("Status"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    product = django_filters.NumberFilter(field_name="product_id", label=_("Loan product"))
    bank = django_filters.NumberFilter(field_name="product__bank_id", label=_("Bank"))
    area = AreaCodeFilter(field_name="village__area", label=_("Within area (code)"))
    outstanding_on = django_filters.DateFilter(
        method="filter_outstanding_on", label=_("On the book on")
    )
    ordering = django_filters.OrderingFilter(
        fields=("applied_on", "amount_requested_yuan", "amount_approved_yuan", "status")
    )

    class Meta:
        model = Loan
        fields = ["status"]

    def filter_outstanding_on(self, queryset, name, value):
        from tianmu.loans.selectors import on_book

        return on_book(queryset, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start, end = period_of(self)
        if start is None and end is None:
            return queryset
        tranches = Disbursement.objects.filter(dated_q("date", start, end))
        return queryset.filter(pk__in=tranches.values("loan_id"))


add_period_filters(LoanFilterSet)
