"""Scope rules for events: area roles by the event's village; organisations for the events
they took part in or that their alliances held. Banks and enterprises may record the events
they took part in (the service checks the organisation is listed)."""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.core.scoping import NOTHING, Scope, register
from tianmu.events.models import Event, EventPhoto


def event_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("village__area")
    return Q(organizations=scope.organization) | Q(
        alliance__members__organization=scope.organization
    )


def event_editable(scope: Scope) -> Q:
    if scope.role in (Role.ADMIN, Role.TOWN, Role.VILLAGE):
        return scope.area_q("village__area")
    if scope.is_org:
        return Q(organizations=scope.organization)
    return NOTHING


register(
    Event,
    visible=event_visible,
    editable=event_editable,
    creators={Role.ADMIN, Role.TOWN, Role.VILLAGE, Role.ENTERPRISE, Role.BANK},
)
register(
    EventPhoto,
    visible=lambda s: Q(event__in=Event.objects.filter(event_visible(s))),
    editable=lambda s: Q(event__in=Event.objects.filter(event_editable(s))),
    creators={Role.ADMIN, Role.TOWN, Role.VILLAGE, Role.ENTERPRISE, Role.BANK},
)
