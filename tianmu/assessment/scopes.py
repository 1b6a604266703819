"""Scope rules: a programme's thresholds, schemes and assessments are seen by whoever sees
the programme (its area's officers, its alliances' organisations) and changed by the
programme admins of its area (a county, a city or the province). Drafts of an assessment are
the admin's and the leader's until published."""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.alliances.models import Program
from tianmu.alliances.scopes import program_visible
from tianmu.assessment.choices import AssessmentStatus
from tianmu.assessment.models import Assessment, AssessmentScheme, IndicatorThreshold
from tianmu.core.scoping import NOTHING, Scope, register

ADMINS = {Role.ADMIN}


def _programs(scope: Scope, prefix: str = "") -> Q:
    return Q(**{f"{prefix}program__in": Program.objects.filter(program_visible(scope))})


def _admin(prefix: str = ""):
    def editable(scope: Scope) -> Q:
        if scope.role == Role.ADMIN:
            return scope.area_q(f"{prefix}program__area")
        return NOTHING

    return editable


def assessment_visible(scope: Scope) -> Q:
    q = _programs(scope, "scheme__")
    if scope.role in (Role.ADMIN, Role.LEADER):
        return q
    return q & Q(status=AssessmentStatus.PUBLISHED)


register(IndicatorThreshold, visible=_programs, editable=_admin(), creators=ADMINS)
register(AssessmentScheme, visible=_programs, editable=_admin(), creators=ADMINS)
register(Assessment, visible=assessment_visible, editable=_admin("scheme__"), creators=ADMINS)
