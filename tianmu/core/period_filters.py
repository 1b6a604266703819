"""`from` / `to` query parameters for FilterSets: the same names the KPI API takes, so a
figure's link can carry its period to the list of the records it counts.

Two shapes, one convention (tianmu/dashboard/selectors.py):
- `ActivePeriodMixin`: rows whose own [start, end] term meets the period (a *stock*), plus
  `active=true` for what is active today.
- `add_period_filters()`: for FilterSets that apply the dates themselves or filter a date field.

`from` is a Python keyword, so the filters cannot be declared as class attributes; call
`add_period_filters()` after the class. With `field`, rows whose date falls in [from, to] (a
*flow*). Without, the filters only validate the dates and the FilterSet applies them itself
(a *stock*: see `period_of`).
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _keep(queryset, name, value):
    return queryset


def add_period_filters(filterset_class, *, field: str | None = None):
    if field is not None:
        start = django_filters.DateFilter(field_name=field, lookup_expr="gte", label=_("From"))
        end = django_filters.DateFilter(field_name=field, lookup_expr="lte", label=_("To"))
    else:
        start = django_filters.DateFilter(method=_keep, label=_("From"))
        end = django_filters.DateFilter(method=_keep, label=_("To"))
    filterset_class.base_filters["from"] = start
    filterset_class.base_filters["to"] = end
    return filterset_class


def period_of(filterset) -> tuple[datetime.date | None, datetime.date | None]:
    """The validated (from, to) of a bound FilterSet."""
    data = getattr(filterset.form, "cleaned_data", {}) or {}
    return data.get("from"), data.get("to")


class ActivePeriodMixin(django_filters.FilterSet):
    """`from`/`to`: rows whose term meets the period (the KPI convention, docs/figures.md);
    `active=true` keeps what is active today. `active_prefix` leads to the date range."""

    active_prefix = ""
    active = django_filters.BooleanFilter(method="filter_active", label=_("Active today"))
    # "from" is a Python keyword, so the two period filters are declared by name.
    locals()["from"] = django_filters.DateFilter(method="filter_period", label=_("From"))
    locals()["to"] = django_filters.DateFilter(method="filter_period", label=_("To"))

    def _range_q(self, start, end) -> Q:
        p = self.active_prefix
        # Through a relation, “no end” must not match rows that have no related row at all
        # (a LEFT JOIN gives NULLs there): require the related term to exist.
        q = Q(**{f"{p}start__isnull": False}) if p else Q()
        if start:
            q &= Q(**{f"{p}end__isnull": True}) | Q(**{f"{p}end__gte": start})
        if end:
            q &= Q(**{f"{p}start__lte": end})
        return q

    def filter_active(self, queryset, name, value):
        today = timezone.localdate()
        q = self._range_q(today, today)
        return queryset.filter(q).distinct() if value else queryset.exclude(q)

    def filter_period(self, queryset, name, value):
        return queryset  # both ends are applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start, end = self.form.cleaned_data.get("from"), self.form.cleaned_data.get("to")
        if start or end:
            queryset = queryset.filter(self._range_q(start, end)).distinct()
        return queryset
