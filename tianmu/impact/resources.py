"""The income-growth list: every village's income by year with the growth of its operating
income on the year before (the list of the figure operating_income_growth_yuan)."""

from __future__ import annotations

from tianmu.core.resources import Resource, Shape, Val
from tianmu.impact.filtersets import IncomeGrowthFilterSet
from tianmu.impact.selectors import with_growth
from tianmu.impact.tables import IncomeGrowthTable
from tianmu.registry.models import VillageIncome
from tianmu.registry.resources import VILLAGE_INCOMES

INCOME_GROWTH = Resource(
    model=VillageIncome,
    path="village-income-growth",
    shape=Shape(
        "VillageIncomeGrowthOut",
        VillageIncome,
        {
            **VILLAGE_INCOMES.shape.fields,
            "previous_operating_yuan": Val(type=str),
            "growth_yuan": Val(type=str),
        },
    ),
    filterset=IncomeGrowthFilterSet,
    table=IncomeGrowthTable,
    operations=(),
    base_queryset=lambda user: with_growth(
        VillageIncome.objects.select_related("village__area__parent")
    ),
    page_prefix="incomes",
)
