"""The events resource (tianmu.core.resources): village–enterprise events with photos."""

from __future__ import annotations

import datetime

from ninja import Schema

from tianmu.core.resources import Calc, Many, Resource, Shape, ref, village_ref
from tianmu.events.filtersets import EventFilterSet
from tianmu.events.forms import EventForm
from tianmu.events.models import Event, EventPhoto
from tianmu.events.services import event_save
from tianmu.events.tables import EventTable
from tianmu.registry.models import Organization


def _photo_url(row) -> str:
    return EventPhoto._meta.get_field("image").storage.url(row["image"])


PHOTO = Shape(
    "EventPhotoOut",
    EventPhoto,
    {"id": None, "url": Calc(_photo_url, needs=("image",), type=str), "caption": None},
)


class EventIn(Schema):
    kind: str | None = None
    title: str | None = None
    date: datetime.date | None = None
    village: int | None = None
    alliance: int | None = None
    organizations: list[int] | None = None
    villagers_served: int | None = None
    description: str | None = None


def _save(user, form) -> Event:
    return event_save(
        user=user, event=form.instance, organizations=form.cleaned_data.get("organizations")
    )


EVENTS = Resource(
    model=Event,
    path="events",
    shape=Shape(
        "EventOut",
        Event,
        {
            "id": None,
            "kind": None,
            "title": None,
            "date": None,
            "village": village_ref(Event, "village"),
            "alliance": ref(Event, "alliance"),
            "organizations": Many("organizations", Shape.ref_of(Organization)),
            "villagers_served": None,
            "description": None,
            "photos": Many("photos", PHOTO, order_by=("pk",)),
        },
    ),
    filterset=EventFilterSet,
    form=EventForm,
    input_schema=EventIn,
    table=EventTable,
    natural_key=("date", "title", "village__area__code"),
    base_queryset=lambda user: Event.objects.select_related("village__area", "alliance"),
    save=_save,
    labels={
        "list": "List village–enterprise events",
        "detail": "Get an event",
        "create": "Record an event",
        "update": "Change an event",
        "delete": "Delete an event",
    },
)
