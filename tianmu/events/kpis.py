"""The events figure: a *flow*, events dated in [from, to] (all time when no date is given),
in the requested area (the event's village) — the length of the event list."""

from __future__ import annotations

from tianmu.core.facts import register_fact
from tianmu.core.kpis import register_list_kpi
from tianmu.events.resources import EVENTS

register_list_kpi(
    "events",
    link="events:event_list",
    resource=EVENTS,
    date="date",
    village="village",
    alliance="alliance",
)

register_fact("events")  # kept in the fact table (tianmu.core.facts)
