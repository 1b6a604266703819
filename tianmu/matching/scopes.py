"""Scope rules for matching runs and proposals: the admins and leaders of the programme's area
(a county, a city or the province) and above see them; only its admins run the optimiser and
accept proposals."""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.matching.models import MatchingRun, Proposal

ADMINS = {Role.ADMIN}


def run_visible(scope: Scope) -> Q:
    if scope.role in (Role.ADMIN, Role.LEADER):
        return scope.area_q("program__area")
    return NOTHING


def run_editable(scope: Scope) -> Q:
    if scope.role == Role.ADMIN:
        return scope.area_q("program__area")
    return NOTHING


register(MatchingRun, visible=run_visible, editable=run_editable, creators=ADMINS)
register(
    Proposal,
    visible=lambda s: Q(run__in=MatchingRun.objects.filter(run_visible(s))),
    editable=lambda s: Q(run__in=MatchingRun.objects.filter(run_editable(s))),
    creators=ADMINS,
)
