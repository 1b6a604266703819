"""Reads for accounts: the API tokens a user may list and revoke."""

from __future__ import annotations

from django.db.models import QuerySet

from tianmu.accounts.models import ApiToken, _hash
from tianmu.core.scoping import visible_to


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """Tokens `user` may list and revoke: their own, and (admins) those in their scope."""
    own = ApiToken.objects.filter(user=user)
    return (visible_to(user, ApiToken) | own).select_related("user").distinct()


def tokens_matching(user, given: str) -> list[ApiToken]:
    """The unrevoked tokens of `user` that `given` names: the whole key, or its 8-character
    prefix as listed (`tm_AbCdE`)."""
    given = given.strip()
    tokens = ApiToken.objects.filter(user=user, revoked__isnull=True)
    if len(given) > 8:
        return list(tokens.filter(key_hash=_hash(given)))
    if len(given) < 8:
        return []
    return list(tokens.filter(prefix=given))


def users_managed_by(user) -> QuerySet:
    """The users `user` may create, change, deactivate and reset: a superuser all, a programme
    admin those in their area (tianmu/accounts/scopes.py), nobody else none."""
    from tianmu.accounts.models import User
    from tianmu.accounts.scopes import managed_users_q
    from tianmu.core.scoping import scope_for

    scope = scope_for(user)
    if scope.is_all:
        return User.objects.all()
    q = managed_users_q(scope)
    if q is None:
        return User.objects.none()
    return User.objects.filter(q).exclude(is_superuser=True).distinct()


def may_manage_users(user) -> bool:
    from tianmu.core.roles import Role

    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.SUPERUSER, Role.ADMIN))
    )
