"""The figure of the impact app, registered in tianmu.core.kpis (docs/impact.md#figure).

`operating_income_growth_yuan` (flow): the Sum of the income-growth list's growth column —
for each village's income row whose year falls in the period (a year is dated 31 December),
its operating income minus the same village's operating income of the year before; rows
without the year before (or without operating income) have no growth and are not listed
(`growth=true`). `area` narrows by the village.
"""

from __future__ import annotations

from tianmu.core.kpis import register_list_kpi
from tianmu.impact.resources import INCOME_GROWTH

register_list_kpi(
    "operating_income_growth_yuan",
    link="impact:villageincome_list",
    resource=INCOME_GROWTH,
    params={"growth": "true"},
    amount="growth_yuan",
    date="year_end",
    village="village",  # a village's growth is its alliance's when paired on 31 December
)
