"""Columns of the income-growth list page."""

from django.utils.translation import gettext_lazy as _

from tianmu.core.tables import Column, Table
from tianmu.registry.models import VillageIncome


class IncomeGrowthTable(Table):
    model = VillageIncome
    columns = (
        Column("village"),
        Column("village.area.parent", _("town")),
        Column("year", order="year"),
        Column("amount_yuan"),
        Column("previous_operating_yuan", _("operating income the year before"), kind="money"),
        Column("operating_yuan"),
        # The figure operating_income_growth_yuan is this column's total (docs/figures.md).
        Column("growth_yuan", _("growth of operating income"), kind="money", total="growth_yuan"),
    )
