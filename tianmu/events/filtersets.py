"""One FilterSet for events, for the list page and the API alike."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tianmu.core.filtersets import SearchFilterSet
from tianmu.core.period_filters import add_period_filters
from tianmu.events.choices import EventKind
from tianmu.events.models import Event
from tianmu.registry.filtersets import AreaCodeFilter


class EventFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "village__area__name")
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("Kind"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    alliance = django_filters.NumberFilter(field_name="alliance_id", label=_("Alliance"))
    organization = django_filters.NumberFilter(
        field_name="organizations", label=_("Participating organisation")
    )
    area = AreaCodeFilter(field_name="village__area", label=_("Within area (code)"))
    ordering = django_filters.OrderingFilter(fields=("date", "title", "villagers_served"))

    class Meta:
        model = Event
        fields = ["kind"]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).distinct()


add_period_filters(EventFilterSet, field="date")
