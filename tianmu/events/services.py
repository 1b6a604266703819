"""Writes for events and their photos; each runs in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tianmu.core.scoping import scope_for
from tianmu.core.services import ensure_editable, object_save, service
from tianmu.core.workflow import ensure_period_open, ensure_record_writable
from tianmu.events.models import Event, EventPhoto


@service
def event_save(*, user, event: Event, organizations=None) -> Event:
    """Create or change an event. An organisation's user must list their organisation (the
    scope check after the save enforces it)."""
    if event.pk is not None:
        stored = Event.objects.select_related("village__area").filter(pk=event.pk).first()
        if stored is not None:
            ensure_record_writable(stored)  # the month it was in must be open too
    ensure_period_open(date=event.date, area=event.workflow_area())
    scope = scope_for(user)
    listed = {o.pk for o in organizations or []}
    if scope.is_org and organizations is not None and scope.organization.pk not in listed:
        raise ValidationError(
            {"organizations": _("List your own organisation among the participants.")}
        )
    m2m = {"organizations": organizations} if organizations is not None else None
    return object_save(user=user, instance=event, m2m=m2m)


@service
def event_photo_add(*, user, event: Event, image, caption: str = "") -> EventPhoto:
    """Add a photo; an event dated in a locked month takes none (the photo has no date of its
    own, so the event's month decides)."""
    ensure_editable(user, event)
    ensure_record_writable(Event.objects.select_related("village__area").get(pk=event.pk))
    return object_save(user=user, instance=EventPhoto(event=event, image=image, caption=caption))
