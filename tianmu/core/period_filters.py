"""`from` / `to` query parameters for FilterSets: the same names the KPI API takes, so a
figure's link can carry its period to the list of the records it counts.

The rules themselves live in `tianmu.core.periods`; this module puts them on FilterSets.

- `PeriodFilterSet`: the base of every FilterSet with `from`/`to`; its form rejects a `to`
  before `from` (a 400 naming `to` in the API, a message on the page). Either date alone is
  fine: it leaves that end of the period open.
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

from tianmu.core.periods import Period, period_errors, term_q


def _keep(queryset, name, value):
    return queryset


class _PeriodFormMixin:
    """Form check shared by every FilterSet with `from`/`to`: the end is not before the start."""

    def clean(self):
        data = super().clean()
        if "from" in self.fields and "to" in self.fields:
            for field, messages in period_errors(data.get("from"), data.get("to")).items():
                for message in messages:
                    self.add_error(field, message)
        return data


class PeriodFilterSet(django_filters.FilterSet):
    """A FilterSet whose form validates its period (see `_PeriodFormMixin`)."""

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (_PeriodFormMixin, form_class), {})


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


def stock_period_of(filterset) -> Period:
    """The period a stock filter applies: (from, to), or today when `active=true` or neither."""
    start, end = period_of(filterset)
    data = getattr(filterset.form, "cleaned_data", {}) or {}
    if data.get("active"):
        return Period(None, None)
    return Period(start, end)


class ActivePeriodMixin(PeriodFilterSet):
    """`from`/`to`: rows whose term meets the period (the KPI convention, docs/figures.md);
    `active=true` keeps what is active today. `active_prefix` leads to the date range.

    `active_area_filter` names the FilterSet's area filter when the area is a property of the
    same related row as the term (an alliance's pairing): "paired in the area *and* active in
    the period" must hold for one pairing, not for two different ones. `counted_q()` says what
    else a row needs to count as active (alliances: not a draft).
    """

    active_prefix = ""
    active_area_filter: str | None = None
    active = django_filters.BooleanFilter(method="filter_active", label=_("Active today"))
    # "from" is a Python keyword, so the two period filters are declared by name.
    locals()["from"] = django_filters.DateFilter(method="filter_period", label=_("From"))
    locals()["to"] = django_filters.DateFilter(method="filter_period", label=_("To"))

    def counted_q(self) -> Q:
        return Q()

    def _area_q(self) -> Q:
        if not self.active_area_filter:
            return Q()
        code = (self.form.cleaned_data.get(self.active_area_filter) or "").strip()
        if not code:
            return Q()
        # The area filter (registry's AreaCodeFilter) turns the code into rows of its subtree.
        return self.filters[self.active_area_filter].area_q(code)

    def _range_q(self, start, end) -> Q:
        return term_q(start, end, prefix=self.active_prefix) & self.counted_q() & self._area_q()

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
