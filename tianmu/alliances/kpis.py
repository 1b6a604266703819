"""The alliance figures, registered with the KPI registry (docs/figures.md): alliances, core
enterprises, enterprises and paired villages, each a stock of what is active in the period."""

from __future__ import annotations

from tianmu.alliances.choices import MemberRole
from tianmu.alliances.models import AllianceMember, Pairing
from tianmu.core.kpis import KpiContext, register_kpi
from tianmu.core.scoping import visible_to


def _active_pairings(ctx: KpiContext):
    return visible_to(ctx.user, Pairing).filter(ctx.period.overlap_q(), ctx.area_q("village__area"))


def _active_members(ctx: KpiContext):
    """Memberships active in the period, of alliances paired (in the period) in the area."""
    alliance_ids = _active_pairings(ctx).values("alliance_id")
    return visible_to(ctx.user, AllianceMember).filter(
        ctx.period.overlap_q(), alliance_id__in=alliance_ids
    )


@register_kpi("alliances", link="alliances:alliance_list", stock=True)
def alliances_count(ctx: KpiContext) -> int:
    """Alliances with a pairing active in the period (in the area)."""
    return _active_pairings(ctx).values("alliance_id").distinct().count()


@register_kpi(
    "core_enterprises",
    link="registry:organization_list",
    params={"alliance_role": "core"},
    stock=True,
    area_param="paired_area",
)
def core_enterprises_count(ctx: KpiContext) -> int:
    """Distinct enterprises that are core members of those alliances in the period."""
    return (
        _active_members(ctx)
        .filter(role=MemberRole.CORE)
        .values("organization_id")
        .distinct()
        .count()
    )


@register_kpi(
    "enterprises",
    link="registry:organization_list",
    params={"kind": "enterprise", "in_alliance": "true"},
    stock=True,
    area_param="paired_area",
)
def enterprises_count(ctx: KpiContext) -> int:
    """Distinct enterprises in those alliances in any role (core or chamber member)."""
    return (
        _active_members(ctx)
        .filter(organization__kind="enterprise")
        .values("organization_id")
        .distinct()
        .count()
    )


@register_kpi("villages_paired", link="registry:village_list", stock=True)
def villages_paired_count(ctx: KpiContext) -> int:
    """Distinct villages with a pairing active in the period."""
    return _active_pairings(ctx).values("village_id").distinct().count()
