"""API for projects: the projects with their sales and participating villages, the
participations (带动村) and the reviewed progress updates (docs/projects.md)."""

from __future__ import annotations

import datetime

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tianmu.core.api import (
    InvalidInput,
    ReasonIn,
    bind_form,
    get_editable_or_404,
    get_visible_or_404,
    payload_of,
    user_of,
)
from tianmu.core.resources import add_routes, one_of
from tianmu.core.scoping import visible_to
from tianmu.projects.forms import (
    ProjectUpdateForm,
    ProjectVillageForm,
    ReasonForm,
    UpdatePhotoForm,
)
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage, UpdatePhoto
from tianmu.projects.resources import (
    PARTICIPANT,
    PHOTO,
    PROJECT_UPDATES,
    PROJECT_VILLAGES,
    PROJECTS,
    UPDATE,
)
from tianmu.projects.services import (
    participant_remove,
    participant_save,
    update_approve,
    update_photo_add,
    update_return,
    update_save,
    update_submit,
)

router = Router(tags=["projects"])


class ParticipantIn(Schema):
    village: int | None = None
    supplies: str | None = None
    joined: datetime.date | None = None


class UpdateIn(Schema):
    date: datetime.date | None = None
    title: str | None = None
    text: str | None = None


class PhotoIn(Schema):
    caption: str = ""


for resource in (PROJECTS, PROJECT_VILLAGES, PROJECT_UPDATES):
    add_routes(router, resource)


# --- Participating villages -------------------------------------------------------------------


@router.post(
    "/projects/{int:project_id}/villages",
    response={201: PARTICIPANT.schema},
    summary="Add a participating village to a project",
)
def participant_create(request, project_id: int, payload: ParticipantIn):
    user = user_of(request)
    project = get_editable_or_404(user, Project, project_id)
    form = bind_form(ProjectVillageForm, payload_of(payload), user=user, project=project)
    participant = participant_save(user=user, participant=form.instance)
    return Status(201, one_of(PARTICIPANT, ProjectVillage.objects.all(), participant.pk))


@router.delete(
    "/projects/{int:project_id}/villages/{int:participant_id}",
    response={204: None},
    summary="Remove a participating village",
)
def participant_delete(request, project_id: int, participant_id: int):
    user = user_of(request)
    participant = get_editable_or_404(
        user,
        ProjectVillage.objects.filter(project_id=project_id),
        participant_id,
    )
    participant_remove(user=user, participant=participant)
    return Status(204, None)


# --- Progress updates -------------------------------------------------------------------------


def _update(user, pk) -> dict:
    return one_of(UPDATE, visible_to(user, ProjectUpdate), pk)


@router.post(
    "/projects/{int:project_id}/updates",
    response={201: UPDATE.schema},
    summary="Write a progress update (a draft)",
)
def update_create(request, project_id: int, payload: UpdateIn):
    user = user_of(request)
    project = get_editable_or_404(user, Project.objects.select_related("village__area"), project_id)
    form = bind_form(ProjectUpdateForm, payload_of(payload), user=user, project=project)
    update = update_save(user=user, update=form.instance)
    return Status(201, _update(user, update.pk))


@router.patch(
    "/project-updates/{int:update_id}",
    response=UPDATE.schema,
    summary="Change a draft or returned update",
)
def update_change(request, update_id: int, payload: UpdateIn):
    user = user_of(request)
    update = get_editable_or_404(user, ProjectUpdate.objects.select_related("project"), update_id)
    form = bind_form(
        ProjectUpdateForm,
        payload_of(payload),
        user=user,
        instance=update,
        partial=True,
        project=update.project,
    )
    update_save(user=user, update=form.instance)
    return _update(user, update.pk)


@router.post("/project-updates/{int:update_id}/submit", response=UPDATE.schema, summary="Submit")
def update_submit_view(request, update_id: int):
    user = user_of(request)
    update = get_visible_or_404(user, ProjectUpdate, update_id)
    update_submit(user=user, update=update)
    return _update(user, update.pk)


@router.post("/project-updates/{int:update_id}/approve", response=UPDATE.schema, summary="Approve")
def update_approve_view(request, update_id: int):
    user = user_of(request)
    update = get_visible_or_404(user, ProjectUpdate, update_id)
    update_approve(user=user, update=update)
    return _update(user, update.pk)


@router.post(
    "/project-updates/{int:update_id}/return",
    response=UPDATE.schema,
    summary="Return an update with a reason",
)
def update_return_view(request, update_id: int, payload: ReasonIn):
    user = user_of(request)
    update = get_visible_or_404(user, ProjectUpdate, update_id)
    form = ReasonForm(data=payload_of(payload))
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    update_return(user=user, update=update, reason=form.cleaned_data["reason"])
    return _update(user, update.pk)


@router.post(
    "/project-updates/{int:update_id}/photos",
    response={201: PHOTO.schema},
    summary="Add a photo to a draft or returned update (multipart)",
)
def update_photo_create(
    request, update_id: int, image: File[UploadedFile], caption: Form[PhotoIn] = None
):
    user = user_of(request)
    update = get_editable_or_404(
        user, ProjectUpdate.objects.select_related("project__village__area"), update_id
    )
    form = UpdatePhotoForm(
        data={"caption": caption.caption if caption else ""},
        files={"image": image},
        user=user,
        update=update,
    )
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    photo = update_photo_add(user=user, photo=form.instance)
    return Status(201, one_of(PHOTO, UpdatePhoto.objects.all(), photo.pk))
