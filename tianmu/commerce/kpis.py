"""The 共富购 figures, registered in tianmu.core.kpis (docs/commerce.md#figures).

- `purchase_income_yuan` (flow): confirmed payments for purchase orders, i.e. money the
  village collectives confirm they received, dated in the period; a confirmed correction
  replaces the payment it corrects. `area` narrows by the selling village.
- `purchase_income_reported_yuan` (flow): payments reported and awaiting confirmation; shown
  beside the confirmed figure, never added to it. Disputed payments are in neither.
"""

from __future__ import annotations

from tianmu.commerce.models import Payment
from tianmu.commerce.selectors import purchase_income
from tianmu.core.kpis import KpiContext, register_kpi
from tianmu.core.money import money_str
from tianmu.core.scoping import visible_to


def _payments(ctx: KpiContext):
    return visible_to(ctx.user, Payment).filter(
        ctx.period.within_q("date"), ctx.area_q("order__village__area")
    )


@register_kpi("purchase_income_yuan", link="commerce:payment_income")
def purchase_income_yuan(ctx: KpiContext) -> str:
    return money_str(purchase_income(_payments(ctx))[0])


@register_kpi("purchase_income_reported_yuan", link="commerce:payment_awaiting")
def purchase_income_reported_yuan(ctx: KpiContext) -> str:
    return money_str(purchase_income(_payments(ctx))[1])
