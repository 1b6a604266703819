"""The alliance figures, registered with the KPI registry (docs/figures.md): alliances, core
enterprises, enterprises and paired villages, each a stock of what is active in the period and
each the list it links to (its FilterSet counts it)."""

from __future__ import annotations

from tianmu.alliances.resources import ALLIANCES
from tianmu.core.kpis import register_list_kpi
from tianmu.registry.resources import ORGANIZATIONS, VILLAGES

register_list_kpi("alliances", link="alliances:alliance_list", resource=ALLIANCES, stock=True)
register_list_kpi(
    "core_enterprises",
    link="registry:organization_list",
    resource=ORGANIZATIONS,
    params={"alliance_role": "core"},
    stock=True,
    area_param="paired_area",
)
register_list_kpi(
    "enterprises",
    link="registry:organization_list",
    resource=ORGANIZATIONS,
    params={"kind": "enterprise", "in_alliance": "true"},
    stock=True,
    area_param="paired_area",
)
register_list_kpi(
    "villages_paired",
    link="registry:village_list",
    resource=VILLAGES,
    stock=True,
)
