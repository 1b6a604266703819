"""Scope rules for accounts (see tianmu/core/scoping.py): who sees and revokes API tokens.

Everyone sees their own tokens; a programme admin also sees those of the users scoped to an
area of their county (superusers see all). Seeing a token is what allows revoking it
(`tokens_visible_to` adds a user's own tokens for the read-only roles).
"""

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.accounts.models import ApiToken
from tianmu.core.scoping import Scope, register


def token_visible(scope: Scope) -> Q:
    own = Q(user=scope.user)
    if scope.role == Role.ADMIN and scope.is_area:
        return own | scope.area_q("user__scope_area")
    return own


register(ApiToken, visible=token_visible, editable=token_visible)
