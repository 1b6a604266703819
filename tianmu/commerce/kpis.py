"""The 共富购 figures, registered in tianmu.core.kpis (docs/commerce.md#figures).

Each is the Sum of the payment list's amount column, through the payment FilterSet:
- `purchase_income_yuan` (flow): confirmed payments for purchase orders (`counted=true`), i.e.
  money the village collectives confirm they received, dated in the period; a confirmed
  correction replaces the payment it corrects. `area` narrows by the selling village.
- `purchase_income_reported_yuan` (flow): payments reported and awaiting confirmation
  (`confirmation=reported`); shown beside the confirmed figure, never added to it. Disputed
  payments are in neither.
"""

from __future__ import annotations

from tianmu.commerce.filtersets import PaymentFilterSet
from tianmu.commerce.models import Payment
from tianmu.core.facts import register_fact
from tianmu.core.kpis import register_list_kpi


def _payments(ctx):
    return Payment.objects.select_related("order__enterprise", "order__village__area")


register_list_kpi(
    "purchase_income_yuan",
    link="commerce:payment_income",
    filterset=PaymentFilterSet,
    params={"counted": "true"},
    queryset=_payments,
    amount="amount_yuan",
    date="date",
    village="order__village",
    enterprise="order__enterprise",
)
register_list_kpi(
    "purchase_income_reported_yuan",
    link="commerce:payment_awaiting",
    filterset=PaymentFilterSet,
    params={"confirmation": "reported"},
    queryset=_payments,
    amount="amount_yuan",
    date="date",
    village="order__village",
    enterprise="order__enterprise",
)

# Both are kept in the fact table (tianmu.core.facts): the payments of each village and day.
register_fact("purchase_income_yuan")
register_fact("purchase_income_reported_yuan")
