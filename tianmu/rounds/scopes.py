"""Scope rules for reporting rounds.

Programme staff of the county see its rounds and every reporter; a town officer sees the
rounds with a reporter in the town and only those reporters (villages of the town,
organisations based there); a village cadre, an enterprise liaison or a bank officer sees the
rounds they are asked in and their own row. Programme admins open and close rounds; only the
reporter itself declares "nothing to report" (its own row is what it may change).
"""

from __future__ import annotations

from django.db.models import Q

from tianmu.core.roles import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.rounds.models import Round, RoundReporter

COUNTY_STAFF = (Role.ADMIN, Role.LEADER)


def reporter_visible(scope: Scope) -> Q:
    if scope.is_org:
        return Q(organization=scope.organization)
    if scope.role in COUNTY_STAFF:
        return scope.area_q("round__program__area")
    if scope.role == Role.VILLAGE:
        return Q(village__area=scope.area)
    # A town officer: the town's villages and the organisations based in the town.
    return scope.area_q("village__area") | scope.area_q("organization__home_town")


def reporter_editable(scope: Scope) -> Q:
    if scope.is_org:
        return Q(organization=scope.organization)
    if scope.role == Role.VILLAGE:
        return Q(village__area=scope.area)
    return NOTHING


def round_visible(scope: Scope) -> Q:
    if scope.is_area and scope.role in COUNTY_STAFF:
        return scope.area_q("program__area")
    return Q(reporters__in=RoundReporter.objects.filter(reporter_visible(scope)).values("pk"))


register(
    Round,
    visible=round_visible,
    editable=lambda s: s.area_q("program__area") if s.role == Role.ADMIN else NOTHING,
    creators={Role.ADMIN},
)
register(
    RoundReporter,
    visible=reporter_visible,
    editable=reporter_editable,
    creators={Role.ADMIN},
)
