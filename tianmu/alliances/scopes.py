"""Scope rules for programmes, alliances, members and pairings.

A programme's area is a county, a city or the province. Its admins are the admins of that
area or above (a city admin edits the city's programmes and those of its counties); area
users see the programmes of their area, of the areas above it (a city programme reaches into
each of its counties) and below it. Admins and leaders see the alliances and pairings of the
programmes in their area, and those paired with a village of their area (a cross-county
programme's pairing is seen in the village's county too).
"""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.core.scoping import NOTHING, Scope, register

ADMINS = {Role.ADMIN}


def program_visible(scope: Scope) -> Q:
    if scope.is_area:
        return Q(area__in=scope.area.ancestor_ids()) | scope.area_q("area")
    return Q(alliances__members__organization=scope.organization)


def program_editable(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return scope.area_q("area")
    return NOTHING


def alliance_visible(scope: Scope) -> Q:
    if scope.role in (Role.ADMIN, Role.LEADER):
        return scope.area_q("program__area") | scope.area_q("pairings__village__area")
    if scope.is_area:  # town officers and village cadres: alliances paired in their area
        return scope.area_q("pairings__village__area")
    return Q(members__organization=scope.organization)


def alliance_editable(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return scope.area_q("program__area")
    return NOTHING


def pairing_visible(scope: Scope) -> Q:
    if scope.role in (Role.ADMIN, Role.LEADER):
        return scope.area_q("alliance__program__area") | scope.area_q("village__area")
    if scope.is_area:
        return scope.area_q("village__area")
    return Q(alliance__members__organization=scope.organization)


def pairing_editable(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return scope.area_q("alliance__program__area")
    return NOTHING


register(Program, visible=program_visible, editable=program_editable, creators=ADMINS)
register(Alliance, visible=alliance_visible, editable=alliance_editable, creators=ADMINS)
register(
    AllianceMember,
    visible=lambda s: Q(alliance__in=Alliance.objects.filter(alliance_visible(s))),
    editable=lambda s: Q(alliance__in=Alliance.objects.filter(alliance_editable(s))),
    creators=ADMINS,
)
register(Pairing, visible=pairing_visible, editable=pairing_editable, creators=ADMINS)
