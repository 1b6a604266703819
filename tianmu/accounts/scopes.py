"""Scope rules for accounts (see tianmu/core/scoping.py): who sees and revokes API tokens.

Everyone sees their own tokens; a programme admin also sees those of the users scoped to an
area inside theirs — a county, a city or the province (superusers see all). Seeing a token
is what allows revoking it (`tokens_visible_to` adds a user's own tokens for the read-only
roles).
"""

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.accounts.models import ApiToken
from tianmu.core.scoping import Scope, register


def managed_users_q(scope: Scope, prefix: str = "") -> Q | None:
    """Users a programme admin manages: those scoped to an area inside theirs, and those
    scoped to an organisation that belongs to it (registered by it or based in it). None for
    every other role (superusers manage everyone)."""
    if scope.role != Role.ADMIN or not scope.is_area:
        return None
    return (
        scope.area_q(f"{prefix}scope_area")
        | scope.area_q(f"{prefix}scope_organization__registered_area")
        | scope.area_q(f"{prefix}scope_organization__home_town")
    )


def token_visible(scope: Scope) -> Q:
    own = Q(user=scope.user)
    managed = managed_users_q(scope, "user__")
    return own if managed is None else own | managed


register(ApiToken, visible=token_visible, editable=token_visible)
