"""The FilterSet of the income-growth list (the list of the figure operating_income_growth_yuan)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tianmu.core.period_filters import add_period_filters
from tianmu.registry.filtersets import VillageIncomeFilterSet


class IncomeGrowthFilterSet(VillageIncomeFilterSet):
    """The village-incomes list's filters (`area`, `village`, `year`, and `from`/`to` by the
    year's 31 December), plus `growth=true`: rows that have a growth (the village reported
    operating income this year and the year before)."""

    growth = django_filters.BooleanFilter(
        method="filter_growth", label=_("With growth on the year before")
    )

    def filter_growth(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(growth_yuan__isnull=not value)


add_period_filters(IncomeGrowthFilterSet)  # the dates are applied by the parent's rule
