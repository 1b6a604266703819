"""One FilterSet per model, for the runs page and `GET /api/v1/matching/runs` alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from tianmu.core.filtersets import SearchFilterSet
from tianmu.matching.choices import RunStatus, SolverStatus
from tianmu.matching.models import MatchingRun


class MatchingRunFilterSet(SearchFilterSet):
    search_fields = ("program__name", "requested_by__username")
    program = django_filters.NumberFilter(field_name="program", label=_("Programme (id)"))
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=_("status"))
    solver_status = django_filters.ChoiceFilter(
        choices=SolverStatus.choices, label=_("solver status")
    )
    ordering = django_filters.OrderingFilter(fields=("created", "objective", "seconds"))

    class Meta:
        model = MatchingRun
        fields = []
