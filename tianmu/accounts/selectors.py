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
