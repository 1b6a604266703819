"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianmu.core.filtersets import SearchFilterSet
from tianmu.core.period_filters import ActivePeriodMixin, add_period_filters, period_of
from tianmu.registry.choices import AreaLevel, FicPosition, OrganizationKind, PartnerKind
from tianmu.registry.models import Area, Organization, Village, VillageIncome
from tianmu.registry.selectors import area_from_code


class AreaCodeFilter(django_filters.CharFilter):
    """`area=<division code or id>`: rows located in that area's subtree.

    `field_name` is the path to an Area from the filtered model ("" for Area itself).
    An unknown code matches nothing rather than everything.
    """

    def area_q(self, value) -> Q:
        """Rows located in the subtree of area `value` (a code or id); none for an unknown one.

        Also asked by core's `ActivePeriodMixin` for its `active_area_filter` (core may not
        import registry, so it asks the filter)."""
        area = area_from_code(value)
        if area is None:
            return Q(pk__in=[])
        prefix = self.field_name
        pk_field = f"{prefix}__pk" if prefix else "pk"
        path_field = f"{prefix}__path__startswith" if prefix else "path__startswith"
        return Q(**{pk_field: area.pk}) | Q(**{path_field: area.subtree_prefix()})

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(self.area_q(value))


class AreaFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label=_("Level"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent"))
    area = AreaCodeFilter(field_name="", label=_("Within area (code)"))
    ordering = django_filters.OrderingFilter(fields=("name", "code", "level"))

    class Meta:
        model = Area
        fields = ["level", "parent"]


def income_years_q(start, end) -> Q:
    """Income rows whose year falls in [start, end]: a year's row is dated 31 December of that
    year (the 三资 ledger closes the year then), so `from=2025-01-01&to=2025-12-31` is 2025,
    and `to=2025-06-30` ends with 2024. Either date may be None (that end open)."""
    q = Q()
    if start is not None:
        q &= Q(year__gte=start.year)
    if end is not None:
        q &= Q(year__lte=end.year if (end.month, end.day) == (12, 31) else end.year - 1)
    return q


class VillageIncomeFilterSet(SearchFilterSet):
    """Villages' yearly incomes: by area (a town's villages), village and year; `from`/`to`
    take the rows whose year's 31 December falls in the period (`income_years_q`)."""

    search_fields = ("village__area__name", "village__area__code")
    area = AreaCodeFilter(field_name="village__area", label=_("Village area (code)"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    year = django_filters.NumberFilter(label=_("Year"))
    ordering = django_filters.OrderingFilter(fields=("year", ("village__area__code", "code")))

    class Meta:
        model = VillageIncome
        fields = ["year"]

    def filter_queryset(self, queryset):
        start, end = period_of(self)
        return super().filter_queryset(queryset).filter(income_years_q(start, end))


add_period_filters(VillageIncomeFilterSet)


class VillageFilterSet(ActivePeriodMixin, SearchFilterSet):
    """`active`, `from`, `to` select villages by the terms of their pairings."""

    search_fields = ("area__name", "area__code")
    active_prefix = "pairings__"
    area = AreaCodeFilter(field_name="area", label=_("Within area (code)"))
    town = django_filters.NumberFilter(field_name="area__parent_id", label=_("Town"))
    is_example = django_filters.BooleanFilter(label=_("Invented example"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("area__name", "name"),
            ("area__code", "code"),
            "population",
            "low_income_households",
        )
    )

    class Meta:
        model = Village
        fields = ["is_example"]

    # counted_q (a village counts through the pairings of alliances that are not drafts) is
    # set by alliances, which owns alliances (add_membership_filters; docs/overview.md#layers).


class OrganizationFilterSet(SearchFilterSet):
    """Organisations. The alliance-membership filters (`alliance_role`, `in_alliance`,
    `paired_area`, `active`, `from`, `to`) are added by the alliances app, which owns
    memberships (tianmu/alliances/filtersets.py, `add_membership_filters`)."""

    search_fields = ("name", "credit_code", "industry")
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label=_("Kind"))
    partner_kind = django_filters.ChoiceFilter(
        choices=PartnerKind.choices, label=_("Cooperating-unit kind")
    )
    fic_executive = django_filters.BooleanFilter(label=_("FIC executive member"))
    fic_position = django_filters.ChoiceFilter(
        choices=FicPosition.choices[1:], label=_("FIC position")
    )
    area = AreaCodeFilter(field_name="home_town", label=_("Town (code)"))
    industry = django_filters.CharFilter(lookup_expr="icontains", label=_("Industry"))
    is_example = django_filters.BooleanFilter(label=_("Invented example"))
    ordering = django_filters.OrderingFilter(fields=("name", "kind", "employees", "industry"))

    class Meta:
        model = Organization
        fields = ["kind", "partner_kind", "fic_executive", "fic_position", "is_example"]
