"""The write path every domain service shares: scope check, validation, save, all atomic.

`@service` is what makes a function a service: it runs the call in one transaction and
attributes every change in it to the call's `user`, so the change log names the same user
whether the service is called from a request, a background task, a command or a test.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction

from tianmu.core.context import attributed_to
from tianmu.core.scoping import can_create, editable_by

F = TypeVar("F", bound=Callable)


def service(fn: F | None = None, *, atomic: bool = True):
    """Make `fn` a domain service: one transaction, its changes attributed to its `user`.

    Zulip's actions take the acting user and write the audit row themselves, reading nothing
    from request state; this does the same for every service. `fn` must take `user` as a
    keyword-only argument: the middleware's actor is only a fallback naming the request, and
    `user=None` keeps whatever actor is current (the demo's "loaddemo", a script's "system").
    Nested services share the outer transaction and, for the same user, its request id.

    `atomic=False` is only for starting and executing a matching run, whose steps must commit
    as they go (its progress is shown while it solves, and an in-process solve must not hold
    a write transaction for its whole time limit); the calls are still attributed to the user.
    """

    def decorate(func: F) -> F:
        param = inspect.signature(func).parameters.get("user")
        if param is None or param.kind is not inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(f"{func.__qualname__}: a service takes `user` as a keyword argument")
        default = None if param.default is inspect.Parameter.empty else param.default

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            user = kwargs.get("user", default)
            block = transaction.atomic() if atomic else contextlib.nullcontext()
            with attributed_to(user), block:
                return func(*args, **kwargs)

        wrapper.is_service = True
        wrapper.atomic = atomic
        return wrapper  # type: ignore[return-value]

    return decorate(fn) if fn is not None else decorate


class NotFound(PermissionDenied):
    """The object is outside the user's scope; callers answer 404 so existence does not leak."""


def ensure_editable(user, instance: models.Model) -> None:
    if not editable_by(user, type(instance)).filter(pk=instance.pk).exists():
        raise NotFound()


def _save_or_refuse(instance: models.Model) -> None:
    """Save; a database constraint that fires (a concurrent write got there first, past
    the checks full_clean ran) becomes a ValidationError instead of a server error."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This conflicts with a record saved at the same time; reload and try again.")
        ) from exc


@service
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
    it rolls everything back, change log included. The period lock is checked the same way:
    the record as stored and as changed must both lie in open months.
    """
    from tianmu.core.periodlocks import check_period_lock

    with transaction.atomic(), attributed_to(user):
        model = type(instance)
        if instance.pk is None or instance._state.adding:
            if not can_create(user, model):
                raise NotFound()
        else:
            ensure_editable(user, instance)
            if hasattr(instance, "workflow_date"):  # the month it is in now must be open too
                stored = model._default_manager.filter(pk=instance.pk).first()
                if stored is not None:
                    check_period_lock(stored)
        instance.full_clean(exclude=exclude)
        check_period_lock(instance)
        _save_or_refuse(instance)
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        ensure_editable(user, instance)
    return instance


@service
def object_delete(*, user, instance: models.Model) -> None:
    """Delete one object the user may edit; protected references become a ValidationError."""
    from django.core.exceptions import ValidationError
    from django.db.models import ProtectedError
    from django.utils.translation import gettext as _

    from tianmu.core.periodlocks import check_period_lock

    with transaction.atomic(), attributed_to(user):
        ensure_editable(user, instance)
        if hasattr(instance, "workflow_date"):  # as stored, not as the caller last saw it
            stored = type(instance)._default_manager.filter(pk=instance.pk).first()
            check_period_lock(stored or instance)
        try:
            instance.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("“%(obj)s” is still used by other records and cannot be deleted.")
                % {"obj": instance}
            ) from exc
