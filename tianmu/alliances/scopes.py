"""Scope rules for programmes, alliances, members and pairings."""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.core.scoping import NOTHING, Scope, register

ADMINS = {Role.ADMIN}


def program_visible(scope: Scope) -> Q:
    if scope.is_area:
        return Q(county_id=scope.county_id)
    return Q(alliances__members__organization=scope.organization)


def program_editable(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return Q(county=scope.area)
    return NOTHING


def alliance_visible(scope: Scope) -> Q:
    if scope.role in (Role.ADMIN, Role.LEADER):
        return Q(program__county=scope.area)
    if scope.is_area:  # town officers and village cadres: alliances paired in their area
        return scope.area_q("pairings__village__area")
    return Q(members__organization=scope.organization)


def alliance_editable(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return Q(program__county=scope.area)
    return NOTHING


def pairing_visible(scope: Scope) -> Q:
    if scope.role in (Role.ADMIN, Role.LEADER):
        return Q(alliance__program__county=scope.area)
    if scope.is_area:
        return scope.area_q("village__area")
    return Q(alliance__members__organization=scope.organization)


register(Program, visible=program_visible, editable=program_editable, creators=ADMINS)
register(Alliance, visible=alliance_visible, editable=alliance_editable, creators=ADMINS)
register(
    AllianceMember,
    visible=lambda s: Q(alliance__in=Alliance.objects.filter(alliance_visible(s))),
    editable=lambda s: Q(alliance__in=Alliance.objects.filter(alliance_editable(s))),
    creators=ADMINS,
)
register(
    Pairing,
    visible=pairing_visible,
    editable=lambda s: Q(alliance__program__county=s.area) if s.role == Role.ADMIN else NOTHING,
    creators=ADMINS,
)
