"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianmu.commerce.models import Agreement
from tianmu.core.filtersets import SearchFilterSet
from tianmu.core.period_filters import ActivePeriodMixin, period_of
from tianmu.core.workflow import ReviewStatus
from tianmu.projects.choices import ProjectCategory, ProjectKind, ProjectStatus
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage
from tianmu.registry.filtersets import AreaCodeFilter


class ProjectFilterSet(ActivePeriodMixin, SearchFilterSet):
    """`from`/`to` keep projects under way in the period (the `projects` figure)."""

    search_fields = ("name", "brand", "village__area__name", "description")
    kind = django_filters.ChoiceFilter(choices=ProjectKind.choices, label=_("Kind"))
    category = django_filters.ChoiceFilter(choices=ProjectCategory.choices, label=_("Category"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    alliance = django_filters.NumberFilter(field_name="alliance_id", label=_("Alliance"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    area = AreaCodeFilter(field_name="village__area", label=_("Village area (code)"))
    enterprise = django_filters.NumberFilter(
        method="filter_enterprise", label=_("Enterprise with a signed agreement")
    )
    ordering = django_filters.OrderingFilter(fields=("name", "start", "status"))

    class Meta:
        model = Project
        fields = []

    def filter_enterprise(self, queryset, name, value):
        """Projects the enterprise buys from under a signed agreement (not a draft)."""
        signed = Agreement.objects.filter(enterprise_id=value, signed_on__isnull=False)
        return queryset.filter(pk__in=signed.values("project_id"))


class ProjectVillageFilterSet(ActivePeriodMixin, SearchFilterSet):
    """`from`/`to` keep participations in projects under way in the period; `driven=true`
    keeps what the `villages_driven` figure counts: villages taking part in another village's
    project, joined by the end of the period, one row per village (its first participation)."""

    active_prefix = "project__"
    search_fields = ("village__area__name", "project__name", "project__brand", "supplies")
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    area = AreaCodeFilter(field_name="village__area", label=_("Village area (code)"))
    driven = django_filters.BooleanFilter(
        method="filter_driven", label=_("Villages driven (one row per village)")
    )

    class Meta:
        model = ProjectVillage
        fields = []

    def filter_driven(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where the period is known

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("driven"):
            return queryset
        start, end = period_of(self)
        if self.form.cleaned_data.get("active") or not (start or end):
            end = timezone.localdate()
        rows = queryset.exclude(village=F("project__village"))
        if end is not None:
            rows = rows.filter(Q(joined__isnull=True) | Q(joined__lte=end))
        first = rows.order_by().values("village_id").annotate(first=Min("pk")).values("first")
        return queryset.filter(pk__in=first)


class ProjectUpdateFilterSet(SearchFilterSet):
    search_fields = ("title", "text", "project__name")
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project"))
    review_status = django_filters.ChoiceFilter(
        choices=ReviewStatus.choices, label=_("Review status")
    )
    area = AreaCodeFilter(field_name="project__village__area", label=_("Village area (code)"))

    class Meta:
        model = ProjectUpdate
        fields = []
