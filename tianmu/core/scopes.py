"""Scope rules for core models (the period lock)."""

from django.db.models import Q

from tianmu.core.roles import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.core.workflow import PeriodLock


def period_lock_visible(scope: Scope) -> Q:
    """Area roles see the locks that cover their area (its county's, its town's) and those
    inside it (a county's leader sees its towns' locks)."""
    if not scope.is_area:
        return NOTHING
    above = [*scope.area.ancestor_ids(), scope.area.pk]
    return Q(area_id__in=above) | scope.area_q("area")


register(
    PeriodLock,
    visible=period_lock_visible,
    # Programme admins lock and unlock their county and its towns.
    editable=lambda s: s.area_q("area") if s.role == Role.ADMIN else NOTHING,
    creators={Role.ADMIN},
)
