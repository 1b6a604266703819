"""Bulk inserts that still write the change log: one ObjectChange row per created object.

`Model.objects.bulk_create` sends no signals, so the change log would miss the rows. Use
`bulk_create_logged` wherever many objects are created at once (the demo, imports, generated
schedules): the objects and their log rows go in with two batched INSERTs each, attributed to
the current actor (`tianmu.core.context`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from tianmu.core.context import current_actor
from tianmu.core.models import ObjectChange, snapshot


def bulk_create_logged(
    model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 2000
) -> list[models.Model]:
    """Insert `objs` (already validated by the caller) and log each as created. Rows dated in
    a locked month are refused (`check_period_lock`), as in `object_save`."""
    if not objs:
        return []
    from tianmu.core.periodlocks import PeriodLock, check_period_lock

    if PeriodLock.objects.exists():  # most databases have no lock: skip the per-row lookups
        for obj in objs:
            check_period_lock(obj)
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    with transaction.atomic():
        created = model._default_manager.bulk_create(objs, batch_size=batch_size)
        missing = [o for o in created if o.pk is None]
        if missing:  # a backend that cannot return ids from a bulk insert
            raise RuntimeError(f"bulk_create returned no ids for {model.__name__}")
        ObjectChange.objects.bulk_create(
            [
                ObjectChange(
                    user_id=actor.user_id,
                    user_name=actor.username,
                    request_id=actor.request_id,
                    action=ObjectChange.Action.CREATE,
                    content_type=content_type,
                    object_id=str(o.pk),
                    object_repr=str(o)[:200],
                    before=None,
                    after=snapshot(o),
                )
                for o in created
            ],
            batch_size=batch_size,
        )
    return created


def bulk_update_logged(
    model: type[models.Model],
    objs: Sequence[models.Model],
    fields: Sequence[str],
    before: dict,
    *,
    batch_size: int = 2000,
) -> None:
    """Update `fields` of `objs` (validated by the caller) and log each change, with the
    `before` snapshot of each (`{pk: snapshot}`, taken when it was read). Period locks are
    checked as in `bulk_create_logged`; `last_updated` is set as `save()` would."""
    if not objs:
        return
    from django.utils import timezone

    from tianmu.core.periodlocks import PeriodLock, check_period_lock

    if PeriodLock.objects.exists():
        for obj in objs:
            check_period_lock(obj)
    fields = list(fields)
    if any(f.name == "last_updated" for f in model._meta.concrete_fields):
        now = timezone.now()
        for obj in objs:
            obj.last_updated = now
        fields.append("last_updated")
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    with transaction.atomic():
        model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        ObjectChange.objects.bulk_create(
            [
                ObjectChange(
                    user_id=actor.user_id,
                    user_name=actor.username,
                    request_id=actor.request_id,
                    action=ObjectChange.Action.UPDATE,
                    content_type=content_type,
                    object_id=str(o.pk),
                    object_repr=str(o)[:200],
                    before=before.get(o.pk),
                    after=snapshot(o),
                )
                for o in objs
            ],
            batch_size=batch_size,
        )
