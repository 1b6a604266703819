"""Scope rules for core models (the period lock)."""

from django.db.models import Q

from tianmu.core.roles import Role
from tianmu.core.scoping import NOTHING, register
from tianmu.core.workflow import PeriodLock

register(
    PeriodLock,
    visible=lambda s: Q(county_id=s.county_id) if s.is_area else NOTHING,
    editable=lambda s: Q(county=s.area) if s.role == Role.ADMIN else NOTHING,
    creators={Role.ADMIN},
)
