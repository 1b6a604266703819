"""`from` / `to` query parameters for FilterSets: the same names the KPI API takes, so a
figure's link can carry its period to the list of the records it counts.

`from` is a Python keyword, so the filters cannot be declared as class attributes; call
`add_period_filters()` after the class. With `field`, rows whose date falls in [from, to] (a
*flow*). Without, the filters only validate the dates and the FilterSet applies them itself
(a *stock*: see `period_of`).
"""

from __future__ import annotations

import datetime

import django_filters
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
