"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from tianmu.commerce.choices import AgreementStatus, OrderPurpose, OrderStatus, ProductCategory
from tianmu.commerce.models import (
    Agreement,
    Delivery,
    OrderDelivery,
    Payment,
    Product,
    PurchaseOrder,
)
from tianmu.core.filtersets import SearchFilterSet
from tianmu.core.period_filters import PeriodFilterSet, add_period_filters
from tianmu.core.workflow import ConfirmationStatus, confirmed_q
from tianmu.registry.filtersets import AreaCodeFilter


class FlowPeriodMixin(PeriodFilterSet):
    """`from`/`to`: records dated in the period (the flow convention of the figures)."""

    date_field = "date"
    # "from" is a Python keyword, so the two filters are declared by name.
    locals()["from"] = django_filters.DateFilter(method="filter_from", label=_("From"))
    locals()["to"] = django_filters.DateFilter(method="filter_to", label=_("To"))

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})


class ConfirmationFilterMixin(django_filters.FilterSet):
    """`confirmation=reported|confirmed|disputed`; `counted=true` keeps what figures count
    (confirmed and not replaced by a confirmed correction)."""

    confirmation = django_filters.ChoiceFilter(
        choices=ConfirmationStatus.choices, label=_("Confirmation")
    )
    counted = django_filters.BooleanFilter(method="filter_counted", label=_("Counted in figures"))

    def filter_counted(self, queryset, name, value):
        return queryset.filter(confirmed_q()) if value else queryset.exclude(confirmed_q())


class ProductFilterSet(SearchFilterSet):
    search_fields = ("name", "village__area__name", "description")
    category = django_filters.ChoiceFilter(choices=ProductCategory.choices, label=_("Category"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    area = AreaCodeFilter(field_name="village__area", label=_("Village area (code)"))
    available = django_filters.BooleanFilter(label=_("Available"))
    ordering = django_filters.OrderingFilter(fields=("name", "price", "category"))

    class Meta:
        model = Product
        fields = []


class AgreementFilterSet(SearchFilterSet):
    search_fields = ("title", "enterprise__name", "village__area__name", "project__name")
    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices, label=_("Status"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    area = AreaCodeFilter(field_name="village__area", label=_("Village area (code)"))
    ordering = django_filters.OrderingFilter(fields=("title", "start", "end", "status"))

    class Meta:
        model = Agreement
        fields = []


# An agreement is dated by its signature (as the period lock dates it): `from`/`to` keep the
# agreements signed in the period, so a draft (not signed) is in no period.
add_period_filters(AgreementFilterSet, field="signed_on")


class DeliveryFilterSet(ConfirmationFilterMixin, FlowPeriodMixin, SearchFilterSet):
    search_fields = ("line__product_name", "agreement__title", "agreement__enterprise__name")
    agreement = django_filters.NumberFilter(field_name="agreement_id", label=_("Agreement"))
    project = django_filters.NumberFilter(field_name="agreement__project_id", label=_("Project"))
    with_project = django_filters.BooleanFilter(
        field_name="agreement__project", lookup_expr="isnull", exclude=True,
        label=_("For a project"),
    )  # fmt: skip
    enterprise = django_filters.NumberFilter(
        field_name="agreement__enterprise_id", label=_("Enterprise")
    )
    area = AreaCodeFilter(field_name="agreement__village__area", label=_("Village area (code)"))

    class Meta:
        model = Delivery
        fields = []


class PurchaseOrderFilterSet(FlowPeriodMixin, SearchFilterSet):
    date_field = "placed_on"
    search_fields = ("enterprise__name", "village__area__name", "lines__product_name", "note")
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    purpose = django_filters.ChoiceFilter(choices=OrderPurpose.choices, label=_("Purpose"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    agreement = django_filters.NumberFilter(field_name="agreement_id", label=_("Agreement"))
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    area = AreaCodeFilter(field_name="village__area", label=_("Village area (code)"))
    ordering = django_filters.OrderingFilter(fields=("placed_on", "status"))

    class Meta:
        model = PurchaseOrder
        fields = []

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class OrderDeliveryFilterSet(ConfirmationFilterMixin, FlowPeriodMixin, django_filters.FilterSet):
    order = django_filters.NumberFilter(field_name="order_id", label=_("Order"))
    area = AreaCodeFilter(field_name="order__village__area", label=_("Village area (code)"))

    class Meta:
        model = OrderDelivery
        fields = []


class PaymentFilterSet(ConfirmationFilterMixin, FlowPeriodMixin, SearchFilterSet):
    """The records `purchase_income_yuan` (counted=true) and `purchase_income_reported_yuan`
    (confirmation=reported) sum."""

    search_fields = ("order__enterprise__name", "order__village__area__name", "note")
    order = django_filters.NumberFilter(field_name="order_id", label=_("Order"))
    enterprise = django_filters.NumberFilter(
        field_name="order__enterprise_id", label=_("Enterprise")
    )
    village = django_filters.NumberFilter(field_name="order__village_id", label=_("Village"))
    area = AreaCodeFilter(field_name="order__village__area", label=_("Village area (code)"))

    class Meta:
        model = Payment
        fields = []
