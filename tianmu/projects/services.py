"""Writes for projects: the project itself, its participating villages, documents and the
reviewed progress updates. Each runs in one transaction through `object_save` (scope check,
full_clean, change log) and respects the period lock."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tianmu.core.services import ensure_editable, object_delete, object_save, service
from tianmu.core.workflow import (
    ReviewStatus,
    ensure_period_open,
    ensure_record_writable,
    review_approve,
    review_return,
    review_submit,
)
from tianmu.projects.choices import STATUS_ORDER
from tianmu.projects.models import (
    Project,
    ProjectDocument,
    ProjectUpdate,
    ProjectVillage,
    UpdatePhoto,
)


@service
def project_save(*, user, project: Project) -> Project:
    """Create or update a project. The lifecycle only moves forward (planned → building →
    operating → closed); going back is refused so figures keep their history."""
    before = (getattr(project, "_loaded_snapshot", None) or {}).get("status")
    if (
        before
        and project.status != before
        and STATUS_ORDER.index(project.status) < STATUS_ORDER.index(before)
    ):
        raise ValidationError(
            {
                "status": _("A project's status only moves forward (%(order)s).")
                % {"order": " → ".join(str(s.label) for s in STATUS_ORDER)}
            }
        )
    return object_save(user=user, instance=project)


@service
def participant_save(*, user, participant: ProjectVillage) -> ProjectVillage:
    ensure_editable(user, participant.project)
    return object_save(user=user, instance=participant)


@service
def participant_remove(*, user, participant: ProjectVillage) -> None:
    object_delete(user=user, instance=participant)


@service
def document_add(*, user, document: ProjectDocument) -> ProjectDocument:
    ensure_editable(user, document.project)
    return object_save(user=user, instance=document)


@service
def update_save(*, user, update: ProjectUpdate) -> ProjectUpdate:
    """Create or edit a progress update; only drafts and returned updates can be edited."""
    ensure_editable(user, update.project)
    if update.pk:
        ensure_editable(user, update)
        stored = ProjectUpdate.objects.get(pk=update.pk)
        _ensure_update_open(stored)  # its old date must not sit in a locked month either
        update.review_status = stored.review_status
    else:
        update.review_status = ReviewStatus.DRAFT
    ensure_period_open(date=update.date, area=update.project.village.area)
    return object_save(user=user, instance=update)


@service
def update_photo_add(*, user, photo: UpdatePhoto) -> UpdatePhoto:
    """Add a photo to a draft or returned update: photos are part of what the reviewer
    approves, so they change under the same rule as the text."""
    ensure_editable(user, photo.update)
    stored = ProjectUpdate.objects.select_related("project__village__area").get(pk=photo.update_id)
    _ensure_update_open(stored)
    return object_save(user=user, instance=photo)


def _ensure_update_open(update: ProjectUpdate) -> None:
    """Only drafts and returned updates change, and not in a locked month."""
    if update.review_status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        raise ValidationError(
            _("A “%(status)s” update cannot be edited.")
            % {"status": update.get_review_status_display()}
        )
    ensure_record_writable(update)


@service
def update_submit(*, user, update: ProjectUpdate) -> ProjectUpdate:
    return review_submit(user=user, obj=update)


@service
def update_approve(*, user, update: ProjectUpdate) -> ProjectUpdate:
    return review_approve(user=user, obj=update)


@service
def update_return(*, user, update: ProjectUpdate, reason: str) -> ProjectUpdate:
    return review_return(user=user, obj=update, reason=reason)
