"""The alliance figures, registered with the KPI registry (docs/figures.md): alliances, core
enterprises, enterprises and paired villages, each a stock of what is active in the period and
each the list it links to (its FilterSet counts it).

Also the rule that credits a village's record to an alliance, for breakdowns
(docs/figures.md#breakdowns): the alliance whose pairing of that village was active on the
record's date (for a record without a date, in the period), the latest if several.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery

from tianmu.alliances.choices import MemberRole
from tianmu.alliances.models import Alliance, AllianceMember, Pairing
from tianmu.alliances.resources import ALLIANCES
from tianmu.core.kpis import KpiContext, Period, register_breakdown_hook, register_list_kpi
from tianmu.registry.resources import ORGANIZATIONS, VILLAGES


def _first_alliance(rows):
    rows = rows.filter(Alliance.counted_q("alliance__")).order_by("-start", "-pk")
    return Subquery(rows.values("alliance_id")[:1]), Subquery(rows.values("alliance__name")[:1])


def pairing_alliance(village: str, date: str | None, period: Period):
    """(id, name) of the alliance paired with the record's village when the record happened."""
    pairings = Pairing.objects.filter(village=OuterRef(village))
    if date:
        pairings = pairings.filter(start__lte=OuterRef(date)).filter(
            Q(end__isnull=True) | Q(end__gte=OuterRef(date))
        )
    else:
        pairings = pairings.filter(period.overlap_q())
    return _first_alliance(pairings)


def member_of(role: str | None = None):
    """An organisation is credited to the alliance it was a member of in the period."""

    def attribution(ctx: KpiContext):
        members = AllianceMember.objects.filter(ctx.period.overlap_q(), organization=OuterRef("pk"))
        if role:
            members = members.filter(role=role)
        return _first_alliance(members)

    return attribution


register_breakdown_hook("pairing", pairing_alliance)

register_list_kpi(
    "alliances", link="alliances:alliance_list", resource=ALLIANCES, stock=True, alliance=""
)
register_list_kpi(
    "core_enterprises",
    link="registry:organization_list",
    resource=ORGANIZATIONS,
    params={"alliance_role": "core"},
    stock=True,
    area_param="paired_area",
    enterprise="",
    alliance=member_of(MemberRole.CORE),
)
register_list_kpi(
    "enterprises",
    link="registry:organization_list",
    resource=ORGANIZATIONS,
    params={"kind": "enterprise", "in_alliance": "true"},
    stock=True,
    area_param="paired_area",
    enterprise="",
    alliance=member_of(),
)
register_list_kpi(
    "villages_paired",
    link="registry:village_list",
    resource=VILLAGES,
    stock=True,
    village="pk",
)
