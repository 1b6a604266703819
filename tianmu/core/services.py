"""The write path every domain service shares: scope check, validation, save, all atomic."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from tianmu.core.context import attributed_to
from tianmu.core.scoping import can_create, editable_by


class NotFound(PermissionDenied):
    """The object is outside the user's scope; callers answer 404 so existence does not leak."""


def ensure_editable(user, instance: models.Model) -> None:
    if not editable_by(user, type(instance)).filter(pk=instance.pk).exists():
        raise NotFound()


def object_save(
    *,
    user,
    instance: models.Model,
    m2m: dict[str, Iterable] | None = None,
    exclude: list[str] | None = None,
) -> models.Model:
    """Validate and save one object on behalf of `user`.

    The scope check runs twice: before (may the user change this object at all) and after the
    save inside the same transaction (is the object, as changed, still theirs). The second check
    stops a town officer from creating a village in another town or moving one there; failing
    it rolls everything back, change log included.
    """
    with transaction.atomic(), attributed_to(user):
        model = type(instance)
        if instance.pk is None or instance._state.adding:
            if not can_create(user, model):
                raise NotFound()
        else:
            ensure_editable(user, instance)
        instance.full_clean(exclude=exclude)
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        ensure_editable(user, instance)
    return instance


def object_delete(*, user, instance: models.Model) -> None:
    """Delete one object the user may edit; protected references become a ValidationError."""
    from django.core.exceptions import ValidationError
    from django.db.models import ProtectedError
    from django.utils.translation import gettext as _

    with transaction.atomic(), attributed_to(user):
        ensure_editable(user, instance)
        try:
            instance.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("“%(obj)s” is still used by other records and cannot be deleted.")
                % {"obj": instance}
            ) from exc
