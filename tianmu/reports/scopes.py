"""Scope rules for kept reports: area staff see those of their area and the areas below it;
organisations see none (their reports are made on request, through the same scoping)."""

from __future__ import annotations

from django.db.models import Q

from tianmu.core.roles import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.reports.models import KeptReport


def kept_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("area")
    return NOTHING


register(
    KeptReport,
    visible=kept_visible,
    editable=lambda s: scope_admin(s),
    creators={Role.ADMIN, Role.LEADER, Role.TOWN},
)


def scope_admin(scope: Scope) -> Q:
    return scope.area_q("area") if scope.role in (Role.ADMIN, Role.LEADER, Role.TOWN) else NOTHING
