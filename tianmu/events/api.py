"""API for village–enterprise events (村企互动活动) and their photos (docs/events.md)."""

from __future__ import annotations

import datetime

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tianmu.core.api import (
    InvalidInput,
    Page,
    PageParams,
    Ref,
    VillageRef,
    bind_form,
    ensure_can_create,
    filter_parameters,
    filtered,
    get_editable_or_404,
    get_visible_or_404,
    paginate,
    payload_of,
    user_of,
)
from tianmu.core.scoping import visible_to
from tianmu.core.services import object_delete
from tianmu.events.filtersets import EventFilterSet
from tianmu.events.forms import EventForm, EventPhotoForm
from tianmu.events.models import Event
from tianmu.events.services import event_photo_add, event_save

router = Router(tags=["events"])


class PhotoOut(Schema):
    id: int
    url: str
    caption: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.image.url


class EventOut(Schema):
    id: int
    kind: str
    title: str
    date: datetime.date
    village: VillageRef
    alliance: Ref | None
    organizations: list[Ref]
    villagers_served: int
    description: str
    photos: list[PhotoOut]

    @staticmethod
    def resolve_organizations(obj):
        return list(obj.organizations.all())  # prefetched

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())  # prefetched


class EventIn(Schema):
    kind: str | None = None
    title: str | None = None
    date: datetime.date | None = None
    village: int | None = None
    alliance: int | None = None
    organizations: list[int] | None = None
    villagers_served: int | None = None
    description: str | None = None


class PhotoIn(Schema):
    caption: str = ""


def _events(user):
    return (
        visible_to(user, Event)
        .select_related("village__area", "alliance")
        .prefetch_related("organizations", "photos")
    )


def _write(user, form) -> Event:
    event = event_save(
        user=user, event=form.instance, organizations=form.cleaned_data.get("organizations")
    )
    return _events(user).get(pk=event.pk)


@router.get(
    "/events",
    response=Page[EventOut],
    openapi_extra=filter_parameters(EventFilterSet),
    summary="List village–enterprise events",
)
def event_list(request, page: Query[PageParams]):
    return paginate(filtered(request, EventFilterSet, _events(user_of(request))), page)


@router.get("/events/{int:pk}", response=EventOut, summary="Get an event")
def event_detail(request, pk: int):
    return get_visible_or_404(user_of(request), _events(user_of(request)), pk)


@router.post("/events", response={201: EventOut}, summary="Record an event")
def event_create(request, payload: EventIn):
    user = user_of(request)
    ensure_can_create(user, Event)
    return Status(201, _write(user, bind_form(EventForm, payload_of(payload), user=user)))


@router.patch("/events/{int:pk}", response=EventOut, summary="Change an event")
def event_update(request, pk: int, payload: EventIn):
    user = user_of(request)
    event = get_editable_or_404(user, Event, pk)
    form = bind_form(EventForm, payload_of(payload), user=user, instance=event, partial=True)
    return _write(user, form)


@router.delete("/events/{int:pk}", response={204: None}, summary="Delete an event")
def event_delete(request, pk: int):
    user = user_of(request)
    object_delete(user=user, instance=get_editable_or_404(user, Event, pk))
    return Status(204, None)


@router.post("/events/{int:pk}/photos", response={201: EventOut}, summary="Add a photo (multipart)")
def event_photo(request, pk: int, image: File[UploadedFile], caption: Form[PhotoIn] = None):
    user = user_of(request)
    event = get_editable_or_404(user, Event, pk)
    form = EventPhotoForm(
        data={"caption": caption.caption if caption else ""}, files={"image": image}
    )
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    event_photo_add(
        user=user, event=event, image=form.cleaned_data["image"],
        caption=form.cleaned_data["caption"],
    )  # fmt: skip
    return Status(201, _events(user).get(pk=pk))
