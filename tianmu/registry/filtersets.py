"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianmu.core.filtersets import AreaCodeFilter, SearchFilterSet
from tianmu.registry.choices import AreaLevel, FicPosition, OrganizationKind, PartnerKind
from tianmu.registry.models import Area, Organization, Village


class AreaFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label=_("Level"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent"))
    area = AreaCodeFilter(field_name="", label=_("Within area (code)"))
    ordering = django_filters.OrderingFilter(fields=("name", "code", "level"))

    class Meta:
        model = Area
        fields = ["level", "parent"]


class VillageFilterSet(SearchFilterSet):
    search_fields = ("area__name", "area__code")
    area = AreaCodeFilter(field_name="area", label=_("Within area (code)"))
    town = django_filters.NumberFilter(field_name="area__parent_id", label=_("Town"))
    paired = django_filters.BooleanFilter(method="filter_paired", label=_("Paired now"))
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

    def filter_paired(self, queryset, name, value):
        # Imported here: alliances depends on registry, not the other way round.
        from tianmu.alliances.models import Pairing

        active = Pairing.active_on(timezone.localdate())
        paired = Pairing.objects.filter(active).values("village_id")
        return queryset.filter(pk__in=paired) if value else queryset.exclude(pk__in=paired)


class OrganizationFilterSet(SearchFilterSet):
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
    ordering = django_filters.OrderingFilter(fields=("name", "kind", "employees", "industry"))

    class Meta:
        model = Organization
        fields = ["kind", "partner_kind", "fic_executive", "fic_position", "is_example"]
