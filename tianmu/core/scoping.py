"""Who may see and change what: the one mechanism every page, API endpoint and job uses.

Each domain model registers one rule (in its app's `scopes.py`): a function from the user's
`Scope` to a Q object for what they may read, and one for what they may change. Everything a
user can reach is fetched through `visible_to(user, Model)` or `editable_by(user, Model)`; an
object outside the scope is simply not found (callers answer 404, so existence does not leak).
`tianmu/core/tests/test_scoping.py` checks that every domain model has a rule and tries every
role against each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP

from tianmu.core.roles import Role

RuleFn = Callable[["Scope"], Q]


@dataclass(frozen=True)
class Rule:
    visible: RuleFn
    editable: RuleFn
    creators: frozenset[str] | None = None  # roles that may create; None: anyone who can edit


_RULES: dict[type[models.Model], Rule] = {}

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def register(
    model: type[models.Model],
    *,
    visible: RuleFn,
    editable: RuleFn,
    creators: frozenset[str] | set[str] | None = None,
) -> None:
    if model in _RULES:
        raise RuntimeError(f"{model.__name__} already has a scope rule")
    _RULES[model] = Rule(
        visible=visible,
        editable=editable,
        creators=frozenset(creators) if creators is not None else None,
    )


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


@dataclass
class Scope:
    """What a user's role and scope object mean for queries. Built once per user object."""

    user: object
    role: str
    area: object | None = None  # registry.Area for area roles
    organization: object | None = None  # registry.Organization for org roles
    _cache: dict = field(default_factory=dict)

    @property
    def is_all(self) -> bool:
        return self.role == Role.SUPERUSER

    @property
    def is_area(self) -> bool:
        return self.area is not None and self.role in (
            Role.ADMIN,
            Role.LEADER,
            Role.TOWN,
            Role.VILLAGE,
        )

    @property
    def is_org(self) -> bool:
        return self.organization is not None and self.role in (Role.ENTERPRISE, Role.BANK)

    @property
    def can_write(self) -> bool:
        return self.role != Role.LEADER

    @cached_property
    def county_id(self) -> int | None:
        """The county the user's area lies in (their own area for county roles)."""
        if not self.is_area:
            return None
        # The area answers itself: core knows no area model (registry is above core).
        return self.area.county_pk()

    def area_q(self, prefix: str) -> Q:
        """Rows whose area (reached through `prefix`; "pk" for Area itself) lies in the
        user's area subtree.

        Through a relation it is one condition on one column, `prefix IN (the subtree's
        ids)`: the database finds the subtree's few areas by the path index and then only
        their rows. The condition it replaces (`area = X OR area.path LIKE …`) spans two
        tables, so it had to be checked row by row against the whole table (ADR 0002).
        """
        sub = self.area.subtree_prefix()
        if prefix == "pk":
            return Q(pk=self.area.pk) | Q(path__startswith=sub)
        return Q(**{f"{prefix}__in": self.subtree_ids()})

    def subtree_ids(self):
        """The ids of the user's area and every area below it, as a subquery."""
        # The area's own class: core knows no area model (registry is above core).
        areas = type(self.area)._default_manager
        sub = self.area.subtree_prefix()
        return areas.filter(Q(pk=self.area.pk) | Q(path__startswith=sub)).order_by().values("pk")


def scope_for(user) -> Scope:
    """The user's Scope (cached on the user object for the request)."""
    cached = getattr(user, "_tianmu_scope", None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        scope = Scope(user=user, role="anonymous")
    elif user.is_superuser or user.role == Role.SUPERUSER:
        scope = Scope(user=user, role=Role.SUPERUSER)
    else:
        scope = Scope(
            user=user,
            role=user.role,
            area=user.scope_area if user.scope_area_id else None,
            organization=user.scope_organization if user.scope_organization_id else None,
        )
    if user is not None:
        user._tianmu_scope = scope
    return scope


def _rule(model: type[models.Model]) -> Rule:
    try:
        return _RULES[model]
    except KeyError:
        msg = f"{model.__name__} has no scope rule; add one to its app's scopes.py"
        raise LookupError(msg) from None


def _apply(user, model_or_qs, which: str) -> models.QuerySet:
    if isinstance(model_or_qs, models.QuerySet):
        qs, model = model_or_qs, model_or_qs.model
    else:
        model = model_or_qs
        qs = model._default_manager.all()
    scope = scope_for(user)
    if scope.is_all:
        return qs
    if not (scope.is_area or scope.is_org):
        return qs.none()  # anonymous, inactive, or a role without a valid scope object
    if which == "editable" and not scope.can_write:
        return qs.none()
    q = getattr(_rule(model), which)(scope)
    if q is NOTHING:
        return qs.none()
    if _single_valued(model, q):
        # Each row has at most one of everything the rule reaches: the rule filters the
        # rows themselves, and the database can stop at the page's last row.
        return qs.filter(q)
    # A subquery keeps rules that cross many-valued relations free of duplicate rows.
    return qs.filter(pk__in=model._default_manager.filter(q).values("pk"))


def _single_valued(model: type[models.Model], q: Q) -> bool:
    """Whether every lookup of `q` follows only forward relations (foreign keys, one-to-one)
    from `model`, so filtering by it cannot repeat a row. In doubt (an expression, a
    relation it cannot follow) it says no, and the caller keeps the subquery."""
    for child in q.children:
        if isinstance(child, Q):
            if not _single_valued(model, child):
                return False
            continue
        if not isinstance(child, tuple):
            return False
        current = model
        for part in child[0].split(LOOKUP_SEP):
            if part == "pk":
                break
            try:
                f = current._meta.get_field(part)
            except FieldDoesNotExist:
                break  # a lookup or a transform (in, startswith, year): the path ends here
            if not f.is_relation:
                break
            if f.many_to_many or f.one_to_many or f.related_model is None:
                return False
            current = f.related_model
    return True


def visible_to(user, model_or_qs) -> models.QuerySet:
    """What `user` may read of a model (or of a queryset of it)."""
    return _apply(user, model_or_qs, "visible")


def editable_by(user, model_or_qs) -> models.QuerySet:
    """What `user` may change of a model (or of a queryset of it)."""
    return _apply(user, model_or_qs, "editable")


def can_create(user, model: type[models.Model]) -> bool:
    """Whether the user may create objects of this model at all (the object's own
    placement — its village, alliance — is checked by the service against `editable_by`)."""
    scope = scope_for(user)
    if scope.is_all:
        return True
    if not scope.can_write or not (scope.is_area or scope.is_org):
        return False
    creators = _rule(model).creators
    return True if creators is None else scope.role in creators
