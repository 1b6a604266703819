"""One FilterSet per model, for the list pages and the API alike."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianmu.core.filtersets import SearchFilterSet
from tianmu.core.period_filters import PeriodFilterSet, add_period_filters, period_of
from tianmu.core.periods import Period
from tianmu.core.workflow import ConfirmationStatus
from tianmu.employment.choices import (
    EmploymentType,
    PayBasis,
    PersonalField,
    WorkshopKind,
    WorkshopStatus,
)
from tianmu.employment.models import Person, PersonalDataAccess, Placement, Position, Workshop
from tianmu.employment.selectors import counted_placements
from tianmu.registry.filtersets import AreaCodeFilter


def _overlap(start, end) -> Q:
    """Placements active at any time in [start, end] (today when neither is given)."""
    return Period(start, end).overlap_q()


class WorkshopFilterSet(SearchFilterSet):
    search_fields = ("name", "location", "enterprise__name")
    kind = django_filters.ChoiceFilter(choices=WorkshopKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=WorkshopStatus.choices, label=_("Status"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    alliance = django_filters.NumberFilter(field_name="alliance_id", label=_("Alliance"))
    village = django_filters.NumberFilter(field_name="villages", label=_("Linked village"))
    area = AreaCodeFilter(field_name="villages__area", label=_("Within area (code)"))
    ordering = django_filters.OrderingFilter(fields=("name", "kind", "status", "opened_on"))

    class Meta:
        model = Workshop
        fields = ["kind", "status"]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).distinct()


class PositionFilterSet(SearchFilterSet):
    search_fields = ("title", "workshop__name")
    workshop = django_filters.NumberFilter(field_name="workshop_id", label=_("Workshop"))
    pay_basis = django_filters.ChoiceFilter(choices=PayBasis.choices, label=_("Pay basis"))
    employment_type = django_filters.ChoiceFilter(
        choices=EmploymentType.choices, label=_("Fixed or temporary")
    )
    is_open = django_filters.BooleanFilter(label=_("Open"))
    ordering = django_filters.OrderingFilter(fields=("title", "headcount"))

    class Meta:
        model = Position
        fields = ["pay_basis", "employment_type", "is_open"]


class PersonFilterSet(SearchFilterSet):
    """`q` searches names and households only. It never matches ID numbers or phones: a query
    string ends up in URLs, logs and browser history, and an exact-number filter that anyone
    who sees the masked list may use confirms the full number in a few guesses. Exact search
    by ID number is `POST /api/v1/people/search` (docs/personal-data.md)."""

    search_fields = ("name", "household")
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    area = AreaCodeFilter(field_name="village__area", label=_("Within area (code)"))
    low_income = django_filters.BooleanFilter(label=_("Low-income household"))
    is_example = django_filters.BooleanFilter(label=_("Invented example"))
    employed = django_filters.BooleanFilter(
        method="filter_employed", label=_("In a confirmed job in the period")
    )
    job_type = django_filters.ChoiceFilter(
        choices=EmploymentType.choices,
        method="filter_employed",
        label=_("Kind of job (fixed or temporary)"),
    )
    ordering = django_filters.OrderingFilter(fields=("name", "birth_year"))

    class Meta:
        model = Person
        fields = ["low_income", "is_example"]

    def filter_employed(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where the period is known

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        employed = self.form.cleaned_data.get("employed")
        if employed is None:
            return queryset
        start, end = period_of(self)
        placed = counted_placements().filter(_overlap(start, end))
        if self.form.cleaned_data.get("job_type"):
            placed = placed.filter(employment_type=self.form.cleaned_data["job_type"])
        placed = placed.values("person_id")
        return queryset.filter(pk__in=placed) if employed else queryset.exclude(pk__in=placed)


add_period_filters(PersonFilterSet)


class PlacementFilterSet(SearchFilterSet):
    search_fields = ("person__name", "position__title", "position__workshop__name")
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    position = django_filters.NumberFilter(field_name="position_id", label=_("Position"))
    workshop = django_filters.NumberFilter(field_name="position__workshop_id", label=_("Workshop"))
    enterprise = django_filters.NumberFilter(
        field_name="position__workshop__enterprise_id", label=_("Enterprise")
    )
    confirmation = django_filters.ChoiceFilter(
        choices=ConfirmationStatus.choices, label=_("Confirmation")
    )
    counted = django_filters.BooleanFilter(method="filter_counted", label=_("Counted in figures"))
    employment_type = django_filters.ChoiceFilter(
        choices=EmploymentType.choices, label=_("Fixed or temporary")
    )
    area = AreaCodeFilter(field_name="person__village__area", label=_("Within area (code)"))
    ordering = django_filters.OrderingFilter(fields=("start", "end"))

    class Meta:
        model = Placement
        fields = ["confirmation", "employment_type"]

    def filter_counted(self, queryset, name, value):
        """`counted=true`: what the job figures count (confirmed, not replaced by a confirmed
        correction); `false`: the rest."""
        counted = counted_placements().values("pk")
        return queryset.filter(pk__in=counted) if value else queryset.exclude(pk__in=counted)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start, end = period_of(self)
        if start is None and end is None:
            return queryset
        return queryset.filter(_overlap(start, end))


add_period_filters(PlacementFilterSet)


class PersonalDataAccessFilterSet(PeriodFilterSet):
    """The reveal log (reveals, ID-number searches, refused duplicates): `user` is a user
    name, `from`/`to` dates of the access."""

    user = django_filters.CharFilter(field_name="user_name", label=_("User"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    action = django_filters.ChoiceFilter(
        choices=PersonalDataAccess.Action.choices, label=_("Action")
    )
    field = django_filters.ChoiceFilter(choices=PersonalField.choices, label=_("Field"))

    class Meta:
        model = PersonalDataAccess
        fields = ["action", "field"]


add_period_filters(PersonalDataAccessFilterSet, field="time__date")
