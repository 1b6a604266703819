"""API for village–enterprise events (村企互动活动) and their photos (docs/events.md)."""

from __future__ import annotations

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tianmu.core.api import InvalidInput, get_editable_or_404, user_of
from tianmu.core.resources import add_routes
from tianmu.events.forms import EventPhotoForm
from tianmu.events.models import Event
from tianmu.events.resources import EVENTS
from tianmu.events.services import event_photo_add

router = Router(tags=["events"])


class PhotoIn(Schema):
    caption: str = ""


add_routes(router, EVENTS)


@router.post(
    "/events/{int:pk}/photos",
    response={201: EVENTS.shape.schema},
    summary="Add a photo (multipart)",
)
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
    return Status(201, EVENTS.one(user, pk))
