"""Scope rules for workshops, positions, people, placements and earnings.

Area roles see what lies in their area (a workshop by its linked villages or its town, a
person by their village). An enterprise sees its own workshops and their placements, and the
villagers of the villages its workshops are linked to (it needs them to report placements).
Banks see none of it. Personal-data access logs are for programme admins only: the uses of
their county's people and those made by their county's users.
"""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.employment.models import (
    MonthlyEarning,
    Person,
    PersonalDataAccess,
    Placement,
    Position,
    Workshop,
)


def _is_enterprise(scope: Scope) -> bool:
    return scope.is_org and scope.role == Role.ENTERPRISE


def workshop_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("villages__area") | scope.area_q("town")
    if _is_enterprise(scope):
        return Q(enterprise=scope.organization)
    return NOTHING


def workshop_editable(scope: Scope) -> Q:
    if scope.role in (Role.ADMIN, Role.TOWN):
        return workshop_visible(scope)
    if _is_enterprise(scope):
        return Q(enterprise=scope.organization)
    return NOTHING


def person_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("village__area")
    if _is_enterprise(scope):
        return Q(village__workshops__enterprise=scope.organization) | Q(
            placements__position__workshop__enterprise=scope.organization
        )
    return NOTHING


def person_editable(scope: Scope) -> Q:
    if scope.is_area:  # admins, town officers and village cadres register villagers
        return scope.area_q("village__area")
    return NOTHING


def placement_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("person__village__area")
    if _is_enterprise(scope):
        return Q(position__workshop__enterprise=scope.organization)
    return NOTHING


def placement_editable(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("person__village__area")
    if _is_enterprise(scope):
        return Q(position__workshop__enterprise=scope.organization)
    return NOTHING


WORKSHOP_CREATORS = {Role.ADMIN, Role.TOWN, Role.ENTERPRISE}
PLACEMENT_CREATORS = {Role.ADMIN, Role.TOWN, Role.VILLAGE, Role.ENTERPRISE}

register(Workshop, visible=workshop_visible, editable=workshop_editable, creators=WORKSHOP_CREATORS)
register(
    Position,
    visible=lambda s: Q(workshop__in=Workshop.objects.filter(workshop_visible(s))),
    editable=lambda s: Q(workshop__in=Workshop.objects.filter(workshop_editable(s))),
    creators=WORKSHOP_CREATORS,
)
register(
    Person,
    visible=person_visible,
    editable=person_editable,
    creators={Role.ADMIN, Role.TOWN, Role.VILLAGE},
)
register(
    Placement,
    visible=placement_visible,
    editable=placement_editable,
    creators=PLACEMENT_CREATORS,
)
register(
    MonthlyEarning,
    visible=lambda s: Q(placement__in=Placement.objects.filter(placement_visible(s))),
    editable=lambda s: Q(placement__in=Placement.objects.filter(placement_editable(s))),
    creators=PLACEMENT_CREATORS,
)


def access_visible(scope: Scope) -> Q:
    """Programme admins read the uses of their county's people and by their county's users
    (a search that found no one, or a refused duplicate, has no person)."""
    if scope.role != Role.ADMIN:
        return NOTHING
    return scope.area_q("person__village__area") | scope.area_q("user__scope_area")


register(
    PersonalDataAccess,
    visible=access_visible,
    editable=lambda s: NOTHING,
    creators=set(),
)
