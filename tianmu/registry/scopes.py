"""Scope rules for the registry (see tianmu/core/scoping.py for the mechanism)."""

from __future__ import annotations

from django.db.models import Q

from tianmu.core.roles import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.registry.models import Area, ChamberMembership, Organization, Village, VillageIncome

ADMINS = {Role.ADMIN}


def _org_alliance_villages(scope: Scope) -> Q:
    """Villages ever paired with an alliance the user's organisation belongs to."""
    return Q(pairings__alliance__members__organization=scope.organization)


def village_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("area")
    return _org_alliance_villages(scope)


def village_editable(scope: Scope) -> Q:
    if scope.is_area:  # admins, town officers and village cadres keep their villages' profiles
        return scope.area_q("area")
    return NOTHING


def area_visible(scope: Scope) -> Q:
    """An area-scoped user sees their subtree and the chain above it. An organisation's user
    sees its home town, the villages its alliances pair with, and the chains above them."""
    if scope.is_area:
        return scope.area_q("pk") | Q(pk__in=scope.area.ancestor_ids())
    anchors = list(
        Area.objects.filter(village__pairings__alliance__members__organization=scope.organization)
    )
    if scope.organization.home_town_id:
        anchors.append(scope.organization.home_town)
    ids = {a.pk for a in anchors}
    for a in anchors:
        ids.update(a.ancestor_ids())
    return Q(pk__in=ids)


def area_editable(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return scope.area_q("pk") & ~Q(pk=scope.area.pk)
    return NOTHING


def _organization_own(scope: Scope) -> Q:
    """Organisations that belong to the user's area: registered by it, or based in it."""
    return scope.area_q("registered_area") | scope.area_q("home_town")


def organization_visible(scope: Scope) -> Q:
    """Organisations see themselves and their fellow alliance members; village cadres the
    members of their village's alliances; other area staff what belongs to their area, what
    works there (pairings, service area) and, for county staff, what serves in their
    programmes. An organisation without a home town is not everyone's (ADR 0002)."""
    if scope.is_org:
        return Q(pk=scope.organization.pk) | Q(
            alliance_memberships__alliance__members__organization=scope.organization
        )
    if scope.role == Role.VILLAGE:
        return Q(alliance_memberships__alliance__pairings__village__area=scope.area)
    in_area = (
        _organization_own(scope)
        | Q(
            alliance_memberships__alliance__pairings__village__area__path__startswith=(
                scope.area.subtree_prefix()
            )
        )
        | Q(service_area__in=[scope.area.pk, *scope.area.ancestor_ids()])
        | scope.area_q("service_area")
    )
    if scope.role in (Role.ADMIN, Role.LEADER):
        # Admins and leaders also see what their programmes (in their area) use.
        in_area |= scope.area_q("alliance_memberships__alliance__program__area")
    return in_area


def organization_editable(scope: Scope) -> Q:
    """An organisation's own users keep their record; admins and town officers keep what
    belongs to their area. Serving in a programme or an area shows a record, never hands it
    over."""
    if scope.is_org:
        return Q(pk=scope.organization.pk)
    if scope.role in (Role.ADMIN, Role.TOWN):
        return _organization_own(scope)
    return NOTHING


register(Area, visible=area_visible, editable=area_editable, creators=ADMINS)
register(Village, visible=village_visible, editable=village_editable, creators=ADMINS)
register(
    VillageIncome,
    visible=lambda s: Q(village__in=Village.objects.filter(village_visible(s))),
    editable=lambda s: Q(village__in=Village.objects.filter(village_editable(s))),
)
register(
    Organization,
    visible=organization_visible,
    editable=organization_editable,
    creators={Role.ADMIN, Role.TOWN},
)
register(
    ChamberMembership,
    visible=lambda s: Q(chamber__in=Organization.objects.filter(organization_visible(s))),
    editable=lambda s: Q(chamber__in=Organization.objects.filter(organization_editable(s))),
)
