"""Reads and filters of the change log for its browser (`/changes/`, `GET /api/v1/changes`).

Who reads it: programme admins and superusers (docs/deploy.md, “Audit trail”). What they read:
the changes of objects they may see — each registered model's `visible_to` — so an admin of
one county never sees another county's records through their history. A deleted object is
visible to no one but superusers any more, and so are its changes.
"""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ObjectChange
from tianmu.core.period_filters import PeriodFilterSet, add_period_filters
from tianmu.core.scoping import Role, registered_models, scope_for, visible_to


def may_read_change_log(user) -> bool:
    scope = scope_for(user)
    return scope.is_all or (scope.is_area and scope.role == Role.ADMIN)


def changes_visible_to(user, *, models=None) -> QuerySet:
    """The ObjectChange rows `user` may read (none for roles that do not read the log).

    `models` narrows the union to some models first (a `model=` filter), so the query does
    not carry one sub-select per registered model when one will do.
    """
    qs = ObjectChange.objects.select_related("content_type")
    if not may_read_change_log(user):
        return qs.none()
    if scope_for(user).is_all:
        return qs if models is None else qs.filter(content_type__in=_types(models))
    q = Q(pk__in=[])
    for model in models if models is not None else registered_models():
        if model not in registered_models():
            continue  # no scope rule: only superusers read its changes
        ids = visible_to(user, model).annotate(_id=Cast("pk", CharField())).values("_id")
        q |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return qs.filter(q)


def _types(models) -> list[ContentType]:
    return [ContentType.objects.get_for_model(m) for m in models]


def model_of(label: str):
    """A model from `app_label.model_name` or a bare model name; None if unknown/ambiguous."""
    label = (label or "").strip().lower()
    if "." in label:
        app_label, _, name = label.partition(".")
        found = ContentType.objects.filter(app_label=app_label, model=name)
    else:
        found = ContentType.objects.filter(model=label)
    found = [ct.model_class() for ct in found]
    found = [m for m in found if m is not None]
    return found[0] if len(found) == 1 else None


class ObjectChangeFilterSet(PeriodFilterSet):
    """`model` (`app_label.model_name` or the model name), `object_id`, `user` (a user
    name), `action`, `from`/`to` (dates of the change, inclusive)."""

    model = django_filters.CharFilter(method="filter_model", label=_("Model"))
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object id"))
    user = django_filters.CharFilter(field_name="user_name", label=_("User"))
    action = django_filters.ChoiceFilter(choices=ObjectChange.Action.choices, label=_("Action"))

    class Meta:
        model = ObjectChange
        fields = ["action"]

    def filter_model(self, queryset, name, value):
        model = model_of(value)
        if model is None:
            return queryset.none()  # an unknown model matches nothing, not everything
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))


add_period_filters(ObjectChangeFilterSet, field="time__date")
