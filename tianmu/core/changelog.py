"""Signal handlers that write ObjectChange rows (signals only for change logging: STYLE habit 3)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from tianmu.core import facts
from tianmu.core.context import current_actor
from tianmu.core.models import ChangeLogged, ObjectChange, snapshot


def _write(instance, action: str, before, after) -> None:
    facts.mark(type(instance), [instance], {instance.pk: before} if before else {})
    actor = current_actor()
    ObjectChange.objects.create(
        user_id=actor.user_id,
        user_name=actor.username,
        request_id=actor.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
    )


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLogged):
        return
    instance._changelog_before = instance.before_image()


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLogged):
        return
    after = snapshot(instance)
    before = None if created else getattr(instance, "_changelog_before", None)
    if not created and before is not None:
        changed = {k for k in after if after.get(k) != before.get(k)} - {"last_updated"}
        if not changed:
            return  # a save that changed nothing is not a change
    _write(
        instance,
        ObjectChange.Action.CREATE if created else ObjectChange.Action.UPDATE,
        before,
        after,
    )
    instance._loaded_snapshot = after


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLogged):
        return
    _write(instance, ObjectChange.Action.DELETE, snapshot(instance), None)


@receiver(m2m_changed)
def _log_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Record many-to-many edits as an update of the owning object's field."""
    if reverse or not isinstance(instance, ChangeLogged):
        return
    field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance._m2m_before = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        before = getattr(instance, "_m2m_before", [])
        after = sorted(getattr(instance, field.name).values_list("pk", flat=True))
        if before != after:
            _write(instance, ObjectChange.Action.UPDATE, {field.name: before}, {field.name: after})


def record_update(instance, before: dict | None) -> None:
    """Log an update made by a conditional `QuerySet.update()` (an atomic claim), which sends
    no signals: `before` is the row as it was read, `instance` holds the values written."""
    after = snapshot(instance)
    _write(instance, ObjectChange.Action.UPDATE, before, after)
    instance._loaded_snapshot = after
