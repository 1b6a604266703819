"""The events figure: a *flow*, events dated in [from, to] (all time when no date is given),
in the requested area (the event's village)."""

from __future__ import annotations

from tianmu.core.kpis import KpiContext, register_kpi
from tianmu.core.scoping import visible_to
from tianmu.events.models import Event


@register_kpi("events", link="events:event_list")
def events_count(ctx: KpiContext) -> int:
    """Village–enterprise events held in the period."""
    return (
        visible_to(ctx.user, Event)
        .filter(ctx.period.within_q("date"), ctx.area_q("village__area"))
        .count()
    )
