"""Scope rules for projects and what hangs off them (see tianmu/core/scoping.py).

Area roles see the projects of villages in their area and the projects their villages take
part in; an organisation sees its alliances' projects and those it has agreements or orders
with. Area roles (admin, town, village) keep their villages' projects; organisations read.
"""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.projects.models import (
    Project,
    ProjectDocument,
    ProjectUpdate,
    ProjectVillage,
    UpdatePhoto,
)

CREATORS = {Role.ADMIN, Role.TOWN, Role.VILLAGE}


def project_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("village__area") | scope.area_q("participants__village__area")
    org = scope.organization
    return (
        Q(alliance__members__organization=org)
        | Q(agreements__enterprise=org)
        | Q(purchase_orders__enterprise=org)
    )


def project_editable(scope: Scope) -> Q:
    if scope.is_area and scope.role in CREATORS:
        return scope.area_q("village__area")
    return NOTHING


def _via_project(rule):
    def q(scope: Scope) -> Q:
        inner = rule(scope)
        if inner is NOTHING:
            return NOTHING
        return Q(project__in=Project.objects.filter(inner).values("pk"))

    return q


register(Project, visible=project_visible, editable=project_editable, creators=CREATORS)
for _model in (ProjectVillage, ProjectDocument, ProjectUpdate):
    register(
        _model,
        visible=_via_project(project_visible),
        editable=_via_project(project_editable),
        creators=CREATORS,
    )


def _via_update(rule):
    def q(scope: Scope) -> Q:
        inner = rule(scope)
        if inner is NOTHING:
            return NOTHING
        return Q(update__project__in=Project.objects.filter(inner).values("pk"))

    return q


register(
    UpdatePhoto,
    visible=_via_update(project_visible),
    editable=_via_update(project_editable),
    creators=CREATORS,
)
